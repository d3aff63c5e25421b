//! `ImageCapture` in the browser: the browser's own method where it has one, ours where not.

use std::cell::{Cell, OnceCell, RefCell};
use std::rc::Rc;

use imagecapture_core::limits::{FRAME_TIMEOUT, PHOTO_TIMEOUT};
use imagecapture_core::photo_settings::{check_photo_setting_types, plan_photo};
use imagecapture_core::track::ULongRange;
use imagecapture_core::{
    Error, ErrorName, FillLightMode, ImageCaptureTrait, MediaSettingsRange, MediaStreamTrackTrait,
    PhotoCapabilities, PhotoSettings, ReadyState, RedEyeReduction, Result, TrackKind,
};
use js_sys::Array;
use wasm_bindgen::{JsCast, JsValue};

use crate::bitmap::{Blob, ImageBitmap};
use crate::browser::{self, Method};
use crate::source::VideoSource;
use crate::timer::{Either, now_ms, race, sleep, within};
use crate::track::MediaStreamTrack;
use crate::{dictionary, digital, photo};

/// How an [`ImageCapture`] picks between the browser's methods and ours.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ImageCaptureOptions {
    /// Use our implementation of every method, even where the browser has its own.
    pub force_polyfill: bool,
    /// Digital zoom, pan and tilt (opt-in): where the track's camera has no zoom of its own,
    /// the track offers `zoom` (and `pan`/`tilt` where it lacks them too) through its own
    /// `getCapabilities`/`getSettings`/`applyConstraints`, and `grab_frame`/`take_photo`
    /// deliver the cropped-and-scaled view. See
    /// [`MediaDevices::with_digital_zoom`](crate::MediaDevices::with_digital_zoom) for the
    /// details; the emulation is the same. (Feature `digital-zoom`, on by default.)
    #[cfg(feature = "digital-zoom")]
    pub digital_zoom: bool,
}

impl ImageCaptureOptions {
    /// Options that use our implementation of every method.
    pub const fn polyfill() -> Self {
        Self {
            force_polyfill: true,
            #[cfg(feature = "digital-zoom")]
            digital_zoom: false,
        }
    }

    /// These options with digital zoom, pan and tilt on or off. (Feature `digital-zoom`, on by
    /// default.)
    #[cfg(feature = "digital-zoom")]
    #[must_use]
    pub const fn with_digital_zoom(mut self, on: bool) -> Self {
        self.digital_zoom = on;
        self
    }
}

/// `ImageCapture`: stills and frames from a browser track.
///
/// Each method is the browser's own where `ImageCapture.prototype` has it (see
/// [`browser_has`](crate::browser_has)), unless [`ImageCaptureOptions::force_polyfill`] or
/// [`set_force_polyfill`](crate::set_force_polyfill) says otherwise; ours is used for the rest.
/// Either way:
///
/// - every method first rejects `InvalidStateError` on an ended or disabled track (as Chrome);
/// - `take_photo` first rejects `TypeError` for non-finite sizes and `NotSupportedError` for
///   settings outside the photo capabilities (the browser's own capabilities when its
///   `takePhoto` is used) — Chromium's own `takePhoto` accepts `fillLightMode: "flash"` on a
///   camera without a flash;
/// - `take_photo` honours `imageWidth`/`imageHeight` and the `type`/`quality` extensions: a
///   browser photo of another size or type is redrawn (see `photo::conform`); without a `type`
///   the browser's photo keeps its own type (PNG on Chromium's fake camera);
/// - `grab_frame` is the browser's only while ours has no frame yet (see
///   [`install_plan`](crate::install_plan)): the browser's grabs at once where ours first
///   starts a `<video>`, but once ours' frames flow ours hands out a waiting fresh frame at
///   once, where Chrome's waits for the next one; the browser's frame must be an
///   `ImageBitmap` of the track's size, and the frame ours hands out next one presented after
///   the browser's call resolved;
/// - a browser method that throws, returns something that is not a promise, or rejects with
///   something that is not a `DOMException` is replaced by ours for that call; so is a browser
///   `takePhoto` that fails while the track is still usable (WebKit's rejects for a canvas
///   track);
/// - `take_photo` does not pass the browser a member whose value is the camera's fixed state
///   (`redEyeReduction: false` where red-eye reduction is not controllable): the round trip
///   `takePhoto(await getPhotoSettings())` works (see `plan_photo`);
/// - the browser's photo capabilities are completed where it leaves members out (WebKit gives
///   only the sizes): `redEyeReduction` `"never"`, and on a track with a torch `fillLightMode`
///   `["off", "flash"]`, the flash then being the torch lit around the browser's photo;
/// - failures under way are the spec's names: `UnknownError` for `takePhoto`/`grabFrame`,
///   `OperationError` for the other two (WebKit rejects `OperationError` for a grab cut short);
/// - every call is bounded ([`FRAME_TIMEOUT`], [`PHOTO_TIMEOUT`]).
///
/// This is also what the npm package's `install()` puts around a browser method it wraps
/// (see [`install_plan`](crate::install_plan)).
///
/// Ours: frames come from one hidden `<video>` playing the track (see `source.rs`), created at
/// the first `grab_frame`/`take_photo` and released when the track ends or this is dropped.
pub struct ImageCapture {
    track: MediaStreamTrack,
    options: ImageCaptureOptions,
    /// The browser's own `ImageCapture` for this track, made at the first delegated call.
    browser: OnceCell<Option<JsValue>>,
    source: RefCell<Option<Rc<VideoSource>>>,
    /// Whether the browser's `grabFrame` was called: it serves one call at most (the first,
    /// while ours starts), as two of its frames in a row may be the same (Chrome's).
    browser_grabbed: Cell<bool>,
}

