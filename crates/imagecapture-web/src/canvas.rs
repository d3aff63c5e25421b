//! A 2D drawing surface: an `OffscreenCanvas` where the browser has one, else a detached
//! `<canvas>`. Frames are drawn (cropped and scaled in one `drawImage`), read back as RGBA, or
//! encoded (`convertToBlob`, `toBlob` on a `<canvas>`).

use imagecapture_core::photo_settings::PhotoEncoding;
use imagecapture_core::{Error, Result, text};
use js_sys::{Promise, Reflect};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::error;

// Both 2D context types (`CanvasRenderingContext2D`, `OffscreenCanvasRenderingContext2D`) have
// the same `drawImage` and `getImageData`, and `drawImage` takes any image source. One
// duck-typed binding serves both contexts and every source (ImageBitmap, VideoFrame, <video>),
// where web-sys has one method per context × source × argument count.
#[wasm_bindgen]
extern "C" {
    /// A 2D rendering context of either canvas kind.
    type Context2d;

    #[wasm_bindgen(method, catch, js_name = drawImage)]
    #[allow(clippy::too_many_arguments)]
    fn draw_image(
        this: &Context2d,
        image: &JsValue,
        sx: f64,
        sy: f64,
        sw: f64,
        sh: f64,
        dx: f64,
        dy: f64,
        dw: f64,
        dh: f64,
    ) -> std::result::Result<(), JsValue>;

    #[wasm_bindgen(method, catch, js_name = getImageData)]
    fn get_image_data(
        this: &Context2d,
        sx: f64,
        sy: f64,
        sw: f64,
        sh: f64,
    ) -> std::result::Result<ImageDataLike, JsValue>;

    #[wasm_bindgen(method, setter = imageSmoothingQuality)]
    fn set_image_smoothing_quality(this: &Context2d, quality: &str);

    #[wasm_bindgen(method, js_name = clearRect)]
    fn clear_rect(this: &Context2d, x: f64, y: f64, w: f64, h: f64);

    /// `ImageData`, only for its `data`.
    type ImageDataLike;

    #[wasm_bindgen(method, getter)]
    fn data(this: &ImageDataLike) -> js_sys::Uint8ClampedArray;
}

enum Canvas {
    Offscreen(web_sys::OffscreenCanvas),
    Element(web_sys::HtmlCanvasElement),
}

impl Canvas {
    /// The canvas's size in pixels.
    fn size(&self) -> (u32, u32) {
        match self {
            Self::Offscreen(canvas) => (canvas.width(), canvas.height()),
            Self::Element(canvas) => (canvas.width(), canvas.height()),
        }
    }

    /// Gives the canvas this size (clearing it).
    fn resize(&self, width: u32, height: u32) {
        match self {
            Self::Offscreen(canvas) => {
                canvas.set_width(width);
                canvas.set_height(height);
            }
            Self::Element(canvas) => {
                canvas.set_width(width);
                canvas.set_height(height);
            }
        }
    }
}

/// How many canvases are kept for the next surfaces: one per photo in flight is plenty.
const SPARE_CANVASES: usize = 2;

