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
#[derive(Debug, Clone, Default)]
pub struct MediaDevices {
    /// `None` where the page has no `navigator.mediaDevices` (not a secure context, or no
    /// `window`): every call then rejects.
    raw: Option<web_sys::MediaDevices>,
}

impl MediaDevices {
    /// `navigator.mediaDevices` of this page.
    pub fn new() -> Self {
        let raw = web_sys::window().and_then(|w| w.navigator().media_devices().ok());
        Self { raw }
    }

    /// Wraps a browser `MediaDevices` object.
    pub fn from_raw(raw: web_sys::MediaDevices) -> Self {
        Self { raw: Some(raw) }
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
            .collect();
        Ok(MediaStream::new(stream.id(), tracks))
    }

    fn get_supported_constraints(&self) -> MediaTrackSupportedConstraints {
        self.raw.as_ref().map_or_else(Default::default, |raw| {
            dictionary::from_js(&raw.get_supported_constraints().into())
        })
    }
}
