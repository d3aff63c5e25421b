//! MJPEG frames, encoded incrementally.
//!
//! jpeg-encoder is generic over its writer, so all of it is compiled inside this crate, which
//! is unoptimised in debug builds: a full 640×480 encode then costs ≈ 14 ms, a 1080p one ≈ 70 ms,
//! too slow for 30 fps. But from one frame to the next only a few 16×16 blocks change (the
//! moving bar, the digits, the counter cells), so frames are encoded with a restart marker
//! after every MCU (`DRI` = 1): each MCU is then coded independently of the others (the DC
//! predictors restart and the bits are byte-aligned at each marker), and its bytes can be
//! reused as long as its pixels do not change. Per frame, only the MCUs whose pixels changed
//! are encoded (gathered into a small strip image, encoded by jpeg-encoder with the same
//! tables), and the frame is assembled from the header, the per-MCU segments and renumbered
//! `RSTn` markers. The result is byte for byte what jpeg-encoder gives for the whole frame with
//! a restart interval of 1: a baseline JFIF JPEG, 4:2:0, quality 85.

use std::ops::Range;

use jpeg_encoder::{ColorType, Encoder, SamplingFactor};
use nokhwa_core::error::NokhwaError;
use nokhwa_core::types::FrameFormat;

use super::pack::Rect;

/// JPEG quality of MJPEG frames.
const QUALITY: u8 = 85;
/// Side of an MCU at 4:2:0.
const MCU: usize = 16;
/// Bytes per RGB pixel.
const RGB: usize = 3;
/// The most MCUs one strip image holds (its width must fit in a `u16`).
const MAX_STRIP_MCUS: usize = u16::MAX as usize / MCU;

fn jpeg_error(error: String) -> NokhwaError {
    NokhwaError::ProcessFrameError {
        src: FrameFormat::RAWRGB,
        destination: "MJPEG".to_owned(),
        error,
    }
}

/// Encodes `width × height` RGB as a JPEG with a restart marker after every MCU into `out`.
pub(super) fn encode_full(
    rgb: &[u8],
    width: usize,
    height: usize,
    out: &mut Vec<u8>,
) -> Result<(), NokhwaError> {
    let w = u16::try_from(width)
        .map_err(|_| jpeg_error(format!("width {width} is too large for JPEG")))?;
    let h = u16::try_from(height)
        .map_err(|_| jpeg_error(format!("height {height} is too large for JPEG")))?;
    out.clear();
    let mut encoder = Encoder::new(&mut *out, QUALITY);
    encoder.set_sampling_factor(SamplingFactor::R_4_2_0);
    encoder.set_restart_interval(1);
    encoder
        .encode(rgb, w, h, ColorType::Rgb)
        .map_err(|why| jpeg_error(why.to_string()))
}

/// Splits a JPEG written by [`encode_full`] into its header (up to the end of the `SOS`
/// segment) and the entropy-coded segment of each MCU, pushed to `segments` as ranges.
/// Returns the end of the header, or `None` when the data is not shaped as expected.
fn split_segments(jpeg: &[u8], segments: &mut Vec<Range<usize>>) -> Option<usize> {
    segments.clear();
    if jpeg.get(..2)? != [0xFF, 0xD8] {
        return None;
    }
    // Walk the marker segments up to the start of scan.
    let mut pos = 2;
    let header_end = loop {
        let (&0xFF, &marker) = (jpeg.get(pos)?, jpeg.get(pos + 1)?) else {
            return None;
        };
        let length = usize::from(u16::from_be_bytes([
            *jpeg.get(pos + 2)?,
            *jpeg.get(pos + 3)?,
        ]));
        let end = pos + 2 + length;
        if marker == 0xDA {
            break end;
        }
        pos = end;
    };
    // Entropy-coded data: `FF 00` is a stuffed byte, `FF D0`–`FF D7` a restart, `FF D9` the end.
    let mut start = header_end;
    let mut pos = header_end;
    while let Some(&byte) = jpeg.get(pos) {
        if byte != 0xFF {
            pos += 1;
            continue;
        }
        match *jpeg.get(pos + 1)? {
            0x00 => pos += 2,
            0xD0..=0xD7 => {
                segments.push(start..pos);
                pos += 2;
                start = pos;
            }
            0xD9 => {
                segments.push(start..pos);
                return Some(header_end);
            }
            _ => pos += 1,
        }
    }
    None
}

