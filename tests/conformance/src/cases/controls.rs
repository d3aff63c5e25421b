//! The cases of the image-capture controls (zoom, pan, tilt, focus, exposure, white balance,
//! brightness…, torch) and of `fillLightMode: "flash"` and digital zoom.
//!
//! Every case works from what the target's camera offers (`getCapabilities()`,
//! `getSupportedConstraints()`, `getPhotoCapabilities()`) and skips itself where the camera
//! lacks what it needs, so that a browser's fake camera with few or no controls stays green.
//! Checks on the pixels run where [`Harness::controls_show_in_pixels`] says the camera draws its
//! controls' effects (the native fake camera). Where a constraint set must be skipped, the
//! cases put it after a satisfiable first advanced set: Chromium treats the first advanced set
//! of image-capture constraints as required, for compatibility with its old behaviour.

use imagecapture_core::constraints::{
    ConstrainDOMString, MediaTrackConstraintSet, MediaTrackConstraints,
};
use imagecapture_core::controls::{
    Control, ControlCapability, ControlConstraint, ControlKind, ControlValue,
};
use imagecapture_core::track::Point2D;
use imagecapture_core::{
    BlobTrait, ErrorName, FillLightMode, ImageBitmapTrait, ImageCaptureTrait, MediaDeviceKind,
    MediaDevicesTrait, MediaSettingsRange, MediaStreamConstraints, MediaStreamTrackTrait,
    MediaTrackCapabilities, MeteringMode, PhotoSettings,
};

use super::Outcome;
use crate::harness::{Harness, assert_rejects, decode_jpeg, open};

const NO_CONTROLS: &str = "this target's camera has no image-capture controls";
const NO_RANGES: &str = "this target's camera has no numeric image-capture control";
const NO_MODES: &str = "this target's camera has no control with both manual and continuous modes";
const NO_PIXELS: &str = "this target's camera does not show its controls in its pictures";

/// The image-capture controls a track offers, with their capabilities, in member order.
fn offered<T: MediaStreamTrackTrait>(track: &T) -> Vec<(Control, ControlCapability)> {
    let caps = track.get_capabilities();
    Control::ALL
        .into_iter()
        .filter_map(|c| c.capability_in(&caps).map(|cap| (c, cap)))
        .collect()
}

/// The numeric controls a track offers with finite `(min, max, step)`, `min < max`.
fn ranges<T: MediaStreamTrackTrait>(track: &T) -> Vec<(Control, f64, f64, f64)> {
    offered(track)
        .into_iter()
        .filter_map(|(c, cap)| match cap {
            ControlCapability::Range(MediaSettingsRange {
                min: Some(min),
                max: Some(max),
                step,
            }) if min.is_finite() && max.is_finite() && min < max => Some((
                c,
                min,
                max,
                step.filter(|s| s.is_finite() && *s > 0.0).unwrap_or(0.0),
            )),
            _ => None,
        })
        .collect()
}

fn number<T: MediaStreamTrackTrait>(track: &T, control: Control) -> Option<f64> {
    match control.value_in(&track.get_settings()) {
        Some(ControlValue::Number(v)) => Some(v),
        _ => None,
    }
}

/// A grid value of `min..=max` by `step`, away from `current`: about three quarters up the
/// range, or a quarter when that is where `current` is.
fn other_value(min: f64, max: f64, step: f64, current: Option<f64>) -> f64 {
    let on_grid = |v: f64| {
        if step > 0.0 {
            (min + ((v - min) / step).round() * step).clamp(min, max)
        } else {
            v
        }
    };
    let high = on_grid(min + (max - min) * 0.75);
    let low = on_grid(min + (max - min) * 0.25);
    match current {
        Some(c) if (c - high).abs() < (max - min) * 0.1 => low,
        _ => high,
    }
}

/// Whether `actual` is `expected` as far as a device with this `step` can tell.
fn close(actual: f64, expected: f64, step: f64) -> bool {
    (actual - expected).abs() <= (step / 2.0).max(1e-6 * expected.abs().max(1.0))
}

/// `set` with the mode that makes `control` settable (`exposureMode` for `exposureTime`, …) at
/// `"manual"`, where the track offers the mode with manual.
fn with_manual_mode(
    caps: &MediaTrackCapabilities,
    control: Control,
    mut set: MediaTrackConstraintSet,
) -> MediaTrackConstraintSet {
    if let Some(mode) = control.mode()
        && let Some(ControlCapability::Modes(modes)) = mode.capability_in(caps)
        && modes.contains(&MeteringMode::Manual)
    {
        let manual = ControlValue::Mode(MeteringMode::Manual);
        mode.constrain_in(&mut set, ControlConstraint::bare(&manual));
    }
    set
}

fn number_set(control: Control, constraint: ControlConstraint) -> MediaTrackConstraintSet {
    control.constraint_set(constraint)
}

fn exact(v: f64) -> ControlConstraint {
    ControlConstraint::exact(&ControlValue::Number(v))
}

fn ideal(v: f64) -> ControlConstraint {
    ControlConstraint::ideal(&ControlValue::Number(v))
}

fn advanced(sets: Vec<MediaTrackConstraintSet>) -> MediaTrackConstraints {
    MediaTrackConstraints {
        basic: MediaTrackConstraintSet::default(),
        advanced: Some(sets),
    }
}

