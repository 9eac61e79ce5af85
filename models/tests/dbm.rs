//! The deep Boltzmann machine: mean-field against exact posteriors on models small
//! enough to enumerate, the lower bound, the partition function, learning.

use autograd::{Tensor, seeded_rng};
use models::dbm::{Dbm, MeanFieldConfig, Pcd, PcdConfig, Units};
use models::rbm::Rbm;

/// A chain v - h1 - h2 of binary layers with weights N(0, scale²) and random biases.
fn chain(sizes: &[usize], scale: f32, seed: u64) -> Dbm {
    let mut rng = seeded_rng(seed);
    let layers: Vec<(String, usize, Units)> =
        sizes.iter().enumerate().map(|(i, &n)| (format!("layer {i}"), n, Units::Binary)).collect();
    let named: Vec<(&str, usize, Units)> = layers.iter().map(|(s, n, u)| (s.as_str(), *n, *u)).collect();
    let edges: Vec<(usize, usize)> = (1..sizes.len()).map(|i| (i - 1, i)).collect();
    let mut dbm = Dbm::new(&named, &edges, &mut rng);
    for e in &mut dbm.edges {
        e.weight = Tensor::randn(e.weight.shape(), 0.0, scale, &mut rng);
    }
    for l in &mut dbm.layers {
        l.bias = Tensor::randn(l.bias.shape(), 0.0, 0.5, &mut rng);
    }
    dbm
}

/// Every joint state of the hidden layers (all but layer 0) with layer 0 set to `v`,
/// one row each.
fn hidden_states(dbm: &Dbm, v: &[f32]) -> Vec<Tensor> {
    let bits: usize = dbm.layers[1..].iter().map(|l| l.size()).sum();
    let rows = 1usize << bits;
    let mut states = vec![Tensor::from_vec(v.repeat(rows), &[rows, v.len()])];
    let mut offset = 0;
    for l in &dbm.layers[1..] {
        let n = l.size();
        let values: Vec<f32> = (0..rows)
            .flat_map(|r| (0..n).map(move |j| f32::from(u8::from(r >> (offset + j) & 1 == 1))))
            .collect();
        states.push(Tensor::from_vec(values, &[rows, n]));
        offset += n;
    }
    states
}

fn logsumexp(xs: &[f64]) -> f64 {
    let m = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    m + xs.iter().map(|x| (x - m).exp()).sum::<f64>().ln()
}

#[test]
fn a_dbm_with_one_hidden_layer_is_an_rbm_and_mean_field_is_exact() {
    let dbm = chain(&[5, 4], 1.0, 1);
    let rbm = Rbm {
        gaussian: false,
        weight: dbm.edges[0].weight.clone(),
        visible_bias: dbm.layers[0].bias.clone(),
        hidden_bias: dbm.layers[1].bias.clone(),
    };
    let log_z = dbm.log_partition_exact().unwrap();
    assert!((log_z - rbm.log_partition_exact().unwrap()).abs() < 1e-4, "{log_z}");
    // One hidden layer: the posterior is a product of independent units, so q is exact
    // and the bound is log p(v).
    let v = Tensor::from_vec(vec![1., 0., 1., 1., 0., 0., 0., 1., 0., 1.], &[2, 5]);
    let config = MeanFieldConfig::default();
    let q = dbm.mean_field(&[Some(&v), None], &config);
    assert!(q.converged(&config) && q.sweeps <= 2, "{} sweeps, change {}", q.sweeps, q.last_change);
    let bound = dbm.lower_bound(&[Some(&v), None], &q, log_z);
    let exact: Vec<f64> = rbm.free_energy(&v).iter().map(|f| -f - log_z).collect();
    for (b, e) in bound.iter().zip(&exact) {
        assert!((b - e).abs() < 1e-4, "bound {b} vs log p(v) {e}");
    }
}

