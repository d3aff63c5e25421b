//! The `MediaStreamTrack` dictionaries and enums: settings, capabilities, supported constraints,
//! device info, with the members the Image Capture spec adds to them.

use serde::{Deserialize, Serialize};

use crate::photo::MediaSettingsRange;

/// `MeteringMode`: how a focus, exposure or white-balance control runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MeteringMode {
    /// No such control, or it is off.
    None,
    /// Set by the app and held.
    Manual,
    /// The device adjusts once, then holds.
    SingleShot,
    /// The device adjusts all the time.
    Continuous,
}

impl MeteringMode {
    /// The spec's spelling: `"none"`, `"manual"`, `"single-shot"`, `"continuous"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Manual => "manual",
            Self::SingleShot => "single-shot",
            Self::Continuous => "continuous",
        }
    }
}

/// `Point2D`: a point of interest, normalised to `[0, 1]` across the frame.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Point2D {
    /// From the left edge, 0 to 1.
    #[serde(default)]
    pub x: f64,
    /// From the top edge, 0 to 1.
    #[serde(default)]
    pub y: f64,
}

/// `MediaStreamTrackState`: whether the track still delivers media.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReadyState {
    /// The track delivers media (perhaps muted or disabled).
    Live,
    /// The track has ended for good: `stop()`, or the device went away.
    Ended,
}

/// The `kind` of a track.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TrackKind {
    /// An audio track.
    Audio,
    /// A video track: the only kind `ImageCapture` accepts.
    Video,
}

impl TrackKind {
    /// `"audio"` or `"video"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Audio => "audio",
            Self::Video => "video",
        }
    }
}

/// `ULongRange`: an integer range of a capability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ULongRange {
    /// The largest value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u32>,
    /// The smallest value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<u32>,
}

/// `DoubleRange`: a real range of a capability.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct DoubleRange {
    /// The largest value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// The smallest value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
}

/// Declares a dictionary whose members are all optional, with serde mapping them 1:1 to the
/// JavaScript dictionary (camelCase names, absent members omitted, unknown members ignored).
macro_rules! optional_dictionary {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$field_meta:meta])* $field:ident : $ty:ty, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
        #[serde(rename_all = "camelCase")]
        pub struct $name {
            $(
                $(#[$field_meta])*
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $field: Option<$ty>,
            )*
        }
    };
}

optional_dictionary! {
    /// `MediaTrackSettings`: the values a track runs with now (`track.getSettings()`).
    pub struct MediaTrackSettings {
        /// Frame width in pixels.
        width: u32,
        /// Frame height in pixels.
        height: u32,
        /// Frames per second.
        frame_rate: f64,
        /// Width divided by height.
        aspect_ratio: f64,
        /// `"user"`, `"environment"`, … where known.
        facing_mode: String,
        /// `"none"` (the camera's own sizes) or `"crop-and-scale"`.
        resize_mode: String,
        /// The device's id.
        device_id: String,
        /// The device group's id.
        group_id: String,
        /// White-balance mode.
        white_balance_mode: MeteringMode,
        /// Exposure mode.
        exposure_mode: MeteringMode,
        /// Focus mode.
        focus_mode: MeteringMode,
        /// Points of interest, normalised.
        points_of_interest: Vec<Point2D>,
        /// Exposure compensation in EV.
        exposure_compensation: f64,
        /// Exposure time in units of 100 µs.
        exposure_time: f64,
        /// Colour temperature in kelvin.
        color_temperature: f64,
        /// ISO sensitivity.
        iso: f64,
        /// Brightness.
        brightness: f64,
        /// Contrast.
        contrast: f64,
        /// Saturation.
        saturation: f64,
        /// Sharpness.
        sharpness: f64,
        /// Focus distance in metres.
        focus_distance: f64,
        /// Pan in arc-seconds.
        pan: f64,
        /// Tilt in arc-seconds.
        tilt: f64,
        /// Zoom ratio.
        zoom: f64,
        /// Whether the torch is on.
        torch: bool,
    }
}

