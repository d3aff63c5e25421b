//! `imagecapture`: the cameras of this machine through the W3C Image Capture API — the Rust
//! counterpart of `v4l2-ctl` in the spec's terms.
//!
//! ```text
//! imagecapture devices
//! imagecapture caps <device> [--json]
//! imagecapture snap <device> -o photo.jpg [--width N] [--height N] [--zoom 2]
//!                   [--exposure-time 100] [--flash] [--<member> VALUE]…
//! ```
//!
//! `<device>` is a device id (`fake:0`, `camera:0`), an index in the `devices` list, or a
//! part of a camera's name. `--fake [SPEC]` (or `IMAGECAPTURE_FAKE_CAMERA=SPEC`) adds the fake
//! camera, for machines without one; `--digital-zoom` emulates zoom, pan and tilt on cameras
//! without a zoom of their own. Run `imagecapture --help` for everything.

use std::process::ExitCode;

use imagecapture::constraints::{
    ConstrainDOMString, MediaTrackConstraintSet, MediaTrackConstraints,
};
use imagecapture::controls::{
    Control, ControlCapability, ControlConstraint, ControlKind, ControlValue,
};
use imagecapture::fake::{FakeCamera, FakeCameraConfig};
use imagecapture::prelude::*;
use imagecapture::{
    FillLightMode, ImageCapture, MediaDeviceInfo, MediaDeviceKind, MediaDevices,
    MediaStreamConstraints, MediaStreamTrack, MediaTrackCapabilities, MediaTrackSettings,
    MeteringMode, PhotoSettings,
};

const USAGE: &str = "\
imagecapture — cameras through the W3C Image Capture API

USAGE:
    imagecapture [OPTIONS] devices
    imagecapture [OPTIONS] caps <DEVICE> [--json]
    imagecapture [OPTIONS] snap <DEVICE> -o <FILE> [PHOTO OPTIONS] [CONTROLS]

DEVICE:
    a device id as `devices` lists it (fake:0, camera:0), its index in that list, or a part of
    its name

OPTIONS:
    --fake [SPEC]     add the fake camera (a moving test pattern); SPEC as IMAGECAPTURE_FAKE_CAMERA:
                      1, mjpeg, nv12@15, yuyv+torch, +full, +none…
    --digital-zoom    emulate zoom, pan and tilt on cameras without a zoom of their own
    --json            print JSON instead of a table
    -h, --help        this text

