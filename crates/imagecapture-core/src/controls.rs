//! The image-capture controls of a track — whiteBalanceMode, exposureMode, focusMode,
//! pointsOfInterest, exposureCompensation, exposureTime, colorTemperature, iso, brightness,
//! contrast, saturation, sharpness, focusDistance, pan, tilt, zoom, torch — and what
//! `applyConstraints()` makes of them.
//!
//! A camera's controls are independent of its formats and of each other: every value of a
//! control combines with every format and every value of the other controls. *SelectSettings*
//! over that product space (see [`select`](crate::select)) therefore works member by member:
//! the set of values a control may still take (its *feasible set*) is narrowed by each required
//! constraint in turn, and the final value is the feasible one closest to the basic set's ideal.
//!
//! - [`resolve_controls`]: the controls alone (what a backend needs for a camera whose formats
//!   are handled elsewhere, e.g. the web backend's digital zoom).
//! - [`select_settings_and_controls`]: a camera's formats (candidates for
//!   [`select_settings_with`]) and its controls together, so that an `advanced` set mixing both
//!   (`{width: 1280, zoom: 2}`) is kept or skipped whole.
//!
//! The rules, from *Media Capture and Streams* and the Image Capture spec:
//! - `TypeError` for NaN or ±Infinity anywhere ([`validate_constraints`]).
//! - The basic set's required parts (`exact`, `min`, `max`) must all hold, or the call rejects
//!   with `OverconstrainedError` naming the first failing member (in the dictionary's order)
//!   and nothing changes. A required constraint on a control the camera lacks fails; an ideal
//!   one is ignored.
//! - `advanced` sets are applied in order, each one skipped whole when one of its members
//!   cannot hold together with what is already required. A bare value in an advanced set is
//!   `exact`; `pan: true` there requires the camera to have pan.
//! - Numbers: ideals are clamped to the feasible part of the capability's range and snapped to
//!   its `step` ([`resolve_in_range`]); without an ideal a control keeps its current value when
//!   it may. Ideals of advanced sets take no part (as in *SelectSettings*).
//! - Modes (`MeteringMode`) and `torch` are chosen among the capability's list only.
//! - `pointsOfInterest` takes no part in selection; its points are clamped to `[0, 1]`. It is
//!   applied only on a track whose settings have the member.
//! - A value with a manual/automatic switch (`exposureTime`/`exposureMode`,
//!   `colorTemperature`/`whiteBalanceMode`, `focusDistance`/`focusMode`): constraining the value
//!   while leaving its mode unconstrained switches the mode to `"manual"` (where the capability
//!   lists it), as Chrome does on Linux; while the mode is not `"manual"` the value is the
//!   device's to set, and stays as it is.
//! - Members that are not image-capture controls are ignored here (they are the formats'), and
//!   so are unknown members (serde drops them).

use crate::constraints::{
    BoolOrConstrainDouble, ConstrainBoolean, ConstrainBooleanParameters, ConstrainDOMString,
    ConstrainDOMStringParameters, ConstrainDouble, ConstrainNumber, ConstrainPoint2D,
    ConstrainPoint2DParameters, MediaTrackConstraintSet, MediaTrackConstraints, NumberRange,
    StringOrList,
};
use crate::error::{Error, Result};
use crate::photo::MediaSettingsRange;
use crate::select::{
    Asked, flag, number, points, ptz, quoted, resolve_in_range, select_settings_with, text,
    validate_constraints,
};
use crate::track::{
    MediaTrackCapabilities, MediaTrackSettings, MediaTrackSupportedConstraints, MeteringMode,
    Point2D,
};

/// One image-capture member of the track dictionaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Control {
    /// `whiteBalanceMode`.
    WhiteBalanceMode,
    /// `exposureMode`.
    ExposureMode,
    /// `focusMode`.
    FocusMode,
    /// `pointsOfInterest`.
    PointsOfInterest,
    /// `exposureCompensation`, EV.
    ExposureCompensation,
    /// `exposureTime`, 100 µs units.
    ExposureTime,
    /// `colorTemperature`, kelvin.
    ColorTemperature,
    /// `iso`.
    Iso,
    /// `brightness`.
    Brightness,
    /// `contrast`.
    Contrast,
    /// `saturation`.
    Saturation,
    /// `sharpness`.
    Sharpness,
    /// `focusDistance`, metres.
    FocusDistance,
    /// `pan`, arc-seconds.
    Pan,
    /// `tilt`, arc-seconds.
    Tilt,
    /// `zoom`, a ratio.
    Zoom,
    /// `torch`.
    Torch,
}

/// What sort of values a [`Control`] takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ControlKind {
    /// A `MeteringMode` among the capability's list.
    Mode,
    /// A number in the capability's `MediaSettingsRange`.
    Range,
    /// A boolean among the capability's list (`torch`).
    Flag,
    /// A list of points; there is no capability (`pointsOfInterest`).
    Points,
}

/// The value of a [`Control`] in a settings dictionary.
#[derive(Debug, Clone, PartialEq)]
pub enum ControlValue {
    /// A mode.
    Mode(MeteringMode),
    /// A number, in the spec's unit.
    Number(f64),
    /// A boolean.
    Flag(bool),
    /// Points, normalised.
    Points(Vec<Point2D>),
}

/// The capability of a [`Control`].
#[derive(Debug, Clone, PartialEq)]
pub enum ControlCapability {
    /// The modes offered.
    Modes(Vec<MeteringMode>),
    /// The range offered.
    Range(MediaSettingsRange),
    /// The booleans offered (`[false, true]` for a torch).
    Flags(Vec<bool>),
}

/// A constraint on one [`Control`], in any form JavaScript allows (see
/// [`Control::constrain_in`]).
#[derive(Debug, Clone, PartialEq)]
pub enum ControlConstraint {
    /// A number: bare, `{exact}`, `{ideal}`, `{min, max}`…
    Number(ConstrainDouble),
    /// `pan`/`tilt`/`zoom` as a boolean.
    Presence(bool),
    /// A mode by name (names that are no mode are allowed: they are constraints too).
    Mode(ConstrainDOMString),
    /// `torch`.
    Flag(ConstrainBoolean),
    /// `pointsOfInterest`.
    Points(ConstrainPoint2D),
}

impl ControlConstraint {
    /// `value` as a bare value (ideal in the basic set, exact in an advanced set).
    pub fn bare(value: &ControlValue) -> Self {
        match value {
            ControlValue::Number(v) => Self::Number(ConstrainNumber::Value(*v)),
            ControlValue::Mode(m) => Self::Mode(ConstrainDOMString::Value(StringOrList::One(
                m.as_str().into(),
            ))),
            ControlValue::Flag(b) => Self::Flag(ConstrainBoolean::Value(*b)),
            ControlValue::Points(p) => Self::Points(ConstrainPoint2D::Value(p.clone())),
        }
    }

    /// `{exact: value}`.
    pub fn exact(value: &ControlValue) -> Self {
        match value {
            ControlValue::Number(v) => Self::Number(ConstrainNumber::exact(*v)),
            ControlValue::Mode(m) => Self::Mode(ConstrainDOMString::exact(m.as_str())),
            ControlValue::Flag(b) => {
                Self::Flag(ConstrainBoolean::Parameters(ConstrainBooleanParameters {
                    exact: Some(*b),
                    ideal: None,
                }))
            }
            ControlValue::Points(p) => {
                Self::Points(ConstrainPoint2D::Parameters(ConstrainPoint2DParameters {
                    exact: Some(p.clone()),
                    ideal: None,
                }))
            }
        }
    }

    /// `{ideal: value}`.
    pub fn ideal(value: &ControlValue) -> Self {
        match value {
            ControlValue::Number(v) => Self::Number(ConstrainNumber::ideal(*v)),
            ControlValue::Mode(m) => Self::Mode(ConstrainDOMString::Parameters(
                ConstrainDOMStringParameters {
                    exact: None,
                    ideal: Some(StringOrList::One(m.as_str().into())),
                },
            )),
            ControlValue::Flag(b) => {
                Self::Flag(ConstrainBoolean::Parameters(ConstrainBooleanParameters {
                    exact: None,
                    ideal: Some(*b),
                }))
            }
            ControlValue::Points(p) => {
                Self::Points(ConstrainPoint2D::Parameters(ConstrainPoint2DParameters {
                    exact: None,
                    ideal: Some(p.clone()),
                }))
            }
        }
    }
}

/// Declares, for one dictionary type, a pair of field accessors by control.
macro_rules! fields {
    ($get:ident, $get_mut:ident, $dict:ty, $value:ty, { $($control:ident => $field:ident),* $(,)? }) => {
        fn $get(self, dict: &$dict) -> Option<&Option<$value>> {
            match self {
                $(Self::$control => Some(&dict.$field),)*
                #[allow(unreachable_patterns)]
                _ => None,
            }
        }

        fn $get_mut(self, dict: &mut $dict) -> Option<&mut Option<$value>> {
            match self {
                $(Self::$control => Some(&mut dict.$field),)*
                #[allow(unreachable_patterns)]
                _ => None,
            }
        }
    };
}

