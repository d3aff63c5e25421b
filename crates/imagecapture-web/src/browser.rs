//! The browser's own `ImageCapture`, method by method.
//!
//! A browser may have `ImageCapture` with only some methods (Safari 18.x has no `grabFrame`),
//! or a legacy object of another shape (Firefox's event-based `ImageCapture` behind a pref,
//! whose `takePhoto()` returns nothing and fires a `photo` event). So each method is looked up
//! on `ImageCapture.prototype`, and a method that does not return a promise counts as absent.
//! The browser's object is reached through `Reflect` rather than web-sys, whose `ImageCapture`
//! is behind `web_sys_unstable_apis` and assumes every method exists.

use std::cell::{Cell, OnceCell};

use imagecapture_core::Result;
use js_sys::{Array, Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::error;

/// A method of `ImageCapture`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// `takePhoto()`.
    TakePhoto,
    /// `grabFrame()`.
    GrabFrame,
    /// `getPhotoCapabilities()`.
    GetPhotoCapabilities,
    /// `getPhotoSettings()`.
    GetPhotoSettings,
}

impl Method {
    /// Every method.
    pub const ALL: [Self; 4] = [
        Self::TakePhoto,
        Self::GrabFrame,
        Self::GetPhotoCapabilities,
        Self::GetPhotoSettings,
    ];

    /// The method's JavaScript name, e.g. `"takePhoto"`.
    pub const fn js_name(self) -> &'static str {
        match self {
            Self::TakePhoto => "takePhoto",
            Self::GrabFrame => "grabFrame",
            Self::GetPhotoCapabilities => "getPhotoCapabilities",
            Self::GetPhotoSettings => "getPhotoSettings",
        }
    }
}

thread_local! {
    static FORCE_POLYFILL: Cell<bool> = const { Cell::new(false) };
}

/// Makes every [`ImageCapture`](crate::ImageCapture) use our implementation of every method,
/// even where the browser has its own (`true`), or the browser's where it has one (`false`,
/// the default). Takes effect at the next call of a method; for tests and benchmarks.
pub fn set_force_polyfill(force: bool) {
    FORCE_POLYFILL.with(|f| f.set(force));
}

/// Whether [`set_force_polyfill`] forces our implementation now.
pub fn force_polyfill() -> bool {
    FORCE_POLYFILL.with(Cell::get)
}

thread_local! {
    /// The browser's own constructor, looked up once: after the npm package's `install()` the
    /// global may be ours, which must never be taken for the browser's.
    static BROWSER_CONSTRUCTOR: OnceCell<Option<Function>> = const { OnceCell::new() };
}

/// Whether `value` is one of ours: the npm package marks its class and every method its
/// `install()` adds with `Symbol.for("imagecapture.polyfill")`.
fn is_ours(value: &JsValue) -> bool {
    let mark = js_sys::Symbol::for_("imagecapture.polyfill");
    Reflect::get(value, &mark).is_ok_and(|m| m.is_truthy())
}

/// The browser's `ImageCapture` constructor, if it has one.
fn constructor() -> Option<Function> {
    BROWSER_CONSTRUCTOR.with(|cell| {
        cell.get_or_init(|| {
            Reflect::get(&js_sys::global(), &"ImageCapture".into())
                .ok()?
                .dyn_into::<Function>()
                .ok()
                .filter(|c| !is_ours(c))
        })
        .clone()
    })
}

/// Whether the browser's own `ImageCapture` has `method` (and is not the legacy event-based
/// object).
pub fn browser_has(method: Method) -> bool {
    let Some(prototype) = constructor().and_then(|c| Reflect::get(&c, &"prototype".into()).ok())
    else {
        return false;
    };
    if !prototype.is_object() || Reflect::has(&prototype, &"onphoto".into()).unwrap_or(false) {
        return false;
    }
    Reflect::get(&prototype, &method.js_name().into())
        .is_ok_and(|f| f.is_function() && !is_ours(&f))
}

/// `new ImageCapture(track)` of the browser; `None` when it has none or it throws.
pub(crate) fn construct(track: &web_sys::MediaStreamTrack) -> Option<JsValue> {
    let constructor = constructor()?;
    Reflect::construct(&constructor, &Array::of1(track)).ok()
}

/// Calls the browser's `method` on `object` and awaits its promise. `Ok(None)` when the method
/// is missing, returns something that is not a promise (a legacy object), or rejects without
/// a reason (Chrome's `grabFrame` rejects with `undefined` now and then, e.g. on the first
/// frames of a track): the caller then uses its own implementation for this call.
///
/// # Errors
/// The browser's rejection, mapped.
pub(crate) async fn call(
    object: &JsValue,
    method: Method,
    args: &Array,
) -> Result<Option<JsValue>> {
    let Some(function) = Reflect::get(object, &method.js_name().into())
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
    else {
        return Ok(None);
    };
    let returned = Reflect::apply(&function, object, args).map_err(error::from_js)?;
    let Ok(promise) = returned.dyn_into::<Promise>() else {
        return Ok(None);
    };
    match JsFuture::from(promise).await {
        Ok(value) => Ok(Some(value)),
        Err(reason) if reason.is_undefined() || reason.is_null() => Ok(None),
        Err(reason) => Err(error::from_js(reason)),
    }
}