impl std::fmt::Debug for ImageCapture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImageCapture")
            .field("track", &self.track)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl ImageCapture {
    /// `new ImageCapture(track)` with these options.
    ///
    /// # Errors
    /// `NotSupportedError` when `track.kind` is not `"video"`.
    pub fn with_options(track: MediaStreamTrack, options: ImageCaptureOptions) -> Result<Self> {
        if track.kind() != TrackKind::Video {
            return Err(Error::not_supported(
                [
                    "ImageCapture needs a video track, not ",
                    track.kind().as_str(),
                ]
                .concat(),
            ));
        }
        #[cfg(feature = "digital-zoom")]
        if options.digital_zoom {
            // `None`: the camera has a zoom of its own (or the track takes no new methods).
            let _ = digital::attach(track.as_raw());
        }
        Ok(Self {
            track,
            options,
            browser: OnceCell::new(),
            source: RefCell::new(None),
            browser_grabbed: Cell::new(false),
        })
    }

    /// The options this was made with.
    pub fn options(&self) -> ImageCaptureOptions {
        self.options
    }

    /// Whether `method` is the browser's own on this object now (false: ours).
    pub fn uses_browser(&self, method: Method) -> bool {
        self.browser_object(method).is_some()
    }

    fn browser_object(&self, method: Method) -> Option<&JsValue> {
        if self.options.force_polyfill || browser::force_polyfill() || !browser::browser_has(method)
        {
            return None;
        }
        self.browser
            .get_or_init(|| browser::construct(self.track.as_raw()))
            .as_ref()
    }

    /// Our frame source, made on first use.
    fn source(&self) -> Result<Rc<VideoSource>> {
        let mut slot = self.source.borrow_mut();
        if let Some(source) = slot.as_ref() {
            return Ok(Rc::clone(source));
        }
        let source = Rc::new(VideoSource::new(self.track.as_raw())?);
        *slot = Some(Rc::clone(&source));
        Ok(source)
    }

    /// Lets the `<video>` go once the track has ended.
    fn release_if_ended(&self) {
        if self.track.ready_state() == ReadyState::Ended {
            self.source.borrow_mut().take();
        }
    }

    fn usable(&self) -> Result<()> {
        let checked = self.track.check_usable();
        if checked.is_err() {
            self.release_if_ended();
        }
        checked
    }

    /// The part of a `size` frame that digital zoom shows now, where the track has the
    /// emulation and it is not at the whole frame.
    fn digital_crop(&self, size: (u32, u32)) -> Option<(u32, u32, u32, u32)> {
        digital::of(self.track.as_raw()).and_then(|emulation| emulation.crop(size))
    }

    /// Whether digital zoom now shows less than the whole frame.
    fn digitally_zoomed(&self) -> bool {
        self.track
            .size()
            .is_some_and(|size| self.digital_crop(size).is_some())
    }

    /// `bitmap` as digital zoom shows it now: the shown part scaled to the bitmap's size (the
    /// original closed), or `bitmap` itself at the whole frame.
    ///
    /// A second copy, only while zoomed: cropping the VideoFrame our grab starts from would
    /// save it, but WebKit's createImageBitmap of a VideoFrame ignores the source rectangle
    /// (docs/webkit.md), and the browser's own grabFrame gives a bitmap anyway.
    async fn digitally_zoomed_frame(&self, bitmap: ImageBitmap) -> Result<ImageBitmap> {
        let size = (bitmap.as_raw().width(), bitmap.as_raw().height());
        let Some(crop) = self.digital_crop(size) else {
            return Ok(bitmap);
        };
        let zoomed = crate::bitmap::create_cropped(bitmap.as_raw().as_ref(), crop, size).await?;
        // `bitmap` is closed here, when it drops.
        Ok(ImageBitmap::from_raw(zoomed))
    }

    fn current_size(&self) -> Result<(u32, u32)> {
        self.track
            .size()
            .ok_or_else(|| Error::unknown("the track's settings give no frame size"))
    }

    // Ours.

    fn our_photo_capabilities(&self) -> Result<PhotoCapabilities> {
        Ok(self.photo_capabilities_for(self.current_size()?))
    }

    /// Our photo capabilities on a track whose frames are `(width, height)` now.
    fn photo_capabilities_for(&self, (width, height): (u32, u32)) -> PhotoCapabilities {
        let capabilities = self.track.get_capabilities();
        let range = |r: Option<ULongRange>, current: u32| {
            let (min, max) = match r {
                Some(ULongRange {
                    min: Some(min),
                    max: Some(max),
                }) if min <= max && max > 0 => (min.max(1).min(current), max.max(current)),
                _ => (current, current),
            };
            // Photos are scaled to any size in between.
            MediaSettingsRange::new(f64::from(min), f64::from(max), 1.0)
        };
        let has_torch = self.has_torch();
        PhotoCapabilities {
            red_eye_reduction: Some(RedEyeReduction::Never),
            image_height: Some(range(capabilities.height, height)),
            image_width: Some(range(capabilities.width, width)),
            // The flash is the torch, lit for the photo.
            fill_light_mode: Some(if has_torch {
                vec![FillLightMode::Off, FillLightMode::Flash]
            } else {
                Vec::new()
            }),
        }
    }

    async fn our_take_photo(&self, settings: &PhotoSettings) -> Result<Blob> {
        // The settings are checked before any frame is waited for, where the track's settings
        // give its size. A track whose settings give none (a canvas's or a generated track in
        // some browsers) has the size of its frames: the first frame decides.
        let planned = match self.track.size() {
            Some(size) => Some(plan_photo(
                settings,
                &self.photo_capabilities_for(size),
                size,
            )?),
            None => None,
        };
        let source = self.source()?;
        let result = within(PHOTO_TIMEOUT, "takePhoto", async {
            let deadline = now_ms() + FRAME_TIMEOUT.as_secs_f64() * 1000.0;
            let (plan, probe) = match planned {
                Some(plan) => (plan, None),
                None => {
                    let probe = source.still(false, deadline).await?;
                    let capabilities = self.photo_capabilities_for(probe.size);
                    (
                        plan_photo(settings, &capabilities, probe.size)?,
                        Some(probe),
                    )
                }
            };
            let flash = plan.fill_light_mode == Some(FillLightMode::Flash);
            let _torch = if flash {
                Some(Torch::light(&self.track).await?)
            } else {
                None
            };
            let still = match probe {
                Some(still) if !flash => still,
                _ => {
                    let deadline = now_ms() + FRAME_TIMEOUT.as_secs_f64() * 1000.0;
                    source.still(flash, deadline).await?
                }
            };
            let view = self.digital_crop(still.size);
            photo::develop(&still.image, still.size, view, &plan, plan.encoding).await
        })
        .await;
        self.release_if_ended();
        result
    }

    async fn our_grab_frame(&self, deadline: f64) -> Result<ImageBitmap> {
        let source = self.source()?;
        let result = source.grab(self.track.size(), deadline).await;
        self.release_if_ended();
        result.map(ImageBitmap::from_raw)
    }

    /// Whether ours has a frame for this track (its frames flow).
    fn our_frames_flow(&self) -> bool {
        self.source
            .borrow()
            .as_ref()
            .is_some_and(|source| source.has_frame())
    }

    // The browser's.

    /// The browser's `grabFrame` for the first grab, while ours has no frame yet, ours started
    /// meanwhile: the
    /// browser's frame when it is an `ImageBitmap` of the track's size and comes before ours
    /// has a frame; `None` for ours to serve the call (the browser's method is missing, threw,
    /// rejected without a `DOMException`, gave something else, ours' frames came first, or ours
    /// handed out a frame meanwhile, to a call made at the same time). The browser's frame
    /// counts as handed out: the next frame ours hands out is presented after it.
    ///
    /// # Errors
    /// The browser's rejection with a `DOMException`.
    async fn browser_grab_frame(
        &self,
        object: &JsValue,
        deadline: f64,
    ) -> Result<Option<ImageBitmap>> {
        self.browser_grabbed.set(true);
        let Some(promise) = browser::start_call(object, Method::GrabFrame, &Array::new()) else {
            return Ok(None);
        };
        // Ours starts now, in the background, so that later calls find its frames waiting.
        let source = self.source()?;
        source.start();
        let handed = source.handed_count();
        let browser = browser::settled(promise.clone());
        let value = match race(browser, source.first_frame(deadline)).await {
            Either::Left(settled) => settled?,
            Either::Right(()) => {
                // Ours serves this call; the browser's frame, if one comes, is closed.
                wasm_bindgen_futures::spawn_local(async move {
                    if let Ok(Some(value)) = browser::settled(promise).await {
                        if let Ok(bitmap) = value.dyn_into::<web_sys::ImageBitmap>() {
                            bitmap.close();
                        }
                    }
                });
                return Ok(None);
            }
        };
        let Some(value) = value else {
            return Ok(None);
        };
        let Ok(bitmap) = value.dyn_into::<web_sys::ImageBitmap>() else {
            return Ok(None);
        };
        // Closed when dropped, unless handed out.
        let bitmap = ImageBitmap::from_raw(bitmap);
        let size = (bitmap.as_raw().width(), bitmap.as_raw().height());
        if self.track.size().is_some_and(|wanted| wanted != size) || size.0 == 0 || size.1 == 0 {
            return Ok(None);
        }
        if source.handed_count() != handed {
            // A call made meanwhile got a frame of ours, which may be newer than this one.
            return Ok(None);
        }
        source.handed_elsewhere();
        Ok(Some(bitmap))
    }

    /// The browser's own photo capabilities, as it gives them; `None` when its call fell back.
    async fn browser_photo_capabilities_as_given(
        &self,
        object: &JsValue,
    ) -> Result<Option<PhotoCapabilities>> {
        let Some(value) =
            browser::call(object, Method::GetPhotoCapabilities, &Array::new()).await?
        else {
            return Ok(None);
        };
        Ok(Some(dictionary::from_js(
            &dictionary::plain_copy(&value, &PHOTO_KEYS).into(),
        )))
    }

    /// The browser's photo capabilities completed where it leaves members out (Chrome leaves
    /// out `fillLightMode` on a camera without a flash, WebKit gives only the sizes):
    ///
    /// - no `redEyeReduction`: `"never"`, nothing a page can control;
    /// - no `fillLightMode`: no mode;
    /// - on a track with a torch, where the browser offers no flash: `"off"` and `"flash"` are
    ///   added, the flash being ours (the torch, lit around the browser's photo, see
    ///   [`Self::browser_take_photo`]).
    fn completed(&self, mut capabilities: PhotoCapabilities) -> PhotoCapabilities {
        capabilities
            .red_eye_reduction
            .get_or_insert(RedEyeReduction::Never);
        let browser_flash = capabilities
            .fill_light_mode
            .as_ref()
            .is_some_and(|modes| modes.contains(&FillLightMode::Flash));
        let modes = capabilities.fill_light_mode.get_or_insert_with(Vec::new);
        if !browser_flash && self.has_torch() {
            for mode in [FillLightMode::Off, FillLightMode::Flash] {
                if !modes.contains(&mode) {
                    modes.push(mode);
                }
            }
        }
        capabilities
    }

    fn has_torch(&self) -> bool {
        self.track
            .get_capabilities()
            .torch
            .as_ref()
            .is_some_and(|values| values.contains(&true))
    }

    async fn browser_photo_capabilities(
        &self,
        object: &JsValue,
    ) -> Result<Option<PhotoCapabilities>> {
        let given = self.browser_photo_capabilities_as_given(object).await?;
        Ok(given.map(|c| self.completed(c)))
    }

    /// The browser's photo, after our checks, brought to what `settings` asked for.
    async fn browser_take_photo(
        &self,
        object: &JsValue,
        settings: &PhotoSettings,
    ) -> Result<Option<Blob>> {
        // The browser's own capabilities decide what is supported, as the browser would (and
        // where it would not: Chromium takes `fillLightMode: "flash"` without a flash, WebKit
        // takes any size and any setting). Settings with none of the spec's members ask for
        // nothing a capability could refuse: the browser's photo as it comes, at no extra call.
        let checks = settings.image_width.is_some()
            || settings.image_height.is_some()
            || settings.red_eye_reduction.is_some()
            || settings.fill_light_mode.is_some();
        let given = if checks && browser::browser_has(Method::GetPhotoCapabilities) {
            // Bounded as getPhotoCapabilities() itself: a browser's that never settles must
            // not hold the photo for the whole photo time.
            within(
                FRAME_TIMEOUT,
                "getPhotoCapabilities",
                self.browser_photo_capabilities_as_given(object),
            )
            .await?
        } else {
            None
        };
        let given_modes = given.as_ref().and_then(|c| c.fill_light_mode.clone());
        let given_red_eye = given.as_ref().and_then(|c| c.red_eye_reduction);
        let browser_flash = given_modes
            .as_ref()
            .is_some_and(|modes| modes.contains(&FillLightMode::Flash));
        let capabilities = match given {
            Some(c) => self.completed(c),
            None => self.our_photo_capabilities()?,
        };
        let plan = plan_photo(settings, &capabilities, self.current_size()?)?;
        // A flash the browser does not offer is ours: the torch, lit for the browser's photo.
        let our_flash = plan.fill_light_mode == Some(FillLightMode::Flash) && !browser_flash;
        // The extensions are ours; the browser's dictionary has no such members. A member the
        // browser does not offer to control, whose value `plan_photo` accepted as the camera's
        // fixed state (`redEyeReduction: false` where it is "never", `fillLightMode: "off"`
        // without any mode), is not passed on: Chrome rejects it (docs/chromium.md), and it
        // asks for nothing the photo would not be anyway.
        let browser_offers_mode = |mode: FillLightMode| {
            given_modes
                .as_ref()
                .is_some_and(|modes| modes.contains(&mode))
        };
        let browser_settings = PhotoSettings {
            mime_type: None,
            quality: None,
            fill_light_mode: settings
                .fill_light_mode
                .filter(|&mode| !our_flash && browser_offers_mode(mode)),
            red_eye_reduction: settings
                .red_eye_reduction
                .filter(|_| given_red_eye == Some(RedEyeReduction::Controllable)),
            ..settings.clone()
        };
        let args = Array::of1(&dictionary::to_js(&browser_settings)?);
        let _torch = if our_flash {
            Some(Torch::light(&self.track).await?)
        } else {
            None
        };
        let Some(value) = browser::call(object, Method::TakePhoto, &args).await? else {
            return Ok(None);
        };
        let blob: web_sys::Blob = value
            .dyn_into()
            .map_err(|_| Error::unknown("the browser's takePhoto() did not give a Blob"))?;
        photo::conform(blob, settings, &plan).await.map(Some)
    }
}

