//! The image-capture controls through the public API, checked against the fake camera's own
//! view of its controls (its handle): what reaches the device, in which units, all or nothing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use imagecapture_core::constraints::MediaTrackConstraints;
use imagecapture_core::controls::Control;
use imagecapture_core::{
    ErrorName, ImageBitmapTrait, ImageCaptureTrait, MediaDevicesTrait, MediaStreamConstraints,
    MediaStreamTrackTrait, MeteringMode,
};
use imagecapture_native::fake::{FakeCamera, FakeCameraConfig, FakeCameraHandle, FakeControls};
use imagecapture_native::{ImageCapture, MediaDevices, MediaStreamTrack, v4l2};
use pollster::block_on;

fn parse(json: &str) -> MediaTrackConstraints {
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"))
}

fn camera(controls: FakeControls) -> (MediaDevices, FakeCameraHandle) {
    let camera = FakeCamera::new(FakeCameraConfig::default().with_controls(controls));
    let handle = camera.handle();
    (MediaDevices::with_fake_camera(camera), handle)
}

fn open(devices: &MediaDevices, video: &str) -> MediaStreamTrack {
    let constraints = MediaStreamConstraints::video_with(parse(video));
    block_on(devices.get_user_media(&constraints))
        .unwrap_or_else(|e| panic!("getUserMedia({video}): {e}"))
        .video_track()
        .unwrap()
}

#[test]
fn apply_constraints_reaches_the_device_in_its_units() {
    let (devices, handle) = camera(FakeControls::full());
    let track = open(&devices, "{}");
    block_on(track.apply_constraints(&parse(
        r#"{"zoom": 2.5, "exposureTime": 120, "exposureCompensation": -1.5, "focusMode": "manual",
            "focusDistance": 40, "torch": true, "pan": -7200, "iso": 800}"#,
    )))
    .unwrap();
    assert_eq!(handle.control(v4l2::ZOOM_ABSOLUTE), Some(250));
    assert_eq!(
        handle.control(v4l2::EXPOSURE_AUTO),
        Some(v4l2::EXPOSURE_MANUAL)
    );
    assert_eq!(handle.control(v4l2::EXPOSURE_ABSOLUTE), Some(120));
    assert_eq!(handle.control(v4l2::AUTO_EXPOSURE_BIAS), Some(-1500));
    assert_eq!(handle.control(v4l2::FOCUS_AUTO), Some(0));
    assert_eq!(handle.control(v4l2::FOCUS_ABSOLUTE), Some(40));
    assert_eq!(
        handle.control(v4l2::FLASH_LED_MODE),
        Some(v4l2::FLASH_LED_MODE_TORCH)
    );
    assert_eq!(handle.control(v4l2::PAN_ABSOLUTE), Some(-7200));
    assert_eq!(handle.control(v4l2::ISO_SENSITIVITY), Some(800));
    let s = track.get_settings();
    assert_eq!(s.zoom, Some(2.5));
    assert_eq!(s.exposure_mode, Some(MeteringMode::Manual));
    assert_eq!(s.exposure_compensation, Some(-1.5));
    assert_eq!(s.torch, Some(true));
    // Back to automatic: the device's own automatic entry.
    block_on(track.apply_constraints(&parse(
        r#"{"exposureMode": "continuous", "focusMode": "continuous"}"#,
    )))
    .unwrap();
    assert_eq!(
        handle.control(v4l2::EXPOSURE_AUTO),
        Some(v4l2::EXPOSURE_APERTURE_PRIORITY)
    );
    assert_eq!(handle.control(v4l2::FOCUS_AUTO), Some(1));
    track.stop();
}

#[test]
fn a_refused_call_changes_nothing_on_the_device() {
    let (devices, handle) = camera(FakeControls::full());
    let track = open(&devices, "{}");
    let before = track.get_settings();
    let changes = handle.control_changes();
    let e = block_on(track.apply_constraints(&parse(
        r#"{"zoom": 3, "brightness": {"exact": 300}, "width": 1280}"#,
    )))
    .unwrap_err();
    assert_eq!(e.name(), ErrorName::Overconstrained);
    assert_eq!(e.constraint(), Some("brightness"));
    assert_eq!(track.get_settings(), before);
    assert_eq!(
        handle.control_changes(),
        changes,
        "a refused call wrote to the device"
    );
    assert_eq!(handle.control(v4l2::ZOOM_ABSOLUTE), Some(100));
    track.stop();
}

