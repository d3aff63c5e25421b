//! [`FakeDevice`]: the fake camera behind nokhwa's `CaptureBackendTrait`.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use nokhwa_core::buffer::Buffer;
use nokhwa_core::error::NokhwaError;
use nokhwa_core::traits::CaptureBackendTrait;
use nokhwa_core::types::{
    ApiBackend, CameraControl, CameraFormat, CameraIndex, CameraInfo, ControlValueSetter,
    FrameFormat, KnownCameraControl, Resolution,
};

use super::config::FakeCameraConfig;
use super::handle::Shared;
use super::look::Look;
use super::pack::FrameRenderer;

/// What a V4L2 call says when the device is gone (`ENODEV`).
pub(super) const NO_SUCH_DEVICE: &str = "No such device (os error 19)";
/// What a V4L2 read says when no frame came in time (`ETIMEDOUT`).
pub(super) const TIMED_OUT: &str = "Connection timed out (os error 110)";
/// What opening a V4L2 device says when another process holds it (`EBUSY`).
pub(super) const BUSY: &str = "Device or resource busy (os error 16)";

/// What nokhwa's V4L2 stream reads fail with after the driver refused to start streaming.
const INVALID_ARGUMENT: &str = "Invalid argument (os error 22)";

/// How often a waiting read looks at the handle's flags.
const POLL: Duration = Duration::from_millis(5);

/// An open stream: when it started, and the index of the next frame slot.
#[derive(Clone, Copy, Debug)]
struct Stream {
    started: Instant,
    interval: Duration,
    next_slot: u64,
    /// It never started: every read fails (see `FakeCameraHandle::fail_next_stream_start`).
    failed_to_start: bool,
}

impl Stream {
    fn new(frame_rate: u32) -> Self {
        Self {
            started: Instant::now(),
            interval: Duration::from_secs(1)
                .checked_div(frame_rate.max(1))
                .unwrap_or(Duration::from_millis(33)),
            next_slot: 0,
            failed_to_start: false,
        }
    }

    /// When slot `slot` is due; `None` when it is too far away to represent.
    fn due(&self, slot: u64) -> Option<Instant> {
        let nanos = u64::try_from(self.interval.as_nanos())
            .ok()?
            .checked_mul(slot)?;
        self.started.checked_add(Duration::from_nanos(nanos))
    }

    /// Takes the slot due now: the next one is the first slot strictly after `now`, so a late
    /// reader gets one frame at once and then the regular cadence, never a burst.
    fn take_slot(&mut self, now: Instant) {
        let interval = self.interval.as_nanos().max(1);
        let elapsed_slots = now.saturating_duration_since(self.started).as_nanos() / interval;
        let after_now = u64::try_from(elapsed_slots)
            .unwrap_or(u64::MAX)
            .saturating_add(1);
        self.next_slot = after_now.max(self.next_slot.saturating_add(1));
    }
}

/// The fake camera as nokhwa sees it: a [`CaptureBackendTrait`] device, which
/// [`FakeCamera::open`](super::FakeCamera::open) wraps in a `nokhwa::Camera`.
///
/// It behaves like a V4L2 webcam: it lists and negotiates formats, rejects those it does not
/// offer with `NokhwaError::SetPropertyError`, restarts its stream on a format change, paces
/// frames at the frame rate, and hands out real YUYV / NV12 / MJPEG bytes of an animated test
/// pattern (see [`read_frame_number`](super::read_frame_number)). `frame()` and `frame_raw()`
/// open the stream when it is not open. `stop_stream()` always succeeds. It reports what
/// happens to it, and obeys faults, through its [`FakeCameraHandle`](super::FakeCameraHandle).
pub struct FakeDevice {
    config: FakeCameraConfig,
    shared: Arc<Shared>,
    info: CameraInfo,
    format: CameraFormat,
    stream: Option<Stream>,
    /// The number of the next frame delivered.
    next_frame: u64,
    renderer: FrameRenderer,
    /// The control changes the renderer's look reflects (see `Shared::controls_changed`);
    /// `u64::MAX` before the first look.
    look_of: u64,
}

impl fmt::Debug for FakeDevice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeDevice")
            .field("info", &self.info)
            .field("format", &self.format)
            .field("streaming", &self.stream.is_some())
            .field("next_frame", &self.next_frame)
            .finish_non_exhaustive()
    }
}

