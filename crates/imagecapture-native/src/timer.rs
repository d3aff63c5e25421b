//! Deadlines for futures, without depending on an async runtime.
//!
//! One shared thread sleeps until the earliest registered deadline and wakes the futures waiting
//! for it. The library's futures then run on any executor (tokio, async-std, pollster, a GUI's
//! own loop) and still never wait past their bound.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::future::Future;
use std::pin::pin;
use std::sync::{Condvar, Mutex, OnceLock, PoisonError};
use std::task::{Poll, Waker};
use std::time::{Duration, Instant};

struct Entry {
    deadline: Instant,
    waker: Waker,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.deadline == other.deadline
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.deadline.cmp(&other.deadline)
    }
}

struct Timer {
    entries: Mutex<BinaryHeap<Reverse<Entry>>>,
    changed: Condvar,
}

impl Timer {
    fn run(&self) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        let mut due = Vec::new();
        loop {
            let now = Instant::now();
            while entries.peek().is_some_and(|e| e.0.deadline <= now) {
                if let Some(Reverse(entry)) = entries.pop() {
                    due.push(entry.waker);
                }
            }
            if !due.is_empty() {
                // Woken outside the lock: a waker may poll its future at once (an executor
                // running on this thread's wake), and that poll registers a deadline again,
                // which takes this lock.
                drop(entries);
                due.drain(..).for_each(Waker::wake);
                entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
                continue;
            }
            entries = match entries.peek().map(|e| e.0.deadline) {
                Some(next) => {
                    let wait = next.saturating_duration_since(now);
                    self.changed
                        .wait_timeout(entries, wait)
                        .unwrap_or_else(PoisonError::into_inner)
                        .0
                }
                None => self
                    .changed
                    .wait(entries)
                    .unwrap_or_else(PoisonError::into_inner),
            };
        }
    }
}

/// The shared timer, started on first use; `None` if its thread could not be started.
fn timer() -> Option<&'static Timer> {
    static TIMER: OnceLock<Option<&'static Timer>> = OnceLock::new();
    *TIMER.get_or_init(|| {
        let timer: &'static Timer = Box::leak(Box::new(Timer {
            entries: Mutex::new(BinaryHeap::new()),
            changed: Condvar::new(),
        }));
        std::thread::Builder::new()
            .name("imagecapture-timer".into())
            .spawn(move || timer.run())
            .ok()
            .map(|_| timer)
    })
}

/// Asks for `waker` to be woken at `deadline`. Returns false when no timer thread could be
/// started; the caller must then treat the deadline as passed rather than wait unbounded.
pub(crate) fn wake_at(deadline: Instant, waker: &Waker) -> bool {
    let Some(timer) = timer() else { return false };
    let mut entries = timer.entries.lock().unwrap_or_else(PoisonError::into_inner);
    let earliest = entries.peek().map(|e| e.0.deadline);
    entries.push(Reverse(Entry {
        deadline,
        waker: waker.clone(),
    }));
    if earliest.is_none_or(|e| deadline < e) {
        timer.changed.notify_one();
    }
    true
}

/// Runs `future` for at most `limit`; `None` when the time ran out first.
pub(crate) async fn timeout<F: Future>(limit: Duration, future: F) -> Option<F::Output> {
    let deadline = Instant::now() + limit;
    let mut future = pin!(future);
    std::future::poll_fn(|cx| {
        if let Poll::Ready(output) = future.as_mut().poll(cx) {
            return Poll::Ready(Some(output));
        }
        if Instant::now() >= deadline || !wake_at(deadline, cx.waker()) {
            return Poll::Ready(None);
        }
        Poll::Pending
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_future_that_never_completes_times_out_near_its_deadline() {
        let start = Instant::now();
        let out = pollster::block_on(timeout(
            Duration::from_millis(50),
            std::future::pending::<()>(),
        ));
        assert_eq!(out, None);
        let took = start.elapsed();
        assert!(took >= Duration::from_millis(50), "{took:?}");
        assert!(took < Duration::from_secs(2), "{took:?}");
    }

    /// A waker that registers its next deadline from inside `wake()`, as an executor polling
    /// on the waking thread does. The timer used to wake under its own lock: this deadlocked it,
    /// and every bounded wait of the library with it.
    #[test]
    fn a_waker_may_register_again_while_being_woken() {
        use std::sync::Arc;
        use std::sync::mpsc::{Sender, channel};
        use std::task::Wake;

        struct Again {
            wakes: Mutex<u32>,
            told: Mutex<Sender<u32>>,
        }
        impl Wake for Again {
            fn wake(self: Arc<Self>) {
                let n = {
                    let mut wakes = self.wakes.lock().unwrap();
                    *wakes += 1;
                    *wakes
                };
                if n == 1 {
                    let waker = Waker::from(Arc::clone(&self));
                    assert!(wake_at(Instant::now() + Duration::from_millis(10), &waker));
                }
                let _ = self.told.lock().unwrap().send(n);
            }
        }
        let (tell, told) = channel();
        let again = Arc::new(Again {
            wakes: Mutex::new(0),
            told: Mutex::new(tell),
        });
        assert!(wake_at(
            Instant::now() + Duration::from_millis(10),
            &Waker::from(again)
        ));
        let bound = Duration::from_secs(2);
        assert_eq!(told.recv_timeout(bound), Ok(1), "first wake");
        assert_eq!(
            told.recv_timeout(bound),
            Ok(2),
            "the wake registered while waking"
        );
    }

    #[test]
    fn a_ready_future_passes_through() {
        assert_eq!(
            pollster::block_on(timeout(Duration::from_secs(5), async { 7 })),
            Some(7)
        );
    }
}
