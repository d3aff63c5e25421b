//! The fake camera's controls: what a UVC webcam offers through V4L2, with its ranges, steps,
//! defaults, auto/manual switches and error behaviour.

use std::collections::BTreeMap;

use nokhwa_core::error::NokhwaError;
use nokhwa_core::types::{
    CameraControl, ControlValueDescription, ControlValueSetter, KnownCameraControl,
    KnownCameraControlFlag,
};

use crate::v4l2;

/// What an out-of-range write says (`ERANGE`).
const OUT_OF_RANGE: &str = "Numerical result out of range (os error 34)";
/// What a write to an unknown control or an invalid menu entry says (`EINVAL`).
const INVALID: &str = "Invalid argument (os error 22)";
/// What a write to an inactive control says (`EACCES`: uvcvideo refuses writes to a value its
/// automatic mode owns).
const INACTIVE: &str = "Permission denied (os error 13)";
/// What nokhwa says when it reads back another value than it wrote (uvcvideo rounds an
/// off-step value to the step; nokhwa's V4L2 backend then reports the write as rejected).
const REJECTED: &str = "Rejected";

/// The shape of one control's values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FakeControlKind {
    /// `V4L2_CTRL_TYPE_INTEGER`: `min..=max` in steps of `step` from `min`.
    Integer {
        /// The smallest value.
        min: i64,
        /// The largest value.
        max: i64,
        /// The spacing of values, at least 1.
        step: i64,
    },
    /// `V4L2_CTRL_TYPE_BOOLEAN`.
    Boolean,
    /// `V4L2_CTRL_TYPE_MENU`: `min..=max`, of which only `valid` entries can be set (as the
    /// `EXPOSURE_AUTO` menu of UVC webcams, which lists 0–3 but takes only 1 and 3).
    Menu {
        /// The first entry.
        min: i64,
        /// The last entry.
        max: i64,
        /// The entries that can be set.
        valid: Vec<i64>,
    },
}

/// One control of the fake camera, as V4L2 describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FakeControl {
    id: u32,
    name: &'static str,
    kind: FakeControlKind,
    default: i64,
}

impl FakeControl {
    /// An integer control.
    #[must_use]
    pub const fn integer(
        id: u32,
        name: &'static str,
        min: i64,
        max: i64,
        step: i64,
        default: i64,
    ) -> Self {
        Self {
            id,
            name,
            kind: FakeControlKind::Integer { min, max, step },
            default,
        }
    }

    /// A boolean control.
    #[must_use]
    pub const fn boolean(id: u32, name: &'static str, default: bool) -> Self {
        Self {
            id,
            name,
            kind: FakeControlKind::Boolean,
            default: default as i64,
        }
    }

    /// A menu control.
    #[must_use]
    pub fn menu(
        id: u32,
        name: &'static str,
        min: i64,
        max: i64,
        valid: &[i64],
        default: i64,
    ) -> Self {
        Self {
            id,
            name,
            kind: FakeControlKind::Menu {
                min,
                max,
                valid: valid.to_vec(),
            },
            default,
        }
    }

    /// Its V4L2 id.
    #[must_use]
    pub fn id(&self) -> u32 {
        self.id
    }

    /// Its V4L2 name.
    #[must_use]
    pub fn name(&self) -> &str {
        self.name
    }

    /// Its values.
    #[must_use]
    pub fn kind(&self) -> &FakeControlKind {
        &self.kind
    }

    /// Its default value (0 or 1 for a boolean).
    #[must_use]
    pub fn default_value(&self) -> i64 {
        self.default
    }

