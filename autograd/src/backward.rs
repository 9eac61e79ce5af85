//! The backward pass: reverse-mode differentiation over the recorded graph.
//!
//! 1. Collect every node the loss depends on that needs a gradient (an explicit
//!    stack, no recursion: an unrolled LSTM is thousands of nodes deep).
//! 2. Sort them by id, largest first. Ids grow with creation, so each node comes
//!    before all of its inputs: a topological order with no graph search.
//! 3. Seed the loss's gradient with 1, then visit the nodes in that order; each op's
//!    backward rule adds its inputs' gradients into the store (`+=`, so a tensor used
//!    several times gets the sum).
//!
//! The store is made fresh by every `backward` call, so there is nothing to zero.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;

use crate::buffer;
use crate::tensor::{Node, Tensor};

/// Gradients of one backward call, keyed by the tensor they belong to.
pub struct Gradients {
    /// Ascending node ids, and the gradient of each.
    ids: Vec<usize>,
    grads: Vec<Tensor>,
}

impl Gradients {
    /// d loss / d `tensor`, or `None` if the loss does not depend on it through a
    /// path that needs a gradient.
    pub fn get(&self, tensor: &Tensor) -> Option<&Tensor> {
        self.ids.binary_search(&tensor.id()).ok().map(|i| &self.grads[i])
    }

    /// d loss / d `tensor`, with zeros of its shape where the loss does not depend on
    /// it (PyTorch leaves `.grad` as `None` there; `torch.autograd.grad(...,
    /// materialize_grads=True)` gives zeros, as this does).
    pub fn get_or_zeros(&self, tensor: &Tensor) -> Tensor {
        self.get(tensor).cloned().unwrap_or_else(|| Tensor::zeros(tensor.shape()))
    }

    /// Clip by global norm: if the gradients of `tensors` (taken as one long vector)
    /// have an L2 norm above `max_norm`, scale them all by `max_norm / (norm + 1e-6)`.
    /// Returns the norm before clipping. Tensors without a gradient count as zeros.
    /// torch: `torch.nn.utils.clip_grad_norm_(params, max_norm)`
    #[track_caller]
    pub fn clip_norm(&mut self, tensors: &[&Tensor], max_norm: f32) -> f32 {
        assert!(max_norm > 0.0, "clip_norm: max_norm must be positive, got {max_norm}");
        let positions: Vec<usize> =
            tensors.iter().filter_map(|t| self.ids.binary_search(&t.id()).ok()).collect();
        let squares: f64 =
            positions.iter().flat_map(|&i| self.grads[i].data()).map(|&g| (g as f64) * (g as f64)).sum();
        let norm = squares.sqrt() as f32;
        let coefficient = max_norm / (norm + 1e-6);
        if coefficient < 1.0 {
            for &i in &positions {
                let grad = &self.grads[i];
                let scaled = grad.data().iter().map(|g| g * coefficient).collect();
                self.grads[i] = Tensor::from_vec(scaled, grad.shape());
            }
        }
        norm
    }

    /// How many tensors received a gradient.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// True when no tensor received a gradient.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

/// Where backward rules put their inputs' gradients during one backward call.
///
/// A gradient buffer may be shared: a rule whose input's gradient equals its output's
/// (add, reshape) hands over the same buffer instead of a copy, and a shared buffer is
/// copied only if something is later added into it (`Rc::make_mut`).
pub(crate) struct GradSink {
    /// Node ids in visiting order (descending), for binary search.
    ids: Vec<usize>,
    grads: Vec<Option<Rc<Vec<f32>>>>,
}

impl GradSink {
    fn position(&self, tensor: &Tensor) -> usize {
        let id = tensor.id();
        self.ids
            .binary_search_by(|probe| id.cmp(probe))
            .expect("backward: an input needing a gradient was not collected")
    }

    /// Add `grad` to `input`'s gradient (moved in, without a copy, if it is the first).
    /// Inputs that need no gradient are skipped.
    pub(crate) fn add(&mut self, input: &Tensor, grad: Vec<f32>) {
        if !input.requires_grad() {
            return;
        }
        debug_assert_eq!(grad.len(), input.numel(), "{}: gradient size", input.op_name());
        let pos = self.position(input);
        match &mut self.grads[pos] {
            Some(existing) => {
                Rc::make_mut(existing).iter_mut().zip(&grad).for_each(|(e, g)| *e += g);
                buffer::recycle(grad);
            }
            slot => *slot = Some(Rc::new(grad)),
        }
    }