/// Opens the first camera of `devices` and wraps its track in an `ImageCapture`.
async fn open_from<H: Harness>(
    devices: &H::Devices,
    constraints: &MediaStreamConstraints,
) -> (H::Track, H::Capture) {
    let stream = devices
        .get_user_media(constraints)
        .await
        .unwrap_or_else(|e| panic!("getUserMedia failed: {e}"));
    let track = stream
        .video_track()
        .unwrap_or_else(|| panic!("getUserMedia returned no video track"));
    let capture = H::Capture::new(track.clone())
        .unwrap_or_else(|e| panic!("new ImageCapture(track) failed: {e}"));
    (track, capture)
}

/// Opens the cameras of the target one after the other and returns the first whose
/// capabilities `wanted` accepts (the others are stopped).
async fn open_camera_where<H: Harness>(
    h: &H,
    wanted: impl Fn(&MediaTrackCapabilities) -> bool,
) -> Option<(H::Track, H::Capture)> {
    let devices = h
        .devices()
        .enumerate_devices()
        .await
        .expect("enumerateDevices");
    for device in devices
        .into_iter()
        .filter(|d| d.kind == MediaDeviceKind::VideoInput)
    {
        let constraints = MediaStreamConstraints::video_with(MediaTrackConstraintSet {
            device_id: Some(ConstrainDOMString::exact(device.device_id.clone())),
            ..MediaTrackConstraintSet::default()
        });
        let (track, capture) = open_from::<H>(h.devices(), &constraints).await;
        if wanted(&track.get_capabilities()) {
            return Some((track, capture));
        }
        track.stop();
    }
    None
}

/// A grabbed frame as RGBA with its size.
async fn grab<C: ImageCaptureTrait>(capture: &C) -> (Vec<u8>, u32, u32) {
    let frame = capture.grab_frame().await.expect("grabFrame");
    let rgba = frame.to_rgba().await.expect("read the frame back");
    (rgba, frame.width(), frame.height())
}

/// The mean luma of an RGBA (or, with `channels` 3, RGB) picture's middle band (the rows from
/// a third to two thirds of the height: away from a test pattern's counter strip).
fn mean_luma(pixels: &[u8], width: u32, height: u32, channels: usize) -> f64 {
    let (w, h) = (width as usize, height as usize);
    let mut sum = 0.0f64;
    let mut count = 0.0f64;
    for y in h / 3..h * 2 / 3 {
        for x in 0..w {
            let i = (y * w + x) * channels;
            if let Some(p) = pixels.get(i..i + 3) {
                sum += 0.299 * f64::from(p[0]) + 0.587 * f64::from(p[1]) + 0.114 * f64::from(p[2]);
                count += 1.0;
            }
        }
    }
    sum / count.max(1.0)
}

/// The share of the pixels in the lower two thirds of `shown` (RGBA, `size`) that match the
/// `(x, y, w, h)` part of `whole` (RGBA, the same size) scaled up to the full size (within 48
/// levels a channel). A zoomed picture and the matching part of an unzoomed one agree on most
/// pixels: what moves between the two grabs, and scaling, account for the rest.
fn share_matching(whole: &[u8], shown: &[u8], size: (u32, u32), part: (u32, u32, u32, u32)) -> f64 {
    let (w, h) = (size.0 as usize, size.1 as usize);
    let (px, py, pw, ph) = (
        part.0 as usize,
        part.1 as usize,
        part.2 as usize,
        part.3 as usize,
    );
    let mut matching = 0usize;
    let mut total = 0usize;
    for y in h / 3..h {
        for x in 0..w {
            let sx = px + (x * pw + pw / 2) / w.max(1);
            let sy = py + (y * ph + ph / 2) / h.max(1);
            let (a, b) = ((sy * w + sx) * 4, (y * w + x) * 4);
            if let (Some(a), Some(b)) = (whole.get(a..a + 3), shown.get(b..b + 3)) {
                total += 1;
                if a.iter().zip(b).all(|(p, q)| p.abs_diff(*q) <= 48) {
                    matching += 1;
                }
            }
        }
    }
    matching as f64 / total.max(1) as f64
}

/// A JPEG's pixels as RGB, with its size.
fn jpeg_rgb(bytes: &[u8]) -> Option<(Vec<u8>, u32, u32)> {
    let mut decoder =
        zune_jpeg::JpegDecoder::new(zune_jpeg::zune_core::bytestream::ZCursor::new(bytes));
    let pixels = decoder.decode().ok()?;
    let (w, h) = decoder.dimensions()?;
    (pixels.len() == w * h * 3).then_some((pixels, w as u32, h as u32))
}

/// The mean luma of a photo's middle band, for a JPEG photo.
async fn photo_luma<C: ImageCaptureTrait>(capture: &C, settings: &PhotoSettings) -> Option<f64> {
    let photo = capture.take_photo(settings).await.expect("takePhoto");
    let bytes = photo.bytes().await.expect("read the photo");
    let (rgb, w, h) = jpeg_rgb(&bytes)?;
    Some(mean_luma(&rgb, w, h, 3))
}

// ---- The cases -----------------------------------------------------------------------------------