/// The MJPEG encoder of one frame size: the encoded MCUs of the last frame, re-encoded where
/// the picture changed.
#[derive(Debug, Default)]
pub(super) struct IncrementalJpeg {
    width: usize,
    height: usize,
    columns: usize,
    rows: usize,
    /// `SOI` up to the end of the `SOS` segment.
    header: Vec<u8>,
    /// The entropy-coded bytes of each MCU of the last frame, row by row.
    segments: Vec<Vec<u8>>,
    /// The RGB picture the segments encode.
    previous: Vec<u8>,
    /// The rectangles painted over the background in the last frame.
    previous_rects: Vec<Rect>,
    /// MCUs that may have changed.
    candidates: Vec<bool>,
    /// MCUs that did change.
    dirty: Vec<usize>,
    /// The changed MCUs side by side, as an image to encode.
    strip: Vec<u8>,
    /// The encoded strip, or the whole frame.
    scratch: Vec<u8>,
    ranges: Vec<Range<usize>>,
    /// The assembled frame.
    out: Vec<u8>,
}

impl IncrementalJpeg {
    /// An encoder whose last frame is `background` (`width × height` RGB).
    pub(super) fn new(background: &[u8], width: usize, height: usize) -> Result<Self, NokhwaError> {
        let mut encoder = Self {
            width,
            height,
            columns: width.div_ceil(MCU),
            rows: height.div_ceil(MCU),
            ..Self::default()
        };
        encoder.reset(background)?;
        Ok(encoder)
    }

    /// Encodes `rgb` whole and takes it as the last frame.
    fn reset(&mut self, rgb: &[u8]) -> Result<(), NokhwaError> {
        encode_full(rgb, self.width, self.height, &mut self.scratch)?;
        let header_end = split_segments(&self.scratch, &mut self.ranges)
            .filter(|_| self.ranges.len() == self.columns * self.rows)
            .ok_or_else(|| jpeg_error("unexpected JPEG layout".to_owned()))?;
        self.header.clear();
        // Like a UVC camera, leave out the Huffman tables: the stream uses the standard ones,
        // which a reader must supply (crate::mjpeg does).
        without_huffman_tables(
            self.scratch.get(..header_end).unwrap_or_default(),
            &mut self.header,
        );
        self.segments.resize_with(self.ranges.len(), Vec::new);
        for (segment, range) in self.segments.iter_mut().zip(&self.ranges) {
            segment.clear();
            segment.extend_from_slice(self.scratch.get(range.clone()).unwrap_or_default());
        }
        self.previous.clear();
        self.previous.extend_from_slice(rgb);
        self.previous_rects.clear();
        Ok(())
    }

    /// Encodes the frame `canvas` (`width × height` RGB), which is the background with `rects`
    /// painted over it. Takes `canvas` and `rects` as the new last frame (swapping in the
    /// buffers of the previous one, for reuse).
    pub(super) fn encode(
        &mut self,
        canvas: &mut Vec<u8>,
        rects: &mut Vec<Rect>,
    ) -> Result<&[u8], NokhwaError> {
        if canvas.len() != self.previous.len() {
            return Err(jpeg_error("frame size changed".to_owned()));
        }
        self.find_dirty(canvas, rects);
        for batch in self.dirty.chunks(MAX_STRIP_MCUS) {
            encode_batch(
                batch,
                canvas,
                (self.width, self.height, self.columns),
                (&mut self.strip, &mut self.scratch, &mut self.ranges),
                &mut self.segments,
            )?;
        }
        std::mem::swap(&mut self.previous, canvas);
        std::mem::swap(&mut self.previous_rects, rects);
        self.assemble();
        Ok(&self.out)
    }

