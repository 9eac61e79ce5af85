//! The multimodal LSTMs (`SeqNet`) as checkpoints see them: consistent parameter lists,
//! a `state_dict` that carries the whole model (into a differently seeded one, with the
//! same predictions after), errors naming a missing or misshapen entry, the architecture
//! round trip, and the standardisation statistics `Sequences` keeps.

use autograd::{Tensor, seeded_rng};
use models::fusion::{SeqFusion, SeqNet, SeqPart, Sequences, predict_sequences};
use models::toymosi::{Knobs, Modality, Split, generate};
use models::{Mode, Model, assert_consistent};

const KINDS: [SeqFusion; 3] = [SeqFusion::Early, SeqFusion::Late, SeqFusion::MultiView];
const WIDTHS: [usize; 3] = [5, 3, 4];
const HIDDEN: usize = 6;

/// A (batch, steps, width) batch per modality.
fn batch(rng: &mut autograd::Rng, batch: usize, steps: usize) -> Vec<Tensor> {
    WIDTHS.iter().map(|&w| Tensor::randn(&[batch, steps, w], 0.0, 1.0, rng)).collect()
}

#[test]
fn every_kind_lists_its_parameters_consistently_under_pytorch_names() {
    for kind in KINDS {
        let mut model = SeqNet::init(kind, &WIDTHS, HIDDEN, &mut seeded_rng(0));
        assert_consistent(&mut model);
        let state = model.state_dict();
        let names: Vec<&str> = state.iter().map(|(n, _)| n.as_str()).collect();
        let shape = |name: &str| state.iter().find(|(n, _)| n == name).map(|(_, t)| t.shape().to_vec());
        let h = HIDDEN;
        match kind {
            SeqFusion::Early => {
                let (input, hh) = (WIDTHS.iter().sum::<usize>(), 3 * h);
                assert_eq!(names.len(), 4 + 2, "{names:?}");
                assert_eq!(shape("lstms.0.weight_ih_l0"), Some(vec![4 * hh, input]));
                assert_eq!(shape("lstms.0.weight_hh_l0"), Some(vec![4 * hh, hh]));
                assert_eq!(shape("lstms.0.bias_hh_l0"), Some(vec![4 * hh]));
            }
            SeqFusion::Late => {
                assert_eq!(names.len(), 3 * 4 + 2, "{names:?}");
                for (m, &w) in WIDTHS.iter().enumerate() {
                    assert_eq!(shape(&format!("lstms.{m}.weight_ih_l0")), Some(vec![4 * h, w]));
                    assert_eq!(shape(&format!("lstms.{m}.weight_hh_l0")), Some(vec![4 * h, h]));
                }
            }
            SeqFusion::MultiView => {
                assert_eq!(names.len(), 3 * 4 + 2, "{names:?}");
                for (m, &w) in WIDTHS.iter().enumerate() {
                    assert_eq!(shape(&format!("cells.{m}.weight_ih")), Some(vec![4 * h, w]));
                    // Each modality's gates read every modality's h.
                    assert_eq!(shape(&format!("cells.{m}.weight_hh")), Some(vec![4 * h, 3 * h]));
                    assert_eq!(shape(&format!("cells.{m}.bias_ih")), Some(vec![4 * h]));
                }
            }
        }
        assert_eq!(shape("head.weight"), Some(vec![1, 3 * h]), "{kind:?}");
        assert_eq!(shape("head.bias"), Some(vec![1]), "{kind:?}");
    }
}

#[test]
fn a_state_dict_carries_the_whole_model() {
    let mut rng = seeded_rng(3);
    let xs = batch(&mut rng, 4, 7);
    for kind in KINDS {
        let trained = SeqNet::init(kind, &WIDTHS, HIDDEN, &mut seeded_rng(1));
        let mut other = SeqNet::init(kind, &WIDTHS, HIDDEN, &mut seeded_rng(2));
        let before = other.forward(&xs, &mut Mode::Eval).to_vec();
        let expected = trained.forward(&xs, &mut Mode::Eval).to_vec();
        assert_ne!(before, expected, "{kind:?}: two seeds gave the same model");
        // The state as PyTorch holds it: biases split in two, the second zero...
        let mut state = trained.state_dict();
        // ...and as PyTorch might have trained it: the sum split any other way.
        for (name, t) in state.iter_mut() {
            if name.contains("bias_hh") {
                *t = Tensor::from_vec(t.to_vec().iter().map(|_| 0.25).collect(), t.shape());
            } else if name.contains("bias_ih") {
                *t = Tensor::from_vec(t.to_vec().iter().map(|v| v - 0.25).collect(), t.shape());
            }
        }
        other.load_state_dict(&state).unwrap();
        let after = other.forward(&xs, &mut Mode::Eval).to_vec();
        for (a, e) in after.iter().zip(&expected) {
            assert!((a - e).abs() <= 1e-6, "{kind:?}: {a} after loading, {e} before");
        }
        // The exact state gives the exact predictions.
        other.load_state_dict(&trained.state_dict()).unwrap();
        assert_eq!(other.forward(&xs, &mut Mode::Eval).to_vec(), expected, "{kind:?}");
        assert_eq!(other.architecture(), trained.architecture());
    }
}