#[test]
fn get_user_media_applies_image_capture_constraints_too() {
    let (devices, handle) = camera(FakeControls::webcam());
    let track = open(
        &devices,
        r#"{"zoom": {"exact": 2}, "pan": true, "whiteBalanceMode": "manual"}"#,
    );
    assert_eq!(track.get_settings().zoom, Some(2.0));
    assert_eq!(handle.control(v4l2::ZOOM_ABSOLUTE), Some(200));
    assert_eq!(handle.control(v4l2::AUTO_WHITE_BALANCE), Some(0));
    track.stop();
    let constraints = MediaStreamConstraints::video_with(parse(r#"{"torch": {"exact": true}}"#));
    let e = block_on(devices.get_user_media(&constraints)).unwrap_err();
    assert_eq!(e.constraint(), Some("torch"));
    // And a camera without controls opens with none.
    let (devices, _) = camera(FakeControls::none());
    let track = open(&devices, r#"{"zoom": 2}"#);
    assert_eq!(track.get_settings().zoom, None);
    assert_eq!(track.get_capabilities().exposure_mode, None);
    track.stop();
}

#[test]
fn constraints_on_controls_alone_keep_the_format() {
    let (devices, _) = camera(FakeControls::webcam());
    let track = open(&devices, r#"{"width": {"exact": 1280}}"#);
    block_on(track.apply_constraints(&parse(r#"{"advanced": [{"zoom": 2}]}"#))).unwrap();
    let s = track.get_settings();
    assert_eq!((s.width, s.zoom), (Some(1280), Some(2.0)));
    block_on(track.apply_constraints(&parse(r#"{"brightness": 10}"#))).unwrap();
    assert_eq!(track.get_settings().width, Some(1280));
    // A format member among them: the format is selected again.
    block_on(track.apply_constraints(&parse(r#"{"frameRate": 30, "zoom": 1}"#))).unwrap();
    assert_eq!(track.get_settings().width, Some(640));
    track.stop();
}

#[test]
fn supported_constraints_list_every_mapped_member() {
    let (devices, _) = camera(FakeControls::none());
    let supported = devices.get_supported_constraints();
    for control in Control::ALL {
        assert_eq!(
            control.is_supported_in(&supported),
            control != Control::PointsOfInterest,
            "{}",
            control.name()
        );
    }
    assert_eq!(supported.width, Some(true));
}

#[test]
fn a_grab_after_a_change_shows_it() {
    let (devices, _) = camera(FakeControls::webcam());
    let track = open(&devices, "{}");
    let capture = ImageCapture::new(track.clone()).unwrap();
    let mean = |rgba: &[u8]| rgba.iter().map(|&b| f64::from(b)).sum::<f64>() / rgba.len() as f64;
    let before = block_on(capture.grab_frame()).unwrap();
    block_on(track.apply_constraints(&parse(r#"{"brightness": {"exact": 0}}"#))).unwrap();
    // The very next grab: no frame from before the change is handed out.
    let after = block_on(capture.grab_frame()).unwrap();
    assert!(
        mean(after.pixels()) + 30.0 < mean(before.pixels()),
        "{} → {}",
        mean(before.pixels()),
        mean(after.pixels())
    );
    assert_eq!((after.width(), after.height()), (640, 480));
    track.stop();
}

#[test]
fn digital_zoom_is_opt_in_and_only_without_an_optical_zoom() {
    let plain = FakeControls::webcam()
        .without(v4l2::ZOOM_ABSOLUTE)
        .without(v4l2::PAN_ABSOLUTE)
        .without(v4l2::TILT_ABSOLUTE);
    let (devices, _) = camera(plain.clone());
    let track = open(&devices, "{}");
    assert_eq!(track.get_capabilities().zoom, None);
    track.stop();
    let devices = devices.with_digital_zoom(true);
    let track = open(&devices, r#"{"zoom": 2}"#);
    let caps = track.get_capabilities();
    assert_eq!(caps.zoom.and_then(|z| z.max), Some(4.0));
    assert_eq!(caps.pan.and_then(|p| p.max), Some(648_000.0));
    assert_eq!(track.get_settings().zoom, Some(2.0));
    block_on(track.apply_constraints(&parse(r#"{"zoom": {"exact": 3.5}, "tilt": -3600}"#)))
        .unwrap();
    assert_eq!(track.get_settings().zoom, Some(3.5));
    assert_eq!(track.get_settings().tilt, Some(-3600.0));
    let e = block_on(track.apply_constraints(&parse(r#"{"zoom": {"exact": 5}}"#))).unwrap_err();
    assert_eq!(e.constraint(), Some("zoom"));
    track.stop();
    // A camera with its own zoom keeps it.
    let (devices, _) = camera(FakeControls::webcam());
    let track = open(&devices.with_digital_zoom(true), "{}");
    assert_eq!(track.get_capabilities().zoom.and_then(|z| z.max), Some(5.0));
    track.stop();
}
