//! The Image Capture members on a camera's controls: the one table from spec member to V4L2
//! control (through nokhwa's raw control ids), the unit conversions, and digital zoom, pan and
//! tilt for cameras without zoom.
//!
//! The table itself, with the unit conversions, is documented in [`crate::v4l2`].
//!
//! A mode without its switch is offered as `["manual"]`; `"single-shot"` never is (see there).

use imagecapture_core::controls::{Control, ControlCapability, ControlValue};
use imagecapture_core::{
    Error, MediaSettingsRange, MediaTrackCapabilities, MediaTrackSettings, MeteringMode, Result,
};
use nokhwa::Camera;
use nokhwa::utils::{
    CameraControl, ControlValueDescription, ControlValueSetter, KnownCameraControl,
};

use crate::v4l2;

/// How a member is read from its V4L2 control and written back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Access {
    /// A number in the spec's unit already.
    Same,
    /// `zoom`: device units ↔ a ratio.
    ZoomRatio,
    /// `exposureCompensation`: 0.001 EV ↔ EV.
    MilliEv,
    /// A mode from a boolean automatic switch: on is `"continuous"`.
    AutoSwitch,
    /// `exposureMode` from the `EXPOSURE_AUTO` menu.
    ExposureMenu,
    /// `torch` from the `FLASH_LED_MODE` menu.
    TorchMenu,
}

/// One row of the mapping table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Row {
    control: Control,
    cid: u32,
    access: Access,
}

const fn row(control: Control, cid: u32, access: Access) -> Row {
    Row {
        control,
        cid,
        access,
    }
}

/// The mapping table, in member order (see the module documentation).
const TABLE: [Row; 16] = [
    row(
        Control::WhiteBalanceMode,
        v4l2::AUTO_WHITE_BALANCE,
        Access::AutoSwitch,
    ),
    row(
        Control::ExposureMode,
        v4l2::EXPOSURE_AUTO,
        Access::ExposureMenu,
    ),
    row(Control::FocusMode, v4l2::FOCUS_AUTO, Access::AutoSwitch),
    row(
        Control::ExposureCompensation,
        v4l2::AUTO_EXPOSURE_BIAS,
        Access::MilliEv,
    ),
    row(Control::ExposureTime, v4l2::EXPOSURE_ABSOLUTE, Access::Same),
    row(
        Control::ColorTemperature,
        v4l2::WHITE_BALANCE_TEMPERATURE,
        Access::Same,
    ),
    row(Control::Iso, v4l2::ISO_SENSITIVITY, Access::Same),
    row(Control::Brightness, v4l2::BRIGHTNESS, Access::Same),
    row(Control::Contrast, v4l2::CONTRAST, Access::Same),
    row(Control::Saturation, v4l2::SATURATION, Access::Same),
    row(Control::Sharpness, v4l2::SHARPNESS, Access::Same),
    row(Control::FocusDistance, v4l2::FOCUS_ABSOLUTE, Access::Same),
    row(Control::Pan, v4l2::PAN_ABSOLUTE, Access::Same),
    row(Control::Tilt, v4l2::TILT_ABSOLUTE, Access::Same),
    row(Control::Zoom, v4l2::ZOOM_ABSOLUTE, Access::ZoomRatio),
    row(Control::Torch, v4l2::FLASH_LED_MODE, Access::TorchMenu),
];

/// Device units per zoom ratio step when the device's minimum is 0 or less.
const ZOOM_UNITS_WITHOUT_MINIMUM: f64 = 100.0;

/// A numeric control as nokhwa describes it: value, range, step, default.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Numeric {
    value: i64,
    min: Option<i64>,
    max: Option<i64>,
    step: i64,
    default: i64,
}

