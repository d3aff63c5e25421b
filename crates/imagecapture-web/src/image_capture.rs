//! `ImageCapture` in the browser: the browser's own method where it has one, ours where not.

use std::cell::{OnceCell, RefCell};
use std::rc::Rc;

use imagecapture_core::limits::{FRAME_TIMEOUT, PHOTO_TIMEOUT};
use imagecapture_core::photo_settings::{check_photo_setting_types, plan_photo};
use imagecapture_core::track::ULongRange;
use imagecapture_core::{
    Error, FillLightMode, ImageCaptureTrait, MediaSettingsRange, MediaStreamTrackTrait,
    PhotoCapabilities, PhotoSettings, ReadyState, RedEyeReduction, Result, TrackKind,
};
use js_sys::{Array, Promise};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::bitmap::{Blob, ImageBitmap};
use crate::browser::{self, Method};
use crate::source::VideoSource;
use crate::timer::{now_ms, within};
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
/// - the browser's `grabFrame` calls are made one at a time (Chrome rejects a call made while
///   another is pending): concurrent grabs all settle, each with its own frame;
/// - a browser method that rejects without a reason (Chrome's `grabFrame` does, now and then,
///   with `undefined`) is retried with ours;
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
    /// The browser's `grabFrame` calls, one at a time.
    grab_queue: Queue,
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
            grab_queue: Queue::default(),
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
        let (width, height) = self.current_size()?;
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
        Ok(PhotoCapabilities {
            red_eye_reduction: Some(RedEyeReduction::Never),
            image_height: Some(range(capabilities.height, height)),
            image_width: Some(range(capabilities.width, width)),
            // The flash is the torch, lit for the photo.
            fill_light_mode: Some(if has_torch {
                vec![FillLightMode::Off, FillLightMode::Flash]
            } else {
                Vec::new()
            }),
        })
    }

    async fn our_take_photo(&self, settings: &PhotoSettings) -> Result<Blob> {
        let capabilities = self.our_photo_capabilities()?;
        let plan = plan_photo(settings, &capabilities, self.current_size()?)?;
        let source = self.source()?;
        let result = within(PHOTO_TIMEOUT, "takePhoto", async {
            let flash = plan.fill_light_mode == Some(FillLightMode::Flash);
            let _torch = if flash {
                Some(Torch::light(&self.track).await?)
            } else {
                None
            };
            let deadline = now_ms() + FRAME_TIMEOUT.as_secs_f64() * 1000.0;
            let still = source.still(flash, deadline).await?;
            let view = self.digital_crop(still.size);
            photo::develop(&still.image, still.size, view, &plan, plan.encoding).await
        })
        .await;
        self.release_if_ended();
        result
    }

    async fn our_grab_frame(&self) -> Result<ImageBitmap> {
        let source = self.source()?;
        let deadline = now_ms() + FRAME_TIMEOUT.as_secs_f64() * 1000.0;
        let result = source.grab(self.track.size(), deadline).await;
        self.release_if_ended();
        result.map(ImageBitmap::from_raw)
    }

    // The browser's.

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
        // takes any size and any setting).
        let given = if browser::browser_has(Method::GetPhotoCapabilities) {
            self.browser_photo_capabilities_as_given(object).await?
        } else {
            None
        };
        let browser_flash = given.as_ref().is_some_and(|c| {
            c.fill_light_mode
                .as_ref()
                .is_some_and(|modes| modes.contains(&FillLightMode::Flash))
        });
        let capabilities = match given {
            Some(c) => self.completed(c),
            None => self.our_photo_capabilities()?,
        };
        let plan = plan_photo(settings, &capabilities, self.current_size()?)?;
        // A flash the browser does not offer is ours: the torch, lit for the browser's photo.
        let our_flash = plan.fill_light_mode == Some(FillLightMode::Flash) && !browser_flash;
        // The extensions are ours; the browser's dictionary has no such members.
        let browser_settings = PhotoSettings {
            mime_type: None,
            quality: None,
            fill_light_mode: if our_flash {
                None
            } else {
                settings.fill_light_mode
            },
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
        // Zoomed digitally: ours, drawn from the track's frames (the browser's photo does not
        // know the emulation).
        let browser = self
            .browser_object(Method::TakePhoto)
            .filter(|_| !self.digitally_zoomed());
        if let Some(object) = browser {
            let taken = within(
                PHOTO_TIMEOUT,
                "takePhoto",
                self.browser_take_photo(object, settings),
            )
            .await
            .map_err(as_failure)?;
            if let Some(photo) = taken {
                return Ok(photo);
            }
        }
        self.our_take_photo(settings).await.map_err(as_failure)
    }

    async fn get_photo_capabilities(&self) -> Result<PhotoCapabilities> {
        self.usable()?;
        if let Some(object) = self.browser_object(Method::GetPhotoCapabilities) {
            let limit = FRAME_TIMEOUT;
            let got = within(
                limit,
                "getPhotoCapabilities",
                self.browser_photo_capabilities(object),
            )
            .await
            .map_err(|e| e.renamed_unless_state())?;
            if let Some(capabilities) = got {
                return Ok(capabilities);
            }
        }
        self.our_photo_capabilities()
            .map_err(|e| e.renamed(imagecapture_core::ErrorName::Operation))
    }

    async fn get_photo_settings(&self) -> Result<PhotoSettings> {
        self.usable()?;
        if let Some(object) = self.browser_object(Method::GetPhotoSettings) {
            let got = within(
                FRAME_TIMEOUT,
                "getPhotoSettings",
                browser::call(object, Method::GetPhotoSettings, &Array::new()),
            )
            .await
            .map_err(|e| e.renamed_unless_state())?;
            if let Some(value) = got {
                let mut settings: PhotoSettings =
                    dictionary::from_js(&dictionary::plain_copy(&value, &PHOTO_KEYS).into());
                // WebKit leaves it out: no red-eye reduction it was asked for (as ours).
                settings.red_eye_reduction.get_or_insert(false);
                return Ok(settings);
            }
        }
        let (width, height) = self
            .current_size()
            .map_err(|e| e.renamed(imagecapture_core::ErrorName::Operation))?;
        Ok(PhotoSettings {
            // Chrome reports red-eye reduction as on only when the device always applies it.
            red_eye_reduction: Some(false),
            image_height: Some(f64::from(height)),
            image_width: Some(f64::from(width)),
            ..PhotoSettings::default()
        })
    }

    async fn grab_frame(&self) -> Result<ImageBitmap> {
        self.usable()?;
        if let Some(object) = self.browser_object(Method::GrabFrame) {
            let grabbed = self
                .grab_queue
                .run(within(
                    FRAME_TIMEOUT,
                    "grabFrame",
                    browser::call(object, Method::GrabFrame, &Array::new()),
                ))
                .await
                .map_err(as_failure)?;
            if let Some(value) = grabbed {
                let bitmap = value
                    .dyn_into::<web_sys::ImageBitmap>()
                    .map(ImageBitmap::from_raw)
                    .map_err(|_| {
                        Error::unknown("the browser's grabFrame() did not give an ImageBitmap")
                    })?;
                return self
                    .digitally_zoomed_frame(bitmap)
                    .await
                    .map_err(as_failure);
            }
        }
        let bitmap = self.our_grab_frame().await.map_err(as_failure)?;
        self.digitally_zoomed_frame(bitmap)
            .await
            .map_err(as_failure)
    }
}

