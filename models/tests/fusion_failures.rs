//! Training that never fails silently (issue 30): each way the toy MOSI protocol used to
//! return `Ok` with a useless model is an error that names the learning rate and says
//! what to try.

use autograd::seeded_rng;
use models::fusion::{FusionNet, Method, Standardised, TrainConfig, predict, train};
use models::toymosi::{Knobs, Modality, generate};

/// The quick corpus chapters 7 to 9 test on, all three modalities.
fn data() -> Standardised {
    let knobs = Knobs { n_speakers: 24, split_speakers: (14, 3, 7), ..Knobs::default() };
    Standardised::new(&generate(&knobs, 0).unwrap(), &[Modality::Text, Modality::Audio, Modality::Video])
}

/// Train a fresh `method` model at learning rate `lr` for at most `epochs` epochs.
fn train_at(method: Method, lr: f32, epochs: usize, s: &Standardised) -> Result<usize, String> {
    let mut rng = seeded_rng(0);
    let mut model = FusionNet::new(method, &s.widths, &mut rng);
    let cfg = TrainConfig { lr, max_epochs: epochs, patience: 3, ..TrainConfig::default() };
    train(&mut model, s, &cfg, &mut rng).map(|t| t.best_epoch)
}

#[test]
fn a_learning_rate_of_1e8_is_an_error_naming_it() {
    // It used to return Ok: best epoch 0, validation MAE inf, the untrained weights.
    let s = data();
    for method in [Method::ConcatLinear, Method::Product, Method::Lmf(4)] {
        let err = train_at(method, 1e8, 5, &s).unwrap_err();
        assert!(err.contains("learning rate 100000000"), "{}: {err}", method.name());
        assert!(
            err.contains("try a learning rate 10 times smaller (10000000; the protocol's is 0.002)"),
            "{}: {err}",
            method.name()
        );
    }
}

#[test]
fn adam_at_learning_rate_1000_is_an_error_though_every_loss_is_finite() {
    // Adam's steps are bounded by the learning rate, so the loss never overflows: the
    // validation MAE climbs far above anything a prediction within the labels' range
    // could score, and the run used to return Ok.
    let s = data();
    let err = train_at(Method::ConcatMlp, 1000.0, 5, &s).unwrap_err();
    assert!(err.starts_with("training diverged: the best validation MAE"), "{err}");
    assert!(err.contains("is worse than any predictor within the training labels' range"), "{err}");
    assert!(err.contains("at learning rate 1000; try a learning rate 10 times smaller (100;"), "{err}");
}

#[test]
fn a_learning_rate_too_small_to_move_the_model_is_an_error_too() {
    let s = data();
    let err = train_at(Method::ConcatLinear, 1e-12, 3, &s).unwrap_err();
    assert!(err.contains("training left the model where it started: in 3 epochs"), "{err}");
    assert!(err.contains("10 times larger") && err.contains("or more epochs"), "{err}");
}

#[test]
fn the_default_protocol_still_trains_a_weak_modality() {
    // Audio alone, concat + MLP, seed 1 of the quick corpus: its best validation MAE is
    // above the untrained model's, a measurement of a weak modality, not an error.
    let knobs = Knobs { n_speakers: 24, split_speakers: (14, 3, 7), ..Knobs::default() };
    let s = Standardised::new(&generate(&knobs, 1).unwrap(), &[Modality::Audio]);
    let mut rng = seeded_rng(1);
    let mut model = FusionNet::new(Method::ConcatMlp, &s.widths, &mut rng);
    let mae =
        |p: Vec<f64>| p.iter().zip(&s.valid.labels).map(|(a, b)| (a - b).abs()).sum::<f64>() / p.len() as f64;
    let untrained = mae(predict(&model, &s.valid));
    let cfg = TrainConfig { max_epochs: 6, patience: 3, ..TrainConfig::default() };
    let run = train(&mut model, &s, &cfg, &mut rng).unwrap();
    assert!(run.best_epoch >= 1 && run.best_valid_mae > untrained, "{run:?} against {untrained}");
}

#[test]
fn a_nan_in_the_validation_data_is_an_error_before_training() {
    let mut s = data();
    s.valid.inputs[1][5] = f32::NAN;
    let err = train_at(Method::ConcatLinear, 2e-3, 3, &s).unwrap_err();
    assert!(err.contains("the untrained model's validation MAE is NaN"), "{err}");
}

#[test]
fn settings_that_cannot_train_are_refused_by_name() {
    let s = data();
    for (cfg, expected) in [
        (
            TrainConfig { lr: -1.0, ..TrainConfig::default() },
            "the learning rate must be a positive number, got -1",
        ),
        (TrainConfig { lr: f32::NAN, ..TrainConfig::default() }, "got NaN"),
        (TrainConfig { max_epochs: 0, ..TrainConfig::default() }, "max_epochs (0)"),
        (TrainConfig { dropout: 1.0, ..TrainConfig::default() }, "dropout (1) must be in [0, 1)"),
    ] {
        let mut rng = seeded_rng(0);
        let mut model = FusionNet::new(Method::ConcatLinear, &s.widths, &mut rng);
        let err = train(&mut model, &s, &cfg, &mut rng).unwrap_err();
        assert!(err.contains(expected), "{err}");
    }
}

/// A model that names a parameter but leaves it out of the list the optimiser updates:
/// the mistake the trait is there to prevent, made by hand.
struct Forgetful(FusionNet);

impl models::Model for Forgetful {
    fn forward(&self, inputs: &[autograd::Tensor], mode: &mut models::Mode<'_>) -> autograd::Tensor {
        self.0.forward(inputs, mode)
    }

    fn named_parameters(&self) -> Vec<models::Named<'_>> {
        models::Model::named_parameters(&self.0)
    }

    fn parameters_mut(&mut self) -> Vec<&mut autograd::Parameter> {
        let mut all = models::Model::parameters_mut(&mut self.0);
        all.pop(); // the head's bias, forgotten
        all
    }
}

#[test]
fn a_parameter_left_out_of_the_optimisers_list_is_an_error_on_the_first_step() {
    // It used to train: the forgotten parameter never moved, accuracy dropped quietly.
    let s = data();
    let mut rng = seeded_rng(0);
    let mut model = Forgetful(FusionNet::new(Method::Sum, &s.widths, &mut rng));
    let cfg = TrainConfig { max_epochs: 2, ..TrainConfig::default() };
    let err = train(&mut model, &s, &cfg, &mut rng).unwrap_err();
    assert!(err.contains("(13 parameters) does not match the 14 variables the loss depends on"), "{err}");
    assert!(err.contains("a variable of shape [1]"), "names the forgotten parameter's shape: {err}");
    assert!(err.contains("is not in the list, so it would never be updated: add it"), "{err}");
}
