//! The core's dictionaries ↔ JavaScript objects, member by member through `Reflect`.
//!
//! Each dictionary lists its members once (Rust field, JavaScript name) in a `dictionary!` line
//! below, and each member is read and written by its type's [`Member`] impl. No serde: its
//! generic machinery used to be the largest part of the npm package's WebAssembly. The lists
//! build each struct whole, so a member added to a core dictionary fails to compile here until
//! it is listed.
//!
//! Reading is lenient at the top level ([`from_js`]): a browser may put a member of a shape the
//! spec does not give (Chrome's `getCapabilities().torch` is a boolean, not a list) or a value
//! newer than our enums. Such a member is dropped, and the rest of the dictionary is kept. A
//! nested value (a range, a constraint, one set of `advanced`) is read whole or not at all, as
//! part of the member it belongs to. `null` and `undefined` are absent members.
//!
//! Writing ([`to_js`]) gives plain objects, absent members left out, in declaration order.

use imagecapture_core::constraints::{
    BoolOrConstrainDouble, ConstrainBoolean, ConstrainBooleanParameters, ConstrainDOMString,
    ConstrainDOMStringParameters, ConstrainNumber, ConstrainPoint2D, ConstrainPoint2DParameters,
    NumberRange, StringOrList, TrackConstraints,
};
use imagecapture_core::track::{DoubleRange, ULongRange};
use imagecapture_core::{
    FillLightMode, MediaSettingsRange, MediaStreamConstraints, MediaTrackCapabilities,
    MediaTrackConstraintSet, MediaTrackConstraints, MediaTrackSettings,
    MediaTrackSupportedConstraints, MeteringMode, PhotoCapabilities, PhotoSettings, Point2D,
    RedEyeReduction, Result,
};
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// A value of a dictionary member: read from and written to JavaScript.
pub trait Member: Sized {
    /// `value` as `Self`; `None` when it has another shape.
    fn read(value: &JsValue) -> Option<Self>;

    /// `self` as a JavaScript value.
    fn write(&self) -> JsValue;
}

/// A dictionary: an object whose members are all optional.
pub trait Dictionary: Member + Default {
    /// The members of `object`. `strict`: `None` when a member has another shape (a nested
    /// dictionary); otherwise such a member is left out (the top level, see [`from_js`]).
    fn read_members(object: &JsValue, strict: bool) -> Option<Self>;

    /// A plain object of the members present.
    fn write_members(&self) -> Object;
}

/// A dictionary the browser returned, as `T`, dropping the members that do not parse.
/// `undefined`, `null` and values that are not objects are the empty dictionary.
pub fn from_js<T: Dictionary>(value: &JsValue) -> T {
    T::read_members(value, false).unwrap_or_default()
}

/// `value` as a plain JavaScript object (absent members left out).
///
/// # Errors
/// None so far: every core dictionary can be expressed in JavaScript. The `Result` keeps
/// callers ready for one that cannot.
pub fn to_js<T: Dictionary>(value: &T) -> Result<JsValue> {
    Ok(value.write_members().into())
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

/// `object[key]`, `None` when absent: `undefined`, `null`, or a getter that threw.
fn present(object: &JsValue, key: &str) -> Option<JsValue> {
    let value = Reflect::get(object, &JsValue::from_str(key)).ok()?;
    (!value.is_undefined() && !value.is_null()).then_some(value)
}

/// Reads `object[key]` into `slot` (left empty when absent); false when the member has another
/// shape. In place: a dictionary is filled member by member, not moved around.
fn read_member<T: Member>(slot: &mut Option<T>, object: &JsValue, key: &str) -> bool {
    let Some(value) = present(object, key) else {
        return true;
    };
    *slot = T::read(&value);
    slot.is_some()
}

/// `object[key]` as `T`: `Some(None)` when absent, `None` when of another shape.
fn member<T: Member>(object: &JsValue, key: &str) -> Option<Option<T>> {
    let mut slot = None;
    read_member(&mut slot, object, key).then_some(slot)
}

/// Sets `object[key]` when `value` is present.
fn put<T: Member>(object: &Object, key: &str, value: Option<&T>) {
    if let Some(value) = value {
        set(object, key, &value.write());
    }
}

fn set(object: &Object, key: &str, value: &JsValue) {
    // Setting a property on a fresh plain object cannot fail.
    let _ = Reflect::set(object, &JsValue::from_str(key), value);
}

// Scalars, as WebIDL's types: `unsigned long` is a whole number in range (a fraction or a
// negative number is another shape), `double` any number, `boolean` and `DOMString` exactly
// those JavaScript types.

impl Member for u32 {
    fn read(value: &JsValue) -> Option<Self> {
        let number = value.as_f64()?;
        (number.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&number))
            .then_some(number as u32)
    }

    fn write(&self) -> JsValue {
        JsValue::from_f64(f64::from(*self))
    }
}

