//! The captioner as a `Model`: PyTorch's names and layouts in its `state_dict`, a
//! `state_dict` loaded into another captioner reproducing its logits and captions, and
//! a `state_dict` that does not fit refused with the entry named.

use autograd::{Tensor, no_grad, seeded_rng};
use models::captioner::{Captioner, TrainConfig, batch, train};
use models::scenes::{DATASET_SEED, ShapeScenes, Split};
use models::{Mode, Model, assert_consistent};

/// A captioner trained for a few steps (so its weights are not an initialisation's),
/// and a batch of test images with their teacher-forcing tokens.
fn trained() -> (Captioner, models::captioner::Batch) {
    let data = ShapeScenes::generate(DATASET_SEED, Split::Test);
    let mut rng = seeded_rng(3);
    let mut model = Captioner::init(&mut rng);
    let config = TrainConfig { steps: 15, ..TrainConfig::default() };
    train(&mut model, &data, &config, &mut rng, |_, _, _| {}).unwrap();
    (model, batch(&data, &(0..24).collect::<Vec<_>>(), false))
}

/// The teacher-forcing tokens as `Model::forward` takes them: (batch, steps) floats.
fn token_tensor(b: &models::captioner::Batch) -> Tensor {
    let rows = b.images.shape()[0];
    let ids: Vec<f32> = b.inputs.iter().map(|&t| t as f32).collect();
    Tensor::from_vec(ids, &[rows, b.inputs.len() / rows])
}

#[test]
fn the_state_dict_has_pytorchs_names_shapes_and_count() {
    let mut model = Captioner::init(&mut seeded_rng(0));
    assert_consistent(&mut model);
    let state = model.state_dict();
    let got: Vec<(&str, &[usize])> = state.iter().map(|(n, t)| (n.as_str(), t.shape())).collect();
    let want: Vec<(&str, &[usize])> = vec![
        ("convs.0.weight", &[8, 3, 3, 3]),
        ("convs.0.bias", &[8]),
        ("convs.1.weight", &[16, 8, 3, 3]),
        ("convs.1.bias", &[16]),
        ("convs.2.weight", &[32, 16, 3, 3]),
        ("convs.2.bias", &[32]),
        ("mlp_hidden.weight", &[128, 512]),
        ("mlp_hidden.bias", &[128]),
        ("mlp_state.weight", &[256, 128]),
        ("mlp_state.bias", &[256]),
        ("embedding.weight", &[20, 32]),
        ("lstm.weight_ih_l0", &[512, 32]),
        ("lstm.weight_hh_l0", &[512, 128]),
        ("lstm.bias_ih_l0", &[512]),
        ("lstm.bias_hh_l0", &[512]),
        ("readout.weight", &[20, 128]),
        ("readout.bias", &[20]),
    ];
    assert_eq!(got, want);
    // PyTorch's count, with nn.LSTM's second bias.
    assert_eq!(state.iter().map(|(_, t)| t.numel()).sum::<usize>(), 190_884);
    assert_eq!(model.num_parameters(), 190_372);
    let entry = |name: &str| &state.iter().find(|(n, _)| n == name).unwrap().1;
    // Conv weights and the embedding as they are; linear weights as (out, in).
    assert_eq!(entry("convs.1.weight").to_vec(), model.convs[1].weight.tensor().to_vec());
    assert_eq!(entry("embedding.weight").to_vec(), model.embedding.weight.tensor().to_vec());
    let (ours, theirs) = (model.mlp_hidden.weight.tensor().to_vec(), entry("mlp_hidden.weight").to_vec());
    assert_eq!(theirs[3 * 512 + 7], ours[7 * 128 + 3]);
    let (ours, theirs) = (model.lstm.cell.w_h.tensor().to_vec(), entry("lstm.weight_hh_l0").to_vec());
    assert_eq!(theirs[300 * 128 + 5], ours[5 * 512 + 300]);
    assert_eq!(entry("lstm.bias_ih_l0").to_vec(), model.lstm.cell.bias.tensor().to_vec());
    assert!(entry("lstm.bias_hh_l0").to_vec().iter().all(|&v| v == 0.0));
}

