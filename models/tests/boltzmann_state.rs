//! The RBM's and the DBM's `state_dict`: PyTorch-style names and `nn.Linear` layouts,
//! a round trip into a differently initialised model that then computes exactly what
//! the original does, and clear errors for a state of another architecture.

use autograd::{Tensor, seeded_rng};
use models::dbm::{Dbm, MeanFieldConfig, Units, parameter_key};
use models::rbm::Rbm;

/// An RBM with random weights and biases (a fresh one has zero biases, which would
/// let a bias that is never loaded go unnoticed).
fn random_rbm(visible: usize, hidden: usize, seed: u64) -> Rbm {
    let mut rng = seeded_rng(seed);
    let mut rbm = Rbm::new(visible, hidden, &mut rng);
    rbm.weight = Tensor::randn(&[visible, hidden], 0.0, 0.5, &mut rng);
    rbm.visible_bias = Tensor::randn(&[visible], 0.0, 0.5, &mut rng);
    rbm.hidden_bias = Tensor::randn(&[hidden], 0.0, 0.5, &mut rng);
    rbm
}

#[test]
fn rbm_state_dict_has_pytorch_names_and_the_linear_layout() {
    let rbm = random_rbm(5, 3, 1);
    let state = rbm.state_dict();
    let names: Vec<&str> = state.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["weight", "visible_bias", "hidden_bias"]);
    let shapes: Vec<Vec<usize>> = state.iter().map(|(_, t)| t.shape().to_vec()).collect();
    assert_eq!(shapes, [vec![3, 5], vec![5], vec![3]]);
    // weight[j][i] = W[i][j]: nn.Linear(visible, hidden).weight.
    let (w, ours) = (state[0].1.data(), rbm.weight.data());
    for i in 0..5 {
        for j in 0..3 {
            assert_eq!(w[j * 5 + i], ours[i * 3 + j]);
        }
    }
    // p(h = 1 | v) = sigmoid(F.linear(v, weight, hidden_bias)), computed from the names.
    let v = [1.0f32, 0.0, 1.0, 1.0, 0.0];
    let ph = rbm.hidden_probs(&Tensor::from_vec(v.to_vec(), &[1, 5])).to_vec();
    let b = state[2].1.data();
    for j in 0..3 {
        let field: f32 = b[j] + (0..5).map(|i| v[i] * w[j * 5 + i]).sum::<f32>();
        assert!((ph[j] - 1.0 / (1.0 + (-field).exp())).abs() < 1e-6);
    }
}

#[test]
fn rbm_state_dict_loads_into_a_differently_seeded_rbm_which_then_computes_the_same() {
    for gaussian in [false, true] {
        let mut saved = random_rbm(6, 4, 2);
        saved.gaussian = gaussian;
        let mut loaded = random_rbm(6, 4, 3);
        loaded.gaussian = gaussian;
        let v = Tensor::randn(&[7, 6], 0.0, 1.0, &mut seeded_rng(4));
        let h = Tensor::randn(&[7, 4], 0.5, 0.3, &mut seeded_rng(5));
        assert_ne!(saved.hidden_probs(&v).to_vec(), loaded.hidden_probs(&v).to_vec());
        loaded.load_state_dict(&saved.state_dict()).unwrap();
        assert_eq!(saved.hidden_probs(&v).to_vec(), loaded.hidden_probs(&v).to_vec());
        assert_eq!(saved.visible_probs(&h).to_vec(), loaded.visible_probs(&h).to_vec());
        assert_eq!(saved.free_energy(&v), loaded.free_energy(&v));
        assert_eq!(saved.state_dict().iter().map(|(_, t)| t.to_vec()).collect::<Vec<_>>(), {
            loaded.state_dict().iter().map(|(_, t)| t.to_vec()).collect::<Vec<_>>()
        });
    }
}

#[test]
fn rbm_refuses_a_state_of_another_shape_or_with_entries_missing_or_extra() {
    let mut rbm = random_rbm(6, 4, 2);
    let before = rbm.state_dict();
    let wider = random_rbm(6, 5, 2).state_dict();
    let err = rbm.load_state_dict(&wider).unwrap_err();
    assert!(err.contains("\"weight\"") && err.contains("[5, 6]") && err.contains("[4, 6]"), "{err}");
    let missing: Vec<_> = before.iter().filter(|(n, _)| n != "hidden_bias").cloned().collect();
    let err = rbm.load_state_dict(&missing).unwrap_err();
    assert!(err.contains("hidden_bias"), "{err}");
    let mut extra = before.clone();
    extra.push(("rbms.1.weight".into(), Tensor::zeros(&[4, 6])));
    let err = rbm.load_state_dict(&extra).unwrap_err();
    assert!(err.contains("rbms.1.weight") && err.contains("RBM (6 visible, 4 hidden units)"), "{err}");
    // Refused states leave the RBM as it was.
    assert_eq!(rbm.weight.to_vec(), random_rbm(6, 4, 2).weight.to_vec());
}

