//! The LSTM (Hochreiter and Schmidhuber 1997, with the forget gate of Gers et al. 2000),
//! written as its equations, on the engine's matrix product, sigmoid, tanh and
//! element-wise products; the backward pass comes from theirs.

use autograd::{Parameter, Rng, Tensor};

use super::{dims3, keep_where, step_masks};
use crate::model::{Named, Torch};

/// An LSTM's state between steps: the output h and the cell c, each (batch, hidden).
#[derive(Clone)]
pub struct LstmState {
    /// (batch, hidden): what the layer outputs at this step.
    pub h: Tensor,
    /// (batch, hidden): the memory cell.
    pub c: Tensor,
}

impl LstmState {
    /// All zeros, PyTorch's default initial state.
    pub fn zeros(batch: usize, hidden: usize) -> LstmState {
        LstmState { h: Tensor::zeros(&[batch, hidden]), c: Tensor::zeros(&[batch, hidden]) }
    }
}

// ANCHOR: lstm_cell
/// One LSTM step from the input's projection with the bias, `xwb = x W_x + b` (batch,
/// 4 hidden), which does not depend on the state and so can be computed for every step
/// at once:
///
/// ```text
/// [a_i a_f a_g a_o] = x W_x + b + h W_h        four blocks of `hidden` columns
/// i = σ(a_i)    f = σ(a_f)    g = tanh(a_g)    o = σ(a_o)
/// c' = f * c + i * g
/// h' = o * tanh(c')
/// ```
///
/// The input gate i decides how much of the candidate g enters the cell, the forget
/// gate f how much of the old cell stays, the output gate o how much of the cell is
/// shown. The block order i, f, g, o is PyTorch's.
#[track_caller]
pub fn lstm_cell(xwb: &Tensor, state: &LstmState, w_h: &Tensor) -> LstmState {
    let hidden = w_h.shape()[0];
    let a = xwb.add(&state.h.matmul(w_h));
    let i = a.narrow(1, 0, hidden).sigmoid();
    let f = a.narrow(1, hidden, hidden).sigmoid();
    let g = a.narrow(1, 2 * hidden, hidden).tanh();
    let o = a.narrow(1, 3 * hidden, hidden).sigmoid();
    let c = f.mul(&state.c).add(&i.mul(&g));
    let h = o.mul(&c.tanh());
    LstmState { h, c }
}
// ANCHOR_END: lstm_cell

/// The same step with the element-wise part as one primitive, `Tensor::lstm_pointwise`,
/// whose backward rule is written out by hand: what [`lstm_layer`] runs, because at
/// the sizes of chapters 10 and 11 the thirteen small ops of [`lstm_cell`] cost more
/// than the step's matrix product. Tested equal to `lstm_cell`, gradients included.
#[track_caller]
pub fn lstm_cell_fused(xwb: &Tensor, state: &LstmState, w_h: &Tensor) -> LstmState {
    let hidden = w_h.shape()[0];
    let y = xwb.add(&state.h.matmul(w_h)).lstm_pointwise(&state.c);
    LstmState { h: y.narrow(1, 0, hidden), c: y.narrow(1, hidden, hidden) }
}

/// The weights of one LSTM layer. torch: `nn.LSTMCell` (which keeps W transposed,
/// as (4 hidden, input), and two biases whose sum is `bias` here)
pub struct LstmCell {
    /// (input, 4 hidden).
    pub w_x: Parameter,
    /// (hidden, 4 hidden).
    pub w_h: Parameter,
    /// (4 hidden).
    pub bias: Parameter,
}

impl LstmCell {
    /// From given weights, checked against each other.
    #[track_caller]
    pub fn new(w_x: Tensor, w_h: Tensor, bias: Tensor) -> LstmCell {
        let (_, four) = w_x.dims2();
        let (hidden, four_h) = w_h.dims2();
        assert!(
            four == 4 * hidden && four_h == 4 * hidden && bias.shape() == [4 * hidden],
            "LstmCell::new: w_x {:?}, w_h {:?} and bias {:?} do not fit (input, 4h), (h, 4h), (4h)",
            w_x.shape(),
            w_h.shape(),
            bias.shape()
        );
        LstmCell {
            w_x: Parameter::new("w_x", w_x),
            w_h: Parameter::new("w_h", w_h),
            bias: Parameter::new("bias", bias),
        }
    }

    /// Weights uniform in ±1/sqrt(hidden), as PyTorch draws them; the bias 0 except
    /// the forget gate's, 1, so that at the start the cell keeps what it holds and
    /// gradients flow back through many steps (Jozefowicz et al. 2015). PyTorch
    /// draws its biases like its weights.
    pub fn init(input: usize, hidden: usize, rng: &mut Rng) -> LstmCell {
        let k = 1.0 / (hidden as f32).sqrt();
        let mut bias = vec![0.0; 4 * hidden];
        bias[hidden..2 * hidden].fill(1.0);
        LstmCell::new(
            Tensor::uniform(&[input, 4 * hidden], -k, k, rng),
            Tensor::uniform(&[hidden, 4 * hidden], -k, k, rng),
            Tensor::from_vec(bias, &[4 * hidden]),
        )
    }

    /// The input width.
    pub fn input(&self) -> usize {
        self.w_x.shape()[0]
    }

