//! The fusion models of toy MOSI SPEC section 6 and the training protocol of section 7.

use autograd::{Tensor, seeded_rng};
use models::fusion::{FusionNet, Method, Standardised, TrainConfig, predict, train};
use models::toymosi::{Knobs, Modality, generate};
use models::{Mode, Model, Module};

const ALL: [Method; 5] =
    [Method::ConcatLinear, Method::ConcatMlp, Method::Sum, Method::Product, Method::Lmf(2)];

#[test]
fn parameter_counts_match_the_spec() {
    // SPEC section 6, T+A+V (32 + 12 + 12 inputs): 57, 5,761, 2,689, 2,689.
    let mut rng = seeded_rng(0);
    let counts: Vec<usize> =
        ALL[..4].iter().map(|&m| FusionNet::new(m, &[32, 12, 12], &mut rng).num_parameters()).collect();
    assert_eq!(counts, vec![57, 5761, 2689, 2689]);
}

#[test]
fn every_parameter_gets_a_gradient() {
    let mut rng = seeded_rng(1);
    let inputs = [Tensor::randn(&[5, 32], 0.0, 1.0, &mut rng), Tensor::randn(&[5, 12], 0.0, 1.0, &mut rng)];
    for method in ALL {
        let model = FusionNet::new(method, &[32, 12], &mut rng);
        let loss = model.forward(&inputs, &mut Mode::Eval).abs().mean(0, false).mean(0, false);
        let grads = loss.backward();
        for p in model.parameters() {
            let g = grads
                .get(p.tensor())
                .unwrap_or_else(|| panic!("{}: {} has no gradient", method.name(), p.name()));
            assert!(
                g.data().iter().any(|&v| v != 0.0),
                "{}: {}'s gradient is all zero",
                method.name(),
                p.name()
            );
        }
    }
}

#[test]
fn product_multiplies_and_sum_adds_the_projections() {
    let mut rng = seeded_rng(2);
    let x = [Tensor::randn(&[3, 4], 0.0, 1.0, &mut rng), Tensor::randn(&[3, 2], 0.0, 1.0, &mut rng)];
    for method in [Method::Sum, Method::Product] {
        let m = FusionNet::new(method, &[4, 2], &mut rng);
        let h: Vec<Vec<f32>> = m
            .encoders
            .iter()
            .zip(&x)
            .map(|(e, x)| e.out.forward(&e.hidden.forward(x).relu()).to_vec())
            .collect();
        let fused: Vec<f32> =
            h[0].iter().zip(&h[1]).map(|(a, b)| if method == Method::Sum { a + b } else { a * b }).collect();
        let expected = m.head[0].forward(&Tensor::from_vec(fused, &[3, 8])).to_vec();
        let got = m.forward(&x, &mut Mode::Eval).to_vec();
        for (a, b) in got.iter().zip(&expected) {
            assert!((a - b).abs() < 1e-5, "{}: {got:?} vs {expected:?}", method.name());
        }
    }
}

#[test]
#[should_panic(expected = "FusionNet::forward: input widths differ")]
fn wrong_input_widths_are_refused() {
    let mut rng = seeded_rng(3);
    let m = FusionNet::new(Method::Sum, &[4, 2], &mut rng);
    m.forward(&[Tensor::zeros(&[1, 4]), Tensor::zeros(&[1, 3])], &mut Mode::Eval);
}

#[test]
fn training_restores_the_best_validation_weights() {
    let data = generate(&Knobs::default(), 0).unwrap();
    let s = Standardised::new(&data, &[Modality::Text]);
    // Standardised with the training split's statistics.
    let col0: Vec<f32> = s.train.inputs[0].iter().step_by(32).copied().collect();
    assert!(col0.iter().sum::<f32>().abs() / (col0.len() as f32) < 1e-4);
    let mut rng = seeded_rng(0);
    let mut model = FusionNet::new(Method::ConcatLinear, &s.widths, &mut rng);
    let cfg = TrainConfig { max_epochs: 30, patience: 5, ..TrainConfig::default() };
    let run = train(&mut model, &s, &cfg, &mut rng).unwrap();
    assert!(run.epochs <= 30 && run.best_epoch <= run.epochs && run.epochs - run.best_epoch <= 5);
    let p = predict(&model, &s.valid);
    let mae = p.iter().zip(&s.valid.labels).map(|(a, b)| (a - b).abs()).sum::<f64>() / p.len() as f64;
    assert!((mae - run.best_valid_mae).abs() < 1e-6, "restored {mae} vs best {}", run.best_valid_mae);
}