impl Control {
    /// Every control, in the dictionaries' member order: the order in which
    /// `OverconstrainedError` names the first failing one.
    pub const ALL: [Self; 17] = [
        Self::WhiteBalanceMode,
        Self::ExposureMode,
        Self::FocusMode,
        Self::PointsOfInterest,
        Self::ExposureCompensation,
        Self::ExposureTime,
        Self::ColorTemperature,
        Self::Iso,
        Self::Brightness,
        Self::Contrast,
        Self::Saturation,
        Self::Sharpness,
        Self::FocusDistance,
        Self::Pan,
        Self::Tilt,
        Self::Zoom,
        Self::Torch,
    ];

    /// The order in which a device's controls are written: mode switches first (a value is
    /// written in manual mode), then zoom before pan and tilt (which move within the zoomed
    /// view on many cameras), then the rest in member order.
    pub const WRITE_ORDER: [Self; 17] = [
        Self::WhiteBalanceMode,
        Self::ExposureMode,
        Self::FocusMode,
        Self::Zoom,
        Self::Pan,
        Self::Tilt,
        Self::PointsOfInterest,
        Self::ExposureCompensation,
        Self::ExposureTime,
        Self::ColorTemperature,
        Self::Iso,
        Self::Brightness,
        Self::Contrast,
        Self::Saturation,
        Self::Sharpness,
        Self::FocusDistance,
        Self::Torch,
    ];

    /// The JavaScript name: `"whiteBalanceMode"`, …, `"torch"`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::WhiteBalanceMode => "whiteBalanceMode",
            Self::ExposureMode => "exposureMode",
            Self::FocusMode => "focusMode",
            Self::PointsOfInterest => "pointsOfInterest",
            Self::ExposureCompensation => "exposureCompensation",
            Self::ExposureTime => "exposureTime",
            Self::ColorTemperature => "colorTemperature",
            Self::Iso => "iso",
            Self::Brightness => "brightness",
            Self::Contrast => "contrast",
            Self::Saturation => "saturation",
            Self::Sharpness => "sharpness",
            Self::FocusDistance => "focusDistance",
            Self::Pan => "pan",
            Self::Tilt => "tilt",
            Self::Zoom => "zoom",
            Self::Torch => "torch",
        }
    }

    /// The control of a JavaScript name; `None` for any other name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.name() == name)
    }

    /// What sort of values it takes.
    pub const fn kind(self) -> ControlKind {
        match self {
            Self::WhiteBalanceMode | Self::ExposureMode | Self::FocusMode => ControlKind::Mode,
            Self::PointsOfInterest => ControlKind::Points,
            Self::Torch => ControlKind::Flag,
            _ => ControlKind::Range,
        }
    }

    /// The mode that switches this value between manual and automatic: `exposureTime` →
    /// `exposureMode`, `colorTemperature` → `whiteBalanceMode`, `focusDistance` → `focusMode`.
    pub const fn mode(self) -> Option<Self> {
        match self {
            Self::ExposureTime => Some(Self::ExposureMode),
            Self::ColorTemperature => Some(Self::WhiteBalanceMode),
            Self::FocusDistance => Some(Self::FocusMode),
            _ => None,
        }
    }

    fields!(range_field, range_field_mut, MediaTrackCapabilities, MediaSettingsRange, {
        ExposureCompensation => exposure_compensation,
        ExposureTime => exposure_time,
        ColorTemperature => color_temperature,
        Iso => iso,
        Brightness => brightness,
        Contrast => contrast,
        Saturation => saturation,
        Sharpness => sharpness,
        FocusDistance => focus_distance,
        Pan => pan,
        Tilt => tilt,
        Zoom => zoom,
    });

    fields!(number_field, number_field_mut, MediaTrackSettings, f64, {
        ExposureCompensation => exposure_compensation,
        ExposureTime => exposure_time,
        ColorTemperature => color_temperature,
        Iso => iso,
        Brightness => brightness,
        Contrast => contrast,
        Saturation => saturation,
        Sharpness => sharpness,
        FocusDistance => focus_distance,
        Pan => pan,
        Tilt => tilt,
        Zoom => zoom,
    });

    fields!(modes_field, modes_field_mut, MediaTrackCapabilities, Vec<MeteringMode>, {
        WhiteBalanceMode => white_balance_mode,
        ExposureMode => exposure_mode,
        FocusMode => focus_mode,
    });

    fields!(mode_field, mode_field_mut, MediaTrackSettings, MeteringMode, {
        WhiteBalanceMode => white_balance_mode,
        ExposureMode => exposure_mode,
        FocusMode => focus_mode,
    });

    fields!(supported_field, supported_field_mut, MediaTrackSupportedConstraints, bool, {
        WhiteBalanceMode => white_balance_mode,
        ExposureMode => exposure_mode,
        FocusMode => focus_mode,
        PointsOfInterest => points_of_interest,
        ExposureCompensation => exposure_compensation,
        ExposureTime => exposure_time,
        ColorTemperature => color_temperature,
        Iso => iso,
        Brightness => brightness,
        Contrast => contrast,
        Saturation => saturation,
        Sharpness => sharpness,
        FocusDistance => focus_distance,
        Pan => pan,
        Tilt => tilt,
        Zoom => zoom,
        Torch => torch,
    });

    /// This control's capability in `capabilities`, if there.
    pub fn capability_in(self, capabilities: &MediaTrackCapabilities) -> Option<ControlCapability> {
        match self.kind() {
            ControlKind::Mode => self
                .modes_field(capabilities)
                .and_then(Option::clone)
                .map(ControlCapability::Modes),
            ControlKind::Range => self
                .range_field(capabilities)
                .and_then(|r| *r)
                .map(ControlCapability::Range),
            ControlKind::Flag => capabilities.torch.clone().map(ControlCapability::Flags),
            ControlKind::Points => None,
        }
    }

    /// Sets (or with `None` removes) this control's capability in `capabilities`. A capability
    /// of the wrong kind for the control is ignored.
    pub fn set_capability_in(
        self,
        capabilities: &mut MediaTrackCapabilities,
        capability: Option<ControlCapability>,
    ) {
        match (self.kind(), capability) {
            (ControlKind::Mode, modes) => {
                if let Some(field) = self.modes_field_mut(capabilities) {
                    *field = modes.and_then(|c| match c {
                        ControlCapability::Modes(m) => Some(m),
                        _ => None,
                    });
                }
            }
            (ControlKind::Range, range) => {
                if let Some(field) = self.range_field_mut(capabilities) {
                    *field = range.and_then(|c| match c {
                        ControlCapability::Range(r) => Some(r),
                        _ => None,
                    });
                }
            }
            (ControlKind::Flag, flags) => {
                capabilities.torch = flags.and_then(|c| match c {
                    ControlCapability::Flags(f) => Some(f),
                    _ => None,
                });
            }
            (ControlKind::Points, _) => {}
        }
    }

    /// This control's value in `settings`, if there (a non-finite number counts as absent).
    pub fn value_in(self, settings: &MediaTrackSettings) -> Option<ControlValue> {
        match self.kind() {
            ControlKind::Mode => self
                .mode_field(settings)
                .and_then(|m| *m)
                .map(ControlValue::Mode),
            ControlKind::Range => self
                .number_field(settings)
                .and_then(|v| *v)
                .filter(|v| v.is_finite())
                .map(ControlValue::Number),
            ControlKind::Flag => settings.torch.map(ControlValue::Flag),
            ControlKind::Points => settings
                .points_of_interest
                .clone()
                .map(ControlValue::Points),
        }
    }

    /// Sets (or with `None` removes) this control's value in `settings`. A value of the wrong
    /// kind for the control is ignored.
    pub fn set_value_in(self, settings: &mut MediaTrackSettings, value: Option<ControlValue>) {
        match self.kind() {
            ControlKind::Mode => {
                if let Some(field) = self.mode_field_mut(settings) {
                    *field = value.and_then(|v| match v {
                        ControlValue::Mode(m) => Some(m),
                        _ => None,
                    });
                }
            }
            ControlKind::Range => {
                if let Some(field) = self.number_field_mut(settings) {
                    *field = value.and_then(|v| match v {
                        ControlValue::Number(n) => Some(n),
                        _ => None,
                    });
                }
            }
            ControlKind::Flag => {
                settings.torch = value.and_then(|v| match v {
                    ControlValue::Flag(b) => Some(b),
                    _ => None,
                });
            }
            ControlKind::Points => {
                settings.points_of_interest = value.and_then(|v| match v {
                    ControlValue::Points(p) => Some(p),
                    _ => None,
                });
            }
        }
    }

    /// Whether `supported` lists this control.
    pub fn is_supported_in(self, supported: &MediaTrackSupportedConstraints) -> bool {
        self.supported_field(supported)
            .is_some_and(|s| *s == Some(true))
    }

    /// Marks this control as supported (or, with `false`, not listed) in `supported`.
    pub fn set_supported_in(self, supported: &mut MediaTrackSupportedConstraints, on: bool) {
        if let Some(field) = self.supported_field_mut(supported) {
            *field = on.then_some(true);
        }
    }

    /// Puts `constraint` on this control in `set` (replacing any). A constraint of the wrong
    /// kind for the control is ignored.
    pub fn constrain_in(self, set: &mut MediaTrackConstraintSet, constraint: ControlConstraint) {
        use ControlConstraint as C;
        let ptz = |c: C| match c {
            C::Number(n) => Some(BoolOrConstrainDouble::Constrain(n)),
            C::Presence(b) => Some(BoolOrConstrainDouble::Bool(b)),
            _ => None,
        };
        let number = |c: C| match c {
            C::Number(n) => Some(n),
            _ => None,
        };
        let mode = |c: C| match c {
            C::Mode(m) => Some(m),
            _ => None,
        };
        match self {
            Self::WhiteBalanceMode => set.white_balance_mode = mode(constraint),
            Self::ExposureMode => set.exposure_mode = mode(constraint),
            Self::FocusMode => set.focus_mode = mode(constraint),
            Self::PointsOfInterest => {
                set.points_of_interest = match constraint {
                    C::Points(p) => Some(p),
                    _ => None,
                }
            }
            Self::ExposureCompensation => set.exposure_compensation = number(constraint),
            Self::ExposureTime => set.exposure_time = number(constraint),
            Self::ColorTemperature => set.color_temperature = number(constraint),
            Self::Iso => set.iso = number(constraint),
            Self::Brightness => set.brightness = number(constraint),
            Self::Contrast => set.contrast = number(constraint),
            Self::Saturation => set.saturation = number(constraint),
            Self::Sharpness => set.sharpness = number(constraint),
            Self::FocusDistance => set.focus_distance = number(constraint),
            Self::Pan => set.pan = ptz(constraint),
            Self::Tilt => set.tilt = ptz(constraint),
            Self::Zoom => set.zoom = ptz(constraint),
            Self::Torch => {
                set.torch = match constraint {
                    C::Flag(f) => Some(f),
                    _ => None,
                }
            }
        }
    }

    /// A constraint set with `constraint` on this control alone.
    pub fn constraint_set(self, constraint: ControlConstraint) -> MediaTrackConstraintSet {
        let mut set = MediaTrackConstraintSet::default();
        self.constrain_in(&mut set, constraint);
        set
    }

    /// Removes this control's constraint from `set`.
    fn clear_in(self, set: &mut MediaTrackConstraintSet) {
        match self {
            Self::WhiteBalanceMode => set.white_balance_mode = None,
            Self::ExposureMode => set.exposure_mode = None,
            Self::FocusMode => set.focus_mode = None,
            Self::PointsOfInterest => set.points_of_interest = None,
            Self::ExposureCompensation => set.exposure_compensation = None,
            Self::ExposureTime => set.exposure_time = None,
            Self::ColorTemperature => set.color_temperature = None,
            Self::Iso => set.iso = None,
            Self::Brightness => set.brightness = None,
            Self::Contrast => set.contrast = None,
            Self::Saturation => set.saturation = None,
            Self::Sharpness => set.sharpness = None,
            Self::FocusDistance => set.focus_distance = None,
            Self::Pan => set.pan = None,
            Self::Tilt => set.tilt = None,
            Self::Zoom => set.zoom = None,
            Self::Torch => set.torch = None,
        }
    }

    /// This control's constraint in `set`, normalised; `advanced` says whether the set is an
    /// advanced one (where bare values are `exact`).
    fn asked_in(self, set: &MediaTrackConstraintSet, advanced: bool) -> Option<Asked<'_>> {
        let number = |c: &ConstrainNumber<f64>| number(c, advanced);
        let ptz = |c: &BoolOrConstrainDouble| ptz(c, advanced);
        match self {
            Self::WhiteBalanceMode => set.white_balance_mode.as_ref().map(|c| text(c, advanced)),
            Self::ExposureMode => set.exposure_mode.as_ref().map(|c| text(c, advanced)),
            Self::FocusMode => set.focus_mode.as_ref().map(|c| text(c, advanced)),
            Self::PointsOfInterest => set.points_of_interest.as_ref().map(|c| points(c, advanced)),
            Self::ExposureCompensation => set.exposure_compensation.as_ref().map(number),
            Self::ExposureTime => set.exposure_time.as_ref().map(number),
            Self::ColorTemperature => set.color_temperature.as_ref().map(number),
            Self::Iso => set.iso.as_ref().map(number),
            Self::Brightness => set.brightness.as_ref().map(number),
            Self::Contrast => set.contrast.as_ref().map(number),
            Self::Saturation => set.saturation.as_ref().map(number),
            Self::Sharpness => set.sharpness.as_ref().map(number),
            Self::FocusDistance => set.focus_distance.as_ref().map(number),
            Self::Pan => set.pan.as_ref().map(ptz),
            Self::Tilt => set.tilt.as_ref().map(ptz),
            Self::Zoom => set.zoom.as_ref().map(ptz),
            Self::Torch => set.torch.as_ref().map(|c| flag(c, advanced)),
        }
    }
}