    /// Whether `value` can be stored; the error text V4L2 (through nokhwa) gives otherwise.
    fn check(&self, value: &ControlValueSetter) -> Result<i64, &'static str> {
        match (&self.kind, value) {
            (FakeControlKind::Boolean, ControlValueSetter::Boolean(b)) => Ok(i64::from(*b)),
            (FakeControlKind::Integer { min, max, step }, ControlValueSetter::Integer(v)) => {
                if v < min || v > max {
                    Err(OUT_OF_RANGE)
                } else if (v - min) % (*step).max(1) != 0 {
                    Err(REJECTED)
                } else {
                    Ok(*v)
                }
            }
            (FakeControlKind::Menu { min, max, valid }, ControlValueSetter::Integer(v)) => {
                if v < min || v > max {
                    Err(OUT_OF_RANGE)
                } else if !valid.contains(v) {
                    Err(INVALID)
                } else {
                    Ok(*v)
                }
            }
            _ => Err(REJECTED),
        }
    }

    /// The control as nokhwa's V4L2 backend describes it.
    fn describe(&self, value: i64, active: bool) -> CameraControl {
        let description = match &self.kind {
            FakeControlKind::Boolean => ControlValueDescription::Boolean {
                value: value != 0,
                default: self.default != 0,
            },
            FakeControlKind::Integer { min, max, step } => ControlValueDescription::IntegerRange {
                min: *min,
                max: *max,
                value,
                step: *step,
                default: self.default,
            },
            FakeControlKind::Menu { min, max, .. } => ControlValueDescription::IntegerRange {
                min: *min,
                max: *max,
                value,
                step: 1,
                default: self.default,
            },
        };
        // nokhwa reports V4L2's INACTIVE flag as `Disabled` and `active == false`.
        let flags = if active {
            Vec::new()
        } else {
            vec![KnownCameraControlFlag::Disabled]
        };
        CameraControl::new(
            v4l2::nokhwa_id(self.id),
            self.name.to_owned(),
            description,
            flags,
            active,
        )
    }
}

/// The controls of a fake camera: a set like a common UVC webcam's, or none.
///
/// ```
/// # use imagecapture_native::fake::FakeControls;
/// # use imagecapture_native::v4l2;
/// let torch = FakeControls::webcam().with_torch();
/// assert!(torch.get(v4l2::FLASH_LED_MODE).is_some());
/// assert!(FakeControls::webcam().without(v4l2::ZOOM_ABSOLUTE).get(v4l2::ZOOM_ABSOLUTE).is_none());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct FakeControls {
    controls: Vec<FakeControl>,
}

impl FakeControls {
    /// No controls at all.
    #[must_use]
    pub fn none() -> Self {
        Self::default()
    }

    /// The controls of a Logitech C920-like UVC webcam, as `v4l2-ctl --list-ctrls` shows them:
    ///
    /// | control | range | default |
    /// |---|---|---|
    /// | brightness, contrast, saturation, sharpness | 0–255 | 128 |
    /// | white_balance_temperature_auto | bool | on |
    /// | gain | 0–255 | 0 |
    /// | power_line_frequency | menu 0–2 | 2 (60 Hz) |
    /// | white_balance_temperature | 2000–6500 K, step 1 | 4000 (inactive while auto) |
    /// | backlight_compensation | 0–1 | 0 |
    /// | exposure_auto | menu 0–3, only 1 (manual) and 3 (aperture priority) | 3 |
    /// | exposure_absolute | 3–2047 (100 µs), step 1 | 250 (inactive unless manual) |
    /// | exposure_auto_priority | bool | off |
    /// | pan_absolute, tilt_absolute | −36000–36000 arc-seconds, step 3600 | 0 |
    /// | focus_absolute | 0–250, step 5 | 0 (inactive while auto) |
    /// | focus_auto | bool | on |
    /// | zoom_absolute | 100–500, step 1 | 100 |
    #[must_use]
    pub fn webcam() -> Self {
        use v4l2::*;
        Self {
            controls: vec![
                FakeControl::integer(BRIGHTNESS, "Brightness", 0, 255, 1, 128),
                FakeControl::integer(CONTRAST, "Contrast", 0, 255, 1, 128),
                FakeControl::integer(SATURATION, "Saturation", 0, 255, 1, 128),
                FakeControl::boolean(AUTO_WHITE_BALANCE, "White Balance Temperature, Auto", true),
                FakeControl::integer(GAIN, "Gain", 0, 255, 1, 0),
                FakeControl::menu(
                    POWER_LINE_FREQUENCY,
                    "Power Line Frequency",
                    0,
                    2,
                    &[0, 1, 2],
                    2,
                ),
                FakeControl::integer(
                    WHITE_BALANCE_TEMPERATURE,
                    "White Balance Temperature",
                    2000,
                    6500,
                    1,
                    4000,
                ),
                FakeControl::integer(SHARPNESS, "Sharpness", 0, 255, 1, 128),
                FakeControl::integer(BACKLIGHT_COMPENSATION, "Backlight Compensation", 0, 1, 1, 0),
                FakeControl::menu(
                    EXPOSURE_AUTO,
                    "Exposure, Auto",
                    0,
                    3,
                    &[EXPOSURE_MANUAL, EXPOSURE_APERTURE_PRIORITY],
                    EXPOSURE_APERTURE_PRIORITY,
                ),
                FakeControl::integer(EXPOSURE_ABSOLUTE, "Exposure (Absolute)", 3, 2047, 1, 250),
                FakeControl::boolean(EXPOSURE_AUTO_PRIORITY, "Exposure, Auto Priority", false),
                FakeControl::integer(PAN_ABSOLUTE, "Pan (Absolute)", -36000, 36000, 3600, 0),
                FakeControl::integer(TILT_ABSOLUTE, "Tilt (Absolute)", -36000, 36000, 3600, 0),
                FakeControl::integer(FOCUS_ABSOLUTE, "Focus (absolute)", 0, 250, 5, 0),
                FakeControl::boolean(FOCUS_AUTO, "Focus, Auto", true),
                FakeControl::integer(ZOOM_ABSOLUTE, "Zoom, Absolute", 100, 500, 1, 100),
            ],
        }
    }

