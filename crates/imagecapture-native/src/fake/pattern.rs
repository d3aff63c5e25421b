//! The animated test pattern, and [`read_frame_number`], which reads its frame counter back.
//!
//! The picture, from top to bottom:
//! - the **frame counter strip**: two rows of 20 square cells of `cell` pixels each, from the
//!   top-left corner, every cell pure white (1) or pure black (0). Read row by row: a guard of
//!   4 cells `1 0 1 0`, the low 32 bits of the frame number (most significant first), and a
//!   4-bit check (the XOR of the number's eight nibbles, XOR `0b0101`). `cell` is
//!   `16 × min(width / 320, height / 240)` pixels for pictures of at least 320×240 (16 at
//!   320×240, 32 at 640×480, 48 at 1280×720, 64 at 1920×1080), so cells are whole 16×16 blocks
//!   and survive 4:2:0 chroma subsampling and JPEG unharmed; smaller pictures get smaller cells;
//! - a static background: 75 % colour bars over the upper two thirds, a colour gradient below
//!   (red to blue from left to right, green growing in 16 bands from top to bottom);
//! - a white vertical bar that moves `cell / 4` pixels to the right per frame (wrapping);
//! - the frame number in decimal, in large white digits on a black box.

use super::pack::{Rect, Rgb};

/// Cells per row of the counter strip.
const STRIP_COLUMNS: usize = 20;
/// Rows of the counter strip.
const STRIP_ROWS: usize = 2;
/// Cells of the counter strip.
const STRIP_CELLS: usize = STRIP_COLUMNS * STRIP_ROWS;
/// The guard at the start of the strip.
const GUARD: [bool; 4] = [true, false, true, false];
/// Mixed into the check nibble.
const CHECK_SALT: u32 = 0b0101;
/// A cell whose mean luma is at most this is black.
const BLACK_MAX: u32 = 80;
/// A cell whose mean luma is at least this is white.
const WHITE_MIN: u32 = 176;

const WHITE: Rgb = Rgb(255, 255, 255);
const BLACK: Rgb = Rgb(0, 0, 0);
const GREY: Rgb = Rgb(128, 128, 128);
/// 75 % colour bars: white, yellow, cyan, green, magenta, red, blue, black.
const BARS: [Rgb; 8] = [
    Rgb(191, 191, 191),
    Rgb(191, 191, 0),
    Rgb(0, 191, 191),
    Rgb(0, 191, 0),
    Rgb(191, 0, 191),
    Rgb(191, 0, 0),
    Rgb(0, 0, 191),
    Rgb(0, 0, 0),
];

/// 5×7 digits, one row per byte, the leftmost pixel in bit 4.
const FONT: [[u8; 7]; 10] = [
    [0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E],
    [0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E],
    [0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F],
    [0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E],
    [0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02],
    [0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E],
    [0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E],
    [0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08],
    [0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E],
    [0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C],
];
const GLYPH_WIDTH: usize = 5;
const GLYPH_HEIGHT: usize = 7;

/// Where everything goes in a picture of a given size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Layout {
    width: usize,
    height: usize,
    /// Side of a counter cell; 0 when the picture is too small for the strip.
    cell: usize,
    /// Side of a pixel of the digits.
    scale: usize,
    bar_width: usize,
    bar_step: usize,
}

impl Layout {
    pub(super) fn new(width: usize, height: usize) -> Self {
        let cell = if width >= 320 && height >= 240 {
            16 * (width / 320).min(height / 240)
        } else {
            let cell = (width / STRIP_COLUMNS).min(height / 15) & !1;
            if cell >= 2 { cell } else { 0 }
        };
        Self {
            width,
            height,
            cell,
            scale: ((cell / 4) & !1).max(2),
            bar_width: ((cell / 2) & !1).max(2),
            bar_step: ((cell / 4) & !1).max(2),
        }
    }

    pub(super) fn width(&self) -> usize {
        self.width
    }

    pub(super) fn height(&self) -> usize {
        self.height
    }

    /// Side of a counter cell in pixels (0 when the picture is too small for the strip).
    pub(super) fn cell(&self) -> usize {
        self.cell
    }

    /// The first row below the counter strip.
    fn strip_bottom(&self) -> usize {
        (self.cell * STRIP_ROWS).min(self.height)
    }

