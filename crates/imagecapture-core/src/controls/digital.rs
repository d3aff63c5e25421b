//! Digital zoom, pan and tilt: the capabilities a backend exposes when it emulates them on a
//! camera that has no zoom of its own, the part of each frame they show, and what
//! `applyConstraints()` makes of them. Shared by the native and web backends, so that both
//! emulate alike.
//!
//! - `zoom` 1 to 4 in steps of 0.1: the frame shows `1/zoom` of the picture's width and height,
//!   scaled back up to the frame's size.
//! - `pan` and `tilt` −180° to 180° (±648 000 arc-seconds, the spec's range) in steps of 1°:
//!   they move the shown part across the room the zoom leaves, linearly, from one edge (−180°:
//!   left, bottom) through the centre (0) to the other (180°: right, top). At zoom 1 there is
//!   no room, and they change nothing (as on a webcam whose pan/tilt work digitally).
//!
//! Pan and tilt are emulated only where the camera lacks them too; a camera with a zoom of its
//! own gets no emulation at all (its zoom is the real one).

use super::{Control, ControlValue, resolve_controls};
use crate::constraints::{MediaTrackConstraintSet, MediaTrackConstraints};
use crate::error::Result;
use crate::photo::MediaSettingsRange;
use crate::scale::center_crop;
use crate::track::{MediaTrackCapabilities, MediaTrackSettings};

/// The largest pan or tilt, arc-seconds: 180°.
pub const MAX_ANGLE: f64 = 180.0 * 3600.0;

/// The zoom range.
pub const ZOOM: MediaSettingsRange = MediaSettingsRange::new(1.0, 4.0, 0.1);

/// The pan range, arc-seconds.
pub const PAN: MediaSettingsRange = MediaSettingsRange::new(-MAX_ANGLE, MAX_ANGLE, 3600.0);

/// The tilt range, arc-seconds.
pub const TILT: MediaSettingsRange = MediaSettingsRange::new(-MAX_ANGLE, MAX_ANGLE, 3600.0);

/// The rectangle `(x, y, width, height)` of a `size` frame shown at this zoom, pan and tilt
/// (pan and tilt in arc-seconds): [`center_crop`] with pan and tilt as fractions of 180°.
pub fn crop(size: (u32, u32), zoom: f64, pan: f64, tilt: f64) -> (u32, u32, u32, u32) {
    center_crop(size, zoom, pan / MAX_ANGLE, tilt / MAX_ANGLE)
}

/// The emulation on one camera: the values now, in the spec's units; `pan` and `tilt` only
/// where the camera lacks them too.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Digital {
    /// The zoom, a ratio in [`ZOOM`].
    pub zoom: f64,
    /// The pan in arc-seconds, where emulated.
    pub pan: Option<f64>,
    /// The tilt in arc-seconds, where emulated.
    pub tilt: Option<f64>,
}

impl Digital {
    /// The emulation for a camera with these capabilities, at zoom 1 and centred: `None` when
    /// the camera has a zoom of its own.
    pub fn for_camera(capabilities: &MediaTrackCapabilities) -> Option<Self> {
        let lacks = |control: Control| control.capability_in(capabilities).is_none();
        lacks(Control::Zoom).then(|| Self {
            zoom: 1.0,
            pan: lacks(Control::Pan).then_some(0.0),
            tilt: lacks(Control::Tilt).then_some(0.0),
        })
    }

    /// Whether this emulates `control`.
    pub fn handles(&self, control: Control) -> bool {
        match control {
            Control::Zoom => true,
            Control::Pan => self.pan.is_some(),
            Control::Tilt => self.tilt.is_some(),
            _ => false,
        }
    }