/// Every image-capture member of `supported` set to `true`: what a backend that maps them all
/// adds to `getSupportedConstraints()`.
pub fn all_supported(
    mut supported: MediaTrackSupportedConstraints,
) -> MediaTrackSupportedConstraints {
    for control in Control::ALL {
        control.set_supported_in(&mut supported, true);
    }
    supported
}

/// The image-capture members of `settings` alone.
pub fn controls_of(settings: &MediaTrackSettings) -> MediaTrackSettings {
    let mut out = MediaTrackSettings::default();
    for control in Control::ALL {
        control.set_value_in(&mut out, control.value_in(settings));
    }
    out
}

/// `constraints` without their image-capture members (in the basic set and every advanced
/// set): what the formats of a camera are selected by.
pub fn without_controls(constraints: &MediaTrackConstraints) -> MediaTrackConstraints {
    let strip = |set: &MediaTrackConstraintSet| {
        let mut set = set.clone();
        for control in Control::ALL {
            control.clear_in(&mut set);
        }
        set
    };
    MediaTrackConstraints {
        basic: strip(&constraints.basic),
        advanced: constraints
            .advanced
            .as_ref()
            .map(|sets| sets.iter().map(strip).collect()),
    }
}

/// The controls whose values differ between `current` and `new`, with their new values, in
/// [`Control::WRITE_ORDER`]: what a backend writes to the device. Members absent from `new`
/// are left alone.
pub fn changes(
    current: &MediaTrackSettings,
    new: &MediaTrackSettings,
) -> Vec<(Control, ControlValue)> {
    Control::WRITE_ORDER
        .into_iter()
        .filter_map(|control| {
            let value = control.value_in(new)?;
            (control.value_in(current).as_ref() != Some(&value)).then_some((control, value))
        })
        .collect()
}

// ---- Normalised constraints --------------------------------------------------------------------

/// The points `asked` for (`exact`, else `ideal`, else the bare list), clamped to `[0, 1]`;
/// `None` for a constraint on anything else.
fn points_of(asked: &Asked<'_>) -> Option<Vec<Point2D>> {
    let Asked::Points { exact, ideal } = asked else {
        return None;
    };
    Some(
        exact
            .or(*ideal)
            .unwrap_or_default()
            .iter()
            .map(|p| Point2D {
                x: unit(p.x),
                y: unit(p.y),
            })
            .collect(),
    )
}
/// `v` clamped to `[0, 1]` (NaN to 0; validation rejects it before this anyway).
fn unit(v: f64) -> f64 {
    if v.is_nan() { 0.0 } else { v.clamp(0.0, 1.0) }
}

// ---- Feasible sets -------------------------------------------------------------------------------

/// The values a control may still take.
#[derive(Debug, Clone, PartialEq)]
enum Feasible {
    /// The camera has no such control.
    Absent,
    /// A part of the capability's range, its ends on the range's step grid.
    Range(MediaSettingsRange),
    /// Modes, in the capability's order.
    Modes(Vec<MeteringMode>),
    /// Booleans, in the capability's order.
    Flags(Vec<bool>),
    /// `pointsOfInterest`: anything.
    Points,
}