/// <https://w3c.github.io/mediacapture-image/#mediatrackcapabilities-section>
/// Every image-capture capability has its setting, inside it, and its name in
/// `getSupportedConstraints()`; every numeric setting has its range.
pub async fn capabilities_are_consistent_with_settings<H: Harness>(h: &H) -> Outcome {
    let (track, _capture) = open(h).await;
    let offered = offered(&track);
    if offered.is_empty() {
        track.stop();
        return Outcome::Skipped(NO_CONTROLS);
    }
    let settings = track.get_settings();
    let supported = h.devices().get_supported_constraints();
    for (control, capability) in &offered {
        let name = control.name();
        assert!(
            control.is_supported_in(&supported),
            "{name} is in getCapabilities() but not in getSupportedConstraints()"
        );
        let value = control
            .value_in(&settings)
            .unwrap_or_else(|| panic!("{name} is in getCapabilities() but not in getSettings()"));
        match (capability, &value) {
            (ControlCapability::Range(r), ControlValue::Number(v)) => {
                let (min, max) = (r.min.expect("min"), r.max.expect("max"));
                let step = r.step.unwrap_or(0.0);
                assert!(min <= max && step >= 0.0, "{name}: {r:?}");
                assert!(
                    *v >= min - 1e-9 * min.abs().max(1.0) && *v <= max + 1e-9 * max.abs().max(1.0),
                    "{name}: setting {v} outside {min}..{max}"
                );
            }
            (ControlCapability::Modes(modes), ControlValue::Mode(m)) => {
                assert!(modes.contains(m), "{name}: {m:?} not in {modes:?}");
            }
            (ControlCapability::Flags(flags), ControlValue::Flag(b)) => {
                assert!(flags.contains(b), "{name}: {b} not in {flags:?}");
            }
            (c, v) => panic!("{name}: capability {c:?} and setting {v:?} of different kinds"),
        }
    }
    let caps = track.get_capabilities();
    for control in Control::ALL
        .into_iter()
        .filter(|c| c.kind() == ControlKind::Range)
    {
        if control.value_in(&settings).is_some() {
            assert!(
                control.capability_in(&caps).is_some(),
                "{} is in getSettings() without its range in getCapabilities()",
                control.name()
            );
        }
    }
    track.stop();
    Outcome::Passed
}

/// <https://w3c.github.io/mediacapture-image/#constrainable-properties>
/// A required value in range is applied, for every control the camera has, and
/// `getSettings()` shows it: numbers (with their mode at manual), every offered mode, the torch.
pub async fn each_control_in_range_is_applied_and_shows_in_settings<H: Harness>(h: &H) -> Outcome {
    let (track, capture) = open(h).await;
    let offered = offered(&track);
    if offered.is_empty() {
        track.stop();
        return Outcome::Skipped(NO_CONTROLS);
    }
    let caps = track.get_capabilities();
    for (control, min, max, step) in ranges(&track) {
        let name = control.name();
        let target = other_value(min, max, step, number(&track, control));
        let set = with_manual_mode(&caps, control, number_set(control, exact(target)));
        track
            .apply_constraints(&set.into())
            .await
            .unwrap_or_else(|e| panic!("applyConstraints({{{name}: {{exact: {target}}}}}): {e}"));
        let now = number(&track, control).unwrap_or(f64::NAN);
        assert!(
            close(now, target, step),
            "{name}: asked {target}, settings say {now}"
        );
    }
    for (control, capability) in &offered {
        let values: Vec<ControlValue> = match capability {
            ControlCapability::Modes(modes) => {
                modes.iter().map(|m| ControlValue::Mode(*m)).collect()
            }
            ControlCapability::Flags(flags) => {
                flags.iter().map(|b| ControlValue::Flag(*b)).collect()
            }
            ControlCapability::Range(_) => continue,
        };
        for value in values {
            let set = control.constraint_set(ControlConstraint::exact(&value));
            track
                .apply_constraints(&set.into())
                .await
                .unwrap_or_else(|e| panic!("applyConstraints({} {value:?}): {e}", control.name()));
            if matches!(value, ControlValue::Mode(_)) && !h.mode_switches_read_back() {
                continue;
            }
            assert_eq!(
                control.value_in(&track.get_settings()),
                Some(value),
                "{}",
                control.name()
            );
        }
    }
    capture
        .grab_frame()
        .await
        .expect("grabFrame after the changes");
    track.stop();
    Outcome::Passed
}

