//! What a target provides to run the suite: its devices, what it can simulate, and where it
//! knowingly differs.

use std::future::Future;
use std::pin::Pin;
use std::task::Poll;

use imagecapture_core::{
    Error, ErrorName, ImageCaptureTrait, MediaDevicesTrait, MediaStreamConstraints,
    MediaStreamTrackTrait, Result,
};

/// A target the suite runs against (native with the fake camera, a browser with its own or
/// our ImageCapture…).
#[allow(async_fn_in_trait)]
pub trait Harness {
    /// The target's `MediaDevices`.
    type Devices: MediaDevicesTrait<Track = Self::Track>;
    /// Its track type.
    type Track: MediaStreamTrackTrait;
    /// Its `ImageCapture`.
    type Capture: ImageCaptureTrait<Track = Self::Track>;

    /// The devices to open cameras from.
    fn devices(&self) -> &Self::Devices;

    /// Where this target knowingly differs from the native backend, with the reasons.
    fn expectations(&self) -> Expectations;

    /// Fault injection, on targets whose camera can simulate faults (the native fake camera).
    fn faults(&self) -> Option<&dyn Faults> {
        None
    }

    /// Waits about `ms` milliseconds (used only to poll for a condition, never as an assertion).
    async fn pause(&self, ms: u32);

    /// A monotonic clock in milliseconds (`std::time::Instant` does not exist on wasm).
    fn now_ms(&self) -> f64;

    /// The frame number a test-pattern picture carries, where the target's camera draws one.
    fn frame_number(&self, _rgba: &[u8], _width: u32, _height: u32) -> Option<u64> {
        None
    }

    /// Whether the target's camera shows its image-capture controls in its pictures (the
    /// native fake camera: zoom crops, brightness, exposure and the torch change the light), so
    /// that cases can check a control's effect on the pixels and not only in `getSettings()`.
    /// Not available by default (a browser's fake camera ignores its controls).
    fn controls_show_in_pixels(&self) -> bool {
        false
    }

    /// Media devices whose first camera has no zoom of its own, with digital zoom, pan and tilt
    /// emulation turned on, where the target offers the emulation; `None` by default.
    fn devices_with_digital_zoom(&self) -> Option<Self::Devices> {
        None
    }

    /// Whether `applyConstraints` with an `ideal` between two steps of a control's range sets
    /// the nearer step (the spec: only values on the capability's step grid are settings the
    /// camera can have). Off by default: in browsers `applyConstraints` is the browser's own, and
    /// Chromium sets such an ideal as given (exposureTime 17 on its fake camera's step-5 range
    /// reads back 17). The native runner turns it on.
    fn snaps_ideals_to_steps(&self) -> bool {
        false
    }

    /// Whether a metering mode applied with `applyConstraints` reads back from `getSettings()`.
    /// Off by default: Chromium's fake camera keeps reporting `exposureMode: "manual"` after
    /// `"continuous"` was applied (the browser's own behaviour; the polyfill does not touch
    /// `applyConstraints`). The native runner turns it on.
    fn mode_switches_read_back(&self) -> bool {
        false
    }
}

/// What a camera of the target can be made to do.
pub trait Faults {
    /// Unplugs the camera: frames fail from now on, as with a USB camera pulled out.
    fn unplug(&self);
    /// Stops (true) or resumes (false) the flow of frames without an error.
    fn stall(&self, stalled: bool);
    /// Whether the device is open (held by the backend).
    fn device_open(&self) -> bool;
    /// Makes opening the camera fail as if another program held it (true), or work again.
    fn refuse_open(&self, refuse: bool);
    /// Whether the torch of the camera is on, as the device itself says (not the track), for
    /// cameras with a torch; `None` where the device cannot tell.
    fn torch_on(&self) -> Option<bool> {
        None
    }
    /// Makes the camera refuse (`true`) every format but the one it runs in, although it lists
    /// them, or accept them again; `false` where the camera cannot.
    fn refuse_format_changes(&self, _refuse: bool) -> bool {
        false
    }
    /// Makes the camera backend panic in its next frame read, once; `false` where it cannot.
    fn panic_next_read(&self) -> bool {
        false
    }
    /// Makes the camera's next stream fail to start, once (a driver refusing
    /// `VIDIOC_STREAMON`); `false` where the camera cannot.
    fn fail_next_stream_start(&self) -> bool {
        false
    }
}