    /// The hidden width.
    pub fn hidden(&self) -> usize {
        self.w_h.shape()[0]
    }

    /// One step from the input x (batch, input).
    #[track_caller]
    pub fn step(&self, x: &Tensor, state: &LstmState) -> LstmState {
        lstm_cell(&x.matmul(self.w_x.tensor()).add(self.bias.tensor()), state, self.w_h.tensor())
    }

    /// The three parameters.
    pub fn parameters(&self) -> Vec<&Parameter> {
        vec![&self.w_x, &self.w_h, &self.bias]
    }

    /// The parameters under PyTorch's names, `{prefix}.weight_ih{suffix}`,
    /// `weight_hh{suffix}`, `bias_ih{suffix}` (and `bias_hh{suffix}`, which PyTorch adds
    /// to it): `nn.LSTM`'s with suffix `_l0`, `nn.LSTMCell`'s with none. Both store the
    /// weights (4h, in) with the gates in our order, i, f, g, o.
    pub fn named_parameters(&self, prefix: &str, suffix: &str) -> [Named<'_>; 3] {
        let name = |what: &str| format!("{prefix}.{what}{suffix}");
        [
            Named { name: name("weight_ih"), param: &self.w_x, torch: Torch::Transposed },
            Named { name: name("weight_hh"), param: &self.w_h, torch: Torch::Transposed },
            Named { name: name("bias_ih"), param: &self.bias, torch: Torch::SplitBias(name("bias_hh")) },
        ]
    }

    /// The same, mutable, in the same order.
    pub fn parameters_mut(&mut self) -> Vec<&mut Parameter> {
        vec![&mut self.w_x, &mut self.w_h, &mut self.bias]
    }
}

/// An LSTM layer run over whole sequences. torch: `nn.LSTM(batch_first=True)`
pub struct Lstm {
    /// The step's weights, shared by every step.
    pub cell: LstmCell,
}

impl Lstm {
    /// A layer with `LstmCell::init` weights.
    pub fn init(input: usize, hidden: usize, rng: &mut Rng) -> Lstm {
        Lstm { cell: LstmCell::init(input, hidden, rng) }
    }

    /// Run over `xs` (batch, steps, input): see [`lstm_layer`].
    #[track_caller]
    pub fn forward(
        &self,
        xs: &Tensor,
        init: Option<&LstmState>,
        lengths: Option<&[usize]>,
    ) -> (Tensor, LstmState) {
        let c = &self.cell;
        lstm_layer(xs, c.w_x.tensor(), c.w_h.tensor(), c.bias.tensor(), init, lengths)
    }
}

// ANCHOR: lstm_layer
/// An LSTM layer over `xs` (batch, steps, input) from `init` (zeros if `None`), with
/// weights W_x (input, 4h), W_h (h, 4h) and b (4h): every step's output h as (batch,
/// steps, h), and the last state. With `lengths`, sequence b stops at step `lengths[b]`:
/// its state is carried unchanged after that and its outputs there are 0. The input
/// projection x W_x + b of all steps is one matrix product before the loop; only h W_h
/// has to wait for the step before. When every sequence has the full length the loop
/// runs as one primitive, `Tensor::lstm_sequence` (tested equal to the loop).
#[track_caller]
pub fn lstm_layer(
    xs: &Tensor,
    w_x: &Tensor,
    w_h: &Tensor,
    b: &Tensor,
    init: Option<&LstmState>,
    lengths: Option<&[usize]>,
) -> (Tensor, LstmState) {
    let (input, hidden) = (w_x.shape()[0], w_h.shape()[0]);
    let (batch, steps) = dims3("Lstm::forward", xs, input);
    let masks = step_masks("Lstm::forward", lengths, batch, steps);
    let mut state = init.cloned().unwrap_or_else(|| LstmState::zeros(batch, hidden));
    assert_eq!(state.h.shape(), [batch, hidden], "Lstm::forward: initial h shape vs (batch, hidden)");
    assert_eq!(state.c.shape(), [batch, hidden], "Lstm::forward: initial c shape vs (batch, hidden)");
    let xwb = xs.reshape(&[batch * steps, input]).matmul(w_x).add(b).reshape(&[batch, steps, 4 * hidden]);
    if masks.is_none() {
        // Every sequence full length: the loop below as one primitive, whose backward
        // pass computes the gradient of W_h in one product over all steps.
        let y = xwb.lstm_sequence(w_h, &state.h, &state.c); // (batch, steps, [h c])
        let last = y.narrow(1, steps - 1, 1).reshape(&[batch, 2 * hidden]);
        let state = LstmState { h: last.narrow(1, 0, hidden), c: last.narrow(1, hidden, hidden) };
        return (y.narrow(2, 0, hidden), state);
    }
    let mut outputs = Vec::with_capacity(steps);
    for t in 0..steps {
        let xwb_t = xwb.narrow(1, t, 1).reshape(&[batch, 4 * hidden]);
        let next = lstm_cell_fused(&xwb_t, &state, w_h);
        let mask = masks.as_ref().map(|m| &m[t]);
        outputs.push(mask.map_or_else(|| next.h.clone(), |m| next.h.mul(m)));
        state = LstmState { h: keep_where(mask, next.h, &state.h), c: keep_where(mask, next.c, &state.c) };
    }
    (Tensor::stack(&outputs, 1), state)
}
// ANCHOR_END: lstm_layer
