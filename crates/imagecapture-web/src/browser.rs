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
//! each method ([`install_plan`]): wrap the browser's, or supply ours. A method
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
    /// global may be ours, which must never be taken for the browser's (but may carry it).
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
            // Ours as the global (the npm package's `install({ digitalZoom: true })`) carries
            // the browser's constructor it replaced under `Symbol.for("imagecapture.native")`.
            Reflect::get(&js_sys::global(), &"ImageCapture".into())
                .ok()
                .and_then(native_function)
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
    /// The browser's method stays on the prototype, untouched. The rule below never keeps a
    /// method today; `install({ wrap: false })` does (the package's option, not this rule).
    Keep,
    /// The browser's method still does the work, behind ours: the spec's checks first
    /// (argument conversion, the track's state, settings against the capabilities), the
    /// spec's outcome after (a photo of the size and type asked for, the spec's error names,
    /// complete dictionaries, a bounded wait). What the browser gets right passes through
    /// as it is.
    Wrap,
    /// Ours does the work: the browser has no such method (or only a legacy one).
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

/// What `install()` does with `method`: one rule for every browser, which never looks at the
/// user agent or the vendor (docs/chromium.md, docs/webkit.md).
///
/// - the browser lacks the method (or has only a legacy one): [`Install::Supply`];
/// - otherwise [`Install::Wrap`]: the browser's method does the work behind the spec's
///   checks, and is corrected where its result breaks the spec (see
///   [`ImageCapture`](crate::ImageCapture)). A browser that is right passes through; one that
///   is wrong is corrected whether or not anyone knew about the fault, so no table of known
///   faults per browser is needed.
///
/// `grabFrame` wrapped is a rule on the state of our frame source, the same in every browser:
/// while ours has no frame yet for the track, the browser's own serves the call (it grabs from
/// the capture pipeline at once, where ours first has to start a `<video>`), its result checked
/// (an `ImageBitmap` of the track's size) and every frame ours had up to then counted as handed
/// out; ours is started meanwhile, and once its frames flow it serves every call: it hands out
/// a frame newer than the last one handed out at once when one is waiting, where a browser's
/// own waits for the next frame (Chrome's: 25 ms on demand against ours' 2 ms, BENCHMARKS.md).
pub fn install_plan(method: Method) -> Install {
    if browser_has(method) {
        Install::Wrap
    } else {
        Install::Supply
    }
}

/// `new ImageCapture(track)` of the browser; `None` when it has none or it throws.
pub(crate) fn construct(track: &web_sys::MediaStreamTrack) -> Option<JsValue> {
    let constructor = constructor()?;
    Reflect::construct(&constructor, &Array::of1(track)).ok()
}

/// Calls the browser's `method` on `object` (its own function, also where `install()` wrapped
/// it) and awaits its promise. `Ok(None)` when the method is missing or ours, throws
/// synchronously, returns something that is not a promise (a legacy object), or rejects with
/// something that is not a `DOMException` (Chrome's `grabFrame` rejects with `undefined`): the
/// caller then uses its own implementation for this call. The caller bounds the wait (a
/// promise of the browser's that never settles).
///
/// # Errors
/// The browser's rejection with a `DOMException`, mapped (the caller renames it to the spec's
/// name for the method where it is not one the spec gives).
pub(crate) async fn call(
    object: &JsValue,
    method: Method,
    args: &Array,
) -> Result<Option<JsValue>> {
    let Some(promise) = start_call(object, method, args) else {
        return Ok(None);
    };
    settled(promise).await
}

/// Calls the browser's `method` on `object` as [`call`] does, without awaiting it: its promise,
/// or `None` when the method is missing or ours, throws synchronously or returns something that
/// is not a promise.
pub(crate) fn start_call(object: &JsValue, method: Method, args: &Array) -> Option<Promise> {
    let function = Reflect::get(object, &method.js_name().into())
        .ok()
        .and_then(native_function)?;
    Reflect::apply(&function, object, args)
        .ok()?
        .dyn_into::<Promise>()
        .ok()
}

/// What a promise of [`start_call`] settles with, as [`call`] gives it.
///
/// # Errors
/// The rejection with a `DOMException`, mapped.
pub(crate) async fn settled(promise: Promise) -> Result<Option<JsValue>> {
    match JsFuture::from(promise).await {
        Ok(value) => Ok(Some(value)),
        Err(reason) if reason.is_instance_of::<web_sys::DomException>() => {
            Err(error::from_js(reason))
        }
        Err(_) => Ok(None),
    }
}
