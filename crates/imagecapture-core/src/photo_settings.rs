//! `takePhoto(settings)`: checking the settings against the capabilities, in the spec's order,
//! and turning them into a plan a backend carries out.

use crate::error::{Error, Result};
use crate::limits::DEFAULT_JPEG_QUALITY;
use crate::photo::{
    FillLightMode, MediaSettingsRange, PhotoCapabilities, PhotoSettings, RedEyeReduction,
};
use crate::scale::scaled_size;
use crate::select::snap_to_range;
use crate::text::number;

/// How a photo is encoded.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PhotoEncoding {
    /// `image/jpeg` at this quality, 0 to 1.
    Jpeg {
        /// 0 (smallest) to 1 (best).
        quality: f64,
    },
    /// `image/png`.
    Png,
}

impl PhotoEncoding {
    /// The MIME type of this encoding.
    pub const fn mime_type(self) -> &'static str {
        match self {
            Self::Jpeg { .. } => "image/jpeg",
            Self::Png => "image/png",
        }
    }
}

/// What one `take_photo` must produce, worked out from its settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PhotoPlan {
    /// The photo's size in pixels, width × height.
    pub size: (u32, u32),
    /// How to encode it.
    pub encoding: PhotoEncoding,
    /// The flash mode asked for, if any.
    pub fill_light_mode: Option<FillLightMode>,
    /// Whether the caller chose the JPEG quality. When not, a backend may hand out a JPEG the
    /// camera made itself (MJPEG) instead of decoding and encoding again.
    pub quality_requested: bool,
}

/// Checks `settings` in the spec's order and plans the photo.
///
/// `current` is the size the track delivers now: with neither `imageWidth` nor `imageHeight`, the
/// photo has that size; with one, the other follows its aspect ratio.
///
/// # Errors
/// - `TypeError` for a non-finite `imageWidth`/`imageHeight` (WebIDL `double` rejects NaN and
///   ±Infinity while converting the dictionary, before the method runs).
/// - `NotSupportedError` (Chrome's checks, in Chrome's order) for `imageHeight` or `imageWidth`
///   outside the capabilities' range, `redEyeReduction` when the capability is not
///   `controllable` (unless it asks for the state the device is fixed in), a `fillLightMode`
///   the device does not list (`"off"` passes where it lists none), a `type` other than
///   `image/jpeg` or `image/png`.
pub fn plan_photo(
    settings: &PhotoSettings,
    capabilities: &PhotoCapabilities,
    current: (u32, u32),
) -> Result<PhotoPlan> {
    check_photo_setting_types(settings)?;

    let height = checked_dimension(
        "imageHeight",
        settings.image_height,
        capabilities.image_height,
    )?;
    let width = checked_dimension("imageWidth", settings.image_width, capabilities.image_width)?;

    // The spec's takePhoto() gives no rule for a setting the device cannot control; Chrome
    // rejects `NotSupportedError` for any `redEyeReduction` unless it is "controllable"
    // (SPEC.md). Our reading: a member whose value is the state the device is fixed in asks
    // for nothing to be controlled, so it is no setting the device lacks. "never" means red-eye
    // reduction "is not available in the device" and "always" that "it is always configured to
    // true" (the spec's RedEyeReduction values): `false` on "never" and `true` on "always" are
    // accepted, the other value rejects. This lets what getPhotoSettings() gave
    // (`redEyeReduction: false` on a camera that never reduces red-eye) go back into
    // takePhoto(), which the spec's own example pattern does; Chrome would reject it there.
    if let Some(wanted) = settings.red_eye_reduction {
        let fixed = match capabilities.red_eye_reduction {
            Some(RedEyeReduction::Controllable) => None,
            Some(RedEyeReduction::Never) => Some(false),
            Some(RedEyeReduction::Always) => Some(true),
            // Unknown: nothing to compare with.
            None => Some(!wanted),
        };
        if fixed.is_some_and(|fixed| fixed != wanted) {
            return Err(Error::not_supported(if wanted {
                "redEyeReduction is not available on this device"
            } else {
                "redEyeReduction is always on with this device"
            }));
        }
    }

    if let Some(mode) = settings.fill_light_mode {
        let offered = capabilities.fill_light_mode.as_deref().unwrap_or_default();
        // The same reading as for redEyeReduction: "off" on a device that offers no fill
        // light mode at all (no flash, no torch) is the state it is fixed in.
        let fixed_off = offered.is_empty() && mode == FillLightMode::Off;
        if !offered.contains(&mode) && !fixed_off {
            let mut message = [
                "fillLightMode \"",
                mode.as_str(),
                "\" is not supported; the device offers [",
            ]
            .concat();
            for (i, offer) in offered.iter().enumerate() {
                message.push_str(if i == 0 { "\"" } else { ", \"" });
                message.push_str(offer.as_str());
                message.push('"');
            }
            message.push(']');
            return Err(Error::not_supported(message));
        }
    }

    let requested_quality = settings.quality.filter(|q| (0.0..=1.0).contains(q));
    let encoding = match settings.mime_type.as_deref() {
        None | Some("image/jpeg") => PhotoEncoding::Jpeg {
            quality: requested_quality.unwrap_or(DEFAULT_JPEG_QUALITY),
        },
        Some("image/png") => PhotoEncoding::Png,
        Some(other) => {
            return Err(Error::not_supported(
                [
                    "photo type \"",
                    other,
                    "\" is not supported; use \"image/jpeg\" or \"image/png\"",
                ]
                .concat(),
            ));
        }
    };

    let (mut w, mut h) = scaled_size(current, width, height);
    // A size derived from the aspect ratio may fall outside the other range: keep it inside.
    if let Some(range) = capabilities.image_width {
        w = clamp_to(w, range);
    }
    if let Some(range) = capabilities.image_height {
        h = clamp_to(h, range);
    }
    Ok(PhotoPlan {
        size: (w, h),
        encoding,
        fill_light_mode: settings.fill_light_mode,
        quality_requested: requested_quality.is_some(),
    })
}

