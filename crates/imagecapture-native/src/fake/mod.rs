//! A fake camera: a native test device, like Chrome's `--use-fake-device-for-media-stream`.
//!
//! [`FakeCamera`] implements nokhwa's capture-backend interface ([`FakeDevice`] is a
//! [`CaptureBackendTrait`](nokhwa_core::traits::CaptureBackendTrait)) and is opened as a
//! `nokhwa::Camera` through [`Camera::with_custom`](nokhwa::Camera::with_custom), so that
//! everything above nokhwa runs exactly as it would on a webcam: format negotiation, raw
//! YUYV / NV12 / MJPEG buffers paced at the frame rate, decoding, errors.
//!
//! The picture is an animated test pattern in which every frame is different and carries its
//! number, both in large digits and in a machine-readable strip that survives chroma
//! subsampling and JPEG: [`read_frame_number`] reads it back from a decoded frame, which is how
//! tests prove that a grabbed frame is a fresh one.
//!
//! It has the controls of a UVC webcam ([`FakeControls`]: brightness, contrast, saturation,
//! sharpness, white balance with auto, exposure with auto, focus with auto, zoom, pan, tilt; a
//! variant with a torch), listed, read and written through nokhwa's control interface under
//! the ids nokhwa's V4L2 backend uses ([`crate::v4l2`]), with V4L2's ranges, steps and errors;
//! and its picture shows them (see the `look` module): zoom, pan and tilt crop and move it,
//! exposure, white balance, the torch, brightness, contrast and saturation change its colours.
//!
//! A [`FakeCameraHandle`] is the test's remote control: it unplugs the camera, stalls its
//! stream or makes it busy, and tells whether the device is open, streaming, in which format,
//! and how many frames it delivered.
//!
//! ```
//! use imagecapture_native::fake::{FakeCamera, FakeCameraConfig};
//! use nokhwa_core::types::CameraIndex;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let fake = FakeCamera::new(FakeCameraConfig::from_spec("yuyv@30")?);
//! let handle = fake.handle();
//! let mut camera = fake.open(CameraIndex::Index(0))?;
//! let frame = camera.frame()?;
//! assert_eq!(frame.buffer().len(), 640 * 480 * 2);
//! assert_eq!(handle.frames_delivered(), 1);
//! drop(camera);
//! assert_eq!(handle.open_count(), 0);
//! # Ok(()) }
//! ```

mod config;
mod controls;
mod device;
mod handle;
mod look;
mod mjpeg;
mod pack;
mod pattern;

#[cfg(test)]
mod tests;

use nokhwa::Camera;
use nokhwa_core::error::NokhwaError;
use nokhwa_core::types::{ApiBackend, CameraFormat, CameraIndex, CameraInfo};

pub use config::FakeCameraConfig;
pub use controls::{FakeControl, FakeControlKind, FakeControls};
pub use device::FakeDevice;
pub use handle::FakeCameraHandle;
pub use pattern::read_frame_number;

/// A fake camera: its configuration and the state its devices share with its handles.
///
/// Cloning gives another way to open the same camera (the clones share one handle state).
/// `Send` and `Sync`, so it can be handed to a capture thread, which then opens the device.
#[derive(Clone, Debug)]
pub struct FakeCamera {
    config: FakeCameraConfig,
    handle: FakeCameraHandle,
}

impl Default for FakeCamera {
    /// A fake camera with the default configuration.
    fn default() -> Self {
        Self::new(FakeCameraConfig::default())
    }
}

impl FakeCamera {
    /// A fake camera, plugged in, with no device open.
    #[must_use]
    pub fn new(config: FakeCameraConfig) -> Self {
        Self {
            handle: FakeCameraHandle::new(config.controls().defaults()),
            config,
        }
    }

    /// Its configuration.
    #[must_use]
    pub fn config(&self) -> &FakeCameraConfig {
        &self.config
    }

    /// A handle on this camera and the devices opened from it.
    #[must_use]
    pub fn handle(&self) -> FakeCameraHandle {
        self.handle.clone()
    }

    /// Its description, as a device list would show it (with index 0; an opened device has
    /// the index it was opened with).
    #[must_use]
    pub fn info(&self) -> CameraInfo {
        device::camera_info(&self.config, CameraIndex::Index(0))
    }

    /// Every format it offers (see [`FakeCameraConfig::camera_formats`]).
    #[must_use]
    pub fn formats(&self) -> Vec<CameraFormat> {
        self.config.camera_formats()
    }

    /// Opens the device itself, without a `nokhwa::Camera` around it.
    ///
    /// # Errors
    /// `NokhwaError::OpenDeviceError(name, "No such device (os error 19)")` when the camera is
    /// unplugged; `NokhwaError::OpenDeviceError(name, "Device or resource busy (os error 16)")`
    /// when the handle refuses opening.
    pub fn open_device(&self, index: CameraIndex) -> Result<FakeDevice, NokhwaError> {
        FakeDevice::open(self.config.clone(), self.handle.shared.clone(), index)
    }

    /// Opens the device as a `nokhwa::Camera` (with [`ApiBackend::Auto`]), in the
    /// [initial format](FakeCameraConfig::initial_format), its stream not yet open.
    ///
    /// # Errors
    /// As [`open_device`](Self::open_device).
    pub fn open(&self, index: CameraIndex) -> Result<Camera, NokhwaError> {
        let device = self.open_device(index.clone())?;
        Ok(Camera::with_custom(
            index,
            ApiBackend::Auto,
            Box::new(device),
        ))
    }
}
