//! Property tests: broadcasting and shape rules against naive references written
//! from the definitions, on random shapes.

mod common;
use autograd::Tensor;
use autograd::shape::{broadcast_shapes, numel, sum_to_shape};
use proptest::prelude::*;

/// A shape of rank 0..=4 with dimensions 1..=4.
fn shape() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(1usize..=4, 0..=4)
}

/// An output shape and an operand shape that broadcasts to it: leading axes dropped,
/// some remaining axes set to 1.
fn broadcastable() -> impl Strategy<Value = (Vec<usize>, Vec<usize>)> {
    shape()
        .prop_flat_map(|out| {
            let rank = out.len();
            (Just(out), 0..=rank, prop::collection::vec(any::<bool>(), rank))
        })
        .prop_map(|(out, drop, ones)| {
            let operand =
                out[drop..].iter().zip(&ones[drop..]).map(|(&d, &one)| if one { 1 } else { d }).collect();
            (out, operand)
        })
}

fn values(n: usize, seed: usize) -> Vec<f32> {
    (0..n).map(|i| ((i * 31 + seed * 17) % 23) as f32 - 11.0).collect()
}

/// Multi-index of a flat row-major offset.
fn unravel(mut flat: usize, shape: &[usize]) -> Vec<usize> {
    let mut index = vec![0; shape.len()];
    for axis in (0..shape.len()).rev() {
        index[axis] = flat % shape[axis];
        flat /= shape[axis];
    }
    index
}

/// The definition of broadcasting: output index i reads operand index i, aligned on
/// the right, with index 0 along the operand's length-1 axes.
fn broadcast_read(data: &[f32], shape: &[usize], out_index: &[usize]) -> f32 {
    let lead = out_index.len() - shape.len();
    let mut flat = 0;
    for (axis, &dim) in shape.iter().enumerate() {
        let i = if dim == 1 { 0 } else { out_index[lead + axis] };
        flat = flat * dim + i;
    }
    data[flat]
}

