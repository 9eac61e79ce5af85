//! The catalogue of everything the graph can record: one variant per primitive op,
//! holding the op's inputs and whatever its backward rule needs. Each variant's
//! forward and backward live together in its family's file under `ops/`; this file
//! only dispatches to them.

use crate::backward::GradSink;
use crate::ops::{conv, elementwise, loss, lstm_sequence, matmul, recurrent, reduce, shape, sparse};
use crate::sparse_matrix::Csr;
use crate::tensor::{Node, Tensor};

pub(crate) enum Op {
    /// Data or a variable: no inputs.
    Leaf,
    // ---- ops/elementwise.rs (operands already broadcast to one shape)
    /// a + b
    Add(Tensor, Tensor),
    /// a * b
    Mul(Tensor, Tensor),
    /// a / b
    Div(Tensor, Tensor),
    /// -a
    Neg(Tensor),
    /// scale * a + shift, for constants (backward needs only the scale)
    Affine { input: Tensor, scale: f32 },
    /// e^a
    Exp(Tensor),
    /// ln a
    Log(Tensor),
    /// a^p for a constant p
    Powf(Tensor, f32),
    /// sqrt(a)
    Sqrt(Tensor),
    /// max(a, 0)
    Relu(Tensor),
    /// 1 / (1 + e^-a)
    Sigmoid(Tensor),
    /// tanh(a)
    Tanh(Tensor),
    // ---- ops/reduce.rs
    /// sum over one axis, or over everything when `axis` is None
    Sum { input: Tensor, axis: Option<usize> },
    /// max over one axis or everything; `argmax[j]` is the input offset output j took
    Max { input: Tensor, argmax: Vec<usize> },
    // ---- ops/matmul.rs
    /// (m, k) x (k, n), or batched (b, m, k) x (b, k, n)
    Matmul(Tensor, Tensor),
    // ---- ops/shape.rs
    /// same values, new shape
    Reshape(Tensor),
    /// axes reordered: output axis i is input axis `perm[i]`
    Permute(Tensor, Vec<usize>),
    /// inputs joined along an axis
    Concat(Vec<Tensor>, usize),
    /// `len` entries of `axis` from `start` (the output's shape says `len`)
    Narrow { input: Tensor, axis: usize, start: usize },
    /// entries `indices` of `axis`, repeats allowed (embedding lookup, gather rows)
    IndexSelect { input: Tensor, axis: usize, indices: Vec<usize> },
    /// copies along broadcast dimensions
    BroadcastTo(Tensor),
    // ---- ops/loss.rs
    /// mean binary cross-entropy of sigmoid(logits) against constant targets
    BceWithLogits { logits: Tensor, targets: Tensor },
    // ---- ops/conv.rs
    /// 2-D cross-correlation, NCHW, square stride and padding
    Conv2d { input: Tensor, weight: Tensor, bias: Option<Tensor>, stride: usize, padding: usize },
    /// max over windows; `argmax[j]` is the input offset output j took
    MaxPool2d { input: Tensor, argmax: Vec<usize> },
    /// mean over windows
    AvgPool2d { input: Tensor, kernel: usize, stride: usize },
    // ---- ops/sparse.rs
    /// constant CSR matrix times a dense matrix
    SpMM { matrix: Csr, dense: Tensor },
    // ---- ops/recurrent.rs
    /// the LSTM's element-wise step: gates (batch, 4h) and cell (batch, h) to [h' c'];
    /// `saved` keeps i, f, g, o and tanh(c') for the backward rule
    LstmPointwise { gates: Tensor, cell: Tensor, saved: Vec<f32> },
    // ---- ops/lstm_sequence.rs
    /// a whole LSTM layer over time from its input projections, weight and initial
    /// state; `saved` keeps every step's activations and starting state
    LstmSequence { xwb: Tensor, w_h: Tensor, h0: Tensor, c0: Tensor, saved: lstm_sequence::SequenceSaved },
}

