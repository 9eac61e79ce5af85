//! The two alignment losses that coordinate an image space with an audio space. Both
//! compare every image code in a batch with every audio code through the cosine
//! similarity matrix S = U V^T of the unit-length codes: S[i][i] is a matched pair,
//! S[i][j] (j ≠ i) a mismatched one.

use autograd::Tensor;

/// Rows scaled to unit length: x / sqrt(Σ x² + ε). torch: `F.normalize(x, dim=1)`
pub fn unit_rows(x: &Tensor) -> Tensor {
    x.div(&x.square().sum(1, true).add_scalar(1e-8).sqrt())
}

// ANCHOR: margin
/// Max-margin ranking (DeViSE, Frome et al. 2013; both directions as in Kiros et al.
/// 2014): every matched pair should beat every mismatched one by `margin`,
///
///   L = mean over (i, j) of [margin - S_ii + S_ij]+  +  [margin - S_jj + S_ij]+,
///
/// over the pairs (i, j) whose digits differ. A same-digit utterance is not a
/// mismatch here: the pairs share nothing but the digit, so it is no worse a partner
/// than the assigned one.
pub fn margin_ranking(s: &Tensor, labels: &[usize], margin: f32) -> Tensor {
    let n = labels.len();
    let mismatched: Vec<f32> =
        (0..n * n).map(|k| f32::from(u8::from(labels[k / n] != labels[k % n]))).collect();
    let count = mismatched.iter().sum::<f32>().max(1.0);
    let mask = Tensor::from_vec(mismatched, &[n, n]);
    let matched = s.mul(&Tensor::from_vec(eye(n), &[n, n])).sum(1, true); // S_ii, (n, 1)
    let image_query = s.sub(&matched).add_scalar(margin).relu(); // rank the audios for image i
    let audio_query = s.sub(&matched.t()).add_scalar(margin).relu(); // rank the images for audio j
    image_query.add(&audio_query).mul(&mask).sum_all(false).scale(1.0 / count)
}
// ANCHOR_END: margin

// ANCHOR: infonce
/// InfoNCE (van den Oord et al. 2018), symmetric as in CLIP (Radford et al. 2021):
/// each image must pick its own utterance out of the batch, and each utterance its
/// image, by a softmax over similarities divided by a temperature τ,
///
///   L = ½ [ CE(S / τ, diagonal) + CE(Sᵀ / τ, diagonal) ].
///
/// Every other item in the batch is a negative, same digit or not: the loss as it is
/// defined and used.
pub fn info_nce(s: &Tensor, temperature: f32) -> Tensor {
    let n = s.shape()[0];
    let targets: Vec<usize> = (0..n).collect();
    let logits = s.scale(1.0 / temperature);
    logits.cross_entropy(&targets).add(&logits.t().cross_entropy(&targets)).scale(0.5)
}
// ANCHOR_END: infonce

fn eye(n: usize) -> Vec<f32> {
    (0..n * n).map(|k| f32::from(u8::from(k / n == k % n))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn margin_loss_by_hand() {
        // Two pairs of different digits, S = [[0.9, 0.5], [0.1, 0.2]], margin 0.2:
        // image 0: [0.2 - 0.9 + 0.5]+ = 0;   image 1: [0.2 - 0.2 + 0.1]+ = 0.1
        // audio 0 (column 0): image 1 vs matched 0.9: [0.2 - 0.9 + 0.1]+ = 0
        // audio 1 (column 1): image 0 vs matched 0.2: [0.2 - 0.2 + 0.5]+ = 0.5
        // two mismatched cells: (0 + 0.1 + 0 + 0.5) / 2 = 0.3
        let s = Tensor::from_vec(vec![0.9, 0.5, 0.1, 0.2], &[2, 2]);
        assert!((margin_ranking(&s, &[3, 7], 0.2).item() - 0.3).abs() < 1e-6);
        // The same digit twice: no mismatched pair, no loss.
        assert_eq!(margin_ranking(&s, &[3, 3], 0.2).item(), 0.0);
    }

    #[test]
    fn info_nce_by_hand() {
        // S = [[1, 0], [0, 1]], τ = 1: each row's CE is log(1 + e^-1) = 0.31326.
        let s = Tensor::from_vec(vec![1.0, 0.0, 0.0, 1.0], &[2, 2]);
        assert!((info_nce(&s, 1.0).item() - (1.0 + (-1f32).exp()).ln()).abs() < 1e-6);
    }

    #[test]
    fn both_losses_pass_gradcheck() {
        let mut rng = autograd::seeded_rng(3);
        let var =
            |rng: &mut autograd::Rng| Tensor::var(Tensor::randn(&[4, 3], 0.0, 1.0, rng).to_vec(), &[4, 3]);
        let inputs = [var(&mut rng), var(&mut rng)];
        let similarity = |t: &[Tensor]| unit_rows(&t[0]).matmul(&unit_rows(&t[1]).t());
        autograd::gradcheck("margin_ranking", &inputs, |t| {
            margin_ranking(&similarity(t), &[0, 1, 0, 2], 0.5)
        })
        .unwrap();
        autograd::gradcheck("info_nce", &inputs, |t| info_nce(&similarity(t), 0.1)).unwrap();
    }
}