/// The checks WebIDL makes while converting the `PhotoSettings` dictionary, before the method
/// runs (so before the track's state is looked at): `imageWidth`/`imageHeight` are `double`,
/// which rejects NaN and ±Infinity.
///
/// # Errors
/// `TypeError` naming the member.
pub fn check_photo_setting_types(settings: &PhotoSettings) -> Result<()> {
    for (name, value) in [
        ("imageHeight", settings.image_height),
        ("imageWidth", settings.image_width),
    ] {
        if let Some(value) = value.filter(|v| !v.is_finite()) {
            return Err(Error::type_error(
                [
                    "PhotoSettings.",
                    name,
                    " must be a finite number, not ",
                    &number(value),
                ]
                .concat(),
            ));
        }
    }
    Ok(())
}

/// A requested dimension checked against its range and snapped to the range's step.
fn checked_dimension(
    name: &str,
    value: Option<f64>,
    range: Option<MediaSettingsRange>,
) -> Result<Option<f64>> {
    let Some(value) = value else { return Ok(None) };
    let Some(range) = range else {
        return Ok(Some(value));
    };
    let min = range.min.unwrap_or(f64::NEG_INFINITY);
    let max = range.max.unwrap_or(f64::INFINITY);
    if value < min || value > max {
        return Err(Error::not_supported(
            [
                name,
                " ",
                &number(value),
                " is out of range; the device supports ",
                &number(min),
                " to ",
                &number(max),
            ]
            .concat(),
        ));
    }
    Ok(Some(snap_to_range(value, &range)))
}

fn clamp_to(value: u32, range: MediaSettingsRange) -> u32 {
    let v = snap_to_range(f64::from(value), &range).round();
    // The range comes from a device: keep a sane, non-zero pixel count whatever it says.
    if v.is_finite() && v >= 1.0 && v <= f64::from(u32::MAX) {
        v as u32
    } else {
        value.max(1)
    }
}

/// The camera frame size to take a photo of `target` size from, among the camera's `sizes`.
///
/// The size the camera runs in now wins when it is at least as large as the photo with the same
/// aspect ratio (no format switch, no wait). Otherwise the smallest size that covers the photo
/// with the same aspect ratio, then the smallest that covers it at all (the frame is then cropped
/// to the photo's aspect ratio), and failing both the largest size (the frame is enlarged).
pub fn capture_size_for(
    sizes: &[(u32, u32)],
    target: (u32, u32),
    current: (u32, u32),
) -> (u32, u32) {
    let covers = |s: &(u32, u32)| s.0 >= target.0 && s.1 >= target.1;
    let same_shape = |s: &(u32, u32)| {
        let (a, b) = (aspect(*s), aspect(target));
        (a - b).abs() <= 0.01 * b
    };
    let area = |s: &(u32, u32)| u64::from(s.0) * u64::from(s.1);
    if covers(&current) && same_shape(&current) {
        return current;
    }
    let smallest = |filter: &dyn Fn(&(u32, u32)) -> bool| {
        sizes
            .iter()
            .filter(|s| filter(s))
            .min_by_key(|s| (area(s), **s != current))
            .copied()
    };
    smallest(&|s| covers(s) && same_shape(s))
        .or_else(|| smallest(&covers))
        .or_else(|| sizes.iter().max_by_key(|s| area(s)).copied())
        .unwrap_or(current)
}