    /// Finds the MCUs of `canvas` that differ from the last frame: only those under the
    /// rectangles of this frame or of the last one can.
    fn find_dirty(&mut self, canvas: &[u8], rects: &[Rect]) {
        self.candidates.clear();
        self.candidates.resize(self.columns * self.rows, false);
        for rect in rects.iter().chain(&self.previous_rects) {
            let x1 = rect.x.saturating_add(rect.w).min(self.width);
            let y1 = rect.y.saturating_add(rect.h).min(self.height);
            if rect.x >= x1 || rect.y >= y1 {
                continue;
            }
            for row in rect.y / MCU..y1.div_ceil(MCU) {
                let first = row * self.columns;
                let columns = first + rect.x / MCU..first + x1.div_ceil(MCU);
                if let Some(cells) = self.candidates.get_mut(columns) {
                    cells.fill(true);
                }
            }
        }
        self.dirty.clear();
        let stride = self.width * RGB;
        for (index, _) in self.candidates.iter().enumerate().filter(|(_, c)| **c) {
            let (column, row) = (index % self.columns, index / self.columns);
            let x0 = column * MCU * RGB;
            let x1 = ((column + 1) * MCU).min(self.width) * RGB;
            let changed = (row * MCU..((row + 1) * MCU).min(self.height)).any(|y| {
                let range = y * stride + x0..y * stride + x1;
                canvas.get(range.clone()) != self.previous.get(range)
            });
            if changed {
                self.dirty.push(index);
            }
        }
    }

    /// Writes the frame: header, segments with `RSTn` between them, `EOI`.
    fn assemble(&mut self) {
        self.out.clear();
        self.out.extend_from_slice(&self.header);
        for (index, segment) in self.segments.iter().enumerate() {
            if index > 0 {
                self.out.push(0xFF);
                self.out.push(0xD0 + ((index - 1) % 8) as u8);
            }
            self.out.extend_from_slice(segment);
        }
        self.out.push(0xFF);
        self.out.push(0xD9);
    }
}

/// Copies the JPEG header `header` (SOI up to and including the SOS segment) into `out` without
/// its DHT segments.
fn without_huffman_tables(header: &[u8], out: &mut Vec<u8>) {
    out.extend_from_slice(header.get(..2).unwrap_or_default());
    let mut pos = 2;
    while let (Some(&marker), Some(len)) = (
        header.get(pos + 1),
        header
            .get(pos + 2..pos + 4)
            .map(|b| usize::from(u16::from_be_bytes([b[0], b[1]]))),
    ) {
        let segment = header.get(pos..pos + 2 + len).unwrap_or_default();
        if marker != 0xC4 {
            out.extend_from_slice(segment);
        }
        if segment.is_empty() {
            break;
        }
        pos += 2 + len;
    }
}

/// Encodes the MCUs `batch` of `canvas` (side by side in one strip image, edges replicated as
/// the encoder does for the whole frame) and stores their bytes in `segments`.
fn encode_batch(
    batch: &[usize],
    canvas: &[u8],
    (width, height, columns): (usize, usize, usize),
    (strip, scratch, ranges): (&mut Vec<u8>, &mut Vec<u8>, &mut Vec<Range<usize>>),
    segments: &mut [Vec<u8>],
) -> Result<(), NokhwaError> {
    let strip_width = batch.len() * MCU;
    let strip_stride = strip_width * RGB;
    strip.clear();
    strip.resize(strip_stride * MCU, 0);
    let stride = width * RGB;
    for (slot, &index) in batch.iter().enumerate() {
        let (column, row) = (index % columns.max(1), index / columns.max(1));
        let x0 = column * MCU;
        let visible = width.saturating_sub(x0).min(MCU);
        for dy in 0..MCU {
            let y = (row * MCU + dy).min(height.saturating_sub(1));
            let source = canvas.get(y * stride + x0 * RGB..y * stride + (x0 + visible) * RGB);
            let start = dy * strip_stride + slot * MCU * RGB;
            let target = strip.get_mut(start..start + MCU * RGB);
            let (Some(source), Some(target)) = (source, target) else {
                return Err(jpeg_error("MCU out of the picture".to_owned()));
            };
            let (inside, outside) = target.split_at_mut(source.len().min(target.len()));
            inside.copy_from_slice(source.get(..inside.len()).unwrap_or_default());
            if let Some(last) = inside.get(inside.len().saturating_sub(RGB)..) {
                for pixel in outside.chunks_exact_mut(RGB) {
                    if pixel.len() == last.len() {
                        pixel.copy_from_slice(last);
                    }
                }
            }
        }
    }
    encode_full(strip, strip_width, MCU, scratch)?;
    if split_segments(scratch, ranges).is_none() || ranges.len() != batch.len() {
        return Err(jpeg_error("unexpected JPEG layout".to_owned()));
    }
    for (&index, range) in batch.iter().zip(ranges.iter()) {
        if let (Some(segment), Some(bytes)) = (segments.get_mut(index), scratch.get(range.clone()))
        {
            segment.clear();
            segment.extend_from_slice(bytes);
        }
    }
    Ok(())
}
