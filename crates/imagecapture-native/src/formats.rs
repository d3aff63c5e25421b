//! Camera formats seen through the spec: each format is a candidate settings dictionary for the
//! constraint-selection algorithm of the core crate, and the formats together make the track's
//! capabilities.

use imagecapture_core::constraints::{ConstrainNumber, MediaTrackConstraints};
use imagecapture_core::controls::select_settings_and_controls;
use imagecapture_core::track::{DoubleRange, ULongRange};
use imagecapture_core::{MediaTrackCapabilities, MediaTrackSettings, Result};
use nokhwa::utils::{CameraFormat, FrameFormat};

/// Native cameras deliver their own sizes only (no scaling): `resizeMode` is `"none"`.
pub(crate) const RESIZE_MODE: &str = "none";

/// The settings dictionary a camera running in `format` has.
pub(crate) fn settings_of(format: &CameraFormat, device_id: &str) -> MediaTrackSettings {
    MediaTrackSettings {
        width: Some(format.width()),
        height: Some(format.height()),
        frame_rate: Some(f64::from(format.frame_rate())),
        aspect_ratio: Some(aspect_ratio(format.width(), format.height())),
        resize_mode: Some(RESIZE_MODE.into()),
        device_id: Some(device_id.into()),
        group_id: Some(device_id.into()),
        ..MediaTrackSettings::default()
    }
}

fn aspect_ratio(width: u32, height: u32) -> f64 {
    if height == 0 {
        0.0
    } else {
        f64::from(width) / f64::from(height)
    }
}

/// How cheap a pixel format is to turn into RGBA: raw formats before compressed ones, so that
/// among equally fit formats the cheapest wins.
fn decode_cost(format: FrameFormat) -> u8 {
    match format {
        FrameFormat::NV12 => 0,
        FrameFormat::YUYV => 1,
        FrameFormat::RAWRGB | FrameFormat::RAWBGR => 2,
        FrameFormat::GRAY => 3,
        FrameFormat::MJPEG => 4,
    }
}

/// The format and the image-capture settings the constraints select, by the spec's algorithm
/// ([`select_settings_and_controls`]), for a camera with these `formats` and whose controls
/// have these capabilities and settings (`controls` and `now`: image-capture members only).
///
/// Where the app leaves width, height or frame rate open, Chrome asks for an ideal 640×480 at
/// 30 fps; we do the same (the spec leaves defaults to the user agent), so an app gets the same
/// camera mode natively as in Chrome.
pub(crate) fn select_format(
    formats: &[CameraFormat],
    controls: &MediaTrackCapabilities,
    now: &MediaTrackSettings,
    constraints: &MediaTrackConstraints,
    device_id: &str,
) -> Result<(CameraFormat, MediaTrackSettings)> {
    let mut ordered: Vec<CameraFormat> = formats.to_vec();
    ordered.sort_by_key(|f| decode_cost(f.format()));
    let candidates: Vec<MediaTrackSettings> =
        ordered.iter().map(|f| settings_of(f, device_id)).collect();
    let mut with_defaults = constraints.clone();
    let basic = &mut with_defaults.basic;
    basic.width.get_or_insert(ConstrainNumber::ideal(640));
    basic.height.get_or_insert(ConstrainNumber::ideal(480));
    basic.frame_rate.get_or_insert(ConstrainNumber::ideal(30.0));
    let (index, settings) =
        select_settings_and_controls(&candidates, controls, now, &with_defaults)?;
    let format = ordered.get(index).copied().ok_or_else(|| {
        imagecapture_core::Error::unknown("constraint selection picked no format")
    })?;
    Ok((format, settings))
}

