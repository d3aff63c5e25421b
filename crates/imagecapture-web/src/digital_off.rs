//! Digital zoom left out of the build (the `digital-zoom` feature is off): no track has the
//! emulation, so every frame and photo shows the whole picture. The same two items as the
//! `digital` module's, for the code that asks.

use std::rc::Rc;

/// The emulation on one track: never made without the feature.
pub(crate) enum Emulation {}

impl Emulation {
    /// The part of a `size` frame shown now.
    pub(crate) fn crop(&self, _size: (u32, u32)) -> Option<(u32, u32, u32, u32)> {
        match *self {}
    }
}

/// The emulation on `track`: none.
pub(crate) fn of(_track: &web_sys::MediaStreamTrack) -> Option<Rc<Emulation>> {
    None
}