impl Op {
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Op::Leaf => "leaf",
            Op::Add(..) => "add",
            Op::Mul(..) => "mul",
            Op::Div(..) => "div",
            Op::Neg(..) => "neg",
            Op::Affine { .. } => "affine",
            Op::Exp(..) => "exp",
            Op::Log(..) => "log",
            Op::Powf(..) => "powf",
            Op::Sqrt(..) => "sqrt",
            Op::Relu(..) => "relu",
            Op::Sigmoid(..) => "sigmoid",
            Op::Tanh(..) => "tanh",
            Op::Sum { .. } => "sum",
            Op::Max { .. } => "max",
            Op::Matmul(..) => "matmul",
            Op::Reshape(..) => "reshape",
            Op::Permute(..) => "permute",
            Op::Concat(..) => "concat",
            Op::Narrow { .. } => "narrow",
            Op::IndexSelect { .. } => "index_select",
            Op::BroadcastTo(..) => "broadcast_to",
            Op::BceWithLogits { .. } => "bce_with_logits",
            Op::Conv2d { .. } => "conv2d",
            Op::MaxPool2d { .. } => "max_pool2d",
            Op::AvgPool2d { .. } => "avg_pool2d",
            Op::SpMM { .. } => "spmm",
            Op::LstmPointwise { .. } => "lstm_pointwise",
            Op::LstmSequence { .. } => "lstm_sequence",
        }
    }

    /// Call `f` on each input of the op, in order: the edges of the graph.
    pub(crate) fn for_each_input<'a>(&'a self, mut f: impl FnMut(&'a Tensor)) {
        match self {
            Op::Leaf => {}
            Op::Add(a, b) | Op::Mul(a, b) | Op::Div(a, b) | Op::Matmul(a, b) => {
                f(a);
                f(b);
            }
            Op::Neg(a)
            | Op::Exp(a)
            | Op::Log(a)
            | Op::Powf(a, _)
            | Op::Sqrt(a)
            | Op::Relu(a)
            | Op::Sigmoid(a)
            | Op::Tanh(a)
            | Op::Reshape(a)
            | Op::Permute(a, _)
            | Op::BroadcastTo(a) => f(a),
            Op::Affine { input, .. }
            | Op::Sum { input, .. }
            | Op::Max { input, .. }
            | Op::Narrow { input, .. }
            | Op::IndexSelect { input, .. }
            | Op::MaxPool2d { input, .. }
            | Op::AvgPool2d { input, .. } => f(input),
            Op::Concat(parts, _) => parts.iter().for_each(f),
            Op::BceWithLogits { logits, targets } => {
                f(logits);
                f(targets);
            }
            Op::Conv2d { input, weight, bias, .. } => {
                f(input);
                f(weight);
                bias.iter().for_each(f);
            }
            Op::SpMM { dense, .. } => f(dense),
            Op::LstmPointwise { gates, cell, .. } => {
                f(gates);
                f(cell);
            }
            Op::LstmSequence { xwb, w_h, h0, c0, .. } => {
                f(xwb);
                f(w_h);
                f(h0);
                f(c0);
            }
        }
    }

    /// Move the op's inputs out into `out`, leaving nothing behind: the first step of
    /// dropping a node without recursion (see `Drop for Node`).
    pub(crate) fn take_inputs(&mut self, out: &mut Vec<Tensor>) {
        match std::mem::replace(self, Op::Leaf) {
            Op::Leaf => {}
            Op::Add(a, b) | Op::Mul(a, b) | Op::Div(a, b) | Op::Matmul(a, b) => out.extend([a, b]),
            Op::Neg(a)
            | Op::Exp(a)
            | Op::Log(a)
            | Op::Powf(a, _)
            | Op::Sqrt(a)
            | Op::Relu(a)
            | Op::Sigmoid(a)
            | Op::Tanh(a)
            | Op::Reshape(a)
            | Op::Permute(a, _)
            | Op::BroadcastTo(a) => out.push(a),
            Op::Affine { input, .. }
            | Op::Sum { input, .. }
            | Op::Max { input, .. }
            | Op::Narrow { input, .. }
            | Op::IndexSelect { input, .. }
            | Op::MaxPool2d { input, .. }
            | Op::AvgPool2d { input, .. } => out.push(input),
            Op::Concat(parts, _) => out.extend(parts),
            Op::BceWithLogits { logits, targets } => out.extend([logits, targets]),
            Op::Conv2d { input, weight, bias, .. } => {
                out.extend([input, weight]);
                out.extend(bias);
            }
            Op::SpMM { dense, .. } => out.push(dense),
            Op::LstmPointwise { gates, cell, .. } => out.extend([gates, cell]),
            Op::LstmSequence { xwb, w_h, h0, c0, .. } => out.extend([xwb, w_h, h0, c0]),
        }
    }

    pub(crate) fn inputs(&self) -> Vec<Tensor> {
        let mut inputs = Vec::new();
        self.for_each_input(|t| inputs.push(t.clone()));
        inputs
    }

    /// Hand `grad` (the loss's gradient with respect to `out`) to the op's backward
    /// rule, which adds its inputs' gradients to `sink`.
    pub(crate) fn backward(&self, out: &Node, shared: &std::rc::Rc<Vec<f32>>, sink: &mut GradSink) {
        let grad = shared.as_slice();
        let y = out.data.as_slice();
        match self {
            Op::Leaf => {}
            Op::Add(a, b) => elementwise::add_backward(a, b, shared, sink),
            Op::Mul(a, b) => elementwise::mul_backward(a, b, grad, sink),
            Op::Div(a, b) => elementwise::div_backward(a, b, y, grad, sink),
            Op::Neg(a) => elementwise::neg_backward(a, grad, sink),
            Op::Affine { input, scale, .. } => elementwise::affine_backward(input, *scale, grad, sink),
            Op::Exp(a) => elementwise::exp_backward(a, y, grad, sink),
            Op::Log(a) => elementwise::log_backward(a, grad, sink),
            Op::Powf(a, p) => elementwise::powf_backward(a, *p, grad, sink),
            Op::Sqrt(a) => elementwise::sqrt_backward(a, y, grad, sink),
            Op::Relu(a) => elementwise::relu_backward(a, grad, sink),
            Op::Sigmoid(a) => elementwise::sigmoid_backward(a, y, grad, sink),
            Op::Tanh(a) => elementwise::tanh_backward(a, y, grad, sink),
            Op::Sum { input, axis } => reduce::sum_backward(input, *axis, grad, sink),
            Op::Max { input, argmax } => reduce::max_backward(input, argmax, grad, sink),
            Op::Matmul(a, b) => matmul::matmul_backward(a, b, grad, sink),
            Op::Reshape(a) => shape::reshape_backward(a, shared, sink),
            Op::Permute(a, perm) => shape::permute_backward(a, perm, grad, sink),
            Op::Concat(parts, axis) => shape::concat_backward(parts, *axis, grad, sink),
            Op::Narrow { input, axis, start } => {
                shape::narrow_backward(input, *axis, *start, &out.shape, grad, sink)
            }
            Op::IndexSelect { input, axis, indices } => {
                shape::index_select_backward(input, *axis, indices, grad, sink)
            }
            Op::BroadcastTo(a) => shape::broadcast_to_backward(a, &out.shape, grad, sink),
            Op::BceWithLogits { logits, targets } => {
                loss::bce_with_logits_backward(logits, targets, grad, sink)
            }
            Op::Conv2d { input, weight, bias, stride, padding } => conv::conv2d_backward(
                input,
                weight,
                bias.as_ref(),
                (*stride, *padding),
                &out.shape,
                grad,
                sink,
            ),
            Op::MaxPool2d { input, argmax } => conv::max_pool2d_backward(input, argmax, grad, sink),
            Op::AvgPool2d { input, kernel, stride } => {
                conv::avg_pool2d_backward(input, *kernel, *stride, &out.shape, grad, sink)
            }
            Op::SpMM { matrix, dense } => sparse::spmm_backward(matrix, dense, grad, sink),
            Op::LstmPointwise { gates, cell, saved } => {
                recurrent::lstm_pointwise_backward(gates, cell, saved, grad, sink)
            }
            Op::LstmSequence { xwb, w_h, h0, c0, saved } => {
                lstm_sequence::lstm_sequence_backward(xwb, w_h, (h0, c0), saved, grad, sink)
            }
        }
    }
}