impl Member for f64 {
    fn read(value: &JsValue) -> Option<Self> {
        value.as_f64()
    }

    fn write(&self) -> JsValue {
        JsValue::from_f64(*self)
    }
}

impl Member for bool {
    fn read(value: &JsValue) -> Option<Self> {
        value.as_bool()
    }

    fn write(&self) -> JsValue {
        JsValue::from_bool(*self)
    }
}

impl Member for String {
    fn read(value: &JsValue) -> Option<Self> {
        value.as_string()
    }

    fn write(&self) -> JsValue {
        JsValue::from_str(self)
    }
}

/// A list: a JavaScript array whose every element reads.
impl<T: Member> Member for Vec<T> {
    fn read(value: &JsValue) -> Option<Self> {
        value
            .dyn_ref::<Array>()?
            .iter()
            .map(|v| T::read(&v))
            .collect()
    }

    fn write(&self) -> JsValue {
        let array = Array::new();
        for value in self {
            array.push(&value.write());
        }
        array.into()
    }
}

/// Enums: their spec spelling, and nothing else.
macro_rules! string_enum {
    ($ty:ty { $($variant:ident = $name:literal),* $(,)? }) => {
        impl Member for $ty {
            fn read(value: &JsValue) -> Option<Self> {
                match value.as_string()?.as_str() {
                    $($name => Some(<$ty>::$variant),)*
                    _ => None,
                }
            }

            fn write(&self) -> JsValue {
                JsValue::from_str(match self {
                    $(<$ty>::$variant => $name,)*
                })
            }
        }
    };
}

string_enum!(MeteringMode {
    None = "none",
    Manual = "manual",
    SingleShot = "single-shot",
    Continuous = "continuous",
});
string_enum!(FillLightMode {
    Auto = "auto",
    Off = "off",
    Flash = "flash",
});
string_enum!(RedEyeReduction {
    Never = "never",
    Always = "always",
    Controllable = "controllable",
});

/// Dictionaries: every member optional, listed as `rust_field: "jsName"`.
macro_rules! dictionary {
    ($ty:ident { $($field:ident: $key:literal),* $(,)? }) => {
        impl Member for $ty {
            fn read(value: &JsValue) -> Option<Self> {
                Self::read_members(value, true)
            }

            fn write(&self) -> JsValue {
                self.write_members().into()
            }
        }

        impl Dictionary for $ty {
            fn read_members(object: &JsValue, strict: bool) -> Option<Self> {
                if !object.is_object() {
                    return None;
                }
                let mut read = Self::default();
                // Every member is listed: a core dictionary with one more fails to compile.
                let $ty { $($field: _),* } = &read;
                let mut whole = true;
                $(whole &= read_member(&mut read.$field, object, $key);)*
                (whole || !strict).then_some(read)
            }

            fn write_members(&self) -> Object {
                let object = Object::new();
                $(put(&object, $key, self.$field.as_ref());)*
                object
            }
        }
    };
}

