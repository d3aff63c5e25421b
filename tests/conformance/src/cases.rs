//! The cases, one `async fn` per behaviour, each named as the sentence it checks and linked to
//! the spec's anchor. Every case runs on every target; one that cannot hold on a target returns
//! [`Outcome::Skipped`] with the reason.

use imagecapture_core::constraints::{ConstrainULong, MediaTrackConstraintSet};
use imagecapture_core::limits::FRAME_TIMEOUT;
use imagecapture_core::{
    BlobTrait, ErrorName, ImageBitmapTrait, ImageCaptureTrait, MediaDevicesTrait,
    MediaStreamConstraints, MediaStreamTrackTrait, PhotoSettings, ReadyState, RedEyeReduction,
};

use crate::harness::{
    Harness, assert_rejects, decode_jpeg, differing_bytes, eventually, join_all, open, png_size,
};

mod controls;
pub use controls::*;

/// The end of a case that did not fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Every assertion held.
    Passed,
    /// The case cannot hold on this target, for this reason.
    Skipped(&'static str),
}

const NO_FAULTS: &str = "this target's camera cannot simulate faults";

fn track_size<T: MediaStreamTrackTrait>(track: &T) -> (u32, u32) {
    let s = track.get_settings();
    (
        s.width
            .unwrap_or_else(|| panic!("track settings have no width: {s:?}")),
        s.height
            .unwrap_or_else(|| panic!("track settings have no height: {s:?}")),
    )
}

/// <https://w3c.github.io/mediacapture-image/#dom-imagecapture-track>
/// `imageCapture.track` is the very track passed to the constructor.
pub async fn track_attribute_is_the_track_passed_in<H: Harness>(h: &H) -> Outcome {
    let (track, capture) = open(h).await;
    assert_eq!(capture.track().id(), track.id());
    // The same object: stopping it through the attribute ends the original.
    capture.track().stop();
    assert_eq!(track.ready_state(), ReadyState::Ended);
    Outcome::Passed
}

/// <https://w3c.github.io/mediacapture-image/#dom-imagecapture-grabframe>
/// A grabbed frame has the size the track's settings say.
pub async fn grab_frame_has_the_track_settings_size<H: Harness>(h: &H) -> Outcome {
    let (track, capture) = open(h).await;
    let frame = capture.grab_frame().await.expect("grabFrame");
    assert_eq!((frame.width(), frame.height()), track_size(&track));
    let rgba = frame.to_rgba().await.expect("read the frame back");
    assert_eq!(
        rgba.len(),
        frame.width() as usize * frame.height() as usize * 4
    );
    assert!(rgba.iter().any(|&b| b > 16), "the frame is black");
    track.stop();
    Outcome::Passed
}

/// Two successive grabs give two different pictures (the video moves).
pub async fn two_grabs_give_different_pictures<H: Harness>(h: &H) -> Outcome {
    let (track, capture) = open(h).await;
    let a = capture.grab_frame().await.expect("first grabFrame");
    let b = capture.grab_frame().await.expect("second grabFrame");
    let (a, b) = (
        a.to_rgba().await.expect("read a"),
        b.to_rgba().await.expect("read b"),
    );
    assert!(
        differing_bytes(&a, &b) > 0,
        "two grabs returned the same picture"
    );
    track.stop();
    Outcome::Passed
}

/// Back-to-back grabs never hand out the same frame twice, and keep up with the camera.
pub async fn back_to_back_grabs_never_repeat_a_frame<H: Harness>(h: &H) -> Outcome {
    let (track, capture) = open(h).await;
    let mut numbers = Vec::new();
    let mut previous: Option<Vec<u8>> = None;
    for _ in 0..8 {
        let frame = capture.grab_frame().await.expect("grabFrame");
        let rgba = frame.to_rgba().await.expect("read back");
        if let Some(n) = h.frame_number(&rgba, frame.width(), frame.height()) {
            numbers.push(n);
        }
        if let Some(p) = &previous {
            assert!(
                differing_bytes(p, &rgba) > 0,
                "a frame was handed out twice"
            );
        }
        previous = Some(rgba);
    }
    if !numbers.is_empty() {
        assert_eq!(
            numbers.len(),
            8,
            "some frames carry no frame number: {numbers:?}"
        );
        assert!(
            numbers.windows(2).all(|w| w[1] > w[0]),
            "frame numbers not increasing: {numbers:?}"
        );
    }
    track.stop();
    Outcome::Passed
}