impl Feasible {
    fn of(control: Control, capabilities: &MediaTrackCapabilities) -> Self {
        match control.capability_in(capabilities) {
            _ if control.kind() == ControlKind::Points => Self::Points,
            Some(ControlCapability::Range(r)) => Self::Range(r),
            Some(ControlCapability::Modes(m)) => Self::Modes(m),
            Some(ControlCapability::Flags(f)) => Self::Flags(f),
            None => Self::Absent,
        }
    }

    /// What is left for a message: `"manual", "continuous"`.
    fn describe(&self) -> String {
        match self {
            Self::Modes(m) => quoted(m.iter().map(|m| m.as_str())),
            Self::Flags(f) => f.iter().map(bool::to_string).collect::<Vec<_>>().join(", "),
            _ => String::new(),
        }
    }

    /// This set narrowed by `asked`'s required part, or the error naming `control`.
    fn narrowed(&self, control: Control, asked: &Asked<'_>, current: Option<f64>) -> Result<Self> {
        let name = control.name();
        let fail = |offered: String| {
            Error::overconstrained(
                name,
                format!("{name}: {} is not possible; {offered}", asked.describe()),
            )
        };
        if let Asked::Presence { wanted, required } = asked {
            let exists = !matches!(self, Self::Absent);
            return if *required && *wanted != exists {
                let offered = if exists {
                    format!("the camera has {name}")
                } else {
                    format!("the camera has no {name}")
                };
                Err(fail(offered))
            } else {
                Ok(self.clone())
            };
        }
        if !asked.is_required() {
            return Ok(self.clone());
        }
        match (self, asked) {
            (Self::Absent, _) => Err(fail(format!("the camera has no {name}"))),
            (Self::Range(range), Asked::Number(r)) => {
                narrowed_range(name, r, range, current.unwrap_or(f64::NAN)).map(Self::Range)
            }
            (
                Self::Modes(modes),
                Asked::Text {
                    exact: Some(list), ..
                },
            ) => {
                let kept: Vec<MeteringMode> = modes
                    .iter()
                    .copied()
                    .filter(|m| list.iter().any(|s| s == m.as_str()))
                    .collect();
                if kept.is_empty() {
                    Err(fail(format!("the camera offers {}", self.describe())))
                } else {
                    Ok(Self::Modes(kept))
                }
            }
            (Self::Flags(flags), Asked::Flag { exact: Some(e), .. }) => {
                if flags.contains(e) {
                    Ok(Self::Flags(vec![*e]))
                } else {
                    Err(fail(format!("the camera offers {}", self.describe())))
                }
            }
            _ => Ok(self.clone()),
        }
    }
}

/// `range` narrowed to the part `r`'s `exact`, `min` and `max` allow, its ends on the grid.
fn narrowed_range(
    name: &'static str,
    r: &NumberRange<f64>,
    range: &MediaSettingsRange,
    current: f64,
) -> Result<MediaSettingsRange> {
    let required = NumberRange { ideal: None, ..*r };
    let with_ideal = |ideal: Option<f64>| ConstrainNumber::Range(NumberRange { ideal, ..required });
    if required.exact.is_some() {
        let v = resolve_in_range(name, &with_ideal(None), range, current, false)?;
        return Ok(MediaSettingsRange {
            min: Some(v),
            max: Some(v),
            step: range.step,
        });
    }
    // The lowest and the highest allowed grid points.
    let lo = resolve_in_range(
        name,
        &with_ideal(Some(range.min.unwrap_or(f64::MIN))),
        range,
        current,
        false,
    )?;
    let hi = resolve_in_range(
        name,
        &with_ideal(Some(range.max.unwrap_or(f64::MAX))),
        range,
        current,
        false,
    )?;
    Ok(MediaSettingsRange {
        min: Some(lo),
        max: Some(hi),
        step: range.step,
    })
}

// ---- The resolver ----------------------------------------------------------------------------------

/// What the basic set prefers for one control.
#[derive(Debug, Clone, PartialEq)]
enum Ideal {
    Number(f64),
    /// In the list's order; names that are no mode are dropped (they can never match).
    Modes(Vec<MeteringMode>),
    Flag(bool),
}

impl Ideal {
    fn of(asked: &Asked<'_>) -> Option<Self> {
        match asked {
            Asked::Number(r) => r.ideal.map(Self::Number),
            Asked::Flag { ideal, .. } => ideal.map(Self::Flag),
            Asked::Text { ideal, .. } => {
                ideal.map(|list| Self::Modes(list.iter().filter_map(|s| parse_mode(s)).collect()))
            }
            Asked::Presence { .. } | Asked::Points { .. } => None,
        }
    }
}

/// The metering mode spelled `s`.
fn parse_mode(s: &str) -> Option<MeteringMode> {
    [
        MeteringMode::None,
        MeteringMode::Manual,
        MeteringMode::SingleShot,
        MeteringMode::Continuous,
    ]
    .into_iter()
    .find(|m| m.as_str() == s)
}

/// One control's state while the constraint sets are applied.
#[derive(Debug, Clone)]
struct Slot {
    control: Control,
    feasible: Feasible,
    /// What the basic set prefers.
    ideal: Option<Ideal>,
    /// Whether an applied set constrains the value.
    constrained: bool,
    /// The points of the last applied set that has them.
    points: Option<Vec<Point2D>>,
}

/// One control after one constraint set.
#[derive(Debug, Clone)]
struct Step {
    index: usize,
    feasible: Feasible,
    constrains: bool,
    ideal: Option<Ideal>,
    points: Option<Vec<Point2D>>,
}

/// Applies constraint sets to a track's controls one after the other.
#[derive(Debug, Clone)]
struct Resolver<'a> {
    current: &'a MediaTrackSettings,
    slots: Vec<Slot>,
}

impl<'a> Resolver<'a> {
    fn new(capabilities: &MediaTrackCapabilities, current: &'a MediaTrackSettings) -> Self {
        Self {
            current,
            slots: Control::ALL
                .into_iter()
                .map(|control| Slot {
                    control,
                    feasible: Feasible::of(control, capabilities),
                    ideal: None,
                    constrained: false,
                    points: None,
                })
                .collect(),
        }
    }

    fn current_number(&self, control: Control) -> Option<f64> {
        match control.value_in(self.current) {
            Some(ControlValue::Number(v)) => Some(v),
            _ => None,
        }
    }

    /// The controls `set` names, narrowed by it; the first failure otherwise.
    fn steps(&self, set: &MediaTrackConstraintSet, advanced: bool) -> Result<Vec<Step>> {
        let mut out = Vec::new();
        for (index, slot) in self.slots.iter().enumerate() {
            let Some(asked) = slot.control.asked_in(set, advanced) else {
                continue;
            };
            let feasible =
                slot.feasible
                    .narrowed(slot.control, &asked, self.current_number(slot.control))?;
            out.push(Step {
                index,
                feasible,
                constrains: asked.constrains_value(),
                ideal: Ideal::of(&asked),
                points: points_of(&asked),
            });
        }
        Ok(out)
    }

    fn commit(&mut self, steps: Vec<Step>, basic: bool) {
        for step in steps {
            if let Some(slot) = self.slots.get_mut(step.index) {
                slot.feasible = step.feasible;
                slot.constrained |= step.constrains;
                if step.points.is_some() {
                    slot.points = step.points;
                }
                if basic {
                    slot.ideal = step.ideal;
                }
            }
        }
    }

    /// Applies the basic set: every required part must hold.
    fn basic(&mut self, set: &MediaTrackConstraintSet) -> Result<()> {
        let steps = self.steps(set, false)?;
        self.commit(steps, true);
        Ok(())
    }

    /// Applies an advanced set when all of it can hold; says whether it did.
    fn advanced(&mut self, set: &MediaTrackConstraintSet) -> bool {
        match self.steps(set, true) {
            Ok(steps) => {
                self.commit(steps, false);
                true
            }
            Err(_) => false,
        }
    }

    /// The settings chosen: every control the camera has (and `pointsOfInterest` where the
    /// track has it), image-capture members only.
    fn finish(&self) -> MediaTrackSettings {
        let mut out = MediaTrackSettings::default();
        for slot in &self.slots {
            slot.control.set_value_in(&mut out, self.choose(slot));
        }
        // A value with a mode: constraining the value alone switches to manual; a value whose
        // mode is not manual stays as the device has it.
        for slot in &self.slots {
            let Some(mode) = slot.control.mode() else {
                continue;
            };
            let Some(mode_slot) = self.slots.iter().find(|s| s.control == mode) else {
                continue;
            };
            if slot.constrained && !mode_slot.constrained {
                if let Feasible::Modes(modes) = &mode_slot.feasible {
                    if modes.contains(&MeteringMode::Manual) {
                        mode.set_value_in(&mut out, Some(ControlValue::Mode(MeteringMode::Manual)));
                    }
                }
            }
            let manual = matches!(
                mode.value_in(&out),
                None | Some(ControlValue::Mode(MeteringMode::Manual))
            );
            if !manual {
                if let Some(current) = slot.control.value_in(self.current) {
                    slot.control.set_value_in(&mut out, Some(current));
                }
            }
        }
        out
    }

