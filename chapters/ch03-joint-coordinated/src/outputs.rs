//! Writing the chapter's figures and result tables into its book folder.

use std::ops::Range;

use kit::plot::{
    LineOptions, Reference, Scatter, ScatterOptions, Series, YScale, image_grid_sized, line_chart,
    line_chart_categories_with, scatter_with,
};
use kit::{Options, Output, Table};
use models::Pca;
use models::data::AvDigits;
use models::linalg::Matrix;
use models::retrieval::rank_gallery;

use crate::claims::lambda;
use crate::{Alignment, Av, Config, CoordinatedRow, Pairing, Report};

/// The chapter as the `zoo` runner and `main.rs` see it.
pub fn chapter() -> kit::Chapter {
    kit::Chapter {
        name: "ch03-joint-coordinated",
        title: "Chapter 3: joint and coordinated representations",
        run: run_and_write,
        claims_from_results: |json| Ok(crate::claims(&serde_json::from_str::<Report>(json)?)),
        export: None,
    }
}

fn run_and_write(options: &Options) -> anyhow::Result<kit::Outcome> {
    if let Some(dir) = &options.load {
        return crate::checkpoint::load(dir, options);
    }
    let mut cfg = if options.quick { Config::quick() } else { Config::default() };
    cfg.seed = options.seed;
    cfg.data = options.data.clone();
    if options.clean {
        cfg.variant = models::data::AvVariant::Clean;
    }
    if let Some(epochs) = options.epochs {
        cfg.epochs = epochs;
    }
    let (report, av) = crate::run(&cfg)?;
    write_outputs(&report, &av, &Output::new(&options.out))?;
    if let Some(dir) = &options.save {
        for line in crate::checkpoint::save(dir, &cfg, &report, &av)? {
            println!("{line}");
        }
    }
    let best = report.coordinated.iter().map(|c| c.measured.p10).fold(0.0, f64::max);
    let headline = format!(
        "joint {:.3} (image only {:.3}, audio only {:.3}); best cross-modal P@10 {:.3}; CCA transfer {:.3}",
        report.joint.both,
        report.joint.image_only,
        report.joint.audio_only,
        best,
        report.cca.measured.transfer()
    );
    Ok(kit::Outcome { headline, claims: report.claims })
}

fn f3(v: f64) -> String {
    format!("{v:.3}")
}

