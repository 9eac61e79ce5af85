//! The LSTM's element-wise step as one primitive. `models::seq::lstm_cell` writes the
//! same step out of sigmoid, tanh, products and narrows, which is how the book teaches
//! it; at batch 64 and hidden 128 those thirteen small ops and their backward rules
//! cost more than the step's matrix product, so the layer calls this instead. Its
//! backward rule is the chain rule through the same equations, written out below and
//! checked against the composed version, finite differences and PyTorch.

use crate::backward::GradSink;
use crate::buffer;
use crate::op::Op;
use crate::ops::math::{sigmoid, tanh};
use crate::simd::widest;
use crate::tensor::Tensor;

impl Tensor {
    // ANCHOR: lstm_pointwise
    /// The LSTM step after its matrix products. `self` is the gates' pre-activations
    /// a = [a_i a_f a_g a_o] (batch, 4h) and `c` the previous cell (batch, h); the
    /// result is [h' c'] (batch, 2h) with
    /// i = σ(a_i), f = σ(a_f), g = tanh(a_g), o = σ(a_o), c' = f c + i g, h' = o tanh(c').
    /// torch: the fused kernel inside `nn.LSTM`
    #[track_caller]
    pub fn lstm_pointwise(&self, c: &Tensor) -> Tensor {
        let (batch, four) = match *self.shape() {
            [b, f] if f % 4 == 0 && c.shape() == [b, f / 4] => (b, f),
            _ => panic!(
                "lstm_pointwise: gates shape {:?} and cell shape {:?}: expected (batch, 4h) and (batch, h)",
                self.shape(),
                c.shape()
            ),
        };
        let h = four / 4;
        let mut out = buffer::zeros(batch * 2 * h);
        // The gates' activations and tanh(c'), kept for the backward rule, row by row:
        // [i f g o tanh(c')], 5h numbers.
        let mut saved = buffer::zeros(batch * 5 * h);
        widest(
            #[inline(always)]
            || forward_rows(self.data(), c.data(), &mut out, &mut saved, h),
        );
        Tensor::from_op(
            out,
            vec![batch, 2 * h],
            Op::LstmPointwise { gates: self.clone(), cell: c.clone(), saved },
        )
    }
    // ANCHOR_END: lstm_pointwise
}

// ANCHOR: lstm_pointwise_backward
/// With dh', dc' the output's gradient and t = tanh(c'):
///   dc'_total = dc' + dh' o (1 - t^2)      (c' reaches the loss directly and through h')
///   da_o = dh' t o (1 - o)                 da_i = dc'_total g i (1 - i)
///   da_g = dc'_total i (1 - g^2)           da_f = dc'_total c f (1 - f)
///   dc   = dc'_total f
/// `saved` holds i, f, g, o and t from the forward pass, 5h numbers a row.
pub(crate) fn lstm_pointwise_backward(
    gates: &Tensor,
    cell: &Tensor,
    saved: &[f32],
    g: &[f32],
    sink: &mut GradSink,
) {
    let four = gates.shape()[1];
    let h = four / 4;
    let n = gates.shape()[0];
    let mut d_gates = buffer::zeros(n * four);
    let mut d_cell = buffer::zeros(n * h);
    widest(
        #[inline(always)]
        || backward_rows(cell.data(), saved, g, &mut d_gates, &mut d_cell, h),
    );
    if gates.requires_grad() {
        sink.add(gates, d_gates);
    } else {
        buffer::recycle(d_gates);
    }
    if cell.requires_grad() {
        sink.add(cell, d_cell);
    } else {
        buffer::recycle(d_cell);
    }
}
// ANCHOR_END: lstm_pointwise_backward

/// The forward equations for every row: `a` (n, 4h) pre-activations, `c` (n, h) cells,
/// into `y` (n, 2h) = [h' c'] and `saved` (n, 5h) = [i f g o tanh(c')]. One pass per
/// equation over whole blocks of a row, so each loop is a straight zip of equal slices
/// the compiler vectorises.
#[inline(always)]
pub(crate) fn forward_rows(a: &[f32], c: &[f32], y: &mut [f32], saved: &mut [f32], h: usize) {
    let four = 4 * h;
    for (((a, c), y), s) in
        a.chunks(four).zip(c.chunks(h)).zip(y.chunks_mut(2 * h)).zip(saved.chunks_mut(5 * h))
    {
        let (gates, t) = s.split_at_mut(four);
        for (s, &a) in gates[..2 * h].iter_mut().zip(&a[..2 * h]) {
            *s = sigmoid(a);
        }
        for (s, &a) in gates[2 * h..3 * h].iter_mut().zip(&a[2 * h..3 * h]) {
            *s = tanh(a);
        }
        for (s, &a) in gates[3 * h..].iter_mut().zip(&a[3 * h..]) {
            *s = sigmoid(a);
        }
        let (i, rest) = gates.split_at(h);
        let (f, rest) = rest.split_at(h);
        let (g, o) = rest.split_at(h);
        let (y_h, y_c) = y.split_at_mut(h);
        for ((((y_c, &i), &f), &g), &c) in y_c.iter_mut().zip(i).zip(f).zip(g).zip(c) {
            *y_c = f * c + i * g;
        }
        for (t, &y_c) in t.iter_mut().zip(&*y_c) {
            *t = tanh(y_c);
        }
        for ((y_h, &o), &t) in y_h.iter_mut().zip(o).zip(&*t) {
            *y_h = o * t;
        }
    }
}

/// The backward equations for every row: from `c` (n, h), `saved` (n, 5h) and the
/// output's gradient `g` (n, 2h) = [dh' dc'], into `da` (n, 4h) and `dc` (n, h).
#[inline(always)]
pub(crate) fn backward_rows(c: &[f32], saved: &[f32], g: &[f32], da: &mut [f32], dc: &mut [f32], h: usize) {
    let rows = c.chunks(h).zip(saved.chunks(5 * h)).zip(g.chunks(2 * h));
    for (((c, s), g), (da, dc)) in rows.zip(da.chunks_mut(4 * h).zip(dc.chunks_mut(h))) {
        let (i, rest) = s.split_at(h);
        let (f, rest) = rest.split_at(h);
        let (gg, rest) = rest.split_at(h);
        let (o, t) = rest.split_at(h);
        let (da_i, rest) = da.split_at_mut(h);
        let (da_f, rest) = rest.split_at_mut(h);
        let (da_g, da_o) = rest.split_at_mut(h);
        let (dh, dc_out) = g.split_at(h);
        // dc holds dc'_total first, then dc.
        for (((((dc, da_o), &o), &t), &dh), &dc_out) in
            dc.iter_mut().zip(da_o.iter_mut()).zip(o).zip(t).zip(dh).zip(dc_out)
        {
            *da_o = dh * t * o * (1.0 - o);
            *dc = dc_out + dh * o * (1.0 - t * t);
        }
        for ((((da_i, da_g), &i), &gg), &dct) in da_i.iter_mut().zip(da_g.iter_mut()).zip(i).zip(gg).zip(&*dc)
        {
            *da_i = dct * gg * i * (1.0 - i);
            *da_g = dct * i * (1.0 - gg * gg);
        }
        for (((da_f, dc), &f), &c) in da_f.iter_mut().zip(dc.iter_mut()).zip(f).zip(c) {
            *da_f = *dc * c * f * (1.0 - f);
            *dc *= f;
        }
    }
}
