//! `ImageCapture` on a native camera.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::Poll;
use std::time::{Duration, Instant};

use futures_channel::oneshot;
use imagecapture_core::limits::{FRAME_TIMEOUT, PHOTO_TIMEOUT};
use imagecapture_core::photo_settings::{
    PhotoPlan, capture_size_for, check_photo_setting_types, plan_photo,
};
use imagecapture_core::{
    Error, FillLightMode, ImageBitmapTrait, ImageCaptureTrait, MediaSettingsRange,
    MediaStreamTrackTrait, PhotoCapabilities, PhotoSettings, ReadyState, RedEyeReduction, Result,
    TrackKind,
};
use nokhwa::utils::CameraFormat;

use crate::bitmap::{Blob, ImageBitmap};
use crate::controls::{Digital, Flash};
use crate::convert::FramePool;
use crate::formats::{format_for_size, sizes_of};
use crate::photo::{develop, digital_zoom};
use crate::timer::{timeout, wake_at};
use crate::track::MediaStreamTrack;
use crate::worker::{Command, RawFrame};

/// How many undecodable frames in a row `grab_frame` skips before it gives up.
const DECODE_ATTEMPTS: usize = 3;

/// `ImageCapture`: stills and frames from a native camera's track.
#[derive(Debug)]
pub struct ImageCapture {
    track: MediaStreamTrack,
    /// The number of the newest frame this object handed out: a grab returns only newer ones.
    /// Only changed with the track's state lock held.
    last_seq: AtomicU64,
    /// The track's RGBA buffers: frames are decoded into the ones dropped bitmaps gave back.
    frames: FramePool,
}

impl ImageCapture {
    /// Waits for a frame newer than any handed out, arrived no earlier than just before
    /// `started`, until `deadline`.
    async fn fresh_frame(&self, started: Instant, deadline: Instant) -> Result<Arc<RawFrame>> {
        std::future::poll_fn(|cx| {
            let mut state = self.track.shared().lock();
            if state.ready_state == ReadyState::Ended {
                let why = state
                    .end_reason
                    .as_ref()
                    .map_or("the track was stopped", |e| e.message());
                return Poll::Ready(Err(Error::unknown(format!(
                    "the track ended while waiting for a frame: {why}"
                ))));
            }
            if let Some(frame) = &state.latest {
                let window = freshness_window(&frame.format);
                if frame.seq > self.last_seq.load(Ordering::Relaxed)
                    && frame.captured + window >= started
                {
                    self.last_seq.store(frame.seq, Ordering::Relaxed);
                    return Poll::Ready(Ok(Arc::clone(frame)));
                }
            }
            if Instant::now() >= deadline {
                return Poll::Ready(Err(Error::unknown(format!(
                    "no frame came from the camera within {} ms",
                    deadline.saturating_duration_since(started).as_millis()
                ))));
            }
            state.waiters.push(cx.waker().clone());
            drop(state);
            if !wake_at(deadline, cx.waker()) {
                return Poll::Ready(Err(Error::unknown(
                    "no timer to bound the wait for a frame",
                )));
            }
            Poll::Pending
        })
        .await
    }

    fn formats(&self) -> (Vec<CameraFormat>, CameraFormat) {
        let state = self.track.shared().lock();
        (state.formats.clone(), state.format)
    }

    /// The torch write of a flash, where the camera has a torch.
    fn flash(&self) -> Option<Flash> {
        self.track.shared().lock().controls.flash()
    }

    /// The digital zoom now, where emulated.
    fn digital(&self) -> Option<Digital> {
        self.track.shared().lock().digital
    }

    /// The photo capabilities of a camera with these formats, with or without a torch (which
    /// makes the flash: `fillLightMode` then offers `"off"` and `"flash"`).
    fn capabilities_of(formats: &[CameraFormat], torch: bool) -> PhotoCapabilities {
        let range = |values: Vec<u32>| {
            let min = values.iter().copied().min().unwrap_or(0);
            let max = values.iter().copied().max().unwrap_or(0);
            // Any size in between: photos are scaled to the exact size asked for.
            MediaSettingsRange::new(f64::from(min), f64::from(max), 1.0)
        };
        PhotoCapabilities {
            red_eye_reduction: Some(RedEyeReduction::Never),
            image_height: Some(range(formats.iter().map(CameraFormat::height).collect())),
            image_width: Some(range(formats.iter().map(CameraFormat::width).collect())),
            fill_light_mode: Some(if torch {
                vec![FillLightMode::Off, FillLightMode::Flash]
            } else {
                Vec::new()
            }),
        }
    }

