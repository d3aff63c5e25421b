//! The conformance suite in a browser, on the web backend, five times in one build:
//!
//! - `own`: the browser's own `ImageCapture` methods where it has them, behind our checks, as
//!   `install()` wraps them (four in Chromium and WebKit, `grabFrame` for a first grab while
//!   ours starts; none in Firefox, where this is ours again), ours for the rest;
//! - `forced`: ours for every method (`set_force_polyfill(true)`);
//! - `forced_without_video_frame`, `forced_polling`: ours again, as in older browsers that lack
//!   `VideoFrame`, or `VideoFrame` and `requestVideoFrameCallback` (the fallbacks of our
//!   `grabFrame`);
//! - `digital_zoom`: as `own`, on tracks with digital zoom, pan and tilt (the control cases
//!   then run on the emulated zoom where the browser's camera has no controls of its own).
//!
//! The digital zoom case itself runs on a canvas test card in every mode (see
//! [`test_card_track`]).
//!
//! What differs between browsers is learnt at run time from the browser itself (its raw APIs,
//! not this crate's), so a bug of ours cannot excuse itself as a browser trait.
//!
//! **A browser of another shape.** Built with `IMAGECAPTURE_CONFORMANCE_REMOVE=grabFrame` (a
//! comma-separated list of methods), every test first deletes those methods from the browser's
//! `ImageCapture.prototype`, before it makes any `ImageCapture`: WebKit's own ImageCapture then
//! has the shape of Safari 18.x, and `own` runs it as such (the web crate looks each method up
//! on the prototype at every call). `cargo xtask test` builds it so for its `webkit-partial`
//! target (crates/xtask/src/webkit.rs).
//!
//! Run (see tests/conformance/webdriver.json for the fake-camera settings):
//! `CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
//! WASM_BINDGEN_TEST_WEBDRIVER_JSON=tests/conformance/webdriver.json CHROMEDRIVER=/usr/bin/chromedriver
//! cargo test --target wasm32-unknown-unknown -p imagecapture-conformance --test web`
//! (or `GECKODRIVER=~/.cargo/bin/geckodriver` for Firefox; WebKit: see crates/xtask/src/webkit.rs).

#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::cell::RefCell;

use imagecapture_conformance::{Expectations, Harness, Outcome, cases, for_each_case};
use imagecapture_core::{
    ImageCaptureTrait, MediaDeviceInfo, MediaDevicesTrait, MediaStream, MediaStreamConstraints,
    MediaTrackSupportedConstraints,
};
use imagecapture_web::{
    ImageCapture, ImageCaptureOptions, Install, MediaDevices, MediaStreamTrack, Method,
    browser_has, install_plan, set_force_polyfill,
};
use js_sys::{Object, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// The browser's own methods where it has them.
    Own,
    /// Ours for every method.
    Forced,
    /// Ours, as in a browser with `requestVideoFrameCallback` but no `VideoFrame` (Safari
    /// 15.4–16.3).
    ForcedWithoutVideoFrame,
    /// Ours, as in a browser with neither (Firefox before 130): frames found by polling.
    ForcedPolling,
    /// The browser's own methods where it has them, on tracks with digital zoom, pan and tilt
    /// (`MediaDevices::with_digital_zoom`): every case again on tracks whose
    /// `getCapabilities`/`getSettings`/`applyConstraints` are the emulation's, and the control
    /// cases on the emulated zoom where the camera has no controls of its own (Firefox).
    DigitalZoom,
}

/// The methods this build removes from the browser's `ImageCapture.prototype` (see the top).
const REMOVED_METHODS: Option<&str> = option_env!("IMAGECAPTURE_CONFORMANCE_REMOVE");

/// Gives the browser's `ImageCapture` the shape this build runs it in: removes the methods of
/// [`REMOVED_METHODS`] from its prototype. Before anything else in every test (idempotent).
fn shape_the_browser() {
    let Some(methods) = REMOVED_METHODS else {
        return;
    };
    let prototype = Reflect::get(&js_sys::global(), &"ImageCapture".into())
        .and_then(|c| Reflect::get(&c, &"prototype".into()))
        .expect("IMAGECAPTURE_CONFORMANCE_REMOVE, but the browser has no ImageCapture");
    for method in methods.split(',').map(str::trim).filter(|m| !m.is_empty()) {
        Reflect::delete_property(prototype.unchecked_ref::<Object>(), &method.into()).unwrap();
        assert!(
            !Reflect::has(&prototype, &method.into()).unwrap(),
            "ImageCapture.prototype.{method} is still there"
        );
    }
}

