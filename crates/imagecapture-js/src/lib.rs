//! The JavaScript surface of the `imagecapture` npm package, exported with wasm-bindgen: the
//! spec's `ImageCapture` class over [`imagecapture_web::ImageCapture`], and what the package's
//! `install()` asks before it patches anything.
//!
//! - `new ImageCapture(videoTrack)`: a `TypeError` when the argument is not a
//!   `MediaStreamTrack`, a `NotSupportedError` `DOMException` when it is not video.
//! - `track`: the very object passed in.
//! - `takePhoto(settings?)`, `getPhotoCapabilities()`, `getPhotoSettings()`, `grabFrame()`:
//!   promises that always settle, resolving with a `Blob`, plain dictionaries (absent members
//!   left out), an `ImageBitmap` that is the caller's to close; rejecting with real
//!   `DOMException`s of the spec's names, or a `TypeError` for what WebIDL rejects.
//! - `installPlan()`: what `install()` does with each method of the browser's own
//!   `ImageCapture` — wrap or supply it (the one place the package decides that is
//!   [`imagecapture_web::install_plan`]).
//!
//! The package's `pkg/src/index.js` wraps the class in a small shell that survives a panic (see
//! the `panic` module) and implements `install()`. `cargo xtask pkg` builds it all.
//!
//! On targets other than `wasm32` this crate is empty.

#![cfg(target_arch = "wasm32")]

mod allocator;
mod panic;
mod settings;

use std::rc::Rc;

use imagecapture_core::Error;
use imagecapture_web::error::to_js;
use imagecapture_web::{ImageCaptureOptions, Method};
use js_sys::{Object, Promise, Reflect};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::future_to_promise;

pub use panic::{panic_for_tests, set_panic_listener};

/// `hasDigitalZoom()`: whether this build has digital zoom (the package's `imagecapture/zoom`
/// entry; feature `digital-zoom`). The package's `install()` asks before it changes anything.
#[wasm_bindgen(js_name = hasDigitalZoom)]
pub fn has_digital_zoom() -> bool {
    cfg!(feature = "digital-zoom")
}

/// `ImageCapture`: stills and frames from a video track, with the browser's own method behind
/// the spec's checks where it has one (`grabFrame`: only for a first grab, while ours starts),
/// and ours otherwise.
#[wasm_bindgen(js_name = ImageCapture)]
pub struct JsImageCapture {
    /// The object the constructor was given, handed back by `track` as it is.
    track: JsValue,
    inner: Rc<imagecapture_web::ImageCapture>,
}

#[wasm_bindgen(js_class = ImageCapture)]
impl JsImageCapture {
    /// `new ImageCapture(videoTrack, options)`. The options are this package's, not the spec's
    /// (the package's `index.js` passes them): `forcePolyfill` — use our implementation of
    /// every method, never the browser's (`install()` sets it where ours is the global);
    /// `digitalZoom` — digital zoom, pan and tilt on a camera without zoom (see
    /// [`ImageCaptureOptions::digital_zoom`]). Members are read as booleans (truthiness);
    /// anything but an object means none.
    ///
    /// # Errors
    /// `TypeError` when `video_track` is not a `MediaStreamTrack`; `NotSupportedError` when its
    /// `kind` is not `"video"`, or when `digitalZoom` is asked of a build without it (the
    /// package's default entry: digital zoom is in `imagecapture/zoom`).
    #[wasm_bindgen(constructor)]
    pub fn new(video_track: JsValue, options: JsValue) -> Result<Self, JsValue> {
        // A new reference to the same object: not `MediaStreamTrack::clone`, which is the
        // JavaScript method that makes a second track.
        let Ok(track) = JsValue::clone(&video_track).dyn_into::<web_sys::MediaStreamTrack>() else {
            return Err(to_js(&Error::type_error(
                "Failed to construct 'ImageCapture': parameter 1 is not of type \
                 'MediaStreamTrack'.",
            )));
        };
        let flag = |name: &str| {
            options.is_object()
                && Reflect::get(&options, &JsValue::from_str(name)).is_ok_and(|v| v.is_truthy())
        };
        let chosen = if flag("forcePolyfill") {
            ImageCaptureOptions::polyfill()
        } else {
            ImageCaptureOptions::default()
        };
        #[cfg(feature = "digital-zoom")]
        let chosen = chosen.with_digital_zoom(flag("digitalZoom"));
        #[cfg(not(feature = "digital-zoom"))]
        if flag("digitalZoom") {
            return Err(to_js(&Error::not_supported(
                "digital zoom is not in this build of imagecapture: import ImageCapture from \
                 'imagecapture/zoom'",
            )));
        }
        let inner = imagecapture_web::ImageCapture::with_options(
            imagecapture_web::MediaStreamTrack::from_raw(track),
            chosen,
        )
        .map_err(|e| to_js(&e))?;
        Ok(Self {
            track: video_track,
            inner: Rc::new(inner),
        })
    }

