//! The W3C *MediaStream Image Capture* API in browsers (`wasm32`), on web-sys.
//!
//! Each `ImageCapture` method is the browser's own where `ImageCapture.prototype` really has it
//! (Chrome has all four, Safari 18.x lacks `grabFrame`, Firefox has none), and ours where not:
//! frames from a hidden `<video>` playing the track, photos drawn on an `OffscreenCanvas` and
//! encoded there. Errors are [`imagecapture_core::Error`]s carrying the spec's DOMException
//! names; [`error::to_js`] turns one into the real `DOMException` (or `TypeError`) a JavaScript
//! caller expects.
//!
//! ```no_run
//! use imagecapture_core::{
//!     ImageCaptureTrait, MediaDevicesTrait, MediaStreamConstraints, PhotoSettings,
//! };
//! use imagecapture_web::{ImageCapture, MediaDevices};
//!
//! # async fn run() -> imagecapture_core::Result<()> {
//! let stream = MediaDevices::new()
//!     .get_user_media(&MediaStreamConstraints::video())
//!     .await?;
//! let Some(track) = stream.video_track() else { return Ok(()) };
//! let capture = ImageCapture::new(track)?;
//! let frame = capture.grab_frame().await?; // an ImageBitmap, closed on drop
//! let photo = capture.take_photo(&PhotoSettings::with_width(1280.0)).await?;
//! # Ok(()) }
//! ```
//!
//! Every type has `as_raw`/`into_raw`/`from_raw` to and from its web-sys object. On targets
//! other than `wasm32` this crate is empty.

#![cfg(target_arch = "wasm32")]

mod bitmap;
mod browser;
mod canvas;
mod devices;
pub mod dictionary;
#[cfg(feature = "digital-zoom")]
mod digital;
/// Without the `digital-zoom` feature: no track has the emulation.
#[cfg(not(feature = "digital-zoom"))]
#[path = "digital_off.rs"]
mod digital;
pub mod error;
mod image_capture;
mod photo;
mod source;
mod timer;
mod track;

pub use bitmap::{Blob, ImageBitmap};
pub use browser::{Install, Method, browser_has, force_polyfill, install_plan, set_force_polyfill};
pub use devices::MediaDevices;
pub use image_capture::{ImageCapture, ImageCaptureOptions};
pub use track::MediaStreamTrack;

/// Test hooks: not part of the API.
#[doc(hidden)]
pub mod testing {
    /// Limits the frame APIs our `grabFrame` uses in `ImageCapture`s whose `<video>` is made
    /// from now on, to exercise the fallbacks of older browsers: `requestVideoFrameCallback`
    /// and `VideoFrame` each only where the browser has it and this allows it. `None`: every
    /// API the browser has.
    pub fn limit_frame_apis(limit: Option<(bool, bool)>) {
        crate::source::set_frame_api(limit.map(|(video_frame_callback, video_frame)| {
            crate::source::FrameApi {
                video_frame_callback,
                video_frame,
            }
        }));
    }
}
