//! Supervised fusion of utterance summaries (toy MOSI SPEC section 6): each model takes
//! one standardised summary per modality and outputs one number, the predicted
//! sentiment. This module holds the models chapter 7 compares (concatenation with a
//! linear or an MLP head, and the sum or element-wise product of per-modality
//! projections); `train` holds the protocol of SPEC section 7.

mod lowrank;
mod saved;
mod sequence;
mod sequence_train;
mod tensor;
mod train;
#[cfg(test)]
mod train_tests;

use autograd::{Parameter, Rng, Tensor};

use crate::model::{Mode, Model, Named};
use crate::{Linear, Module};

pub use lowrank::LowRank;
pub use saved::{
    ARCHITECTURE, PREPROCESSING, Preprocessing, SavedSummaryModel, read_summary_model, save_summary_model,
};
pub use sequence::{SeqFusion, SeqNet};
pub use sequence_train::{SeqPart, Sequences, predict_sequences, train_sequences};
pub use tensor::{entry_orders, order_mask, tensor_fusion};
pub use train::{
    Part, Standardised, TrainConfig, Trained, l1_step, predict, protocol_settings, seeds_setting,
    summary_settings, train,
};

/// How the modalities are joined.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Method {
    /// Concatenate the summaries, then one linear layer: w . [x_T; x_A; x_V] + b.
    ConcatLinear,
    /// Concatenate, then an MLP: Linear(d, 64), ReLU, dropout, Linear(64, 32), ReLU,
    /// dropout, Linear(32, 1).
    ConcatMlp,
    /// Encode each modality to 8 numbers, add them, then a linear head.
    Sum,
    /// Encode each modality to 8 numbers, multiply them element-wise, then a linear head.
    Product,
    /// Tensor fusion: the outer product of the projections, each with a 1 appended,
    /// then dropout, Linear(., 32), ReLU, dropout, Linear(32, 1).
    Tfn,
    /// Tensor fusion with a linear head: w . dropout(z) + b.
    TfnLinear,
    /// Low-rank fusion of this rank: Σ_i f_i Π_m (u_{m,i} . [dropout(h_m); 1]) + b.
    Lmf(usize),
}

impl Method {
    /// The name tables and claims use.
    pub fn name(self) -> &'static str {
        match self {
            Method::ConcatLinear => "concat + linear",
            Method::ConcatMlp => "concat + MLP",
            Method::Sum => "sum of projections",
            Method::Product => "product of projections",
            Method::Tfn => "TFN",
            Method::TfnLinear => "TFN, linear head",
            Method::Lmf(_) => "LMF",
        }
    }

    /// A file name for it: `concat_linear`, `concat_mlp`, `sum`, `product`, `tfn`,
    /// `tfn_linear`, `lmf_r{rank}`.
    pub fn slug(self) -> String {
        match self {
            Method::ConcatLinear => "concat_linear".into(),
            Method::ConcatMlp => "concat_mlp".into(),
            Method::Sum => "sum".into(),
            Method::Product => "product".into(),
            Method::Tfn => "tfn".into(),
            Method::TfnLinear => "tfn_linear".into(),
            Method::Lmf(r) => format!("lmf_r{r}"),
        }
    }
}

/// Width of each modality's projection h_m.
pub const PROJECTION: usize = 8;
/// Hidden width of each modality's encoder.
pub const ENCODER_HIDDEN: usize = 32;

/// PyTorch's default for `nn.Linear`: weights and biases uniform in ±1/sqrt(fan_in).
pub fn torch_linear(fan_in: usize, fan_out: usize, rng: &mut Rng) -> Linear {
    let bound = 1.0 / (fan_in as f32).sqrt();
    Linear::new(
        Tensor::uniform(&[fan_in, fan_out], -bound, bound, rng),
        Tensor::uniform(&[fan_out], -bound, bound, rng),
    )
}

/// E_m(x) = W2 dropout(relu(W1 x + b1)) + b2: d_m -> 32 -> 8. A new model can use
/// it as the fusion models do: one per modality, `Encoder::new(width, rng)`.
pub struct Encoder {
    /// d_m -> 32.
    pub hidden: Linear,
    /// 32 -> 8.
    pub out: Linear,
}

