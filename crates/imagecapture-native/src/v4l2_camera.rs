//! A V4L2 camera: nokhwa's V4L2 device for formats, controls and format switches, with the
//! stream (and the frame-rate list) done here, with the `v4l` crate nokhwa itself uses.
//!
//! It enters nokhwa through `Camera::with_custom`, as the fake camera does, so everything above
//! runs nokhwa's `Camera` as before. What nokhwa's own V4L2 stream gets wrong on a real driver
//! (found on the kernel's vivid driver, `tests/conformance/tests/v4l2.rs`):
//!
//! - **A read waits for ever.** nokhwa polls with no timeout, so a camera that stops sending
//!   without unplugging pins the capture thread: `stop()` was never seen and the device never
//!   closed. Here a read waits at most [`READ_TIMEOUT`] (`poll` on the handle before the buffer
//!   is dequeued, so a timed-out read leaves the queue as it was and the next read goes on).
//! - **A stream that failed to start never starts.** When `VIDIOC_STREAMON` fails, nokhwa's
//!   stream has queued its buffers and fails every later read (queueing them again is refused).
//!   Here a stream whose first frame does not come is made anew at the next read.
//! - **Whole buffers.** nokhwa hands out the whole mmap buffer; here the frame is the bytes the
//!   driver filled (`bytesused`, which for MJPEG is far less), and a buffer the driver marked
//!   as failed (`V4L2_BUF_FLAG_ERROR`) is an error, not a picture.
//! - **Frame rates.** nokhwa lists a discrete frame interval n/d as d frames per second (2/25 s,
//!   12.5 fps, became 25 fps) and then fails reading back the format it set ("Framerate not
//!   whole number"). Here a size offers the rates its intervals give exactly, whole ones only
//!   (the API counts frames per second in whole numbers, as nokhwa does).
//!
//! The stream has its own handle on the node: V4L2 lets one handle own the buffers while
//! another sets formats (only while no buffers exist: the worker stops the stream first) and
//! controls.

use std::borrow::Cow;
use std::collections::HashMap;
use std::time::Duration;

use nokhwa::NokhwaError;
use nokhwa::backends::capture::V4LCaptureDevice;
use nokhwa::utils::{
    ApiBackend, CameraControl, CameraFormat, CameraIndex, CameraInfo, ControlValueSetter,
    FrameFormat, KnownCameraControl, RequestedFormat, Resolution,
};
use nokhwa_core::buffer::Buffer;
use nokhwa_core::traits::CaptureBackendTrait;
use v4l::buffer::{Flags as BufferFlags, Type as BufferType};
use v4l::frameinterval::FrameIntervalEnum;
use v4l::io::mmap::Stream as MmapStream;
use v4l::io::traits::CaptureStream;
use v4l::video::Capture;

/// How long a read waits for the driver's next frame: a few frame intervals of the slowest
/// rate a webcam runs at in practice (5 fps), so that a missed frame is no error, and short
/// enough that `stop()` on a camera that stopped sending is seen at once.
pub(crate) const READ_TIMEOUT: Duration = Duration::from_millis(500);

/// The number of buffers the stream queues: nokhwa's own.
const BUFFERS: u32 = 4;

/// `POLLIN` of Linux's `poll(2)`: data to read (a filled buffer to dequeue).
const POLLIN: i16 = 0x0001;

/// An open stream.
struct Streaming {
    stream: MmapStream<'static>,
    /// A frame came: the stream runs, and its buffers cycle through the driver.
    running: bool,
}

/// A V4L2 camera (see the module's docs).
pub(crate) struct V4l2Camera {
    inner: V4LCaptureDevice<'static>,
    /// Our own handle on the node: the stream and the frame-interval lists.
    node: v4l::Device,
    streaming: Option<Streaming>,
    /// The stream never ran and failed: make a new one at the next read.
    restart: bool,
}

