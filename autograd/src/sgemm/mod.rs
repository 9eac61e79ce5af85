//! C = A B + beta C in f32, the one matrix product every op uses (matmul, conv, the
//! LSTM layer). Two parts:
//!
//! - **The kernel** (`kernel.rs`, over the vector operations in `lanes.rs`): on x86-64
//!   with AVX2 and FMA, the engine's own packing and 6 x 16 micro-kernel; with AVX-512,
//!   the same source at twice the width (6 x 32); elsewhere the `matrixmultiply`
//!   crate's. All compute every entry of C the same way (a fused multiply-add chain
//!   over blocks of 256 along k, in order), so they write the same bits (tested in
//!   `tests.rs`). `simd::active` picks one, as it picks the element-wise loops.
//! - **The threads**: a product large enough to share is cut into blocks of C's
//!   columns (or rows), one per thread, and the blocks run at once, each a complete
//!   single-threaded product (`crate::threads` has the workers). Each thread packs its
//!   own operands and runs to the end without waiting on another; `matrixmultiply`'s
//!   own `threading` feature, used before, packed each block of B on one thread while
//!   the other waited and met both threads again for every block along k. Entry
//!   (i, j) is computed the same way whichever block holds it, so the result is
//!   bit-for-bit the same on any number of threads.

#[cfg(target_arch = "x86_64")]
mod kernel;
#[cfg(target_arch = "x86_64")]
mod lanes;
#[cfg(test)]
mod tests;

use crate::buffer;
use crate::simd::{self, Isa};
use crate::threads::{self, Part};

/// Row and column strides of a matrix view.
#[derive(Clone, Copy)]
pub(crate) struct Strides(pub(crate) isize, pub(crate) isize);

impl Strides {
    /// A row-major (rows, cols) matrix.
    pub(crate) fn row_major(cols: usize) -> Strides {
        Strides(cols as isize, 1)
    }
    /// The transpose of a row-major matrix with `cols` columns.
    pub(crate) fn transposed(cols: usize) -> Strides {
        Strides(1, cols as isize)
    }
}

/// The multiply-adds worth one thread: a product is shared by one thread per
/// `PARALLEL_MIN` it holds, so products under 1M multiply-adds (about 15-30 us on one
/// core) run on one thread. Timed alone on two threads against one: products of 0.26M
/// gained 0-25%, not every time; of 1M, about 30% in three runs of four; 64 x 128 x 512
/// (4M, an LSTM step's product) 35-45% (benches/README.md).
const PARALLEL_MIN: usize = 1 << 19;

/// C (m x n, row-major) = A (m x k) B (k x n) + beta C, A and B read through strides.
#[allow(clippy::too_many_arguments)]
pub(crate) fn sgemm(
    m: usize,
    k: usize,
    n: usize,
    a: &[f32],
    sa: Strides,
    b: &[f32],
    sb: Strides,
    beta: f32,
    c: &mut [f32],
) {
    let last = |rows: usize, cols: usize, st: Strides| {
        (rows.max(1) - 1) * st.0 as usize + (cols.max(1) - 1) * st.1 as usize
    };
    assert!(
        (m * k == 0 || last(m, k, sa) < a.len())
            && (k * n == 0 || last(k, n, sb) < b.len())
            && m * n <= c.len(),
        "sgemm: a matrix reaches past its buffer"
    );
    let whole = Gemm { m, k, n, a: a.as_ptr(), sa, b: b.as_ptr(), sb, beta, c: c.as_mut_ptr(), ldc: n };
    if let Some(blocks) = k_blocks(m, k, n) {
        // SAFETY: as below; the blocks lie inside the product's k.
        return unsafe { sum_over_k(whole, &blocks) };
    }
    // SAFETY: the three matrices lie inside their slices (checked above), and `c` is
    // borrowed mutably for the whole call.
    unsafe { split(whole) };
}

