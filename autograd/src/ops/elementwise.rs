//! Elementwise ops. Binary ops follow NumPy broadcasting: operands of different shapes
//! are first expanded with `broadcast_to` (whose backward sums the gradient back), so
//! every rule below sees two operands of one shape.
//!
//! Each forward is followed by its backward. In the rules, `g` is d loss / d y for the
//! output y, and each input receives d loss / d input = g * dy/dinput.

use crate::backward::GradSink;
use crate::buffer;
use crate::op::Op;
use crate::ops::math;
use crate::par_map;
use crate::shape::broadcast_shapes;
use crate::tensor::Tensor;

/// Expand both operands of a binary op to their common broadcast shape.
#[track_caller]
fn broadcast_pair(op: &str, a: &Tensor, b: &Tensor) -> (Tensor, Tensor) {
    if a.shape() == b.shape() {
        return (a.clone(), b.clone());
    }
    let Some(shape) = broadcast_shapes(a.shape(), b.shape()) else {
        panic!("{op}: shapes {:?} and {:?} cannot be broadcast together", a.shape(), b.shape())
    };
    (a.broadcast_to(&shape), b.broadcast_to(&shape))
}

/// The loops below run compiled for the widest instruction set (`simd::widest`) and,
/// on large tensors, on every thread (`par_map`): the same bits either way.
fn zip_map(a: &Tensor, b: &Tensor, f: impl Fn(f32, f32) -> f32 + Sync) -> Vec<f32> {
    par_map::map2(a.data(), b.data(), f)
}

fn unary(a: &Tensor, f: impl Fn(f32) -> f32 + Sync, op: Op) -> Tensor {
    Tensor::from_op(par_map::map1(a.data(), f), a.shape().to_vec(), op)
}

impl Tensor {
    /// y = a + b, broadcasting. torch: `a + b`
    #[track_caller]
    pub fn add(&self, other: &Tensor) -> Tensor {
        let (a, b) = broadcast_pair("add", self, other);
        let data = zip_map(&a, &b, |x, y| x + y);
        Tensor::from_op(data, a.shape().to_vec(), Op::Add(a, b))
    }

    // ANCHOR: mul_forward
    /// y = a * b, broadcasting. torch: `a * b`
    #[track_caller]
    pub fn mul(&self, other: &Tensor) -> Tensor {
        let (a, b) = broadcast_pair("mul", self, other);
        let data = zip_map(&a, &b, |x, y| x * y);
        Tensor::from_op(data, a.shape().to_vec(), Op::Mul(a, b))
    }
    // ANCHOR_END: mul_forward

    /// y = a / b, broadcasting. torch: `a / b`
    #[track_caller]
    pub fn div(&self, other: &Tensor) -> Tensor {
        let (a, b) = broadcast_pair("div", self, other);
        let data = zip_map(&a, &b, |x, y| x / y);
        Tensor::from_op(data, a.shape().to_vec(), Op::Div(a, b))
    }

    /// y = -a. torch: `-a`
    pub fn neg(&self) -> Tensor {
        unary(self, |x| -x, Op::Neg(self.clone()))
    }

    /// y = scale * a + shift, for constants: the scalar arithmetic of every formula.
    /// torch: `a * scale + shift`
    pub fn affine(&self, scale: f32, shift: f32) -> Tensor {
        let op = Op::Affine { input: self.clone(), scale };
        unary(self, |x| scale * x + shift, op)
    }

    /// y = e^a. torch: `a.exp()`
    pub fn exp(&self) -> Tensor {
        unary(self, math::exp, Op::Exp(self.clone()))
    }

    /// y = ln a (NaN for a < 0, -inf at 0, as in every framework). torch: `a.log()`
    pub fn log(&self) -> Tensor {
        unary(self, f32::ln, Op::Log(self.clone()))
    }

    /// y = a^p for a constant exponent p. torch: `a.pow(p)`
    pub fn powf(&self, p: f32) -> Tensor {
        unary(self, |x| x.powf(p), Op::Powf(self.clone(), p))
    }

    /// y = sqrt(a). torch: `a.sqrt()`
    pub fn sqrt(&self) -> Tensor {
        unary(self, f32::sqrt, Op::Sqrt(self.clone()))
    }

    /// y = max(a, 0). torch: `F.relu(a)`
    pub fn relu(&self) -> Tensor {
        unary(self, |x| x.max(0.0), Op::Relu(self.clone()))
    }

    /// y = 1 / (1 + e^-a), computed without overflow. torch: `torch.sigmoid(a)`
    pub fn sigmoid(&self) -> Tensor {
        unary(self, math::sigmoid, Op::Sigmoid(self.clone()))
    }

    /// y = tanh(a). torch: `torch.tanh(a)`
    pub fn tanh(&self) -> Tensor {
        unary(self, math::tanh, Op::Tanh(self.clone()))
    }

    // ------------------------------------------------------------------- composed

    /// y = a - b. Composed: `a + (-b)`, no rule of its own. torch: `a - b`
    #[track_caller]
    pub fn sub(&self, other: &Tensor) -> Tensor {
        self.add(&other.neg())
    }

    /// y = a^2. Composed: `a * a`, no rule of its own. torch: `a.square()`
    pub fn square(&self) -> Tensor {
        self.mul(self)
    }

    /// y = c * a. Composed: `affine(c, 0)`. torch: `a * c`
    pub fn scale(&self, c: f32) -> Tensor {
        self.affine(c, 0.0)
    }