impl Encoder {
    /// An encoder for inputs of `width`, initialised as PyTorch would.
    pub fn new(width: usize, rng: &mut Rng) -> Encoder {
        Encoder {
            hidden: torch_linear(width, ENCODER_HIDDEN, rng),
            out: torch_linear(ENCODER_HIDDEN, PROJECTION, rng),
        }
    }

    /// The projection h_m of a batch of rows (n, d_m): (n, 8).
    // ANCHOR: encoder
    pub fn forward(&self, x: &Tensor, mode: &mut Mode<'_>) -> Tensor {
        self.out.forward(&mode.dropout(self.hidden.forward(x).relu()))
    }
    // ANCHOR_END: encoder

    /// Its parameters under `{prefix}.hidden` and `{prefix}.out`, as PyTorch names a
    /// module with two `nn.Linear` attributes of those names.
    pub fn named_parameters(&self, prefix: &str) -> Vec<Named<'_>> {
        let mut out = Vec::from(Named::linear(&format!("{prefix}.hidden"), &self.hidden));
        out.extend(Named::linear(&format!("{prefix}.out"), &self.out));
        out
    }

    /// The same parameters, mutable, in the same order.
    pub fn parameters_mut(&mut self) -> Vec<&mut Parameter> {
        let mut out = self.hidden.parameters_mut();
        out.extend(self.out.parameters_mut());
        out
    }
}

/// A fusion model over a subset of modalities.
pub struct FusionNet {
    /// How it fuses.
    pub method: Method,
    /// Input width of each modality it reads, in order.
    pub widths: Vec<usize>,
    /// The per-modality encoders (sum and product only).
    pub encoders: Vec<Encoder>,
    /// The layers after fusion: one for the linear heads, three for the MLP, two for
    /// TFN's.
    pub head: Vec<Linear>,
    /// TFN only: a (1, tensor size) 0/1 mask applied to the tensor (block ablation).
    pub mask: Option<Tensor>,
    /// LMF only: the low-rank fusion layer.
    pub lowrank: Option<LowRank>,
    /// TFN only: the highest order of the tensor's entries kept (`with_max_order`).
    pub max_order: Option<usize>,
}

impl FusionNet {
    /// A fresh model for modalities of `widths`, initialised as PyTorch would.
    #[track_caller]
    pub fn new(method: Method, widths: &[usize], rng: &mut Rng) -> FusionNet {
        assert!(
            !widths.is_empty() && widths.iter().all(|&w| w > 0),
            "FusionNet: bad modality widths {widths:?}"
        );
        let total: usize = widths.iter().sum();
        let (encoders, head) = match method {
            Method::ConcatLinear => (vec![], vec![torch_linear(total, 1, rng)]),
            Method::ConcatMlp => (
                vec![],
                vec![torch_linear(total, 64, rng), torch_linear(64, 32, rng), torch_linear(32, 1, rng)],
            ),
            Method::Sum | Method::Product => {
                let encoders = widths.iter().map(|&w| Encoder::new(w, rng)).collect();
                (encoders, vec![torch_linear(PROJECTION, 1, rng)])
            }
            Method::Tfn | Method::TfnLinear => {
                let encoders = widths.iter().map(|&w| Encoder::new(w, rng)).collect();
                let size = (PROJECTION + 1).pow(widths.len() as u32);
                let head = if method == Method::Tfn {
                    vec![torch_linear(size, 32, rng), torch_linear(32, 1, rng)]
                } else {
                    vec![torch_linear(size, 1, rng)]
                };
                (encoders, head)
            }
            Method::Lmf(_) => (widths.iter().map(|&w| Encoder::new(w, rng)).collect(), vec![]),
        };
        let lowrank = match method {
            Method::Lmf(rank) => Some(LowRank::new(&vec![PROJECTION; widths.len()], rank, rng)),
            _ => None,
        };
        FusionNet { method, widths: widths.to_vec(), encoders, head, mask: None, lowrank, max_order: None }
    }

