//! Independent experiments (seeds, depths, configurations) on both cores.
//!
//! The engine's graphs and buffer pools are per thread, so each job builds its own
//! tensors from plain data. Every job seeds its own RNG from its inputs, and results
//! come back in the jobs' order, so a parallel run is bit-identical to a serial one.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// `f` applied to every job, on up to as many threads as there are cores; results in
/// the order of `jobs`. The first error (in job order) is returned.
pub fn map<J: Sync, R: Send>(
    jobs: &[J],
    f: impl Fn(&J) -> anyhow::Result<R> + Sync,
) -> anyhow::Result<Vec<R>> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(jobs.len()).max(1);
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<anyhow::Result<R>>>> = Mutex::new((0..jobs.len()).map(|_| None).collect());
    let work = || {
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(job) = jobs.get(i) else { break };
            let r = f(job);
            results.lock().expect("a job panicked")[i] = Some(r);
        }
    };
    std::thread::scope(|scope| {
        for _ in 1..threads {
            scope.spawn(work);
        }
        work();
    });
    results.into_inner().expect("a job panicked").into_iter().map(|r| r.expect("every job ran")).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_come_back_in_job_order() {
        let jobs: Vec<u64> = (0..100).collect();
        let out = super::map(&jobs, |&j| Ok(j * j)).unwrap();
        assert_eq!(out, jobs.iter().map(|j| j * j).collect::<Vec<_>>());
    }

    #[test]
    fn the_first_error_in_job_order_is_returned() {
        let jobs: Vec<u64> = (0..10).collect();
        let err = super::map(&jobs, |&j| if j % 4 == 3 { anyhow::bail!("job {j} failed") } else { Ok(j) });
        assert_eq!(err.unwrap_err().to_string(), "job 3 failed");
    }
}