    /// `track`: the very track passed to the constructor.
    #[wasm_bindgen(getter)]
    pub fn track(&self) -> JsValue {
        self.track.clone()
    }

    /// `takePhoto(photoSettings)`: a promise of a `Blob`.
    #[wasm_bindgen(js_name = takePhoto)]
    pub fn take_photo(&self, photo_settings: JsValue) -> Promise {
        // WebIDL converts the dictionary before the method runs: its errors come first.
        let settings = match settings::photo_settings(&photo_settings) {
            Ok(settings) => settings,
            Err(settings::ConversionError::Invalid(error)) => return rejected(&error),
            Err(settings::ConversionError::Thrown(thrown)) => return Promise::reject(&thrown),
        };
        // The spec's first step, when the method is called: the track's state.
        if let Err(error) = self.inner.check_usable() {
            return rejected(&error);
        }
        let inner = Rc::clone(&self.inner);
        future_to_promise(async move {
            let photo = inner
                .take_photo_started(&settings)
                .await
                .map_err(|e| to_js(&e))?;
            Ok(photo.into_raw().into())
        })
    }

    /// `getPhotoCapabilities()`: a promise of a `PhotoCapabilities` dictionary.
    #[wasm_bindgen(js_name = getPhotoCapabilities)]
    pub fn get_photo_capabilities(&self) -> Promise {
        if let Err(error) = self.inner.check_usable() {
            return rejected(&error);
        }
        // From here on the call is under way: a track that ends meanwhile is OperationError.
        let inner = Rc::clone(&self.inner);
        future_to_promise(async move {
            let capabilities = inner
                .get_photo_capabilities_started()
                .await
                .map_err(|e| to_js(&e))?;
            dictionary(&capabilities)
        })
    }

    /// `getPhotoSettings()`: a promise of a `PhotoSettings` dictionary.
    #[wasm_bindgen(js_name = getPhotoSettings)]
    pub fn get_photo_settings(&self) -> Promise {
        if let Err(error) = self.inner.check_usable() {
            return rejected(&error);
        }
        let inner = Rc::clone(&self.inner);
        future_to_promise(async move {
            let settings = inner
                .get_photo_settings_started()
                .await
                .map_err(|e| to_js(&e))?;
            dictionary(&settings)
        })
    }

    /// `grabFrame()`: a promise of an `ImageBitmap`, the caller's to close.
    #[wasm_bindgen(js_name = grabFrame)]
    pub fn grab_frame(&self) -> Promise {
        if let Err(error) = self.inner.check_usable() {
            return rejected(&error);
        }
        let inner = Rc::clone(&self.inner);
        future_to_promise(async move {
            let frame = inner.grab_frame_started().await.map_err(|e| to_js(&e))?;
            // `into_raw`: handed to JavaScript open (dropping ours would close it).
            Ok(frame.into_raw().into())
        })
    }
}

/// What the package's `install()` does with each of the four methods of the browser's own
/// `ImageCapture`: `{ takePhoto, getPhotoCapabilities, getPhotoSettings, grabFrame }`, each
/// `"wrapped"` (the browser's, behind the spec's checks and corrected where its result breaks
/// the spec; `grabFrame` for a first grab, while ours starts) or `"supplied"` (ours: the browser
/// has none, or only a legacy one). The one place this is decided is
/// [`imagecapture_web::install_plan`]; `install({ wrap: false })` keeps what it would wrap.
#[wasm_bindgen(js_name = installPlan)]
pub fn install_plan() -> Object {
    let plan = Object::new();
    for method in Method::ALL {
        // Setting a property on a fresh plain object cannot fail.
        let _ = Reflect::set(
            &plan,
            &JsValue::from_str(method.js_name()),
            &JsValue::from_str(imagecapture_web::install_plan(method).reported()),
        );
    }
    plan
}

/// A promise rejected with `error` as JavaScript sees it.
fn rejected(error: &Error) -> Promise {
    Promise::reject(&to_js(error))
}

/// A core dictionary as a plain JavaScript object, absent members left out.
fn dictionary<T: imagecapture_web::dictionary::Dictionary>(value: &T) -> Result<JsValue, JsValue> {
    imagecapture_web::dictionary::to_js(value).map_err(|e| to_js(&e))
}