/// What the browser's camera does, read once per page from the browser's raw APIs.
#[derive(Debug, Clone)]
struct Camera {
    /// `takePhoto()`'s type from the browser's own ImageCapture, where it has `takePhoto`.
    own_photo_type: Option<String>,
    /// `applyConstraints({width: {exact: other_width}})` changes the settings' width.
    resizes_on_apply: bool,
    /// ... and the camera's frames too, as a `<video>` playing the track shows them. WebKit's
    /// mock camera changes only the settings: the browser's own `grabFrame` then keeps handing
    /// out frames of the old size (ours scales them to the settings' size). Not an expectation
    /// (a wrapped `grabFrame` hands out a frame of the browser's only at the track's size), but
    /// kept for the record of what the camera does.
    #[expect(dead_code, reason = "the camera's behaviour, no longer an expectation")]
    frames_follow_apply: bool,
    /// `applyConstraints({width: {exact: 99999}})` rejects.
    apply_rejects_impossible: bool,
    other_width: u32,
}

thread_local! {
    static CAMERA: RefCell<Option<Camera>> = const { RefCell::new(None) };
}

async fn js(promise: Result<Promise, JsValue>) -> Result<JsValue, JsValue> {
    JsFuture::from(promise?).await
}

fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

fn exact_width(width: u32) -> web_sys::MediaTrackConstraints {
    let exact = Object::new();
    Reflect::set(&exact, &"exact".into(), &width.into()).unwrap();
    let constraints = Object::new();
    Reflect::set(&constraints, &"width".into(), &exact).unwrap();
    constraints.unchecked_into()
}