/// Known, explained differences of a target.
#[derive(Debug, Clone)]
pub struct Expectations {
    /// The MIME type of `takePhoto()` with no settings (Chrome's own implementation gives PNG
    /// on its fake camera; ours gives JPEG like Chrome on real cameras).
    pub default_photo_type: &'static str,
    /// Whether `takePhoto` honours the `type: "image/png"` extension.
    pub png_extension: bool,
    /// Whether `applyConstraints` with another size changes the delivered size (Firefox's fake
    /// camera resolves but keeps its size).
    pub resizes_on_apply: bool,
    /// A width the camera can deliver besides its default one, for `applyConstraints` cases.
    pub other_width: u32,
    /// Whether `applyConstraints` with a required size the camera lacks rejects
    /// `OverconstrainedError` (Firefox's fake camera resolves it and keeps its size).
    pub apply_rejects_impossible: bool,
}

impl Expectations {
    /// The native backend's, on any camera (the fake one, or vivid): JPEG by default, PNG on
    /// request, sizes that follow `applyConstraints` (1280 wide besides the default), and
    /// `OverconstrainedError` for a size the camera lacks.
    pub const fn native() -> Self {
        Self {
            default_photo_type: "image/jpeg",
            png_extension: true,
            resizes_on_apply: true,
            other_width: 1280,
            apply_rejects_impossible: true,
        }
    }
}

/// Opens the default camera and wraps its track in an `ImageCapture`.
pub async fn open<H: Harness>(h: &H) -> (H::Track, H::Capture) {
    let stream = h
        .devices()
        .get_user_media(&MediaStreamConstraints::video())
        .await
        .unwrap_or_else(|e| panic!("getUserMedia({{video: true}}) failed: {e}"));
    let track = stream
        .video_track()
        .unwrap_or_else(|| panic!("getUserMedia returned no video track"));
    let capture = H::Capture::new(track.clone())
        .unwrap_or_else(|e| panic!("new ImageCapture(track) failed: {e}"));
    (track, capture)
}

/// Asserts that `result` failed with the error `name`.
#[track_caller]
pub fn assert_rejects<T>(result: Result<T>, name: ErrorName, what: &str) -> Error {
    match result {
        Ok(_) => panic!("{what}: expected {name}, but it succeeded"),
        Err(e) => {
            assert_eq!(e.name(), name, "{what}: expected {name}, got {e}");
            e
        }
    }
}

/// Runs futures side by side (in one task) and collects their outputs in order.
pub async fn join_all<F: Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut futures: Vec<Pin<Box<F>>> = futures.into_iter().map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (future, output) in futures.iter_mut().zip(outputs.iter_mut()) {
            if output.is_none() {
                match future.as_mut().poll(cx) {
                    Poll::Ready(value) => *output = Some(value),
                    Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    })
    .await;
    outputs.into_iter().flatten().collect()
}

/// Polls `condition` every 10 ms for up to `ms` milliseconds.
pub async fn eventually<H: Harness>(h: &H, ms: u32, mut condition: impl FnMut() -> bool) -> bool {
    for _ in 0..ms.div_ceil(10) {
        if condition() {
            return true;
        }
        h.pause(10).await;
    }
    condition()
}

/// The size of an encoded JPEG, by decoding it whole (proof that it is a valid JPEG).
pub fn decode_jpeg(bytes: &[u8]) -> std::result::Result<(u32, u32), String> {
    let mut decoder =
        zune_jpeg::JpegDecoder::new(zune_jpeg::zune_core::bytestream::ZCursor::new(bytes));
    let pixels = decoder.decode().map_err(|e| e.to_string())?;
    let (w, h) = decoder.dimensions().ok_or("no dimensions")?;
    if pixels.len() < w * h {
        return Err(format!("decoded {} bytes for {w}×{h}", pixels.len()));
    }
    Ok((w as u32, h as u32))
}

/// The size in a PNG's header.
pub fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.get(..8)? != b"\x89PNG\r\n\x1a\n" || bytes.get(12..16)? != b"IHDR" {
        return None;
    }
    let be = |at: usize| -> Option<u32> {
        Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
    };
    Some((be(16)?, be(20)?))
}

/// How many bytes differ between two pictures of the same size.
pub fn differing_bytes(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).filter(|(x, y)| x.abs_diff(**y) > 8).count() + a.len().abs_diff(b.len())
}