proptest! {
    #[test]
    fn broadcast_shapes_is_symmetric_and_matches_the_rule(a in shape(), b in shape()) {
        let ab = broadcast_shapes(&a, &b);
        prop_assert_eq!(&ab, &broadcast_shapes(&b, &a));
        let rank = a.len().max(b.len());
        let pad = |s: &[usize]| [vec![1; rank - s.len()], s.to_vec()].concat();
        let (pa, pb) = (pad(&a), pad(&b));
        let ok = pa.iter().zip(&pb).all(|(x, y)| x == y || *x == 1 || *y == 1);
        prop_assert_eq!(ab.is_some(), ok);
        if let Some(out) = ab {
            for i in 0..rank {
                prop_assert_eq!(out[i], pa[i].max(pb[i]));
            }
        }
    }

    #[test]
    fn broadcast_add_matches_the_definition((out, a_shape) in broadcastable(), b_shape_seed in 0usize..3) {
        let b_shape: Vec<usize> = if b_shape_seed == 0 { out.clone() } else { out[out.len().min(b_shape_seed)..].to_vec() };
        let a = Tensor::var(values(numel(&a_shape), 1), &a_shape);
        let b = Tensor::var(values(numel(&b_shape), 2), &b_shape);
        // Both operands broadcast to `out`, so they broadcast together (possibly to a
        // suffix of `out` when both dropped leading axes).
        let out = broadcast_shapes(&a_shape, &b_shape).expect("compatible by construction");
        let y = a.add(&b);
        prop_assert_eq!(y.shape(), &out[..]);
        for (flat, &v) in y.data().iter().enumerate() {
            let idx = unravel(flat, &out);
            let expected = broadcast_read(a.data(), &a_shape, &idx) + broadcast_read(b.data(), &b_shape, &idx);
            prop_assert_eq!(v, expected);
        }
        // Each operand element's gradient counts how many output elements it fed.
        let grads = y.sum_all(false).backward();
        let ga = grads.get(&a).unwrap();
        prop_assert_eq!(ga.shape(), &a_shape[..]);
        let copies = (numel(&out) / numel(&a_shape).max(1)) as f32;
        prop_assert!(ga.data().iter().all(|&g| g == copies));
    }

    #[test]
    fn sum_to_shape_matches_the_definition((out, small) in broadcastable()) {
        let grad = values(numel(&out), 3);
        let got = sum_to_shape(&grad, &out, &small);
        let mut expected = vec![0.0; numel(&small)];
        for (flat, &g) in grad.iter().enumerate() {
            let idx = unravel(flat, &out);
            let lead = out.len() - small.len();
            let mut target = 0;
            for (axis, &dim) in small.iter().enumerate() {
                target = target * dim + if dim == 1 { 0 } else { idx[lead + axis] };
            }
            expected[target] += g;
        }
        prop_assert_eq!(got, expected);
    }

    #[test]
    fn sum_over_an_axis_matches_the_definition(s in prop::collection::vec(1usize..=4, 1..=4), pick in 0usize..4, keepdim: bool) {
        let axis = pick % s.len();
        let x = Tensor::from_vec(values(numel(&s), 4), &s);
        let y = x.sum(axis as isize, keepdim);
        let mut reduced = s.clone();
        reduced[axis] = 1;
        prop_assert_eq!(y.numel(), numel(&reduced));
        let mut expected = vec![0.0; numel(&reduced)];
        for (flat, &v) in x.data().iter().enumerate() {
            let mut idx = unravel(flat, &s);
            idx[axis] = 0;
            let target = idx.iter().zip(&reduced).fold(0, |acc, (&i, &d)| acc * d + i);
            expected[target] += v;
        }
        prop_assert_eq!(y.data(), &expected[..]);
        prop_assert_eq!(y.rank(), if keepdim { s.len() } else { s.len() - 1 });
    }

    #[test]
    fn permute_matches_the_definition_and_inverts(s in prop::collection::vec(1usize..=4, 1..=4), seed: u64) {
        // A permutation from the seed (Fisher-Yates with a tiny LCG).
        let mut perm: Vec<usize> = (0..s.len()).collect();
        let mut state = seed;
        for i in (1..perm.len()).rev() {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            perm.swap(i, (state >> 33) as usize % (i + 1));
        }
        let x = Tensor::from_vec(values(numel(&s), 5), &s);
        let signed = |p: &[usize]| p.iter().map(|&a| a as isize).collect::<Vec<_>>();
        let y = x.permute(&signed(&perm));
        for (flat, &v) in y.data().iter().enumerate() {
            let out_idx = unravel(flat, y.shape());
            let mut in_idx = vec![0; s.len()];
            for (i, &p) in perm.iter().enumerate() {
                in_idx[p] = out_idx[i];
            }
            let src = in_idx.iter().zip(&s).fold(0, |acc, (&i, &d)| acc * d + i);
            prop_assert_eq!(v, x.data()[src]);
        }
        let mut inverse = vec![0; perm.len()];
        for (i, &p) in perm.iter().enumerate() {
            inverse[p] = i;
        }
        prop_assert_eq!(y.permute(&signed(&inverse)).to_vec(), x.to_vec());
        // Negative axes count from the end: -1 is the last.
        let negative: Vec<isize> = perm.iter().map(|&p| p as isize - s.len() as isize).collect();
        prop_assert_eq!(x.permute(&negative).to_vec(), y.to_vec());
    }

    #[test]
    fn concat_then_narrow_gives_the_parts_back(s in prop::collection::vec(1usize..=4, 1..=3), extra in 1usize..4, pick in 0usize..3) {
        let axis = pick % s.len();
        let mut s2 = s.clone();
        s2[axis] = extra;
        let a = Tensor::from_vec(values(numel(&s), 6), &s);
        let b = Tensor::from_vec(values(numel(&s2), 7), &s2);
        let c = Tensor::concat(&[a.clone(), b.clone()], axis as isize);
        prop_assert_eq!(c.shape()[axis], s[axis] + extra);
        prop_assert_eq!(c.narrow(axis as isize, 0, s[axis]).to_vec(), a.to_vec());
        prop_assert_eq!(c.narrow(axis as isize, s[axis], extra).to_vec(), b.to_vec());
    }

    #[test]
    fn reshape_keeps_values_in_order(s in shape()) {
        let x = Tensor::from_vec(values(numel(&s), 8), &s);
        let flat = x.reshape(&[numel(&s)]);
        prop_assert_eq!(flat.data(), x.data());
    }
}
