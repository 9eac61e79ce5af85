//! Writing the chapter's figures and result tables into its book folder.

use kit::plot::{LineOptions, Reference, Series, YScale, line_chart_categories_with};
use kit::{Options, Output, Table};
use models::seq::Recurrence;
use models::toymosi::{SentimentScores, export_seed, mean_sd};

use crate::{Config, Report};

/// The chapter as the `zoo` runner and `main.rs` see it.
pub fn chapter() -> kit::Chapter {
    kit::Chapter {
        name: "ch11-multimodal-lstm",
        title: "Chapter 11: multimodal LSTMs",
        run: run_and_write,
        claims_from_results: |json| Ok(crate::claims(&serde_json::from_str::<Report>(json)?)),
        export: Some(export),
    }
}

fn export(options: &Options, dir: &std::path::Path) -> anyhow::Result<()> {
    println!("{}", export_seed(options.seed, dir).map_err(anyhow::Error::msg)?);
    Ok(())
}

fn run_and_write(options: &Options) -> anyhow::Result<kit::Outcome> {
    kit::no_clean("ch11-multimodal-lstm", options)?;
    anyhow::ensure!(
        options.mosi.is_none() || (options.save.is_none() && options.load.is_none()),
        "ch11-multimodal-lstm: --save and --load keep the models trained on toy MOSI (with its data beside \
         them); drop --data, or drop --save/--load"
    );
    if let Some(dir) = &options.load {
        return crate::checkpoint::load_all(dir);
    }
    let mut cfg = if options.quick { Config::quick() } else { Config::default() };
    cfg.seed = options.seed;
    if let Some(epochs) = options.epochs {
        cfg.train.max_epochs = epochs;
    }
    if let Some(dir) = &options.mosi {
        return crate::mosi::run_and_write(dir, &cfg, options);
    }
    let report = crate::run(&cfg)?;
    let out = Output::new(&options.out);
    write_outputs(&report, &out)?;
    crate::diagram::write(&cfg, &out)?;
    if let Some(dir) = &options.save {
        let written = crate::checkpoint::save_all(dir, &cfg, &report)?;
        println!("saved the sequence models of seed {} and their data: {}", cfg.seed, paths_list(&written));
    }
    let acc = |kind| report.recall_run(kind).map_or(f64::NAN, |r| r.accuracy);
    let headline = format!(
        "recall over {} steps: LSTM {:.2}, RNN {:.2}; {} models on toy MOSI",
        report.recall_steps,
        acc(Recurrence::Lstm),
        acc(Recurrence::Rnn),
        report.cells.iter().map(|c| c.test.len()).sum::<usize>()
    );
    Ok(kit::Outcome { headline, claims: report.claims })
}

/// Paths, comma-separated, for a message.
fn paths_list(paths: &[std::path::PathBuf]) -> String {
    paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
}

/// The settings of part 1 (the recall task) and of part 2 (toy MOSI), as the page's
/// tables show them.
pub(crate) fn settings(cfg: &Config) -> (crate::Settings, crate::Settings) {
    let r = &cfg.recall;
    let t = &cfg.train;
    let pairs = |v: Vec<(&str, String)>| v.into_iter().map(|(k, v)| (k.to_string(), v)).collect::<Vec<_>>();
    let recall = pairs(vec![
        ("sequence length (steps)", r.steps.to_string()),
        ("hidden units", r.hidden.to_string()),
        ("training batches (each drawn fresh)", r.iterations.to_string()),
        ("batch size", models::seq::RECALL_BATCH.to_string()),
        ("optimiser", format!("Adam, learning rate {}", models::seq::RECALL_LR)),
        (
            "LSTM forget-gate bias at initialisation",
            format!("{} (and {} for the comparison)", r.forget_bias, r.other_forget_bias),
        ),
        ("seeds (initial weights and batches)", r.seeds.to_string()),
    ]);
    let mut mosi = vec![models::fusion::seeds_setting(cfg.seed, cfg.seeds)];
    mosi.push(("hidden units per modality".to_string(), cfg.hidden.to_string()));
    mosi.extend(models::fusion::protocol_settings(t));
    mosi.push((
        "epochs".to_string(),
        format!(
            "at most {}, stopping after {} without a validation-MAE improvement of {}; the best weights are kept \
             (toy MOSI's own protocol: at most {}, patience {})",
            t.max_epochs,
            t.patience,
            t.min_delta,
            crate::TrainConfig::default().max_epochs,
            crate::TrainConfig::default().patience
        ),
    ));
    (recall, mosi)
}

