//! Block Gibbs sampling in an RBM of the size chapter 6 trains (64 binary visible
//! units, 200 hidden): one step (h ~ p(h | v), then v ~ p(v | h)) on 100 chains, and
//! one CD-1 update on a minibatch of 20. Throughput in Gibbs steps per second is
//! 100 / (time per step). And the chapter's short run whole: 20 epochs of CD-1 on the
//! binarised training digits, batches of 20 (the issue asks for under 10 s).

use autograd::{Tensor, seeded_rng};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use models::rbm::{Cd, CdConfig, Rbm, sample};

fn gibbs(c: &mut Criterion) {
    let mut rng = seeded_rng(1);
    let mut rbm = Rbm::new(64, 200, &mut rng);
    let mut chains = sample(&Tensor::full(&[100, 64], 0.5), &mut rng);
    let mut group = c.benchmark_group("rbm_64x200");
    group.throughput(Throughput::Elements(100));
    group.bench_function("gibbs_step_100_chains", |b| {
        b.iter(|| {
            chains = rbm.gibbs(&chains, &mut rng);
        })
    });
    group.throughput(Throughput::Elements(20));
    let batch = sample(&Tensor::full(&[20, 64], 0.3), &mut rng);
    let mut cd = Cd::new(CdConfig { k: 1, lr: 0.05, momentum: 0.9, weight_decay: 1e-4 }, &rbm);
    group.bench_function("cd1_update_batch_20", |b| b.iter(|| cd.step(&mut rbm, &batch, 0.05, &mut rng)));
    group.finish();
}

fn cd1_20_epochs(c: &mut Criterion) {
    let dir = models::data::data_dir();
    let digits = models::data::load_digits(&dir.join("digits.csv")).expect("data/digits.csv");
    let split = models::data::load_split(&dir.join("pairs.csv"), &digits).expect("data/pairs.csv");
    let pixels: Vec<f32> = digits.images.iter().map(|&v| f32::from(u8::from(v * 16.0 >= 8.0))).collect();
    let mut group = c.benchmark_group("rbm_64x200");
    group.sample_size(10);
    group.bench_function("cd1_20_epochs_digits", |b| {
        b.iter(|| {
            let mut rng = seeded_rng(0);
            let mut rbm = Rbm::new(64, 200, &mut rng);
            let mut cd = Cd::new(CdConfig { k: 1, lr: 0.05, momentum: 0.9, weight_decay: 1e-4 }, &rbm);
            for _ in 0..20 {
                for batch in models::data::shuffled_batches(split.train.len(), 20, &mut rng) {
                    let rows: Vec<usize> = batch.iter().map(|&k| split.train[k]).collect();
                    let v = models::data::gather_rows(&pixels, 64, &rows);
                    cd.step(&mut rbm, &v, 0.05, &mut rng);
                }
            }
            rbm
        })
    });
    group.finish();
}

criterion_group!(benches, gibbs, cd1_20_epochs);
criterion_main!(benches);