/// The multimodal DBM's shape in miniature: two pathways meeting at a joint layer.
fn multimodal(seed: u64, joint: usize) -> Dbm {
    let mut rng = seeded_rng(seed);
    let layers = [
        ("image input", 5, Units::Gaussian),
        ("image h1", 4, Units::Binary),
        ("image h2", 3, Units::Binary),
        ("joint", joint, Units::Binary),
        ("audio h2", 3, Units::Binary),
        ("audio h1", 4, Units::Binary),
        ("audio input", 6, Units::Gaussian),
    ];
    let edges = [(0, 1), (1, 2), (2, 3), (4, 3), (5, 4), (6, 5)];
    let mut dbm = Dbm::new(&layers, &edges, &mut rng);
    for layer in dbm.layers.iter_mut() {
        layer.bias = Tensor::randn(&[layer.size()], 0.0, 0.5, &mut rng);
    }
    for edge in dbm.edges.iter_mut() {
        edge.weight = Tensor::randn(edge.weight.shape(), 0.0, 0.5, &mut rng);
    }
    dbm
}

#[test]
fn dbm_state_dict_names_every_layer_and_edge_in_the_linear_layout() {
    let dbm = multimodal(1, 2);
    let state = dbm.state_dict();
    let names: Vec<&str> = state.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "biases.image_input",
            "biases.image_h1",
            "biases.image_h2",
            "biases.joint",
            "biases.audio_h2",
            "biases.audio_h1",
            "biases.audio_input",
            "weights.image_input_to_image_h1",
            "weights.image_h1_to_image_h2",
            "weights.image_h2_to_joint",
            "weights.audio_h2_to_joint",
            "weights.audio_h1_to_audio_h2",
            "weights.audio_input_to_audio_h1",
        ]
    );
    // weights.a_to_b is (size b, size a): image_h2 (3) -> joint (2) is (2, 3).
    let shape = |name: &str| state.iter().find(|(n, _)| n == name).unwrap().1.shape().to_vec();
    assert_eq!(shape("weights.image_h2_to_joint"), [2, 3]);
    assert_eq!(shape("weights.audio_input_to_audio_h1"), [4, 6]);
    let w = state.iter().find(|(n, _)| n == "weights.image_h2_to_joint").unwrap().1.data();
    let ours = dbm.edges[2].weight.data();
    for a in 0..3 {
        for b in 0..2 {
            assert_eq!(w[b * 3 + a], ours[a * 2 + b]);
        }
    }
    assert_eq!(parameter_key("joint (both present)"), "joint__both_present_");
}

#[test]
fn dbm_state_dict_loads_into_a_differently_seeded_dbm_which_then_computes_the_same() {
    let saved = multimodal(1, 2);
    let mut loaded = multimodal(9, 2);
    let mut rng = seeded_rng(3);
    let (image, audio) =
        (Tensor::randn(&[4, 5], 0.0, 1.0, &mut rng), Tensor::randn(&[4, 6], 0.0, 1.0, &mut rng));
    let mut given: Vec<Option<&Tensor>> = vec![None; 7];
    given[0] = Some(&image);
    given[6] = Some(&audio);
    let config = MeanFieldConfig { tolerance: 1e-6, max_sweeps: 200 };
    let means = |dbm: &Dbm| -> Vec<Vec<f32>> {
        dbm.mean_field(&given, &config).means.iter().map(|m| m.to_vec()).collect()
    };
    assert_ne!(means(&saved), means(&loaded));
    loaded.load_state_dict(&saved.state_dict()).unwrap();
    assert_eq!(means(&saved), means(&loaded));
    let q = saved.mean_field(&given, &config);
    assert_eq!(saved.energy(&q.means), loaded.energy(&q.means));
    assert_eq!(
        saved.log_partition_ais(50, 10, &mut seeded_rng(7)),
        loaded.log_partition_ais(50, 10, &mut seeded_rng(7))
    );
}

#[test]
fn dbm_refuses_a_state_of_another_architecture() {
    let mut dbm = multimodal(1, 2);
    let wider = multimodal(1, 3).state_dict();
    let err = dbm.load_state_dict(&wider).unwrap_err();
    assert!(err.contains("biases.joint") && err.contains("[3]") && err.contains("[2]"), "{err}");
    // An RBM's state is not a DBM's.
    let err = dbm.load_state_dict(&random_rbm(5, 4, 1).state_dict()).unwrap_err();
    assert!(err.contains("biases.image_input"), "{err}");
    assert_eq!(dbm.state_dict().iter().map(|(_, t)| t.to_vec()).collect::<Vec<_>>(), {
        multimodal(1, 2).state_dict().iter().map(|(_, t)| t.to_vec()).collect::<Vec<_>>()
    });
}

#[test]
#[should_panic(expected = "share the parameter key")]
fn dbm_layers_whose_names_give_one_key_are_a_clear_error() {
    let mut rng = seeded_rng(0);
    let dbm = Dbm::new(&[("h 1", 2, Units::Binary), ("h_1", 2, Units::Binary)], &[(0, 1)], &mut rng);
    let _ = dbm.state_dict();
}
