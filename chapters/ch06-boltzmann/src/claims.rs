//! The conclusions the chapter's page draws, computed from its report.

use kit::Claim;
use kit::claims::num;
use kit::compare::{Comparison, Metric, compare};

use crate::outputs::se;
pub(crate) use crate::verdicts::{all_ahead, joint_layer_claim};
use crate::{Report, RunRow};

const CD: &str = "index.md#learning-by-contrastive-divergence";
const AIS: &str = "index.md#the-likelihood-by-annealed-importance-sampling";
const DREAMS: &str = "index.md#what-the-chains-dream";
const LAYERS: &str = crate::dbm_claims::LAYERS;

/// The methods' names, as `Config::methods` gives them.
pub const CD1: &str = "CD-1";
/// Ten Gibbs steps per update.
pub const CD10: &str = "CD-10";
/// Persistent CD with a decaying learning rate.
pub const PCD: &str = "PCD, decaying rate";
/// Persistent CD with a constant one.
pub const PCD_CONSTANT: &str = "PCD, constant rate";

/// Test log-likelihood, for the comparisons of training methods.
const LL: Metric = Metric::higher("test log-likelihood", "nats per image");
/// A probe's test accuracy.
const ACC: Metric = kit::compare::ACCURACY;

fn run<'a>(r: &'a Report, name: &str) -> Option<&'a RunRow> {
    r.runs.iter().find(|x| x.method.name == name)
}

/// Every conclusion the page draws, computed from the report.
pub fn claims(r: &Report) -> Vec<Claim> {
    let s = &r.short;
    let mut out = vec![
        Claim::bar(
            "cd1_learns_features",
            CD,
            s.reconstruction <= 0.04 && s.probe >= 0.93 && s.probe > r.pixel_probe,
            "reconstruction error at most 0.04 and the probe at least 0.93 and above the pixels', from the \
             chapter's reference run",
            format!(
                "After {} epochs of CD-1, {} hidden units reconstruct the training digits with mean squared error {} \
                 per pixel, and softmax regression on their probabilities classifies {} of the test digits, against \
                 {} on the binary pixels themselves.",
                s.epochs,
                r.hidden,
                num(s.reconstruction),
                num(s.probe),
                num(r.pixel_probe)
            ),
        )
        .with("reconstruction MSE", s.reconstruction)
        .with("probe on hidden probabilities", s.probe)
        .with("probe on pixels", r.pixel_probe),
    ];
    let small = &r.small;
    out.push(
        Claim::bar(
            "ais_matches_exact",
            AIS,
            (small.ais - small.exact).abs() <= 0.2,
            "AIS within 0.2 nats of the exact log Z",
            format!(
                "On an RBM with {} hidden units, small enough to sum over all 2^{} hidden states, log Z is {} exactly \
                 and {} ±\u{a0}{} by AIS: {} nats apart, {:.1} of AIS's standard errors. Its test log-likelihood is {} \
                 nats per image.",
                small.hidden,
                small.hidden,
                num(small.exact),
                num(small.ais),
                se(small.ais_se),
                num((small.ais - small.exact).abs()),
                (small.ais - small.exact).abs() / small.ais_se,
                num(small.test_ll)
            ),
        )
        .with("exact log Z", small.exact)
        .with("AIS log Z", small.ais)
        .with("AIS standard error", small.ais_se),
    );
    if let (Some(cd1), Some(pcd)) = (run(r, CD1), run(r, PCD)) {
        out.extend(likelihood_claims(r, cd1, pcd));
        out.extend(sample_claims(r, cd1, pcd));
    }
    out.extend(layer_claims(r));
    out.extend(crate::clip_claims::claims(&r.clipart));
    out.extend(crate::dbm_claims::claims(r));
    out
}

fn one_seed(a: &RunRow, b: &RunRow) -> Comparison {
    compare(&a.method.name, &[a.test_ll], &b.method.name, &[b.test_ll], LL)
}

/// A log-likelihood as the runs table prints it.
fn f2(v: f64) -> String {
    format!("{v:.2}")
}

/// Two runs' AIS standard errors combined (independent estimates of log Z).
fn combined_se(a: &RunRow, b: &RunRow) -> f64 {
    a.log_z_se.hypot(b.log_z_se)
}