/// The markdown tables `results.md` holds (the page includes it).
pub fn results_markdown(r: &Report) -> String {
    let s = &r.settings;
    let mut data = Table::new(&["inputs", "test accuracy of softmax regression"]);
    data.row(&["noisy image (64 pixels)".to_string(), f3(r.raw.image)])
        .row(&["noisy spectrogram (400 cells)".to_string(), f3(r.raw.audio)])
        .row(&["both, concatenated (464)".to_string(), f3(r.raw.concatenated)]);
    let mut settings = Table::new(&["setting", "value"]);
    settings
        .row(&["data", &format!("{} AV digits, {} training / {} test pairs", s.variant, s.train, s.test)])
        .row(&["encoders", &format!("MLP input → {} → {} (ReLU), one per modality", s.hidden, s.code)])
        .row(&[
            "training",
            &format!("Adam, learning rate {}, batch {}, {} epochs", s.lr, s.batch_size, s.epochs),
        ])
        .row(&["margin / InfoNCE temperature", &format!("{} / {}", s.margin, s.temperature)])
        .row(&["seeds", &format!("{} for every comparison; the tables and figures show the first", s.seeds)]);
    let j = &r.joint;
    let mut joint = Table::new(&["inputs present", "test accuracy"]);
    joint
        .row(&["both".to_string(), f3(j.both)])
        .row(&["image only (audio zeroed)".to_string(), f3(j.image_only)])
        .row(&["audio only (image zeroed)".to_string(), f3(j.audio_only)]);
    let pair = |a: f64, b: f64| format!("{} / {}", f3(a), f3(b));
    let mut fresh =
        Table::new(&["loss", "λ", "P@10", "transfer a→i / i→a", "probe image / audio", "train R@1"]);
    // λ = 0 is the same model for both losses (no alignment term): one row.
    let fresh_rows = r
        .coordinated
        .iter()
        .filter(|c| c.pairing == Pairing::Fresh && !(c.lambda == 0.0 && c.alignment == Alignment::InfoNce));
    for c in fresh_rows {
        let m = &c.measured;
        fresh.row(&[
            if c.lambda == 0.0 { "either".to_string() } else { c.alignment.name().to_string() },
            lambda(c.lambda),
            f3(m.p10),
            pair(m.transfer_audio_to_image, m.transfer_image_to_audio),
            pair(m.probe_image, m.probe_audio),
            f3(m.train_r1),
        ]);
    }
    let mut fixed = Table::new(&["loss", "λ", "P@10", "test R@1", "train R@1"]);
    let top = crate::claims::top_lambda(r).unwrap_or(0.0);
    let fixed_rows = r.coordinated.iter().filter(|c| {
        c.pairing == Pairing::Fixed
            && c.lambda >= 0.1
            && (c.alignment == Alignment::InfoNce || c.lambda == top)
    });
    for c in fixed_rows {
        let m = &c.measured;
        fixed.row(&[c.alignment.name().to_string(), lambda(c.lambda), f3(m.p10), f3(m.r1), f3(m.train_r1)]);
    }
    let c = &r.cca;
    let mut cca = Table::new(&["canonical direction", "1", "5", "9", "10", "16", "32"]);
    let pick = |v: &[f64]| -> Vec<String> {
        [1usize, 5, 9, 10, 16, 32].iter().map(|&k| v.get(k - 1).map_or(String::new(), |x| f3(*x))).collect()
    };
    let mut train_row = vec!["training pairs".to_string()];
    train_row.extend(pick(&c.correlations));
    let mut test_row = vec!["test pairs".to_string()];
    test_row.extend(pick(&c.test_correlations));
    cca.row(&train_row).row(&test_row);
    let f = &r.fill_in;
    let mut fill = Table::new(&["prediction of the partner's spectrogram", "squared error per cell"]);
    fill.row(&["the training mean, for every image".to_string(), f3(f.global_mean)])
        .row(&["regression MLP from the image".to_string(), f3(f.regression)])
        .row(&[
            format!(
                "posterior mix: the digits' mean spectrograms weighted by an image classifier's probabilities \
                 (an MLP 64 → {} → 10 trained for this alone; accuracy {})",
                s.hidden,
                f3(f.classifier_accuracy)
            ),
            f3(f.posterior_mix),
        ])
        .row(&["μ of the true digit (oracle)".to_string(), f3(f.class_mean_oracle)])
        .row(&[
            "a random training utterance of the true digit (oracle)".to_string(),
            f3(f.random_same_digit),
        ]);
    format!(
        "<!-- Written by `cargo run --release -p ch03-joint-coordinated`; do not edit. -->\n\n\
         <!-- ANCHOR: data -->\n{}<!-- ANCHOR_END: data -->\n\n\
         <!-- ANCHOR: settings -->\n{}<!-- ANCHOR_END: settings -->\n\n\
         <!-- ANCHOR: joint -->\n{}<!-- ANCHOR_END: joint -->\n\n\
         <!-- ANCHOR: sweep_fresh -->\n{}<!-- ANCHOR_END: sweep_fresh -->\n\n\
         <!-- ANCHOR: sweep_fixed -->\n{}<!-- ANCHOR_END: sweep_fixed -->\n\n\
         <!-- ANCHOR: cca -->\n{}<!-- ANCHOR_END: cca -->\n\n\
         <!-- ANCHOR: fill_in -->\n{}<!-- ANCHOR_END: fill_in -->\n\n\
         <!-- ANCHOR: side_by_side -->\n{}<!-- ANCHOR_END: side_by_side -->\n\n{}",
        data.to_markdown(),
        settings.to_markdown(),
        joint.to_markdown(),
        fresh.to_markdown(),
        fixed.to_markdown(),
        cca.to_markdown(),
        fill.to_markdown(),
        side_by_side(r),
        kit::claims::markdown(&r.claims)
    )
}

