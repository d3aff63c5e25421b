//! Digital zoom, pan and tilt in the browser (opt-in): on a track whose camera has no zoom,
//! the track offers `zoom` (and `pan`/`tilt` where it lacks them too) under the spec's names and
//! ranges, and our `grabFrame`/`takePhoto` deliver the cropped-and-scaled view. The ranges, the
//! crop and the constraint rules are the core's ([`imagecapture_core::controls::digital`]),
//! shared with the native backend.
//!
//! The emulation lives on the track, so that page code sees it where it looks for a real PTZ
//! camera's: the track object gets own `getCapabilities`, `getSettings`, `getConstraints` and
//! `applyConstraints` that add the emulated members to the browser's answers and take them out
//! of what `applyConstraints` passes on to the browser:
//!
//! - `applyConstraints(c)`: the emulated members are judged by the core (TypeError, then
//!   `OverconstrainedError("zoom")`…, advanced sets in order, ideals clamped and snapped); the
//!   rest goes to the browser's own `applyConstraints`, and the new zoom/pan/tilt take effect
//!   only once the browser has accepted its part (so a rejected call changes nothing). A call
//!   with nothing left for the browser (`{advanced: [{zoom: 2}]}`) is not passed on at all: the
//!   browser's other constraints (the frame size the page asked for) stay as they were.
//! - `getConstraints()`: the argument of the last `applyConstraints` made through it, as given;
//!   the browser's until then.
//!
//! Every `ImageCapture` on the track shares one emulation (found through a registry holding
//! the track weakly). The track's new methods hold the emulation, the emulation holds the track
//! only weakly (`WeakRef`), so a track that the page lets go is collected with everything.
//!
//! `navigator.mediaDevices.getSupportedConstraints()` is the browser's, untouched: it says
//! what the browser knows, not what one track offers.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use imagecapture_core::constraints::{BoolOrConstrainDouble, MediaTrackConstraintSet};
use imagecapture_core::controls::Control;
use imagecapture_core::controls::digital::Digital;
use imagecapture_core::{
    MediaStreamTrackTrait, MediaTrackCapabilities, MediaTrackConstraints, MediaTrackSettings,
};
use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::{Closure, wasm_bindgen};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{JsFuture, future_to_promise};

use crate::dictionary::{self, Dictionary, Member};
use crate::error;
use crate::track::MediaStreamTrack;

#[wasm_bindgen]
extern "C" {
    /// `WeakRef`: every browser that has `requestVideoFrameCallback`-era APIs has it.
    type WeakRef;
    #[wasm_bindgen(constructor, catch)]
    fn new(target: &JsValue) -> std::result::Result<WeakRef, JsValue>;
    #[wasm_bindgen(method)]
    fn deref(this: &WeakRef) -> JsValue;
}

/// The track methods the emulation replaces on the track object.
const METHODS: [&str; 4] = [
    "getCapabilities",
    "getSettings",
    "getConstraints",
    "applyConstraints",
];

/// The emulation on one track.
pub(crate) struct Emulation {
    track: WeakRef,
    state: Cell<Digital>,
    /// The argument of the last `applyConstraints` made through the emulation.
    last_constraints: RefCell<Option<JsValue>>,
    /// The browser's own methods, called on the track (`getCapabilities` may be missing:
    /// Firefox before 132).
    get_capabilities: Option<Function>,
    get_settings: Function,
    get_constraints: Function,
    apply_constraints: Function,
}

thread_local! {
    static REGISTRY: RefCell<Vec<Weak<Emulation>>> = const { RefCell::new(Vec::new()) };
}

/// The emulation on `track`, where one was turned on.
pub(crate) fn of(track: &web_sys::MediaStreamTrack) -> Option<Rc<Emulation>> {
    let track: &JsValue = track.as_ref();
    REGISTRY.with(|registry| {
        let mut registry = registry.borrow_mut();
        // Forget the tracks that were collected.
        registry.retain(|weak| {
            weak.upgrade()
                .is_some_and(|e| !e.track.deref().is_undefined())
        });
        registry
            .iter()
            .filter_map(Weak::upgrade)
            .find(|e| e.track.deref() == *track)
    })
}

