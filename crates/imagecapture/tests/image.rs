//! The `image` feature natively, on the fake camera: `cargo test -p imagecapture --features image
//! --test image` (`cargo xtask test` runs it).

#![cfg(not(target_arch = "wasm32"))]
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use imagecapture::fake::{FakeCamera, FakeCameraConfig};
use imagecapture::prelude::*;
use imagecapture::{ImageCapture, MediaDevices, MediaStreamConstraints, into_rgba_image};

#[test]
fn a_frame_becomes_an_rgba_image_without_a_copy() {
    pollster::block_on(async {
        let devices = MediaDevices::with_fake_camera(FakeCamera::new(FakeCameraConfig::new()));
        let stream = devices
            .get_user_media(&MediaStreamConstraints::video())
            .await
            .unwrap();
        let track = stream.video_track().expect("a video track");
        let frame = ImageCapture::new(track.clone())
            .unwrap()
            .grab_frame()
            .await
            .unwrap();
        let (width, height) = (frame.width(), frame.height());
        let pixels = frame.pixels().to_vec();
        let buffer = frame.pixels().as_ptr();

        let image = into_rgba_image(frame).await.unwrap();
        track.stop();

        assert_eq!(image.dimensions(), (width, height));
        assert_eq!(image.as_raw(), &pixels, "the same pixels");
        assert_eq!(
            image.as_raw().as_ptr(),
            buffer,
            "the frame's own buffer, not a copy"
        );
        let imagecapture::image::Rgba([_, _, _, alpha]) = *image.get_pixel(width / 2, height / 2);
        assert_eq!(alpha, 255, "an opaque frame");
    });
}
