//! Photos drawn on a canvas: ours from a video frame, and the browser's own photo brought to
//! what the settings asked for when the browser did not deliver it.

use imagecapture_core::photo_settings::{PhotoEncoding, PhotoPlan, aspect_crop};
use imagecapture_core::{PhotoSettings, Result};
use wasm_bindgen::JsValue;

use crate::bitmap::{self, Blob};
use crate::canvas::Surface;

/// `image` (of `size` pixels) as a photo of `plan`: its `view` (the part digital zoom shows;
/// `None`: all of it) cropped to the photo's aspect ratio about the centre, scaled, encoded.
///
/// # Errors
/// `UnknownError` when the browser cannot draw or encode it.
pub(crate) async fn develop(
    image: &JsValue,
    size: (u32, u32),
    view: Option<(u32, u32, u32, u32)>,
    plan: &PhotoPlan,
    encoding: PhotoEncoding,
) -> Result<Blob> {
    let (width, height) = plan.size;
    let (vx, vy, vw, vh) = view.unwrap_or((0, 0, size.0, size.1));
    let (x, y, w, h) = aspect_crop((vw, vh), plan.size);
    // The part `(vx + x, vy + y, w, h)` is shown by placing the whole image, scaled, so that
    // the part covers the surface (the canvas clips the rest), not by drawImage's source
    // rectangle: WebKit's drawImage (and createImageBitmap) of a VideoFrame ignore that
    // rectangle (pkg/test/cases.js shows it; the digital zoom conformance case caught it).
    let scale_x = f64::from(width) / f64::from(w.max(1));
    let scale_y = f64::from(height) / f64::from(h.max(1));
    let placed = (
        -f64::from(vx + x) * scale_x,
        -f64::from(vy + y) * scale_y,
        f64::from(size.0) * scale_x,
        f64::from(size.1) * scale_y,
    );
    let surface = Surface::new(width, height)?;
    surface.place(image, size, placed)?;
    Ok(Blob::from_raw(surface.encode(encoding).await?))
}

/// The browser's own photo, kept as it is when it already is what `settings` asked for, else
/// redrawn at the planned size and re-encoded.
///
/// The `type` and `quality` extensions are ours: a browser's `takePhoto` ignores them (Chrome
/// gives PNG on its fake camera and JPEG on real ones). So when the caller asks for a type the
/// photo does not have, or for a JPEG quality, the photo is re-encoded. Without a `type` the
/// browser's own type is kept. Likewise when `imageWidth`/`imageHeight` were asked for and the
/// photo has another size (Chromium's fake camera always gives its capture size), it is scaled
/// (and cropped to the planned aspect ratio) like ours.
///
/// # Errors
/// `UnknownError` when the browser cannot decode, draw or encode the photo.
pub(crate) async fn conform(
    photo: web_sys::Blob,
    settings: &PhotoSettings,
    plan: &PhotoPlan,
) -> Result<Blob> {
    let asked_quality = settings.quality.is_some_and(|q| (0.0..=1.0).contains(&q));
    let wants = match (settings.mime_type.is_some(), asked_quality, plan.encoding) {
        (true, _, encoding) => Some(encoding),
        (false, true, encoding @ PhotoEncoding::Jpeg { .. }) => Some(encoding),
        _ => None,
    };
    let type_ok = match wants {
        None => true,
        // A quality can only be had by encoding again.
        Some(PhotoEncoding::Jpeg { .. }) if asked_quality => false,
        Some(encoding) => photo.type_() == encoding.mime_type(),
    };
    let asked_size = settings.image_width.is_some() || settings.image_height.is_some();
    if type_ok && !asked_size {
        return Ok(Blob::from_raw(photo));
    }
    let decoded = crate::bitmap::ImageBitmap::from_raw(bitmap::create(&photo, None).await?);
    let size = (decoded.as_raw().width(), decoded.as_raw().height());
    if type_ok && size == plan.size {
        return Ok(Blob::from_raw(photo));
    }
    let encoding = wants.unwrap_or(if photo.type_() == "image/png" {
        PhotoEncoding::Png
    } else {
        PhotoEncoding::Jpeg {
            quality: imagecapture_core::limits::DEFAULT_JPEG_QUALITY,
        }
    });
    develop(decoded.as_raw().as_ref(), size, None, plan, encoding).await
}
