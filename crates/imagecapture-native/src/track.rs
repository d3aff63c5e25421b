//! `MediaStreamTrack` on a native camera.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::mpsc::Sender;
use std::task::Poll;

use futures_channel::oneshot;
use imagecapture_core::controls::{changes, without_controls};
use imagecapture_core::limits::PHOTO_TIMEOUT;
use imagecapture_core::select::validate_constraints;
use imagecapture_core::{
    Error, MediaStreamTrackTrait, MediaTrackCapabilities, MediaTrackConstraintSet,
    MediaTrackConstraints, MediaTrackSettings, ReadyState, Result, TrackKind,
};

use crate::controls::{image_capture_parts, merge_capabilities, merge_settings};
use crate::formats::{capabilities_of, select_format, settings_of};
use crate::timer::timeout;
use crate::worker::{Command, Shared, plan_writes};

/// A live video track from a native camera, as `getUserMedia` returns it.
///
/// Clones are handles to the same track. The camera is released when the track is stopped, or
/// when the last handle (including those held by `ImageCapture`s) is dropped.
#[derive(Clone)]
pub struct MediaStreamTrack {
    inner: Arc<TrackInner>,
}

struct TrackInner {
    id: String,
    label: String,
    device_id: String,
    shared: Arc<Shared>,
    commands: Sender<Command>,
}

impl Drop for TrackInner {
    fn drop(&mut self) {
        self.shared.end(None);
    }
}

impl fmt::Debug for MediaStreamTrack {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MediaStreamTrack")
            .field("id", &self.inner.id)
            .field("label", &self.inner.label)
            .field("ready_state", &self.ready_state())
            .finish_non_exhaustive()
    }
}

impl MediaStreamTrack {
    pub(crate) fn new(
        id: String,
        label: String,
        device_id: String,
        shared: Arc<Shared>,
        commands: Sender<Command>,
    ) -> Self {
        Self {
            inner: Arc::new(TrackInner {
                id,
                label,
                device_id,
                shared,
                commands,
            }),
        }
    }

    pub(crate) fn shared(&self) -> &Shared {
        &self.inner.shared
    }

    /// True once the capture thread has closed the camera (after `stop()` or an unplug).
    pub fn is_released(&self) -> bool {
        self.shared().lock().released
    }

    /// `InvalidStateError` unless the track is live and enabled: the check that opens every
    /// `ImageCapture` method (Chrome and WPT treat a disabled track as inactive too).
    pub(crate) fn check_usable(&self) -> Result<()> {
        let state = self.shared().lock();
        if state.ready_state == ReadyState::Ended {
            return Err(Error::invalid_state("the track has ended"));
        }
        if !state.enabled {
            return Err(Error::invalid_state("the track is disabled"));
        }
        Ok(())
    }

    /// Sends `command` to the capture thread and waits (bounded) for its answer.
    pub(crate) async fn request<T>(
        &self,
        command: impl FnOnce(oneshot::Sender<Result<T>>) -> Command,
        what: &str,
    ) -> Result<T> {
        let (reply, answer) = oneshot::channel();
        self.inner
            .commands
            .send(command(reply))
            .map_err(|_| Error::unknown(format!("{what}: the camera has stopped")))?;
        // The answer, or the end of the track, whichever comes first: `stop()` settles every
        // call at once, without waiting for the capture thread to finish what it is doing.
        let shared = &self.inner.shared;
        let mut answer = answer;
        let answered = std::future::poll_fn(|cx| {
            if let Poll::Ready(outcome) = Pin::new(&mut answer).poll(cx) {
                return Poll::Ready(outcome);
            }
            let mut state = shared.lock();
            if state.ready_state != ReadyState::Live {
                return Poll::Ready(Err(oneshot::Canceled));
            }
            state.waiters.push(cx.waker().clone());
            Poll::Pending
        });
        match timeout(PHOTO_TIMEOUT, answered).await {
            Some(Ok(outcome)) => outcome,
            // The thread dropped the request: it stopped (track ended) before answering.
            Some(Err(oneshot::Canceled)) => {
                Err(Error::unknown(format!("{what}: the track ended meanwhile")))
            }
            None => Err(Error::unknown(format!(
                "{what}: the camera did not answer within {} s",
                PHOTO_TIMEOUT.as_secs()
            ))),
        }
    }
}