    /// One control's final value.
    fn choose(&self, slot: &Slot) -> Option<ControlValue> {
        let current = slot.control.value_in(self.current);
        match &slot.feasible {
            Feasible::Absent => None,
            Feasible::Points => {
                // Only on a track that has the member.
                current.as_ref()?;
                slot.points.clone().map(ControlValue::Points).or(current)
            }
            // Unconstrained: as it is (a device's reading is never "corrected").
            _ if !slot.constrained && current.is_some() => current,
            Feasible::Range(range) => {
                let ideal = match slot.ideal {
                    Some(Ideal::Number(v)) => Some(v),
                    _ => None,
                };
                let c = ConstrainNumber::Range(NumberRange {
                    ideal,
                    ..NumberRange::default()
                });
                let now = match current {
                    Some(ControlValue::Number(v)) => v,
                    _ => f64::NAN,
                };
                resolve_in_range(slot.control.name(), &c, range, now, false)
                    .ok()
                    .or(range.min)
                    .map(ControlValue::Number)
            }
            Feasible::Modes(modes) => {
                let now = match current {
                    Some(ControlValue::Mode(m)) => Some(m),
                    _ => None,
                };
                let preferred: Vec<MeteringMode> = match &slot.ideal {
                    Some(Ideal::Modes(list)) => {
                        list.iter().copied().filter(|m| modes.contains(m)).collect()
                    }
                    _ => Vec::new(),
                };
                let pick = if preferred.is_empty() {
                    now.filter(|m| modes.contains(m))
                        .or_else(|| modes.first().copied())
                } else {
                    now.filter(|m| preferred.contains(m))
                        .or_else(|| preferred.first().copied())
                };
                pick.map(ControlValue::Mode)
            }
            Feasible::Flags(flags) => {
                let now = match current {
                    Some(ControlValue::Flag(b)) => Some(b),
                    _ => None,
                };
                let wanted = match slot.ideal {
                    Some(Ideal::Flag(b)) if flags.contains(&b) => Some(b),
                    _ => None,
                };
                wanted
                    .or_else(|| now.filter(|b| flags.contains(b)))
                    .or_else(|| flags.first().copied())
                    .map(ControlValue::Flag)
            }
        }
    }
}

// ---- The public algorithm ----------------------------------------------------------------------

/// The image-capture settings `constraints` ask for, on a track with these `capabilities` and
/// `current` settings: every control the capabilities list, with its new value (changed or
/// not), and `pointsOfInterest` when `current` has the member. Other members of the
/// constraints are ignored: an `advanced` set is judged by its image-capture members alone.
/// See the [module documentation](self) for the rules.
///
/// Nothing is applied: the caller writes [`changes`] to the device, or nothing on error.
///
/// # Errors
/// - `TypeError` for a non-finite number anywhere ([`validate_constraints`]).
/// - `OverconstrainedError` naming the first image-capture member of the basic set whose
///   required part cannot hold (the camera lacks the control; the value is outside the range,
///   off its step grid, or `min` > `max`; the mode or torch state is not offered).
pub fn resolve_controls(
    constraints: &MediaTrackConstraints,
    capabilities: &MediaTrackCapabilities,
    current: &MediaTrackSettings,
) -> Result<MediaTrackSettings> {
    validate_constraints(constraints)?;
    let mut resolver = Resolver::new(capabilities, current);
    resolver.basic(&constraints.basic)?;
    for set in constraints.advanced.iter().flatten() {
        resolver.advanced(set);
    }
    Ok(resolver.finish())
}

/// *SelectSettings* over a camera's formats and controls together: the index of the format
/// among `candidates` (as [`select_settings_with`], which sees the constraints
/// [`without_controls`]) and the image-capture settings (as [`resolve_controls`]). An `advanced`
/// set is kept only when both its format members and its control members can hold.
///
/// # Errors
/// - `TypeError` for a non-finite number anywhere.
/// - `OverconstrainedError` for the first failing member of the basic set: the format members
///   come first in member order, so a format failure is reported before a control one.
/// - `NotFoundError` with no candidates and nothing required, as [`select_settings_with`].
pub fn select_settings_and_controls(
    candidates: &[MediaTrackSettings],
    capabilities: &MediaTrackCapabilities,
    current: &MediaTrackSettings,
    constraints: &MediaTrackConstraints,
) -> Result<(usize, MediaTrackSettings)> {
    validate_constraints(constraints)?;
    let mut resolver = Resolver::new(capabilities, current);
    let basic = resolver.basic(&constraints.basic);
    let advanced = constraints.advanced.as_deref().unwrap_or_default();
    let index = select_settings_with(candidates, &without_controls(constraints), |i| {
        basic.is_ok() && advanced.get(i).is_some_and(|set| resolver.advanced(set))
    })?;
    basic?;
    Ok((index, resolver.finish()))
}

