//! The `imagecapture` command end to end, on the fake camera.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::path::PathBuf;
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_imagecapture"))
        .args(args)
        .env_remove("IMAGECAPTURE_FAKE_CAMERA")
        .output()
        .expect("run imagecapture")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn temp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("imagecapture-cli-{}-{name}", std::process::id()))
}

#[test]
fn devices_lists_the_fake_camera() {
    let out = run(&["--fake", "devices"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("fake:0"), "{}", stdout(&out));
    let out = run(&["devices", "--json"]);
    assert!(out.status.success());
    // No fake camera asked for, and no camera on this machine (or some): a JSON list either way.
    assert!(
        stdout(&out).trim_start().starts_with('['),
        "{}",
        stdout(&out)
    );
}

#[test]
fn caps_shows_capabilities_settings_and_photo_capabilities() {
    let out = run(&["--fake", "+torch", "caps", "fake:0", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["capabilities"]["zoom"]["min"], 1.0);
    assert_eq!(json["capabilities"]["zoom"]["max"], 5.0);
    assert_eq!(json["settings"]["exposureMode"], "continuous");
    assert_eq!(json["settings"]["torch"], false);
    assert_eq!(
        json["photoCapabilities"]["fillLightMode"],
        serde_json::json!(["off", "flash"])
    );
    assert_eq!(json["photoSettings"]["imageWidth"], 640.0);
    let out = run(&["--fake", "caps", "0"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let table = stdout(&out);
    for row in [
        "zoom",
        "1–5 step 0.01",
        "exposureTime",
        "fillLightMode",
        "[]",
    ] {
        assert!(table.contains(row), "{row} missing:\n{table}");
    }
}

#[test]
fn snap_applies_controls_and_writes_the_photo() {
    let path = temp("zoom.jpg");
    let file = path.to_str().unwrap();
    let out = run(&[
        "--fake",
        "snap",
        "0",
        "-o",
        file,
        "--zoom",
        "2",
        "--exposure-time",
        "100",
        "--width",
        "1280",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("zoom 2, exposureTime 100"),
        "{}",
        stdout(&out)
    );
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(bytes.get(..2), Some(&[0xFF, 0xD8][..]), "not a JPEG");
    std::fs::remove_file(&path).ok();

    let path = temp("flash.png");
    let file = path.to_str().unwrap();
    let out = run(&[
        "--fake",
        "yuyv+torch",
        "snap",
        "fake:0",
        "-o",
        file,
        "--flash",
        "--json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["type"], "image/png");
    // The torch was on for the photo only.
    assert_eq!(json["settings"]["torch"], false);
    assert_eq!(std::fs::read(&path).unwrap().get(1..4), Some(&b"PNG"[..]));
    std::fs::remove_file(&path).ok();

    let path = temp("digital.jpg");
    let out = run(&[
        "--fake",
        "+none",
        "--digital-zoom",
        "snap",
        "0",
        "-o",
        path.to_str().unwrap(),
        "--zoom",
        "2",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    std::fs::remove_file(&path).ok();
}

#[test]
fn errors_name_the_camera_and_the_reason() {
    let path = temp("never.jpg");
    let file = path.to_str().unwrap();
    for (args, code, says) in [
        (
            vec!["--fake", "snap", "0", "-o", file, "--zoom", "7"],
            1,
            "camera fake:0 (Fake Camera): applyConstraints: OverconstrainedError: zoom: exact 7",
        ),
        (
            vec!["--fake", "snap", "0", "-o", file, "--flash"],
            1,
            "takePhoto: NotSupportedError",
        ),
        (
            vec!["--fake", "snap", "0", "-o", file, "--iso", "400"],
            1,
            "the camera has no iso",
        ),
        (
            vec!["--fake", "caps", "nikon"],
            1,
            "camera \"nikon\": no camera has that id or name",
        ),
        (vec!["caps", "0"], 1, "no such camera"),
        (vec!["warp", "--fake"], 2, "unknown command"),
        (
            vec!["--fake", "nv13", "devices"],
            2,
            "--fake: invalid fake camera spec",
        ),
    ] {
        let out = run(&args);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
    }
    assert!(!path.exists());
}

#[test]
fn help_describes_every_command() {
    let out = run(&["--help"]);
    assert!(out.status.success());
    for word in [
        "devices",
        "caps",
        "snap",
        "--zoom",
        "--flash",
        "--digital-zoom",
        "IMAGECAPTURE_FAKE_CAMERA",
    ] {
        assert!(stdout(&out).contains(word), "{word}");
    }
}