/// The members of `PhotoCapabilities` and `PhotoSettings` (copied by name: older browsers made
/// them interfaces with getters).
const PHOTO_KEYS: [&str; 4] = [
    "fillLightMode",
    "imageHeight",
    "imageWidth",
    "redEyeReduction",
];

impl Drop for ImageCapture {
    fn drop(&mut self) {
        // Stops the frame callbacks and detaches the track from the <video>.
        self.source.get_mut().take();
    }
}

impl ImageCapture {
    /// The spec's first step of every method, which runs when the method is called, before
    /// anything is waited for: `InvalidStateError` when the track is not `live` (or, as in
    /// Chrome and WPT, disabled). The `*_started` methods are the rest of each method, what
    /// the spec runs "in parallel": a JavaScript binding calls this synchronously and then the
    /// rest, so that a track stopped after the call began is a failure under way (the spec's
    /// `OperationError` for `getPhotoCapabilities`/`getPhotoSettings`), not an inactive track.
    ///
    /// # Errors
    /// `InvalidStateError` for an ended or disabled track.
    pub fn check_usable(&self) -> Result<()> {
        self.usable()
    }

    /// `takePhoto` after [`Self::check_usable`] (and WebIDL's conversion of the settings).
    ///
    /// # Errors
    /// As [`ImageCaptureTrait::take_photo`], but the track's state is not checked first.
    pub async fn take_photo_started(&self, settings: &PhotoSettings) -> Result<Blob> {
        // Zoomed digitally: ours, drawn from the track's frames (the browser's photo does not
        // know the emulation).
        let browser = self
            .browser_object(Method::TakePhoto)
            .filter(|_| !self.digitally_zoomed());
        if let Some(object) = browser {
            let photo = within(
                PHOTO_TIMEOUT,
                "takePhoto",
                self.browser_take_photo(object, settings),
            );
            // The track stopping settles the call at once: the browser's own may not (WebKit's
            // took 4–7 s to settle 25 photos in flight when their track stopped).
            let taken = match race(photo, self.until_unusable()).await {
                Either::Left(taken) => taken,
                Either::Right(()) => Err(Error::unknown(
                    "takePhoto: the track ended while the photo was under way",
                )),
            };
            match taken {
                Ok(Some(photo)) => return Ok(photo),
                // The browser's method is missing, threw or rejected without a DOMException.
                Ok(None) => {}
                // The spec's own answers (checked by us before the browser was called), and
                // any failure once the track is no longer usable, stay.
                Err(error)
                    if matches!(
                        error.name(),
                        ErrorName::NotSupported | ErrorName::Type | ErrorName::InvalidState
                    ) || self.track.check_usable().is_err() =>
                {
                    return Err(as_failure(error));
                }
                // The browser's photo failed on a usable track (WebKit's rejects for a canvas
                // track, a browser's that timed out): ours for this call, bounded in its turn.
                Err(_) => {}
            }
        }
        self.our_take_photo(settings).await.map_err(as_failure)
    }

