//! [`FakeCameraConfig`]: what the fake camera offers, and the parser of its user-facing spec.

use std::time::Duration;

use nokhwa_core::types::{CameraFormat, FrameFormat, Resolution};

use super::controls::FakeControls;

/// The largest width or height the fake camera accepts (larger ones are dropped by
/// [`FakeCameraConfig::with_resolutions`]): 8K, which keeps a frame buffer well below 200 MB.
const MAX_DIMENSION: u32 = 8192;

/// What [`FakeCameraConfig::from_spec`] accepts, for its error messages.
const EXPECTED: &str = "expected empty, \"1\" or \"yes\" for the default fake camera, \
     or a pixel format (yuyv, nv12, mjpeg) with an optional @fps, such as \"mjpeg\" or \"nv12@15\", \
     optionally followed by +webcam, +torch, +full or +none";

/// The highest frame rate the fake camera accepts.
const MAX_FRAME_RATE: u32 = 1000;

/// The pixel formats the fake camera can produce, in their default order.
const SUPPORTED_FORMATS: [FrameFormat; 3] =
    [FrameFormat::YUYV, FrameFormat::MJPEG, FrameFormat::NV12];

/// What a fake camera offers: its name, pixel formats, resolutions and frame rates, and how
/// long a stalled read waits.
///
/// Every combination of offered pixel format, resolution and frame rate is a format the device
/// accepts (like a UVC camera, it lists each of them). Setters are builder-style:
///
/// ```
/// # use imagecapture_native::fake::FakeCameraConfig;
/// # use nokhwa_core::types::{FrameFormat, Resolution};
/// let config = FakeCameraConfig::default()
///     .with_name("Test Cam")
///     .with_formats([FrameFormat::MJPEG])
///     .with_resolutions([Resolution::new(320, 240), Resolution::new(640, 480)])
///     .with_frame_rates([60, 30]);
/// assert_eq!(config.initial_format().frame_rate(), 60);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FakeCameraConfig {
    name: String,
    formats: Vec<FrameFormat>,
    resolutions: Vec<Resolution>,
    frame_rates: Vec<u32>,
    read_timeout: Duration,
    controls: FakeControls,
}

impl Default for FakeCameraConfig {
    /// "Fake Camera": YUYV, MJPEG and NV12; 320×240, 640×480, 1280×720 and 1920×1080; 30 and
    /// 15 fps; a read timeout of 200 ms; the controls of a UVC webcam
    /// ([`FakeControls::webcam`]).
    fn default() -> Self {
        Self {
            name: "Fake Camera".to_owned(),
            formats: SUPPORTED_FORMATS.to_vec(),
            resolutions: default_resolutions(),
            frame_rates: vec![30, 15],
            read_timeout: Duration::from_millis(200),
            controls: FakeControls::webcam(),
        }
    }
}

fn default_resolutions() -> Vec<Resolution> {
    vec![
        Resolution::new(320, 240),
        Resolution::new(640, 480),
        Resolution::new(1280, 720),
        Resolution::new(1920, 1080),
    ]
}

impl FakeCameraConfig {
    /// The default configuration (see [`Default`]).
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the device name (what [`CameraInfo::human_name`](nokhwa_core::types::CameraInfo::human_name) returns).
    #[must_use]
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Sets the pixel formats offered, in order (the first one is the initial format).
    ///
    /// Only [`FrameFormat::YUYV`], [`FrameFormat::MJPEG`] and [`FrameFormat::NV12`] are
    /// supported: others and duplicates are dropped, and when nothing is left the default
    /// list is kept.
    #[must_use]
    pub fn with_formats(mut self, formats: impl IntoIterator<Item = FrameFormat>) -> Self {
        let mut kept = Vec::new();
        for format in formats {
            if SUPPORTED_FORMATS.contains(&format) && !kept.contains(&format) {
                kept.push(format);
            }
        }
        if !kept.is_empty() {
            self.formats = kept;
        }
        self
    }

    /// Sets the resolutions offered (for every pixel format).
    ///
    /// Like a real camera's, sizes are even: an odd width or height is rounded down to even.
    /// Empty sizes, sizes larger than 8192 on a side, and duplicates are dropped; when nothing
    /// is left the default list is kept.
    #[must_use]
    pub fn with_resolutions(mut self, resolutions: impl IntoIterator<Item = Resolution>) -> Self {
        let mut kept = Vec::new();
        for resolution in resolutions {
            let even = Resolution::new(resolution.width() & !1, resolution.height() & !1);
            let usable = even.width() > 0
                && even.height() > 0
                && even.width() <= MAX_DIMENSION
                && even.height() <= MAX_DIMENSION;
            if usable && !kept.contains(&even) {
                kept.push(even);
            }
        }
        if !kept.is_empty() {
            self.resolutions = kept;
        }
        self
    }

    /// Sets the frame rates offered (for every format and resolution), in frames per second.
    ///
    /// Rates of 0 or above 1000 and duplicates are dropped; when nothing is left the default
    /// list is kept.
    #[must_use]
    pub fn with_frame_rates(mut self, frame_rates: impl IntoIterator<Item = u32>) -> Self {
        let mut kept = Vec::new();
        for rate in frame_rates {
            if (1..=MAX_FRAME_RATE).contains(&rate) && !kept.contains(&rate) {
                kept.push(rate);
            }
        }
        if !kept.is_empty() {
            self.frame_rates = kept;
        }
        self
    }

    /// Sets how long `frame()` waits on a stalled device before it fails with
    /// `ReadFrameError("Connection timed out (os error 110)")`.
    #[must_use]
    pub fn with_read_timeout(mut self, read_timeout: Duration) -> Self {
        self.read_timeout = read_timeout;
        self
    }

