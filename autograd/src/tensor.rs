//! `Tensor`: a cheap handle to an immutable node of the computation graph.
//!
//! A node holds its value (f32, contiguous, row-major), its shape, and the op that
//! made it, which in turn holds the op's inputs. Every node takes its id from a
//! counter, so a node's id is always larger than its inputs' ids: sorting the nodes by
//! id, largest first, is a topological order for the backward pass.

use std::cell::Cell;
use std::fmt;
use std::rc::Rc;

use rand::Rng;
use rand_distr::{Distribution, StandardNormal, Uniform};

use crate::buffer;
use crate::op::Op;
use crate::shape::numel;

// ANCHOR: node
pub(crate) struct Node {
    pub(crate) id: usize,
    pub(crate) shape: Vec<usize>,
    /// Shared so that `reshape` and `detach` need not copy.
    pub(crate) data: Rc<Vec<f32>>,
    pub(crate) op: Op,
    /// True when a gradient must flow through this node: it is a variable, or one of
    /// its inputs requires a gradient (and no `no_grad` scope was active).
    pub(crate) requires_grad: bool,
}

/// A tensor of f32 values: a reference-counted handle, so `clone()` is cheap and
/// copies no data.
///
/// ```
/// use autograd::Tensor;
/// let x = Tensor::var(vec![1.0, 2.0, 3.0], &[3]);
/// let w = Tensor::var(vec![0.5, -1.0, 2.0], &[3]);
/// let loss = x.mul(&w).sum_all(false); // x . w = 4.5
/// let grads = loss.backward();
/// assert_eq!(loss.item(), 4.5);
/// assert_eq!(grads.get(&w).unwrap().to_vec(), vec![1.0, 2.0, 3.0]); // d(x . w)/dw = x
/// ```
#[derive(Clone)]
pub struct Tensor(pub(crate) Rc<Node>);
// ANCHOR_END: node

/// Dropping a node would drop its inputs, which drop theirs, ...: a recursion as deep
/// as the graph, which overflows the stack on a long unrolled chain. Instead, inputs
/// that this node alone keeps alive are unlinked onto an explicit stack.
impl Drop for Node {
    fn drop(&mut self) {
        // The values go back to the buffer pool when no other node shares them.
        if let Some(data) = Rc::get_mut(&mut self.data) {
            buffer::recycle(std::mem::take(data));
        }
        if matches!(self.op, Op::Leaf) {
            return;
        }
        let mut stack = Vec::new();
        self.op.take_inputs(&mut stack);
        while let Some(tensor) = stack.pop() {
            if let Ok(mut node) = Rc::try_unwrap(tensor.0) {
                node.op.take_inputs(&mut stack);
            } // else: someone else still holds it; it is dropped later, with them
        }
    }
}

thread_local! {
    static NEXT_ID: Cell<usize> = const { Cell::new(0) };
    static NO_GRAD: Cell<bool> = const { Cell::new(false) };
}

fn next_id() -> usize {
    NEXT_ID.with(|id| {
        let value = id.get();
        id.set(value + 1);
        value
    })
}

/// Run `f` without recording a graph: every tensor made inside is a constant leaf.
/// For inference and for Gibbs sampling, which need values but never gradients.
/// torch: `with torch.no_grad():`
pub fn no_grad<R>(f: impl FnOnce() -> R) -> R {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            NO_GRAD.with(|flag| flag.set(self.0));
        }
    }
    let _restore = Restore(NO_GRAD.with(|flag| flag.replace(true)));
    f()
}

/// Is a `no_grad` scope active on this thread?
pub fn is_no_grad() -> bool {
    NO_GRAD.with(Cell::get)
}

impl Tensor {
    // ---------------------------------------------------------------- construction

    fn leaf(data: Vec<f32>, shape: &[usize], requires_grad: bool) -> Tensor {
        Tensor(Rc::new(Node {
            id: next_id(),
            shape: shape.to_vec(),
            data: Rc::new(data),
            op: Op::Leaf,
            requires_grad,
        }))
    }