impl V4l2Camera {
    /// Opens `/dev/video<index>`.
    pub(crate) fn open(index: &CameraIndex, format: RequestedFormat) -> Result<Self, NokhwaError> {
        let inner = V4LCaptureDevice::new(index, format)?;
        let number = index.as_index()?;
        let node = v4l::Device::new(number as usize)
            .map_err(|e| NokhwaError::OpenDeviceError(index.to_string(), e.to_string()))?;
        Ok(Self {
            inner,
            node,
            streaming: None,
            restart: false,
        })
    }

    fn new_stream(&self) -> Result<Streaming, NokhwaError> {
        let mut stream = MmapStream::with_buffers(&self.node, BufferType::VideoCapture, BUFFERS)
            .map_err(|e| NokhwaError::OpenStreamError(e.to_string()))?;
        // The first read starts the stream and waits in the dequeue; later ones in `read`.
        stream.set_timeout(READ_TIMEOUT);
        Ok(Streaming {
            stream,
            running: false,
        })
    }

    /// The next frame's bytes, as the driver filled them.
    fn read(&mut self) -> Result<&[u8], NokhwaError> {
        if std::mem::take(&mut self.restart) {
            // The old stream's buffers go first: V4L2 allows one set.
            self.streaming = None;
            self.streaming = Some(self.new_stream()?);
        }
        let Some(streaming) = self.streaming.as_mut() else {
            return Err(NokhwaError::ReadFrameError("Stream Not Started".into()));
        };
        let read_error = |e: std::io::Error| NokhwaError::ReadFrameError(e.to_string());
        if streaming.running {
            // Wait here, not in the dequeue: after a dequeue that timed out, the stream would
            // queue its last buffer twice at the next read, and fail from then on.
            let ready = streaming
                .stream
                .handle()
                .poll(POLLIN, timeout_ms())
                .map_err(read_error)?;
            if ready == 0 {
                return Err(NokhwaError::ReadFrameError(format!(
                    "no frame within {} ms (Connection timed out)",
                    READ_TIMEOUT.as_millis()
                )));
            }
        }
        match CaptureStream::next(&mut streaming.stream) {
            Ok((data, meta)) => {
                streaming.running = true;
                if meta.flags.contains(BufferFlags::ERROR) {
                    return Err(NokhwaError::ReadFrameError(
                        "the driver marked the frame as failed (V4L2_BUF_FLAG_ERROR)".into(),
                    ));
                }
                let used = match meta.bytesused as usize {
                    0 => data.len(),
                    used => used.min(data.len()),
                };
                Ok(&data[..used])
            }
            Err(e) => {
                // A stream that never ran has its buffers queued and cannot go on (nor start
                // again): a new one starts at the next read.
                self.restart = !streaming.running;
                Err(read_error(e))
            }
        }
    }

    /// The frame rates the driver offers at `size` in `fourcc`: whole ones, exactly.
    fn frame_rates(&self, fourcc: v4l::FourCC, size: Resolution) -> Vec<u32> {
        let Ok(intervals) = self
            .node
            .enum_frameintervals(fourcc, size.width(), size.height())
        else {
            return Vec::new();
        };
        let mut rates: Vec<u32> = intervals
            .into_iter()
            .filter_map(|interval| match interval.interval {
                FrameIntervalEnum::Discrete(f) if f.numerator > 0 => {
                    (f.denominator % f.numerator == 0).then(|| f.denominator / f.numerator)
                }
                // A continuous or stepwise range: its whole rates from the slowest to the
                // fastest (the intervals' ends), as few as webcams give.
                FrameIntervalEnum::Stepwise(step) => {
                    let fps =
                        |f: v4l::Fraction| (f.numerator > 0).then(|| f.denominator / f.numerator);
                    let (slow, fast) = (fps(step.max)?, fps(step.min)?);
                    Some(fast.max(slow))
                }
                FrameIntervalEnum::Discrete(_) => None,
            })
            .filter(|&fps| fps > 0)
            .collect();
        rates.sort_unstable_by(|a, b| b.cmp(a));
        rates.dedup();
        rates
    }
}

fn timeout_ms() -> i32 {
    i32::try_from(READ_TIMEOUT.as_millis()).unwrap_or(i32::MAX)
}

