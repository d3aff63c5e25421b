//! Native benchmarks, each measuring us and the alternatives in the same run so the report can
//! give ratios: frame conversion against nokhwa's own decoding and a memcpy of the output (the
//! physical bound), photo encoding against the `image` crate, and `grab_frame` / `take_photo`
//! end to end on the fake camera.
//!
//! `cargo bench -p imagecapture-bench` (or `cargo xtask bench`, which also writes BENCHMARKS.md).

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use imagecapture_core::photo_settings::PhotoEncoding;
use imagecapture_core::{
    ImageCaptureTrait, MediaDevicesTrait, MediaStreamConstraints, PhotoSettings,
};
use imagecapture_native::convert::{to_rgba, with_huffman_tables};
use imagecapture_native::encode::encode;
use imagecapture_native::fake::{FakeCamera, FakeCameraConfig};
use imagecapture_native::{ImageCapture, MediaDevices};
use nokhwa_core::buffer::Buffer;
use nokhwa_core::pixel_format::RgbAFormat;
use nokhwa_core::traits::CaptureBackendTrait;
use nokhwa_core::types::{CameraFormat, CameraIndex, FrameFormat, Resolution};

const SIZES: [(u32, u32); 3] = [(640, 480), (1280, 720), (1920, 1080)];

/// One real frame of the fake camera in `format` at `size` (MJPEG with its Huffman tables, so
/// every decoder can take it).
fn camera_frame(format: FrameFormat, (w, h): (u32, u32)) -> Vec<u8> {
    let camera = FakeCamera::new(FakeCameraConfig::new().with_formats([format]));
    let mut device = camera.open_device(CameraIndex::Index(0)).unwrap();
    device
        .set_camera_format(CameraFormat::new(Resolution::new(w, h), format, 30))
        .unwrap();
    device.open_stream().unwrap();
    let raw = device.frame_raw().unwrap().into_owned();
    with_huffman_tables(&raw).into_owned()
}

fn conversion(c: &mut Criterion) {
    for (format, name) in [
        (FrameFormat::YUYV, "yuyv"),
        (FrameFormat::NV12, "nv12"),
        (FrameFormat::MJPEG, "mjpeg"),
    ] {
        let mut group = c.benchmark_group(format!("to_rgba_{name}"));
        for size in SIZES {
            let (w, h) = size;
            let label = format!("{w}x{h}");
            let raw = camera_frame(format, size);
            group.bench_with_input(BenchmarkId::new("ours", &label), &raw, |b, raw| {
                b.iter(|| {
                    // A fresh buffer per frame, as a grabbed ImageBitmap owns its pixels.
                    let mut out = Vec::new();
                    to_rgba(format, size, black_box(raw), &mut out).unwrap();
                    out
                });
            });
            let buffer = Buffer::new(Resolution::new(w, h), &raw, format);
            group.bench_with_input(BenchmarkId::new("nokhwa", &label), &buffer, |b, buffer| {
                b.iter(|| black_box(buffer).decode_image::<RgbAFormat>().unwrap());
            });
            let rgba = vec![7u8; (w * h * 4) as usize];
            group.bench_with_input(BenchmarkId::new("memcpy", &label), &rgba, |b, rgba| {
                b.iter(|| black_box(rgba).clone());
            });
        }
        group.finish();
    }
}

fn encoding(c: &mut Criterion) {
    let (w, h) = (1920u32, 1080u32);
    let mut rgba = Vec::new();
    to_rgba(
        FrameFormat::YUYV,
        (w, h),
        &camera_frame(FrameFormat::YUYV, (w, h)),
        &mut rgba,
    )
    .unwrap();
    let mut group = c.benchmark_group("jpeg_encode_1080p");
    group.sample_size(20);
    group.bench_function("ours", |b| {
        b.iter(|| {
            encode(
                black_box(&rgba),
                (w, h),
                PhotoEncoding::Jpeg { quality: 0.92 },
            )
            .unwrap()
        });
    });
    // The `image` crate's JPEG encoder takes RGB only (it rejects RGBA): give it RGB, converted
    // outside the timed part, so it is measured at its best.
    let rgb: Vec<u8> = rgba
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    group.bench_function("image", |b| {
        b.iter(|| {
            let mut out = Vec::new();
            let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 92);
            image::ImageEncoder::write_image(
                encoder,
                black_box(&rgb),
                w,
                h,
                image::ExtendedColorType::Rgb8,
            )
            .unwrap();
            out
        });
    });
    group.finish();
}

/// Opens the fake camera in `format` at `size`.
fn open(format: FrameFormat, size: (u32, u32)) -> ImageCapture {
    let devices = MediaDevices::with_fake_camera(FakeCamera::new(
        FakeCameraConfig::new().with_formats([format]),
    ));
    let constraints =
        MediaStreamConstraints::video_with(imagecapture_core::MediaTrackConstraintSet {
            width: Some(imagecapture_core::constraints::ConstrainULong::exact(
                size.0,
            )),
            height: Some(imagecapture_core::constraints::ConstrainULong::exact(
                size.1,
            )),
            ..Default::default()
        });
    let stream = pollster::block_on(devices.get_user_media(&constraints)).unwrap();
    ImageCapture::new(stream.video_track().unwrap()).unwrap()
}

fn end_to_end(c: &mut Criterion) {
    let mut group = c.benchmark_group("end_to_end");
    group.sample_size(30);
    group.measurement_time(Duration::from_secs(4));
    for (format, name) in [(FrameFormat::YUYV, "yuyv"), (FrameFormat::MJPEG, "mjpeg")] {
        let capture = open(format, (640, 480));
        // Latency from call to frame when a frame is waiting, as for an app that grabs on demand:
        // pause one frame interval (33 ms at 30 fps) between calls, timing only the call.
        group.bench_function(format!("grab_frame_640x480_{name}"), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    std::thread::sleep(Duration::from_millis(34));
                    let start = Instant::now();
                    black_box(pollster::block_on(capture.grab_frame()).unwrap());
                    total += start.elapsed();
                }
                total
            });
        });
        let capture = open(format, (1920, 1080));
        group.bench_function(format!("take_photo_1080p_{name}"), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    std::thread::sleep(Duration::from_millis(34));
                    let start = Instant::now();
                    black_box(
                        pollster::block_on(capture.take_photo(&PhotoSettings::default())).unwrap(),
                    );
                    total += start.elapsed();
                }
                total
            });
        });
    }
    group.finish();
}

criterion_group!(benches, conversion, encoding, end_to_end);
criterion_main!(benches);
