//! The constraint dictionaries of Media Capture and Streams with the members Image Capture adds,
//! in every form JavaScript allows: a bare value, `{exact}`, `{ideal}`, `{min, max}`, `true` for
//! pan/tilt/zoom, and `advanced: [...]`.

use serde::{Deserialize, Serialize};

use crate::track::Point2D;

/// The object form of a numeric constraint: `{min, max, exact, ideal}`.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
pub struct NumberRange<T> {
    /// The value must be at least this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<T>,
    /// The value must be at most this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<T>,
    /// The value must be exactly this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exact: Option<T>,
    /// The value should be as close to this as the device allows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ideal: Option<T>,
}

/// A numeric constraint: a bare value (ideal in the basic set, exact in an advanced set) or
/// `{min, max, exact, ideal}`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ConstrainNumber<T> {
    /// `width: 640`.
    Value(T),
    /// `width: {min: 320, ideal: 640}`.
    Range(NumberRange<T>),
}

/// `ConstrainULong`: width, height.
pub type ConstrainULong = ConstrainNumber<u32>;
/// `ConstrainDouble`: frameRate, aspectRatio, and the image-capture numeric members.
pub type ConstrainDouble = ConstrainNumber<f64>;

impl<T: Copy> ConstrainNumber<T> {
    /// `{exact: value}`.
    pub fn exact(value: T) -> Self {
        Self::Range(NumberRange {
            min: None,
            max: None,
            exact: Some(value),
            ideal: None,
        })
    }

    /// `{ideal: value}`.
    pub fn ideal(value: T) -> Self {
        Self::Range(NumberRange {
            min: None,
            max: None,
            exact: None,
            ideal: Some(value),
        })
    }

    /// `{min, max}`.
    pub fn between(min: T, max: T) -> Self {
        Self::Range(NumberRange {
            min: Some(min),
            max: Some(max),
            exact: None,
            ideal: None,
        })
    }
}

/// One string or a list of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum StringOrList {
    /// `"user"`.
    One(String),
    /// `["user", "environment"]`.
    List(Vec<String>),
}

impl StringOrList {
    /// The strings, one or many.
    pub fn as_slice(&self) -> &[String] {
        match self {
            Self::One(value) => std::slice::from_ref(value),
            Self::List(values) => values,
        }
    }
}

/// The object form of `ConstrainDOMString`: `{exact, ideal}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ConstrainDOMStringParameters {
    /// The value must be (one of) this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exact: Option<StringOrList>,
    /// The value should be (one of) this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ideal: Option<StringOrList>,
}

/// `ConstrainDOMString`: deviceId, facingMode, resizeMode, the metering modes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ConstrainDOMString {
    /// A bare string or list of strings.
    Value(StringOrList),
    /// `{exact, ideal}`.
    Parameters(ConstrainDOMStringParameters),
}

impl ConstrainDOMString {
    /// `{exact: value}`.
    pub fn exact(value: impl Into<String>) -> Self {
        Self::Parameters(ConstrainDOMStringParameters {
            exact: Some(StringOrList::One(value.into())),
            ideal: None,
        })
    }
}

/// The object form of `ConstrainBoolean`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ConstrainBooleanParameters {
    /// The value must be this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exact: Option<bool>,
    /// The value should be this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ideal: Option<bool>,
}

/// `ConstrainBoolean`: torch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ConstrainBoolean {
    /// A bare boolean.
    Value(bool),
    /// `{exact, ideal}`.
    Parameters(ConstrainBooleanParameters),
}

/// The object form of `ConstrainPoint2D`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ConstrainPoint2DParameters {
    /// The points must be these.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exact: Option<Vec<Point2D>>,
    /// The points should be these.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ideal: Option<Vec<Point2D>>,
}

/// `ConstrainPoint2D`: pointsOfInterest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ConstrainPoint2D {
    /// A bare list of points.
    Value(Vec<Point2D>),
    /// `{exact, ideal}`.
    Parameters(ConstrainPoint2DParameters),
}

/// `(boolean or ConstrainDouble)`: pan, tilt, zoom. `true` asks for the control to be exposed
/// without constraining its value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum BoolOrConstrainDouble {
    /// `zoom: true`.
    Bool(bool),
    /// `zoom: 2` or `zoom: {min: 1.5}`.
    Constrain(ConstrainDouble),
}