/// For `takePhoto`/`grabFrame`: a failure under way is `UnknownError` (the spec's name for it;
/// WebKit rejects `OperationError` when the track ends meanwhile). The errors the spec gives
/// names of their own — the track's state, unsupported settings, WebIDL's `TypeError` — stay.
fn as_failure(error: Error) -> Error {
    use imagecapture_core::ErrorName;
    match error.name() {
        ErrorName::InvalidState
        | ErrorName::NotSupported
        | ErrorName::Type
        | ErrorName::Unknown => error,
        _ => error.renamed(ErrorName::Unknown),
    }
}

/// For `getPhotoCapabilities`/`getPhotoSettings`: failures other than the track's state are
/// `OperationError` (the spec's name for them).
trait RenameUnlessState {
    fn renamed_unless_state(self) -> Self;
}

impl RenameUnlessState for Error {
    fn renamed_unless_state(self) -> Self {
        match self.name() {
            imagecapture_core::ErrorName::InvalidState
            | imagecapture_core::ErrorName::Operation => self,
            _ => self.renamed(imagecapture_core::ErrorName::Operation),
        }
    }
}

/// Calls run one after another: each waits for the previous one to settle.
#[derive(Default)]
struct Queue {
    tail: RefCell<Option<Promise>>,
}

/// Lets the next call of a [`Queue`] run when dropped, however this call ended.
struct Turn(Option<js_sys::Function>);

impl Drop for Turn {
    fn drop(&mut self) {
        if let Some(release) = self.0.take() {
            let _ = release.call0(&JsValue::UNDEFINED);
        }
    }
}

impl Queue {
    async fn run<T>(&self, call: impl std::future::Future<Output = T>) -> T {
        let mut release = None;
        let mine = Promise::new(&mut |resolve, _reject| release = Some(resolve));
        let _turn = Turn(release);
        let previous = self.tail.replace(Some(mine));
        if let Some(previous) = previous {
            let _ = JsFuture::from(previous).await;
        }
        call.await
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