    /// The frame a photo of `plan` is made from: the live one when the camera's current size
    /// serves and no flash is asked for, else one taken at another size or with the torch on
    /// (and off again after).
    async fn frame_for(&self, plan: &PhotoPlan, started: Instant) -> Result<Arc<RawFrame>> {
        let (formats, current) = self.formats();
        let current_size = (current.width(), current.height());
        let size = capture_size_for(&sizes_of(&formats), plan.size, current_size);
        let flash = if plan.fill_light_mode == Some(FillLightMode::Flash) {
            self.flash()
        } else {
            None
        };
        let still = match format_for_size(&formats, size, &current) {
            Some(format) if size != current_size => Some(format),
            _ if flash.is_some() => Some(current),
            _ => None,
        };
        match still {
            Some(format) => {
                let frame = self
                    .track
                    .request(
                        |reply| Command::Still {
                            format,
                            flash,
                            reply,
                        },
                        "takePhoto",
                    )
                    .await?;
                Ok(Arc::new(frame))
            }
            None => self.fresh_frame(started, started + FRAME_TIMEOUT).await,
        }
    }
}

/// How old a waiting frame may be and still count as the live picture: two frame intervals
/// (a frame is at most one interval old while the camera runs; the second absorbs jitter),
/// at least 50 ms. An older frame means the camera stalled, and we wait for a new one.
fn freshness_window(format: &CameraFormat) -> Duration {
    let fps = format.frame_rate().max(1);
    Duration::from_millis(2000 / u64::from(fps)).max(Duration::from_millis(50))
}

impl ImageCaptureTrait for ImageCapture {
    type Track = MediaStreamTrack;
    type Frame = ImageBitmap;
    type Photo = Blob;

    fn new(track: MediaStreamTrack) -> Result<Self> {
        if track.kind() != TrackKind::Video {
            return Err(Error::not_supported("ImageCapture needs a video track"));
        }
        let frames = track.shared().lock().frame_pool.clone();
        Ok(Self {
            track,
            last_seq: AtomicU64::new(0),
            frames,
        })
    }

    fn track(&self) -> &MediaStreamTrack {
        &self.track
    }

    async fn take_photo(&self, settings: &PhotoSettings) -> Result<Blob> {
        check_photo_setting_types(settings)?;
        self.track.check_usable()?;
        let started = Instant::now();
        let (formats, current) = self.formats();
        let capabilities = Self::capabilities_of(&formats, self.flash().is_some());
        let plan = plan_photo(settings, &capabilities, (current.width(), current.height()))?;
        let frame = self.frame_for(&plan, started).await?;
        let digital = self.digital();
        let pool = self.frames.clone();
        // Decoding, scaling and encoding take milliseconds to tens of them: off the caller's
        // thread, which may be an async executor's, on the few photo threads.
        let (reply, developed) = oneshot::channel();
        crate::pool::spawn(move || {
            // A caller that gave up (timed out, dropped the future) needs no photo.
            if !reply.is_canceled() {
                let _ = reply.send(develop(&frame, &plan, digital, &pool));
            }
        })?;
        match timeout(PHOTO_TIMEOUT, developed).await {
            Some(Ok(photo)) => photo,
            Some(Err(oneshot::Canceled)) => Err(Error::unknown("the photo could not be encoded")),
            None => Err(Error::unknown("encoding the photo took too long")),
        }
    }

    async fn get_photo_capabilities(&self) -> Result<PhotoCapabilities> {
        self.track.check_usable()?;
        Ok(Self::capabilities_of(
            &self.formats().0,
            self.flash().is_some(),
        ))
    }

    async fn get_photo_settings(&self) -> Result<PhotoSettings> {
        self.track.check_usable()?;
        let current = self.formats().1;
        Ok(PhotoSettings {
            // Chrome reports red-eye reduction as on only when the device always applies it.
            red_eye_reduction: Some(false),
            image_height: Some(f64::from(current.height())),
            image_width: Some(f64::from(current.width())),
            // The flash fires only when a photo asks for it.
            fill_light_mode: self.flash().map(|_| FillLightMode::Off),
            ..PhotoSettings::default()
        })
    }

    async fn grab_frame(&self) -> Result<ImageBitmap> {
        self.track.check_usable()?;
        let started = Instant::now();
        let deadline = started + FRAME_TIMEOUT;
        let mut last_error = None;
        for _ in 0..DECODE_ATTEMPTS {
            let frame = self.fresh_frame(started, deadline).await?;
            let size = (frame.format.width(), frame.format.height());
            // Into a buffer an earlier, dropped bitmap gave back: no allocation.
            match self.frames.decode(frame.format.format(), size, &frame.data) {
                Ok(bitmap) => {
                    let size = (bitmap.width(), bitmap.height());
                    return match self.digital().and_then(|d| d.crop(size)) {
                        Some(rect) => {
                            let zoomed =
                                digital_zoom(bitmap.pixels(), size, rect, self.frames.take())?;
                            Ok(self.frames.bitmap(size.0, size.1, zoomed))
                        }
                        None => Ok(bitmap),
                    };
                }
                // A corrupt frame (a webcam's first MJPEG frames can be): try the next one.
                Err(e) => last_error = Some(e),
            }
        }
        Err(last_error.unwrap_or_else(|| Error::unknown("no decodable frame")))
    }
}