/// An `exact` value outside a control's range — above, below, huge, hugely negative — rejects
/// `OverconstrainedError` naming the control, and changes nothing, not even the members of the
/// same call that could be applied; so do a mode and a torch state the camera does not offer.
pub async fn out_of_range_exact_is_overconstrained_and_changes_nothing<H: Harness>(
    h: &H,
) -> Outcome {
    let (track, capture) = open(h).await;
    if offered(&track).is_empty() {
        track.stop();
        return Outcome::Skipped(NO_CONTROLS);
    }
    let before = track.get_settings();
    let ranges = ranges(&track);
    let caps = track.get_capabilities();
    let mut checked = 0;
    for &(control, min, max, step) in &ranges {
        let room = (max - min).max(step).max(1.0);
        for bad in [max + room, min - room, 1e300, -1e300] {
            let e = assert_rejects(
                track
                    .apply_constraints(&number_set(control, exact(bad)).into())
                    .await,
                ErrorName::Overconstrained,
                &format!("{{{}: {{exact: {bad}}}}}", control.name()),
            );
            assert_eq!(e.constraint(), Some(control.name()));
            assert_eq!(
                track.get_settings(),
                before,
                "{} {bad} changed the track",
                control.name()
            );
            checked += 1;
        }
    }
    // Together with a change that alone would apply: all or nothing.
    if let [(first, fmin, fmax, fstep), .., (last, _, lmax, _)] = ranges.as_slice() {
        let mut set = with_manual_mode(
            &caps,
            *first,
            number_set(
                *first,
                exact(other_value(*fmin, *fmax, *fstep, number(&track, *first))),
            ),
        );
        last.constrain_in(&mut set, exact(lmax + lmax.abs().max(1.0)));
        let e = assert_rejects(
            track.apply_constraints(&set.into()).await,
            ErrorName::Overconstrained,
            "an applicable change with an impossible one",
        );
        assert_eq!(e.constraint(), Some(last.name()));
        assert_eq!(
            track.get_settings(),
            before,
            "half of a refused call was applied"
        );
    }
    for (control, capability) in offered(&track) {
        let impossible = match capability {
            ControlCapability::Modes(modes) if !modes.contains(&MeteringMode::SingleShot) => {
                ControlValue::Mode(MeteringMode::SingleShot)
            }
            ControlCapability::Flags(flags) if !flags.contains(&true) => ControlValue::Flag(true),
            _ => continue,
        };
        let set = control.constraint_set(ControlConstraint::exact(&impossible));
        let e = assert_rejects(
            track.apply_constraints(&set.into()).await,
            ErrorName::Overconstrained,
            &format!("{} {impossible:?}", control.name()),
        );
        assert_eq!(e.constraint(), Some(control.name()));
        checked += 1;
    }
    assert_eq!(track.get_settings(), before);
    assert!(checked > 0);
    capture
        .grab_frame()
        .await
        .expect("grabFrame after the refusals");
    track.stop();
    Outcome::Passed
}

/// <https://w3c.github.io/mediacapture-main/#dfn-selectsettings>
/// `advanced` sets apply in order, and one that cannot hold — a value out of range beside one
/// in range, or one contradicting an earlier set — is skipped whole; an empty list or an empty
/// set changes nothing.
pub async fn an_unsatisfiable_advanced_set_is_skipped_whole<H: Harness>(h: &H) -> Outcome {
    let (track, capture) = open(h).await;
    let ranges = ranges(&track);
    let Some(&(a, amin, amax, astep)) = ranges.first() else {
        track.stop();
        return Outcome::Skipped(NO_RANGES);
    };
    let caps = track.get_capabilities();
    let before = track.get_settings();
    for constraints in [
        advanced(Vec::new()),
        advanced(vec![MediaTrackConstraintSet::default()]),
    ] {
        track
            .apply_constraints(&constraints)
            .await
            .expect("empty advanced");
        assert_eq!(
            track.get_settings(),
            before,
            "an empty advanced list changed the track"
        );
    }
    let a1 = other_value(amin, amax, astep, number(&track, a));
    let a2 = other_value(amin, amax, astep, Some(a1));
    // The manual modes the values need, as ideals of the basic set.
    let mut basic = with_manual_mode(&caps, a, MediaTrackConstraintSet::default());
    let mut sets = vec![
        number_set(a, ControlConstraint::bare(&ControlValue::Number(a1))),
        number_set(
            a,
            ControlConstraint::bare(&ControlValue::Number(amax + (amax - amin) + 1.0)),
        ),
    ];
    let mut expected_b = None;
    if let Some(&(b, bmin, bmax, bstep)) = ranges.get(1) {
        basic = with_manual_mode(&caps, b, basic);
        let b1 = other_value(bmin, bmax, bstep, number(&track, b));
        // a2 is possible alone, the b beside it is not: the set goes whole.
        let mut mixed = number_set(a, ControlConstraint::bare(&ControlValue::Number(a2)));
        let impossible = ControlValue::Number(bmax + (bmax - bmin) + 1.0);
        b.constrain_in(&mut mixed, ControlConstraint::bare(&impossible));
        sets.push(mixed);
        sets.push(number_set(
            b,
            ControlConstraint::bare(&ControlValue::Number(b1)),
        ));
        expected_b = Some((b, b1, bstep));
    }
    // Contradicts the first set: skipped.
    sets.push(number_set(
        a,
        ControlConstraint::bare(&ControlValue::Number(a2)),
    ));
    let constraints = MediaTrackConstraints {
        basic,
        advanced: Some(sets),
    };
    track
        .apply_constraints(&constraints)
        .await
        .unwrap_or_else(|e| panic!("advanced sets never make applyConstraints fail: {e}"));
    let now = number(&track, a).unwrap_or(f64::NAN);
    assert!(
        close(now, a1, astep),
        "{}: expected {a1} from the first set, got {now}",
        a.name()
    );
    if let Some((b, b1, bstep)) = expected_b {
        let now = number(&track, b).unwrap_or(f64::NAN);
        assert!(
            close(now, b1, bstep),
            "{}: expected {b1} from the last set, got {now}",
            b.name()
        );
    }
    capture.grab_frame().await.expect("grabFrame");
    track.stop();
    Outcome::Passed
}

