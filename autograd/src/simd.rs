//! Wider vectors where the CPU has them. The element-wise loops are plain Rust the
//! compiler vectorises. `widest` runs such a loop compiled for the widest instruction
//! set this CPU has, of three:
//!
//! - the baseline x86-64 that every such CPU runs (SSE2, 4 floats at a time);
//! - AVX2 with FMA (8 floats at a time; Intel since 2013, AMD since 2015);
//! - AVX-512 (16 floats at a time; Intel Xeon since 2017, AMD Zen 4).
//!
//! Each copy does the same IEEE operations on every element, in the same order: the
//! same additions, multiplications, divisions, and the same fused multiply-adds
//! (`f32::mul_add`, one rounding for a * b + c), which AVX2 and AVX-512 do in one
//! instruction and the baseline by calling the C library's exact `fmaf`, slowly. So
//! their results are identical to the bit on every host (`tests/simd.rs` holds the
//! paths this host has to it): only the speed differs. The matrix product picks its
//! kernel by the same rule (`sgemm`).

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU8, Ordering};

/// The instruction sets the engine has loops and kernels for, narrowest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Isa {
    /// x86-64's SSE2 (and every other architecture): plain Rust, `matrixmultiply`.
    Baseline,
    /// AVX2 and FMA: 256-bit vectors.
    Avx2,
    /// AVX-512 Foundation (with AVX2 and FMA): 512-bit vectors.
    Avx512,
}

impl Isa {
    /// The short name results files use: "baseline", "avx2", "avx512".
    pub fn name(self) -> &'static str {
        match self {
            Isa::Baseline => "baseline",
            Isa::Avx2 => "avx2",
            Isa::Avx512 => "avx512",
        }
    }
}

/// The widest set the engine may use, as `Isa as u8` (all of them unless limited).
static LIMIT: AtomicU8 = AtomicU8::new(Isa::Avx512 as u8);

/// The widest instruction set this CPU has that the engine has code for (asked of the
/// CPU once, then remembered: every element-wise op asks).
pub fn detected() -> Isa {
    static DETECTED: OnceLock<Isa> = OnceLock::new();
    *DETECTED.get_or_init(|| {
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::is_x86_feature_detected as has;
            if has!("avx2") && has!("fma") {
                return if has!("avx512f") { Isa::Avx512 } else { Isa::Avx2 };
            }
        }
        Isa::Baseline
    })
}

/// The instruction set loops and matrix products run with now: the CPU's widest,
/// unless `limit_to` set a narrower one.
pub fn active() -> Isa {
    let limit = match LIMIT.load(Ordering::Relaxed) {
        0 => Isa::Baseline,
        1 => Isa::Avx2,
        _ => Isa::Avx512,
    };
    detected().min(limit)
}

/// Use at most `isa` from now on, on every thread (`Isa::Avx512` lifts the limit):
/// for tests that hold two paths to the same bits, and for measuring the gain.
pub fn limit_to(isa: Isa) {
    LIMIT.store(isa as u8, Ordering::Relaxed);
}

/// Run `f`, compiled for the active instruction set. `f` should be a loop that
/// inlines into it (element-wise maps over slices).
#[inline(always)]
pub(crate) fn widest<R>(f: impl FnOnce() -> R) -> R {
    #[cfg(target_arch = "x86_64")]
    {
        match active() {
            // SAFETY: `active` never names a set the CPU lacks (`detected` checked).
            Isa::Avx512 => return unsafe { avx512(f) },
            Isa::Avx2 => return unsafe { avx2(f) },
            Isa::Baseline => {}
        }
    }
    f()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn avx2<R>(f: impl FnOnce() -> R) -> R {
    f()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx2,fma")]
unsafe fn avx512<R>(f: impl FnOnce() -> R) -> R {
    f()
}
