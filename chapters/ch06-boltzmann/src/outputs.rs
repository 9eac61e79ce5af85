//! Writing the chapter's figures and result tables into its book folder.

use kit::plot::image_grid;
use kit::{Options, Output, Table};
use models::rbm::Rbm;

use crate::{Binary, Config, Report};

/// The chapter as the `zoo` runner and `main.rs` see it.
pub fn chapter() -> kit::Chapter {
    kit::Chapter {
        name: "ch06-boltzmann",
        title: "Chapter 6: Boltzmann machines",
        run: run_and_write,
        claims_from_results: |json| Ok(crate::claims(&serde_json::from_str::<Report>(json)?)),
        export: None,
    }
}

fn run_and_write(options: &Options) -> anyhow::Result<kit::Outcome> {
    if let Some(dir) = &options.load {
        let lines = crate::checkpoint::load_and_check(dir, &options.data)?;
        for line in &lines {
            println!("{line}");
        }
        return Ok(kit::Outcome {
            headline: format!(
                "the multimodal DBN and DBM of the AV digits and their probes reloaded from {}, giving exactly \
                 what they gave when saved",
                dir.display()
            ),
            claims: vec![],
        });
    }
    let mut cfg = if options.quick { Config::quick() } else { Config::default() };
    cfg.seed = options.seed;
    cfg.data = options.data.clone();
    if let Some(epochs) = options.epochs {
        cfg.epochs = epochs;
    }
    let (report, data, kept) = crate::run_keeping(&cfg)?;
    write_outputs(&report, &data, &Output::new(&options.out))?;
    if let Some(dir) = &options.save {
        for line in crate::checkpoint::save(dir, kept.as_ref(), &cfg, &report)? {
            println!("saved {line}");
        }
    }
    let ll = |name: &str| report.runs.iter().find(|r| r.method.name == name).map_or(f64::NAN, |r| r.test_ll);
    let headline = format!(
        "CD-1 reconstruction {:.4}, probe {:.3}; test log-likelihood CD-1 {:.2}, PCD {:.2} nats",
        report.short.reconstruction,
        report.short.probe,
        ll(crate::claims::CD1),
        ll(crate::claims::PCD)
    );
    Ok(kit::Outcome { headline, claims: report.claims })
}

fn f(v: f64, d: usize) -> String {
    format!("{v:.d$}")
}

/// A standard error to two significant figures (never "0.00").
pub(crate) fn se(v: f64) -> String {
    if !v.is_finite() || v <= 0.0 {
        return kit::claims::num(v);
    }
    let decimals = (1 - v.log10().floor() as i32).max(0) as usize;
    format!("{v:.decimals$}")
}

/// The training settings of the RBMs and of the multimodal model on the AV digits, as
/// the page's tables show them.
pub(crate) fn settings(cfg: &crate::Config) -> (crate::Settings, crate::Settings) {
    let mut rbm = vec![
        ("hidden units".to_string(), cfg.hidden.to_string()),
        ("batch size".to_string(), cfg.batch_size.to_string()),
        ("weight decay on W".to_string(), cfg.weight_decay.to_string()),
        ("epochs".to_string(), format!("{} (the short CD-1 run: {})", cfg.epochs, cfg.short_epochs)),
    ];
    for m in cfg.methods() {
        let chains = if m.chains == 0 {
            "from the data".to_string()
        } else {
            format!("on {} persistent chains", m.chains)
        };
        rbm.push((
            m.name.clone(),
            format!(
                "{} Gibbs step{} {chains} per update; learning rate {}{}, momentum {}",
                m.k,
                if m.k == 1 { "" } else { "s" },
                m.lr,
                if m.decay { " decaying linearly" } else { "" },
                m.momentum
            ),
        ));
    }
    rbm.push(("seed".to_string(), cfg.seed.to_string()));
    let w = cfg.dbn_widths;
    let dbn = vec![
        (
            "layer widths".to_string(),
            format!("image {} → {}; audio {} → {}; joint {}", w[0], w[1], w[2], w[3], w[4]),
        ),
        ("epochs per layer".to_string(), cfg.dbn_epochs.to_string()),
        (
            "learning rates".to_string(),
            format!("{} (Gaussian input layers), {} (binary layers)", cfg.gaussian_lr, cfg.binary_lr),
        ),
        ("mean-field iterations when a modality is missing".to_string(), cfg.mean_field_steps.to_string()),
        (
            "seeds (models)".to_string(),
            format!("{} ({} to {})", cfg.dbn_seeds, cfg.seed, cfg.seed + cfg.dbn_seeds as u64 - 1),
        ),
    ];
    (rbm, dbn)
}

