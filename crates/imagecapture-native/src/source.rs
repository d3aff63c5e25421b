//! Where a camera comes from: a real one through nokhwa's platform backend, or the fake one.
//! Both are opened as a `nokhwa::Camera`, so everything above runs the same code.

use nokhwa::utils::{CameraIndex, FrameFormat, RequestedFormat, RequestedFormatType};
use nokhwa::{Camera, NokhwaError};

use crate::fake::FakeCamera;

/// The pixel formats we can turn into RGBA.
const DECODABLE: [FrameFormat; 6] = [
    FrameFormat::NV12,
    FrameFormat::YUYV,
    FrameFormat::MJPEG,
    FrameFormat::GRAY,
    FrameFormat::RAWRGB,
    FrameFormat::RAWBGR,
];

/// A camera that can be opened.
#[derive(Clone, Debug)]
pub(crate) enum Source {
    /// A camera of the platform (V4L2, AVFoundation, Media Foundation).
    Platform {
        index: CameraIndex,
        label: String,
        device_id: String,
    },
    /// The fake camera.
    Fake {
        camera: FakeCamera,
        device_id: String,
    },
}

impl Source {
    /// The camera's name for people.
    pub(crate) fn label(&self) -> String {
        match self {
            Self::Platform { label, .. } => label.clone(),
            Self::Fake { camera, .. } => camera.config().name().to_owned(),
        }
    }

    /// The `deviceId` of this camera.
    pub(crate) fn device_id(&self) -> String {
        match self {
            Self::Platform { device_id, .. } | Self::Fake { device_id, .. } => device_id.clone(),
        }
    }

    /// Opens the device (not yet streaming). Runs on the capture thread.
    pub(crate) fn open(&self) -> Result<Camera, NokhwaError> {
        match self {
            Self::Platform { index, .. } => {
                let request = RequestedFormat::with_formats(RequestedFormatType::None, &DECODABLE);
                // On Linux our V4L2 camera (nokhwa's device, our stream: see v4l2_camera.rs).
                #[cfg(target_os = "linux")]
                {
                    let device = crate::v4l2_camera::V4l2Camera::open(index, request)?;
                    Ok(Camera::with_custom(
                        index.clone(),
                        nokhwa::utils::ApiBackend::Video4Linux,
                        Box::new(device),
                    ))
                }
                #[cfg(not(target_os = "linux"))]
                Camera::new(index.clone(), request)
            }
            Self::Fake { camera, .. } => camera.open(CameraIndex::String("fake".into())),
        }
    }
}
