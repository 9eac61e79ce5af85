//! Every instruction set's loops (`simd::widest`) give the same bits: the baseline's,
//! AVX2's and, on a host that has it, AVX-512's. (The matrix products' kernels are
//! held to the same bits in `autograd/src/sgemm/tests.rs`.)

use autograd::{Tensor, seeded_rng};

/// Every op's output and input gradients, through one path or the other.
fn run_all(x: &Tensor, y: &Tensor, gates: &Tensor, cell: &Tensor) -> Vec<Vec<u32>> {
    let xv = x.as_var();
    let yv = y.as_var();
    let (g, c) = (gates.as_var(), cell.as_var());
    let outputs = [
        xv.exp(),
        xv.tanh(),
        xv.sigmoid(),
        xv.relu(),
        xv.abs().add_scalar(0.5).log(),
        xv.abs().sqrt(),
        xv.mul(&yv),
        xv.div(&yv.abs().add_scalar(0.1)),
        xv.add(&yv),
        g.lstm_pointwise(&c),
        xv.bce_with_logits(&y.sigmoid()),
    ];
    let mut bits = Vec::new();
    for out in &outputs {
        bits.push(out.data().iter().map(|v| v.to_bits()).collect());
        let grads = out.mul(&out.tanh()).sum_all(false).backward();
        for input in [&xv, &yv, &g, &c] {
            if let Some(grad) = grads.get(input) {
                bits.push(grad.data().iter().map(|v| v.to_bits()).collect());
            }
        }
    }
    bits
}

#[test]
fn wide_and_baseline_loops_agree_to_the_bit() {
    let mut rng = seeded_rng(3);
    // Values from tiny to past the overflow guards, and some exact edge cases.
    let mut values: Vec<f32> = (0..70_000).map(|i| (i as f32 - 35_000.0) * 3e-3).collect();
    values.extend([0.0, -0.0, 1e-30, -1e-30, 88.0, -104.0, 300.0, -300.0]);
    values.extend(Tensor::randn(&[4_096], 0.0, 4.0, &mut rng).data());
    let n = values.len();
    let x = Tensor::from_vec(values, &[n]);
    let y = Tensor::randn(&[n], 0.0, 2.0, &mut rng);
    let gates = Tensor::randn(&[37, 4 * 53], 0.0, 3.0, &mut rng);
    let cell = Tensor::randn(&[37, 53], 0.0, 1.0, &mut rng);
    use autograd::simd::{Isa, active, detected, limit_to};
    let mut runs = Vec::new();
    for isa in [Isa::Baseline, Isa::Avx2, Isa::Avx512].into_iter().filter(|&isa| isa <= detected()) {
        limit_to(isa);
        assert_eq!(active(), isa);
        runs.push((isa, run_all(&x, &y, &gates, &cell)));
    }
    limit_to(Isa::Avx512);
    let names: Vec<_> = runs.iter().map(|(isa, _)| isa.name()).collect();
    eprintln!("paths compared on this host: {names:?}");
    let (_, baseline) = &runs[0];
    for (isa, wide) in &runs[1..] {
        assert_eq!(baseline.len(), wide.len());
        for (k, (a, b)) in baseline.iter().zip(wide).enumerate() {
            let differ = a.iter().zip(b).filter(|(p, q)| p != q).count();
            assert_eq!(
                differ,
                0,
                "{}, output/gradient {k}: {differ} of {} values differ from the baseline's",
                isa.name(),
                a.len()
            );
        }
    }
}
