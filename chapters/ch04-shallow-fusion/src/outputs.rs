//! Writing the chapter's figures and result tables into its book folder.

use kit::plot::{Reference, Scatter, ScatterOptions, Series, line_chart_categories, scatter, scatter_with};
use kit::{Options, Output, Table};
use models::data::Av;

use crate::features::Inputs;
use crate::fusion::{DEEP, ONE_HIDDEN, SOFTMAX};
use crate::{Config, Report};

/// The chapter as the `zoo` runner and `main.rs` see it.
pub fn chapter() -> kit::Chapter {
    kit::Chapter {
        name: "ch04-shallow-fusion",
        title: "Chapter 4: shallow fusion",
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
    let f = &report.fusion;
    let acc = |inputs, model| f.accuracy(inputs, model).unwrap_or(0.0);
    let noisy_xor = report.xor.iter().find(|x| x.variant == "noisy");
    let headline = format!(
        "image {:.3}, audio {:.3}, concatenation {:.3}; late fusion weighted {:.3}; XOR: linear {:.3}, MLP {:.3}",
        acc(Inputs::Image, SOFTMAX),
        acc(Inputs::Audio, SOFTMAX),
        acc(Inputs::Both, SOFTMAX),
        report.late.weighted,
        noisy_xor.and_then(|x| x.accuracy(crate::xor::LINEAR[2])).unwrap_or(0.0),
        noisy_xor.and_then(|x| x.accuracy(crate::xor::MLPS[1])).unwrap_or(0.0),
    );
    Ok(kit::Outcome { headline, claims: report.claims })
}

fn f3(v: f64) -> String {
    format!("{v:.3}")
}

/// The markdown tables `results.md` holds (the page includes it).
pub fn results_markdown(r: &Report) -> String {
    let f = &r.fusion;
    let mut early = Table::new(&["inputs", SOFTMAX, ONE_HIDDEN, DEEP]);
    for inputs in [Inputs::Image, Inputs::Audio, Inputs::Both] {
        let cell = |m| f.accuracy(inputs, m).map_or("".to_string(), f3);
        early.row(&[inputs.name().to_string(), cell(SOFTMAX), cell(ONE_HIDDEN), cell(DEEP)]);
    }
    let mut ks: Vec<usize> = f.pca.iter().map(|p| p.k).collect();
    ks.sort_unstable();
    ks.dedup();
    let mut pca = Table::new(&["k", "image", "audio", "image + audio", "variance kept (image + audio)"]);
    for &k in &ks {
        let at = |inputs| f.pca.iter().find(|p| p.inputs == inputs && p.k == k);
        let cell = |inputs| at(inputs).map_or("".to_string(), |p| f3(p.accuracy));
        pca.row(&[
            k.to_string(),
            cell(Inputs::Image),
            cell(Inputs::Audio),
            cell(Inputs::Both),
            at(Inputs::Both).map_or("".to_string(), |p| f3(p.variance_kept)),
        ]);
    }
    let l = &r.late;
    let mut late = Table::new(&["late fusion of the two softmax regressions", "test accuracy"]);
    late.row(&["probabilities averaged".to_string(), f3(l.averaged)])
        .row(&["probabilities multiplied (equal weights)".to_string(), f3(l.product)])
        .row(&["multiplied, weighted per pair by reliability".to_string(), f3(l.weighted)]);
    let mut xor = Table::new(&["model", "noisy pairs", "clean pairs"]);
    let names: Vec<String> =
        r.xor.first().map(|x| x.models.iter().map(|(m, _)| m.clone()).collect()).unwrap_or_default();
    let by = |variant: &str| r.xor.iter().find(|x| x.variant == variant);
    for name in &names {
        let cell = |v: &str| by(v).and_then(|x| x.accuracy(name)).map_or("".to_string(), f3);
        xor.row(&[name.clone(), cell("noisy"), cell("clean")]);
    }
    let cell = |v: &str, g: fn(&crate::XorReport) -> f64| by(v).map_or("".to_string(), |x| f3(g(x)));
    xor.row(&[
        "parity from the image alone (MLP), p1".to_string(),
        cell("noisy", |x| x.image_parity),
        cell("clean", |x| x.image_parity),
    ])
    .row(&[
        "parity from the audio alone (MLP), p2".to_string(),
        cell("noisy", |x| x.audio_parity),
        cell("clean", |x| x.audio_parity),
    ])
    .row(&[
        "ceiling p1 p2 + (1 - p1)(1 - p2)".to_string(),
        cell("noisy", |x| x.ceiling),
        cell("clean", |x| x.ceiling),
    ]);
    let mut settings = Table::new(&["setting", "value"]);
    for (k, v) in &r.settings {
        settings.row(&[k.clone(), v.clone()]);
    }
    format!(
        "<!-- Written by `cargo run --release -p ch04-shallow-fusion`; do not edit. -->\n\n\
         <!-- ANCHOR: settings -->\n{}<!-- ANCHOR_END: settings -->\n\n\
         <!-- ANCHOR: early -->\n{}<!-- ANCHOR_END: early -->\n\n\
         <!-- ANCHOR: pca -->\n{}<!-- ANCHOR_END: pca -->\n\n\
         <!-- ANCHOR: late -->\n{}<!-- ANCHOR_END: late -->\n\n\
         <!-- ANCHOR: gate -->\nThe learned gate: w = sigmoid({} σ′ {} {:.3} snr′ {} {:.3}), with σ′ and snr′ the \
         noise level and SNR standardised on the training pairs.\n<!-- ANCHOR_END: gate -->\n\n\
         <!-- ANCHOR: xor -->\n{}\n{}\n<!-- ANCHOR_END: xor -->\n\n{}",
        settings.to_markdown(),
        early.to_markdown(),
        pca.to_markdown(),
        late.to_markdown(),
        format!("{:.3}", l.weight_on_sigma).replace('-', "−"),
        if l.weight_on_snr < 0.0 { "−" } else { "+" },
        l.weight_on_snr.abs(),
        if l.bias < 0.0 { "−" } else { "+" },
        l.bias.abs(),
        xor.to_markdown(),
        r.xor.first().map_or(String::new(), |x| format!(
            "The linear models train on {} pairs ({} random partners per training image), the MLPs on a fresh \
             partner per image at every step for {} epochs; the test set is {} pairs (2 random partners per test \
             image).",
            x.sizes.0,
            x.sizes.0 / r.sizes.0.max(1),
            r.xor_epochs,
            x.sizes.1
        )),
        kit::claims::markdown(&r.claims)
    )
}

/// Write `results.md`, `results.json`, the diagram of early and late fusion, and the figures.
pub fn write_outputs(r: &Report, av: &Av, out: &Output) -> anyhow::Result<()> {
    out.write_results(&results_markdown(r), r)?;
    crate::diagram::fusion(&crate::diagram::Fusion::for_data(av)).write(&out.figure("diagram-fusion.svg"))?;
    let f = &r.fusion;
    let mut ks: Vec<usize> = f.pca.iter().map(|p| p.k).collect();
    ks.sort_unstable();
    ks.dedup();
    let names: Vec<String> = ks.iter().map(usize::to_string).collect();
    let mut series: Vec<Series> = [Inputs::Image, Inputs::Audio, Inputs::Both]
        .into_iter()
        .enumerate()
        .map(|(c, inputs)| {
            let points = f
                .pca
                .iter()
                .filter(|p| p.inputs == inputs)
                .map(|p| (ks.iter().position(|&k| k == p.k).unwrap_or(0) as f64, p.accuracy))
                .collect();
            Series::new(inputs.name(), c, points)
        })
        .collect();
    if let Some(full) = f.accuracy(Inputs::Both, SOFTMAX) {
        series.push(
            Series::new("image + audio, all 464", 2, vec![(0.0, full), ((ks.len() - 1) as f64, full)])
                .dashed(),
        );
    }
    line_chart_categories(
        &out.figure("pca_accuracy.svg"),
        "Softmax regression on the first k principal components",
        "principal components kept, k",
        &names,
        "test accuracy",
        &series,
    )?;
    let labels = av.labels(&av.raw.test);
    let digits: Vec<String> = (0..10).map(|d| format!("digit {d}")).collect();
    for (file, title, points) in [
        ("projection_pca.svg", "Inputs (image + audio), first two principal components", &f.projections.0),
        (
            "projection_deep.svg",
            "Deep MLP's last hidden layer, first two principal components",
            &f.projections.1,
        ),
    ] {
        if points.len() == labels.len() {
            scatter(
                &out.figure(file),
                &Scatter {
                    title,
                    x_label: "principal component 1",
                    y_label: "principal component 2",
                    points,
                    classes: &labels,
                    class_names: &digits,
                    labels: &[],
                    robust: false,
                    kinds: None,
                },
            )?;
        }
    }
    gate_figure(r, out)
}

/// The image's learned weight against its noise level, coloured by the audio's SNR.
fn gate_figure(r: &Report, out: &Output) -> anyhow::Result<()> {
    let w = &r.late.test_weights;
    let mut snr: Vec<f64> = w.iter().map(|t| t.1).collect();
    snr.sort_by(f64::total_cmp);
    let (low, high) = (snr[snr.len() / 3], snr[2 * snr.len() / 3]);
    let points: Vec<(f64, f64)> = w.iter().map(|t| (t.0, t.2)).collect();
    let classes: Vec<usize> = w.iter().map(|t| usize::from(t.1 >= low) + usize::from(t.1 >= high)).collect();
    let names = vec![
        format!("SNR < {low:.0} dB"),
        format!("{low:.0} to {high:.0} dB"),
        format!("SNR ≥ {high:.0} dB"),
    ];
    // w = 0.5 weighs both modalities equally: the plain product.
    let equal = ScatterOptions {
        references: vec![Reference::new("w = 0.5: equal weight", 0.5)],
        ..Default::default()
    };
    scatter_with(
        &out.figure("gate.svg"),
        &Scatter {
            title: "Learned weight on the image, per test pair",
            x_label: "image noise σ (0..16 pixel scale)",
            y_label: "weight on the image",
            points: &points,
            classes: &classes,
            class_names: &names,
            labels: &[],
            robust: false,
            kinds: None,
        },
        &equal,
    )?;
    Ok(())
}
