//! The engine's own sgemm for x86-64, written once for any vector width (`lanes.rs`)
//! and compiled twice: with AVX2 and FMA (8 floats a register) and with AVX-512 (16).
//! BLIS's loop nest around a 6 x NR micro-kernel, NR two registers wide (16 or 32):
//!
//! ```text
//! for each block of about 4080 columns of B and C      (jc)
//!   for each block of 256 along k                      (pc)  pack B[pc, jc] in NR-wide panels
//!     for each block of 144 rows of A and C            (ic)  pack A[ic, pc] in 6-tall panels
//!       for each NR-wide panel of B, 6-tall panel of A       C tile += A panel x B panel
//! ```
//!
//! The micro-kernel holds a 6 x NR tile of C in twelve registers; for each step
//! along k it loads NR values of B (two registers) and broadcasts each of 6 values of
//! A, for twelve fused multiply-adds. `matrixmultiply`'s 8 x 8 kernel, which the engine
//! used before, does the same work with in-register shuffles of A (three per step),
//! which on AMD Zen 3 share execution ports with the multiply-adds; broadcasts from
//! memory are loads. Profiled on a 1024^2 product, alternating the two kernels in one
//! process, this one spent 13% less time in its kernel (benches/README.md, "sgemm").
//!
//! The arithmetic per entry of C is exactly `matrixmultiply`'s: a fused multiply-add
//! chain from zero over each block of 256 along k, in order, then C = beta C + chain
//! for the first block and C = C + chain for the others. Neither the tile's width nor
//! the blocks of rows and columns enter that chain, so both widths and
//! `matrixmultiply` write the same bits (autograd/src/sgemm/tests.rs): this kernel
//! changed no number in the book, and an AVX-512 host computes the book's numbers.

use super::lanes::Lanes;
use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
use std::cell::RefCell;

/// Rows of the kernel's tile of C, at every width.
pub(super) const MR: usize = 6;
const KC: usize = 256; // matrixmultiply's block along k: keeps the rounding the same
const MC: usize = 144;
/// The block of columns: as many whole NR-wide panels as fit in 4080.
const fn nc(nr: usize) -> usize {
    4080 / nr * nr
}

thread_local! {
    /// Packing buffers, one pair per thread, reused by every product on it.
    static PACKS: RefCell<(Vec<f32>, Vec<f32>)> = const { RefCell::new((Vec::new(), Vec::new())) };
}