/// One row per representation, one column per desideratum: the joint model, the
/// margin loss at both ends of the sweep, InfoNCE at its strongest, and CCA.
fn side_by_side(r: &Report) -> String {
    let mut t = Table::new(&[
        "representation",
        "(1) P@10",
        "(2) probe image / audio",
        "(2) transfer a→i / i→a",
        "(3) image only / audio only",
    ]);
    let j = &r.joint;
    let pair = |a: f64, b: f64| format!("{} / {}", f3(a), f3(b));
    t.row(&[
        "joint (codes with one input zeroed)".to_string(),
        f3(j.measured.p10),
        pair(j.measured.probe_image, j.measured.probe_audio),
        pair(j.measured.transfer_audio_to_image, j.measured.transfer_image_to_audio),
        pair(j.image_only, j.audio_only),
    ]);
    let top = crate::claims::top_lambda(r).unwrap_or(0.0);
    let shown = |c: &&CoordinatedRow| {
        c.pairing == Pairing::Fresh
            && (c.lambda == top || (c.lambda == 0.0 && c.alignment == Alignment::Margin))
    };
    for c in r.coordinated.iter().filter(shown) {
        let m = &c.measured;
        t.row(&[
            format!("coordinated, {} λ = {}", c.alignment.name(), lambda(c.lambda)),
            f3(m.p10),
            pair(m.probe_image, m.probe_audio),
            pair(m.transfer_audio_to_image, m.transfer_image_to_audio),
            pair(c.image_head_accuracy, c.audio_head_accuracy),
        ]);
    }
    for (dims, m) in [(r.cca.dims, &r.cca.measured), (r.cca.few_dims, &r.cca.few)] {
        t.row(&[
            format!("CCA, {dims} directions"),
            f3(m.p10),
            pair(m.probe_image, m.probe_audio),
            pair(m.transfer_audio_to_image, m.transfer_image_to_audio),
            pair(m.probe_image, m.probe_audio),
        ]);
    }
    t.to_markdown()
}

/// Write `results.md`, `results.json` and the figures.
pub fn write_outputs(r: &Report, av: &Av, out: &Output) -> anyhow::Result<()> {
    out.write_results(&results_markdown(r), r)?;
    // The diagram needs the models' shapes only: the run's widths, any initialisation.
    let cfg = Config { hidden: r.settings.hidden, code: r.settings.code, ..Config::default() };
    let (joint, coordinated) = crate::diagram::untrained(av.audio_width(), &cfg);
    crate::diagram::joint_and_coordinated(&joint, &coordinated)
        .write(&out.figure("diagram-joint-coordinated.svg"))?;
    pairs_figure(av, out)?;
    sweep_figures(r, av, out)?;
    let margin: Vec<&CoordinatedRow> = r
        .coordinated
        .iter()
        .filter(|c| c.alignment == Alignment::Margin && c.pairing == Pairing::Fresh)
        .collect();
    if let (Some(weak), Some(strong)) = (margin.first(), margin.last()) {
        // Figures 3.4 and 3.5 are read against each other: one frame for both, the
        // union of each one's padded range, so a spread or a gap means the same on both.
        let (weak_points, strong_points) = (space_points(r, weak)?, space_points(r, strong)?);
        let both = || weak_points.iter().chain(&strong_points);
        let frame = (kit::plot::padded(both().map(|p| p.0)), kit::plot::padded(both().map(|p| p.1)));
        space_figure(av, weak, &weak_points, &frame, &out.figure("space_weak.svg"))?;
        space_figure(av, strong, &strong_points, &frame, &out.figure("space_strong.svg"))?;
    }
    if let Some(row) = margin.iter().find(|c| c.lambda == 1.0).or(margin.last()) {
        retrieval_figure(av, row, out)?;
    }
    let c = &r.cca;
    let points = |v: &[f64]| v.iter().enumerate().map(|(k, &x)| ((k + 1) as f64, x)).collect();
    let low = c.correlations.iter().chain(&c.test_correlations).copied().fold(0.0, f64::min);
    let high = c.correlations.iter().chain(&c.test_correlations).copied().fold(0.0, f64::max);
    let vertical = |k: usize| vec![(k as f64, low), (k as f64, high)];
    line_chart(
        &out.figure("cca_correlations.svg"),
        "CCA: correlation along each canonical direction",
        "canonical direction (largest first)",
        "correlation of the two projections",
        &[
            Series::new("training pairs", 0, points(&c.correlations)),
            Series::new("test pairs", 1, points(&c.test_correlations)),
            Series::new(format!("first {} directions", c.few_dims), 2, vertical(c.few_dims)).dashed(),
            Series::new(format!("the {} kept", c.dims), 7, vertical(c.dims)).dashed(),
        ],
    )?;
    fill_in_figure(r, av, out)
}

/// A spectrogram picture from standardised cells, and an image picture from raw pixels.
fn pictures(av: &Av, pair: usize) -> (Vec<f32>, Vec<f32>) {
    let aw = av.audio_width();
    (
        av.raw.image[pair * AvDigits::IMAGE..][..AvDigits::IMAGE].to_vec(),
        av.spectrogram_picture(&av.audio[pair * aw..][..aw]),
    )
}

