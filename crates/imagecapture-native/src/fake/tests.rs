// Test-only: compiled under #[cfg(test)] from mod.rs, so unwrap/panic are assertions here.
//! Tests of the fake camera.

use std::thread;
use std::time::{Duration, Instant};

use nokhwa::Camera;
use nokhwa_core::error::NokhwaError;
use nokhwa_core::traits::CaptureBackendTrait;
use nokhwa_core::types::{
    CameraFormat, CameraIndex, ControlValueSetter, FrameFormat, KnownCameraControl,
    RequestedFormat, RequestedFormatType, Resolution,
};

use super::pack::{FrameRenderer, Packing, fill_rect, frame_len, ycbcr};
use super::pattern::{Layout, background_rgb};
use super::{FakeCamera, FakeCameraConfig, FakeControls, read_frame_number};
use crate::v4l2;

// The texts V4L2 gives, which the native backend may match on: spelled out, not imported.
const NO_SUCH_DEVICE: &str = "No such device (os error 19)";
const TIMED_OUT: &str = "Connection timed out (os error 110)";
const BUSY: &str = "Device or resource busy (os error 16)";

const FORMATS: [FrameFormat; 3] = [FrameFormat::YUYV, FrameFormat::MJPEG, FrameFormat::NV12];

fn open(config: FakeCameraConfig) -> (FakeCamera, Camera) {
    let fake = FakeCamera::new(config);
    let camera = fake.open(CameraIndex::Index(0)).unwrap();
    (fake, camera)
}

/// Sets an exact format the way the native backend does, through a nokhwa format request,
/// with the stream stopped around it as V4L2 requires (see
/// `a_format_switch_while_streaming_is_busy_and_works_once_stopped`).
fn set_format(camera: &mut Camera, format: CameraFormat) -> Result<CameraFormat, NokhwaError> {
    let streaming = camera.is_stream_open();
    if streaming {
        camera.stop_stream()?;
    }
    let formats = [format.format()];
    let set = camera.set_camera_requset(RequestedFormat::with_formats(
        RequestedFormatType::Exact(format),
        &formats,
    ));
    if streaming {
        camera.open_stream()?;
    }
    set
}

fn fast_config() -> FakeCameraConfig {
    FakeCameraConfig::default().with_frame_rates([100, 30, 15])
}

// ---- reference decoders, independent of the code under test ----

/// BT.601 limited range → RGB, the textbook integer formula.
fn yuv_to_rgb(y: u8, u: u8, v: u8) -> [u8; 3] {
    let c = 298 * (i32::from(y) - 16);
    let d = i32::from(u) - 128;
    let e = i32::from(v) - 128;
    let clamp = |x: i32| ((x + 128) >> 8).clamp(0, 255) as u8;
    [
        clamp(c + 409 * e),
        clamp(c - 100 * d - 208 * e),
        clamp(c + 516 * d),
    ]
}

fn yuyv_to_rgba(data: &[u8], width: usize, height: usize) -> Vec<u8> {
    assert_eq!(data.len(), width * height * 2);
    let mut out = Vec::with_capacity(width * height * 4);
    for quad in data.chunks_exact(4) {
        let (y0, u, y1, v) = (quad[0], quad[1], quad[2], quad[3]);
        for y in [y0, y1] {
            out.extend_from_slice(&yuv_to_rgb(y, u, v));
            out.push(255);
        }
    }
    out
}

fn nv12_to_rgba(data: &[u8], width: usize, height: usize) -> Vec<u8> {
    assert_eq!(data.len(), width * height * 3 / 2);
    let (luma, chroma) = data.split_at(width * height);
    let mut out = Vec::with_capacity(width * height * 4);
    for y in 0..height {
        for x in 0..width {
            let uv = (y / 2) * width + (x / 2) * 2;
            out.extend_from_slice(&yuv_to_rgb(luma[y * width + x], chroma[uv], chroma[uv + 1]));
            out.push(255);
        }
    }
    out
}

/// Decodes through the crate's own converter, which supplies the Huffman tables the fake camera
/// leaves out like a UVC camera.
fn mjpeg_to_rgba(data: &[u8]) -> (Vec<u8>, usize, usize) {
    let mut pixels = Vec::new();
    let (width, height) =
        crate::convert::to_rgba(FrameFormat::MJPEG, (0, 0), data, &mut pixels).unwrap();
    (pixels, width as usize, height as usize)
}

fn decode(format: FrameFormat, data: &[u8], width: usize, height: usize) -> Vec<u8> {
    match format {
        FrameFormat::YUYV => yuyv_to_rgba(data, width, height),
        FrameFormat::NV12 => nv12_to_rgba(data, width, height),
        FrameFormat::MJPEG => {
            let (rgba, w, h) = mjpeg_to_rgba(data);
            assert_eq!((w, h), (width, height));
            rgba
        }
        other => panic!("not a fake camera format: {other:?}"),
    }
}

fn render(format: FrameFormat, width: u32, height: u32, frame: u64) -> Vec<u8> {
    let mut renderer = FrameRenderer::default();
    renderer
        .prepare(Resolution::new(width, height), format)
        .unwrap();
    renderer.render(frame).unwrap().to_vec()
}

/// A deterministic pseudo-random byte stream.
fn noise(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) as u8
        })
        .collect()
}

// ---- configuration ----

#[test]
fn default_config_offers_three_formats_four_sizes_two_rates() {
    let fake = FakeCamera::default();
    assert_eq!(fake.config().name(), "Fake Camera");
    assert_eq!(fake.config().read_timeout(), Duration::from_millis(200));
    let formats = fake.formats();
    assert_eq!(formats.len(), 3 * 4 * 2);
    for format in FORMATS {
        for (w, h) in [(320, 240), (640, 480), (1280, 720), (1920, 1080)] {
            for rate in [30, 15] {
                assert!(formats.contains(&CameraFormat::new_from(w, h, format, rate)));
            }
        }
    }
    assert_eq!(
        fake.config().initial_format(),
        CameraFormat::new_from(640, 480, FrameFormat::YUYV, 30)
    );
    assert_eq!(fake.info().human_name(), "Fake Camera");
}