    /// Resolves once the track is no longer usable (stopped, ended or disabled), looked at every
    /// 50 ms: `stop()` fires no event.
    async fn until_unusable(&self) {
        while self.track.check_usable().is_ok() {
            sleep(50.0).await;
        }
    }

    /// `getPhotoCapabilities` after [`Self::check_usable`]: every failure, the track ending
    /// meanwhile included, is `OperationError`.
    ///
    /// # Errors
    /// `OperationError` when the capabilities cannot be gathered.
    pub async fn get_photo_capabilities_started(&self) -> Result<PhotoCapabilities> {
        if let Some(object) = self.browser_object(Method::GetPhotoCapabilities) {
            let got = within(
                FRAME_TIMEOUT,
                "getPhotoCapabilities",
                self.browser_photo_capabilities(object),
            )
            .await
            .map_err(as_operation_failure)?;
            if let Some(capabilities) = got {
                return Ok(capabilities);
            }
        }
        self.our_photo_capabilities().map_err(as_operation_failure)
    }

    /// `getPhotoSettings` after [`Self::check_usable`]: every failure, the track ending
    /// meanwhile included, is `OperationError`.
    ///
    /// # Errors
    /// `OperationError` when the settings cannot be gathered.
    pub async fn get_photo_settings_started(&self) -> Result<PhotoSettings> {
        if let Some(object) = self.browser_object(Method::GetPhotoSettings) {
            let got = within(
                FRAME_TIMEOUT,
                "getPhotoSettings",
                browser::call(object, Method::GetPhotoSettings, &Array::new()),
            )
            .await
            .map_err(as_operation_failure)?;
            if let Some(value) = got {
                let mut settings: PhotoSettings =
                    dictionary::from_js(&dictionary::plain_copy(&value, &PHOTO_KEYS).into());
                // WebKit leaves it out: no red-eye reduction it was asked for (as ours).
                settings.red_eye_reduction.get_or_insert(false);
                return Ok(settings);
            }
        }
        let (width, height) = self.current_size().map_err(as_operation_failure)?;
        Ok(PhotoSettings {
            // Chrome reports red-eye reduction as on only when the device always applies it.
            red_eye_reduction: Some(false),
            image_height: Some(f64::from(height)),
            image_width: Some(f64::from(width)),
            ..PhotoSettings::default()
        })
    }

