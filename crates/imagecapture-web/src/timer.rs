//! Time in the browser: a monotonic clock, `setTimeout` as a future that clears its timer when
//! dropped (gloo's pattern), and racing a future against a deadline, so that no wait is
//! unbounded.

use std::future::Future;
use std::pin::{Pin, pin};
use std::task::{Context, Poll};
use std::time::Duration;

use imagecapture_core::{Error, Result, text};
use js_sys::Promise;
use wasm_bindgen_futures::JsFuture;

/// Milliseconds on a monotonic clock (`performance.now()`; `Date.now()` where there is none).
pub(crate) fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or_else(js_sys::Date::now, |p| p.now())
}

/// A `setTimeout` as a future. Dropping it clears the timer.
pub(crate) struct Sleep {
    /// `None` when no timer could be set (no `window`): the sleep is then over at once, and the
    /// caller's deadline check ends the wait.
    id: Option<i32>,
    done: JsFuture,
}

/// Resolves after about `ms` milliseconds.
pub(crate) fn sleep(ms: f64) -> Sleep {
    let window = web_sys::window();
    let delay = ms.clamp(0.0, f64::from(i32::MAX)) as i32;
    let mut id = None;
    let promise = Promise::new(&mut |resolve, _reject| {
        id = window.as_ref().and_then(|w| {
            w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, delay)
                .ok()
        });
        if id.is_none() {
            let _ = resolve.call0(&wasm_bindgen::JsValue::UNDEFINED);
        }
    });
    Sleep {
        id,
        done: JsFuture::from(promise),
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        Pin::new(&mut self.done).poll(cx).map(|_| ())
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        if let (Some(id), Some(window)) = (self.id, web_sys::window()) {
            window.clear_timeout_with_handle(id);
        }
    }
}

/// Which of two raced futures finished first.
pub(crate) enum Either<A, B> {
    /// The first.
    Left(A),
    /// The second.
    Right(B),
}

/// Runs `a` and `b` side by side and returns whichever finishes first (`a` on a tie); the
/// other is dropped.
pub(crate) async fn race<A: Future, B: Future>(a: A, b: B) -> Either<A::Output, B::Output> {
    let mut a = pin!(a);
    let mut b = pin!(b);
    std::future::poll_fn(|cx| {
        if let Poll::Ready(v) = a.as_mut().poll(cx) {
            return Poll::Ready(Either::Left(v));
        }
        if let Poll::Ready(v) = b.as_mut().poll(cx) {
            return Poll::Ready(Either::Right(v));
        }
        Poll::Pending
    })
    .await
}

/// `future`'s result, or `UnknownError` saying `what` took longer than `limit`.
pub(crate) async fn within<T>(
    limit: Duration,
    what: &str,
    future: impl Future<Output = Result<T>>,
) -> Result<T> {
    let ms = limit.as_secs_f64() * 1000.0;
    match race(future, sleep(ms)).await {
        Either::Left(result) => result,
        Either::Right(()) => Err(Error::unknown(
            [what, " did not finish within ", &text::number(ms), " ms"].concat(),
        )),
    }
}