    /// Add `grad` to `input`'s gradient, sharing the buffer (no copy) if it is the
    /// first: for rules whose input's gradient is their output's, unchanged.
    pub(crate) fn add_shared(&mut self, input: &Tensor, grad: &Rc<Vec<f32>>) {
        if !input.requires_grad() {
            return;
        }
        debug_assert_eq!(grad.len(), input.numel(), "{}: gradient size", input.op_name());
        let pos = self.position(input);
        match &mut self.grads[pos] {
            Some(existing) => Rc::make_mut(existing).iter_mut().zip(grad.iter()).for_each(|(e, g)| *e += g),
            slot => *slot = Some(Rc::clone(grad)),
        }
    }

    /// `input`'s gradient buffer to accumulate into, zero-filled if it had none yet.
    /// For rules that scatter-add (index_select, narrow, matmul with beta = 1).
    pub(crate) fn slot(&mut self, input: &Tensor) -> &mut [f32] {
        debug_assert!(input.requires_grad());
        let pos = self.position(input);
        let len = input.numel();
        let grad: &mut Vec<f32> =
            Rc::make_mut(self.grads[pos].get_or_insert_with(|| Rc::new(buffer::zeros(len))));
        grad.as_mut_slice()
    }
}

/// Node ids are unique integers: mixing them with one multiply is hash enough.
#[derive(Default)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, _: &[u8]) {
        unreachable!("IdHasher only hashes usize ids")
    }
    fn write_usize(&mut self, id: usize) {
        self.0 = (id as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

impl Tensor {
    /// Reverse-mode differentiation of a one-element loss: returns d loss / d x for
    /// every tensor x the loss depends on that needs a gradient.
    /// torch: `loss.backward()` (but gradients come back in a store, not in `.grad`)
    #[track_caller]
    pub fn backward(&self) -> Gradients {
        assert_eq!(
            self.numel(),
            1,
            "backward: the loss must hold one element, got shape {:?}; \
             reduce it first (sum, mean) or use backward_with",
            self.shape()
        );
        self.backward_from(vec![1.0])
    }

    /// Backward from a non-scalar output, seeded with `grad_output` (same shape):
    /// computes the gradients of `sum(self * grad_output)`.
    #[track_caller]
    pub fn backward_with(&self, grad_output: &Tensor) -> Gradients {
        assert_eq!(
            self.shape(),
            grad_output.shape(),
            "backward_with: output shape {:?} and seed shape {:?} differ",
            self.shape(),
            grad_output.shape()
        );
        self.backward_from(buffer::copy(grad_output.data()))
    }

    // ANCHOR: backward_pass
    /// The pass itself, from the output's gradient `seed`.
    fn backward_from(&self, seed: Vec<f32>) -> Gradients {
        let nodes = collect_graph(self);
        let mut sink = GradSink { ids: nodes.iter().map(|n| n.id).collect(), grads: vec![None; nodes.len()] };
        if let Some(first) = sink.grads.first_mut() {
            *first = Some(Rc::new(seed));
        }
        for (pos, node) in nodes.iter().enumerate() {
            // Take the gradient out while its op's rule writes into the sink ...
            let Some(grad) = sink.grads[pos].take() else { continue };
            node.op.backward(node, &grad, &mut sink);
            // ... and put it back: every node's gradient is kept for the caller.
            sink.grads[pos] = Some(grad);
        }
        // Ascending ids, for lookups.
        let (mut ids, mut grads) = (Vec::with_capacity(nodes.len()), Vec::with_capacity(nodes.len()));
        for (node, grad) in nodes.iter().zip(sink.grads).rev() {
            if let Some(grad) = grad {
                ids.push(node.id);
                grads.push(Tensor::from_shared(grad, &node.shape));
            }
        }
        Gradients { ids, grads }
    }
    // ANCHOR_END: backward_pass
}

// ANCHOR: collect_graph
/// Every node reachable from `root` that needs a gradient, largest id first.
fn collect_graph(root: &Tensor) -> Vec<&Node> {
    let mut nodes: Vec<&Node> = Vec::new();
    if !root.requires_grad() {
        return nodes;
    }
    let mut seen: HashSet<usize, BuildHasherDefault<IdHasher>> = HashSet::default();
    let mut stack: Vec<&Node> = vec![&root.0];
    seen.insert(root.id());
    while let Some(node) = stack.pop() {
        nodes.push(node);
        node.op.for_each_input(|input| {
            if input.requires_grad() && seen.insert(input.id()) {
                stack.push(&input.0);
            }
        });
    }
    nodes.sort_unstable_by_key(|n| std::cmp::Reverse(n.id));
    nodes
}
// ANCHOR_END: collect_graph
