//! Writing the chapter's figures and result tables into its book folder.

use kit::plot::{LineOptions, Series, YScale, heatmap, image_grid, line_chart, line_chart_with};
use kit::{Options, Output, Table};

use crate::{Config, Report};

/// The chapter as the `zoo` runner and `main.rs` see it.
pub fn chapter() -> kit::Chapter {
    kit::Chapter {
        name: "ch01-autodiff",
        title: "Chapter 1: autodiff from scratch",
        run: run_and_write,
        claims_from_results: |json| Ok(crate::claims(&serde_json::from_str::<Report>(json)?)),
        export: None,
    }
}

fn run_and_write(options: &Options) -> anyhow::Result<kit::Outcome> {
    let mut cfg = if options.quick { Config::quick() } else { Config::default() };
    cfg.seed = options.seed;
    cfg.data = options.data.clone();
    if let Some(epochs) = options.epochs {
        cfg.epochs = epochs;
    }
    if let Some(dir) = &options.load {
        return crate::checkpoint::load_and_evaluate(dir, &options.data);
    }
    let (report, model) = crate::run_with_model(&cfg, options.progress)?;
    write_outputs(&report, &Output::new(&options.out))?;
    if let Some(dir) = &options.save {
        crate::checkpoint::save(dir, &model, &cfg, &report)?;
        println!("saved the MLP to {}", dir.join(crate::checkpoint::FILE).display());
    }
    let headline = format!(
        "MLP test accuracy {:.3} (macro-F1 {:.3}) after {} epochs",
        report.mlp.test_accuracy, report.mlp.test_macro_f1, report.mlp.epochs
    );
    Ok(kit::Outcome { headline, claims: report.claims })
}

