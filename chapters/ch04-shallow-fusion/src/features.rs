//! Feature matrices the chapter's models read (each modality alone, or the two
//! concatenated), and the one training loop every MLP here uses.

use autograd::{Adam, Rng, Tensor, no_grad};
use models::data::{Av, AvDigits, shuffled_batches};
use models::metrics::{accuracy, argmax_rows};
use models::{Activation, Mlp, Module};

/// The digits: how many classes every classifier here scores.
pub const CLASSES: usize = 10;

/// Which inputs a model reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Inputs {
    /// The 64 standardised pixels.
    Image,
    /// The 400 standardised spectrogram cells.
    Audio,
    /// Both, concatenated: 464 numbers.
    Both,
}

impl Inputs {
    /// The name the page uses.
    pub fn name(self) -> &'static str {
        match self {
            Inputs::Image => "image",
            Inputs::Audio => "audio",
            Inputs::Both => "image + audio",
        }
    }

    /// How many numbers a row has.
    pub fn width(self, av: &Av) -> usize {
        match self {
            Inputs::Image => AvDigits::IMAGE,
            Inputs::Audio => av.audio_width(),
            Inputs::Both => AvDigits::IMAGE + av.audio_width(),
        }
    }
}

/// Rows of the inputs: image `images[i]` beside utterance `audios[i]` for `Both`.
pub fn rows(av: &Av, inputs: Inputs, images: &[usize], audios: &[usize]) -> Vec<f32> {
    let aw = av.audio_width();
    let image = |p: usize| &av.image[p * AvDigits::IMAGE..][..AvDigits::IMAGE];
    let audio = |p: usize| &av.audio[p * aw..][..aw];
    let mut out = Vec::with_capacity(images.len() * inputs.width(av));
    for (&i, &a) in images.iter().zip(audios) {
        match inputs {
            Inputs::Image => out.extend_from_slice(image(i)),
            Inputs::Audio => out.extend_from_slice(audio(a)),
            // ANCHOR: concatenate
            Inputs::Both => {
                out.extend_from_slice(image(i)); // early fusion: one vector,
                out.extend_from_slice(audio(a)); // the image's numbers, then the audio's
            } // ANCHOR_END: concatenate
        }
    }
    out
}

/// Train a classifier MLP with Adam on minibatches that `batch` builds from a list of
/// example indices; stops with an error naming the step if the loss is not finite.
pub fn train_mlp(
    model: &mut Mlp,
    examples: usize,
    epochs: usize,
    lr: f32,
    rng: &mut Rng,
    mut batch: impl FnMut(&[usize], &mut Rng) -> (Tensor, Vec<usize>),
) -> anyhow::Result<()> {
    let mut adam = Adam::new(lr);
    let mut step = 0;
    for _ in 0..epochs {
        for indices in shuffled_batches(examples, 64, rng) {
            let (x, labels) = batch(&indices, rng);
            let loss = model.forward(&x).cross_entropy(&labels);
            kit::check_finite(step, loss.item())?;
            let grads = loss.backward();
            drop(loss);
            adam.step(&mut model.parameters_mut(), &grads);
            step += 1;
        }
    }
    Ok(())
}

/// An MLP of `widths` with ReLU.
pub fn mlp(widths: &[usize], rng: &mut Rng) -> Mlp {
    Mlp::new(widths, Activation::Relu, rng)
}

/// Accuracy of `model` on rows `x` (n, width) with `labels`.
pub fn mlp_accuracy(model: &Mlp, x: &[f32], labels: &[usize]) -> f64 {
    let width = model.widths()[0];
    no_grad(|| {
        accuracy(&argmax_rows(&model.forward(&Tensor::from_vec(x.to_vec(), &[labels.len(), width]))), labels)
    })
}