/// The V4L2 four-character code of a nokhwa pixel format.
fn fourcc_of(format: FrameFormat) -> v4l::FourCC {
    v4l::FourCC::new(match format {
        FrameFormat::MJPEG => b"MJPG",
        FrameFormat::YUYV => b"YUYV",
        FrameFormat::GRAY => b"GREY",
        FrameFormat::RAWRGB => b"RGB3",
        FrameFormat::RAWBGR => b"BGR3",
        FrameFormat::NV12 => b"NV12",
    })
}

impl CaptureBackendTrait for V4l2Camera {
    fn backend(&self) -> ApiBackend {
        ApiBackend::Video4Linux
    }
    fn camera_info(&self) -> &CameraInfo {
        self.inner.camera_info()
    }
    fn refresh_camera_format(&mut self) -> Result<(), NokhwaError> {
        self.inner.refresh_camera_format()
    }
    fn camera_format(&self) -> CameraFormat {
        self.inner.camera_format()
    }
    fn set_camera_format(&mut self, format: CameraFormat) -> Result<(), NokhwaError> {
        self.inner.set_camera_format(format)
    }
    fn compatible_list_by_resolution(
        &mut self,
        fourcc: FrameFormat,
    ) -> Result<HashMap<Resolution, Vec<u32>>, NokhwaError> {
        let sizes = self.inner.compatible_list_by_resolution(fourcc)?;
        let code = fourcc_of(fourcc);
        Ok(sizes
            .into_keys()
            .map(|size| (size, self.frame_rates(code, size)))
            .filter(|(_, rates)| !rates.is_empty())
            .collect())
    }
    fn compatible_fourcc(&mut self) -> Result<Vec<FrameFormat>, NokhwaError> {
        self.inner.compatible_fourcc()
    }
    fn resolution(&self) -> Resolution {
        self.inner.resolution()
    }
    fn set_resolution(&mut self, size: Resolution) -> Result<(), NokhwaError> {
        self.inner.set_resolution(size)
    }
    fn frame_rate(&self) -> u32 {
        self.inner.frame_rate()
    }
    fn set_frame_rate(&mut self, fps: u32) -> Result<(), NokhwaError> {
        self.inner.set_frame_rate(fps)
    }
    fn frame_format(&self) -> FrameFormat {
        self.inner.frame_format()
    }
    fn set_frame_format(&mut self, format: FrameFormat) -> Result<(), NokhwaError> {
        self.inner.set_frame_format(format)
    }
    fn camera_control(&self, control: KnownCameraControl) -> Result<CameraControl, NokhwaError> {
        self.inner.camera_control(control)
    }
    fn camera_controls(&self) -> Result<Vec<CameraControl>, NokhwaError> {
        self.inner.camera_controls()
    }
    fn set_camera_control(
        &mut self,
        id: KnownCameraControl,
        value: ControlValueSetter,
    ) -> Result<(), NokhwaError> {
        self.inner.set_camera_control(id, value)
    }
    fn open_stream(&mut self) -> Result<(), NokhwaError> {
        self.restart = false;
        // A stream open already is replaced (its buffers freed first).
        self.streaming = None;
        self.streaming = Some(self.new_stream()?);
        Ok(())
    }
    fn is_stream_open(&self) -> bool {
        self.streaming.is_some()
    }
    fn frame(&mut self) -> Result<Buffer, NokhwaError> {
        let format = self.inner.camera_format();
        let data = self.read()?;
        Ok(Buffer::new(format.resolution(), data, format.format()))
    }
    fn frame_raw(&mut self) -> Result<Cow<'_, [u8]>, NokhwaError> {
        self.read().map(Cow::Borrowed)
    }
    /// Stops streaming and frees the buffers. The `v4l` stream panics in its `Drop` when the
    /// driver refuses `VIDIOC_STREAMOFF` (anything but ENODEV); the worker contains that.
    fn stop_stream(&mut self) -> Result<(), NokhwaError> {
        self.restart = false;
        self.streaming = None;
        Ok(())
    }
}