PHOTO OPTIONS (snap):
    -o, --output FILE    where to write the photo: .png for PNG, anything else JPEG
    --width N            the photo's width in pixels (the height follows the aspect ratio)
    --height N           the photo's height in pixels
    --quality Q          JPEG quality, 0 to 1
    --flash              fire the flash (the camera's torch) for the photo

CONTROLS (snap): any Image Capture member in kebab-case with a value, required exactly:
    --zoom 2  --pan 3600  --tilt -3600  --exposure-time 100  --exposure-mode manual
    --focus-mode continuous  --focus-distance 50  --color-temperature 5000
    --white-balance-mode manual  --brightness 140  --contrast 128  --saturation 0
    --sharpness 128  --iso 400  --exposure-compensation -1  --torch on
    (exposure-time, color-temperature and focus-distance switch their mode to manual)

ENVIRONMENT:
    IMAGECAPTURE_FAKE_CAMERA   adds the fake camera, as --fake
";

/// What to do.
#[derive(Debug, Clone, PartialEq)]
enum Command {
    Help,
    Devices,
    Caps { device: String },
    Snap(Snap),
}

/// `snap`'s arguments.
#[derive(Debug, Clone, PartialEq, Default)]
struct Snap {
    device: String,
    output: String,
    width: Option<f64>,
    height: Option<f64>,
    quality: Option<f64>,
    flash: bool,
    /// The controls to set, in the order given.
    controls: Vec<(Control, ControlValue)>,
}

/// Everything on the command line.
#[derive(Debug, Clone, PartialEq)]
struct Args {
    command: Command,
    fake: Option<String>,
    digital_zoom: bool,
    json: bool,
}

/// A usage error (exit code 2) or a failure (exit code 1).
#[derive(Debug, Clone, PartialEq)]
enum Failure {
    Usage(String),
    Failed(String),
}

fn usage(message: impl Into<String>) -> Failure {
    Failure::Usage(message.into())
}

/// `--exposure-time` → `exposureTime`.
fn camel_case(kebab: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in kebab.chars() {
        if c == '-' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// A control's value from the command line.
fn parse_value(control: Control, text: &str) -> Result<ControlValue, Failure> {
    let option = format!("--{}", kebab_case(control.name()));
    match control.kind() {
        ControlKind::Range => text
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .map(ControlValue::Number)
            .ok_or_else(|| usage(format!("{option} {text}: not a number"))),
        ControlKind::Mode => [
            MeteringMode::None,
            MeteringMode::Manual,
            MeteringMode::SingleShot,
            MeteringMode::Continuous,
        ]
        .into_iter()
        .find(|m| m.as_str() == text)
        .map(ControlValue::Mode)
        .ok_or_else(|| {
            usage(format!(
                "{option} {text}: not a mode (none, manual, single-shot, continuous)"
            ))
        }),
        ControlKind::Flag => match text {
            "on" | "true" | "1" | "yes" => Ok(ControlValue::Flag(true)),
            "off" | "false" | "0" | "no" => Ok(ControlValue::Flag(false)),
            _ => Err(usage(format!("{option} {text}: expected on or off"))),
        },
        ControlKind::Points => Err(usage(format!("{option} cannot be set from here"))),
    }
}

/// `exposureTime` → `exposure-time`.
fn kebab_case(camel: &str) -> String {
    let mut out = String::new();
    for c in camel.chars() {
        if c.is_ascii_uppercase() {
            out.push('-');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn parse_number(option: &str, text: Option<String>) -> Result<f64, Failure> {
    let text = text.ok_or_else(|| usage(format!("{option} needs a number")))?;
    text.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| usage(format!("{option} {text}: not a number")))
}

fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Args, Failure> {
    let mut it = args.into_iter().peekable();
    let mut positional: Vec<String> = Vec::new();
    let mut fake = None;
    let mut digital_zoom = false;
    let mut json = false;
    let mut help = false;
    let mut snap = Snap::default();
    let mut output = None;
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "-h" | "--help" => help = true,
            "--json" => json = true,
            "--digital-zoom" => digital_zoom = true,
            "--fake" => {
                // An optional SPEC: the next word, unless it is an option or a command.
                let spec = match it.peek() {
                    Some(next)
                        if !next.starts_with("--")
                            && !matches!(next.as_str(), "devices" | "caps" | "snap") =>
                    {
                        it.next().unwrap_or_default()
                    }
                    _ => String::from("1"),
                };
                fake = Some(spec);
            }
            "-o" | "--output" => {
                output = Some(it.next().ok_or_else(|| usage("-o needs a file name"))?);
            }
            "--width" => snap.width = Some(parse_number("--width", it.next())?),
            "--height" => snap.height = Some(parse_number("--height", it.next())?),
            "--quality" => snap.quality = Some(parse_number("--quality", it.next())?),
            "--flash" => snap.flash = true,
            other if other.starts_with("--") => {
                let name = other.trim_start_matches("--");
                let control = Control::from_name(&camel_case(name))
                    .filter(|c| c.kind() != ControlKind::Points)
                    .ok_or_else(|| usage(format!("unknown option {other} (see --help)")))?;
                let text = it
                    .next()
                    .ok_or_else(|| usage(format!("{other} needs a value")))?;
                snap.controls.push((control, parse_value(control, &text)?));
            }
            other if other.starts_with('-') && other.len() > 1 && other.parse::<f64>().is_err() => {
                return Err(usage(format!("unknown option {other} (see --help)")));
            }
            _ => positional.push(arg),
        }
    }
    if help {
        return Ok(Args {
            command: Command::Help,
            fake,
            digital_zoom,
            json,
        });
    }
    let output_given = output.is_some();
    let mut positional = positional.into_iter();
    let command = match positional.next().as_deref() {
        None => return Err(usage("no command: devices, caps or snap (see --help)")),
        Some("devices") => Command::Devices,
        Some(command @ ("caps" | "snap")) => {
            let device = positional.next().ok_or_else(|| {
                usage(format!(
                    "{command} needs a device (see `imagecapture devices`)"
                ))
            })?;
            if command == "caps" {
                Command::Caps { device }
            } else {
                snap.device = device;
                snap.output = output.ok_or_else(|| usage("snap needs -o FILE"))?;
                Command::Snap(snap.clone())
            }
        }
        Some(other) => {
            return Err(usage(format!(
                "unknown command {other:?}: devices, caps or snap"
            )));
        }
    };
    if let Some(extra) = positional.next() {
        return Err(usage(format!("unexpected argument {extra:?}")));
    }
    let is_snap = matches!(command, Command::Snap(_));
    if !is_snap && (snap != Snap::default() || output_given) {
        return Err(usage("photo options and controls go with snap"));
    }
    Ok(Args {
        command,
        fake,
        digital_zoom,
        json,
    })
}

// ---- Running -------------------------------------------------------------------------------------

fn media_devices(args: &Args) -> Result<MediaDevices, Failure> {
    let mut devices = MediaDevices::new().with_digital_zoom(args.digital_zoom);
    if let Some(spec) = &args.fake {
        let config =
            FakeCameraConfig::from_spec(spec).map_err(|e| usage(format!("--fake: {e}")))?;
        devices.add_fake_camera(FakeCamera::new(config));
    }
    Ok(devices)
}

async fn cameras(devices: &MediaDevices) -> Result<Vec<MediaDeviceInfo>, Failure> {
    Ok(devices
        .enumerate_devices()
        .await
        .map_err(|e| Failure::Failed(format!("cannot list the cameras: {e}")))?
        .into_iter()
        .filter(|d| d.kind == MediaDeviceKind::VideoInput)
        .collect())
}

/// The camera `wanted` names: an id, an index, or a unique part of a name.
fn find_camera(cameras: &[MediaDeviceInfo], wanted: &str) -> Result<MediaDeviceInfo, Failure> {
    let listing = || {
        if cameras.is_empty() {
            String::from("there is no camera (try --fake)")
        } else {
            let names: Vec<String> = cameras
                .iter()
                .enumerate()
                .map(|(i, c)| format!("{i}: {} ({})", c.device_id, c.label))
                .collect();
            format!("the cameras are {}", names.join(", "))
        }
    };
    if let Some(camera) = cameras.iter().find(|c| c.device_id == wanted) {
        return Ok(camera.clone());
    }
    if let Ok(index) = wanted.parse::<usize>() {
        return cameras.get(index).cloned().ok_or_else(|| {
            Failure::Failed(format!("camera {index}: no such camera; {}", listing()))
        });
    }
    let lower = wanted.to_lowercase();
    let matching: Vec<&MediaDeviceInfo> = cameras
        .iter()
        .filter(|c| c.label.to_lowercase().contains(&lower))
        .collect();
    match matching.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(Failure::Failed(format!(
            "camera {wanted:?}: no camera has that id or name; {}",
            listing()
        ))),
        _ => Err(Failure::Failed(format!(
            "camera {wanted:?}: several cameras match; {}",
            listing()
        ))),
    }
}

/// Opens `camera`, for a command; errors name the camera.
async fn open(
    devices: &MediaDevices,
    camera: &MediaDeviceInfo,
) -> Result<(MediaStreamTrack, ImageCapture), Failure> {
    let failed = |e: imagecapture::Error| {
        Failure::Failed(format!(
            "camera {} ({}): {e}",
            camera.device_id, camera.label
        ))
    };
    let constraints = MediaStreamConstraints::video_with(MediaTrackConstraintSet {
        device_id: Some(ConstrainDOMString::exact(camera.device_id.clone())),
        ..MediaTrackConstraintSet::default()
    });
    let stream = devices.get_user_media(&constraints).await.map_err(failed)?;
    let track = stream
        .video_track()
        .ok_or_else(|| failed(imagecapture::Error::unknown("no video track")))?;
    let capture = ImageCapture::new(track.clone()).map_err(failed)?;
    Ok((track, capture))
}

fn to_json<T: serde::Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}

async fn devices_command(args: &Args, devices: &MediaDevices) -> Result<String, Failure> {
    let cameras = cameras(devices).await?;
    if args.json {
        return Ok(serde_json::to_string_pretty(&to_json(&cameras)).unwrap_or_default());
    }
    if cameras.is_empty() {
        return Ok(String::from(
            "no camera found (add the fake camera with --fake or IMAGECAPTURE_FAKE_CAMERA=1)",
        ));
    }
    let lines: Vec<String> = cameras
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{i}  {:<20} {}", c.device_id, c.label))
        .collect();
    Ok(lines.join("\n"))
}

/// A capability for the table: `1–5 step 0.01`, `manual, continuous`.
fn show_capability(capability: &ControlCapability) -> String {
    match capability {
        ControlCapability::Range(r) => {
            let n = |v: Option<f64>| v.map_or_else(|| String::from("?"), |v| v.to_string());
            format!("{}–{} step {}", n(r.min), n(r.max), n(r.step))
        }
        ControlCapability::Modes(modes) => modes
            .iter()
            .map(|m| m.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        ControlCapability::Flags(flags) => flags
            .iter()
            .map(bool::to_string)
            .collect::<Vec<_>>()
            .join(", "),
    }
}

fn show_value(value: &ControlValue) -> String {
    match value {
        ControlValue::Number(v) => v.to_string(),
        ControlValue::Mode(m) => m.as_str().to_owned(),
        ControlValue::Flag(b) => b.to_string(),
        ControlValue::Points(p) => format!("{p:?}"),
    }
}

fn caps_table(
    camera: &MediaDeviceInfo,
    caps: &MediaTrackCapabilities,
    settings: &MediaTrackSettings,
    photo: &imagecapture::PhotoCapabilities,
) -> String {
    let mut rows: Vec<(String, String, String)> = Vec::new();
    let range = |min: Option<String>, max: Option<String>| {
        format!(
            "{}–{}",
            min.unwrap_or_else(|| "?".into()),
            max.unwrap_or_else(|| "?".into())
        )
    };
    let s = |v: Option<String>| v.unwrap_or_default();
    if let Some(w) = caps.width {
        rows.push((
            "width".into(),
            range(w.min.map(|v| v.to_string()), w.max.map(|v| v.to_string())),
            s(settings.width.map(|v| v.to_string())),
        ));
    }
    if let Some(h) = caps.height {
        rows.push((
            "height".into(),
            range(h.min.map(|v| v.to_string()), h.max.map(|v| v.to_string())),
            s(settings.height.map(|v| v.to_string())),
        ));
    }
    if let Some(f) = caps.frame_rate {
        rows.push((
            "frameRate".into(),
            range(f.min.map(|v| v.to_string()), f.max.map(|v| v.to_string())),
            s(settings.frame_rate.map(|v| v.to_string())),
        ));
    }
    for control in Control::ALL {
        if let Some(capability) = control.capability_in(caps) {
            let value = control
                .value_in(settings)
                .map(|v| show_value(&v))
                .unwrap_or_default();
            rows.push((control.name().into(), show_capability(&capability), value));
        }
    }
    let photo_range = |r: Option<imagecapture::MediaSettingsRange>| {
        r.map(|r| show_capability(&ControlCapability::Range(r)))
            .unwrap_or_default()
    };
    let mut out = format!("{} — {}\n\n", camera.device_id, camera.label);
    let width = rows.iter().map(|r| r.0.len()).max().unwrap_or(0).max(20);
    let cap_width = rows
        .iter()
        .map(|r| r.1.chars().count())
        .max()
        .unwrap_or(0)
        .max(12);
    out.push_str(&format!(
        "{:<width$}  {:<cap_width$}  {}\n",
        "member", "capability", "setting"
    ));
    for (name, capability, value) in rows {
        let pad = cap_width.saturating_sub(capability.chars().count());
        out.push_str(&format!(
            "{name:<width$}  {capability}{}  {value}\n",
            " ".repeat(pad)
        ));
    }
    out.push_str("\nphoto capabilities\n");
    out.push_str(&format!(
        "{:<width$}  {}\n",
        "imageWidth",
        photo_range(photo.image_width)
    ));
    out.push_str(&format!(
        "{:<width$}  {}\n",
        "imageHeight",
        photo_range(photo.image_height)
    ));
    let modes: Vec<&str> = photo
        .fill_light_mode
        .iter()
        .flatten()
        .map(|m| m.as_str())
        .collect();
    out.push_str(&format!(
        "{:<width$}  [{}]\n",
        "fillLightMode",
        modes.join(", ")
    ));
    if let Some(r) = photo.red_eye_reduction {
        out.push_str(&format!(
            "{:<width$}  {}\n",
            "redEyeReduction",
            to_json(&r).as_str().unwrap_or_default()
        ));
    }
    out
}

async fn caps_command(
    args: &Args,
    devices: &MediaDevices,
    wanted: &str,
) -> Result<String, Failure> {
    let camera = find_camera(&cameras(devices).await?, wanted)?;
    let (track, capture) = open(devices, &camera).await?;
    let failed = |what: &str, e: imagecapture::Error| {
        Failure::Failed(format!(
            "camera {} ({}): {what}: {e}",
            camera.device_id, camera.label
        ))
    };
    let caps = track.get_capabilities();
    let settings = track.get_settings();
    let photo = capture
        .get_photo_capabilities()
        .await
        .map_err(|e| failed("getPhotoCapabilities", e))?;
    let photo_settings = capture
        .get_photo_settings()
        .await
        .map_err(|e| failed("getPhotoSettings", e))?;
    track.stop();
    if args.json {
        let json = serde_json::json!({
            "device": to_json(&camera),
            "capabilities": to_json(&caps),
            "settings": to_json(&settings),
            "photoCapabilities": to_json(&photo),
            "photoSettings": to_json(&photo_settings),
        });
        return Ok(serde_json::to_string_pretty(&json).unwrap_or_default());
    }
    Ok(caps_table(&camera, &caps, &settings, &photo))
}

async fn snap_command(args: &Args, devices: &MediaDevices, snap: &Snap) -> Result<String, Failure> {
    let camera = find_camera(&cameras(devices).await?, &snap.device)?;
    let (track, capture) = open(devices, &camera).await?;
    let failed = |what: &str, e: imagecapture::Error| {
        Failure::Failed(format!(
            "camera {} ({}): {what}: {e}",
            camera.device_id, camera.label
        ))
    };
    let result = async {
        if !snap.controls.is_empty() {
            let mut set = MediaTrackConstraintSet::default();
            for (control, value) in &snap.controls {
                control.constrain_in(&mut set, ControlConstraint::exact(value));
            }
            track
                .apply_constraints(&MediaTrackConstraints::from(set))
                .await
                .map_err(|e| failed("applyConstraints", e))?;
        }
        let png = snap.output.to_ascii_lowercase().ends_with(".png");
        let settings = PhotoSettings {
            image_width: snap.width,
            image_height: snap.height,
            fill_light_mode: snap.flash.then_some(FillLightMode::Flash),
            mime_type: Some(if png { "image/png" } else { "image/jpeg" }.into()),
            quality: snap.quality,
            ..PhotoSettings::default()
        };
        let photo = capture
            .take_photo(&settings)
            .await
            .map_err(|e| failed("takePhoto", e))?;
        std::fs::write(&snap.output, photo.as_bytes())
            .map_err(|e| Failure::Failed(format!("cannot write {}: {e}", snap.output)))?;
        Ok::<_, Failure>((photo, track.get_settings()))
    }
    .await;
    track.stop();
    let (photo, settings) = result?;
    if args.json {
        let json = serde_json::json!({
            "device": to_json(&camera),
            "file": snap.output,
            "type": photo.mime_type(),
            "bytes": photo.size(),
            "settings": to_json(&settings),
        });
        return Ok(serde_json::to_string_pretty(&json).unwrap_or_default());
    }
    let applied: Vec<String> = snap
        .controls
        .iter()
        .filter_map(|(c, _)| {
            c.value_in(&settings)
                .map(|v| format!("{} {}", c.name(), show_value(&v)))
        })
        .collect();
    let mut line = format!(
        "{}: {} bytes of {} from {} ({})",
        snap.output,
        photo.size(),
        photo.mime_type(),
        camera.device_id,
        camera.label
    );
    if !applied.is_empty() {
        line.push_str(&format!(" with {}", applied.join(", ")));
    }
    Ok(line)
}

async fn run(args: Args) -> Result<String, Failure> {
    let devices = media_devices(&args)?;
    match &args.command {
        Command::Help => Ok(USAGE.trim_end().to_owned()),
        Command::Devices => devices_command(&args, &devices).await,
        Command::Caps { device } => caps_command(&args, &devices, device).await,
        Command::Snap(snap) => snap_command(&args, &devices, snap).await,
    }
}

fn main() -> ExitCode {
    let outcome =
        parse_args(std::env::args().skip(1)).and_then(|args| pollster::block_on(run(args)));
    match outcome {
        Ok(text) => {
            println!("{text}");
            ExitCode::SUCCESS
        }
        Err(Failure::Usage(message)) => {
            eprintln!("imagecapture: {message}");
            ExitCode::from(2)
        }
        Err(Failure::Failed(message)) => {
            eprintln!("imagecapture: {message}");
            ExitCode::from(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Result<Args, Failure> {
        parse_args(line.split_whitespace().map(String::from))
    }

    #[test]
    fn commands_and_options_parse() {
        assert_eq!(parse("devices").unwrap().command, Command::Devices);
        let args = parse("--fake caps 0 --json").unwrap();
        assert_eq!(args.fake.as_deref(), Some("1"));
        assert!(args.json);
        assert_eq!(args.command, Command::Caps { device: "0".into() });
        let args = parse("--fake mjpeg+torch --digital-zoom snap fake:0 -o a.jpg --zoom 2 --exposure-time 100 --focus-mode manual --torch on --width 640 --flash --pan -3600").unwrap();
        assert_eq!(args.fake.as_deref(), Some("mjpeg+torch"));
        assert!(args.digital_zoom);
        let Command::Snap(snap) = args.command else {
            panic!("not snap");
        };
        assert_eq!(snap.output, "a.jpg");
        assert_eq!(snap.width, Some(640.0));
        assert!(snap.flash);
        assert_eq!(
            snap.controls,
            [
                (Control::Zoom, ControlValue::Number(2.0)),
                (Control::ExposureTime, ControlValue::Number(100.0)),
                (Control::FocusMode, ControlValue::Mode(MeteringMode::Manual)),
                (Control::Torch, ControlValue::Flag(true)),
                (Control::Pan, ControlValue::Number(-3600.0)),
            ]
        );
        assert_eq!(parse("-h").unwrap().command, Command::Help);
    }

    #[test]
    fn mistakes_are_usage_errors_that_say_what_is_wrong() {
        for (line, says) in [
            ("", "no command"),
            ("snap 0", "-o"),
            ("caps", "needs a device"),
            ("frobnicate", "unknown command"),
            ("snap 0 -o a.jpg --zoom two", "not a number"),
            ("snap 0 -o a.jpg --zoom NaN", "not a number"),
            ("snap 0 -o a.jpg --focus-mode sideways", "not a mode"),
            ("snap 0 -o a.jpg --torch maybe", "on or off"),
            ("snap 0 -o a.jpg --warp 9", "unknown option --warp"),
            ("snap 0 -o a.jpg --points-of-interest 1", "unknown option"),
            ("caps 0 --zoom 2", "go with snap"),
            ("caps 0 extra", "unexpected argument"),
            ("snap 0 -o a.jpg --width", "needs a number"),
        ] {
            match parse(line) {
                Err(Failure::Usage(message)) => {
                    assert!(message.contains(says), "{line}: {message}")
                }
                other => panic!("{line}: {other:?}"),
            }
        }
    }

    #[test]
    fn names_convert_between_cases() {
        for control in Control::ALL {
            assert_eq!(camel_case(&kebab_case(control.name())), control.name());
        }
        assert_eq!(kebab_case("exposureTime"), "exposure-time");
    }

    #[test]
    fn cameras_are_found_by_id_index_or_name() {
        let camera = |id: &str, label: &str| MediaDeviceInfo {
            device_id: id.into(),
            kind: MediaDeviceKind::VideoInput,
            label: label.into(),
            group_id: id.into(),
        };
        let list = [
            camera("camera:0", "HD Pro Webcam C920"),
            camera("fake:0", "Fake Camera"),
        ];
        assert_eq!(find_camera(&list, "fake:0").unwrap().device_id, "fake:0");
        assert_eq!(find_camera(&list, "0").unwrap().device_id, "camera:0");
        assert_eq!(find_camera(&list, "c920").unwrap().device_id, "camera:0");
        for (wanted, says) in [
            ("7", "no such camera"),
            ("nikon", "no camera has"),
            ("ca", "several"),
        ] {
            match find_camera(&list, wanted) {
                Err(Failure::Failed(m)) => {
                    assert!(
                        m.contains(says) && m.contains("fake:0 (Fake Camera)"),
                        "{m}"
                    );
                }
                other => panic!("{wanted}: {other:?}"),
            }
        }
        match find_camera(&[], "0") {
            Err(Failure::Failed(m)) => assert!(m.contains("--fake"), "{m}"),
            other => panic!("{other:?}"),
        }
    }
}