pub mod digital;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorName;
    use crate::track::{DoubleRange, ULongRange};

    fn parse(json: &str) -> MediaTrackConstraints {
        serde_json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"))
    }

    const BOTH: [MeteringMode; 2] = [MeteringMode::Manual, MeteringMode::Continuous];

    /// A camera with every control, like the fake camera's full set, in the spec's units.
    fn capabilities() -> MediaTrackCapabilities {
        MediaTrackCapabilities {
            white_balance_mode: Some(BOTH.to_vec()),
            exposure_mode: Some(BOTH.to_vec()),
            focus_mode: Some(BOTH.to_vec()),
            exposure_compensation: Some(MediaSettingsRange::new(-3.0, 3.0, 0.5)),
            exposure_time: Some(MediaSettingsRange::new(3.0, 2047.0, 1.0)),
            color_temperature: Some(MediaSettingsRange::new(2000.0, 6500.0, 1.0)),
            iso: Some(MediaSettingsRange::new(100.0, 1600.0, 100.0)),
            brightness: Some(MediaSettingsRange::new(0.0, 255.0, 1.0)),
            contrast: Some(MediaSettingsRange::new(0.0, 255.0, 1.0)),
            saturation: Some(MediaSettingsRange::new(0.0, 255.0, 1.0)),
            sharpness: Some(MediaSettingsRange::new(0.0, 255.0, 1.0)),
            focus_distance: Some(MediaSettingsRange::new(0.0, 250.0, 5.0)),
            pan: Some(MediaSettingsRange::new(-36000.0, 36000.0, 3600.0)),
            tilt: Some(MediaSettingsRange::new(-36000.0, 36000.0, 3600.0)),
            zoom: Some(MediaSettingsRange::new(1.0, 5.0, 0.01)),
            torch: Some(vec![false, true]),
            ..MediaTrackCapabilities::default()
        }
    }

    fn current() -> MediaTrackSettings {
        MediaTrackSettings {
            white_balance_mode: Some(MeteringMode::Continuous),
            exposure_mode: Some(MeteringMode::Continuous),
            focus_mode: Some(MeteringMode::Continuous),
            exposure_compensation: Some(0.0),
            exposure_time: Some(250.0),
            color_temperature: Some(4000.0),
            iso: Some(100.0),
            brightness: Some(128.0),
            contrast: Some(128.0),
            saturation: Some(128.0),
            sharpness: Some(128.0),
            focus_distance: Some(0.0),
            pan: Some(0.0),
            tilt: Some(0.0),
            zoom: Some(1.0),
            torch: Some(false),
            ..MediaTrackSettings::default()
        }
    }

    /// A camera with brightness only.
    fn plain() -> (MediaTrackCapabilities, MediaTrackSettings) {
        (
            MediaTrackCapabilities {
                brightness: Some(MediaSettingsRange::new(0.0, 255.0, 1.0)),
                ..MediaTrackCapabilities::default()
            },
            MediaTrackSettings {
                brightness: Some(128.0),
                ..MediaTrackSettings::default()
            },
        )
    }

    fn resolve(json: &str) -> Result<MediaTrackSettings> {
        resolve_controls(&parse(json), &capabilities(), &current())
    }

    fn ok(json: &str) -> MediaTrackSettings {
        resolve(json).unwrap_or_else(|e| panic!("{json}: {e}"))
    }

    #[track_caller]
    fn overconstrained(json: &str, name: &str) -> Error {
        let e = resolve(json).expect_err(json);
        assert_eq!(e.name(), ErrorName::Overconstrained, "{json}: {e}");
        assert_eq!(e.constraint(), Some(name), "{json}: {e}");
        e
    }

    #[track_caller]
    fn close(actual: Option<f64>, expected: f64) {
        let actual = actual.unwrap_or(f64::NAN);
        assert!((actual - expected).abs() < 1e-9, "{actual} ≠ {expected}");
    }

    #[test]
    fn no_constraints_keep_every_control_as_it_is() {
        for json in ["{}", r#"{"advanced": []}"#, r#"{"advanced": [{}]}"#] {
            assert_eq!(ok(json), current(), "{json}");
        }
        assert!(changes(&current(), &ok("{}")).is_empty());
    }

    #[test]
    fn a_bare_value_in_the_basic_set_is_ideal_clamped_and_snapped() {
        close(ok(r#"{"zoom": 2}"#).zoom, 2.0);
        close(ok(r#"{"zoom": 7}"#).zoom, 5.0);
        close(ok(r#"{"zoom": 0.2}"#).zoom, 1.0);
        close(ok(r#"{"zoom": 2.004}"#).zoom, 2.0);
        close(ok(r#"{"brightness": 300}"#).brightness, 255.0);
        close(ok(r#"{"brightness": -5}"#).brightness, 0.0);
        close(ok(r#"{"focusDistance": 12}"#).focus_distance, 10.0);
        close(ok(r#"{"focusDistance": 13}"#).focus_distance, 15.0);
        close(ok(r#"{"pan": 5000}"#).pan, 3600.0);
        close(ok(r#"{"tilt": {"ideal": -99999}}"#).tilt, -36000.0);
        // The other controls stay.
        let s = ok(r#"{"zoom": 2}"#);
        assert_eq!(s.brightness, Some(128.0));
        assert_eq!(s.torch, Some(false));
    }

    #[test]
    fn ideal_is_clamped_into_min_and_max_before_snapping() {
        close(
            ok(r#"{"zoom": {"min": 1.5, "max": 3, "ideal": 4}}"#).zoom,
            3.0,
        );
        close(ok(r#"{"zoom": {"min": 1.503, "ideal": 1}}"#).zoom, 1.51);
        close(
            ok(r#"{"exposureCompensation": 1.3}"#).exposure_compensation,
            1.5,
        );
        close(ok(r#"{"iso": 260}"#).iso, 300.0);
    }

    #[test]
    fn exact_in_range_is_applied_and_out_of_range_is_overconstrained() {
        close(ok(r#"{"zoom": {"exact": 2.5}}"#).zoom, 2.5);
        close(ok(r#"{"brightness": {"exact": 0}}"#).brightness, 0.0);
        close(ok(r#"{"pan": {"exact": -36000}}"#).pan, -36000.0);
        let e = overconstrained(r#"{"zoom": {"exact": 9}}"#, "zoom");
        assert_eq!(
            e.message(),
            "zoom: exact 9 is not possible; the camera offers 1–5 in steps of 0.01"
        );
        overconstrained(r#"{"brightness": {"exact": 256}}"#, "brightness");
        overconstrained(r#"{"brightness": {"exact": -1}}"#, "brightness");
        overconstrained(r#"{"exposureTime": {"exact": 1e12}}"#, "exposureTime");
        // Off the step grid.
        overconstrained(r#"{"focusDistance": {"exact": 12}}"#, "focusDistance");
        overconstrained(r#"{"pan": {"exact": 100}}"#, "pan");
        // exact must also meet its own min and max.
        overconstrained(r#"{"zoom": {"exact": 2, "max": 1.5}}"#, "zoom");
    }

    #[test]
    fn min_and_max_keep_the_current_value_when_allowed() {
        close(ok(r#"{"brightness": {"min": 100}}"#).brightness, 128.0);
        close(ok(r#"{"brightness": {"min": 200}}"#).brightness, 200.0);
        close(ok(r#"{"brightness": {"max": 50}}"#).brightness, 50.0);
        close(ok(r#"{"focusDistance": {"min": 12}}"#).focus_distance, 15.0);
        overconstrained(r#"{"brightness": {"min": 300}}"#, "brightness");
        overconstrained(r#"{"brightness": {"max": -1}}"#, "brightness");
        // No grid point between min and max.
        overconstrained(
            r#"{"focusDistance": {"min": 11, "max": 14}}"#,
            "focusDistance",
        );
    }

    #[test]
    fn min_greater_than_max_is_overconstrained() {
        let e = overconstrained(r#"{"zoom": {"min": 3, "max": 2}}"#, "zoom");
        assert!(e.message().contains("min is greater than max"), "{e}");
        // Even when each alone is fine, and in an advanced set the set is skipped.
        close(
            ok(r#"{"advanced": [{"zoom": {"min": 3, "max": 2}}]}"#).zoom,
            1.0,
        );
    }

    #[test]
    fn the_first_failing_member_in_dictionary_order_is_named() {
        // exposureTime comes before zoom in MediaTrackConstraintSet, whatever the JSON order.
        overconstrained(
            r#"{"zoom": {"exact": 99}, "exposureTime": {"exact": 99999}}"#,
            "exposureTime",
        );
        overconstrained(
            r#"{"zoom": {"exact": 99}, "whiteBalanceMode": {"exact": "none"}}"#,
            "whiteBalanceMode",
        );
    }

    #[test]
    fn non_finite_numbers_anywhere_are_type_errors() {
        let bad = [f64::NAN, f64::INFINITY, f64::NEG_INFINITY];
        for value in bad {
            let forms = [
                ConstrainNumber::Value(value),
                ConstrainNumber::exact(value),
                ConstrainNumber::ideal(value),
                ConstrainNumber::between(value, 2.0),
                ConstrainNumber::between(1.0, value),
            ];
            for form in forms {
                let sets = [
                    MediaTrackConstraintSet {
                        zoom: Some(BoolOrConstrainDouble::Constrain(form)),
                        ..MediaTrackConstraintSet::default()
                    },
                    MediaTrackConstraintSet {
                        exposure_time: Some(form),
                        ..MediaTrackConstraintSet::default()
                    },
                ];
                for set in sets {
                    let basic = MediaTrackConstraints::from(set.clone());
                    let advanced = MediaTrackConstraints {
                        basic: MediaTrackConstraintSet::default(),
                        advanced: Some(vec![MediaTrackConstraintSet::default(), set]),
                    };
                    for c in [basic, advanced] {
                        let e = resolve_controls(&c, &capabilities(), &current()).unwrap_err();
                        assert_eq!(e.name(), ErrorName::Type, "{c:?}: {e}");
                    }
                }
            }
            let points = MediaTrackConstraints::from(MediaTrackConstraintSet {
                points_of_interest: Some(ConstrainPoint2D::Value(vec![Point2D {
                    x: value,
                    y: 0.5,
                }])),
                ..MediaTrackConstraintSet::default()
            });
            let e = resolve_controls(&points, &capabilities(), &current()).unwrap_err();
            assert_eq!(e.name(), ErrorName::Type);
            assert!(e.message().starts_with("pointsOfInterest"), "{e}");
        }
        // Also on a camera without the control.
        let (caps, now) = plain();
        let c = MediaTrackConstraints::from(MediaTrackConstraintSet {
            zoom: Some(BoolOrConstrainDouble::Constrain(ConstrainNumber::Value(
                f64::NAN,
            ))),
            ..MediaTrackConstraintSet::default()
        });
        assert_eq!(
            resolve_controls(&c, &caps, &now).unwrap_err().name(),
            ErrorName::Type
        );
    }

    #[test]
    fn wrong_types_do_not_parse() {
        // The JavaScript layer turns a failed conversion into a TypeError.
        for json in [
            r#"{"zoom": "2"}"#,
            r#"{"torch": "yes"}"#,
            r#"{"exposureMode": 3}"#,
            r#"{"advanced": {"zoom": 2}}"#,
            r#"{"pointsOfInterest": [{"x": "a"}]}"#,
        ] {
            assert!(
                serde_json::from_str::<MediaTrackConstraints>(json).is_err(),
                "{json} parsed"
            );
        }
    }

    #[test]
    fn unknown_members_are_ignored() {
        assert_eq!(
            ok(r#"{"fooBar": 3, "advanced": [{"nope": true}]}"#),
            current()
        );
        close(ok(r#"{"zoom": 2, "backgroundBlur": true}"#).zoom, 2.0);
    }

    #[test]
    fn advanced_sets_apply_in_order_and_an_unsatisfiable_one_is_skipped_whole() {
        // brightness 300 is exact in an advanced set, and impossible: zoom 2 goes too.
        let s = ok(r#"{"advanced": [{"zoom": 2, "brightness": 300}]}"#);
        close(s.zoom, 1.0);
        close(s.brightness, 128.0);
        // Applied in order: the second cannot hold together with the first.
        close(ok(r#"{"advanced": [{"zoom": 2}, {"zoom": 3}]}"#).zoom, 2.0);
        close(ok(r#"{"advanced": [{"zoom": 9}, {"zoom": 3}]}"#).zoom, 3.0);
        // A range narrows; the basic ideal then picks within it.
        close(
            ok(r#"{"zoom": 4, "advanced": [{"zoom": {"max": 2}}]}"#).zoom,
            2.0,
        );
        close(
            ok(r#"{"zoom": 4, "advanced": [{"zoom": {"max": 2}}, {"zoom": {"min": 3}}]}"#).zoom,
            2.0,
        );
        // An advanced set never makes the call fail.
        assert!(resolve(r#"{"advanced": [{"whiteBalanceMode": "none"}, {"zoom": 99}]}"#).is_ok());
        // A mode that is not offered skips its set.
        let s = ok(r#"{"advanced": [{"focusMode": "single-shot", "brightness": 10}]}"#);
        assert_eq!(s.focus_mode, Some(MeteringMode::Continuous));
        close(s.brightness, 128.0);
    }

    #[test]
    fn ideals_in_advanced_sets_choose_nothing() {
        close(ok(r#"{"advanced": [{"zoom": {"ideal": 3}}]}"#).zoom, 1.0);
        // But the basic ideal still does.
        close(
            ok(r#"{"zoom": 3, "advanced": [{"zoom": {"ideal": 2}}]}"#).zoom,
            3.0,
        );
    }

    #[test]
    fn the_basic_set_must_hold_before_any_advanced_set() {
        overconstrained(
            r#"{"zoom": {"exact": 9}, "advanced": [{"zoom": 2}]}"#,
            "zoom",
        );
        // An advanced set contradicting the basic set is skipped.
        close(
            ok(r#"{"zoom": {"min": 3}, "advanced": [{"zoom": 2}]}"#).zoom,
            3.0,
        );
    }

    #[test]
    fn members_the_camera_lacks_required_fail_and_ideal_are_ignored() {
        let (caps, now) = plain();
        let run = |json: &str| resolve_controls(&parse(json), &caps, &now);
        for (json, name) in [
            (r#"{"zoom": {"exact": 2}}"#, "zoom"),
            (r#"{"zoom": {"min": 1}}"#, "zoom"),
            (r#"{"torch": {"exact": true}}"#, "torch"),
            (r#"{"exposureMode": {"exact": "manual"}}"#, "exposureMode"),
            (r#"{"exposureTime": {"max": 100}}"#, "exposureTime"),
        ] {
            let e = run(json).unwrap_err();
            assert_eq!(e.constraint(), Some(name), "{json}: {e}");
            assert!(
                e.message().ends_with(&format!("the camera has no {name}")),
                "{e}"
            );
        }
        for json in [
            r#"{"zoom": 2, "torch": true, "focusMode": "manual", "pan": true}"#,
            r#"{"exposureTime": {"ideal": 100}, "tilt": false}"#,
            r#"{"advanced": [{"zoom": 2}]}"#,
        ] {
            assert_eq!(run(json), Ok(now.clone()), "{json}");
        }
        // The settings list only what the camera has.
        let s = run(r#"{"brightness": 10}"#).unwrap();
        assert_eq!(
            s,
            MediaTrackSettings {
                brightness: Some(10.0),
                ..MediaTrackSettings::default()
            }
        );
    }

    #[test]
    fn pan_tilt_zoom_true_asks_for_presence_only() {
        assert_eq!(
            ok(r#"{"pan": true, "tilt": true, "zoom": true}"#),
            current()
        );
        assert_eq!(ok(r#"{"zoom": false}"#), current());
        // In an advanced set the boolean is required: it decides whether the set is kept.
        close(
            ok(r#"{"advanced": [{"zoom": true, "brightness": 10}]}"#).brightness,
            10.0,
        );
        close(
            ok(r#"{"advanced": [{"zoom": false, "brightness": 10}]}"#).brightness,
            128.0,
        );
        let (caps, now) = plain();
        let s = resolve_controls(
            &parse(r#"{"advanced": [{"pan": true, "brightness": 10}]}"#),
            &caps,
            &now,
        )
        .unwrap();
        close(s.brightness, 128.0);
        let s = resolve_controls(
            &parse(r#"{"advanced": [{"pan": false, "brightness": 10}]}"#),
            &caps,
            &now,
        )
        .unwrap();
        close(s.brightness, 10.0);
    }

    #[test]
    fn modes_are_chosen_among_the_capability_only() {
        assert_eq!(
            ok(r#"{"exposureMode": "manual"}"#).exposure_mode,
            Some(MeteringMode::Manual)
        );
        assert_eq!(
            ok(r#"{"focusMode": {"exact": "manual"}}"#).focus_mode,
            Some(MeteringMode::Manual)
        );
        // An ideal list: the first one offered.
        assert_eq!(
            ok(r#"{"whiteBalanceMode": ["single-shot", "manual"]}"#).white_balance_mode,
            Some(MeteringMode::Manual)
        );
        // An exact list: any of them, the current one when it is among them.
        assert_eq!(
            ok(r#"{"exposureMode": {"exact": ["manual", "continuous"]}}"#).exposure_mode,
            Some(MeteringMode::Continuous)
        );
        // Ideals not offered, or no mode at all, change nothing.
        assert_eq!(ok(r#"{"focusMode": "single-shot"}"#), current());
        assert_eq!(ok(r#"{"focusMode": "sideways"}"#), current());
        let e = overconstrained(r#"{"focusMode": {"exact": "single-shot"}}"#, "focusMode");
        assert_eq!(
            e.message(),
            "focusMode: exact \"single-shot\" is not possible; the camera offers \"manual\", \"continuous\""
        );
        overconstrained(r#"{"exposureMode": {"exact": "sideways"}}"#, "exposureMode");
        overconstrained(r#"{"exposureMode": {"exact": []}}"#, "exposureMode");
        // Advanced: bare values are exact.
        assert_eq!(
            ok(r#"{"advanced": [{"exposureMode": "manual"}]}"#).exposure_mode,
            Some(MeteringMode::Manual)
        );
    }

    #[test]
    fn modes_switch_back_and_forth() {
        let mut now = current();
        for mode in ["manual", "continuous", "manual"] {
            let json = format!(r#"{{"focusMode": "{mode}"}}"#);
            now = resolve_controls(&parse(&json), &capabilities(), &now).unwrap();
            assert_eq!(now.focus_mode.map(MeteringMode::as_str), Some(mode));
        }
    }

    #[test]
    fn torch_is_chosen_among_the_capability() {
        assert_eq!(ok(r#"{"torch": true}"#).torch, Some(true));
        assert_eq!(ok(r#"{"torch": {"exact": true}}"#).torch, Some(true));
        assert_eq!(ok(r#"{"advanced": [{"torch": true}]}"#).torch, Some(true));
        let mut caps = capabilities();
        caps.torch = Some(vec![false]);
        let run = |json: &str| resolve_controls(&parse(json), &caps, &current());
        assert_eq!(run(r#"{"torch": true}"#).unwrap().torch, Some(false));
        let e = run(r#"{"torch": {"exact": true}}"#).unwrap_err();
        assert_eq!(e.constraint(), Some("torch"));
        assert!(e.message().ends_with("the camera offers false"), "{e}");
        assert_eq!(
            run(r#"{"advanced": [{"torch": true}]}"#).unwrap().torch,
            Some(false)
        );
    }

    #[test]
    fn a_value_alone_switches_its_mode_to_manual() {
        let s = ok(r#"{"exposureTime": 100}"#);
        assert_eq!(s.exposure_mode, Some(MeteringMode::Manual));
        close(s.exposure_time, 100.0);
        let s = ok(r#"{"colorTemperature": {"exact": 5000}}"#);
        assert_eq!(s.white_balance_mode, Some(MeteringMode::Manual));
        close(s.color_temperature, 5000.0);
        let s = ok(r#"{"advanced": [{"focusDistance": 50}]}"#);
        assert_eq!(s.focus_mode, Some(MeteringMode::Manual));
        close(s.focus_distance, 50.0);
        // Both given, manual: both applied.
        let s = ok(r#"{"exposureMode": "manual", "exposureTime": 100}"#);
        assert_eq!(s.exposure_mode, Some(MeteringMode::Manual));
        close(s.exposure_time, 100.0);
        // Continuous asked for: the value is the device's.
        let s = ok(r#"{"exposureMode": "continuous", "exposureTime": 100}"#);
        assert_eq!(s.exposure_mode, Some(MeteringMode::Continuous));
        close(s.exposure_time, 250.0);
        // Controls without a mode are plain.
        let s = ok(r#"{"exposureCompensation": 1}"#);
        assert_eq!(s.exposure_mode, Some(MeteringMode::Continuous));
        close(s.exposure_compensation, 1.0);
        // The value's checks still hold.
        overconstrained(
            r#"{"exposureMode": "continuous", "exposureTime": {"exact": 99999}}"#,
            "exposureTime",
        );
    }

    #[test]
    fn points_of_interest_are_clamped_and_only_where_the_track_has_them() {
        let mut now = current();
        now.points_of_interest = Some(Vec::new());
        let run = |json: &str| resolve_controls(&parse(json), &capabilities(), &now).unwrap();
        assert_eq!(
            run(r#"{"pointsOfInterest": [{"x": 1.5, "y": -0.2}, {"x": 0.25}]}"#).points_of_interest,
            Some(vec![
                Point2D { x: 1.0, y: 0.0 },
                Point2D { x: 0.25, y: 0.0 }
            ])
        );
        assert_eq!(
            run(r#"{"pointsOfInterest": {"exact": [{"x": 0.5, "y": 0.5}]}}"#).points_of_interest,
            Some(vec![Point2D { x: 0.5, y: 0.5 }])
        );
        assert_eq!(
            run(r#"{"pointsOfInterest": [{"x": 0.1, "y": 0.1}], "advanced": [{"pointsOfInterest": [{"x": 0.9, "y": 0.9}]}]}"#)
                .points_of_interest,
            Some(vec![Point2D { x: 0.9, y: 0.9 }])
        );
        assert_eq!(run("{}").points_of_interest, Some(Vec::new()));
        // A track without the member: ignored.
        assert_eq!(
            ok(r#"{"pointsOfInterest": [{"x": 0.5, "y": 0.5}]}"#),
            current()
        );
    }

    #[test]
    fn an_unconstrained_control_keeps_its_reading_even_off_the_grid() {
        let mut now = current();
        now.zoom = Some(1.005);
        let s = resolve_controls(&parse(r#"{"brightness": 3}"#), &capabilities(), &now).unwrap();
        assert_eq!(s.zoom, Some(1.005));
    }

    #[test]
    fn changes_list_what_differs_modes_first() {
        let new = ok(r#"{"zoom": 2, "exposureTime": 100, "torch": true, "pan": 3600}"#);
        let list: Vec<Control> = changes(&current(), &new)
            .into_iter()
            .map(|(c, _)| c)
            .collect();
        assert_eq!(
            list,
            [
                Control::ExposureMode,
                Control::Zoom,
                Control::Pan,
                Control::ExposureTime,
                Control::Torch
            ]
        );
        assert_eq!(
            changes(&current(), &new).first().map(|(_, v)| v.clone()),
            Some(ControlValue::Mode(MeteringMode::Manual))
        );
    }

    #[test]
    fn controls_have_their_javascript_names_and_accessors() {
        for control in Control::ALL {
            assert_eq!(Control::from_name(control.name()), Some(control));
            let mut supported = MediaTrackSupportedConstraints::default();
            assert!(!control.is_supported_in(&supported));
            control.set_supported_in(&mut supported, true);
            assert!(control.is_supported_in(&supported));
            let json = serde_json::to_value(&supported).unwrap();
            assert_eq!(
                json.get(control.name()),
                Some(&serde_json::Value::Bool(true))
            );
        }
        assert_eq!(Control::from_name("width"), None);
        let mut sorted = Control::WRITE_ORDER;
        sorted.sort();
        assert_eq!(sorted, Control::ALL);
        // Capabilities and values round-trip through the accessors.
        let caps = capabilities();
        let mut copy = MediaTrackCapabilities::default();
        for control in Control::ALL {
            control.set_capability_in(&mut copy, control.capability_in(&caps));
        }
        assert_eq!(copy, caps);
        assert_eq!(controls_of(&current()), current());
        let all = all_supported(MediaTrackSupportedConstraints::default());
        assert!(Control::ALL.iter().all(|c| c.is_supported_in(&all)));
    }

    #[test]
    fn constraints_are_built_for_any_control_in_any_form() {
        let set =
            Control::Zoom.constraint_set(ControlConstraint::exact(&ControlValue::Number(2.0)));
        assert_eq!(
            serde_json::to_string(&set).unwrap(),
            r#"{"zoom":{"exact":2.0}}"#
        );
        let mode = ControlValue::Mode(MeteringMode::Manual);
        let mut set = Control::FocusMode.constraint_set(ControlConstraint::bare(&mode));
        Control::Torch.constrain_in(
            &mut set,
            ControlConstraint::ideal(&ControlValue::Flag(true)),
        );
        Control::Pan.constrain_in(&mut set, ControlConstraint::Presence(true));
        // The wrong kind: nothing.
        Control::Brightness.constrain_in(&mut set, ControlConstraint::Presence(true));
        assert_eq!(
            serde_json::to_string(&set).unwrap(),
            r#"{"focusMode":"manual","pan":true,"torch":{"ideal":true}}"#
        );
        let points = ControlValue::Points(vec![Point2D { x: 0.5, y: 0.5 }]);
        let set = Control::PointsOfInterest.constraint_set(ControlConstraint::exact(&points));
        assert_eq!(
            serde_json::to_string(&set).unwrap(),
            r#"{"pointsOfInterest":{"exact":[{"x":0.5,"y":0.5}]}}"#
        );
    }

    #[test]
    fn without_controls_keeps_the_format_members() {
        let c = parse(r#"{"width": 640, "zoom": 2, "advanced": [{"height": 480, "torch": true}]}"#);
        let stripped = without_controls(&c);
        assert_eq!(stripped.basic.width, c.basic.width);
        assert_eq!(stripped.basic.zoom, None);
        let advanced = stripped.advanced.unwrap();
        assert_eq!(advanced[0].height, Some(ConstrainNumber::Value(480)));
        assert_eq!(advanced[0].torch, None);
    }

    // ---- formats and controls together ----

    fn format(width: u32, height: u32) -> MediaTrackSettings {
        MediaTrackSettings {
            width: Some(width),
            height: Some(height),
            frame_rate: Some(30.0),
            ..MediaTrackSettings::default()
        }
    }

    fn select(json: &str) -> Result<(u32, MediaTrackSettings)> {
        let candidates = [format(640, 480), format(1280, 720)];
        select_settings_and_controls(&candidates, &capabilities(), &current(), &parse(json))
            .map(|(i, s)| (candidates[i].width.unwrap_or(0), s))
    }

    #[test]
    fn an_advanced_set_mixing_formats_and_controls_is_kept_or_skipped_whole() {
        let (w, s) = select(r#"{"width": 640, "advanced": [{"width": 1280, "zoom": 2}]}"#).unwrap();
        assert_eq!(w, 1280);
        close(s.zoom, 2.0);
        // The control part fails: the format part is not applied either.
        let (w, s) = select(r#"{"width": 640, "advanced": [{"width": 1280, "zoom": 9}]}"#).unwrap();
        assert_eq!(w, 640);
        close(s.zoom, 1.0);
        // The format part fails: the control part is not applied either.
        let (w, s) = select(r#"{"width": 640, "advanced": [{"width": 9999, "zoom": 2}]}"#).unwrap();
        assert_eq!(w, 640);
        close(s.zoom, 1.0);
        // Controls alone in an advanced set do not disturb the formats.
        let (w, s) = select(r#"{"width": 1280, "advanced": [{"zoom": 3}]}"#).unwrap();
        assert_eq!(w, 1280);
        close(s.zoom, 3.0);
    }

    #[test]
    fn format_members_are_named_before_controls() {
        let e = select(r#"{"width": {"exact": 9999}, "zoom": {"exact": 99}}"#).unwrap_err();
        assert_eq!(e.constraint(), Some("width"));
        let e = select(r#"{"width": {"exact": 640}, "zoom": {"exact": 99}}"#).unwrap_err();
        assert_eq!(e.constraint(), Some("zoom"));
        let e = select(r#"{"torch": {"exact": true}, "advanced": [{"zoom": 2}]}"#).unwrap();
        assert_eq!(e.1.torch, Some(true));
    }

    #[test]
    fn select_with_control_constraints_and_no_candidates() {
        let e = select_settings_and_controls(
            &[],
            &capabilities(),
            &current(),
            &parse(r#"{"zoom": 2}"#),
        )
        .unwrap_err();
        assert_eq!(e.name(), ErrorName::NotFound);
    }

    #[test]
    fn capabilities_of_formats_are_untouched() {
        // The capability accessors only touch image-capture members.
        let mut caps = MediaTrackCapabilities {
            width: Some(ULongRange {
                min: Some(1),
                max: Some(2),
            }),
            frame_rate: Some(DoubleRange {
                min: Some(1.0),
                max: Some(2.0),
            }),
            ..MediaTrackCapabilities::default()
        };
        let before = caps.clone();
        for control in Control::ALL {
            control.set_capability_in(&mut caps, None);
        }
        assert_eq!(caps, before);
    }
}