/// Two runs' test log-likelihoods weighed against AIS's error: "27 times AIS's
/// combined standard error (± 0.033 and ± 0.051): not the estimate's noise".
fn against_ais(a: &RunRow, b: &RunRow) -> String {
    let k = (a.test_ll - b.test_ll).abs() / combined_se(a, b);
    let ses = format!("±\u{a0}{} and ±\u{a0}{}", se(a.log_z_se), se(b.log_z_se));
    if k > 3.0 {
        format!("{k:.0} times AIS's combined standard error ({ses}): not the estimate's noise")
    } else {
        format!("{k:.1} times AIS's combined standard error ({ses}): within the estimate's noise")
    }
}

fn likelihood_claims(r: &Report, cd1: &RunRow, pcd: &RunRow) -> Vec<Claim> {
    // The floors catch a broken sampler or estimate, not the last tenth of a nat: CD-1's
    // test log-likelihood after 100 epochs moved by more than a nat between seeds 0-3
    // (and when exp's last bits changed), so each floor sits a nat below the lowest
    // of those runs.
    let holds = cd1.test_ll >= -20.8
        && pcd.test_ll >= -17.8
        && pcd.test_ll - cd1.test_ll > 3.0 * combined_se(pcd, cd1);
    let c = one_seed(pcd, cd1);
    let mut out = vec![
        Claim::bar(
            "pcd_beats_cd1",
            AIS,
            holds,
            "CD-1 at least -20.8 and PCD at least -17.8 nats per test image, a nat below the lowest of seeds 0 to 3; \
             PCD above CD-1 by more than 3 AIS standard errors",
            format!(
                "After {} epochs, persistent CD with a decaying rate scores {} nats per test image and CD-1 {} ({}); \
                 the gap is {}. On the training images CD-1 scores {} and PCD {}. The gap between the two, which does not depend on \
                 the AIS estimate of log Z, is {} nats for CD-1 and {} for PCD{}. The two runs also differ in \
                 learning rate ({} against {} decaying) and momentum ({} against {}), so this comparison does not \
                 separate the sampler from the schedule (Exercise 1 does).",
                cd1.epochs,
                num(pcd.test_ll),
                num(cd1.test_ll),
                c.sentence(),
                against_ais(pcd, cd1),
                num(cd1.train_ll),
                num(pcd.train_ll),
                num(cd1.train_ll - cd1.test_ll),
                num(pcd.train_ll - pcd.test_ll),
                if cd1.train_ll - cd1.test_ll > pcd.train_ll - pcd.test_ll && cd1.train_ll >= pcd.train_ll {
                    ": CD-1 fits the training images at least as well, and PCD's lead is in generalising to new ones"
                } else {
                    ""
                },
                cd1.method.lr,
                pcd.method.lr,
                cd1.method.momentum,
                pcd.method.momentum
            ),
        )
        .with("CD-1 test", cd1.test_ll)
        .with("PCD test", pcd.test_ll)
        .with("CD-1 train", cd1.train_ll)
        .with("PCD train", pcd.train_ll)
        .with("AIS standard error, combined", combined_se(pcd, cd1)),
    ];
    let short = &r.short;
    let overfits = short.test_ll > cd1.test_ll && cd1.train_ll > short.train_ll;
    out.push(
        Claim::finding(
            "cd1_overfits",
            AIS,
            format!(
                "From {} to {} epochs, CD-1's training log-likelihood goes from {} to {} nats and its test \
                 log-likelihood from {} to {}{}",
                short.epochs,
                cd1.epochs,
                num(short.train_ll),
                num(cd1.train_ll),
                num(short.test_ll),
                num(cd1.test_ll),
                if overfits { ": the longer run overfits." } else { "." }
            ),
        )
        .with("train, short", short.train_ll)
        .with("train, long", cd1.train_ll)
        .with("test, short", short.test_ll)
        .with("test, long", cd1.test_ll),
    );
    if let Some(cd10) = run(r, CD10) {
        let c = one_seed(cd10, cd1);
        out.push(
            Claim::finding(
                "cd10_vs_cd1",
                AIS,
                format!(
                    "Ten Gibbs steps per update (CD-10) take the negative statistics further from the data, which \
                     is expected to help; they give {} nats per test image ({} per training image) against CD-1's \
                     {} ({}): {}; the gap is {}{}.{}",
                    num(cd10.test_ll),
                    num(cd10.train_ll),
                    num(cd1.test_ll),
                    num(cd1.train_ll),
                    c.sentence(),
                    against_ais(cd10, cd1),
                    if cd10.test_ll < r.small.test_ll {
                        format!(". CD-10 is below even the {}-unit RBM's {}", r.small.hidden, num(r.small.test_ll))
                    } else {
                        String::new()
                    },
                    if cd10.test_ll + 3.0 * combined_se(cd10, cd1) < cd1.test_ll && cd10.train_ll < cd1.train_ll {
                        " A hypothesis, not tested here: the rate and momentum were set for CD-1, and CD-10's larger \
                         updates need a smaller rate (Exercise 1)."
                    } else {
                        ""
                    }
                ),
            )
            .with("CD-10 test", cd10.test_ll)
            .with("CD-1 test", cd1.test_ll)
            .with("AIS standard error, combined", combined_se(cd10, cd1)),
        );
    }
    // Does reconstruction error rank the methods as the likelihoods do?
    let by = |f: fn(&RunRow) -> f64| -> Vec<&str> {
        let mut v: Vec<&RunRow> = r.runs.iter().collect();
        v.sort_by(|a, b| f(a).total_cmp(&f(b)));
        v.iter().map(|x| x.method.name.as_str()).collect()
    };
    let recon = by(|x| x.reconstruction);
    let test = by(|x| -x.test_ll);
    let train = by(|x| -x.train_ll);
    let list = |v: &[&str]| v.join(" > ");
    // A likelihood ranking, with "≈" between neighbours less than two combined AIS
    // standard errors apart.
    let ranked = |v: &[&str], ll: fn(&RunRow) -> f64| -> (String, bool) {
        let mut text = v.first().map_or(String::new(), |s| s.to_string());
        let mut tied = false;
        for w in v.windows(2) {
            let (Some(a), Some(b)) = (run(r, w[0]), run(r, w[1])) else { continue };
            let close = (ll(a) - ll(b)).abs() < 2.0 * combined_se(a, b);
            tied |= close;
            text += if close { " ≈ " } else { " > " };
            text += w[1];
        }
        (text, tied)
    };
    let (train_text, train_tied) = ranked(&train, |x| x.train_ll);
    let (test_text, test_tied) = ranked(&test, |x| x.test_ll);
    out.push(
        Claim::finding(
            "reconstruction_is_not_likelihood",
            AIS,
            format!(
                "On this one seed, reconstruction error ranks the {}-epoch runs {}; the training log-likelihood \
                 ranks them {}; the test log-likelihood {}{}. {}",
                cd1.epochs,
                list(&recon),
                train_text,
                test_text,
                if train_tied || test_tied { " (≈: less than two AIS standard errors apart)" } else { "" },
                match (recon == train, recon == test) {
                    (true, true) => "Here reconstruction ranks the methods as both likelihoods do.".to_string(),
                    (true, false) =>
                        "Reconstruction, a training-set number, ranks them as the training likelihood does; on new \
                         images the order changes."
                            .to_string(),
                    (false, _) => "Reconstruction ranks them differently from either likelihood.".to_string(),
                }
            ),
        )
        .with("methods ranked alike by reconstruction and test log-likelihood", f64::from(u8::from(recon == test))),
    );
    out
}

