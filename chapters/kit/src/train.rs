//! The guard every training loop calls: a NaN or infinite loss stops training with an
//! error naming the step, instead of a silent garbage plot.

use std::fmt;

/// Training stopped because the loss stopped being a number.
#[derive(Debug, Clone, PartialEq)]
pub struct Diverged {
    /// The training step at which the loss stopped being finite.
    pub step: usize,
    /// The loss it had (NaN or infinite).
    pub loss: f32,
}

impl fmt::Display for Diverged {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "training diverged: the loss is {} at step {}; lower the learning rate or check the inputs",
            self.loss, self.step
        )
    }
}

impl std::error::Error for Diverged {}

/// `Ok(loss)` if the loss at `step` is finite, else the error naming the step.
pub fn check_finite(step: usize, loss: f32) -> Result<f32, Diverged> {
    if loss.is_finite() { Ok(loss) } else { Err(Diverged { step, loss }) }
}
