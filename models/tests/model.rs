//! The `Model` trait: PyTorch's names and layouts in `state_dict`, `load_state_dict`'s
//! strictness, and the checkpoint round trip with a model's preprocessing.

use autograd::{Tensor, seeded_rng};
use models::fusion::{
    FusionNet, Method, Preprocessing, Standardised, read_summary_model, save_summary_model,
};
use models::seq::LstmCell;
use models::toymosi::{Knobs, Modality, generate};
use models::{Mode, Model, Named, Torch, assert_consistent};

const ALL: [Method; 7] = [
    Method::ConcatLinear,
    Method::ConcatMlp,
    Method::Sum,
    Method::Product,
    Method::Tfn,
    Method::TfnLinear,
    Method::Lmf(3),
];

fn inputs() -> Vec<Tensor> {
    let mut rng = seeded_rng(9);
    vec![Tensor::randn(&[4, 5], 0.0, 1.0, &mut rng), Tensor::randn(&[4, 3], 0.0, 1.0, &mut rng)]
}

#[test]
fn a_state_dict_loads_into_a_fresh_model_and_predicts_the_same() {
    for method in ALL {
        let mut a = FusionNet::new(method, &[5, 3], &mut seeded_rng(1));
        let mut b = FusionNet::new(method, &[5, 3], &mut seeded_rng(2));
        assert_consistent(&mut a);
        let x = inputs();
        assert_ne!(a.forward(&x, &mut Mode::Eval).to_vec(), b.forward(&x, &mut Mode::Eval).to_vec());
        b.load_state_dict(&a.state_dict()).unwrap();
        assert_eq!(
            a.forward(&x, &mut Mode::Eval).to_vec(),
            b.forward(&x, &mut Mode::Eval).to_vec(),
            "{method:?}"
        );
    }
}

#[test]
fn names_and_layouts_are_pytorchs() {
    let m = FusionNet::new(Method::Product, &[5, 3], &mut seeded_rng(1));
    let state = m.state_dict();
    let names: Vec<&str> = state.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "encoders.0.hidden.weight",
            "encoders.0.hidden.bias",
            "encoders.0.out.weight",
            "encoders.0.out.bias",
            "encoders.1.hidden.weight",
            "encoders.1.hidden.bias",
            "encoders.1.out.weight",
            "encoders.1.out.bias",
            "head.0.weight",
            "head.0.bias"
        ]
    );
    // nn.Linear's weight is (out, in): ours (in, out) transposed, entry for entry.
    let ours = m.encoders[0].hidden.weight.tensor().to_vec(); // (5, 32)
    let theirs = &state[0].1;
    assert_eq!(theirs.shape(), [32, 5]);
    assert_eq!(theirs.to_vec()[2 * 5 + 4], ours[4 * 32 + 2], "row 2, column 4 is our (4, 2)");
    let lmf = FusionNet::new(Method::Lmf(3), &[5, 3], &mut seeded_rng(1));
    let names: Vec<String> = lmf.named_parameters().into_iter().map(|p| p.name).collect();
    assert_eq!(
        names[8..],
        ["lowrank.factors.0", "lowrank.factors.1", "lowrank.rank_weights", "lowrank.bias"]
    );
}

#[test]
fn an_lstm_writes_two_biases_and_reads_back_their_sum() {
    struct Cell(LstmCell);
    impl Model for Cell {
        fn forward(&self, x: &[Tensor], _: &mut Mode<'_>) -> Tensor {
            x[0].clone()
        }
        fn named_parameters(&self) -> Vec<Named<'_>> {
            self.0.named_parameters("lstm", "_l0").into()
        }
        fn parameters_mut(&mut self) -> Vec<&mut autograd::Parameter> {
            self.0.parameters_mut()
        }
    }
    let mut cell = Cell(LstmCell::init(3, 2, &mut seeded_rng(0)));
    assert_consistent(&mut cell);
    let state = cell.state_dict();
    let names: Vec<&str> = state.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["lstm.weight_ih_l0", "lstm.weight_hh_l0", "lstm.bias_ih_l0", "lstm.bias_hh_l0"]);
    assert_eq!(state[0].1.shape(), [8, 3], "nn.LSTM's weight_ih_l0 is (4 hidden, input)");
    assert!(state[3].1.to_vec().iter().all(|&v| v == 0.0));
    assert_eq!(cell.named_parameters()[2].torch, Torch::SplitBias("lstm.bias_hh_l0".into()));
    // PyTorch's two biases (as a PyTorch-trained model has them) add up to ours.
    let mut theirs = state.clone();
    theirs[2].1 = Tensor::full(&[8], 0.25);
    theirs[3].1 = Tensor::full(&[8], 0.5);
    cell.load_state_dict(&theirs).unwrap();
    assert!(cell.0.bias.tensor().to_vec().iter().all(|&v| v == 0.75));
}

#[test]
fn a_state_dict_that_does_not_fit_is_an_error_naming_the_entry() {
    let mut m = FusionNet::new(Method::Sum, &[5, 3], &mut seeded_rng(1));
    let mut missing = m.state_dict();
    missing.remove(3);
    assert_eq!(m.load_state_dict(&missing).unwrap_err(), "state_dict has no entry \"encoders.0.out.bias\"");
    let mut wrong = m.state_dict();
    wrong[0].1 = Tensor::zeros(&[5, 32]);
    let err = m.load_state_dict(&wrong).unwrap_err();
    assert!(err.contains("\"encoders.0.hidden.weight\" has shape [5, 32], the model needs [32, 5]"), "{err}");
    let mut extra = m.state_dict();
    extra.push(("head.1.weight".into(), Tensor::zeros(&[1])));
    assert!(m.load_state_dict(&extra).unwrap_err().contains("\"head.1.weight\""));
}

#[test]
fn a_summary_model_is_saved_with_its_architecture_and_preprocessing() {
    let knobs = Knobs { n_speakers: 12, split_speakers: (6, 3, 3), ..Knobs::default() };
    let data = generate(&knobs, 3).unwrap();
    let modalities = [Modality::Text, Modality::Video];
    let s = Standardised::new(&data, &modalities);
    let model = FusionNet::new(Method::Tfn, &s.widths, &mut seeded_rng(4)).with_max_order(1);
    let dir = std::env::temp_dir().join(format!("models-saved-{}", std::process::id()));
    let path = dir.join("tfn.safetensors");
    let pre = Preprocessing::of(&s, &modalities);
    save_summary_model(&path, &model, &model.architecture(), &pre, &[("note", "x".into())]).unwrap();
    let saved = read_summary_model(&path).unwrap();
    assert_eq!(saved.preprocessing, pre);
    assert_eq!(saved.metadata["note"], "x");
    let mut again = FusionNet::from_architecture(&saved.architecture).unwrap();
    assert_eq!(
        (again.method, again.max_order, again.widths.clone()),
        (Method::Tfn, Some(1), s.widths.clone())
    );
    again.load_state_dict(&saved.state).unwrap();
    let p = |m: &FusionNet| models::fusion::predict(m, &s.test);
    assert_eq!(p(&model), p(&again));
    let bad = serde_json::json!({"kind": "Gmu", "widths": [3]});
    let err = FusionNet::from_architecture(&bad).err().unwrap();
    assert_eq!(err, "the architecture is a \"Gmu\", not a FusionNet");
    std::fs::remove_dir_all(dir).unwrap();
}
