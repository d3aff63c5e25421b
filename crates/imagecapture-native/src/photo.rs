//! Developing a photo: camera bytes → RGBA → cropped to the photo's shape → scaled to its size
//! → encoded.

use imagecapture_core::photo_settings::{PhotoEncoding, PhotoPlan, aspect_crop};
use imagecapture_core::scale::resize_rgba;
use imagecapture_core::{Error, Result};
use nokhwa::utils::FrameFormat;

use crate::bitmap::Blob;
use crate::controls::Digital;
use crate::convert::{FramePool, to_rgba};
use crate::encode::encode;
use crate::mjpeg::{inspect, with_huffman_tables};
use crate::worker::RawFrame;

/// Turns one camera frame into the photo `plan` describes, through the `digital` zoom where
/// emulated. The RGBA buffer comes from the track's `pool` and goes back to it.
pub(crate) fn develop(
    frame: &RawFrame,
    plan: &PhotoPlan,
    digital: Option<Digital>,
    pool: &FramePool,
) -> Result<Blob> {
    let frame_size = (frame.format.width(), frame.format.height());
    let zoomed = digital.and_then(|d| d.crop(frame_size));
    if zoomed.is_none() {
        if let Some(jpeg) = camera_jpeg(frame, plan) {
            return Ok(Blob::new("image/jpeg", jpeg));
        }
    }
    let mut rgba = pool.take();
    let size = to_rgba(frame.format.format(), frame_size, &frame.data, &mut rgba)?;
    // The zoomed part of the frame, then the photo's shape out of it.
    let (rgba, size) = match zoomed {
        Some(rect) => crop(rgba, size, rect)?,
        None => (rgba, size),
    };
    let (rgba, size) = crop(rgba, size, aspect_crop(size, plan.size))?;
    let pixels = if size == plan.size {
        rgba
    } else {
        let len = (plan.size.0 as usize)
            .checked_mul(plan.size.1 as usize)
            .and_then(|p| p.checked_mul(4))
            .ok_or_else(|| Error::unknown("photo size overflows memory"))?;
        let mut out = vec![0; len];
        resize_rgba(&rgba, size, &mut out, plan.size)?;
        out
    };
    let bytes = encode(&pixels, plan.size, plan.encoding)?;
    pool.give(pixels);
    Ok(Blob::new(plan.encoding.mime_type(), bytes))
}

/// A frame as a digital zoom shows it: the `rect` part of the `size` RGBA picture, scaled back
/// to `size` into `out` (a pooled buffer: its old bytes are all overwritten).
pub(crate) fn digital_zoom(
    rgba: &[u8],
    size: (u32, u32),
    rect: (u32, u32, u32, u32),
    mut out: Vec<u8>,
) -> Result<Vec<u8>> {
    let part = cut(rgba, size, rect)?;
    let part_size = (rect.2, rect.3);
    let len = (size.0 as usize)
        .checked_mul(size.1 as usize)
        .and_then(|p| p.checked_mul(4))
        .ok_or_else(|| Error::unknown("frame size overflows memory"))?;
    out.resize(len, 0);
    resize_rgba(&part, part_size, &mut out, size)?;
    Ok(out)
}

/// The camera's own JPEG, when it is the photo asked for: an MJPEG frame, whole, of the photo's
/// size, and no JPEG quality chosen by the caller. Handing it out skips a decode and an encode
/// (tens of milliseconds at 1080p) and the quality loss of encoding twice.
fn camera_jpeg(frame: &RawFrame, plan: &PhotoPlan) -> Option<Vec<u8>> {
    let is_jpeg = matches!(plan.encoding, PhotoEncoding::Jpeg { .. });
    if frame.format.format() != FrameFormat::MJPEG || !is_jpeg || plan.quality_requested {
        return None;
    }
    let info = inspect(&frame.data)?;
    (info.complete && info.size == plan.size).then(|| with_huffman_tables(&frame.data).into_owned())
}

/// The `(x, y, w, h)` part of an RGBA picture (no copy when it is the whole picture).
fn crop(
    rgba: Vec<u8>,
    (sw, sh): (u32, u32),
    (x, y, w, h): (u32, u32, u32, u32),
) -> Result<(Vec<u8>, (u32, u32))> {
    if (x, y, w, h) == (0, 0, sw, sh) {
        return Ok((rgba, (sw, sh)));
    }
    Ok((cut(&rgba, (sw, sh), (x, y, w, h))?, (w, h)))
}

/// A copy of the `(x, y, w, h)` part of an RGBA picture of `sw` pixels a row.
fn cut(rgba: &[u8], (sw, _): (u32, u32), (x, y, w, h): (u32, u32, u32, u32)) -> Result<Vec<u8>> {
    let row = sw as usize * 4;
    let mut out = Vec::with_capacity(w as usize * h as usize * 4);
    for r in y..y + h {
        let start = r as usize * row + x as usize * 4;
        let line = rgba
            .get(start..start + w as usize * 4)
            .ok_or_else(|| Error::unknown("crop outside the frame"))?;
        out.extend_from_slice(line);
    }
    Ok(out)
}
