//! The RBM learns: contrastive divergence on the binarised digits raises the exact
//! log-likelihood of a model small enough to enumerate, and annealed importance
//! sampling agrees with the exact log partition function of the trained model.

use autograd::{Tensor, seeded_rng};
use models::data::{data_dir, gather_rows, load_digits, load_split, shuffled_batches};
use models::rbm::{Cd, CdConfig, Rbm};

#[test]
fn cd_raises_the_exact_likelihood_and_ais_matches_it() {
    let digits = load_digits(&data_dir().join("digits.csv")).unwrap();
    let split = load_split(&data_dir().join("pairs.csv"), &digits).unwrap();
    // Binarised at 8 on the 0..16 scale.
    let binary: Vec<f32> = digits.images.iter().map(|&v| f32::from(u8::from(v * 16.0 >= 8.0))).collect();
    let mut rng = seeded_rng(0);
    let mut rbm = Rbm::new(64, 16, &mut rng);
    let test = gather_rows(&binary, 64, &split.test);
    let before = rbm.log_likelihood(&test, rbm.log_partition_exact().unwrap());
    let mut cd = Cd::new(CdConfig { k: 1, lr: 0.05, momentum: 0.9, weight_decay: 1e-4 }, &rbm);
    let (mut first, mut last) = (0.0, 0.0);
    for epoch in 0..5 {
        let mut total = 0.0;
        let batches = shuffled_batches(split.train.len(), 20, &mut rng);
        for batch in &batches {
            let rows: Vec<usize> = batch.iter().map(|&b| split.train[b]).collect();
            total += cd.step(&mut rbm, &gather_rows(&binary, 64, &rows), 0.05, &mut rng);
        }
        let mean = total / batches.len() as f64;
        if epoch == 0 {
            first = mean;
        }
        last = mean;
    }
    let exact = rbm.log_partition_exact().unwrap();
    let after = rbm.log_likelihood(&test, exact);
    assert!(after > before + 5.0, "test log-likelihood {before} -> {after}");
    assert!(last < first, "reconstruction error {first} -> {last}");
    // AIS from the data's base rates, as a reader would run it on a model too big to enumerate.
    let mean: Vec<f32> = (0..64)
        .map(|j| {
            let p = split.train.iter().map(|&i| binary[i * 64 + j]).sum::<f32>() / split.train.len() as f32;
            let p = p.clamp(0.01, 0.99);
            (p / (1.0 - p)).ln()
        })
        .collect();
    let ais = rbm.log_partition_ais(&mean, 2000, 100, &mut rng);
    assert!((ais.log_z - exact).abs() < 0.2, "AIS {ais:?} vs exact {exact}");
    assert!(ais.std_error < 0.2, "AIS {ais:?}");
    // Gibbs sampling keeps states binary and shapes intact.
    let v = rbm.gibbs(&Tensor::full(&[3, 64], 1.0), &mut rng);
    assert_eq!(v.shape(), &[3, 64]);
    assert!(v.data().iter().all(|&x| x == 0.0 || x == 1.0));
}
