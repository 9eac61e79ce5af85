//! The vector operations the sgemm kernel needs, for each width it is compiled at:
//! AVX2's 8 floats (`__m256`) and AVX-512's 16 (`__m512`). `kernel.rs` is written once
//! against this trait, so the AVX-512 kernel is the same source as the AVX2 one that
//! every AVX2 host runs and tests; only the width of a register differs.
//!
//! Each method is a single instruction, always inlined; `tile` is the one function
//! compiled for the set (`#[target_feature]`), and the methods inline into it.

use super::kernel::{MR, tile_body};
use std::arch::x86_64::*;

/// A vector of `WIDTH` floats and the operations on it the micro-kernel uses.
pub(super) trait Lanes: Copy {
    /// Floats in one register.
    const WIDTH: usize;
    /// Columns of the kernel's tile of C: two registers per row.
    const NR: usize = 2 * Self::WIDTH;

    /// All zeros.
    unsafe fn zero() -> Self;
    /// `WIDTH` floats from `p` (any alignment).
    unsafe fn load(p: *const f32) -> Self;
    /// Write the `WIDTH` floats to `p` (any alignment).
    unsafe fn store(self, p: *mut f32);
    /// `value` in every lane.
    unsafe fn splat(value: f32) -> Self;
    /// `self * b + c` in every lane, rounded once (a fused multiply-add).
    unsafe fn mul_add(self, b: Self, c: Self) -> Self;
    /// `self * b` in every lane.
    unsafe fn mul(self, b: Self) -> Self;
    /// `self + b` in every lane.
    unsafe fn add(self, b: Self) -> Self;

    /// One MR x NR tile of C = beta C + A panel x B panel: `tile_body` compiled for
    /// this instruction set.
    ///
    /// # Safety
    /// As `tile_body`, and the CPU has the set.
    #[allow(clippy::too_many_arguments)]
    unsafe fn tile(
        kc: usize,
        a: *const f32,
        b: *const f32,
        beta: f32,
        c: *mut f32,
        ldc: usize,
        rows: usize,
        cols: usize,
    );
}

/// AVX2 with FMA: 8 floats.
#[derive(Clone, Copy)]
pub(super) struct Avx2(__m256);

/// AVX-512 Foundation: 16 floats.
#[derive(Clone, Copy)]
pub(super) struct Avx512(__m512);

/// The trait for one register type: its set's name, its intrinsics' prefix. Written
/// once for both so that the two can only differ in width.
macro_rules! lanes {
    ($name:ident, $width:expr, $features:literal, $zero:ident, $load:ident, $store:ident, $set1:ident, $fmadd:ident, $mul:ident, $add:ident) => {
        impl Lanes for $name {
            const WIDTH: usize = $width;

            #[inline(always)]
            unsafe fn zero() -> Self {
                // SAFETY (all methods): inlined only into `tile`, compiled for the set.
                $name(unsafe { $zero() })
            }
            #[inline(always)]
            unsafe fn load(p: *const f32) -> Self {
                $name(unsafe { $load(p) })
            }
            #[inline(always)]
            unsafe fn store(self, p: *mut f32) {
                unsafe { $store(p, self.0) }
            }
            #[inline(always)]
            unsafe fn splat(value: f32) -> Self {
                $name(unsafe { $set1(value) })
            }
            #[inline(always)]
            unsafe fn mul_add(self, b: Self, c: Self) -> Self {
                $name(unsafe { $fmadd(self.0, b.0, c.0) })
            }
            #[inline(always)]
            unsafe fn mul(self, b: Self) -> Self {
                $name(unsafe { $mul(self.0, b.0) })
            }
            #[inline(always)]
            unsafe fn add(self, b: Self) -> Self {
                $name(unsafe { $add(self.0, b.0) })
            }

            #[target_feature(enable = $features)]
            unsafe fn tile(
                kc: usize,
                a: *const f32,
                b: *const f32,
                beta: f32,
                c: *mut f32,
                ldc: usize,
                rows: usize,
                cols: usize,
            ) {
                // SAFETY: the caller's contract is `tile_body`'s.
                unsafe { tile_body::<$name>(kc, a, b, beta, c, ldc, rows, cols) }
            }
        }
    };
}

lanes!(
    Avx2,
    8,
    "avx2,fma",
    _mm256_setzero_ps,
    _mm256_loadu_ps,
    _mm256_storeu_ps,
    _mm256_set1_ps,
    _mm256_fmadd_ps,
    _mm256_mul_ps,
    _mm256_add_ps
);
lanes!(
    Avx512,
    16,
    "avx512f,avx2,fma",
    _mm512_setzero_ps,
    _mm512_loadu_ps,
    _mm512_storeu_ps,
    _mm512_set1_ps,
    _mm512_fmadd_ps,
    _mm512_mul_ps,
    _mm512_add_ps
);

// The edge tile's buffer (`tile_body`) holds at most 32 columns, and the kernel's rows.
const _: () = assert!(Avx2::NR <= 32 && Avx512::NR <= 32 && MR == 6);
