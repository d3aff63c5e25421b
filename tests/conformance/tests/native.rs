//! The conformance suite on the native backend, against the fake camera in each of its pixel
//! formats (YUYV, MJPEG, NV12): every case × 3.

// The browser runner is tests/web.rs; this one needs native cameras (nokhwa).
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::time::{Duration, Instant};

use imagecapture_conformance::{Expectations, Faults, Harness, Outcome, cases, for_each_case};
use imagecapture_native::fake::{
    FakeCamera, FakeCameraConfig, FakeCameraHandle, read_frame_number,
};
use imagecapture_native::{ImageCapture, MediaDevices, MediaStreamTrack};
use nokhwa_core::types::FrameFormat;

struct NativeHarness {
    devices: MediaDevices,
    handle: FakeCameraHandle,
    epoch: Instant,
}

impl NativeHarness {
    fn new(format: FrameFormat) -> Self {
        let camera = FakeCamera::new(FakeCameraConfig::new().with_formats([format]));
        Self {
            handle: camera.handle(),
            devices: MediaDevices::with_fake_camera(camera),
            epoch: Instant::now(),
        }
    }
}

impl Faults for NativeHarness {
    fn unplug(&self) {
        self.handle.unplug();
    }
    fn stall(&self, stalled: bool) {
        self.handle.set_stalled(stalled);
    }
    fn device_open(&self) -> bool {
        self.handle.open_count() > 0
    }
    fn refuse_open(&self, refuse: bool) {
        self.handle.set_refuse_open(refuse);
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
        Expectations {
            default_photo_type: "image/jpeg",
            png_extension: true,
            resizes_on_apply: true,
            other_width: 1280,
            apply_rejects_impossible: true,
        }
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

    fn frame_number(&self, rgba: &[u8], width: u32, height: u32) -> Option<u64> {
        read_frame_number(rgba, width, height)
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