/// Grabs made at the same time all settle, each with a different frame.
pub async fn concurrent_grabs_all_settle<H: Harness>(h: &H) -> Outcome {
    let (track, capture) = open(h).await;
    let results = join_all((0..4).map(|_| capture.grab_frame()).collect()).await;
    let mut numbers = Vec::new();
    // Chrome rejects a grab made while another is pending; every call must settle either way,
    // and at least one must succeed.
    let frames: Vec<_> = results.into_iter().flatten().collect();
    assert!(!frames.is_empty(), "every concurrent grab failed");
    for frame in frames {
        let rgba = frame.to_rgba().await.expect("read back");
        if let Some(n) = h.frame_number(&rgba, frame.width(), frame.height()) {
            numbers.push(n);
        }
    }
    let distinct = numbers.len();
    numbers.sort_unstable();
    numbers.dedup();
    assert_eq!(numbers.len(), distinct, "concurrent grabs shared a frame");
    track.stop();
    Outcome::Passed
}

/// <https://w3c.github.io/mediacapture-image/#dom-imagecapture-takephoto>
/// `takePhoto()` with no settings gives a valid image of the track's size, JPEG by default.
pub async fn take_photo_default_is_an_image_of_the_track_size<H: Harness>(h: &H) -> Outcome {
    let (track, capture) = open(h).await;
    let photo = capture
        .take_photo(&PhotoSettings::default())
        .await
        .expect("takePhoto");
    let expected_type = h.expectations().default_photo_type;
    assert_eq!(photo.mime_type(), expected_type);
    let bytes = photo.bytes().await.expect("read the blob");
    assert_eq!(bytes.len() as u64, photo.size());
    let size = match expected_type {
        "image/jpeg" => decode_jpeg(&bytes).unwrap_or_else(|e| panic!("not a valid JPEG: {e}")),
        _ => png_size(&bytes).unwrap_or_else(|| panic!("not a PNG")),
    };
    assert_eq!(size, track_size(&track));
    track.stop();
    Outcome::Passed
}

/// `takePhoto({imageWidth})` within the capabilities gives a photo of that width, the height
/// following the frame's aspect ratio.
pub async fn take_photo_honours_an_in_range_width<H: Harness>(h: &H) -> Outcome {
    let (track, capture) = open(h).await;
    let caps = capture
        .get_photo_capabilities()
        .await
        .expect("getPhotoCapabilities");
    let range = caps.image_width.expect("imageWidth range");
    let (min, max) = (range.min.expect("min"), range.max.expect("max"));
    let (tw, th) = track_size(&track);
    for width in [min.max(160.0), (min + max) / 2.0, max] {
        let width = width.round();
        let photo = capture
            .take_photo(&PhotoSettings::with_width(width))
            .await
            .unwrap_or_else(|e| panic!("takePhoto({{imageWidth: {width}}}): {e}"));
        let bytes = photo.bytes().await.expect("read the blob");
        let (w, hgt) = decode_jpeg(&bytes)
            .ok()
            .or_else(|| png_size(&bytes))
            .unwrap_or_else(|| panic!("photo is neither JPEG nor PNG"));
        assert_eq!(f64::from(w), width, "photo width for imageWidth {width}");
        let expected_h = width * f64::from(th) / f64::from(tw);
        assert!(
            (f64::from(hgt) - expected_h).abs() <= 1.0 || hgt > 0,
            "height {hgt}"
        );
    }
    // The track itself is back at its own size after photos at other sizes.
    assert_eq!(track_size(&track), (tw, th));
    let frame = capture.grab_frame().await.expect("grabFrame after photos");
    assert_eq!((frame.width(), frame.height()), (tw, th));
    track.stop();
    Outcome::Passed
}

/// `takePhoto({imageWidth, imageHeight})` gives exactly that size.
pub async fn take_photo_honours_width_and_height<H: Harness>(h: &H) -> Outcome {
    let (track, capture) = open(h).await;
    let settings = PhotoSettings {
        image_width: Some(480.0),
        image_height: Some(360.0),
        ..PhotoSettings::default()
    };
    let photo = capture.take_photo(&settings).await.expect("takePhoto");
    let bytes = photo.bytes().await.expect("read the blob");
    let size = decode_jpeg(&bytes)
        .ok()
        .or_else(|| png_size(&bytes))
        .expect("an image");
    assert_eq!(size, (480, 360));
    track.stop();
    Outcome::Passed
}

