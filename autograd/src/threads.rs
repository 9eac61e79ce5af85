//! The engine's worker threads, which share large matrix products (`crate::sgemm`).
//!
//! The number of threads is `MATMUL_NUM_THREADS` when set (the name the
//! `matrixmultiply` crate's own threading reads; the chapters set it to 1, see
//! `kit::one_kernel_thread`), else the number of cores the process may use. The
//! calling thread always does one part of the work itself, so there is one worker
//! fewer than threads. They are started the first time a product asks for them and
//! live as long as the process.
//!
//! **Why the workers spin before they sleep.** A worker that has gone to sleep takes
//! a while to wake: on the 2-core virtual machine this project is measured on, handing
//! an empty job to a sleeping thread took 27-63 us at the median and up to 3.5 ms,
//! against 0.8 us for a thread still awake (measured on `thread-tree`'s pool, whose
//! workers sleep on a channel soon after they become idle, by joining two empty jobs
//! with a pause of 0 to 5 ms between joins). An LSTM step makes a product every few
//! tens of microseconds, each worth sharing only if the other part starts at once. So
//! after a part a worker keeps checking for the next one for `SPIN` before it sleeps,
//! as OpenMP runtimes and OpenBLAS do.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::Thread;
use std::time::{Duration, Instant};

/// How long an idle worker keeps checking for work before it sleeps.
const SPIN: Duration = Duration::from_micros(500);

/// A part of a product. It may borrow the caller's buffers (`'a`): `run_parts`
/// returns, or unwinds, only after every part has finished, as `std::thread::scope`.
pub(crate) type Part<'a> = Box<dyn FnOnce() + Send + 'a>;

/// One worker thread and the slot through which it receives a part.
struct Worker {
    /// Taken by a caller for the length of one `run_parts`.
    claimed: AtomicBool,
    /// The part to run, put in before `ready` is set.
    part: Mutex<Option<Part<'static>>>,
    ready: AtomicBool,
    done: AtomicBool,
    panicked: AtomicBool,
    thread: OnceLock<Thread>,
}

impl Worker {
    fn work(&self) {
        loop {
            let mut idle_since = Instant::now();
            while !self.ready.load(Ordering::Acquire) {
                if idle_since.elapsed() < SPIN {
                    for _ in 0..64 {
                        std::hint::spin_loop();
                    }
                } else {
                    // Wakes on `unpark` (or spuriously; then the loop checks again).
                    std::thread::park();
                    idle_since = Instant::now();
                }
            }
            self.ready.store(false, Ordering::Relaxed);
            let part = self.part.lock().unwrap_or_else(|e| e.into_inner()).take();
            if let Some(part) = part
                && catch_unwind(AssertUnwindSafe(part)).is_err()
            {
                self.panicked.store(true, Ordering::Relaxed);
            }
            self.done.store(true, Ordering::Release);
        }
    }

    /// Hand `part` to this worker, if no other caller is using it; else give it back.
    fn offer(&self, part: Part<'static>) -> Result<(), Part<'static>> {
        if self.claimed.compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed).is_err() {
            return Err(part);
        }
        *self.part.lock().unwrap_or_else(|e| e.into_inner()) = Some(part);
        self.done.store(false, Ordering::Relaxed);
        self.ready.store(true, Ordering::Release);
        if let Some(thread) = self.thread.get() {
            thread.unpark();
        }
        Ok(())
    }

    /// Wait for the part handed over by `offer`, then free the worker. True if the
    /// part panicked.
    fn finish(&self) -> bool {
        let start = Instant::now();
        while !self.done.load(Ordering::Acquire) {
            if start.elapsed() < SPIN {
                std::hint::spin_loop();
            } else {
                std::thread::yield_now();
            }
        }
        let panicked = self.panicked.swap(false, Ordering::Relaxed);
        self.claimed.store(false, Ordering::Release);
        panicked
    }
}

