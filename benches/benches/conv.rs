//! conv2d forward and forward+backward: batch 64, 3 -> 16 channels, 32x32, 3x3, pad 1.
//! Peers: peers/torch_bench.py, peers/jax_bench.py (workload "conv2d").

use autograd::Tensor;
use benches::bench_rng;
use criterion::{Criterion, criterion_group, criterion_main};

fn conv2d(c: &mut Criterion) {
    let mut rng = bench_rng();
    let x = Tensor::randn(&[64, 3, 32, 32], 0.0, 1.0, &mut rng).as_var();
    let w = Tensor::randn(&[16, 3, 3, 3], 0.0, 0.2, &mut rng).as_var();
    let b = Tensor::zeros(&[16]).as_var();
    let mut group = c.benchmark_group("conv2d_64x3x32x32_16x3x3");
    group.bench_function("forward", |bench| bench.iter(|| x.conv2d(&w, Some(&b), 1, 1)));
    group.bench_function("forward_backward", |bench| {
        bench.iter(|| x.conv2d(&w, Some(&b), 1, 1).sum_all(false).backward())
    });
    group.finish();
}

criterion_group!(benches, conv2d);
criterion_main!(benches);
