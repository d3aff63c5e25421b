//! The W3C *MediaStream Image Capture* API for Rust: `ImageCapture` (`take_photo`,
//! `grab_frame`, `get_photo_capabilities`, `get_photo_settings`) on a camera track, with one
//! code path for native programs (cameras through nokhwa) and for `wasm32` in browsers (the
//! browser's own `ImageCapture` methods where they work, ours on web-sys where not).
//!
//! The names are the spec's in snake_case; errors carry the spec's DOMException names.
//!
//! ```no_run
//! use imagecapture::prelude::*;
//! use imagecapture::{ImageCapture, MediaDevices, MediaStreamConstraints, PhotoSettings};
//!
//! # async fn run() -> imagecapture::Result<()> {
//! let stream = MediaDevices::new()
//!     .get_user_media(&MediaStreamConstraints::video())
//!     .await?;
//! let Some(track) = stream.video_track() else { return Ok(()) };
//! let capture = ImageCapture::new(track)?;
//! let frame = capture.grab_frame().await?; // RGBA, the track's size
//! let photo = capture.take_photo(&PhotoSettings::with_width(1280.0)).await?; // image/jpeg
//! println!("{}×{} frame, {} byte photo", frame.width(), frame.height(), photo.size());
//! # Ok(()) }
//! ```
//!
//! # Targets
//!
//! | target | backend | what differs |
//! |---|---|---|
//! | Linux, macOS, Windows | `imagecapture-native` (nokhwa) | `Blob::as_bytes`, the `fake` camera, the `v4l2` control mapping, `FAKE_CAMERA_ENV`; futures are `Send` |
//! | `wasm32-unknown-unknown` | `imagecapture-web` (web-sys) | every type converts to and from its web-sys object (`as_raw`, `from_raw`); nothing is `Send` (`prelude::MaybeSend` bridges the two) |
//!
//! These docs show one of the two (docs.rs builds both: pick the target in its menu). Code
//! written against the [`prelude`] traits compiles for both. In browsers, test it with
//! `wasm-pack test --headless --chrome` (see the repository's README: a fake camera needs a
//! `webdriver.json` beside your `Cargo.toml`).
//!
//! Natively, `IMAGECAPTURE_FAKE_CAMERA=1` adds a fake camera (the `fake` module: a test
//! pattern, like Chrome's `--use-fake-device-for-media-stream`) for machines without one.
//!
//! Feature `digital-zoom` (default): digital zoom, pan and tilt in browsers
//! (`MediaDevices::with_digital_zoom`); natively they are always there.
//!
//! Feature `image` (off by default): `into_rgba_image`, a grabbed frame as an
//! `image::RgbaImage` (natively without a copy), and the `image` crate re-exported.

#[doc(inline)]
pub use imagecapture_core::{
    Error, ErrorName, FillLightMode, MediaDeviceInfo, MediaDeviceKind, MediaSettingsRange,
    MediaStream, MediaStreamConstraints, MediaTrackCapabilities, MediaTrackConstraintSet,
    MediaTrackConstraints, MediaTrackSettings, MediaTrackSupportedConstraints, MeteringMode,
    PhotoCapabilities, PhotoSettings, Point2D, ReadyState, RedEyeReduction, Result, TrackKind,
    constraints, controls, limits,
};

/// The traits, to bring their methods into scope: `use imagecapture::prelude::*;`.
pub mod prelude {
    pub use imagecapture_core::traits::{
        BlobTrait, ImageBitmapTrait, ImageCaptureTrait, MaybeSend, MediaDevicesTrait,
        MediaStreamTrackTrait,
    };
}

#[cfg(web)]
#[doc(inline)]
pub use imagecapture_web::{Blob, ImageBitmap, ImageCapture, MediaDevices, MediaStreamTrack};

#[cfg(native)]
#[doc(inline)]
pub use imagecapture_native::{
    Blob, FAKE_CAMERA_ENV, ImageBitmap, ImageCapture, MediaDevices, MediaStreamTrack, fake, v4l2,
};

#[cfg(feature = "image")]
mod rgba_image;
#[cfg(feature = "image")]
pub use rgba_image::into_rgba_image;

/// The [`image`](https://docs.rs/image) crate, at the version [`into_rgba_image`] returns
/// (feature `image`).
#[cfg(feature = "image")]
pub use ::image;