fn pairs_figure(av: &Av, out: &Output) -> anyhow::Result<()> {
    let firsts: Vec<usize> =
        (0..10).filter_map(|d| av.raw.test.iter().copied().find(|&p| av.raw.labels[p] == d)).collect();
    let shown: Vec<(Vec<f32>, Vec<f32>)> = firsts.iter().map(|&p| pictures(av, p)).collect();
    let dims = (av.raw.bands, av.raw.frames);
    let mut images: Vec<(&[f32], (usize, usize))> =
        shown.iter().map(|(i, _)| (i.as_slice(), (8, 8))).collect();
    images.extend(shown.iter().map(|(_, a)| (a.as_slice(), dims)));
    let mut captions: Vec<String> =
        firsts.iter().map(|&p| format!("{}: σ {:.1}", av.raw.labels[p], av.raw.image_sigma[p])).collect();
    captions.extend(firsts.iter().map(|&p| format!("{:+.0} dB", av.raw.audio_snr_db[p])));
    image_grid_sized(
        &out.figure("pairs.svg"),
        "One test pair of each digit: image, then spectrogram",
        &images,
        10,
        &captions,
    )
}

fn sweep_figures(r: &Report, av: &Av, out: &Output) -> anyhow::Result<()> {
    let mut lambdas: Vec<f32> = r.coordinated.iter().map(|c| c.lambda).collect();
    lambdas.sort_by(f32::total_cmp);
    lambdas.dedup();
    // One category per λ, evenly spaced: λ = 0 is a setting of its own, not a point
    // of a log axis.
    let names: Vec<String> = lambdas.iter().map(|&l| lambda(l)).collect();
    let x = |l: f32| lambdas.iter().position(|&m| m == l).unwrap_or(0) as f64;
    let flat = |v: f64| vec![(0.0, v), ((lambdas.len() - 1) as f64, v)];
    // Fresh partners solid with a dot per λ; fixed pairs dashed in a companion colour
    // (blue / cyan for the margin loss, orange / red for InfoNCE), drawn on top, so a
    // fixed-pair line lying on its fresh one still shows as a second line.
    let mut p10 = Vec::new();
    for (alignment, pairing, colour) in [
        (Alignment::Margin, Pairing::Fresh, 0),
        (Alignment::InfoNce, Pairing::Fresh, 1),
        (Alignment::Margin, Pairing::Fixed, 9),
        (Alignment::InfoNce, Pairing::Fixed, 3),
    ] {
        let points: Vec<(f64, f64)> = r
            .coordinated
            .iter()
            .filter(|c| c.alignment == alignment && c.pairing == pairing)
            .map(|c| (x(c.lambda), c.measured.p10))
            .collect();
        if points.is_empty() {
            continue;
        }
        let which = if pairing == Pairing::Fresh { "fresh partners" } else { "fixed pairs" };
        let s = Series::new(format!("{}, {which}", alignment.name()), colour, points);
        p10.push(if pairing == Pairing::Fixed { s.dashed() } else { s });
    }
    // CCA has no λ: one level across the axis, solid and without dots.
    p10.push(Series::new("CCA (no λ)", 2, flat(r.cca.measured.p10)).without_markers());
    let options = LineOptions {
        y_scale: YScale::Linear,
        references: vec![Reference::new("chance", chance_p10(av))],
        ..LineOptions::default()
    };
    line_chart_categories_with(
        &out.figure("p10_vs_lambda.svg"),
        "Cross-modal retrieval against coordination strength",
        "coordination strength λ",
        &names,
        "precision@10 (same digit)",
        &p10,
        &options,
    )?;
    Ok(())
}

/// Precision@10 of a random ranking: the chance that a random test item shows the
/// query's digit, averaged over the test queries (the sum of the digits' squared shares).
fn chance_p10(av: &Av) -> f64 {
    let labels = av.labels(&av.raw.test);
    let n = labels.len().max(1) as f64;
    let classes = labels.iter().max().map_or(0, |m| m + 1);
    (0..classes).map(|d| (labels.iter().filter(|&&l| l == d).count() as f64 / n).powi(2)).sum()
}

