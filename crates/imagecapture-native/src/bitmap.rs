//! `ImageBitmap` and `Blob` natively: a decoded RGBA frame and an encoded photo, in memory.

use imagecapture_core::{BlobTrait, ImageBitmapTrait, Result};

use crate::convert::{PoolRef, give};

/// A decoded frame, RGBA, 8 bits a channel, rows top to bottom: what `grab_frame` returns.
///
/// Dropping it hands its buffer back to the [`FramePool`](crate::convert::FramePool) of the
/// track it came from, for the next frame: a closed `ImageBitmap`, natively.
#[derive(Clone)]
pub struct ImageBitmap {
    width: u32,
    height: u32,
    rgba: Vec<u8>,
    /// Where the buffer goes back to on drop (nowhere once the pool is gone).
    pool: PoolRef,
}

impl PartialEq for ImageBitmap {
    fn eq(&self, other: &Self) -> bool {
        (self.width, self.height, &self.rgba) == (other.width, other.height, &other.rgba)
    }
}

impl Eq for ImageBitmap {}

impl Drop for ImageBitmap {
    fn drop(&mut self) {
        if let Some(free) = self.pool.upgrade() {
            give(&free, std::mem::take(&mut self.rgba));
        }
    }
}

impl std::fmt::Debug for ImageBitmap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ImageBitmap({}×{})", self.width, self.height)
    }
}

impl ImageBitmap {
    /// Wraps RGBA pixels; `rgba.len()` must be `width * height * 4` (checked by the caller).
    pub(crate) fn new(width: u32, height: u32, rgba: Vec<u8>, pool: PoolRef) -> Self {
        Self {
            width,
            height,
            rgba,
            pool,
        }
    }

    /// The pixels, borrowed: RGBA, 4 bytes a pixel, rows top to bottom, no padding.
    ///
    /// ```
    /// use imagecapture_core::{ImageBitmapTrait, ImageCaptureTrait, MediaDevicesTrait};
    /// use imagecapture_core::{MediaStreamConstraints, MediaStreamTrackTrait};
    /// use imagecapture_native::fake::FakeCamera;
    /// use imagecapture_native::{ImageCapture, MediaDevices};
    ///
    /// # pollster::block_on(async {
    /// let devices = MediaDevices::with_fake_camera(FakeCamera::default());
    /// let stream = devices.get_user_media(&MediaStreamConstraints::video()).await?;
    /// let track = stream.video_track().expect("a video track");
    /// let frame = ImageCapture::new(track.clone())?.grab_frame().await?;
    /// assert_eq!(frame.pixels().len(), (frame.width() * frame.height() * 4) as usize);
    /// let pixels: Vec<u8> = frame.into_pixels(); // no copy
    /// # assert!(!pixels.is_empty());
    /// track.stop();
    /// # Ok::<(), imagecapture_core::Error>(()) }).unwrap();
    /// ```
    pub fn pixels(&self) -> &[u8] {
        &self.rgba
    }

    /// The pixels, by value (no copy; the buffer then stays with the caller).
    pub fn into_pixels(mut self) -> Vec<u8> {
        std::mem::take(&mut self.rgba)
    }
}

impl ImageBitmapTrait for ImageBitmap {
    fn width(&self) -> u32 {
        self.width
    }

    fn height(&self) -> u32 {
        self.height
    }

    async fn to_rgba(&self) -> Result<Vec<u8>> {
        Ok(self.rgba.clone())
    }
}

/// An encoded photo and its MIME type: what `take_photo` returns.
#[derive(Clone, PartialEq, Eq)]
pub struct Blob {
    mime_type: &'static str,
    bytes: Vec<u8>,
}

impl std::fmt::Debug for Blob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Blob({}, {} bytes)", self.mime_type, self.bytes.len())
    }
}

impl Blob {
    pub(crate) fn new(mime_type: &'static str, bytes: Vec<u8>) -> Self {
        Self { mime_type, bytes }
    }

    /// The encoded bytes, borrowed: write them to a file as they are.
    ///
    /// ```
    /// use imagecapture_core::{ImageCaptureTrait, MediaDevicesTrait, PhotoSettings};
    /// use imagecapture_core::{MediaStreamConstraints, MediaStreamTrackTrait};
    /// use imagecapture_native::fake::FakeCamera;
    /// use imagecapture_native::{ImageCapture, MediaDevices};
    ///
    /// # pollster::block_on(async {
    /// let devices = MediaDevices::with_fake_camera(FakeCamera::default());
    /// let stream = devices.get_user_media(&MediaStreamConstraints::video()).await?;
    /// let track = stream.video_track().expect("a video track");
    /// let photo = ImageCapture::new(track.clone())?
    ///     .take_photo(&PhotoSettings::with_width(320.0))
    ///     .await?;
    /// let path = std::env::temp_dir().join(format!("photo.{}", photo.extension()));
    /// std::fs::write(&path, photo.as_bytes()).expect("write the photo");
    /// # assert_eq!(photo.extension(), "jpg");
    /// track.stop();
    /// # Ok::<(), imagecapture_core::Error>(()) }).unwrap();
    /// ```
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The encoded bytes, by value (no copy).
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    /// The file extension for this type: `"jpg"` or `"png"`.
    pub fn extension(&self) -> &'static str {
        match self.mime_type {
            "image/png" => "png",
            _ => "jpg",
        }
    }
}

impl BlobTrait for Blob {
    fn mime_type(&self) -> String {
        self.mime_type.to_owned()
    }

    fn size(&self) -> u64 {
        self.bytes.len() as u64
    }

    async fn bytes(&self) -> Result<Vec<u8>> {
        Ok(self.bytes.clone())
    }
}
