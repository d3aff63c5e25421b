//! One capture thread per open camera.
//!
//! The thread owns nokhwa's `Camera` (which is not `Send`, so it is opened on the thread) and
//! keeps only the newest frame, raw, in [`Shared`]. Nothing else ever touches the camera: the
//! track sends [`Command`]s. The rules that keep nokhwa's traps away (see DESIGN.md):
//! - no lock is held while the camera blocks for a frame, and user code never runs here;
//! - every wait has a bound: callers time out on their own, so a camera that blocks for ever in
//!   a read cannot hang them;
//! - stopping is a flag (set under the state lock by `stop()`, which also wakes every waiter at
//!   once) that the loop reads between frames, then the camera is closed on this thread;
//! - nokhwa's `Camera::drop` unwraps `stop_stream()`: we stop the stream first and contain a
//!   panic of the drop, so it never reaches a user.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{Receiver, TryRecvError};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::Waker;
use std::time::{Duration, Instant};

use futures_channel::oneshot;
use imagecapture_core::{Error, MediaTrackConstraints, ReadyState, Result};
use nokhwa::Camera;
use nokhwa::utils::{CameraFormat, FrameFormat, RequestedFormat, RequestedFormatType};

use crate::error::{Doing, from_nokhwa, is_device_gone};
use crate::formats::select_format;
use crate::source::Source;

/// A frame as the camera sent it, numbered.
#[derive(Debug)]
pub(crate) struct RawFrame {
    /// 1 for the first frame of this camera session, then one more per frame.
    pub(crate) seq: u64,
    /// The format the bytes are in.
    pub(crate) format: CameraFormat,
    /// The bytes, as the camera sent them.
    pub(crate) data: Vec<u8>,
    /// When the frame arrived.
    pub(crate) captured: Instant,
}

/// What the track and the capture thread share.
#[derive(Debug)]
pub(crate) struct State {
    pub(crate) ready_state: ReadyState,
    /// Why the track ended, when the device ended it (unplugged).
    pub(crate) end_reason: Option<Error>,
    /// The thread leaves its loop at the next chance.
    pub(crate) stop_requested: bool,
    /// The camera has been closed (set by the thread as it exits).
    pub(crate) released: bool,
    pub(crate) enabled: bool,
    /// The format the camera runs in now.
    pub(crate) format: CameraFormat,
    /// Every format the camera offers.
    pub(crate) formats: Vec<CameraFormat>,
    pub(crate) constraints: MediaTrackConstraints,
    pub(crate) latest: Option<Arc<RawFrame>>,
    /// Futures waiting for the next frame or the end of the track.
    pub(crate) waiters: Vec<Waker>,
}

/// The state behind a lock; poisoning is ignored (the state stays consistent at every unlock).
#[derive(Debug)]
pub(crate) struct Shared(Mutex<State>);

impl Shared {
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Ends the track (idempotent) and wakes everyone waiting, so no call waits for the thread.
    pub(crate) fn end(&self, reason: Option<Error>) {
        let waiters = {
            let mut state = self.lock();
            state.stop_requested = true;
            if state.ready_state == ReadyState::Live {
                state.ready_state = ReadyState::Ended;
                state.end_reason = reason;
            }
            std::mem::take(&mut state.waiters)
        };
        waiters.into_iter().for_each(Waker::wake);
    }
}

/// A request to the capture thread.
pub(crate) enum Command {
    /// Switch to this format and stay there.
    Reconfigure {
        format: CameraFormat,
        constraints: Box<MediaTrackConstraints>,
        reply: oneshot::Sender<Result<()>>,
    },
    /// Switch to `format` for one frame, hand it over, switch back.
    Still {
        format: CameraFormat,
        reply: oneshot::Sender<Result<RawFrame>>,
    },
}

/// What `open` reports once the camera runs.
pub(crate) struct Opened {
    pub(crate) shared: Arc<Shared>,
    pub(crate) label: String,
}