/// Turns the emulation on for `track`, where its camera has no zoom of its own; the emulation
/// already on it otherwise. `None`: the camera has a zoom (its own is used), or the track object
/// cannot take new methods (a frozen object), or the browser has no `WeakRef`.
pub(crate) fn attach(track: &web_sys::MediaStreamTrack) -> Option<Rc<Emulation>> {
    if let Some(on) = of(track) {
        return Some(on);
    }
    let wrapped = MediaStreamTrack::from_raw(Clone::clone(track));
    let digital = Digital::for_camera(&wrapped.get_capabilities())?;
    let raw: &JsValue = track.as_ref();
    let method = |name: &str| {
        Reflect::get(raw, &JsValue::from_str(name))
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok())
    };
    let emulation = Rc::new(Emulation {
        track: WeakRef::new(raw).ok()?,
        state: Cell::new(digital),
        last_constraints: RefCell::new(None),
        get_capabilities: method("getCapabilities"),
        get_settings: method("getSettings")?,
        get_constraints: method("getConstraints")?,
        apply_constraints: method("applyConstraints")?,
    });
    let functions: [JsValue; 4] = [
        {
            let e = Rc::clone(&emulation);
            Closure::<dyn Fn() -> JsValue>::new(move || e.capabilities()).into_js_value()
        },
        {
            let e = Rc::clone(&emulation);
            Closure::<dyn Fn() -> JsValue>::new(move || e.settings()).into_js_value()
        },
        {
            let e = Rc::clone(&emulation);
            Closure::<dyn Fn() -> JsValue>::new(move || e.constraints()).into_js_value()
        },
        {
            let e = Rc::clone(&emulation);
            Closure::<dyn Fn(JsValue) -> JsValue>::new(move |c| e.apply(c).into()).into_js_value()
        },
    ];
    let marker = js_sys::Symbol::for_("imagecapture.polyfill");
    for (name, function) in METHODS.iter().zip(functions) {
        let _ = Reflect::set(&function, &marker, &JsValue::TRUE);
        let descriptor = Object::new();
        let _ = Reflect::set(&descriptor, &"value".into(), &function);
        let _ = Reflect::set(&descriptor, &"writable".into(), &JsValue::TRUE);
        let _ = Reflect::set(&descriptor, &"configurable".into(), &JsValue::TRUE);
        // Not enumerable, like the prototype's methods they stand for.
        if Reflect::define_property(
            raw.unchecked_ref::<Object>(),
            &JsValue::from_str(name),
            &descriptor,
        ) != Ok(true)
        {
            // A frozen track: put back what was set and do without the emulation.
            for name in METHODS {
                let _ = Reflect::delete_property(
                    raw.unchecked_ref::<Object>(),
                    &JsValue::from_str(name),
                );
            }
            return None;
        }
    }
    REGISTRY.with(|registry| registry.borrow_mut().push(Rc::downgrade(&emulation)));
    Some(emulation)
}

impl Emulation {
    /// The part `(x, y, w, h)` of a `size` frame shown now; `None` for the whole frame.
    pub(crate) fn crop(&self, size: (u32, u32)) -> Option<(u32, u32, u32, u32)> {
        self.state.get().crop(size)
    }

    /// `track.<function>()` of the browser, an empty object when it fails or is missing.
    fn call(&self, function: Option<&Function>) -> Object {
        let track = self.track.deref();
        function
            .and_then(|f| f.call0(&track).ok())
            .filter(JsValue::is_object)
            // A copy: the browser may hand out the same object again.
            .map_or_else(Object::new, |got| {
                Object::assign(&Object::new(), got.unchecked_ref())
            })
    }

    /// The browser's `getCapabilities()` with the emulated members added (which ones, and
    /// their ranges, are the core's: [`Digital::add_capabilities`]).
    fn capabilities(&self) -> JsValue {
        let mut ours = MediaTrackCapabilities::default();
        self.state.get().add_capabilities(&mut ours);
        with_members(self.call(self.get_capabilities.as_ref()), &ours)
    }

    /// The browser's `getSettings()` with the emulated members added
    /// ([`Digital::add_settings`]).
    fn settings(&self) -> JsValue {
        let mut ours = MediaTrackSettings::default();
        self.state.get().add_settings(&mut ours);
        with_members(self.call(Some(&self.get_settings)), &ours)
    }

    fn constraints(&self) -> JsValue {
        match self.last_constraints.borrow().as_ref() {
            Some(last) if last.is_object() => {
                Object::assign(&Object::new(), last.unchecked_ref()).into()
            }
            _ => self.call(Some(&self.get_constraints)).into(),
        }
    }

    /// `track.applyConstraints(constraints)` with the emulation.
    fn apply(self: &Rc<Self>, constraints: JsValue) -> Promise {
        let members = self.emulated();
        let parsed = emulated_members(&as_webidl_converts(&constraints, &members));
        let next = match self.state.get().resolve(&parsed) {
            Ok(next) => next,
            Err(e) => return Promise::reject(&error::to_js(&e)),
        };
        let (passed_on, anything_left) = without_members(&constraints, &members);
        let browser = if anything_left {
            let track = self.track.deref();
            match self.apply_constraints.call1(&track, &passed_on) {
                Ok(promise) => Some(promise),
                Err(thrown) => return Promise::reject(&thrown),
            }
        } else {
            None
        };
        let this = Rc::clone(self);
        future_to_promise(async move {
            if let Some(promise) = browser {
                JsFuture::from(Promise::resolve(&promise)).await?;
            }
            this.state.set(next);
            *this.last_constraints.borrow_mut() = Some(constraints);
            Ok(JsValue::UNDEFINED)
        })
    }

    /// The JavaScript names of the members emulated on this track.
    fn emulated(&self) -> Vec<&'static str> {
        self.state.get().controls().map(Control::name).collect()
    }
}

