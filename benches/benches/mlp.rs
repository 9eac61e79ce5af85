//! One SGD training step of an MLP 784-256-256-10 (ReLU, cross-entropy) at batch 128.
//! Peers: peers/torch_bench.py, peers/jax_bench.py (workload "mlp_step").

use autograd::Sgd;
use benches::{Mlp, bench_rng, mlp_batch};
use criterion::{Criterion, criterion_group, criterion_main};

fn mlp_step(c: &mut Criterion) {
    let mut rng = bench_rng();
    let mut mlp = Mlp::new(&[784, 256, 256, 10], &mut rng);
    let (x, labels) = mlp_batch(128, 784, 10, &mut rng);
    let mut sgd = Sgd::new(0.01);
    c.bench_function("mlp_784_256_256_10_step_b128", |bench| {
        bench.iter(|| mlp.train_step(&x, &labels, &mut sgd))
    });
}

criterion_group!(benches, mlp_step);
criterion_main!(benches);