/// Opens `source` on a new thread, picks the format the constraints ask for, starts the stream,
/// and then captures until the track stops. `reply` gets the outcome of the opening.
pub(crate) fn spawn(
    source: Source,
    constraints: MediaTrackConstraints,
    commands: Receiver<Command>,
    reply: oneshot::Sender<Result<Opened>>,
) -> Result<()> {
    std::thread::Builder::new()
        .name("imagecapture-camera".into())
        .spawn(move || run(source, constraints, commands, reply))
        .map(|_| ())
        .map_err(|e| {
            Error::new(
                imagecapture_core::ErrorName::NotReadable,
                format!("cannot start the capture thread: {e}"),
            )
        })
}

fn run(
    source: Source,
    constraints: MediaTrackConstraints,
    commands: Receiver<Command>,
    reply: oneshot::Sender<Result<Opened>>,
) {
    let (mut camera, shared) = match start(&source, &constraints) {
        Ok(started) => started,
        Err(e) => {
            let _ = reply.send(Err(e));
            return;
        }
    };
    let opened = Opened {
        shared: Arc::clone(&shared),
        label: source.label(),
    };
    if reply.send(Ok(opened)).is_err() {
        // The caller gave up (timed out or dropped the future): nobody will use this camera.
        shared.end(None);
    }
    capture_loop(&mut camera, &shared, &commands);
    close(camera);
    shared.lock().released = true;
    shared.end(None);
}

/// Opens the camera, negotiates the format, starts the stream.
fn start(source: &Source, constraints: &MediaTrackConstraints) -> Result<(Camera, Arc<Shared>)> {
    let mut camera = source.open().map_err(|e| from_nokhwa(&e, Doing::Opening))?;
    let outcome = (|| {
        let formats = camera
            .compatible_camera_formats()
            .map_err(|e| from_nokhwa(&e, Doing::Opening))?;
        let format = select_format(&formats, constraints, &source.device_id())?;
        set_format(&mut camera, format)
            .map_err(|e| e.renamed(imagecapture_core::ErrorName::NotReadable))?;
        camera
            .open_stream()
            .map_err(|e| from_nokhwa(&e, Doing::Opening))?;
        Ok((formats, format))
    })();
    let (formats, format) = match outcome {
        Ok(ok) => ok,
        Err(e) => {
            close(camera);
            return Err(e);
        }
    };
    let state = State {
        ready_state: ReadyState::Live,
        end_reason: None,
        stop_requested: false,
        released: false,
        enabled: true,
        format,
        formats,
        constraints: constraints.clone(),
        latest: None,
        waiters: Vec::new(),
    };
    Ok((camera, Arc::new(Shared(Mutex::new(state)))))
}

fn set_format(camera: &mut Camera, format: CameraFormat) -> Result<()> {
    let fourcc = [format.format()];
    let request = RequestedFormat::with_formats(RequestedFormatType::Exact(format), &fourcc);
    camera
        .set_camera_requset(request)
        .map(|_| ())
        .map_err(|e| from_nokhwa(&e, Doing::Configuring))
}

/// Captures until the track stops or the device goes away.
fn capture_loop(camera: &mut Camera, shared: &Shared, commands: &Receiver<Command>) {
    let mut seq = 0u64;
    // A buffer handed back by a frame nobody holds any more, reused for the next frame.
    let mut spare: Vec<u8> = Vec::new();
    loop {
        loop {
            match commands.try_recv() {
                Ok(command) => handle(command, camera, shared, &mut seq),
                Err(TryRecvError::Empty) => break,
                // Every track handle is gone: nobody can use the camera any more.
                Err(TryRecvError::Disconnected) => return,
            }
        }
        if shared.lock().stop_requested {
            return;
        }
        let format = camera.camera_format();
        let read_started = Instant::now();
        match camera.frame_raw() {
            Ok(bytes) => {
                seq += 1;
                spare.clear();
                spare.extend_from_slice(&bytes);
                let frame = Arc::new(RawFrame {
                    seq,
                    format,
                    data: std::mem::take(&mut spare),
                    captured: Instant::now(),
                });
                let (old, waiters) = {
                    let mut state = shared.lock();
                    (
                        state.latest.replace(frame),
                        std::mem::take(&mut state.waiters),
                    )
                };
                // Reuse the previous frame's buffer when no grab holds it.
                if let Some(buffer) = old.and_then(|f| Arc::try_unwrap(f).ok()) {
                    spare = buffer.data;
                }
                waiters.into_iter().for_each(Waker::wake);
            }
            Err(e) if is_device_gone(&e) => {
                shared.end(Some(
                    from_nokhwa(&e, Doing::Reading).context("the camera went away"),
                ));
                return;
            }
            Err(_) => {
                // A read timeout or a corrupt frame: go on. Callers time out on their own.
                // Avoid spinning on a device that fails at once.
                if read_started.elapsed() < Duration::from_millis(5) {
                    std::thread::sleep(Duration::from_millis(10));
                }
            }
        }
    }
}

