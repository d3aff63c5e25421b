//! Camera bytes to RGBA: the one conversion every grabbed frame and photo goes through. Public
//! for apps that read frames from nokhwa themselves, and for the benchmarks.
//!
//! YUYV and NV12 go through the `yuv` crate (runtime-detected SIMD), MJPEG through `zune-jpeg`
//! (which also supplies the standard Huffman tables that UVC cameras leave out of MJPEG frames).
//! UVC cameras send BT.601 limited ("video") range.
//!
//! [`FramePool`] is what `grab_frame` converts with: RGBA buffers that dropped
//! [`ImageBitmap`]s hand back, so that a steady stream of grabs allocates nothing.

use std::sync::{Arc, Mutex, PoisonError, Weak};

use imagecapture_core::limits::MAX_FRAME_SIZE;
use imagecapture_core::{Error, Result};
use nokhwa::utils::FrameFormat;
use yuv::{
    BufferStoreMut, YuvBiPlanarImage, YuvConversionMode, YuvPackedImage, YuvPlanarImage,
    YuvPlanarImageMut, YuvRange, YuvStandardMatrix, yuv_nv12_to_rgba, yuv422_to_rgba,
    yuyv422_to_yuv422,
};
use zune_jpeg::JpegDecoder;

use crate::bitmap::ImageBitmap;
pub use crate::mjpeg::with_huffman_tables;
use zune_jpeg::zune_core::bytestream::ZCursor;
use zune_jpeg::zune_core::colorspace::ColorSpace;
use zune_jpeg::zune_core::options::DecoderOptions;

/// How many RGBA buffers a pool keeps: one for the frame an app holds while it grabs the next
/// (double buffering), one spare. More would only hold memory (8 MB a 1080p frame).
const POOL_SIZE: usize = 2;

/// The RGBA buffers of a stream of frames, reused: [`decode`](Self::decode) converts into a
/// buffer a dropped [`ImageBitmap`] handed back (no allocation, no page faults, no zeroing), or
/// into a new one when none is free. Cheap to clone: clones share the buffers. A bitmap that
/// outlives its pool frees its buffer as usual.
#[derive(Clone, Default)]
pub struct FramePool {
    free: Arc<Mutex<Vec<Vec<u8>>>>,
}

impl std::fmt::Debug for FramePool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FramePool({} free)", lock(&self.free).len())
    }
}

impl FramePool {
    /// An empty pool.
    pub fn new() -> Self {
        Self::default()
    }

    /// Decodes one camera frame (as [`to_rgba`]) into an [`ImageBitmap`] whose buffer comes
    /// from this pool and goes back to it when the bitmap is dropped: what `grab_frame` does
    /// with every frame.
    ///
    /// # Errors
    /// As [`to_rgba`].
    pub fn decode(&self, format: FrameFormat, size: (u32, u32), raw: &[u8]) -> Result<ImageBitmap> {
        let mut rgba = self.take();
        match to_rgba(format, size, raw, &mut rgba) {
            Ok((w, h)) => Ok(self.bitmap(w, h, rgba)),
            Err(e) => {
                self.give(rgba);
                Err(e)
            }
        }
    }

    /// A buffer to write a frame into: a free one (with its old contents), else an empty one.
    pub(crate) fn take(&self) -> Vec<u8> {
        lock(&self.free).pop().unwrap_or_default()
    }

    /// Hands a buffer back for reuse.
    pub(crate) fn give(&self, buffer: Vec<u8>) {
        give(&self.free, buffer);
    }

    /// Wraps `rgba` (`width * height * 4` bytes, checked by the caller) as a bitmap that gives
    /// its buffer back to this pool.
    pub(crate) fn bitmap(&self, width: u32, height: u32, rgba: Vec<u8>) -> ImageBitmap {
        ImageBitmap::new(width, height, rgba, Arc::downgrade(&self.free))
    }
}

/// Where a bitmap hands its buffer back to.
pub(crate) type PoolRef = Weak<Mutex<Vec<Vec<u8>>>>;

/// Puts `buffer` back into `free` unless the pool is full; an empty one is not worth keeping.
pub(crate) fn give(free: &Mutex<Vec<Vec<u8>>>, buffer: Vec<u8>) {
    if buffer.capacity() == 0 {
        return;
    }
    let mut free = lock(free);
    if free.len() < POOL_SIZE {
        free.push(buffer);
    }
}