    /// The webcam's controls plus a torch, an ISO setting and an exposure bias, so that every
    /// Image Capture member has a control: `flash_led_mode` (menu 0 none, 1 flash, 2 torch;
    /// default 0), `iso_sensitivity` (100–1600, step 100, default 100), `auto_exposure_bias`
    /// (−3000–3000 in 0.001 EV, step 500, default 0).
    #[must_use]
    pub fn full() -> Self {
        Self::webcam()
            .with_torch()
            .with(FakeControl::integer(
                v4l2::ISO_SENSITIVITY,
                "ISO Sensitivity",
                100,
                1600,
                100,
                100,
            ))
            .with(FakeControl::integer(
                v4l2::AUTO_EXPOSURE_BIAS,
                "Auto Exposure, Bias",
                -3000,
                3000,
                500,
                0,
            ))
    }

    /// These controls plus a torch: `flash_led_mode` (menu 0 none, 1 flash, 2 torch; default 0).
    #[must_use]
    pub fn with_torch(self) -> Self {
        self.with(FakeControl::menu(
            v4l2::FLASH_LED_MODE,
            "LED Mode",
            0,
            2,
            &[
                v4l2::FLASH_LED_MODE_NONE,
                v4l2::FLASH_LED_MODE_FLASH,
                v4l2::FLASH_LED_MODE_TORCH,
            ],
            v4l2::FLASH_LED_MODE_NONE,
        ))
    }

    /// These controls plus `control` (replacing one with its id).
    #[must_use]
    pub fn with(mut self, control: FakeControl) -> Self {
        match self.controls.iter_mut().find(|c| c.id == control.id) {
            Some(slot) => *slot = control,
            None => self.controls.push(control),
        }
        self
    }

    /// These controls without the one with id `id`.
    #[must_use]
    pub fn without(mut self, id: u32) -> Self {
        self.controls.retain(|c| c.id != id);
        self
    }

    /// The control with id `id`.
    #[must_use]
    pub fn get(&self, id: u32) -> Option<&FakeControl> {
        self.controls.iter().find(|c| c.id == id)
    }

    /// Every control, in the order V4L2 lists them.
    #[must_use]
    pub fn controls(&self) -> &[FakeControl] {
        &self.controls
    }

    /// Every control at its default value.
    pub(super) fn defaults(&self) -> Values {
        Values(self.controls.iter().map(|c| (c.id, c.default)).collect())
    }
}

/// The current value of each control, by id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Values(pub(super) BTreeMap<u32, i64>);

impl Values {
    pub(super) fn get(&self, id: u32) -> Option<i64> {
        self.0.get(&id).copied()
    }

    /// Whether the control `id` is inactive: a value its automatic mode owns.
    fn is_inactive(&self, id: u32) -> bool {
        let on = |switch: u32| self.get(switch).is_some_and(|v| v != 0);
        match id {
            v4l2::WHITE_BALANCE_TEMPERATURE => on(v4l2::AUTO_WHITE_BALANCE),
            v4l2::FOCUS_ABSOLUTE => on(v4l2::FOCUS_AUTO),
            v4l2::EXPOSURE_ABSOLUTE => self.get(v4l2::EXPOSURE_AUTO).is_some_and(|mode| {
                mode != v4l2::EXPOSURE_MANUAL && mode != v4l2::EXPOSURE_SHUTTER_PRIORITY
            }),
            _ => false,
        }
    }