#[test]
fn mean_field_reaches_its_fixed_point_and_the_bound_is_log_p_minus_the_kl() {
    // v (4) - h1 (3) - h2 (2), weights large enough that h1 and h2 are correlated given v.
    let dbm = chain(&[4, 3, 2], 1.5, 2);
    let log_z = dbm.log_partition_exact().unwrap();
    let config = MeanFieldConfig { tolerance: 1e-6, max_sweeps: 500 };
    for v in [[1., 0., 1., 1.], [0., 0., 0., 1.], [1., 1., 1., 1.]] {
        let vt = Tensor::from_vec(v.to_vec(), &[1, 4]);
        let q = dbm.mean_field(&[Some(&vt), None, None], &config);
        assert!(q.converged(&config), "change {} after {} sweeps", q.last_change, q.sweeps);
        // The fixed point: each layer's means are the sigmoid of their field.
        for l in 1..3 {
            let field = dbm.field(l, &q.means);
            for (m, f) in q.means[l].data().iter().zip(field.data().iter()) {
                assert!((m - 1.0 / (1.0 + (-f).exp())).abs() < 1e-5);
            }
        }
        // Exact posterior by enumerating the 2^5 hidden states.
        let states = hidden_states(&dbm, &v);
        let neg_e: Vec<f64> = dbm.energy(&states).iter().map(|e| -e).collect();
        let log_pv = logsumexp(&neg_e) - log_z;
        let bound = dbm.lower_bound(&[Some(&vt), None, None], &q, log_z)[0];
        assert!(bound <= log_pv + 1e-9, "bound {bound} above log p(v) {log_pv}");
        // log p(v) = bound + KL(q || p(h | v)), with the KL computed by enumeration.
        let log_post: Vec<f64> = neg_e.iter().map(|x| x - logsumexp(&neg_e)).collect();
        let mut kl = 0.0;
        for (r, lp) in log_post.iter().enumerate() {
            let mut log_q = 0.0;
            // The hidden layers (1 and 2): their means under q and their enumerated states.
            for (means, state) in q.means.iter().zip(&states).skip(1) {
                let n = means.shape()[1];
                for (j, &m) in means.data().iter().enumerate() {
                    let x = state.data()[r * n + j];
                    log_q += f64::from(if x > 0.5 { m } else { 1.0 - m }).ln();
                }
            }
            kl += log_q.exp() * (log_q - lp);
        }
        assert!((bound + kl - log_pv).abs() < 1e-4, "bound {bound} + KL {kl} vs log p(v) {log_pv}");
        // The marginals are near the exact ones (mean-field ignores the correlations).
        let n1 = dbm.layers[1].size();
        for j in 0..n1 {
            let exact: f64 = log_post
                .iter()
                .enumerate()
                .map(|(r, lp)| lp.exp() * f64::from(states[1].data()[r * n1 + j]))
                .sum();
            assert!(
                (exact - f64::from(q.means[1].data()[j])).abs() < 0.2,
                "h1[{j}]: {exact} vs {}",
                q.means[1].data()[j]
            );
        }
    }
}

#[test]
fn the_partition_function_sums_gaussian_layers_out_in_closed_form() {
    // One Gaussian unit and one binary unit: Z = Σ_h e^{b h} √(2π) e^{(a + w h)² / 2}.
    let mut rng = seeded_rng(3);
    let mut dbm = Dbm::new(&[("v", 1, Units::Gaussian), ("h", 1, Units::Binary)], &[(0, 1)], &mut rng);
    let (a, b, w) = (0.3f32, -0.4f32, 0.8f32);
    dbm.layers[0].bias = Tensor::from_vec(vec![a], &[1]);
    dbm.layers[1].bias = Tensor::from_vec(vec![b], &[1]);
    dbm.edges[0].weight = Tensor::from_vec(vec![w], &[1, 1]);
    let half_log_2pi = 0.5 * (2.0 * std::f64::consts::PI).ln();
    let (a, b, w) = (f64::from(a), f64::from(b), f64::from(w));
    let by_hand = logsumexp(&[half_log_2pi + a * a / 2.0, b + half_log_2pi + (a + w).powi(2) / 2.0]);
    assert!((dbm.log_partition_exact().unwrap() - by_hand).abs() < 1e-6);
}

