//! Chapter 10's captioner (captioning SPEC section 10): one training step of a batch of
//! 32 shape-scene images (CNN -> MLP -> LSTM decoder, teacher forcing, cross-entropy,
//! backward, clipping to norm 5, Adam), and greedy decoding of 250 test images.
//!
//! `benches/peers/torch_captioning.py` is the same workloads in PyTorch, and
//! `python3 benches/peers/captioning_compare.py` runs both sides in alternating rounds
//! and writes `benches/results/captioning-avx2.json`, which chapter 10 draws.

use autograd::{Adam, seeded_rng};
use criterion::{Criterion, criterion_group, criterion_main};
use models::captioner::{Captioner, batch, train_step};
use models::scenes::{DATASET_SEED, ShapeScenes, Split};

fn captioning(c: &mut Criterion) {
    let data = ShapeScenes::generate(DATASET_SEED, Split::Train);
    let test = ShapeScenes::generate(DATASET_SEED, Split::Test);
    let mut rng = seeded_rng(0);
    let mut model = Captioner::init(&mut rng);
    let mut adam = Adam::new(2e-3);
    let train_batch = batch(&data, &(0..32).collect::<Vec<_>>(), false);
    let mut group = c.benchmark_group("captioner_batch_32");
    group.bench_function("train_step", |b| b.iter(|| train_step(&mut model, &mut adam, &train_batch, 5.0)));
    // Decoded by a fresh model, as in the PyTorch script: one trained on a single batch
    // might stop early.
    let fresh = Captioner::init(&mut rng);
    let images = batch(&test, &(0..250).collect::<Vec<_>>(), false).images;
    group.bench_function("greedy_250", |b| b.iter(|| fresh.greedy(&images)));
    group.finish();
}

criterion_group!(benches, captioning);
criterion_main!(benches);
