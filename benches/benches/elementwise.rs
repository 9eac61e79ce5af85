//! Elementwise forward and forward+backward on 1M elements, and the smallest
//! possible graph (a 1-element add and its backward) to measure per-op overhead.

use autograd::Tensor;
use benches::bench_rng;
use criterion::{Criterion, criterion_group, criterion_main};

fn elementwise(c: &mut Criterion) {
    let mut rng = bench_rng();
    let a = Tensor::randn(&[1024, 1024], 0.0, 1.0, &mut rng).as_var();
    let b = Tensor::randn(&[1024, 1024], 0.0, 1.0, &mut rng).as_var();
    let mut group = c.benchmark_group("elementwise_1m");
    group.bench_function("add", |bench| bench.iter(|| a.add(&b)));
    group.bench_function("mul", |bench| bench.iter(|| a.mul(&b)));
    group.bench_function("exp", |bench| bench.iter(|| a.exp()));
    group.bench_function("tanh", |bench| bench.iter(|| a.tanh()));
    group.bench_function("add_row_broadcast", |bench| {
        let row = Tensor::randn(&[1024], 0.0, 1.0, &mut rng).as_var();
        bench.iter(|| a.add(&row))
    });
    group.bench_function("mul_sum_backward", |bench| bench.iter(|| a.mul(&b).sum_all(false).backward()));
    group.finish();
}

fn tiny_op_overhead(c: &mut Criterion) {
    let a = Tensor::var(vec![1.0], &[1]);
    let b = Tensor::var(vec![2.0], &[1]);
    c.bench_function("tiny_add_backward", |bench| bench.iter(|| a.add(&b).backward()));
}

criterion_group!(benches, elementwise, tiny_op_overhead);
criterion_main!(benches);
