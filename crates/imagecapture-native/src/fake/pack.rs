//! Packing the picture into the bytes a camera sends: YUYV 4:2:2, NV12 and MJPEG.
//!
//! YUYV and NV12 use BT.601 limited range ("video range": Y 16–235, Cb/Cr 16–240), which is
//! what UVC cameras send; MJPEG is baseline JFIF (BT.601 full range), 4:2:0, quality 85.
//!
//! [`FrameRenderer`] keeps the background already packed in the current format and, per
//! frame, copies it and paints the few small moving parts straight into the packed bytes, so
//! that a frame costs one copy plus a few rectangle fills (plus the JPEG encoder for MJPEG).

use jpeg_encoder::{ColorType, Encoder, SamplingFactor};
use nokhwa_core::error::NokhwaError;
use nokhwa_core::types::{FrameFormat, Resolution};

use super::pattern::{Layout, background_rgb, draw_frame};

/// JPEG quality of MJPEG frames.
const JPEG_QUALITY: u8 = 85;

/// An sRGB colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Rgb(pub(super) u8, pub(super) u8, pub(super) u8);

/// A rectangle in pixels; painting clips it to the picture.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Rect {
    pub(super) x: usize,
    pub(super) y: usize,
    pub(super) w: usize,
    pub(super) h: usize,
}

/// BT.601 limited-range Y, Cb, Cr of an RGB colour (the usual 8-bit integer approximation).
pub(super) fn ycbcr(r: u8, g: u8, b: u8) -> (u8, u8, u8) {
    let (r, g, b) = (i32::from(r), i32::from(g), i32::from(b));
    let y = ((66 * r + 129 * g + 25 * b + 128) >> 8) + 16;
    let cb = ((-38 * r - 74 * g + 112 * b + 128) >> 8) + 128;
    let cr = ((112 * r - 94 * g - 18 * b + 128) >> 8) + 128;
    (clamp_u8(y), clamp_u8(cb), clamp_u8(cr))
}

fn clamp_u8(value: i32) -> u8 {
    u8::try_from(value.clamp(0, 255)).unwrap_or(u8::MAX)
}

/// How the bytes of a frame are laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Packing {
    /// 3 bytes per pixel, R G B (the canvas of MJPEG frames).
    Rgb24,
    /// Y0 U Y1 V per pair of pixels.
    Yuyv,
    /// A Y plane, then interleaved U V at half resolution both ways.
    Nv12,
}

/// The number of bytes of a `width × height` frame in `format` as the fake camera sends it
/// (for MJPEG, the size of its RGB canvas).
pub(super) fn frame_len(packing: Packing, width: usize, height: usize) -> usize {
    let pixels = width.saturating_mul(height);
    match packing {
        Packing::Rgb24 => pixels.saturating_mul(3),
        Packing::Yuyv => pixels.saturating_mul(2),
        Packing::Nv12 => pixels.saturating_add(
            width
                .div_ceil(2)
                .saturating_mul(height.div_ceil(2))
                .saturating_mul(2),
        ),
    }
}

/// Packs a `width × height` RGB picture as YUYV into `out` (resized to fit).
pub(super) fn rgb_to_yuyv(rgb: &[u8], width: usize, height: usize, out: &mut Vec<u8>) {
    out.clear();
    out.resize(frame_len(Packing::Yuyv, width, height), 0);
    let rows = out
        .chunks_exact_mut(width.saturating_mul(2).max(1))
        .zip(rgb.chunks_exact(width.saturating_mul(3).max(1)));
    for (out_row, rgb_row) in rows {
        for (quad, pair) in out_row.chunks_exact_mut(4).zip(rgb_row.chunks_exact(6)) {
            let (&[r0, g0, b0, r1, g1, b1], [y0, u, y1, v]) = (pair, quad) else {
                continue;
            };
            let (luma0, _, _) = ycbcr(r0, g0, b0);
            let (luma1, _, _) = ycbcr(r1, g1, b1);
            let (_, cb, cr) = ycbcr(avg2(r0, r1), avg2(g0, g1), avg2(b0, b1));
            (*y0, *u, *y1, *v) = (luma0, cb, luma1, cr);
        }
    }
}

