//! [`FakeCameraHandle`]: the test's remote control of a fake camera and its window into it.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use nokhwa_core::types::CameraFormat;

use super::controls::Values;

/// What the devices of one fake camera share with its handles.
#[derive(Debug, Default)]
pub(super) struct Shared {
    pub(super) unplugged: AtomicBool,
    pub(super) stalled: AtomicBool,
    pub(super) refuse_open: AtomicBool,
    /// Formats other than the current one are refused although listed.
    pub(super) refuse_format_changes: AtomicBool,
    /// The next read panics (one-shot).
    pub(super) panic_next_read: AtomicBool,
    /// The next stream to open fails every read (one-shot).
    pub(super) fail_stream_start: AtomicBool,
    /// Device objects alive.
    pub(super) open_count: AtomicUsize,
    /// Device objects with an open stream.
    pub(super) streaming_count: AtomicUsize,
    pub(super) frames_delivered: AtomicU64,
    /// The format of the device opened or reconfigured last; `None` when no device is alive.
    pub(super) current_format: Mutex<Option<CameraFormat>>,
    /// The controls' values: the camera keeps them while plugged in, across opens, as a UVC
    /// camera does.
    pub(super) controls: Mutex<Values>,
    /// Counts control changes, so that devices know when to redraw.
    pub(super) controls_changed: AtomicU64,
}

impl Shared {
    pub(super) fn format_slot(&self) -> MutexGuard<'_, Option<CameraFormat>> {
        self.current_format
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    pub(super) fn controls(&self) -> MutexGuard<'_, Values> {
        self.controls.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Remote control and inspection window of a [`FakeCamera`](super::FakeCamera) and of every
/// device opened from it.
///
/// Cheap to clone (an [`Arc`] inside), `Send` and `Sync`: a test keeps one while the code under
/// test owns the camera, pulls the plug, stalls the stream, and checks what the device went
/// through.
#[derive(Clone, Debug)]
pub struct FakeCameraHandle {
    pub(super) shared: Arc<Shared>,
}

impl FakeCameraHandle {
    /// A handle to a new, unshared state: plugged in, running, no device open, the controls
    /// at these values.
    pub(super) fn new(controls: Values) -> Self {
        Self {
            shared: Arc::new(Shared {
                controls: Mutex::new(controls),
                ..Shared::default()
            }),
        }
    }

    /// The value of the control with V4L2 id `id` (see [`crate::v4l2`]); booleans are 0 or 1.
    /// `None` when the camera has no such control.
    #[must_use]
    pub fn control(&self, id: u32) -> Option<i64> {
        self.shared.controls().get(id)
    }

    /// How many times a control was changed, in total.
    #[must_use]
    pub fn control_changes(&self) -> u64 {
        self.shared.controls_changed.load(Ordering::SeqCst)
    }

    /// Unplugs the camera, for good: from now on `frame()` and `frame_raw()` fail with
    /// `NokhwaError::ReadFrameError("No such device (os error 19)")` (what a V4L2 read says on
    /// `ENODEV`), and so do `open_stream()` and [`FakeCamera::open`](super::FakeCamera::open).
    /// Format changes and queries fail with the same text; `stop_stream()` still succeeds.
    pub fn unplug(&self) {
        self.shared.unplugged.store(true, Ordering::SeqCst);
    }

    /// Whether [`unplug`](Self::unplug) was called.
    #[must_use]
    pub fn is_unplugged(&self) -> bool {
        self.shared.unplugged.load(Ordering::SeqCst)
    }

    /// Stalls (`true`) or resumes (`false`) the stream. While stalled no frame comes: `frame()`
    /// waits up to the configured read timeout and then fails with
    /// `NokhwaError::ReadFrameError("Connection timed out (os error 110)")`; when the stall ends
    /// during the wait, the frame is delivered.
    pub fn set_stalled(&self, stalled: bool) {
        self.shared.stalled.store(stalled, Ordering::SeqCst);
    }

    /// Whether the stream is stalled.
    #[must_use]
    pub fn is_stalled(&self) -> bool {
        self.shared.stalled.load(Ordering::SeqCst)
    }

    /// Makes opening the device and opening its stream fail (`true`) with
    /// `NokhwaError::OpenDeviceError(name, "Device or resource busy (os error 16)")`, as when
    /// another process holds the camera; `false` lets them succeed again. A stream already
    /// open keeps running.
    pub fn set_refuse_open(&self, refuse: bool) {
        self.shared.refuse_open.store(refuse, Ordering::SeqCst);
    }

    /// Makes the device refuse (`true`) every format but the one it runs in, although it lists
    /// them, with `NokhwaError::SetPropertyError { error: "Invalid argument (os error 22)", .. }`,
    /// as drivers refuse a mode they advertise; `false` accepts them again.
    pub fn set_refuse_format_changes(&self, refuse: bool) {
        self.shared
            .refuse_format_changes
            .store(refuse, Ordering::SeqCst);
    }

    /// Makes the next frame read panic, once, as a faulty backend or driver binding may (nokhwa's
    /// and the `v4l` crate's have `unwrap`s and `panic!`s on paths a device can reach).
    pub fn panic_next_read(&self) {
        self.shared.panic_next_read.store(true, Ordering::SeqCst);
    }

    /// Makes the next stream opened fail to start, once, as a V4L2 driver refusing
    /// `VIDIOC_STREAMON` does under nokhwa (vivid's *Inject VIDIOC_STREAMON Error*): opening the
    /// stream succeeds, then every read of that stream fails at once with
    /// `NokhwaError::ReadFrameError("Invalid argument (os error 22)")` (nokhwa queues its
    /// buffers again, which the driver refuses) until the stream is stopped and opened anew.
    pub fn fail_next_stream_start(&self) {
        self.shared.fail_stream_start.store(true, Ordering::SeqCst);
    }

    /// Whether opening is refused.
    #[must_use]
    pub fn is_refusing_open(&self) -> bool {
        self.shared.refuse_open.load(Ordering::SeqCst)
    }

    /// Whether a device object is alive (from its creation until it is dropped).
    #[must_use]
    pub fn is_device_open(&self) -> bool {
        self.open_count() > 0
    }

    /// How many device objects are alive; back to 0 once every `nokhwa::Camera` opened from
    /// this fake camera is dropped.
    #[must_use]
    pub fn open_count(&self) -> usize {
        self.shared.open_count.load(Ordering::SeqCst)
    }

    /// Whether a device has its stream open.
    #[must_use]
    pub fn is_streaming(&self) -> bool {
        self.shared.streaming_count.load(Ordering::SeqCst) > 0
    }

    /// How many frames the devices delivered (through `frame()` or `frame_raw()`), in total.
    #[must_use]
    pub fn frames_delivered(&self) -> u64 {
        self.shared.frames_delivered.load(Ordering::SeqCst)
    }

    /// The current format of the device opened or reconfigured last; `None` when no device is
    /// alive.
    #[must_use]
    pub fn current_format(&self) -> Option<CameraFormat> {
        *self.shared.format_slot()
    }
}