impl FakeDevice {
    /// Opens a device: fails like a V4L2 open when the camera is unplugged or held elsewhere.
    pub(super) fn open(
        config: FakeCameraConfig,
        shared: Arc<Shared>,
        index: CameraIndex,
    ) -> Result<Self, NokhwaError> {
        if shared.unplugged.load(Ordering::SeqCst) {
            return Err(NokhwaError::OpenDeviceError(
                config.name().to_owned(),
                NO_SUCH_DEVICE.to_owned(),
            ));
        }
        if shared.refuse_open.load(Ordering::SeqCst) {
            return Err(NokhwaError::OpenDeviceError(
                config.name().to_owned(),
                BUSY.to_owned(),
            ));
        }
        let info = camera_info(&config, index);
        let format = config.initial_format();
        shared.open_count.fetch_add(1, Ordering::SeqCst);
        *shared.format_slot() = Some(format);
        Ok(Self {
            config,
            shared,
            info,
            format,
            stream: None,
            next_frame: 0,
            renderer: FrameRenderer::default(),
            look_of: u64::MAX,
        })
    }

    /// Gives the renderer the look of the controls' current values, when they changed.
    fn update_look(&mut self) {
        let changes = self.shared.controls_changed.load(Ordering::SeqCst);
        if changes != self.look_of {
            let look = Look::new(self.config.controls(), &self.shared.controls());
            self.renderer.set_look(look);
            self.look_of = changes;
        }
    }

    /// The number the next delivered frame will carry (frames count from 0 per device).
    #[must_use]
    pub fn next_frame_number(&self) -> u64 {
        self.next_frame
    }

    fn unplugged(&self) -> bool {
        self.shared.unplugged.load(Ordering::SeqCst)
    }

    fn get_property_error(&self, property: &str) -> Option<NokhwaError> {
        self.unplugged().then(|| NokhwaError::GetPropertyError {
            property: property.to_owned(),
            error: NO_SUCH_DEVICE.to_owned(),
        })
    }

    /// Waits for the next frame slot, as a blocking V4L2 read would: paced at the frame rate,
    /// failing when the device is unplugged, or stalled for longer than the read timeout.
    fn wait_for_frame(&mut self) -> Result<(), NokhwaError> {
        if self.stream.is_none() {
            self.open_stream()?;
        }
        let timeout = self.config.read_timeout();
        let mut stalled_since: Option<Instant> = None;
        loop {
            if self.unplugged() {
                return Err(NokhwaError::ReadFrameError(NO_SUCH_DEVICE.to_owned()));
            }
            let now = Instant::now();
            if self.shared.stalled.load(Ordering::SeqCst) {
                let waited = now.saturating_duration_since(*stalled_since.get_or_insert(now));
                if waited >= timeout {
                    return Err(NokhwaError::ReadFrameError(TIMED_OUT.to_owned()));
                }
                thread::sleep(POLL.min(timeout.saturating_sub(waited)));
                continue;
            }
            stalled_since = None;
            let Some(stream) = self.stream.as_mut() else {
                return Err(NokhwaError::ReadFrameError("Stream Not Started".to_owned()));
            };
            #[allow(clippy::panic, reason = "the fault asked for: a backend that panics")]
            if self.shared.panic_next_read.swap(false, Ordering::SeqCst) {
                panic!("the fake camera panics in a read, as asked by its handle");
            }
            if stream.failed_to_start {
                return Err(NokhwaError::ReadFrameError(INVALID_ARGUMENT.to_owned()));
            }
            match stream.due(stream.next_slot) {
                Some(due) if due > now => thread::sleep((due - now).min(POLL * 4)),
                _ => {
                    stream.take_slot(now);
                    return Ok(());
                }
            }
        }
    }

    /// Renders the frame of the slot just taken and counts it as delivered.
    fn render_next(&mut self) -> Result<&[u8], NokhwaError> {
        let number = self.next_frame;
        self.update_look();
        self.renderer
            .prepare(self.format.resolution(), self.format.format())?;
        let bytes = self.renderer.render(number)?;
        self.next_frame = number.saturating_add(1);
        self.shared.frames_delivered.fetch_add(1, Ordering::SeqCst);
        Ok(bytes)
    }
}

