//! CSR x dense: 100k nodes, 1M edges, 64 features. Peers: peers/scipy_bench.py,
//! peers/torch_bench.py (workload "spmm").

use autograd::Tensor;
use benches::{bench_rng, random_graph};
use criterion::{Criterion, criterion_group, criterion_main};

fn spmm(c: &mut Criterion) {
    let mut rng = bench_rng();
    let a = random_graph(100_000, 1_000_000, &mut rng);
    let x = Tensor::randn(&[100_000, 64], 0.0, 1.0, &mut rng).as_var();
    let _ = a.transpose(); // built once, as in training; not part of the timing
    let mut group = c.benchmark_group("spmm_100k_1m_64");
    group.sample_size(20);
    group.bench_function("forward", |bench| bench.iter(|| a.matmul(&x)));
    group.bench_function("forward_backward", |bench| bench.iter(|| a.matmul(&x).sum_all(false).backward()));
    group.finish();
}

criterion_group!(benches, spmm);
criterion_main!(benches);