    /// `grabFrame` after [`Self::check_usable`]: the browser's while ours has no frame yet for
    /// the track (where the browser has one), ours once its frames flow (see
    /// [`install_plan`](crate::install_plan)).
    ///
    /// # Errors
    /// As [`ImageCaptureTrait::grab_frame`], but the track's state is not checked first.
    pub async fn grab_frame_started(&self) -> Result<ImageBitmap> {
        let deadline = now_ms() + FRAME_TIMEOUT.as_secs_f64() * 1000.0;
        let browser = self
            .browser_object(Method::GrabFrame)
            .filter(|_| !self.browser_grabbed.get() && !self.our_frames_flow());
        let mut grabbed = None;
        if let Some(object) = browser {
            match self.browser_grab_frame(object, deadline).await {
                Ok(bitmap) => grabbed = bitmap,
                // A failure once the track is no longer usable stays; on a usable track ours
                // serves the call.
                Err(error) if self.track.check_usable().is_err() => {
                    self.release_if_ended();
                    return Err(as_failure(error));
                }
                Err(_) => {}
            }
        }
        let bitmap = match grabbed {
            Some(bitmap) => bitmap,
            None => self.our_grab_frame(deadline).await.map_err(as_failure)?,
        };
        self.digitally_zoomed_frame(bitmap)
            .await
            .map_err(as_failure)
    }
}

