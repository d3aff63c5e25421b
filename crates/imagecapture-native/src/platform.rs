//! The platform's cameras, listed for `enumerateDevices()` and `getUserMedia()`.
//!
//! On Linux nokhwa lists every `/dev/video*` node as a camera, in the order the directory
//! happens to list them. But a V4L2 device has nodes that are not cameras: a uvcvideo webcam has
//! a metadata node beside its capture node, and the kernel's vivid driver has video output and
//! metadata nodes too (listed first there, so `camera:0` was not a camera at all, and
//! `getUserMedia({video: true})` failed on it with NotReadableError). So here a node is a camera
//! only when its *device* capabilities (`VIDIOC_QUERYCAP`'s `device_caps`, the node's own, not
//! the whole device's) include video capture, and the cameras come in `/dev/video` order, so that
//! `camera:N` (N the node's number) names the same camera for as long as it stays plugged in.
//!
//! Elsewhere nokhwa's own listing is used as it is.

use nokhwa::utils::CameraIndex;

/// One camera of the platform.
#[derive(Debug, Clone)]
pub(crate) struct PlatformCamera {
    pub(crate) index: CameraIndex,
    pub(crate) label: String,
}

impl PlatformCamera {
    /// The `deviceId` the camera has for as long as it stays plugged in.
    pub(crate) fn device_id(&self) -> String {
        format!("camera:{}", self.index.as_string())
    }
}

/// The platform's cameras, in a stable order. A listing that fails is no camera: nokhwa has
/// even panicked listing devices on machines without any (its issues #166, #192), which is
/// contained here.
pub(crate) fn cameras() -> Vec<PlatformCamera> {
    let listed = std::panic::catch_unwind(list);
    listed.unwrap_or_default()
}

#[cfg(target_os = "linux")]
fn list() -> Vec<PlatformCamera> {
    use v4l::capability::Flags;

    let mut nodes: Vec<(u32, v4l::context::Node)> = v4l::context::enum_devices()
        .into_iter()
        .filter_map(|node| Some((node_number(node.path())?, node)))
        .collect();
    nodes.sort_unstable_by_key(|(number, _)| *number);
    nodes
        .into_iter()
        .filter_map(|(number, node)| {
            // A node that cannot be opened or asked (gone since the listing, no permission)
            // is no camera we could use.
            let device = v4l::Device::with_path(node.path()).ok()?;
            let caps = device.query_caps().ok()?;
            caps.capabilities
                .contains(Flags::VIDEO_CAPTURE)
                .then(|| PlatformCamera {
                    index: CameraIndex::Index(number),
                    // The node's name (sysfs), as nokhwa labels it; the driver's card name
                    // where the node has none.
                    label: node.name().unwrap_or(caps.card),
                })
        })
        .collect()
}

/// `N` of a `/dev/videoN` path.
#[cfg(target_os = "linux")]
fn node_number(path: &std::path::Path) -> Option<u32> {
    path.file_name()?
        .to_str()?
        .strip_prefix("video")?
        .parse()
        .ok()
}

#[cfg(not(target_os = "linux"))]
fn list() -> Vec<PlatformCamera> {
    nokhwa::query(nokhwa::utils::ApiBackend::Auto)
        .map(|cameras| {
            cameras
                .into_iter()
                .map(|info| PlatformCamera {
                    index: info.index().clone(),
                    label: info.human_name(),
                })
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[cfg(target_os = "linux")]
    #[test]
    fn node_numbers_come_from_video_paths_only() {
        use std::path::Path;
        assert_eq!(super::node_number(Path::new("/dev/video12")), Some(12));
        assert_eq!(super::node_number(Path::new("/dev/video")), None);
        assert_eq!(super::node_number(Path::new("/dev/videoX")), None);
        assert_eq!(super::node_number(Path::new("/dev/media0")), None);
    }
}