dictionary!(ULongRange {
    max: "max",
    min: "min",
});
dictionary!(DoubleRange {
    max: "max",
    min: "min",
});
dictionary!(MediaSettingsRange {
    max: "max",
    min: "min",
    step: "step",
});
dictionary!(PhotoCapabilities {
    red_eye_reduction: "redEyeReduction",
    image_height: "imageHeight",
    image_width: "imageWidth",
    fill_light_mode: "fillLightMode",
});
dictionary!(PhotoSettings {
    fill_light_mode: "fillLightMode",
    image_height: "imageHeight",
    image_width: "imageWidth",
    red_eye_reduction: "redEyeReduction",
    mime_type: "type",
    quality: "quality",
});
dictionary!(MediaTrackSettings {
    width: "width",
    height: "height",
    frame_rate: "frameRate",
    aspect_ratio: "aspectRatio",
    facing_mode: "facingMode",
    resize_mode: "resizeMode",
    device_id: "deviceId",
    group_id: "groupId",
    white_balance_mode: "whiteBalanceMode",
    exposure_mode: "exposureMode",
    focus_mode: "focusMode",
    points_of_interest: "pointsOfInterest",
    exposure_compensation: "exposureCompensation",
    exposure_time: "exposureTime",
    color_temperature: "colorTemperature",
    iso: "iso",
    brightness: "brightness",
    contrast: "contrast",
    saturation: "saturation",
    sharpness: "sharpness",
    focus_distance: "focusDistance",
    pan: "pan",
    tilt: "tilt",
    zoom: "zoom",
    torch: "torch",
});
dictionary!(MediaTrackCapabilities {
    width: "width",
    height: "height",
    frame_rate: "frameRate",
    aspect_ratio: "aspectRatio",
    facing_mode: "facingMode",
    resize_mode: "resizeMode",
    device_id: "deviceId",
    group_id: "groupId",
    white_balance_mode: "whiteBalanceMode",
    exposure_mode: "exposureMode",
    focus_mode: "focusMode",
    exposure_compensation: "exposureCompensation",
    exposure_time: "exposureTime",
    color_temperature: "colorTemperature",
    iso: "iso",
    brightness: "brightness",
    contrast: "contrast",
    saturation: "saturation",
    sharpness: "sharpness",
    focus_distance: "focusDistance",
    pan: "pan",
    tilt: "tilt",
    zoom: "zoom",
    torch: "torch",
});
dictionary!(MediaTrackSupportedConstraints {
    width: "width",
    height: "height",
    frame_rate: "frameRate",
    aspect_ratio: "aspectRatio",
    facing_mode: "facingMode",
    resize_mode: "resizeMode",
    device_id: "deviceId",
    group_id: "groupId",
    white_balance_mode: "whiteBalanceMode",
    exposure_mode: "exposureMode",
    focus_mode: "focusMode",
    points_of_interest: "pointsOfInterest",
    exposure_compensation: "exposureCompensation",
    exposure_time: "exposureTime",
    color_temperature: "colorTemperature",
    iso: "iso",
    brightness: "brightness",
    contrast: "contrast",
    saturation: "saturation",
    sharpness: "sharpness",
    focus_distance: "focusDistance",
    pan: "pan",
    tilt: "tilt",
    zoom: "zoom",
    torch: "torch",
});
dictionary!(ConstrainDOMStringParameters {
    exact: "exact",
    ideal: "ideal",
});
dictionary!(ConstrainBooleanParameters {
    exact: "exact",
    ideal: "ideal",
});
dictionary!(ConstrainPoint2DParameters {
    exact: "exact",
    ideal: "ideal",
});
dictionary!(MediaTrackConstraintSet {
    width: "width",
    height: "height",
    frame_rate: "frameRate",
    aspect_ratio: "aspectRatio",
    facing_mode: "facingMode",
    resize_mode: "resizeMode",
    device_id: "deviceId",
    group_id: "groupId",
    white_balance_mode: "whiteBalanceMode",
    exposure_mode: "exposureMode",
    focus_mode: "focusMode",
    points_of_interest: "pointsOfInterest",
    exposure_compensation: "exposureCompensation",
    exposure_time: "exposureTime",
    color_temperature: "colorTemperature",
    iso: "iso",
    brightness: "brightness",
    contrast: "contrast",
    saturation: "saturation",
    sharpness: "sharpness",
    focus_distance: "focusDistance",
    pan: "pan",
    tilt: "tilt",
    zoom: "zoom",
    torch: "torch",
});
dictionary!(MediaStreamConstraints {
    video: "video",
    audio: "audio",
});