#[test]
fn annealed_importance_sampling_lands_on_the_exact_log_z() {
    let mut rng = seeded_rng(4);
    // Gaussian v (3) - binary h1 (4) - binary h2 (3): h1 is enumerated, v and h2 summed out.
    let mut dbm = Dbm::new(
        &[("v", 3, Units::Gaussian), ("h1", 4, Units::Binary), ("h2", 3, Units::Binary)],
        &[(0, 1), (1, 2)],
        &mut rng,
    );
    for e in &mut dbm.edges {
        e.weight = Tensor::randn(e.weight.shape(), 0.0, 0.7, &mut rng);
    }
    let exact = dbm.log_partition_exact().unwrap();
    let ais = dbm.log_partition_ais(500, 200, &mut rng).unwrap();
    assert!(
        (ais.log_z - exact).abs() < (3.0 * ais.std_error).max(0.05),
        "AIS {} ± {} vs exact {exact}",
        ais.log_z,
        ais.std_error
    );
    // And on a binary chain, with the larger side summed out.
    let dbm = chain(&[6, 4, 5], 0.8, 5);
    let exact = dbm.log_partition_exact().unwrap();
    let ais = dbm.log_partition_ais(500, 200, &mut rng).unwrap();
    assert!((ais.log_z - exact).abs() < (3.0 * ais.std_error).max(0.05), "{} vs {exact}", ais.log_z);
}

#[test]
fn a_missing_modality_is_inferred_through_the_joint_layer() {
    // image v (Gaussian) - image h - joint - text h - text v (binary).
    let mut rng = seeded_rng(6);
    let dbm = Dbm::new(
        &[
            ("image v", 3, Units::Gaussian),
            ("image h", 4, Units::Binary),
            ("joint", 3, Units::Binary),
            ("text h", 4, Units::Binary),
            ("text v", 5, Units::Binary),
        ],
        &[(0, 1), (1, 2), (2, 3), (3, 4)],
        &mut rng,
    );
    assert_eq!(dbm.parity(), &[false, true, false, true, false]);
    let image = Tensor::randn(&[7, 3], 0.0, 1.0, &mut rng);
    let config = MeanFieldConfig::default();
    let q = dbm.mean_field(&[Some(&image), None, None, None, None], &config);
    assert!(q.converged(&config));
    assert_eq!(q.means[dbm.layer("text v")].shape(), &[7, 5]);
    assert!(q.means[4].data().iter().all(|&m| (0.0..=1.0).contains(&m)));
    // Gibbs with the image clamped leaves it as given.
    let mut states = q.means.clone();
    dbm.gibbs(&mut states, &[true, false, false, false, false], &mut rng);
    assert_eq!(states[0].data(), image.data());
    assert!(states[4].data().iter().all(|&x| x == 0.0 || x == 1.0));
}

#[test]
fn learning_raises_the_lower_bound_on_the_training_data() {
    let mut rng = seeded_rng(7);
    // Two prototypes of 6 bits, each bit flipped with probability 0.1.
    let prototypes = [[1., 1., 1., 0., 0., 0.], [0., 0., 1., 1., 1., 1.]];
    let rows: Vec<f32> = (0..64)
        .flat_map(|i| {
            prototypes[i % 2]
                .iter()
                .map(|&b| if (i * 7 + 3) % 10 == 0 { 1.0 - b } else { b })
                .collect::<Vec<_>>()
        })
        .collect();
    let data = Tensor::from_vec(rows, &[64, 6]);
    let mut dbm = Dbm::new(
        &[("v", 6, Units::Binary), ("h1", 4, Units::Binary), ("h2", 2, Units::Binary)],
        &[(0, 1), (1, 2)],
        &mut rng,
    );
    let config = MeanFieldConfig::default();
    let bound = |dbm: &Dbm| {
        let q = dbm.mean_field(&[Some(&data), None, None], &config);
        let b = dbm.lower_bound(&[Some(&data), None, None], &q, dbm.log_partition_exact().unwrap());
        b.iter().sum::<f64>() / b.len() as f64
    };
    let before = bound(&dbm);
    let pcd = PcdConfig {
        lr: 0.05,
        gaussian_lr: 0.05,
        decay: 500.0,
        momentum: 0.5,
        weight_decay: 1e-4,
        gibbs_sweeps: 1,
        mean_field: config,
    };
    let mut trainer = Pcd::new(pcd, &dbm, 32, &mut rng);
    for _ in 0..600 {
        let q = trainer.step(&mut dbm, &[Some(&data), None, None], &mut rng);
        assert!(q.converged(&config));
    }
    let after = bound(&dbm);
    assert!(after > before + 1.0, "bound {before} -> {after}");
}