/// An `ideal` value is clamped into the control's range, and one between two steps is snapped
/// to the nearer step.
pub async fn ideal_is_clamped_to_the_range_and_snapped_to_the_step<H: Harness>(h: &H) -> Outcome {
    let (track, _capture) = open(h).await;
    let ranges = ranges(&track);
    if ranges.is_empty() {
        track.stop();
        return Outcome::Skipped(NO_RANGES);
    }
    let caps = track.get_capabilities();
    for (control, min, max, step) in ranges {
        let name = control.name();
        let span = max - min;
        for (asked, expected) in [(max + 10.0 * span, max), (min - 10.0 * span, min)] {
            let set = with_manual_mode(&caps, control, number_set(control, ideal(asked)));
            track
                .apply_constraints(&set.into())
                .await
                .expect("applyConstraints ideal");
            let now = number(&track, control).unwrap_or(f64::NAN);
            assert!(
                close(now, expected, step),
                "{name}: ideal {asked} gave {now}, not {expected}"
            );
        }
        if step > 0.0 && span / step >= 3.0 && h.snaps_ideals_to_steps() {
            let asked = min + 1.4 * step;
            let set = with_manual_mode(&caps, control, number_set(control, ideal(asked)));
            track
                .apply_constraints(&set.into())
                .await
                .expect("applyConstraints ideal");
            let now = number(&track, control).unwrap_or(f64::NAN);
            let expected = min + step;
            assert!(
                (now - expected).abs() <= 1e-6 * expected.abs().max(1.0),
                "{name}: ideal {asked} gave {now}, not the step {expected}"
            );
        }
    }
    track.stop();
    Outcome::Passed
}

/// <https://w3c.github.io/mediacapture-image/#dom-meteringmode>
/// A mode offered as both `"manual"` and `"continuous"` switches back and forth, required or in
/// an advanced set.
pub async fn modes_switch_between_manual_and_continuous<H: Harness>(h: &H) -> Outcome {
    let (track, _capture) = open(h).await;
    let both: Vec<Control> = offered(&track)
        .into_iter()
        .filter_map(|(c, cap)| match cap {
            ControlCapability::Modes(m)
                if m.contains(&MeteringMode::Manual) && m.contains(&MeteringMode::Continuous) =>
            {
                Some(c)
            }
            _ => None,
        })
        .collect();
    if both.is_empty() {
        track.stop();
        return Outcome::Skipped(NO_MODES);
    }
    for control in both {
        for (mode, in_advanced) in [
            (MeteringMode::Manual, false),
            (MeteringMode::Continuous, false),
            (MeteringMode::Manual, true),
            (MeteringMode::Continuous, true),
        ] {
            let value = ControlValue::Mode(mode);
            let constraints = if in_advanced {
                advanced(vec![
                    control.constraint_set(ControlConstraint::bare(&value)),
                ])
            } else {
                control
                    .constraint_set(ControlConstraint::exact(&value))
                    .into()
            };
            track
                .apply_constraints(&constraints)
                .await
                .unwrap_or_else(|e| panic!("{} {}: {e}", control.name(), mode.as_str()));
            if !h.mode_switches_read_back() {
                // The switch was accepted; what the browser reports afterwards is its own.
                continue;
            }
            assert_eq!(
                control.value_in(&track.get_settings()),
                Some(value),
                "{}",
                control.name()
            );
        }
    }
    track.stop();
    Outcome::Passed
}

/// A required image-capture control the camera lacks (but the implementation knows) rejects
/// `OverconstrainedError` naming it; asked as an ideal, or in a later advanced set, it is
/// ignored.
pub async fn a_required_control_the_camera_lacks_is_overconstrained_and_an_ideal_one_ignored<
    H: Harness,
>(
    h: &H,
) -> Outcome {
    let supported = h.devices().get_supported_constraints();
    // Pan, tilt and zoom last: browsers tie them to a permission of their own.
    let ptz = |c: &Control| matches!(c, Control::Pan | Control::Tilt | Control::Zoom);
    let lacking = |caps: &MediaTrackCapabilities| {
        let mut missing: Vec<Control> = Control::ALL
            .into_iter()
            .filter(|c| {
                c.kind() != ControlKind::Points
                    && c.is_supported_in(&supported)
                    && c.capability_in(caps).is_none()
            })
            .collect();
        missing.sort_by_key(ptz);
        missing.first().copied()
    };
    let Some((track, capture)) = open_camera_where(h, |caps| lacking(caps).is_some()).await else {
        return Outcome::Skipped("every camera of this target has every control it knows");
    };
    let Some(control) = lacking(&track.get_capabilities()) else {
        track.stop();
        return Outcome::Skipped("the camera changed its controls");
    };
    let value = match control.kind() {
        ControlKind::Mode => ControlValue::Mode(MeteringMode::Manual),
        ControlKind::Flag => ControlValue::Flag(true),
        _ => ControlValue::Number(1.0),
    };
    let before = track.get_settings();
    let e = assert_rejects(
        track
            .apply_constraints(
                &control
                    .constraint_set(ControlConstraint::exact(&value))
                    .into(),
            )
            .await,
        ErrorName::Overconstrained,
        &format!(
            "{{{}: {{exact: …}}}} on a camera without it",
            control.name()
        ),
    );
    assert_eq!(e.constraint(), Some(control.name()));
    for constraints in [
        control
            .constraint_set(ControlConstraint::ideal(&value))
            .into(),
        advanced(vec![
            MediaTrackConstraintSet::default(),
            control.constraint_set(ControlConstraint::bare(&value)),
        ]),
    ] {
        track
            .apply_constraints(&constraints)
            .await
            .unwrap_or_else(|e| panic!("{} the camera lacks, not required: {e}", control.name()));
        assert_eq!(track.get_settings(), before);
    }
    capture.grab_frame().await.expect("grabFrame");
    track.stop();
    Outcome::Passed
}