    fn cell_rect(&self, index: usize) -> Rect {
        Rect {
            x: (index % STRIP_COLUMNS) * self.cell,
            y: (index / STRIP_COLUMNS) * self.cell,
            w: self.cell,
            h: self.cell,
        }
    }

    /// The left edge of the moving bar in frame `frame`.
    pub(super) fn bar_x(&self, frame: u64) -> usize {
        let span = self.width.saturating_sub(self.bar_width) as u64;
        if span == 0 {
            return 0;
        }
        let x = ((frame % span) * self.bar_step as u64) % span;
        usize::try_from(x).unwrap_or(0) & !1
    }
}

/// The 40 cells of the counter strip for frame `frame`, row by row; `true` is white.
fn strip_bits(frame: u64) -> [bool; STRIP_CELLS] {
    let low = (frame & u64::from(u32::MAX)) as u32;
    let check = nibble_check(low);
    let mut bits = [false; STRIP_CELLS];
    for (index, bit) in bits.iter_mut().enumerate() {
        *bit = match index {
            0..4 => GUARD.get(index).copied().unwrap_or(false),
            4..36 => (low >> (35 - index)) & 1 == 1,
            _ => (check >> (39 - index)) & 1 == 1,
        };
    }
    bits
}

fn nibble_check(value: u32) -> u32 {
    (0..8).fold(CHECK_SALT, |acc, nibble| {
        acc ^ ((value >> (nibble * 4)) & 0xF)
    })
}

/// What a row of the background looks like: rows of one kind are identical, so the
/// background is computed a row per kind and copied down.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum RowKind {
    /// Behind the counter strip: grey.
    Strip,
    /// Colour bars.
    Bars,
    /// A horizontal red-to-blue ramp, with this much green (16 bands from top to bottom).
    Gradient(u8),
}

impl Layout {
    /// The kind of background row `y`.
    pub(super) fn row_kind(&self, y: usize) -> RowKind {
        let strip_bottom = self.strip_bottom();
        let body = self.height.saturating_sub(strip_bottom);
        let gradient_top = strip_bottom + body * 2 / 3;
        if y < strip_bottom {
            RowKind::Strip
        } else if y < gradient_top {
            RowKind::Bars
        } else {
            let rows = self.height.saturating_sub(gradient_top).max(1);
            let band = ((y - gradient_top) * 16 / rows).min(15);
            RowKind::Gradient((band * 17) as u8)
        }
    }
}

/// Writes a background row of `kind` as RGB into `row` (`width × 3` bytes).
pub(super) fn background_row(layout: &Layout, kind: RowKind, row: &mut [u8]) {
    let width = layout.width.max(1);
    let x_span = layout.width.saturating_sub(1).max(1);
    for (x, pixel) in row.chunks_exact_mut(3).enumerate() {
        let Rgb(r, g, b) = match kind {
            RowKind::Strip => GREY,
            RowKind::Bars => BARS.get(x * BARS.len() / width).copied().unwrap_or(BLACK),
            RowKind::Gradient(green) => {
                let red = (x * 255 / x_span).min(255) as u8;
                Rgb(red, green, 255 - red)
            }
        };
        if let [pr, pg, pb] = pixel {
            (*pr, *pg, *pb) = (r, g, b);
        }
    }
}

/// The whole background as RGB.
#[cfg(test)]
pub(super) fn background_rgb(layout: &Layout) -> Vec<u8> {
    let stride = layout.width * 3;
    let mut rgb = vec![0; stride * layout.height];
    for (y, row) in rgb.chunks_exact_mut(stride.max(1)).enumerate() {
        background_row(layout, layout.row_kind(y), row);
    }
    rgb
}

