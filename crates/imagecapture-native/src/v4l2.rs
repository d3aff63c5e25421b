//! The V4L2 controls this crate maps to the Image Capture members, by their ids from
//! `linux/v4l2-controls.h`, and how nokhwa names them.
//!
//! # The mapping
//!
//! A track's `getCapabilities()`, `getSettings()` and `applyConstraints()` reach the camera's
//! *absolute* controls and its auto/manual switches (not the relative ones nokhwa's own names
//! stand for), converted to the spec's units:
//!
//! | member | V4L2 control | conversion | on vivid |
//! |---|---|---|---|
//! | `whiteBalanceMode` | `AUTO_WHITE_BALANCE` (boolean) | on = `"continuous"`, off = `"manual"` | not verified: vivid has no such control |
//! | `exposureMode` | `EXPOSURE_AUTO` (menu) | 1 manual, 2 shutter priority = `"manual"`; 0 auto, 3 aperture priority = `"continuous"` (written: 1, or the device's default auto entry, else 3) | not verified: vivid has no such control |
//! | `focusMode` | `FOCUS_AUTO` (boolean) | on = `"continuous"`, off = `"manual"` | not verified: vivid has no such control |
//! | `exposureCompensation` | `AUTO_EXPOSURE_BIAS` | EV = value / 1000 (V4L2 counts 0.001 EV) | not verified: vivid has no such control |
//! | `exposureTime` | `EXPOSURE_ABSOLUTE` | as is: both count 100 µs | not verified: vivid has no such control |
//! | `colorTemperature` | `WHITE_BALANCE_TEMPERATURE` | as is: kelvin | not verified: vivid has no such control |
//! | `iso` | `ISO_SENSITIVITY` (`ISO_SENSITIVITY_AUTO` set to manual first) | as is | not verified: vivid has no such control |
//! | `brightness`, `contrast`, `saturation`, `sharpness` | `BRIGHTNESS`, `CONTRAST`, `SATURATION`, `SHARPNESS` | as is, device units | **verified** (all but `sharpness`, which vivid lacks): the value applied is what `VIDIOC_G_CTRL` reads; out of range is OverconstrainedError and leaves the driver's value; brightness changes the picture |
//! | `focusDistance` | `FOCUS_ABSOLUTE` | as is: device units (V4L2 defines none; not metres) | not verified: vivid has no such control |
//! | `pan`, `tilt` | `PAN_ABSOLUTE`, `TILT_ABSOLUTE` | as is: both count arc-seconds | not verified: vivid has no such control |
//! | `zoom` | `ZOOM_ABSOLUTE` | ratio = value / minimum (device units are the lens' own; a minimum of 0 or less counts 100 units a ratio step of 1: 1 + (value − min) / 100) | not verified: vivid has no such control |
//! | `torch` | `FLASH_LED_MODE` (menu) | `true` = 2 (torch), `false` = 0 (none); offered when the menu reaches 2 | not verified: vivid has no such control |
//! | `pointsOfInterest` | — | no V4L2 control nokhwa can reach: not offered | — |
//!
//! *On vivid*: the kernel's virtual video test driver, a real V4L2 driver run in a QEMU guest
//! by `cargo xtask test` (`tests/conformance/tests/v4l2.rs`). Its camera has only the user-class
//! brightness, contrast, saturation and hue (plus its own test controls), so the other rows are
//! checked on the fake camera only, which lists its controls as a UVC webcam's driver does.
//!
//! A mode without its switch but with its value control (a camera with `FOCUS_ABSOLUTE` and no
//! `FOCUS_AUTO`) is offered as `["manual"]` only. `"single-shot"` is never offered: V4L2's
//! one-shot controls (`AUTO_FOCUS_START`, `DO_WHITE_BALANCE`) are buttons, which nokhwa's V4L2
//! backend neither lists nor can verify a write of. Writes go mode switches first, then zoom,
//! pan and tilt, then the rest; a refused write undoes the ones before it.
//!
//! # nokhwa's names
//!
//! nokhwa's V4L2 backend queries and sets any control by its raw id as
//! `KnownCameraControl::Other(id)`, except fifteen ids it lists under their own
//! `KnownCameraControl` names (`V4L2_CID_BRIGHTNESS` is `KnownCameraControl::Brightness`, …). A
//! control is only found again (and a write only verified) under the name nokhwa lists it by,
//! so [`nokhwa_id`] gives that name for any id, exactly as nokhwa does, and [`cid_of`] goes
//! back. The fake camera lists its controls the same way, so the mapping code runs as on a
//! webcam.

use nokhwa::utils::KnownCameraControl;

