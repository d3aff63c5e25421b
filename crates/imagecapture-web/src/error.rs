//! The one place JavaScript errors become [`Error`]s and back.
//!
//! Browsers reject with `DOMException`s (`err.name` is the spec's name), with JavaScript
//! `TypeError`s (WebIDL conversions), and Firefox with a plain object named
//! `OverconstrainedError` that carries `constraint`. Nothing else in this crate looks at an
//! error's name or text.

use std::borrow::Cow;

use imagecapture_core::{Error, ErrorName};
use js_sys::Reflect;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

/// A JavaScript exception or rejection reason as an [`Error`].
///
/// The name is read from `.name` (a `DOMException`, a `TypeError`, Firefox's
/// `OverconstrainedError` object…); names this API does not produce become `UnknownError`
/// with the original name kept in the message, except `SecurityError`, which browsers use for
/// refused camera access in some contexts and which becomes `NotAllowedError`.
pub fn from_js(value: JsValue) -> Error {
    if let Some(text) = value.as_string() {
        return Error::unknown(text);
    }
    let name = string_property(&value, "name").unwrap_or_default();
    let message = string_property(&value, "message").unwrap_or_default();
    match ErrorName::from_name(&name) {
        Some(ErrorName::Overconstrained) => Error::overconstrained(
            string_property(&value, "constraint").unwrap_or_default(),
            message,
        ),
        Some(known) => Error::new(known, message),
        None if name == "SecurityError" => Error::new(ErrorName::NotAllowed, message),
        None if name.is_empty() && message.is_empty() => Error::unknown(describe_unknown(&value)),
        None => Error::unknown([name.as_str(), ": ", &message].concat()),
    }
}

/// An [`Error`] as the JavaScript value a promise of the spec rejects with: a `TypeError` for
/// [`ErrorName::Type`], otherwise a real `DOMException` whose `.name` is the spec's name. An
/// `OverconstrainedError` is built with the browser's own `OverconstrainedError` constructor
/// where there is one (so `err.constraint` is set), else a `DOMException` named
/// `OverconstrainedError` with a `constraint` property.
pub fn to_js(error: &Error) -> JsValue {
    let message = error.message();
    match error.name() {
        ErrorName::Type => js_sys::TypeError::new(message).into(),
        ErrorName::Overconstrained => {
            let constraint = error.constraint().unwrap_or_default();
            if let Some(built) = construct_overconstrained(constraint, message) {
                return built;
            }
            let exception = dom_exception(message, ErrorName::Overconstrained.as_str());
            // Setting a property on a fresh object only fails for frozen objects; a
            // DOMException without it still has the right name.
            let _ = Reflect::set(&exception, &"constraint".into(), &constraint.into());
            exception
        }
        name => dom_exception(message, name.as_str()),
    }
}

/// `err.name`-style property of any value, when it is a string.
fn string_property(value: &JsValue, key: &str) -> Option<String> {
    if !value.is_object() {
        return None;
    }
    Reflect::get(value, &JsValue::from_str(key))
        .ok()
        .and_then(|v| v.as_string())
}

fn describe_unknown(value: &JsValue) -> Cow<'static, str> {
    if value.is_undefined() || value.is_null() {
        return Cow::Borrowed("the browser failed without saying why");
    }
    // `String(value)`, as a console shows a thrown value; its type where even that throws.
    let text = js_string(value)
        .ok()
        .and_then(|s| s.as_string())
        .or_else(|| value.js_typeof().as_string())
        .unwrap_or_default();
    Cow::Owned(["the browser failed with ", &text].concat())
}

#[wasm_bindgen]
extern "C" {
    /// The global `String(value)`: throws for an object whose conversion throws.
    #[wasm_bindgen(catch, js_name = String)]
    fn js_string(value: &JsValue) -> Result<JsValue, JsValue>;
}

fn dom_exception(message: &str, name: &str) -> JsValue {
    match web_sys::DomException::new_with_message_and_name(message, name) {
        Ok(exception) => exception.into(),
        // No DOMException constructor (a very old engine): an Error with the right name.
        Err(_) => {
            let error = js_sys::Error::new(message);
            error.set_name(name);
            error.into()
        }
    }
}

fn construct_overconstrained(constraint: &str, message: &str) -> Option<JsValue> {
    let constructor = Reflect::get(&js_sys::global(), &"OverconstrainedError".into()).ok()?;
    let constructor = constructor.dyn_into::<js_sys::Function>().ok()?;
    let args = js_sys::Array::of2(&constraint.into(), &message.into());
    Reflect::construct(&constructor, &args).ok()
}
