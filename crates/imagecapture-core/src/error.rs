//! The one error type of the API: a DOMException name plus a message a user can act on.
//!
//! Every backend maps its own failures to [`Error`] in exactly one place (the web backend from and
//! to `DOMException`, the native backend from `NokhwaError`); nothing else matches on error text.

use std::borrow::Cow;
use std::fmt;

/// The name of the error, as the spec gives it: what `err.name` is in JavaScript.
///
/// `#[non_exhaustive]`: later spec revisions may add names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorName {
    /// `NotSupportedError`: the operation or value is valid but not supported by this device,
    /// e.g. photo settings outside `getPhotoCapabilities()`, or a track that is not video.
    NotSupported,
    /// `InvalidStateError`: the object is in the wrong state, e.g. the track has ended or is
    /// disabled.
    InvalidState,
    /// `OperationError`: an operation failed for a reason specific to it, e.g. the track ended
    /// while `getPhotoCapabilities()` ran.
    Operation,
    /// `UnknownError`: the device failed in a way nothing better describes, e.g. no frame came
    /// within the bound, or the camera failed while taking a photo.
    Unknown,
    /// `NotFoundError`: no device matches, e.g. no camera at all.
    NotFound,
    /// `NotReadableError`: the device exists but cannot be read, e.g. another process holds it.
    NotReadable,
    /// `NotAllowedError`: the user or the platform refused access.
    NotAllowed,
    /// `AbortError`: the operation was aborted, e.g. the camera was switched away mid-call.
    Abort,
    /// `OverconstrainedError`: a required constraint cannot be met. The failing constraint's name
    /// is in [`Error::constraint`].
    Overconstrained,
    /// `TypeError` (a JavaScript `TypeError`, not a `DOMException`): an argument of the wrong
    /// type or a value WebIDL rejects, e.g. `NaN` for a `double`, an unknown enum string.
    Type,
}

impl ErrorName {
    /// Every name, in the order of the declaration.
    pub const ALL: [Self; 10] = [
        Self::NotSupported,
        Self::InvalidState,
        Self::Operation,
        Self::Unknown,
        Self::NotFound,
        Self::NotReadable,
        Self::NotAllowed,
        Self::Abort,
        Self::Overconstrained,
        Self::Type,
    ];

    /// The name as JavaScript spells it: `"NotSupportedError"`, …, `"TypeError"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::NotSupported => "NotSupportedError",
            Self::InvalidState => "InvalidStateError",
            Self::Operation => "OperationError",
            Self::Unknown => "UnknownError",
            Self::NotFound => "NotFoundError",
            Self::NotReadable => "NotReadableError",
            Self::NotAllowed => "NotAllowedError",
            Self::Abort => "AbortError",
            Self::Overconstrained => "OverconstrainedError",
            Self::Type => "TypeError",
        }
    }

    /// Parses a JavaScript error name; `None` for names this API does not produce.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "NotSupportedError" => Self::NotSupported,
            "InvalidStateError" => Self::InvalidState,
            "OperationError" => Self::Operation,
            "UnknownError" => Self::Unknown,
            "NotFoundError" => Self::NotFound,
            "NotReadableError" => Self::NotReadable,
            "NotAllowedError" => Self::NotAllowed,
            "AbortError" => Self::Abort,
            "OverconstrainedError" => Self::Overconstrained,
            "TypeError" => Self::Type,
            _ => return None,
        })
    }
}

impl fmt::Display for ErrorName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error of the API: the spec's name, a message, and for `OverconstrainedError` the constraint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    name: ErrorName,
    message: Cow<'static, str>,
    constraint: Option<Cow<'static, str>>,
}

/// The result type of every fallible call of the API.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error with this name and message.
    pub fn new(name: ErrorName, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            name,
            message: message.into(),
            constraint: None,
        }
    }

    /// `OverconstrainedError` naming the constraint that cannot be met (its JavaScript name,
    /// e.g. `"width"`, `"frameRate"`).
    pub fn overconstrained(
        constraint: impl Into<Cow<'static, str>>,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self {
            name: ErrorName::Overconstrained,
            message: message.into(),
            constraint: Some(constraint.into()),
        }
    }

    /// `NotSupportedError` with this message.
    pub fn not_supported(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorName::NotSupported, message)
    }

    /// `InvalidStateError` with this message.
    pub fn invalid_state(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorName::InvalidState, message)
    }

    /// `OperationError` with this message.
    pub fn operation(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorName::Operation, message)
    }

    /// `UnknownError` with this message.
    pub fn unknown(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorName::Unknown, message)
    }

    /// `TypeError` with this message.
    pub fn type_error(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorName::Type, message)
    }

    /// The spec's name of this error.
    pub fn name(&self) -> ErrorName {
        self.name
    }

    /// What went wrong, for a person.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// For `OverconstrainedError`: the name of the constraint that could not be met.
    pub fn constraint(&self) -> Option<&str> {
        self.constraint.as_deref()
    }

    /// The same error with `context` put before its message (`"context: message"`).
    pub fn context(mut self, context: &str) -> Self {
        self.message = Cow::Owned([context, ": ", &self.message].concat());
        self
    }

    /// The same error under another name, e.g. a device failure that a method must report as
    /// `OperationError`. An `OverconstrainedError`'s constraint is dropped with its name.
    pub fn renamed(mut self, name: ErrorName) -> Self {
        if name != ErrorName::Overconstrained {
            self.constraint = None;
        }
        self.name = name;
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.name, self.message)?;
        if let Some(constraint) = &self.constraint {
            write!(f, " (constraint: {constraint})")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_their_javascript_spelling() {
        for name in ErrorName::ALL {
            assert_eq!(ErrorName::from_name(name.as_str()), Some(name));
        }
        assert_eq!(ErrorName::from_name("Error"), None);
    }

    #[test]
    fn overconstrained_carries_the_constraint_and_display_shows_it() {
        let e = Error::overconstrained("width", "no camera format is 9999 wide");
        assert_eq!(e.name(), ErrorName::Overconstrained);
        assert_eq!(e.constraint(), Some("width"));
        assert_eq!(
            e.to_string(),
            "OverconstrainedError: no camera format is 9999 wide (constraint: width)"
        );
        let renamed = e.renamed(ErrorName::Unknown);
        assert_eq!(renamed.constraint(), None);
    }

    #[test]
    fn context_prefixes_the_message() {
        let e = Error::unknown("no frame").context("grabFrame");
        assert_eq!(e.message(), "grabFrame: no frame");
    }
}
