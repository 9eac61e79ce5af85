//! A model from outside the book's `models` crate: the Gated Multimodal Unit of
//! Arevalo, Solorio, Montes-y-Gómez and González (2017), "Gated Multimodal Units for
//! Information Fusion", in its multi-modal form (one gate per modality), written against
//! the public API only. It sits after the chapter's per-modality encoders, so it differs
//! from TFN, LMF and the product of projections only in how it joins the 8-wide
//! projections. The page "Adding your own model" shows the `gmu` region whole.

use autograd::{Parameter, Rng, Tensor};
use models::fusion::{Encoder, PROJECTION, torch_linear};
use models::{Linear, Mode, Model, Module, Named};

// ANCHOR: gmu
/// The GMU over one encoder per modality (e_m = E_m(x_m), 8 wide): a candidate
/// h_m = tanh(W_m e_m + b_m) and a gate z_m per modality, the gates all read from every
/// projection, z = [z_1; ...; z_M] = σ(W_z [e_1; ...; e_M] + b_z); then
/// h = Σ_m z_m ⊙ h_m and ŷ = w · dropout(h) + b.
pub struct Gmu {
    /// E_m: d_m -> 32 -> 8, as in every fusion model of the chapter.
    pub encoders: Vec<Encoder>,
    /// W_m: 8 -> 8, each modality's candidate (tanh).
    pub transforms: Vec<Linear>,
    /// W_z: 8M -> 8M, every modality's gate (sigmoid), side by side.
    pub gate: Linear,
    /// 8 -> 1.
    pub head: Linear,
}

impl Gmu {
    /// A fresh GMU for modalities of `widths`, initialised as PyTorch would.
    pub fn new(widths: &[usize], rng: &mut Rng) -> Gmu {
        assert!(!widths.is_empty() && !widths.contains(&0), "Gmu: bad modality widths {widths:?}");
        let (m, d) = (widths.len(), PROJECTION);
        Gmu {
            encoders: widths.iter().map(|&w| Encoder::new(w, rng)).collect(),
            transforms: (0..m).map(|_| torch_linear(d, d, rng)).collect(),
            gate: torch_linear(m * d, m * d, rng),
            head: torch_linear(d, 1, rng),
        }
    }
}

impl Model for Gmu {
    fn forward(&self, inputs: &[Tensor], mode: &mut Mode<'_>) -> Tensor {
        assert_eq!(inputs.len(), self.encoders.len(), "Gmu: one input per modality");
        // The projections e_m, then every gate at once: gate m (from 0) is columns 8m .. 8m + 8.
        let e: Vec<Tensor> = self.encoders.iter().zip(inputs).map(|(enc, x)| enc.forward(x, mode)).collect();
        let z = self.gate.forward(&Tensor::concat(&e, 1)).sigmoid();
        let d = PROJECTION;
        let h = (self.transforms.iter().zip(&e).enumerate())
            .map(|(m, (w, e))| z.narrow(1, m * d, d).mul(&w.forward(e).tanh()))
            .reduce(|a, b| a.add(&b))
            .expect("at least one modality");
        self.head.forward(&mode.dropout(h))
    }

    fn named_parameters(&self) -> Vec<Named<'_>> {
        let mut out = Vec::new();
        for (m, e) in self.encoders.iter().enumerate() {
            out.extend(e.named_parameters(&format!("encoders.{m}")));
        }
        for (m, w) in self.transforms.iter().enumerate() {
            out.extend(Named::linear(&format!("transforms.{m}"), w));
        }
        out.extend(Named::linear("gate", &self.gate));
        out.extend(Named::linear("head", &self.head));
        out
    }

    fn parameters_mut(&mut self) -> Vec<&mut Parameter> {
        let mut out: Vec<&mut Parameter> =
            self.encoders.iter_mut().flat_map(|e| e.parameters_mut()).collect();
        out.extend(self.transforms.iter_mut().flat_map(|w| w.parameters_mut()));
        out.extend(self.gate.parameters_mut());
        out.extend(self.head.parameters_mut());
        out
    }
}
// ANCHOR_END: gmu