/// Every model's test scores (mean ± sd over the seeds), parameters and epochs.
pub(crate) fn results_table(r: &Report) -> Table {
    let mut results =
        Table::new(&["model (T+A+V)", "Acc-2", "F1", "MAE", "Corr", "Acc-7", "parameters", "epochs (mean)"]);
    for c in &r.cells {
        let pct = |f: fn(&models::toymosi::SentimentScores) -> f64| {
            let (m, sd) = c.stat(|s| 100.0 * f(s));
            format!("{m:.1} ± {sd:.1}")
        };
        let three = |f: fn(&models::toymosi::SentimentScores) -> f64| {
            let (m, sd) = c.stat(f);
            format!("{m:.3} ± {sd:.3}")
        };
        results.row(&[
            c.name.clone(),
            pct(|s| s.acc2),
            pct(|s| s.f1),
            three(|s| s.mae),
            three(|s| s.corr),
            pct(|s| s.acc7),
            c.parameters.to_string(),
            format!("{:.0}", c.epochs.iter().sum::<usize>() as f64 / c.epochs.len().max(1) as f64),
        ]);
    }
    results
}

/// The markdown tables `results.md` holds.
pub fn results_markdown(r: &Report) -> String {
    let mut recall = Table::new(&[
        "model",
        "accuracy",
        "step-1 / last-step gradient ratio, before training",
        "the same, after training",
    ]);
    for run in &r.recall {
        let name = match run.forget_bias {
            Some(b) => format!("{}, forget-gate bias {b}", run.kind.name()),
            None => run.kind.name().to_string(),
        };
        recall.row(&[
            name,
            format!("{:.3}", run.accuracy),
            format!("{:.1e}", run.decay_at_init()),
            format!("{:.1e}", run.decay_trained()),
        ]);
    }
    let results = results_table(r);
    let subset = |title: &str, part: fn(&crate::Cell) -> &[SentimentScores]| {
        let mut t = Table::new(&["model (T+A+V)", &format!("Acc-2, {title}"), &format!("MAE, {title}")]);
        for c in &r.cells {
            let (acc2, sd) = mean_sd(&part(c).iter().map(|s| 100.0 * s.acc2).collect::<Vec<_>>());
            let (mae, mae_sd) = mean_sd(&part(c).iter().map(|s| s.mae).collect::<Vec<_>>());
            t.row(&[c.name.clone(), format!("{acc2:.1} ± {sd:.1}"), format!("{mae:.3} ± {mae_sd:.3}")]);
        }
        t.to_markdown()
    };
    let sarcasm = subset("sarcasm subset", |c| &c.sarcasm);
    let negation = subset("with a negator", |c| &c.negation);
    let sizes: Vec<String> =
        r.cells.first().map_or(vec![], |c| c.negation_size.iter().map(|n| n.to_string()).collect());
    format!(
        "<!-- Written by `cargo run --release -p ch11-multimodal-lstm`; do not edit. -->\n\n{}{}\
         <!-- ANCHOR: recall -->\n{}\nRecall of the first symbol of a sequence of {} steps; accuracy on 512 new \
         sequences (chance 0.25); the first of {} seeds of initial weights and batches.\n<!-- ANCHOR_END: recall -->\n\n\
         <!-- ANCHOR: results -->\n{}\nMeans ± standard deviations over {} seeds, on the test split; Acc-2, F1 and \
         Acc-7 in percent.\n<!-- ANCHOR_END: results -->\n\n\
         <!-- ANCHOR: sarcasm -->\n{}<!-- ANCHOR_END: sarcasm -->\n\n\
         <!-- ANCHOR: negation -->\n{}\nMeans ± standard deviations over the seeds, on the test utterances that \
         contain a negator ({} of them, seed by seed).\n<!-- ANCHOR_END: negation -->\n\n{}",
        kit::report::settings_table("recall_settings", &r.settings.0),
        kit::report::settings_table("settings", &r.settings.1),
        recall.to_markdown(),
        r.recall_steps,
        r.recall.first().map_or(0, |run| run.accuracy_seeds.len()),
        results.to_markdown(),
        r.seeds.len(),
        sarcasm,
        negation,
        sizes.join(", "),
        kit::claims::markdown(&r.claims)
    )
}