/// Calls `fill` with the rectangles that make frame `frame` out of the background, in
/// painting order.
pub(super) fn draw_frame(layout: &Layout, frame: u64, mut fill: impl FnMut(Rect, Rgb)) {
    let strip_bottom = layout.strip_bottom();

    // The moving bar.
    fill(
        Rect {
            x: layout.bar_x(frame),
            y: strip_bottom,
            w: layout.bar_width,
            h: layout.height.saturating_sub(strip_bottom),
        },
        WHITE,
    );

    // The frame number, in decimal, on a black box.
    let mut digits = [0_u8; 20];
    let mut count = 0;
    let mut rest = frame;
    for slot in &mut digits {
        *slot = (rest % 10) as u8;
        rest /= 10;
        count += 1;
        if rest == 0 {
            break;
        }
    }
    let s = layout.scale;
    let x0 = layout.cell.max(s);
    let y0 = strip_bottom + layout.cell.max(s);
    fill(
        Rect {
            x: x0,
            y: y0,
            w: (count * (GLYPH_WIDTH + 1) + 1) * s,
            h: (GLYPH_HEIGHT + 2) * s,
        },
        BLACK,
    );
    for (position, digit) in digits.iter().take(count).rev().enumerate() {
        let Some(glyph) = FONT.get(usize::from(*digit)) else {
            continue;
        };
        let glyph_x = x0 + s + position * (GLYPH_WIDTH + 1) * s;
        for (row, bits) in glyph.iter().enumerate() {
            // Runs of lit pixels, as one rectangle each.
            let mut column = 0;
            while column < GLYPH_WIDTH {
                let lit = |c: usize| (bits >> (GLYPH_WIDTH - 1 - c)) & 1 == 1;
                if !lit(column) {
                    column += 1;
                    continue;
                }
                let start = column;
                while column < GLYPH_WIDTH && lit(column) {
                    column += 1;
                }
                fill(
                    Rect {
                        x: glyph_x + start * s,
                        y: y0 + s + row * s,
                        w: (column - start) * s,
                        h: s,
                    },
                    WHITE,
                );
            }
        }
    }

    // The machine-readable counter, last so that nothing covers it.
    if layout.cell > 0 {
        for (index, white) in strip_bits(frame).into_iter().enumerate() {
            fill(layout.cell_rect(index), if white { WHITE } else { BLACK });
        }
    }
}

/// Reads the frame number from the counter strip of a fake-camera picture, given as tightly
/// packed RGBA (`width × height × 4` bytes, rows top to bottom), such as a decoded frame.
///
/// Returns the low 32 bits of the frame number (the strip holds no more), or `None` when the
/// picture does not carry a readable strip: a buffer of the wrong length, a picture too small
/// for the strip, a cell neither clearly black nor clearly white, a guard or check that does
/// not match (a blank picture, noise, another camera's picture). It never panics.
///
/// The cells are read in their middle half, so a picture that went through chroma
/// subsampling, JPEG compression or a YUV round trip reads back exactly.
#[must_use]
pub fn read_frame_number(rgba: &[u8], width: u32, height: u32) -> Option<u64> {
    let width = usize::try_from(width).ok()?;
    let height = usize::try_from(height).ok()?;
    let expected = width.checked_mul(height)?.checked_mul(4)?;
    if rgba.len() != expected {
        return None;
    }
    let layout = Layout::new(width, height);
    let cell = layout.cell();
    if cell == 0 {
        return None;
    }
    let mut bits = [false; STRIP_CELLS];
    for (index, bit) in bits.iter_mut().enumerate() {
        let rect = layout.cell_rect(index);
        let (x0, x1) = (rect.x + cell / 4, rect.x + cell - cell / 4);
        let (y0, y1) = (rect.y + cell / 4, rect.y + cell - cell / 4);
        let mut sum = 0_u64;
        let mut samples = 0_u64;
        for y in y0..y1 {
            let start = (y * width + x0) * 4;
            let end = (y * width + x1) * 4;
            for pixel in rgba.get(start..end)?.chunks_exact(4) {
                if let [r, g, b, _] = pixel {
                    sum += u64::from(77 * u32::from(*r) + 150 * u32::from(*g) + 29 * u32::from(*b));
                    samples += 1;
                }
            }
        }
        let mean = u32::try_from(sum / samples.max(1) / 256).ok()?;
        *bit = if mean >= WHITE_MIN {
            true
        } else if mean <= BLACK_MAX {
            false
        } else {
            return None;
        };
    }
    if bits.get(..GUARD.len())? != GUARD {
        return None;
    }
    let number = bits
        .get(4..36)?
        .iter()
        .fold(0_u32, |acc, &bit| (acc << 1) | u32::from(bit));
    let check = bits
        .get(36..40)?
        .iter()
        .fold(0_u32, |acc, &bit| (acc << 1) | u32::from(bit));
    (check == nibble_check(number)).then_some(u64::from(number))
}