/// `V4L2_CID_BRIGHTNESS`: integer, device units.
pub const BRIGHTNESS: u32 = 0x0098_0900;
/// `V4L2_CID_CONTRAST`: integer, device units.
pub const CONTRAST: u32 = 0x0098_0901;
/// `V4L2_CID_SATURATION`: integer, device units.
pub const SATURATION: u32 = 0x0098_0902;
/// `V4L2_CID_HUE`.
pub const HUE: u32 = 0x0098_0903;
/// `V4L2_CID_AUTO_WHITE_BALANCE`: boolean.
pub const AUTO_WHITE_BALANCE: u32 = 0x0098_090c;
/// `V4L2_CID_GAMMA`.
pub const GAMMA: u32 = 0x0098_0910;
/// `V4L2_CID_EXPOSURE` (user class; not the one mapped: see [`EXPOSURE_ABSOLUTE`]).
pub const EXPOSURE: u32 = 0x0098_0911;
/// `V4L2_CID_GAIN`.
pub const GAIN: u32 = 0x0098_0913;
/// `V4L2_CID_POWER_LINE_FREQUENCY`: menu.
pub const POWER_LINE_FREQUENCY: u32 = 0x0098_0918;
/// `V4L2_CID_WHITE_BALANCE_TEMPERATURE`: integer, kelvin.
pub const WHITE_BALANCE_TEMPERATURE: u32 = 0x0098_091a;
/// `V4L2_CID_SHARPNESS`: integer, device units.
pub const SHARPNESS: u32 = 0x0098_091b;
/// `V4L2_CID_BACKLIGHT_COMPENSATION`.
pub const BACKLIGHT_COMPENSATION: u32 = 0x0098_091c;

/// `V4L2_CID_EXPOSURE_AUTO`: menu, see [`EXPOSURE_AUTO_MODE`], [`EXPOSURE_MANUAL`],
/// [`EXPOSURE_SHUTTER_PRIORITY`], [`EXPOSURE_APERTURE_PRIORITY`].
pub const EXPOSURE_AUTO: u32 = 0x009a_0901;
/// `V4L2_CID_EXPOSURE_ABSOLUTE`: integer, 100 µs units.
pub const EXPOSURE_ABSOLUTE: u32 = 0x009a_0902;
/// `V4L2_CID_EXPOSURE_AUTO_PRIORITY`: boolean.
pub const EXPOSURE_AUTO_PRIORITY: u32 = 0x009a_0903;
/// `V4L2_CID_PAN_RELATIVE` (what nokhwa calls `KnownCameraControl::Pan`; not mapped).
pub const PAN_RELATIVE: u32 = 0x009a_0904;
/// `V4L2_CID_TILT_RELATIVE` (what nokhwa calls `KnownCameraControl::Tilt`; not mapped).
pub const TILT_RELATIVE: u32 = 0x009a_0905;
/// `V4L2_CID_PAN_ABSOLUTE`: integer, arc-seconds, positive to the right.
pub const PAN_ABSOLUTE: u32 = 0x009a_0908;
/// `V4L2_CID_TILT_ABSOLUTE`: integer, arc-seconds, positive up.
pub const TILT_ABSOLUTE: u32 = 0x009a_0909;
/// `V4L2_CID_FOCUS_ABSOLUTE`: integer, device units.
pub const FOCUS_ABSOLUTE: u32 = 0x009a_090a;
/// `V4L2_CID_FOCUS_RELATIVE` (what nokhwa calls `KnownCameraControl::Focus`; not mapped).
pub const FOCUS_RELATIVE: u32 = 0x009a_090b;
/// `V4L2_CID_FOCUS_AUTO`: boolean.
pub const FOCUS_AUTO: u32 = 0x009a_090c;
/// `V4L2_CID_ZOOM_ABSOLUTE`: integer, device units.
pub const ZOOM_ABSOLUTE: u32 = 0x009a_090d;
/// `V4L2_CID_ZOOM_RELATIVE` (what nokhwa calls `KnownCameraControl::Zoom`; not mapped).
pub const ZOOM_RELATIVE: u32 = 0x009a_090e;
/// `V4L2_CID_IRIS_RELATIVE` (what nokhwa calls `KnownCameraControl::Iris`; not mapped).
pub const IRIS_RELATIVE: u32 = 0x009a_0912;
/// `V4L2_CID_AUTO_EXPOSURE_BIAS`: 0.001 EV units (an integer menu in the kernel API).
pub const AUTO_EXPOSURE_BIAS: u32 = 0x009a_0913;
/// `V4L2_CID_ISO_SENSITIVITY`: ISO (an integer menu in the kernel API).
pub const ISO_SENSITIVITY: u32 = 0x009a_0917;
/// `V4L2_CID_ISO_SENSITIVITY_AUTO`: menu, 0 manual, 1 auto.
pub const ISO_SENSITIVITY_AUTO: u32 = 0x009a_0918;