#[test]
fn device_negotiates_formats_like_a_webcam() {
    let config = FakeCameraConfig::default()
        .with_name("Cam")
        .with_formats([FrameFormat::NV12, FrameFormat::MJPEG])
        .with_frame_rates([15, 60]);
    let (fake, mut camera) = open(config);
    let handle = fake.handle();
    assert_eq!(camera.info().human_name(), "Cam");
    assert_eq!(
        camera.camera_format(),
        CameraFormat::new_from(640, 480, FrameFormat::NV12, 60)
    );
    assert_eq!(handle.current_format(), Some(camera.camera_format()));
    assert_eq!(
        camera.compatible_fourcc().unwrap(),
        vec![FrameFormat::NV12, FrameFormat::MJPEG]
    );
    let by_resolution = camera
        .compatible_list_by_resolution(FrameFormat::MJPEG)
        .unwrap();
    assert_eq!(by_resolution.len(), 4);
    assert_eq!(by_resolution[&Resolution::new(1280, 720)], vec![15, 60]);
    assert!(
        camera
            .compatible_list_by_resolution(FrameFormat::YUYV)
            .unwrap()
            .is_empty()
    );
    assert_eq!(camera.compatible_camera_formats().unwrap(), fake.formats());

    // Rejected: a pixel format, a size, a rate it does not offer; nothing changes.
    let before = camera.camera_format();
    for result in [
        camera.set_frame_format(FrameFormat::YUYV),
        camera.set_resolution(Resolution::new(800, 600)),
        camera.set_frame_rate(30),
        camera.set_frame_format(FrameFormat::GRAY),
    ] {
        assert!(
            matches!(result, Err(NokhwaError::SetPropertyError { .. })),
            "{result:?}"
        );
    }
    assert_eq!(camera.camera_format(), before);

    // Accepted.
    camera.set_resolution(Resolution::new(320, 240)).unwrap();
    camera.set_frame_rate(15).unwrap();
    camera.set_frame_format(FrameFormat::MJPEG).unwrap();
    let expected = CameraFormat::new_from(320, 240, FrameFormat::MJPEG, 15);
    assert_eq!(camera.camera_format(), expected);
    assert_eq!(handle.current_format(), Some(expected));
    camera.refresh_camera_format().unwrap();
    assert_eq!(camera.camera_format(), expected);

    // Controls: the webcam's, listed as nokhwa's V4L2 backend lists a webcam's.
    let controls = camera.camera_controls().unwrap();
    assert_eq!(controls.len(), FakeControls::webcam().controls().len());
    let brightness = camera
        .camera_control(KnownCameraControl::Brightness)
        .unwrap();
    assert_eq!(brightness.value(), ControlValueSetter::Integer(128));
    camera
        .set_camera_control(
            KnownCameraControl::Brightness,
            ControlValueSetter::Integer(1),
        )
        .unwrap();
    assert_eq!(handle.control(v4l2::BRIGHTNESS), Some(1));
    assert!(matches!(
        camera.set_camera_control(
            KnownCameraControl::Brightness,
            ControlValueSetter::Integer(999)
        ),
        Err(NokhwaError::SetPropertyError { .. })
    ));
    // nokhwa's relative zoom is not a webcam control; the absolute one is.
    assert!(matches!(
        camera.camera_control(KnownCameraControl::Zoom),
        Err(NokhwaError::GetPropertyError { .. })
    ));
    assert!(
        camera
            .camera_control(v4l2::nokhwa_id(v4l2::ZOOM_ABSOLUTE))
            .is_ok()
    );
}

#[test]
fn config_setters_drop_what_cannot_work() {
    let config = FakeCameraConfig::default()
        .with_formats([FrameFormat::GRAY, FrameFormat::MJPEG, FrameFormat::MJPEG])
        .with_resolutions([
            Resolution::new(641, 481),
            Resolution::new(0, 10),
            Resolution::new(640, 480),
        ])
        .with_frame_rates([0, 25, 25]);
    assert_eq!(config.formats(), [FrameFormat::MJPEG]);
    assert_eq!(config.resolutions(), [Resolution::new(640, 480)]);
    assert_eq!(config.frame_rates(), [25]);
    let unchanged = FakeCameraConfig::default()
        .with_formats([FrameFormat::RAWRGB])
        .with_resolutions([])
        .with_frame_rates([0]);
    assert_eq!(unchanged, FakeCameraConfig::default());
    // Without 640×480, the first resolution.
    let small = FakeCameraConfig::default().with_resolutions([Resolution::new(320, 240)]);
    assert_eq!(
        small.initial_format().resolution(),
        Resolution::new(320, 240)
    );
}

