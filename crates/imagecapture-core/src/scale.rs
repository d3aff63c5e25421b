//! Size and pixel arithmetic: the size of a photo, resampling RGBA frames, and the rectangle a
//! digital zoom shows.

use crate::error::{Error, Result};

/// Bytes per RGBA8 pixel.
const CHANNELS: usize = 4;

/// The size of a photo for `imageWidth`/`imageHeight`.
///
/// Both given: both, rounded. One given: that one, and the other from the `source` aspect ratio
/// (rounded). Neither: the `source` size. Every dimension is at least 1 and at most `u32::MAX`.
/// The values are expected to be validated already (finite, positive); a NaN counts as 1. A
/// `source` with a zero dimension has no aspect ratio: the missing dimension then equals the
/// given one.
pub fn scaled_size(source: (u32, u32), width: Option<f64>, height: Option<f64>) -> (u32, u32) {
    let (sw, sh) = (f64::from(source.0), f64::from(source.1));
    let has_ratio = source.0 > 0 && source.1 > 0;
    match (width, height) {
        (Some(w), Some(h)) => (pixels(w), pixels(h)),
        (Some(w), None) if has_ratio => (pixels(w), pixels(w * sh / sw)),
        (None, Some(h)) if has_ratio => (pixels(h * sw / sh), pixels(h)),
        (Some(v), None) | (None, Some(v)) => (pixels(v), pixels(v)),
        (None, None) => source,
    }
}

/// `value` rounded to a pixel count in `1..=u32::MAX`.
fn pixels(value: f64) -> u32 {
    if value.is_nan() {
        return 1;
    }
    // `as` saturates; the bounds are applied first so the intent is plain.
    value.round().clamp(1.0, f64::from(u32::MAX)) as u32
}

/// Resamples an RGBA8 image (4 bytes a pixel, rows tightly packed, `src_size` = width × height)
/// into `dst` at `dst_size`.
///
/// Each axis on its own: area averaging (a box filter) where it shrinks, bilinear interpolation
/// (pixel centres aligned, edges clamped) where it grows, a copy where it keeps its size; the
/// same size on both axes is a plain copy. Separable, with the weights worked out once per
/// column and per row, and one intermediate buffer per call.
///
/// In fixed point: weights in 1/2¹⁴ (`ONE`), the horizontal pass kept at 1/64 of a level, so
/// that both passes add 32-bit integers. Integer arithmetic is as fast as floats natively and
/// many times faster where floating point is emulated (a 2080-wide photo took over 10 s to
/// scale with `f32` in the V4L2 stage's emulated guest).
///
/// # Errors
/// `UnknownError` when a dimension is zero, when a buffer's length is not width × height × 4, or
/// when that size does not fit in memory arithmetic (`usize`).
pub fn resize_rgba(
    src: &[u8],
    src_size: (u32, u32),
    dst: &mut [u8],
    dst_size: (u32, u32),
) -> Result<()> {
    let (sw, sh, src_len) = image_len("source", src_size)?;
    let (dw, dh, dst_len) = image_len("destination", dst_size)?;
    check_len("source", src.len(), src_size, src_len)?;
    check_len("destination", dst.len(), dst_size, dst_len)?;
    if src_size == dst_size {
        dst.copy_from_slice(src);
        return Ok(());
    }

    let columns = Taps::new(sw, dw);
    let rows = Taps::new(sh, dh);
    let src_stride = sw * CHANNELS;
    let dst_stride = dw * CHANNELS;
    // The source rows the current output row needs, resampled horizontally: a ring of as many
    // rows as one output row takes, source row r in slot r % len. Output rows need source rows
    // in increasing windows, so each source row is resampled once.
    let ring_len = rows
        .len
        .checked_mul(dst_stride)
        .ok_or_else(|| Error::unknown("resize_rgba: the intermediate rows are too large"))?;
    let mut ring = vec![0i16; ring_len];
    let mut held = vec![usize::MAX; rows.len];
    let mut acc = vec![0i32; dst_stride];
    for (y, out) in dst.chunks_exact_mut(dst_stride).enumerate() {
        let (first, weights) = rows.get(y);
        acc.fill(0);
        for (r, &w) in (first..).zip(weights) {
            if w == 0 {
                continue;
            }
            let slot = r % rows.len;
            let (Some(line), Some(holder)) = (
                ring.get_mut(slot * dst_stride..(slot + 1) * dst_stride),
                held.get_mut(slot),
            ) else {
                continue;
            };
            if *holder != r {
                let row = src
                    .get(r * src_stride..(r + 1) * src_stride)
                    .unwrap_or_default();
                resample_row(row, line, &columns);
                *holder = r;
            }
            for (a, &s) in acc.iter_mut().zip(&*line) {
                // 16-bit products (SSE2's `pmaddwd`); at most 255·64 · 2¹⁴ summed over
                // weights adding up to 2¹⁴: below 2³¹.
                *a += i32::from(s) * i32::from(w);
            }
        }
        for (o, &a) in out.iter_mut().zip(&acc) {
            let level = (a + (1 << (ROW_BITS + FRACTION_BITS - 1))) >> (ROW_BITS + FRACTION_BITS);
            *o = level.clamp(0, 255) as u8;
        }
    }
    Ok(())
}

