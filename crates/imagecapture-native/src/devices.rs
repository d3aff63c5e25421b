//! `MediaDevices` natively: the platform's cameras through nokhwa, and the fake camera.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::{SystemTime, UNIX_EPOCH};

use futures_channel::oneshot;
use imagecapture_core::constraints::{ConstrainDOMString, ConstrainDOMStringParameters};
use imagecapture_core::controls::{Control, all_supported};
use imagecapture_core::limits::PHOTO_TIMEOUT;
use imagecapture_core::select::validate_constraints;
use imagecapture_core::{
    Error, ErrorName, MediaDeviceInfo, MediaDeviceKind, MediaDevicesTrait, MediaStream,
    MediaStreamConstraints, MediaTrackConstraints, MediaTrackSupportedConstraints, Result,
};

use crate::fake::{FakeCamera, FakeCameraConfig};
use crate::platform;
use crate::source::Source;
use crate::timer::timeout;
use crate::track::MediaStreamTrack;
use crate::worker;

/// The environment variable that adds the fake camera to [`MediaDevices::new`]: `1` for the
/// default (YUYV, MJPEG and NV12 at 320×240 to 1920×1080, 30 fps), or a spec such as `mjpeg`,
/// `nv12@15` (see [`FakeCameraConfig::from_spec`]).
pub const FAKE_CAMERA_ENV: &str = "IMAGECAPTURE_FAKE_CAMERA";

/// The cameras of this machine: `navigator.mediaDevices` for native programs.
///
/// # Camera controls
///
/// A track offers the Image Capture members its camera has controls for (zoom, pan, tilt,
/// focus, exposure, white balance, brightness, contrast, saturation, sharpness, ISO, exposure
/// compensation, torch), in the spec's units, through `getCapabilities()`, `getSettings()` and
/// `applyConstraints()`; on Linux through the V4L2 *absolute* controls and auto/manual
/// switches (the mapping table and the unit conversions are in [`crate::v4l2`]). Pan, tilt and
/// zoom are offered without being asked for (`{video: {zoom: true}}` is accepted and changes
/// nothing): there is no permission prompt natively. Controls can also be set in
/// `getUserMedia()`'s constraints.
///
/// # Digital zoom
///
/// [`with_digital_zoom`](Self::with_digital_zoom) (off by default) makes cameras without a
/// zoom of their own offer `zoom` (1–4, step 0.1), and `pan` and `tilt` (±180° in arc-seconds,
/// step 1°) where they lack those too, emulated: `grab_frame` and `take_photo` then deliver the
/// part of the picture they select, scaled to the full size (see
/// [`imagecapture_core::controls::digital`]; the web backend emulates alike).
#[derive(Debug, Clone)]
pub struct MediaDevices {
    platform: bool,
    fakes: Vec<FakeCamera>,
    /// A fake-camera spec from the environment that did not parse: reported by every call.
    env_error: Option<String>,
    /// Emulate zoom, pan and tilt on cameras without zoom.
    digital_zoom: bool,
}

impl Default for MediaDevices {
    fn default() -> Self {
        Self::new()
    }
}

impl MediaDevices {
    /// The platform's cameras, plus the fake camera when [`FAKE_CAMERA_ENV`] is set.
    ///
    /// ```no_run
    /// use imagecapture_core::{MediaDevicesTrait, MediaStreamConstraints};
    /// use imagecapture_native::MediaDevices;
    ///
    /// # pollster::block_on(async {
    /// let devices = MediaDevices::new();
    /// for camera in devices.enumerate_devices().await? {
    ///     println!("{} {}", camera.device_id, camera.label); // "camera:0 Integrated Camera"
    /// }
    /// let stream = devices.get_user_media(&MediaStreamConstraints::video()).await?;
    /// # Ok::<(), imagecapture_core::Error>(()) }).unwrap();
    /// ```
    pub fn new() -> Self {
        let mut devices = Self::platform();
        if let Ok(spec) = std::env::var(FAKE_CAMERA_ENV) {
            match FakeCameraConfig::from_spec(&spec) {
                Ok(config) => devices.fakes.push(FakeCamera::new(config)),
                Err(e) => devices.env_error = Some(format!("{FAKE_CAMERA_ENV}={spec:?}: {e}")),
            }
        }
        devices
    }