fn numeric(description: &ControlValueDescription) -> Option<Numeric> {
    match *description {
        ControlValueDescription::IntegerRange {
            min,
            max,
            value,
            step,
            default,
        } => Some(Numeric {
            value,
            min: Some(min),
            max: Some(max),
            step,
            default,
        }),
        ControlValueDescription::Integer {
            value,
            default,
            step,
        } => Some(Numeric {
            value,
            min: None,
            max: None,
            step,
            default,
        }),
        _ => None,
    }
}

/// The value of a boolean-like control (a boolean, or an integer where 0 is off).
fn switch_on(description: &ControlValueDescription) -> Option<bool> {
    match description {
        ControlValueDescription::Boolean { value, .. } => Some(*value),
        other => numeric(other).map(|n| n.value != 0),
    }
}

/// A setter of the kind `description` takes: a boolean for a boolean control, else an integer.
fn setter_like(description: &ControlValueDescription, on: bool) -> ControlValueSetter {
    match description {
        ControlValueDescription::Boolean { .. } => ControlValueSetter::Boolean(on),
        _ => ControlValueSetter::Integer(i64::from(on)),
    }
}

impl Access {
    /// Device units → the spec's unit, for a control whose minimum is `min`.
    fn to_spec(self, value: f64, min: Option<i64>) -> f64 {
        match self {
            Self::ZoomRatio => match min {
                Some(min) if min > 0 => value / min as f64,
                _ => 1.0 + (value - min.unwrap_or(0) as f64) / ZOOM_UNITS_WITHOUT_MINIMUM,
            },
            Self::MilliEv => value / 1000.0,
            _ => value,
        }
    }

    /// A step in device units → in the spec's unit.
    fn step_to_spec(self, step: i64, min: Option<i64>) -> f64 {
        match self {
            Self::ZoomRatio => match min {
                Some(min) if min > 0 => step as f64 / min as f64,
                _ => step as f64 / ZOOM_UNITS_WITHOUT_MINIMUM,
            },
            Self::MilliEv => step as f64 / 1000.0,
            _ => step as f64,
        }
    }

    /// The spec's unit → device units, rounded.
    fn to_device(self, value: f64, min: Option<i64>) -> i64 {
        let units = match self {
            Self::ZoomRatio => match min {
                Some(min) if min > 0 => value * min as f64,
                _ => (value - 1.0) * ZOOM_UNITS_WITHOUT_MINIMUM + min.unwrap_or(0) as f64,
            },
            Self::MilliEv => value * 1000.0,
            _ => value,
        };
        // `as` saturates; the values come from ranges the device gave.
        units.round() as i64
    }
}

/// What to write to the device for one change, and what to write to undo it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Write {
    /// The member, for messages.
    pub(crate) member: &'static str,
    /// The control, as nokhwa names it.
    pub(crate) id: KnownCameraControl,
    /// The new value.
    pub(crate) value: ControlValueSetter,
    /// The value before.
    pub(crate) previous: ControlValueSetter,
}

/// The torch writes a photo with `fillLightMode: "flash"` makes.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Flash {
    /// Turns the torch on.
    pub(crate) on: Write,
}

/// One mapped control found on the device.
#[derive(Clone, Debug, PartialEq)]
struct Found {
    row: Row,
    control: CameraControl,
}

/// A snapshot of the camera's mapped controls: what its capabilities and settings are made of.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct DeviceControls {
    found: Vec<Found>,
    /// `ISO_SENSITIVITY_AUTO`, set to manual before `ISO_SENSITIVITY` is written.
    iso_auto: Option<CameraControl>,
}

impl DeviceControls {
    /// Reads the camera's controls (on the capture thread). A camera whose controls cannot be
    /// listed has none.
    pub(crate) fn read(camera: &Camera) -> Self {
        Self::from_list(camera.camera_controls().unwrap_or_default())
    }