/// The DBM's settings, for the page's table.
pub(crate) fn dbm_settings(cfg: &crate::Config) -> crate::Settings {
    let (p, c) = (&cfg.dbm, &cfg.clip_dbm);
    let row = |k: &str, v: String| (k.to_string(), v);
    vec![
        row("starting point", "each seed's DBN, weights between hidden layers halved".into()),
        row("epochs of joint training", format!("{} (AV digits), {} (clip art)", p.epochs, c.epochs)),
        row("pairs per update", p.batch.to_string()),
        row(
            "persistent chains",
            format!("{}, started at training pairs; 1 Gibbs sweep per update", p.chains),
        ),
        row(
            "learning rates",
            format!(
                "{} (binary layers), {} (Gaussian input layers), each divided by 1 + t/T, T a quarter of the \
                 updates; momentum {}; weight decay {}",
                p.lr,
                p.gaussian_lr,
                crate::dbm_runs::MOMENTUM,
                crate::dbm_runs::WEIGHT_DECAY
            ),
        ),
        row(
            "mean-field in training",
            format!(
                "at most {} sweeps, tolerance {:e}",
                p.train_mean_field.max_sweeps, p.train_mean_field.tolerance
            ),
        ),
        row(
            "mean-field when reading a layer",
            format!(
                "tolerance {:e}, limit {} sweeps",
                p.read_mean_field.tolerance, p.read_mean_field.max_sweeps
            ),
        ),
        row(
            "log Z for the bound",
            format!(
                "AIS, {} inverse temperatures, {} runs; bound on {} training pairs",
                crate::dbm_runs::AIS.0,
                crate::dbm_runs::AIS.1,
                crate::multimodal::BOUND_PAIRS
            ),
        ),
    ]
}

/// The markdown tables `results.md` holds (the page includes it).
pub fn results_markdown(r: &Report) -> String {
    let mut runs =
        Table::new(&["method", "recon.", "test LL ± se", "train LL", "probe", "top digit", "distance"]);
    for x in std::iter::once(&r.short).chain(&r.runs) {
        let m = &x.method;
        runs.row(&[
            if x.epochs == r.short.epochs && x.epochs != r.runs.first().map_or(0, |l| l.epochs) {
                format!("{} ({} epochs)", m.name, x.epochs)
            } else {
                m.name.clone()
            },
            f(x.reconstruction, 4),
            format!("{} ± {}", f(x.test_ll, 2), se(x.log_z_se)),
            f(x.train_ll, 2),
            f(x.probe, 3),
            format!("{} ({})", x.commonest_digit, f(x.commonest_share, 2)),
            f(x.median_hamming, 0),
        ]);
    }
    let mut layers = Table::new(&[
        "layer",
        "width",
        "DBN: mean (lowest to highest seed)",
        "DBM: mean (lowest to highest)",
    ]);
    for (name, width) in r.multimodal.layers() {
        layers.row(&[
            name.clone(),
            width.to_string(),
            crate::clip_outputs::spread(&r.multimodal.accuracies(&name)),
            crate::clip_outputs::spread(&r.multimodal.dbm_accuracies(&name)),
        ]);
    }
    format!(
        "<!-- Written by `cargo run --release -p ch06-boltzmann`; do not edit. -->\n\n{}{}{}{}\
         <!-- ANCHOR: layers -->\n{}\nOver {} seeds (each its own model; the split is the data set's).\n<!-- ANCHOR_END: layers -->\n\n\
         <!-- ANCHOR: runs -->\n{}\nAfter {} epochs (the first row: {}); all RBMs have {} hidden units; log-likelihoods are nats per image, with log Z from \
         AIS ({} inverse temperatures, {} runs) and ± its standard error over the runs (the same for test and \
         train); the probe is softmax regression on the hidden probabilities (on the binary pixels it scores {}); \
         recon. is the reconstruction error and LL the log-likelihood; learning rates and \
         momenta are in the settings above; the last two columns describe the samples \
         after the longest chain: the digit the pixel classifier names most often (with its share), and the median \
         Hamming distance to the nearest training image.\n<!-- ANCHOR_END: runs -->\n\n{}",
        kit::report::settings_table("settings", &r.settings.0),
        kit::report::settings_table("dbn_settings", &r.settings.1),
        kit::report::settings_table("dbm_settings", &r.dbm_settings),
        crate::clip_outputs::markdown(&r.clipart),
        layers.to_markdown(),
        r.multimodal.seeds.len(),
        runs.to_markdown(),
        r.runs.first().map_or(0, |l| l.epochs),
        r.short.epochs,
        r.hidden,
        r.ais.0,
        r.ais.1,
        f(r.pixel_probe, 3),
        kit::claims::markdown(&r.claims)
    )
}

