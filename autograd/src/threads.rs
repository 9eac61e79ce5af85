//! The engine's worker threads for large matrix products.
//!
//! A product big enough to keep two cores busy is cut into blocks of columns (or of
//! rows) and the blocks run at once, each a complete single-threaded sgemm: every
//! entry of C is still the same products summed in the same order, so the result does
//! not depend on how many threads computed it.
//!
//! The number of threads is `MATMUL_NUM_THREADS` when set (the name the
//! `matrixmultiply` crate's own threading reads; the chapters set it to 1, see
//! `kit::one_kernel_thread`), else the number of cores the process may use. The pool
//! (the `thread-tree` crate, which `matrixmultiply` threads with too) forks in two at
//! each level, so 2 or 3 threads share a product as two halves and 4 or more as four
//! quarters, the calling thread taking one. It is made the first time a large product
//! asks for it and lives as long as the process; its threads wait on a channel
//! between products.

use std::sync::OnceLock;
use thread_tree::{ThreadTree, ThreadTreeCtx};

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

/// The process's thread tree: level 0 (no other thread), 1 (two) or 2 (four).
pub(crate) fn pool() -> ThreadTreeCtx<'static> {
    static POOL: OnceLock<Box<ThreadTree>> = OnceLock::new();
    POOL.get_or_init(|| {
        let level = match thread_count() {
            0 | 1 => 0,
            2 | 3 => 1,
            _ => 2,
        };
        ThreadTree::new_with_level(level)
    })
    .top()
}

#[cfg(test)]
mod tests {
    use super::parse_threads;

    #[test]
    fn matmul_num_threads_is_read_or_refused() {
        assert_eq!(parse_threads(None, 2), Ok(2));
        assert_eq!(parse_threads(Some(" "), 4), Ok(4));
        assert_eq!(parse_threads(Some("1"), 2), Ok(1));
        assert_eq!(parse_threads(Some("0"), 2), Ok(1));
        let refused = parse_threads(Some("two"), 2).unwrap_err();
        assert!(refused.contains("MATMUL_NUM_THREADS") && refused.contains("\"two\""), "{refused}");
    }
}
