//! Frames of a live track for our `grabFrame` and `takePhoto`: one hidden `<video>` per
//! `ImageCapture` plays a `MediaStream` of the track.
//!
//! **Fresh frames.** A frame handed out by `grab` is newer than the last one this source handed
//! out, and when such a frame is already presented it is handed out at once (no frame wait).
//! How a frame is known, by what the browser has:
//!
//! - `requestVideoFrameCallback` and `VideoFrame` (Chrome 94, Safari 16.4, Firefox 132): at each
//!   presented frame a callback takes a `VideoFrame` of the element, the *snapshot*, which `grab`
//!   turns into the `ImageBitmap`. The snapshot is exactly the frame handed out, so it is never
//!   handed out twice; a callback whose frame has the same non-zero `timestamp` as the previous
//!   snapshot is not a new frame (Chrome's compositor may already show the next frame when the
//!   callback of the previous one runs). Firefox's `VideoFrame`s of a `<video>` have coarse
//!   timestamps (0, or whole seconds), so there the callback's `presentedFrames` count says
//!   whether a frame is new. The callbacks run while
//!   frames are asked for and stop [`IDLE_MS`] after the last request, dropping the snapshot.
//! - Otherwise (Safari 15.4–16.3 has the callbacks but no `VideoFrame`; Firefox 130–131 the
//!   reverse, older Firefox neither) `grab` fixes the element's current frame (a `VideoFrame`,
//!   or an `ImageBitmap` of the element) and hands it out when a 64×48 thumbnail of it differs
//!   from the one of the frame last handed out, or, for a still scene, when `currentTime` moved
//!   two frame intervals past it; else it waits for the next frame callback, or 10 ms without
//!   them. (`currentTime` alone is no frame clock: Firefox advances it in ~12 ms steps while
//!   its camera delivers a frame every 33 ms.)
//!
//! Every wait is bounded by the caller's deadline, and the track ending ends it.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::{Rc, Weak};
use std::task::{Context, Poll, Waker};

use imagecapture_core::{Error, Result, text};
use js_sys::Reflect;
use wasm_bindgen::prelude::{Closure, wasm_bindgen};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::bitmap;
use crate::canvas::Surface;
use crate::error;
use crate::timer::{now_ms, race, sleep};

/// How long after the last request for a frame the frame callbacks keep running (and a
/// snapshot is kept), so that back-to-back grabs find their frame already waiting.
pub(crate) const IDLE_MS: f64 = 2000.0;

/// How long a grab waits for a frame of the size the track's settings give before it takes a
/// frame of another size (scaled): right after `applyConstraints` the element still shows
/// frames of the old size for a moment.
const SIZE_GRACE_MS: f64 = 500.0;

/// The size of the thumbnails that tell frames apart when polling.
const THUMBNAIL: (u32, u32) = (64, 48);

/// `HTMLMediaElement.HAVE_CURRENT_DATA`: the element has a frame to draw.
const HAVE_CURRENT_DATA: u16 = 2;

// `requestVideoFrameCallback` is still behind `web_sys_unstable_apis` in web-sys, which every
// user of this crate would then have to enable in RUSTFLAGS: bind the two methods here, on a
// view of the `<video>`.
#[wasm_bindgen]
extern "C" {
    /// A `<video>` seen as having `requestVideoFrameCallback`.
    type FrameCallbacks;

    #[wasm_bindgen(method, catch, js_name = requestVideoFrameCallback)]
    fn request_video_frame_callback(
        this: &FrameCallbacks,
        callback: &js_sys::Function,
    ) -> std::result::Result<u32, JsValue>;

    #[wasm_bindgen(method, catch, js_name = cancelVideoFrameCallback)]
    fn cancel_video_frame_callback(
        this: &FrameCallbacks,
        handle: u32,
    ) -> std::result::Result<(), JsValue>;
}

/// Which frame APIs to use; detected, or forced by [`set_frame_api`] (tests of the fallbacks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FrameApi {
    pub(crate) video_frame_callback: bool,
    pub(crate) video_frame: bool,
}

thread_local! {
    static FRAME_API_LIMIT: Cell<Option<FrameApi>> = const { Cell::new(None) };
}

/// Restricts the frame APIs sources created from now on may use (`None`: all the browser has).
pub(crate) fn set_frame_api(limit: Option<FrameApi>) {
    FRAME_API_LIMIT.with(|l| l.set(limit));
}

