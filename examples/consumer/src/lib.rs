//! A user's crate: one function on top of `imagecapture`, the same code natively and in a
//! browser. Its browser test (`tests/web.rs`) runs with `wasm-pack test --headless --chrome`.

use imagecapture::prelude::*;
use imagecapture::{ImageCapture, MediaDevices, MediaStreamConstraints, PhotoSettings};

/// A photo from the first camera, `width` pixels wide: its MIME type and its bytes.
///
/// ```no_run
/// # async fn run() -> imagecapture::Result<()> {
/// let (mime_type, bytes) = imagecapture_consumer_example::snapshot(640.0).await?;
/// std::fs::write(if mime_type == "image/png" { "photo.png" } else { "photo.jpg" }, bytes).ok();
/// # Ok(()) }
/// ```
pub async fn snapshot(width: f64) -> imagecapture::Result<(String, Vec<u8>)> {
    let stream = MediaDevices::new()
        .get_user_media(&MediaStreamConstraints::video())
        .await?;
    let Some(track) = stream.video_track() else {
        return Err(imagecapture::Error::new(
            imagecapture::ErrorName::NotFound,
            "no video track",
        ));
    };
    let capture = ImageCapture::new(track.clone())?;
    let photo = capture.take_photo(&PhotoSettings::with_width(width)).await;
    track.stop();
    let photo = photo?;
    Ok((photo.mime_type(), photo.bytes().await?))
}
