//! Tensor fusion (Zadeh et al. 2017): the outer product of the modalities'
//! projections, each with a 1 appended, flattened. For two modalities,
//!   [h_x; 1] (x) [h_y; 1] = [[h_x h_yᵀ, h_x], [h_yᵀ, 1]]:
//! the bimodal block h_x h_yᵀ, both unimodal blocks, and the constant, side by side.
//! With three modalities the 1s keep every unimodal and bimodal block inside the
//! trimodal tensor.

use autograd::Tensor;

// ANCHOR: tensor_fusion
/// z = vec([h_1; 1] (x) [h_2; 1] (x) ...), one row per example: (n, Π (d_m + 1)).
/// The batched outer product is a broadcast multiply: (n, a, 1) * (n, 1, b).
#[track_caller]
pub fn tensor_fusion(hs: &[Tensor]) -> Tensor {
    assert!(!hs.is_empty(), "tensor_fusion: no modalities");
    let n = hs[0].shape()[0];
    let with_one = |h: &Tensor| {
        assert!(
            h.shape().len() == 2 && h.shape()[0] == n,
            "tensor_fusion: projections must be (n, d) with the same n; got {:?} and {:?}",
            hs[0].shape(),
            h.shape()
        );
        Tensor::concat(&[h.clone(), Tensor::ones(&[n, 1])], 1)
    };
    let mut z = with_one(&hs[0]);
    for h in &hs[1..] {
        let h = with_one(h);
        let (a, b) = (z.shape()[1], h.shape()[1]);
        z = z.reshape(&[n, a, 1]).mul(&h.reshape(&[n, 1, b])).reshape(&[n, a * b]);
    }
    z
}
// ANCHOR_END: tensor_fusion

// ANCHOR: order_mask
/// The interaction order of every entry of the flattened tensor for projections of
/// widths `dims`: how many of its factors are a projection rather than an appended 1
/// (0: the constant; 1: unimodal; 2: bimodal; 3: trimodal).
pub fn entry_orders(dims: &[usize]) -> Vec<usize> {
    let mut orders = vec![0usize];
    for &d in dims {
        orders = orders.iter().flat_map(|&o| (0..=d).map(move |i| o + usize::from(i < d))).collect();
    }
    orders
}

/// A (1, Π (d_m + 1)) mask keeping the entries of order at most `max_order`.
pub fn order_mask(dims: &[usize], max_order: usize) -> Tensor {
    let keep: Vec<f32> = entry_orders(dims).iter().map(|&o| f32::from(u8::from(o <= max_order))).collect();
    let len = keep.len();
    Tensor::from_vec(keep, &[1, len])
}
// ANCHOR_END: order_mask