    /// The platform's cameras only.
    pub fn platform() -> Self {
        Self {
            platform: true,
            fakes: Vec::new(),
            env_error: None,
            digital_zoom: false,
        }
    }

    /// This fake camera only, as if it were the machine's one camera.
    ///
    /// ```
    /// use imagecapture_core::{MediaDevicesTrait, MediaStreamConstraints, MediaStreamTrackTrait};
    /// use imagecapture_native::MediaDevices;
    /// use imagecapture_native::fake::{FakeCamera, FakeCameraConfig};
    ///
    /// # pollster::block_on(async {
    /// let camera = FakeCamera::new(FakeCameraConfig::from_spec("mjpeg@15").expect("a spec"));
    /// let unplug = camera.handle();
    /// let devices = MediaDevices::with_fake_camera(camera);
    /// let stream = devices.get_user_media(&MediaStreamConstraints::video()).await?;
    /// let track = stream.video_track().expect("a video track");
    /// unplug.unplug(); // the track ends, as with a USB camera pulled out
    /// # Ok::<(), imagecapture_core::Error>(()) }).unwrap();
    /// ```
    pub fn with_fake_camera(camera: FakeCamera) -> Self {
        Self {
            platform: false,
            fakes: vec![camera],
            env_error: None,
            digital_zoom: false,
        }
    }

    /// These devices with digital zoom, pan and tilt on (`true`) or off for the cameras opened
    /// from now on (see [Digital zoom](Self#digital-zoom)).
    #[must_use]
    pub fn with_digital_zoom(mut self, on: bool) -> Self {
        self.digital_zoom = on;
        self
    }

    /// Turns digital zoom, pan and tilt on or off for the cameras opened from now on.
    pub fn set_digital_zoom(&mut self, on: bool) {
        self.digital_zoom = on;
    }

    /// Whether digital zoom, pan and tilt are on.
    #[must_use]
    pub fn digital_zoom(&self) -> bool {
        self.digital_zoom
    }

    /// Adds a fake camera after the platform's cameras.
    pub fn add_fake_camera(&mut self, camera: FakeCamera) {
        self.fakes.push(camera);
    }

    /// Every camera there is now, platform cameras first.
    fn sources(&self) -> Result<Vec<Source>> {
        if let Some(e) = &self.env_error {
            return Err(Error::type_error(e.clone()));
        }
        let mut sources = Vec::new();
        if self.platform {
            for camera in platform::cameras() {
                sources.push(Source::Platform {
                    device_id: camera.device_id(),
                    label: camera.label,
                    index: camera.index,
                });
            }
        }
        for (i, camera) in self.fakes.iter().enumerate() {
            // An unplugged fake camera is absent, as a webcam pulled out is.
            if camera.handle().is_unplugged() {
                continue;
            }
            sources.push(Source::Fake {
                camera: camera.clone(),
                device_id: format!("fake:{i}"),
            });
        }
        Ok(sources)
    }

    /// Opens `source` with `constraints` on its capture thread.
    async fn open(
        &self,
        source: Source,
        constraints: &MediaTrackConstraints,
    ) -> Result<MediaStreamTrack> {
        let (commands, receiver) = mpsc::channel();
        let (reply, opened) = oneshot::channel();
        let device_id = source.device_id();
        worker::spawn(
            source,
            constraints.clone(),
            self.digital_zoom,
            receiver,
            reply,
        )?;
        let opened = match timeout(PHOTO_TIMEOUT, opened).await {
            Some(Ok(outcome)) => outcome?,
            Some(Err(oneshot::Canceled)) => {
                return Err(Error::new(
                    ErrorName::NotReadable,
                    "the camera thread stopped while opening",
                ));
            }
            None => {
                return Err(Error::new(
                    ErrorName::NotReadable,
                    format!(
                        "the camera did not start within {} s",
                        PHOTO_TIMEOUT.as_secs()
                    ),
                ));
            }
        };
        Ok(MediaStreamTrack::new(
            new_id(),
            opened.label,
            device_id,
            opened.shared,
            commands,
        ))
    }
}

