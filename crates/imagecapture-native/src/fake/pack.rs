//! Packing the picture into the bytes a camera sends: YUYV 4:2:2, NV12 and MJPEG.
//!
//! YUYV and NV12 use BT.601 limited range ("video range": Y 16–235, Cb/Cr 16–240), which is
//! what UVC cameras send; MJPEG is baseline JFIF (BT.601 full range), 4:2:0, quality 85.
//!
//! [`FrameRenderer`] keeps the background already packed in the current format and, per
//! frame, copies it and paints the few small moving parts straight into the packed bytes, so
//! that a frame costs one copy plus a few rectangle fills (plus, for MJPEG, encoding the
//! blocks that changed: see the `mjpeg` module).

use nokhwa_core::error::NokhwaError;
use nokhwa_core::types::{FrameFormat, Resolution};

use super::look::Look;
use super::mjpeg::IncrementalJpeg;
use super::pattern::{Layout, background_row, draw_frame};

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

/// Packs an RGB row as a YUYV row.
fn yuyv_row(rgb: &[u8], out: &mut [u8]) {
    for (quad, pair) in out.chunks_exact_mut(4).zip(rgb.chunks_exact(6)) {
        let (&[r0, g0, b0, r1, g1, b1], [y0, u, y1, v]) = (pair, quad) else {
            continue;
        };
        let (luma0, _, _) = ycbcr(r0, g0, b0);
        let (luma1, _, _) = ycbcr(r1, g1, b1);
        let (_, cb, cr) = ycbcr(avg2(r0, r1), avg2(g0, g1), avg2(b0, b1));
        (*y0, *u, *y1, *v) = (luma0, cb, luma1, cr);
    }
}

/// Packs an RGB row as a row of the NV12 Y plane.
fn luma_row(rgb: &[u8], out: &mut [u8]) {
    for (luma, pixel) in out.iter_mut().zip(rgb.chunks_exact(3)) {
        if let &[r, g, b] = pixel {
            *luma = ycbcr(r, g, b).0;
        }
    }
}

