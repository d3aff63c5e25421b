//! The W3C *MediaStream Image Capture* API as Rust types and traits, and the logic every backend
//! shares.
//!
//! This crate does no I/O. Backends (`imagecapture-native` on nokhwa, `imagecapture-web` on
//! web-sys) implement [`traits`]; apps usually depend on the `imagecapture` facade, which picks
//! the backend for the target.
//!
//! - [`photo`], [`track`], [`constraints`]: every spec dictionary and enum, with serde mapping
//!   them 1:1 to the JavaScript dictionaries.
//! - [`error`]: one error type carrying the spec's DOMException name.
//! - [`text`]: numbers in error messages, without float formatting machinery.
//! - [`traits`]: `MediaDevices`, `MediaStreamTrack`, `ImageCapture`, `ImageBitmap`, `Blob`.
//! - [`photo_settings`], [`select`], [`scale`]: validation of photo settings, the
//!   constraint-selection algorithm, size and pixel arithmetic.
//! - [`controls`]: the image-capture controls (zoom, exposure, focus, torch…) and what
//!   `applyConstraints()` makes of them; digital zoom, pan and tilt.

pub mod constraints;
pub mod controls;
pub mod error;
pub mod limits;
pub mod photo;
pub mod photo_settings;
pub mod scale;
pub mod select;
pub mod text;
pub mod track;
pub mod traits;

pub use constraints::{MediaStreamConstraints, MediaTrackConstraintSet, MediaTrackConstraints};
pub use error::{Error, ErrorName, Result};
pub use photo::{
    FillLightMode, MediaSettingsRange, PhotoCapabilities, PhotoSettings, RedEyeReduction,
};
pub use track::{
    MediaDeviceInfo, MediaDeviceKind, MediaTrackCapabilities, MediaTrackSettings,
    MediaTrackSupportedConstraints, MeteringMode, Point2D, ReadyState, TrackKind,
};
pub use traits::{
    BlobTrait, ImageBitmapTrait, ImageCaptureTrait, MaybeSend, MediaDevicesTrait, MediaStream,
    MediaStreamTrackTrait,
};