thread_local! {
    /// Canvases of surfaces that were dropped, with their contexts: making a canvas and its
    /// context costs about 1–2 ms a photo, resizing one that exists far less.
    static SPARE: std::cell::RefCell<Vec<(Canvas, Context2d)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// A canvas of a given size with its 2D context. Its canvas is kept for the next surface when
/// it drops.
pub(crate) struct Surface {
    /// Always `Some` but while dropping.
    canvas: Option<Canvas>,
    context: Context2d,
    width: u32,
    height: u32,
}

impl Drop for Surface {
    fn drop(&mut self) {
        let Some(canvas) = self.canvas.take() else {
            return;
        };
        SPARE.with(|spare| {
            if let Ok(mut spare) = spare.try_borrow_mut() {
                if spare.len() < SPARE_CANVASES {
                    spare.push((canvas, self.context.clone().unchecked_into()));
                }
            }
        });
    }
}

impl Surface {
    /// A `width`×`height` surface to draw on, then read back ([`rgba`](Self::rgba)) or encode
    /// ([`encode`](Self::encode)), on a spare canvas where there is one.
    ///
    /// # Errors
    /// `UnknownError` when the browser cannot make a canvas of that size.
    pub(crate) fn new(width: u32, height: u32) -> Result<Self> {
        // A spare of this size if there is one (the usual case: photos of the track's size).
        let spare = SPARE.with(|spare| {
            let mut spare = spare.try_borrow_mut().ok()?;
            let same = spare.iter().position(|(c, _)| c.size() == (width, height));
            let index = same.or_else(|| spare.len().checked_sub(1))?;
            Some(spare.swap_remove(index))
        });
        if let Some((canvas, context)) = spare {
            if canvas.size() == (width, height) {
                // Cleared, not resized: setting the size reallocates the canvas, which cost
                // 0.6 ms a 640×480 photo in Chromium and 2 ms in WebKit (a canvas kept for
                // photos, measured in the benchmark page).
                context.clear_rect(0.0, 0.0, f64::from(width), f64::from(height));
            } else {
                canvas.resize(width, height);
            }
            // Resizing resets the context's state; ours is only this.
            context.set_image_smoothing_quality("high");
            return Ok(Self {
                canvas: Some(canvas),
                context,
                width,
                height,
            });
        }
        Self::fresh(width, height)
    }

    /// A `width`×`height` surface on a new canvas.
    fn fresh(width: u32, height: u32) -> Result<Self> {
        let failed = |e: JsValue| {
            error::from_js(e)
                .renamed(imagecapture_core::ErrorName::Unknown)
                .context(
                    &[
                        "cannot make a ",
                        &text::number(f64::from(width)),
                        "×",
                        &text::number(f64::from(height)),
                        " canvas",
                    ]
                    .concat(),
                )
        };
        // Every surface is drawn once and then read back or encoded once, which on a
        // CPU-backed canvas needs no read back from the GPU. On WebKit's GPU-backed canvas a
        // 640×480 photo took about 16 ms more (`cargo xtask bench`: ours ÷ its steps in plain
        // JS 2.9× without, 1.0× with); in Chromium and Firefox the difference is within the
        // noise of the benchmark page.
        let options = js_sys::Object::new();
        let _ = Reflect::set(&options, &"willReadFrequently".into(), &true.into());
        let (canvas, context) = if has_offscreen_canvas() {
            let canvas = web_sys::OffscreenCanvas::new(width, height).map_err(failed)?;
            let context = canvas
                .get_context_with_context_options("2d", &options)
                .map_err(failed)?;
            (Canvas::Offscreen(canvas), context)
        } else {
            let document = web_sys::window()
                .and_then(|w| w.document())
                .ok_or_else(|| Error::unknown("no document to make a canvas in"))?;
            let canvas: web_sys::HtmlCanvasElement = document
                .create_element("canvas")
                .map_err(failed)?
                .dyn_into()
                .map_err(|_| Error::unknown("<canvas> is not a canvas element"))?;
            canvas.set_width(width);
            canvas.set_height(height);
            let context = canvas
                .get_context_with_context_options("2d", &options)
                .map_err(failed)?;
            (Canvas::Element(canvas), context)
        };
        let context = context
            .ok_or_else(|| Error::unknown("the browser gave no 2D context"))?
            .unchecked_into::<Context2d>();
        context.set_image_smoothing_quality("high");
        Ok(Self {
            canvas: Some(canvas),
            context,
            width,
            height,
        })
    }

    /// Draws the whole of `image` (of `size` pixels) into the rectangle `(x, y, w, h)` of the
    /// surface, which may reach beyond it (what falls outside is clipped).
    ///
    /// # Errors
    /// As [`draw`](Self::draw).
    pub(crate) fn place(
        &self,
        image: &JsValue,
        size: (u32, u32),
        (x, y, w, h): (f64, f64, f64, f64),
    ) -> Result<()> {
        self.context
            .draw_image(
                image,
                0.0,
                0.0,
                f64::from(size.0),
                f64::from(size.1),
                x,
                y,
                w,
                h,
            )
            .map_err(drawing_failed)
    }

    /// Draws the `crop` rectangle `(x, y, w, h)` of `image` scaled to `size` at the top left.
    ///
    /// # Errors
    /// `InvalidStateError` for a closed source, `UnknownError` for any other failure.
    pub(crate) fn draw(
        &self,
        image: &JsValue,
        crop: (u32, u32, u32, u32),
        size: (u32, u32),
    ) -> Result<()> {
        let (x, y, w, h) = crop;
        self.context
            .draw_image(
                image,
                f64::from(x),
                f64::from(y),
                f64::from(w),
                f64::from(h),
                0.0,
                0.0,
                f64::from(size.0),
                f64::from(size.1),
            )
            .map_err(drawing_failed)
    }

    /// The whole surface as RGBA bytes, rows top to bottom.
    ///
    /// # Errors
    /// `UnknownError` when the browser refuses to read it back.
    pub(crate) fn rgba(&self) -> Result<Vec<u8>> {
        let data = self
            .context
            .get_image_data(0.0, 0.0, f64::from(self.width), f64::from(self.height))
            .map_err(|e| error::from_js(e).renamed(imagecapture_core::ErrorName::Unknown))?;
        Ok(data.data().to_vec())
    }

    /// The surface encoded as `encoding` says.
    ///
    /// # Errors
    /// `UnknownError` when the browser cannot encode it.
    pub(crate) async fn encode(&self, encoding: PhotoEncoding) -> Result<web_sys::Blob> {
        let mime = encoding.mime_type();
        let quality = match encoding {
            PhotoEncoding::Jpeg { quality } => Some(quality),
            PhotoEncoding::Png => None,
        };
        let failed = |e: JsValue| {
            error::from_js(e)
                .renamed(imagecapture_core::ErrorName::Unknown)
                .context(&["cannot encode the photo as ", mime].concat())
        };
        let promise = match &self.canvas {
            None => return Err(Error::unknown("the canvas is gone")),
            Some(Canvas::Offscreen(canvas)) => {
                let options = web_sys::ImageEncodeOptions::new();
                options.set_type(mime);
                if let Some(q) = quality {
                    options.set_quality(q);
                }
                canvas
                    .convert_to_blob_with_options(&options)
                    .map_err(failed)?
            }
            Some(Canvas::Element(canvas)) => {
                let quality = quality.map_or(JsValue::UNDEFINED, JsValue::from_f64);
                let mut thrown = None;
                let promise = Promise::new(&mut |resolve, _reject| {
                    if let Err(e) =
                        canvas.to_blob_with_type_and_encoder_options(&resolve, mime, &quality)
                    {
                        thrown = Some(e);
                        let _ = resolve.call0(&JsValue::NULL);
                    }
                });
                if let Some(e) = thrown {
                    return Err(failed(e));
                }
                promise
            }
        };
        let blob = JsFuture::from(promise).await.map_err(failed)?;
        // `toBlob` calls back with null when it cannot encode.
        blob.dyn_into::<web_sys::Blob>().map_err(|_| {
            Error::unknown(["the browser could not encode the photo as ", mime].concat())
        })
    }
}

/// A failure of `drawImage`: `InvalidStateError` (a closed source) stays, anything else is
/// `UnknownError`.
fn drawing_failed(e: JsValue) -> Error {
    let e = error::from_js(e);
    if e.name() == imagecapture_core::ErrorName::InvalidState {
        e
    } else {
        e.renamed(imagecapture_core::ErrorName::Unknown)
    }
}

fn has_offscreen_canvas() -> bool {
    Reflect::get(&js_sys::global(), &"OffscreenCanvas".into()).is_ok_and(|c| c.is_function())
}
