//! The API as traits, one per spec interface, implemented by every backend.
//!
//! `async fn` without `Send` bounds: web futures hold `JsValue`s and cannot be `Send`. Native
//! backends' futures are `Send` on their own, and [`MaybeSend`] lets generic code ask for `Send`
//! only where it exists.
//!
//! The methods are the spec's, in snake_case. Each fallible method lists the errors it may return
//! in the order the spec checks them.

// A public trait with `async fn` cannot name `Send` for its futures; that is the point here (the
// web backend's futures are not `Send`), so the lint's advice does not apply.
#![allow(async_fn_in_trait)]

use crate::constraints::{MediaStreamConstraints, MediaTrackConstraints};
use crate::error::Result;
use crate::photo::{PhotoCapabilities, PhotoSettings};
use crate::track::{
    MediaDeviceInfo, MediaTrackCapabilities, MediaTrackSettings, MediaTrackSupportedConstraints,
    ReadyState, TrackKind,
};

/// `Send` on native targets, nothing on wasm (where nothing is `Send` and nothing needs to be).
#[cfg(not(target_arch = "wasm32"))]
pub trait MaybeSend: Send {}
#[cfg(not(target_arch = "wasm32"))]
impl<T: Send + ?Sized> MaybeSend for T {}
/// `Send` on native targets, nothing on wasm (where nothing is `Send` and nothing needs to be).
#[cfg(target_arch = "wasm32")]
pub trait MaybeSend {}
#[cfg(target_arch = "wasm32")]
impl<T: ?Sized> MaybeSend for T {}

/// `MediaDevices`: the cameras of this machine or browser.
pub trait MediaDevicesTrait {
    /// The track type `get_user_media` hands out.
    type Track: MediaStreamTrackTrait;

    /// `enumerateDevices()`: the cameras (and, in browsers, other media devices) present now.
    ///
    /// # Errors
    /// `UnknownError` when the platform cannot list its devices.
    async fn enumerate_devices(&self) -> Result<Vec<MediaDeviceInfo>>;

    /// `getUserMedia(constraints)`: opens a camera chosen by the constraints and returns a
    /// stream with one live video track.
    ///
    /// # Errors
    /// In the spec's order: `TypeError` when neither audio nor video is requested or a constraint
    /// holds a value WebIDL rejects (NaN, ±Infinity); `NotFoundError` when there is no camera;
    /// `OverconstrainedError` (with [`Error::constraint`](crate::Error::constraint)) when a
    /// required constraint cannot be met; `NotReadableError` when the camera is held by someone
    /// else or fails to start; `NotAllowedError` when access is refused; `NotSupportedError` for
    /// a kind of media the backend cannot capture.
    async fn get_user_media(
        &self,
        constraints: &MediaStreamConstraints,
    ) -> Result<MediaStream<Self::Track>>;

    /// `getSupportedConstraints()`: the constraint names this backend understands.
    fn get_supported_constraints(&self) -> MediaTrackSupportedConstraints;
}

/// `MediaStream`: what `getUserMedia` returns, a set of tracks.
#[derive(Debug, Clone)]
pub struct MediaStream<T> {
    id: String,
    tracks: Vec<T>,
}

impl<T: MediaStreamTrackTrait> MediaStream<T> {
    /// A stream of these tracks.
    pub fn new(id: impl Into<String>, tracks: Vec<T>) -> Self {
        Self {
            id: id.into(),
            tracks,
        }
    }

    /// The stream's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// `getTracks()`.
    pub fn get_tracks(&self) -> &[T] {
        &self.tracks
    }

    /// `getVideoTracks()`.
    pub fn get_video_tracks(&self) -> Vec<T> {
        self.tracks
            .iter()
            .filter(|t| t.kind() == TrackKind::Video)
            .cloned()
            .collect()
    }

    /// The first video track, the usual thing to hand to `ImageCapture`.
    pub fn video_track(&self) -> Option<T> {
        self.tracks
            .iter()
            .find(|t| t.kind() == TrackKind::Video)
            .cloned()
    }

    /// The tracks, by value.
    pub fn into_tracks(self) -> Vec<T> {
        self.tracks
    }
}