fn sample_claims(r: &Report, cd1: &RunRow, pcd: &RunRow) -> Vec<Claim> {
    let chains: usize = pcd.digit_counts.iter().sum();
    // A digit counts as produced when at least 2% of the samples are called it.
    let produced = |x: &RunRow| x.digit_counts.iter().filter(|&&n| n * 50 >= chains.max(1)).count();
    let met = pcd.commonest_share <= 0.3 && pcd.median_hamming <= 5.0;
    let mut out = vec![
        Claim::bar(
            "pcd_samples_cover_the_digits",
            DREAMS,
            met,
            "the commonest digit at most 0.3 of the samples and the median sample at most 5 pixels from a training \
             image, from the chapter's reference run",
            format!(
                "After {} steps, the pixel classifier calls {} of the 10 digits each at least 2% of the PCD model's \
                 {chains} samples; the commonest, {}, is {} of them, and the median sample is {} pixels from its \
                 nearest training image.",
                pcd.chain_steps,
                produced(pcd),
                pcd.commonest_digit,
                num(pcd.commonest_share),
                num(pcd.median_hamming)
            ),
        )
        .with("digits with at least 2% of the samples", produced(pcd) as f64)
        .with("commonest digit's share", pcd.commonest_share)
        .with("median Hamming distance", pcd.median_hamming),
    ];
    out.push(
        Claim::finding(
            "cd1_samples",
            DREAMS,
            format!(
                "The CD-1 model's samples cover {} digits at 2% or more; the commonest ({}) takes {}, and they sit a \
                 median {} pixels from a training image.",
                produced(cd1),
                cd1.commonest_digit,
                num(cd1.commonest_share),
                num(cd1.median_hamming)
            ),
        )
        .with("commonest share", cd1.commonest_share)
        .with("median Hamming", cd1.median_hamming),
    );
    if let Some(naive) = run(r, PCD_CONSTANT) {
        let further = naive.median_hamming > pcd.median_hamming;
        out.push(
            Claim::finding(
                "naive_pcd_samples",
                DREAMS,
                format!(
                    "PCD with a constant rate and momentum {} does not collapse onto one digit (the classifier's \
                     commonest, {}, takes {}), but its samples {} a median {} pixels from the nearest training image, \
                     against {} for PCD with a decaying rate{}; its hidden units feed a probe that classifies only {} \
                     of the test digits.{}",
                    naive.method.momentum,
                    naive.commonest_digit,
                    num(naive.commonest_share),
                    if further { "are further from the data:" } else { "are" },
                    num(naive.median_hamming),
                    num(pcd.median_hamming),
                    if further {
                        ", and in Figure 6.4 most are strokes that do not make a digit (the classifier names a digit \
                         for any input)"
                    } else {
                        ""
                    },
                    num(naive.probe),
                    if naive.test_ll + 2.0 * combined_se(naive, cd1) >= cd1.test_ll {
                        format!(
                            " Yet by test log-likelihood it is not below CD-1 ({} ±\u{a0}{} against {} ±\u{a0}{}): the \
                             likelihood scores the test images, not what the chains produce.",
                            f2(naive.test_ll),
                            se(naive.log_z_se),
                            f2(cd1.test_ll),
                            se(cd1.log_z_se)
                        )
                    } else {
                        String::new()
                    }
                ),
            )
            .with("test log-likelihood", naive.test_ll)
            .with("its AIS standard error", naive.log_z_se)
            .with("commonest share", naive.commonest_share)
            .with("median Hamming", naive.median_hamming)
            .with("probe", naive.probe),
        );
    }
    out
}