impl Gmu {
    /// The input width of each modality, read from its encoder's first layer.
    pub fn widths(&self) -> Vec<usize> {
        self.encoders.iter().map(|e| e.hidden.weight.shape()[0]).collect()
    }

    /// What rebuilds this model, a checkpoint's `architecture` metadata:
    /// `{"kind": "Gmu", "widths": [...]}` (`load_fusion.py` dispatches on the kind).
    pub fn architecture(&self) -> serde_json::Value {
        serde_json::json!({ "kind": "Gmu", "widths": self.widths() })
    }

    /// A GMU of the architecture [`Gmu::architecture`] wrote, with fresh weights (load
    /// the saved ones next). An error says what does not fit.
    pub fn from_architecture(a: &serde_json::Value) -> Result<Gmu, String> {
        if a.get("kind").and_then(|k| k.as_str()) != Some("Gmu") {
            return Err(format!("the architecture {a} is not a Gmu's (its \"kind\" is not \"Gmu\")"));
        }
        let widths: Vec<usize> = a
            .get("widths")
            .cloned()
            .map(serde_json::from_value)
            .ok_or_else(|| format!("the architecture {a} has no \"widths\""))?
            .map_err(|e| format!("the architecture's \"widths\" are not a list of widths: {e}"))?;
        if widths.is_empty() || widths.contains(&0) {
            return Err(format!("the architecture's widths {widths:?} are not modality widths"));
        }
        Ok(Gmu::new(&widths, &mut autograd::seeded_rng(0)))
    }
}

/// The parameters a GMU over modalities of `widths` has, counted by formula from the
/// layers' sizes (each `Linear(a, b)` holds a·b + b): the encoders', M candidates'
/// (8·8 + 8 each), the gate's (8M·8M + 8M) and the head's (8 + 1).
pub fn parameters_by_formula(widths: &[usize]) -> usize {
    let (m, d, hidden) = (widths.len(), PROJECTION, models::fusion::ENCODER_HIDDEN);
    let linear = |a: usize, b: usize| a * b + b;
    let encoders: usize = widths.iter().map(|&w| linear(w, hidden) + linear(hidden, d)).sum();
    encoders + m * linear(d, d) + linear(m * d, m * d) + linear(d, 1)
}

/// The lines of the `gmu` region of this file: the model's code as the page shows it
/// (its doc comments included, the anchor markers not).
pub fn code_lines() -> usize {
    let source = include_str!("gmu.rs");
    let start = "// ANCHOR: gmu\n";
    let end = "// ANCHOR_END: gmu\n";
    let from = source.find(start).map_or(0, |i| i + start.len());
    let to = source[from..].find(end).map_or(source.len(), |i| from + i);
    source[from..to].lines().count()
}

#[cfg(test)]
mod tests {
    use autograd::{Tensor, no_grad, seeded_rng};
    use models::{Mode, Model, assert_consistent};

    use super::*;

    fn inputs(widths: &[usize], n: usize, seed: u64) -> Vec<Tensor> {
        let mut rng = seeded_rng(seed);
        widths.iter().map(|&w| Tensor::randn(&[n, w], 0.0, 1.0, &mut rng)).collect()
    }

    #[test]
    fn parameters_are_named_as_pytorch_names_them_and_listed_in_one_order() {
        let mut model = Gmu::new(&[5, 3, 4], &mut seeded_rng(0));
        assert_consistent(&mut model);
        let names: Vec<String> = model.named_parameters().into_iter().map(|p| p.name).collect();
        assert_eq!(names.len(), 3 * 4 + 3 * 2 + 2 + 2);
        assert_eq!(names[0], "encoders.0.hidden.weight");
        assert_eq!(names[11], "encoders.2.out.bias");
        assert_eq!(names[12..14], ["transforms.0.weight", "transforms.0.bias"]);
        assert_eq!(names[18..], ["gate.weight", "gate.bias", "head.weight", "head.bias"]);
        let state = model.state_dict();
        let gate = &state.iter().find(|(n, _)| n == "gate.weight").unwrap().1;
        assert_eq!(gate.shape(), [24, 24], "PyTorch's (out, in)");
        assert_eq!(model.num_parameters(), parameters_by_formula(&[5, 3, 4]));
    }

