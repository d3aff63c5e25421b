//! `ImageBitmap` (what `grab_frame` gives) and `Blob` (what `take_photo` gives), over the
//! browser's own objects.

use imagecapture_core::{BlobTrait, Error, ImageBitmapTrait, Result};
use js_sys::{ArrayBuffer, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::canvas::Surface;
use crate::error;

// The global `createImageBitmap` (window or worker) with any source: a `VideoFrame`, a
// `<video>`, a `Blob`. web-sys has it only as `Window` methods, one per source type.
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_name = createImageBitmap)]
    fn create_image_bitmap(
        image: &JsValue,
        options: &JsValue,
    ) -> std::result::Result<Promise, JsValue>;

    #[wasm_bindgen(catch, js_name = createImageBitmap)]
    fn create_image_bitmap_cropped(
        image: &JsValue,
        sx: i32,
        sy: i32,
        sw: i32,
        sh: i32,
        options: &JsValue,
    ) -> std::result::Result<Promise, JsValue>;
}

/// `createImageBitmap(image, x, y, w, h, {resizeWidth, resizeHeight})`: the `crop` rectangle of
/// `image` scaled to `size` (digital zoom).
///
/// # Errors
/// As [`create`].
pub(crate) async fn create_cropped(
    image: &JsValue,
    (x, y, w, h): (u32, u32, u32, u32),
    (width, height): (u32, u32),
) -> Result<web_sys::ImageBitmap> {
    let options = Object::new();
    let _ = Reflect::set(&options, &"resizeWidth".into(), &width.into());
    let _ = Reflect::set(&options, &"resizeHeight".into(), &height.into());
    let _ = Reflect::set(&options, &"resizeQuality".into(), &"high".into());
    let as_int = |v: u32| i32::try_from(v).unwrap_or(i32::MAX);
    let promise =
        create_image_bitmap_cropped(image, as_int(x), as_int(y), as_int(w), as_int(h), &options)
            .map_err(failed)?;
    settle(promise).await
}

/// `createImageBitmap(image)`, scaled to `resize` when given.
///
/// # Errors
/// `InvalidStateError` for a closed or empty source, `UnknownError` when the browser cannot
/// decode it.
pub(crate) async fn create(
    image: &JsValue,
    resize: Option<(u32, u32)>,
) -> Result<web_sys::ImageBitmap> {
    let options = Object::new();
    if let Some((width, height)) = resize {
        let _ = Reflect::set(&options, &"resizeWidth".into(), &width.into());
        let _ = Reflect::set(&options, &"resizeHeight".into(), &height.into());
        let _ = Reflect::set(&options, &"resizeQuality".into(), &"high".into());
    }
    let promise = create_image_bitmap(image, &options).map_err(failed)?;
    settle(promise).await
}

/// A failure of `createImageBitmap`: `InvalidStateError` (a closed or empty source) stays,
/// anything else is `UnknownError`.
fn failed(e: JsValue) -> Error {
    let e = error::from_js(e);
    if e.name() == imagecapture_core::ErrorName::InvalidState {
        e
    } else {
        e.renamed(imagecapture_core::ErrorName::Unknown)
    }
}

/// The bitmap a `createImageBitmap` promise resolves with.
async fn settle(promise: Promise) -> Result<web_sys::ImageBitmap> {
    JsFuture::from(promise)
        .await
        .map_err(failed)?
        .dyn_into()
        .map_err(|_| Error::unknown("createImageBitmap() did not give an ImageBitmap"))
}

/// `ImageBitmap`: a decoded frame. Closed when dropped (its pixels are freed at once rather
/// than at the next garbage collection), unless taken out with [`into_raw`](Self::into_raw).
#[derive(Debug)]
pub struct ImageBitmap {
    raw: web_sys::ImageBitmap,
    /// Whether dropping this closes the bitmap: false once handed out by `into_raw`.
    owned: bool,
}

impl ImageBitmap {
    /// Wraps a browser bitmap; it is closed when this is dropped.
    pub fn from_raw(raw: web_sys::ImageBitmap) -> Self {
        Self { raw, owned: true }
    }

    /// The browser's bitmap.
    pub fn as_raw(&self) -> &web_sys::ImageBitmap {
        &self.raw
    }

    /// The browser's bitmap, no longer closed on drop: the caller owns it.
    pub fn into_raw(mut self) -> web_sys::ImageBitmap {
        self.owned = false;
        self.raw.clone()
    }
}

impl Drop for ImageBitmap {
    fn drop(&mut self) {
        if self.owned {
            self.raw.close();
        }
    }
}

impl ImageBitmapTrait for ImageBitmap {
    fn width(&self) -> u32 {
        self.raw.width()
    }

    fn height(&self) -> u32 {
        self.raw.height()
    }

    async fn to_rgba(&self) -> Result<Vec<u8>> {
        let (width, height) = (self.raw.width(), self.raw.height());
        if width == 0 || height == 0 {
            // A closed bitmap reports 0×0.
            return Err(Error::invalid_state("the ImageBitmap is closed"));
        }
        let surface = Surface::new(width, height)?;
        surface.draw(self.raw.as_ref(), (0, 0, width, height), (width, height))?;
        surface.rgba()
    }
}

/// `Blob`: an encoded photo.
#[derive(Debug, Clone)]
pub struct Blob {
    raw: web_sys::Blob,
}

impl Blob {
    /// Wraps a browser blob.
    pub fn from_raw(raw: web_sys::Blob) -> Self {
        Self { raw }
    }

    /// The browser's blob.
    pub fn as_raw(&self) -> &web_sys::Blob {
        &self.raw
    }

    /// The browser's blob, by value.
    pub fn into_raw(self) -> web_sys::Blob {
        self.raw
    }
}

impl From<web_sys::Blob> for Blob {
    fn from(raw: web_sys::Blob) -> Self {
        Self::from_raw(raw)
    }
}

impl From<Blob> for web_sys::Blob {
    fn from(blob: Blob) -> Self {
        blob.raw
    }
}

impl AsRef<web_sys::Blob> for Blob {
    fn as_ref(&self) -> &web_sys::Blob {
        &self.raw
    }
}

impl BlobTrait for Blob {
    fn mime_type(&self) -> String {
        self.raw.type_()
    }

    fn size(&self) -> u64 {
        // A blob's size is a whole number of bytes below 2^53.
        self.raw.size() as u64
    }

    async fn bytes(&self) -> Result<Vec<u8>> {
        let buffer = JsFuture::from(self.raw.array_buffer())
            .await
            .map_err(error::from_js)?;
        let buffer: ArrayBuffer = buffer
            .dyn_into()
            .map_err(|_| Error::unknown("Blob.arrayBuffer() did not give an ArrayBuffer"))?;
        Ok(Uint8Array::new(&buffer).to_vec())
    }
}
