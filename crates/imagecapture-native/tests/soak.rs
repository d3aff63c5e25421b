//! Soak: many grabs and photos on the fake camera, in each pixel format, with the process's
//! resident memory sampled every 100 grabs. Then 1,000 ImageCaptures made and dropped, and the
//! camera released.
//!
//! What counts as growth: the allocator keeps freed memory in per-thread arenas (the photo
//! threads' among them) and gives it back unevenly, so single samples swing by tens of MB with
//! no leak. A leak raises the high-water mark: the peak of the second half of the run (after a
//! warm-up of a tenth) must stay within 1 MB of the peak of the first half.
//!
//! `cargo test` runs a short version (`a_short_soak_settles_every_call_and_releases`), which
//! prints its figures but is too short for the allocator to settle, so asserts no memory bound;
//! `cargo xtask soak` runs the full one (10,000 grabs and 1,000 photos a format), which does.

#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::time::Instant;

use imagecapture_core::{
    ImageCaptureTrait, MediaDevicesTrait, MediaStreamConstraints, MediaStreamTrackTrait,
    PhotoSettings,
};
use imagecapture_native::fake::{FakeCamera, FakeCameraConfig};
use imagecapture_native::{ImageCapture, MediaDevices};
use nokhwa_core::types::FrameFormat;
use pollster::block_on;

/// The resident set size of this process, in bytes (`/proc/self/statm`, in pages).
fn rss() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    let pages: u64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4096
}

struct Figures {
    format: FrameFormat,
    /// The highest sample between the warm-up and half-way.
    first_half_peak: u64,
    /// The highest sample of the second half.
    second_half_peak: u64,
    secs: f64,
}

/// `grabs` grabs and `photos` photos (alternating the track's size and 1280 wide) on a fake
/// camera of `format` at 100 fps; memory sampled after the first tenth and at the end.
fn soak(format: FrameFormat, grabs: usize, photos: usize) -> Figures {
    let camera = FakeCamera::new(
        FakeCameraConfig::new()
            .with_formats([format])
            .with_frame_rates([100]),
    );
    let handle = camera.handle();
    let devices = MediaDevices::with_fake_camera(camera);
    let stream = block_on(devices.get_user_media(&MediaStreamConstraints::video())).unwrap();
    let track = stream.video_track().unwrap();
    let capture = ImageCapture::new(track.clone()).unwrap();
    let started = Instant::now();
    let warm_up = grabs / 10;
    let (mut first_half_peak, mut second_half_peak) = (0, 0);
    for i in 0..grabs {
        drop(block_on(capture.grab_frame()).unwrap());
        if i >= warm_up && i % 100 == 0 {
            let peak = if i < grabs / 2 {
                &mut first_half_peak
            } else {
                &mut second_half_peak
            };
            *peak = (*peak).max(rss());
        }
        if photos > 0 && i % (grabs / photos) == 0 {
            let width = if (i / (grabs / photos)) % 2 == 0 {
                1280.0
            } else {
                640.0
            };
            drop(block_on(capture.take_photo(&PhotoSettings::with_width(width))).unwrap());
        }
    }
    // 1,000 ImageCaptures of the track, each used once, then dropped.
    for _ in 0..if grabs >= 10_000 { 1000 } else { 100 } {
        let other = ImageCapture::new(track.clone()).unwrap();
        drop(block_on(other.grab_frame()).unwrap());
    }
    track.stop();
    drop(capture);
    let released = (0..200).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(10));
        handle.open_count() == 0
    });
    assert!(released, "the camera was not released after the soak");
    Figures {
        format,
        first_half_peak,
        second_half_peak,
        secs: started.elapsed().as_secs_f64(),
    }
}

fn check(figures: &[Figures], grabs: usize, photos: usize, bound: bool) {
    for f in figures {
        let growth = f.second_half_peak.saturating_sub(f.first_half_peak);
        println!(
            "soak {:?}: {grabs} grabs, {photos} photos in {:.1} s; RSS peak {:.1} MB in the \
             first half, {:.1} MB in the second (growth {:.2} MB)",
            f.format,
            f.secs,
            f.first_half_peak as f64 / 1e6,
            f.second_half_peak as f64 / 1e6,
            growth as f64 / 1e6,
        );
        assert!(
            !bound || growth <= 1_000_000,
            "{:?}: the memory peak grew by {growth} bytes",
            f.format
        );
    }
}

fn run(grabs: usize, photos: usize, bound: bool) {
    let figures: Vec<Figures> = [FrameFormat::YUYV, FrameFormat::MJPEG, FrameFormat::NV12]
        .into_iter()
        .map(|format| soak(format, grabs, photos))
        .collect();
    check(&figures, grabs, photos, bound);
}

#[test]
fn a_short_soak_settles_every_call_and_releases() {
    run(400, 20, false);
}

/// `cargo xtask soak` (10,000 grabs and 1,000 photos a format, ≈ 6 minutes).
#[test]
#[ignore = "long: run by cargo xtask soak"]
fn the_full_soak_holds_memory_flat() {
    let grabs = std::env::var("IMAGECAPTURE_SOAK_GRABS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let photos = std::env::var("IMAGECAPTURE_SOAK_PHOTOS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000);
    run(grabs, photos, true);
}
