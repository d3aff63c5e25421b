//! The core's serde types ↔ JavaScript dictionaries, through `serde-wasm-bindgen` (no detour
//! through JSON text).
//!
//! Reading is lenient: a browser may put a member of a shape the spec does not give (Chrome's
//! `getCapabilities().torch` is a boolean, not a list) or a value newer than our enums. Such a
//! member is dropped, and the rest of the dictionary is kept.

use imagecapture_core::{Error, Result};
use js_sys::{Object, Reflect};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};

/// `value` as a plain JavaScript object (maps as objects, absent members left out).
///
/// # Errors
/// `TypeError` when it cannot be expressed in JavaScript (it always can for the core's types).
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue> {
    let serializer = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true);
    value
        .serialize(&serializer)
        .map_err(|e| Error::type_error(format!("cannot pass this dictionary to the browser: {e}")))
}

/// A dictionary the browser returned, as `T`, dropping the members that do not parse.
pub(crate) fn from_js<T: DeserializeOwned + Default>(value: &JsValue) -> T {
    if value.is_undefined() || value.is_null() {
        return T::default();
    }
    if let Ok(parsed) = serde_wasm_bindgen::from_value::<T>(value.clone()) {
        return parsed;
    }
    // Keep each member that parses on its own.
    let Some(object) = value.dyn_ref::<Object>() else {
        return T::default();
    };
    let kept = Object::new();
    for key in Object::keys(object).iter() {
        let Ok(member) = Reflect::get(object, &key) else {
            continue;
        };
        let single = Object::new();
        if Reflect::set(&single, &key, &member).is_err() {
            continue;
        }
        if serde_wasm_bindgen::from_value::<T>(single.into()).is_ok() {
            let _ = Reflect::set(&kept, &key, &member);
        }
    }
    serde_wasm_bindgen::from_value(kept.into()).unwrap_or_default()
}

/// A shallow copy of the members `keys` of `value` into a plain object: for objects whose
/// members are getters on a prototype (older browsers' `PhotoCapabilities` interface), which
/// `Object.keys` does not list.
pub(crate) fn plain_copy(value: &JsValue, keys: &[&str]) -> Object {
    let copy = Object::new();
    for key in keys {
        let key = JsValue::from_str(key);
        if let Ok(member) = Reflect::get(value, &key) {
            if !member.is_undefined() {
                let _ = Reflect::set(&copy, &key, &member);
            }
        }
    }
    copy
}
