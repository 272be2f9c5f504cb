//! Where executions compute: a bounded pool off the threads that serve requests.
//!
//! An execution's CPU work runs in slices of at most [`engine::STEP_BUDGET`] transitions
//! and about 20 ms (`deadline.rs`). The first slice after an input runs where the input
//! arrived (the request's or the actor's task), so a short execution (a few Pass states)
//! costs no thread hop — but only while fewer than [`Compute::size`] first slices run so
//! ([`Compute::inline_or_pooled`]): one state can take seconds (a JSONata evaluation runs up
//! to its time limit), and first slices on every request thread at once would leave none
//! to answer. Every further slice of a long computation runs here, on tokio's blocking
//! threads, at most [`Compute::size`] at once.
//! A slot is held for one slice and then queued for again behind everyone waiting (tokio's
//! semaphore is FIFO), so CPU-bound executions take turns and none starves the others.
//!
//! Why `spawn_blocking` under a semaphore and not a runtime or thread pool of our own: the
//! actors, timers and store calls stay on the one runtime the server and the tests run
//! (a paused test clock does not advance while a slice runs, as it would while a task
//! waits on a foreign pool), and the blocking threads are reused. Why one slot fewer than
//! the cores: however many executions compute, one core stays for the request handlers and
//! the store's writer, so the API answers within milliseconds.

use std::sync::Arc;

use tokio::sync::{Semaphore, SemaphorePermit};
use tokio::task::JoinError;

pub(crate) struct Compute {
    slots: Arc<Semaphore>,
    /// First slices running where their input arrived.
    inline: Semaphore,
    size: usize,
}

impl Compute {
    /// A pool of one slot fewer than the machine's cores, and at least one.
    pub(crate) fn new() -> Compute {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
        Compute::with_size(cores.saturating_sub(1).max(1))
    }

    pub(crate) fn with_size(size: usize) -> Compute {
        Compute {
            slots: Arc::new(Semaphore::new(size)),
            inline: Semaphore::new(size),
            size,
        }
    }

    /// How many slices run at once at most.
    pub(crate) fn size(&self) -> usize {
        self.size
    }

    /// Runs `work` (a first slice) right here when fewer than [`Compute::size`] first slices
    /// run inline already, else as [`Compute::run`] does.
    pub(crate) async fn inline_or_pooled<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, JoinError> {
        match self.try_inline() {
            Some(_here) => Ok(work()),
            None => self.run(work).await,
        }
    }

    /// A place for a first slice where its input arrived, held while it runs; `None` when
    /// [`Compute::size`] first slices run so already (the slice goes to the pool).
    pub(crate) fn try_inline(&self) -> Option<SemaphorePermit<'_>> {
        self.inline.try_acquire().ok()
    }

    /// Runs `work` (one slice) on a blocking thread once a slot is free.
    pub(crate) async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, JoinError> {
        let permit = self.slots.clone().acquire_owned().await.ok();
        tokio::task::spawn_blocking(move || {
            let _slot = permit;
            work()
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn never_more_slices_at_once_than_slots() {
        let pool = Arc::new(Compute::with_size(2));
        let now = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let mut all = Vec::new();
        for _ in 0..8 {
            let (pool, now, most) = (pool.clone(), now.clone(), most.clone());
            all.push(tokio::spawn(async move {
                pool.run(move || {
                    let n = now.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(n, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(20));
                    now.fetch_sub(1, Ordering::SeqCst);
                })
                .await
                .unwrap();
            }));
        }
        for h in all {
            h.await.unwrap();
        }
        assert_eq!(most.load(Ordering::SeqCst), 2);
    }
}
