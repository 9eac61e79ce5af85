//! The validation statistics of SPEC section 9: what a correct generator reproduces.

use crate::linalg::{Matrix, cholesky, solve_lower, solve_lower_transposed};

use super::generate::{Split, ToyMosi};

/// The statistics of one generated dataset, in the order of SPEC section 9.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct GeneratorStats {
    /// (name, value) for every row, in `REFERENCE` order.
    pub rows: Vec<(String, f64)>,
}

/// SPEC section 9: (statistic, reference mean over seeds 0-4, reference std across seeds).
pub const REFERENCE: [(&str, f64, f64); 31] = [
    ("mean utterance length", 14.05, 0.04),
    ("mean sentiment words per utterance", 4.00, 0.05),
    ("fraction with a negator", 0.100, 0.005),
    ("fraction with an intensifier", 0.447, 0.006),
    ("P: mean", 0.521, 0.007),
    ("P: std", 1.517, 0.009),
    ("P: mean |P|", 1.367, 0.012),
    ("P: fraction > 0", 0.642, 0.006),
    ("fraction with an eye-roll", 0.232, 0.007),
    ("fraction in the sarcasm subset", 0.194, 0.007),
    ("sarcasm subset: fraction with y < 0", 0.709, 0.011),
    ("y: mean", 0.041, 0.025),
    ("y: std", 1.607, 0.014),
    ("fraction y < 0", 0.452, 0.007),
    ("fraction y = 0", 0.078, 0.004),
    ("std of y*", 1.738, 0.023),
    ("Pearson(y, P)", 0.631, 0.018),
    ("Acc-7 share of -3", 0.073, 0.007),
    ("Acc-7 share of -2", 0.110, 0.007),
    ("Acc-7 share of -1", 0.194, 0.007),
    ("Acc-7 share of 0", 0.229, 0.007),
    ("Acc-7 share of +1", 0.194, 0.007),
    ("Acc-7 share of +2", 0.120, 0.007),
    ("Acc-7 share of +3", 0.080, 0.007),
    ("R2 of P from the text summary", 0.911, 0.007),
    ("R2 of a from the audio summary", 0.968, 0.002),
    ("R2 of tone from the audio summary", 0.931, 0.008),
    ("R2 of face from the video summary", 0.953, 0.003),
    ("R2 of r from the video summary", 0.865, 0.010),
    ("video channel 4 mean, eye-roll", 1.071, 0.019),
    ("video channel 4 mean, no eye-roll", -0.001, 0.014),
];

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

fn std(v: &[f64]) -> f64 {
    let m = mean(v);
    (v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / v.len().max(1) as f64).sqrt()
}

fn fraction(v: impl Iterator<Item = bool>) -> f64 {
    let (mut yes, mut n) = (0usize, 0usize);
    for b in v {
        yes += usize::from(b);
        n += 1;
    }
    yes as f64 / n.max(1) as f64
}

/// Pearson correlation.
pub fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let (mx, my) = (mean(x), mean(y));
    let cov: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let (sx, sy): (f64, f64) =
        (x.iter().map(|a| (a - mx) * (a - mx)).sum(), y.iter().map(|b| (b - my) * (b - my)).sum());
    cov / (sx * sy).sqrt()
}

/// R² on (`x_test`, `y_test`) of the least-squares line (with intercept) fitted on
/// (`x_train`, `y_train`); rows of `x` have `dim` features.
pub fn linear_r2(x_train: &[f32], y_train: &[f64], x_test: &[f32], y_test: &[f64], dim: usize) -> f64 {
    let with_one = |x: &[f32]| -> Vec<f64> {
        x.chunks_exact(dim).flat_map(|r| r.iter().map(|&v| f64::from(v)).chain([1.0])).collect()
    };
    let (xt, d) = (with_one(x_train), dim + 1);
    let n = y_train.len();
    let x = Matrix { rows: n, cols: d, data: xt };
    let mut gram = x.t().matmul(&x);
    for i in 0..d {
        gram.data[i * d + i] += 1e-9 * n as f64; // a whisper of ridge keeps it invertible
    }
    let xty = x.t().matmul(&Matrix { rows: n, cols: 1, data: y_train.to_vec() });
    let l = cholesky(&gram).expect("the Gram matrix with a ridge is positive definite");
    let w = solve_lower_transposed(&l, &solve_lower(&l, &xty));
    let test = with_one(x_test);
    let predictions: Vec<f64> =
        test.chunks_exact(d).map(|r| r.iter().zip(&w.data).map(|(a, b)| a * b).sum()).collect();
    let m = mean(y_test);
    let sse: f64 = predictions.iter().zip(y_test).map(|(p, y)| (p - y) * (p - y)).sum();
    let sst: f64 = y_test.iter().map(|y| (y - m) * (y - m)).sum();
    1.0 - sse / sst
}

