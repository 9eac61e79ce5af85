//! The engine's own sgemm for x86-64 with AVX2 and FMA: BLIS's loop nest around a
//! 6 x 16 micro-kernel.
//!
//! ```text
//! for each block of 4080 columns of B and C            (jc)
//!   for each block of 256 along k                      (pc)  pack B[pc, jc] in 16-wide panels
//!     for each block of 144 rows of A and C            (ic)  pack A[ic, pc] in 6-tall panels
//!       for each 16-wide panel of B, 6-tall panel of A       C tile += A panel x B panel
//! ```
//!
//! The micro-kernel holds a 6 x 16 tile of C in twelve AVX registers; for each step
//! along k it loads 16 values of B (two registers) and broadcasts each of 6 values of
//! A, for twelve fused multiply-adds. `matrixmultiply`'s 8 x 8 kernel, which the engine
//! used before, does the same work with in-register shuffles of A (three per step),
//! which on AMD Zen 3 share execution ports with the multiply-adds; broadcasts from
//! memory are loads. Profiled on a 1024^2 product, alternating the two kernels in one
//! process, this one spent 13% less time in its kernel (benches/README.md, "sgemm").
//!
//! The arithmetic per entry of C is exactly `matrixmultiply`'s: a fused multiply-add
//! chain from zero over each block of 256 along k, in order, then C = beta C + chain
//! for the first block and C = C + chain for the others. The two write the same bits
//! (autograd/src/sgemm/tests.rs), so this kernel changed no number in the book.

use super::{MR, NR};
use std::arch::x86_64::*;
use std::cell::RefCell;

const KC: usize = 256; // matrixmultiply's block along k: keeps the rounding the same
const MC: usize = 144;
const NC: usize = 4080;

/// True when this CPU can run the kernel (checked once, then cached by std).
pub(crate) fn available() -> bool {
    is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma")
}

thread_local! {
    /// Packing buffers, one pair per thread, reused by every product on it.
    static PACKS: RefCell<(Vec<f32>, Vec<f32>)> = const { RefCell::new((Vec::new(), Vec::new())) };
}

/// C (m x n, rows `ldc` apart, columns contiguous) = A B + beta C, A and B read
/// through (row, column) strides.
///
/// # Safety
/// `available()` must be true; the matrices must lie inside live buffers; C must not
/// alias A or B.
#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn sgemm(
    m: usize,
    k: usize,
    n: usize,
    a: *const f32,
    (rsa, csa): (isize, isize),
    b: *const f32,
    (rsb, csb): (isize, isize),
    beta: f32,
    c: *mut f32,
    ldc: usize,
) {
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        for i in 0..m {
            for j in 0..n {
                // SAFETY: (i, j) is inside C.
                unsafe {
                    let cij = c.add(i * ldc + j);
                    *cij = if beta == 0.0 { 0.0 } else { *cij * beta };
                }
            }
        }
        return;
    }
    PACKS.with(|packs| {
        let (pack_a, pack_b) = &mut *packs.borrow_mut();
        let kc_max = KC.min(k);
        // Grown when a larger product needs more, never shrunk (a resize down and back
        // up would fill the buffer with zeros again for nothing).
        for (pack, len) in [
            (&mut *pack_a, MC.min(m).next_multiple_of(MR) * kc_max),
            (&mut *pack_b, NC.min(n).next_multiple_of(NR) * kc_max),
        ] {
            if pack.len() < len {
                pack.resize(len, 0.0);
            }
        }
        for jc in (0..n).step_by(NC) {
            let nc = NC.min(n - jc);
            for pc in (0..k).step_by(KC) {
                let kc = KC.min(k - pc);
                let beta = if pc == 0 { beta } else { 1.0 };
                // SAFETY: the block lies inside B, the buffer holds its panels.
                unsafe {
                    pack::<NR>(kc, nc, b.offset(pc as isize * rsb + jc as isize * csb), csb, rsb, pack_b)
                };
                for ic in (0..m).step_by(MC) {
                    let mc = MC.min(m - ic);
                    // SAFETY: as for B.
                    unsafe {
                        pack::<MR>(kc, mc, a.offset(ic as isize * rsa + pc as isize * csa), rsa, csa, pack_a)
                    };
                    for jr in (0..nc).step_by(NR) {
                        for ir in (0..mc).step_by(MR) {
                            // SAFETY: the tile's rows and columns lie inside C.
                            unsafe {
                                tile(
                                    kc,
                                    pack_a.as_ptr().add(ir * kc),
                                    pack_b.as_ptr().add(jr * kc),
                                    beta,
                                    c.add((ic + ir) * ldc + jc + jr),
                                    ldc,
                                    MR.min(mc - ir),
                                    NR.min(nc - jr),
                                );
                            }
                        }
                    }
                }
            }
        }
    });
}