impl FrameApi {
    fn detect(video: &web_sys::HtmlVideoElement) -> Self {
        let has = |target: &JsValue, name: &str| {
            Reflect::get(target, &name.into()).is_ok_and(|v| v.is_function())
        };
        let detected = Self {
            video_frame_callback: has(video, "requestVideoFrameCallback"),
            video_frame: has(&js_sys::global(), "VideoFrame"),
        };
        match FRAME_API_LIMIT.with(Cell::get) {
            Some(limit) => Self {
                video_frame_callback: detected.video_frame_callback && limit.video_frame_callback,
                video_frame: detected.video_frame && limit.video_frame,
            },
            None => detected,
        }
    }

    /// The snapshot scheme needs both.
    fn snapshots(self) -> bool {
        self.video_frame_callback && self.video_frame
    }
}

/// A `VideoFrame` we own: closed when dropped.
pub(crate) struct OwnedFrame(web_sys::VideoFrame);

impl OwnedFrame {
    /// The frame as a drawable value (a second reference, not `VideoFrame.clone()`).
    fn image(&self) -> JsValue {
        AsRef::<JsValue>::as_ref(&self.0).clone()
    }

    fn size(&self) -> (u32, u32) {
        (self.0.display_width(), self.0.display_height())
    }
}

impl Drop for OwnedFrame {
    fn drop(&mut self) {
        self.0.close();
    }
}

struct Snapshot {
    frame: OwnedFrame,
    generation: u64,
    /// When the camera captured it (the callback's `captureTime`, on the [`now_ms`] clock),
    /// where the browser gives it.
    capture_time: Option<f64>,
}

/// A frame handed out by someone else (the browser's own `grabFrame`), which the next frame
/// ours hands out must be newer than.
#[derive(Clone, Copy)]
struct Barrier {
    /// When that frame was handed out ([`now_ms`]): it was captured before.
    time: f64,
    /// The frames presented by then ([`State::generation`]).
    generation: u64,
    /// Polling: `currentTime` by then.
    current_time: f64,
}

#[derive(Default)]
struct State {
    /// Frame callbacks seen.
    generation: u64,
    /// The generation of the last snapshot handed out by `grab`.
    handed: u64,
    /// The newest presented frame not handed out yet (snapshot scheme).
    snapshot: Option<Snapshot>,
    /// The timestamp of the newest snapshot.
    last_timestamp: Option<f64>,
    /// The `presentedFrames` count of the callback that took the newest snapshot.
    last_presented: Option<f64>,
    /// When the first frame callback ran (`performance.now()`, ms).
    first_callback: Option<f64>,
    /// The pending `requestVideoFrameCallback`.
    pending: Option<u32>,
    /// Polling: the thumbnail of the frame last handed out.
    handed_thumbnail: Option<Vec<u8>>,
    /// Polling: `currentTime` when the last frame was handed out.
    handed_time: f64,
    /// When a frame was last asked for.
    last_demand: f64,
    /// Frames handed out by `grab`, counted.
    handed_count: u64,
    /// The frame last handed out by someone else, until ours hands out a newer one.
    barrier: Option<Barrier>,
    /// Tasks waiting for the next presented frame.
    waiters: Vec<Waker>,
}

/// The `requestVideoFrameCallback` callback, `(now, metadata)`.
type FrameCallback = Closure<dyn FnMut(JsValue, JsValue)>;

struct Inner {
    video: web_sys::HtmlVideoElement,
    track: web_sys::MediaStreamTrack,
    api: FrameApi,
    state: RefCell<State>,
    on_frame: RefCell<Option<FrameCallback>>,
    /// Polling: where thumbnails are drawn.
    thumbnails: RefCell<Option<Surface>>,
}

/// The hidden `<video>` of one `ImageCapture`. Dropping it stops the callbacks, closes the
/// snapshot and detaches the stream from the element.
pub(crate) struct VideoSource {
    inner: Rc<Inner>,
}

/// A frame to draw a photo from.
pub(crate) struct Still {
    /// A `VideoFrame` or the `<video>` element.
    pub(crate) image: JsValue,
    /// Its size in pixels.
    pub(crate) size: (u32, u32),
    /// Keeps a `VideoFrame` open until the photo is drawn.
    _frame: Option<OwnedFrame>,
}

