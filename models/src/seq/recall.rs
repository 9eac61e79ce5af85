//! The long-dependency task that tells an LSTM from a vanilla RNN: the first of `steps`
//! one-hot symbols is the label, every later step is a random distractor, and the
//! model must name the first symbol at the end.

use autograd::{Adam, Parameter, Rng, Tensor, no_grad};
use rand::RngExt as _;

use super::{LstmCell, LstmState, RnnCell, lstm_cell, lstm_layer, rnn_cell, rnn_layer};
use crate::linear::Linear;
use crate::metrics::argmax_rows;
use crate::module::Module;

/// The recall task's Adam learning rate.
pub const RECALL_LR: f32 = 3e-3;
/// Sequences in each fresh training batch of the recall task.
pub const RECALL_BATCH: usize = 32;
/// Symbols to remember (chance is 1 / SYMBOLS).
pub const SYMBOLS: usize = 4;
/// Input width: one channel per symbol and one that marks the first step.
pub const RECALL_INPUT: usize = SYMBOLS + 1;

/// A batch of the task: inputs (batch, steps, 5) and the label of each sequence.
#[track_caller]
pub fn recall_batch(batch: usize, steps: usize, rng: &mut Rng) -> (Tensor, Vec<usize>) {
    assert!(steps >= 1, "recall_batch: a sequence needs at least one step");
    let mut x = vec![0.0f32; batch * steps * RECALL_INPUT];
    let mut labels = Vec::with_capacity(batch);
    for b in 0..batch {
        for t in 0..steps {
            let symbol = rng.random_range(0..SYMBOLS);
            x[(b * steps + t) * RECALL_INPUT + symbol] = 1.0;
            if t == 0 {
                // The marker channel: this is the step to remember.
                x[(b * steps) * RECALL_INPUT + SYMBOLS] = 1.0;
                labels.push(symbol);
            }
        }
    }
    (Tensor::from_vec(x, &[batch, steps, RECALL_INPUT]), labels)
}

/// Which recurrence a [`RecallModel`] runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Recurrence {
    /// The LSTM of `lstm_cell`.
    Lstm,
    /// h' = tanh(x W_x + b + h W_h).
    Rnn,
}

impl Recurrence {
    /// The name pages print.
    pub fn name(self) -> &'static str {
        match self {
            Recurrence::Lstm => "LSTM",
            Recurrence::Rnn => "vanilla RNN",
        }
    }
}

/// A recurrent layer with a linear read-out of its last hidden state, for the task.
pub struct RecallModel {
    /// LSTM or vanilla RNN.
    pub kind: Recurrence,
    /// W_x (5, 4h or h).
    pub w_x: Parameter,
    /// W_h (h, 4h or h).
    pub w_h: Parameter,
    /// b (4h or h).
    pub bias: Parameter,
    /// Last hidden state -> logits of the 4 symbols.
    pub readout: Linear,
}

/// The hidden state at every step, as separate graph nodes.
pub struct Unrolled {
    /// h_1 .. h_T, each (batch, hidden).
    pub hidden: Vec<Tensor>,
    /// The LSTM's gate activations i, f, o at every step (empty for the RNN).
    pub gates: Vec<[Tensor; 3]>,
}

impl RecallModel {
    /// PyTorch's initialisation; the LSTM's forget-gate bias set to `forget_bias`.
    pub fn init(kind: Recurrence, hidden: usize, forget_bias: f32, rng: &mut Rng) -> RecallModel {
        let (w_x, w_h, bias) = match kind {
            Recurrence::Lstm => {
                let cell = LstmCell::init(RECALL_INPUT, hidden, rng);
                (cell.w_x, cell.w_h, cell.bias)
            }
            Recurrence::Rnn => {
                let cell = RnnCell::init(RECALL_INPUT, hidden, rng);
                (cell.w_x, cell.w_h, cell.bias)
            }
        };
        let mut model = RecallModel { kind, w_x, w_h, bias, readout: Linear::xavier(hidden, SYMBOLS, rng) };
        if kind == Recurrence::Lstm {
            model.bias.update(|b| b[hidden..2 * hidden].fill(forget_bias));
        }
        model
    }