/// `browser` (a copy of the browser's own dictionary) with the members of `ours` set on it.
fn with_members<T: Dictionary>(browser: Object, ours: &T) -> JsValue {
    if let Ok(ours) = dictionary::to_js(ours) {
        Object::assign(&browser, ours.unchecked_ref());
    }
    browser.into()
}

/// `constraints` with the members `names` (each a WebIDL `(boolean or ConstrainDouble)`) in the
/// basic set and every advanced set converted as WebIDL would before reading them: a value that
/// is neither a boolean, a number nor an object goes through ToNumber (`"2"` is 2, `"big"` is
/// NaN and then a `TypeError`). Other members are left as they are.
fn as_webidl_converts(constraints: &JsValue, names: &[&str]) -> JsValue {
    if !constraints.is_object() {
        return constraints.clone();
    }
    let convert = |set: &JsValue| -> JsValue {
        if !set.is_object() {
            return set.clone();
        }
        let copy = Object::assign(&Object::new(), set.unchecked_ref());
        for name in names {
            let key = JsValue::from_str(name);
            let value = Reflect::get(&copy, &key).unwrap_or(JsValue::UNDEFINED);
            let as_is = value.is_undefined()
                || value.is_null()
                || value.as_bool().is_some()
                || value.as_f64().is_some()
                || value.is_object();
            if !as_is {
                // `Number(symbol)` throws: a symbol or BigInt is NaN here, a TypeError anyway.
                let number = if value.is_symbol() || value.is_bigint() {
                    f64::NAN
                } else {
                    to_number(&value)
                };
                let _ = Reflect::set(&copy, &key, &JsValue::from_f64(number));
            }
        }
        copy.into()
    };
    let copy = convert(constraints);
    let advanced = Reflect::get(&copy, &"advanced".into()).unwrap_or(JsValue::UNDEFINED);
    if Array::is_array(&advanced) {
        let sets: Array = Array::from(&advanced)
            .iter()
            .map(|set| convert(&set))
            .collect();
        let _ = Reflect::set(&copy, &"advanced".into(), &sets);
    }
    copy
}

/// The members `zoom`, `pan` and `tilt` of `constraints` (the basic set and every advanced
/// set), as the core reads them; the others are the browser's. A member of another shape is
/// left out (WebIDL's conversion, [`as_webidl_converts`], ran before).
fn emulated_members(constraints: &JsValue) -> MediaTrackConstraints {
    let set = |object: &JsValue| {
        let member = |name: &str| {
            Reflect::get(object, &JsValue::from_str(name))
                .ok()
                .filter(|v| !v.is_undefined() && !v.is_null())
                .and_then(|v| BoolOrConstrainDouble::read(&v))
        };
        MediaTrackConstraintSet {
            zoom: member("zoom"),
            pan: member("pan"),
            tilt: member("tilt"),
            ..MediaTrackConstraintSet::default()
        }
    };
    if !constraints.is_object() {
        return MediaTrackConstraints::default();
    }
    let advanced = Reflect::get(constraints, &"advanced".into()).unwrap_or(JsValue::UNDEFINED);
    MediaTrackConstraints {
        basic: set(constraints),
        advanced: Array::is_array(&advanced)
            .then(|| Array::from(&advanced).iter().map(|s| set(&s)).collect()),
    }
}

/// ECMAScript ToNumber through the global `Number` (so objects' `valueOf` runs as in a
/// browser); NaN when it throws.
fn to_number(value: &JsValue) -> f64 {
    Reflect::get(&js_sys::global(), &"Number".into())
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
        .and_then(|f| f.call1(&JsValue::UNDEFINED, value).ok())
        .and_then(|n| n.as_f64())
        .unwrap_or(f64::NAN)
}

/// `constraints` without the members `names` (in the basic set and every advanced set), for
/// the browser; and whether anything is left to pass on. Values that are not objects go as they
/// are (the browser rejects them with its own `TypeError`).
fn without_members(constraints: &JsValue, names: &[&str]) -> (JsValue, bool) {
    if !constraints.is_object() {
        return (constraints.clone(), !constraints.is_undefined());
    }
    let strip = |set: &JsValue| -> (JsValue, bool) {
        let copy = Object::assign(&Object::new(), set.unchecked_ref());
        for name in names {
            let _ = Reflect::delete_property(&copy, &JsValue::from_str(name));
        }
        let left = Object::keys(&copy).length() > 0;
        (copy.into(), left)
    };
    let (copy, mut left) = strip(constraints);
    let advanced = Reflect::get(&copy, &"advanced".into()).unwrap_or(JsValue::UNDEFINED);
    if Array::is_array(&advanced) {
        let sets = Array::new();
        let mut sets_left = false;
        for set in Array::from(&advanced).iter() {
            if set.is_object() {
                let (stripped, set_left) = strip(&set);
                sets_left |= set_left;
                sets.push(&stripped);
            } else {
                sets_left = true;
                sets.push(&set);
            }
        }
        let _ = Reflect::set(&copy, &"advanced".into(), &sets);
        // `advanced` itself is a key: what counts is whether a set still says something.
        let others = Object::keys(copy.unchecked_ref::<Object>()).length() > 1;
        left = others || sets_left;
    }
    (copy, left)
}