/// `V4L2_CID_FLASH_LED_MODE`: menu, [`FLASH_LED_MODE_NONE`], [`FLASH_LED_MODE_FLASH`],
/// [`FLASH_LED_MODE_TORCH`].
pub const FLASH_LED_MODE: u32 = 0x009c_0901;

/// `V4L2_EXPOSURE_AUTO`: automatic exposure time and iris.
pub const EXPOSURE_AUTO_MODE: i64 = 0;
/// `V4L2_EXPOSURE_MANUAL`: manual exposure time and iris.
pub const EXPOSURE_MANUAL: i64 = 1;
/// `V4L2_EXPOSURE_SHUTTER_PRIORITY`: manual exposure time, automatic iris.
pub const EXPOSURE_SHUTTER_PRIORITY: i64 = 2;
/// `V4L2_EXPOSURE_APERTURE_PRIORITY`: automatic exposure time, manual iris (what UVC webcams
/// call "auto").
pub const EXPOSURE_APERTURE_PRIORITY: i64 = 3;

/// `V4L2_ISO_SENSITIVITY_MANUAL`.
pub const ISO_SENSITIVITY_MANUAL: i64 = 0;

/// `V4L2_FLASH_LED_MODE_NONE`: the LED is off.
pub const FLASH_LED_MODE_NONE: i64 = 0;
/// `V4L2_FLASH_LED_MODE_FLASH`: the LED flashes when strobed.
pub const FLASH_LED_MODE_FLASH: i64 = 1;
/// `V4L2_FLASH_LED_MODE_TORCH`: the LED is on.
pub const FLASH_LED_MODE_TORCH: i64 = 2;

/// The ids nokhwa's V4L2 backend lists under their own names, with those names.
const NAMED: [(u32, KnownCameraControl); 15] = [
    (BRIGHTNESS, KnownCameraControl::Brightness),
    (CONTRAST, KnownCameraControl::Contrast),
    (HUE, KnownCameraControl::Hue),
    (SATURATION, KnownCameraControl::Saturation),
    (SHARPNESS, KnownCameraControl::Sharpness),
    (GAMMA, KnownCameraControl::Gamma),
    (WHITE_BALANCE_TEMPERATURE, KnownCameraControl::WhiteBalance),
    (BACKLIGHT_COMPENSATION, KnownCameraControl::BacklightComp),
    (GAIN, KnownCameraControl::Gain),
    (PAN_RELATIVE, KnownCameraControl::Pan),
    (TILT_RELATIVE, KnownCameraControl::Tilt),
    (ZOOM_RELATIVE, KnownCameraControl::Zoom),
    (EXPOSURE, KnownCameraControl::Exposure),
    (IRIS_RELATIVE, KnownCameraControl::Iris),
    (FOCUS_RELATIVE, KnownCameraControl::Focus),
];

/// The name nokhwa's V4L2 backend gives the control `cid` (its `id_to_known_camera_control`):
/// one of fifteen `KnownCameraControl` names, else `Other(cid)`.
pub fn nokhwa_id(cid: u32) -> KnownCameraControl {
    NAMED
        .iter()
        .find(|(id, _)| *id == cid)
        .map_or(KnownCameraControl::Other(u128::from(cid)), |(_, known)| {
            *known
        })
}

/// The V4L2 id of a control as nokhwa's V4L2 backend names it; `None` for an `Other` id that
/// does not fit a V4L2 id.
pub fn cid_of(control: KnownCameraControl) -> Option<u32> {
    match control {
        KnownCameraControl::Other(id) => u32::try_from(id).ok(),
        known => NAMED.iter().find(|(_, k)| *k == known).map(|(id, _)| *id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_nokhwas_names() {
        assert_eq!(nokhwa_id(BRIGHTNESS), KnownCameraControl::Brightness);
        assert_eq!(
            nokhwa_id(WHITE_BALANCE_TEMPERATURE),
            KnownCameraControl::WhiteBalance
        );
        assert_eq!(
            nokhwa_id(ZOOM_ABSOLUTE),
            KnownCameraControl::Other(u128::from(ZOOM_ABSOLUTE))
        );
        for cid in [
            BRIGHTNESS,
            SHARPNESS,
            ZOOM_ABSOLUTE,
            FOCUS_AUTO,
            FLASH_LED_MODE,
        ] {
            assert_eq!(cid_of(nokhwa_id(cid)), Some(cid));
        }
        assert_eq!(cid_of(KnownCameraControl::Other(u128::MAX)), None);
    }
}