#[test]
fn a_missing_or_misshapen_entry_is_an_error_naming_it() {
    for kind in KINDS {
        let mut model = SeqNet::init(kind, &WIDTHS, HIDDEN, &mut seeded_rng(0));
        let state = model.state_dict();
        let victim = state[1].0.clone();
        let missing: Vec<(String, Tensor)> = state.iter().filter(|(n, _)| *n != victim).cloned().collect();
        let err = model.load_state_dict(&missing).unwrap_err();
        assert!(err.contains(&victim), "{kind:?}: {err}");
        let mut wrong = state.clone();
        wrong[0].1 = Tensor::zeros(&[2, 2]);
        let err = model.load_state_dict(&wrong).unwrap_err();
        assert!(err.contains(&state[0].0), "{kind:?}: {err}");
        // Another kind's state names entries this one does not have.
        let other = if kind == SeqFusion::MultiView { SeqFusion::Late } else { SeqFusion::MultiView };
        let foreign = SeqNet::init(other, &WIDTHS, HIDDEN, &mut seeded_rng(0)).state_dict();
        assert!(model.load_state_dict(&foreign).is_err(), "{kind:?} loaded {other:?}'s state");
        // A failed load leaves the model as it was.
        assert_eq!(model.state_dict()[0].1.to_vec(), state[0].1.to_vec());
    }
}

#[test]
fn the_architecture_rebuilds_the_model_and_bad_ones_are_refused() {
    for kind in KINDS {
        let model = SeqNet::init(kind, &WIDTHS, HIDDEN, &mut seeded_rng(5));
        let mut rebuilt = SeqNet::from_architecture(&model.architecture()).unwrap();
        rebuilt.load_state_dict(&model.state_dict()).unwrap();
        let xs = batch(&mut seeded_rng(6), 3, 4);
        assert_eq!(
            rebuilt.forward(&xs, &mut Mode::Eval).to_vec(),
            model.forward(&xs, &mut Mode::Eval).to_vec(),
            "{kind:?}"
        );
    }
    let good = SeqNet::init(SeqFusion::Late, &WIDTHS, HIDDEN, &mut seeded_rng(0)).architecture();
    for (key, value, says) in [
        ("kind", serde_json::json!("FusionNet"), "not a SeqNet"),
        ("method", serde_json::json!("Sideways"), "method"),
        ("widths", serde_json::json!([3, 0]), "widths"),
        ("hidden", serde_json::json!(0), "hidden"),
    ] {
        let mut bad = good.clone();
        bad[key] = value;
        let err = SeqNet::from_architecture(&bad).map(|_| ()).unwrap_err();
        assert!(err.contains(says), "{key}: {err}");
    }
    let mut no_hidden = good.clone();
    no_hidden.as_object_mut().unwrap().remove("hidden");
    let err = SeqNet::from_architecture(&no_hidden).map(|_| ()).unwrap_err();
    assert!(err.contains("\"hidden\""), "{err}");
}

#[test]
fn sequences_keep_the_training_statistics_they_standardised_with() {
    let knobs = Knobs { n_speakers: 6, utt_per_speaker: 5, split_speakers: (3, 1, 2), ..Knobs::default() };
    let data = generate(&knobs, 11).unwrap();
    let s = Sequences::new(&data, &Modality::ALL);
    assert_eq!(s.mean.iter().map(Vec::len).collect::<Vec<_>>(), s.widths);
    assert_eq!(s.sd.iter().map(Vec::len).collect::<Vec<_>>(), s.widths);
    // The statistics are the training words': the standardised training words have mean
    // 0 and standard deviation 1 in every channel (up to the 1e-6 and float32).
    for (m, &w) in s.widths.iter().enumerate() {
        for c in 0..w {
            let column: Vec<f64> = s
                .train
                .sequences
                .iter()
                .flat_map(|u| u[m].iter().skip(c).step_by(w).map(|&v| f64::from(v)))
                .collect();
            let n = column.len() as f64;
            let mean = column.iter().sum::<f64>() / n;
            let sd = (column.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt();
            assert!(mean.abs() < 1e-5 && (sd - 1.0).abs() < 1e-4, "modality {m} channel {c}: {mean}, {sd}");
            assert!(s.sd[m][c] > 0.0, "modality {m} channel {c}");
        }
    }
    // Raw test sequences standardised with the kept statistics are the test part, bit for
    // bit: what a checkpoint's reader does.
    let ids = data.ids(Split::Test);
    let raw = ids
        .iter()
        .map(|&i| Modality::ALL.iter().map(|m| m.sequence(&data.utterances[i]).to_vec()).collect())
        .collect();
    let labels = ids.iter().map(|&i| data.utterances[i].label).collect();
    let again = SeqPart::standardise(ids, raw, labels, &s.mean, &s.sd);
    assert_eq!(again.sequences, s.test.sequences);
    assert_eq!(again.lengths, s.test.lengths);
    assert_eq!(again.labels, s.test.labels);
    assert_eq!(again.ids, s.test.ids);
    // And a model predicts the same on either.
    let model = SeqNet::init(SeqFusion::MultiView, &s.widths, 4, &mut seeded_rng(0));
    assert_eq!(predict_sequences(&model, &again), predict_sequences(&model, &s.test));
}

#[test]
#[should_panic(expected = "not its length")]
fn standardising_a_sequence_of_the_wrong_width_panics_saying_so() {
    let mean = vec![vec![0.0; 2], vec![0.0; 3]];
    let sd = vec![vec![1.0; 2], vec![1.0; 3]];
    // Two steps of the first modality (2 wide), but 5 values of the second (3 wide).
    SeqPart::standardise(vec![0], vec![vec![vec![0.0; 4], vec![0.0; 5]]], vec![0.0], &mean, &sd);
}