#[test]
#[should_panic(expected = "close an odd cycle")]
fn an_odd_cycle_is_refused() {
    let mut rng = seeded_rng(8);
    let units = Units::Binary;
    Dbm::new(&[("a", 2, units), ("b", 2, units), ("c", 2, units)], &[(0, 1), (1, 2), (2, 0)], &mut rng);
}

#[test]
#[should_panic(expected = "layer 'layer 0' has 4 units, given a tensor of shape [2, 3]")]
fn data_of_the_wrong_width_is_named() {
    let dbm = chain(&[4, 3], 1.0, 9);
    dbm.mean_field(&[Some(&Tensor::zeros(&[2, 3])), None], &MeanFieldConfig::default());
}

#[test]
fn each_example_is_swept_until_it_converges_and_no_further() {
    // Strong weights: examples need different numbers of sweeps. Reading them together
    // or one at a time gives the same means (to the tolerance) and every row converges.
    let dbm = chain(&[6, 5, 4, 3], 1.5, 11);
    let v = Tensor::from_vec(
        (0..8 * 6).map(|i| f32::from(u8::from((i * 7 + i / 6) % 3 == 0))).collect(),
        &[8, 6],
    );
    let config = MeanFieldConfig { tolerance: 1e-6, max_sweeps: 2000 };
    let together = dbm.mean_field(&[Some(&v), None, None, None], &config);
    assert!(together.converged(&config));
    assert_eq!(together.unconverged, 0);
    for r in 0..8 {
        let row = Tensor::from_vec(v.data()[r * 6..][..6].to_vec(), &[1, 6]);
        let alone = dbm.mean_field(&[Some(&row), None, None, None], &config);
        assert!(alone.sweeps <= together.sweeps);
        for l in 1..4 {
            let n = dbm.layers[l].size();
            for (a, b) in alone.means[l].data().iter().zip(&together.means[l].data()[r * n..][..n]) {
                assert!((a - b).abs() < 1e-4, "row {r}, layer {l}: {a} vs {b}");
            }
        }
    }
    // A start already at the fixed point needs one sweep to see that it is one.
    let again = dbm.mean_field_from(&[Some(&v), None, None, None], Some(&together.means), &config);
    assert_eq!(again.sweeps, 1);
}

#[test]
#[should_panic(expected = "layer 'layer 1' has 5 units, its chains have shape [4, 3]")]
fn persistent_chains_of_the_wrong_width_are_named() {
    let dbm = chain(&[6, 5, 4], 0.1, 13);
    let pcd = PcdConfig {
        lr: 0.01,
        gaussian_lr: 0.01,
        decay: 100.0,
        momentum: 0.5,
        weight_decay: 0.0,
        gibbs_sweeps: 1,
        mean_field: MeanFieldConfig::default(),
    };
    let chains = vec![Tensor::zeros(&[4, 6]), Tensor::zeros(&[4, 3]), Tensor::zeros(&[4, 4])];
    let _ = Pcd::from_chains(pcd, &dbm, chains);
}