/// A small output with a long inner dimension (the conv weight's gradient: 16 x 27
/// summed over 65536 pixels) is computed as a sum of short products, one per block
/// along k: (start, length), in the order they are added into C. The blocks (chunks
/// of 2^14 / (m + n), each cut in pieces of 256 as the kernel cuts k) are where the
/// engine's results were first recorded, so they stay: summed in other blocks, the
/// same product would round differently. None for every other shape.
fn k_blocks(m: usize, k: usize, n: usize) -> Option<Vec<(usize, usize)>> {
    const CHUNK: usize = 1 << 14;
    if m * n > 4096 || (m + n) * k < 2 * CHUNK {
        return None;
    }
    let chunk = (CHUNK / (m + n)).max(1);
    let chunks = (0..k).step_by(chunk).map(|start| (start, chunk.min(k - start)));
    Some(
        chunks
            .flat_map(|(start, len)| (0..len).step_by(256).map(move |at| (start + at, 256.min(len - at))))
            .collect(),
    )
}

/// C = beta C + the sum of `g` over `blocks` of k, in order. On one thread, block by
/// block into C. On several, each thread computes a share of the blocks' products
/// into a buffer of their own (each the same chain of multiply-adds the kernel would
/// have added into C), then they are added into C in the same order: the same bits.
///
/// # Safety
/// As `Gemm::run`, for every block.
unsafe fn sum_over_k(g: Gemm, blocks: &[(usize, usize)]) {
    let block = |(start, len): (usize, usize), beta: f32, c: *mut f32, ldc: usize| Gemm {
        k: len,
        a: g.a.wrapping_offset(start as isize * g.sa.1),
        b: g.b.wrapping_offset(start as isize * g.sb.0),
        beta,
        c,
        ldc,
        ..g
    };
    let threads = (g.m * g.k * g.n / PARALLEL_MIN).min(threads::available());
    if threads < 2 {
        for (i, &range) in blocks.iter().enumerate() {
            // SAFETY: a k-slice of the product reads inside the same buffers.
            unsafe { block(range, if i == 0 { g.beta } else { 1.0 }, g.c, g.ldc).run() };
        }
        return;
    }
    let size = g.m * g.n;
    let mut partial = buffer::scratch(blocks.len() * size); // beta = 0: overwritten
    let base = partial.as_mut_ptr();
    let share = blocks.len().div_ceil(threads);
    let parts: Vec<Part> = blocks
        .chunks(share)
        .enumerate()
        .map(|(t, mine)| {
            let slot = |j: usize| base.wrapping_add((t * share + j) * size);
            let products: Vec<Gemm> =
                mine.iter().enumerate().map(|(j, &range)| block(range, 0.0, slot(j), g.n)).collect();
            // SAFETY: each block writes its own slot of `partial`, alive until the sum.
            Box::new(move || products.into_iter().for_each(|p| unsafe { p.run() })) as Part
        })
        .collect();
    threads::run_parts(parts);
    for (i, slot) in partial.chunks_exact(size).enumerate() {
        for (r, row) in slot.chunks_exact(g.n).enumerate() {
            // SAFETY: row r of C lies inside C (ldc apart).
            let c = unsafe { std::slice::from_raw_parts_mut(g.c.add(r * g.ldc), g.n) };
            for (c, &chain) in c.iter_mut().zip(row) {
                *c = if i > 0 {
                    *c + chain
                } else if g.beta == 0.0 {
                    chain
                } else {
                    *c * g.beta + chain
                };
            }
        }
    }
    buffer::recycle(partial);
}

/// One product on raw pointers: C (m x n, rows `ldc` apart) = A B + beta C.
#[derive(Clone, Copy)]
struct Gemm {
    m: usize,
    k: usize,
    n: usize,
    a: *const f32,
    sa: Strides,
    b: *const f32,
    sb: Strides,
    beta: f32,
    c: *mut f32,
    ldc: usize,
}