impl ImageCaptureTrait for ImageCapture {
    type Track = MediaStreamTrack;
    type Frame = ImageBitmap;
    type Photo = Blob;

    fn new(track: MediaStreamTrack) -> Result<Self> {
        Self::with_options(track, ImageCaptureOptions::default())
    }

    fn track(&self) -> &MediaStreamTrack {
        &self.track
    }

    async fn take_photo(&self, settings: &PhotoSettings) -> Result<Blob> {
        check_photo_setting_types(settings)?;
        self.usable()?;
        self.take_photo_started(settings).await
    }

    async fn get_photo_capabilities(&self) -> Result<PhotoCapabilities> {
        self.usable()?;
        self.get_photo_capabilities_started().await
    }

    async fn get_photo_settings(&self) -> Result<PhotoSettings> {
        self.usable()?;
        self.get_photo_settings_started().await
    }

    async fn grab_frame(&self) -> Result<ImageBitmap> {
        self.usable()?;
        self.grab_frame_started().await
    }
}

/// For `takePhoto`/`grabFrame`: a failure under way is `UnknownError` (the spec's name for it;
/// WebKit rejects `OperationError` when the track ends meanwhile). The errors the spec gives
/// names of their own — the track's state, unsupported settings, WebIDL's `TypeError` — stay.
fn as_failure(error: Error) -> Error {
    match error.name() {
        ErrorName::InvalidState
        | ErrorName::NotSupported
        | ErrorName::Type
        | ErrorName::Unknown => error,
        _ => error.renamed(ErrorName::Unknown),
    }
}

