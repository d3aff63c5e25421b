//! How the fake camera's controls show in its picture.
//!
//! The scene is the test pattern's background. The controls change it as a camera would:
//! - `zoom_absolute` / `pan_absolute` / `tilt_absolute`: the part of the scene shown — `1/zoom`
//!   of it (zoom = value / minimum), moved across the room the zoom leaves by pan and tilt
//!   (as fractions of their largest value), scaled back to the frame (nearest neighbour, like
//!   an optical zoom the picture stays sharp). Like a webcam whose pan and tilt work within the
//!   zoomed view (a C920's), pan and tilt move nothing at zoom 1.
//! - light: in manual exposure (`exposure_auto` 1 or 2), `exposure_absolute` relative to its
//!   default, times `iso_sensitivity / 100`, scales the light; in automatic exposure the
//!   exposure bias does (2^EV); a manual `white_balance_temperature` tints it (warmer above
//!   the default, colder below); the torch (`flash_led_mode` 2) adds light;
//! - then the image processing: `saturation` (relative to its default), `contrast` (around
//!   mid-grey, relative to its default), `brightness` (an offset from its default).
//!
//! `sharpness`, focus, gain and the other controls do not show. The moving parts (the bar, the
//! digits and the frame-number strip) are drawn over the result, untouched, so the strip stays
//! readable whatever the controls say.

use imagecapture_core::scale::center_crop;

use super::controls::{FakeControlKind, FakeControls, Values};
use crate::v4l2;

/// The light the torch adds, in 8-bit levels.
const TORCH_LIFT: f32 = 48.0;

/// What the controls do to the picture.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Look {
    /// The zoom, at least 1.
    zoom: f64,
    /// Pan and tilt as fractions from −1 to 1 of the room the zoom leaves.
    pan: f64,
    tilt: f64,
    /// Per channel: `value × gain + lift`.
    gain: [f32; 3],
    lift: f32,
    /// 1 leaves the colours; 0 makes grey.
    saturation: f32,
    /// 1 leaves the contrast.
    contrast: f32,
    /// Added at the end, in 8-bit levels.
    brightness: f32,
}

impl Default for Look {
    /// The picture as it is.
    fn default() -> Self {
        Self {
            zoom: 1.0,
            pan: 0.0,
            tilt: 0.0,
            gain: [1.0; 3],
            lift: 0.0,
            saturation: 1.0,
            contrast: 1.0,
            brightness: 0.0,
        }
    }
}

impl Look {
    /// The look of the camera with these controls at these values.
    pub(super) fn new(controls: &FakeControls, values: &Values) -> Self {
        let value = |id: u32| values.get(id).filter(|_| controls.get(id).is_some());
        let default = |id: u32| controls.get(id).map(|c| c.default_value());
        let range = |id: u32| match controls.get(id).map(|c| c.kind()) {
            Some(
                FakeControlKind::Integer { min, max, .. } | FakeControlKind::Menu { min, max, .. },
            ) => Some((*min, *max)),
            _ => None,
        };
        // How far a control is from its default, as a ratio.
        let ratio = |id: u32| match (value(id), default(id)) {
            (Some(v), Some(d)) if d > 0 => v as f32 / d as f32,
            _ => 1.0,
        };
        let mut look = Self::default();

        if let (Some(zoom), Some((min, _))) =
            (value(v4l2::ZOOM_ABSOLUTE), range(v4l2::ZOOM_ABSOLUTE))
        {
            if min > 0 {
                look.zoom = (zoom as f64 / min as f64).max(1.0);
            }
        }
        let fraction = |id: u32| match (value(id), range(id)) {
            (Some(v), Some((min, max))) => {
                let extent = min.unsigned_abs().max(max.unsigned_abs()).max(1) as f64;
                (v as f64 / extent).clamp(-1.0, 1.0)
            }
            _ => 0.0,
        };
        look.pan = fraction(v4l2::PAN_ABSOLUTE);
        look.tilt = fraction(v4l2::TILT_ABSOLUTE);

        let manual_exposure = value(v4l2::EXPOSURE_AUTO).is_some_and(|mode| {
            mode == v4l2::EXPOSURE_MANUAL || mode == v4l2::EXPOSURE_SHUTTER_PRIORITY
        });
        let light = if manual_exposure {
            let iso = value(v4l2::ISO_SENSITIVITY).map_or(1.0, |iso| iso as f32 / 100.0);
            ratio(v4l2::EXPOSURE_ABSOLUTE) * iso
        } else {
            value(v4l2::AUTO_EXPOSURE_BIAS).map_or(1.0, |bias| 2f32.powf(bias as f32 / 1000.0))
        };
        look.gain = [light; 3];
        if value(v4l2::AUTO_WHITE_BALANCE) == Some(0) {
            let tint = ratio(v4l2::WHITE_BALANCE_TEMPERATURE).max(0.01).sqrt();
            look.gain[0] *= tint;
            look.gain[2] /= tint;
        }
        if value(v4l2::FLASH_LED_MODE) == Some(v4l2::FLASH_LED_MODE_TORCH) {
            look.lift = TORCH_LIFT;
        }
        look.saturation = ratio(v4l2::SATURATION);
        look.contrast = ratio(v4l2::CONTRAST);
        if let (Some(v), Some(d), Some((min, max))) = (
            value(v4l2::BRIGHTNESS),
            default(v4l2::BRIGHTNESS),
            range(v4l2::BRIGHTNESS),
        ) {
            look.brightness = (v - d) as f32 * 255.0 / (max - min).max(1) as f32;
        }
        look
    }