    /// Record the result of an op. If no input needs a gradient (or a `no_grad` scope
    /// is active) the op and its inputs are dropped: the result is a constant leaf.
    pub(crate) fn from_op(data: Vec<f32>, shape: Vec<usize>, op: Op) -> Tensor {
        debug_assert_eq!(data.len(), numel(&shape), "{}: output size", op.name());
        let mut any_input_needs_grad = false;
        op.for_each_input(|t| any_input_needs_grad |= t.requires_grad());
        let requires_grad = any_input_needs_grad && !is_no_grad();
        Tensor::from_op_shared(Rc::new(data), shape, op, requires_grad)
    }

    pub(crate) fn from_op_shared(
        data: Rc<Vec<f32>>,
        shape: Vec<usize>,
        op: Op,
        requires_grad: bool,
    ) -> Tensor {
        let op = if requires_grad { op } else { Op::Leaf };
        Tensor(Rc::new(Node { id: next_id(), shape, data, op, requires_grad }))
    }

    /// A constant tensor over a buffer another tensor may share (gradients handed
    /// over without a copy).
    pub(crate) fn from_shared(data: Rc<Vec<f32>>, shape: &[usize]) -> Tensor {
        debug_assert_eq!(data.len(), numel(shape));
        Tensor::from_op_shared(data, shape.to_vec(), Op::Leaf, false)
    }

    /// A constant tensor (no gradient) from row-major data.
    /// Panics if `data.len()` is not the product of `shape`.
    /// torch: `torch.tensor(data).reshape(shape)`
    #[track_caller]
    pub fn from_vec(data: Vec<f32>, shape: &[usize]) -> Tensor {
        assert_eq!(
            data.len(),
            numel(shape),
            "from_vec: {} values cannot fill shape {shape:?} ({} elements)",
            data.len(),
            numel(shape)
        );
        Tensor::leaf(data, shape, false)
    }

    /// A variable: a leaf whose gradient `backward` computes.
    /// torch: `torch.tensor(data, requires_grad=True)`
    #[track_caller]
    pub fn var(data: Vec<f32>, shape: &[usize]) -> Tensor {
        Tensor::from_vec(data, shape).as_var()
    }

    /// The same values as a new variable leaf (shares the data, copies nothing).
    pub fn as_var(&self) -> Tensor {
        Tensor::from_op_shared(self.0.data.clone(), self.0.shape.clone(), Op::Leaf, true)
    }

    /// The same values as a constant leaf: gradients stop here.
    /// torch: `x.detach()`
    pub fn detach(&self) -> Tensor {
        Tensor::from_op_shared(self.0.data.clone(), self.0.shape.clone(), Op::Leaf, false)
    }

    /// A one-element tensor of shape `[]`.
    pub fn scalar(value: f32) -> Tensor {
        Tensor::leaf(vec![value], &[], false)
    }

    /// A constant tensor of `shape` with every element `value`. torch: `torch.full(shape, value)`
    pub fn full(shape: &[usize], value: f32) -> Tensor {
        let mut data = buffer::take(numel(shape));
        data.resize(numel(shape), value);
        Tensor::leaf(data, shape, false)
    }

    /// A constant tensor of zeros. torch: `torch.zeros(shape)`
    pub fn zeros(shape: &[usize]) -> Tensor {
        Tensor::full(shape, 0.0)
    }

    /// A constant tensor of ones. torch: `torch.ones(shape)`
    pub fn ones(shape: &[usize]) -> Tensor {
        Tensor::full(shape, 1.0)
    }

    /// Samples from N(mean, std^2), drawn from the caller's seeded RNG.
    /// torch: `torch.randn(shape) * std + mean`
    pub fn randn(shape: &[usize], mean: f32, std: f32, rng: &mut impl Rng) -> Tensor {
        let data = (0..numel(shape))
            .map(|_| {
                let z: f32 = StandardNormal.sample(rng);
                mean + std * z
            })
            .collect();
        Tensor::leaf(data, shape, false)
    }

