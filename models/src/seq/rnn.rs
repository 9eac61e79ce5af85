//! The vanilla (Elman) RNN, h' = tanh(x W_x + h W_h + b): the model the LSTM was made
//! to improve on, kept to show what the gates buy.

use autograd::{Parameter, Rng, Tensor};

use super::{dims3, keep_where, step_masks};

// ANCHOR: rnn_cell
/// One vanilla RNN step from the input's projection with the bias, `xwb = x W_x + b`:
/// h' = tanh(x W_x + b + h W_h).
pub fn rnn_cell(xwb: &Tensor, h: &Tensor, w_h: &Tensor) -> Tensor {
    xwb.add(&h.matmul(w_h)).tanh()
}
// ANCHOR_END: rnn_cell

/// The weights of one vanilla RNN layer. torch: `nn.RNNCell` (tanh)
pub struct RnnCell {
    /// (input, hidden).
    pub w_x: Parameter,
    /// (hidden, hidden).
    pub w_h: Parameter,
    /// (hidden).
    pub bias: Parameter,
}

impl RnnCell {
    /// From given weights, checked against each other.
    #[track_caller]
    pub fn new(w_x: Tensor, w_h: Tensor, bias: Tensor) -> RnnCell {
        let (_, h1) = w_x.dims2();
        let (h2, h3) = w_h.dims2();
        assert!(
            h1 == h2 && h2 == h3 && bias.shape() == [h1],
            "RnnCell::new: w_x {:?}, w_h {:?} and bias {:?} do not fit (input, h), (h, h), (h)",
            w_x.shape(),
            w_h.shape(),
            bias.shape()
        );
        RnnCell {
            w_x: Parameter::new("w_x", w_x),
            w_h: Parameter::new("w_h", w_h),
            bias: Parameter::new("bias", bias),
        }
    }

    /// Weights uniform in ±1/sqrt(hidden), as PyTorch draws them; bias 0.
    pub fn init(input: usize, hidden: usize, rng: &mut Rng) -> RnnCell {
        let k = 1.0 / (hidden as f32).sqrt();
        RnnCell::new(
            Tensor::uniform(&[input, hidden], -k, k, rng),
            Tensor::uniform(&[hidden, hidden], -k, k, rng),
            Tensor::zeros(&[hidden]),
        )
    }

    /// The three parameters, mutable.
    pub fn parameters_mut(&mut self) -> Vec<&mut Parameter> {
        vec![&mut self.w_x, &mut self.w_h, &mut self.bias]
    }

    /// The three parameters.
    pub fn parameters(&self) -> Vec<&Parameter> {
        vec![&self.w_x, &self.w_h, &self.bias]
    }
}

/// A vanilla RNN layer over whole sequences. torch: `nn.RNN(batch_first=True)`
pub struct Rnn {
    /// The step's weights.
    pub cell: RnnCell,
}

impl Rnn {
    /// A layer with `RnnCell::init` weights.
    pub fn init(input: usize, hidden: usize, rng: &mut Rng) -> Rnn {
        Rnn { cell: RnnCell::init(input, hidden, rng) }
    }

    /// As `Lstm::forward`: every step's output (batch, steps, hidden) and the last h.
    #[track_caller]
    pub fn forward(&self, xs: &Tensor, init: Option<&Tensor>, lengths: Option<&[usize]>) -> (Tensor, Tensor) {
        let c = &self.cell;
        rnn_layer(xs, c.w_x.tensor(), c.w_h.tensor(), c.bias.tensor(), init, lengths)
    }
}

/// A vanilla RNN layer over `xs` (batch, steps, input), as [`super::lstm_layer`]:
/// every step's output (batch, steps, hidden) and the last h.
#[track_caller]
pub fn rnn_layer(
    xs: &Tensor,
    w_x: &Tensor,
    w_h: &Tensor,
    b: &Tensor,
    init: Option<&Tensor>,
    lengths: Option<&[usize]>,
) -> (Tensor, Tensor) {
    let (input, hidden) = (w_x.shape()[0], w_h.shape()[0]);
    let (batch, steps) = dims3("Rnn::forward", xs, input);
    let masks = step_masks("Rnn::forward", lengths, batch, steps);
    let mut h = init.cloned().unwrap_or_else(|| Tensor::zeros(&[batch, hidden]));
    assert_eq!(h.shape(), [batch, hidden], "Rnn::forward: initial h shape vs (batch, hidden)");
    let xwb = xs.reshape(&[batch * steps, input]).matmul(w_x).add(b).reshape(&[batch, steps, hidden]);
    let mut outputs = Vec::with_capacity(steps);
    for t in 0..steps {
        let xwb_t = xwb.narrow(1, t, 1).reshape(&[batch, hidden]);
        let next = rnn_cell(&xwb_t, &h, w_h);
        let mask = masks.as_ref().map(|m| &m[t]);
        outputs.push(mask.map_or_else(|| next.clone(), |m| next.mul(m)));
        h = keep_where(mask, next, &h);
    }
    (Tensor::stack(&outputs, 1), h)
}