    /// The mapped ones among `list`.
    pub(crate) fn from_list(list: Vec<CameraControl>) -> Self {
        let mut found = Vec::new();
        let mut iso_auto = None;
        for control in list {
            let Some(cid) = v4l2::cid_of(control.control()) else {
                continue;
            };
            if cid == v4l2::ISO_SENSITIVITY_AUTO {
                iso_auto = Some(control);
            } else if let Some(row) = TABLE.iter().find(|r| r.cid == cid) {
                if Self::usable(row, control.description()) {
                    found.push(Found { row: *row, control });
                }
            }
        }
        found.sort_by_key(|f| f.row.control);
        Self { found, iso_auto }
    }

    /// Whether a control's description is of the shape its row reads.
    fn usable(row: &Row, description: &ControlValueDescription) -> bool {
        match row.access {
            Access::AutoSwitch => switch_on(description).is_some(),
            Access::TorchMenu => numeric(description)
                .is_some_and(|n| n.max.is_some_and(|max| max >= v4l2::FLASH_LED_MODE_TORCH)),
            Access::ExposureMenu | Access::Same | Access::ZoomRatio | Access::MilliEv => {
                numeric(description).is_some()
            }
        }
    }

    fn find(&self, control: Control) -> Option<&Found> {
        self.found.iter().find(|f| f.row.control == control)
    }

    /// Whether the camera has a control for `control`.
    pub(crate) fn has(&self, control: Control) -> bool {
        self.find(control).is_some()
    }

    /// The value control a mode switches (`exposureMode` → `exposureTime`, …).
    fn value_of_mode(mode: Control) -> Option<Control> {
        Control::ALL.into_iter().find(|c| c.mode() == Some(mode))
    }

    /// The modes the camera has only as their value control, with no switch: always manual.
    fn manual_only_modes(&self) -> impl Iterator<Item = Control> + '_ {
        [
            Control::WhiteBalanceMode,
            Control::ExposureMode,
            Control::FocusMode,
        ]
        .into_iter()
        .filter(|&mode| !self.has(mode) && Self::value_of_mode(mode).is_some_and(|v| self.has(v)))
    }

    /// The image-capture members of `getCapabilities()`.
    pub(crate) fn capabilities(&self) -> MediaTrackCapabilities {
        let mut caps = MediaTrackCapabilities::default();
        for found in &self.found {
            let capability = capability(found.row.access, found.control.description());
            found.row.control.set_capability_in(&mut caps, capability);
        }
        for mode in self.manual_only_modes() {
            let manual = ControlCapability::Modes(vec![MeteringMode::Manual]);
            mode.set_capability_in(&mut caps, Some(manual));
        }
        caps
    }

    /// The image-capture members of `getSettings()`.
    pub(crate) fn settings(&self) -> MediaTrackSettings {
        let mut settings = MediaTrackSettings::default();
        for found in &self.found {
            let value = reading(found.row.access, found.control.description());
            found.row.control.set_value_in(&mut settings, value);
        }
        for mode in self.manual_only_modes() {
            mode.set_value_in(
                &mut settings,
                Some(ControlValue::Mode(MeteringMode::Manual)),
            );
        }
        settings
    }

    /// The device writes that make `changes` (from
    /// [`changes`](imagecapture_core::controls::changes), in write order), each with its undo.
    ///
    /// # Errors
    /// `OperationError` for a change the camera has no control for (the constraint algorithm
    /// never makes one) or cannot take in its kind of value.
    pub(crate) fn writes(&self, changes: &[(Control, ControlValue)]) -> Result<Vec<Write>> {
        let mut writes = Vec::new();
        for (control, value) in changes {
            if *control == Control::PointsOfInterest
                || (self.manual_only_modes().any(|mode| mode == *control)
                    && *value == ControlValue::Mode(MeteringMode::Manual))
            {
                continue;
            }
            let found = self.find(*control).ok_or_else(|| {
                Error::operation(format!("the camera has no control for {}", control.name()))
            })?;
            if *control == Control::Iso {
                if let Some(auto) = &self.iso_auto {
                    let manual = ControlValueSetter::Integer(v4l2::ISO_SENSITIVITY_MANUAL);
                    if auto.value() != manual {
                        writes.push(Write {
                            member: control.name(),
                            id: auto.control(),
                            value: manual,
                            previous: auto.value(),
                        });
                    }
                }
            }
            let setter =
                setter(found.row.access, found.control.description(), value).ok_or_else(|| {
                    Error::operation(format!(
                        "{}: the camera's control cannot take {value:?}",
                        control.name()
                    ))
                })?;
            writes.push(Write {
                member: control.name(),
                id: found.control.control(),
                value: setter,
                previous: found.control.value(),
            });
        }
        Ok(writes)
    }

    /// The torch write of a flash, where the camera has a torch.
    pub(crate) fn flash(&self) -> Option<Flash> {
        let found = self.find(Control::Torch)?;
        Some(Flash {
            on: Write {
                member: Control::Torch.name(),
                id: found.control.control(),
                value: ControlValueSetter::Integer(v4l2::FLASH_LED_MODE_TORCH),
                previous: found.control.value(),
            },
        })
    }
}