    /// Sets the controls offered (see [`FakeControls`]).
    #[must_use]
    pub fn with_controls(mut self, controls: FakeControls) -> Self {
        self.controls = controls;
        self
    }

    /// The controls offered.
    #[must_use]
    pub fn controls(&self) -> &FakeControls {
        &self.controls
    }

    /// The device name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The pixel formats offered, in order.
    #[must_use]
    pub fn formats(&self) -> &[FrameFormat] {
        &self.formats
    }

    /// The resolutions offered.
    #[must_use]
    pub fn resolutions(&self) -> &[Resolution] {
        &self.resolutions
    }

    /// The frame rates offered.
    #[must_use]
    pub fn frame_rates(&self) -> &[u32] {
        &self.frame_rates
    }

    /// How long a stalled read waits before it fails.
    #[must_use]
    pub fn read_timeout(&self) -> Duration {
        self.read_timeout
    }

    /// Every format the device accepts: each offered pixel format × resolution × frame rate,
    /// in the order of the lists.
    #[must_use]
    pub fn camera_formats(&self) -> Vec<CameraFormat> {
        let mut all = Vec::with_capacity(
            self.formats.len() * self.resolutions.len() * self.frame_rates.len(),
        );
        for &format in &self.formats {
            for &resolution in &self.resolutions {
                for &rate in &self.frame_rates {
                    all.push(CameraFormat::new(resolution, format, rate));
                }
            }
        }
        all
    }

    /// Whether the device accepts `format` (see [`camera_formats`](Self::camera_formats)).
    #[must_use]
    pub fn offers(&self, format: &CameraFormat) -> bool {
        self.formats.contains(&format.format())
            && self.resolutions.contains(&format.resolution())
            && self.frame_rates.contains(&format.frame_rate())
    }

    /// The format a freshly opened device has: 640×480 (or the first resolution offered when
    /// 640×480 is not) at the highest frame rate, in the first pixel format offered.
    #[must_use]
    pub fn initial_format(&self) -> CameraFormat {
        let vga = Resolution::new(640, 480);
        let resolution = if self.resolutions.contains(&vga) {
            vga
        } else {
            self.resolutions.first().copied().unwrap_or(vga)
        };
        let format = self.formats.first().copied().unwrap_or(FrameFormat::YUYV);
        let rate = self.frame_rates.iter().copied().max().unwrap_or(30);
        CameraFormat::new(resolution, format, rate)
    }

    /// Parses the user-facing spec of a fake camera, as an environment variable would hold it.
    ///
    /// Accepted, case-insensitively and ignoring surrounding blanks:
    /// - `""`, `"1"`, `"yes"`, `"true"`, `"on"`, `"default"`: the default configuration;
    /// - a pixel format, `"yuyv"` (or `"yuy2"`), `"nv12"` or `"mjpeg"` (or `"mjpg"`): only that
    ///   format is offered;
    /// - a pixel format and a frame rate, `"nv12@15"`: only that format, at only that rate
    ///   (1–1000 fps);
    /// - any of these followed by `+` and a control set: `+webcam` (the default,
    ///   [`FakeControls::webcam`]), `+torch` (the webcam's with a torch), `+full`
    ///   ([`FakeControls::full`]: every Image Capture member) or `+none` (no controls), e.g.
    ///   `"mjpeg+torch"`, `"1+full"`, `"+none"`.
    ///
    /// # Errors
    /// A message saying what was wrong and what is accepted, for anything else.
    pub fn from_spec(spec: &str) -> Result<Self, String> {
        let trimmed = spec.trim();
        let lower_whole = trimmed.to_ascii_lowercase();
        let (camera_part, controls_part) = match lower_whole.split_once('+') {
            Some((camera, controls)) => (camera.trim(), Some(controls.trim())),
            None => (lower_whole.as_str(), None),
        };
        let controls = match controls_part {
            None | Some("webcam") => FakeControls::webcam(),
            Some("torch") => FakeControls::webcam().with_torch(),
            Some("full") => FakeControls::full(),
            Some("none") => FakeControls::none(),
            Some(other) => {
                return Err(format!(
                    "invalid fake camera spec {trimmed:?}: unknown control set {other:?}; {EXPECTED}"
                ));
            }
        };
        Self::parse_camera(camera_part, trimmed).map(|c| c.with_controls(controls))
    }

    /// The part of [`from_spec`](Self::from_spec) before `+`, lower case.
    fn parse_camera(lower: &str, trimmed: &str) -> Result<Self, String> {
        if matches!(lower, "" | "1" | "yes" | "true" | "on" | "default") {
            return Ok(Self::default());
        }
        let (format_part, rate_part) = match lower.split_once('@') {
            Some((format, rate)) => (format.trim(), Some(rate.trim())),
            None => (lower, None),
        };
        let format = match format_part {
            "yuyv" | "yuy2" => FrameFormat::YUYV,
            "nv12" => FrameFormat::NV12,
            "mjpeg" | "mjpg" => FrameFormat::MJPEG,
            _ => {
                return Err(format!(
                    "invalid fake camera spec {trimmed:?}: unknown pixel format {format_part:?}; {EXPECTED}"
                ));
            }
        };
        let mut config = Self::default().with_formats([format]);
        if let Some(rate_text) = rate_part {
            let rate = rate_text
                .parse::<u32>()
                .ok()
                .filter(|rate| (1..=MAX_FRAME_RATE).contains(rate))
                .ok_or_else(|| {
                    format!(
                        "invalid fake camera spec {trimmed:?}: the frame rate {rate_text:?} is not \
                         a whole number from 1 to {MAX_FRAME_RATE}; {EXPECTED}"
                    )
                })?;
            config = config.with_frame_rates([rate]);
        }
        Ok(config)
    }
}
