//! The one place where nokhwa's errors become the API's.
//!
//! `NokhwaError` is classified by operation, with free-form `String` payloads from the OS. We
//! need three distinctions it does not make — the device is gone, the device is busy, anything
//! else — so this module reads the OS error inside the payload, and nothing else in the crate
//! looks at error text.

use imagecapture_core::{Error, ErrorName};
use nokhwa::NokhwaError;

/// What we were doing when nokhwa failed: decides the spec name of the error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Doing {
    /// Opening the device or its stream (`getUserMedia`).
    Opening,
    /// Reading a frame.
    Reading,
    /// Changing the format (`applyConstraints`, a photo at another size).
    Configuring,
    /// Writing a camera control (`applyConstraints` of an image-capture member).
    Controlling,
}

/// The OS's words for "the device is no longer there" (Linux ENODEV, "No such device"; the
/// errno text V4L2 gives when a USB camera is unplugged) or "not found".
fn says_gone(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    t.contains("os error 19") || t.contains("no such device") || t.contains("enodev")
}

/// The OS's words for "someone else holds the device" (Linux EBUSY).
fn says_busy(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    t.contains("os error 16") || t.contains("busy")
}

/// True when the error means the camera went away (unplugged): the track must end.
pub(crate) fn is_device_gone(err: &NokhwaError) -> bool {
    says_gone(&err.to_string())
}

/// nokhwa's error as one line a user can read: what failed and the OS's reason. Its
/// `SetPropertyError` carries a multi-line dump of the format it tried (`value`), which says
/// nothing the caller's context does not: it is left out, and any other line break folded.
fn one_line(err: &NokhwaError) -> String {
    let text = match err {
        NokhwaError::SetPropertyError {
            property, error, ..
        } => format!("could not set the device's {property}: {error}"),
        other => other.to_string(),
    };
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Maps a nokhwa error met while `doing` something to the API's error.
pub(crate) fn from_nokhwa(err: &NokhwaError, doing: Doing) -> Error {
    let text = one_line(err);
    let name = match doing {
        Doing::Opening if says_gone(&text) => ErrorName::NotFound,
        // A camera that exists but cannot be opened or started: held by another process, or a
        // hardware/driver failure. The spec's name for both is NotReadableError.
        Doing::Opening => ErrorName::NotReadable,
        Doing::Reading | Doing::Configuring => ErrorName::Unknown,
        // A control the device refused although its range allowed the value: the operation
        // failed for a reason of its own (a method that must say UnknownError renames it).
        Doing::Controlling => ErrorName::Operation,
    };
    let hint = if doing == Doing::Opening && says_busy(&text) {
        " (is another program using the camera?)"
    } else {
        ""
    };
    Error::new(name, format!("{text}{hint}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unplug_busy_and_other_failures_are_told_apart() {
        let gone = NokhwaError::ReadFrameError("No such device (os error 19)".into());
        assert!(is_device_gone(&gone));
        let timeout = NokhwaError::ReadFrameError("Connection timed out (os error 110)".into());
        assert!(!is_device_gone(&timeout));
        assert_eq!(
            from_nokhwa(&timeout, Doing::Reading).name(),
            ErrorName::Unknown
        );

        let busy = NokhwaError::OpenDeviceError(
            "/dev/video0".into(),
            "Device or resource busy (os error 16)".into(),
        );
        let e = from_nokhwa(&busy, Doing::Opening);
        assert_eq!(e.name(), ErrorName::NotReadable);
        assert!(e.message().contains("another program"), "{e}");
        assert_eq!(
            from_nokhwa(&gone, Doing::Opening).name(),
            ErrorName::NotFound
        );
    }

    #[test]
    fn a_refused_format_reads_as_one_line_without_nokhwas_format_dump() {
        let refused = NokhwaError::SetPropertyError {
            property: "Resolution, FrameFormat".into(),
            value: "width: 1920\nheight: 1080\nfourcc: NV12\n".into(),
            error: "Device or resource busy (os error 16)".into(),
        };
        let e = from_nokhwa(&refused, Doing::Configuring);
        assert_eq!(
            e.message(),
            "could not set the device's Resolution, FrameFormat: Device or resource busy (os error 16)"
        );
    }
}
