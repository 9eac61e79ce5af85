//! Multimodal LSTMs over word-aligned sequences (toy MOSI SPEC section 4.10: per word, 32
//! text, 12 audio and 12 video features). Three ways to fuse:
//! - early: concatenate the modalities at every word, one LSTM;
//! - late: one LSTM per modality, their final states concatenated;
//! - multi-view: one LSTM per modality, each with its own memory, whose gates read its own
//!   input and the previous hidden states of all modalities (a variant of Rajagopalan et
//!   al.'s MV-LSTM, 2016, with fully connected cross-view gates).
//!
//! Each ends in dropout and a linear head on the final hidden state(s): one number, the
//! predicted sentiment.

use autograd::{Parameter, Rng, Tensor};

use crate::linear::Linear;
use crate::model::{Mode, Model, Named};
use crate::module::Module;
use crate::seq::{LstmCell, LstmState, lstm_layer};

/// How a multimodal LSTM fuses its modalities.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum SeqFusion {
    /// One LSTM over the concatenated features of each word.
    Early,
    /// One LSTM per modality; final states concatenated.
    Late,
    /// One LSTM per modality whose gates read all modalities' hidden states.
    MultiView,
}

impl SeqFusion {
    /// The name the chapter prints.
    pub fn name(self) -> &'static str {
        match self {
            SeqFusion::Early => "early fusion LSTM",
            SeqFusion::Late => "late fusion LSTMs",
            SeqFusion::MultiView => "multi-view LSTM",
        }
    }
}

/// A multimodal LSTM with a linear head.
pub struct SeqNet {
    /// How it fuses.
    pub method: SeqFusion,
    /// Input width of each modality, in order.
    pub widths: Vec<usize>,
    /// Hidden width of each LSTM.
    pub hidden: usize,
    /// Early: one cell; late and multi-view: one per modality (a multi-view cell's W_h
    /// is (modalities x hidden, 4 hidden): it reads every modality's h).
    pub cells: Vec<LstmCell>,
    /// Final hidden state(s) -> prediction.
    pub head: Linear,
}

impl SeqNet {
    /// A model for modalities of `widths`: early fusion gets one LSTM of
    /// `hidden x modalities` units, so that all three have the same state width.
    #[track_caller]
    pub fn init(method: SeqFusion, widths: &[usize], hidden: usize, rng: &mut Rng) -> SeqNet {
        assert!(!widths.is_empty() && hidden > 0, "SeqNet::init: widths {widths:?}, hidden {hidden}");
        let m = widths.len();
        let cells: Vec<LstmCell> = match method {
            SeqFusion::Early => vec![LstmCell::init(widths.iter().sum(), hidden * m, rng)],
            SeqFusion::Late => widths.iter().map(|&w| LstmCell::init(w, hidden, rng)).collect(),
            SeqFusion::MultiView => widths
                .iter()
                .map(|&w| {
                    let cell = LstmCell::init(w, hidden, rng);
                    // Recurrent weights from all m hidden states, drawn as PyTorch would
                    // for an input of m * hidden.
                    let k = 1.0 / (hidden as f32).sqrt();
                    let w_h = Tensor::uniform(&[m * hidden, 4 * hidden], -k, k, rng);
                    let bias = cell.bias.tensor().clone();
                    LstmCell { w_h: Parameter::new("w_h", w_h), bias: Parameter::new("bias", bias), ..cell }
                })
                .collect(),
        };
        let k = 1.0 / ((hidden * m) as f32).sqrt();
        let head = Linear::new(Tensor::uniform(&[hidden * m, 1], -k, k, rng), Tensor::zeros(&[1]));
        SeqNet { method, widths: widths.to_vec(), hidden, cells, head }
    }

    /// What rebuilds this model, as JSON: `{"kind": "SeqNet", "method": "MultiView",
    /// "widths": [32, 12, 12], "hidden": 16}` (a checkpoint's metadata keeps it).
    pub fn architecture(&self) -> serde_json::Value {
        serde_json::json!({
            "kind": "SeqNet",
            "method": self.method,
            "widths": self.widths,
            "hidden": self.hidden,
        })
    }

    /// A model of the architecture [`SeqNet::architecture`] wrote, with fresh weights
    /// (load the saved ones next, `Model::load_state_dict`). An error says what does not
    /// fit.
    pub fn from_architecture(a: &serde_json::Value) -> Result<SeqNet, String> {
        let field = |k: &str| a.get(k).cloned().ok_or_else(|| format!("the architecture {a} has no {k:?}"));
        let kind = field("kind")?;
        if kind != "SeqNet" {
            return Err(format!("the architecture is a {kind}, not a SeqNet"));
        }
        let method: SeqFusion = serde_json::from_value(field("method")?)
            .map_err(|e| format!("the architecture's method: {e} (Early, Late or MultiView)"))?;
        let widths: Vec<usize> = serde_json::from_value(field("widths")?)
            .map_err(|e| format!("the architecture's widths: {e}"))?;
        let hidden: usize = serde_json::from_value(field("hidden")?)
            .map_err(|e| format!("the architecture's hidden: {e}"))?;
        if widths.is_empty() || widths.contains(&0) || hidden == 0 {
            return Err(format!(
                "the architecture's widths {widths:?} and hidden {hidden} describe no model (every width and \
                 the hidden size at least 1)"
            ));
        }
        Ok(SeqNet::init(method, &widths, hidden, &mut autograd::seeded_rng(0)))
    }