    /// Every control as nokhwa's V4L2 backend lists them.
    pub(super) fn list(&self, controls: &FakeControls) -> Vec<CameraControl> {
        controls
            .controls()
            .iter()
            .map(|c| {
                let value = self.get(c.id).unwrap_or(c.default);
                c.describe(value, !self.is_inactive(c.id))
            })
            .collect()
    }

    /// Writes `value` to the control nokhwa names `id`, as V4L2 would: an error leaves every
    /// value as it was.
    pub(super) fn set(
        &mut self,
        controls: &FakeControls,
        id: KnownCameraControl,
        value: &ControlValueSetter,
    ) -> Result<(), NokhwaError> {
        let error = |why: &str| NokhwaError::SetPropertyError {
            property: id.to_string(),
            value: format!("{value:?}"),
            error: why.to_owned(),
        };
        // nokhwa's V4L2 backend sets any id; only the name it lists a control by finds it.
        let control = v4l2::cid_of(id)
            .filter(|cid| v4l2::nokhwa_id(*cid) == id)
            .and_then(|cid| controls.get(cid))
            .ok_or_else(|| error(INVALID))?;
        let checked = control.check(value).map_err(error)?;
        if self.is_inactive(control.id) {
            return Err(error(INACTIVE));
        }
        self.0.insert(control.id, checked);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(values: &mut Values, cid: u32, value: ControlValueSetter) -> Result<(), String> {
        values
            .set(&FakeControls::full(), v4l2::nokhwa_id(cid), &value)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn writes_are_checked_like_v4l2() {
        let controls = FakeControls::full();
        let mut values = controls.defaults();
        use ControlValueSetter::{Boolean, Integer};
        assert!(set(&mut values, v4l2::BRIGHTNESS, Integer(10)).is_ok());
        assert_eq!(values.get(v4l2::BRIGHTNESS), Some(10));
        let e = set(&mut values, v4l2::BRIGHTNESS, Integer(256)).unwrap_err();
        assert!(e.contains("os error 34"), "{e}");
        assert!(
            set(&mut values, v4l2::PAN_ABSOLUTE, Integer(100))
                .unwrap_err()
                .contains(REJECTED)
        );
        assert!(
            set(&mut values, v4l2::FOCUS_AUTO, Integer(0))
                .unwrap_err()
                .contains(REJECTED)
        );
        // The menu's gaps.
        let e = set(&mut values, v4l2::EXPOSURE_AUTO, Integer(2)).unwrap_err();
        assert!(e.contains("os error 22"), "{e}");
        // A value its automatic mode owns.
        let e = set(&mut values, v4l2::EXPOSURE_ABSOLUTE, Integer(100)).unwrap_err();
        assert!(e.contains("os error 13"), "{e}");
        assert!(
            set(
                &mut values,
                v4l2::EXPOSURE_AUTO,
                Integer(v4l2::EXPOSURE_MANUAL)
            )
            .is_ok()
        );
        assert!(set(&mut values, v4l2::EXPOSURE_ABSOLUTE, Integer(100)).is_ok());
        assert!(set(&mut values, v4l2::FOCUS_AUTO, Boolean(false)).is_ok());
        assert!(set(&mut values, v4l2::FOCUS_ABSOLUTE, Integer(50)).is_ok());
        // Unknown ids, and ids under another name than nokhwa lists them by.
        assert!(
            set(&mut values, 0x0099_0000, Integer(1))
                .unwrap_err()
                .contains("os error 22")
        );
        let wrong_name = KnownCameraControl::Other(u128::from(v4l2::BRIGHTNESS));
        assert!(values.set(&controls, wrong_name, &Integer(1)).is_err());
        assert_eq!(values.get(v4l2::BRIGHTNESS), Some(10));
    }

    #[test]
    fn inactive_controls_are_listed_as_nokhwa_lists_them() {
        let controls = FakeControls::webcam();
        let list = controls.defaults().list(&controls);
        assert_eq!(list.len(), controls.controls().len());
        let find = |cid: u32| {
            list.iter()
                .find(|c| c.control() == v4l2::nokhwa_id(cid))
                .cloned()
                .unwrap()
        };
        assert!(!find(v4l2::EXPOSURE_ABSOLUTE).active());
        assert!(find(v4l2::ZOOM_ABSOLUTE).active());
        assert_eq!(
            find(v4l2::BRIGHTNESS).control(),
            KnownCameraControl::Brightness
        );
        assert_eq!(
            find(v4l2::FOCUS_AUTO).description(),
            &ControlValueDescription::Boolean {
                value: true,
                default: true
            }
        );
    }
}
