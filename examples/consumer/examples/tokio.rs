//! The futures of `imagecapture` run on any executor; here on tokio's multi-threaded runtime
//! (the facade's own example, `snapshot`, uses pollster). A task grabs frames while the main
//! task takes a photo under a timeout, each with its own `ImageCapture` on the one track.
//!
//! ```text
//! IMAGECAPTURE_FAKE_CAMERA=1 cargo run -p imagecapture-consumer-example --example tokio
//! ```
//!
//! (`IMAGECAPTURE_FAKE_CAMERA=1`: a fake camera, for machines without one.)

#[cfg(not(target_arch = "wasm32"))]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    // What `#[tokio::main]` expands to.
    tokio::runtime::Runtime::new()?.block_on(run())
}

#[cfg(not(target_arch = "wasm32"))]
async fn run() -> Result<(), Box<dyn std::error::Error>> {
    use std::time::Duration;

    use imagecapture::prelude::*;
    use imagecapture::{ImageCapture, MediaDevices, MediaStreamConstraints, PhotoSettings};

    let stream = MediaDevices::new()
        .get_user_media(&MediaStreamConstraints::video())
        .await?;
    let track = stream
        .video_track()
        .ok_or("no camera (IMAGECAPTURE_FAKE_CAMERA=1 adds a fake one)")?;

    // Natively the futures are `Send`: a task on another worker thread can await them.
    let grabber = {
        let capture = ImageCapture::new(track.clone())?;
        tokio::spawn(async move {
            let mut sizes = Vec::new();
            for _ in 0..5 {
                let frame = capture.grab_frame().await?;
                sizes.push((frame.width(), frame.height()));
            }
            Ok::<_, imagecapture::Error>(sizes)
        })
    };

    let capture = ImageCapture::new(track.clone())?;
    let photo = tokio::time::timeout(
        Duration::from_secs(10),
        capture.take_photo(&PhotoSettings::with_width(640.0)),
    )
    .await??;
    let sizes = grabber.await??;
    track.stop();

    println!(
        "{} frames of {}×{} on a tokio task; a photo of {} bytes ({})",
        sizes.len(),
        sizes[0].0,
        sizes[0].1,
        photo.size(),
        photo.mime_type()
    );
    Ok(())
}

/// tokio's runtime is native: in browsers the same futures run on `wasm-bindgen-futures`.
#[cfg(target_arch = "wasm32")]
fn main() {}
