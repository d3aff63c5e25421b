//! Native benchmarks, each measuring us and the alternatives in the same run so the report can
//! give ratios: frame conversion against nokhwa's own decoding and a memcpy of the output (the
//! physical bound), photo encoding against the `image` crate, and `grab_frame` / `take_photo`
//! end to end on the fake camera.
//!
//! `cargo bench -p imagecapture-bench` (or `cargo xtask bench`, which also writes BENCHMARKS.md).
//!
//! No group sets its own warm-up or measurement time: the command line's apply to all of them
//! (`cargo xtask bench` passes short ones), and the statistics after each are kept short. Criterion's automatic sampling switches a function too
//! slow for its linear sampling in that time to flat sampling, so every group keeps to it; the
//! slow ones take fewer samples of more iterations rather than more time.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use imagecapture_core::photo_settings::PhotoEncoding;
use imagecapture_core::{
    ImageCaptureTrait, MediaDevicesTrait, MediaStreamConstraints, PhotoSettings,
};
use imagecapture_native::convert::{FramePool, to_rgba, with_huffman_tables};
use imagecapture_native::encode::encode;
use imagecapture_native::fake::{FakeCamera, FakeCameraConfig};
use imagecapture_native::{ImageCapture, MediaDevices, MediaStreamTrack};
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

/// The same bytes to every contender, the same RGBA out of every one, each writing into an
/// output buffer it reuses from call to call (the state of a stream of frames).
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
            // What `grab_frame` pays for the frame: decoded into a buffer of the track's pool,
            // handed out as an ImageBitmap, which the app drops (the buffer goes back).
            let pool = FramePool::new();
            group.bench_with_input(BenchmarkId::new("ours", &label), &raw, |b, raw| {
                b.iter(|| pool.decode(format, size, black_box(raw)).unwrap());
            });
            // nokhwa's own decoding of the same buffer to RGBA (`Buffer::decode_image` with
            // `RgbAFormat`), in its form that writes into a buffer the caller keeps.
            let buffer = Buffer::new(Resolution::new(w, h), &raw, format);
            let mut out = vec![0u8; (w * h * 4) as usize];
            group.bench_function(BenchmarkId::new("nokhwa", &label), |b| {
                b.iter(|| {
                    black_box(&buffer)
                        .decode_image_to_buffer::<RgbAFormat>(&mut out)
                        .unwrap();
                });
            });
            // The bound: copying the output's bytes into a buffer kept likewise.
            let rgba = vec![7u8; (w * h * 4) as usize];
            let mut copy = vec![0u8; rgba.len()];
            group.bench_function(BenchmarkId::new("memcpy", &label), |b| {
                b.iter(|| copy.copy_from_slice(black_box(&rgba)));
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
    // The image crate takes ≈50 ms a call: 20 flat samples of it fit a 2 s measurement.
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

/// A track of the fake camera in `format` at `size`.
fn open(format: FrameFormat, size: (u32, u32)) -> MediaStreamTrack {
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
    stream.video_track().unwrap()
}

/// Latency from call to result when a frame is waiting, as for an app that grabs on demand.
///
/// Each call is made by a new `ImageCapture` on the same running track: its first call takes the
/// frame that is waiting (a running camera always has one less than a frame interval old), with
/// no wait for the camera and no pause between calls. One `ImageCapture` never hands out the
/// same frame twice, so its back-to-back calls would measure the camera's frame interval
/// instead. The track's buffer pool is shared by its `ImageCapture`s, so frames are decoded into
/// reused buffers as in an app's steady state. The result is dropped outside the timed part.
fn end_to_end(c: &mut Criterion) {
    let mut group = c.benchmark_group("end_to_end");
    for (format, name) in [(FrameFormat::YUYV, "yuyv"), (FrameFormat::MJPEG, "mjpeg")] {
        for (size, label) in [((640, 480), "640x480"), ((1920, 1080), "1080p")] {
            let track = open(format, size);
            group.bench_function(format!("grab_frame_{label}_{name}"), |b| {
                b.iter_custom(|iters| {
                    timed(iters, &track, |capture| {
                        pollster::block_on(capture.grab_frame()).unwrap()
                    })
                });
            });
            if size.0 == 1920 {
                group.bench_function(format!("take_photo_{label}_{name}"), |b| {
                    b.iter_custom(|iters| {
                        timed(iters, &track, |capture| {
                            pollster::block_on(capture.take_photo(&PhotoSettings::default()))
                                .unwrap()
                        })
                    });
                });
            }
        }
    }
    group.finish();
}

/// The total time of `iters` calls of `call`, each on a new `ImageCapture` of `track`; making
/// it and dropping the result are outside the timed part.
fn timed<R>(iters: u64, track: &MediaStreamTrack, call: impl Fn(&ImageCapture) -> R) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        let capture = ImageCapture::new(track.clone()).unwrap();
        let start = Instant::now();
        let result = black_box(call(&capture));
        total += start.elapsed();
        drop(result);
    }
    total
}

criterion_group! {
    name = benches;
    // The report reads criterion's median, a statistic of the samples themselves; the bootstrap
    // resamples only give its confidence interval. Criterion's default of 100 000 resamples
    // costs ≈0.4 s of analysis more per function on 2 cores (15 s of the run); 5 000 are
    // plenty for an interval. (`--nresamples` on the command line still wins.)
    config = Criterion::default().nresamples(5_000);
    targets = conversion, encoding, end_to_end
}
criterion_main!(benches);
