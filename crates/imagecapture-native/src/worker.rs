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
use imagecapture_core::controls::changes;
use imagecapture_core::{Error, ErrorName, MediaTrackConstraints, ReadyState, Result};
use nokhwa::Camera;
use nokhwa::utils::{
    CameraFormat, ControlValueSetter, FrameFormat, RequestedFormat, RequestedFormatType,
};

use crate::controls::{DeviceControls, Digital, Flash, Write, image_capture_parts};
use crate::convert::FramePool;
use crate::error::{Doing, from_nokhwa, is_device_gone};
use crate::formats::select_format;
use crate::source::Source;

/// Frames a flash photo lets pass after the torch goes on: a webcam's driver holds a few
/// frames already captured (nokhwa's V4L2 stream queues 4 buffers), and its automatic exposure
/// needs a moment for the new light.
const FLASH_SETTLE_FRAMES: usize = 4;

/// How long reads may fail in a row before the stream is started anew: well within a grab's
/// bound (`FRAME_TIMEOUT`, 3 s), so a grab waiting meanwhile still gets a frame; well above a
/// frame interval, so that a single bad frame restarts nothing.
const STREAM_RESTART_AFTER: Duration = Duration::from_secs(1);

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
    /// The camera's mapped controls, as last read.
    pub(crate) controls: DeviceControls,
    /// Digital zoom, pan and tilt, where emulated.
    pub(crate) digital: Option<Digital>,
    pub(crate) latest: Option<Arc<RawFrame>>,
    /// The RGBA buffers of this track's grabbed frames, shared by its `ImageCapture`s.
    pub(crate) frame_pool: FramePool,
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
    /// `applyConstraints`: switch to `format` (if any) and make the control `writes`, all or
    /// nothing; then the track has these constraints and this digital zoom.
    Apply {
        format: Option<CameraFormat>,
        writes: Vec<Write>,
        constraints: Box<MediaTrackConstraints>,
        digital: Option<Digital>,
        reply: oneshot::Sender<Result<()>>,
    },
    /// Switch to `format` (if not already there) for one frame, with the torch on for a
    /// `flash`, hand it over, switch back.
    Still {
        format: CameraFormat,
        flash: Option<Flash>,
        reply: oneshot::Sender<Result<RawFrame>>,
    },
}