#[test]
fn from_spec_accepts_and_rejects() {
    for spec in ["", "1", "yes", "YES", " true ", "on", "default"] {
        assert_eq!(
            FakeCameraConfig::from_spec(spec).unwrap(),
            FakeCameraConfig::default()
        );
    }
    let mjpeg = FakeCameraConfig::from_spec("MJPEG").unwrap();
    assert_eq!(mjpeg.formats(), [FrameFormat::MJPEG]);
    assert_eq!(mjpeg.frame_rates(), [30, 15]);
    assert_eq!(
        FakeCameraConfig::from_spec("mjpg").unwrap().formats(),
        [FrameFormat::MJPEG]
    );
    let nv12 = FakeCameraConfig::from_spec("nv12@15").unwrap();
    assert_eq!(nv12.formats(), [FrameFormat::NV12]);
    assert_eq!(
        nv12.initial_format(),
        CameraFormat::new_from(640, 480, FrameFormat::NV12, 15)
    );
    assert_eq!(
        FakeCameraConfig::from_spec("mjpeg+torch").unwrap(),
        FakeCameraConfig::default()
            .with_formats([FrameFormat::MJPEG])
            .with_controls(FakeControls::webcam().with_torch())
    );
    assert_eq!(
        FakeCameraConfig::from_spec("1+full").unwrap().controls(),
        &FakeControls::full()
    );
    assert_eq!(
        FakeCameraConfig::from_spec(" + None").unwrap().controls(),
        &FakeControls::none()
    );
    assert_eq!(
        FakeCameraConfig::from_spec("nv12@15+webcam")
            .unwrap()
            .frame_rates(),
        [15]
    );
    let yuyv = FakeCameraConfig::from_spec("Yuyv@30").unwrap();
    assert_eq!(yuyv.formats(), [FrameFormat::YUYV]);
    assert_eq!(yuyv.frame_rates(), [30]);
    assert_eq!(
        FakeCameraConfig::from_spec("yuy2 @ 5")
            .unwrap()
            .frame_rates(),
        [5]
    );

    for bad in [
        "h264",
        "0",
        "yuyv+flash",
        "+",
        "no",
        "yuyv@",
        "yuyv@0",
        "yuyv@abc",
        "yuyv@30@30",
        "@30",
        "nv12@-1",
    ] {
        let error = FakeCameraConfig::from_spec(bad).unwrap_err();
        assert!(error.contains("fake camera spec"), "{bad:?}: {error}");
        assert!(error.contains("mjpeg"), "{bad:?}: {error}");
    }
}

// ---- frames ----

#[test]
fn buffer_sizes_match_each_format_and_resolution() {
    let (_fake, mut camera) = open(fast_config());
    for format in FORMATS {
        for (w, h) in [(320, 240), (640, 480), (1280, 720), (1920, 1080)] {
            set_format(&mut camera, CameraFormat::new_from(w, h, format, 100)).unwrap();
            let frame = camera.frame().unwrap();
            assert_eq!(frame.resolution(), Resolution::new(w, h));
            assert_eq!(frame.source_frame_format(), format);
            assert!(frame.capture_timestamp().is_some());
            let (w, h) = (w as usize, h as usize);
            let data = camera.frame_raw().unwrap().into_owned();
            match format {
                FrameFormat::YUYV => assert_eq!(data.len(), w * h * 2),
                FrameFormat::NV12 => assert_eq!(data.len(), w * h * 3 / 2),
                _ => {
                    assert_eq!(&data[..2], [0xFF, 0xD8]);
                    assert_eq!(&data[data.len() - 2..], [0xFF, 0xD9]);
                    let (rgba, dw, dh) = mjpeg_to_rgba(&data);
                    assert_eq!((dw, dh, rgba.len()), (w, h, w * h * 4));
                }
            }
        }
    }
}

