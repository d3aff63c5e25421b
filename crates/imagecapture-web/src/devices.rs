//! `MediaDevices` over `navigator.mediaDevices`.

use imagecapture_core::{
    Error, MediaDeviceInfo, MediaDeviceKind, MediaDevicesTrait, MediaStream,
    MediaStreamConstraints, MediaTrackSupportedConstraints, Result,
};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::track::MediaStreamTrack;
use crate::{dictionary, error};

/// `MediaDevices`: the browser's cameras, through `navigator.mediaDevices`.
///
/// # Digital zoom
///
/// [`with_digital_zoom`](Self::with_digital_zoom) (off by default) gives the video tracks of
/// cameras without a zoom of their own a digital zoom, pan and tilt, as the native backend's
/// `MediaDevices::with_digital_zoom` does: the track offers `zoom` 1–4 (step 0.1), and `pan`
/// and `tilt` ±180° in arc-seconds where it lacks them too, in `getCapabilities()`,
/// `getSettings()` and `applyConstraints()` (the track object's own methods, so page code sees
/// them too), and every `ImageCapture` on the track delivers the cropped-and-scaled view from
/// `grab_frame` and `take_photo` (a photo is then always ours, drawn from the track's frames).
/// The ranges and rules are the core's (`imagecapture_core::controls::digital`). It needs the
/// `digital-zoom` feature (on by default).
#[derive(Debug, Clone, Default)]
pub struct MediaDevices {
    /// `None` where the page has no `navigator.mediaDevices` (not a secure context, or no
    /// `window`): every call then rejects.
    raw: Option<web_sys::MediaDevices>,
    #[cfg(feature = "digital-zoom")]
    digital_zoom: bool,
}

impl MediaDevices {
    /// `navigator.mediaDevices` of this page.
    pub fn new() -> Self {
        let raw = web_sys::window().and_then(|w| w.navigator().media_devices().ok());
        Self {
            raw,
            #[cfg(feature = "digital-zoom")]
            digital_zoom: false,
        }
    }

    /// Wraps a browser `MediaDevices` object.
    pub fn from_raw(raw: web_sys::MediaDevices) -> Self {
        Self {
            raw: Some(raw),
            #[cfg(feature = "digital-zoom")]
            digital_zoom: false,
        }
    }

    /// These devices with digital zoom, pan and tilt on (`true`) or off for the tracks opened
    /// from now on (see [Digital zoom](Self#digital-zoom)).
    #[cfg(feature = "digital-zoom")]
    #[must_use]
    pub fn with_digital_zoom(mut self, on: bool) -> Self {
        self.digital_zoom = on;
        self
    }

    /// The browser's object; `None` where the page has none (not a secure context).
    pub fn as_raw(&self) -> Option<&web_sys::MediaDevices> {
        self.raw.as_ref()
    }

    fn raw(&self) -> Result<&web_sys::MediaDevices> {
        self.raw.as_ref().ok_or_else(|| {
            Error::not_supported(
                "navigator.mediaDevices is missing: cameras need a secure context (https or localhost)",
            )
        })
    }
}

#[cfg(feature = "digital-zoom")]
impl MediaDevices {
    /// The emulation on the video tracks of `tracks`, when these devices turn it on.
    fn attach_digital_zoom(&self, tracks: &[MediaStreamTrack]) {
        use imagecapture_core::{MediaStreamTrackTrait, TrackKind};
        if !self.digital_zoom {
            return;
        }
        for track in tracks.iter().filter(|t| t.kind() == TrackKind::Video) {
            // `None`: the camera has a zoom of its own.
            let _ = crate::digital::attach(track.as_raw());
        }
    }

    /// `supported` with zoom, pan and tilt, when these devices turn the emulation on: every
    /// track they open may offer them (emulated where the camera lacks them).
    fn with_digital_zoom_supported(
        &self,
        mut supported: MediaTrackSupportedConstraints,
    ) -> MediaTrackSupportedConstraints {
        if self.digital_zoom {
            use imagecapture_core::controls::Control;
            for control in [Control::Zoom, Control::Pan, Control::Tilt] {
                control.set_supported_in(&mut supported, true);
            }
        }
        supported
    }
}

impl MediaDevicesTrait for MediaDevices {
    type Track = MediaStreamTrack;

    async fn enumerate_devices(&self) -> Result<Vec<MediaDeviceInfo>> {
        let promise = self.raw()?.enumerate_devices().map_err(error::from_js)?;
        let list = JsFuture::from(promise).await.map_err(error::from_js)?;
        let list: js_sys::Array = list
            .dyn_into()
            .map_err(|_| Error::unknown("enumerateDevices() did not give a list"))?;
        Ok(list
            .iter()
            .filter_map(|d| d.dyn_into::<web_sys::MediaDeviceInfo>().ok())
            .filter_map(|d| {
                let kind = match d.kind() {
                    web_sys::MediaDeviceKind::Videoinput => MediaDeviceKind::VideoInput,
                    web_sys::MediaDeviceKind::Audioinput => MediaDeviceKind::AudioInput,
                    web_sys::MediaDeviceKind::Audiooutput => MediaDeviceKind::AudioOutput,
                    _ => return None,
                };
                Some(MediaDeviceInfo {
                    device_id: d.device_id(),
                    kind,
                    label: d.label(),
                    group_id: d.group_id(),
                })
            })
            .collect())
    }

    async fn get_user_media(
        &self,
        constraints: &MediaStreamConstraints,
    ) -> Result<MediaStream<MediaStreamTrack>> {
        let raw = self.raw()?;
        let js = dictionary::to_js(constraints)?;
        let promise = raw
            .get_user_media_with_constraints(js.unchecked_ref())
            .map_err(error::from_js)?;
        let stream = JsFuture::from(promise).await.map_err(error::from_js)?;
        let stream: web_sys::MediaStream = stream
            .dyn_into()
            .map_err(|_| Error::unknown("getUserMedia() did not give a MediaStream"))?;
        let tracks = stream
            .get_tracks()
            .iter()
            .filter_map(|t| t.dyn_into::<web_sys::MediaStreamTrack>().ok())
            .map(MediaStreamTrack::from_raw)
            .collect::<Vec<_>>();
        #[cfg(feature = "digital-zoom")]
        self.attach_digital_zoom(&tracks);
        Ok(MediaStream::new(stream.id(), tracks))
    }

    fn get_supported_constraints(&self) -> MediaTrackSupportedConstraints {
        let supported: MediaTrackSupportedConstraints =
            self.raw.as_ref().map_or_else(Default::default, |raw| {
                dictionary::from_js(&raw.get_supported_constraints().into())
            });
        #[cfg(feature = "digital-zoom")]
        let supported = self.with_digital_zoom_supported(supported);
        supported
    }
}