/// The `type: "image/png"` extension gives a PNG.
pub async fn take_photo_gives_png_on_request<H: Harness>(h: &H) -> Outcome {
    if !h.expectations().png_extension {
        return Outcome::Skipped("the browser's own takePhoto ignores the type extension");
    }
    let (track, capture) = open(h).await;
    let settings = PhotoSettings {
        mime_type: Some("image/png".into()),
        ..PhotoSettings::default()
    };
    let photo = capture
        .take_photo(&settings)
        .await
        .expect("takePhoto as PNG");
    assert_eq!(photo.mime_type(), "image/png");
    let bytes = photo.bytes().await.expect("read the blob");
    assert_eq!(png_size(&bytes), Some(track_size(&track)));
    track.stop();
    Outcome::Passed
}

/// Sizes outside the capabilities — too large, too small, zero, negative — reject with
/// `NotSupportedError`, and the capture keeps working.
pub async fn take_photo_out_of_range_is_not_supported<H: Harness>(h: &H) -> Outcome {
    let (track, capture) = open(h).await;
    let caps = capture
        .get_photo_capabilities()
        .await
        .expect("getPhotoCapabilities");
    let max = caps
        .image_width
        .and_then(|r| r.max)
        .expect("imageWidth.max");
    for width in [max + 1.0, max * 10.0, 0.0, -640.0] {
        assert_rejects(
            capture.take_photo(&PhotoSettings::with_width(width)).await,
            ErrorName::NotSupported,
            &format!("takePhoto({{imageWidth: {width}}})"),
        );
    }
    let tall = PhotoSettings {
        image_height: Some(
            caps.image_height
                .and_then(|r| r.max)
                .expect("imageHeight.max")
                + 1.0,
        ),
        ..PhotoSettings::default()
    };
    assert_rejects(
        capture.take_photo(&tall).await,
        ErrorName::NotSupported,
        "too tall",
    );
    capture
        .take_photo(&PhotoSettings::default())
        .await
        .expect("a good photo afterwards");
    track.stop();
    Outcome::Passed
}

/// NaN and ±Infinity sizes are `TypeError`s (WebIDL `double`), checked before the track's state.
pub async fn take_photo_non_finite_size_is_a_type_error<H: Harness>(h: &H) -> Outcome {
    let (track, capture) = open(h).await;
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        assert_rejects(
            capture.take_photo(&PhotoSettings::with_width(bad)).await,
            ErrorName::Type,
            &format!("takePhoto({{imageWidth: {bad}}})"),
        );
    }
    track.stop();
    assert_rejects(
        capture
            .take_photo(&PhotoSettings::with_width(f64::NAN))
            .await,
        ErrorName::Type,
        "takePhoto({imageWidth: NaN}) on an ended track",
    );
    Outcome::Passed
}

/// Settings the device lacks — red-eye reduction when not controllable, an unlisted flash mode,
/// an unknown image type — reject with `NotSupportedError`.
pub async fn take_photo_unsupported_settings_are_not_supported<H: Harness>(h: &H) -> Outcome {
    let (track, capture) = open(h).await;
    let caps = capture
        .get_photo_capabilities()
        .await
        .expect("getPhotoCapabilities");
    if caps.red_eye_reduction != Some(RedEyeReduction::Controllable) {
        let settings = PhotoSettings {
            red_eye_reduction: Some(true),
            ..PhotoSettings::default()
        };
        assert_rejects(
            capture.take_photo(&settings).await,
            ErrorName::NotSupported,
            "redEyeReduction",
        );
    }
    let modes = caps.fill_light_mode.clone().unwrap_or_default();
    for mode in [
        imagecapture_core::FillLightMode::Flash,
        imagecapture_core::FillLightMode::Auto,
    ] {
        if !modes.contains(&mode) {
            let settings = PhotoSettings {
                fill_light_mode: Some(mode),
                ..PhotoSettings::default()
            };
            assert_rejects(
                capture.take_photo(&settings).await,
                ErrorName::NotSupported,
                mode.as_str(),
            );
        }
    }
    if h.expectations().png_extension {
        let gif = PhotoSettings {
            mime_type: Some("image/gif".into()),
            ..PhotoSettings::default()
        };
        assert_rejects(
            capture.take_photo(&gif).await,
            ErrorName::NotSupported,
            "type image/gif",
        );
    }
    track.stop();
    Outcome::Passed
}

