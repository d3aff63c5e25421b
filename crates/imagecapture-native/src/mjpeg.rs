//! Reading a camera's MJPEG frames without decoding them: their size, whether they are whole,
//! and the Huffman tables UVC cameras leave out.
//!
//! A UVC camera's MJPEG frame is a baseline JPEG that may omit its DHT segment: the stream is
//! defined to use the standard tables of the JPEG spec (Annex K.3, repeated by the OpenDML AVI
//! spec). A decoder — or an app handed such a frame as a photo — needs them, so we insert them.

use std::borrow::Cow;

/// What the headers of a JPEG say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct JpegInfo {
    /// Width × height from the frame header.
    pub(crate) size: (u32, u32),
    /// Whether a DHT segment comes before the scan.
    pub(crate) has_huffman_tables: bool,
    /// Where the start-of-scan marker is.
    pub(crate) scan_offset: usize,
    /// Whether the data ends with the end-of-image marker (a frame cut short does not).
    pub(crate) complete: bool,
}

/// Reads the markers up to the scan; `None` when this is not a JPEG with a frame header.
pub(crate) fn inspect(data: &[u8]) -> Option<JpegInfo> {
    if data.get(..2)? != [0xFF, 0xD8] {
        return None;
    }
    let mut pos = 2;
    let mut size = None;
    let mut has_huffman_tables = false;
    loop {
        // Markers may be preceded by any number of 0xFF fill bytes.
        while data.get(pos)? == &0xFF && data.get(pos + 1)? == &0xFF {
            pos += 1;
        }
        if data.get(pos)? != &0xFF {
            return None;
        }
        let marker = *data.get(pos + 1)?;
        match marker {
            // Markers without a length.
            0x01 | 0xD0..=0xD7 => {
                pos += 2;
                continue;
            }
            0xD9 => return None,
            0xDA => break,
            _ => {}
        }
        let length = usize::from(u16::from_be_bytes([
            *data.get(pos + 2)?,
            *data.get(pos + 3)?,
        ]));
        if length < 2 {
            return None;
        }
        match marker {
            0xC4 => has_huffman_tables = true,
            // Frame headers: SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
            0xC0..=0xCF if marker != 0xC8 && marker != 0xCC => {
                let h = u16::from_be_bytes([*data.get(pos + 5)?, *data.get(pos + 6)?]);
                let w = u16::from_be_bytes([*data.get(pos + 7)?, *data.get(pos + 8)?]);
                size = Some((u32::from(w), u32::from(h)));
            }
            _ => {}
        }
        pos += 2 + length;
    }
    let end = data.len() - data.iter().rev().take_while(|&&b| b == 0).count();
    Some(JpegInfo {
        size: size.filter(|&(w, h)| w > 0 && h > 0)?,
        has_huffman_tables,
        scan_offset: pos,
        complete: end >= 2 && data[end - 2..end] == [0xFF, 0xD9],
    })
}

/// The frame with the standard Huffman tables inserted before its scan when it has none (as
/// UVC cameras send MJPEG), so that any JPEG reader takes it; other data comes back as it is.
pub fn with_huffman_tables(data: &[u8]) -> Cow<'_, [u8]> {
    match inspect(data) {
        Some(info) if !info.has_huffman_tables => {
            let mut out = Vec::with_capacity(data.len() + STANDARD_DHT.len());
            out.extend_from_slice(&data[..info.scan_offset]);
            out.extend_from_slice(&STANDARD_DHT);
            out.extend_from_slice(&data[info.scan_offset..]);
            Cow::Owned(out)
        }
        _ => Cow::Borrowed(data),
    }
}

