//! `ImageBitmap` and `Blob` natively: a decoded RGBA frame and an encoded photo, in memory.

use imagecapture_core::{BlobTrait, ImageBitmapTrait, Result};

/// A decoded frame, RGBA, 8 bits a channel, rows top to bottom: what `grab_frame` returns.
#[derive(Clone, PartialEq, Eq)]
pub struct ImageBitmap {
    width: u32,
    height: u32,
    rgba: Vec<u8>,
}

impl std::fmt::Debug for ImageBitmap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ImageBitmap({}×{})", self.width, self.height)
    }
}

impl ImageBitmap {
    /// Wraps RGBA pixels; `rgba.len()` must be `width * height * 4` (checked by the caller).
    pub(crate) fn new(width: u32, height: u32, rgba: Vec<u8>) -> Self {
        Self {
            width,
            height,
            rgba,
        }
    }

    /// The pixels, borrowed.
    pub fn pixels(&self) -> &[u8] {
        &self.rgba
    }

    /// The pixels, by value (no copy).
    pub fn into_pixels(self) -> Vec<u8> {
        self.rgba
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