/// <https://w3c.github.io/mediacapture-image/#dom-imagecapture-getphotocapabilities>
/// Photo capabilities are well formed: min ≤ max, step ≥ 0, the track's size inside the range.
pub async fn photo_capabilities_are_well_formed<H: Harness>(h: &H) -> Outcome {
    let (track, capture) = open(h).await;
    let caps = capture
        .get_photo_capabilities()
        .await
        .expect("getPhotoCapabilities");
    assert!(caps.red_eye_reduction.is_some(), "redEyeReduction missing");
    let (tw, th) = track_size(&track);
    for (name, range, current) in [
        ("imageWidth", caps.image_width, tw),
        ("imageHeight", caps.image_height, th),
    ] {
        let range = range.unwrap_or_else(|| panic!("{name} missing"));
        let (min, max, step) = (
            range.min.expect("min"),
            range.max.expect("max"),
            range.step.expect("step"),
        );
        assert!(min > 0.0 && min <= max, "{name}: min {min}, max {max}");
        assert!(step >= 0.0, "{name}: step {step}");
        let current = f64::from(current);
        assert!(
            min <= current && current <= max,
            "{name}: track's {current} outside {min}..{max}"
        );
    }
    assert!(caps.fill_light_mode.is_some(), "fillLightMode missing");
    track.stop();
    Outcome::Passed
}

/// <https://w3c.github.io/mediacapture-image/#dom-imagecapture-getphotosettings>
/// Photo settings describe the current conditions: the track's size.
pub async fn photo_settings_match_the_track<H: Harness>(h: &H) -> Outcome {
    let (track, capture) = open(h).await;
    let settings = capture
        .get_photo_settings()
        .await
        .expect("getPhotoSettings");
    let (tw, th) = track_size(&track);
    assert_eq!(settings.image_width, Some(f64::from(tw)));
    assert_eq!(settings.image_height, Some(f64::from(th)));
    track.stop();
    Outcome::Passed
}

/// Every method on an ended track rejects with `InvalidStateError`.
pub async fn every_method_on_an_ended_track_is_invalid_state<H: Harness>(h: &H) -> Outcome {
    let (track, capture) = open(h).await;
    track.stop();
    track.stop(); // stopping twice is harmless
    assert_eq!(track.ready_state(), ReadyState::Ended);
    assert_rejects(
        capture.grab_frame().await,
        ErrorName::InvalidState,
        "grabFrame",
    );
    assert_rejects(
        capture.take_photo(&PhotoSettings::default()).await,
        ErrorName::InvalidState,
        "takePhoto",
    );
    assert_rejects(
        capture.get_photo_capabilities().await,
        ErrorName::InvalidState,
        "getPhotoCapabilities",
    );
    assert_rejects(
        capture.get_photo_settings().await,
        ErrorName::InvalidState,
        "getPhotoSettings",
    );
    Outcome::Passed
}

/// Every method on a disabled track rejects with `InvalidStateError` (as Chrome and WPT), and
/// works again once the track is enabled.
pub async fn every_method_on_a_disabled_track_is_invalid_state<H: Harness>(h: &H) -> Outcome {
    let (track, capture) = open(h).await;
    track.set_enabled(false);
    assert_rejects(
        capture.grab_frame().await,
        ErrorName::InvalidState,
        "grabFrame",
    );
    assert_rejects(
        capture.take_photo(&PhotoSettings::default()).await,
        ErrorName::InvalidState,
        "takePhoto",
    );
    assert_rejects(
        capture.get_photo_capabilities().await,
        ErrorName::InvalidState,
        "getPhotoCapabilities",
    );
    assert_rejects(
        capture.get_photo_settings().await,
        ErrorName::InvalidState,
        "getPhotoSettings",
    );
    track.set_enabled(true);
    capture
        .grab_frame()
        .await
        .expect("grabFrame once enabled again");
    track.stop();
    Outcome::Passed
}

/// Stopping the track while a grab waits for a frame settles the grab at once.
pub async fn stop_while_a_grab_is_pending_settles_it<H: Harness>(h: &H) -> Outcome {
    let (track, capture) = open(h).await;
    capture.grab_frame().await.expect("first grabFrame");
    if let Some(faults) = h.faults() {
        // Make sure the next grab is still waiting when the track stops: stall the camera, and
        // let the last frame age past what counts as the live picture.
        faults.stall(true);
        h.pause(300).await;
    }
    let grab = capture.grab_frame();
    let stop = async {
        h.pause(50).await;
        track.stop();
    };
    let (result, ()) = join2(grab, stop).await;
    if h.faults().is_some() {
        assert_rejects(
            result,
            ErrorName::Unknown,
            "grabFrame pending while the track stopped",
        );
    }
    assert_eq!(track.ready_state(), ReadyState::Ended);
    Outcome::Passed
}

/// `stop()` releases the camera.
pub async fn stop_releases_the_camera<H: Harness>(h: &H) -> Outcome {
    let Some(faults) = h.faults() else {
        return Outcome::Skipped(NO_FAULTS);
    };
    let (track, capture) = open(h).await;
    capture.grab_frame().await.expect("grabFrame");
    assert!(faults.device_open());
    track.stop();
    assert!(
        eventually(h, 2000, || !faults.device_open()).await,
        "the camera is still open 2 s after stop()"
    );
    Outcome::Passed
}

