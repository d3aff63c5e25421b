//! The conformance suite on the native backend, against the fake camera in each of its pixel
//! formats (YUYV, MJPEG, NV12): every case × 3.
//!
//! The devices are two fake cameras: the first with every control an Image Capture member maps
//! to (a webcam's, plus a torch, ISO and exposure bias), the second a plain webcam (no torch);
//! and, for digital zoom, a third set of devices with one webcam without zoom, pan or tilt and
//! the emulation on.

// The browser runner is tests/web.rs; this one needs native cameras (nokhwa).
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::time::{Duration, Instant};

use imagecapture_conformance::{Expectations, Faults, Harness, Outcome, cases, for_each_case};
use imagecapture_native::fake::{
    FakeCamera, FakeCameraConfig, FakeCameraHandle, FakeControls, read_frame_number,
};
use imagecapture_native::{ImageCapture, MediaDevices, MediaStreamTrack, v4l2};
use nokhwa_core::types::FrameFormat;

struct NativeHarness {
    format: FrameFormat,
    devices: MediaDevices,
    /// The handles of the fake cameras of `devices`; faults apply to all of them.
    handles: Vec<FakeCameraHandle>,
    epoch: Instant,
}

impl NativeHarness {
    fn new(format: FrameFormat) -> Self {
        let config = FakeCameraConfig::new().with_formats([format]);
        let full = FakeCamera::new(config.clone().with_controls(FakeControls::full()));
        let webcam = FakeCamera::new(config.with_name("Fake Webcam"));
        let handles = vec![full.handle(), webcam.handle()];
        let mut devices = MediaDevices::with_fake_camera(full);
        devices.add_fake_camera(webcam);
        Self {
            format,
            devices,
            handles,
            epoch: Instant::now(),
        }
    }
}

impl Faults for NativeHarness {
    fn unplug(&self) {
        self.handles.iter().for_each(FakeCameraHandle::unplug);
    }
    fn stall(&self, stalled: bool) {
        self.handles.iter().for_each(|h| h.set_stalled(stalled));
    }
    fn device_open(&self) -> bool {
        self.handles.iter().any(|h| h.open_count() > 0)
    }
    fn refuse_open(&self, refuse: bool) {
        self.handles.iter().for_each(|h| h.set_refuse_open(refuse));
    }
    fn refuse_format_changes(&self, refuse: bool) -> bool {
        self.handles
            .iter()
            .for_each(|h| h.set_refuse_format_changes(refuse));
        true
    }
    fn panic_next_read(&self) -> bool {
        self.handles
            .iter()
            .for_each(FakeCameraHandle::panic_next_read);
        true
    }
    fn fail_next_stream_start(&self) -> bool {
        self.handles
            .iter()
            .for_each(FakeCameraHandle::fail_next_stream_start);
        true
    }
    fn torch_on(&self) -> Option<bool> {
        let modes: Vec<i64> = self
            .handles
            .iter()
            .filter_map(|h| h.control(v4l2::FLASH_LED_MODE))
            .collect();
        (!modes.is_empty()).then(|| modes.contains(&v4l2::FLASH_LED_MODE_TORCH))
    }
}

impl Harness for NativeHarness {
    type Devices = MediaDevices;
    type Track = MediaStreamTrack;
    type Capture = ImageCapture;

    fn devices(&self) -> &MediaDevices {
        &self.devices
    }

    fn expectations(&self) -> Expectations {
        Expectations::native()
    }

    fn faults(&self) -> Option<&dyn Faults> {
        Some(self)
    }

    async fn pause(&self, ms: u32) {
        std::thread::sleep(Duration::from_millis(u64::from(ms)));
    }

    fn now_ms(&self) -> f64 {
        self.epoch.elapsed().as_secs_f64() * 1000.0
    }

    fn snaps_ideals_to_steps(&self) -> bool {
        true
    }

    fn mode_switches_read_back(&self) -> bool {
        true
    }

    fn frame_number(&self, rgba: &[u8], width: u32, height: u32) -> Option<u64> {
        read_frame_number(rgba, width, height)
    }

    fn controls_show_in_pixels(&self) -> bool {
        true
    }

    fn devices_with_digital_zoom(&self) -> Option<MediaDevices> {
        let controls = FakeControls::webcam()
            .without(v4l2::ZOOM_ABSOLUTE)
            .without(v4l2::PAN_ABSOLUTE)
            .without(v4l2::TILT_ABSOLUTE);
        let camera = FakeCamera::new(
            FakeCameraConfig::new()
                .with_formats([self.format])
                .with_controls(controls),
        );
        Some(MediaDevices::with_fake_camera(camera).with_digital_zoom(true))
    }
}

macro_rules! native_suite {
    ($($case:ident),*) => {
        native_suite!(@format yuyv, YUYV, $($case),*);
        native_suite!(@format mjpeg, MJPEG, $($case),*);
        native_suite!(@format nv12, NV12, $($case),*);
    };
    (@format $module:ident, $format:ident, $($case:ident),*) => {
        mod $module {
            use super::*;
            $(
                #[test]
                fn $case() {
                    let harness = NativeHarness::new(FrameFormat::$format);
                    // Natively every case must run: the fake camera can do all they ask.
                    assert_eq!(pollster::block_on(cases::$case(&harness)), Outcome::Passed);
                }
            )*
        }
    };
}

for_each_case!(native_suite);