    /// Samples from U[low, high), drawn from the caller's seeded RNG.
    /// torch: `torch.empty(shape).uniform_(low, high)`
    #[track_caller]
    pub fn uniform(shape: &[usize], low: f32, high: f32, rng: &mut impl Rng) -> Tensor {
        let dist =
            Uniform::new(low, high).unwrap_or_else(|e| panic!("uniform: bad range [{low}, {high}): {e}"));
        let data = (0..numel(shape)).map(|_| dist.sample(rng)).collect();
        Tensor::leaf(data, shape, false)
    }

    // ------------------------------------------------------------------- accessors

    /// The shape, outermost axis first. torch: `x.shape`
    pub fn shape(&self) -> &[usize] {
        &self.0.shape
    }

    /// The number of axes. torch: `x.dim()`
    pub fn rank(&self) -> usize {
        self.0.shape.len()
    }

    /// The number of elements. torch: `x.numel()`
    pub fn numel(&self) -> usize {
        self.0.data.len()
    }

    /// The values, row-major.
    pub fn data(&self) -> &[f32] {
        &self.0.data
    }

    /// A copy of the values, row-major. torch: `x.flatten().tolist()`
    pub fn to_vec(&self) -> Vec<f32> {
        self.0.data.to_vec()
    }

    /// The node's id: unique per thread, larger than every input's id.
    pub fn id(&self) -> usize {
        self.0.id
    }

    /// Whether gradients flow through this tensor. torch: `x.requires_grad`
    pub fn requires_grad(&self) -> bool {
        self.0.requires_grad
    }

    /// The name of the op that made this tensor (`"leaf"` for data and variables).
    pub fn op_name(&self) -> &'static str {
        self.0.op.name()
    }

    /// The op's inputs: the edges of the computation graph.
    pub fn inputs(&self) -> Vec<Tensor> {
        self.0.op.inputs()
    }

    /// The single value of a one-element tensor.
    #[track_caller]
    pub fn item(&self) -> f32 {
        assert_eq!(self.numel(), 1, "item: needs a one-element tensor, got shape {:?}", self.shape());
        self.0.data[0]
    }

    /// `let (rows, cols) = x.dims2();` panics unless `x` has rank 2.
    #[track_caller]
    pub fn dims2(&self) -> (usize, usize) {
        match *self.shape() {
            [a, b] => (a, b),
            _ => panic!("dims2: expected rank 2, got shape {:?}", self.shape()),
        }
    }

    /// The three dimensions of a rank-3 tensor; panics naming the shape otherwise.
    #[track_caller]
    pub fn dims3(&self) -> (usize, usize, usize) {
        match *self.shape() {
            [a, b, c] => (a, b, c),
            _ => panic!("dims3: expected rank 3, got shape {:?}", self.shape()),
        }
    }

    /// The four dimensions of a rank-4 tensor; panics naming the shape otherwise.
    #[track_caller]
    pub fn dims4(&self) -> (usize, usize, usize, usize) {
        match *self.shape() {
            [a, b, c, d] => (a, b, c, d),
            _ => panic!("dims4: expected rank 4, got shape {:?}", self.shape()),
        }
    }

    /// Overwrite the values of a leaf in place when nothing else holds it (the usual
    /// case after a training step has dropped its graph); otherwise write a fresh
    /// leaf with the new values. Either way `self` ends up holding them. Used by
    /// `Parameter::update`, so optimisers reuse the parameter's buffer.
    pub(crate) fn update_leaf(&mut self, f: impl FnOnce(&mut [f32])) {
        if let Some(node) = Rc::get_mut(&mut self.0)
            && let Some(data) = Rc::get_mut(&mut node.data)
        {
            f(data);
            return;
        }
        let mut data = buffer::copy(self.data());
        f(&mut data);
        *self = Tensor::leaf(data, self.shape(), self.requires_grad());
    }
}

impl fmt::Debug for Tensor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const SHOWN: usize = 8;
        write!(f, "Tensor(shape={:?}, op={}, ", self.shape(), self.op_name())?;
        let data = self.data();
        if data.len() <= SHOWN {
            write!(f, "data={data:?})")
        } else {
            write!(f, "data={:?} ... ({} values))", &data[..SHOWN], data.len())
        }
    }
}