/// C (m x n, rows `ldc` apart, columns contiguous) = A B + beta C, A and B read
/// through (row, column) strides.
///
/// # Safety
/// The CPU has `V`'s instruction set; the matrices must lie inside live buffers; C must
/// not alias A or B.
#[allow(clippy::too_many_arguments)]
pub(super) unsafe fn sgemm<V: Lanes>(
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
        let (nr, nc_block) = (V::NR, nc(V::NR));
        let kc_max = KC.min(k);
        // Grown when a larger product needs more, never shrunk (a resize down and back
        // up would fill the buffer with zeros again for nothing).
        for (pack, len) in [
            (&mut *pack_a, MC.min(m).next_multiple_of(MR) * kc_max),
            (&mut *pack_b, nc_block.min(n).next_multiple_of(nr) * kc_max),
        ] {
            if pack.len() < len {
                pack.resize(len, 0.0);
            }
        }
        for jc in (0..n).step_by(nc_block) {
            let nc = nc_block.min(n - jc);
            for pc in (0..k).step_by(KC) {
                let kc = KC.min(k - pc);
                let beta = if pc == 0 { beta } else { 1.0 };
                // SAFETY: the block lies inside B, the buffer holds its panels.
                unsafe {
                    pack(nr, kc, nc, b.offset(pc as isize * rsb + jc as isize * csb), csb, rsb, pack_b)
                };
                for ic in (0..m).step_by(MC) {
                    let mc = MC.min(m - ic);
                    // SAFETY: as for B.
                    unsafe {
                        pack(MR, kc, mc, a.offset(ic as isize * rsa + pc as isize * csa), rsa, csa, pack_a)
                    };
                    for jr in (0..nc).step_by(nr) {
                        for ir in (0..mc).step_by(MR) {
                            // SAFETY: the tile's rows and columns lie inside C.
                            unsafe {
                                V::tile(
                                    kc,
                                    pack_a.as_ptr().add(ir * kc),
                                    pack_b.as_ptr().add(jr * kc),
                                    beta,
                                    c.add((ic + ir) * ldc + jc + jr),
                                    ldc,
                                    MR.min(mc - ir),
                                    nr.min(nc - jr),
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
/// (Inlined, so that `width`, a constant at every call, compiles as one.)
///
/// # Safety
/// Every element read must lie inside a live buffer.
#[inline(always)]
unsafe fn pack(
    width: usize,
    kc: usize,
    count: usize,
    src: *const f32,
    line_stride: isize,
    step: isize,
    dst: &mut [f32],
) {
    for (panel, out) in dst.chunks_exact_mut(width * kc).take(count.div_ceil(width)).enumerate() {
        let first = panel * width;
        let lines = width.min(count - first);
        // SAFETY: line `first` and the `lines` after it are inside the block.
        let src = unsafe { src.offset(first as isize * line_stride) };
        if step == 1 && line_stride != 1 {
            // Each line is contiguous (A row-major, B read transposed): read the lines
            // one after another and scatter into the panel, which stays in L1. Reading
            // across the lines instead, step by step, walks `width` distant streams at
            // once, which the prefetchers do not follow (a conv's weight gradient spent
            // a quarter of its time packing that way).
            for l in 0..lines {
                // SAFETY: line l < count has kc contiguous elements inside the block.
                let line = unsafe { std::slice::from_raw_parts(src.offset(l as isize * line_stride), kc) };
                for (p, &v) in line.iter().enumerate() {
                    out[p * width + l] = v;
                }
            }
            if lines < width {
                for values in out.chunks_exact_mut(width) {
                    values[lines..].fill(0.0);
                }
            }
            continue;
        }
        for (p, values) in out.chunks_exact_mut(width).enumerate() {
            // SAFETY: step p < kc along lines inside the block.
            let at = unsafe { src.offset(p as isize * step) };
            if line_stride == 1 && lines == width {
                // The panel's values for this step sit side by side (B row-major): a
                // copy of a constant size, which the compiler turns into two moves.
                unsafe { std::ptr::copy_nonoverlapping(at, values.as_mut_ptr(), width) };
            } else {
                for (l, v) in values[..lines].iter_mut().enumerate() {
                    *v = unsafe { *at.offset(l as isize * line_stride) };
                }
            }
            values[lines..].fill(0.0);
        }
    }
}

/// One MR x NR tile (or its top-left `rows` x `cols` at the edges) of
/// C = beta C + A panel x B panel, in registers of `V`. Compiled once per instruction
/// set, inside `V::tile`.
///
/// # Safety
/// The panels hold `kc` steps; the `rows` x `cols` block of C lies inside C; the CPU
/// has `V`'s instruction set.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
pub(super) unsafe fn tile_body<V: Lanes>(
    kc: usize,
    a: *const f32,
    b: *const f32,
    beta: f32,
    c: *mut f32,
    ldc: usize,
    rows: usize,
    cols: usize,
) {
    let (w, nr) = (V::WIDTH, V::NR);
    // SAFETY (every block below): the panels hold kc steps of MR and NR values, the
    // rows and columns touched lie inside C (the caller's contract), and the CPU has
    // the set `V` is compiled for.
    let mut acc = [[unsafe { V::zero() }; 2]; MR];
    for i in 0..rows {
        unsafe {
            _mm_prefetch::<_MM_HINT_T0>(c.add(i * ldc) as *const i8);
            _mm_prefetch::<_MM_HINT_T0>(c.add(i * ldc + nr - 1) as *const i8);
        }
    }
    // ANCHOR: micro_kernel
    for p in 0..kc {
        unsafe {
            let b0 = V::load(b.add(p * nr));
            let b1 = V::load(b.add(p * nr + w));
            for (i, row) in acc.iter_mut().enumerate() {
                let ai = V::splat(*a.add(p * MR + i));
                row[0] = ai.mul_add(b0, row[0]);
                row[1] = ai.mul_add(b1, row[1]);
            }
        }
    }
    // ANCHOR_END: micro_kernel
    if rows == MR && cols == nr {
        let betav = unsafe { V::splat(beta) };
        for (i, row) in acc.iter().enumerate() {
            for (half, &chain) in row.iter().enumerate() {
                unsafe {
                    let cij = c.add(i * ldc + w * half);
                    let old = if beta == 0.0 { V::zero() } else { V::load(cij).mul(betav) };
                    chain.add(old).store(cij);
                }
            }
        }
    } else {
        let mut block = [[0.0f32; 32]; MR];
        for (i, row) in acc.iter().enumerate() {
            unsafe {
                row[0].store(block[i].as_mut_ptr());
                row[1].store(block[i].as_mut_ptr().add(w));
            }
        }
        for (i, values) in block.iter().enumerate().take(rows) {
            for (j, &chain) in values.iter().enumerate().take(cols) {
                unsafe {
                    let cij = c.add(i * ldc + j);
                    *cij = if beta == 0.0 { chain } else { *cij * beta + chain };
                }
            }
        }
    }
}