/// Packs a `width × height` RGB picture as NV12 into `out` (resized to fit).
pub(super) fn rgb_to_nv12(rgb: &[u8], width: usize, height: usize, out: &mut Vec<u8>) {
    out.clear();
    out.resize(frame_len(Packing::Nv12, width, height), 0);
    let luma_len = width.saturating_mul(height).min(out.len());
    let (y_plane, uv_plane) = out.split_at_mut(luma_len);
    let rgb_stride = width.saturating_mul(3).max(1);
    for (y_row, rgb_row) in y_plane
        .chunks_exact_mut(width.max(1))
        .zip(rgb.chunks_exact(rgb_stride))
    {
        for (luma, pixel) in y_row.iter_mut().zip(rgb_row.chunks_exact(3)) {
            if let &[r, g, b] = pixel {
                *luma = ycbcr(r, g, b).0;
            }
        }
    }
    let uv_stride = width.div_ceil(2).saturating_mul(2).max(1);
    let rgb_pairs = rgb.chunks_exact(rgb_stride.saturating_mul(2));
    for (uv_row, two_rows) in uv_plane.chunks_exact_mut(uv_stride).zip(rgb_pairs) {
        let (top, bottom) = two_rows.split_at(rgb_stride.min(two_rows.len()));
        let quads = top.chunks_exact(6).zip(bottom.chunks_exact(6));
        for (uv, (upper, lower)) in uv_row.chunks_exact_mut(2).zip(quads) {
            let (&[r0, g0, b0, r1, g1, b1], &[r2, g2, b2, r3, g3, b3], [u, v]) = (upper, lower, uv)
            else {
                continue;
            };
            let (_, cb, cr) = ycbcr(
                avg4(r0, r1, r2, r3),
                avg4(g0, g1, g2, g3),
                avg4(b0, b1, b2, b3),
            );
            (*u, *v) = (cb, cr);
        }
    }
}

fn avg2(a: u8, b: u8) -> u8 {
    (u16::from(a) + u16::from(b)).div_ceil(2) as u8
}

fn avg4(a: u8, b: u8, c: u8, d: u8) -> u8 {
    ((u16::from(a) + u16::from(b) + u16::from(c) + u16::from(d) + 2) / 4) as u8
}

/// Paints `rect` (clipped to the picture, widened to even edges for the YUV packings) in
/// `colour`, straight into the packed bytes of a `width × height` frame.
pub(super) fn fill_rect(
    buf: &mut [u8],
    packing: Packing,
    width: usize,
    height: usize,
    rect: Rect,
    colour: Rgb,
) {
    let mut x0 = rect.x.min(width);
    let mut x1 = rect.x.saturating_add(rect.w).min(width);
    let mut y0 = rect.y.min(height);
    let mut y1 = rect.y.saturating_add(rect.h).min(height);
    if packing != Packing::Rgb24 {
        x0 &= !1;
        x1 = x1.saturating_add(1).min(width) & !1;
        y0 &= !1;
        y1 = y1.saturating_add(1).min(height) & !1;
    }
    if x0 >= x1 || y0 >= y1 {
        return;
    }
    let Rgb(r, g, b) = colour;
    let (luma, cb, cr) = ycbcr(r, g, b);
    match packing {
        Packing::Rgb24 => {
            let stride = width.saturating_mul(3);
            fill_pattern(buf, stride, y0..y1, x0 * 3..x1 * 3, &[r, g, b]);
        }
        Packing::Yuyv => {
            let stride = width.saturating_mul(2);
            fill_pattern(buf, stride, y0..y1, x0 * 2..x1 * 2, &[luma, cb, luma, cr]);
        }
        Packing::Nv12 => {
            let luma_len = width.saturating_mul(height).min(buf.len());
            let (y_plane, uv_plane) = buf.split_at_mut(luma_len);
            fill_pattern(y_plane, width, y0..y1.min(height), x0..x1, &[luma]);
            let uv_stride = width.div_ceil(2).saturating_mul(2);
            fill_pattern(
                uv_plane,
                uv_stride,
                y0 / 2..y1.div_ceil(2),
                x0..x1,
                &[cb, cr],
            );
        }
    }
}

/// Repeats `pattern` over the bytes `columns` of the rows `rows` of a plane of `stride`-byte
/// rows. Whatever falls outside the plane is left out.
fn fill_pattern(
    plane: &mut [u8],
    stride: usize,
    rows: std::ops::Range<usize>,
    columns: std::ops::Range<usize>,
    pattern: &[u8],
) {
    if stride == 0 || pattern.is_empty() {
        return;
    }
    let mut lines = plane
        .chunks_exact_mut(stride)
        .skip(rows.start)
        .take(rows.end.saturating_sub(rows.start));
    let Some(first) = lines.next().and_then(|line| line.get_mut(columns.clone())) else {
        return;
    };
    for chunk in first.chunks_exact_mut(pattern.len()) {
        chunk.copy_from_slice(pattern);
    }
    for line in lines {
        if let Some(target) = line.get_mut(columns.clone()) {
            if target.len() == first.len() {
                target.copy_from_slice(first);
            }
        }
    }
}