impl VideoSource {
    /// A hidden, muted `<video>` playing `track`.
    ///
    /// # Errors
    /// `UnknownError` when the page has no document or the element cannot play the track.
    pub(crate) fn new(track: &web_sys::MediaStreamTrack) -> Result<Self> {
        let failed = |e: JsValue| {
            error::from_js(e)
                .renamed(imagecapture_core::ErrorName::Unknown)
                .context("cannot play the track in a <video>")
        };
        let document = web_sys::window()
            .and_then(|w| w.document())
            .ok_or_else(|| Error::unknown("no document to play the track in"))?;
        let video: web_sys::HtmlVideoElement = document
            .create_element("video")
            .map_err(failed)?
            .dyn_into()
            .map_err(|_| Error::unknown("<video> is not a video element"))?;
        video.set_muted(true);
        video.set_autoplay(true);
        // Not a fullscreen player on iOS.
        video.set_attribute("playsinline", "").map_err(failed)?;
        let stream =
            web_sys::MediaStream::new_with_tracks(&js_sys::Array::of1(track)).map_err(failed)?;
        video.set_src_object(Some(&stream));
        if let Ok(playing) = video.play() {
            // `play()` rejects when the element is released before it starts (AbortError):
            // nothing to do then, but the rejection must be handled.
            wasm_bindgen_futures::spawn_local(async move {
                let _ = JsFuture::from(playing).await;
            });
        }
        let api = FrameApi::detect(&video);
        let inner = Rc::new(Inner {
            video,
            // `Clone::clone`, a second reference: web-sys's inherent `track.clone()` is the
            // JavaScript `MediaStreamTrack.clone()`, a new live track that would keep the
            // camera open after the app stops its own.
            track: Clone::clone(track),
            api,
            state: RefCell::new(State::default()),
            on_frame: RefCell::new(None),
            thumbnails: RefCell::new(None),
        });
        if api.video_frame_callback {
            let weak: Weak<Inner> = Rc::downgrade(&inner);
            let callback = FrameCallback::new(move |_now: JsValue, metadata: JsValue| {
                if let Some(inner) = weak.upgrade() {
                    let number = |name: &str| {
                        Reflect::get(&metadata, &name.into())
                            .ok()
                            .and_then(|v| v.as_f64())
                    };
                    inner.on_presented(number("presentedFrames"), number("captureTime"));
                }
            });
            *inner.on_frame.borrow_mut() = Some(callback);
        }
        Ok(Self { inner })
    }

    /// A fresh frame as an `ImageBitmap` of `size` (the track's settings; `None`: the frame's
    /// own), by `deadline` (a [`now_ms`] time).
    ///
    /// # Errors
    /// `UnknownError` when the track ends while waiting or no fresh frame comes in time.
    pub(crate) async fn grab(
        &self,
        size: Option<(u32, u32)>,
        deadline: f64,
    ) -> Result<web_sys::ImageBitmap> {
        let started = now_ms();
        loop {
            self.inner.check_live("a frame")?;
            let now = now_ms();
            self.inner.demand(now);
            let any_size = now - started >= SIZE_GRACE_MS;
            if !self.inner.api.snapshots() {
                if let Some(bitmap) = self.inner.take_polled(size, any_size).await? {
                    return Ok(bitmap);
                }
            } else if let Some(frame) = self.inner.take_fresh(size, any_size) {
                let (image, natural) = (frame.image(), frame.size());
                let resize = size.filter(|s| *s != natural);
                let bitmap = bitmap::create(&image, resize);
                // The bitmap holds its own copy: the frame closes when `frame` drops.
                // Bounded, but not by what is left of the frame wait: the frame is here.
                let result = match race(bitmap, sleep((deadline - now).max(1000.0))).await {
                    crate::timer::Either::Left(result) => result,
                    crate::timer::Either::Right(()) => Err(Error::unknown(
                        "createImageBitmap of a frame did not finish in time",
                    )),
                };
                drop(frame);
                return result;
            }
            if now >= deadline {
                return Err(Error::unknown(
                    [
                        "no new frame came from the camera within ",
                        &text::number((now - started).round()),
                        " ms",
                    ]
                    .concat(),
                ));
            }
            self.inner.wait(deadline - now).await;
        }
    }

    /// Whether the element has shown a frame that `grab` can hand out (or could have, had it
    /// not been handed out already): our frames flow.
    pub(crate) fn has_frame(&self) -> bool {
        if self.inner.api.snapshots() {
            self.inner.state.borrow().generation > 0
        } else {
            self.inner.video.ready_state() >= HAVE_CURRENT_DATA
        }
    }