/// The x axis of a figure over the steps of a sequence: one category per step, from
/// step 1 (not 0), labelled at step 1 and every tenth step.
fn steps_axis(steps: usize) -> Vec<String> {
    (1..=steps).map(|t| if t == 1 || t % 10 == 0 { t.to_string() } else { String::new() }).collect()
}

/// Write `results.md`, `results.json` and the three figures.
pub fn write_outputs(r: &Report, out: &Output) -> anyhow::Result<()> {
    out.write_results(&results_markdown(r), r)?;
    // Step t is category t - 1.
    let along = |v: &[f64]| v.iter().enumerate().map(|(i, &g)| (i as f64, g)).collect();
    let steps = steps_axis(r.recall_steps);
    let mut series = Vec::new();
    for (colour, run) in r.recall.iter().enumerate() {
        let name = match run.forget_bias {
            Some(b) => format!("{}, b_f = {b}", run.kind.name()),
            None => run.kind.name().to_string(),
        };
        series.push(Series::new(format!("{name}, trained"), colour, along(&run.gradient_trained)));
        series.push(Series::new(format!("{name}, untrained"), colour, along(&run.gradient_at_init)).dashed());
    }
    line_chart_categories_with(
        &out.figure("gradient.svg"),
        "How much gradient reaches each step's hidden state",
        "step t (the symbol to recall is at step 1)",
        &steps,
        "mean ‖d loss / d h_t‖",
        &series,
        &LineOptions::default(),
    )?;
    let g = &r.gates;
    // Gates lie in [0, 1]; the axis ends a little above 1 so the forget gate, near 1,
    // is not drawn on the frame.
    let gates = LineOptions { y_scale: YScale::Linear, y_range: Some((0.0, 1.05)), ..LineOptions::default() };
    line_chart_categories_with(
        &out.figure("gates.svg"),
        &format!("Unit {}'s gates over one sequence starting with symbol {}", g.unit, g.symbol),
        "step t",
        &steps,
        "gate activation",
        &[
            Series::new("input gate i", 0, along(&g.input)),
            Series::new("forget gate f", 1, along(&g.forget)),
            Series::new("output gate o", 2, along(&g.output)),
        ],
        &gates,
    )?;
    // One line per first symbol: the unit's mean cell over the sequences that start with
    // it. The lines cross zero, so the y axis is kept linear.
    let per_symbol: Vec<Series> = g
        .cell
        .iter()
        .enumerate()
        .map(|(k, c)| Series::new(format!("first symbol {k}"), k, along(c)))
        .collect();
    let linear = LineOptions {
        y_scale: YScale::Linear,
        references: vec![Reference::new("c = 0", 0.0)],
        ..LineOptions::default()
    };
    line_chart_categories_with(
        &out.figure("cell.svg"),
        &format!("The trained LSTM's cell, unit {}, by first symbol", g.unit),
        "step t",
        &steps,
        "mean cell state c_t",
        &per_symbol,
        &linear,
    )?;
    Ok(())
}