fn set_property_error(value: &CameraFormat, error: String) -> NokhwaError {
    NokhwaError::SetPropertyError {
        property: "CameraFormat".to_owned(),
        value: value.to_string(),
        error,
    }
}

/// The description of a fake device.
pub(super) fn camera_info(config: &FakeCameraConfig, index: CameraIndex) -> CameraInfo {
    CameraInfo::new(
        config.name(),
        "Fake camera (imagecapture): an animated test pattern with a frame counter",
        "fake",
        index,
    )
}

/// Decrements `counter` unless it is already 0.
fn decrement(counter: &AtomicUsize) {
    let _ = counter.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1));
}

impl CaptureBackendTrait for FakeDevice {
    /// [`ApiBackend::Auto`]: the fake camera belongs to no platform backend.
    fn backend(&self) -> ApiBackend {
        ApiBackend::Auto
    }

    fn camera_info(&self) -> &CameraInfo {
        &self.info
    }

    fn refresh_camera_format(&mut self) -> Result<(), NokhwaError> {
        match self.get_property_error("CameraFormat") {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }

    fn camera_format(&self) -> CameraFormat {
        self.format
    }

    fn set_camera_format(&mut self, new_fmt: CameraFormat) -> Result<(), NokhwaError> {
        if self.unplugged() {
            return Err(set_property_error(&new_fmt, NO_SUCH_DEVICE.to_owned()));
        }
        if !self.config.offers(&new_fmt) {
            return Err(set_property_error(
                &new_fmt,
                format!("Rejected: {} does not offer {new_fmt}", self.config.name()),
            ));
        }
        if new_fmt != self.format && self.shared.refuse_format_changes.load(Ordering::SeqCst) {
            return Err(set_property_error(&new_fmt, INVALID_ARGUMENT.to_owned()));
        }
        if self.stream.is_some() {
            // Like V4L2 (`VIDIOC_S_FMT` while buffers are allocated; vivid and uvcvideo alike):
            // the stream must be stopped before the format changes.
            return Err(set_property_error(&new_fmt, BUSY.to_owned()));
        }
        self.format = new_fmt;
        *self.shared.format_slot() = Some(new_fmt);
        Ok(())
    }

    fn compatible_list_by_resolution(
        &mut self,
        fourcc: FrameFormat,
    ) -> Result<HashMap<Resolution, Vec<u32>>, NokhwaError> {
        if let Some(error) = self.get_property_error("Resolution") {
            return Err(error);
        }
        if !self.config.formats().contains(&fourcc) {
            return Ok(HashMap::new());
        }
        Ok(self
            .config
            .resolutions()
            .iter()
            .map(|&resolution| (resolution, self.config.frame_rates().to_vec()))
            .collect())
    }

    /// Every offered format, in the configuration's order (pixel format, then resolution, then
    /// frame rate).
    fn compatible_camera_formats(&mut self) -> Result<Vec<CameraFormat>, NokhwaError> {
        match self.get_property_error("CameraFormat") {
            Some(error) => Err(error),
            None => Ok(self.config.camera_formats()),
        }
    }

    fn compatible_fourcc(&mut self) -> Result<Vec<FrameFormat>, NokhwaError> {
        match self.get_property_error("FrameFormat") {
            Some(error) => Err(error),
            None => Ok(self.config.formats().to_vec()),
        }
    }

    fn resolution(&self) -> Resolution {
        self.format.resolution()
    }

    fn set_resolution(&mut self, new_res: Resolution) -> Result<(), NokhwaError> {
        let mut format = self.format;
        format.set_resolution(new_res);
        self.set_camera_format(format)
    }

    fn frame_rate(&self) -> u32 {
        self.format.frame_rate()
    }

    fn set_frame_rate(&mut self, new_fps: u32) -> Result<(), NokhwaError> {
        let mut format = self.format;
        format.set_frame_rate(new_fps);
        self.set_camera_format(format)
    }

    fn frame_format(&self) -> FrameFormat {
        self.format.format()
    }

    fn set_frame_format(&mut self, fourcc: FrameFormat) -> Result<(), NokhwaError> {
        let mut format = self.format;
        format.set_format(fourcc);
        self.set_camera_format(format)
    }

    /// The control nokhwa names `control`, as [`camera_controls`](Self::camera_controls)
    /// lists it.
    fn camera_control(&self, control: KnownCameraControl) -> Result<CameraControl, NokhwaError> {
        self.camera_controls()?
            .into_iter()
            .find(|c| c.control() == control)
            .ok_or_else(|| NokhwaError::GetPropertyError {
                property: control.to_string(),
                error: "not found/not supported".to_owned(),
            })
    }

    /// Every control with its current value, as nokhwa's V4L2 backend lists a webcam's: ids as
    /// [`crate::v4l2::nokhwa_id`] gives them, integers and menus as `IntegerRange`, booleans as
    /// `Boolean`, inactive controls (a value its automatic mode owns) with `active() == false`.
    fn camera_controls(&self) -> Result<Vec<CameraControl>, NokhwaError> {
        if let Some(error) = self.get_property_error("V4L2 Controls") {
            return Err(error);
        }
        Ok(self.shared.controls().list(self.config.controls()))
    }

    /// Writes a control as V4L2 does, through nokhwa: an id the camera lacks or a menu entry it
    /// lacks fails with `EINVAL`, a value out of range with `ERANGE`, a value its automatic
    /// mode owns (exposure time in auto exposure…) with `EACCES`, an off-step value or a setter
    /// of the wrong type with nokhwa's `Rejected`. Every error is a
    /// `NokhwaError::SetPropertyError` and leaves the control as it was. The picture follows
    /// from the next frame on.
    fn set_camera_control(
        &mut self,
        id: KnownCameraControl,
        value: ControlValueSetter,
    ) -> Result<(), NokhwaError> {
        if self.unplugged() {
            return Err(NokhwaError::SetPropertyError {
                property: id.to_string(),
                value: format!("{value:?}"),
                error: NO_SUCH_DEVICE.to_owned(),
            });
        }
        self.shared
            .controls()
            .set(self.config.controls(), id, &value)?;
        self.shared.controls_changed.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }

    /// Opens (or, when open, restarts) the stream: the frame schedule starts now.
    fn open_stream(&mut self) -> Result<(), NokhwaError> {
        if self.unplugged() {
            return Err(NokhwaError::ReadFrameError(NO_SUCH_DEVICE.to_owned()));
        }
        if self.shared.refuse_open.load(Ordering::SeqCst) {
            return Err(NokhwaError::OpenDeviceError(
                self.config.name().to_owned(),
                BUSY.to_owned(),
            ));
        }
        self.update_look();
        self.renderer
            .prepare(self.format.resolution(), self.format.format())?;
        if self.stream.is_none() {
            self.shared.streaming_count.fetch_add(1, Ordering::SeqCst);
        }
        let mut stream = Stream::new(self.format.frame_rate());
        stream.failed_to_start = self.shared.fail_stream_start.swap(false, Ordering::SeqCst);
        self.stream = Some(stream);
        Ok(())
    }

    fn is_stream_open(&self) -> bool {
        self.stream.is_some()
    }

    fn frame(&mut self) -> Result<Buffer, NokhwaError> {
        self.wait_for_frame()?;
        let timestamp = SystemTime::now().duration_since(UNIX_EPOCH).ok();
        let (resolution, format) = (self.format.resolution(), self.format.format());
        let bytes = self.render_next()?;
        Ok(Buffer::with_timestamp(resolution, bytes, format, timestamp))
    }

    fn frame_raw(&mut self) -> Result<Cow<'_, [u8]>, NokhwaError> {
        self.wait_for_frame()?;
        let bytes = self.render_next()?;
        Ok(Cow::Borrowed(bytes))
    }

    /// Stops the stream if it is open; always `Ok` (nokhwa's `Camera::drop` unwraps it).
    fn stop_stream(&mut self) -> Result<(), NokhwaError> {
        if self.stream.take().is_some() {
            decrement(&self.shared.streaming_count);
        }
        Ok(())
    }
}

impl Drop for FakeDevice {
    fn drop(&mut self) {
        if self.stream.take().is_some() {
            decrement(&self.shared.streaming_count);
        }
        let previous =
            self.shared
                .open_count
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1));
        if previous == Ok(1) {
            *self.shared.format_slot() = None;
        }
    }
}