// SAFETY: a Gemm is sent to another thread only by `split`, with a block of C that no
// other Gemm writes, while the caller's borrows keep all three buffers alive.
unsafe impl Send for Gemm {}

/// The active kernel's tile of C, (rows, columns): 6 x 16 with AVX2 (and for
/// `matrixmultiply`, whose 8 x 8 tiles divide it), 6 x 32 with AVX-512. A thread's
/// share of the columns is a multiple of the width, and its share of the rows a
/// multiple of the height: no tile is cut at the seam.
fn tile_shape() -> (usize, usize) {
    match simd::active() {
        Isa::Avx512 => (6, 32),
        _ => (6, 16),
    }
}

impl Gemm {
    /// The product on this thread: the engine's kernel for the active instruction set
    /// (`simd::active`), else `matrixmultiply`'s.
    ///
    /// # Safety
    /// The three matrices must lie inside live buffers and C must not be aliased.
    unsafe fn run(self) {
        #[cfg(target_arch = "x86_64")]
        {
            let (sa, sb) = ((self.sa.0, self.sa.1), (self.sb.0, self.sb.1));
            let Gemm { m, k, n, a, b, beta, c, ldc, .. } = self;
            // SAFETY: `active` names only a set the CPU has; the rest is the caller's.
            match simd::active() {
                Isa::Avx512 => {
                    return unsafe { kernel::sgemm::<lanes::Avx512>(m, k, n, a, sa, b, sb, beta, c, ldc) };
                }
                Isa::Avx2 => {
                    return unsafe { kernel::sgemm::<lanes::Avx2>(m, k, n, a, sa, b, sb, beta, c, ldc) };
                }
                Isa::Baseline => {}
            }
        }
        unsafe {
            matrixmultiply::sgemm(
                self.m,
                self.k,
                self.n,
                1.0,
                self.a,
                self.sa.0,
                self.sa.1,
                self.b,
                self.sb.0,
                self.sb.1,
                self.beta,
                self.c,
                self.ldc as isize,
                1,
            );
        }
    }

    /// At most `parts` products covering this one, as blocks of C's columns when C is
    /// at least as wide as it is tall, else of its rows; each block a whole number of
    /// kernel tiles. (Every thread packs the operand that is not cut; which one that is
    /// made no difference that survived the noise at 256^2 and 1024^2.)
    fn blocks(self, parts: usize) -> Vec<Gemm> {
        let (mr, nr) = tile_shape();
        let by_columns = self.n >= self.m || self.m < 2 * mr;
        let (len, tile) = if by_columns { (self.n, nr) } else { (self.m, mr) };
        let step = len.div_ceil(parts).div_ceil(tile) * tile;
        (0..len)
            .step_by(step.max(1))
            .map(|at| {
                let size = step.min(len - at);
                if by_columns {
                    let b = self.b.wrapping_offset(at as isize * self.sb.1);
                    Gemm { n: size, b, c: self.c.wrapping_add(at), ..self }
                } else {
                    let a = self.a.wrapping_offset(at as isize * self.sa.0);
                    Gemm { m: size, a, c: self.c.wrapping_add(at * self.ldc), ..self }
                }
            })
            .collect()
    }
}

/// Run `g` on as many threads as it is worth: one per `PARALLEL_MIN` multiply-adds, at
/// most one per available thread.
///
/// # Safety
/// As `Gemm::run`.
unsafe fn split(g: Gemm) {
    let worth = g.m * g.k * g.n / PARALLEL_MIN;
    if worth < 2 || threads::available() < 2 {
        return unsafe { g.run() };
    }
    let parts: Vec<Part> = g
        .blocks(worth.min(threads::available()))
        .into_iter()
        // SAFETY: the blocks write disjoint parts of C; `run_parts` returns after all.
        .map(|block| Box::new(move || unsafe { block.run() }) as Part)
        .collect();
    threads::run_parts(parts);
}