    /// TFN with only the tensor's entries of order at most `max_order` (1: unimodal,
    /// 2: up to bimodal, 3: all, with three modalities).
    #[track_caller]
    pub fn with_max_order(mut self, max_order: usize) -> FusionNet {
        assert!(
            matches!(self.method, Method::Tfn | Method::TfnLinear),
            "with_max_order: only for tensor fusion"
        );
        self.mask = Some(order_mask(&vec![PROJECTION; self.widths.len()], max_order));
        self.max_order = Some(max_order);
        self
    }

    /// Predictions (n, 1) for one batch: `inputs[m]` is modality m's (n, d_m) rows.
    #[track_caller]
    pub fn forward(&self, inputs: &[Tensor], mode: &mut Mode<'_>) -> Tensor {
        assert_eq!(
            inputs.iter().map(|x| x.shape()[1]).collect::<Vec<_>>(),
            self.widths,
            "FusionNet::forward: input widths differ from the model's"
        );
        // ANCHOR: fusion
        // ANCHOR: join
        match self.method {
            Method::ConcatLinear => self.head[0].forward(&Tensor::concat(inputs, 1)),
            Method::ConcatMlp => {
                let h = mode.dropout(self.head[0].forward(&Tensor::concat(inputs, 1)).relu());
                let h = mode.dropout(self.head[1].forward(&h).relu());
                self.head[2].forward(&h)
            }
            Method::Sum | Method::Product => {
                let mut fused: Option<Tensor> = None;
                for (encoder, x) in self.encoders.iter().zip(inputs) {
                    let h = encoder.forward(x, mode);
                    fused = Some(match (fused, self.method) {
                        (None, _) => h,
                        (Some(f), Method::Sum) => f.add(&h),
                        (Some(f), _) => f.mul(&h),
                    });
                }
                self.head[0].forward(&fused.expect("at least one modality"))
            }
            // The other arms: tensor fusion (chapter 8) and low-rank fusion (chapter 9).
            // ANCHOR_END: join
            Method::Tfn | Method::TfnLinear => {
                let hs: Vec<Tensor> =
                    self.encoders.iter().zip(inputs).map(|(e, x)| e.forward(x, mode)).collect();
                let mut z = tensor_fusion(&hs);
                if let Some(mask) = &self.mask {
                    z = z.mul(mask);
                }
                let z = mode.dropout(z);
                if self.method == Method::TfnLinear {
                    self.head[0].forward(&z)
                } else {
                    self.head[1].forward(&mode.dropout(self.head[0].forward(&z).relu()))
                }
            }
            Method::Lmf(_) => {
                // Dropout on each projection, never on the 1 the layer appends.
                let hs: Vec<Tensor> = self
                    .encoders
                    .iter()
                    .zip(inputs)
                    .map(|(e, x)| {
                        let h = e.forward(x, mode);
                        mode.dropout(h)
                    })
                    .collect();
                self.lowrank.as_ref().expect("an LMF model has its low-rank layer").forward(&hs)
            }
        }
        // ANCHOR_END: fusion
    }
}

impl Model for FusionNet {
    fn forward(&self, inputs: &[Tensor], mode: &mut Mode<'_>) -> Tensor {
        FusionNet::forward(self, inputs, mode)
    }

    /// `encoders.{m}.hidden.weight`, ..., `head.{k}.weight`, `head.{k}.bias`, and for
    /// LMF `lowrank.factors.{m}`, `lowrank.rank_weights`, `lowrank.bias`.
    fn named_parameters(&self) -> Vec<Named<'_>> {
        let mut out = Vec::new();
        for (m, e) in self.encoders.iter().enumerate() {
            out.extend(e.named_parameters(&format!("encoders.{m}")));
        }
        for (k, l) in self.head.iter().enumerate() {
            out.extend(Named::linear(&format!("head.{k}"), l));
        }
        if let Some(lr) = &self.lowrank {
            out.extend(lr.named_parameters("lowrank"));
        }
        out
    }

    fn parameters_mut(&mut self) -> Vec<&mut Parameter> {
        let mut out = Vec::new();
        for e in &mut self.encoders {
            out.extend(e.parameters_mut());
        }
        for l in &mut self.head {
            out.extend(l.parameters_mut());
        }
        if let Some(lr) = &mut self.lowrank {
            out.extend(lr.parameters_mut());
        }
        out
    }
}