/// The capability of one mapped control.
fn capability(access: Access, description: &ControlValueDescription) -> Option<ControlCapability> {
    let both = || vec![MeteringMode::Manual, MeteringMode::Continuous];
    match access {
        Access::AutoSwitch => Some(ControlCapability::Modes(both())),
        Access::ExposureMenu => {
            let n = numeric(description)?;
            let has = |v: i64| n.min.is_none_or(|m| m <= v) && n.max.is_none_or(|m| v <= m);
            let mut modes = Vec::new();
            if has(v4l2::EXPOSURE_MANUAL) {
                modes.push(MeteringMode::Manual);
            }
            if has(v4l2::EXPOSURE_AUTO_MODE) || has(v4l2::EXPOSURE_APERTURE_PRIORITY) {
                modes.push(MeteringMode::Continuous);
            }
            Some(ControlCapability::Modes(modes))
        }
        Access::TorchMenu => Some(ControlCapability::Flags(vec![false, true])),
        Access::Same | Access::ZoomRatio | Access::MilliEv => {
            let n = numeric(description)?;
            Some(ControlCapability::Range(MediaSettingsRange {
                min: n.min.map(|m| access.to_spec(m as f64, n.min)),
                max: n.max.map(|m| access.to_spec(m as f64, n.min)),
                step: Some(access.step_to_spec(n.step.max(0), n.min)),
            }))
        }
    }
}

/// The current value of one mapped control.
fn reading(access: Access, description: &ControlValueDescription) -> Option<ControlValue> {
    let mode = |continuous: bool| {
        ControlValue::Mode(if continuous {
            MeteringMode::Continuous
        } else {
            MeteringMode::Manual
        })
    };
    match access {
        Access::AutoSwitch => switch_on(description).map(mode),
        Access::ExposureMenu => numeric(description).map(|n| {
            mode(n.value != v4l2::EXPOSURE_MANUAL && n.value != v4l2::EXPOSURE_SHUTTER_PRIORITY)
        }),
        Access::TorchMenu => {
            numeric(description).map(|n| ControlValue::Flag(n.value == v4l2::FLASH_LED_MODE_TORCH))
        }
        Access::Same | Access::ZoomRatio | Access::MilliEv => numeric(description)
            .map(|n| ControlValue::Number(access.to_spec(n.value as f64, n.min))),
    }
}

