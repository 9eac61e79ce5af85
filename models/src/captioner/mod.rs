//! The multimodal encoder-decoder of the lecture, as shape-scenes SPEC section 10
//! builds it: a CNN encodes the image, a small MLP translates the image code into the
//! initial state (h0, c0) of an LSTM, and the LSTM decodes the caption word by word.
//! Trained with teacher forcing (`loss`); decoded greedily or by beam search (`decode`).

mod decode;
mod train;

pub use train::{Batch, TrainConfig, batch, images, train, train_step};

use autograd::{Parameter, Rng, Tensor};

use crate::linear::Linear;
use crate::model::{Mode, Model, Named};
use crate::module::Module;
use crate::scenes::VOCAB;
use crate::seq::{Embedding, Lstm, LstmState, lstm_cell_fused, sequence_cross_entropy};

/// Hidden width of the decoder LSTM (and of each half of the MLP's output).
pub const HIDDEN: usize = 128;
/// Word embedding width.
pub const EMBED: usize = 32;
/// Output channels of the three conv blocks.
pub const CHANNELS: [usize; 3] = [8, 16, 32];
/// Width of the flattened CNN output: 32 channels x 4 x 4.
pub const CNN_OUT: usize = 512;

/// `conv 3x3 (padding 1, bias) -> ReLU -> max-pool 2x2`.
pub struct ConvBlock {
    /// (out, in, 3, 3).
    pub weight: Parameter,
    /// (out).
    pub bias: Parameter,
}

impl ConvBlock {
    /// Kaiming-normal weights N(0, 2 / fan_in), zero bias.
    fn init(input: usize, output: usize, rng: &mut Rng) -> ConvBlock {
        let std = (2.0 / (input * 9) as f32).sqrt();
        ConvBlock {
            weight: Parameter::new("weight", Tensor::randn(&[output, input, 3, 3], 0.0, std, rng)),
            bias: Parameter::new("bias", Tensor::zeros(&[output])),
        }
    }

    /// (batch, in, h, w) -> (batch, out, h / 2, w / 2).
    pub fn forward(&self, x: &Tensor) -> Tensor {
        x.conv2d(self.weight.tensor(), Some(self.bias.tensor()), 1, 1).relu().max_pool2d(2, 2)
    }
}

/// What each stage of the encoder makes of a batch of images (for the probes).
pub struct Stages {
    /// The flattened CNN output, (batch, 512).
    pub cnn: Tensor,
    /// The MLP's hidden layer after its ReLU, (batch, 128).
    pub hidden: Tensor,
    /// The decoder's initial state.
    pub state: LstmState,
}

/// CNN -> MLP -> LSTM captioner. torch: the reference model of SPEC section 10.
pub struct Captioner {
    /// The encoder: 3 -> 8 -> 16 -> 32 channels, 32 -> 16 -> 8 -> 4 pixels.
    pub convs: Vec<ConvBlock>,
    /// MLP layer 1: 512 -> 128, then ReLU.
    pub mlp_hidden: Linear,
    /// MLP layer 2: 128 -> 256 = [h0 | c0] before their normalisation.
    pub mlp_state: Linear,
    /// Word embedding, 20 x 32.
    pub embedding: Embedding,
    /// The decoder, 32 -> 128.
    pub lstm: Lstm,
    /// Hidden state -> next-word logits, 128 -> 20.
    pub readout: Linear,
}

// ANCHOR: layer_norm
/// `(v - mean(v)) / sqrt(var(v) + 1e-5)` over each row: no learned scale or shift.
pub fn layer_norm(x: &Tensor) -> Tensor {
    let centred = x.sub(&x.mean(1, true));
    centred.div(&centred.square().mean(1, true).add_scalar(1e-5).sqrt())
}
// ANCHOR_END: layer_norm

