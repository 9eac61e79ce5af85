//! The conclusions the chapter's page draws, computed from its report.

use kit::Claim;
use kit::claims::num;

use crate::{Report, RunRow};

const CD: &str = "learning-by-contrastive-divergence";
const NOT_LL: &str = "reconstruction-error-is-not-the-likelihood";
const AIS: &str = "the-likelihood-by-annealed-importance-sampling";
const DREAMS: &str = "what-the-chains-dream";
const LAYERS: &str = "which-layer-knows-the-digit-best";

/// The methods' names, as `Config::methods` gives them.
pub const CD1: &str = "CD-1";
/// Ten Gibbs steps per update.
pub const CD10: &str = "CD-10";
/// Persistent CD with a decaying learning rate.
pub const PCD: &str = "PCD, decaying rate";
/// Persistent CD with a constant one.
pub const PCD_CONSTANT: &str = "PCD, constant rate";

fn run<'a>(r: &'a Report, name: &str) -> Option<&'a RunRow> {
    r.runs.iter().find(|x| x.method.name == name)
}

/// Every conclusion the page draws, computed from the report.
pub fn claims(r: &Report) -> Vec<Claim> {
    let s = &r.short;
    let mut out = vec![Claim::required(
        "cd1_learns_features",
        CD,
        s.reconstruction <= 0.04 && s.probe >= 0.93 && s.probe > r.pixel_probe,
        format!(
            "After {} epochs of CD-1, {} hidden units reconstruct the training digits with mean squared error {} per \
             pixel (bar 0.04), and softmax regression on their probabilities classifies {} of the test digits (bar \
             0.93), against {} on the binary pixels themselves.",
            s.epochs,
            r.hidden,
            num(s.reconstruction),
            num(s.probe),
            num(r.pixel_probe)
        ),
    )
    .with("reconstruction MSE", s.reconstruction)
    .with("probe on hidden probabilities", s.probe)
    .with("probe on pixels", r.pixel_probe)];
    let small = &r.small;
    out.push(
        Claim::required(
            "ais_matches_exact",
            AIS,
            (small.ais - small.exact).abs() <= 0.2,
            format!(
                "On an RBM with {} hidden units, small enough to sum over all 2^{} hidden states, log Z is {} exactly \
                 and {} by AIS: {} nats apart (bar 0.2). Its test log-likelihood is {} nats per image.",
                small.hidden,
                small.hidden,
                num(small.exact),
                num(small.ais),
                num((small.ais - small.exact).abs()),
                num(small.test_ll)
            ),
        )
        .with("exact log Z", small.exact)
        .with("AIS log Z", small.ais),
    );
    if let (Some(cd1), Some(pcd)) = (run(r, CD1), run(r, PCD)) {
        let holds = cd1.test_ll >= -19.5 && pcd.test_ll >= -17.5 && pcd.test_ll > cd1.test_ll;
        out.push(
            Claim::required(
                "pcd_beats_cd1",
                AIS,
                holds,
                format!(
                    "After {} epochs the test log-likelihood is {} nats per image for CD-1 (bar -19.5) and {} for \
                     persistent CD with a decaying learning rate (bar -17.5){}",
                    cd1.epochs,
                    num(cd1.test_ll),
                    num(pcd.test_ll),
                    if pcd.test_ll > cd1.test_ll {
                        ": the persistent chains, which wander far from the data, find and lower the energy of the \
                         places the model wrongly likes, which CD-1's one step from the data never visits."
                    } else {
                        "."
                    }
                ),
            )
            .with("CD-1", cd1.test_ll)
            .with("PCD", pcd.test_ll),
        );
        let best_recon = r.runs.iter().min_by(|a, b| a.reconstruction.total_cmp(&b.reconstruction));
        let best_ll = r.runs.iter().max_by(|a, b| a.test_ll.total_cmp(&b.test_ll));
        if let (Some(br), Some(bl)) = (best_recon, best_ll) {
            out.push(
                Claim::observation(
                    "reconstruction_is_not_likelihood",
                    NOT_LL,
                    br.method.name != bl.method.name,
                    format!(
                        "The lowest reconstruction error belongs to {} ({}), the highest test log-likelihood to {} \
                         ({} nats){}",
                        br.method.name,
                        num(br.reconstruction),
                        bl.method.name,
                        num(bl.test_ll),
                        if br.method.name != bl.method.name {
                            ": reconstruction measures one Gibbs step from the data, which a model can do well \
                             while putting much of its probability elsewhere."
                        } else {
                            ": here the two measures agree on the best method."
                        }
                    ),
                )
                .with("best reconstruction", br.reconstruction)
                .with("best test log-likelihood", bl.test_ll),
            );
        }
        out.push(
            Claim::required(
                "pcd_samples_cover_the_digits",
                DREAMS,
                pcd.commonest_share <= 0.3 && pcd.median_hamming <= 5.0,
                format!(
                    "Started from noise, the chains of the PCD model {}: the commonest, {}, is {} of the samples (bar \
                     0.3), and the median sample is {} pixels from its nearest training image (bar 5).",
                    if pcd.commonest_share <= 0.3 && pcd.median_hamming <= 5.0 {
                        "produce every kind of digit, close to real ones"
                    } else {
                        "do not cover the digits well"
                    },
                    pcd.commonest_digit,
                    num(pcd.commonest_share),
                    num(pcd.median_hamming)
                ),
            )
            .with("commonest digit's share", pcd.commonest_share)
            .with("median Hamming distance", pcd.median_hamming),
        );
        out.push(
            Claim::observation(
                "cd1_samples",
                DREAMS,
                cd1.commonest_share > pcd.commonest_share || cd1.median_hamming > pcd.median_hamming,
                format!(
                    "The CD-1 model's chains give the commonest digit ({}) a share of {} and sit a median {} pixels \
                     from a training image.",
                    cd1.commonest_digit,
                    num(cd1.commonest_share),
                    num(cd1.median_hamming)
                ),
            )
            .with("commonest share", cd1.commonest_share)
            .with("median Hamming", cd1.median_hamming),
        );
    }
    if let Some(naive) = run(r, PCD_CONSTANT) {
        let collapsed = naive.commonest_share >= 0.5;
        out.push(
            Claim::observation(
                "naive_pcd_collapses",
                DREAMS,
                collapsed,
                format!(
                    "Persistent CD with a constant learning rate and high momentum ends at test log-likelihood {}, and \
                     its chains {}: the commonest digit, {}, takes {} of the samples.",
                    num(naive.test_ll),
                    if collapsed { "collapse onto one digit" } else { "do not collapse onto one digit here" },
                    naive.commonest_digit,
                    num(naive.commonest_share)
                ),
            )
            .with("commonest share", naive.commonest_share)
            .with("test log-likelihood", naive.test_ll),
        );
    }
    out.extend(layer_claims(r));
    out.extend(crate::clip_claims::claims(&r.clipart));
    if let (Some(cd1), Some(cd10)) = (run(r, CD1), run(r, CD10)) {
        out.push(
            Claim::observation(
                "cd10_vs_cd1",
                AIS,
                cd10.test_ll > cd1.test_ll,
                format!(
                    "Ten Gibbs steps per update (CD-10) give {} nats against CD-1's {}.",
                    num(cd10.test_ll),
                    num(cd1.test_ll)
                ),
            )
            .with("CD-10", cd10.test_ll)
            .with("CD-1", cd1.test_ll),
        );
    }
    out
}

