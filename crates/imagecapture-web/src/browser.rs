//! The browser's own `ImageCapture`, method by method.
//!
//! A browser may have `ImageCapture` with only some methods (Safari 18.x has no `grabFrame`),
//! or a legacy object of another shape (Firefox's event-based `ImageCapture` behind a pref,
//! whose `takePhoto()` returns nothing and fires a `photo` event). So each method is looked up
//! on `ImageCapture.prototype`, and a method that does not return a promise counts as absent.
//! The browser's object is reached through `Reflect` rather than web-sys, whose `ImageCapture`
//! is behind `web_sys_unstable_apis` and assumes every method exists.
//!
//! This module is also the one place that decides what the npm package's `install()` does with
//! each method ([`install_plan`]): keep the browser's, wrap it, or supply ours. A method
//! `install()` wrapped is still the browser's: the wrapper carries the browser's function under
//! `Symbol.for("imagecapture.native")`, and every lookup here sees through it.

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

/// The browser's own function behind `value`, a method read off an `ImageCapture` object or
/// prototype: `value` itself when it is a function of the browser's, the function a wrapper of
/// ours carries under `Symbol.for("imagecapture.native")` when `install()` wrapped it, and
/// `None` for a method ours supplies (or anything that is not a function).
fn native_function(value: JsValue) -> Option<Function> {
    if !is_ours(&value) {
        return value.dyn_into::<Function>().ok();
    }
    let native = js_sys::Symbol::for_("imagecapture.native");
    Reflect::get(&value, &native)
        .ok()?
        .dyn_into::<Function>()
        .ok()
        .filter(|f| !is_ours(f))
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
/// object). A method `install()` wrapped counts: the browser's function is still behind it.
pub fn browser_has(method: Method) -> bool {
    let Some(prototype) = constructor().and_then(|c| Reflect::get(&c, &"prototype".into()).ok())
    else {
        return false;
    };
    if !prototype.is_object() || Reflect::has(&prototype, &"onphoto".into()).unwrap_or(false) {
        return false;
    }
    Reflect::get(&prototype, &method.js_name().into())
        .ok()
        .and_then(native_function)
        .is_some()
}

/// What the npm package's `install()` does with one method of the browser's `ImageCapture`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Install {
    /// The browser's method stays on the prototype, untouched.
    Keep,
    /// The browser's method still does the work, behind ours: our checks first (the track's
    /// state, settings against the capabilities), the spec's outcome after (error names,
    /// complete dictionaries, photos of the size asked for, a bounded wait). For a browser
    /// method known to break the spec in a way callers hit; see [`known_faults`].
    Wrap,
    /// The browser has no such method (or only a legacy one): ours.
    Supply,
}

impl Install {
    /// The word `install()` reports: `"kept"`, `"wrapped"` or `"supplied"`.
    pub const fn reported(self) -> &'static str {
        match self {
            Self::Keep => "kept",
            Self::Wrap => "wrapped",
            Self::Supply => "supplied",
        }
    }
}

/// What `install()` does with `method`, the one rule (docs/webkit.md):
///
/// - the browser lacks it (or has only a legacy one): [`Install::Supply`];
/// - the browser's method is known to break the spec in a way callers hit
///   ([`known_faults`] is not empty): [`Install::Wrap`];
/// - otherwise: [`Install::Keep`]. A working method of the browser is never replaced.
pub fn install_plan(method: Method) -> Install {
    if !browser_has(method) {
        Install::Supply
    } else if known_faults(method).is_empty() {
        Install::Keep
    } else {
        Install::Wrap
    }
}

/// Where the browser's own `method` is known to break the spec in a way callers hit, one line
/// each, as measured by this project's tests (docs/webkit.md lists each with its test). Empty
/// where nothing is known, or where the browser lacks the method.
///
/// Known only for WebKit's `ImageCapture` (Safari 18.4+, WebKitGTK with its `ImageCapture`
/// feature), recognised by `navigator.vendor`: a fault can only be seen by calling the method
/// with a camera, which `install()` cannot do. Chrome's methods are kept.
pub fn known_faults(method: Method) -> &'static [&'static str] {
    if !browser_has(method) || !is_webkit() {
        return &[];
    }
    match method {
        Method::TakePhoto => &[
            "resolves on a disabled track, with a live picture",
            "ignores imageWidth and imageHeight (a photo of some other size)",
            "never rejects NotSupportedError: out-of-range sizes, redEyeReduction and \
             fillLightMode it does not offer all resolve",
            "rejects OperationError, not UnknownError, when the track ends during the call",
        ],
        Method::GrabFrame => &[
            "resolves on a disabled track, with a live picture",
            "rejects OperationError, not UnknownError, when the track ends during the call",
        ],
        Method::GetPhotoCapabilities => &[
            "resolves on a disabled track",
            "leaves out redEyeReduction and fillLightMode",
            "rejects UnknownError, not OperationError, for a track that is not a camera's",
        ],
        Method::GetPhotoSettings => &[
            "resolves on a disabled track",
            "leaves out redEyeReduction",
            "rejects UnknownError, not OperationError, for a track that is not a camera's",
        ],
    }
}

/// Whether the page runs in WebKit (Safari, any browser on iOS, WebKitGTK, WPE).
fn is_webkit() -> bool {
    web_sys::window()
        .map(|w| w.navigator())
        .and_then(|n| Reflect::get(&n, &"vendor".into()).ok())
        .and_then(|v| v.as_string())
        .is_some_and(|vendor| vendor == "Apple Computer, Inc.")
}

/// `new ImageCapture(track)` of the browser; `None` when it has none or it throws.
pub(crate) fn construct(track: &web_sys::MediaStreamTrack) -> Option<JsValue> {
    let constructor = constructor()?;
    Reflect::construct(&constructor, &Array::of1(track)).ok()
}

/// Calls the browser's `method` on `object` (its own function, also where `install()` wrapped
/// it) and awaits its promise. `Ok(None)` when the method is missing or ours, returns
/// something that is not a promise (a legacy object), or rejects without a reason (Chrome's
/// `grabFrame` rejects with `undefined` now and then, e.g. on the first frames of a track):
/// the caller then uses its own implementation for this call.
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
        .and_then(native_function)
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
