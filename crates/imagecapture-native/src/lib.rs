//! The W3C *MediaStream Image Capture* API on native cameras, through
//! [nokhwa](https://docs.rs/nokhwa) — and on a [fake camera](fake) on machines without one.
//!
//! ```no_run
//! use imagecapture_native::{ImageCapture, MediaDevices};
//! use imagecapture_core::{ImageCaptureTrait, MediaDevicesTrait, MediaStreamConstraints, PhotoSettings};
//!
//! # async fn run() -> imagecapture_core::Result<()> {
//! let stream = MediaDevices::new().get_user_media(&MediaStreamConstraints::video()).await?;
//! let Some(track) = stream.video_track() else { return Ok(()) };
//! let capture = ImageCapture::new(track)?;
//! let photo = capture.take_photo(&PhotoSettings::default()).await?; // image/jpeg
//! std::fs::write("photo.jpg", photo.as_bytes()).ok();
//! # Ok(()) }
//! ```
//!
//! Each open camera has one capture thread that keeps the newest frame; futures work on any
//! executor and every wait is bounded (see [`imagecapture_core::limits`]).

mod bitmap;
mod controls;
pub mod convert;
mod devices;
pub mod encode;
mod error;
pub mod fake;
mod formats;
#[cfg(test)]
mod fuzz;
mod image_capture;
mod mjpeg;
mod photo;
mod platform;
mod pool;
mod source;
mod timer;
mod track;
pub mod v4l2;
#[cfg(target_os = "linux")]
mod v4l2_camera;
mod worker;

pub use bitmap::{Blob, ImageBitmap};
pub use devices::{FAKE_CAMERA_ENV, MediaDevices};
pub use image_capture::ImageCapture;
pub use track::MediaStreamTrack;