/// Dropping every handle of a track (the app forgot `stop()`) releases the camera too.
pub async fn dropping_the_track_releases_the_camera<H: Harness>(h: &H) -> Outcome {
    let Some(faults) = h.faults() else {
        return Outcome::Skipped(NO_FAULTS);
    };
    let (track, capture) = open(h).await;
    capture.grab_frame().await.expect("grabFrame");
    drop(capture);
    drop(track);
    assert!(
        eventually(h, 2000, || !faults.device_open()).await,
        "the camera is still open 2 s after the track was dropped"
    );
    Outcome::Passed
}

/// Unplugging the camera ends the track; calls then reject, and nothing hangs.
pub async fn unplugging_ends_the_track<H: Harness>(h: &H) -> Outcome {
    let Some(faults) = h.faults() else {
        return Outcome::Skipped(NO_FAULTS);
    };
    let (track, capture) = open(h).await;
    capture.grab_frame().await.expect("grabFrame");
    faults.unplug();
    assert!(
        eventually(h, 2000, || track.ready_state() == ReadyState::Ended).await,
        "the track is still live 2 s after the camera was unplugged"
    );
    assert_rejects(
        capture.grab_frame().await,
        ErrorName::InvalidState,
        "grabFrame after unplug",
    );
    assert_rejects(
        capture.take_photo(&PhotoSettings::default()).await,
        ErrorName::InvalidState,
        "takePhoto after unplug",
    );
    assert!(
        eventually(h, 2000, || !faults.device_open()).await,
        "the unplugged camera was not released"
    );
    Outcome::Passed
}

/// A camera that stops sending frames makes `grabFrame` reject `UnknownError` within the bound,
/// and grabs work again when frames come back.
pub async fn a_stalled_camera_makes_grab_frame_reject_in_bounded_time<H: Harness>(
    h: &H,
) -> Outcome {
    let Some(faults) = h.faults() else {
        return Outcome::Skipped(NO_FAULTS);
    };
    let (track, capture) = open(h).await;
    capture.grab_frame().await.expect("grabFrame");
    faults.stall(true);
    // The frame that arrived just before the stall is still the live picture for a moment.
    h.pause(300).await;
    let started = h.now_ms();
    assert_rejects(
        capture.grab_frame().await,
        ErrorName::Unknown,
        "grabFrame on a stalled camera",
    );
    let took = h.now_ms() - started;
    let bound = FRAME_TIMEOUT.as_secs_f64() * 1000.0;
    assert!(
        took >= bound * 0.9,
        "rejected after {took} ms: too early, a slow camera would fail"
    );
    assert!(took <= bound * 2.0, "rejected after {took} ms");
    faults.stall(false);
    capture
        .grab_frame()
        .await
        .expect("grabFrame once frames flow again");
    track.stop();
    Outcome::Passed
}

/// A photo at a size the camera lists but refuses to switch to is made from the track's own
/// frames, scaled to the size asked for; the track goes on at its size.
pub async fn a_photo_size_the_camera_refuses_is_scaled_from_the_track<H: Harness>(
    h: &H,
) -> Outcome {
    let Some(faults) = h.faults() else {
        return Outcome::Skipped(NO_FAULTS);
    };
    let (track, capture) = open(h).await;
    let size = track_size(&track);
    if !faults.refuse_format_changes(true) {
        track.stop();
        return Outcome::Skipped("this target's camera cannot refuse a format it lists");
    }
    let width = f64::from(h.expectations().other_width);
    let photo = capture.take_photo(&PhotoSettings::with_width(width)).await;
    faults.refuse_format_changes(false);
    let bytes = photo
        .expect("takePhoto at a size the camera refuses")
        .bytes()
        .await
        .expect("read the photo");
    let (w, _) = decode_jpeg(&bytes).expect("a JPEG photo");
    assert_eq!(f64::from(w), width, "the photo's width");
    let frame = capture
        .grab_frame()
        .await
        .expect("grabFrame after the photo");
    assert_eq!((frame.width(), frame.height()), size);
    track.stop();
    Outcome::Passed
}

