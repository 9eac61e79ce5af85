//! The engine's sgemm writes the same bits as `matrixmultiply::sgemm` on one thread,
//! which is what every number in the book was first computed with: its own kernel at
//! every width this CPU has (AVX2; AVX-512 where present), on any shape, and a large
//! product split across threads.

use super::{Gemm, PARALLEL_MIN, Strides, k_blocks, sgemm};
use crate::simd::{Isa, detected};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

fn random(len: usize, rng: &mut StdRng) -> Vec<f32> {
    // Some exact zeros, as after a ReLU, and values of very different sizes.
    (0..len)
        .map(|_| {
            if rng.random_bool(0.1) {
                0.0
            } else {
                (rng.random::<f32>() - 0.5) * 10f32.powi(rng.random_range(-3..3))
            }
        })
        .collect()
}

/// The signature of `kernel::sgemm` at one width.
type Kernel = unsafe fn(
    usize,
    usize,
    usize,
    *const f32,
    (isize, isize),
    *const f32,
    (isize, isize),
    f32,
    *mut f32,
    usize,
);

/// The engine's kernels this CPU can run, by name: both widths are tested wherever
/// the CPU has them, whichever `simd::active` would pick.
fn kernels() -> Vec<(&'static str, Kernel)> {
    let mut all: Vec<(&'static str, Kernel)> = Vec::new();
    #[cfg(target_arch = "x86_64")]
    {
        use super::{kernel, lanes};
        if detected() >= Isa::Avx2 {
            all.push(("avx2", kernel::sgemm::<lanes::Avx2>));
        }
        if detected() >= Isa::Avx512 {
            all.push(("avx512", kernel::sgemm::<lanes::Avx512>));
        }
    }
    all
}

/// One product both ways, ours through `sgemm` (`split`) or straight to each kernel
/// this CPU has; A and B read row-major or transposed.
fn check(m: usize, k: usize, n: usize, (a_t, b_t): (bool, bool), beta: f32, split: bool, rng: &mut StdRng) {
    let a = random(m * k, rng);
    let b = random(k * n, rng);
    let c0 = random(m * n, rng);
    let sa = if a_t { Strides::transposed(m) } else { Strides::row_major(k) };
    let sb = if b_t { Strides::transposed(k) } else { Strides::row_major(n) };
    let mut ours = Vec::new();
    if split {
        let mut c = c0.clone();
        sgemm(m, k, n, &a, sa, &b, sb, beta, &mut c);
        ours.push(("sgemm", c));
    } else {
        for (name, kernel) in kernels() {
            let mut c = c0.clone();
            // SAFETY: as below; `kernels` lists only what this CPU runs.
            unsafe {
                kernel(m, k, n, a.as_ptr(), (sa.0, sa.1), b.as_ptr(), (sb.0, sb.1), beta, c.as_mut_ptr(), n)
            };
            ours.push((name, c));
        }
    }
    let mut theirs = c0;
    // SAFETY: the strides describe matrices inside the three vectors.
    unsafe {
        matrixmultiply::sgemm(
            m,
            k,
            n,
            1.0,
            a.as_ptr(),
            sa.0,
            sa.1,
            b.as_ptr(),
            sb.0,
            sb.1,
            beta,
            theirs.as_mut_ptr(),
            n as isize,
            1,
        );
    }
    for (name, ours) in &ours {
        for (i, (x, y)) in ours.iter().zip(&theirs).enumerate() {
            assert!(
                x.to_bits() == y.to_bits(),
                "{name}, {m}x{k}x{n} (A transposed {a_t}, B transposed {b_t}, beta {beta}): entry ({}, {}) \
                 is {x:e}, matrixmultiply wrote {y:e}",
                i / n,
                i % n
            );
        }
    }
}

#[test]
fn every_kernel_writes_the_same_bits_as_matrixmultiply() {
    let names: Vec<_> = kernels().iter().map(|(name, _)| *name).collect();
    eprintln!("kernels compared on this host: {names:?}");
    let mut rng = StdRng::seed_from_u64(7);
    // Edges of the 6 x 16 and 6 x 32 tiles, of the blocks along k (256) and rows (144).
    let sizes = [1, 2, 5, 6, 7, 15, 16, 17, 31, 32, 33, 100, 143, 145, 255, 257, 300, 513];
    for _ in 0..300 {
        let m = sizes[rng.random_range(0..sizes.len())];
        let k = sizes[rng.random_range(0..sizes.len())];
        let n = sizes[rng.random_range(0..sizes.len())];
        let beta = if rng.random_bool(0.5) { 0.0 } else { 1.0 };
        check(m, k, n, (rng.random_bool(0.5), rng.random_bool(0.5)), beta, false, &mut rng);
    }
    // More columns than one block of columns (4080 at 16 wide, 4064 at 32).
    check(7, 20, 4100, (false, false), 1.0, false, &mut rng);
    check(7, 300, 4100, (true, true), 0.0, false, &mut rng);
    check(13, 1000, 4070, (false, true), 1.0, false, &mut rng);
}

#[test]
fn a_product_split_across_threads_writes_the_same_bits() {
    let mut rng = StdRng::seed_from_u64(8);
    // Wide (split by columns), tall (split by rows), both; more than 4080 columns.
    for (m, k, n) in [(256, 256, 256), (2000, 70, 90), (40, 600, 1000), (30, 40, 7000), (520, 520, 33)] {
        assert!(m * k * n >= 2 * PARALLEL_MIN);
        for transposed in [(false, false), (true, false), (false, true)] {
            check(m, k, n, transposed, 1.0, true, &mut rng);
        }
        check(m, k, n, (false, false), 0.0, true, &mut rng);
    }
}

#[test]
fn an_empty_inner_dimension_scales_c_by_beta() {
    let mut c = vec![2.0f32; 6];
    sgemm(2, 0, 3, &[], Strides::row_major(0), &[], Strides::row_major(3), 1.0, &mut c);
    assert_eq!(c, vec![2.0; 6]);
    sgemm(2, 0, 3, &[], Strides::row_major(0), &[], Strides::row_major(3), 0.0, &mut c);
    assert_eq!(c, vec![0.0; 6]);
}

#[test]
fn blocks_cover_c_once_in_whole_tiles() {
    for (m, n) in [(1000, 40), (40, 1000), (7, 5), (97, 97), (6, 4096)] {
        for parts in 1..=5 {
            let c = vec![0.0f32; m * n];
            let whole = Gemm {
                m,
                k: 3,
                n,
                a: std::ptr::null(),
                sa: Strides::row_major(3),
                b: std::ptr::null(),
                sb: Strides::row_major(n),
                beta: 0.0,
                c: c.as_ptr().cast_mut(),
                ldc: n,
            };
            let blocks = whole.blocks(parts);
            assert!(
                !blocks.is_empty() && blocks.len() <= parts,
                "{m}x{n} in {parts}: {} blocks",
                blocks.len()
            );
            let mut covered = vec![0u8; m * n];
            for (i, block) in blocks.iter().enumerate() {
                let offset = (block.c as usize - c.as_ptr() as usize) / 4;
                let (row, col) = (offset / n, offset % n);
                if i + 1 < blocks.len() {
                    assert!(block.m == m && block.n % 16 == 0 || block.n == n && block.m % 6 == 0);
                }
                for r in row..row + block.m {
                    for c in col..col + block.n {
                        covered[r * n + c] += 1;
                    }
                }
            }
            assert!(covered.iter().all(|&x| x == 1), "{m}x{n} in {parts}: not every entry once");
        }
    }
}

#[test]
fn a_long_sum_shared_between_threads_writes_the_same_bits() {
    // Small outputs with long inner dimensions (a conv's weight gradient): the blocks
    // along k added into C one after another on one thread, against `sgemm`, which
    // computes them on several threads when the product is large enough.
    let mut rng = StdRng::seed_from_u64(9);
    for (m, k, n, b_t, beta) in
        [(16, 65536, 27, true, 1.0), (27, 5000, 16, false, 0.0), (3, 40000, 5, true, 1.0)]
    {
        let blocks = k_blocks(m, k, n).expect("a long-k shape");
        let a = random(m * k, &mut rng);
        let b = random(k * n, &mut rng);
        let c0 = random(m * n, &mut rng);
        let (sa, sb) =
            (Strides::row_major(k), if b_t { Strides::transposed(k) } else { Strides::row_major(n) });
        let mut ours = c0.clone();
        sgemm(m, k, n, &a, sa, &b, sb, beta, &mut ours);
        let mut sequential = c0;
        for (i, &(start, len)) in blocks.iter().enumerate() {
            let block = Gemm {
                m,
                k: len,
                n,
                a: a[start..].as_ptr(),
                sa,
                b: b[start * sb.0 as usize..].as_ptr(),
                sb,
                beta: if i == 0 { beta } else { 1.0 },
                c: sequential.as_mut_ptr(),
                ldc: n,
            };
            // SAFETY: a k-slice of a product inside the vectors.
            unsafe { block.run() };
        }
        assert!(ours.iter().zip(&sequential).all(|(x, y)| x.to_bits() == y.to_bits()), "{m}x{k}x{n}");
    }
}