/// The fixed-point unit of the weights: a weight of 1 is `ONE`.
const ONE: i16 = 1 << 14;
/// The bits of `ONE`.
const FRACTION_BITS: i32 = 14;
/// The horizontal pass keeps 6 bits below a level (`u16`: at most 255·64).
const ROW_BITS: i32 = 6;
/// What the horizontal pass drops of its sums.
const ROW_SHIFT: i32 = FRACTION_BITS - ROW_BITS;

/// Resamples one row of RGBA8 pixels to `out` (RGBA in 1/64 of a level), with the weights of
/// `columns`.
fn resample_row(row: &[u8], out: &mut [i16], columns: &Taps) {
    let span = columns.len * CHANNELS;
    for ((pixel, &first), weights) in out
        .chunks_exact_mut(CHANNELS)
        .zip(&columns.firsts)
        .zip(columns.weights.chunks_exact(columns.len))
    {
        let start = first * CHANNELS;
        let mut acc = [0i32; CHANNELS];
        for (source, &w) in row
            .get(start..start + span)
            .unwrap_or_default()
            .chunks_exact(CHANNELS)
            .zip(weights)
        {
            for (a, &s) in acc.iter_mut().zip(source) {
                *a += i32::from(s) * i32::from(w);
            }
        }
        for (p, a) in pixel.iter_mut().zip(acc) {
            // At most 255·2¹⁴ before the shift, 255·64 after.
            *p = ((a + (1 << (ROW_SHIFT - 1))) >> ROW_SHIFT).clamp(0, i32::from(i16::MAX)) as i16;
        }
    }
}

/// The width and height as `usize`, and the byte length of such an image.
fn image_len(which: &str, (w, h): (u32, u32)) -> Result<(usize, usize, usize)> {
    if w == 0 || h == 0 {
        return Err(Error::unknown(format!(
            "resize_rgba: the {which} image is {w}×{h}; both dimensions must be at least 1"
        )));
    }
    let too_large = || Error::unknown(format!("resize_rgba: a {w}×{h} {which} image is too large"));
    let w = usize::try_from(w).map_err(|_| too_large())?;
    let h = usize::try_from(h).map_err(|_| too_large())?;
    let len = w
        .checked_mul(h)
        .and_then(|n| n.checked_mul(CHANNELS))
        .ok_or_else(too_large)?;
    Ok((w, h, len))
}

fn check_len(which: &str, actual: usize, (w, h): (u32, u32), expected: usize) -> Result<()> {
    if actual == expected {
        Ok(())
    } else {
        Err(Error::unknown(format!(
            "resize_rgba: the {which} buffer holds {actual} bytes; a {w}×{h} RGBA image needs \
             {expected}"
        )))
    }
}

/// The resampling weights of one axis: for each output index, the first source index and the
/// weights of `len` consecutive source indices from there. Every output has the same number of
/// weights (padded with zeros), which keeps the inner loops uniform; every run lies inside the
/// source and its weights sum to 1.
struct Taps {
    /// For each output index, its first source index.
    firsts: Vec<usize>,
    /// `len` weights per output index, output after output, in 1/[`ONE`], each run adding up to
    /// exactly `ONE`.
    weights: Vec<i16>,
    /// The number of weights per output index, at least 1 and at most the source size.
    len: usize,
}