/// Bad input at every entry: NaN and ±Infinity in any form, in the basic set or an advanced
/// one, are `TypeError`s for every member the implementation knows (WebIDL), whether the camera
/// has the control or not; the track is unchanged and keeps working.
pub async fn non_finite_control_values_are_type_errors_and_the_track_keeps_working<H: Harness>(
    h: &H,
) -> Outcome {
    let supported = h.devices().get_supported_constraints();
    let known: Vec<Control> = [
        Control::Zoom,
        Control::ExposureTime,
        Control::Brightness,
        Control::Pan,
    ]
    .into_iter()
    .filter(|c| c.is_supported_in(&supported))
    .collect();
    if known.is_empty() {
        return Outcome::Skipped("this target knows no numeric image-capture member");
    }
    let (track, capture) = open(h).await;
    let before = track.get_settings();
    for control in known {
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let forms = [
                ControlConstraint::bare(&ControlValue::Number(bad)),
                exact(bad),
                ideal(bad),
            ];
            for form in forms {
                let set = number_set(control, form);
                for constraints in [
                    MediaTrackConstraints::from(set.clone()),
                    advanced(vec![MediaTrackConstraintSet::default(), set]),
                ] {
                    assert_rejects(
                        track.apply_constraints(&constraints).await,
                        ErrorName::Type,
                        &format!("{}: {bad}", control.name()),
                    );
                }
            }
        }
    }
    if Control::PointsOfInterest.is_supported_in(&supported) {
        let points = ControlValue::Points(vec![Point2D {
            x: f64::NAN,
            y: 0.5,
        }]);
        assert_rejects(
            track
                .apply_constraints(
                    &Control::PointsOfInterest
                        .constraint_set(ControlConstraint::bare(&points))
                        .into(),
                )
                .await,
            ErrorName::Type,
            "pointsOfInterest: NaN",
        );
    }
    assert_eq!(track.get_settings(), before);
    capture
        .grab_frame()
        .await
        .expect("grabFrame after bad input");
    capture
        .take_photo(&PhotoSettings::default())
        .await
        .expect("takePhoto after bad input");
    track.stop();
    Outcome::Passed
}

/// <https://w3c.github.io/mediacapture-image/#dom-filllightmode-flash>
/// On a camera without a torch (or flash), `fillLightMode: "flash"` is not offered and a photo
/// asking for it rejects `NotSupportedError`; photos without it work.
pub async fn flash_without_a_torch_is_not_supported<H: Harness>(h: &H) -> Outcome {
    let no_torch =
        |caps: &MediaTrackCapabilities| !caps.torch.as_ref().is_some_and(|t| t.contains(&true));
    let Some((track, capture)) = open_camera_where(h, no_torch).await else {
        return Outcome::Skipped("every camera of this target has a torch");
    };
    let caps = capture
        .get_photo_capabilities()
        .await
        .expect("getPhotoCapabilities");
    let modes = caps.fill_light_mode.unwrap_or_default();
    if modes.contains(&FillLightMode::Flash) {
        track.stop();
        return Outcome::Skipped("this target's camera has a flash of its own");
    }
    let flash = PhotoSettings {
        fill_light_mode: Some(FillLightMode::Flash),
        ..PhotoSettings::default()
    };
    assert_rejects(
        capture.take_photo(&flash).await,
        ErrorName::NotSupported,
        "takePhoto({fillLightMode: \"flash\"}) without a torch",
    );
    capture
        .take_photo(&PhotoSettings::default())
        .await
        .expect("a photo without flash");
    track.stop();
    Outcome::Passed
}