async fn learn_camera() -> Camera {
    let devices = web_sys::window()
        .unwrap()
        .navigator()
        .media_devices()
        .unwrap();
    let constraints = web_sys::MediaStreamConstraints::new();
    constraints.set_video(&JsValue::TRUE);
    let stream: web_sys::MediaStream = js(devices.get_user_media_with_constraints(&constraints))
        .await
        .expect("getUserMedia({video: true}) in the browser")
        .unchecked_into();
    let track: web_sys::MediaStreamTrack = stream.get_video_tracks().get(0).unchecked_into();
    let width = |track: &web_sys::MediaStreamTrack| {
        get(&track.get_settings(), "width").as_f64().unwrap_or(0.0) as u32
    };
    let current = width(&track);
    let max = Reflect::get(&track, &"getCapabilities".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .and_then(|f| f.call0(&track).ok())
        .map(|caps| get(&get(&caps, "width"), "max"))
        .and_then(|m| m.as_f64())
        .unwrap_or(f64::from(current)) as u32;
    // A common camera size other than the current one.
    let other_width = [1280, 320, 800]
        .into_iter()
        .find(|&w| w != current && w <= max)
        .unwrap_or(current);

    let own_photo_type = if browser_has(Method::TakePhoto) {
        let constructor = get(&js_sys::global(), "ImageCapture");
        let capture = Reflect::construct(
            constructor.unchecked_ref::<js_sys::Function>(),
            &js_sys::Array::of1(&track),
        )
        .expect("new ImageCapture(track)");
        let take = get(&capture, "takePhoto");
        let promise = take
            .unchecked_ref::<js_sys::Function>()
            .call0(&capture)
            .expect("takePhoto()");
        let blob: web_sys::Blob = JsFuture::from(promise.unchecked_into::<Promise>())
            .await
            .expect("the browser's own takePhoto()")
            .unchecked_into();
        Some(blob.type_())
    } else {
        None
    };

    let resizes_on_apply = js(track.apply_constraints_with_constraints(&exact_width(other_width)))
        .await
        .is_ok()
        && width(&track) == other_width;
    let frames_follow_apply = resizes_on_apply && video_width_becomes(&track, other_width).await;
    let apply_rejects_impossible =
        js(track.apply_constraints_with_constraints(&exact_width(99_999)))
            .await
            .is_err();
    track.stop();
    Camera {
        own_photo_type,
        resizes_on_apply,
        frames_follow_apply,
        apply_rejects_impossible,
        other_width,
    }
}

/// Whether a `<video>` playing `track` shows frames `width` wide within 2 s.
async fn video_width_becomes(track: &web_sys::MediaStreamTrack, width: u32) -> bool {
    let call = |target: &JsValue, method: &str, args: &js_sys::Array| {
        Reflect::get(target, &method.into())
            .and_then(|f| Reflect::apply(f.unchecked_ref::<js_sys::Function>(), target, args))
    };
    let document = get(&js_sys::global(), "document");
    let video = call(
        &document,
        "createElement",
        &js_sys::Array::of1(&"video".into()),
    )
    .expect("document.createElement('video')");
    let stream = web_sys::MediaStream::new_with_tracks(&js_sys::Array::of1(track))
        .expect("new MediaStream([track])");
    Reflect::set(&video, &"muted".into(), &JsValue::TRUE).unwrap();
    Reflect::set(&video, &"srcObject".into(), &stream).unwrap();
    if let Ok(playing) = call(&video, "play", &js_sys::Array::new()) {
        let _ = JsFuture::from(playing.unchecked_into::<Promise>()).await;
    }
    let mut seen = 0.0;
    for _ in 0..40 {
        seen = get(&video, "videoWidth").as_f64().unwrap_or(0.0);
        if seen == f64::from(width) {
            break;
        }
        sleep_ms(50).await;
    }
    Reflect::set(&video, &"srcObject".into(), &JsValue::NULL).unwrap();
    seen == f64::from(width)
}

async fn sleep_ms(ms: i32) {
    let promise = Promise::new(&mut |resolve, _reject| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    JsFuture::from(promise).await.unwrap();
}

async fn camera() -> Camera {
    if let Some(camera) = CAMERA.with(|c| c.borrow().clone()) {
        return camera;
    }
    let camera = learn_camera().await;
    web_sys::console::log_1(&format!("the browser's camera: {camera:?}").into());
    CAMERA.with(|c| *c.borrow_mut() = Some(camera.clone()));
    camera
}

thread_local! {
    static OPENED: RefCell<Vec<web_sys::MediaStreamTrack>> = const { RefCell::new(Vec::new()) };
}

/// `MediaDevices` that remember every track they open, so that the next case can stop what a
/// failed case left live: a live track keeps Chromium's fake camera open at its size, and the
/// next case's `applyConstraints` to another size would then fail too.
///
/// With `test_card`, their one camera is a canvas painting a still test card (a grid of
/// colours that differ from each neighbour, see [`test_card_track`]) with digital zoom on: the
/// browsers' fake cameras show flat or mostly flat pictures, on which a crop could not be told
/// from the whole frame.
struct Devices {
    camera: MediaDevices,
    test_card: bool,
}

impl Devices {
    fn camera() -> Self {
        Self {
            camera: MediaDevices::new(),
            test_card: false,
        }
    }
}

impl MediaDevicesTrait for Devices {
    type Track = MediaStreamTrack;

    async fn enumerate_devices(&self) -> imagecapture_core::Result<Vec<MediaDeviceInfo>> {
        self.camera.enumerate_devices().await
    }

    async fn get_user_media(
        &self,
        constraints: &MediaStreamConstraints,
    ) -> imagecapture_core::Result<MediaStream<MediaStreamTrack>> {
        let stream = if self.test_card {
            let track = MediaStreamTrack::from_raw(test_card_track());
            assert!(
                track.enable_digital_zoom(),
                "digital zoom on a canvas track"
            );
            MediaStream::new("test-card".to_owned(), vec![track])
        } else {
            self.camera.get_user_media(constraints).await?
        };
        OPENED.with(|opened| {
            // `Clone::clone`: web-sys's inherent `clone()` is `MediaStreamTrack.clone()`.
            opened
                .borrow_mut()
                .extend(stream.get_tracks().iter().map(|t| Clone::clone(t.as_raw())));
        });
        Ok(stream)
    }

    fn get_supported_constraints(&self) -> MediaTrackSupportedConstraints {
        self.camera.get_supported_constraints()
    }
}

/// `method.apply(target, args)` through `Reflect`.
fn call(target: &JsValue, method: &str, args: &[JsValue]) -> JsValue {
    let function: js_sys::Function = get(target, method).unchecked_into();
    Reflect::apply(&function, target, &args.iter().collect::<js_sys::Array>())
        .unwrap_or_else(|e| panic!("{method}() threw {e:?}"))
}

/// A 640×480 video track from a canvas painting a test card: 8×6 cells whose red and green
/// rise across and down and whose blue alternates like a chessboard, so that every cell
/// differs from each neighbour by far more than a scaler's blur. A square in the top-left
/// corner (above the rows the pixel checks look at) changes colour at every repaint, every
/// 30 ms, so that the track keeps delivering new frames; painting stops when the track ends.
fn test_card_track() -> web_sys::MediaStreamTrack {
    use wasm_bindgen::closure::Closure;
    let document = get(&js_sys::global(), "document");
    let canvas = call(&document, "createElement", &["canvas".into()]);
    Reflect::set(&canvas, &"width".into(), &640.into()).unwrap();
    Reflect::set(&canvas, &"height".into(), &480.into()).unwrap();
    let context = call(&canvas, "getContext", &["2d".into()]);
    let fill = move |context: &JsValue, colour: String, rect: [i32; 4]| {
        Reflect::set(context, &"fillStyle".into(), &colour.into()).unwrap();
        let args = rect.map(JsValue::from);
        call(context, "fillRect", &args);
    };
    for row in 0..6 {
        for column in 0..8 {
            let colour = format!(
                "rgb({}, {}, {})",
                30 + column * 30,
                20 + row * 40,
                if (row + column) % 2 == 0 { 0 } else { 255 }
            );
            fill(&context, colour, [column * 80, row * 60, 80, 60]);
        }
    }
    let stream = call(&canvas, "captureStream", &[30.into()]);
    let track: web_sys::MediaStreamTrack = call(&stream, "getVideoTracks", &[])
        .unchecked_into::<js_sys::Array>()
        .get(0)
        .unchecked_into();
    let painted = track.clone();
    let count = std::cell::Cell::new(0u32);
    let interval = std::rc::Rc::new(std::cell::Cell::new(0));
    let cleared = std::rc::Rc::clone(&interval);
    let repaint = Closure::<dyn Fn()>::new(move || {
        if painted.ready_state() == web_sys::MediaStreamTrackState::Ended {
            web_sys::window()
                .unwrap()
                .clear_interval_with_handle(cleared.get());
            return;
        }
        count.set(count.get().wrapping_add(1));
        let shade = (count.get() * 37) % 256;
        fill(
            &context,
            format!("rgb({shade}, {shade}, {shade})"),
            [0, 0, 40, 40],
        );
    });
    let id = web_sys::window()
        .unwrap()
        .set_interval_with_callback_and_timeout_and_arguments_0(
            repaint.as_ref().unchecked_ref(),
            30,
        )
        .unwrap();
    interval.set(id);
    // The page owns the callback from now on (test code: one per case that asks for it).
    repaint.forget();
    track
}

/// Stops the tracks earlier cases opened (all of them, when a case failed half-way).
fn stop_leftover_tracks() {
    OPENED.with(|opened| {
        for track in opened.borrow_mut().drain(..) {
            track.stop();
        }
    });
}

struct WebHarness {
    devices: Devices,
    expectations: Expectations,
}

impl WebHarness {
    async fn new(mode: Mode) -> Self {
        shape_the_browser();
        stop_leftover_tracks();
        set_force_polyfill(!matches!(mode, Mode::Own | Mode::DigitalZoom));
        imagecapture_web::testing::limit_frame_apis(match mode {
            Mode::Own | Mode::Forced | Mode::DigitalZoom => None,
            Mode::ForcedWithoutVideoFrame => Some((true, false)),
            Mode::ForcedPolling => Some((false, false)),
        });
        let camera = camera().await;
        let own = matches!(mode, Mode::Own | Mode::DigitalZoom);
        let own_photo = own && browser_has(Method::TakePhoto);
        let mut devices = Devices::camera();
        if mode == Mode::DigitalZoom {
            devices.camera = devices.camera.with_digital_zoom(true);
        }
        Self {
            devices,
            expectations: Expectations {
                // Ours gives JPEG; the browser's own takePhoto() keeps its type when no `type`
                // is asked for (PNG on Chromium's fake camera).
                default_photo_type: match (own_photo, camera.own_photo_type.as_deref()) {
                    (true, Some("image/png")) => "image/png",
                    _ => "image/jpeg",
                },
                // The browser's photo is re-encoded when another type is asked for.
                png_extension: true,
                // The browser's own grabFrame hands out the camera's frames as they are (WebKit's
                // keep the mock camera's size after applyConstraints: `frames_follow_apply`),
                // but its frame is used only when it has the track's size; ours scale: grabs
                // follow an applied size in every mode.
                resizes_on_apply: camera.resizes_on_apply,
                other_width: camera.other_width,
                apply_rejects_impossible: camera.apply_rejects_impossible,
            },
        }
    }
}

impl Harness for WebHarness {
    type Devices = Devices;
    type Track = MediaStreamTrack;
    type Capture = ImageCapture;

    fn devices(&self) -> &Devices {
        &self.devices
    }

    fn expectations(&self) -> Expectations {
        self.expectations.clone()
    }

    async fn pause(&self, ms: u32) {
        let promise = Promise::new(&mut |resolve, _reject| {
            web_sys::window()
                .unwrap()
                .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32)
                .unwrap();
        });
        JsFuture::from(promise).await.unwrap();
    }

    fn now_ms(&self) -> f64 {
        web_sys::window().unwrap().performance().unwrap().now()
    }

    fn devices_with_digital_zoom(&self) -> Option<Devices> {
        Some(Devices {
            camera: MediaDevices::new().with_digital_zoom(true),
            test_card: true,
        })
    }
}

fn report(mode: &str, case: &str, outcome: Outcome) {
    if let Outcome::Skipped(reason) = outcome {
        web_sys::console::log_1(&format!("SKIPPED {mode}::{case}: {reason}").into());
    }
}

macro_rules! web_suite {
    ($($case:ident),*) => {
        web_suite!(@mode own, Own, $($case),*);
        web_suite!(@mode forced, Forced, $($case),*);
        web_suite!(@mode forced_without_video_frame, ForcedWithoutVideoFrame, $($case),*);
        web_suite!(@mode forced_polling, ForcedPolling, $($case),*);
        web_suite!(@mode digital_zoom, DigitalZoom, $($case),*);
    };
    (@mode $module:ident, $mode:ident, $($case:ident),*) => {
        mod $module {
            use super::*;
            $(
                #[wasm_bindgen_test]
                async fn $case() {
                    let harness = WebHarness::new(Mode::$mode).await;
                    let outcome = cases::$case(&harness).await;
                    report(stringify!($module), stringify!($case), outcome);
                }
            )*
        }
    };
}

for_each_case!(web_suite);

/// Whether `own` lets the browser's `method` do the work: where the browser has it and the one
/// rule wraps it (`grabFrame`: for a first grab, while ours starts).
fn delegated(method: Method) -> bool {
    browser_has(method) && install_plan(method) == Install::Wrap
}

/// The `own` runs use the browser's methods exactly where it has them and the rule wraps them,
/// and `forced` never.
#[wasm_bindgen_test]
async fn own_and_forced_pick_the_methods_they_say() {
    shape_the_browser();
    let stream = MediaDevices::new()
        .get_user_media(&MediaStreamConstraints::video())
        .await
        .unwrap();
    let track = stream.video_track().unwrap();
    set_force_polyfill(false);
    let own = ImageCapture::new(track.clone()).unwrap();
    let per_instance =
        ImageCapture::with_options(track.clone(), ImageCaptureOptions::polyfill()).unwrap();
    for method in Method::ALL {
        assert_eq!(own.uses_browser(method), delegated(method), "{method:?}");
        assert!(!per_instance.uses_browser(method), "{method:?}");
    }
    set_force_polyfill(true);
    for method in Method::ALL {
        assert!(
            !own.uses_browser(method),
            "{method:?} with the global switch"
        );
    }
    set_force_polyfill(false);
    track.as_raw().stop();
}
