//! `MediaStreamTrack` over the browser's own track object.

use imagecapture_core::controls::{Control, resolve_controls};
use imagecapture_core::{
    Error, ErrorName, MediaStreamTrackTrait, MediaTrackCapabilities, MediaTrackConstraints,
    MediaTrackSettings, MediaTrackSupportedConstraints, ReadyState, Result, TrackKind,
};
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::{dictionary, error};

/// `MediaStreamTrack`: a handle to a browser track. Clones are the same JavaScript object, so
/// `stop()` through one ends them all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaStreamTrack {
    raw: web_sys::MediaStreamTrack,
}

impl MediaStreamTrack {
    /// Wraps a browser track.
    pub fn from_raw(raw: web_sys::MediaStreamTrack) -> Self {
        Self { raw }
    }

    /// The browser's track object.
    pub fn as_raw(&self) -> &web_sys::MediaStreamTrack {
        &self.raw
    }

    /// The browser's track object, by value.
    pub fn into_raw(self) -> web_sys::MediaStreamTrack {
        self.raw
    }

    /// Turns digital zoom, pan and tilt on for this track (see
    /// [`MediaDevices`](crate::MediaDevices#digital-zoom)), for tracks that do not come from
    /// [`MediaDevices::with_digital_zoom`](crate::MediaDevices::with_digital_zoom) (a canvas's
    /// `captureStream()`, another library's `getUserMedia`). True when the track has the
    /// emulation now; false when its camera has a zoom of its own (that one is used), or the
    /// track object cannot take new methods. (Feature `digital-zoom`, on by default.)
    #[cfg(feature = "digital-zoom")]
    pub fn enable_digital_zoom(&self) -> bool {
        self.kind() == TrackKind::Video && crate::digital::attach(&self.raw).is_some()
    }

    /// `InvalidStateError` unless the track is live and enabled: the first check of every
    /// `ImageCapture` method (Chrome and WPT count a disabled track as inactive).
    pub(crate) fn check_usable(&self) -> Result<()> {
        if self.ready_state() == ReadyState::Ended {
            return Err(Error::invalid_state("the track has ended"));
        }
        if !self.raw.enabled() {
            return Err(Error::invalid_state("the track is disabled"));
        }
        Ok(())
    }

    /// The frame size the track runs at now, from its settings. Only the two members are read:
    /// every grab asks, and the whole dictionary is some thirty reads across the WebAssembly
    /// boundary.
    pub(crate) fn size(&self) -> Option<(u32, u32)> {
        use dictionary::Member;
        let settings: JsValue = self.raw.get_settings().into();
        let member = |name: &str| {
            Reflect::get(&settings, &JsValue::from_str(name))
                .ok()
                .and_then(|value| u32::read(&value))
        };
        Some((member("width")?, member("height")?)).filter(|&(w, h)| w > 0 && h > 0)
    }

    /// `OverconstrainedError` naming the first image-capture control that the basic set of
    /// `constraints` requires (`exact`, `min`, `max`) while the camera lacks it, among the
    /// controls the browser knows (`getSupportedConstraints()`): the spec's rule, and
    /// Chrome's. WebKit resolves such a call and leaves the track as it was, so an app would
    /// take the control for applied (docs/webkit.md). Anything else is the browser's to decide.
    fn check_required_controls(&self, constraints: &MediaTrackConstraints) -> Result<()> {
        let capabilities = self.get_capabilities();
        let basic = MediaTrackConstraints {
            basic: constraints.basic.clone(),
            advanced: None,
        };
        let Err(error) = resolve_controls(&basic, &capabilities, &self.get_settings()) else {
            return Ok(());
        };
        let lacking = error.name() == ErrorName::Overconstrained
            && error
                .constraint()
                .and_then(Control::from_name)
                .is_some_and(|control| {
                    control.capability_in(&capabilities).is_none()
                        && control.is_supported_in(&supported_constraints())
                });
        if lacking { Err(error) } else { Ok(()) }
    }
}