    /// Whether the colours are left as they are.
    fn keeps_colours(&self) -> bool {
        self.gain == [1.0; 3]
            && self.lift == 0.0
            && self.saturation == 1.0
            && self.contrast == 1.0
            && self.brightness == 0.0
    }

    /// The part `(x, y, w, h)` of a `width × height` scene shown.
    pub(super) fn crop(&self, width: usize, height: usize) -> (usize, usize, usize, usize) {
        let size = (
            u32::try_from(width).unwrap_or(u32::MAX),
            u32::try_from(height).unwrap_or(u32::MAX),
        );
        let (x, y, w, h) = center_crop(size, self.zoom, self.pan, self.tilt);
        (x as usize, y as usize, w as usize, h as usize)
    }

    /// The scene row or column shown at output position `i` of `len`, for a crop starting at
    /// `start` of `span` (nearest neighbour).
    pub(super) fn source(i: usize, len: usize, start: usize, span: usize) -> usize {
        if len == 0 {
            return start;
        }
        start + ((2 * i + 1) * span / (2 * len)).min(span.saturating_sub(1))
    }

    /// Writes the shown part of the scene `row` (RGB, the scene's width) into `out` (RGB, the
    /// frame's width), with the look's colours.
    pub(super) fn paint_row(&self, scene: &[u8], crop_x: usize, crop_w: usize, out: &mut [u8]) {
        let width = out.len() / 3;
        if crop_x == 0 && crop_w == width && scene.len() == out.len() {
            out.copy_from_slice(scene);
        } else {
            for (x, pixel) in out.chunks_exact_mut(3).enumerate() {
                let sx = Self::source(x, width, crop_x, crop_w);
                if let Some(source) = scene.get(sx * 3..sx * 3 + 3) {
                    pixel.copy_from_slice(source);
                }
            }
        }
        if self.keeps_colours() {
            return;
        }
        for pixel in out.chunks_exact_mut(3) {
            let lit: [f32; 3] = [0, 1, 2].map(|c| {
                f32::from(pixel.get(c).copied().unwrap_or(0))
                    * self.gain.get(c).copied().unwrap_or(1.0)
                    + self.lift
            });
            let [r, g, b] = lit;
            let luma = 0.299 * r + 0.587 * g + 0.114 * b;
            for (out, v) in pixel.iter_mut().zip(lit) {
                let saturated = luma + (v - luma) * self.saturation;
                let contrasted = (saturated - 128.0) * self.contrast + 128.0 + self.brightness;
                // `as` saturates to 0..=255.
                *out = (contrasted + 0.5) as u8;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_look_neutral_and_controls_change_the_look() {
        let controls = FakeControls::full();
        let mut values = controls.defaults();
        assert_eq!(Look::new(&controls, &values), Look::default());
        values.0.insert(v4l2::ZOOM_ABSOLUTE, 200);
        values.0.insert(v4l2::PAN_ABSOLUTE, 36000);
        let look = Look::new(&controls, &values);
        assert_eq!(look.crop(640, 480), (320, 120, 320, 240));
        values.0.insert(v4l2::BRIGHTNESS, 200);
        let look = Look::new(&controls, &values);
        let mut out = [0u8; 3];
        look.paint_row(&[100, 100, 100], 0, 1, &mut out);
        assert_eq!(out, [172, 172, 172]);
        // Exposure time counts in manual mode only.
        values.0.insert(v4l2::BRIGHTNESS, 128);
        values.0.insert(v4l2::EXPOSURE_ABSOLUTE, 500);
        assert!(Look::new(&controls, &values).keeps_colours());
        values.0.insert(v4l2::EXPOSURE_AUTO, v4l2::EXPOSURE_MANUAL);
        let look = Look::new(&controls, &values);
        look.paint_row(&[50, 50, 50], 0, 1, &mut out);
        assert_eq!(out, [100, 100, 100]);
    }

    #[test]
    fn nearest_source_stays_inside_the_crop() {
        for len in [1, 2, 3, 640] {
            for (start, span) in [(0, 1), (10, 7), (160, 320)] {
                for i in 0..len {
                    let s = Look::source(i, len, start, span);
                    assert!(s >= start && s < start + span);
                }
            }
        }
        assert_eq!(Look::source(0, 640, 0, 640), 0);
        assert_eq!(Look::source(639, 640, 0, 640), 639);
    }
}