impl Captioner {
    /// SPEC section 10's initialisation: conv and MLP Kaiming-normal with zero biases,
    /// embedding N(0, 1), LSTM uniform in ±1/sqrt(128) with forget bias 1, read-out as
    /// PyTorch's `nn.Linear` (uniform in ±1/sqrt(128), bias too).
    pub fn init(rng: &mut Rng) -> Captioner {
        let mut input = 3;
        let convs = CHANNELS
            .iter()
            .map(|&out| {
                let block = ConvBlock::init(input, out, rng);
                input = out;
                block
            })
            .collect();
        let kaiming = |fan_in: usize, fan_out: usize, rng: &mut Rng| {
            let std = (2.0 / fan_in as f32).sqrt();
            Linear::new(Tensor::randn(&[fan_in, fan_out], 0.0, std, rng), Tensor::zeros(&[fan_out]))
        };
        let mlp_hidden = kaiming(CNN_OUT, HIDDEN, rng);
        let mlp_state = kaiming(HIDDEN, 2 * HIDDEN, rng);
        let embedding = Embedding::randn(VOCAB.len(), EMBED, rng);
        let lstm = Lstm::init(EMBED, HIDDEN, rng);
        let k = 1.0 / (HIDDEN as f32).sqrt();
        let readout = Linear::new(
            Tensor::uniform(&[HIDDEN, VOCAB.len()], -k, k, rng),
            Tensor::uniform(&[VOCAB.len()], -k, k, rng),
        );
        Captioner { convs, mlp_hidden, mlp_state, embedding, lstm, readout }
    }

    // ANCHOR: encode
    /// Images (batch, 3, 32, 32) -> the decoder's initial state, through every stage:
    /// h0 = tanh(LN(z[0..128])), c0 = LN(z[128..256]) with z the MLP's output.
    #[track_caller]
    pub fn encode(&self, images: &Tensor) -> Stages {
        assert!(
            images.rank() == 4 && images.shape()[1..] == [3, 32, 32],
            "Captioner::encode: images of shape {:?}, expected (batch, 3, 32, 32)",
            images.shape()
        );
        let batch = images.shape()[0];
        let mut x = images.clone();
        for block in &self.convs {
            x = block.forward(&x);
        }
        let cnn = x.reshape(&[batch, CNN_OUT]);
        let hidden = self.mlp_hidden.forward(&cnn).relu();
        let z = self.mlp_state.forward(&hidden);
        let h = layer_norm(&z.narrow(1, 0, HIDDEN)).tanh();
        let c = layer_norm(&z.narrow(1, HIDDEN, HIDDEN));
        Stages { cnn, hidden, state: LstmState { h, c } }
    }
    // ANCHOR_END: encode

    // ANCHOR: loss
    /// Teacher forcing: the decoder reads `<bos> w1 .. wn` (`inputs`, batch x steps
    /// row-major) from the image's state; returns the logits of every next word,
    /// (batch, steps, 20).
    #[track_caller]
    pub fn logits(&self, images: &Tensor, inputs: &[usize]) -> Tensor {
        let batch = images.shape()[0];
        assert!(
            !inputs.is_empty() && inputs.len().is_multiple_of(batch.max(1)),
            "Captioner::logits: {} inputs for {batch} images",
            inputs.len()
        );
        let steps = inputs.len() / batch;
        let state = self.encode(images).state;
        let words = self.embedding.forward(inputs).reshape(&[batch, steps, EMBED]);
        let (outputs, _) = self.lstm.forward(&words, Some(&state), None);
        let logits = self.readout.forward(&outputs.reshape(&[batch * steps, HIDDEN]));
        logits.reshape(&[batch, steps, VOCAB.len()])
    }

    /// The training loss: scored on predicting `w1 .. wn <eos>` (`targets`) from the
    /// inputs; sequence b has `lengths[b]` real targets, the padding is ignored. Returns
    /// the mean cross-entropy per real target token.
    #[track_caller]
    pub fn loss(&self, images: &Tensor, inputs: &[usize], targets: &[usize], lengths: &[usize]) -> Tensor {
        assert_eq!(inputs.len(), targets.len(), "Captioner::loss: inputs and targets differ in length");
        sequence_cross_entropy(&self.logits(images, inputs), targets, lengths)
    }
    // ANCHOR_END: loss

    // ANCHOR: step
    /// One decoding step for a batch of tokens: the next state and the log-probabilities
    /// of the next token, (batch, 20). The cell runs fused (`lstm_cell_fused`, tested
    /// equal to the composed `lstm_cell`), as training's `lstm_layer` does.
    pub fn step(&self, tokens: &[usize], state: &LstmState) -> (LstmState, Tensor) {
        let cell = &self.lstm.cell;
        let xwb = self.embedding.forward(tokens).matmul(cell.w_x.tensor()).add(cell.bias.tensor());
        let next = lstm_cell_fused(&xwb, state, cell.w_h.tensor());
        let log_probs = self.readout.forward(&next.h).log_softmax(1);
        (next, log_probs)
    }
    // ANCHOR_END: step