fn layer_claims(r: &Report) -> Vec<Claim> {
    use crate::multimodal::{AUDIO_LAYERS, IMAGE_LAYERS, JOINT, JOINT_NO_AUDIO, JOINT_NO_IMAGE};
    let m = &r.multimodal;
    let single: Vec<&str> = IMAGE_LAYERS.iter().chain(&AUDIO_LAYERS).copied().collect();
    let mut out: Vec<Claim> =
        joint_layer_claim("joint_layer_best_av", LAYERS, "the AV digits, for the DBN", JOINT, &single, |l| {
            m.accuracies(l)
        })
        .into_iter()
        .collect();
    let best_of = |layers: &[&'static str; 3]| {
        layers
            .iter()
            .map(|&l| (l, m.accuracies(l)))
            .max_by(|a, b| a.1.iter().sum::<f64>().total_cmp(&b.1.iter().sum::<f64>()))
    };
    let (no_audio, no_image) = (m.accuracies(JOINT_NO_AUDIO), m.accuracies(JOINT_NO_IMAGE));
    if let (Some((il, iv)), Some((al, av))) = (best_of(&IMAGE_LAYERS), best_of(&AUDIO_LAYERS))
        && !no_audio.is_empty()
        && no_audio.len() == iv.len()
        && no_image.len() == av.len()
    {
        let a = compare("the joint layer with the audio filled in", &no_audio, il, &iv, ACC);
        let b = compare("the joint layer with the image filled in", &no_image, al, &av, ACC);
        out.push(
            Claim::finding(
                "joint_with_a_modality_missing",
                LAYERS,
                format!(
                    "In the DBN, filling in a missing modality is meant to give the joint layer at least what the remaining \
                     pathway knows. With the audio missing, {}. With the image missing, {}.",
                    a.sentence(),
                    b.sentence()
                ),
            )
            .with_comparison(&a)
            .with_comparison(&b),
        );
    }
    out
}