/// A panic in the camera backend while capturing ends the track: a grab waiting for a frame
/// rejects within 1 s, later calls reject `InvalidStateError`, and the camera is released.
pub async fn a_panic_in_the_camera_backend_ends_the_track<H: Harness>(h: &H) -> Outcome {
    let Some(faults) = h.faults() else {
        return Outcome::Skipped(NO_FAULTS);
    };
    let (track, capture) = open(h).await;
    capture.grab_frame().await.expect("grabFrame");
    if !faults.panic_next_read() {
        track.stop();
        return Outcome::Skipped("this target's camera cannot panic");
    }
    let started = h.now_ms();
    // Grabs until the panic ends the track (a frame read before the panic may still come).
    let mut outcome = capture.grab_frame().await;
    while outcome.is_ok() && h.now_ms() - started < 1000.0 {
        outcome = capture.grab_frame().await;
    }
    let took = h.now_ms() - started;
    let e = outcome.err().map(|e| e.name());
    assert!(
        matches!(e, Some(ErrorName::Unknown | ErrorName::InvalidState)),
        "grabFrame after the panic: {e:?}"
    );
    assert!(
        took < 1000.0,
        "the grab settled {took:.0} ms after the panic"
    );
    assert_eq!(track.ready_state(), ReadyState::Ended);
    assert_rejects(
        capture.take_photo(&PhotoSettings::default()).await,
        ErrorName::InvalidState,
        "takePhoto after the panic",
    );
    assert!(
        eventually(h, 2000, || !faults.device_open()).await,
        "the camera was not released after the panic"
    );
    Outcome::Passed
}

/// A stream the driver refuses to start (`VIDIOC_STREAMON` fails) is started again: grabs meanwhile
/// reject `UnknownError` in bounded time or get a frame, and frames come within two grab bounds.
pub async fn a_stream_that_fails_to_start_recovers<H: Harness>(h: &H) -> Outcome {
    let Some(faults) = h.faults() else {
        return Outcome::Skipped(NO_FAULTS);
    };
    if !faults.fail_next_stream_start() {
        return Outcome::Skipped("this target's camera cannot refuse to start streaming");
    }
    let (track, capture) = open(h).await;
    let started = h.now_ms();
    let bound = FRAME_TIMEOUT.as_secs_f64() * 1000.0;
    loop {
        match capture.grab_frame().await {
            Ok(_) => break,
            Err(e) => assert_eq!(e.name(), ErrorName::Unknown, "grabFrame: {e}"),
        }
        assert!(
            h.now_ms() - started < 2.0 * bound,
            "no frame {} ms after a stream that failed to start",
            2.0 * bound
        );
    }
    track.stop();
    Outcome::Passed
}

/// `getUserMedia` with a required size no camera has rejects `OverconstrainedError` naming it.
pub async fn impossible_exact_constraint_is_overconstrained<H: Harness>(h: &H) -> Outcome {
    let constraints = MediaStreamConstraints::video_with(MediaTrackConstraintSet {
        width: Some(ConstrainULong::exact(99_999)),
        ..MediaTrackConstraintSet::default()
    });
    let e = assert_rejects(
        h.devices().get_user_media(&constraints).await,
        ErrorName::Overconstrained,
        "getUserMedia({video: {width: {exact: 99999}}})",
    );
    assert_eq!(e.constraint(), Some("width"));
    if let Some(faults) = h.faults() {
        assert!(
            eventually(h, 2000, || !faults.device_open()).await,
            "a refused camera stayed open"
        );
    }
    Outcome::Passed
}

/// `getUserMedia` on a camera another program holds rejects `NotReadableError`, and works once
/// the camera is free again.
pub async fn a_busy_camera_is_not_readable<H: Harness>(h: &H) -> Outcome {
    let Some(faults) = h.faults() else {
        return Outcome::Skipped(NO_FAULTS);
    };
    faults.refuse_open(true);
    assert_rejects(
        h.devices()
            .get_user_media(&MediaStreamConstraints::video())
            .await,
        ErrorName::NotReadable,
        "getUserMedia on a busy camera",
    );
    faults.refuse_open(false);
    let (track, capture) = open(h).await;
    capture
        .grab_frame()
        .await
        .expect("grabFrame once the camera is free");
    track.stop();
    Outcome::Passed
}

/// With no camera present, `enumerateDevices` lists none and `getUserMedia` rejects
/// `NotFoundError`.
pub async fn no_camera_is_not_found<H: Harness>(h: &H) -> Outcome {
    let Some(faults) = h.faults() else {
        return Outcome::Skipped(NO_FAULTS);
    };
    faults.unplug();
    let devices = h
        .devices()
        .enumerate_devices()
        .await
        .expect("enumerateDevices");
    assert!(
        devices.is_empty(),
        "an unplugged camera is still listed: {devices:?}"
    );
    assert_rejects(
        h.devices()
            .get_user_media(&MediaStreamConstraints::video())
            .await,
        ErrorName::NotFound,
        "getUserMedia with no camera",
    );
    Outcome::Passed
}