/// Packs two RGB rows as a row of the NV12 UV plane.
fn chroma_row(top: &[u8], bottom: &[u8], out: &mut [u8]) {
    let quads = top.chunks_exact(6).zip(bottom.chunks_exact(6));
    for (uv, (upper, lower)) in out.chunks_exact_mut(2).zip(quads) {
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

/// Fills `rows` rows of `stride` bytes of `plane` with `make(key(y), row)`, computing a row
/// only when its key differs from the previous row's and copying the previous row otherwise.
fn build_rows<K: PartialEq + Copy>(
    plane: &mut [u8],
    stride: usize,
    rows: usize,
    key: impl Fn(usize) -> K,
    mut make: impl FnMut(K, &mut [u8]),
) {
    if stride == 0 {
        return;
    }
    let mut previous: Option<K> = None;
    for y in 0..rows {
        let current = key(y);
        let start = y.saturating_mul(stride);
        let (done, rest) = plane.split_at_mut(start.min(plane.len()));
        let Some(row) = rest.get_mut(..stride) else {
            return;
        };
        let above = done.get(start.saturating_sub(stride)..);
        match (previous, above) {
            (Some(key_above), Some(above)) if key_above == current && above.len() == stride => {
                row.copy_from_slice(above);
            }
            _ => make(current, row),
        }
        previous = Some(current);
    }
}

/// Fills `out` (resized to fit) with the background of `layout` as `look` shows it, packed.
fn build_background(layout: &Layout, look: &Look, packing: Packing, out: &mut Vec<u8>) {
    let (width, height) = (layout.width(), layout.height());
    let len = frame_len(packing, width, height);
    if out.len() != len {
        // `vec!` zeroes through the allocator, far faster than `resize` in a debug build.
        *out = vec![0; len];
    }
    let rgb_stride = width.saturating_mul(3);
    let mut top = vec![0; rgb_stride];
    let mut bottom = vec![0; rgb_stride];
    let mut scene = vec![0; rgb_stride];
    let (crop_x, crop_y, crop_w, crop_h) = look.crop(width, height);
    // The kind of scene row shown on frame row `y`: rows of one kind look alike.
    let kind = |y: usize| layout.row_kind(Look::source(y, height, crop_y, crop_h));
    let mut paint = |kind, row: &mut [u8]| {
        background_row(layout, kind, &mut scene);
        look.paint_row(&scene, crop_x, crop_w, row);
    };
    match packing {
        Packing::Rgb24 => build_rows(out, rgb_stride, height, kind, |kind, row| {
            paint(kind, row);
        }),
        Packing::Yuyv => build_rows(out, width.saturating_mul(2), height, kind, |kind, row| {
            paint(kind, &mut top);
            yuyv_row(&top, row);
        }),
        Packing::Nv12 => {
            let luma_len = width.saturating_mul(height).min(out.len());
            let (y_plane, uv_plane) = out.split_at_mut(luma_len);
            build_rows(y_plane, width, height, kind, |kind, row| {
                paint(kind, &mut top);
                luma_row(&top, row);
            });
            let last = height.saturating_sub(1);
            let pair = |row: usize| (kind(2 * row), kind((2 * row + 1).min(last)));
            let uv_stride = width.div_ceil(2).saturating_mul(2);
            build_rows(
                uv_plane,
                uv_stride,
                height.div_ceil(2),
                pair,
                |(upper, lower), row| {
                    paint(upper, &mut top);
                    paint(lower, &mut bottom);
                    chroma_row(&top, &bottom, row);
                },
            );
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

/// Renders the frames of one format: the background packed once, per frame a copy of it and
/// the moving parts painted in.
#[derive(Debug, Default)]
pub(super) struct FrameRenderer {
    /// What the buffers are prepared for.
    prepared: Option<(Resolution, FrameFormat, Look)>,
    /// How the camera's controls make the picture look.
    look: Look,
    layout: Option<Layout>,
    packing: Option<Packing>,
    /// The background, packed (YUYV, NV12) or RGB (MJPEG).
    background: Vec<u8>,
    /// The frame being painted: packed (YUYV, NV12) or RGB (MJPEG).
    canvas: Vec<u8>,
    /// The rectangles painted in the current frame (MJPEG only).
    rects: Vec<Rect>,
    /// The MJPEG encoder, for MJPEG.
    jpeg: Option<IncrementalJpeg>,
}

impl FrameRenderer {
    /// Sets how the picture looks, from the next [`prepare`](Self::prepare) on.
    pub(super) fn set_look(&mut self, look: Look) {
        self.look = look;
    }

    /// Makes the renderer ready for `resolution` in `format` with the current look; cheap when
    /// it already is.
    pub(super) fn prepare(
        &mut self,
        resolution: Resolution,
        format: FrameFormat,
    ) -> Result<(), NokhwaError> {
        let look = self.look;
        if self.prepared == Some((resolution, format, look)) {
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
        build_background(&layout, &look, packing, &mut self.background);
        self.canvas.clone_from(&self.background);
        self.rects.clear();
        self.jpeg = None;
        if packing == Packing::Rgb24 {
            self.jpeg = Some(IncrementalJpeg::new(&self.background, width, height)?);
        }
        self.layout = Some(layout);
        self.packing = Some(packing);
        self.prepared = Some((resolution, format, look));
        Ok(())
    }

    /// The background in the prepared format (RGB for MJPEG).
    #[cfg(test)]
    pub(super) fn background(&self) -> &[u8] {
        &self.background
    }

    /// Renders frame number `frame` and returns its bytes in the prepared format.
    pub(super) fn render(&mut self, frame: u64) -> Result<&[u8], NokhwaError> {
        let (Some((resolution, format, _)), Some(layout), Some(packing)) =
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
        let rects = &mut self.rects;
        rects.clear();
        draw_frame(&layout, frame, |rect, colour| {
            fill_rect(canvas, packing, width, height, rect, colour);
            if packing == Packing::Rgb24 {
                rects.push(rect);
            }
        });
        match (format, self.jpeg.as_mut()) {
            (FrameFormat::MJPEG, Some(jpeg)) => jpeg.encode(&mut self.canvas, &mut self.rects),
            (FrameFormat::MJPEG, None) => Err(NokhwaError::ReadFrameError(
                "the fake camera MJPEG encoder is not prepared".to_owned(),
            )),
            _ => Ok(&self.canvas),
        }
    }
}

fn dimensions(resolution: Resolution) -> (usize, usize) {
    (
        usize::try_from(resolution.width()).unwrap_or(0),
        usize::try_from(resolution.height()).unwrap_or(0),
    )
}