fn handle(command: Command, camera: &mut Camera, shared: &Shared, seq: &mut u64) {
    match command {
        Command::Reconfigure {
            format,
            constraints,
            reply,
        } => {
            let outcome = set_format(camera, format).and_then(|()| {
                camera
                    .open_stream()
                    .map_err(|e| from_nokhwa(&e, Doing::Configuring))
            });
            if outcome.is_ok() {
                let mut state = shared.lock();
                state.format = camera.camera_format();
                state.constraints = *constraints;
                // Frames of the old size must not be handed out as current ones.
                state.latest = None;
            }
            let _ = reply.send(outcome);
        }
        Command::Still { format, reply } => {
            let _ = reply.send(still(camera, format, seq));
        }
    }
}

/// One frame at `format`, then back to the format the track runs in.
fn still(camera: &mut Camera, format: CameraFormat, seq: &mut u64) -> Result<RawFrame> {
    let previous = camera.camera_format();
    set_format(camera, format)?;
    let shot = (|| {
        camera
            .open_stream()
            .map_err(|e| from_nokhwa(&e, Doing::Configuring))?;
        // The first frames after a format change can be partial on real webcams; take the
        // first one that is complete, within a few tries.
        let mut last_error = None;
        let format = camera.camera_format();
        for _ in 0..5 {
            match camera.frame_raw() {
                Ok(bytes)
                    if format.format() == FrameFormat::MJPEG || bytes.len() >= min_len(format) =>
                {
                    *seq += 1;
                    return Ok(RawFrame {
                        seq: *seq,
                        format,
                        data: bytes.into_owned(),
                        captured: Instant::now(),
                    });
                }
                Ok(_) => {}
                Err(e) => last_error = Some(from_nokhwa(&e, Doing::Reading)),
            }
        }
        Err(last_error
            .unwrap_or_else(|| Error::unknown("the camera sent no complete frame for the photo")))
    })();
    let restored = set_format(camera, previous).and_then(|()| {
        camera
            .open_stream()
            .map_err(|e| from_nokhwa(&e, Doing::Configuring))
    });
    match (shot, restored) {
        (Ok(frame), Ok(())) => Ok(frame),
        (Err(e), _) => Err(e),
        (Ok(_), Err(e)) => {
            Err(e.context("the camera did not return to its format after the photo"))
        }
    }
}

fn min_len(format: CameraFormat) -> usize {
    let pixels = format.width() as usize * format.height() as usize;
    match format.format() {
        FrameFormat::YUYV => pixels * 2,
        FrameFormat::NV12 => pixels * 3 / 2,
        FrameFormat::GRAY => pixels,
        FrameFormat::RAWRGB | FrameFormat::RAWBGR => pixels * 3,
        FrameFormat::MJPEG => 0,
    }
}

