//! WebIDL's conversion of a JavaScript value to the `PhotoSettings` dictionary, as a browser
//! makes it before `takePhoto` runs: members read in lexicographic order, each converted to its
//! type, a `TypeError` for values the types reject.

use imagecapture_core::{Error, FillLightMode, PhotoSettings, text};
use js_sys::{Array, Function, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// Why a conversion failed: our `TypeError`, or an exception a getter or `valueOf` threw, which
/// WebIDL passes on unchanged.
pub(crate) enum ConversionError {
    /// A value the dictionary's types reject.
    Invalid(Error),
    /// An exception thrown by the caller's own code while being read.
    Thrown(JsValue),
}

type Converted<T> = Result<T, ConversionError>;

fn invalid<T>(message: String) -> Converted<T> {
    Err(ConversionError::Invalid(Error::type_error(message)))
}

/// `PhotoSettings` from `value`: `undefined` and `null` are the empty dictionary; any other
/// value that is not an object is a `TypeError`.
///
/// The members are the spec's four plus this package's extensions `type` (a `DOMString`) and
/// `quality` (like `canvas.toBlob`'s: used when it is a number, ignored otherwise).
pub(crate) fn photo_settings(value: &JsValue) -> Converted<PhotoSettings> {
    if value.is_undefined() || value.is_null() {
        return Ok(PhotoSettings::default());
    }
    if !value.is_object() && !value.is_function() {
        return invalid(
            [
                "the PhotoSettings argument must be an object, not ",
                &type_name(value),
            ]
            .concat(),
        );
    }
    let mut settings = PhotoSettings::default();
    // Lexicographic order, as WebIDL reads dictionary members.
    if let Some(v) = member(value, "fillLightMode")? {
        let text = to_string(&v, "fillLightMode")?;
        settings.fill_light_mode = Some(FillLightMode::parse(&text).ok_or_else(|| {
            ConversionError::Invalid(Error::type_error(
                [
                    "PhotoSettings.fillLightMode: \"",
                    &text,
                    "\" is not a valid value for enumeration FillLightMode \
                     (\"auto\", \"off\", \"flash\")",
                ]
                .concat(),
            ))
        })?);
    }
    settings.image_height = member(value, "imageHeight")?
        .map(|v| finite_double(&v, "imageHeight"))
        .transpose()?;
    settings.image_width = member(value, "imageWidth")?
        .map(|v| finite_double(&v, "imageWidth"))
        .transpose()?;
    settings.quality = member(value, "quality")?.and_then(|v| v.as_f64());
    settings.red_eye_reduction = member(value, "redEyeReduction")?.map(|v| v.is_truthy());
    settings.mime_type = member(value, "type")?
        .map(|v| to_string(&v, "type"))
        .transpose()?;
    Ok(settings)
}

/// `value[key]`, `None` when it is `undefined` (an absent member).
fn member(value: &JsValue, key: &str) -> Converted<Option<JsValue>> {
    let got = Reflect::get(value, &JsValue::from_str(key)).map_err(ConversionError::Thrown)?;
    Ok((!got.is_undefined()).then_some(got))
}

/// WebIDL `double`: ToNumber, then NaN and ±Infinity are a `TypeError`.
fn finite_double(value: &JsValue, name: &str) -> Converted<f64> {
    let number = to_number(value, name)?;
    if number.is_finite() {
        Ok(number)
    } else {
        invalid(
            [
                "PhotoSettings.",
                name,
                " must be a finite number, not ",
                &text::number(number),
            ]
            .concat(),
        )
    }
}

/// ECMAScript ToNumber (through the global `Number`, so objects' `valueOf` runs as in a
/// browser); `BigInt` and `Symbol` are a `TypeError`, as WebIDL makes them.
fn to_number(value: &JsValue, name: &str) -> Converted<f64> {
    if let Some(number) = value.as_f64() {
        return Ok(number);
    }
    if value.is_bigint() || value.is_symbol() {
        return invalid(
            [
                "PhotoSettings.",
                name,
                " must be a number, not a ",
                &type_name(value),
            ]
            .concat(),
        );
    }
    let converted = call_global("Number", value)?;
    Ok(converted.as_f64().unwrap_or(f64::NAN))
}

/// ECMAScript ToString (through the global `String`); a `Symbol` is a `TypeError`.
fn to_string(value: &JsValue, name: &str) -> Converted<String> {
    if let Some(text) = value.as_string() {
        return Ok(text);
    }
    if value.is_symbol() {
        return invalid(["PhotoSettings.", name, " must be a string, not a symbol"].concat());
    }
    let converted = call_global("String", value)?;
    Ok(converted.as_string().unwrap_or_default())
}

/// `globalThis[function](value)`, an exception thrown on the way passed on.
fn call_global(name: &str, value: &JsValue) -> Converted<JsValue> {
    let function = Reflect::get(&js_sys::global(), &JsValue::from_str(name))
        .map_err(ConversionError::Thrown)?
        .dyn_into::<Function>()
        .map_err(|_| {
            ConversionError::Invalid(Error::type_error(
                ["this JavaScript engine has no global ", name, "()"].concat(),
            ))
        })?;
    Reflect::apply(&function, &JsValue::UNDEFINED, &Array::of1(value))
        .map_err(ConversionError::Thrown)
}

fn type_name(value: &JsValue) -> String {
    value.js_typeof().as_string().unwrap_or_default()
}
