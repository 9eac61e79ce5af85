//! The RBM's tests: exact enumeration on tiny models, CD, AIS.

use super::*;

fn tiny() -> Rbm {
    Rbm {
        gaussian: false,
        weight: Tensor::from_vec(vec![0.5, -1.0, 0.25, 2.0, -0.5, 0.75], &[3, 2]),
        visible_bias: Tensor::from_vec(vec![0.1, -0.2, 0.3], &[3]),
        hidden_bias: Tensor::from_vec(vec![-0.4, 0.6], &[2]),
    }
}

/// E(v, h) = -v W h - a·v - b·h, by hand.
fn energy(r: &Rbm, v: &[f32], h: &[f32]) -> f64 {
    let (w, a, b) = (r.weight.data(), r.visible_bias.data(), r.hidden_bias.data());
    let mut e = 0.0;
    for i in 0..3 {
        for j in 0..2 {
            e -= (v[i] * w[i * 2 + j] * h[j]) as f64;
        }
        e -= (a[i] * v[i]) as f64;
    }
    e - (0..2).map(|j| (b[j] * h[j]) as f64).sum::<f64>()
}

fn states(n: usize) -> Vec<Vec<f32>> {
    (0..1u32 << n).map(|s| (0..n).map(|i| (s >> i & 1) as f32).collect()).collect()
}

#[test]
fn free_energy_and_partition_function_match_brute_force() {
    let r = tiny();
    // F(v) = -log Σ_h e^-E(v, h); Z = Σ_v Σ_h e^-E(v, h).
    let mut z = 0.0;
    for v in states(3) {
        let sum: f64 = states(2).iter().map(|h| (-energy(&r, &v, h)).exp()).sum();
        let f = r.free_energy(&Tensor::from_vec(v.clone(), &[1, 3]))[0];
        assert!((f + sum.ln()).abs() < 1e-6, "F({v:?}) = {f}, brute force {}", -sum.ln());
        z += sum;
    }
    assert!((r.log_partition_exact().unwrap() - z.ln()).abs() < 1e-6);
}

#[test]
fn conditionals_are_the_sigmoids_of_the_fields() {
    let r = tiny();
    let ph = r.hidden_probs(&Tensor::from_vec(vec![1.0, 0.0, 1.0], &[1, 3])).to_vec();
    // b + v W = (-0.4 + 0.5 - 0.5, 0.6 - 1.0 + 0.75) = (-0.4, 0.35)
    let s = |x: f32| 1.0 / (1.0 + (-x).exp());
    assert!((ph[0] - s(-0.4)).abs() < 1e-6 && (ph[1] - s(0.35)).abs() < 1e-6);
}

#[test]
fn gaussian_free_energy_is_the_hidden_sum_of_the_gaussian_energy() {
    // F(v) = Σ (v - a)² / 2 - Σ_j softplus(b_j + (v W)_j): check one hand-computed row.
    let r = Rbm { gaussian: true, ..tiny() };
    let v = [0.5f32, -1.0, 2.0];
    let quadratic: f64 = [(0.5f64 - 0.1), (-1.0 - -0.2), (2.0 - 0.3)].iter().map(|d| d * d / 2.0).sum();
    // b + v W = (-0.4 + 0.25 - 0.25 - 1.0, 0.6 - 0.5 - 2.0 + 1.5) = (-1.4, -0.4)
    let expected = quadratic - softplus(-1.4) - softplus(-0.4);
    let got = r.free_energy(&Tensor::from_vec(v.to_vec(), &[1, 3]))[0];
    assert!((got - expected).abs() < 1e-5, "{got} vs {expected}");
    assert!(r.log_partition_exact().is_err());
}

#[test]
fn ais_agrees_with_enumeration_on_a_small_random_rbm() {
    let mut rng = autograd::seeded_rng(5);
    let r = Rbm {
        gaussian: false,
        weight: Tensor::randn(&[20, 12], 0.0, 0.5, &mut rng),
        visible_bias: Tensor::randn(&[20], 0.0, 0.5, &mut rng),
        hidden_bias: Tensor::randn(&[12], 0.0, 0.5, &mut rng),
    };
    let exact = r.log_partition_exact().unwrap();
    let ais = r.log_partition_ais(&[0.0; 20], 1000, 200, &mut rng).log_z;
    assert!((ais - exact).abs() < 0.2, "AIS {ais} vs exact {exact}");
}

#[test]
fn ais_standard_error_covers_the_exact_value_and_shrinks_with_more_runs() {
    let mut rng = autograd::seeded_rng(7);
    let r = Rbm {
        gaussian: false,
        weight: Tensor::randn(&[20, 10], 0.0, 0.6, &mut rng),
        visible_bias: Tensor::randn(&[20], 0.0, 0.5, &mut rng),
        hidden_bias: Tensor::randn(&[10], 0.0, 0.5, &mut rng),
    };
    let exact = r.log_partition_exact().unwrap();
    // Few temperatures, so the weights scatter and the error is easy to see.
    let few = r.log_partition_ais(&[0.0; 20], 30, 50, &mut rng);
    let many = r.log_partition_ais(&[0.0; 20], 30, 800, &mut rng);
    for e in [few, many] {
        assert!(e.std_error > 0.0 && e.std_error.is_finite(), "{e:?}");
        assert!((e.log_z - exact).abs() < 3.0 * e.std_error, "{e:?} vs exact {exact}");
    }
    // 16 times the runs: about a quarter of the error.
    let ratio = many.std_error / few.std_error;
    assert!((0.15..0.4).contains(&ratio), "se {} with 50 runs, {} with 800", few.std_error, many.std_error);
}

#[test]
fn ais_standard_error_by_hand() {
    // Weights 1, 1, 2, 4 (log-weights 0, 0, ln 2, ln 4): mean 2, sample sd √2,
    // se(log mean) = √2 / (√4 · 2) = √2 / 4.
    let l = [0.0, 0.0, 2f64.ln(), 4f64.ln()];
    let e = AisEstimate::from_log_weights(1.5, &l);
    assert!((e.log_z - (1.5 + 2f64.ln())).abs() < 1e-12);
    assert!((e.std_error - 2f64.sqrt() / 4.0).abs() < 1e-12, "{e:?}");
    assert_eq!(e.runs, 4);
    assert!(AisEstimate::from_log_weights(0.0, &[0.3]).std_error.is_nan());
}