/// `MediaStreamTrack`: one live source of video. Clones are handles to the same track, as two
/// JavaScript references to one track object are.
pub trait MediaStreamTrackTrait: Clone {
    /// `kind`.
    fn kind(&self) -> TrackKind;
    /// `id`: unique per track.
    fn id(&self) -> String;
    /// `label`: the device's name.
    fn label(&self) -> String;
    /// `enabled`: a disabled track delivers black frames, and `ImageCapture` rejects its calls
    /// with `InvalidStateError` (as Chrome does).
    fn enabled(&self) -> bool;
    /// Sets `enabled`.
    fn set_enabled(&self, enabled: bool);
    /// `muted`: the source delivers no media for now (not under the app's control).
    fn muted(&self) -> bool;
    /// `readyState`.
    fn ready_state(&self) -> ReadyState;
    /// `stop()`: ends the track for good and releases the camera once no track uses it. Calls in
    /// flight settle (they reject); later calls reject `InvalidStateError`. Idempotent.
    fn stop(&self);
    /// `getCapabilities()`.
    fn get_capabilities(&self) -> MediaTrackCapabilities;
    /// `getConstraints()`: the constraints last applied successfully.
    fn get_constraints(&self) -> MediaTrackConstraints;
    /// `getSettings()`.
    fn get_settings(&self) -> MediaTrackSettings;
    /// `applyConstraints(constraints)`.
    ///
    /// # Errors
    /// `TypeError` for a value WebIDL rejects; `OverconstrainedError` naming the first required
    /// constraint that cannot be met (the track is then left exactly as it was). On an ended
    /// track there is nothing to apply: it resolves, as in browsers.
    async fn apply_constraints(&self, constraints: &MediaTrackConstraints) -> Result<()>;
}

/// `ImageCapture`: stills and frames from a video track.
pub trait ImageCaptureTrait: Sized {
    /// The track type this works on.
    type Track: MediaStreamTrackTrait;
    /// What `grab_frame` returns (`ImageBitmap`).
    type Frame: ImageBitmapTrait;
    /// What `take_photo` returns (`Blob`).
    type Photo: BlobTrait;

    /// `new ImageCapture(track)`.
    ///
    /// # Errors
    /// `NotSupportedError` when `track.kind` is not `"video"`.
    fn new(track: Self::Track) -> Result<Self>;

    /// `track`: the very track passed to the constructor.
    fn track(&self) -> &Self::Track;

    /// `takePhoto(settings)`: one still, encoded (`image/jpeg` unless
    /// [`PhotoSettings::mime_type`] asks otherwise), taken with these settings.
    ///
    /// # Errors
    /// In order: `TypeError` for a value WebIDL rejects (NaN, ±Infinity; JavaScript converts the
    /// dictionary before the method runs); `InvalidStateError` when the track is ended or
    /// disabled; `NotSupportedError` for settings outside
    /// `get_photo_capabilities()` or an unsupported `type`; `UnknownError` when the device fails
    /// or the track ends while the photo is taken.
    async fn take_photo(&self, settings: &PhotoSettings) -> Result<Self::Photo>;

    /// `getPhotoCapabilities()`.
    ///
    /// # Errors
    /// `InvalidStateError` when the track is ended or disabled; `OperationError` when the
    /// capabilities cannot be read, e.g. the track ends meanwhile.
    async fn get_photo_capabilities(&self) -> Result<PhotoCapabilities>;

    /// `getPhotoSettings()`: the settings a `take_photo` with no argument would use.
    ///
    /// # Errors
    /// `InvalidStateError` when the track is ended or disabled; `OperationError` when the
    /// settings cannot be read, e.g. the track ends meanwhile.
    async fn get_photo_settings(&self) -> Result<PhotoSettings>;

    /// `grabFrame()`: a fresh frame of the live video, sized as the track's settings say. Fresh
    /// means newer than any frame this `ImageCapture` handed out before: never the same twice.
    ///
    /// # Errors
    /// `InvalidStateError` when the track is ended or disabled; `UnknownError` when no frame
    /// arrives within the bound or the track ends while waiting.
    async fn grab_frame(&self) -> Result<Self::Frame>;
}

/// `ImageBitmap`: a decoded frame.
pub trait ImageBitmapTrait {
    /// Width in pixels.
    fn width(&self) -> u32;
    /// Height in pixels.
    fn height(&self) -> u32;
    /// The pixels, RGBA, 8 bits a channel, rows top to bottom, `width * height * 4` bytes.
    ///
    /// # Errors
    /// `InvalidStateError` when the bitmap was closed; `UnknownError` when the platform cannot
    /// read it back.
    async fn to_rgba(&self) -> Result<Vec<u8>>;
}

/// `Blob`: an encoded photo.
pub trait BlobTrait {
    /// The MIME type, e.g. `"image/jpeg"`.
    fn mime_type(&self) -> String;
    /// The size in bytes.
    fn size(&self) -> u64;
    /// The encoded bytes.
    ///
    /// # Errors
    /// `UnknownError` when the platform cannot read the blob.
    async fn bytes(&self) -> Result<Vec<u8>>;
}
