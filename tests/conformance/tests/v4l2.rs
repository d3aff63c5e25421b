//! The conformance suite on a real V4L2 driver: the kernel's `vivid` (virtual video test
//! driver: real ioctls, mmap streaming, controls, discrete webcam sizes and frame intervals),
//! loaded in a QEMU guest by `cargo xtask test` (its V4L2 stage, `crates/xtask/src/vm.rs`).
//!
//! Every case of the suite runs here as it does on the fake camera, and the faults are the
//! driver's own: unplugging is vivid's *Disconnect* control, a stalled camera its *Percentage of
//! Dropped Buffers* at 100, a busy camera another handle owning the device's buffers (what
//! another program streaming from it does). After those, the module [`vivid`] checks what only
//! a real driver shows: which nodes are cameras, its real format list, the colours of its test
//! pattern, control values read back from the driver itself, photos at every size, and
//! injected driver errors.
//!
//! `cargo test` does not run this file (`test = false` in Cargo.toml: the host has no V4L2
//! device). It needs `IMAGECAPTURE_V4L2_DEVICE`, the vivid capture node (`/dev/video0`), and
//! runs with `--test-threads=1` (one camera). A skipped case prints `SKIPPED v4l2::<case>:
//! <reason>`; every skip must be in [`EXPECTED_SKIPS`] with its reason, and every case listed
//! there must skip.

#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use imagecapture_conformance::{Expectations, Faults, Harness, Outcome, cases, for_each_case};
use imagecapture_native::{ImageCapture, MediaDevices, MediaStreamTrack};
use v4l::io::mmap::Stream as MmapStream;

/// vivid's *Horizontal Movement* menu: "Move Right Fast" and "No Movement".
const MOVING: i64 = 6;
const STILL: i64 = 3;

/// The environment variable naming the vivid capture node.
const DEVICE_ENV: &str = "IMAGECAPTURE_V4L2_DEVICE";

/// The cases that cannot hold on vivid, with the reason. Anything else that skips fails.
const EXPECTED_SKIPS: &[(&str, &str)] = &[
    (
        "a_panic_in_the_camera_backend_ends_the_track",
        "a real driver cannot be made to panic the backend (the fake camera runs this case)",
    ),
    (
        "a_photo_size_the_camera_refuses_is_scaled_from_the_track",
        "vivid accepts every format it lists (the fake camera runs this case)",
    ),
    (
        "flash_with_a_torch_lights_the_photo_and_restores_the_torch",
        "vivid has no flash LED control (V4L2_CID_FLASH_LED_MODE)",
    ),
    (
        "modes_switch_between_manual_and_continuous",
        "vivid has no auto/manual pair among the mapped controls (no white balance, exposure or \
         focus mode)",
    ),
    (
        "zoom_brightness_and_exposure_show_in_the_pixels",
        "vivid has neither zoom nor exposure controls; brightness alone is checked in \
         vivid::brightness_shows_in_the_pixels",
    ),
];

/// The vivid capture node, from [`DEVICE_ENV`].
fn node() -> PathBuf {
    let Some(path) = std::env::var_os(DEVICE_ENV) else {
        panic!(
            "{DEVICE_ENV} is not set: this runner needs a V4L2 device (run it with \
             `cargo xtask test --v4l2-only`, which loads vivid in a QEMU guest)"
        );
    };
    PathBuf::from(path)
}