impl GeneratorStats {
    /// Every statistic of SPEC section 9 for `data`.
    pub fn of(data: &ToyMosi) -> GeneratorStats {
        let u = &data.utterances;
        let p: Vec<f64> = u.iter().map(|x| x.polarity).collect();
        let y: Vec<f64> = u.iter().map(|x| x.label).collect();
        let y_star: Vec<f64> = u.iter().map(|x| x.y_star).collect();
        let sarcastic: Vec<_> = u.iter().filter(|x| x.sarcastic()).collect();
        let r2 = |latent: fn(&super::Utterance) -> f64, summary: fn(&super::Utterance) -> &[f32]| {
            let pick = |split: Split| {
                let rows: Vec<_> = u.iter().filter(|x| x.split == split).collect();
                let x: Vec<f32> = rows.iter().flat_map(|x| summary(x).to_vec()).collect();
                let t: Vec<f64> = rows.iter().map(|x| latent(x)).collect();
                (x, t)
            };
            let ((xa, ya), (xb, yb)) = (pick(Split::Train), pick(Split::Test));
            let dim = summary(&u[0]).len();
            linear_r2(&xa, &ya, &xb, &yb, dim)
        };
        let share = |class: i32| fraction(y.iter().map(|v| (v.round().clamp(-3.0, 3.0) as i32) == class));
        let gaze = |rolled: bool| -> f64 {
            mean(
                &u.iter()
                    .filter(|x| x.eye_roll == rolled)
                    .map(|x| f64::from(x.video_mean[4]))
                    .collect::<Vec<_>>(),
            )
        };
        let mut rows = vec![
            mean(&u.iter().map(|x| x.len() as f64).collect::<Vec<_>>()),
            mean(&u.iter().map(|x| x.sentiment_words as f64).collect::<Vec<_>>()),
            fraction(u.iter().map(|x| x.tokens.iter().any(|&w| w < 4))),
            fraction(u.iter().map(|x| x.tokens.iter().any(|&w| (4..8).contains(&w)))),
            mean(&p),
            std(&p),
            mean(&p.iter().map(|v| v.abs()).collect::<Vec<_>>()),
            fraction(p.iter().map(|&v| v > 0.0)),
            fraction(u.iter().map(|x| x.eye_roll)),
            sarcastic.len() as f64 / u.len() as f64,
            fraction(sarcastic.iter().map(|x| x.label < 0.0)),
            mean(&y),
            std(&y),
            fraction(y.iter().map(|&v| v < 0.0)),
            fraction(y.iter().map(|&v| v == 0.0)),
            std(&y_star),
            pearson(&y, &p),
        ];
        rows.extend((-3..=3).map(share));
        rows.extend([
            r2(|x| x.polarity, |x| &x.text_mean),
            r2(|x| x.arousal, |x| &x.audio_mean),
            r2(|x| x.tone, |x| &x.audio_mean),
            r2(|x| x.face, |x| &x.video_mean),
            r2(|x| f64::from(u8::from(x.eye_roll)), |x| &x.video_mean),
            gaze(true),
            gaze(false),
        ]);
        GeneratorStats { rows: REFERENCE.iter().zip(rows).map(|(r, v)| (r.0.to_string(), v)).collect() }
    }
}