    /// Keeps the frame callbacks running as if a frame had been asked for now, so that frames
    /// are waiting for the next `grab`.
    pub(crate) fn start(&self) {
        self.inner.demand(now_ms());
    }

    /// How many frames `grab` has handed out.
    pub(crate) fn handed_count(&self) -> u64 {
        self.inner.state.borrow().handed_count
    }

    /// A frame was handed out now by someone else (the browser's own `grabFrame`): every frame
    /// presented up to now counts as handed out, so that the next `grab` hands out a frame
    /// presented after this call, never one as old as that frame or older.
    ///
    /// That frame was captured before now; the `<video>` may still present it (or one as old)
    /// after now, as it shows the camera's frames a little later than the browser grabs them.
    /// So a frame of ours counts as newer when the camera captured it after now (the frame
    /// callback's `captureTime`, where the browser gives one), else when it is the second
    /// frame presented after now or later (polling: when `currentTime` moved two frame
    /// intervals on).
    pub(crate) fn handed_elsewhere(&self) {
        let current_time = self.inner.video.current_time();
        let mut state = self.inner.state.borrow_mut();
        state.handed = state.generation;
        state.snapshot = None;
        state.handed_thumbnail = None;
        state.barrier = Some(Barrier {
            time: now_ms(),
            generation: state.generation,
            current_time,
        });
    }

    /// Waits until [`Self::has_frame`], at most until `deadline`.
    pub(crate) async fn first_frame(&self, deadline: f64) {
        loop {
            let now = now_ms();
            self.inner.demand(now);
            if self.has_frame() || now >= deadline || self.inner.check_live("").is_err() {
                return;
            }
            self.inner.wait(deadline - now).await;
        }
    }

    /// The frame shown now (or, with `after_new_frame`, the first one presented after this
    /// call) to draw a photo from, by `deadline`.
    ///
    /// # Errors
    /// `UnknownError` when the track ends while waiting or no frame comes in time.
    pub(crate) async fn still(&self, after_new_frame: bool, deadline: f64) -> Result<Still> {
        let started = now_ms();
        let mark = self.inner.mark();
        loop {
            self.inner.check_live("a frame for the photo")?;
            let now = now_ms();
            self.inner.demand(now);
            let new_enough = !after_new_frame || self.inner.presented_since(mark);
            if new_enough && self.inner.video.ready_state() >= HAVE_CURRENT_DATA {
                if let Some(still) = self.inner.still_now() {
                    return Ok(still);
                }
            }
            if now >= deadline {
                return Err(Error::unknown(
                    [
                        "no frame came from the camera within ",
                        &text::number((now - started).round()),
                        " ms",
                    ]
                    .concat(),
                ));
            }
            self.inner.wait(deadline - now).await;
        }
    }
}

impl Inner {
    fn check_live(&self, what: &str) -> Result<()> {
        if self.track.ready_state() == web_sys::MediaStreamTrackState::Live {
            Ok(())
        } else {
            Err(Error::unknown(
                ["the track ended while waiting for ", what].concat(),
            ))
        }
    }

    /// The `<video>` as a drawable value.
    fn element(&self) -> JsValue {
        AsRef::<JsValue>::as_ref(&self.video).clone()
    }

    fn element_size(&self) -> (u32, u32) {
        (self.video.video_width(), self.video.video_height())
    }

    /// Someone wants a frame now: keep the callbacks running.
    fn demand(&self, now: f64) {
        self.state.borrow_mut().last_demand = now;
        self.arm();
    }

    fn arm(&self) {
        if !self.api.video_frame_callback || self.state.borrow().pending.is_some() {
            return;
        }
        let on_frame = self.on_frame.borrow();
        let Some(callback) = on_frame.as_ref() else {
            return;
        };
        if let Ok(handle) = self
            .video
            .unchecked_ref::<FrameCallbacks>()
            .request_video_frame_callback(callback.as_ref().unchecked_ref())
        {
            self.state.borrow_mut().pending = Some(handle);
        }
    }

