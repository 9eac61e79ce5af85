//! The CNN -> MLP -> LSTM captioner of shape-scenes SPEC section 10: its size, its
//! normalisation, teacher forcing, and that beam search of width 1 is greedy decoding.

use autograd::{Tensor, no_grad, seeded_rng};
use models::captioner::{Captioner, TrainConfig, batch, layer_norm, train};
use models::scenes::{DATASET_SEED, EOS, MAX_GENERATED, ShapeScenes, Split};

#[test]
fn the_model_has_the_reference_size() {
    // 190,884 in PyTorch, whose nn.LSTM has two bias vectors (b_ih + b_hh) of 512.
    let model = Captioner::init(&mut seeded_rng(0));
    assert_eq!(model.num_parameters(), 190_884 - 512);
}

#[test]
fn layer_norm_centres_and_scales_each_row() {
    let x = Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0, 10.0, 10.0, 10.0, 10.0], &[2, 4]);
    let y = layer_norm(&x);
    // Row 1: mean 2.5, population variance 1.25.
    let s = (1.25f32 + 1e-5).sqrt();
    let want = [-1.5 / s, -0.5 / s, 0.5 / s, 1.5 / s, 0.0, 0.0, 0.0, 0.0];
    for (got, want) in y.data().iter().zip(want) {
        assert!((got - want).abs() < 1e-6, "{got} vs {want}");
    }
}

#[test]
fn the_initial_state_is_normalised_and_the_first_loss_is_near_uniform() {
    let data = ShapeScenes::generate(DATASET_SEED, Split::Test);
    let model = Captioner::init(&mut seeded_rng(1));
    let b = batch(&data, &(0..16).collect::<Vec<_>>(), false);
    let stages = no_grad(|| model.encode(&b.images));
    assert_eq!(
        (stages.cnn.shape(), stages.hidden.shape(), stages.state.h.shape()),
        (&[16, 512][..], &[16, 128][..], &[16, 128][..])
    );
    let c = stages.state.c.data();
    let mean: f32 = c[..128].iter().sum::<f32>() / 128.0;
    assert!(mean.abs() < 1e-5, "c0 row mean {mean}");
    assert!(stages.state.h.data().iter().all(|v| v.abs() < 1.0));
    let loss = model.loss(&b.images, &b.inputs, &b.targets, &b.lengths).item();
    assert!((loss - 20f32.ln()).abs() < 1.5, "first loss {loss}, ln 20 = {}", 20f32.ln());
}

#[test]
fn a_few_steps_lower_the_loss_and_beam_1_is_greedy() {
    let data = ShapeScenes::generate(DATASET_SEED, Split::Test);
    let mut rng = seeded_rng(2);
    let mut model = Captioner::init(&mut rng);
    let config = TrainConfig { steps: 40, ..TrainConfig::default() };
    let losses = train(&mut model, &data, &config, &mut rng, |_, _, _| {}).unwrap();
    let (first, last) = (losses[..5].iter().sum::<f32>(), losses[35..].iter().sum::<f32>());
    assert!(last < 0.7 * first, "loss {first} -> {last} over 40 steps");
    let images = batch(&data, &(0..24).collect::<Vec<_>>(), false).images;
    let greedy = model.greedy(&images);
    assert_eq!(model.beam(&images, 1), greedy);
    for caption in &greedy {
        assert!(
            caption.len() <= MAX_GENERATED
                && (caption.last() == Some(&EOS) || caption.len() == MAX_GENERATED)
        );
    }
    assert_eq!(model.beam(&images, 3).len(), 24);
}

#[test]
fn the_blind_batch_has_no_image() {
    let data = ShapeScenes::generate(DATASET_SEED, Split::Test);
    let b = batch(&data, &[3, 4], true);
    assert!(b.images.data().iter().all(|&v| v == 0.0));
    assert_eq!(b.lengths.len(), 2);
}

#[test]
#[should_panic(expected = "Captioner::encode: images of shape [2, 1, 32, 32], expected (batch, 3, 32, 32)")]
fn grey_images_are_refused() {
    let model = Captioner::init(&mut seeded_rng(0));
    model.encode(&Tensor::zeros(&[2, 1, 32, 32]));
}
