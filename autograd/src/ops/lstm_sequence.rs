//! A whole LSTM layer over time as one primitive: the recurrence h_{t-1} W_h, the
//! element-wise step (`recurrent.rs`'s kernels) and their backward pass through time.
//! Composed from per-step ops, the gradient of W_h is T small products, one per step,
//! each packing its operands again; here it is one product over all steps at once,
//! Σ_t h_{t-1}^T da_t = [h_0 .. h_{T-1}]^T [da_1 .. da_T], and the graph holds one node
//! instead of a dozen per step. `models::seq::lstm_layer` uses it when every sequence
//! has the full length; tests hold it equal to the per-step composition.

use crate::backward::GradSink;
use crate::buffer;
use crate::op::Op;
use crate::ops::recurrent::{backward_rows, forward_rows};
use crate::sgemm::{Strides, sgemm};
use crate::simd::widest;
use crate::tensor::Tensor;

/// What the backward pass needs from the forward pass, step-major.
pub(crate) struct SequenceSaved {
    /// (T, B, 5h): i, f, g, o and tanh(c_t) of each step.
    activations: Vec<f32>,
    /// (T, B, h): h_{t-1}, the state each step started from.
    h_prev: Vec<f32>,
    /// (T, B, h): c_{t-1}.
    c_prev: Vec<f32>,
}

impl Tensor {
    /// An LSTM layer from its input projections: `self` is x W_x + b for every step,
    /// (batch, steps, 4h); `w_h` (h, 4h); `h0` and `c0` (batch, h). Returns (batch,
    /// steps, 2h): [h_t c_t] of every step. Each step is `lstm_pointwise(xwb_t +
    /// h_{t-1} W_h, c_{t-1})`. torch: `nn.LSTM`'s fused CPU path
    #[track_caller]
    pub fn lstm_sequence(&self, w_h: &Tensor, h0: &Tensor, c0: &Tensor) -> Tensor {
        let (batch, steps, h) = match (self.shape(), w_h.shape()) {
            (&[b, t, f], &[h, f2])
                if f == 4 * h && f2 == f && t > 0 && h0.shape() == [b, h] && c0.shape() == [b, h] =>
            {
                (b, t, h)
            }
            _ => panic!(
                "lstm_sequence: xwb {:?}, w_h {:?}, h0 {:?}, c0 {:?}: expected (batch, steps, 4h), (h, 4h), \
                 (batch, h), (batch, h)",
                self.shape(),
                w_h.shape(),
                h0.shape(),
                c0.shape()
            ),
        };
        let four = 4 * h;
        let (xwb, w) = (self.data(), w_h.data());
        let mut out = buffer::zeros(batch * steps * 2 * h);
        let mut saved = SequenceSaved {
            activations: buffer::zeros(steps * batch * 5 * h),
            h_prev: buffer::zeros(steps * batch * h),
            c_prev: buffer::zeros(steps * batch * h),
        };
        let mut a = buffer::zeros(batch * four);
        let mut y = buffer::zeros(batch * 2 * h);
        let (mut h_t, mut c_t) = (h0.data().to_vec(), c0.data().to_vec());
        for t in 0..steps {
            saved.h_prev[t * batch * h..][..batch * h].copy_from_slice(&h_t);
            saved.c_prev[t * batch * h..][..batch * h].copy_from_slice(&c_t);
            for (r, a_r) in a.chunks_mut(four).enumerate() {
                a_r.copy_from_slice(&xwb[(r * steps + t) * four..][..four]);
            }
            sgemm(batch, h, four, &h_t, Strides::row_major(h), w, Strides::row_major(four), 1.0, &mut a);
            let acts = &mut saved.activations[t * batch * 5 * h..][..batch * 5 * h];
            widest(
                #[inline(always)]
                || forward_rows(&a, &c_t, &mut y, acts, h),
            );
            for (r, y_r) in y.chunks(2 * h).enumerate() {
                out[(r * steps + t) * 2 * h..][..2 * h].copy_from_slice(y_r);
                h_t[r * h..][..h].copy_from_slice(&y_r[..h]);
                c_t[r * h..][..h].copy_from_slice(&y_r[h..]);
            }
        }
        buffer::recycle(a);
        buffer::recycle(y);
        let op =
            Op::LstmSequence { xwb: self.clone(), w_h: w_h.clone(), h0: h0.clone(), c0: c0.clone(), saved };
        Tensor::from_op(out, vec![batch, steps, 2 * h], op)
    }
}

/// Backward through time. With g_t = [dh_t dc_t] the output's gradient at step t and
/// (dh_next, dc_next) what step t + 1 sends back:
///   da_t, dc_{t-1} = the element-wise rule at [g_t.h + dh_next, g_t.c + dc_next]
///   dh_{t-1} = da_t W_h^T
/// then dW_h = Σ_t h_{t-1}^T da_t in one product, dxwb_t = da_t, dh0 and dc0 what is
/// left after step 1.
pub(crate) fn lstm_sequence_backward(
    xwb: &Tensor,
    w_h: &Tensor,
    (h0, c0): (&Tensor, &Tensor),
    saved: &SequenceSaved,
    g: &[f32],
    sink: &mut GradSink,
) {
    let (batch, steps, four) = (xwb.shape()[0], xwb.shape()[1], xwb.shape()[2]);
    let h = four / 4;
    let mut da_all = buffer::zeros(steps * batch * four); // step-major
    let (mut dh_next, mut dc_next) = (buffer::zeros(batch * h), buffer::zeros(batch * h));
    let mut g_t = buffer::zeros(batch * 2 * h);
    for t in (0..steps).rev() {
        for r in 0..batch {
            let from = &g[(r * steps + t) * 2 * h..][..2 * h];
            let to = &mut g_t[r * 2 * h..][..2 * h];
            for j in 0..h {
                to[j] = from[j] + dh_next[r * h + j];
                to[h + j] = from[h + j] + dc_next[r * h + j];
            }
        }
        let da = &mut da_all[t * batch * four..][..batch * four];
        let c_prev = &saved.c_prev[t * batch * h..][..batch * h];
        let acts = &saved.activations[t * batch * 5 * h..][..batch * 5 * h];
        widest(
            #[inline(always)]
            || backward_rows(c_prev, acts, &g_t, da, &mut dc_next, h),
        );
        // dh_{t-1} = da_t W_h^T: (batch, 4h) x (4h, h), W_h read transposed.
        sgemm(
            batch,
            four,
            h,
            da,
            Strides::row_major(four),
            w_h.data(),
            Strides::transposed(four),
            0.0,
            &mut dh_next,
        );
    }
    if w_h.requires_grad() {
        // dW_h = [h_0 .. h_{T-1}]^T [da_1 .. da_T]: (h, T B) x (T B, 4h), one product.
        let n = steps * batch;
        let grad = sink.slot(w_h);
        sgemm(
            h,
            n,
            four,
            &saved.h_prev,
            Strides::transposed(h),
            &da_all,
            Strides::row_major(four),
            1.0,
            grad,
        );
    }
    if xwb.requires_grad() {
        let mut d_xwb = buffer::zeros(batch * steps * four);
        for t in 0..steps {
            for r in 0..batch {
                d_xwb[(r * steps + t) * four..][..four]
                    .copy_from_slice(&da_all[(t * batch + r) * four..][..four]);
            }
        }
        sink.add(xwb, d_xwb);
    }
    sink.add(h0, dh_next);
    sink.add(c0, dc_next);
    buffer::recycle(da_all);
    buffer::recycle(g_t);
}
