//! Wider vectors where the CPU has them. The element-wise loops are plain Rust the
//! compiler vectorises, for the baseline x86-64 that every such CPU runs (4 floats
//! at a time, SSE2). `widest` runs a loop compiled a second time for AVX2 (8 floats
//! at a time) when the CPU it runs on has AVX2. Without FMA the two compile the same
//! additions, multiplications and divisions, so their results are identical to the
//! bit on every host (tested): only the speed differs.

use std::sync::atomic::{AtomicBool, Ordering};

static BASELINE_ONLY: AtomicBool = AtomicBool::new(false);

/// Run `f`, compiled for AVX2 if this CPU has it. `f` should be a loop that inlines
/// into it (element-wise maps over slices).
#[inline(always)]
pub(crate) fn widest<R>(f: impl FnOnce() -> R) -> R {
    #[cfg(target_arch = "x86_64")]
    {
        if wide_vectors() {
            // SAFETY: the CPU has AVX2 (`wide_vectors` checked), all `avx2` enables.
            return unsafe { avx2(f) };
        }
    }
    f()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn avx2<R>(f: impl FnOnce() -> R) -> R {
    f()
}

/// Whether element-wise loops take the AVX2 path here.
pub fn wide_vectors() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2") && !BASELINE_ONLY.load(Ordering::Relaxed)
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Force the baseline loops (true) or let the CPU decide (false), for every thread:
/// for tests that hold the two paths to the same bits, and for measuring the gain.
pub fn baseline_only(on: bool) {
    BASELINE_ONLY.store(on, Ordering::Relaxed);
}
