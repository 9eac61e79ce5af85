//! Writing the chapter's figures and result tables into its book folder.

use kit::plot::{Series, line_chart};
use kit::{Options, Output, Table};
use models::seq::Recurrence;
use models::toymosi::export_seed;

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
    let [a, b] = export_seed(options.seed, dir).map_err(anyhow::Error::msg)?;
    println!("toy MOSI, seed {}: {} and {}", options.seed, a.display(), b.display());
    Ok(())
}

fn run_and_write(options: &Options) -> anyhow::Result<kit::Outcome> {
    kit::generated_data("ch11-multimodal-lstm", options)?;
    let mut cfg = if options.quick { Config::quick() } else { Config::default() };
    cfg.seed = options.seed;
    if let Some(epochs) = options.epochs {
        cfg.train.max_epochs = epochs;
    }
    let report = crate::run(&cfg)?;
    write_outputs(&report, &Output::new(&options.out))?;
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

/// The markdown tables `results.md` holds.
pub fn results_markdown(r: &Report) -> String {
    let mut recall =
        Table::new(&["model", "accuracy", "gradient at step 1 / at the last step, untrained", "trained"]);
    for run in &r.recall {
        recall.row(&[
            run.kind.name().to_string(),
            format!("{:.3}", run.accuracy),
            format!("{:.1e}", run.decay_at_init()),
            format!("{:.1e}", run.decay_trained()),
        ]);
    }
    let mut results =
        Table::new(&["model (T+A+V)", "Acc-2", "F1", "MAE", "Corr", "Acc-7", "parameters", "epochs (mean)"]);
    for c in &r.cells {
        let pct = |f: fn(&models::toymosi::SentimentScores) -> f64| {
            let (m, sd) = c.stat(|s| 100.0 * f(s));
            format!("{m:.1} ± {sd:.1}")
        };
        let (mae, mae_sd) = c.stat(|s| s.mae);
        results.row(&[
            c.name.clone(),
            pct(|s| s.acc2),
            pct(|s| s.f1),
            format!("{mae:.3} ± {mae_sd:.3}"),
            format!("{:.3}", c.stat(|s| s.corr).0),
            pct(|s| s.acc7),
            c.parameters.to_string(),
            format!("{:.0}", c.epochs.iter().sum::<usize>() as f64 / c.epochs.len().max(1) as f64),
        ]);
    }
    let mut sarcasm = Table::new(&["model (T+A+V)", "Acc-2, sarcasm subset", "MAE, subset"]);
    for c in &r.cells {
        let (acc2, sd) = c.sarcasm_stat(|s| 100.0 * s.acc2);
        sarcasm.row(&[
            c.name.clone(),
            format!("{acc2:.1} ± {sd:.1}"),
            format!("{:.3}", c.sarcasm_stat(|s| s.mae).0),
        ]);
    }
    format!(
        "<!-- Written by `cargo run --release -p ch11-multimodal-lstm`; do not edit. -->\n\n\
         <!-- ANCHOR: recall -->\n{}\nRecall of the first of {} symbols; accuracy on 512 new sequences (chance 0.25).\n\
         <!-- ANCHOR_END: recall -->\n\n\
         <!-- ANCHOR: results -->\n{}\nMeans ± standard deviations over {} seeds, on the test split; Acc-2, F1 and \
         Acc-7 in percent.\n<!-- ANCHOR_END: results -->\n\n\
         <!-- ANCHOR: sarcasm -->\n{}<!-- ANCHOR_END: sarcasm -->\n\n{}",
        recall.to_markdown(),
        r.recall_steps,
        results.to_markdown(),
        r.seeds.len(),
        sarcasm.to_markdown(),
        kit::claims::markdown(&r.claims)
    )
}

/// Write `results.md`, `results.json` and the two figures.
pub fn write_outputs(r: &Report, out: &Output) -> anyhow::Result<()> {
    out.write_results(&results_markdown(r), r)?;
    let along = |v: &[f64]| v.iter().enumerate().map(|(t, &g)| ((t + 1) as f64, g)).collect();
    let mut series = Vec::new();
    for (colour, run) in r.recall.iter().enumerate() {
        series.push(Series::new(
            format!("{}, trained", run.kind.name()),
            colour,
            along(&run.gradient_trained),
        ));
        series.push(
            Series::new(format!("{}, untrained", run.kind.name()), colour, along(&run.gradient_at_init))
                .dashed(),
        );
    }
    line_chart(
        &out.figure("gradient.svg"),
        "How much gradient reaches each step's hidden state",
        "step t (the symbol to recall is at step 1)",
        "mean |d loss / d h_t|",
        &series,
    )?;
    let g = &r.gates;
    line_chart(
        &out.figure("gates.svg"),
        &format!("The trained LSTM's gates, unit {}, one sequence", g.unit),
        "step t",
        "gate activation",
        &[
            Series::new("input gate i", 0, along(&g.input)),
            Series::new("forget gate f", 1, along(&g.forget)),
            Series::new("output gate o", 2, along(&g.output)),
        ],
    )?;
    Ok(())
}
