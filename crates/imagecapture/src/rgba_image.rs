//! A grabbed frame as an `image::RgbaImage` (feature `image`).

use imagecapture_core::traits::ImageBitmapTrait;

use crate::{Error, ErrorName, ImageBitmap, Result};

/// A grabbed frame as an [`image::RgbaImage`], to process or save with the `image` crate.
///
/// Natively the frame's own RGBA buffer becomes the image's, with no copy (the buffer then
/// stays with the image rather than going back to the track's pool of frame buffers). In
/// browsers the pixels are read back from the `ImageBitmap` once (the one copy a browser
/// allows), and the bitmap is closed.
///
/// ```no_run
/// use imagecapture::prelude::*;
/// use imagecapture::{ImageCapture, MediaDevices, MediaStreamConstraints};
///
/// # async fn run() -> imagecapture::Result<()> {
/// let stream = MediaDevices::new()
///     .get_user_media(&MediaStreamConstraints::video())
///     .await?;
/// let Some(track) = stream.video_track() else { return Ok(()) };
/// let frame = ImageCapture::new(track)?.grab_frame().await?;
/// let image = imagecapture::into_rgba_image(frame).await?;
/// let grey = imagecapture::image::imageops::grayscale(&image);
/// println!("{}×{}", grey.width(), grey.height());
/// # Ok(()) }
/// ```
pub async fn into_rgba_image(bitmap: ImageBitmap) -> Result<image::RgbaImage> {
    let (width, height) = (bitmap.width(), bitmap.height());
    #[cfg(native)]
    let rgba = bitmap.into_pixels();
    #[cfg(web)]
    let rgba = bitmap.to_rgba().await?;
    let len = rgba.len();
    image::RgbaImage::from_raw(width, height, rgba).ok_or_else(|| {
        Error::new(
            ErrorName::Unknown,
            format!("a {width}×{height} frame came with {len} bytes of RGBA"),
        )
    })
}
