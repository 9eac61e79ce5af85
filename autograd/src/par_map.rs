//! Element-wise maps, shared between the engine's threads when the slices are large.
//!
//! Each element's result depends on that element alone, so cutting the slice in
//! pieces changes no bit: only which core computes it. A map of fewer than twice
//! `PARALLEL_MIN` elements (256K) runs on the calling thread (handing a part to a
//! worker costs about a microsecond, a map of 128K elements about 25 to 100). The
//! chapters run with one thread (`kit::one_kernel_thread`), so this is for larger
//! work: the 1M-element benches, and readers' own models.

use crate::buffer;
use crate::simd::widest;
use crate::threads::{self, Part};
use std::mem::MaybeUninit;

/// Elements worth one thread.
const PARALLEL_MIN: usize = 1 << 17;

/// How many pieces a map of `len` elements is cut into. (A small map never asks for the
/// workers, so a program of small tensors never starts them.)
fn pieces(len: usize) -> usize {
    if len < 2 * PARALLEL_MIN {
        return 1;
    }
    (len / PARALLEL_MIN).min(threads::available())
}

/// `f(a[i])` for every i.
pub(crate) fn map1(a: &[f32], f: impl Fn(f32) -> f32 + Sync) -> Vec<f32> {
    run(a.len(), |out, start| {
        let a = &a[start..start + out.len()];
        // Compiled for the widest instruction set, on whichever thread runs it.
        widest(|| out.iter_mut().zip(a).for_each(|(o, &x)| _ = o.write(f(x))))
    })
}

/// `f(a[i], b[i])` for every i; `a` and `b` have one length.
pub(crate) fn map2(a: &[f32], b: &[f32], f: impl Fn(f32, f32) -> f32 + Sync) -> Vec<f32> {
    assert_eq!(a.len(), b.len(), "par_map::map2: slices of different lengths");
    run(a.len(), |out, start| {
        let (a, b) = (&a[start..start + out.len()], &b[start..start + out.len()]);
        widest(|| out.iter_mut().zip(a.iter().zip(b)).for_each(|(o, (&x, &y))| _ = o.write(f(x, y))))
    })
}

/// A buffer of `len` values, each piece written by `fill(piece, its start)`.
fn run(len: usize, fill: impl Fn(&mut [MaybeUninit<f32>], usize) + Sync) -> Vec<f32> {
    let mut out = buffer::take(len);
    let spare = &mut out.spare_capacity_mut()[..len];
    let parts = pieces(len);
    if parts < 2 {
        fill(spare, 0);
    } else {
        let size = len.div_ceil(parts);
        let fill = &fill;
        let jobs: Vec<Part> = spare
            .chunks_mut(size)
            .enumerate()
            .map(|(i, piece)| Box::new(move || fill(piece, i * size)) as Part)
            .collect();
        threads::run_parts(jobs);
    }
    // SAFETY: the pieces cover 0..len and each fill wrote every slot of its piece
    // (a panic in one would have unwound out of `run_parts` before this line).
    unsafe { out.set_len(len) };
    out
}

#[cfg(test)]
mod tests {
    use super::{PARALLEL_MIN, map1, map2};

    #[test]
    fn a_map_cut_in_pieces_writes_what_one_piece_writes() {
        for len in [0, 1, 1000, PARALLEL_MIN * 2 + 7, PARALLEL_MIN * 5] {
            let a: Vec<f32> = (0..len).map(|i| (i as f32 * 0.37).sin()).collect();
            let b: Vec<f32> = (0..len).map(|i| (i as f32 * 0.11).cos()).collect();
            let one = map2(&a, &b, |x, y| x * y + x / (y + 2.0));
            assert_eq!(one.len(), len);
            for (i, (&v, (&x, &y))) in one.iter().zip(a.iter().zip(&b)).enumerate() {
                assert_eq!(v.to_bits(), (x * y + x / (y + 2.0)).to_bits(), "element {i} of {len}");
            }
            let twice = map1(&a, |x| 2.0 * x);
            assert!(twice.iter().zip(&a).all(|(&t, &x)| t == 2.0 * x));
        }
    }
}