#[test]
fn tensor_fusion_by_hand_and_its_blocks() {
    use models::fusion::{entry_orders, tensor_fusion};
    // One example: h_x = (2, 3), h_y = (5,): [2, 3, 1] (x) [5, 1] = [10, 2, 15, 3, 5, 1].
    let z = tensor_fusion(&[Tensor::from_vec(vec![2.0, 3.0], &[1, 2]), Tensor::from_vec(vec![5.0], &[1, 1])]);
    assert_eq!(z.shape(), [1, 6]);
    assert_eq!(z.to_vec(), vec![10.0, 2.0, 15.0, 3.0, 5.0, 1.0]);
    // Orders of those entries: bimodal, unimodal (x), bimodal, unimodal (x), unimodal (y), constant.
    assert_eq!(entry_orders(&[2, 1]), vec![2, 1, 2, 1, 1, 0]);
    // Three projections of 8: 1 constant, 24 unimodal, 192 bimodal, 512 trimodal entries.
    let orders = entry_orders(&[8, 8, 8]);
    let count = |k| orders.iter().filter(|&&o| o == k).count();
    assert_eq!((orders.len(), count(0), count(1), count(2), count(3)), (729, 1, 24, 192, 512));
}

#[test]
fn tensor_fusion_passes_gradcheck() {
    use models::fusion::tensor_fusion;
    let mut rng = seeded_rng(4);
    let a = Tensor::randn(&[3, 2], 0.0, 1.0, &mut rng).as_var();
    let b = Tensor::randn(&[3, 3], 0.0, 1.0, &mut rng).as_var();
    let c = Tensor::randn(&[3, 2], 0.0, 1.0, &mut rng).as_var();
    autograd::gradcheck("tensor_fusion", &[a, b, c], |t| tensor_fusion(t).tanh()).unwrap();
}

#[test]
#[should_panic(expected = "tensor_fusion: projections must be (n, d) with the same n")]
fn tensor_fusion_refuses_mismatched_batches() {
    models::fusion::tensor_fusion(&[Tensor::zeros(&[2, 3]), Tensor::zeros(&[3, 3])]);
}

#[test]
fn tfn_parameter_counts_and_block_masks() {
    let mut rng = seeded_rng(5);
    assert_eq!(FusionNet::new(Method::Tfn, &[32, 12, 12], &mut rng).num_parameters(), 26073);
    assert_eq!(FusionNet::new(Method::TfnLinear, &[32, 12, 12], &mut rng).num_parameters(), 3410);
    // LMF: the encoders' 2,680 plus 28r + 1 (SPEC section 6).
    for r in [1, 4, 16] {
        assert_eq!(
            FusionNet::new(Method::Lmf(r), &[32, 12, 12], &mut rng).num_parameters(),
            2680 + 28 * r + 1
        );
    }
    // With only unimodal blocks kept, TFN's output ignores any product of modalities:
    // changing the text and the audio together moves it by the sum of the two moves.
    let m = FusionNet::new(Method::TfnLinear, &[2, 2], &mut rng).with_max_order(1);
    let f = |x: [f32; 2], y: [f32; 2]| {
        m.forward(
            &[Tensor::from_vec(x.to_vec(), &[1, 2]), Tensor::from_vec(y.to_vec(), &[1, 2])],
            &mut Mode::Eval,
        )
        .item()
    };
    let (base, dx, dy, both) = (
        f([0.0, 0.0], [0.0, 0.0]),
        f([1.0, -1.0], [0.0, 0.0]),
        f([0.0, 0.0], [2.0, 1.0]),
        f([1.0, -1.0], [2.0, 1.0]),
    );
    assert!((both - base - (dx - base) - (dy - base)).abs() < 1e-5);
}