    // ANCHOR: unroll
    /// Run over `x` (batch, steps, 5) one step at a time with the composed cells, keeping
    /// every hidden state (and the LSTM's gates) as its own node of the graph.
    pub fn unroll(&self, x: &Tensor) -> Unrolled {
        let (batch, steps, _) = x.dims3();
        let (w_h, hidden) = (self.w_h.tensor(), self.w_h.shape()[0]);
        let width = self.w_x.shape()[1];
        let xwb = x.reshape(&[batch * steps, RECALL_INPUT]).matmul(self.w_x.tensor()).add(self.bias.tensor());
        let xwb = xwb.reshape(&[batch, steps, width]);
        let mut out = Unrolled { hidden: Vec::with_capacity(steps), gates: Vec::new() };
        let mut state = LstmState::zeros(batch, hidden);
        for t in 0..steps {
            let xwb_t = xwb.narrow(1, t, 1).reshape(&[batch, width]);
            state = match self.kind {
                Recurrence::Lstm => {
                    let a = xwb_t.add(&state.h.matmul(w_h));
                    let gate = |k: usize| a.narrow(1, k * hidden, hidden).sigmoid();
                    out.gates.push([gate(0), gate(1), gate(3)]);
                    lstm_cell(&xwb_t, &state, w_h)
                }
                Recurrence::Rnn => LstmState { h: rnn_cell(&xwb_t, &state.h, w_h), c: state.c },
            };
            out.hidden.push(state.h.clone());
        }
        out
    }
    // ANCHOR_END: unroll

    /// The last hidden state, by the layer (the fused path training uses).
    fn last_hidden(&self, x: &Tensor) -> Tensor {
        let (w_x, w_h, b) = (self.w_x.tensor(), self.w_h.tensor(), self.bias.tensor());
        match self.kind {
            Recurrence::Lstm => lstm_layer(x, w_x, w_h, b, None, None).1.h,
            Recurrence::Rnn => rnn_layer(x, w_x, w_h, b, None, None).1,
        }
    }

    /// Mean cross-entropy of naming each sequence's first symbol from its last state.
    pub fn loss(&self, x: &Tensor, labels: &[usize]) -> Tensor {
        self.readout.forward(&self.last_hidden(x)).cross_entropy(labels)
    }

    // ANCHOR: hidden_gradients
    /// The mean over the batch of |d loss / d h_t|, for t = 1 .. T: how much of the
    /// loss's gradient reaches each step's hidden state.
    pub fn hidden_gradients(&self, x: &Tensor, labels: &[usize]) -> Vec<f64> {
        let unrolled = self.unroll(x);
        let last = unrolled.hidden.last().expect("at least one step");
        let grads = self.readout.forward(last).cross_entropy(labels).backward();
        unrolled
            .hidden
            .iter()
            .map(|h| {
                let g = grads.get_or_zeros(h);
                let hidden = h.shape()[1];
                let norms = g
                    .data()
                    .chunks(hidden)
                    .map(|row| row.iter().map(|v| f64::from(v * v)).sum::<f64>().sqrt());
                norms.sum::<f64>() / labels.len() as f64
            })
            .collect()
    }
    // ANCHOR_END: hidden_gradients

    /// Adam ([`RECALL_LR`]) on `iterations` fresh batches of [`RECALL_BATCH`] sequences
    /// of `steps`.
    pub fn train(&mut self, steps: usize, iterations: usize, rng: &mut Rng) {
        let mut adam = Adam::new(RECALL_LR);
        for _ in 0..iterations {
            let (x, labels) = recall_batch(RECALL_BATCH, steps, rng);
            let grads = self.loss(&x, &labels).backward();
            adam.step(&mut self.parameters_mut(), &grads);
        }
    }

    /// Fraction of `labels` named right.
    pub fn accuracy(&self, x: &Tensor, labels: &[usize]) -> f64 {
        let predicted = argmax_rows(&no_grad(|| self.readout.forward(&self.last_hidden(x))));
        predicted.iter().zip(labels).filter(|(p, l)| p == l).count() as f64 / labels.len().max(1) as f64
    }

    /// Every parameter.
    pub fn parameters_mut(&mut self) -> Vec<&mut Parameter> {
        let mut all = vec![&mut self.w_x, &mut self.w_h, &mut self.bias];
        all.extend(self.readout.parameters_mut());
        all
    }
}
