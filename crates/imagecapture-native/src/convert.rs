//! Camera bytes to RGBA: the one conversion every grabbed frame and photo goes through. Public
//! for apps that read frames from nokhwa themselves, and for the benchmarks.
//!
//! YUYV and NV12 go through the `yuv` crate (runtime-detected SIMD), MJPEG through `zune-jpeg`
//! (which also supplies the standard Huffman tables that UVC cameras leave out of MJPEG frames).
//! UVC cameras send BT.601 limited ("video") range.

use imagecapture_core::{Error, Result};
use nokhwa::utils::FrameFormat;
use yuv::{
    YuvBiPlanarImage, YuvConversionMode, YuvPackedImage, YuvRange, YuvStandardMatrix,
    yuv_nv12_to_rgba, yuyv422_to_rgba,
};
use zune_jpeg::JpegDecoder;

pub use crate::mjpeg::with_huffman_tables;
use zune_jpeg::zune_core::bytestream::ZCursor;
use zune_jpeg::zune_core::colorspace::ColorSpace;
use zune_jpeg::zune_core::options::DecoderOptions;

/// Decodes one camera frame into `out` (resized as needed; reuse it across frames to avoid
/// allocating) and returns the frame's size.
///
/// `size` is the format's resolution; an MJPEG frame reports its own size, which wins. MJPEG
/// frames without Huffman tables (as UVC cameras send them) get the standard ones.
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
        return mjpeg_to_rgba(raw, out);
    }
    let (w, h) = size;
    let pixels = (w as usize)
        .checked_mul(h as usize)
        .filter(|&p| p > 0)
        .ok_or_else(|| Error::unknown(format!("the camera reported a {w}×{h} frame")))?;
    let need = match format {
        FrameFormat::YUYV => pixels * 2,
        FrameFormat::NV12 => pixels + 2 * (w as usize).div_ceil(2) * (h as usize).div_ceil(2),
        FrameFormat::GRAY => pixels,
        FrameFormat::RAWRGB | FrameFormat::RAWBGR => pixels * 3,
        FrameFormat::MJPEG => 0,
    };
    let raw = raw.get(..need).ok_or_else(|| {
        Error::unknown(format!(
            "a {format} frame of {w}×{h} needs {need} bytes; the camera sent {}",
            raw.len()
        ))
    })?;
    fresh(out, pixels * 4);
    let yuv_failed = |e: yuv::YuvError| Error::unknown(format!("{format} to RGBA failed: {e}"));
    match format {
        FrameFormat::YUYV => yuyv422_to_rgba(
            &YuvPackedImage {
                yuy: raw,
                yuy_stride: w * 2,
                width: w,
                height: h,
            },
            out,
            w * 4,
            YuvRange::Limited,
            YuvStandardMatrix::Bt601,
        )
        .map_err(yuv_failed)?,
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
                w * 4,
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

/// Makes `out` exactly `len` bytes long for a decoder to overwrite. A buffer too small is
/// replaced by a zeroed allocation (calloc: fresh pages come zeroed from the OS, so no memset
/// over megabytes that the decoder writes next anyway).
fn fresh(out: &mut Vec<u8>, len: usize) {
    if out.capacity() < len {
        *out = vec![0; len];
    } else {
        out.truncate(len);
        out.resize(len, 0);
    }
}

fn mjpeg_to_rgba(raw: &[u8], out: &mut Vec<u8>) -> Result<(u32, u32)> {
    let bad =
        |e: &dyn std::fmt::Display| Error::unknown(format!("MJPEG frame did not decode: {e}"));
    let options = DecoderOptions::default()
        .jpeg_set_out_colorspace(ColorSpace::RGBA)
        // Webcams send frames up to 4K; refuse absurd headers instead of allocating for them.
        .set_max_width(16384)
        .set_max_height(16384);
    let raw = with_huffman_tables(raw);
    let mut decoder = JpegDecoder::new_with_options(ZCursor::new(&raw[..]), options);
    decoder.decode_headers().map_err(|e| bad(&e))?;
    let (w, h) = decoder
        .dimensions()
        .ok_or_else(|| Error::unknown("MJPEG frame has no size"))?;
    let len = decoder
        .output_buffer_size()
        .ok_or_else(|| Error::unknown("MJPEG frame is too large"))?;
    fresh(out, len);
    decoder.decode_into(out).map_err(|e| bad(&e))?;
    // Dimensions come from a u16 header field, so they fit.
    Ok((w as u32, h as u32))
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