/// Whether `constraints` say anything about the format: a member other than the image-capture
/// controls, in the basic set or an advanced one.
fn constrains_format(constraints: &MediaTrackConstraints) -> bool {
    let stripped = without_controls(constraints);
    let empty = MediaTrackConstraintSet::default();
    stripped.basic != empty || stripped.advanced.iter().flatten().any(|set| *set != empty)
}

impl MediaStreamTrackTrait for MediaStreamTrack {
    fn kind(&self) -> TrackKind {
        TrackKind::Video
    }

    fn id(&self) -> String {
        self.inner.id.clone()
    }

    fn label(&self) -> String {
        self.inner.label.clone()
    }

    fn enabled(&self) -> bool {
        self.shared().lock().enabled
    }

    fn set_enabled(&self, enabled: bool) {
        self.shared().lock().enabled = enabled;
    }

    fn muted(&self) -> bool {
        false
    }

    fn ready_state(&self) -> ReadyState {
        self.shared().lock().ready_state
    }

    fn stop(&self) {
        self.shared().end(None);
    }

    /// The formats' members, and the image-capture members of the controls the camera has
    /// (see the mapping table in the crate's `controls` module), plus digitally emulated zoom,
    /// pan and tilt where enabled.
    fn get_capabilities(&self) -> MediaTrackCapabilities {
        let state = self.shared().lock();
        let mut caps = capabilities_of(&state.formats, &self.inner.device_id);
        let (controls, _) = image_capture_parts(&state.controls, state.digital.as_ref());
        merge_capabilities(&mut caps, &controls);
        caps
    }

    fn get_constraints(&self) -> MediaTrackConstraints {
        self.shared().lock().constraints.clone()
    }

    /// The format's members, and the current values of the image-capture controls (as read
    /// from the camera when the track opened and after each `applyConstraints`; a value an
    /// automatic mode changes meanwhile is not followed).
    fn get_settings(&self) -> MediaTrackSettings {
        let state = self.shared().lock();
        let mut settings = settings_of(&state.format, &self.inner.device_id);
        let (_, controls) = image_capture_parts(&state.controls, state.digital.as_ref());
        merge_settings(&mut settings, &controls);
        settings
    }

    /// Selects the format and the control values together (see
    /// [`select_settings_and_controls`](imagecapture_core::controls::select_settings_and_controls)),
    /// then switches the format and writes the controls that change (mode switches first), all
    /// or nothing.
    ///
    /// # Errors
    /// `TypeError`, `OverconstrainedError` (before anything changes); `OperationError` when the
    /// camera refuses a control write, `UnknownError` when it fails to switch formats (the
    /// camera is then put back as it was, as far as it lets itself).
    async fn apply_constraints(&self, constraints: &MediaTrackConstraints) -> Result<()> {
        validate_constraints(constraints)?;
        let (formats, current, controls, mut digital) = {
            let state = self.shared().lock();
            if state.ready_state == ReadyState::Ended {
                return Ok(());
            }
            (
                state.formats.clone(),
                state.format,
                state.controls.clone(),
                state.digital,
            )
        };
        let (caps, now) = image_capture_parts(&controls, digital.as_ref());
        // Constraints on the image-capture controls alone leave the format as it is (as in
        // Chrome), rather than falling back to the default 640×480 at 30 fps.
        let candidates = if constrains_format(constraints) {
            formats
        } else {
            vec![current]
        };
        let (format, chosen) =
            select_format(&candidates, &caps, &now, constraints, &self.inner.device_id)?;
        let writes = plan_writes(&controls, &mut digital, &changes(&now, &chosen))?;
        if format == current && writes.is_empty() {
            let mut state = self.shared().lock();
            state.constraints = constraints.clone();
            state.digital = digital;
            return Ok(());
        }
        let constraints = Box::new(constraints.clone());
        self.request(
            |reply| Command::Apply {
                format: (format != current).then_some(format),
                writes,
                constraints,
                digital,
                reply,
            },
            "applyConstraints",
        )
        .await
    }
}