/// The node's number (`/dev/video0` → 0): the camera's `deviceId` is `camera:<number>`.
fn node_number(node: &Path) -> u32 {
    node.file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_prefix("video"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{} is not a /dev/videoN path", node.display()))
}

/// Waits up to 10 s for the node to be there (vivid registers it again when the last handle of
/// a disconnected device closes).
fn wait_for_node(node: &Path) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while v4l::Device::with_path(node).is_err() {
        assert!(
            Instant::now() < deadline,
            "{} did not come back within 10 s",
            node.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// vivid's own control named `name` (its custom controls have no fixed id in the UAPI).
fn control_id(device: &v4l::Device, name: &str) -> u32 {
    device
        .query_controls()
        .expect("VIDIOC_QUERY_EXT_CTRL")
        .into_iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("vivid has no control {name:?}"))
        .id
}

fn set_control(device: &v4l::Device, name: &str, value: v4l::control::Value) {
    let id = control_id(device, name);
    device
        .set_control(v4l::Control { id, value })
        .unwrap_or_else(|e| panic!("setting vivid's {name:?}: {e}"));
}

/// Puts the camera's user controls (brightness, contrast, saturation, hue…) back to their
/// defaults, as a camera just plugged in has them: vivid keeps values across opens, as UVC
/// cameras do, so one case's brightness would be the next one's.
fn reset_user_controls(device: &v4l::Device) {
    /// `V4L2_CTRL_CLASS_USER`, the class of the picture controls.
    const USER_CLASS: u32 = 0x0098_0000;
    let Ok(controls) = device.query_controls() else {
        return;
    };
    for control in controls {
        let settable = matches!(
            control.typ,
            v4l::control::Type::Integer | v4l::control::Type::Boolean | v4l::control::Type::Menu
        ) && !control.flags.intersects(
            v4l::control::Flags::READ_ONLY
                | v4l::control::Flags::DISABLED
                | v4l::control::Flags::INACTIVE,
        );
        if control.id & 0xffff_0000 == USER_CLASS && settable {
            let _ = device.set_control(v4l::Control {
                id: control.id,
                value: v4l::control::Value::Integer(control.default),
            });
        }
    }
}

/// The handles the harness itself holds on the node.
#[derive(Default)]
struct Held {
    /// Held while the camera is "unplugged": vivid reconnects when its last handle closes.
    unplugged: Option<v4l::Device>,
    /// Owns the device's buffers, as another program streaming from the camera does.
    busy: Option<(MmapStream<'static>, v4l::Device)>,
}

struct Vivid {
    node: PathBuf,
    devices: MediaDevices,
    epoch: Instant,
    held: Mutex<Held>,
}

impl Vivid {
    fn new() -> Self {
        Self::with_movement(MOVING)
    }

    /// The harness, with vivid's picture moving (`MOVING`, as a webcam's does: cases compare
    /// successive frames) or still (`STILL`).
    fn with_movement(movement: i64) -> Self {
        let node = node();
        wait_for_node(&node);
        if let Ok(device) = v4l::Device::with_path(&node) {
            reset_user_controls(&device);
            set_control(
                &device,
                "Horizontal Movement",
                v4l::control::Value::Integer(movement),
            );
        }
        let harness = Self {
            node,
            devices: MediaDevices::platform(),
            epoch: Instant::now(),
            held: Mutex::new(Held::default()),
        };
        // The case before stopped its tracks; their threads let go of the camera a moment
        // later (the backend's own opens wait for that; a case's direct ioctls do not).
        let deadline = Instant::now() + Duration::from_secs(3);
        while harness.open_handles() > 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        harness
    }

    /// A new handle on the node, for the harness's own ioctls.
    fn handle(&self) -> v4l::Device {
        v4l::Device::with_path(&self.node)
            .unwrap_or_else(|e| panic!("opening {}: {e}", self.node.display()))
    }

    fn held(&self) -> std::sync::MutexGuard<'_, Held> {
        self.held
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// How many handles of this process are open on the node (also once vivid unregistered it:
    /// the link then reads `/dev/videoN (deleted)`).
    fn open_handles(&self) -> usize {
        let node = self.node.to_string_lossy().into_owned();
        std::fs::read_dir("/proc/self/fd")
            .map(|fds| {
                fds.filter_map(|fd| std::fs::read_link(fd.ok()?.path()).ok())
                    .filter(|target| target.to_string_lossy().starts_with(&node))
                    .count()
            })
            .unwrap_or(0)
    }
}

impl Drop for Vivid {
    /// Leaves the driver as the next case expects it: frames flowing, nothing holding it, and
    /// connected again.
    fn drop(&mut self) {
        let mut held = self.held();
        held.busy = None;
        let unplugged = held.unplugged.take().is_some();
        drop(held);
        // No panic here (a drop while a failed case unwinds would abort the run).
        if !unplugged && let Ok(device) = v4l::Device::with_path(&self.node) {
            let dropped = device.query_controls().ok().and_then(|controls| {
                controls
                    .into_iter()
                    .find(|c| c.name == "Percentage of Dropped Buffers")
            });
            if let Some(control) = dropped {
                let _ = device.set_control(v4l::Control {
                    id: control.id,
                    value: v4l::control::Value::Integer(0),
                });
            }
        }
    }
}

impl Faults for Vivid {
    fn unplug(&self) {
        let device = self.handle();
        set_control(&device, "Disconnect", v4l::control::Value::None);
        self.held().unplugged = Some(device);
    }

    fn stall(&self, stalled: bool) {
        let percent = if stalled { 100 } else { 0 };
        set_control(
            &self.handle(),
            "Percentage of Dropped Buffers",
            v4l::control::Value::Integer(percent),
        );
    }

    fn device_open(&self) -> bool {
        let held = self.held();
        let ours = usize::from(held.unplugged.is_some()) + 2 * usize::from(held.busy.is_some());
        drop(held);
        self.open_handles() > ours
    }

    fn fail_next_stream_start(&self) -> bool {
        set_control(
            &self.handle(),
            "Inject VIDIOC_STREAMON Error",
            v4l::control::Value::None,
        );
        true
    }

    fn refuse_open(&self, refuse: bool) {
        let mut held = self.held();
        held.busy = None;
        if refuse {
            let device = self.handle();
            let stream = MmapStream::with_buffers(&device, v4l::buffer::Type::VideoCapture, 2)
                .expect("allocating buffers on the node (VIDIOC_REQBUFS)");
            held.busy = Some((stream, device));
        }
    }
}

impl Harness for Vivid {
    type Devices = MediaDevices;
    type Track = MediaStreamTrack;
    type Capture = ImageCapture;

    fn devices(&self) -> &MediaDevices {
        &self.devices
    }

    fn expectations(&self) -> Expectations {
        // vivid's webcam sizes: 320×180, 640×360, 640×480, 1280×720, 1920×1080, 3840×2160.
        Expectations::native()
    }

    fn faults(&self) -> Option<&dyn Faults> {
        Some(self)
    }

    async fn pause(&self, ms: u32) {
        std::thread::sleep(Duration::from_millis(u64::from(ms)));
    }

    fn now_ms(&self) -> f64 {
        self.epoch.elapsed().as_secs_f64() * 1000.0
    }

    fn snaps_ideals_to_steps(&self) -> bool {
        true
    }

    fn mode_switches_read_back(&self) -> bool {
        true
    }

    fn devices_with_digital_zoom(&self) -> Option<MediaDevices> {
        Some(MediaDevices::platform().with_digital_zoom(true))
    }
}

/// Fails on a skip that [`EXPECTED_SKIPS`] does not list, and on a listed case that ran.
fn judge(case: &str, outcome: Outcome) {
    let expected = EXPECTED_SKIPS.iter().find(|(name, _)| *name == case);
    match (outcome, expected) {
        (Outcome::Passed, None) => {}
        (Outcome::Skipped(reason), Some((_, why))) => {
            println!("SKIPPED v4l2::{case}: {reason} ({why})");
        }
        (Outcome::Skipped(reason), None) => {
            panic!("{case} skipped on vivid, which is not expected: {reason}")
        }
        (Outcome::Passed, Some((_, why))) => panic!(
            "{case} ran on vivid, but EXPECTED_SKIPS says it cannot ({why}): update the list"
        ),
    }
}

/// The cases that compare pictures taken at different times: vivid's whole picture moves when
/// asked to (fast: a 2-bar shift in a second), where the fake camera's moves only in its frame
/// counter, so these run on a still picture. The digital-zoom case compares a photo with the
/// zoomed frame grabbed just before it; on vivid's moving picture they still share only 79 %.
const STILL_CASES: &[&str] = &["digital_zoom_2x_shows_the_centre_of_the_frame_at_full_size"];

macro_rules! v4l2_suite {
    ($($case:ident),*) => {
        mod suite {
            use super::*;
            $(
                #[test]
                fn $case() {
                    let still = STILL_CASES.contains(&stringify!($case));
                    let harness = Vivid::with_movement(if still { STILL } else { MOVING });
                    let outcome = pollster::block_on(cases::$case(&harness));
                    drop(harness);
                    judge(stringify!($case), outcome);
                }
            )*
        }
    };
}

for_each_case!(v4l2_suite);

/// What only a real driver shows.
mod vivid {
    use imagecapture_conformance::harness::{decode_jpeg, eventually, open};
    use imagecapture_core::constraints::{
        ConstrainDouble, ConstrainULong, MediaTrackConstraintSet, MediaTrackConstraints,
    };
    use imagecapture_core::{
        BlobTrait, ErrorName, ImageBitmapTrait, ImageCaptureTrait, MediaDevicesTrait,
        MediaStreamConstraints, MediaStreamTrackTrait, PhotoSettings,
    };
    use imagecapture_native::v4l2;

    use super::*;

    /// `enumerateDevices` lists vivid's capture node and none of its output or metadata nodes,
    /// under the id of its node number; `getUserMedia({video: true})` opens it.
    #[test]
    fn only_capture_nodes_are_cameras() {
        let h = Vivid::new();
        let listed = pollster::block_on(h.devices.enumerate_devices()).unwrap();
        let ids: Vec<&str> = listed.iter().map(|d| d.device_id.as_str()).collect();
        let expected = format!("camera:{}", node_number(&h.node));
        assert_eq!(ids, [expected.as_str()], "{listed:?}");
        // vivid has an output and metadata nodes beside it: they exist, and are not listed.
        let nodes = std::fs::read_dir("/dev")
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().starts_with("video"))
            .count();
        assert!(
            nodes > 1,
            "vivid should have more nodes than its capture node"
        );
        let (track, _capture) = pollster::block_on(open(&h));
        assert_eq!(track.get_settings().device_id.as_deref(), Some(ids[0]));
        track.stop();
    }

    /// The track's capabilities span the driver's real sizes and frame rates, and each of the
    /// pixel formats we convert opens and delivers frames of the size asked for.
    #[test]
    fn every_size_of_the_driver_opens_and_delivers_frames() {
        let h = Vivid::new();
        let (track, _) = pollster::block_on(open(&h));
        let caps = track.get_capabilities();
        let width = caps.width.unwrap();
        assert_eq!((width.min, width.max), (Some(320), Some(3840)), "{caps:?}");
        track.stop();
        for (w, hgt) in [(320, 180), (640, 360), (1280, 720), (1920, 1080)] {
            let constraints = MediaStreamConstraints::video_with(MediaTrackConstraintSet {
                width: Some(ConstrainULong::exact(w)),
                height: Some(ConstrainULong::exact(hgt)),
                ..MediaTrackConstraintSet::default()
            });
            let stream = pollster::block_on(h.devices.get_user_media(&constraints))
                .unwrap_or_else(|e| panic!("{w}×{hgt}: {e}"));
            let track = stream.video_track().unwrap();
            let capture = ImageCapture::new(track.clone()).unwrap();
            let frame = pollster::block_on(capture.grab_frame())
                .unwrap_or_else(|e| panic!("grabFrame at {w}×{hgt}: {e}"));
            assert_eq!((frame.width(), frame.height()), (w, hgt));
            track.stop();
        }
    }

    /// vivid's test pattern, the 75 % colour bars: white (at 75 % too in vivid's sRGB),
    /// yellow, cyan, green, magenta, red, blue, black.
    const BARS: [[u8; 3]; 8] = [
        [191, 191, 191],
        [191, 191, 0],
        [0, 191, 191],
        [0, 191, 0],
        [191, 0, 191],
        [191, 0, 0],
        [0, 0, 191],
        [0, 0, 0],
    ];

    /// The colour in the middle of each bar, below vivid's on-screen text (the top lines).
    fn bars_at(rgba: &[u8], w: usize, hgt: usize) -> Vec<[u8; 3]> {
        let y = hgt * 3 / 4;
        (0..BARS.len())
            .map(|i| {
                let at = (y * w + (2 * i + 1) * w / 16) * 4;
                [rgba[at], rgba[at + 1], rgba[at + 2]]
            })
            .collect()
    }

    /// Each bar within 12 levels per channel of its colour.
    fn assert_bars(got: &[[u8; 3]], what: &str) {
        let off = |a: &[u8; 3], b: &[u8; 3]| a.iter().zip(b).map(|(x, y)| x.abs_diff(*y)).max();
        assert!(
            got.iter().zip(&BARS).all(|(g, e)| off(g, e) <= Some(12)),
            "the bars of {what}: got {got:?}, expected {BARS:?}"
        );
    }

    /// A grabbed frame shows the colour bars in their colours, so the conversion of the real
    /// driver's bytes in the format the backend picks is right.
    #[test]
    fn the_colour_bars_come_out_in_their_colours() {
        let h = Vivid::with_movement(STILL);
        let (track, capture) = pollster::block_on(open(&h));
        let frame = pollster::block_on(capture.grab_frame()).unwrap();
        let (w, hgt) = (frame.width() as usize, frame.height() as usize);
        let rgba = pollster::block_on(frame.to_rgba()).unwrap();
        assert_bars(&bars_at(&rgba, w, hgt), &format!("a {w}×{hgt} grab"));
        track.stop();
    }

    /// Every pixel format of the driver that we convert (vivid: YUYV, NV12, RGB3, BGR3, GREY…)
    /// comes out in the test pattern's colours: the driver's bytes, read with the `v4l` crate in
    /// each format, through this crate's converter (the backend itself picks the cheapest
    /// format, NV12, which the other cases cover).
    #[test]
    fn every_pixel_format_of_the_driver_converts_to_the_bars_colours() {
        use nokhwa_core::types::FrameFormat;
        use v4l::io::traits::CaptureStream;
        use v4l::video::Capture;

        let h = Vivid::with_movement(STILL);
        let device = h.handle();
        let formats: Vec<(v4l::FourCC, FrameFormat)> = device
            .enum_formats()
            .unwrap()
            .into_iter()
            .filter_map(|f| {
                let ours = match &f.fourcc.repr {
                    b"YUYV" => FrameFormat::YUYV,
                    b"NV12" => FrameFormat::NV12,
                    b"RGB3" => FrameFormat::RAWRGB,
                    b"BGR3" => FrameFormat::RAWBGR,
                    b"GREY" => FrameFormat::GRAY,
                    b"MJPG" => FrameFormat::MJPEG,
                    _ => return None,
                };
                Some((f.fourcc, ours))
            })
            .collect();
        assert!(
            formats.len() >= 4,
            "vivid offers fewer of our formats than expected: {formats:?}"
        );
        for (fourcc, format) in formats {
            let set = device
                .set_format(&v4l::Format::new(640, 480, fourcc))
                .unwrap_or_else(|e| panic!("{fourcc}: {e}"));
            assert_eq!((set.width, set.height), (640, 480), "{fourcc}");
            let mut stream =
                MmapStream::with_buffers(&device, v4l::buffer::Type::VideoCapture, 2).unwrap();
            // The second frame: the first one after a format change may still be settling.
            stream.next().unwrap();
            let (data, meta) = stream.next().unwrap();
            let used = (meta.bytesused as usize).min(data.len());
            let mut rgba = Vec::new();
            let (w, hgt) =
                imagecapture_native::convert::to_rgba(format, (640, 480), &data[..used], &mut rgba)
                    .unwrap_or_else(|e| panic!("{fourcc}: {e}"));
            let got = bars_at(&rgba, w as usize, hgt as usize);
            if format == FrameFormat::GRAY {
                // Grey levels fall from white to black, bar by bar.
                assert!(
                    got.windows(2).all(|p| p[0][0] > p[1][0]),
                    "{fourcc}: {got:?}"
                );
            } else {
                assert_bars(&got, &format!("{fourcc} {w}×{hgt}"));
            }
            drop(stream);
        }
    }

    /// For each mapped control vivid has (brightness, contrast, saturation), a value applied
    /// through `applyConstraints` is what the driver itself reports (`VIDIOC_G_CTRL` on a
    /// handle of our own), and a value outside the range is `OverconstrainedError` that leaves
    /// the driver's value alone.
    #[test]
    fn applied_controls_read_back_from_the_driver() {
        let h = Vivid::new();
        let (track, _capture) = pollster::block_on(open(&h));
        let caps = track.get_capabilities();
        type Member = fn(&mut MediaTrackConstraintSet, ConstrainDouble);
        let members: [(&str, u32, Option<_>, Member); 3] = [
            ("brightness", v4l2::BRIGHTNESS, caps.brightness, |s, v| {
                s.brightness = Some(v)
            }),
            ("contrast", v4l2::CONTRAST, caps.contrast, |s, v| {
                s.contrast = Some(v)
            }),
            ("saturation", v4l2::SATURATION, caps.saturation, |s, v| {
                s.saturation = Some(v)
            }),
        ];
        let driver = h.handle();
        let read = |cid: u32| match driver.control(cid).expect("VIDIOC_G_CTRL").value {
            v4l::control::Value::Integer(v) => v,
            other => panic!("{other:?}"),
        };
        for (name, cid, range, set) in members {
            let range = range.unwrap_or_else(|| panic!("vivid's {name} is not offered"));
            let (min, max) = (range.min.unwrap(), range.max.unwrap());
            let value = ((min + max) / 2.0 + 7.0).round();
            let mut basic = MediaTrackConstraintSet::default();
            set(&mut basic, ConstrainDouble::exact(value));
            pollster::block_on(track.apply_constraints(&MediaTrackConstraints::from(basic)))
                .unwrap_or_else(|e| panic!("{name} {value}: {e}"));
            assert_eq!(read(cid) as f64, value, "{name} as the driver reports it");
            let mut basic = MediaTrackConstraintSet::default();
            set(&mut basic, ConstrainDouble::exact(max + 1.0));
            let e =
                pollster::block_on(track.apply_constraints(&MediaTrackConstraints::from(basic)))
                    .unwrap_err();
            assert_eq!(e.name(), ErrorName::Overconstrained, "{name}: {e}");
            assert_eq!(e.constraint(), Some(name));
            assert_eq!(
                read(cid) as f64,
                value,
                "{name} changed by a refused constraint"
            );
        }
        track.stop();
    }

    /// Brightness shows in the driver's picture: the same frame area is lighter at the top of
    /// the range than at the bottom.
    #[test]
    fn brightness_shows_in_the_pixels() {
        let h = Vivid::new();
        let (track, capture) = pollster::block_on(open(&h));
        let range = track.get_capabilities().brightness.unwrap();
        let mean = |value: f64| {
            let set = MediaTrackConstraintSet {
                brightness: Some(ConstrainDouble::exact(value)),
                ..MediaTrackConstraintSet::default()
            };
            pollster::block_on(track.apply_constraints(&set.into())).unwrap();
            // A frame made after the change: grab twice (the first may be older).
            pollster::block_on(capture.grab_frame()).unwrap();
            let frame = pollster::block_on(capture.grab_frame()).unwrap();
            let rgba = pollster::block_on(frame.to_rgba()).unwrap();
            rgba.iter().map(|&b| f64::from(b)).sum::<f64>() / rgba.len() as f64
        };
        let (dark, light) = (mean(range.min.unwrap()), mean(range.max.unwrap()));
        assert!(
            light > dark + 20.0,
            "brightness: {dark} at min, {light} at max"
        );
        track.stop();
    }

    /// Photos at sizes other than the track's, up to the largest, succeed on the real driver
    /// (which refuses a new format while its stream has buffers), are JPEGs of the size asked
    /// for, and leave the track streaming at its own size.
    #[test]
    fn photos_at_other_sizes_switch_the_format_and_back() {
        let h = Vivid::new();
        let (track, capture) = pollster::block_on(open(&h));
        let size = (
            track.get_settings().width.unwrap(),
            track.get_settings().height.unwrap(),
        );
        let caps = pollster::block_on(capture.get_photo_capabilities()).unwrap();
        let max = caps.image_width.unwrap().max.unwrap();
        for width in [320.0, 1280.0, 1920.0, max] {
            let photo = pollster::block_on(capture.take_photo(&PhotoSettings::with_width(width)))
                .unwrap_or_else(|e| panic!("takePhoto({{imageWidth: {width}}}): {e}"));
            let bytes = pollster::block_on(photo.bytes()).unwrap();
            let (w, _) = decode_jpeg(&bytes).unwrap();
            assert_eq!(f64::from(w), width);
            let frame = pollster::block_on(capture.grab_frame())
                .unwrap_or_else(|e| panic!("grabFrame after a {width}-wide photo: {e}"));
            assert_eq!((frame.width(), frame.height()), size);
        }
        track.stop();
    }

    /// `applyConstraints` with another size switches the real driver's format while streaming,
    /// and back.
    #[test]
    fn apply_constraints_switches_sizes_while_streaming() {
        let h = Vivid::new();
        let (track, capture) = pollster::block_on(open(&h));
        for (w, hgt) in [(1280, 720), (640, 480), (1920, 1080)] {
            let set = MediaTrackConstraintSet {
                width: Some(ConstrainULong::exact(w)),
                height: Some(ConstrainULong::exact(hgt)),
                ..MediaTrackConstraintSet::default()
            };
            pollster::block_on(track.apply_constraints(&set.into()))
                .unwrap_or_else(|e| panic!("applyConstraints {w}×{hgt}: {e}"));
            let frame = pollster::block_on(capture.grab_frame()).unwrap();
            assert_eq!((frame.width(), frame.height()), (w, hgt));
        }
        track.stop();
    }

    /// A camera that stops sending without going away (vivid dropping every buffer: the read
    /// never returns on its own) is still let go of at `stop()`: within 2 s no handle of ours
    /// is open on it, while it still sends nothing.
    #[test]
    fn a_camera_that_stops_sending_is_released_at_stop() {
        let h = Vivid::new();
        let (track, capture) = pollster::block_on(open(&h));
        pollster::block_on(capture.grab_frame()).unwrap();
        h.stall(true);
        std::thread::sleep(Duration::from_millis(300));
        track.stop();
        let released = pollster::block_on(eventually(&h, 2000, || !h.device_open()));
        assert!(
            released,
            "the camera was still open 2 s after stop() while stalled"
        );
    }

    /// A driver that refuses the stream's buffers (vivid's *Inject VIDIOC_REQBUFS Error*) makes
    /// `getUserMedia` reject `NotReadableError`, and leaves the camera usable: the next one works.
    #[test]
    fn refused_buffers_are_not_readable_and_the_next_open_works() {
        let h = Vivid::new();
        set_control(
            &h.handle(),
            "Inject VIDIOC_REQBUFS Error",
            v4l::control::Value::None,
        );
        let refused =
            pollster::block_on(h.devices.get_user_media(&MediaStreamConstraints::video()));
        let Err(e) = refused else {
            panic!("getUserMedia succeeded with the buffers refused");
        };
        assert_eq!(e.name(), ErrorName::NotReadable, "{e}");
        assert!(!e.message().contains('\n'), "a one-line message: {e}");
        let (track, capture) = pollster::block_on(open(&h));
        pollster::block_on(capture.grab_frame()).expect("grabFrame on the next open");
        track.stop();
    }

    /// A fatal streaming error while the track runs (vivid's *Inject Fatal Streaming Error*:
    /// every dequeue then fails) is recovered from: grabs meanwhile settle, with a frame or
    /// `UnknownError` within their bound, and frames come again within two bounds.
    #[test]
    fn a_fatal_streaming_error_is_recovered_from() {
        let h = Vivid::new();
        let (track, capture) = pollster::block_on(open(&h));
        pollster::block_on(capture.grab_frame()).unwrap();
        set_control(
            &h.handle(),
            "Inject Fatal Streaming Error",
            v4l::control::Value::None,
        );
        let bound = imagecapture_core::limits::FRAME_TIMEOUT;
        let started = Instant::now();
        let mut fresh = 0;
        while fresh < 3 {
            let grab_started = Instant::now();
            match pollster::block_on(capture.grab_frame()) {
                Ok(_) => fresh += 1,
                Err(e) => assert_eq!(e.name(), ErrorName::Unknown, "{e}"),
            }
            assert!(
                grab_started.elapsed() < bound * 2,
                "a grab took {:?}",
                grab_started.elapsed()
            );
            assert!(
                started.elapsed() < bound * 3,
                "frames did not come back after a fatal streaming error"
            );
        }
        track.stop();
    }

    /// A dequeued buffer marked as failed (vivid's `V4L2_BUF_FLAG_ERROR` injection) is not a
    /// crash: grabs go on.
    #[test]
    fn an_injected_buffer_error_is_survived() {
        let h = Vivid::new();
        let (track, capture) = pollster::block_on(open(&h));
        pollster::block_on(capture.grab_frame()).unwrap();
        set_control(
            &h.handle(),
            "Inject V4L2_BUF_FLAG_ERROR",
            v4l::control::Value::None,
        );
        for _ in 0..5 {
            pollster::block_on(capture.grab_frame()).expect("grabFrame after a buffer error");
        }
        track.stop();
    }
}