    #[test]
    fn forward_is_the_gated_sum_of_the_candidates() {
        let model = Gmu::new(&[5, 3], &mut seeded_rng(1));
        let x = inputs(&[5, 3], 6, 2);
        let y = no_grad(|| model.forward(&x, &mut Mode::Eval));
        assert_eq!(y.shape(), [6, 1]);
        // The same sum written out by hand for two modalities, row by row.
        let (e0, e1) = no_grad(|| {
            (
                model.encoders[0].forward(&x[0], &mut Mode::Eval),
                model.encoders[1].forward(&x[1], &mut Mode::Eval),
            )
        });
        let z =
            no_grad(|| model.gate.forward(&Tensor::concat(&[e0.clone(), e1.clone()], 1)).sigmoid()).to_vec();
        let h0 = no_grad(|| model.transforms[0].forward(&e0).tanh()).to_vec();
        let h1 = no_grad(|| model.transforms[1].forward(&e1).tanh()).to_vec();
        let (w, b) = (model.head.weight.tensor().to_vec(), model.head.bias.tensor().to_vec()[0]);
        let d = PROJECTION;
        for (r, &got) in y.to_vec().iter().enumerate() {
            let h = |k: usize| z[r * 2 * d + k] * h0[r * d + k] + z[r * 2 * d + d + k] * h1[r * d + k];
            let want: f32 = (0..d).map(|k| w[k] * h(k)).sum::<f32>() + b;
            assert!((got - want).abs() < 1e-5, "row {r}: {got} against {want}");
        }
    }

    #[test]
    fn a_state_dict_round_trips_and_training_mode_draws_dropout() {
        let model = Gmu::new(&[4, 2, 3], &mut seeded_rng(3));
        let mut other = Gmu::new(&[4, 2, 3], &mut seeded_rng(4));
        other.load_state_dict(&model.state_dict()).unwrap();
        let x = inputs(&[4, 2, 3], 5, 5);
        let (a, b) = no_grad(|| (model.forward(&x, &mut Mode::Eval), other.forward(&x, &mut Mode::Eval)));
        assert_eq!(a.to_vec(), b.to_vec());
        let mut rng = seeded_rng(6);
        let dropped = no_grad(|| model.forward(&x, &mut Mode::train(0.5, &mut rng)));
        assert_ne!(a.to_vec(), dropped.to_vec(), "dropout in training mode changes the output");
    }

    #[test]
    fn the_architecture_rebuilds_the_model_and_a_wrong_one_is_named() {
        let model = Gmu::new(&[4, 2, 3], &mut seeded_rng(3));
        let a = model.architecture();
        assert_eq!(a, serde_json::json!({"kind": "Gmu", "widths": [4, 2, 3]}));
        let mut rebuilt = Gmu::from_architecture(&a).unwrap();
        rebuilt.load_state_dict(&model.state_dict()).unwrap();
        assert_eq!(rebuilt.widths(), [4, 2, 3]);
        let err = |a: serde_json::Value| Gmu::from_architecture(&a).err().unwrap();
        assert!(err(serde_json::json!({"kind": "FusionNet"})).contains("not a Gmu's"));
        assert!(err(serde_json::json!({"kind": "Gmu"})).contains("no \"widths\""));
        assert!(err(serde_json::json!({"kind": "Gmu", "widths": [4, 0]})).contains("not modality widths"));
    }

    #[test]
    #[should_panic(expected = "Gmu: one input per modality")]
    fn a_missing_modality_is_named() {
        let model = Gmu::new(&[4, 2], &mut seeded_rng(0));
        model.forward(&inputs(&[4], 3, 0), &mut Mode::Eval);
    }

    #[test]
    fn the_code_region_is_counted() {
        let n = code_lines();
        assert!((30..120).contains(&n), "{n}");
    }
}