/// On a camera with a torch, `fillLightMode` offers `"off"` and `"flash"`; a flash photo is
/// taken with the torch on (it is brighter, where the camera shows it) and the torch is back
/// as it was afterwards — off, or on when it was on — also when the photo fails.
pub async fn flash_with_a_torch_lights_the_photo_and_restores_the_torch<H: Harness>(
    h: &H,
) -> Outcome {
    let torch =
        |caps: &MediaTrackCapabilities| caps.torch.as_ref().is_some_and(|t| t.contains(&true));
    let Some((track, capture)) = open_camera_where(h, torch).await else {
        return Outcome::Skipped("no camera of this target has a torch");
    };
    let caps = capture
        .get_photo_capabilities()
        .await
        .expect("getPhotoCapabilities");
    let modes = caps.fill_light_mode.unwrap_or_default();
    assert!(
        modes.contains(&FillLightMode::Off) && modes.contains(&FillLightMode::Flash),
        "a camera with a torch offers fillLightMode {modes:?}"
    );
    let flash = PhotoSettings {
        fill_light_mode: Some(FillLightMode::Flash),
        ..PhotoSettings::default()
    };
    let off = PhotoSettings {
        fill_light_mode: Some(FillLightMode::Off),
        ..PhotoSettings::default()
    };
    let torch_setting = |t: &H::Track| t.get_settings().torch;
    assert_eq!(torch_setting(&track), Some(false));
    let photo = capture
        .take_photo(&flash)
        .await
        .expect("takePhoto with flash");
    let bytes = photo.bytes().await.expect("read the photo");
    assert!(decode_jpeg(&bytes).is_ok() || photo.mime_type() != "image/jpeg");
    assert_eq!(
        torch_setting(&track),
        Some(false),
        "the torch stayed on after the flash"
    );
    if let Some(on) = h.faults().and_then(|f| f.torch_on()) {
        assert!(!on, "the device's torch stayed on after the flash");
    }
    if h.controls_show_in_pixels() {
        let lit = photo_luma(&capture, &flash).await.expect("a JPEG photo");
        let plain = photo_luma(&capture, &off).await.expect("a JPEG photo");
        assert!(
            lit > plain + 15.0,
            "a flash photo ({lit}) is no brighter than one without ({plain})"
        );
    }
    // With the torch on already, it stays on.
    let on = ControlValue::Flag(true);
    track
        .apply_constraints(
            &Control::Torch
                .constraint_set(ControlConstraint::exact(&on))
                .into(),
        )
        .await
        .expect("torch on");
    capture
        .take_photo(&flash)
        .await
        .expect("takePhoto with flash, torch on");
    assert_eq!(torch_setting(&track), Some(true));
    if let Some(faults) = h.faults() {
        if let Some(on) = faults.torch_on() {
            assert!(on, "a torch that was on went off after a flash photo");
        }
        // A flash photo that fails puts the torch back too.
        let off_value = ControlValue::Flag(false);
        track
            .apply_constraints(
                &Control::Torch
                    .constraint_set(ControlConstraint::exact(&off_value))
                    .into(),
            )
            .await
            .expect("torch off");
        faults.stall(true);
        assert_rejects(
            capture.take_photo(&flash).await,
            ErrorName::Unknown,
            "a flash photo on a stalled camera",
        );
        if let Some(on) = faults.torch_on() {
            assert!(!on, "the torch stayed on after a failed flash photo");
        }
        faults.stall(false);
        capture
            .take_photo(&PhotoSettings::default())
            .await
            .expect("a photo once frames flow again");
    }
    track.stop();
    Outcome::Passed
}

/// <https://w3c.github.io/mediacapture-image/#dom-mediatracksettings-zoom>
/// The camera's own zoom shows in the pictures: at zoom 2 a frame is the centre of the
/// picture at zoom 1, at full size; and brightness and exposure time change the light.
pub async fn zoom_brightness_and_exposure_show_in_the_pixels<H: Harness>(h: &H) -> Outcome {
    if !h.controls_show_in_pixels() {
        return Outcome::Skipped(NO_PIXELS);
    }
    let (track, capture) = open(h).await;
    let caps = track.get_capabilities();
    let before = track.get_settings();
    let mut checked = false;
    if caps.zoom.and_then(|z| z.max).is_some_and(|max| max >= 2.0) {
        let (whole, w, hgt) = grab(&capture).await;
        track
            .apply_constraints(&number_set(Control::Zoom, exact(2.0)).into())
            .await
            .expect("zoom 2");
        let (zoomed, zw, zh) = grab(&capture).await;
        assert_eq!((zw, zh), (w, hgt), "a zoomed frame has the track's size");
        let share = share_matching(&whole, &zoomed, (w, hgt), (w / 4, hgt / 4, w / 2, hgt / 2));
        assert!(
            share > 0.85,
            "zoom 2 shows the centre: only {share:.2} of the pixels match"
        );
        track
            .apply_constraints(&number_set(Control::Zoom, exact(1.0)).into())
            .await
            .expect("zoom 1");
        checked = true;
    }
    if let Some(range) = caps.brightness {
        let (min, max) = (range.min.expect("min"), range.max.expect("max"));
        let mut luma = Vec::new();
        for v in [min, max] {
            track
                .apply_constraints(&number_set(Control::Brightness, exact(v)).into())
                .await
                .expect("brightness");
            let (rgba, w, hgt) = grab(&capture).await;
            luma.push(mean_luma(&rgba, w, hgt, 4));
        }
        assert!(luma[1] > luma[0] + 60.0, "brightness min → max: {luma:?}");
        if let Some(ControlValue::Number(v)) = Control::Brightness.value_in(&before) {
            track
                .apply_constraints(&number_set(Control::Brightness, exact(v)).into())
                .await
                .expect("brightness back");
        }
        checked = true;
    }
    if let (Some(range), Some(modes)) = (caps.exposure_time, &caps.exposure_mode)
        && modes.contains(&MeteringMode::Manual)
    {
        let (min, max) = (range.min.expect("min"), range.max.expect("max"));
        let mut luma = Vec::new();
        for v in [min, max] {
            let set = with_manual_mode(
                &caps,
                Control::ExposureTime,
                number_set(Control::ExposureTime, exact(v)),
            );
            track
                .apply_constraints(&set.into())
                .await
                .expect("exposureTime");
            let (rgba, w, hgt) = grab(&capture).await;
            luma.push(mean_luma(&rgba, w, hgt, 4));
        }
        assert!(luma[1] > luma[0] + 60.0, "exposureTime min → max: {luma:?}");
        checked = true;
    }
    track.stop();
    if checked {
        Outcome::Passed
    } else {
        Outcome::Skipped("this target's camera has no zoom, brightness or exposure time")
    }
}