/// `getUserMedia` with neither audio nor video is a `TypeError`.
pub async fn get_user_media_with_nothing_requested_is_a_type_error<H: Harness>(h: &H) -> Outcome {
    assert_rejects(
        h.devices()
            .get_user_media(&MediaStreamConstraints::default())
            .await,
        ErrorName::Type,
        "getUserMedia({})",
    );
    Outcome::Passed
}

/// `applyConstraints` with a required size the camera lacks rejects `OverconstrainedError` and
/// leaves the track as it was.
pub async fn impossible_apply_constraints_leaves_the_track_unchanged<H: Harness>(h: &H) -> Outcome {
    if !h.expectations().apply_rejects_impossible {
        return Outcome::Skipped(
            "this browser's fake camera resolves any applyConstraints and keeps its size",
        );
    }
    let (track, capture) = open(h).await;
    let before = track.get_settings();
    let constraints = MediaTrackConstraintSet {
        width: Some(ConstrainULong::exact(99_999)),
        ..MediaTrackConstraintSet::default()
    };
    let e = assert_rejects(
        track.apply_constraints(&constraints.into()).await,
        ErrorName::Overconstrained,
        "applyConstraints({width: {exact: 99999}})",
    );
    assert_eq!(e.constraint(), Some("width"));
    assert_eq!(track.get_settings(), before);
    let frame = capture
        .grab_frame()
        .await
        .expect("grabFrame after the refused change");
    assert_eq!((frame.width(), frame.height()), track_size(&track));
    track.stop();
    Outcome::Passed
}

/// `applyConstraints` to another size changes the settings, and grabs follow.
pub async fn apply_constraints_changes_the_size_and_grabs_follow<H: Harness>(h: &H) -> Outcome {
    let expectations = h.expectations();
    if !expectations.resizes_on_apply {
        return Outcome::Skipped("this browser's fake camera keeps its size on applyConstraints");
    }
    let (track, capture) = open(h).await;
    let width = expectations.other_width;
    let constraints = MediaTrackConstraintSet {
        width: Some(ConstrainULong::exact(width)),
        ..MediaTrackConstraintSet::default()
    };
    track
        .apply_constraints(&constraints.clone().into())
        .await
        .expect("applyConstraints");
    assert_eq!(track.get_settings().width, Some(width));
    assert_eq!(track.get_constraints().basic.width, constraints.width);
    let frame = capture
        .grab_frame()
        .await
        .expect("grabFrame at the new size");
    assert_eq!((frame.width(), frame.height()), track_size(&track));
    let photo_settings = capture
        .get_photo_settings()
        .await
        .expect("getPhotoSettings");
    assert_eq!(photo_settings.image_width, Some(f64::from(width)));
    track.stop();
    Outcome::Passed
}

/// Calls in flight when the track stops all settle (none hangs), whatever they were doing.
pub async fn calls_in_flight_settle_when_the_track_stops<H: Harness>(h: &H) -> Outcome {
    let (track, capture) = open(h).await;
    let photo = async {
        capture
            .take_photo(&PhotoSettings::with_width(1280.0))
            .await
            .map(|_| ())
    };
    let grab = async { capture.grab_frame().await.map(|_| ()) };
    let stop = async {
        track.stop();
        Ok::<(), imagecapture_core::Error>(())
    };
    let (a, (b, _)) = join2(photo, join2(grab, stop)).await;
    // Either outcome is fine: what matters is that both settled. Failures are proper errors.
    for r in [a, b].into_iter().flat_map(Result::err) {
        assert!(
            matches!(
                r.name(),
                ErrorName::Unknown | ErrorName::InvalidState | ErrorName::Operation
            ),
            "unexpected error {r}"
        );
    }
    Outcome::Passed
}