/// Pack `count` lines (rows of A or columns of B; one line every `line_stride`) of
/// length `kc` (elements `step` apart) into panels of `width` lines: panel by panel,
/// for each step along k, `width` values side by side; lines past `count` are zeros.
///
/// # Safety
/// Every element read must lie inside a live buffer.
unsafe fn pack<const WIDTH: usize>(
    kc: usize,
    count: usize,
    src: *const f32,
    line_stride: isize,
    step: isize,
    dst: &mut [f32],
) {
    for (panel, out) in dst.chunks_exact_mut(WIDTH * kc).take(count.div_ceil(WIDTH)).enumerate() {
        let first = panel * WIDTH;
        let lines = WIDTH.min(count - first);
        // SAFETY: line `first` and the `lines` after it are inside the block.
        let src = unsafe { src.offset(first as isize * line_stride) };
        if step == 1 && line_stride != 1 {
            // Each line is contiguous (A row-major, B read transposed): read the lines
            // one after another and scatter into the panel, which stays in L1. Reading
            // across the lines instead, step by step, walks `WIDTH` distant streams at
            // once, which the prefetchers do not follow (a conv's weight gradient spent
            // a quarter of its time packing that way).
            for l in 0..lines {
                // SAFETY: line l < count has kc contiguous elements inside the block.
                let line = unsafe { std::slice::from_raw_parts(src.offset(l as isize * line_stride), kc) };
                for (p, &v) in line.iter().enumerate() {
                    out[p * WIDTH + l] = v;
                }
            }
            if lines < WIDTH {
                for values in out.chunks_exact_mut(WIDTH) {
                    values[lines..].fill(0.0);
                }
            }
            continue;
        }
        for (p, values) in out.chunks_exact_mut(WIDTH).enumerate() {
            // SAFETY: step p < kc along lines inside the block.
            let at = unsafe { src.offset(p as isize * step) };
            if line_stride == 1 && lines == WIDTH {
                // The panel's values for this step sit side by side (B row-major): a
                // copy of a constant size, which the compiler turns into two moves.
                unsafe { std::ptr::copy_nonoverlapping(at, values.as_mut_ptr(), WIDTH) };
            } else {
                for (l, v) in values[..lines].iter_mut().enumerate() {
                    *v = unsafe { *at.offset(l as isize * line_stride) };
                }
            }
            values[lines..].fill(0.0);
        }
    }
}

/// One 6 x 16 tile (or its top-left `rows` x `cols` at the edges) of
/// C = beta C + A panel x B panel.
///
/// # Safety
/// The panels hold `kc` steps; the `rows` x `cols` block of C lies inside C.
#[allow(clippy::too_many_arguments)]
#[target_feature(enable = "avx2,fma")]
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
    let mut acc = [[_mm256_setzero_ps(); 2]; MR];
    for i in 0..rows {
        // SAFETY: (rows and columns inside C, checked by the caller.)
        unsafe {
            _mm_prefetch::<_MM_HINT_T0>(c.add(i * ldc) as *const i8);
            _mm_prefetch::<_MM_HINT_T0>(c.add(i * ldc + NR - 1) as *const i8);
        }
    }
    for p in 0..kc {
        // SAFETY: step p < kc of both panels.
        unsafe {
            let b0 = _mm256_loadu_ps(b.add(p * NR));
            let b1 = _mm256_loadu_ps(b.add(p * NR + 8));
            for (i, row) in acc.iter_mut().enumerate() {
                let ai = _mm256_broadcast_ss(&*a.add(p * MR + i));
                row[0] = _mm256_fmadd_ps(ai, b0, row[0]);
                row[1] = _mm256_fmadd_ps(ai, b1, row[1]);
            }
        }
    }
    if rows == MR && cols == NR {
        let betav = _mm256_set1_ps(beta);
        for (i, row) in acc.iter().enumerate() {
            for (half, &chain) in row.iter().enumerate() {
                // SAFETY: the whole tile lies inside C.
                unsafe {
                    let cij = c.add(i * ldc + 8 * half);
                    let old = if beta == 0.0 {
                        _mm256_setzero_ps()
                    } else {
                        _mm256_mul_ps(_mm256_loadu_ps(cij), betav)
                    };
                    _mm256_storeu_ps(cij, _mm256_add_ps(chain, old));
                }
            }
        }
    } else {
        let mut block = [[0.0f32; NR]; MR];
        for (i, row) in acc.iter().enumerate() {
            // SAFETY: 16 floats per row of `block`.
            unsafe {
                _mm256_storeu_ps(block[i].as_mut_ptr(), row[0]);
                _mm256_storeu_ps(block[i].as_mut_ptr().add(8), row[1]);
            }
        }
        for (i, values) in block.iter().enumerate().take(rows) {
            for (j, &chain) in values.iter().enumerate().take(cols) {
                // SAFETY: (i, j) inside the tile's valid block.
                unsafe {
                    let cij = c.add(i * ldc + j);
                    *cij = if beta == 0.0 { chain } else { *cij * beta + chain };
                }
            }
        }
    }
}
