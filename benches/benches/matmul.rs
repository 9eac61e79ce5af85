//! Square sgemm through `Tensor::matmul`, 64 to 1024. Peers: peers/numpy_bench.py,
//! peers/torch_bench.py, peers/jax_bench.py (workload "matmul").

use autograd::Tensor;
use benches::bench_rng;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

fn matmul(c: &mut Criterion) {
    let mut group = c.benchmark_group("matmul");
    let mut rng = bench_rng();
    for n in [64, 128, 256, 512, 1024] {
        let a = Tensor::randn(&[n, n], 0.0, 1.0, &mut rng);
        let b = Tensor::randn(&[n, n], 0.0, 1.0, &mut rng);
        group.throughput(Throughput::Elements(2 * (n * n * n) as u64)); // flops
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |bench, _| bench.iter(|| a.matmul(&b)));
    }
    group.finish();
}

criterion_group!(benches, matmul);
criterion_main!(benches);
