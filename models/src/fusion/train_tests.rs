//! The early-stopping loop's verdicts, on scripted validation scores: a non-finite
//! score, predictions far outside the labels' range and a run that never moves the
//! model are errors; a run that ends worse than its untrained start is not.

use std::cell::RefCell;

use autograd::{Parameter, Tensor};

use super::train::{TrainConfig, Trained, early_stopping};
use crate::model::{Mode, Model, Named};

/// A "model" of one parameter, `w`.
struct One(Parameter);

impl Model for One {
    fn forward(&self, _: &[Tensor], _: &mut Mode<'_>) -> Tensor {
        self.0.tensor().clone()
    }

    fn named_parameters(&self) -> Vec<Named<'_>> {
        vec![Named::same("w", &self.0)]
    }

    fn parameters_mut(&mut self) -> Vec<&mut Parameter> {
        vec![&mut self.0]
    }
}

/// Run the loop on a one-parameter "model" whose epochs add 1 to the weight and whose
/// validation scores are `scores` in turn (the first is the untrained start's). The
/// training labels span [-3, 3] and the validation labels are 0, so no predictor
/// within the range scores worse than 3.
fn scripted(scores: &[f64]) -> (Result<Trained, String>, f32) {
    let mut model = One(Parameter::new("w", Tensor::zeros(&[1])));
    let queue = RefCell::new(scores.to_vec());
    let cfg = TrainConfig { max_epochs: scores.len() - 1, patience: 10, ..TrainConfig::default() };
    let result = early_stopping(
        &mut model,
        &cfg,
        (&[-3.0, 1.0, 3.0], &[0.0, 0.0]),
        |m, _| {
            m.0.update(|w| w[0] += 1.0);
            Ok(())
        },
        |_| queue.borrow_mut().remove(0),
    );
    (result, model.0.tensor().item())
}

#[test]
fn the_best_epoch_is_kept() {
    let (run, w) = scripted(&[1.0, 0.8, 0.7, 0.9]);
    let run = run.unwrap();
    assert_eq!((run.epochs, run.best_epoch, run.best_valid_mae), (3, 2, 0.7));
    assert_eq!(w, 2.0, "the weights of epoch 2 restored");
}

#[test]
fn a_non_finite_validation_score_is_an_error_naming_the_epoch() {
    for bad in [f64::NAN, f64::INFINITY] {
        let err = scripted(&[1.0, 0.8, bad, 0.5]).0.unwrap_err();
        assert!(err.contains(&format!("the validation MAE is {bad} after epoch 2")), "{err}");
        assert!(
            err.contains("at learning rate 0.002; try a learning rate 10 times smaller (0.0002;"),
            "{err}"
        );
    }
}

#[test]
fn predictions_far_outside_the_labels_range_are_an_error() {
    // Adam at a huge learning rate: every score finite, every one absurd.
    let err = scripted(&[1.0, 191.0, 40.0, 3.5]).0.unwrap_err();
    assert!(err.starts_with("training diverged: the best validation MAE, 3.5000 (epoch 3)"), "{err}");
    assert!(err.contains(
        "worse than any predictor within the training labels' range [-3.00, 3.00] could score (3.0000)"
    ));
}

#[test]
fn a_run_that_never_moves_the_model_is_an_error() {
    let err = scripted(&[1.0, 1.00005, 0.99995]).0.unwrap_err();
    assert!(
        err.contains("training left the model where it started: in 2 epochs the validation MAE never moved")
    );
    assert!(err.contains("try a learning rate 10 times larger (0.02) or more epochs"), "{err}");
}

#[test]
fn a_run_that_ends_worse_than_its_start_is_kept() {
    // A weak modality: training moves the model, but not below its untrained score.
    let (run, w) = scripted(&[1.0, 1.2, 1.1, 1.3]);
    let run = run.unwrap();
    assert_eq!((run.best_epoch, run.best_valid_mae, w), (2, 1.1, 2.0));
}