#[test]
fn frames_are_paced_at_the_frame_rate() {
    let (_fake, mut camera) = open(FakeCameraConfig::default());
    assert_eq!(camera.frame_rate(), 30);
    camera.open_stream().unwrap();
    let start = Instant::now();
    for _ in 0..10 {
        camera.frame_raw().unwrap();
    }
    let elapsed = start.elapsed();
    assert!(elapsed >= Duration::from_millis(250), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
}

#[test]
fn a_late_reader_gets_one_frame_at_once_then_the_cadence() {
    let (fake, mut camera) = open(FakeCameraConfig::default().with_frame_rates([10]));
    camera.open_stream().unwrap();
    camera.frame_raw().unwrap();
    thread::sleep(Duration::from_millis(350));
    let start = Instant::now();
    camera.frame_raw().unwrap();
    let first = start.elapsed();
    camera.frame_raw().unwrap();
    let second = start.elapsed();
    assert!(
        first < Duration::from_millis(30),
        "late frame waited {first:?}"
    );
    // The next slot after 350 ms is 400 ms: ~50 ms later, not a burst.
    assert!(second >= Duration::from_millis(30), "burst: {second:?}");
    assert!(second < Duration::from_millis(120), "{second:?}");
    assert_eq!(fake.handle().frames_delivered(), 3);
}

#[test]
fn successive_frames_differ_and_count_from_zero() {
    let (fake, mut camera) = open(fast_config());
    let handle = fake.handle();
    for format in FORMATS {
        set_format(&mut camera, CameraFormat::new_from(320, 240, format, 100)).unwrap();
        let mut previous: Option<Vec<u8>> = None;
        for _ in 0..3 {
            let frame = camera.frame().unwrap();
            let data = frame.buffer().to_vec();
            if let Some(previous) = &previous {
                assert_ne!(previous, &data, "{format:?}: same frame twice");
            }
            previous = Some(data);
        }
    }
    assert_eq!(handle.frames_delivered(), 9);

    // Numbers count from 0 per device, one per delivered frame, across format changes.
    let (_fake, mut camera) = open(fast_config());
    for expected in 0..3 {
        let frame = camera.frame().unwrap();
        let rgba = yuyv_to_rgba(frame.buffer(), 640, 480);
        assert_eq!(read_frame_number(&rgba, 640, 480), Some(expected));
    }
    set_format(
        &mut camera,
        CameraFormat::new_from(320, 240, FrameFormat::NV12, 100),
    )
    .unwrap();
    let data = camera.frame_raw().unwrap().into_owned();
    assert_eq!(
        read_frame_number(&nv12_to_rgba(&data, 320, 240), 320, 240),
        Some(3)
    );
}

#[test]
fn frame_number_survives_every_format() {
    let numbers = [
        0,
        1,
        2,
        7,
        255,
        1000,
        65_535,
        123_456,
        0xDEAD_BEEF,
        u64::from(u32::MAX),
    ];
    for format in FORMATS {
        for (w, h) in [
            (320, 240),
            (1280, 720),
            (640, 480),
            (1920, 1080),
            (160, 120),
        ] {
            let mut renderer = FrameRenderer::default();
            renderer.prepare(Resolution::new(w, h), format).unwrap();
            for number in numbers {
                let data = renderer.render(number).unwrap();
                let rgba = decode(format, data, w as usize, h as usize);
                assert_eq!(
                    read_frame_number(&rgba, w, h),
                    Some(number),
                    "{format:?} {w}x{h} frame {number}"
                );
            }
        }
    }
    // Beyond 32 bits, the low 32 bits.
    let rgba = decode(
        FrameFormat::YUYV,
        &render(FrameFormat::YUYV, 320, 240, (1 << 32) + 5),
        320,
        240,
    );
    assert_eq!(read_frame_number(&rgba, 320, 240), Some(5));
}

#[test]
fn frame_numbers_read_back_through_the_camera() {
    let (_fake, mut camera) = open(fast_config());
    for format in FORMATS {
        for (w, h) in [(320, 240), (1280, 720)] {
            set_format(&mut camera, CameraFormat::new_from(w, h, format, 100)).unwrap();
            let mut numbers = Vec::new();
            for _ in 0..3 {
                let frame = camera.frame().unwrap();
                let rgba = decode(format, frame.buffer(), w as usize, h as usize);
                numbers.push(read_frame_number(&rgba, w, h).unwrap());
            }
            assert!(
                numbers.windows(2).all(|pair| pair[1] == pair[0] + 1),
                "{numbers:?}"
            );
        }
    }
}

#[test]
fn read_frame_number_refuses_what_is_not_a_fake_frame() {
    let (w, h) = (320_u32, 240_u32);
    let len = (w * h * 4) as usize;
    assert_eq!(read_frame_number(&vec![0; len], w, h), None);
    assert_eq!(read_frame_number(&vec![255; len], w, h), None);
    assert_eq!(read_frame_number(&vec![128; len], w, h), None);
    for seed in 0..20 {
        assert_eq!(read_frame_number(&noise(len, seed), w, h), None);
        assert_eq!(
            read_frame_number(&noise(1280 * 720 * 4, seed), 1280, 720),
            None
        );
    }
    // Coarse noise: random black or white 16×16 blocks, which pass the cell test but not the
    // guard and check together.
    let mut false_positives = 0;
    for seed in 0..2000_u64 {
        let bits = noise(40, seed);
        let mut rgba = vec![128; len];
        for (index, bit) in bits.iter().enumerate() {
            let value = if bit & 1 == 1 { 255 } else { 0 };
            let (cx, cy) = ((index % 20) * 16, (index / 20) * 16);
            for y in cy..cy + 16 {
                rgba[(y * 320 + cx) * 4..(y * 320 + cx + 16) * 4].fill(value);
            }
        }
        false_positives += usize::from(read_frame_number(&rgba, w, h).is_some());
    }
    // Guard (4 bits) and check (4 bits): 1 in 256 random strips passes.
    assert!(false_positives < 25, "{false_positives}");

    // Good picture, wrong sizes.
    let good = decode(
        FrameFormat::YUYV,
        &render(FrameFormat::YUYV, w, h, 42),
        320,
        240,
    );
    assert_eq!(read_frame_number(&good, w, h), Some(42));
    assert_eq!(read_frame_number(&good[..len - 1], w, h), None);
    assert_eq!(read_frame_number(&good[..len / 2], w, h), None);
    assert_eq!(
        read_frame_number(&[good.clone(), vec![0]].concat(), w, h),
        None
    );
    assert_eq!(read_frame_number(&good, 240, 320), None);
    assert_eq!(read_frame_number(&good, 640, 120), None);
    assert_eq!(read_frame_number(&[], 0, 0), None);
    assert_eq!(read_frame_number(&[], 320, 240), None);
    assert_eq!(read_frame_number(&good, u32::MAX, u32::MAX), None);
    assert_eq!(read_frame_number(&[0; 16], 2, 2), None);
    for (w, h) in [(1, 1), (39, 29), (40, 30), (41, 31), (319, 239), (321, 241)] {
        let len = (w * h * 4) as usize;
        assert_eq!(read_frame_number(&noise(len, 1), w, h), None);
    }
}

#[test]
fn yuv_bytes_are_bt601_video_range_as_decoders_expect() {
    // Solid colours: the textbook values.
    assert_eq!(ycbcr(0, 0, 0), (16, 128, 128));
    assert_eq!(ycbcr(255, 255, 255), (235, 128, 128));
    assert_eq!(ycbcr(255, 0, 0), (82, 90, 240));
    assert_eq!(ycbcr(0, 0, 255), (41, 240, 110));

    // The background decoded by the `yuv` crate (what the native backend uses) matches the
    // RGB it was made from, within rounding.
    let (w, h) = (320_usize, 240_usize);
    let rgb = background_rgb(&Layout::new(w, h));
    let background = |format| {
        let mut renderer = FrameRenderer::default();
        renderer
            .prepare(Resolution::new(w as u32, h as u32), format)
            .unwrap();
        renderer.background().to_vec()
    };
    assert_eq!(background(FrameFormat::MJPEG), rgb);
    let yuyv = background(FrameFormat::YUYV);
    let nv12 = background(FrameFormat::NV12);
    let mut from_yuyv = vec![0; w * h * 4];
    yuv::yuyv422_to_rgba(
        &yuv::YuvPackedImage {
            yuy: &yuyv,
            yuy_stride: (w * 2) as u32,
            width: w as u32,
            height: h as u32,
        },
        &mut from_yuyv,
        (w * 4) as u32,
        yuv::YuvRange::Limited,
        yuv::YuvStandardMatrix::Bt601,
    )
    .unwrap();
    let (y_plane, uv_plane) = nv12.split_at(w * h);
    let mut from_nv12 = vec![0; w * h * 4];
    yuv::yuv_nv12_to_rgba(
        &yuv::YuvBiPlanarImage {
            y_plane,
            y_stride: w as u32,
            uv_plane,
            uv_stride: w as u32,
            width: w as u32,
            height: h as u32,
        },
        &mut from_nv12,
        (w * 4) as u32,
        yuv::YuvRange::Limited,
        yuv::YuvStandardMatrix::Bt601,
        yuv::YuvConversionMode::Balanced,
    )
    .unwrap();
    // Inside each colour bar (away from chroma edges), and across the gradient.
    let reference = yuyv_to_rgba(&yuyv, w, h);
    let mut points: Vec<(usize, usize, u8)> = Vec::new();
    for y in [40, 80, 150] {
        points.extend((0..8).map(|bar| (bar * w / 8 + w / 16, y, 3)));
    }
    for y in [172, 190, 200, 215, 239] {
        // Green steps by 17 between bands, which 4:2:0 chroma may straddle.
        points.extend([0, 50, 101, 160, 230, 318].map(|x| (x, y, 8)));
    }
    for (x, y, tolerance) in points {
        let want = &rgb[(y * w + x) * 3..(y * w + x) * 3 + 3];
        for (name, decoded) in [
            ("yuv yuyv", &from_yuyv),
            ("yuv nv12", &from_nv12),
            ("reference", &reference),
        ] {
            let got = &decoded[(y * w + x) * 4..(y * w + x) * 4 + 3];
            for (g, want) in got.iter().zip(want) {
                assert!(
                    g.abs_diff(*want) <= tolerance,
                    "{name} at ({x},{y}): {got:?} vs {want:?}"
                );
            }
        }
    }
}

#[test]
fn fill_rect_clips_and_never_panics() {
    for packing in [Packing::Rgb24, Packing::Yuyv, Packing::Nv12] {
        for (w, h) in [(0, 0), (1, 1), (2, 2), (3, 5), (320, 240)] {
            let mut buf = vec![7; frame_len(packing, w, h)];
            for rect in [
                super::pack::Rect {
                    x: 0,
                    y: 0,
                    w: usize::MAX,
                    h: usize::MAX,
                },
                super::pack::Rect {
                    x: usize::MAX,
                    y: usize::MAX,
                    w: 5,
                    h: 5,
                },
                super::pack::Rect {
                    x: 1,
                    y: 1,
                    w: 1,
                    h: 1,
                },
                super::pack::Rect {
                    x: w,
                    y: h,
                    w: 0,
                    h: 0,
                },
            ] {
                fill_rect(&mut buf, packing, w, h, rect, super::pack::Rgb(1, 2, 3));
            }
            // A short buffer too.
            let mut short = vec![0; frame_len(packing, w, h) / 2];
            fill_rect(
                &mut short,
                packing,
                w,
                h,
                super::pack::Rect { x: 0, y: 0, w, h },
                super::pack::Rgb(9, 9, 9),
            );
        }
    }
}

#[test]
fn the_picture_moves() {
    let layout = Layout::new(320, 240);
    assert_eq!(layout.cell(), 16);
    assert_eq!(Layout::new(640, 480).cell(), 32);
    assert_eq!(Layout::new(1280, 720).cell(), 48);
    assert_eq!(Layout::new(1920, 1080).cell(), 64);
    let xs: Vec<usize> = (0..5).map(|n| layout.bar_x(n)).collect();
    assert!(xs.windows(2).all(|pair| pair[1] == pair[0] + 4), "{xs:?}");
    // Below the counter strip, frames still differ (the bar and the digits).
    let a = render(FrameFormat::YUYV, 320, 240, 10);
    let b = render(FrameFormat::YUYV, 320, 240, 11);
    let below_strip = 32 * 320 * 2;
    assert_ne!(a[below_strip..], b[below_strip..]);
}

// ---- faults and life cycle ----

#[test]
fn unplug_fails_reads_with_enodev() {
    let (fake, mut camera) = open(fast_config());
    let handle = fake.handle();
    camera.frame().unwrap();
    handle.unplug();
    assert!(handle.is_unplugged());
    let enodev = |result: Result<(), NokhwaError>| match result {
        Err(NokhwaError::ReadFrameError(message)) => assert_eq!(message, NO_SUCH_DEVICE),
        other => panic!("expected ENODEV, got {other:?}"),
    };
    enodev(camera.frame().map(drop));
    enodev(camera.frame_raw().map(drop));
    enodev(camera.open_stream());
    assert!(matches!(
        camera.set_resolution(Resolution::new(320, 240)),
        Err(NokhwaError::SetPropertyError { error, .. }) if error == NO_SUCH_DEVICE
    ));
    assert!(camera.compatible_fourcc().is_err());
    camera.stop_stream().unwrap();
    camera.stop_stream().unwrap();
    match fake.open(CameraIndex::Index(0)) {
        Err(NokhwaError::OpenDeviceError(name, message)) => {
            assert_eq!(name, "Fake Camera");
            assert_eq!(message, NO_SUCH_DEVICE);
        }
        other => panic!("expected ENODEV, got {:?}", other.map(|_| ())),
    }
    drop(camera);
    assert_eq!(handle.open_count(), 0);
}

#[test]
fn unplug_interrupts_a_waiting_read() {
    let (fake, mut camera) = open(FakeCameraConfig::default().with_frame_rates([1]));
    let handle = fake.handle();
    camera.frame_raw().unwrap();
    let unplugger = thread::spawn(move || {
        thread::sleep(Duration::from_millis(50));
        handle.unplug();
    });
    let start = Instant::now();
    assert!(
        matches!(camera.frame_raw(), Err(NokhwaError::ReadFrameError(m)) if m == NO_SUCH_DEVICE)
    );
    assert!(start.elapsed() < Duration::from_millis(500));
    unplugger.join().unwrap();
}

#[test]
fn stall_times_out_then_resumes() {
    let timeout = Duration::from_millis(100);
    let (fake, mut camera) = open(fast_config().with_read_timeout(timeout));
    let handle = fake.handle();
    camera.frame().unwrap();
    handle.set_stalled(true);
    let start = Instant::now();
    match camera.frame() {
        Err(NokhwaError::ReadFrameError(message)) => assert_eq!(message, TIMED_OUT),
        other => panic!("expected ETIMEDOUT, got {other:?}"),
    }
    let waited = start.elapsed();
    assert!(waited >= timeout && waited < timeout * 3, "{waited:?}");
    assert!(camera.frame_raw().is_err());
    assert_eq!(handle.frames_delivered(), 1);

    // A stall that ends within the timeout only delays the frame.
    let resumer = {
        let handle = handle.clone();
        thread::spawn(move || {
            thread::sleep(Duration::from_millis(40));
            handle.set_stalled(false);
        })
    };
    let start = Instant::now();
    camera.frame().unwrap();
    assert!(start.elapsed() >= Duration::from_millis(30));
    resumer.join().unwrap();
    assert!(!handle.is_stalled());
    camera.frame().unwrap();
    assert_eq!(handle.frames_delivered(), 3);
}

#[test]
fn refuse_open_is_busy() {
    let fake = FakeCamera::new(fast_config());
    let handle = fake.handle();
    handle.set_refuse_open(true);
    match fake.open(CameraIndex::Index(0)) {
        Err(NokhwaError::OpenDeviceError(name, message)) => {
            assert_eq!(name, "Fake Camera");
            assert_eq!(message, BUSY);
        }
        other => panic!("expected EBUSY, got {:?}", other.map(|_| ())),
    }
    assert_eq!(handle.open_count(), 0);
    handle.set_refuse_open(false);
    let mut camera = fake.open(CameraIndex::Index(0)).unwrap();
    handle.set_refuse_open(true);
    assert!(matches!(
        camera.open_stream(),
        Err(NokhwaError::OpenDeviceError(_, message)) if message == BUSY
    ));
    assert!(camera.frame().is_err());
    assert!(!handle.is_streaming());
    handle.set_refuse_open(false);
    camera.open_stream().unwrap();
    // A stream already open keeps running.
    handle.set_refuse_open(true);
    camera.frame().unwrap();
    // A format change needs a new stream: refused, and the format stays.
    let before = camera.camera_format();
    assert!(camera.set_resolution(Resolution::new(320, 240)).is_err());
    assert_eq!(camera.camera_format(), before);
    assert_eq!(handle.current_format(), Some(before));
    camera.frame().unwrap();
}

#[test]
fn life_cycle_is_visible_through_the_handle() {
    let fake = FakeCamera::new(fast_config());
    let handle = fake.handle();
    assert!(!handle.is_device_open());
    assert_eq!(handle.current_format(), None);
    let mut camera = fake.open(CameraIndex::Index(3)).unwrap();
    assert_eq!(camera.info().index(), &CameraIndex::Index(3));
    assert!(handle.is_device_open());
    assert_eq!(handle.open_count(), 1);
    assert!(!handle.is_streaming());
    assert!(!camera.is_stream_open());

    // frame_raw before open_stream opens the stream.
    camera.frame_raw().unwrap();
    assert!(camera.is_stream_open());
    assert!(handle.is_streaming());

    // A format change (stream stopped, format set, stream started) streams the new format.
    set_format(
        &mut camera,
        CameraFormat::new_from(320, 240, FrameFormat::NV12, 100),
    )
    .unwrap();
    assert!(camera.is_stream_open());
    assert_eq!(camera.frame_raw().unwrap().len(), 320 * 240 * 3 / 2);

    camera.stop_stream().unwrap();
    camera.stop_stream().unwrap();
    assert!(!camera.is_stream_open());
    assert!(!handle.is_streaming());
    camera.open_stream().unwrap();
    camera.open_stream().unwrap();
    assert!(handle.is_streaming());

    let second = fake.open(CameraIndex::Index(4)).unwrap();
    assert_eq!(handle.open_count(), 2);
    drop(second);
    assert_eq!(handle.open_count(), 1);
    assert!(handle.is_streaming());
    drop(camera);
    assert_eq!(handle.open_count(), 0);
    assert!(!handle.is_device_open());
    assert!(!handle.is_streaming());
    assert_eq!(handle.current_format(), None);
    assert_eq!(handle.frames_delivered(), 2);
}

#[test]
fn the_device_works_without_nokhwa_camera_too() {
    let fake = FakeCamera::default();
    let mut device = fake.open_device(CameraIndex::Index(0)).unwrap();
    assert_eq!(device.next_frame_number(), 0);
    let format = device.camera_format();
    assert_eq!(
        device.decoded_buffer_size(true),
        (format.width() * format.height() * 4) as usize
    );
    device.frame_raw().unwrap();
    assert_eq!(device.next_frame_number(), 1);
    assert!(format!("{device:?}").contains("FakeDevice"));
    drop(device);
    assert_eq!(fake.handle().open_count(), 0);
}

#[test]
fn handle_and_camera_cross_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<FakeCamera>();
    assert_send_sync::<super::FakeCameraHandle>();
    fn assert_send<T: Send>() {}
    assert_send::<super::FakeDevice>();
}

