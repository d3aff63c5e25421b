//! The bounds every backend keeps, so that no promise hangs.

use std::time::Duration;

/// How long `grab_frame` waits for a fresh frame before rejecting `UnknownError`. A webcam in
/// low light may run at 5 fps or less and the first frame after opening can take a second; three
/// seconds is far above both and short enough for an app to report a dead camera.
pub const FRAME_TIMEOUT: Duration = Duration::from_secs(3);

/// How long `take_photo` may take in all (switching the camera's format, waiting for a frame at
/// the new size, switching back, encoding) before rejecting `UnknownError`.
pub const PHOTO_TIMEOUT: Duration = Duration::from_secs(10);

/// The default JPEG quality, as `canvas.toBlob()` uses.
pub const DEFAULT_JPEG_QUALITY: f64 = 0.92;

/// The largest frame a backend decodes: 8K UHD (7680 × 4320, 133 MB as RGBA), above any webcam
/// and any capture card's mode. A frame whose format or header says more (a corrupt header, a
/// lying driver) is refused before anything is allocated for it.
pub const MAX_FRAME_SIZE: (u32, u32) = (7680, 4320);