/// The free list; a panic elsewhere while it was held leaves it consistent (a push or a pop).
fn lock(free: &Mutex<Vec<Vec<u8>>>) -> std::sync::MutexGuard<'_, Vec<Vec<u8>>> {
    free.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Decodes one camera frame into `out` (resized as needed; reuse it across frames to avoid
/// allocating) and returns the frame's size.
///
/// `size` is the format's resolution. An MJPEG frame whose header says another size is refused
/// before anything is allocated for it (a corrupt or hostile header could claim 16384×16384, a
/// gibibyte); `(0, 0)` takes the size the frame says. MJPEG frames without Huffman tables (as
/// UVC cameras send them) get the standard ones.
///
/// # Errors
/// `UnknownError` when the bytes are too few for the format and size, or do not decode.
pub fn to_rgba(
    format: FrameFormat,
    size: (u32, u32),
    raw: &[u8],
    out: &mut Vec<u8>,
) -> Result<(u32, u32)> {
    if format == FrameFormat::MJPEG {
        return mjpeg_to_rgba(raw, size, out);
    }
    let (w, h) = size;
    if w > MAX_FRAME_SIZE.0 || h > MAX_FRAME_SIZE.1 {
        return Err(Error::unknown(format!(
            "the camera reported a {w}×{h} frame, larger than any this library decodes ({}×{})",
            MAX_FRAME_SIZE.0, MAX_FRAME_SIZE.1
        )));
    }
    let pixels = (w as usize)
        .checked_mul(h as usize)
        .filter(|&p| p > 0)
        .ok_or_else(|| Error::unknown(format!("the camera reported a {w}×{h} frame")))?;
    // Checked: a size nobody's camera has (a corrupt format report) is an error, not an
    // overflow. The output is allocated only once the frame holds this many bytes, so its size
    // is bounded by the frame's.
    let too_large = || Error::unknown(format!("the camera reported a {w}×{h} frame"));
    let need = match format {
        FrameFormat::YUYV => pixels.checked_mul(2),
        FrameFormat::NV12 => ((w as usize).div_ceil(2))
            .checked_mul((h as usize).div_ceil(2))
            .and_then(|chroma| chroma.checked_mul(2))
            .and_then(|chroma| chroma.checked_add(pixels)),
        FrameFormat::GRAY => Some(pixels),
        FrameFormat::RAWRGB | FrameFormat::RAWBGR => pixels.checked_mul(3),
        FrameFormat::MJPEG => Some(0),
    }
    .ok_or_else(too_large)?;
    let row_bytes = w.checked_mul(4).ok_or_else(too_large)?;
    let out_len = pixels.checked_mul(4).ok_or_else(too_large)?;
    let raw = raw.get(..need).ok_or_else(|| {
        Error::unknown(format!(
            "a {format} frame of {w}×{h} needs {need} bytes; the camera sent {}",
            raw.len()
        ))
    })?;
    fresh(out, out_len);
    let yuv_failed = |e: yuv::YuvError| Error::unknown(format!("{format} to RGBA failed: {e}"));
    match format {
        FrameFormat::YUYV => yuyv_to_rgba(raw, (w, h), out).map_err(yuv_failed)?,
        FrameFormat::NV12 => {
            let (y_plane, uv_plane) = raw.split_at(pixels);
            yuv_nv12_to_rgba(
                &YuvBiPlanarImage {
                    y_plane,
                    y_stride: w,
                    uv_plane,
                    uv_stride: w.div_ceil(2) * 2,
                    width: w,
                    height: h,
                },
                out,
                row_bytes,
                YuvRange::Limited,
                YuvStandardMatrix::Bt601,
                YuvConversionMode::Balanced,
            )
            .map_err(yuv_failed)?;
        }
        FrameFormat::GRAY => {
            for (px, &l) in out.chunks_exact_mut(4).zip(raw) {
                px.copy_from_slice(&[l, l, l, 255]);
            }
        }
        FrameFormat::RAWRGB => {
            for (px, rgb) in out.chunks_exact_mut(4).zip(raw.chunks_exact(3)) {
                px[..3].copy_from_slice(rgb);
                px[3] = 255;
            }
        }
        FrameFormat::RAWBGR => {
            for (px, bgr) in out.chunks_exact_mut(4).zip(raw.chunks_exact(3)) {
                px.copy_from_slice(&[bgr[2], bgr[1], bgr[0], 255]);
            }
        }
        FrameFormat::MJPEG => {}
    }
    Ok((w, h))
}

/// Rows of YUYV deinterleaved at a time: 16 rows of 1080p are 61 KB of planes, which stay in the
/// L2 cache between the two passes.
const STRIP_ROWS: usize = 16;

/// YUYV → RGBA in strips of [`STRIP_ROWS`] rows: each strip is split into Y, U and V planes
/// (cache-resident), then converted by the yuv crate's planar 4:2:2 kernel. Both passes are SIMD,
/// and the planar kernel computes each chroma term once per pixel pair; the crate's packed
/// YUYV kernel computes it for every pixel and is ≈1.3× slower at 1080p (0.84 against 0.64 ms
/// a frame into a reused buffer on the machine of BENCHMARKS.md, the split into planes included).
fn yuyv_to_rgba(
    raw: &[u8],
    (w, h): (u32, u32),
    out: &mut [u8],
) -> std::result::Result<(), yuv::YuvError> {
    let chroma_w = w.div_ceil(2);
    let (in_row, out_row) = (w as usize * 2, w as usize * 4);
    let strip_rows = STRIP_ROWS.min(h as usize);
    let mut planes = vec![0u8; (w + 2 * chroma_w) as usize * strip_rows];
    for (src, dst) in raw
        .chunks(in_row * strip_rows)
        .zip(out.chunks_mut(out_row * strip_rows))
    {
        // At most STRIP_ROWS, so it fits a u32.
        let rows = (src.len() / in_row) as u32;
        let (y_plane, rest) = planes.split_at_mut((w * rows) as usize);
        let (u_plane, rest) = rest.split_at_mut((chroma_w * rows) as usize);
        let v_plane = rest
            .get_mut(..(chroma_w * rows) as usize)
            .unwrap_or_default();
        let mut planar = YuvPlanarImageMut {
            y_plane: BufferStoreMut::Borrowed(y_plane),
            y_stride: w,
            u_plane: BufferStoreMut::Borrowed(u_plane),
            u_stride: chroma_w,
            v_plane: BufferStoreMut::Borrowed(v_plane),
            v_stride: chroma_w,
            width: w,
            height: rows,
        };
        yuyv422_to_yuv422(
            &mut planar,
            &YuvPackedImage {
                yuy: src,
                yuy_stride: w * 2,
                width: w,
                height: rows,
            },
        )?;
        yuv422_to_rgba(
            &YuvPlanarImage {
                y_plane: planar.y_plane.borrow(),
                y_stride: w,
                u_plane: planar.u_plane.borrow(),
                u_stride: chroma_w,
                v_plane: planar.v_plane.borrow(),
                v_stride: chroma_w,
                width: w,
                height: rows,
            },
            dst,
            w * 4,
            YuvRange::Limited,
            YuvStandardMatrix::Bt601,
        )?;
    }
    Ok(())
}

/// Makes `out` exactly `len` bytes long for a decoder to overwrite. A buffer with room (one
/// from a [`FramePool`]) keeps its old bytes: no memset over megabytes that the decoder writes
/// next anyway (every path here writes every byte; zune-jpeg fills what a cut or corrupt frame
/// lacks with 128s). A buffer too small is replaced by a zeroed allocation.
fn fresh(out: &mut Vec<u8>, len: usize) {
    if out.capacity() < len {
        *out = vec![0; len];
    } else {
        out.truncate(len);
        out.resize(len, 0);
    }
}

fn mjpeg_to_rgba(raw: &[u8], size: (u32, u32), out: &mut Vec<u8>) -> Result<(u32, u32)> {
    let bad =
        |e: &dyn std::fmt::Display| Error::unknown(format!("MJPEG frame did not decode: {e}"));
    let options = DecoderOptions::default()
        .jpeg_set_out_colorspace(ColorSpace::RGBA)
        // Refuse absurd headers instead of allocating for them.
        .set_max_width(MAX_FRAME_SIZE.0 as usize)
        .set_max_height(MAX_FRAME_SIZE.1 as usize);
    let raw = with_huffman_tables(raw);
    let mut decoder = JpegDecoder::new_with_options(ZCursor::new(&raw[..]), options);
    decoder.decode_headers().map_err(|e| bad(&e))?;
    let (w, h) = decoder
        .dimensions()
        .ok_or_else(|| Error::unknown("MJPEG frame has no size"))?;
    // Dimensions come from a u16 header field, so they fit.
    let said = (w as u32, h as u32);
    if size != (0, 0) && said != size {
        return Err(Error::unknown(format!(
            "MJPEG frame says it is {}×{}, the camera runs at {}×{}: refused",
            said.0, said.1, size.0, size.1
        )));
    }
    let len = decoder
        .output_buffer_size()
        .ok_or_else(|| Error::unknown("MJPEG frame is too large"))?;
    fresh(out, len);
    decoder.decode_into(out).map_err(|e| bad(&e))?;
    Ok(said)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn video_range_black_and_white_yuyv_become_rgb_black_and_white() {
        // Two pixels: Y=16 (black), Y=235 (white), neutral chroma.
        let raw = [16u8, 128, 235, 128];
        let mut out = Vec::new();
        assert_eq!(
            to_rgba(FrameFormat::YUYV, (2, 1), &raw, &mut out).unwrap(),
            (2, 1)
        );
        assert!(
            out[0] < 3 && out[1] < 3 && out[2] < 3 && out[3] == 255,
            "{out:?}"
        );
        assert!(out[4] > 252 && out[5] > 252 && out[6] > 252, "{out:?}");
    }

    #[test]
    fn yuyv_strips_convert_every_row_as_bt601_video_range() {
        // 37 rows: two whole strips and a short one. Pseudo-random values over video range (Y
        // 16–235, U and V 16–240), many of them out of the RGB gamut.
        let (w, h) = (70usize, 37usize);
        let raw: Vec<u8> = (0..w * h * 2)
            .map(|i| {
                let r = ((i as u32).wrapping_mul(2_654_435_761) >> 13) as u8;
                if i % 2 == 0 {
                    16 + r % 220
                } else {
                    16 + r % 225
                }
            })
            .collect();
        let mut ours = Vec::new();
        let size = (w as u32, h as u32);
        assert_eq!(
            to_rgba(FrameFormat::YUYV, size, &raw, &mut ours).unwrap(),
            size
        );
        let mut worst = 0.0f64;
        for (px, rgba) in ours.chunks_exact(4).enumerate() {
            let pair = (px / 2) * 4;
            let y = f64::from(raw[pair + (px % 2) * 2]);
            let (u, v) = (f64::from(raw[pair + 1]), f64::from(raw[pair + 3]));
            let l = (y - 16.0) * 255.0 / 219.0;
            let (cb, cr) = ((u - 128.0) * 255.0 / 224.0, (v - 128.0) * 255.0 / 224.0);
            let expected = [
                l + 1.402 * cr,
                l - 0.344_136 * cb - 0.714_136 * cr,
                l + 1.772 * cb,
            ];
            for (got, want) in rgba.iter().zip(expected) {
                worst = worst.max((f64::from(*got) - want.clamp(0.0, 255.0)).abs());
            }
            assert_eq!(rgba[3], 255);
        }
        assert!(
            worst < 3.0,
            "differs from BT.601 by up to {worst:.1} levels"
        );
    }

    #[test]
    fn a_pool_hands_back_the_buffers_of_dropped_bitmaps() {
        use imagecapture_core::ImageBitmapTrait;
        let pool = FramePool::new();
        let raw = [16u8, 128, 235, 128];
        let first = pool.decode(FrameFormat::YUYV, (2, 1), &raw).unwrap();
        let at = first.pixels().as_ptr();
        drop(first);
        let second = pool.decode(FrameFormat::YUYV, (2, 1), &raw).unwrap();
        assert_eq!(second.pixels().as_ptr(), at, "the buffer was not reused");
        assert_eq!((second.width(), second.height()), (2, 1));
        // A bitmap taken out of the pool's reach keeps its pixels.
        let pixels = second.into_pixels();
        assert_eq!(pixels.len(), 8);
        // Decoding errors leave the pool usable.
        assert!(pool.decode(FrameFormat::YUYV, (4, 4), &raw).is_err());
        assert!(pool.decode(FrameFormat::YUYV, (2, 1), &raw).is_ok());
    }

    #[test]
    fn a_cut_mjpeg_frame_leaves_nothing_of_the_frame_before_in_a_reused_buffer() {
        // A reused buffer is not cleared: every pixel must be written even when the frame is
        // cut short (zune-jpeg fills what it could not decode with 128s), or the decoding fail.
        let (w, h) = (64u16, 48u16);
        let rgb: Vec<u8> = (0..usize::from(w) * usize::from(h) * 3)
            .map(|i| (i * 7) as u8)
            .collect();
        let mut jpeg = Vec::new();
        jpeg_encoder::Encoder::new(&mut jpeg, 85)
            .encode(&rgb, w, h, jpeg_encoder::ColorType::Rgb)
            .unwrap();
        for keep in [jpeg.len() / 3, jpeg.len() * 2 / 3, jpeg.len() - 2] {
            let mut out = vec![0x5A; usize::from(w) * usize::from(h) * 4];
            if to_rgba(FrameFormat::MJPEG, (0, 0), &jpeg[..keep], &mut out).is_ok() {
                assert!(out.chunks_exact(4).all(|px| px[3] != 0x5A), "cut at {keep}");
            }
        }
    }

    /// A frame whose header claims a size other than the camera's is refused before its
    /// output is allocated: a 16384×16384 claim on a 64×48 stream used to allocate 1 GiB.
    #[test]
    fn an_mjpeg_header_claiming_another_size_is_refused_without_allocating() {
        let (w, h) = (64u16, 48u16);
        let rgb = vec![90u8; usize::from(w) * usize::from(h) * 3];
        let mut jpeg = Vec::new();
        jpeg_encoder::Encoder::new(&mut jpeg, 85)
            .encode(&rgb, w, h, jpeg_encoder::ColorType::Rgb)
            .unwrap();
        let mut out = Vec::new();
        assert_eq!(
            to_rgba(FrameFormat::MJPEG, (64, 48), &jpeg, &mut out).unwrap(),
            (64, 48)
        );
        // SOF0: FF C0, length (2 bytes), precision (1), then height and width (2 bytes each).
        let sof = jpeg.windows(2).position(|m| m == [0xFF, 0xC0]).unwrap();
        jpeg[sof + 5..sof + 9].copy_from_slice(&[0x40, 0x00, 0x40, 0x00]);
        let mut out = Vec::new();
        let e = to_rgba(FrameFormat::MJPEG, (64, 48), &jpeg, &mut out).unwrap_err();
        assert_eq!(e.name(), imagecapture_core::ErrorName::Unknown, "{e}");
        assert!(
            out.capacity() < 1 << 20,
            "allocated {} bytes",
            out.capacity()
        );
        // Within the decoder's limit (MAX_FRAME_SIZE), the size check says what is wrong.
        jpeg[sof + 5..sof + 9].copy_from_slice(&[0x01, 0x00, 0x01, 0x00]);
        let e = to_rgba(FrameFormat::MJPEG, (64, 48), &jpeg, &mut out).unwrap_err();
        assert!(e.message().contains("256×256"), "{e}");
        assert!(
            out.capacity() < 1 << 20,
            "allocated {} bytes",
            out.capacity()
        );
    }

    #[test]
    fn short_buffers_and_garbage_are_errors_not_panics() {
        let mut out = Vec::new();
        for format in [FrameFormat::YUYV, FrameFormat::NV12, FrameFormat::RAWRGB] {
            assert!(to_rgba(format, (640, 480), &[0; 100], &mut out).is_err());
        }
        assert!(to_rgba(FrameFormat::YUYV, (0, 480), &[], &mut out).is_err());
        assert!(
            to_rgba(
                FrameFormat::MJPEG,
                (640, 480),
                &[0xff, 0xd8, 1, 2, 3],
                &mut out
            )
            .is_err()
        );
        assert!(to_rgba(FrameFormat::MJPEG, (640, 480), &[], &mut out).is_err());
    }
}