    /// y = a + c. Composed: `affine(1, c)`. torch: `a + c`
    pub fn add_scalar(&self, c: f32) -> Tensor {
        self.affine(1.0, c)
    }

    /// y = |a|. Composed: `relu(a) + relu(-a)` (gradient 0 at a = 0, as PyTorch's).
    /// torch: `a.abs()`
    pub fn abs(&self) -> Tensor {
        self.relu().add(&self.neg().relu())
    }
}

// ------------------------------------------------------------------- backward rules

fn map_grad(g: &[f32], x: &[f32], f: impl Fn(f32, f32) -> f32 + Sync) -> Vec<f32> {
    par_map::map2(g, x, f)
}

/// y = a + b: dy/da = dy/db = 1.
pub(crate) fn add_backward(a: &Tensor, b: &Tensor, g: &std::rc::Rc<Vec<f32>>, sink: &mut GradSink) {
    // Both gradients are g itself: shared, not copied.
    sink.add_shared(a, g);
    sink.add_shared(b, g);
}

// ANCHOR: mul_backward
/// y = a * b: dy/da = b, dy/db = a.
pub(crate) fn mul_backward(a: &Tensor, b: &Tensor, g: &[f32], sink: &mut GradSink) {
    if a.requires_grad() {
        sink.add(a, map_grad(g, b.data(), |g, b| g * b));
    }
    if b.requires_grad() {
        sink.add(b, map_grad(g, a.data(), |g, a| g * a));
    }
}
// ANCHOR_END: mul_backward

/// y = a / b: dy/da = 1/b, dy/db = -a/b^2 = -y/b.
pub(crate) fn div_backward(a: &Tensor, b: &Tensor, y: &[f32], g: &[f32], sink: &mut GradSink) {
    if a.requires_grad() {
        sink.add(a, map_grad(g, b.data(), |g, b| g / b));
    }
    if b.requires_grad() {
        let grad_b = g.iter().zip(y).zip(b.data()).map(|((&g, &y), &b)| -g * y / b);
        sink.add(b, buffer::collect(g.len(), grad_b));
    }
}

/// y = -a: dy/da = -1.
pub(crate) fn neg_backward(a: &Tensor, g: &[f32], sink: &mut GradSink) {
    sink.add(a, buffer::collect(g.len(), g.iter().map(|&g| -g)));
}

/// y = scale * a + shift: dy/da = scale.
pub(crate) fn affine_backward(a: &Tensor, scale: f32, g: &[f32], sink: &mut GradSink) {
    sink.add(a, buffer::collect(g.len(), g.iter().map(|&g| g * scale)));
}

/// y = e^a: dy/da = e^a = y.
pub(crate) fn exp_backward(a: &Tensor, y: &[f32], g: &[f32], sink: &mut GradSink) {
    sink.add(a, map_grad(g, y, |g, y| g * y));
}

/// y = ln a: dy/da = 1/a.
pub(crate) fn log_backward(a: &Tensor, g: &[f32], sink: &mut GradSink) {
    sink.add(a, map_grad(g, a.data(), |g, a| g / a));
}

/// y = a^p: dy/da = p a^(p-1).
pub(crate) fn powf_backward(a: &Tensor, p: f32, g: &[f32], sink: &mut GradSink) {
    sink.add(a, map_grad(g, a.data(), |g, a| g * p * a.powf(p - 1.0)));
}

/// y = sqrt(a): dy/da = 1 / (2 sqrt(a)) = 0.5 / y.
pub(crate) fn sqrt_backward(a: &Tensor, y: &[f32], g: &[f32], sink: &mut GradSink) {
    sink.add(a, map_grad(g, y, |g, y| g * 0.5 / y));
}

/// y = max(a, 0): dy/da = 1 where a > 0, else 0 (0 at the kink, as in PyTorch).
pub(crate) fn relu_backward(a: &Tensor, g: &[f32], sink: &mut GradSink) {
    sink.add(a, map_grad(g, a.data(), |g, a| if a > 0.0 { g } else { 0.0 }));
}

/// y = sigmoid(a): dy/da = y (1 - y).
pub(crate) fn sigmoid_backward(a: &Tensor, y: &[f32], g: &[f32], sink: &mut GradSink) {
    sink.add(a, map_grad(g, y, |g, y| g * y * (1.0 - y)));
}

// ANCHOR: tanh_backward
/// y = tanh(a): dy/da = 1 - y^2.
pub(crate) fn tanh_backward(a: &Tensor, y: &[f32], g: &[f32], sink: &mut GradSink) {
    sink.add(a, map_grad(g, y, |g, y| g * (1.0 - y * y)));
}
// ANCHOR_END: tanh_backward

/// Operator sugar so formulas read like math: `&(&x * &w) + &b`.
macro_rules! binary_operator {
    ($trait:ident, $method:ident) => {
        impl std::ops::$trait<&Tensor> for &Tensor {
            type Output = Tensor;
            #[track_caller]
            fn $method(self, rhs: &Tensor) -> Tensor {
                Tensor::$method(self, rhs)
            }
        }
    };
}
binary_operator!(Add, add);
binary_operator!(Sub, sub);
binary_operator!(Mul, mul);
binary_operator!(Div, div);

impl std::ops::Neg for &Tensor {
    type Output = Tensor;
    fn neg(self) -> Tensor {
        Tensor::neg(self)
    }
}
