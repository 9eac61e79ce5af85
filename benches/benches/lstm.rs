//! One training step of a language-model-shaped recurrent workload (chapters 10 and
//! 11): inputs of 32 over T = 20 steps, batch 64, hidden 128, a linear readout to a
//! 50-word vocabulary at every step, cross-entropy over all 1,280 predictions, backward
//! through time, Adam. The LSTM (`models::seq::Lstm`, the composed cell the book
//! teaches) and a vanilla RNN of the same size.
//!
//! `benches/peers/torch_bench.py` times the same step with PyTorch's `nn.LSTM` and with
//! a hand-written loop of the same cell; `jax_bench.py` with `lax.scan` under `jit`.

use autograd::{Adam, Tensor, seeded_rng};
use criterion::{Criterion, criterion_group, criterion_main};
use models::seq::{Lstm, Rnn, sequence_cross_entropy};
use models::{Linear, Module};

const BATCH: usize = 64;
const STEPS: usize = 20;
const INPUT: usize = 32;
const HIDDEN: usize = 128;
const VOCABULARY: usize = 50;

/// The readout at every step and the cross-entropy over all of them.
fn lm_loss(hs: &Tensor, readout: &Linear, targets: &[usize], lengths: &[usize]) -> Tensor {
    let logits = readout.forward(&hs.reshape(&[BATCH * STEPS, HIDDEN])).reshape(&[BATCH, STEPS, VOCABULARY]);
    sequence_cross_entropy(&logits, targets, lengths)
}

fn lm_step(c: &mut Criterion) {
    let mut rng = seeded_rng(0);
    let x = Tensor::randn(&[BATCH, STEPS, INPUT], 0.0, 1.0, &mut rng);
    let targets: Vec<usize> = (0..BATCH * STEPS).map(|i| (i * 7 + i / 3) % VOCABULARY).collect();
    let lengths = vec![STEPS; BATCH];
    let mut group = c.benchmark_group("lstm_lm_b64_t20_h128");
    let mut lstm = Lstm::init(INPUT, HIDDEN, &mut rng);
    let mut readout = Linear::xavier(HIDDEN, VOCABULARY, &mut rng);
    let mut adam = Adam::new(1e-3);
    group.bench_function("lstm_train_step", |b| {
        b.iter(|| {
            let grads = lm_loss(&lstm.forward(&x, None, None).0, &readout, &targets, &lengths).backward();
            let mut params = lstm.cell.parameters_mut();
            params.extend(readout.parameters_mut());
            adam.step(&mut params, &grads);
        })
    });
    let mut rnn = Rnn::init(INPUT, HIDDEN, &mut rng);
    let mut readout = Linear::xavier(HIDDEN, VOCABULARY, &mut rng);
    let mut adam = Adam::new(1e-3);
    group.bench_function("rnn_train_step", |b| {
        b.iter(|| {
            let grads = lm_loss(&rnn.forward(&x, None, None).0, &readout, &targets, &lengths).backward();
            let mut params = rnn.cell.parameters_mut();
            params.extend(readout.parameters_mut());
            adam.step(&mut params, &grads);
        })
    });
    group.finish();
}

criterion_group!(benches, lm_step);
criterion_main!(benches);
