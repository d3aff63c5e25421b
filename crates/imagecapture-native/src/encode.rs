//! RGBA to an encoded photo: JPEG (jpeg-encoder, 4:2:0 like a camera's own JPEG) or PNG.
//! Public for the benchmarks and for apps that encode frames themselves.

use imagecapture_core::photo_settings::PhotoEncoding;
use imagecapture_core::{Error, Result};
use jpeg_encoder::{ColorType, Encoder, SamplingFactor};

/// Encodes an RGBA picture of `size` as `encoding` asks.
///
/// # Errors
/// `UnknownError` when `rgba` does not hold `size` pixels or the encoder fails;
/// `NotSupportedError` for a JPEG larger than 65535 pixels a side.
pub fn encode(rgba: &[u8], size: (u32, u32), encoding: PhotoEncoding) -> Result<Vec<u8>> {
    let (w, h) = size;
    let expected = (w as usize) * (h as usize) * 4;
    if rgba.len() != expected || expected == 0 {
        return Err(Error::unknown(format!(
            "cannot encode a {w}×{h} photo from {} bytes",
            rgba.len()
        )));
    }
    match encoding {
        PhotoEncoding::Jpeg { quality } => {
            let (Ok(w16), Ok(h16)) = (u16::try_from(w), u16::try_from(h)) else {
                return Err(Error::not_supported(format!(
                    "a {w}×{h} photo is larger than JPEG allows (65535 per side)"
                )));
            };
            let mut bytes = Vec::with_capacity(expected / 8);
            // `quality` is 0..=1, checked by the photo plan; JPEG's scale is 1..=100.
            let q = (quality * 100.0).round().clamp(1.0, 100.0) as u8;
            let mut encoder = Encoder::new(&mut bytes, q);
            encoder.set_sampling_factor(SamplingFactor::R_4_2_0);
            encoder
                .encode(rgba, w16, h16, ColorType::Rgba)
                .map_err(|e| Error::unknown(format!("JPEG encoding failed: {e}")))?;
            Ok(bytes)
        }
        PhotoEncoding::Png => {
            let mut bytes = Vec::with_capacity(expected / 2);
            let mut encoder = png::Encoder::new(&mut bytes, w, h);
            encoder.set_color(png::ColorType::Rgba);
            encoder.set_depth(png::BitDepth::Eight);
            encoder.set_compression(png::Compression::Fast);
            let failed =
                |e: png::EncodingError| Error::unknown(format!("PNG encoding failed: {e}"));
            let mut writer = encoder.write_header().map_err(failed)?;
            writer.write_image_data(rgba).map_err(failed)?;
            writer.finish().map_err(failed)?;
            Ok(bytes)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jpeg_and_png_carry_their_signatures_and_wrong_sizes_fail() {
        let rgba = vec![200u8; 16 * 8 * 4];
        let jpeg = encode(&rgba, (16, 8), PhotoEncoding::Jpeg { quality: 0.9 }).unwrap();
        assert_eq!(&jpeg[..3], &[0xff, 0xd8, 0xff]);
        let png = encode(&rgba, (16, 8), PhotoEncoding::Png).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert!(encode(&rgba, (17, 8), PhotoEncoding::Png).is_err());
        assert!(encode(&[], (0, 0), PhotoEncoding::Png).is_err());
    }
}