impl Taps {
    /// The weights taking `src` samples to `dst` (both at least 1).
    fn new(src: usize, dst: usize) -> Self {
        let spans: Vec<(usize, Vec<f32>)> = (0..dst).map(|i| Self::span(src, dst, i)).collect();
        let len = spans
            .iter()
            .map(|(_, w)| w.len())
            .max()
            .unwrap_or(1)
            .clamp(1, src.max(1));
        let mut firsts = Vec::with_capacity(dst);
        let mut weights = Vec::with_capacity(dst * len);
        for (first, run) in spans {
            // Near the end, start earlier and put zeros in front, to stay inside the source.
            let start = first.min(src.saturating_sub(len));
            let before = first - start;
            let after = len.saturating_sub(before + run.len());
            firsts.push(start);
            weights.extend(std::iter::repeat_n(0, before));
            weights.extend(fixed_point(&run));
            weights.extend(std::iter::repeat_n(0, after));
        }
        Self {
            firsts,
            weights,
            len,
        }
    }

    /// Output `i`'s first source index and weights, unpadded.
    fn span(src: usize, dst: usize, i: usize) -> (usize, Vec<f32>) {
        let scale = src as f64 / dst as f64;
        let last = src.saturating_sub(1);
        if src == dst {
            (i, vec![1.0])
        } else if src > dst {
            // Shrinking: output i covers source [a, b); weight each source pixel by overlap.
            let a = i as f64 * scale;
            let b = ((i + 1) as f64 * scale).min(src as f64);
            let first = (a.floor() as usize).min(last);
            let end = (b.ceil() as usize).clamp(first + 1, src);
            let overlaps: Vec<f64> = (first..end)
                .map(|j| (b.min((j + 1) as f64) - a.max(j as f64)).max(0.0))
                .collect();
            let sum: f64 = overlaps.iter().sum();
            let sum = if sum > 0.0 { sum } else { 1.0 };
            (first, overlaps.iter().map(|o| (o / sum) as f32).collect())
        } else {
            // Enlarging: linear between the two source centres around output i's centre.
            let centre = ((i as f64 + 0.5) * scale - 0.5).clamp(0.0, last as f64);
            let first = (centre.floor() as usize).min(last);
            let fraction = centre - first as f64;
            if first < last && fraction > 0.0 {
                (first, vec![(1.0 - fraction) as f32, fraction as f32])
            } else {
                (first, vec![1.0])
            }
        }
    }

    /// Output `i`'s first source index and its `len` weights.
    fn get(&self, i: usize) -> (usize, &[i16]) {
        let first = self.firsts.get(i).copied().unwrap_or(0);
        let weights = self
            .weights
            .get(i * self.len..(i + 1) * self.len)
            .unwrap_or_default();
        (first, weights)
    }
}

/// Weights that add up to 1 in fixed point, adding up to exactly [`ONE`] (so a flat picture
/// stays exactly flat): each is the step between the rounded running totals, so none is off by
/// more than one unit and the rounding errors never pile up.
fn fixed_point(run: &[f32]) -> Vec<i16> {
    let total: f64 = run.iter().map(|&w| f64::from(w)).sum();
    let total = if total > 0.0 { total } else { 1.0 };
    let mut running = 0.0;
    let mut previous = 0i32;
    run.iter()
        .map(|&w| {
            running += f64::from(w) / total;
            // `as` saturates; the running total stays within 0..=1.
            let reached = (running * f64::from(ONE)).round() as i32;
            let step = reached - previous;
            previous = reached;
            i16::try_from(step.clamp(0, i32::from(ONE))).unwrap_or(0)
        })
        .collect()
}

/// The rectangle `(x, y, width, height)` of a `size` frame that a digital zoom shows.
///
/// The width and height are the frame's divided by `zoom` (rounded, at least 1; a zoom below 1
/// or NaN counts as 1). `pan` and `tilt` move the rectangle within the free margin, as fractions
/// from −1 to 1 (clamped; NaN counts as 0): 0 centres it; `pan` 1 puts it at the right edge and
/// −1 at the left; `tilt` 1 at the top edge and −1 at the bottom, as a camera tilting up. The
/// rectangle always lies inside the frame. A frame with a zero dimension gives `(0, 0, 0, 0)`.
pub fn center_crop(size: (u32, u32), zoom: f64, pan: f64, tilt: f64) -> (u32, u32, u32, u32) {
    let (width, height) = size;
    if width == 0 || height == 0 {
        return (0, 0, 0, 0);
    }
    let zoom = if zoom.is_nan() { 1.0 } else { zoom.max(1.0) };
    let w = crop_len(width, zoom);
    let h = crop_len(height, zoom);
    let x = crop_offset(width - w, pan);
    let y = crop_offset(height - h, -tilt);
    (x, y, w, h)
}

