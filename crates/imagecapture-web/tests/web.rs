//! The error mapping in a real browser: every [`Error`] becomes the JavaScript value the spec
//! rejects with, and comes back unchanged.

#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use imagecapture_core::{Error, ErrorName};
use imagecapture_web::error::{from_js, to_js};
use js_sys::Reflect;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const NAMES: [ErrorName; 10] = ErrorName::ALL;

fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &key.into()).unwrap()
}

#[wasm_bindgen_test]
fn every_error_becomes_a_real_dom_exception_or_type_error_and_comes_back() {
    for name in NAMES {
        let error = if name == ErrorName::Overconstrained {
            Error::overconstrained("width", "no 99999-wide camera")
        } else {
            Error::new(name, "what went wrong")
        };
        let js = to_js(&error);
        assert_eq!(get(&js, "name").as_string().as_deref(), Some(name.as_str()));
        assert_eq!(
            get(&js, "message").as_string().as_deref(),
            Some(error.message())
        );
        match name {
            ErrorName::Type => assert!(js.is_instance_of::<js_sys::TypeError>()),
            // Made with the browser's own constructor where there is one: a DOMException in
            // Chrome, an Error in WebKit (whose OverconstrainedError is no DOMException, as its
            // own applyConstraints rejections). Firefox has no constructor, and gets a
            // DOMException named OverconstrainedError.
            ErrorName::Overconstrained => {
                let own = Reflect::get(&js_sys::global(), &"OverconstrainedError".into()).unwrap();
                if let Some(own) = own.dyn_ref::<js_sys::Function>() {
                    assert!(
                        JsValue::from(Reflect::get_prototype_of(&js).unwrap())
                            == Reflect::get(own, &"prototype".into()).unwrap(),
                        "not the browser's own OverconstrainedError"
                    );
                } else {
                    assert!(js.is_instance_of::<web_sys::DomException>());
                }
            }
            _ => assert!(
                js.is_instance_of::<web_sys::DomException>(),
                "{name} is not a DOMException"
            ),
        }
        if name == ErrorName::Overconstrained {
            assert_eq!(get(&js, "constraint").as_string().as_deref(), Some("width"));
        }
        assert_eq!(from_js(js), error);
    }
}

#[wasm_bindgen_test]
fn foreign_errors_map_to_unknown_with_their_name_kept() {
    let range = js_sys::RangeError::new("too big");
    let error = from_js(range.into());
    assert_eq!(error.name(), ErrorName::Unknown);
    assert!(error.message().contains("RangeError"), "{error}");
    let security = web_sys::DomException::new_with_message_and_name("no", "SecurityError")
        .unwrap()
        .unchecked_into::<JsValue>();
    assert_eq!(from_js(security).name(), ErrorName::NotAllowed);
    assert_eq!(from_js(JsValue::UNDEFINED).name(), ErrorName::Unknown);
    assert_eq!(from_js("text".into()).name(), ErrorName::Unknown);
}