/// `getCapabilities()` of a camera with these formats.
pub(crate) fn capabilities_of(formats: &[CameraFormat], device_id: &str) -> MediaTrackCapabilities {
    let widths = formats.iter().map(CameraFormat::width);
    let heights = formats.iter().map(CameraFormat::height);
    let rates = formats.iter().map(|f| f64::from(f.frame_rate()));
    let ratios = formats.iter().map(|f| aspect_ratio(f.width(), f.height()));
    MediaTrackCapabilities {
        width: Some(ULongRange {
            min: widths.clone().min(),
            max: widths.max(),
        }),
        height: Some(ULongRange {
            min: heights.clone().min(),
            max: heights.max(),
        }),
        frame_rate: Some(DoubleRange {
            min: rates.clone().reduce(f64::min),
            max: rates.reduce(f64::max),
        }),
        aspect_ratio: Some(DoubleRange {
            min: ratios.clone().reduce(f64::min),
            max: ratios.reduce(f64::max),
        }),
        resize_mode: Some(vec![RESIZE_MODE.into()]),
        device_id: Some(device_id.into()),
        group_id: Some(device_id.into()),
        ..MediaTrackCapabilities::default()
    }
}

/// The distinct frame sizes the camera offers.
pub(crate) fn sizes_of(formats: &[CameraFormat]) -> Vec<(u32, u32)> {
    let mut sizes: Vec<(u32, u32)> = formats.iter().map(|f| (f.width(), f.height())).collect();
    sizes.sort_unstable();
    sizes.dedup();
    sizes
}

/// The format to take a photo of `size` in: the chosen size, in the pixel format and (if it
/// has it) the frame rate the camera runs in now.
pub(crate) fn format_for_size(
    formats: &[CameraFormat],
    size: (u32, u32),
    current: &CameraFormat,
) -> Option<CameraFormat> {
    formats
        .iter()
        .filter(|f| (f.width(), f.height()) == size)
        .min_by_key(|f| {
            (
                f.format() != current.format(),
                f.frame_rate().abs_diff(current.frame_rate()),
            )
        })
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use imagecapture_core::ErrorName;
    use imagecapture_core::constraints::{ConstrainULong, MediaTrackConstraintSet};

    fn select(formats: &[CameraFormat], c: &MediaTrackConstraints) -> Result<CameraFormat> {
        let none = MediaTrackCapabilities::default();
        select_format(formats, &none, &MediaTrackSettings::default(), c, "cam").map(|(f, _)| f)
    }

    fn formats() -> Vec<CameraFormat> {
        let mut all = Vec::new();
        for format in [FrameFormat::MJPEG, FrameFormat::YUYV] {
            for (w, h) in [(320, 240), (640, 480), (1280, 720), (1920, 1080)] {
                for fps in [30, 15] {
                    all.push(CameraFormat::new_from(w, h, format, fps));
                }
            }
        }
        all
    }

    #[test]
    fn no_constraints_give_chromes_default_of_640_by_480_at_30_in_the_cheapest_format() {
        let f = select(&formats(), &MediaTrackConstraints::default()).unwrap();
        assert_eq!((f.width(), f.height(), f.frame_rate()), (640, 480, 30));
        assert_eq!(f.format(), FrameFormat::YUYV);
    }

    #[test]
    fn exact_sizes_are_met_or_overconstrained() {
        let hd = MediaTrackConstraintSet {
            width: Some(ConstrainULong::exact(1280)),
            ..Default::default()
        };
        let f = select(&formats(), &hd.into()).unwrap();
        assert_eq!((f.width(), f.height()), (1280, 720));
        let huge = MediaTrackConstraintSet {
            width: Some(ConstrainULong::exact(9999)),
            ..Default::default()
        };
        let e = select(&formats(), &huge.into()).unwrap_err();
        assert_eq!(e.name(), ErrorName::Overconstrained);
        assert_eq!(e.constraint(), Some("width"));
    }

    #[test]
    fn capabilities_span_the_formats() {
        let caps = capabilities_of(&formats(), "cam");
        assert_eq!(
            caps.width,
            Some(ULongRange {
                min: Some(320),
                max: Some(1920)
            })
        );
        assert_eq!(
            caps.frame_rate,
            Some(DoubleRange {
                min: Some(15.0),
                max: Some(30.0)
            })
        );
        assert_eq!(sizes_of(&formats()).len(), 4);
    }
}