/// `full / zoom`, rounded, in `1..=full`.
fn crop_len(full: u32, zoom: f64) -> u32 {
    let len = (f64::from(full) / zoom).round();
    (len as u32).clamp(1, full)
}

/// Where a span starts in a `margin` of free room, for a position from −1 (start) to 1 (end).
fn crop_offset(margin: u32, position: f64) -> u32 {
    let position = if position.is_nan() {
        0.0
    } else {
        position.clamp(-1.0, 1.0)
    };
    let offset = (f64::from(margin) * (1.0 + position) / 2.0).round();
    (offset as u32).min(margin)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorName;

    fn image(size: (u32, u32), pixel: impl Fn(u32, u32) -> [u8; 4]) -> Vec<u8> {
        let mut out = Vec::new();
        for y in 0..size.1 {
            for x in 0..size.0 {
                out.extend_from_slice(&pixel(x, y));
            }
        }
        out
    }

    fn resized(src: &[u8], from: (u32, u32), to: (u32, u32)) -> Vec<u8> {
        let mut dst = vec![0u8; (to.0 * to.1 * 4) as usize];
        resize_rgba(src, from, &mut dst, to).unwrap();
        dst
    }

    fn pixel(img: &[u8], width: u32, x: u32, y: u32) -> [u8; 4] {
        let i = ((y * width + x) * 4) as usize;
        [img[i], img[i + 1], img[i + 2], img[i + 3]]
    }

    // ---- scaled_size ----

    #[test]
    fn scaled_size_follows_the_source_aspect_ratio() {
        assert_eq!(scaled_size((1920, 1080), None, None), (1920, 1080));
        assert_eq!(
            scaled_size((1920, 1080), Some(640.0), Some(480.0)),
            (640, 480)
        );
        assert_eq!(
            scaled_size((1920, 1080), Some(640.4), Some(479.6)),
            (640, 480)
        );
        assert_eq!(scaled_size((1920, 1080), Some(1280.0), None), (1280, 720));
        assert_eq!(scaled_size((1920, 1080), None, Some(720.0)), (1280, 720));
        assert_eq!(scaled_size((640, 480), Some(100.0), None), (100, 75));
        // 1000 × 3/4 = 750; 333 × 3/4 = 249.75 → 250.
        assert_eq!(scaled_size((640, 480), Some(333.0), None), (333, 250));
        // At least 1.
        assert_eq!(scaled_size((1920, 10), Some(2.0), None), (2, 1));
        assert_eq!(scaled_size((1920, 1080), Some(0.2), Some(0.2)), (1, 1));
        // No aspect ratio to follow.
        assert_eq!(scaled_size((0, 1080), Some(100.0), None), (100, 100));
        assert_eq!(scaled_size((0, 0), None, None), (0, 0));
    }

    // ---- resize_rgba ----

    #[test]
    fn constant_images_stay_constant() {
        let colour = [12, 200, 255, 128];
        let sizes = [
            (1, 1),
            (2, 2),
            (3, 7),
            (640, 480),
            (17, 5),
            (1920, 1080),
            (1, 33),
        ];
        for from in sizes {
            let src = image(from, |_, _| colour);
            for to in sizes {
                let dst = resized(&src, from, to);
                assert!(
                    dst.chunks_exact(4).all(|p| p == colour),
                    "{from:?} → {to:?}"
                );
            }
        }
    }

    #[test]
    fn a_checker_shrunk_to_one_pixel_averages() {
        let src = image((2, 2), |x, y| {
            if (x + y) % 2 == 0 {
                [0, 0, 0, 255]
            } else {
                [255, 255, 255, 255]
            }
        });
        assert_eq!(resized(&src, (2, 2), (1, 1)), vec![128, 128, 128, 255]);
        // Each axis on its own: 2×2 → 1×2 averages each row.
        let src = image((2, 2), |x, y| [(x * 100 + y * 10) as u8, 0, 0, 255]);
        assert_eq!(
            resized(&src, (2, 2), (1, 2)),
            vec![50, 0, 0, 255, 60, 0, 0, 255]
        );
    }

    #[test]
    fn shrinking_by_a_non_integer_factor_weights_by_area() {
        // 3 → 2: output 0 covers source [0, 1.5): (s0 + s1/2) / 1.5.
        let src = image((3, 1), |x, _| [[0, 90, 180][x as usize], 0, 0, 255]);
        let dst = resized(&src, (3, 1), (2, 1));
        assert_eq!(dst[0], 30); // (0 + 45) / 1.5
        assert_eq!(dst[4], 150); // (45 + 180) / 1.5
    }

    #[test]
    fn enlarging_keeps_corners_and_interpolates_between() {
        let src = image((2, 2), |x, y| {
            [
                [[10, 0, 0, 255], [200, 0, 0, 255]],
                [[0, 50, 0, 255], [0, 0, 250, 255]],
            ][y as usize][x as usize]
        });
        let dst = resized(&src, (2, 2), (7, 5));
        assert_eq!(pixel(&dst, 7, 0, 0), pixel(&src, 2, 0, 0));
        assert_eq!(pixel(&dst, 7, 6, 0), pixel(&src, 2, 1, 0));
        assert_eq!(pixel(&dst, 7, 0, 4), pixel(&src, 2, 0, 1));
        assert_eq!(pixel(&dst, 7, 6, 4), pixel(&src, 2, 1, 1));
        // 1 → 4 along x: bilinear between 0 and 255 across the middle, monotonic.
        let src = image((2, 1), |x, _| [(x * 255) as u8, 0, 0, 255]);
        let dst = resized(&src, (2, 1), (4, 1));
        let reds: Vec<u8> = dst.chunks_exact(4).map(|p| p[0]).collect();
        // Centres at -0.25, 0.25, 0.75, 1.25 in source pixels → 0, 64, 191, 255.
        assert_eq!(reds, vec![0, 64, 191, 255]);
    }

    #[test]
    fn one_axis_shrinks_while_the_other_grows() {
        let src = image((4, 2), |x, y| [(x * 60) as u8, (y * 200) as u8, 7, 255]);
        let dst = resized(&src, (4, 2), (2, 4));
        // x: averages pairs (0,60)→30, (120,180)→150; y: corners kept (0 and 200).
        assert_eq!(pixel(&dst, 2, 0, 0), [30, 0, 7, 255]);
        assert_eq!(pixel(&dst, 2, 1, 3), [150, 200, 7, 255]);
    }

    #[test]
    fn the_row_ring_agrees_with_a_direct_computation() {
        // Every output pixel as a double sum over the unpadded weights, against the streamed
        // result, for sizes that shrink, grow and keep each axis.
        let sizes = [(1, 1), (2, 3), (5, 4), (7, 7), (16, 9), (31, 2)];
        for from in sizes {
            let src = image(from, |x, y| {
                let v = (x * 37 + y * 101) % 256;
                [v as u8, (255 - v) as u8, ((x * y) % 256) as u8, 255]
            });
            for to in sizes {
                let dst = resized(&src, from, to);
                for y in 0..to.1 {
                    let (ry, wy) = Taps::span(from.1 as usize, to.1 as usize, y as usize);
                    for x in 0..to.0 {
                        let (rx, wx) = Taps::span(from.0 as usize, to.0 as usize, x as usize);
                        let mut expected = [0.0f64; 4];
                        for (j, &wj) in wy.iter().enumerate() {
                            for (i, &wi) in wx.iter().enumerate() {
                                let p = pixel(&src, from.0, (rx + i) as u32, (ry + j) as u32);
                                for (e, v) in expected.iter_mut().zip(p) {
                                    *e += f64::from(v) * f64::from(wi) * f64::from(wj);
                                }
                            }
                        }
                        let got = pixel(&dst, to.0, x, y);
                        for (g, e) in got.iter().zip(expected) {
                            assert!(
                                (f64::from(*g) - e).abs() <= 0.51,
                                "{from:?} → {to:?} at ({x}, {y}): {got:?} vs {expected:?}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn same_size_is_a_copy() {
        let src = image((5, 3), |x, y| [x as u8, y as u8, (x * y) as u8, 9]);
        assert_eq!(resized(&src, (5, 3), (5, 3)), src);
    }

    #[test]
    fn wrong_lengths_and_zero_dimensions_are_errors() {
        let src = [0u8; 16];
        let mut dst = vec![0u8; 4];
        for (s, from, d, to) in [
            (&src[..15], (2, 2), 4, (1, 1)),
            (&src[..], (2, 2), 3, (1, 1)),
            (&src[..], (2, 2), 8, (1, 1)),
            (&src[..], (4, 2), 4, (1, 1)),
            (&src[..], (0, 2), 4, (1, 1)),
            (&src[..], (2, 2), 4, (1, 0)),
            (&src[..], (u32::MAX, u32::MAX), 4, (1, 1)),
        ] {
            dst.resize(d, 0);
            let e = resize_rgba(s, from, &mut dst, to).unwrap_err();
            assert_eq!(e.name(), ErrorName::Unknown, "{from:?} → {to:?}");
            assert!(e.message().starts_with("resize_rgba: "), "{e}");
        }
    }

    #[test]
    fn weights_stay_inside_the_source_and_sum_to_one() {
        for src in 1..40 {
            for dst in 1..40 {
                let taps = Taps::new(src, dst);
                for i in 0..dst {
                    let (first, weights) = taps.get(i);
                    assert_eq!(weights.len(), taps.len);
                    assert!(first + weights.len() <= src, "{src} → {dst} at {i}");
                    let sum: i32 = weights.iter().map(|&w| i32::from(w)).sum();
                    assert_eq!(sum, i32::from(ONE), "{src} → {dst} at {i}");
                }
            }
        }
    }

    /// `cargo test -p imagecapture-core --release -- --ignored --nocapture resize_speed`
    #[test]
    #[ignore = "a timing, run in release"]
    fn resize_speed() {
        let from = (1920, 1080);
        let src = image(from, |x, y| [x as u8, y as u8, (x ^ y) as u8, 255]);
        for to in [(640, 480), (1280, 720), (3840, 2160), (320, 180)] {
            let mut dst = vec![0u8; (to.0 * to.1 * 4) as usize];
            resize_rgba(&src, from, &mut dst, to).unwrap();
            // The fastest of 20 runs: the machine may be busy with other work.
            let fastest = (0..20)
                .map(|_| {
                    let start = std::time::Instant::now();
                    resize_rgba(&src, from, &mut dst, to).unwrap();
                    start.elapsed()
                })
                .min()
                .unwrap();
            println!("{from:?} → {to:?}: {fastest:?}");
        }
    }

    // ---- center_crop ----

    #[test]
    fn center_crop_shows_the_middle_and_moves_with_pan_and_tilt() {
        assert_eq!(center_crop((1920, 1080), 1.0, 0.0, 0.0), (0, 0, 1920, 1080));
        assert_eq!(
            center_crop((1920, 1080), 2.0, 0.0, 0.0),
            (480, 270, 960, 540)
        );
        assert_eq!(
            center_crop((1920, 1080), 2.0, 1.0, 0.0),
            (960, 270, 960, 540)
        );
        assert_eq!(
            center_crop((1920, 1080), 2.0, -1.0, 0.0),
            (0, 270, 960, 540)
        );
        // Tilting up shows the top.
        assert_eq!(center_crop((1920, 1080), 2.0, 0.0, 1.0), (480, 0, 960, 540));
        assert_eq!(
            center_crop((1920, 1080), 2.0, 0.0, -1.0),
            (480, 540, 960, 540)
        );
        assert_eq!(
            center_crop((1920, 1080), 2.0, 0.5, 0.0),
            (720, 270, 960, 540)
        );
        // Clamped: zoom below 1, pan beyond ±1, NaN.
        assert_eq!(center_crop((640, 480), 0.5, 0.0, 0.0), (0, 0, 640, 480));
        assert_eq!(
            center_crop((640, 480), f64::NAN, f64::NAN, f64::NAN),
            (0, 0, 640, 480)
        );
        assert_eq!(
            center_crop((640, 480), 2.0, 7.0, -7.0),
            (320, 240, 320, 240)
        );
        assert_eq!(
            center_crop((640, 480), f64::INFINITY, 1.0, 1.0),
            (639, 0, 1, 1)
        );
        assert_eq!(center_crop((0, 480), 2.0, 0.0, 0.0), (0, 0, 0, 0));
    }

    #[test]
    fn center_crop_always_lies_inside_the_frame() {
        for size in [(1, 1), (3, 2), (640, 480), (1919, 1081)] {
            for zoom in [1.0, 1.1, 1.5, 2.0, 3.7, 10.0, 1e6] {
                for pan in [-1.0, -0.3, 0.0, 0.49, 1.0] {
                    let (x, y, w, h) = center_crop(size, zoom, pan, -pan);
                    assert!(w >= 1 && h >= 1);
                    assert!(x + w <= size.0 && y + h <= size.1, "{size:?} {zoom} {pan}");
                }
            }
        }
    }
}