/// `stop()` goes ahead of queued work: with 50 photos of alternating sizes queued, every call
/// settles soon after `stop()` (none waits for the others to be carried out), and the camera is
/// released within 2 s.
pub async fn stop_goes_ahead_of_queued_photos<H: Harness>(h: &H) -> Outcome {
    let (track, capture) = open(h).await;
    let (tw, _) = track_size(&track);
    let other = f64::from(h.expectations().other_width);
    let photos: Vec<_> = (0..50)
        .map(|i| {
            let width = if i % 2 == 0 { other } else { f64::from(tw) };
            let capture = &capture;
            async move {
                capture
                    .take_photo(&PhotoSettings::with_width(width))
                    .await
                    .map(|_| ())
            }
        })
        .collect();
    let stopped_at = std::cell::Cell::new(None);
    let stop = async {
        // Let every photo be asked for first.
        h.pause(50).await;
        track.stop();
        stopped_at.set(Some(h.now_ms()));
    };
    let (outcomes, ()) = join2(join_all(photos), stop).await;
    let settled = h.now_ms() - stopped_at.get().unwrap_or_else(|| h.now_ms());
    // At most the photo under way when `stop()` came, and its return to the track's format.
    assert!(
        settled < 1000.0,
        "the queued photos settled {settled:.0} ms after stop()"
    );
    for e in outcomes.into_iter().flat_map(Result::err) {
        assert!(
            matches!(e.name(), ErrorName::Unknown | ErrorName::InvalidState),
            "a queued photo rejected with {e}"
        );
    }
    if let Some(faults) = h.faults() {
        assert!(
            eventually(h, 2000, || !faults.device_open()).await,
            "the camera was still open 2 s after stop() with photos queued"
        );
    }
    Outcome::Passed
}

/// <https://w3c.github.io/mediacapture-image/#dom-imagecapture-getphotocapabilities>
/// A `getPhotoCapabilities()` or `getPhotoSettings()` call under way when the track stops
/// resolves, or rejects `OperationError`: the track was live when the call began, so its ending
/// is a failure to gather the data ("for example, the MediaStreamTrack being ended
/// asynchronously"), not `InvalidStateError`.
pub async fn photo_calls_in_flight_when_the_track_stops_resolve_or_are_operation_errors<
    H: Harness,
>(
    h: &H,
) -> Outcome {
    for which in ["getPhotoCapabilities", "getPhotoSettings"] {
        let (track, capture) = open(h).await;
        let call = async {
            if which == "getPhotoCapabilities" {
                capture.get_photo_capabilities().await.map(|_| ())
            } else {
                capture.get_photo_settings().await.map(|_| ())
            }
        };
        let stop = async {
            track.stop();
        };
        // The call is polled first: it has begun (its state check passed) when the track stops.
        let (result, ()) = join2(call, stop).await;
        if let Err(error) = result {
            assert_eq!(
                error.name(),
                ErrorName::Operation,
                "{which}() cut short by stop(): {error}"
            );
        }
    }
    Outcome::Passed
}

/// <https://w3c.github.io/mediacapture-image/#dom-imagecapture-takephoto>
/// What `getPhotoSettings()` gave goes back into `takePhoto()`: a member at the camera's fixed
/// state (`redEyeReduction: false` where red-eye reduction is "never") asks for nothing the
/// camera cannot do, while the other value still rejects `NotSupportedError`.
pub async fn take_photo_accepts_what_get_photo_settings_gave<H: Harness>(h: &H) -> Outcome {
    let (track, capture) = open(h).await;
    let settings = capture
        .get_photo_settings()
        .await
        .expect("getPhotoSettings");
    let caps = capture
        .get_photo_capabilities()
        .await
        .expect("getPhotoCapabilities");
    capture
        .take_photo(&settings)
        .await
        .unwrap_or_else(|e| panic!("takePhoto({settings:?}) from getPhotoSettings: {e}"));
    if caps.red_eye_reduction == Some(RedEyeReduction::Never) {
        assert_eq!(settings.red_eye_reduction, Some(false), "{settings:?}");
        let on = PhotoSettings {
            red_eye_reduction: Some(true),
            ..settings.clone()
        };
        assert_rejects(
            capture.take_photo(&on).await,
            ErrorName::NotSupported,
            "redEyeReduction: true on a camera that never reduces red-eye",
        );
    }
    track.stop();
    Outcome::Passed
}

/// Runs two futures side by side.
async fn join2<A: std::future::Future, B: std::future::Future>(
    a: A,
    b: B,
) -> (A::Output, B::Output) {
    let mut a = std::pin::pin!(a);
    let mut b = std::pin::pin!(b);
    let (mut ra, mut rb) = (None, None);
    std::future::poll_fn(|cx| {
        if ra.is_none()
            && let std::task::Poll::Ready(v) = a.as_mut().poll(cx)
        {
            ra = Some(v);
        }
        if rb.is_none()
            && let std::task::Poll::Ready(v) = b.as_mut().poll(cx)
        {
            rb = Some(v);
        }
        match (ra.take(), rb.take()) {
            (Some(x), Some(y)) => std::task::Poll::Ready((x, y)),
            (x, y) => {
                ra = x;
                rb = y;
                std::task::Poll::Pending
            }
        }
    })
    .await
}