/// For `getPhotoCapabilities`/`getPhotoSettings` once under way: every failure is
/// `OperationError`, the spec's name for data that "cannot be gathered for any reason (for
/// example, the MediaStreamTrack being ended asynchronously)". The track's state was checked
/// when the method was called ([`ImageCapture::check_usable`]); an `InvalidStateError` from
/// the browser's call (Chrome's, for a track that ended meanwhile) is such a failure too.
fn as_operation_failure(error: Error) -> Error {
    match error.name() {
        ErrorName::Operation => error,
        _ => error.renamed(ErrorName::Operation),
    }
}

/// The torch, lit for a photo and put out when dropped.
struct Torch {
    track: MediaStreamTrack,
}

impl Torch {
    async fn light(track: &MediaStreamTrack) -> Result<Self> {
        // Only `advanced`: nothing for the required-controls check to find.
        track.apply_unchecked(&torch(true)).await?;
        Ok(Self {
            track: track.clone(),
        })
    }
}

impl Drop for Torch {
    fn drop(&mut self) {
        let track = self.track.clone();
        wasm_bindgen_futures::spawn_local(async move {
            // Best effort: a track that ended has no torch to put out.
            let _ = track.apply_unchecked(&torch(false)).await;
        });
    }
}

fn torch(on: bool) -> imagecapture_core::MediaTrackConstraints {
    use imagecapture_core::constraints::ConstrainBoolean;
    imagecapture_core::MediaTrackConstraints {
        advanced: Some(vec![imagecapture_core::MediaTrackConstraintSet {
            torch: Some(ConstrainBoolean::Value(on)),
            ..Default::default()
        }]),
        ..Default::default()
    }
}
