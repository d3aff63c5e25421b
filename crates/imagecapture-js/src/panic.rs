//! What happens if Rust code panics anyway (library code has no `unwrap` and no `panic!`; a
//! panic would be a bug).
//!
//! On wasm32 a panic aborts: the instance traps, and its state (the panic count, borrowed
//! `RefCell`s, the futures executor) cannot be trusted afterwards. So the panic hook
//!
//! 1. schedules wasm-bindgen's reinitialisation (`schedule_reinit`): the next call into the
//!    module runs on a fresh instance of the same module;
//! 2. tells the JavaScript shell (`pkg/src/index.js`) through the listener it registered. The
//!    shell swaps in the fresh instance at once (`__wbg_reset_state`, exported because
//!    `cargo xtask pkg` runs wasm-bindgen with `--experimental-reset-state-function`), rejects
//!    every call still pending (their futures died with the old instance) and rebuilds its
//!    objects from their tracks on next use.
//!
//! Swapping at once matters: with only step 1, a callback of the dead instance that fires before
//! the next call (a promise reaction of a pending `grabFrame`, say) passes wasm-bindgen's
//! stale-instance check, triggers the swap itself and then runs the old closure's pointers in
//! the new instance, corrupting it.

use std::cell::RefCell;
use std::sync::Once;

use js_sys::Function;
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::wasm_bindgen;

thread_local! {
    static LISTENER: RefCell<Option<Function>> = const { RefCell::new(None) };
}

static HOOK: Once = Once::new();

/// Registers `listener(message)`, called when Rust code panics, just before the instance
/// traps. Installs the panic hook on first use (again after each reinitialisation, whose fresh
/// instance starts without one).
#[wasm_bindgen(js_name = setPanicListener)]
pub fn set_panic_listener(listener: Function) {
    // `set_hook` itself panics in a panicking instance (one that was not swapped out).
    if !std::thread::panicking() {
        HOOK.call_once(|| std::panic::set_hook(Box::new(on_panic)));
    }
    LISTENER.with(|slot| {
        if let Ok(mut slot) = slot.try_borrow_mut() {
            *slot = Some(listener);
        }
    });
}

fn on_panic(info: &std::panic::PanicHookInfo<'_>) {
    // First, so that nothing below can stop it.
    wasm_bindgen::handler::schedule_reinit();
    let message = info.to_string();
    // `try_with`/`try_borrow`: a panic while the listener slot is in use must not panic again.
    let listener = LISTENER
        .try_with(|slot| slot.try_borrow().ok().and_then(|l| l.clone()))
        .ok()
        .flatten();
    if let Some(listener) = listener {
        // The listener's own failure changes nothing: the instance is going down regardless.
        let _ = listener.call1(&JsValue::UNDEFINED, &JsValue::from_str(&message));
    }
}

/// Panics with `message`: only for the package's tests, which check that a panic leaves the
/// package usable. Not part of the API.
#[doc(hidden)]
#[wasm_bindgen(js_name = __panicForTests)]
#[allow(
    clippy::panic,
    reason = "the tests' way to cause the panic they recover from"
)]
pub fn panic_for_tests(message: &str) {
    panic!("{message}");
}