/// A unique id in the shape of a UUID, as browsers give tracks and streams.
fn new_id() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let t = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let a = t ^ (u64::from(std::process::id()) << 32);
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        (a >> 32) as u32,
        (a >> 16) as u16,
        a as u16 & 0xfff,
        (n >> 48) as u16 & 0xfff,
        n & 0xffff_ffff_ffff
    )
}

/// The device ids a `deviceId` constraint names, and whether it requires one of them.
fn wanted_ids(constraint: Option<&ConstrainDOMString>) -> (Vec<String>, bool) {
    match constraint {
        None => (Vec::new(), false),
        Some(ConstrainDOMString::Value(ids)) => (ids.as_slice().to_vec(), false),
        Some(ConstrainDOMString::Parameters(ConstrainDOMStringParameters { exact, ideal })) => {
            match (exact, ideal) {
                (Some(ids), _) => (ids.as_slice().to_vec(), true),
                (None, Some(ids)) => (ids.as_slice().to_vec(), false),
                (None, None) => (Vec::new(), false),
            }
        }
    }
}

impl MediaDevicesTrait for MediaDevices {
    type Track = MediaStreamTrack;

    async fn enumerate_devices(&self) -> Result<Vec<MediaDeviceInfo>> {
        Ok(self
            .sources()?
            .into_iter()
            .map(|source| MediaDeviceInfo {
                device_id: source.device_id(),
                kind: MediaDeviceKind::VideoInput,
                label: source.label(),
                group_id: source.device_id(),
            })
            .collect())
    }

    async fn get_user_media(
        &self,
        constraints: &MediaStreamConstraints,
    ) -> Result<MediaStream<MediaStreamTrack>> {
        let video = constraints.video.as_ref().and_then(|v| v.requested());
        let audio = constraints.audio.as_ref().and_then(|a| a.requested());
        let Some(video) = video else {
            return Err(if audio.is_some() {
                Error::not_supported("the native backend captures video only")
            } else {
                Error::type_error("getUserMedia needs audio or video to be requested")
            });
        };
        if audio.is_some() {
            return Err(Error::not_supported(
                "the native backend captures video only",
            ));
        }
        validate_constraints(&video)?;
        let mut sources = self.sources()?;
        if sources.is_empty() {
            return Err(Error::new(ErrorName::NotFound, "no camera found"));
        }
        // Try the cameras the deviceId constraint names first; each attempt runs the full
        // selection, so an exact deviceId that matches none ends as OverconstrainedError.
        let (ids, _) = wanted_ids(video.basic.device_id.as_ref());
        sources.sort_by_key(|s| !ids.contains(&s.device_id()));
        let mut first_overconstrained = None;
        for source in sources {
            match self.open(source, &video).await {
                Ok(track) => return Ok(MediaStream::new(new_id(), vec![track])),
                Err(e) if e.name() == ErrorName::Overconstrained => {
                    first_overconstrained.get_or_insert(e);
                }
                Err(e) => return Err(e),
            }
        }
        Err(first_overconstrained
            .unwrap_or_else(|| Error::new(ErrorName::NotFound, "no camera found")))
    }

    /// The format members and every image-capture member this backend maps (all but
    /// `pointsOfInterest`, which no V4L2 control reachable through nokhwa takes). Whether a
    /// camera has the control is for its track's `getCapabilities()` to say.
    fn get_supported_constraints(&self) -> MediaTrackSupportedConstraints {
        let mut supported = all_supported(MediaTrackSupportedConstraints {
            width: Some(true),
            height: Some(true),
            frame_rate: Some(true),
            aspect_ratio: Some(true),
            resize_mode: Some(true),
            device_id: Some(true),
            group_id: Some(true),
            ..MediaTrackSupportedConstraints::default()
        });
        Control::PointsOfInterest.set_supported_in(&mut supported, false);
        supported
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_uuid_shaped() {
        let (a, b) = (new_id(), new_id());
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(a.matches('-').count(), 4);
    }

    #[test]
    fn device_id_constraints_name_ids_and_tell_whether_required() {
        assert_eq!(wanted_ids(None), (vec![], false));
        let exact = ConstrainDOMString::exact("fake:0");
        assert_eq!(wanted_ids(Some(&exact)), (vec!["fake:0".to_string()], true));
    }
}
