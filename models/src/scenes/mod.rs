//! Shape scenes: a procedural image-captioning dataset for the CNN -> MLP -> LSTM
//! encoder-decoder (`SPEC.md` beside this file, v1.0). 32 x 32 images of one or two
//! coloured shapes with grammatical captions; four colour-shape pairs never occur in
//! training. Every image is a function of (dataset seed, split, index) through integer
//! arithmetic on SplitMix64, so this implementation reproduces the reference one bit
//! for bit (section 9's hashes, checked in `models/tests/scenes.rs`).

mod bleu;
mod caption;
mod raster;
mod rng;
mod scene;
mod score;

pub use bleu::{Bleu, corpus_bleu};
pub use caption::{
    BOS, EOS, MAX_GENERATED, PAD, Parsed, SEQ_LEN, Stated, VOCAB, canonical, parse, references, token,
    training_tokens, words_of,
};
pub use raster::{IMAGE_BYTES, coverage, render, to_chw};
pub use rng::{SplitMix64, image_seed, mix64};
pub use scene::{
    ALLOWED, COLOURS, DATASET_SEED, HELDOUT, Object, RELATIONS, SHAPES, SIZES, Scene, Split, W, draw_scene,
    inverse,
};
pub use score::{Attributes, ImageScore, attributes, score_caption};

/// One split: the scene records and their images (HWC `u8`, `IMAGE_BYTES` each).
#[derive(Clone, Debug)]
pub struct ShapeScenes {
    /// Which split.
    pub split: Split,
    /// The scene records, by index.
    pub scenes: Vec<Scene>,
    /// The images, by index, concatenated.
    pub images: Vec<u8>,
}

impl ShapeScenes {
    /// Generate every image of `split`.
    pub fn generate(dataset_seed: u64, split: Split) -> ShapeScenes {
        let mut scenes = Vec::with_capacity(split.images());
        let mut images = Vec::with_capacity(split.images() * IMAGE_BYTES);
        for index in 0..split.images() {
            let (scene, mut rng) = draw_scene(dataset_seed, split, index);
            images.extend(render(&scene, &mut rng));
            scenes.push(scene);
        }
        ShapeScenes { split, scenes, images }
    }

    /// Number of images.
    pub fn len(&self) -> usize {
        self.scenes.len()
    }

    /// Whether the split is empty.
    pub fn is_empty(&self) -> bool {
        self.scenes.is_empty()
    }

    /// The bytes of image `index`.
    pub fn image(&self, index: usize) -> &[u8] {
        &self.images[index * IMAGE_BYTES..(index + 1) * IMAGE_BYTES]
    }

    /// The model inputs of `indices`, (len, 3, 32, 32) CHW in [-0.5, 0.5], row-major.
    pub fn inputs(&self, indices: &[usize]) -> Vec<f32> {
        let mut out = Vec::with_capacity(indices.len() * IMAGE_BYTES);
        for &i in indices {
            to_chw(self.image(i), &mut out);
        }
        out
    }
}

/// FNV-1a 64 of bytes (SPEC section 9's hashes).
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ b as u64).wrapping_mul(0x100_0000_01b3))
}