// ---- cost ----

/// Prints the cost of a frame per format and size (run with `--nocapture` to see it).
#[test]
fn frame_cost() {
    let mut report = String::new();
    for (w, h) in [(640, 480), (1280, 720), (1920, 1080)] {
        for format in FORMATS {
            let mut renderer = FrameRenderer::default();
            let prepare_start = Instant::now();
            renderer.prepare(Resolution::new(w, h), format).unwrap();
            let prepare = prepare_start.elapsed();
            let rounds = 10;
            let start = Instant::now();
            for n in 0..rounds {
                renderer.render(n).unwrap();
            }
            let per_frame = start.elapsed() / rounds as u32;
            report +=
                &format!("{w}x{h} {format:?}: {per_frame:?} per frame, {prepare:?} to prepare\n");
            if (w, h) == (640, 480) {
                // Well under 5 ms in a debug build (a full JPEG encode alone takes ≈ 14 ms);
                // loose here, against a loaded machine.
                assert!(
                    per_frame < Duration::from_millis(12),
                    "{w}x{h} {format:?}: {per_frame:?}"
                );
            }
        }
    }
    eprintln!("{report}");
}

#[test]
fn incremental_mjpeg_is_byte_for_byte_a_full_encode() {
    use super::mjpeg::encode_full;
    use super::pack::Rect;
    for (w, h) in [(320_u32, 240_u32), (1920, 1080), (200, 150), (328, 250)] {
        let (wu, hu) = (w as usize, h as usize);
        let mut renderer = FrameRenderer::default();
        renderer
            .prepare(Resolution::new(w, h), FrameFormat::MJPEG)
            .unwrap();
        let layout = Layout::new(wu, hu);
        let background = background_rgb(&layout);
        for frame in [0, 1, 2, 3, 9, 10, 11, 99, 100, 12_345, 4_000_000_000] {
            let jpeg = renderer.render(frame).unwrap().to_vec();
            // The same picture, painted and encoded whole.
            let mut canvas = background.clone();
            super::pattern::draw_frame(&layout, frame, |rect: Rect, colour| {
                fill_rect(&mut canvas, Packing::Rgb24, wu, hu, rect, colour);
            });
            let mut full = Vec::new();
            encode_full(&canvas, wu, hu, &mut full).unwrap();
            // The camera leaves the Huffman tables out, as UVC cameras do.
            let full = crate::mjpeg::tests::without_dht(&full);
            assert!(
                jpeg == full,
                "{w}x{h} frame {frame}: {} vs {} bytes",
                jpeg.len(),
                full.len()
            );
            let (rgba, dw, dh) = mjpeg_to_rgba(&jpeg);
            assert_eq!((dw, dh), (wu, hu));
            assert_eq!(read_frame_number(&rgba, w, h), Some(frame & 0xFFFF_FFFF));
        }
    }
}