/// Digital zoom (opt-in): on a camera without zoom, `zoom` is offered, and at 2 a grabbed frame
/// and a photo are the centre of the picture at full size; `pan` at its largest shows the right
/// half.
pub async fn digital_zoom_2x_shows_the_centre_of_the_frame_at_full_size<H: Harness>(
    h: &H,
) -> Outcome {
    let Some(devices) = h.devices_with_digital_zoom() else {
        return Outcome::Skipped("this target has no digital zoom emulation");
    };
    let (track, capture) = open_from::<H>(&devices, &MediaStreamConstraints::video()).await;
    let caps = track.get_capabilities();
    let zoom = caps.zoom.expect("digital zoom offers zoom");
    assert!(
        zoom.min.is_some_and(|m| m <= 1.0) && zoom.max.is_some_and(|m| m >= 2.0),
        "zoom range {zoom:?}"
    );
    assert_eq!(number(&track, Control::Zoom), Some(1.0));
    // Each check compares pictures taken moments apart, and is measured up to three times: a
    // camera whose whole picture changes now and then (WebKit's mock camera under load gave
    // 0.00 once in a few runs, on grabs and photos alike) must not fail it, while a zoom that
    // is wrong fails every time.
    let view = |zoom: f64, pan: Option<f64>| -> MediaTrackConstraints {
        let mut set = number_set(Control::Zoom, exact(zoom));
        if let Some(pan) = pan {
            Control::Pan.constrain_in(&mut set, exact(pan));
        }
        set.into()
    };
    let mut size = (0, 0);
    let mut best = 0.0f64;
    for _ in 0..3 {
        track
            .apply_constraints(&view(1.0, None))
            .await
            .expect("zoom 1");
        let (whole, w, hgt) = grab(&capture).await;
        track
            .apply_constraints(&view(2.0, None))
            .await
            .expect("zoom 2");
        assert_eq!(number(&track, Control::Zoom), Some(2.0));
        let (zoomed, zw, zh) = grab(&capture).await;
        assert_eq!((zw, zh), (w, hgt), "a zoomed frame has the track's size");
        size = (w, hgt);
        let centre = (w / 4, hgt / 4, w / 2, hgt / 2);
        best = best.max(share_matching(&whole, &zoomed, size, centre));
        if best > 0.85 {
            break;
        }
    }
    assert!(
        best > 0.85,
        "zoom 2 shows the centre: only {best:.2} of the pixels match"
    );
    let (w, hgt) = size;
    // The photo against a zoomed frame grabbed just before it (the check above showed the
    // centre).
    let mut best = 0.0f64;
    for _ in 0..3 {
        let (just_before, ..) = grab(&capture).await;
        let photo = capture
            .take_photo(&PhotoSettings::default())
            .await
            .expect("takePhoto at zoom 2");
        let bytes = photo.bytes().await.expect("read the photo");
        let Some((rgb, pw, ph)) = jpeg_rgb(&bytes) else {
            // Not a JPEG (a browser's own photo type): its pixels are not checked here.
            best = 1.0;
            break;
        };
        assert_eq!((pw, ph), (w, hgt), "a zoomed photo has the track's size");
        let rgba: Vec<u8> = rgb
            .chunks_exact(3)
            .flat_map(|p| [p[0], p[1], p[2], 255])
            .collect();
        best = best.max(share_matching(&just_before, &rgba, size, (0, 0, w, hgt)));
        if best > 0.8 {
            break;
        }
    }
    assert!(
        best > 0.8,
        "a zoomed photo shows what a zoomed grab does: only {best:.2} match"
    );
    if let Some(max) = caps.pan.and_then(|p| p.max) {
        let mut best = 0.0f64;
        for _ in 0..3 {
            track
                .apply_constraints(&view(1.0, None))
                .await
                .expect("zoom 1");
            let (whole, ..) = grab(&capture).await;
            track
                .apply_constraints(&view(2.0, Some(max)))
                .await
                .expect("pan to the right");
            let (panned, ..) = grab(&capture).await;
            let right = (w / 2, hgt / 4, w / 2, hgt / 2);
            best = best.max(share_matching(&whole, &panned, size, right));
            if best > 0.85 {
                break;
            }
        }
        assert!(
            best > 0.85,
            "pan right shows the right half: only {best:.2} match"
        );
    }
    track.stop();
    Outcome::Passed
}
