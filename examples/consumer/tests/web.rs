//! `wasm-pack test --headless --chrome` (or `--firefox`) in this folder runs these in a browser.
//! The browser needs a camera, or a fake one: `webdriver.json` beside Cargo.toml asks for it.
//! The first test is the README's ("Test your crate with wasm-pack"), as it is there.

#![cfg(target_arch = "wasm32")]
#![allow(missing_docs, clippy::unwrap_used, clippy::panic)]

use imagecapture::prelude::*;
use imagecapture::{ImageCapture, MediaDevices, MediaStreamConstraints, PhotoSettings};
use wasm_bindgen_test::*;
wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn takes_a_photo() {
    let stream = MediaDevices::new()
        .get_user_media(&MediaStreamConstraints::video())
        .await
        .unwrap();
    let capture = ImageCapture::new(stream.video_track().unwrap()).unwrap();
    let photo = capture
        .take_photo(&PhotoSettings::with_width(320.0))
        .await
        .unwrap();
    assert!(photo.size() > 0);
    // JPEG by default; Chromium's fake camera gives PNG through Chromium's own takePhoto.
    assert!(["image/jpeg", "image/png"].contains(&photo.mime_type().as_str()));
}

#[wasm_bindgen_test]
async fn the_crate_takes_a_photo_of_its_type() {
    let (mime_type, bytes) = imagecapture_consumer_example::snapshot(320.0)
        .await
        .unwrap();
    let magic: &[u8] = match mime_type.as_str() {
        "image/jpeg" => &[0xFF, 0xD8, 0xFF],
        "image/png" => b"\x89PNG",
        other => panic!("a photo of type {other}"),
    };
    assert!(
        bytes.starts_with(magic),
        "a {mime_type} photo starts {:?}",
        &bytes[..4]
    );
}
