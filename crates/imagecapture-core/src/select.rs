//! The constraint-selection algorithm of *Media Capture and Streams*: the *fitness distance* of a
//! settings dictionary to a constraint set, and *SelectSettings*, which picks one of a device's
//! candidate settings for `getUserMedia()` and `applyConstraints()`.
//!
//! A backend turns each format of each camera into a candidate [`MediaTrackSettings`] (width,
//! height, frameRate, aspectRatio, deviceId, groupId, resizeMode, and the image-capture members
//! the device has) and calls [`select_settings`]. For one continuous image-capture control (zoom,
//! exposureTime, …) [`resolve_in_range`] works out the value to set from the control's
//! [`MediaSettingsRange`].
//!
//! Every member of [`MediaTrackConstraintSet`] is handled by one table, `MEMBERS`, which lists
//! its JavaScript name and how to read it from a constraint set and from a settings dictionary;
//! the algorithm itself works on one normalised form of a constraint.

use crate::constraints::{
    BoolOrConstrainDouble, ConstrainBoolean, ConstrainDOMString, ConstrainDouble, ConstrainNumber,
    ConstrainPoint2D, MediaTrackConstraintSet, MediaTrackConstraints, NumberRange,
};
use crate::error::{Error, ErrorName, Result};
use crate::photo::MediaSettingsRange;
use crate::text;
use crate::track::{MediaTrackSettings, MeteringMode, Point2D};

/// How far apart two doubles of a settings dictionary and a constraint may be and still count as
/// equal, or as meeting a `min`/`max`: Chrome's `kConstraintEpsilon`. A frame rate of
/// 29.97002997 meets `{exact: 29.97003}`, and 1920 / 1080 meets `{aspectRatio: 1.777778}`.
const EPSILON: f64 = 1e-6;

/// The relative tolerance of [`resolve_in_range`] for an `exact` value on a range's step grid and
/// at its ends.
const GRID_TOLERANCE: f64 = 1e-9;

/// One member of a constraint set, brought to one form: what it requires and what it prefers.
///
/// A bare value is already resolved here: `exact` in an advanced set, `ideal` in the basic set.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Asked<'a> {
    /// A numeric constraint (`ConstrainULong`, `ConstrainDouble`), as doubles.
    Number(NumberRange<f64>),
    /// `ConstrainDOMString`: a list means "any of these".
    Text {
        exact: Option<&'a [String]>,
        ideal: Option<&'a [String]>,
    },
    /// `ConstrainBoolean`.
    Flag {
        exact: Option<bool>,
        ideal: Option<bool>,
    },
    /// `pan`/`tilt`/`zoom` given as a boolean: whether the settings should have the member at all
    /// (step 4 of the fitness distance). Required in an advanced set, where bare values are
    /// `exact`.
    Presence { wanted: bool, required: bool },
    /// `pointsOfInterest`: takes no part in selection (never required); the lists are kept for
    /// validation and for the backends that apply them (a bare list is the `ideal` one).
    Points {
        exact: Option<&'a [Point2D]>,
        ideal: Option<&'a [Point2D]>,
    },
}

/// One member of a settings dictionary, as the algorithm compares it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Actual<'a> {
    /// A finite number (a non-finite one counts as absent).
    Number(f64),
    /// A string or an enum value in its JavaScript spelling.
    Text(&'a str),
    /// A boolean.
    Flag(bool),
    /// A member selection does not look at (`pointsOfInterest`).
    Other,
}

/// One row of the member table.
struct Member {
    /// The JavaScript name, as in `OverconstrainedError.constraint`.
    name: &'static str,
    /// The member of a constraint set, normalised; the flag says whether the set is advanced.
    asked: for<'a> fn(&'a MediaTrackConstraintSet, bool) -> Option<Asked<'a>>,
    /// The member of a settings dictionary.
    actual: for<'a> fn(&'a MediaTrackSettings) -> Option<Actual<'a>>,
}

/// Builds the member table: `"jsName" => field: normalise_constraint, read_setting;`.
macro_rules! members {
    ($($name:literal => $field:ident: $asked:ident, $actual:ident;)*) => {
        [$(Member {
            name: $name,
            asked: |set, advanced| set.$field.as_ref().map(|c| $asked(c, advanced)),
            actual: |settings| settings.$field.as_ref().and_then($actual),
        },)*]
    };
}

/// Every member of [`MediaTrackConstraintSet`], in the dictionary's order: the order in which
/// `OverconstrainedError` names the first failing constraint.
const MEMBERS: [Member; 25] = members! {
    "width" => width: number, count;
    "height" => height: number, count;
    "frameRate" => frame_rate: number, real;
    "aspectRatio" => aspect_ratio: number, real;
    "facingMode" => facing_mode: text, string;
    "resizeMode" => resize_mode: text, string;
    "deviceId" => device_id: text, string;
    "groupId" => group_id: text, string;
    "whiteBalanceMode" => white_balance_mode: text, metering;
    "exposureMode" => exposure_mode: text, metering;
    "focusMode" => focus_mode: text, metering;
    "pointsOfInterest" => points_of_interest: points, other;
    "exposureCompensation" => exposure_compensation: number, real;
    "exposureTime" => exposure_time: number, real;
    "colorTemperature" => color_temperature: number, real;
    "iso" => iso: number, real;
    "brightness" => brightness: number, real;
    "contrast" => contrast: number, real;
    "saturation" => saturation: number, real;
    "sharpness" => sharpness: number, real;
    "focusDistance" => focus_distance: number, real;
    "pan" => pan: ptz, real;
    "tilt" => tilt: ptz, real;
    "zoom" => zoom: ptz, real;
    "torch" => torch: flag, boolean;
};

// ---- Normalising constraints -------------------------------------------------------------------

/// A numeric constraint as a range of doubles, its bare value resolved.
pub(crate) fn number_range<T: Copy + Into<f64>>(
    c: &ConstrainNumber<T>,
    advanced: bool,
) -> NumberRange<f64> {
    match *c {
        ConstrainNumber::Value(v) if advanced => NumberRange {
            exact: Some(v.into()),
            ..NumberRange::default()
        },
        ConstrainNumber::Value(v) => NumberRange {
            ideal: Some(v.into()),
            ..NumberRange::default()
        },
        ConstrainNumber::Range(r) => NumberRange {
            min: r.min.map(Into::into),
            max: r.max.map(Into::into),
            exact: r.exact.map(Into::into),
            ideal: r.ideal.map(Into::into),
        },
    }
}

pub(crate) fn number<T: Copy + Into<f64>>(
    c: &ConstrainNumber<T>,
    advanced: bool,
) -> Asked<'static> {
    Asked::Number(number_range(c, advanced))
}

pub(crate) fn ptz(c: &BoolOrConstrainDouble, advanced: bool) -> Asked<'static> {
    match c {
        BoolOrConstrainDouble::Bool(wanted) => Asked::Presence {
            wanted: *wanted,
            required: advanced,
        },
        BoolOrConstrainDouble::Constrain(c) => number(c, advanced),
    }
}

pub(crate) fn text(c: &ConstrainDOMString, advanced: bool) -> Asked<'_> {
    match c {
        ConstrainDOMString::Value(v) if advanced => Asked::Text {
            exact: Some(v.as_slice()),
            ideal: None,
        },
        ConstrainDOMString::Value(v) => Asked::Text {
            exact: None,
            ideal: Some(v.as_slice()),
        },
        ConstrainDOMString::Parameters(p) => Asked::Text {
            exact: p.exact.as_ref().map(|v| v.as_slice()),
            ideal: p.ideal.as_ref().map(|v| v.as_slice()),
        },
    }
}

pub(crate) fn flag(c: &ConstrainBoolean, advanced: bool) -> Asked<'static> {
    match *c {
        ConstrainBoolean::Value(v) if advanced => Asked::Flag {
            exact: Some(v),
            ideal: None,
        },
        ConstrainBoolean::Value(v) => Asked::Flag {
            exact: None,
            ideal: Some(v),
        },
        ConstrainBoolean::Parameters(p) => Asked::Flag {
            exact: p.exact,
            ideal: p.ideal,
        },
    }
}