// ---- controls and the picture ----

/// A frame from `camera` (in its current format), decoded to RGBA.
fn grab(camera: &mut Camera) -> (Vec<u8>, usize, usize) {
    let format = camera.camera_format();
    let (w, h) = (format.width() as usize, format.height() as usize);
    let frame = camera.frame().unwrap();
    (decode(format.format(), frame.buffer(), w, h), w, h)
}

fn set(camera: &mut Camera, cid: u32, value: i64) {
    let setter = match camera.camera_control(v4l2::nokhwa_id(cid)).unwrap().value() {
        ControlValueSetter::Boolean(_) => ControlValueSetter::Boolean(value != 0),
        _ => ControlValueSetter::Integer(value),
    };
    camera
        .set_camera_control(v4l2::nokhwa_id(cid), setter)
        .unwrap_or_else(|e| panic!("{cid:#x} = {value}: {e}"));
}

/// The mean of channel `c` over the rectangle, in a `w`-wide RGBA picture.
fn mean(rgba: &[u8], w: usize, (x0, y0, x1, y1): (usize, usize, usize, usize), c: usize) -> f64 {
    let mut sum = 0u64;
    for y in y0..y1 {
        for x in x0..x1 {
            sum += u64::from(rgba[(y * w + x) * 4 + c]);
        }
    }
    sum as f64 / ((x1 - x0) * (y1 - y0)) as f64
}

