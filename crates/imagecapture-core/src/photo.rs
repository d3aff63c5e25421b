//! The photo dictionaries and enums of the Image Capture spec: what `getPhotoCapabilities()` and
//! `getPhotoSettings()` return and what `takePhoto()` takes.
//!
//! Field names are the spec's in snake_case; serde maps them 1:1 to the JavaScript dictionaries
//! (camelCase, absent members omitted), so a value round-trips through `JSON.stringify`.

use serde::{Deserialize, Serialize};

/// `MediaSettingsRange`: the range of a numeric setting. Every member is optional in the
/// dictionary; this API always fills all three.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MediaSettingsRange {
    /// The largest value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// The smallest value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// The spacing between values, `0` when any value in the range goes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<f64>,
}

impl MediaSettingsRange {
    /// A range with all three members set.
    pub const fn new(min: f64, max: f64, step: f64) -> Self {
        Self {
            max: Some(max),
            min: Some(min),
            step: Some(step),
        }
    }
}

/// `RedEyeReduction`: whether the device reduces red eyes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RedEyeReduction {
    /// The device never reduces red eyes.
    Never,
    /// The device always reduces red eyes.
    Always,
    /// The app decides, through `PhotoSettings::red_eye_reduction`.
    Controllable,
}

/// `FillLightMode`: the flash for a photo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FillLightMode {
    /// The device decides when to fire the flash.
    Auto,
    /// No flash.
    Off,
    /// The flash fires for the photo.
    Flash,
}

impl FillLightMode {
    /// The spec's spelling: `"auto"`, `"off"`, `"flash"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Off => "off",
            Self::Flash => "flash",
        }
    }

    /// Parses the spec's spelling; `None` for anything else (WebIDL makes that a `TypeError`).
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "auto" => Some(Self::Auto),
            "off" => Some(Self::Off),
            "flash" => Some(Self::Flash),
            _ => None,
        }
    }
}

/// `PhotoCapabilities`: what `takePhoto()` can do on this device.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PhotoCapabilities {
    /// Whether red-eye reduction is available.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub red_eye_reduction: Option<RedEyeReduction>,
    /// The photo heights the device can take, in pixels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_height: Option<MediaSettingsRange>,
    /// The photo widths the device can take, in pixels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_width: Option<MediaSettingsRange>,
    /// The flash modes available; empty when the device has no flash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fill_light_mode: Option<Vec<FillLightMode>>,
}

/// `PhotoSettings`: the settings of one photo (`takePhoto(settings)`), or the current ones
/// (`getPhotoSettings()`).
///
/// The last two members are this project's extensions, named after `ImageEncodeOptions` of
/// `OffscreenCanvas.convertToBlob()`; browsers' own `takePhoto()` ignores them.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PhotoSettings {
    /// The flash mode for the photo.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fill_light_mode: Option<FillLightMode>,
    /// The photo's height in pixels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_height: Option<f64>,
    /// The photo's width in pixels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_width: Option<f64>,
    /// Whether to reduce red eyes (only when the capability is `controllable`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub red_eye_reduction: Option<bool>,
    /// Extension: the encoded image's MIME type, `"image/jpeg"` (the default, like Chrome) or
    /// `"image/png"`. Another type is `NotSupportedError`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub mime_type: Option<String>,
    /// Extension: the JPEG quality from 0 to 1 (default 0.92, as `canvas.toBlob`); values
    /// outside 0..=1 and non-finite ones are ignored, as by `canvas.toBlob`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality: Option<f64>,
}

impl PhotoSettings {
    /// Settings asking for a photo of this width (the height follows the aspect ratio).
    pub fn with_width(width: f64) -> Self {
        Self {
            image_width: Some(width),
            ..Self::default()
        }
    }
}