/// The device value for a member's new value.
fn setter(
    access: Access,
    description: &ControlValueDescription,
    value: &ControlValue,
) -> Option<ControlValueSetter> {
    match (access, value) {
        (Access::AutoSwitch, ControlValue::Mode(mode)) => {
            Some(setter_like(description, *mode != MeteringMode::Manual))
        }
        (Access::ExposureMenu, ControlValue::Mode(mode)) => {
            let n = numeric(description)?;
            let entry = if *mode == MeteringMode::Manual {
                v4l2::EXPOSURE_MANUAL
            } else if n.default != v4l2::EXPOSURE_MANUAL
                && n.default != v4l2::EXPOSURE_SHUTTER_PRIORITY
            {
                // The device's own automatic mode (UVC webcams: aperture priority).
                n.default
            } else if n.max.is_none_or(|m| m >= v4l2::EXPOSURE_APERTURE_PRIORITY) {
                v4l2::EXPOSURE_APERTURE_PRIORITY
            } else {
                v4l2::EXPOSURE_AUTO_MODE
            };
            Some(ControlValueSetter::Integer(entry))
        }
        (Access::TorchMenu, ControlValue::Flag(on)) => Some(ControlValueSetter::Integer(if *on {
            v4l2::FLASH_LED_MODE_TORCH
        } else {
            v4l2::FLASH_LED_MODE_NONE
        })),
        (Access::Same | Access::ZoomRatio | Access::MilliEv, ControlValue::Number(v)) => {
            let n = numeric(description)?;
            Some(ControlValueSetter::Integer(access.to_device(*v, n.min)))
        }
        _ => None,
    }
}

/// The image-capture capabilities and settings of a camera with these controls and this
/// emulation.
pub(crate) fn image_capture_parts(
    device: &DeviceControls,
    digital: Option<&Digital>,
) -> (MediaTrackCapabilities, MediaTrackSettings) {
    let mut caps = device.capabilities();
    let mut settings = device.settings();
    if let Some(digital) = digital {
        digital.add_capabilities(&mut caps);
        digital.add_settings(&mut settings);
    }
    (caps, settings)
}

/// Copies the image-capture members of `from` into `into`.
pub(crate) fn merge_capabilities(into: &mut MediaTrackCapabilities, from: &MediaTrackCapabilities) {
    for control in Control::ALL {
        if let Some(capability) = control.capability_in(from) {
            control.set_capability_in(into, Some(capability));
        }
    }
}

/// Copies the image-capture members of `from` into `into`.
pub(crate) fn merge_settings(into: &mut MediaTrackSettings, from: &MediaTrackSettings) {
    for control in Control::ALL {
        if let Some(value) = control.value_in(from) {
            control.set_value_in(into, Some(value));
        }
    }
}

// ---- Digital zoom, pan and tilt ------------------------------------------------------------------