fn aspect((w, h): (u32, u32)) -> f64 {
    if h == 0 {
        0.0
    } else {
        f64::from(w) / f64::from(h)
    }
}

/// The centred part of a `source`-sized frame with the aspect ratio of `target`: `(x, y, w, h)`.
pub fn aspect_crop(source: (u32, u32), target: (u32, u32)) -> (u32, u32, u32, u32) {
    let (sw, sh) = source;
    let (tw, th) = target;
    if sw == 0 || sh == 0 || tw == 0 || th == 0 {
        return (0, 0, sw, sh);
    }
    // Compare sw/sh with tw/th without rounding: sw*th vs tw*sh.
    let (wide, tall) = (u64::from(sw) * u64::from(th), u64::from(tw) * u64::from(sh));
    if wide > tall {
        // Source is wider: keep the full height.
        let w = ((u64::from(sh) * u64::from(tw) + u64::from(th) / 2) / u64::from(th))
            .clamp(1, u64::from(sw)) as u32;
        ((sw - w) / 2, 0, w, sh)
    } else if wide < tall {
        let h = ((u64::from(sw) * u64::from(th) + u64::from(tw) / 2) / u64::from(tw))
            .clamp(1, u64::from(sh)) as u32;
        (0, (sh - h) / 2, sw, h)
    } else {
        (0, 0, sw, sh)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorName;

    fn caps() -> PhotoCapabilities {
        PhotoCapabilities {
            red_eye_reduction: Some(RedEyeReduction::Never),
            image_height: Some(MediaSettingsRange::new(240.0, 1080.0, 1.0)),
            image_width: Some(MediaSettingsRange::new(320.0, 1920.0, 1.0)),
            fill_light_mode: Some(vec![]),
        }
    }

    fn name_of(settings: PhotoSettings) -> ErrorName {
        plan_photo(&settings, &caps(), (640, 480))
            .unwrap_err()
            .name()
    }

    #[test]
    fn no_settings_means_the_current_size_as_jpeg() {
        let plan = plan_photo(&PhotoSettings::default(), &caps(), (640, 480)).unwrap();
        assert_eq!(plan.size, (640, 480));
        assert_eq!(
            plan.encoding,
            PhotoEncoding::Jpeg {
                quality: DEFAULT_JPEG_QUALITY
            }
        );
        assert_eq!(plan.encoding.mime_type(), "image/jpeg");
    }

    #[test]
    fn a_width_alone_keeps_the_aspect_ratio() {
        let plan = plan_photo(&PhotoSettings::with_width(1280.0), &caps(), (640, 480)).unwrap();
        assert_eq!(plan.size, (1280, 960));
    }

    #[test]
    fn a_derived_dimension_stays_inside_its_range() {
        // 1920 wide at 4:3 would be 1440 high; the height range stops at 1080.
        let plan = plan_photo(&PhotoSettings::with_width(1920.0), &caps(), (640, 480)).unwrap();
        assert_eq!(plan.size, (1920, 1080));
    }

    #[test]
    fn fractional_sizes_snap_to_the_step() {
        let plan = plan_photo(&PhotoSettings::with_width(800.4), &caps(), (640, 480)).unwrap();
        assert_eq!(plan.size, (800, 600));
    }

    #[test]
    fn non_finite_sizes_are_type_errors_before_range_checks() {
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(name_of(PhotoSettings::with_width(bad)), ErrorName::Type);
            // Even when the other member is out of range, the TypeError comes first.
            assert_eq!(
                name_of(PhotoSettings {
                    image_width: Some(bad),
                    image_height: Some(1.0e9),
                    ..Default::default()
                }),
                ErrorName::Type
            );
        }
    }

    #[test]
    fn out_of_range_negative_and_zero_sizes_are_not_supported() {
        for bad in [-640.0, 0.0, 319.0, 1921.0, 1.0e12] {
            assert_eq!(
                name_of(PhotoSettings::with_width(bad)),
                ErrorName::NotSupported
            );
        }
        let tall = PhotoSettings {
            image_height: Some(2000.0),
            ..Default::default()
        };
        assert_eq!(name_of(tall), ErrorName::NotSupported);
    }

    #[test]
    fn red_eye_reduction_needs_a_controllable_capability_unless_it_is_the_fixed_state() {
        let on = PhotoSettings {
            red_eye_reduction: Some(true),
            ..Default::default()
        };
        let off = PhotoSettings {
            red_eye_reduction: Some(false),
            ..Default::default()
        };
        // caps() says "never": asking for it is not supported, asking for none is the state.
        assert_eq!(name_of(on.clone()), ErrorName::NotSupported);
        assert!(plan_photo(&off, &caps(), (640, 480)).is_ok());
        let mut always = caps();
        always.red_eye_reduction = Some(RedEyeReduction::Always);
        assert!(plan_photo(&on, &always, (640, 480)).is_ok());
        assert_eq!(
            plan_photo(&off, &always, (640, 480))
                .map(|_| ())
                .unwrap_err()
                .name(),
            ErrorName::NotSupported
        );
        let mut controllable = caps();
        controllable.red_eye_reduction = Some(RedEyeReduction::Controllable);
        assert!(plan_photo(&on, &controllable, (640, 480)).is_ok());
        assert!(plan_photo(&off, &controllable, (640, 480)).is_ok());
    }

    #[test]
    fn fill_light_off_is_the_fixed_state_of_a_device_without_modes() {
        let off = PhotoSettings {
            fill_light_mode: Some(FillLightMode::Off),
            ..Default::default()
        };
        let mut none = caps();
        none.fill_light_mode = Some(Vec::new());
        assert!(plan_photo(&off, &none, (640, 480)).is_ok());
        let mut flash_only = caps();
        flash_only.fill_light_mode = Some(vec![FillLightMode::Flash]);
        assert_eq!(
            plan_photo(&off, &flash_only, (640, 480))
                .map(|_| ())
                .unwrap_err()
                .name(),
            ErrorName::NotSupported
        );
    }

    #[test]
    fn flash_needs_the_capability() {
        let flash = PhotoSettings {
            fill_light_mode: Some(FillLightMode::Flash),
            ..Default::default()
        };
        assert_eq!(name_of(flash.clone()), ErrorName::NotSupported);
        let mut with_torch = caps();
        with_torch.fill_light_mode = Some(vec![FillLightMode::Off, FillLightMode::Flash]);
        let plan = plan_photo(&flash, &with_torch, (640, 480)).unwrap();
        assert_eq!(plan.fill_light_mode, Some(FillLightMode::Flash));
    }

    #[test]
    fn the_type_extension_picks_the_encoding() {
        let png = PhotoSettings {
            mime_type: Some("image/png".into()),
            ..Default::default()
        };
        let plan = plan_photo(&png, &caps(), (640, 480)).unwrap();
        assert_eq!(plan.encoding, PhotoEncoding::Png);
        let gif = PhotoSettings {
            mime_type: Some("image/gif".into()),
            ..Default::default()
        };
        assert_eq!(name_of(gif), ErrorName::NotSupported);
        let q = PhotoSettings {
            quality: Some(0.5),
            ..Default::default()
        };
        let plan = plan_photo(&q, &caps(), (640, 480)).unwrap();
        assert_eq!(plan.encoding, PhotoEncoding::Jpeg { quality: 0.5 });
        let bad_q = PhotoSettings {
            quality: Some(f64::NAN),
            ..Default::default()
        };
        let plan = plan_photo(&bad_q, &caps(), (640, 480)).unwrap();
        assert_eq!(
            plan.encoding,
            PhotoEncoding::Jpeg {
                quality: DEFAULT_JPEG_QUALITY
            }
        );
    }

    const SIZES: [(u32, u32); 4] = [(320, 240), (640, 480), (1280, 720), (1920, 1080)];

    #[test]
    fn the_current_size_is_used_when_it_covers_the_photo() {
        assert_eq!(capture_size_for(&SIZES, (320, 240), (640, 480)), (640, 480));
        assert_eq!(capture_size_for(&SIZES, (640, 480), (640, 480)), (640, 480));
    }

    #[test]
    fn a_larger_photo_switches_to_the_smallest_covering_size_of_its_shape() {
        assert_eq!(
            capture_size_for(&SIZES, (1280, 720), (640, 480)),
            (1280, 720)
        );
        assert_eq!(
            capture_size_for(&SIZES, (960, 540), (640, 480)),
            (1280, 720)
        );
        // 4:3 at 1000×750: 1280×720 is too short, so the next size up is cropped.
        assert_eq!(
            capture_size_for(&SIZES, (1000, 750), (640, 480)),
            (1920, 1080)
        );
        assert_eq!(
            capture_size_for(&SIZES, (1600, 900), (640, 480)),
            (1920, 1080)
        );
        // Nothing covers it: the largest, enlarged.
        assert_eq!(
            capture_size_for(&SIZES, (2560, 1440), (640, 480)),
            (1920, 1080)
        );
    }

    #[test]
    fn crops_keep_the_centre_with_the_target_shape() {
        assert_eq!(aspect_crop((1280, 720), (640, 480)), (160, 0, 960, 720));
        assert_eq!(aspect_crop((640, 480), (1280, 720)), (0, 60, 640, 360));
        assert_eq!(aspect_crop((640, 480), (320, 240)), (0, 0, 640, 480));
        assert_eq!(aspect_crop((0, 0), (320, 240)), (0, 0, 0, 0));
    }
}
