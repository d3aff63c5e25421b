//! The threads photos are developed on (decoded, scaled, encoded): a fixed few, shared by every
//! camera, instead of one thread per `take_photo` call, so that a burst of calls cannot start
//! hundreds of threads that each hold a full-size frame.

use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use imagecapture_core::{Error, Result};

type Job = Box<dyn FnOnce() + Send>;

/// As many threads as the machine runs at once, at most 4: developing a photo is CPU work,
/// and more threads than cores only hold more frames in memory.
fn size() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get().min(4))
}

/// The queue the threads take their jobs from; `None` if no thread could be started.
fn queue() -> Option<&'static Mutex<Sender<Job>>> {
    static QUEUE: OnceLock<Option<Mutex<Sender<Job>>>> = OnceLock::new();
    QUEUE
        .get_or_init(|| {
            let (send, receive) = channel::<Job>();
            let receive = Arc::new(Mutex::new(receive));
            let started = (0..size())
                .filter(|i| {
                    let receive = Arc::clone(&receive);
                    std::thread::Builder::new()
                        .name(format!("imagecapture-photo-{i}"))
                        .spawn(move || work(&receive))
                        .is_ok()
                })
                .count();
            (started > 0).then(|| Mutex::new(send))
        })
        .as_ref()
}

fn work(jobs: &Mutex<Receiver<Job>>) {
    loop {
        let job = jobs.lock().unwrap_or_else(PoisonError::into_inner).recv();
        match job {
            // A panicking job must not take its thread with it.
            Ok(job) => {
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
            }
            Err(_) => return,
        }
    }
}

/// Runs `job` on one of the photo threads, after the jobs queued before it.
///
/// # Errors
/// `UnknownError` when no photo thread could be started.
pub(crate) fn spawn(job: impl FnOnce() + Send + 'static) -> Result<()> {
    let queue = queue().ok_or_else(|| Error::unknown("cannot start the photo threads"))?;
    queue
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .send(Box::new(job))
        .map_err(|_| Error::unknown("the photo threads have stopped"))
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::sync::mpsc::channel;

    #[test]
    fn a_burst_of_jobs_runs_on_a_few_threads_and_survives_a_panic() {
        let (tell, told) = channel();
        super::spawn(|| panic!("a job that panics")).unwrap();
        for _ in 0..64 {
            let tell = tell.clone();
            super::spawn(move || {
                let _ = tell.send(std::thread::current().id());
            })
            .unwrap();
        }
        let threads: HashSet<_> = (0..64)
            .map(|_| {
                told.recv_timeout(std::time::Duration::from_secs(5))
                    .unwrap()
            })
            .collect();
        assert!(threads.len() <= super::size(), "{} threads", threads.len());
    }
}