/// The two diagrams, drawn from RBMs of the shapes the run trained (the report keeps
/// the widths; the weights' values do not enter a diagram).
fn diagrams(r: &Report, out: &Output) -> anyhow::Result<()> {
    let mut rng = autograd::seeded_rng(0);
    crate::diagram::rbm(&Rbm::new(64, r.hidden, &mut rng)).write(&out.figure("diagram-rbm.svg"))?;
    let width = |name: &str| r.multimodal.layers().into_iter().find(|l| l.0 == name).map_or(0, |l| l.1);
    let [i1, i2, a1, a2, j] = r.multimodal.widths;
    let rbms = [
        Rbm::new(width(crate::multimodal::IMAGE_LAYERS[0]), i1, &mut rng),
        Rbm::new(i1, i2, &mut rng),
        Rbm::new(width(crate::multimodal::AUDIO_LAYERS[0]), a1, &mut rng),
        Rbm::new(a1, a2, &mut rng),
        Rbm::new(i2 + a2, j, &mut rng),
    ];
    let stack =
        crate::diagram::Stack { image: [&rbms[0], &rbms[1]], other: [&rbms[2], &rbms[3]], joint: &rbms[4] };
    crate::diagram::multimodal(&stack, ("audio", kit::diagram::Kind::Audio))
        .write(&out.figure("diagram-dbn.svg"))?;
    let sizes = [
        width(crate::multimodal::IMAGE_LAYERS[0]),
        i1,
        i2,
        j,
        a2,
        a1,
        width(crate::multimodal::AUDIO_LAYERS[0]),
    ];
    let dbm = crate::dbm_runs::shaped(&crate::dbm_runs::AV_NAMES, sizes, &mut rng);
    crate::diagram::dbm(&dbm, ("audio", kit::diagram::Kind::Audio)).write(&out.figure("diagram-dbm.svg"))
}

/// The DBM's lower bound over its joint training (the first AV seed), with a band of
/// two AIS standard errors of log Z.
fn bound_figure(r: &Report, out: &Output) -> anyhow::Result<()> {
    let Some(seed) = r.multimodal.seeds.first() else { return Ok(()) };
    if seed.bound.is_empty() {
        return Ok(());
    }
    let points: Vec<(f64, f64)> = seed.bound.iter().map(|p| (p.epoch as f64, p.bound)).collect();
    let band: Vec<(f64, f64)> =
        seed.bound.iter().map(|p| (p.bound - 2.0 * p.log_z_se, p.bound + 2.0 * p.log_z_se)).collect();
    let series = [kit::plot::Series::new("lower bound", 0, points).band(band)];
    kit::plot::line_chart(
        &out.figure("dbm_bound.svg"),
        &format!("The DBM's lower bound on log p(image, audio), seed {}", seed.seed),
        "epochs of joint training",
        "nats per training pair",
        &series,
    )?;
    Ok(())
}

/// Write `results.md`, `results.json` and the figures.
pub fn write_outputs(r: &Report, _data: &Binary, out: &Output) -> anyhow::Result<()> {
    out.write_results(&results_markdown(r), r)?;
    if let Some(pcd) = r.runs.iter().find(|x| x.method.name == crate::claims::PCD) {
        let hidden = pcd.pictures.1.len() / 64;
        let filters: Vec<Vec<f32>> = (0..hidden.min(20))
            .map(|j| {
                let w: Vec<f32> = (0..64).map(|i| pcd.pictures.1[i * hidden + j]).collect();
                let top = w.iter().fold(1e-6f32, |m, v| m.max(v.abs()));
                w.iter().map(|v| 0.5 + 0.5 * v / top).collect()
            })
            .collect();
        let images: Vec<&[f32]> = filters.iter().map(Vec::as_slice).collect();
        let captions: Vec<String> = vec![String::new(); images.len()];
        image_grid(
            &out.figure("filters.svg"),
            "Weights of the first hidden units (PCD)",
            &images,
            (8, 8),
            10,
            &captions,
        )?;
    }
    crate::clip_outputs::figures(&r.clipart, out)?;
    diagrams(r, out)?;
    bound_figure(r, out)?;
    for (file, name) in
        [("samples_pcd.svg", crate::claims::PCD), ("samples_pcd_constant.svg", crate::claims::PCD_CONSTANT)]
    {
        let Some(x) = r.runs.iter().find(|x| x.method.name == name) else { continue };
        let mut images: Vec<&[f32]> = Vec::new();
        let mut captions = Vec::new();
        // The last two recorded steps: where the chains have gone.
        let shown = &x.pictures.0[x.pictures.0.len().saturating_sub(2)..];
        let last = shown.len().saturating_sub(1);
        for (row, (_, states)) in shown.iter().enumerate() {
            for (k, s) in states.iter().enumerate() {
                images.push(s);
                // The bottom row carries the digit the pixel classifier names.
                captions.push(match x.shown_digits.get(k) {
                    Some(d) if row == last => format!("reads {d}"),
                    _ => String::new(),
                });
            }
        }
        let cols = shown.first().map_or(1, |(_, s)| s.len());
        image_grid(
            &out.figure(file),
            &format!("Gibbs chains from noise: {name} (rows: steps {})", {
                let steps: Vec<String> = shown.iter().map(|(s, _)| s.to_string()).collect();
                steps.join(", ")
            }),
            &images,
            (8, 8),
            cols,
            &captions,
        )?;
    }
    Ok(())
}