    /// The multi-view recurrence: modality m's gates are x_m W_x^m + b^m +
    /// [h_1; ..; h_M] W_h^m, and its memory c_m is its own.
    fn multi_view(&self, xs: &[Tensor]) -> Tensor {
        let (batch, steps, h) = (xs[0].shape()[0], xs[0].shape()[1], self.hidden);
        let xwb: Vec<Tensor> = xs
            .iter()
            .zip(&self.cells)
            .map(|(x, cell)| {
                let width = x.shape()[2];
                x.reshape(&[batch * steps, width])
                    .matmul(cell.w_x.tensor())
                    .add(cell.bias.tensor())
                    .reshape(&[batch, steps, 4 * h])
            })
            .collect();
        let mut states: Vec<LstmState> = self.cells.iter().map(|_| LstmState::zeros(batch, h)).collect();
        // ANCHOR: multi_view
        for t in 0..steps {
            let everyone = Tensor::concat(&states.iter().map(|s| s.h.clone()).collect::<Vec<_>>(), 1);
            states = xwb
                .iter()
                .zip(&self.cells)
                .zip(&states)
                .map(|((xwb, cell), state)| {
                    let gates =
                        xwb.narrow(1, t, 1).reshape(&[batch, 4 * h]).add(&everyone.matmul(cell.w_h.tensor()));
                    let y = gates.lstm_pointwise(&state.c); // [h' c'], the LSTM equations
                    LstmState { h: y.narrow(1, 0, h), c: y.narrow(1, h, h) }
                })
                .collect();
        }
        // ANCHOR_END: multi_view
        Tensor::concat(&states.into_iter().map(|s| s.h).collect::<Vec<_>>(), 1)
    }

    // ANCHOR: forward
    /// Sequences of one length, one (batch, steps, width) tensor per modality -> (batch,
    /// 1) predictions; dropout on the final state in training mode.
    #[track_caller]
    pub fn forward(&self, xs: &[Tensor], mode: &mut Mode<'_>) -> Tensor {
        let widths: Vec<usize> = xs.iter().map(|x| x.shape().get(2).copied().unwrap_or(0)).collect();
        assert_eq!(widths, self.widths, "SeqNet::forward: input widths differ from the model's");
        let last = |x: &Tensor, cell: &LstmCell| {
            let (w_x, w_h, b) = (cell.w_x.tensor(), cell.w_h.tensor(), cell.bias.tensor());
            lstm_layer(x, w_x, w_h, b, None, None).1.h
        };
        let state = match self.method {
            SeqFusion::Early => last(&Tensor::concat(xs, 2), &self.cells[0]),
            SeqFusion::Late => {
                let finals: Vec<Tensor> = xs.iter().zip(&self.cells).map(|(x, c)| last(x, c)).collect();
                Tensor::concat(&finals, 1)
            }
            SeqFusion::MultiView => self.multi_view(xs),
        };
        self.head.forward(&mode.dropout(state))
    }
    // ANCHOR_END: forward

    /// Every trainable parameter, in a fixed order.
    pub fn parameters(&self) -> Vec<&Parameter> {
        let mut all: Vec<&Parameter> = self.cells.iter().flat_map(|c| c.parameters()).collect();
        all.extend(self.head.parameters());
        all
    }

    /// The same, mutable, in the same order.
    pub fn parameters_mut(&mut self) -> Vec<&mut Parameter> {
        let mut all: Vec<&mut Parameter> = self.cells.iter_mut().flat_map(|c| c.parameters_mut()).collect();
        all.extend(self.head.parameters_mut());
        all
    }
}

impl Model for SeqNet {
    fn forward(&self, inputs: &[Tensor], mode: &mut Mode<'_>) -> Tensor {
        SeqNet::forward(self, inputs, mode)
    }

    /// Early and late fusion: `lstms.{m}.weight_ih_l0`, `weight_hh_l0`, `bias_ih_l0`,
    /// `bias_hh_l0`, as an `nn.ModuleList` of `nn.LSTM(batch_first=True)`; multi-view:
    /// `cells.{m}.weight_ih`, `weight_hh`, `bias_ih`, `bias_hh` (an `nn.LSTMCell`'s names;
    /// its `weight_hh` reads every modality's h); then `head.weight`, `head.bias`.
    fn named_parameters(&self) -> Vec<Named<'_>> {
        let mut out = Vec::new();
        for (m, cell) in self.cells.iter().enumerate() {
            out.extend(match self.method {
                SeqFusion::MultiView => cell.named_parameters(&format!("cells.{m}"), ""),
                _ => cell.named_parameters(&format!("lstms.{m}"), "_l0"),
            });
        }
        out.extend(Named::linear("head", &self.head));
        out
    }

    fn parameters_mut(&mut self) -> Vec<&mut Parameter> {
        SeqNet::parameters_mut(self)
    }
}