/// Stops the stream and drops the camera, containing the panic nokhwa's `Drop` raises when
/// stopping fails (it unwraps `stop_stream()`).
fn close(mut camera: Camera) {
    // If this fails, dropping will fail the same way and panic; the panic is caught below.
    let _ = camera.stop_stream();
    let _ = catch_unwind(AssertUnwindSafe(move || drop(camera)));
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;
    use std::collections::HashMap;

    use nokhwa::NokhwaError;
    use nokhwa::utils::{
        ApiBackend, CameraControl, CameraIndex, CameraInfo, ControlValueSetter, KnownCameraControl,
        Resolution,
    };
    use nokhwa_core::buffer::Buffer;
    use nokhwa_core::traits::CaptureBackendTrait;

    use super::*;
    use crate::fake::{FakeCamera, FakeDevice};

    /// A fake device whose `stop_stream` fails, as some platform backends' do: nokhwa's
    /// `Camera::drop` then panics.
    struct StopFails(FakeDevice);

    impl CaptureBackendTrait for StopFails {
        fn backend(&self) -> ApiBackend {
            self.0.backend()
        }
        fn camera_info(&self) -> &CameraInfo {
            self.0.camera_info()
        }
        fn refresh_camera_format(&mut self) -> Result<(), NokhwaError> {
            self.0.refresh_camera_format()
        }
        fn camera_format(&self) -> CameraFormat {
            self.0.camera_format()
        }
        fn set_camera_format(&mut self, f: CameraFormat) -> Result<(), NokhwaError> {
            self.0.set_camera_format(f)
        }
        fn compatible_list_by_resolution(
            &mut self,
            f: FrameFormat,
        ) -> Result<HashMap<Resolution, Vec<u32>>, NokhwaError> {
            self.0.compatible_list_by_resolution(f)
        }
        fn compatible_fourcc(&mut self) -> Result<Vec<FrameFormat>, NokhwaError> {
            self.0.compatible_fourcc()
        }
        fn resolution(&self) -> Resolution {
            self.0.resolution()
        }
        fn set_resolution(&mut self, r: Resolution) -> Result<(), NokhwaError> {
            self.0.set_resolution(r)
        }
        fn frame_rate(&self) -> u32 {
            self.0.frame_rate()
        }
        fn set_frame_rate(&mut self, fps: u32) -> Result<(), NokhwaError> {
            self.0.set_frame_rate(fps)
        }
        fn frame_format(&self) -> FrameFormat {
            self.0.frame_format()
        }
        fn set_frame_format(&mut self, f: FrameFormat) -> Result<(), NokhwaError> {
            self.0.set_frame_format(f)
        }
        fn camera_control(&self, c: KnownCameraControl) -> Result<CameraControl, NokhwaError> {
            self.0.camera_control(c)
        }
        fn camera_controls(&self) -> Result<Vec<CameraControl>, NokhwaError> {
            self.0.camera_controls()
        }
        fn set_camera_control(
            &mut self,
            id: KnownCameraControl,
            value: ControlValueSetter,
        ) -> Result<(), NokhwaError> {
            self.0.set_camera_control(id, value)
        }
        fn open_stream(&mut self) -> Result<(), NokhwaError> {
            self.0.open_stream()
        }
        fn is_stream_open(&self) -> bool {
            self.0.is_stream_open()
        }
        fn frame(&mut self) -> Result<Buffer, NokhwaError> {
            self.0.frame()
        }
        fn frame_raw(&mut self) -> Result<Cow<'_, [u8]>, NokhwaError> {
            self.0.frame_raw()
        }
        fn stop_stream(&mut self) -> Result<(), NokhwaError> {
            Err(NokhwaError::StreamShutdownError(
                "the driver refused".into(),
            ))
        }
    }

    #[test]
    fn closing_a_camera_whose_stop_fails_contains_nokhwas_drop_panic() {
        let fake = FakeCamera::default();
        let handle = fake.handle();
        let device = fake.open_device(CameraIndex::Index(0)).unwrap();
        let mut camera = Camera::with_custom(
            CameraIndex::Index(0),
            ApiBackend::Auto,
            Box::new(StopFails(device)),
        );
        camera.open_stream().unwrap();
        camera.frame_raw().unwrap();
        assert_eq!(handle.open_count(), 1);
        // Without the containment this panics ("called `Result::unwrap()` on an `Err`").
        close(camera);
        // The device itself was still dropped while the panic unwound.
        assert_eq!(handle.open_count(), 0);
    }
}