optional_dictionary! {
    /// `MediaTrackCapabilities`: the values a track can take (`track.getCapabilities()`).
    pub struct MediaTrackCapabilities {
        /// Frame widths.
        width: ULongRange,
        /// Frame heights.
        height: ULongRange,
        /// Frame rates.
        frame_rate: DoubleRange,
        /// Aspect ratios.
        aspect_ratio: DoubleRange,
        /// Facing modes.
        facing_mode: Vec<String>,
        /// Resize modes.
        resize_mode: Vec<String>,
        /// The device's id.
        device_id: String,
        /// The device group's id.
        group_id: String,
        /// White-balance modes.
        white_balance_mode: Vec<MeteringMode>,
        /// Exposure modes.
        exposure_mode: Vec<MeteringMode>,
        /// Focus modes.
        focus_mode: Vec<MeteringMode>,
        /// Exposure compensation range, EV.
        exposure_compensation: MediaSettingsRange,
        /// Exposure time range, 100 µs units.
        exposure_time: MediaSettingsRange,
        /// Colour temperature range, kelvin.
        color_temperature: MediaSettingsRange,
        /// ISO range.
        iso: MediaSettingsRange,
        /// Brightness range.
        brightness: MediaSettingsRange,
        /// Contrast range.
        contrast: MediaSettingsRange,
        /// Saturation range.
        saturation: MediaSettingsRange,
        /// Sharpness range.
        sharpness: MediaSettingsRange,
        /// Focus distance range, metres.
        focus_distance: MediaSettingsRange,
        /// Pan range, arc-seconds.
        pan: MediaSettingsRange,
        /// Tilt range, arc-seconds.
        tilt: MediaSettingsRange,
        /// Zoom range, ratio.
        zoom: MediaSettingsRange,
        /// Torch states available (`[false, true]` with a torch).
        torch: Vec<bool>,
    }
}

optional_dictionary! {
    /// `MediaTrackSupportedConstraints`: which constraint names the implementation understands
    /// (`navigator.mediaDevices.getSupportedConstraints()`).
    pub struct MediaTrackSupportedConstraints {
        /// `width`.
        width: bool,
        /// `height`.
        height: bool,
        /// `frameRate`.
        frame_rate: bool,
        /// `aspectRatio`.
        aspect_ratio: bool,
        /// `facingMode`.
        facing_mode: bool,
        /// `resizeMode`.
        resize_mode: bool,
        /// `deviceId`.
        device_id: bool,
        /// `groupId`.
        group_id: bool,
        /// `whiteBalanceMode`.
        white_balance_mode: bool,
        /// `exposureMode`.
        exposure_mode: bool,
        /// `focusMode`.
        focus_mode: bool,
        /// `pointsOfInterest`.
        points_of_interest: bool,
        /// `exposureCompensation`.
        exposure_compensation: bool,
        /// `exposureTime`.
        exposure_time: bool,
        /// `colorTemperature`.
        color_temperature: bool,
        /// `iso`.
        iso: bool,
        /// `brightness`.
        brightness: bool,
        /// `contrast`.
        contrast: bool,
        /// `saturation`.
        saturation: bool,
        /// `sharpness`.
        sharpness: bool,
        /// `focusDistance`.
        focus_distance: bool,
        /// `pan`.
        pan: bool,
        /// `tilt`.
        tilt: bool,
        /// `zoom`.
        zoom: bool,
        /// `torch`.
        torch: bool,
    }
}

/// `MediaDeviceKind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaDeviceKind {
    /// A camera.
    #[serde(rename = "videoinput")]
    VideoInput,
    /// A microphone.
    #[serde(rename = "audioinput")]
    AudioInput,
    /// A speaker.
    #[serde(rename = "audiooutput")]
    AudioOutput,
}

/// `MediaDeviceInfo`: one entry of `enumerateDevices()`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MediaDeviceInfo {
    /// Stable id of the device; pass it as the `deviceId` constraint to open this device.
    pub device_id: String,
    /// What sort of device it is.
    pub kind: MediaDeviceKind,
    /// A name for people, e.g. the camera's model.
    pub label: String,
    /// Devices of one physical product share a group id.
    pub group_id: String,
}
