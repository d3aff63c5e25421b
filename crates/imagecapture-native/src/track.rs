//! `MediaStreamTrack` on a native camera.

use std::fmt;
use std::sync::Arc;
use std::sync::mpsc::Sender;

use futures_channel::oneshot;
use imagecapture_core::limits::PHOTO_TIMEOUT;
use imagecapture_core::select::validate_constraints;
use imagecapture_core::{
    Error, MediaStreamTrackTrait, MediaTrackCapabilities, MediaTrackConstraints,
    MediaTrackSettings, ReadyState, Result, TrackKind,
};

use crate::formats::{capabilities_of, select_format, settings_of};
use crate::timer::timeout;
use crate::worker::{Command, Shared};

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
        match timeout(PHOTO_TIMEOUT, answer).await {
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

    fn get_capabilities(&self) -> MediaTrackCapabilities {
        capabilities_of(&self.shared().lock().formats, &self.inner.device_id)
    }

    fn get_constraints(&self) -> MediaTrackConstraints {
        self.shared().lock().constraints.clone()
    }

    fn get_settings(&self) -> MediaTrackSettings {
        settings_of(&self.shared().lock().format, &self.inner.device_id)
    }

    async fn apply_constraints(&self, constraints: &MediaTrackConstraints) -> Result<()> {
        validate_constraints(constraints)?;
        let (formats, current) = {
            let state = self.shared().lock();
            if state.ready_state == ReadyState::Ended {
                return Ok(());
            }
            (state.formats.clone(), state.format)
        };
        let format = select_format(&formats, constraints, &self.inner.device_id)?;
        if format == current {
            self.shared().lock().constraints = constraints.clone();
            return Ok(());
        }
        let constraints = Box::new(constraints.clone());
        self.request(
            |reply| Command::Reconfigure {
                format,
                constraints,
                reply,
            },
            "applyConstraints",
        )
        .await
    }
}