/// The settings of the MLP's training, as the page's table shows them.
pub(crate) fn settings(cfg: &Config) -> Vec<(String, String)> {
    let widths: Vec<String> =
        std::iter::once(64).chain(cfg.hidden.iter().copied()).chain([10]).map(|w| w.to_string()).collect();
    [
        ("layer widths", format!("{}, ReLU", widths.join(" → "))),
        ("optimiser", format!("{:?}, learning rate {}", cfg.optimiser, cfg.lr)),
        ("batch size", cfg.batch_size.to_string()),
        ("epochs", cfg.epochs.to_string()),
        ("seed (initialisation and batch order)", cfg.seed.to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// The markdown tables `results.md` holds (the page includes it).
pub fn results_markdown(report: &Report) -> String {
    let mut chain = Table::new(&[
        "node",
        "value",
        "∂o/∂node by the chain rule",
        "by hand",
        "backward()",
        "finite difference",
    ]);
    for r in &report.neuron.rows {
        let fd = r.finite_difference.map_or("".to_string(), |v| format!("{v:.4}"));
        chain.row(&[
            format!("`{}`", r.node),
            format!("{:.4}", r.value),
            r.rule.clone(),
            format!("{:.4}", r.by_hand),
            format!("{:.4}", r.backward),
            fd,
        ]);
    }
    let mut settings = Table::new(&["setting", "value"]);
    for (k, v) in &report.settings {
        settings.row(&[k.clone(), v.clone()]);
    }
    let m = &report.mlp;
    let mut summary = Table::new(&["result", "value"]);
    summary
        .row(&["model", &format!("`{}`", m.architecture)])
        .row(&["training / test images", &format!("{} / {}", m.train_size, m.test_size)])
        .row(&["final training loss", &format!("{:.4}", m.curve.last().map_or(f32::NAN, |r| r.train_loss))])
        .row(&["**test accuracy**", &format!("**{:.3}**", m.test_accuracy)])
        .row(&["test macro-F1", &format!("{:.3}", m.test_macro_f1)])
        .row(&["test images misclassified", &m.misses.len().to_string()]);
    let mut curve = Table::new(&["epoch", "training loss", "training accuracy", "test accuracy"]);
    let every = (m.curve.len() / 8).max(1);
    for r in m.curve.iter().filter(|r| r.epoch % every == 0 || r.epoch == 1) {
        curve.row(&[
            r.epoch.to_string(),
            format!("{:.4}", r.train_loss),
            format!("{:.3}", r.train_accuracy),
            format!("{:.3}", r.test_accuracy),
        ]);
    }
    // The ANCHOR comments let the page include each table where it discusses it.
    format!(
        "<!-- Written by `cargo run --release -p ch01-autodiff`; do not edit. -->\n\n\
         <!-- ANCHOR: chain -->\n{}\n\
         The finite-difference column steps by ε = {}. `gradcheck` (below) steps by ε = {} and \
         differentiates a weighted sum of the output, so its numbers differ: it compared {} gradient \
         entries of the neuron, the largest difference from its finite differences being {:.1e}.\n\
         <!-- ANCHOR_END: chain -->\n\n\
         <!-- ANCHOR: settings -->\n{}<!-- ANCHOR_END: settings -->\n\n\
         <!-- ANCHOR: mlp -->\n{}<!-- ANCHOR_END: mlp -->\n\n\
         <!-- ANCHOR: curve -->\n{}<!-- ANCHOR_END: curve -->\n\n{}",
        chain.to_markdown(),
        report.neuron.fd_eps,
        report.neuron.gradcheck_eps,
        report.neuron.gradcheck_checked,
        report.neuron.gradcheck_max_error,
        settings.to_markdown(),
        summary.to_markdown(),
        curve.to_markdown(),
        kit::claims::markdown(&report.claims)
    )
}

/// Write `results.md`, `results.json`, `neuron.dot` and the figures.
pub fn write_outputs(report: &Report, out: &Output) -> anyhow::Result<()> {
    out.write_results(&results_markdown(report), report)?;
    out.write_text("neuron.dot", &report.neuron.dot)?;
    kit::report::write_atomic(&out.figure("neuron_graph.svg"), report.neuron.svg.as_bytes())?;
    let m = &report.mlp;
    let points = |f: fn(&crate::EpochRow) -> f64| m.curve.iter().map(|r| (r.epoch as f64, f(r))).collect();
    // A log axis: the loss falls by factors, and on a linear axis the late epochs
    // would lie flat against zero.
    line_chart_with(
        &out.figure("loss.svg"),
        "Training loss (mean cross-entropy per epoch)",
        "epoch",
        "mean cross-entropy (nats)",
        &[Series::new("training loss", 0, points(|r| r.train_loss as f64))],
        &LineOptions { y_scale: YScale::Log, ..LineOptions::default() },
    )?;
    line_chart(
        &out.figure("accuracy.svg"),
        "Accuracy after each epoch",
        "epoch",
        "fraction of images correct",
        &[
            Series::new("training images", 0, points(|r| r.train_accuracy)),
            Series::new("test images", 1, points(|r| r.test_accuracy)),
        ],
    )?;
    let digits: Vec<String> = (0..10).map(|d| d.to_string()).collect();
    let confusion: Vec<Vec<f64>> =
        m.confusion.iter().map(|row| row.iter().map(|&c| c as f64).collect()).collect();
    heatmap(
        &out.figure("confusion.svg"),
        "Test confusion matrix",
        &confusion,
        &digits,
        &digits,
        ("true", "predicted"),
    )?;
    let shown = m.miss_pixels.len().min(24);
    let images: Vec<&[f32]> = m.miss_pixels[..shown].iter().map(Vec::as_slice).collect();
    let captions: Vec<String> =
        m.misses[..shown].iter().map(|x| format!("{} -> {}", x.label, x.predicted)).collect();
    image_grid(
        &out.figure("misclassified.svg"),
        "Misclassified test digits (true -> predicted)",
        &images,
        (8, 8),
        8,
        &captions,
    )
}