    /// Every trainable parameter, in a fixed order ([`Model::named_parameters`]'s).
    pub fn parameters(&self) -> Vec<&Parameter> {
        Model::parameters(self)
    }

    /// The same, mutable, in the same order: what Adam takes ([`Model::parameters_mut`]).
    pub fn parameters_mut(&mut self) -> Vec<&mut Parameter> {
        Model::parameters_mut(self)
    }

    /// How many trainable numbers: 190,372 (PyTorch counts 190,884, because `nn.LSTM`
    /// keeps two bias vectors whose sum is the one bias here).
    pub fn num_parameters(&self) -> usize {
        Model::num_parameters(self)
    }
}

/// The captioner as a [`Model`]: `inputs = [images, tokens]`, images (batch, 3, 32, 32)
/// and the teacher-forcing tokens `<bos> w1 .. wn` (batch, steps) as whole numbers in a
/// float tensor; the output is [`Captioner::logits`], (batch, steps, 20). No dropout, so
/// the mode changes nothing.
///
/// The names are those of this PyTorch module's `state_dict`:
///
/// ```python
/// class Captioner(nn.Module):
///     def __init__(self):
///         super().__init__()
///         self.convs = nn.ModuleList([nn.Conv2d(3, 8, 3, padding=1),
///                                     nn.Conv2d(8, 16, 3, padding=1),
///                                     nn.Conv2d(16, 32, 3, padding=1)])
///         self.mlp_hidden = nn.Linear(512, 128)
///         self.mlp_state = nn.Linear(128, 256)
///         self.embedding = nn.Embedding(20, 32)
///         self.lstm = nn.LSTM(32, 128, batch_first=True)
///         self.readout = nn.Linear(128, 20)
/// ```
///
/// `convs.{k}.weight` is (out, in, 3, 3) in both (the engine's `conv2d` is PyTorch's
/// cross-correlation with PyTorch's weight layout), `embedding.weight` (20, 32) in both;
/// the linear layers and the LSTM's weights are transposed, and the LSTM's one bias is
/// written as `bias_ih_l0` with `bias_hh_l0` zeros.
impl Model for Captioner {
    #[track_caller]
    fn forward(&self, inputs: &[Tensor], _mode: &mut Mode<'_>) -> Tensor {
        let [images, tokens] = inputs else {
            panic!("Captioner::forward: {} inputs, expected 2: [images, tokens]", inputs.len())
        };
        let batch = images.shape().first().copied().unwrap_or(0);
        assert!(
            tokens.rank() == 2 && tokens.shape()[0] == batch,
            "Captioner::forward: tokens of shape {:?}, expected (batch {batch}, steps)",
            tokens.shape()
        );
        let ids: Vec<usize> = tokens
            .data()
            .iter()
            .map(|&t| {
                assert!(
                    t >= 0.0 && t.fract() == 0.0 && (t as usize) < VOCAB.len(),
                    "Captioner::forward: token {t} is not a token id 0..{}",
                    VOCAB.len()
                );
                t as usize
            })
            .collect();
        self.logits(images, &ids)
    }

    fn named_parameters(&self) -> Vec<Named<'_>> {
        let mut all = Vec::new();
        for (k, block) in self.convs.iter().enumerate() {
            all.push(Named::same(format!("convs.{k}.weight"), &block.weight));
            all.push(Named::same(format!("convs.{k}.bias"), &block.bias));
        }
        all.extend(Named::linear("mlp_hidden", &self.mlp_hidden));
        all.extend(Named::linear("mlp_state", &self.mlp_state));
        all.push(Named::same("embedding.weight", &self.embedding.weight));
        all.extend(self.lstm.cell.named_parameters("lstm", "_l0"));
        all.extend(Named::linear("readout", &self.readout));
        all
    }

    fn parameters_mut(&mut self) -> Vec<&mut Parameter> {
        let mut all: Vec<&mut Parameter> =
            self.convs.iter_mut().flat_map(|b| [&mut b.weight, &mut b.bias]).collect();
        all.extend(self.mlp_hidden.parameters_mut());
        all.extend(self.mlp_state.parameters_mut());
        all.extend(self.embedding.parameters_mut());
        all.extend(self.lstm.cell.parameters_mut());
        all.extend(self.readout.parameters_mut());
        all
    }
}