/// The cameras our tracks still hold: a track's `stop()` returns at once, while its capture
/// thread closes the device a moment later (after the read under way). A V4L2 device is
/// exclusive (its buffers belong to one handle), so `getUserMedia` right after `stop()` failed
/// with NotReadableError on a real driver, where Chrome waits for its own capture to close.
/// Opening a camera waits (bounded) for the tracks of ours that are closing it.
mod closing {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, PoisonError, Weak};
    use std::time::{Duration, Instant};

    use super::Shared;

    /// How long an open waits for a track of ours to let go of the camera: a read's bound
    /// (`v4l2_camera::READ_TIMEOUT`, the fake camera's read timeout) with room to spare.
    const WAIT: Duration = Duration::from_secs(2);

    static OPEN: Mutex<Option<HashMap<String, Vec<Weak<Shared>>>>> = Mutex::new(None);

    /// Notes that `shared`'s thread holds `device_id`.
    pub(super) fn register(device_id: &str, shared: &Arc<Shared>) {
        let mut open = OPEN.lock().unwrap_or_else(PoisonError::into_inner);
        let tracks = open
            .get_or_insert_with(HashMap::new)
            .entry(device_id.to_owned());
        let tracks = tracks.or_default();
        tracks.retain(|t| t.strong_count() > 0);
        tracks.push(Arc::downgrade(shared));
    }

    /// Waits until no track of ours that was asked to stop still holds `device_id` (a live
    /// track keeps it: a second track on one camera is the driver's to allow or refuse).
    pub(super) fn wait_for(device_id: &str) {
        let deadline = Instant::now() + WAIT;
        while Instant::now() < deadline && closing(device_id) {
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    fn closing(device_id: &str) -> bool {
        let open = OPEN.lock().unwrap_or_else(PoisonError::into_inner);
        open.as_ref()
            .and_then(|open| open.get(device_id))
            .is_some_and(|tracks| {
                tracks.iter().filter_map(Weak::upgrade).any(|shared| {
                    // Nobody but its thread (and this check) holds a track every handle of
                    // which was dropped: its thread is closing too.
                    let abandoned = Arc::strong_count(&shared) <= 2;
                    let state = shared.lock();
                    !state.released && (state.stop_requested || abandoned)
                })
            })
    }
}

impl Command {
    /// Whether nobody waits for the answer any more.
    fn abandoned(&self) -> bool {
        match self {
            Self::Apply { reply, .. } => reply.is_canceled(),
            Self::Still { reply, .. } => reply.is_canceled(),
        }
    }
}

/// What `open` reports once the camera runs.
pub(crate) struct Opened {
    pub(crate) shared: Arc<Shared>,
    pub(crate) label: String,
}

/// Opens `source` on a new thread, picks the format and control values the constraints ask for
/// (emulating zoom, pan and tilt digitally when `digital_zoom` and the camera has no zoom),
/// starts the stream, and then captures until the track stops. `reply` gets the outcome of the
/// opening.
pub(crate) fn spawn(
    source: Source,
    constraints: MediaTrackConstraints,
    digital_zoom: bool,
    commands: Receiver<Command>,
    reply: oneshot::Sender<Result<Opened>>,
) -> Result<()> {
    std::thread::Builder::new()
        .name("imagecapture-camera".into())
        .spawn(move || run(source, constraints, digital_zoom, commands, reply))
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
    digital_zoom: bool,
    commands: Receiver<Command>,
    reply: oneshot::Sender<Result<Opened>>,
) {
    closing::wait_for(&source.device_id());
    let (mut camera, shared) = match start(&source, &constraints, digital_zoom) {
        Ok(started) => started,
        Err(e) => {
            let _ = reply.send(Err(e));
            return;
        }
    };
    closing::register(&source.device_id(), &shared);
    let opened = Opened {
        shared: Arc::clone(&shared),
        label: source.label(),
    };
    if reply.send(Ok(opened)).is_err() {
        // The caller gave up (timed out or dropped the future): nobody will use this camera.
        shared.end(None);
    }
    // A panic in the camera backend (nokhwa's, a driver binding's) ends the track with an
    // error at once, so that no call waits for its bound, and the camera is still closed.
    let looped = catch_unwind(AssertUnwindSafe(|| {
        capture_loop(&mut camera, &shared, &commands);
    }));
    if looped.is_err() {
        shared.end(Some(Error::unknown(
            "the camera backend failed (it panicked while capturing); the track ended",
        )));
    }
    close(camera);
    shared.lock().released = true;
    shared.end(None);
}

/// Opens the camera, negotiates the format and the controls, starts the stream.
fn start(
    source: &Source,
    constraints: &MediaTrackConstraints,
    digital_zoom: bool,
) -> Result<(Camera, Arc<Shared>)> {
    let mut camera = source.open().map_err(|e| from_nokhwa(&e, Doing::Opening))?;
    let outcome = (|| {
        let formats = camera
            .compatible_camera_formats()
            .map_err(|e| from_nokhwa(&e, Doing::Opening))?;
        let mut controls = DeviceControls::read(&camera);
        let mut digital = if digital_zoom {
            Digital::for_camera(&controls.capabilities())
        } else {
            None
        };
        let (caps, now) = image_capture_parts(&controls, digital.as_ref());
        let (format, chosen) =
            select_format(&formats, &caps, &now, constraints, &source.device_id())?;
        set_format(&mut camera, format).map_err(|e| e.renamed(ErrorName::NotReadable))?;
        let writes = plan_writes(&controls, &mut digital, &changes(&now, &chosen))?;
        if !writes.is_empty() {
            write_all(&mut camera, &writes).map_err(|e| e.renamed(ErrorName::NotReadable))?;
            controls = DeviceControls::read(&camera);
        }
        camera
            .open_stream()
            .map_err(|e| from_nokhwa(&e, Doing::Opening))?;
        Ok((formats, format, controls, digital))
    })();
    let (formats, format, controls, digital) = match outcome {
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
        controls,
        digital,
        latest: None,
        frame_pool: FramePool::new(),
        waiters: Vec::new(),
    };
    Ok((camera, Arc::new(Shared(Mutex::new(state)))))
}

/// The device writes for `changes`; the changes the digital emulation handles go to `digital`
/// instead.
pub(crate) fn plan_writes(
    controls: &DeviceControls,
    digital: &mut Option<Digital>,
    changes: &[(
        imagecapture_core::controls::Control,
        imagecapture_core::controls::ControlValue,
    )],
) -> Result<Vec<Write>> {
    let mut device = Vec::new();
    for (control, value) in changes {
        match digital.as_mut().filter(|d| d.handles(*control)) {
            Some(d) => d.set(*control, value),
            None => device.push((*control, value.clone())),
        }
    }
    controls.writes(&device)
}

/// Makes `writes` in order, all or nothing: on a failure the ones made are undone, latest
/// first (so a value goes back while its mode still allows it).
fn write_all(camera: &mut Camera, writes: &[Write]) -> Result<()> {
    for (done, write) in writes.iter().enumerate() {
        if let Err(e) = camera.set_camera_control(write.id, write.value.clone()) {
            for undo in writes.iter().take(done).rev() {
                let _ = camera.set_camera_control(undo.id, undo.previous.clone());
            }
            let value = match &write.value {
                ControlValueSetter::Integer(v) => v.to_string(),
                ControlValueSetter::Boolean(b) => b.to_string(),
                other => format!("{other:?}"),
            };
            return Err(from_nokhwa(&e, Doing::Controlling).context(&format!(
                "{}: the camera refused the value {value} for its control {:#x}",
                write.member,
                crate::v4l2::cid_of(write.id).unwrap_or_default()
            )));
        }
    }
    Ok(())
}

fn set_format(camera: &mut Camera, format: CameraFormat) -> Result<()> {
    let fourcc = [format.format()];
    let request = RequestedFormat::with_formats(RequestedFormatType::Exact(format), &fourcc);
    camera
        .set_camera_requset(request)
        .map(|_| ())
        .map_err(|e| from_nokhwa(&e, Doing::Configuring))
}

/// Runs the streaming camera in `format` from now on.
///
/// V4L2 refuses a new format (`VIDIOC_S_FMT` fails with EBUSY) while the stream's buffers
/// exist, and nokhwa's own switch on an open stream sets the format with the buffers still
/// there: on a real driver every switch failed (the fake camera used to allow it). So the
/// stream is stopped and its buffers freed first, the format set, and the stream started again.
/// When the camera refuses `format`, it goes on streaming in the one it had, and the refusal is
/// the error.
fn switch_format(camera: &mut Camera, format: CameraFormat) -> Result<()> {
    let previous = camera.camera_format();
    stop_stream(camera)?;
    let switched = set_format(camera, format);
    if switched.is_err() {
        // A refused format may have been half set (V4L2 adjusts what it cannot take).
        let _ = set_format(camera, previous);
    }
    let streaming = camera
        .open_stream()
        .map_err(|e| from_nokhwa(&e, Doing::Configuring).context("restarting the stream"));
    switched.and(streaming)
}

/// Stops the stream and frees its buffers. nokhwa's V4L2 stream panics in its `Drop` when the
/// driver refuses to stop (anything but ENODEV); that is contained here and reported.
fn stop_stream(camera: &mut Camera) -> Result<()> {
    match catch_unwind(AssertUnwindSafe(|| camera.stop_stream())) {
        Ok(stopped) => stopped.map_err(|e| from_nokhwa(&e, Doing::Configuring)),
        Err(_) => Err(Error::unknown(
            "the camera's stream did not stop: its driver refused to end streaming",
        )),
    }
}

/// Captures until the track stops or the device goes away.
fn capture_loop(camera: &mut Camera, shared: &Shared, commands: &Receiver<Command>) {
    let mut seq = 0u64;
    // A buffer handed back by a frame nobody holds any more, reused for the next frame.
    let mut spare: Vec<u8> = Vec::new();
    // Since when every read failed, if the last one did.
    let mut failing_since: Option<Instant> = None;
    loop {
        loop {
            // `stop()` goes ahead of queued work: the commands still queued are dropped with
            // the receiver, and their callers learn at once that the track ended.
            if shared.lock().stop_requested {
                return;
            }
            match commands.try_recv() {
                // A caller that gave up (timed out, or dropped its future) must not see its
                // command take effect later: an applyConstraints that rejected stays undone.
                Ok(command) if command.abandoned() => {}
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
                failing_since = None;
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
                let since = *failing_since.get_or_insert(read_started);
                if since.elapsed() >= STREAM_RESTART_AFTER {
                    // Reads that keep failing: the stream never started (the driver refused
                    // VIDIOC_STREAMON, and nokhwa's V4L2 stream then fails every read, its
                    // buffers queued already) or broke. A new stream recovers both.
                    let _ = stop_stream(camera).and_then(|()| {
                        camera
                            .open_stream()
                            .map_err(|e| from_nokhwa(&e, Doing::Reading))
                    });
                    failing_since = None;
                }
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
        Command::Apply {
            format,
            writes,
            constraints,
            digital,
            reply,
        } => {
            let _ = reply.send(apply(
                camera,
                shared,
                format,
                &writes,
                *constraints,
                digital,
            ));
        }
        Command::Still {
            format,
            flash,
            reply,
        } => {
            let _ = reply.send(still(camera, format, flash.as_ref(), seq));
        }
    }
}

/// `applyConstraints` on the capture thread: the format, then the controls; on a failure the
/// camera is put back as it was.
fn apply(
    camera: &mut Camera,
    shared: &Shared,
    format: Option<CameraFormat>,
    writes: &[Write],
    constraints: MediaTrackConstraints,
    digital: Option<Digital>,
) -> Result<()> {
    let previous = camera.camera_format();
    if let Some(format) = format {
        switch_format(camera, format)?;
    }
    if let Err(e) = write_all(camera, writes) {
        if format.is_some() {
            let _ = switch_format(camera, previous);
        }
        return Err(e);
    }
    let controls = (!writes.is_empty()).then(|| DeviceControls::read(camera));
    let mut state = shared.lock();
    state.format = camera.camera_format();
    state.constraints = constraints;
    state.digital = digital;
    if let Some(controls) = controls {
        state.controls = controls;
    }
    // Frames of the old size or look must not be handed out as current ones.
    state.latest = None;
    Ok(())
}

/// One frame at `format` (with the torch on for a `flash`), then back to the format the track
/// runs in and the torch as it was, whatever happened.
fn still(
    camera: &mut Camera,
    format: CameraFormat,
    flash: Option<&Flash>,
    seq: &mut u64,
) -> Result<RawFrame> {
    let previous = camera.camera_format();
    if let Some(flash) = flash {
        write_all(camera, std::slice::from_ref(&flash.on))
            .map_err(|e| e.renamed(ErrorName::Unknown))?;
    }
    // A format the camera lists but refuses (drivers do): the photo is made from the frames
    // of the format the track runs in, where `switch_format` left the camera, and scaled.
    let switch = format != previous && switch_format(camera, format).is_ok();
    let shot = (|| {
        // The first frames after a format change can be partial on real webcams; take the
        // first one that is complete, within a few tries. With a flash, let the frames taken
        // before the light came go by.
        let mut last_error = None;
        let mut to_skip = if flash.is_some() {
            FLASH_SETTLE_FRAMES
        } else {
            0
        };
        let format = camera.camera_format();
        for _ in 0..5 + to_skip {
            match camera.frame_raw() {
                Ok(_) if to_skip > 0 => to_skip -= 1,
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
    let restored = if switch {
        switch_format(camera, previous)
    } else {
        Ok(())
    };
    let torch_restored = flash.map_or(Ok(()), |flash| {
        camera
            .set_camera_control(flash.on.id, flash.on.previous.clone())
            .map_err(|e| from_nokhwa(&e, Doing::Reading).context("the torch did not go back"))
    });
    match (shot, restored, torch_restored) {
        (Ok(frame), Ok(()), Ok(())) => Ok(frame),
        (Err(e), _, _) => Err(e),
        (Ok(_), Err(e), _) => {
            Err(e.context("the camera did not return to its format after the photo"))
        }
        (Ok(_), Ok(()), Err(e)) => Err(e),
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
    let _ = stop_stream(&mut camera);
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
    fn a_refused_write_undoes_the_ones_before_it_latest_first() {
        use crate::controls::DeviceControls;
        use crate::fake::FakeControls;
        use crate::v4l2;
        let fake = FakeCamera::new(
            crate::fake::FakeCameraConfig::default().with_controls(FakeControls::full()),
        );
        let handle = fake.handle();
        let mut camera = fake.open(CameraIndex::Index(0)).unwrap();
        let write = |cid: u32, value: i64, previous: i64| Write {
            member: "test",
            id: v4l2::nokhwa_id(cid),
            value: ControlValueSetter::Integer(value),
            previous: ControlValueSetter::Integer(previous),
        };
        let writes = [
            // Manual first, then a value that needs it: undone in reverse, the value while
            // still in manual mode.
            write(
                v4l2::EXPOSURE_AUTO,
                v4l2::EXPOSURE_MANUAL,
                v4l2::EXPOSURE_APERTURE_PRIORITY,
            ),
            write(v4l2::EXPOSURE_ABSOLUTE, 100, 250),
            write(v4l2::ZOOM_ABSOLUTE, 300, 100),
            write(v4l2::BRIGHTNESS, 999, 128),
        ];
        let e = write_all(&mut camera, &writes).unwrap_err();
        assert_eq!(e.name(), imagecapture_core::ErrorName::Operation);
        assert!(e.message().contains("os error 34"), "{e}");
        assert_eq!(
            handle.control(v4l2::EXPOSURE_AUTO),
            Some(v4l2::EXPOSURE_APERTURE_PRIORITY)
        );
        assert_eq!(handle.control(v4l2::EXPOSURE_ABSOLUTE), Some(250));
        assert_eq!(handle.control(v4l2::ZOOM_ABSOLUTE), Some(100));
        assert_eq!(handle.control(v4l2::BRIGHTNESS), Some(128));
        // And the writes that can be made are.
        write_all(&mut camera, &writes[..3]).unwrap();
        assert_eq!(handle.control(v4l2::EXPOSURE_ABSOLUTE), Some(100));
        let read = DeviceControls::read(&camera);
        assert!(read.has(imagecapture_core::controls::Control::Torch));
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