/// `MediaTrackConstraintSet`: one set of constraints, the basic set or one of `advanced`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MediaTrackConstraintSet {
    /// Frame width in pixels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<ConstrainULong>,
    /// Frame height in pixels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<ConstrainULong>,
    /// Frames per second.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frame_rate: Option<ConstrainDouble>,
    /// Width / height.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aspect_ratio: Option<ConstrainDouble>,
    /// `"user"`, `"environment"`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facing_mode: Option<ConstrainDOMString>,
    /// `"none"` or `"crop-and-scale"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resize_mode: Option<ConstrainDOMString>,
    /// The device to open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<ConstrainDOMString>,
    /// The device group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_id: Option<ConstrainDOMString>,
    /// White-balance mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub white_balance_mode: Option<ConstrainDOMString>,
    /// Exposure mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exposure_mode: Option<ConstrainDOMString>,
    /// Focus mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub focus_mode: Option<ConstrainDOMString>,
    /// Points of interest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points_of_interest: Option<ConstrainPoint2D>,
    /// Exposure compensation, EV.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exposure_compensation: Option<ConstrainDouble>,
    /// Exposure time, 100 µs units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exposure_time: Option<ConstrainDouble>,
    /// Colour temperature, kelvin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color_temperature: Option<ConstrainDouble>,
    /// ISO.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iso: Option<ConstrainDouble>,
    /// Brightness.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brightness: Option<ConstrainDouble>,
    /// Contrast.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contrast: Option<ConstrainDouble>,
    /// Saturation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub saturation: Option<ConstrainDouble>,
    /// Sharpness.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sharpness: Option<ConstrainDouble>,
    /// Focus distance, metres.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub focus_distance: Option<ConstrainDouble>,
    /// Pan, arc-seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pan: Option<BoolOrConstrainDouble>,
    /// Tilt, arc-seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tilt: Option<BoolOrConstrainDouble>,
    /// Zoom ratio.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zoom: Option<BoolOrConstrainDouble>,
    /// Torch on or off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub torch: Option<ConstrainBoolean>,
}

/// `MediaTrackConstraints`: the basic constraint set plus `advanced` sets tried in order.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MediaTrackConstraints {
    /// The basic (required and ideal) constraints.
    #[serde(flatten)]
    pub basic: MediaTrackConstraintSet,
    /// Sets applied in order, each skipped whole when it cannot be satisfied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advanced: Option<Vec<MediaTrackConstraintSet>>,
}

impl From<MediaTrackConstraintSet> for MediaTrackConstraints {
    fn from(basic: MediaTrackConstraintSet) -> Self {
        Self {
            basic,
            advanced: None,
        }
    }
}

/// `boolean or MediaTrackConstraints`: the `video` / `audio` member of `getUserMedia()`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum TrackConstraints {
    /// `video: true` (any camera) or `false` (none).
    Bool(bool),
    /// `video: {width: 1280, …}`.
    Constraints(Box<MediaTrackConstraints>),
}

impl TrackConstraints {
    /// The constraints asked for, or `None` when this kind of track is not requested.
    pub fn requested(&self) -> Option<MediaTrackConstraints> {
        match self {
            Self::Bool(false) => None,
            Self::Bool(true) => Some(MediaTrackConstraints::default()),
            Self::Constraints(c) => Some((**c).clone()),
        }
    }
}

/// `MediaStreamConstraints`: the argument of `getUserMedia()`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct MediaStreamConstraints {
    /// Whether and how to capture video.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video: Option<TrackConstraints>,
    /// Whether and how to capture audio.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio: Option<TrackConstraints>,
}

impl MediaStreamConstraints {
    /// `{video: true}`: any camera.
    pub fn video() -> Self {
        Self {
            video: Some(TrackConstraints::Bool(true)),
            audio: None,
        }
    }

    /// `{video: constraints}`.
    pub fn video_with(constraints: impl Into<MediaTrackConstraints>) -> Self {
        Self {
            video: Some(TrackConstraints::Constraints(Box::new(constraints.into()))),
            audio: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_javascript_form_of_a_constraint_parses() {
        let c: MediaTrackConstraints = serde_json::from_str(
            r#"{"width": 640, "height": {"min": 240, "ideal": 480}, "frameRate": {"exact": 30},
                "deviceId": ["a", "b"], "facingMode": {"ideal": "user"}, "zoom": true,
                "pan": {"min": -3600}, "torch": {"exact": true}, "unknownMember": 1,
                "pointsOfInterest": [{"x": 0.5, "y": 0.25}],
                "advanced": [{"width": 1280}, {"zoom": 2}]}"#,
        )
        .unwrap();
        assert_eq!(c.basic.width, Some(ConstrainNumber::Value(640)));
        assert_eq!(
            c.basic.height,
            Some(ConstrainNumber::Range(NumberRange {
                min: Some(240),
                max: None,
                exact: None,
                ideal: Some(480)
            }))
        );
        assert_eq!(c.basic.frame_rate, Some(ConstrainDouble::exact(30.0)));
        assert_eq!(
            c.basic.device_id,
            Some(ConstrainDOMString::Value(StringOrList::List(vec![
                "a".into(),
                "b".into()
            ])))
        );
        assert_eq!(c.basic.zoom, Some(BoolOrConstrainDouble::Bool(true)));
        assert_eq!(
            c.basic.torch,
            Some(ConstrainBoolean::Parameters(ConstrainBooleanParameters {
                exact: Some(true),
                ideal: None
            }))
        );
        let advanced = c.advanced.unwrap();
        assert_eq!(advanced.len(), 2);
        assert_eq!(
            advanced[1].zoom,
            Some(BoolOrConstrainDouble::Constrain(ConstrainNumber::Value(
                2.0
            )))
        );
    }

    #[test]
    fn constraints_serialise_back_to_the_javascript_shape() {
        let c = MediaStreamConstraints::video_with(MediaTrackConstraintSet {
            width: Some(ConstrainULong::exact(1280)),
            frame_rate: Some(ConstrainDouble::Value(30.0)),
            ..Default::default()
        });
        assert_eq!(
            serde_json::to_string(&c).unwrap(),
            r#"{"video":{"width":{"exact":1280},"frameRate":30.0}}"#
        );
    }
}