fn workers() -> &'static [Arc<Worker>] {
    static WORKERS: OnceLock<Vec<Arc<Worker>>> = OnceLock::new();
    WORKERS.get_or_init(|| {
        let mut workers = Vec::new();
        for i in 1..thread_count() {
            let worker = Arc::new(Worker {
                claimed: AtomicBool::new(false),
                part: Mutex::new(None),
                ready: AtomicBool::new(false),
                done: AtomicBool::new(false),
                panicked: AtomicBool::new(false),
                thread: OnceLock::new(),
            });
            let for_thread = Arc::clone(&worker);
            let spawned =
                std::thread::Builder::new().name(format!("sgemm-{i}")).spawn(move || for_thread.work());
            // A thread the system refuses only means fewer threads share the work.
            if let Ok(handle) = spawned {
                let _ = worker.thread.set(handle.thread().clone());
                workers.push(worker);
            }
        }
        workers
    })
}

/// How many threads can share one product (the caller and the workers).
pub(crate) fn available() -> usize {
    1 + workers().len()
}

/// Run the parts at once, the first on this thread and the others on idle workers (on
/// this thread too, after the first, when a worker is busy with another caller's
/// product); return when all have finished. Panics if a part panicked.
pub(crate) fn run_parts<'a>(parts: Vec<Part<'a>>) {
    /// The workers given a part. Dropped, it waits for them, even when this thread's
    /// own part panics: their parts point into buffers the caller is about to free.
    struct Handed(Vec<&'static Worker>, bool);
    impl Handed {
        fn wait(&mut self) -> bool {
            for worker in self.0.drain(..) {
                self.1 |= worker.finish();
            }
            self.1
        }
    }
    impl Drop for Handed {
        fn drop(&mut self) {
            self.wait();
        }
    }
    let mut parts = parts.into_iter();
    let Some(first) = parts.next() else { return };
    let mut handed = Handed(Vec::new(), false);
    let mut here = vec![first];
    let mut idle = workers().iter();
    for part in parts {
        // SAFETY: the part's borrows outlive its run: this function neither returns
        // nor unwinds before `handed` has waited for every part a worker was given.
        let part = unsafe { std::mem::transmute::<Part<'a>, Part<'static>>(part) };
        match idle.next() {
            Some(worker) => match worker.offer(part) {
                Ok(()) => handed.0.push(worker),
                Err(part) => here.push(part),
            },
            None => here.push(part),
        }
    }
    for part in here {
        part();
    }
    assert!(!handed.wait(), "a part of a matrix product panicked on a worker thread");
}

/// How many threads share a large product, from `MATMUL_NUM_THREADS` or the machine.
fn thread_count() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    match parse_threads(std::env::var("MATMUL_NUM_THREADS").ok().as_deref(), cores) {
        Ok(n) => n,
        Err(message) => panic!("{message}"),
    }
}

/// The thread count a `MATMUL_NUM_THREADS` value asks for: unset or empty means every
/// core, 0 means 1.
fn parse_threads(value: Option<&str>, cores: usize) -> Result<usize, String> {
    match value.map(str::trim) {
        None | Some("") => Ok(cores),
        Some(text) => text.parse::<usize>().map(|n| n.max(1)).map_err(|_| {
            format!("MATMUL_NUM_THREADS must be a whole number of threads, like 1 or 2; got {text:?}")
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::{Part, parse_threads, run_parts};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn matmul_num_threads_is_read_or_refused() {
        assert_eq!(parse_threads(None, 2), Ok(2));
        assert_eq!(parse_threads(Some(" "), 4), Ok(4));
        assert_eq!(parse_threads(Some("1"), 2), Ok(1));
        assert_eq!(parse_threads(Some("0"), 2), Ok(1));
        let refused = parse_threads(Some("two"), 2).unwrap_err();
        assert!(refused.contains("MATMUL_NUM_THREADS") && refused.contains("\"two\""), "{refused}");
    }

    #[test]
    fn every_part_runs_once_even_when_callers_compete() {
        let count = Arc::new(AtomicUsize::new(0));
        let callers: Vec<_> = (0..4)
            .map(|_| {
                let count = Arc::clone(&count);
                std::thread::spawn(move || {
                    for _ in 0..200 {
                        let parts: Vec<Part> = (0..super::available())
                            .map(|_| {
                                let count = Arc::clone(&count);
                                Box::new(move || {
                                    count.fetch_add(1, Ordering::Relaxed);
                                }) as Part
                            })
                            .collect();
                        run_parts(parts);
                    }
                })
            })
            .collect();
        for caller in callers {
            caller.join().unwrap();
        }
        assert_eq!(count.load(Ordering::Relaxed), 4 * 200 * super::available());
    }
}