/// Digital zoom, pan and tilt on a camera without zoom (opt-in, see
/// [`MediaDevices::with_digital_zoom`](crate::MediaDevices::with_digital_zoom)): the core's
/// emulation, shared with the web backend.
pub(crate) use imagecapture_core::controls::digital::Digital;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake::FakeControls;
    use imagecapture_core::controls::{changes, resolve_controls};
    use imagecapture_core::{ErrorName, MediaTrackConstraints};

    /// The fake camera's full control set at its defaults, as nokhwa lists it.
    fn full() -> DeviceControls {
        let fake = crate::fake::FakeCamera::new(
            crate::fake::FakeCameraConfig::default().with_controls(FakeControls::full()),
        );
        let device = fake
            .open_device(nokhwa::utils::CameraIndex::Index(0))
            .unwrap();
        use nokhwa_core::traits::CaptureBackendTrait;
        DeviceControls::from_list(device.camera_controls().unwrap())
    }

    #[test]
    fn every_member_but_points_maps_to_one_control() {
        let mut members: Vec<Control> = TABLE.iter().map(|r| r.control).collect();
        members.dedup();
        assert_eq!(members.len(), TABLE.len());
        assert!(!members.contains(&Control::PointsOfInterest));
        assert_eq!(members.len() + 1, Control::ALL.len());
    }

    #[test]
    fn capabilities_and_settings_of_a_c920_like_webcam_in_spec_units() {
        let d = full();
        let caps = d.capabilities();
        let both = vec![MeteringMode::Manual, MeteringMode::Continuous];
        assert_eq!(caps.exposure_mode, Some(both.clone()));
        assert_eq!(caps.focus_mode, Some(both.clone()));
        assert_eq!(caps.white_balance_mode, Some(both));
        assert_eq!(caps.zoom, Some(MediaSettingsRange::new(1.0, 5.0, 0.01)));
        assert_eq!(
            caps.pan,
            Some(MediaSettingsRange::new(-36000.0, 36000.0, 3600.0))
        );
        assert_eq!(
            caps.exposure_time,
            Some(MediaSettingsRange::new(3.0, 2047.0, 1.0))
        );
        assert_eq!(
            caps.exposure_compensation,
            Some(MediaSettingsRange::new(-3.0, 3.0, 0.5))
        );
        assert_eq!(
            caps.color_temperature,
            Some(MediaSettingsRange::new(2000.0, 6500.0, 1.0))
        );
        assert_eq!(
            caps.focus_distance,
            Some(MediaSettingsRange::new(0.0, 250.0, 5.0))
        );
        assert_eq!(caps.torch, Some(vec![false, true]));
        let s = d.settings();
        assert_eq!(s.exposure_mode, Some(MeteringMode::Continuous));
        assert_eq!(s.focus_mode, Some(MeteringMode::Continuous));
        assert_eq!(s.zoom, Some(1.0));
        assert_eq!(s.exposure_time, Some(250.0));
        assert_eq!(s.torch, Some(false));
        assert_eq!(s.brightness, Some(128.0));
        assert_eq!(s.points_of_interest, None);
    }

    #[test]
    fn writes_convert_units_and_put_the_mode_before_its_value() {
        let d = full();
        let c: MediaTrackConstraints = serde_json::from_str(
            r#"{"zoom": 2.5, "exposureTime": 100, "exposureCompensation": -1, "torch": true, "iso": 400}"#,
        )
        .unwrap();
        let new = resolve_controls(&c, &d.capabilities(), &d.settings()).unwrap();
        let writes = d.writes(&changes(&d.settings(), &new)).unwrap();
        let shown: Vec<(Option<u32>, ControlValueSetter)> = writes
            .iter()
            .map(|w| (v4l2::cid_of(w.id), w.value.clone()))
            .collect();
        use ControlValueSetter::Integer;
        assert_eq!(
            shown,
            [
                (Some(v4l2::EXPOSURE_AUTO), Integer(v4l2::EXPOSURE_MANUAL)),
                (Some(v4l2::ZOOM_ABSOLUTE), Integer(250)),
                (Some(v4l2::AUTO_EXPOSURE_BIAS), Integer(-1000)),
                (Some(v4l2::EXPOSURE_ABSOLUTE), Integer(100)),
                (Some(v4l2::ISO_SENSITIVITY), Integer(400)),
                (
                    Some(v4l2::FLASH_LED_MODE),
                    Integer(v4l2::FLASH_LED_MODE_TORCH)
                ),
            ]
        );
        assert_eq!(writes[1].previous, Integer(100));
        // Back to continuous: the device's own automatic entry (aperture priority).
        let mut manual = d.settings();
        manual.exposure_mode = Some(MeteringMode::Manual);
        let back = d
            .writes(&[(
                Control::ExposureMode,
                ControlValue::Mode(MeteringMode::Continuous),
            )])
            .unwrap();
        assert_eq!(back[0].value, Integer(v4l2::EXPOSURE_APERTURE_PRIORITY));
        let focus = d
            .writes(&[(Control::FocusMode, ControlValue::Mode(MeteringMode::Manual))])
            .unwrap();
        assert_eq!(focus[0].value, ControlValueSetter::Boolean(false));
    }

    #[test]
    fn a_zoom_without_a_positive_minimum_counts_100_units_a_step() {
        let zoom = |min: i64, max: i64| {
            DeviceControls::from_list(vec![CameraControl::new(
                v4l2::nokhwa_id(v4l2::ZOOM_ABSOLUTE),
                "Zoom, Absolute".into(),
                ControlValueDescription::IntegerRange {
                    min,
                    max,
                    value: min,
                    step: 1,
                    default: min,
                },
                Vec::new(),
                true,
            )])
        };
        let d = zoom(0, 300);
        assert_eq!(
            d.capabilities().zoom,
            Some(MediaSettingsRange::new(1.0, 4.0, 0.01))
        );
        let w = d
            .writes(&[(Control::Zoom, ControlValue::Number(2.5))])
            .unwrap();
        assert_eq!(w[0].value, ControlValueSetter::Integer(150));
        let d = zoom(100, 500);
        let w = d
            .writes(&[(Control::Zoom, ControlValue::Number(4.37))])
            .unwrap();
        assert_eq!(w[0].value, ControlValueSetter::Integer(437));
    }

    #[test]
    fn a_mode_without_its_switch_is_manual_only() {
        let d = DeviceControls::from_list(vec![CameraControl::new(
            v4l2::nokhwa_id(v4l2::FOCUS_ABSOLUTE),
            "Focus (absolute)".into(),
            ControlValueDescription::IntegerRange {
                min: 0,
                max: 250,
                value: 0,
                step: 5,
                default: 0,
            },
            Vec::new(),
            true,
        )]);
        assert_eq!(
            d.capabilities().focus_mode,
            Some(vec![MeteringMode::Manual])
        );
        assert_eq!(d.settings().focus_mode, Some(MeteringMode::Manual));
        assert_eq!(
            d.writes(&[(Control::FocusMode, ControlValue::Mode(MeteringMode::Manual))]),
            Ok(Vec::new())
        );
        let e = d
            .writes(&[(Control::Torch, ControlValue::Flag(true))])
            .unwrap_err();
        assert_eq!(e.name(), ErrorName::Operation);
    }

    #[test]
    fn unmapped_and_oddly_shaped_controls_are_ignored() {
        let d = DeviceControls::from_list(vec![
            CameraControl::new(
                KnownCameraControl::Gain,
                "Gain".into(),
                ControlValueDescription::IntegerRange {
                    min: 0,
                    max: 255,
                    value: 0,
                    step: 1,
                    default: 0,
                },
                Vec::new(),
                true,
            ),
            CameraControl::new(
                v4l2::nokhwa_id(v4l2::FLASH_LED_MODE),
                "LED".into(),
                ControlValueDescription::IntegerRange {
                    min: 0,
                    max: 1,
                    value: 0,
                    step: 1,
                    default: 0,
                },
                Vec::new(),
                true,
            ),
            CameraControl::new(
                v4l2::nokhwa_id(v4l2::ZOOM_ABSOLUTE),
                "Zoom".into(),
                ControlValueDescription::String {
                    value: "x".into(),
                    default: None,
                },
                Vec::new(),
                true,
            ),
        ]);
        assert_eq!(d, DeviceControls::default());
        assert_eq!(d.flash(), None);
    }

    #[test]
    fn digital_zoom_only_without_an_optical_one() {
        assert_eq!(Digital::for_camera(&full().capabilities()), None);
        let mut digital = Digital::for_camera(&DeviceControls::default().capabilities()).unwrap();
        assert!(digital.handles(Control::Pan));
        assert_eq!(digital.crop((640, 480)), None);
        digital.set(Control::Zoom, &ControlValue::Number(2.0));
        assert_eq!(digital.crop((640, 480)), Some((160, 120, 320, 240)));
        let mut caps = MediaTrackCapabilities::default();
        digital.add_capabilities(&mut caps);
        assert_eq!(caps.zoom, Some(imagecapture_core::controls::digital::ZOOM));
        assert_eq!(caps.tilt, Some(imagecapture_core::controls::digital::TILT));
    }
}