/// Both modalities' test codes of `row`, projected together onto their first two
/// principal components: the images' points, then the utterances'.
fn space_points(r: &Report, row: &CoordinatedRow) -> anyhow::Result<Vec<(f64, f64)>> {
    let d = r.settings.code;
    let (image, audio) = &row.test_codes;
    let n = image.len() / d;
    let both = Matrix::from_f32(2 * n, d, &[image.as_slice(), audio.as_slice()].concat());
    let projected = Pca::fit(&both, 2).map_err(anyhow::Error::msg)?.transform(&both);
    Ok((0..2 * n).map(|i| (projected.at(i, 0), projected.at(i, 1))).collect())
}

/// The projected codes `points` of `row` in `frame`: discs are images, rings
/// utterances, coloured by digit.
fn space_figure(
    av: &Av,
    row: &CoordinatedRow,
    points: &[(f64, f64)],
    frame: &(Range<f64>, Range<f64>),
    path: &std::path::Path,
) -> anyhow::Result<()> {
    let n = points.len() / 2;
    let labels = av.labels(&av.raw.test);
    let classes: Vec<usize> = labels.iter().chain(&labels).copied().collect();
    let hollow: Vec<bool> = (0..2 * n).map(|i| i >= n).collect();
    let names: Vec<String> = (0..10).map(|k| format!("digit {k}")).collect();
    let title = format!("Test codes at λ = {} ({} loss)", lambda(row.lambda), row.alignment.name());
    let options = ScatterOptions { frame: Some(frame.clone()), ..ScatterOptions::default() };
    scatter_with(
        path,
        &Scatter {
            title: &title,
            x_label: "principal component 1",
            y_label: "principal component 2",
            points,
            classes: &classes,
            class_names: &names,
            labels: &[],
            robust: false,
            kinds: Some((&hollow, ["image", "audio"])),
        },
        &options,
    )?;
    Ok(())
}

/// Image queries and the five test spectrograms nearest to each in the coordinated space.
fn retrieval_figure(av: &Av, row: &CoordinatedRow, out: &Output) -> anyhow::Result<()> {
    let d = row.test_codes.0.len() / av.raw.test.len();
    let ranked = rank_gallery(&row.test_codes.0, &row.test_codes.1, d);
    let test = &av.raw.test;
    let queries: Vec<usize> =
        [0, 2, 3, 5, 7, 8].iter().filter_map(|&k| test.iter().position(|&p| av.raw.labels[p] == k)).collect();
    let mut pictures_owned: Vec<(Vec<f32>, (usize, usize))> = Vec::new();
    let mut captions = Vec::new();
    for &q in &queries {
        let (image, _) = pictures(av, test[q]);
        pictures_owned.push((image, (8, 8)));
        captions.push(format!("query: {}", av.raw.labels[test[q]]));
        for &g in &ranked[q][..5] {
            let (_, spectrogram) = pictures(av, test[g]);
            pictures_owned.push((spectrogram, (av.raw.bands, av.raw.frames)));
            let (got, want) = (av.raw.labels[test[g]], av.raw.labels[test[q]]);
            captions.push(format!("{got} {}", if got == want { "✓" } else { "✗" }));
        }
    }
    let images: Vec<(&[f32], (usize, usize))> =
        pictures_owned.iter().map(|(v, s)| (v.as_slice(), *s)).collect();
    let title = format!("Image queries, top 5 spectrograms (margin, λ = {})", lambda(row.lambda));
    image_grid_sized(&out.figure("retrieval.svg"), &title, &images, 6, &captions)
}

/// For a few test images: the image, its partner's spectrogram, the regression's
/// prediction and its digit's mean spectrogram.
fn fill_in_figure(r: &Report, av: &Av, out: &Output) -> anyhow::Result<()> {
    let f = &r.fill_in;
    let mut owned: Vec<(Vec<f32>, (usize, usize))> = Vec::new();
    let mut captions = Vec::new();
    let dims = (av.raw.bands, av.raw.frames);
    for (pair, predicted) in f.examples.iter().take(5) {
        let (image, partner) = pictures(av, *pair);
        let digit = av.raw.labels[*pair];
        owned.push((image, (8, 8)));
        owned.push((partner, dims));
        owned.push((av.spectrogram_picture(predicted), dims));
        owned.push((av.spectrogram_picture(&f.class_means[digit]), dims));
        captions.extend([
            "image".to_string(),
            "partner".into(),
            "regression".into(),
            format!("mean of {digit}s"),
        ]);
    }
    let images: Vec<(&[f32], (usize, usize))> = owned.iter().map(|(v, s)| (v.as_slice(), *s)).collect();
    image_grid_sized(&out.figure("fill_in.svg"), "Filling in the audio from the image", &images, 4, &captions)
}
