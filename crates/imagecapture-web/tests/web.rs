//! The error mapping in a real browser: every [`Error`] becomes the JavaScript value the spec
//! rejects with, and comes back unchanged. And the dictionaries: the core's types to plain
//! JavaScript objects and back, leniently where the browser's objects have surprises.

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

/// A JavaScript value from JSON text (the tests' dictionaries as a page would write them).
fn js(json: &str) -> JsValue {
    js_sys::JSON::parse(json).unwrap()
}

fn json(value: &JsValue) -> String {
    js_sys::JSON::stringify(value).unwrap().into()
}

#[wasm_bindgen_test]
fn a_member_of_another_shape_is_dropped_and_the_rest_kept() {
    use imagecapture_core::MediaTrackCapabilities;
    use imagecapture_web::dictionary;
    // Chrome's torch capability is a boolean; an unknown mode spoils its whole list; a width
    // range with a fraction is no `ULongRange`; `null` is an absent member.
    let capabilities: MediaTrackCapabilities = dictionary::from_js(&js(r#"{
        "torch": true, "exposureMode": ["manual", "bogus"], "focusMode": ["continuous"],
        "width": {"min": 1.5, "max": 640}, "height": {"min": 1, "max": 480},
        "zoom": null, "somethingNew": 1, "deviceId": "camera"
    }"#));
    assert_eq!(capabilities.torch, None);
    assert_eq!(capabilities.exposure_mode, None);
    assert_eq!(
        capabilities.focus_mode,
        Some(vec![imagecapture_core::MeteringMode::Continuous])
    );
    assert_eq!(capabilities.width, None);
    assert_eq!(capabilities.height.and_then(|h| h.max), Some(480));
    assert_eq!(capabilities.zoom, None);
    assert_eq!(capabilities.device_id.as_deref(), Some("camera"));
    // Not a dictionary at all: the empty one.
    for value in [JsValue::UNDEFINED, JsValue::NULL, JsValue::from(3)] {
        let empty: MediaTrackCapabilities = dictionary::from_js(&value);
        assert_eq!(empty, MediaTrackCapabilities::default());
    }
}

#[wasm_bindgen_test]
fn dictionaries_are_plain_objects_without_their_absent_members() {
    use imagecapture_core::{FillLightMode, PhotoCapabilities, PhotoSettings, RedEyeReduction};
    use imagecapture_web::dictionary;
    let settings = dictionary::to_js(&PhotoSettings::with_width(640.0)).unwrap();
    assert_eq!(json(&settings), r#"{"imageWidth":640}"#);
    let capabilities = PhotoCapabilities {
        red_eye_reduction: Some(RedEyeReduction::Never),
        image_height: Some(imagecapture_core::MediaSettingsRange::new(
            96.0, 1080.0, 1.0,
        )),
        image_width: None,
        fill_light_mode: Some(vec![FillLightMode::Off, FillLightMode::Flash]),
    };
    let written = dictionary::to_js(&capabilities).unwrap();
    assert_eq!(
        json(&written),
        r#"{"redEyeReduction":"never","imageHeight":{"max":1080,"min":96,"step":1},"fillLightMode":["off","flash"]}"#
    );
    assert_eq!(
        dictionary::from_js::<PhotoCapabilities>(&written),
        capabilities
    );
}

#[wasm_bindgen_test]
fn constraints_in_every_form_round_trip() {
    use imagecapture_core::{MediaStreamConstraints, MediaTrackConstraints};
    use imagecapture_web::dictionary;
    let text = r#"{"width":640,"height":{"min":240,"ideal":480},"frameRate":{"exact":20},"facingMode":["user","environment"],"deviceId":{"exact":"camera"},"pointsOfInterest":[{"x":0.5,"y":0.25}],"zoom":true,"torch":{"ideal":false},"advanced":[{"exposureMode":"manual","exposureTime":33},{"pan":{"min":-3600,"max":3600}}]}"#;
    let constraints: MediaTrackConstraints = dictionary::from_js(&js(text));
    assert_eq!(
        constraints.basic.width,
        Some(imagecapture_core::constraints::ConstrainNumber::Value(640))
    );
    assert_eq!(constraints.advanced.as_ref().map(Vec::len), Some(2));
    assert_eq!(json(&dictionary::to_js(&constraints).unwrap()), text);
    let stream = MediaStreamConstraints::video_with(constraints);
    let written = json(&dictionary::to_js(&stream).unwrap());
    assert_eq!(written, format!(r#"{{"video":{text}}}"#));
    // A set of another shape in `advanced` drops the whole list, as a member of its own.
    let bad: MediaTrackConstraints =
        dictionary::from_js(&js(r#"{"width":640,"advanced":[{"width":{"exact":1.5}}]}"#));
    assert_eq!(bad.advanced, None);
    assert!(bad.basic.width.is_some());
}