/// One DHT segment holding the four standard tables of JPEG Annex K.3 (K.3.3.1 and K.3.3.2):
/// DC and AC, luminance (class/id 0x00, 0x10) and chrominance (0x01, 0x11).
const STANDARD_DHT: [u8; 420] = {
    const DC_COUNTS_Y: [u8; 16] = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
    const DC_COUNTS_C: [u8; 16] = [0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0];
    const DC_VALUES: [u8; 12] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    const AC_COUNTS_Y: [u8; 16] = [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7D];
    const AC_VALUES_Y: [u8; 162] = [
        0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61,
        0x07, 0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xA1, 0x08, 0x23, 0x42, 0xB1, 0xC1, 0x15, 0x52,
        0xD1, 0xF0, 0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0A, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x25,
        0x26, 0x27, 0x28, 0x29, 0x2A, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3A, 0x43, 0x44, 0x45,
        0x46, 0x47, 0x48, 0x49, 0x4A, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5A, 0x63, 0x64,
        0x65, 0x66, 0x67, 0x68, 0x69, 0x6A, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7A, 0x83,
        0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99,
        0x9A, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8, 0xA9, 0xAA, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6,
        0xB7, 0xB8, 0xB9, 0xBA, 0xC2, 0xC3, 0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xC9, 0xCA, 0xD2, 0xD3,
        0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xD9, 0xDA, 0xE1, 0xE2, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8,
        0xE9, 0xEA, 0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9, 0xFA,
    ];
    const AC_COUNTS_C: [u8; 16] = [0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77];
    const AC_VALUES_C: [u8; 162] = [
        0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61,
        0x71, 0x13, 0x22, 0x32, 0x81, 0x08, 0x14, 0x42, 0x91, 0xA1, 0xB1, 0xC1, 0x09, 0x23, 0x33,
        0x52, 0xF0, 0x15, 0x62, 0x72, 0xD1, 0x0A, 0x16, 0x24, 0x34, 0xE1, 0x25, 0xF1, 0x17, 0x18,
        0x19, 0x1A, 0x26, 0x27, 0x28, 0x29, 0x2A, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3A, 0x43, 0x44,
        0x45, 0x46, 0x47, 0x48, 0x49, 0x4A, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5A, 0x63,
        0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6A, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7A,
        0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97,
        0x98, 0x99, 0x9A, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8, 0xA9, 0xAA, 0xB2, 0xB3, 0xB4,
        0xB5, 0xB6, 0xB7, 0xB8, 0xB9, 0xBA, 0xC2, 0xC3, 0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xC9, 0xCA,
        0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xD9, 0xDA, 0xE2, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7,
        0xE8, 0xE9, 0xEA, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9, 0xFA,
    ];
    // Marker, length (418 = 2 + 4 × (1 + 16) + 12 + 12 + 162 + 162), then each table:
    // class/id byte, 16 counts, values.
    let mut out = [0u8; 420];
    out[0] = 0xFF;
    out[1] = 0xC4;
    out[2] = (418 >> 8) as u8;
    out[3] = (418 & 0xFF) as u8;
    let mut pos = 4;
    let tables: [(u8, &[u8; 16], &[u8]); 4] = [
        (0x00, &DC_COUNTS_Y, &DC_VALUES),
        (0x10, &AC_COUNTS_Y, &AC_VALUES_Y),
        (0x01, &DC_COUNTS_C, &DC_VALUES),
        (0x11, &AC_COUNTS_C, &AC_VALUES_C),
    ];
    let mut t = 0;
    while t < tables.len() {
        let (class_id, counts, values) = tables[t];
        out[pos] = class_id;
        pos += 1;
        let mut i = 0;
        while i < 16 {
            out[pos] = counts[i];
            pos += 1;
            i += 1;
        }
        let mut v = 0;
        while v < values.len() {
            out[pos] = values[v];
            pos += 1;
            v += 1;
        }
        t += 1;
    }
    out
};

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::convert::to_rgba;
    use jpeg_encoder::{ColorType, Encoder};
    use nokhwa::utils::FrameFormat;

    /// A real JPEG of a gradient, encoded with the standard tables.
    fn sample() -> Vec<u8> {
        let (w, h) = (64u16, 48u16);
        let rgb: Vec<u8> = (0..u32::from(w) * u32::from(h))
            .flat_map(|i| [(i % 64 * 4) as u8, (i / 64 * 5) as u8, 128])
            .collect();
        let mut out = Vec::new();
        Encoder::new(&mut out, 85)
            .encode(&rgb, w, h, ColorType::Rgb)
            .unwrap();
        out
    }

    /// The same JPEG with its DHT segments cut out, as a UVC camera sends it.
    pub(crate) fn without_dht(jpeg: &[u8]) -> Vec<u8> {
        let mut out = jpeg[..2].to_vec();
        let mut pos = 2;
        while jpeg[pos + 1] != 0xDA {
            let len = usize::from(u16::from_be_bytes([jpeg[pos + 2], jpeg[pos + 3]]));
            if jpeg[pos + 1] != 0xC4 {
                out.extend_from_slice(&jpeg[pos..pos + 2 + len]);
            }
            pos += 2 + len;
        }
        out.extend_from_slice(&jpeg[pos..]);
        out
    }

    #[test]
    fn headers_tell_size_tables_and_completeness() {
        let jpeg = sample();
        let info = inspect(&jpeg).unwrap();
        assert_eq!(info.size, (64, 48));
        assert!(info.has_huffman_tables && info.complete);
        let cut = &jpeg[..jpeg.len() - 10];
        assert!(!inspect(cut).unwrap().complete);
        assert!(!inspect(&without_dht(&jpeg)).unwrap().has_huffman_tables);
        for garbage in [
            &[][..],
            &[0xFF, 0xD8],
            &[0xFF, 0xD8, 0xFF, 0xC0, 0, 1],
            b"not a jpeg",
        ] {
            assert_eq!(inspect(garbage), None);
        }
    }

    #[test]
    fn a_frame_without_tables_decodes_like_the_original_once_they_are_inserted() {
        let jpeg = sample();
        let stripped = without_dht(&jpeg);
        let mut reference = Vec::new();
        to_rgba(FrameFormat::MJPEG, (64, 48), &jpeg, &mut reference).unwrap();
        let fixed = with_huffman_tables(&stripped);
        assert!(inspect(&fixed).unwrap().has_huffman_tables);
        let mut decoded = Vec::new();
        to_rgba(FrameFormat::MJPEG, (64, 48), &fixed, &mut decoded).unwrap();
        assert_eq!(decoded, reference);
        // A frame that has its tables is left alone.
        assert!(matches!(with_huffman_tables(&jpeg), Cow::Borrowed(_)));
    }
}