    /// The controls this emulates.
    pub fn controls(&self) -> impl Iterator<Item = Control> + '_ {
        [Control::Zoom, Control::Pan, Control::Tilt]
            .into_iter()
            .filter(|&control| self.handles(control))
    }

    /// Takes a new value for an emulated control (others, and values that are not numbers, are
    /// ignored).
    pub fn set(&mut self, control: Control, value: &ControlValue) {
        let ControlValue::Number(v) = value else {
            return;
        };
        match control {
            Control::Zoom => self.zoom = *v,
            Control::Pan if self.pan.is_some() => self.pan = Some(*v),
            Control::Tilt if self.tilt.is_some() => self.tilt = Some(*v),
            _ => {}
        }
    }

    /// Adds the emulated members to `capabilities`.
    pub fn add_capabilities(&self, capabilities: &mut MediaTrackCapabilities) {
        capabilities.zoom = Some(ZOOM);
        if self.pan.is_some() {
            capabilities.pan = Some(PAN);
        }
        if self.tilt.is_some() {
            capabilities.tilt = Some(TILT);
        }
    }

    /// Adds the emulated members to `settings`.
    pub fn add_settings(&self, settings: &mut MediaTrackSettings) {
        settings.zoom = Some(self.zoom);
        if self.pan.is_some() {
            settings.pan = self.pan;
        }
        if self.tilt.is_some() {
            settings.tilt = self.tilt;
        }
    }

    /// The part `(x, y, w, h)` of a `size` frame shown; `None` for the whole frame.
    pub fn crop(&self, size: (u32, u32)) -> Option<(u32, u32, u32, u32)> {
        let rect = crop(
            size,
            self.zoom,
            self.pan.unwrap_or(0.0),
            self.tilt.unwrap_or(0.0),
        );
        (rect != (0, 0, size.0, size.1)).then_some(rect)
    }

    /// `constraints` restricted to the emulated members (the basic set and every advanced set
    /// keep only those): what [`resolve`](Self::resolve) looks at, and what a backend takes out
    /// of the constraints it passes on to the camera.
    pub fn own_part(&self, constraints: &MediaTrackConstraints) -> MediaTrackConstraints {
        let keep = |set: &MediaTrackConstraintSet| MediaTrackConstraintSet {
            zoom: set.zoom,
            pan: set.pan.filter(|_| self.pan.is_some()),
            tilt: set.tilt.filter(|_| self.tilt.is_some()),
            ..MediaTrackConstraintSet::default()
        };
        MediaTrackConstraints {
            basic: keep(&constraints.basic),
            advanced: constraints
                .advanced
                .as_ref()
                .map(|sets| sets.iter().map(keep).collect()),
        }
    }

    /// The emulation after `applyConstraints(constraints)`, judged on the emulated members
    /// alone ([`own_part`](Self::own_part)) by [`resolve_controls`]: a required value outside
    /// the range fails, ideals are clamped and snapped to the step, advanced sets are applied in
    /// order or skipped whole. Members the constraints leave out keep their values.
    ///
    /// An advanced set that mixes emulated members with the camera's own (`{zoom: 2, width:
    /// 1280}`) is judged here on its emulated part only; the camera judges the rest, so each
    /// side may keep or skip its part.
    ///
    /// # Errors
    /// `TypeError` for a non-finite number in an emulated member (the camera's own members are
    /// the camera's to judge); `OverconstrainedError` naming `zoom`, `pan` or `tilt` when the
    /// basic set requires a value the emulation cannot take. `self` is unchanged either way.
    pub fn resolve(&self, constraints: &MediaTrackConstraints) -> Result<Self> {
        let mut capabilities = MediaTrackCapabilities::default();
        self.add_capabilities(&mut capabilities);
        let mut settings = MediaTrackSettings::default();
        self.add_settings(&mut settings);
        let resolved = resolve_controls(&self.own_part(constraints), &capabilities, &settings)?;
        let mut next = *self;
        for control in self.controls().collect::<Vec<_>>() {
            if let Some(value) = control.value_in(&resolved) {
                next.set(control, &value);
            }
        }
        Ok(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::constraints::{BoolOrConstrainDouble, ConstrainNumber, NumberRange};
    use crate::error::ErrorName;

    fn zoom(c: ConstrainNumber<f64>) -> MediaTrackConstraintSet {
        MediaTrackConstraintSet {
            zoom: Some(BoolOrConstrainDouble::Constrain(c)),
            ..MediaTrackConstraintSet::default()
        }
    }

    fn exact(v: f64) -> ConstrainNumber<f64> {
        ConstrainNumber::Range(NumberRange {
            exact: Some(v),
            ..NumberRange::default()
        })
    }

    fn ideal(v: f64) -> ConstrainNumber<f64> {
        ConstrainNumber::Range(NumberRange {
            ideal: Some(v),
            ..NumberRange::default()
        })
    }

    fn basic(set: MediaTrackConstraintSet) -> MediaTrackConstraints {
        MediaTrackConstraints {
            basic: set,
            advanced: None,
        }
    }

    fn plain() -> Digital {
        Digital::for_camera(&MediaTrackCapabilities::default()).unwrap()
    }

    #[test]
    fn crop_zooms_into_the_centre_and_pans_across_the_margin() {
        assert_eq!(crop((640, 480), 1.0, 0.0, 0.0), (0, 0, 640, 480));
        assert_eq!(crop((640, 480), 2.0, 0.0, 0.0), (160, 120, 320, 240));
        assert_eq!(crop((640, 480), 2.0, MAX_ANGLE, 0.0), (320, 120, 320, 240));
        assert_eq!(crop((640, 480), 2.0, -MAX_ANGLE, 0.0), (0, 120, 320, 240));
        // Tilt up shows the top.
        assert_eq!(crop((640, 480), 2.0, 0.0, MAX_ANGLE), (160, 0, 320, 240));
        assert_eq!(
            crop((640, 480), 2.0, 0.0, -MAX_ANGLE / 2.0),
            (160, 180, 320, 240)
        );
        // At zoom 1 pan changes nothing.
        assert_eq!(crop((640, 480), 1.0, MAX_ANGLE, 0.0), (0, 0, 640, 480));
        assert_eq!(ZOOM.min, Some(1.0));
    }

    #[test]
    fn only_cameras_without_zoom_get_it_and_pan_tilt_only_where_lacking() {
        let optical = MediaTrackCapabilities {
            zoom: Some(MediaSettingsRange::new(1.0, 5.0, 0.01)),
            ..MediaTrackCapabilities::default()
        };
        assert_eq!(Digital::for_camera(&optical), None);

        let with_pan = MediaTrackCapabilities {
            pan: Some(MediaSettingsRange::new(-36000.0, 36000.0, 3600.0)),
            ..MediaTrackCapabilities::default()
        };
        let digital = Digital::for_camera(&with_pan).unwrap();
        assert!(digital.handles(Control::Zoom) && digital.handles(Control::Tilt));
        assert!(!digital.handles(Control::Pan));
        let mut caps = with_pan.clone();
        digital.add_capabilities(&mut caps);
        assert_eq!(caps.zoom, Some(ZOOM));
        assert_eq!(caps.tilt, Some(TILT));
        assert_eq!(caps.pan, with_pan.pan, "the camera's own pan stays");

        let mut settings = MediaTrackSettings::default();
        plain().add_settings(&mut settings);
        assert_eq!(
            (settings.zoom, settings.pan, settings.tilt),
            (Some(1.0), Some(0.0), Some(0.0))
        );
        assert_eq!(plain().crop((640, 480)), None);
    }

    #[test]
    fn resolve_applies_required_values_and_snaps_ideals() {
        let d = plain().resolve(&basic(zoom(exact(2.0)))).unwrap();
        assert_eq!(d.zoom, 2.0);
        assert_eq!(d.crop((640, 480)), Some((160, 120, 320, 240)));
        // An ideal beyond the range is clamped; between steps, snapped.
        assert_eq!(plain().resolve(&basic(zoom(ideal(9.0)))).unwrap().zoom, 4.0);
        let snapped = plain().resolve(&basic(zoom(ideal(2.04)))).unwrap().zoom;
        assert!((snapped - 2.0).abs() < 1e-9, "{snapped}");
        // A bare value in the basic set is an ideal.
        let bare = basic(zoom(ConstrainNumber::Value(3.0)));
        assert_eq!(plain().resolve(&bare).unwrap().zoom, 3.0);
    }

    #[test]
    fn resolve_rejects_what_cannot_hold_and_changes_nothing() {
        let before = plain().resolve(&basic(zoom(exact(2.0)))).unwrap();
        let error = before.resolve(&basic(zoom(exact(8.0)))).unwrap_err();
        assert_eq!(error.name(), ErrorName::Overconstrained);
        assert_eq!(error.constraint(), Some("zoom"));
        assert_eq!(before.zoom, 2.0);
        let error = before.resolve(&basic(zoom(exact(f64::NAN)))).unwrap_err();
        assert_eq!(error.name(), ErrorName::Type);
    }

    #[test]
    fn advanced_sets_are_applied_in_order_or_skipped_whole() {
        let mut too_far = zoom(exact(2.0));
        too_far.pan = Some(BoolOrConstrainDouble::Constrain(exact(10.0 * MAX_ANGLE)));
        let constraints = MediaTrackConstraints {
            basic: MediaTrackConstraintSet::default(),
            advanced: Some(vec![too_far, zoom(ConstrainNumber::Value(3.0))]),
        };
        let d = plain().resolve(&constraints).unwrap();
        assert_eq!((d.zoom, d.pan), (3.0, Some(0.0)));
    }

    #[test]
    fn own_part_keeps_only_the_emulated_members() {
        let mut set = zoom(exact(2.0));
        set.width = Some(ConstrainNumber::Value(1280));
        set.pan = Some(BoolOrConstrainDouble::Bool(true));
        let with_pan = MediaTrackCapabilities {
            pan: Some(PAN),
            ..MediaTrackCapabilities::default()
        };
        let digital = Digital::for_camera(&with_pan).unwrap();
        let own = digital.own_part(&basic(set));
        assert!(own.basic.zoom.is_some());
        assert_eq!(own.basic.width, None);
        assert_eq!(own.basic.pan, None, "the camera's own pan is not emulated");
    }
}