    /// A frame was presented (a `requestVideoFrameCallback` callback, with the metadata's
    /// `presentedFrames` count where the browser gives one).
    fn on_presented(&self, presented: Option<f64>, capture_time: Option<f64>) {
        let mut state = self.state.borrow_mut();
        state.pending = None;
        if self.api.video_frame {
            if let Ok(frame) = web_sys::VideoFrame::new_with_html_video_element(&self.video) {
                let frame = OwnedFrame(frame);
                let timestamp = frame.0.timestamp();
                // Firefox's VideoFrames of a <video> have coarse timestamps: 0 (Firefox 132) or
                // a count of seconds (Firefox 153: thirty frames share one value), so there the
                // timestamp cannot tell frames apart; the callback's presentedFrames count can.
                // Chrome's are microseconds, and there a repeated timestamp means the callback
                // saw the frame the previous snapshot already holds.
                // A coarse clock counts at most one unit per second since the frames began,
                // so its values stay below the seconds elapsed (plus slack); a microsecond
                // clock passes that within the first frame interval.
                let now = now_ms();
                let first = *state.first_callback.get_or_insert(now);
                let coarse = timestamp <= (now - first) / 1000.0 + 2.0;
                let repeated = if coarse {
                    presented.is_some() && presented == state.last_presented
                } else {
                    state.last_timestamp == Some(timestamp)
                };
                state.last_presented = presented;
                if !repeated {
                    state.last_timestamp = Some(timestamp);
                    state.generation += 1;
                    let generation = state.generation;
                    // The previous snapshot, never handed out, closes here.
                    // A capture time on another clock (in the future, or long past) is not one.
                    let capture_time = capture_time.filter(|t| *t <= now && *t > now - 1000.0);
                    state.snapshot = Some(Snapshot {
                        frame,
                        generation,
                        capture_time,
                    });
                }
            }
        } else {
            state.generation += 1;
        }
        let live = self.track.ready_state() == web_sys::MediaStreamTrackState::Live;
        let keep = live && now_ms() - state.last_demand < IDLE_MS;
        if !keep {
            state.snapshot = None;
        }
        let waiters = std::mem::take(&mut state.waiters);
        drop(state);
        for waiter in waiters {
            waiter.wake();
        }
        if keep {
            self.arm();
        }
    }

    /// Where the stream is now: the frames seen, and `currentTime`.
    fn mark(&self) -> (u64, f64) {
        (self.state.borrow().generation, self.video.current_time())
    }

    /// Whether a frame was presented since `mark`.
    fn presented_since(&self, (generation, time): (u64, f64)) -> bool {
        if self.api.video_frame_callback {
            self.state.borrow().generation > generation
        } else {
            self.video.current_time() >= time + self.frame_interval()
        }
    }

    /// Seconds between frames, from the track's frame rate (30 fps when it gives none).
    fn frame_interval(&self) -> f64 {
        let rate = Reflect::get(&self.track.get_settings(), &"frameRate".into())
            .ok()
            .and_then(|r| r.as_f64())
            .filter(|r| r.is_finite() && *r > 0.0)
            .unwrap_or(30.0);
        1.0 / rate
    }

    /// A small picture of `image` (of `size` pixels), to tell frames apart when polling.
    fn thumbnail(&self, image: &JsValue, (w, h): (u32, u32)) -> Option<Vec<u8>> {
        let mut surface = self.thumbnails.borrow_mut();
        if surface.is_none() {
            *surface = Surface::new(THUMBNAIL.0, THUMBNAIL.1).ok();
        }
        let surface = surface.as_ref()?;
        surface.draw(image, (0, 0, w, h), THUMBNAIL).ok()?;
        surface.rgba().ok()
    }

    /// The newest frame if it is newer than the last one handed out (and of `size`, unless
    /// `any_size`), marked as handed out.
    fn take_fresh(&self, size: Option<(u32, u32)>, any_size: bool) -> Option<OwnedFrame> {
        let fits = |natural: (u32, u32)| any_size || size.is_none_or(|s| s == natural);
        let mut state = self.state.borrow_mut();
        if state.generation <= state.handed {
            return None;
        }
        let newest = state.snapshot.as_ref()?;
        if !fits(newest.frame.size()) {
            return None;
        }
        if let Some(barrier) = state.barrier {
            let newer = match newest.capture_time {
                Some(captured) => captured > barrier.time,
                None => newest.generation >= barrier.generation + 2,
            };
            if !newer {
                return None;
            }
        }
        let snapshot = state.snapshot.take()?;
        state.barrier = None;
        state.handed = snapshot.generation;
        state.handed_count += 1;
        Some(snapshot.frame)
    }