mod low_rank {
    use autograd::{Tensor, seeded_rng};
    use models::Module;
    use models::fusion::{FusionNet, LowRank, Method, tensor_fusion};

    fn projections(dims: &[usize], n: usize, seed: u64) -> Vec<Tensor> {
        let mut rng = seeded_rng(seed);
        dims.iter().map(|&d| Tensor::randn(&[n, d], 0.0, 1.0, &mut rng).as_var()).collect()
    }

    fn close(a: &[f32], b: &[f32]) {
        for (x, y) in a.iter().zip(b) {
            assert!((x - y).abs() <= 1e-5 * x.abs().max(y.abs()).max(1.0), "{a:?} vs {b:?}");
        }
    }

    #[test]
    fn the_rearranged_computation_equals_the_formed_tensor() {
        for dims in [vec![3, 4], vec![8, 8, 8]] {
            let mut rng = seeded_rng(7);
            let lmf = LowRank::new(&dims, 4, &mut rng);
            let hs = projections(&dims, 6, 8);
            assert_eq!(lmf.full_weight().shape(), [dims.iter().map(|d| d + 1).product::<usize>(), 1]);
            close(&lmf.forward(&hs).to_vec(), &lmf.forward_formed(&hs).to_vec());
        }
    }

    #[test]
    fn lmf_equals_tfn_with_the_reconstructed_weight_outputs_and_input_gradients() {
        let dims = [8, 8, 8];
        let mut rng = seeded_rng(9);
        let lmf = LowRank::new(&dims, 3, &mut rng);
        // A TFN with a linear head whose weight is the rank-3 reconstruction.
        let mut tfn = FusionNet::new(Method::TfnLinear, &[5, 5, 5], &mut rng);
        let (w, b) = (lmf.full_weight().to_vec(), lmf.bias.tensor().to_vec());
        tfn.head[0].weight.update(|x| x.copy_from_slice(&w));
        tfn.head[0].bias.update(|x| x.copy_from_slice(&b));
        let hs = projections(&dims, 4, 10);
        let via_lmf = lmf.forward(&hs);
        let via_tfn = tfn.head[0].forward(&tensor_fusion(&hs));
        close(&via_lmf.to_vec(), &via_tfn.to_vec());
        let (g1, g2) = (via_lmf.sum_all(false).backward(), via_tfn.sum_all(false).backward());
        for h in &hs {
            close(&g1.get(h).unwrap().to_vec(), &g2.get(h).unwrap().to_vec());
        }
    }

    #[test]
    fn every_lmf_parameter_receives_a_gradient() {
        let mut rng = seeded_rng(11);
        let lmf = LowRank::new(&[8, 8, 8], 4, &mut rng);
        let loss = lmf.forward(&projections(&[8, 8, 8], 5, 12)).abs().mean(0, false).mean(0, false);
        let grads = loss.backward();
        assert_eq!(lmf.parameters().len(), 5);
        for p in lmf.parameters() {
            let g = grads.get(p.tensor()).unwrap_or_else(|| panic!("{} has no gradient", p.name()));
            assert!(g.data().iter().any(|&v| v != 0.0), "{}'s gradient is all zero", p.name());
        }
        // The fusion layer's size: 3 factors of 9 x r, r weights, a bias (SPEC: 28r + 1).
        let count: usize = lmf.parameters().iter().map(|p| p.numel()).sum();
        assert_eq!(count, 28 * 4 + 1);
    }

    #[test]
    fn lmf_passes_gradcheck_in_its_inputs() {
        let mut rng = seeded_rng(14);
        let dims = [2, 3];
        let lmf = LowRank::new(&dims, 2, &mut rng);
        let hs = projections(&dims, 3, 15);
        autograd::gradcheck("LowRank::forward (inputs)", &hs, |t| lmf.forward(t)).unwrap();
    }

    #[test]
    #[should_panic(expected = "LowRank::forward: 2 projections for 3 factors")]
    fn the_wrong_number_of_projections_is_refused() {
        let mut rng = seeded_rng(16);
        LowRank::new(&[2, 2, 2], 2, &mut rng).forward(&projections(&[2, 2], 1, 17));
    }
}
