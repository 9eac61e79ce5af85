//! Losses. Cross-entropy and MSE are composed; binary cross-entropy with logits is a
//! fused primitive, because its stable form is not smooth piece by piece.

use crate::backward::GradSink;
use crate::buffer;
use crate::op::Op;
use crate::ops::math::sigmoid;
use crate::simd::widest;
use crate::tensor::Tensor;

impl Tensor {
    /// Mean cross-entropy of logits `(n, classes)` against integer targets:
    /// `L = -1/n sum_i log softmax(x_i)[t_i]`. Composed: `log_softmax` times a constant
    /// one-hot mask, summed. torch: `F.cross_entropy(logits, targets)`
    #[track_caller]
    pub fn cross_entropy(&self, targets: &[usize]) -> Tensor {
        let (n, classes) = match *self.shape() {
            [n, c] if n == targets.len() => (n, c),
            _ => panic!(
                "cross_entropy: logits shape {:?} and targets shape [{}] do not fit: expected (n, classes) and [n]",
                self.shape(),
                targets.len()
            ),
        };
        if let Some(bad) = targets.iter().find(|&&t| t >= classes) {
            panic!("cross_entropy: target {bad} out of range for logits shape {:?}", self.shape());
        }
        // ANCHOR: cross_entropy
        let mut one_hot = vec![0.0; n * classes];
        for (i, &t) in targets.iter().enumerate() {
            one_hot[i * classes + t] = 1.0;
        }
        let picked = self.log_softmax(-1).mul(&Tensor::from_vec(one_hot, self.shape()));
        picked.sum_all(false).scale(-1.0 / n as f32)
        // ANCHOR_END: cross_entropy
    }

    /// Mean squared error, L = mean((a - b)^2). Shapes must match exactly: silently
    /// broadcasting (n, 1) against (n,) is a classic bug. Composed.
    /// torch: `F.mse_loss(a, b)`
    #[track_caller]
    pub fn mse(&self, target: &Tensor) -> Tensor {
        assert_eq!(
            self.shape(),
            target.shape(),
            "mse: prediction shape {:?} and target shape {:?} differ",
            self.shape(),
            target.shape()
        );
        self.sub(target).square().mean_all(false)
    }

    /// Mean binary cross-entropy of sigmoid(x) against targets y in [0, 1]:
    /// L = mean( max(x, 0) - x y + log(1 + e^{-|x|}) ),
    /// which equals -[y log s + (1 - y) log(1 - s)] with s = sigmoid(x) but never
    /// takes the log of 0 nor overflows e^x. torch: `F.binary_cross_entropy_with_logits`
    #[track_caller]
    pub fn bce_with_logits(&self, targets: &Tensor) -> Tensor {
        assert_eq!(
            self.shape(),
            targets.shape(),
            "bce_with_logits: logits shape {:?} and targets shape {:?} differ",
            self.shape(),
            targets.shape()
        );
        let total: f64 = self
            .data()
            .iter()
            .zip(targets.data())
            .map(|(&x, &y)| (x.max(0.0) - x * y + (-x.abs()).exp().ln_1p()) as f64)
            .sum();
        let loss = (total / self.numel() as f64) as f32;
        let op = Op::BceWithLogits { logits: self.clone(), targets: targets.clone() };
        Tensor::from_op(vec![loss], vec![], op)
    }
}

/// L = mean_i l_i with l_i = max(x,0) - x y + log(1 + e^{-|x|}).
/// For x > 0: dl/dx = 1 - y - e^{-x}/(1 + e^{-x}) = sigmoid(x) - y; for x < 0 the same,
/// so dL/dx_i = (sigmoid(x_i) - y_i) / n everywhere. And dL/dy_i = -x_i / n.
pub(crate) fn bce_with_logits_backward(x: &Tensor, y: &Tensor, g: &[f32], sink: &mut GradSink) {
    let scale = g[0] / x.numel() as f32;
    if x.requires_grad() {
        let grad = |(&x, &y): (&f32, &f32)| scale * (sigmoid(x) - y);
        sink.add(x, widest(|| buffer::collect(x.numel(), x.data().iter().zip(y.data()).map(grad))));
    }
    if y.requires_grad() {
        sink.add(y, x.data().iter().map(|&x| -scale * x).collect());
    }
}