/// The colour bars' row band, right half (away from the digits; the bar moves through it but
/// is narrow).
fn bars(w: usize, h: usize) -> (usize, usize, usize, usize) {
    (w / 2, h * 2 / 5, w, h / 2)
}

#[test]
fn the_picture_follows_the_controls_in_every_format() {
    for format in FORMATS {
        let config = fast_config()
            .with_formats([format])
            .with_controls(FakeControls::full());
        let (fake, mut camera) = open(config);
        let handle = fake.handle();
        set_format(&mut camera, CameraFormat::new_from(640, 480, format, 100)).unwrap();
        let (plain, w, h) = grab(&mut camera);
        let luma = |rgba: &[u8]| (0..3).map(|c| mean(rgba, w, bars(w, h), c)).sum::<f64>() / 3.0;
        let base = luma(&plain);

        set(&mut camera, v4l2::BRIGHTNESS, 200);
        let (bright, ..) = grab(&mut camera);
        assert!(
            luma(&bright) > base + 40.0,
            "{format:?}: brightness {base} → {}",
            luma(&bright)
        );
        set(&mut camera, v4l2::BRIGHTNESS, 128);

        // Exposure time counts in manual exposure only.
        set(&mut camera, v4l2::EXPOSURE_AUTO, v4l2::EXPOSURE_MANUAL);
        set(&mut camera, v4l2::EXPOSURE_ABSOLUTE, 60);
        let (dark, ..) = grab(&mut camera);
        assert!(
            luma(&dark) < base * 0.5,
            "{format:?}: exposure {base} → {}",
            luma(&dark)
        );
        set(
            &mut camera,
            v4l2::EXPOSURE_AUTO,
            v4l2::EXPOSURE_APERTURE_PRIORITY,
        );
        let (auto, ..) = grab(&mut camera);
        assert!((luma(&auto) - base).abs() < 3.0, "{format:?}");

        set(&mut camera, v4l2::SATURATION, 0);
        let (grey, ..) = grab(&mut camera);
        let spread = |rgba: &[u8]| {
            let m: Vec<f64> = (0..3).map(|c| mean(rgba, w, bars(w, h), c)).collect();
            m.iter().copied().fold(f64::MIN, f64::max) - m.iter().copied().fold(f64::MAX, f64::min)
        };
        assert!(spread(&plain) > 20.0 && spread(&grey) < 4.0, "{format:?}");
        set(&mut camera, v4l2::SATURATION, 128);

        set(
            &mut camera,
            v4l2::FLASH_LED_MODE,
            v4l2::FLASH_LED_MODE_TORCH,
        );
        let (lit, ..) = grab(&mut camera);
        assert!(luma(&lit) > base + 30.0, "{format:?}: torch");
        set(&mut camera, v4l2::FLASH_LED_MODE, v4l2::FLASH_LED_MODE_NONE);

        // White balance: manual and warm makes red stronger than blue.
        set(&mut camera, v4l2::AUTO_WHITE_BALANCE, 0);
        set(&mut camera, v4l2::WHITE_BALANCE_TEMPERATURE, 6500);
        let (warm, ..) = grab(&mut camera);
        let (r, b) = (mean(&warm, w, bars(w, h), 0), mean(&warm, w, bars(w, h), 2));
        let (r0, b0) = (
            mean(&plain, w, bars(w, h), 0),
            mean(&plain, w, bars(w, h), 2),
        );
        assert!(
            r - b > r0 - b0 + 15.0,
            "{format:?}: warm {r}/{b} vs {r0}/{b0}"
        );
        set(&mut camera, v4l2::AUTO_WHITE_BALANCE, 1);

        // The frame number stays readable through every look.
        for rgba in [&bright, &dark, &grey, &lit, &warm] {
            assert!(
                read_frame_number(rgba, w as u32, h as u32).is_some(),
                "{format:?}"
            );
        }
        assert!(handle.control_changes() >= 10);
    }
}

