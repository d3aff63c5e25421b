//! Takes one photo with the first camera and writes it to a file. On a machine without a
//! camera it says so and uses the fake camera (a moving test pattern) instead.
//!
//! ```text
//! cargo run --example snapshot -- [OUTPUT] [--width N] [--png]
//! cargo run --example snapshot -- photo.jpg --width 1280
//! ```
//!
//! Shows: opening a camera with `get_user_media`, `ImageCapture::take_photo` with settings,
//! reading the photo capabilities, and handling the spec's errors by name.

use std::process::ExitCode;

use imagecapture::fake::{FakeCamera, FakeCameraConfig};
use imagecapture::prelude::*;
use imagecapture::{ErrorName, ImageCapture, MediaDevices, MediaStreamConstraints, PhotoSettings};

struct Args {
    output: Option<String>,
    width: Option<f64>,
    png: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        output: None,
        width: None,
        png: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--width" => {
                let value = it.next().ok_or("--width needs a number")?;
                args.width = Some(
                    value
                        .parse()
                        .map_err(|_| format!("--width {value}: not a number"))?,
                );
            }
            "--png" => args.png = true,
            "-h" | "--help" => return Err("usage: snapshot [OUTPUT] [--width N] [--png]".into()),
            other if other.starts_with('-') => return Err(format!("unknown option {other}")),
            other => args.output = Some(other.to_owned()),
        }
    }
    Ok(args)
}

async fn run(args: Args) -> Result<(), String> {
    let mut devices = MediaDevices::new();
    let cameras = devices
        .enumerate_devices()
        .await
        .map_err(|e| e.to_string())?;
    if cameras.is_empty() {
        println!("No camera found: using the fake camera (a moving test pattern) instead.");
        devices = MediaDevices::with_fake_camera(FakeCamera::new(FakeCameraConfig::new()));
    }
    let stream = devices
        .get_user_media(&MediaStreamConstraints::video())
        .await
        .map_err(|e| match e.name() {
            ErrorName::NotReadable => format!("the camera is busy or failed to start: {e}"),
            _ => format!("cannot open a camera: {e}"),
        })?;
    let track = stream
        .video_track()
        .ok_or("the stream has no video track")?;
    println!("Camera: {}", track.label());
    let capture = ImageCapture::new(track.clone()).map_err(|e| e.to_string())?;
    let caps = capture
        .get_photo_capabilities()
        .await
        .map_err(|e| e.to_string())?;
    if let Some(range) = caps.image_width {
        println!(
            "Photo widths: {} to {} px",
            range.min.unwrap_or_default(),
            range.max.unwrap_or_default()
        );
    }
    let settings = PhotoSettings {
        image_width: args.width,
        mime_type: args.png.then(|| "image/png".to_owned()),
        ..PhotoSettings::default()
    };
    let photo = capture
        .take_photo(&settings)
        .await
        .map_err(|e| format!("takePhoto failed: {e}"))?;
    let output = args
        .output
        .unwrap_or_else(|| format!("snapshot.{}", photo.extension()));
    std::fs::write(&output, photo.as_bytes()).map_err(|e| format!("cannot write {output}: {e}"))?;
    println!(
        "Wrote {output} ({}, {} bytes)",
        photo.mime_type(),
        photo.size()
    );
    track.stop();
    Ok(())
}

fn main() -> ExitCode {
    let outcome = parse_args().and_then(|args| pollster::block_on(run(args)));
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("snapshot: {message}");
            ExitCode::FAILURE
        }
    }
}