    /// Polling: the element's frame as an `ImageBitmap` of `size`, if it differs from the last
    /// one handed out (or a still scene went on for two frame intervals). The frame is fixed
    /// first (a `VideoFrame`, or a bitmap of the element) and compared after, so what is
    /// compared is what is handed out, even when the element moves on meanwhile.
    async fn take_polled(
        &self,
        size: Option<(u32, u32)>,
        any_size: bool,
    ) -> Result<Option<web_sys::ImageBitmap>> {
        let natural = self.element_size();
        let fits = any_size || size.is_none_or(|s| s == natural);
        if self.video.ready_state() < HAVE_CURRENT_DATA || natural.0 == 0 || !fits {
            return Ok(None);
        }
        let (frame, bitmap) = if self.api.video_frame {
            match web_sys::VideoFrame::new_with_html_video_element(&self.video) {
                Ok(frame) => (Some(OwnedFrame(frame)), None),
                Err(_) => return Ok(None),
            }
        } else {
            let bitmap = bitmap::create(&self.element(), None).await?;
            (None, Some(crate::bitmap::ImageBitmap::from_raw(bitmap)))
        };
        let (image, natural) = match (&frame, &bitmap) {
            (Some(frame), _) => (frame.image(), frame.size()),
            (None, Some(bitmap)) => (
                AsRef::<JsValue>::as_ref(bitmap.as_raw()).clone(),
                (bitmap.as_raw().width(), bitmap.as_raw().height()),
            ),
            (None, None) => return Ok(None),
        };
        let thumbnail = self.thumbnail(&image, natural);
        let time = self.video.current_time();
        let interval = self.frame_interval();
        {
            let mut state = self.state.borrow_mut();
            let changed = match (&thumbnail, &state.handed_thumbnail) {
                (Some(now), Some(handed)) => now != handed,
                _ => true,
            };
            let still_scene = time >= state.handed_time + 2.0 * interval;
            // After a frame handed out elsewhere, only a frame presented after it.
            let after_barrier = state
                .barrier
                .is_none_or(|b| time >= b.current_time + 2.0 * interval);
            if !(changed || still_scene) || !after_barrier {
                return Ok(None);
            }
            state.barrier = None;
            state.handed_thumbnail = thumbnail;
            state.handed_time = time;
            state.handed_count += 1;
        }
        let resize = size.filter(|s| *s != natural);
        match (frame, bitmap) {
            (None, Some(bitmap)) if resize.is_none() => Ok(Some(bitmap.into_raw())),
            // The frame or the unscaled bitmap closes once the one handed out is made.
            _ => bitmap::create(&image, resize).await.map(Some),
        }
    }

    fn still_now(&self) -> Option<Still> {
        if self.api.video_frame {
            let frame = web_sys::VideoFrame::new_with_html_video_element(&self.video).ok()?;
            let frame = OwnedFrame(frame);
            let size = frame.size();
            (size.0 > 0 && size.1 > 0).then(|| Still {
                image: frame.image(),
                size,
                _frame: Some(frame),
            })
        } else {
            let size = self.element_size();
            (size.0 > 0 && size.1 > 0).then(|| Still {
                image: self.element(),
                size,
                _frame: None,
            })
        }
    }

    /// Waits for the next presented frame, at most `ms` (and at most 50 ms, so that a track
    /// that ends is noticed; 10 ms when polling `currentTime`).
    async fn wait(&self, ms: f64) {
        if self.api.video_frame_callback {
            let _ = race(
                NextFrame {
                    inner: self,
                    registered: false,
                },
                sleep(ms.min(50.0)),
            )
            .await;
        } else {
            sleep(ms.min(10.0)).await;
        }
    }
}

/// Ready once the next frame callback has run.
struct NextFrame<'a> {
    inner: &'a Inner,
    registered: bool,
}

impl Future for NextFrame<'_> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.registered {
            return Poll::Ready(());
        }
        self.inner
            .state
            .borrow_mut()
            .waiters
            .push(cx.waker().clone());
        self.registered = true;
        Poll::Pending
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        let state = self.state.get_mut();
        if let Some(handle) = state.pending.take() {
            let _ = self
                .video
                .unchecked_ref::<FrameCallbacks>()
                .cancel_video_frame_callback(handle);
        }
        state.snapshot = None;
        let _ = self.video.pause();
        self.video.set_src_object(None);
        // Releases the element's media resources now rather than when it is collected.
        self.video.load();
    }
}
