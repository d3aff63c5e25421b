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
    ///
    /// ```
    /// use imagecapture_core::{MediaDeviceKind, MediaDevicesTrait, Result};
    ///
    /// async fn camera_names(devices: &impl MediaDevicesTrait) -> Result<Vec<String>> {
    ///     let all = devices.enumerate_devices().await?;
    ///     let cameras = all.into_iter().filter(|d| d.kind == MediaDeviceKind::VideoInput);
    ///     Ok(cameras.map(|d| d.label).collect())
    /// }
    /// ```
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
    ///
    /// ```
    /// use imagecapture_core::constraints::ConstrainNumber;
    /// use imagecapture_core::{
    ///     ErrorName, MediaDevicesTrait, MediaStreamConstraints, MediaTrackConstraintSet, Result,
    /// };
    ///
    /// async fn hd_camera<D: MediaDevicesTrait>(devices: &D) -> Result<Option<D::Track>> {
    ///     let hd = MediaTrackConstraintSet {
    ///         width: Some(ConstrainNumber::ideal(1280)),
    ///         ..Default::default()
    ///     };
    ///     match devices.get_user_media(&MediaStreamConstraints::video_with(hd)).await {
    ///         Ok(stream) => Ok(stream.video_track()),
    ///         Err(e) if e.name() == ErrorName::NotFound => Ok(None), // no camera at all
    ///         Err(e) => Err(e),
    ///     }
    /// }
    /// ```
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
    ///
    /// ```
    /// use imagecapture_core::constraints::{BoolOrConstrainDouble, ConstrainNumber};
    /// use imagecapture_core::{
    ///     MediaStreamTrackTrait, MediaTrackConstraintSet, MediaTrackConstraints, Result,
    /// };
    ///
    /// /// Zooms as far as the camera goes, up to 2×, where it has a zoom.
    /// async fn zoom_in(track: &impl MediaStreamTrackTrait) -> Result<Option<f64>> {
    ///     let Some(range) = track.get_capabilities().zoom else { return Ok(None) };
    ///     let zoom = range.max.unwrap_or(1.0).min(2.0);
    ///     let set = MediaTrackConstraintSet {
    ///         zoom: Some(BoolOrConstrainDouble::Constrain(ConstrainNumber::ideal(zoom))),
    ///         ..Default::default()
    ///     };
    ///     let constraints = MediaTrackConstraints {
    ///         advanced: Some(vec![set]),
    ///         ..Default::default()
    ///     };
    ///     track.apply_constraints(&constraints).await?;
    ///     Ok(track.get_settings().zoom)
    /// }
    /// ```
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
    ///
    /// ```
    /// use imagecapture_core::{ImageCaptureTrait, MediaStreamTrackTrait, Result, TrackKind};
    ///
    /// fn capture_of<C: ImageCaptureTrait>(track: C::Track) -> Result<C> {
    ///     assert_eq!(track.kind(), TrackKind::Video, "an audio track is NotSupportedError");
    ///     C::new(track)
    /// }
    /// ```
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
    ///
    /// ```
    /// use imagecapture_core::{BlobTrait, ImageCaptureTrait, PhotoSettings, Result};
    ///
    /// /// A PNG as wide as the camera allows.
    /// async fn widest_png(capture: &impl ImageCaptureTrait) -> Result<Vec<u8>> {
    ///     let widest = capture.get_photo_capabilities().await?.image_width.and_then(|r| r.max);
    ///     let settings = PhotoSettings {
    ///         image_width: widest,
    ///         mime_type: Some("image/png".into()),
    ///         ..Default::default()
    ///     };
    ///     capture.take_photo(&settings).await?.bytes().await
    /// }
    /// ```
    async fn take_photo(&self, settings: &PhotoSettings) -> Result<Self::Photo>;

    /// `getPhotoCapabilities()`.
    ///
    /// # Errors
    /// `InvalidStateError` when the track is ended or disabled; `OperationError` when the
    /// capabilities cannot be read, e.g. the track ends meanwhile.
    ///
    /// ```
    /// use imagecapture_core::{FillLightMode, ImageCaptureTrait, Result};
    ///
    /// async fn has_flash(capture: &impl ImageCaptureTrait) -> Result<bool> {
    ///     let modes = capture.get_photo_capabilities().await?.fill_light_mode;
    ///     Ok(modes.is_some_and(|m| m.contains(&FillLightMode::Flash)))
    /// }
    /// ```
    async fn get_photo_capabilities(&self) -> Result<PhotoCapabilities>;

    /// `getPhotoSettings()`: the settings a `take_photo` with no argument would use.
    ///
    /// # Errors
    /// `InvalidStateError` when the track is ended or disabled; `OperationError` when the
    /// settings cannot be read, e.g. the track ends meanwhile.
    ///
    /// ```
    /// use imagecapture_core::{ImageCaptureTrait, Result};
    ///
    /// async fn default_photo_size(capture: &impl ImageCaptureTrait) -> Result<(f64, f64)> {
    ///     let settings = capture.get_photo_settings().await?;
    ///     Ok((settings.image_width.unwrap_or(0.0), settings.image_height.unwrap_or(0.0)))
    /// }
    /// ```
    async fn get_photo_settings(&self) -> Result<PhotoSettings>;

    /// `grabFrame()`: a fresh frame of the live video, sized as the track's settings say. Fresh
    /// means newer than any frame this `ImageCapture` handed out before: never the same twice.
    ///
    /// # Errors
    /// `InvalidStateError` when the track is ended or disabled; `UnknownError` when no frame
    /// arrives within the bound or the track ends while waiting.
    ///
    /// ```
    /// use imagecapture_core::{ImageBitmapTrait, ImageCaptureTrait, Result};
    ///
    /// /// The mean brightness of the next `n` frames, one value per frame.
    /// async fn brightness(capture: &impl ImageCaptureTrait, n: usize) -> Result<Vec<f64>> {
    ///     let mut means = Vec::with_capacity(n);
    ///     for _ in 0..n {
    ///         let rgba = capture.grab_frame().await?.to_rgba().await?;
    ///         let channels = rgba.chunks_exact(4).flat_map(|p| [p[0], p[1], p[2]]);
    ///         let sum: u64 = channels.map(u64::from).sum();
    ///         means.push(sum as f64 / (rgba.len() / 4 * 3).max(1) as f64);
    ///     }
    ///     Ok(means)
    /// }
    /// ```
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
    ///
    /// ```
    /// use imagecapture_core::{ImageBitmapTrait, Result};
    ///
    /// /// The pixel in the middle of the frame, as `[r, g, b, a]`.
    /// async fn centre(frame: &impl ImageBitmapTrait) -> Result<[u8; 4]> {
    ///     let (w, h) = (frame.width() as usize, frame.height() as usize);
    ///     let rgba = frame.to_rgba().await?;
    ///     let at = ((h / 2) * w + w / 2) * 4;
    ///     Ok([rgba[at], rgba[at + 1], rgba[at + 2], rgba[at + 3]])
    /// }
    /// ```
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
    ///
    /// ```
    /// use imagecapture_core::{BlobTrait, Result};
    ///
    /// /// A file name and the bytes to write into it.
    /// async fn as_file(photo: &impl BlobTrait) -> Result<(String, Vec<u8>)> {
    ///     let extension = if photo.mime_type() == "image/png" { "png" } else { "jpg" };
    ///     Ok((format!("photo.{extension}"), photo.bytes().await?))
    /// }
    /// ```
    async fn bytes(&self) -> Result<Vec<u8>>;
}