#[test]
fn zoom_and_pan_crop_and_move_the_picture() {
    let (_fake, mut camera) = open(fast_config().with_formats([FrameFormat::YUYV]));
    set_format(
        &mut camera,
        CameraFormat::new_from(640, 480, FrameFormat::YUYV, 100),
    )
    .unwrap();
    // The colour bars: eight columns of 80 pixels at zoom 1; at zoom 2 the middle four, 160
    // pixels each. Sample the middle of each bar on the bars' rows.
    let row = 200;
    let colours = |rgba: &[u8], w: usize, columns: usize| -> Vec<[u8; 3]> {
        (0..columns)
            .map(|i| {
                let x = (2 * i + 1) * w / (2 * columns);
                let p = (row * w + x) * 4;
                [rgba[p], rgba[p + 1], rgba[p + 2]]
            })
            .collect()
    };
    let (plain, w, _) = grab(&mut camera);
    let at_1 = colours(&plain, w, 8);
    set(&mut camera, v4l2::ZOOM_ABSOLUTE, 200);
    let (zoomed, ..) = grab(&mut camera);
    let close = |a: &[[u8; 3]], b: &[[u8; 3]]| {
        a.iter()
            .zip(b)
            .all(|(x, y)| x.iter().zip(y).all(|(p, q)| p.abs_diff(*q) <= 6))
    };
    assert!(
        close(&colours(&zoomed, w, 4), &at_1[2..6]),
        "{:?} vs {:?}",
        colours(&zoomed, w, 4),
        &at_1[2..6]
    );
    // Pan right by the whole room: the right half of the bars.
    set(&mut camera, v4l2::PAN_ABSOLUTE, 36000);
    let (panned, ..) = grab(&mut camera);
    assert!(close(&colours(&panned, w, 4), &at_1[4..8]));
    set(&mut camera, v4l2::PAN_ABSOLUTE, -36000);
    let (panned, ..) = grab(&mut camera);
    assert!(close(&colours(&panned, w, 4), &at_1[0..4]));
    assert!(read_frame_number(&panned, 640, 480).is_some());
}

#[test]
fn controls_keep_their_values_across_opens_and_fail_when_unplugged() {
    let fake = FakeCamera::new(fast_config());
    let handle = fake.handle();
    {
        let mut camera = fake.open(CameraIndex::Index(0)).unwrap();
        set(&mut camera, v4l2::ZOOM_ABSOLUTE, 300);
    }
    let mut camera = fake.open(CameraIndex::Index(0)).unwrap();
    assert_eq!(
        camera
            .camera_control(v4l2::nokhwa_id(v4l2::ZOOM_ABSOLUTE))
            .unwrap()
            .value(),
        ControlValueSetter::Integer(300)
    );
    handle.unplug();
    assert!(camera.camera_controls().is_err());
    let e = camera
        .set_camera_control(
            v4l2::nokhwa_id(v4l2::ZOOM_ABSOLUTE),
            ControlValueSetter::Integer(100),
        )
        .unwrap_err();
    assert!(e.to_string().contains(NO_SUCH_DEVICE), "{e}");
    assert_eq!(handle.control(v4l2::ZOOM_ABSOLUTE), Some(300));
    // A camera without controls lists none.
    let (_, camera) = open(fast_config().with_controls(FakeControls::none()));
    assert!(camera.camera_controls().unwrap().is_empty());
}

/// Like V4L2 (vivid and uvcvideo refuse `VIDIOC_S_FMT` with EBUSY while the stream's buffers
/// exist): a new format needs the stream stopped first. Before the fake camera learnt this from
/// vivid, every photo at another size worked here and failed on the real driver.
#[test]
fn a_format_switch_while_streaming_is_busy_and_works_once_stopped() {
    let (fake, mut camera) = open(fast_config().with_formats([FrameFormat::YUYV]));
    let handle = fake.handle();
    camera.open_stream().unwrap();
    camera.frame_raw().unwrap();
    let before = camera.camera_format();
    let other = CameraFormat::new_from(320, 240, before.format(), before.frame_rate());
    let formats = [other.format()];
    let request = RequestedFormat::with_formats(RequestedFormatType::Exact(other), &formats);
    match camera.set_camera_requset(request) {
        Err(NokhwaError::SetPropertyError { error, .. }) => assert_eq!(error, BUSY),
        result => panic!("expected EBUSY while streaming, got {result:?}"),
    }
    assert_eq!(camera.camera_format(), before);
    camera.stop_stream().unwrap();
    assert_eq!(camera.set_camera_requset(request).unwrap(), other);
    camera.open_stream().unwrap();
    let frame = camera.frame_raw().unwrap();
    assert_eq!(frame.len(), 320 * 240 * 2);
    assert_eq!(handle.current_format(), Some(other));
}