/// The basic set's members side by side with `advanced`, as JavaScript has them.
impl Member for MediaTrackConstraints {
    fn read(value: &JsValue) -> Option<Self> {
        Self::read_members(value, true)
    }

    fn write(&self) -> JsValue {
        self.write_members().into()
    }
}

impl Dictionary for MediaTrackConstraints {
    fn read_members(object: &JsValue, strict: bool) -> Option<Self> {
        Some(Self {
            basic: MediaTrackConstraintSet::read_members(object, strict)?,
            advanced: {
                let mut advanced = None;
                if !read_member(&mut advanced, object, "advanced") && strict {
                    return None;
                }
                advanced
            },
        })
    }

    fn write_members(&self) -> Object {
        let object = self.basic.write_members();
        put(&object, "advanced", self.advanced.as_ref());
        object
    }
}

/// `{x, y}`, each 0 when absent.
impl Member for Point2D {
    fn read(value: &JsValue) -> Option<Self> {
        if !value.is_object() {
            return None;
        }
        Some(Self {
            x: member(value, "x")?.unwrap_or_default(),
            y: member(value, "y")?.unwrap_or_default(),
        })
    }

    fn write(&self) -> JsValue {
        let object = Object::new();
        set(&object, "x", &self.x.write());
        set(&object, "y", &self.y.write());
        object.into()
    }
}

/// `{min, max, exact, ideal}`.
impl<T: Member> Member for NumberRange<T> {
    fn read(value: &JsValue) -> Option<Self> {
        if !value.is_object() {
            return None;
        }
        Some(Self {
            min: member(value, "min")?,
            max: member(value, "max")?,
            exact: member(value, "exact")?,
            ideal: member(value, "ideal")?,
        })
    }

    fn write(&self) -> JsValue {
        let object = Object::new();
        put(&object, "min", self.min.as_ref());
        put(&object, "max", self.max.as_ref());
        put(&object, "exact", self.exact.as_ref());
        put(&object, "ideal", self.ideal.as_ref());
        object.into()
    }
}

// The union types: each form tried in the order of the declaration, the first that reads wins.

impl<T: Member> Member for ConstrainNumber<T> {
    fn read(value: &JsValue) -> Option<Self> {
        T::read(value)
            .map(Self::Value)
            .or_else(|| NumberRange::read(value).map(Self::Range))
    }

    fn write(&self) -> JsValue {
        match self {
            Self::Value(value) => value.write(),
            Self::Range(range) => range.write(),
        }
    }
}

/// A union of two forms, `$ty::$first($a)` tried before `$ty::$second($b)`.
macro_rules! union {
    ($ty:ty { $first:ident($a:ty), $second:ident($b:ty) $(,)? }) => {
        impl Member for $ty {
            fn read(value: &JsValue) -> Option<Self> {
                <$a>::read(value)
                    .map(Self::$first)
                    .or_else(|| <$b>::read(value).map(Self::$second))
            }

            fn write(&self) -> JsValue {
                match self {
                    Self::$first(value) => value.write(),
                    Self::$second(value) => value.write(),
                }
            }
        }
    };
}

union!(StringOrList {
    One(String),
    List(Vec<String>),
});
union!(ConstrainDOMString {
    Value(StringOrList),
    Parameters(ConstrainDOMStringParameters),
});
union!(ConstrainBoolean {
    Value(bool),
    Parameters(ConstrainBooleanParameters),
});
union!(ConstrainPoint2D {
    Value(Vec<Point2D>),
    Parameters(ConstrainPoint2DParameters),
});
union!(BoolOrConstrainDouble {
    Bool(bool),
    Constrain(ConstrainNumber<f64>),
});

impl Member for TrackConstraints {
    fn read(value: &JsValue) -> Option<Self> {
        bool::read(value)
            .map(Self::Bool)
            .or_else(|| MediaTrackConstraints::read(value).map(|c| Self::Constraints(Box::new(c))))
    }

    fn write(&self) -> JsValue {
        match self {
            Self::Bool(value) => value.write(),
            Self::Constraints(constraints) => constraints.write(),
        }
    }
}