fn layer_claims(r: &Report) -> Vec<Claim> {
    use crate::multimodal::{AUDIO_LAYERS, IMAGE_LAYERS, JOINT, JOINT_NO_AUDIO, JOINT_NO_IMAGE};
    let m = &r.multimodal;
    let Some(joint) = m.accuracy(JOINT) else { return vec![] };
    let best = IMAGE_LAYERS
        .iter()
        .chain(&AUDIO_LAYERS)
        .filter_map(|l| m.accuracy(l).map(|a| (*l, a)))
        .max_by(|a, b| a.1.total_cmp(&b.1));
    let Some((best_layer, best_accuracy)) = best else { return vec![] };
    let most = joint > best_accuracy;
    // Where a pathway loses the digit on its way up to the joint layer.
    let drop = |layers: &[&str; 3]| -> (f64, f64) {
        (m.accuracy(layers[1]).unwrap_or(0.0), m.accuracy(layers[2]).unwrap_or(0.0))
    };
    let ((i1, i2), (a1, a2)) = (drop(&IMAGE_LAYERS), drop(&AUDIO_LAYERS));
    let (name, h1, h2) = if a1 - a2 > i1 - i2 { ("audio", a1, a2) } else { ("image", i1, i2) };
    let mut out = vec![Claim::observation(
        "joint_layer_most_accurate",
        LAYERS,
        most,
        format!(
            "The lecture reports the joint layer as the most accurate representation. On the AV digits the joint layer \
             (both modalities present) gives {}, the best single-modality layer ({}) {}: {}",
            num(joint),
            best_layer,
            num(best_accuracy),
            if most {
                "the claim holds here.".to_string()
            } else {
                format!(
                    "the claim does not hold here. The joint layer reads only the two pathways' top layers, and the \
                     {name} pathway loses the digit on the way up: {} at its first hidden layer, {} at its second.",
                    num(h1),
                    num(h2)
                )
            }
        ),
    )
    .with("joint", joint)
    .with("best single-modality layer", best_accuracy)
    .with(&format!("{name} h1"), h1)
    .with(&format!("{name} h2"), h2)];
    if let (Some(no_audio), Some(no_image)) = (m.accuracy(JOINT_NO_AUDIO), m.accuracy(JOINT_NO_IMAGE)) {
        let image_best = IMAGE_LAYERS.iter().filter_map(|l| m.accuracy(l)).fold(0.0, f64::max);
        let audio_best = AUDIO_LAYERS.iter().filter_map(|l| m.accuracy(l)).fold(0.0, f64::max);
        out.push(
            Claim::observation(
                "joint_with_a_modality_missing",
                LAYERS,
                no_audio >= image_best && no_image >= audio_best,
                format!(
                    "With the audio missing and filled in by mean-field, the joint layer gives {} (the image \
                     pathway's best layer: {}); with the image missing, {} (the audio pathway's best: {}).",
                    num(no_audio),
                    num(image_best),
                    num(no_image),
                    num(audio_best)
                ),
            )
            .with("joint, audio missing", no_audio)
            .with("joint, image missing", no_image),
        );
    }
    out
}