pub(crate) fn points(c: &ConstrainPoint2D, _advanced: bool) -> Asked<'_> {
    match c {
        ConstrainPoint2D::Value(v) => Asked::Points {
            exact: None,
            ideal: Some(v.as_slice()),
        },
        ConstrainPoint2D::Parameters(p) => Asked::Points {
            exact: p.exact.as_deref(),
            ideal: p.ideal.as_deref(),
        },
    }
}

// ---- Reading settings ----------------------------------------------------------------------------

fn count(v: &u32) -> Option<Actual<'_>> {
    Some(Actual::Number(f64::from(*v)))
}

fn real(v: &f64) -> Option<Actual<'_>> {
    v.is_finite().then_some(Actual::Number(*v))
}

fn string<S: AsRef<str>>(v: &S) -> Option<Actual<'_>> {
    Some(Actual::Text(v.as_ref()))
}

fn metering(v: &MeteringMode) -> Option<Actual<'static>> {
    Some(Actual::Text(v.as_str()))
}

fn boolean(v: &bool) -> Option<Actual<'_>> {
    Some(Actual::Flag(*v))
}

fn other<T>(_: &T) -> Option<Actual<'static>> {
    Some(Actual::Other)
}

// ---- The fitness distance of one member --------------------------------------------------------

impl Asked<'_> {
    /// Whether the constraint is *required*: it has `exact`, `min` or `max`, or is a bare value in
    /// an advanced set.
    pub(crate) fn is_required(&self) -> bool {
        match self {
            Self::Number(r) => r.min.is_some() || r.max.is_some() || r.exact.is_some(),
            Self::Text { exact, .. } => exact.is_some(),
            Self::Flag { exact, .. } => exact.is_some(),
            Self::Presence { required, .. } => *required,
            Self::Points { .. } => false,
        }
    }

    /// Whether this constrains the value (anything but a presence boolean).
    pub(crate) fn constrains_value(&self) -> bool {
        !matches!(self, Self::Presence { .. })
    }

    /// Whether `actual` meets the required part (`true` when nothing is required).
    fn is_met_by(&self, actual: Option<Actual<'_>>) -> bool {
        if !self.is_required() {
            return true;
        }
        match (self, actual) {
            (Self::Number(r), Some(Actual::Number(v))) => {
                r.exact.is_none_or(|e| (v - e).abs() <= EPSILON)
                    && r.min.is_none_or(|m| v >= m - EPSILON)
                    && r.max.is_none_or(|m| v <= m + EPSILON)
            }
            (Self::Text { exact, .. }, Some(Actual::Text(v))) => {
                exact.is_none_or(|list| list.iter().any(|s| s == v))
            }
            (Self::Flag { exact, .. }, Some(Actual::Flag(v))) => exact.is_none_or(|e| e == v),
            (Self::Presence { wanted, .. }, actual) => *wanted == actual.is_some(),
            _ => false,
        }
    }

    /// The fitness distance of this member, steps 2 to 8 of the spec's definition.
    fn distance(&self, actual: Option<Actual<'_>>) -> f64 {
        // Step 2: a required constraint not met, or a member the settings lack.
        if !self.is_met_by(actual) {
            return f64::INFINITY;
        }
        let Some(actual) = actual else {
            return match self {
                // Step 4: `pan: true` wants the member to exist.
                Self::Presence { wanted, .. } => mismatch(!*wanted),
                Self::Points { .. } => 0.0,
                // Step 5: the settings lack the member.
                _ => 1.0,
            };
        };
        match (self, actual) {
            (Self::Number(r), Actual::Number(v)) => r.ideal.map_or(0.0, |i| relative(v, i)),
            (Self::Text { ideal, .. }, Actual::Text(v)) => {
                ideal.map_or(0.0, |list| mismatch(list.iter().any(|s| s == v)))
            }
            (Self::Flag { ideal, .. }, Actual::Flag(v)) => ideal.map_or(0.0, |i| mismatch(i == v)),
            (Self::Presence { wanted, .. }, _) => mismatch(*wanted),
            _ => 0.0,
        }
    }

    /// What the constraint requires, for a message: `exact 9999`, `min 320, max 640`.
    pub(crate) fn describe(&self) -> String {
        match self {
            Self::Number(r) => {
                let parts: Vec<String> = [("exact", r.exact), ("min", r.min), ("max", r.max)]
                    .into_iter()
                    .filter_map(|(key, v)| v.map(|v| format!("{key} {}", text::number(v))))
                    .collect();
                if parts.is_empty() {
                    String::from("a value")
                } else {
                    parts.join(", ")
                }
            }
            Self::Text { exact, .. } => match exact.unwrap_or_default() {
                [one] => format!("exact \"{one}\""),
                list => format!("one of {}", quoted(list.iter().map(String::as_str))),
            },
            Self::Flag { exact, .. } => format!("exact {}", exact.unwrap_or_default()),
            Self::Presence { wanted, .. } => format!("{wanted}"),
            Self::Points { .. } => String::from("any points"),
        }
    }

    /// The numbers of the constraint, for validation.
    fn numbers(&self) -> Vec<f64> {
        match self {
            Self::Number(r) => [r.min, r.max, r.exact, r.ideal]
                .into_iter()
                .flatten()
                .collect(),
            Self::Points { exact, ideal } => [exact, ideal]
                .into_iter()
                .flatten()
                .flat_map(|list| list.iter())
                .flat_map(|p| [p.x, p.y])
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// `(actual == ideal) ? 0 : |actual - ideal| / max(|actual|, |ideal|)`.
fn relative(actual: f64, ideal: f64) -> f64 {
    if actual == ideal {
        0.0
    } else {
        (actual - ideal).abs() / actual.abs().max(ideal.abs())
    }
}

/// `0` for a match, `1` otherwise.
fn mismatch(matches: bool) -> f64 {
    if matches { 0.0 } else { 1.0 }
}

/// `"a", "b"`, or `nothing` for an empty list.
pub(crate) fn quoted<'a>(values: impl Iterator<Item = &'a str>) -> String {
    let list: Vec<String> = values.map(|v| format!("\"{v}\"")).collect();
    if list.is_empty() {
        String::from("nothing")
    } else {
        list.join(", ")
    }
}

// ---- The public algorithm ----------------------------------------------------------------------

/// The WebIDL checks `getUserMedia()` and `applyConstraints()` make before anything else: a
/// `double` member (in the basic set or in any advanced set, in any of its forms) that is NaN or
/// ±Infinity is a `TypeError`, named after the member in its JavaScript spelling
/// (`"advanced[1].frameRate: NaN is not a finite number"`). The coordinates of
/// `pointsOfInterest` are doubles too.
///
/// Nothing else is an error here: `{min: 640, max: 320}` is well-formed, it just cannot be met
/// (an `OverconstrainedError` from [`select_settings`]).
///
/// # Errors
/// `TypeError` for the first non-finite number, in member order, basic set first.
pub fn validate_constraints(c: &MediaTrackConstraints) -> Result<()> {
    let sets = std::iter::once((None, &c.basic)).chain(
        c.advanced
            .iter()
            .flatten()
            .enumerate()
            .map(|(i, s)| (Some(i), s)),
    );
    for (index, set) in sets {
        for member in &MEMBERS {
            let Some(asked) = (member.asked)(set, index.is_some()) else {
                continue;
            };
            if let Some(bad) = asked.numbers().into_iter().find(|v| !v.is_finite()) {
                let place = index.map_or_else(String::new, |i| format!("advanced[{i}]."));
                return Err(Error::type_error(format!(
                    "{place}{}: {} is not a finite number",
                    member.name,
                    text::number(bad)
                )));
            }
        }
    }
    Ok(())
}

/// The *fitness distance* between a settings dictionary and a constraint set: the sum over the
/// set's members of
///
/// - `+∞` when the constraint is *required* (it has `exact`, `min` or `max`, or is a bare value
///   in an advanced set, where bare values are treated as `exact`) and the settings' value does
///   not satisfy it or does not exist;
/// - for `pan`/`tilt`/`zoom` given as a boolean, `(value == exists) ? 0 : 1` (in an advanced
///   set, where the bare boolean counts as `exact`, `+∞` instead of `1`);
/// - `1` when the settings lack the member (and it is not required);
/// - `0` when no ideal value is given (`ideal`, or a bare value in the basic set);
/// - for numbers `(actual == ideal) ? 0 : |actual − ideal| / max(|actual|, |ideal|)`;
/// - for strings, enums and booleans `0` when the actual value is (one of) the ideal value(s),
///   else `1`.
///
/// Members absent from the set contribute 0, and so does `pointsOfInterest` (a region to meter,
/// not a property of a format). Strings compare exactly. Doubles compare within 1e-6, as in
/// Chrome; a non-finite number in the settings counts as absent.
pub fn fitness_distance(
    set: &MediaTrackConstraintSet,
    settings: &MediaTrackSettings,
    is_advanced: bool,
) -> f64 {
    let mut total = 0.0;
    for member in &MEMBERS {
        if let Some(asked) = (member.asked)(set, is_advanced) {
            total += asked.distance((member.actual)(settings));
            if total.is_infinite() {
                break;
            }
        }
    }
    total
}

/// *SelectSettings*: the index of the candidate settings dictionary the constraints choose.
///
/// 1. [`validate_constraints`].
/// 2. Keep the candidates whose fitness distance to the basic set is finite; when none is left,
///    the constraints are overconstrained.
/// 3. Apply each `advanced` set in order: keep the candidates whose fitness distance to it is
///    finite, unless none is, in which case the set is skipped whole.
/// 4. Of the remaining candidates, pick the one with the smallest fitness distance to the basic
///    set; among equals, the earlier one.
///
/// # Errors
/// - `TypeError` from [`validate_constraints`].
/// - `OverconstrainedError` when no candidate meets the basic set's required constraints. The
///   constraint named is the first required one (in the dictionary's member order: width,
///   height, frameRate, aspectRatio, facingMode, resizeMode, deviceId, groupId, then the
///   image-capture members) that no candidate meets on its own; when each is met by some
///   candidate but no candidate meets them all, the first failing constraint of the candidate
///   that fails fewest. The message says what was asked and what the candidates offer.
/// - With no candidates at all: `OverconstrainedError` for the first required constraint, or
///   `NotFoundError` when nothing is required.
pub fn select_settings(
    candidates: &[MediaTrackSettings],
    constraints: &MediaTrackConstraints,
) -> Result<usize> {
    select_settings_with(candidates, constraints, |_| true)
}

/// [`select_settings`] for a device whose settings are more than its candidates: an `advanced`
/// set is kept only when some remaining candidate meets it *and* `also(index)` accepts the rest
/// of it (`index` into `constraints.advanced`). `also` is called only for sets the candidates
/// meet, in order, and a set it accepts is kept: it is the place to narrow the other settings
/// (the image-capture controls in [`controls`](crate::controls)).
///
/// # Errors
/// As [`select_settings`].
pub fn select_settings_with(
    candidates: &[MediaTrackSettings],
    constraints: &MediaTrackConstraints,
    mut also: impl FnMut(usize) -> bool,
) -> Result<usize> {
    validate_constraints(constraints)?;
    let basic = &constraints.basic;
    let mut remaining: Vec<(usize, &MediaTrackSettings, f64)> = candidates
        .iter()
        .enumerate()
        .map(|(i, settings)| (i, settings, fitness_distance(basic, settings, false)))
        .filter(|(_, _, distance)| distance.is_finite())
        .collect();
    if remaining.is_empty() {
        return Err(overconstrained(basic, candidates));
    }
    for (index, set) in constraints.advanced.iter().flatten().enumerate() {
        let kept: Vec<_> = remaining
            .iter()
            .copied()
            .filter(|(_, settings, _)| fitness_distance(set, settings, true).is_finite())
            .collect();
        if !kept.is_empty() && also(index) {
            remaining = kept;
        }
    }
    // `min_by` returns the first of equal minima: ties go to the earlier candidate.
    remaining
        .iter()
        .min_by(|a, b| a.2.total_cmp(&b.2))
        .map(|(i, _, _)| *i)
        .ok_or_else(|| Error::new(ErrorName::NotFound, "no camera format is available"))
}

/// The error of a basic set no candidate meets.
fn overconstrained(set: &MediaTrackConstraintSet, candidates: &[MediaTrackSettings]) -> Error {
    let required: Vec<(&Member, Asked<'_>)> = MEMBERS
        .iter()
        .filter_map(|m| (m.asked)(set, false).map(|asked| (m, asked)))
        .filter(|(_, asked)| asked.is_required())
        .collect();
    let Some(first_entry) = required.first() else {
        return Error::new(ErrorName::NotFound, "no camera format is available");
    };
    let (first, first_asked) = first_entry;
    if candidates.is_empty() {
        return Error::overconstrained(
            first.name,
            format!(
                "{}: {} is not possible; no camera format is available",
                first.name,
                first_asked.describe()
            ),
        );
    }
    let meets = |member: &Member, asked: &Asked<'_>, settings: &MediaTrackSettings| {
        asked.is_met_by((member.actual)(settings))
    };
    // A constraint no candidate meets on its own.
    if let Some((member, asked)) = required
        .iter()
        .find(|(m, a)| !candidates.iter().any(|c| meets(m, a, c)))
    {
        return Error::overconstrained(
            member.name,
            format!(
                "{}: {} is not possible; {}",
                member.name,
                asked.describe(),
                offered(member, candidates)
            ),
        );
    }
    // Each is met alone, not all together: the first failure of the candidate failing fewest.
    let failures =
        |c: &MediaTrackSettings| required.iter().filter(|(m, a)| !meets(m, a, c)).count();
    let closest = candidates.iter().min_by_key(|c| failures(c));
    let failing = closest.and_then(|c| required.iter().find(|(m, a)| !meets(m, a, c)));
    let (member, asked) = failing.unwrap_or(first_entry);
    let others: Vec<String> = required
        .iter()
        .filter(|(m, _)| m.name != member.name)
        .map(|(m, a)| format!("{}: {}", m.name, a.describe()))
        .collect();
    Error::overconstrained(
        member.name,
        format!(
            "{}: {} is not possible together with {}; {}",
            member.name,
            asked.describe(),
            others.join(", "),
            offered(member, candidates)
        ),
    )
}

/// What the candidates offer for one member: `the camera offers 320–1920`.
fn offered(member: &Member, candidates: &[MediaTrackSettings]) -> String {
    let values: Vec<Actual<'_>> = candidates
        .iter()
        .filter_map(|c| (member.actual)(c))
        .collect();
    let numbers = values.iter().filter_map(|v| match v {
        Actual::Number(n) => Some(*n),
        _ => None,
    });
    let (lo, hi) = numbers.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    let mut texts: Vec<String> = Vec::new();
    for v in &values {
        let shown = match v {
            Actual::Text(t) => format!("\"{t}\""),
            Actual::Flag(b) => b.to_string(),
            Actual::Number(_) | Actual::Other => continue,
        };
        if !texts.contains(&shown) {
            texts.push(shown);
        }
    }
    if lo < hi {
        format!(
            "the camera offers {}–{}",
            text::number(lo),
            text::number(hi)
        )
    } else if lo == hi {
        format!("the camera offers {}", text::number(lo))
    } else if !texts.is_empty() {
        format!("the camera offers {}", texts.join(", "))
    } else {
        format!("the camera has no {}", member.name)
    }
}

// ---- Continuous controls -------------------------------------------------------------------------

/// A [`MediaSettingsRange`] read for arithmetic: missing ends are unbounded, a missing, zero or
/// non-finite step means any value, and the step grid starts at `min` (or 0 without one).
#[derive(Debug, Clone, Copy)]
struct Grid {
    min: f64,
    max: f64,
    step: f64,
    origin: f64,
}

impl Grid {
    fn new(range: &MediaSettingsRange) -> Self {
        let min = range
            .min
            .filter(|v| !v.is_nan())
            .unwrap_or(f64::NEG_INFINITY);
        let max = range.max.filter(|v| !v.is_nan()).unwrap_or(f64::INFINITY);
        let step = range
            .step
            .filter(|s| s.is_finite() && *s > 0.0)
            .unwrap_or(0.0);
        let origin = if min.is_finite() { min } else { 0.0 };
        Self {
            min,
            max,
            step,
            origin,
        }
    }

    /// Whether `value` is a grid point, within the tolerance.
    fn is_on_grid(&self, value: f64) -> bool {
        if self.step == 0.0 {
            return true;
        }
        let nearest = self.origin + ((value - self.origin) / self.step).round() * self.step;
        (value - nearest).abs() <= GRID_TOLERANCE * value.abs().max(nearest.abs()).max(self.step)
    }

    /// The grid point in `[lo, hi]` nearest to `value` (`value` itself on a continuous grid), or
    /// `None` when the interval holds none. A NaN `value` counts as `lo`.
    fn nearest(&self, value: f64, lo: f64, hi: f64) -> Option<f64> {
        if lo.is_nan() || hi.is_nan() || lo > hi {
            return None;
        }
        let value = if value.is_nan() { lo } else { value };
        if self.step == 0.0 {
            return Some(value.max(lo).min(hi));
        }
        let index = |v: f64| (v - self.origin) / self.step;
        let first = (index(lo) - GRID_TOLERANCE).ceil();
        let last = (index(hi) + GRID_TOLERANCE).floor();
        if first > last {
            return None;
        }
        let k = index(value).round().max(first).min(last);
        let snapped = if k.is_finite() {
            self.origin + k * self.step
        } else {
            value
        };
        // Clamping removes the rounding error of a grid point at an end.
        Some(snapped.max(lo).min(hi))
    }

    /// `1–5 in steps of 0.1`.
    fn describe(&self) -> String {
        if self.step > 0.0 {
            format!(
                "{}–{} in steps of {}",
                text::number(self.min),
                text::number(self.max),
                text::number(self.step)
            )
        } else {
            format!("{}–{}", text::number(self.min), text::number(self.max))
        }
    }
}

/// `value` clamped into `range` and snapped to its nearest step, `min + k·step`, never past
/// `max`. A missing end is unbounded; a missing or zero step means any value. A NaN `value` gives
/// `min`. Used for image-capture controls and photo sizes alike.
pub fn snap_to_range(value: f64, range: &MediaSettingsRange) -> f64 {
    let grid = Grid::new(range);
    grid.nearest(value, grid.min, grid.max).unwrap_or_else(|| {
        // A range whose min is above its max: keep the value inside whatever bounds make sense.
        if value.is_nan() {
            grid.origin
        } else {
            value.max(grid.min).min(grid.max)
        }
    })
}

/// The value to set on one continuous image-capture control (`zoom`, `exposureTime`, …) for its
/// constraint, given the control's `range` and its `current` value.
///
/// - `exact` (or a bare value in an advanced set, where bare values are `exact`) must lie in the
///   range, on its step grid (relative tolerance 1e-9) and within the constraint's own `min` and
///   `max`; it is the result.
/// - Otherwise the allowed values are the grid points of the range within `[min, max]` of the
///   constraint. `ideal` (or a bare value in the basic set) gives the allowed value nearest to
///   it; with no ideal, `current` stays when it is allowed, else the nearest allowed value.
///
/// # Errors
/// - `TypeError` for a non-finite number in the constraint.
/// - `OverconstrainedError` naming `name` when a required part cannot be met: `exact` outside
///   the range or off its grid, `min` above the range, `max` below it, `min` greater than `max`,
///   or no grid point between them.
pub fn resolve_in_range(
    name: &'static str,
    constraint: &ConstrainDouble,
    range: &MediaSettingsRange,
    current: f64,
    is_advanced: bool,
) -> Result<f64> {
    let c = number_range(constraint, is_advanced);
    let asked = Asked::Number(c);
    if let Some(bad) = asked.numbers().into_iter().find(|v| !v.is_finite()) {
        return Err(Error::type_error(format!(
            "{name}: {} is not a finite number",
            text::number(bad)
        )));
    }
    let grid = Grid::new(range);
    let fail = |why: &str| {
        Error::overconstrained(
            name,
            format!(
                "{name}: {} is not possible{why}; the camera offers {}",
                asked.describe(),
                grid.describe()
            ),
        )
    };
    let lo = c.min.map_or(grid.min, |m| m.max(grid.min));
    let hi = c.max.map_or(grid.max, |m| m.min(grid.max));
    if let (Some(min), Some(max)) = (c.min, c.max) {
        if min > max {
            return Err(fail(" (min is greater than max)"));
        }
    }
    if let Some(exact) = c.exact {
        let tolerance = |bound: f64| GRID_TOLERANCE * exact.abs().max(bound.abs());
        let in_range =
            exact >= grid.min - tolerance(grid.min) && exact <= grid.max + tolerance(grid.max);
        let in_bounds = c.min.is_none_or(|m| exact >= m) && c.max.is_none_or(|m| exact <= m);
        return if in_range && in_bounds && grid.is_on_grid(exact) {
            Ok(exact)
        } else {
            Err(fail(""))
        };
    }
    let allowed = |v: f64| v >= lo && v <= hi && grid.is_on_grid(v);
    let target = match c.ideal {
        Some(ideal) => ideal,
        None if current.is_finite() && allowed(current) => return Ok(current),
        None => current,
    };
    grid.nearest(target, lo, hi).ok_or_else(|| fail(""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::constraints::{
        ConstrainBooleanParameters, ConstrainDOMStringParameters, ConstrainULong, StringOrList,
    };

    // ---- helpers ----

    fn format(width: u32, height: u32, fps: f64) -> MediaTrackSettings {
        MediaTrackSettings {
            width: Some(width),
            height: Some(height),
            frame_rate: Some(fps),
            aspect_ratio: Some(f64::from(width) / f64::from(height)),
            device_id: Some("cam0".into()),
            group_id: Some("group0".into()),
            resize_mode: Some("none".into()),
            ..Default::default()
        }
    }

    /// A camera with 320×240, 640×480, 1280×720 and 1920×1080 at 30 fps, 1920×1080 also at 5.
    fn camera() -> Vec<MediaTrackSettings> {
        vec![
            format(320, 240, 30.0),
            format(640, 480, 30.0),
            format(1280, 720, 30.0),
            format(1920, 1080, 30.0),
            format(1920, 1080, 5.0),
        ]
    }

    fn with_device(mut s: MediaTrackSettings, id: &str) -> MediaTrackSettings {
        s.device_id = Some(id.into());
        s
    }

    fn parse(json: &str) -> MediaTrackConstraints {
        serde_json::from_str(json).unwrap()
    }

    fn select(json: &str) -> Result<usize> {
        select_settings(&camera(), &parse(json))
    }

    fn set(json: &str) -> MediaTrackConstraintSet {
        serde_json::from_str(json).unwrap()
    }

    fn zoom_range() -> MediaSettingsRange {
        MediaSettingsRange::new(1.0, 5.0, 0.1)
    }

    fn resolve(c: ConstrainDouble, advanced: bool) -> Result<f64> {
        resolve_in_range("zoom", &c, &zoom_range(), 1.0, advanced)
    }

    fn range(min: Option<f64>, max: Option<f64>) -> ConstrainDouble {
        ConstrainNumber::Range(NumberRange {
            min,
            max,
            exact: None,
            ideal: None,
        })
    }

    fn assert_close(actual: f64, expected: f64) {
        assert!(
            (actual - expected).abs() < 1e-9,
            "{actual} is not {expected}"
        );
    }

    fn assert_overconstrained(result: Result<impl std::fmt::Debug>, constraint: &str) -> Error {
        let e = result.unwrap_err();
        assert_eq!(e.name(), ErrorName::Overconstrained, "{e}");
        assert_eq!(e.constraint(), Some(constraint), "{e}");
        e
    }

    // ---- the member table ----

    #[test]
    fn the_table_names_every_member_in_the_dictionarys_javascript_spelling() {
        // Serialise a set with every member and compare the keys with the table, in order.
        let mut all = MediaTrackConstraintSet::default();
        for member in &MEMBERS {
            let json = format!("{{\"{}\": {{}}}}", member.name);
            let one: MediaTrackConstraintSet = serde_json::from_str(&json).unwrap();
            assert_ne!(
                one,
                MediaTrackConstraintSet::default(),
                "{} is unknown",
                member.name
            );
            assert!((member.asked)(&one, false).is_some(), "{}", member.name);
            let others = MEMBERS.iter().filter(|m| m.name != member.name);
            for other in others {
                assert!(
                    (other.asked)(&one, false).is_none(),
                    "{} reads {}",
                    other.name,
                    member.name
                );
            }
            all = merge(all, one);
        }
        let value = serde_json::to_value(&all).unwrap();
        let keys: Vec<&str> = value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut names: Vec<&str> = MEMBERS.iter().map(|m| m.name).collect();
        names.sort_unstable();
        let mut sorted = keys.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, names);
    }

    fn merge(a: MediaTrackConstraintSet, b: MediaTrackConstraintSet) -> MediaTrackConstraintSet {
        let mut a = serde_json::to_value(a).unwrap();
        let b = serde_json::to_value(b).unwrap();
        for (k, v) in b.as_object().unwrap() {
            a.as_object_mut().unwrap().insert(k.clone(), v.clone());
        }
        serde_json::from_value(a).unwrap()
    }

    #[test]
    fn the_table_reads_every_settings_member() {
        let settings: MediaTrackSettings = serde_json::from_str(
            r#"{"width": 1, "height": 1, "frameRate": 1, "aspectRatio": 1, "facingMode": "user",
                "resizeMode": "none", "deviceId": "d", "groupId": "g",
                "whiteBalanceMode": "manual", "exposureMode": "single-shot",
                "focusMode": "continuous", "pointsOfInterest": [], "exposureCompensation": 1,
                "exposureTime": 1, "colorTemperature": 1, "iso": 1, "brightness": 1,
                "contrast": 1, "saturation": 1, "sharpness": 1, "focusDistance": 1, "pan": 1,
                "tilt": 1, "zoom": 1, "torch": true}"#,
        )
        .unwrap();
        for member in &MEMBERS {
            assert!((member.actual)(&settings).is_some(), "{}", member.name);
            assert!(
                (member.actual)(&MediaTrackSettings::default()).is_none(),
                "{}",
                member.name
            );
        }
        // Metering modes compare in their JavaScript spelling.
        let s = set(r#"{"exposureMode": {"exact": "single-shot"}}"#);
        assert_eq!(fitness_distance(&s, &settings, false), 0.0);
    }

    // ---- validate_constraints ----

    #[test]
    fn non_finite_numbers_are_type_errors_naming_the_member() {
        let cases: Vec<(MediaTrackConstraintSet, &str)> = vec![
            (
                MediaTrackConstraintSet {
                    frame_rate: Some(ConstrainDouble::Value(f64::NAN)),
                    ..Default::default()
                },
                "frameRate",
            ),
            (
                MediaTrackConstraintSet {
                    aspect_ratio: Some(range(Some(1.0), Some(f64::INFINITY))),
                    ..Default::default()
                },
                "aspectRatio",
            ),
            (
                MediaTrackConstraintSet {
                    zoom: Some(BoolOrConstrainDouble::Constrain(ConstrainDouble::ideal(
                        f64::NEG_INFINITY,
                    ))),
                    ..Default::default()
                },
                "zoom",
            ),
            (
                MediaTrackConstraintSet {
                    exposure_time: Some(ConstrainDouble::exact(f64::NAN)),
                    ..Default::default()
                },
                "exposureTime",
            ),
            (
                MediaTrackConstraintSet {
                    points_of_interest: Some(ConstrainPoint2D::Value(vec![Point2D {
                        x: 0.5,
                        y: f64::NAN,
                    }])),
                    ..Default::default()
                },
                "pointsOfInterest",
            ),
        ];
        for (bad, name) in cases {
            let basic = MediaTrackConstraints::from(bad.clone());
            let e = validate_constraints(&basic).unwrap_err();
            assert_eq!(e.name(), ErrorName::Type);
            assert!(e.message().starts_with(&format!("{name}: ")), "{e}");
            // select_settings validates first, even with no candidates.
            assert_eq!(
                select_settings(&[], &basic).unwrap_err().name(),
                ErrorName::Type
            );

            let advanced = MediaTrackConstraints {
                basic: MediaTrackConstraintSet::default(),
                advanced: Some(vec![MediaTrackConstraintSet::default(), bad]),
            };
            let e = select_settings(&camera(), &advanced).unwrap_err();
            assert_eq!(e.name(), ErrorName::Type);
            assert!(
                e.message().starts_with(&format!("advanced[1].{name}: ")),
                "{e}"
            );
        }
    }

    #[test]
    fn min_above_max_is_not_a_type_error() {
        let c = parse(r#"{"width": {"min": 640, "max": 320}, "zoom": {"min": 3, "max": 2}}"#);
        assert_eq!(validate_constraints(&c), Ok(()));
        assert_eq!(
            validate_constraints(&MediaTrackConstraints::default()),
            Ok(())
        );
    }

    // ---- fitness_distance ----

    #[test]
    fn a_bare_value_is_ideal_in_the_basic_set_and_exact_in_an_advanced_one() {
        let s = set(r#"{"width": 640}"#);
        let vga = format(640, 480, 30.0);
        let hd = format(1280, 720, 30.0);
        assert_eq!(fitness_distance(&s, &vga, false), 0.0);
        assert_close(fitness_distance(&s, &hd, false), 640.0 / 1280.0);
        assert_eq!(fitness_distance(&s, &vga, true), 0.0);
        assert_eq!(fitness_distance(&s, &hd, true), f64::INFINITY);

        let s = set(r#"{"facingMode": "user"}"#);
        let mut user = vga.clone();
        user.facing_mode = Some("user".into());
        let mut env = vga.clone();
        env.facing_mode = Some("environment".into());
        assert_eq!(fitness_distance(&s, &user, false), 0.0);
        assert_eq!(fitness_distance(&s, &env, false), 1.0);
        assert_eq!(fitness_distance(&s, &env, true), f64::INFINITY);

        let s = set(r#"{"torch": true}"#);
        let mut lit = vga.clone();
        lit.torch = Some(true);
        let mut dark = vga;
        dark.torch = Some(false);
        assert_eq!(fitness_distance(&s, &lit, false), 0.0);
        assert_eq!(fitness_distance(&s, &dark, false), 1.0);
        assert_eq!(fitness_distance(&s, &dark, true), f64::INFINITY);
    }

    #[test]
    fn required_parts_give_infinity_when_not_met_and_ideal_adds_its_distance() {
        let hd = format(1280, 720, 30.0);
        let d = |json: &str| fitness_distance(&set(json), &hd, false);
        assert_eq!(d(r#"{"width": {"exact": 1280}}"#), 0.0);
        assert_eq!(d(r#"{"width": {"exact": 1281}}"#), f64::INFINITY);
        assert_eq!(d(r#"{"width": {"min": 1280, "max": 1280}}"#), 0.0);
        assert_eq!(d(r#"{"width": {"min": 1281}}"#), f64::INFINITY);
        assert_eq!(d(r#"{"height": {"max": 719}}"#), f64::INFINITY);
        assert_eq!(d(r#"{"width": {"min": 640, "max": 320}}"#), f64::INFINITY);
        assert_close(
            d(r#"{"width": {"min": 640, "ideal": 1920}}"#),
            640.0 / 1920.0,
        );
        assert_close(
            d(r#"{"width": {"ideal": 640}, "frameRate": {"ideal": 60}}"#),
            0.5 + 0.5,
        );
        assert_eq!(d(r#"{"width": {}}"#), 0.0);
        assert_eq!(d("{}"), 0.0);
        // Doubles compare within 1e-6, as in Chrome.
        assert_eq!(d(r#"{"aspectRatio": {"exact": 1.777778}}"#), 0.0);
        assert_eq!(d(r#"{"frameRate": {"exact": 30.00001}}"#), f64::INFINITY);
        // Both zero: distance 0, not NaN.
        let mut zero = hd.clone();
        zero.exposure_compensation = Some(0.0);
        assert_eq!(
            fitness_distance(&set(r#"{"exposureCompensation": 0}"#), &zero, false),
            0.0
        );
        assert_eq!(
            fitness_distance(&set(r#"{"exposureCompensation": -1}"#), &zero, false),
            1.0
        );
    }

    #[test]
    fn members_the_settings_lack_are_infinite_when_required_and_one_when_ideal() {
        let vga = format(640, 480, 30.0);
        let d = |json: &str| fitness_distance(&set(json), &vga, false);
        assert_eq!(d(r#"{"zoom": {"exact": 2}}"#), f64::INFINITY);
        assert_eq!(d(r#"{"zoom": {"min": 1}}"#), f64::INFINITY);
        assert_eq!(d(r#"{"torch": {"exact": false}}"#), f64::INFINITY);
        assert_eq!(d(r#"{"facingMode": {"exact": "user"}}"#), f64::INFINITY);
        // Step 5 of the spec: a member the settings lack, not required: 1.
        assert_eq!(d(r#"{"zoom": 2}"#), 1.0);
        assert_eq!(d(r#"{"facingMode": {"ideal": "user"}}"#), 1.0);
        assert_eq!(d(r#"{"torch": {"ideal": true}}"#), 1.0);
        // A non-finite setting counts as absent.
        let mut broken = vga.clone();
        broken.frame_rate = Some(f64::NAN);
        assert_eq!(
            fitness_distance(&set(r#"{"frameRate": 30}"#), &broken, false),
            1.0
        );
        assert_eq!(
            fitness_distance(&set(r#"{"frameRate": {"min": 1}}"#), &broken, false),
            f64::INFINITY
        );
    }

    #[test]
    fn pan_tilt_zoom_as_booleans_ask_for_the_member_to_exist() {
        let plain = format(640, 480, 30.0);
        let mut ptz = plain.clone();
        ptz.zoom = Some(1.0);
        let d = |json: &str, s: &MediaTrackSettings, adv| fitness_distance(&set(json), s, adv);
        assert_eq!(d(r#"{"zoom": true}"#, &ptz, false), 0.0);
        assert_eq!(d(r#"{"zoom": true}"#, &plain, false), 1.0);
        assert_eq!(d(r#"{"zoom": false}"#, &plain, false), 0.0);
        assert_eq!(d(r#"{"zoom": false}"#, &ptz, false), 1.0);
        // In an advanced set a bare value is exact: required.
        assert_eq!(d(r#"{"zoom": true}"#, &ptz, true), 0.0);
        assert_eq!(d(r#"{"zoom": true}"#, &plain, true), f64::INFINITY);
        // Never required in the basic set.
        assert!(!ptz_required(r#"{"pan": true, "tilt": false}"#));
    }

    fn ptz_required(json: &str) -> bool {
        let s = set(json);
        MEMBERS
            .iter()
            .filter_map(|m| (m.asked)(&s, false))
            .any(|a| a.is_required())
    }

    #[test]
    fn points_of_interest_constrain_nothing() {
        let vga = format(640, 480, 30.0);
        let s = set(r#"{"pointsOfInterest": {"exact": [{"x": 0.1, "y": 0.9}]}}"#);
        assert_eq!(fitness_distance(&s, &vga, false), 0.0);
        assert_eq!(fitness_distance(&s, &vga, true), 0.0);
        let s = set(r#"{"pointsOfInterest": [{"x": 0.1}]}"#);
        assert_eq!(fitness_distance(&s, &vga, true), 0.0);
    }

    #[test]
    fn string_lists_mean_any_of_them_and_compare_exactly() {
        let vga = format(640, 480, 30.0); // deviceId "cam0"
        let d = |json: &str, adv| fitness_distance(&set(json), &vga, adv);
        assert_eq!(d(r#"{"deviceId": ["cam1", "cam0"]}"#, false), 0.0);
        assert_eq!(d(r#"{"deviceId": ["cam1", "cam2"]}"#, false), 1.0);
        assert_eq!(d(r#"{"deviceId": ["cam1", "cam0"]}"#, true), 0.0);
        assert_eq!(d(r#"{"deviceId": ["cam1", "cam2"]}"#, true), f64::INFINITY);
        assert_eq!(
            d(r#"{"deviceId": {"exact": ["cam1", "cam0"]}}"#, false),
            0.0
        );
        assert_eq!(d(r#"{"deviceId": {"exact": []}}"#, false), f64::INFINITY);
        assert_eq!(
            d(r#"{"deviceId": {"exact": "CAM0"}}"#, false),
            f64::INFINITY
        );
        assert_eq!(
            d(r#"{"deviceId": {"exact": "cam0 "}}"#, false),
            f64::INFINITY
        );
        assert_eq!(d(r#"{"deviceId": {"ideal": []}}"#, false), 1.0);
        assert_eq!(
            d(r#"{"deviceId": {"exact": "cam0", "ideal": "cam1"}}"#, false),
            1.0
        );
    }

    #[test]
    fn boolean_parameters() {
        let mut lit = format(640, 480, 30.0);
        lit.torch = Some(true);
        let c = |exact, ideal| MediaTrackConstraintSet {
            torch: Some(ConstrainBoolean::Parameters(ConstrainBooleanParameters {
                exact,
                ideal,
            })),
            ..Default::default()
        };
        assert_eq!(fitness_distance(&c(Some(true), None), &lit, false), 0.0);
        assert_eq!(
            fitness_distance(&c(Some(false), None), &lit, false),
            f64::INFINITY
        );
        assert_eq!(fitness_distance(&c(None, Some(false)), &lit, false), 1.0);
        assert_eq!(fitness_distance(&c(None, None), &lit, false), 0.0);
    }

    // ---- select_settings ----

    #[test]
    fn picks_the_closest_candidate_to_the_ideal() {
        assert_eq!(select("{}"), Ok(0));
        assert_eq!(select(r#"{"width": 640}"#), Ok(1));
        assert_eq!(select(r#"{"width": 700}"#), Ok(1));
        assert_eq!(select(r#"{"width": 1000}"#), Ok(2));
        assert_eq!(select(r#"{"width": 4000}"#), Ok(3));
        assert_eq!(select(r#"{"width": 1920, "frameRate": 5}"#), Ok(4));
        assert_eq!(select(r#"{"height": {"min": 700}}"#), Ok(2));
        assert_eq!(
            select(r#"{"height": {"min": 700}, "frameRate": {"max": 10}}"#),
            Ok(4)
        );
        assert_eq!(select(r#"{"aspectRatio": {"exact": 1.3333333}}"#), Ok(0));
        assert_eq!(select(r#"{"frameRate": {"ideal": 5}}"#), Ok(4));
    }

    #[test]
    fn ties_go_to_the_earlier_candidate() {
        // 1920×1080 at 30 and at 5 fps are equally close to width 1920.
        assert_eq!(select(r#"{"width": 1920}"#), Ok(3));
        // Two identical candidates.
        let candidates = vec![format(1000, 500, 30.0), format(1000, 500, 30.0)];
        assert_eq!(
            select_settings(&candidates, &parse(r#"{"width": 999}"#)),
            Ok(0)
        );
    }

    #[test]
    fn advanced_sets_apply_in_order_and_are_skipped_whole_when_unsatisfiable() {
        let cases = [
            // The first set narrows to 1920×1080; the second asks for 5 fps within that.
            (r#"{"advanced": [{"width": 1920}, {"frameRate": 5}]}"#, 4),
            // No candidate meets the first set (width 1920 with height 480): it is skipped
            // whole, although each member alone could be met; the second set applies.
            (
                r#"{"advanced": [{"width": 1920, "height": 480}, {"width": 1280}]}"#,
                2,
            ),
            // In order: after {width: 640}, {width: 1280} is unsatisfiable and skipped.
            (r#"{"advanced": [{"width": 640}, {"width": 1280}]}"#, 1),
            // Advanced sets only filter; the basic set's ideal picks among what is left.
            (
                r#"{"width": 320, "advanced": [{"width": {"min": 1000}}]}"#,
                2,
            ),
            // An advanced set never makes the call fail.
            (r#"{"advanced": [{"width": 9999}]}"#, 0),
            // In an advanced set, an ideal alone filters nothing.
            (
                r#"{"width": 640, "advanced": [{"width": {"ideal": 1920}}]}"#,
                1,
            ),
        ];
        for (json, expected) in cases {
            assert_eq!(select(json), Ok(expected), "{json}");
        }
    }

    #[test]
    fn an_empty_or_missing_advanced_list_is_fine() {
        assert_eq!(select(r#"{"width": 640, "advanced": []}"#), Ok(1));
        assert_eq!(select(r#"{"width": 640}"#), Ok(1));
        assert_eq!(select(r#"{"advanced": [{}]}"#), Ok(0));
    }

    #[test]
    fn device_id_lists_choose_among_devices() {
        let candidates = vec![
            with_device(format(640, 480, 30.0), "front"),
            with_device(format(1280, 720, 30.0), "front"),
            with_device(format(640, 480, 30.0), "back"),
            with_device(format(1280, 720, 30.0), "back"),
        ];
        let pick = |json: &str| select_settings(&candidates, &parse(json));
        assert_eq!(pick(r#"{"deviceId": "back"}"#), Ok(2));
        assert_eq!(
            pick(r#"{"deviceId": ["usb", "back"], "width": 1280}"#),
            Ok(3)
        );
        assert_eq!(pick(r#"{"deviceId": {"exact": ["usb", "back"]}}"#), Ok(2));
        assert_eq!(pick(r#"{"deviceId": "usb"}"#), Ok(0));
        let e = assert_overconstrained(pick(r#"{"deviceId": {"exact": "usb"}}"#), "deviceId");
        assert!(e.message().contains("\"front\", \"back\""), "{e}");
        assert_eq!(
            pick(r#"{"width": 1280, "advanced": [{"deviceId": ["back"]}]}"#),
            Ok(3)
        );
    }

    #[test]
    fn overconstrained_names_the_first_constraint_nothing_meets_and_what_is_offered() {
        let e = assert_overconstrained(select(r#"{"width": {"exact": 9999}}"#), "width");
        assert_eq!(
            e.message(),
            "width: exact 9999 is not possible; the camera offers 320–1920"
        );
        // Member order decides, not the order in JSON.
        let e = assert_overconstrained(
            select(r#"{"frameRate": {"min": 60}, "height": {"min": 2000}}"#),
            "height",
        );
        assert!(
            e.message().contains("min 2000") && e.message().contains("240–1080"),
            "{e}"
        );
        // min > max cannot be met.
        let e = assert_overconstrained(select(r#"{"width": {"min": 1000, "max": 500}}"#), "width");
        assert!(e.message().contains("min 1000, max 500"), "{e}");
        // A single value offered.
        let e = assert_overconstrained(
            select(r#"{"resizeMode": {"exact": "crop-and-scale"}}"#),
            "resizeMode",
        );
        assert!(e.message().ends_with("the camera offers \"none\""), "{e}");
    }

    #[test]
    fn required_members_the_candidates_lack_are_overconstrained_and_ideal_ones_ignored() {
        let e = assert_overconstrained(select(r#"{"zoom": {"min": 1}}"#), "zoom");
        assert!(e.message().ends_with("the camera has no zoom"), "{e}");
        assert_overconstrained(select(r#"{"torch": {"exact": true}}"#), "torch");
        assert_overconstrained(select(r#"{"facingMode": {"exact": "user"}}"#), "facingMode");
        // Ideal: every candidate lacks it alike, so it changes nothing.
        assert_eq!(select(r#"{"zoom": 2, "width": 1280}"#), Ok(2));
        assert_eq!(
            select(r#"{"torch": true, "facingMode": "user", "pan": true}"#),
            Ok(0)
        );
        // An ideal member prefers the candidates that have it (spec step 5).
        let mut zoomable = format(320, 240, 30.0);
        zoomable.zoom = Some(1.0);
        let candidates = vec![format(320, 240, 30.0), zoomable];
        assert_eq!(
            select_settings(&candidates, &parse(r#"{"zoom": 2}"#)),
            Ok(1)
        );
        assert_eq!(
            select_settings(&candidates, &parse(r#"{"zoom": true}"#)),
            Ok(1)
        );
        assert_eq!(
            select_settings(&candidates, &parse(r#"{"zoom": false}"#)),
            Ok(0)
        );
    }

    #[test]
    fn constraints_each_possible_but_not_together_name_the_closest_candidates_failure() {
        // width 1920 exists, frameRate 60 does not: frameRate alone is impossible.
        assert_overconstrained(
            select(r#"{"width": {"exact": 1920}, "frameRate": {"exact": 60}}"#),
            "frameRate",
        );
        // width 320 and height 1080 each exist, never together; every candidate fails one.
        // The first candidate (320×240) fails height only: height is named.
        let e = assert_overconstrained(
            select(r#"{"width": {"exact": 320}, "height": {"exact": 1080}}"#),
            "height",
        );
        assert_eq!(
            e.message(),
            "height: exact 1080 is not possible together with width: exact 320; \
             the camera offers 240–1080"
        );
        // Three constraints, each met by some candidate: one candidate fails one of them, the
        // others two.
        let e = assert_overconstrained(
            select(r#"{"width": {"min": 1280}, "height": {"max": 480}, "frameRate": {"max": 10}}"#),
            // 320×240@30 and 640×480@30 fail width and frameRate; 1280×720@30 fails height and
            // frameRate; 1920×1080@30 fails height and frameRate; 1920×1080@5 fails height only.
            "height",
        );
        assert!(
            e.message()
                .contains("together with width: min 1280, frameRate: max 10"),
            "{e}"
        );
    }

    #[test]
    fn no_candidates_at_all() {
        let e = assert_overconstrained(
            select_settings(&[], &parse(r#"{"width": 640, "height": {"exact": 480}}"#)),
            "height",
        );
        assert_eq!(
            e.message(),
            "height: exact 480 is not possible; no camera format is available"
        );
        for json in ["{}", r#"{"width": 640, "advanced": [{"width": 640}]}"#] {
            let e = select_settings(&[], &parse(json)).unwrap_err();
            assert_eq!(e.name(), ErrorName::NotFound);
            assert_eq!(e.constraint(), None);
        }
    }

    #[test]
    fn metering_modes_select_by_their_javascript_names() {
        let mut manual = format(640, 480, 30.0);
        manual.focus_mode = Some(MeteringMode::Manual);
        let mut continuous = manual.clone();
        continuous.focus_mode = Some(MeteringMode::Continuous);
        let candidates = vec![manual, continuous];
        let c = MediaTrackConstraints::from(MediaTrackConstraintSet {
            focus_mode: Some(ConstrainDOMString::Parameters(
                ConstrainDOMStringParameters {
                    exact: None,
                    ideal: Some(StringOrList::One("continuous".into())),
                },
            )),
            ..Default::default()
        });
        assert_eq!(select_settings(&candidates, &c), Ok(1));
        let c = parse(r#"{"focusMode": {"exact": "single-shot"}}"#);
        let e = assert_overconstrained(select_settings(&candidates, &c), "focusMode");
        assert!(e.message().ends_with("\"manual\", \"continuous\""), "{e}");
    }

    #[test]
    fn widths_are_integers_in_the_struct() {
        // ConstrainULong through the typed API rather than JSON.
        let c = MediaTrackConstraints::from(MediaTrackConstraintSet {
            width: Some(ConstrainULong::between(600, 700)),
            ..Default::default()
        });
        assert_eq!(select_settings(&camera(), &c), Ok(1));
    }

    // ---- resolve_in_range and snap_to_range ----

    #[test]
    fn exact_must_be_in_range_and_on_the_step_grid() {
        assert_eq!(resolve(ConstrainDouble::exact(2.0), false), Ok(2.0));
        assert_eq!(resolve(ConstrainDouble::exact(1.0), false), Ok(1.0));
        assert_eq!(resolve(ConstrainDouble::exact(5.0), false), Ok(5.0));
        // 1 + 3·0.1 is 1.3000000000000003 in doubles: 1.3 is on the grid.
        assert_eq!(resolve(ConstrainDouble::exact(1.3), false), Ok(1.3));
        let e = assert_overconstrained(resolve(ConstrainDouble::exact(1.25), false), "zoom");
        assert_eq!(
            e.message(),
            "zoom: exact 1.25 is not possible; the camera offers 1–5 in steps of 0.1"
        );
        assert_overconstrained(resolve(ConstrainDouble::exact(5.1), false), "zoom");
        assert_overconstrained(resolve(ConstrainDouble::exact(0.9), false), "zoom");
        // Within the tolerance of 1e-9, relative.
        assert_eq!(
            resolve(ConstrainDouble::exact(2.0 + 1e-12), false),
            Ok(2.0 + 1e-12)
        );
        assert_overconstrained(resolve(ConstrainDouble::exact(2.0 + 1e-6), false), "zoom");
        // exact must also meet the constraint's own min and max.
        let c = ConstrainNumber::Range(NumberRange {
            min: None,
            max: Some(1.5),
            exact: Some(2.0),
            ideal: None,
        });
        assert_overconstrained(resolve(c, false), "zoom");
        // A continuous range takes any value inside.
        let continuous = MediaSettingsRange::new(1.0, 5.0, 0.0);
        assert_eq!(
            resolve_in_range(
                "zoom",
                &ConstrainDouble::exact(1.2345),
                &continuous,
                1.0,
                false
            ),
            Ok(1.2345)
        );
    }

    #[test]
    fn min_and_max_against_the_range() {
        assert_overconstrained(resolve(range(Some(6.0), None), false), "zoom");
        assert_overconstrained(resolve(range(None, Some(0.5)), false), "zoom");
        let e = assert_overconstrained(resolve(range(Some(3.0), Some(2.0)), false), "zoom");
        assert!(e.message().contains("min is greater than max"), "{e}");
        // No grid point between min and max.
        assert_overconstrained(resolve(range(Some(1.21), Some(1.29)), false), "zoom");
        // The current value (1) is below min: the nearest allowed value.
        assert_close(resolve(range(Some(2.0), None), false).unwrap(), 2.0);
        assert_close(resolve(range(Some(1.21), None), false).unwrap(), 1.3);
        // min or max at the range's ends.
        assert_close(resolve(range(Some(5.0), None), false).unwrap(), 5.0);
        assert_close(resolve(range(None, Some(1.0)), false).unwrap(), 1.0);
    }

    #[test]
    fn ideal_is_clamped_into_the_allowed_interval_and_snapped() {
        assert_close(resolve(ConstrainDouble::ideal(2.0), false).unwrap(), 2.0);
        assert_close(resolve(ConstrainDouble::ideal(2.04), false).unwrap(), 2.0);
        assert_close(resolve(ConstrainDouble::ideal(2.06), false).unwrap(), 2.1);
        assert_close(resolve(ConstrainDouble::ideal(9.0), false).unwrap(), 5.0);
        assert_close(resolve(ConstrainDouble::ideal(-9.0), false).unwrap(), 1.0);
        let c = ConstrainNumber::Range(NumberRange {
            min: Some(1.5),
            max: Some(3.0),
            exact: None,
            ideal: Some(4.0),
        });
        assert_close(resolve(c, false).unwrap(), 3.0);
        let c = ConstrainNumber::Range(NumberRange {
            min: Some(1.52),
            max: None,
            exact: None,
            ideal: Some(1.0),
        });
        assert_close(resolve(c, false).unwrap(), 1.6);
    }

    #[test]
    fn a_bare_value_is_ideal_in_the_basic_set_and_exact_in_an_advanced_set() {
        assert_close(resolve(ConstrainDouble::Value(7.0), false).unwrap(), 5.0);
        assert_close(resolve(ConstrainDouble::Value(2.04), false).unwrap(), 2.0);
        assert_overconstrained(resolve(ConstrainDouble::Value(7.0), true), "zoom");
        assert_overconstrained(resolve(ConstrainDouble::Value(2.04), true), "zoom");
        assert_eq!(resolve(ConstrainDouble::Value(2.0), true), Ok(2.0));
    }

    #[test]
    fn without_ideal_or_exact_the_current_value_stays_when_allowed() {
        let r = zoom_range();
        let empty = range(None, None);
        assert_eq!(resolve_in_range("zoom", &empty, &r, 3.3, false), Ok(3.3));
        assert_eq!(resolve_in_range("zoom", &empty, &r, 9.0, false), Ok(5.0));
        assert_close(
            resolve_in_range("zoom", &range(None, Some(2.0)), &r, 3.3, false).unwrap(),
            2.0,
        );
        assert_eq!(
            resolve_in_range("zoom", &range(Some(2.0), None), &r, 3.3, false),
            Ok(3.3)
        );
        assert_close(
            resolve_in_range("zoom", &empty, &r, f64::NAN, false).unwrap(),
            1.0,
        );
    }

    #[test]
    fn non_finite_constraints_are_type_errors() {
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            for c in [
                ConstrainDouble::Value(bad),
                ConstrainDouble::exact(bad),
                ConstrainDouble::ideal(bad),
                range(Some(bad), None),
                range(None, Some(bad)),
            ] {
                let e = resolve(c, false).unwrap_err();
                assert_eq!(e.name(), ErrorName::Type);
                assert!(e.message().starts_with("zoom: "), "{e}");
            }
        }
    }

    #[test]
    fn ranges_with_missing_members() {
        let open = MediaSettingsRange {
            min: None,
            max: None,
            step: None,
        };
        assert_eq!(
            resolve_in_range("iso", &ConstrainDouble::exact(123.4), &open, 100.0, false),
            Ok(123.4)
        );
        assert_eq!(snap_to_range(-7.5, &open), -7.5);
        let stepped = MediaSettingsRange {
            min: None,
            max: Some(100.0),
            step: Some(10.0),
        };
        assert_eq!(snap_to_range(44.0, &stepped), 40.0);
        assert_eq!(snap_to_range(-44.0, &stepped), -40.0);
        assert_eq!(snap_to_range(1000.0, &stepped), 100.0);
    }

    #[test]
    fn snap_to_range_clamps_and_snaps() {
        let r = MediaSettingsRange::new(10.0, 100.0, 5.0);
        assert_eq!(snap_to_range(3.0, &r), 10.0);
        assert_eq!(snap_to_range(101.0, &r), 100.0);
        assert_eq!(snap_to_range(12.4, &r), 10.0);
        assert_eq!(snap_to_range(12.6, &r), 15.0);
        assert_eq!(snap_to_range(f64::NAN, &r), 10.0);
        assert_eq!(snap_to_range(f64::INFINITY, &r), 100.0);
        // A max off the grid: the last grid point below it, never past it.
        let r = MediaSettingsRange::new(0.0, 10.0, 3.0);
        assert_eq!(snap_to_range(10.0, &r), 9.0);
        assert_eq!(snap_to_range(8.0, &r), 9.0);
        // Step 0: continuous.
        let r = MediaSettingsRange::new(0.0, 1.0, 0.0);
        assert_eq!(snap_to_range(0.123, &r), 0.123);
        // A broken range (min above max) does not panic.
        let r = MediaSettingsRange::new(5.0, 1.0, 1.0);
        assert!(snap_to_range(3.0, &r).is_finite());
    }
}