#[test]
fn a_state_dict_loaded_into_another_captioner_gives_its_logits_and_captions() {
    let (model, b) = trained();
    let tokens = token_tensor(&b);
    let inputs = [b.images.clone(), tokens];
    let logits = no_grad(|| model.forward(&inputs, &mut Mode::Eval));
    assert_eq!(logits.shape(), [24, 11, 20]);
    assert_eq!(logits.to_vec(), no_grad(|| model.logits(&b.images, &b.inputs)).to_vec());
    let captions = model.greedy(&b.images);

    let mut other = Captioner::init(&mut seeded_rng(4));
    assert_consistent(&mut other);
    assert_ne!(no_grad(|| other.forward(&inputs, &mut Mode::Eval)).to_vec(), logits.to_vec());
    other.load_state_dict(&model.state_dict()).unwrap();
    assert_eq!(no_grad(|| other.forward(&inputs, &mut Mode::Eval)).to_vec(), logits.to_vec());
    assert_eq!(other.greedy(&b.images), captions);
    assert_eq!(other.beam(&b.images, 3), model.beam(&b.images, 3));
    // PyTorch's two LSTM biases are read back as their sum.
    let mut state = model.state_dict();
    for (name, t) in state.iter_mut() {
        let v = t.to_vec();
        match name.as_str() {
            "lstm.bias_ih_l0" => *t = Tensor::from_vec(v.iter().map(|x| x - 0.25).collect(), &[512]),
            "lstm.bias_hh_l0" => *t = Tensor::from_vec(vec![0.25; 512], &[512]),
            _ => {}
        }
    }
    other.load_state_dict(&state).unwrap();
    let bias: Vec<f32> = model.lstm.cell.bias.tensor().to_vec();
    for (got, want) in other.lstm.cell.bias.tensor().to_vec().iter().zip(&bias) {
        assert!((got - want).abs() <= 1e-6, "{got} vs {want}");
    }
}

#[test]
fn a_state_dict_that_does_not_fit_is_refused_naming_the_entry() {
    let model = Captioner::init(&mut seeded_rng(0));
    let mut other = Captioner::init(&mut seeded_rng(1));
    let before = other.state_dict();
    let unchanged = |other: &Captioner| {
        let now = other.state_dict();
        assert!(before.iter().zip(&now).all(|(a, b)| a.1.to_vec() == b.1.to_vec()), "a refused load wrote");
    };

    let missing: Vec<_> = model.state_dict().into_iter().filter(|(n, _)| n != "lstm.weight_hh_l0").collect();
    let err = other.load_state_dict(&missing).unwrap_err();
    assert!(err.contains("\"lstm.weight_hh_l0\"") && err.contains("no entry"), "{err}");
    unchanged(&other);

    let mut wrong = model.state_dict();
    let conv = wrong.iter_mut().find(|(n, _)| n == "convs.2.weight").unwrap();
    conv.1 = Tensor::zeros(&[32, 16, 5, 5]);
    let err = other.load_state_dict(&wrong).unwrap_err();
    assert!(err.contains("\"convs.2.weight\"") && err.contains("[32, 16, 5, 5]"), "{err}");
    unchanged(&other);

    // A Linear weight in our (in, out) layout instead of PyTorch's (out, in).
    let mut ours = model.state_dict();
    let readout = ours.iter_mut().find(|(n, _)| n == "readout.weight").unwrap();
    readout.1 = Tensor::zeros(&[128, 20]);
    let err = other.load_state_dict(&ours).unwrap_err();
    assert!(err.contains("\"readout.weight\"") && err.contains("[20, 128]"), "{err}");
    unchanged(&other);

    let mut extra = model.state_dict();
    extra.push(("lstm.weight_ih_l1".into(), Tensor::zeros(&[512, 128])));
    let err = other.load_state_dict(&extra).unwrap_err();
    assert!(err.contains("\"lstm.weight_ih_l1\""), "{err}");
    unchanged(&other);
}

#[test]
#[should_panic(expected = "Captioner::forward: token 2.5 is not a token id 0..20")]
fn forward_refuses_tokens_that_are_not_ids() {
    let model = Captioner::init(&mut seeded_rng(0));
    let images = Tensor::zeros(&[1, 3, 32, 32]);
    model.forward(&[images, Tensor::from_vec(vec![1.0, 2.5], &[1, 2])], &mut Mode::Eval);
}

#[test]
#[should_panic(expected = "Captioner::forward: 1 inputs, expected 2: [images, tokens]")]
fn forward_needs_images_and_tokens() {
    let model = Captioner::init(&mut seeded_rng(0));
    model.forward(&[Tensor::zeros(&[1, 3, 32, 32])], &mut Mode::Eval);
}