/// Encodes a `width × height` RGB picture as a baseline JPEG (4:2:0, quality 85) into `out`.
pub(super) fn encode_jpeg(
    rgb: &[u8],
    width: usize,
    height: usize,
    out: &mut Vec<u8>,
) -> Result<(), NokhwaError> {
    let error = |error: String| NokhwaError::ProcessFrameError {
        src: FrameFormat::RAWRGB,
        destination: "MJPEG".to_owned(),
        error,
    };
    let w =
        u16::try_from(width).map_err(|_| error(format!("width {width} is too large for JPEG")))?;
    let h = u16::try_from(height)
        .map_err(|_| error(format!("height {height} is too large for JPEG")))?;
    out.clear();
    let mut encoder = Encoder::new(&mut *out, JPEG_QUALITY);
    encoder.set_sampling_factor(SamplingFactor::R_4_2_0);
    encoder
        .encode(rgb, w, h, ColorType::Rgb)
        .map_err(|why| error(why.to_string()))
}

/// Renders the frames of one format: the background packed once, per frame a copy of it and
/// the moving parts painted in.
#[derive(Debug, Default)]
pub(super) struct FrameRenderer {
    /// What the buffers are prepared for.
    prepared: Option<(Resolution, FrameFormat)>,
    layout: Option<Layout>,
    packing: Option<Packing>,
    /// The background, packed (YUYV, NV12) or RGB (MJPEG).
    background: Vec<u8>,
    /// The frame being painted: packed (YUYV, NV12) or RGB (MJPEG).
    canvas: Vec<u8>,
    /// The last encoded MJPEG frame.
    jpeg: Vec<u8>,
}

impl FrameRenderer {
    /// Makes the renderer ready for `resolution` in `format`; cheap when it already is.
    pub(super) fn prepare(
        &mut self,
        resolution: Resolution,
        format: FrameFormat,
    ) -> Result<(), NokhwaError> {
        if self.prepared == Some((resolution, format)) {
            return Ok(());
        }
        let packing = match format {
            FrameFormat::YUYV => Packing::Yuyv,
            FrameFormat::NV12 => Packing::Nv12,
            FrameFormat::MJPEG => Packing::Rgb24,
            other => {
                return Err(NokhwaError::SetPropertyError {
                    property: "FrameFormat".to_owned(),
                    value: other.to_string(),
                    error: "the fake camera does not produce this format".to_owned(),
                });
            }
        };
        let (width, height) = dimensions(resolution);
        let layout = Layout::new(width, height);
        let mut rgb = Vec::new();
        background_rgb(&layout, &mut rgb);
        match packing {
            Packing::Rgb24 => self.background = rgb,
            Packing::Yuyv => rgb_to_yuyv(&rgb, width, height, &mut self.background),
            Packing::Nv12 => rgb_to_nv12(&rgb, width, height, &mut self.background),
        }
        self.canvas.clear();
        self.canvas.resize(self.background.len(), 0);
        self.jpeg.clear();
        self.layout = Some(layout);
        self.packing = Some(packing);
        self.prepared = Some((resolution, format));
        Ok(())
    }

    /// Renders frame number `frame` and returns its bytes in the prepared format.
    pub(super) fn render(&mut self, frame: u64) -> Result<&[u8], NokhwaError> {
        let (Some((resolution, format)), Some(layout), Some(packing)) =
            (self.prepared, self.layout, self.packing)
        else {
            return Err(NokhwaError::ReadFrameError(
                "the fake camera renderer is not prepared".to_owned(),
            ));
        };
        let (width, height) = dimensions(resolution);
        if self.canvas.len() == self.background.len() {
            self.canvas.copy_from_slice(&self.background);
        } else {
            self.canvas.clone_from(&self.background);
        }
        let canvas = &mut self.canvas;
        draw_frame(&layout, frame, |rect, colour| {
            fill_rect(canvas, packing, width, height, rect, colour);
        });
        if format == FrameFormat::MJPEG {
            encode_jpeg(&self.canvas, width, height, &mut self.jpeg)?;
            Ok(&self.jpeg)
        } else {
            Ok(&self.canvas)
        }
    }
}

fn dimensions(resolution: Resolution) -> (usize, usize) {
    (
        usize::try_from(resolution.width()).unwrap_or(0),
        usize::try_from(resolution.height()).unwrap_or(0),
    )
}