/// `navigator.mediaDevices.getSupportedConstraints()`, empty where there is none.
fn supported_constraints() -> MediaTrackSupportedConstraints {
    web_sys::window()
        .and_then(|w| w.navigator().media_devices().ok())
        .map_or_else(Default::default, |devices| {
            dictionary::from_js(&devices.get_supported_constraints().into())
        })
}

impl From<web_sys::MediaStreamTrack> for MediaStreamTrack {
    fn from(raw: web_sys::MediaStreamTrack) -> Self {
        Self::from_raw(raw)
    }
}

impl From<MediaStreamTrack> for web_sys::MediaStreamTrack {
    fn from(track: MediaStreamTrack) -> Self {
        track.raw
    }
}

impl AsRef<web_sys::MediaStreamTrack> for MediaStreamTrack {
    fn as_ref(&self) -> &web_sys::MediaStreamTrack {
        &self.raw
    }
}

impl MediaStreamTrackTrait for MediaStreamTrack {
    fn kind(&self) -> TrackKind {
        if self.raw.kind() == "video" {
            TrackKind::Video
        } else {
            TrackKind::Audio
        }
    }

    fn id(&self) -> String {
        self.raw.id()
    }

    fn label(&self) -> String {
        self.raw.label()
    }

    fn enabled(&self) -> bool {
        self.raw.enabled()
    }

    fn set_enabled(&self, enabled: bool) {
        self.raw.set_enabled(enabled);
    }

    fn muted(&self) -> bool {
        self.raw.muted()
    }

    fn ready_state(&self) -> ReadyState {
        match self.raw.ready_state() {
            web_sys::MediaStreamTrackState::Live => ReadyState::Live,
            _ => ReadyState::Ended,
        }
    }

    fn stop(&self) {
        self.raw.stop();
    }

    fn get_capabilities(&self) -> MediaTrackCapabilities {
        // Firefox before 132 has no getCapabilities(), and web-sys binds it only behind
        // `web_sys_unstable_apis`: look it up.
        let raw = Reflect::get(&self.raw, &"getCapabilities".into())
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
            .and_then(|f| f.call0(&self.raw).ok());
        raw.map_or_else(MediaTrackCapabilities::default, |raw| {
            dictionary::from_js(&capabilities_in_spec_shape(&raw))
        })
    }

    fn get_constraints(&self) -> MediaTrackConstraints {
        dictionary::from_js(&self.raw.get_constraints().into())
    }

    fn get_settings(&self) -> MediaTrackSettings {
        dictionary::from_js(&self.raw.get_settings().into())
    }

    async fn apply_constraints(&self, constraints: &MediaTrackConstraints) -> Result<()> {
        self.check_required_controls(constraints)?;
        self.apply_unchecked(constraints).await
    }
}

impl MediaStreamTrack {
    /// The browser's `applyConstraints(constraints)` alone, without
    /// [`check_required_controls`](Self::check_required_controls): for constraints whose basic
    /// set requires nothing (the torch's `advanced` set), where that check could only pass. It
    /// keeps the constraint resolver out of the npm package, which applies nothing else.
    pub(crate) async fn apply_unchecked(&self, constraints: &MediaTrackConstraints) -> Result<()> {
        let js = dictionary::to_js(constraints)?;
        let promise = self
            .raw
            .apply_constraints_with_constraints(js.unchecked_ref())
            .map_err(error::from_js)?;
        JsFuture::from(promise).await.map_err(error::from_js)?;
        Ok(())
    }
}

/// Chrome reports the `torch` capability as a boolean (`true` when there is a torch); the spec
/// (and our dictionary) has the list of the values it can take.
fn capabilities_in_spec_shape(raw: &JsValue) -> JsValue {
    let torch = Reflect::get(raw, &"torch".into()).unwrap_or(JsValue::UNDEFINED);
    let Some(has_torch) = torch.as_bool() else {
        return raw.clone();
    };
    let copy = Object::assign(&Object::new(), raw.unchecked_ref());
    let values = if has_torch {
        Array::of2(&false.into(), &true.into())
    } else {
        Array::of1(&false.into())
    };
    let _ = Reflect::set(&copy, &"torch".into(), &values);
    copy.into()
}
