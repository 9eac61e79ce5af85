//! Writing the chapter's figures and result tables into its book folder.

use kit::plot::{Series, line_chart_categories, line_chart_categories_log};
use kit::{Options, Output, Table};
use models::fusion::Method;
use models::toymosi::export_seed;

use crate::timing::{LAYER, MODEL};
use crate::{Cell, Config, Report, Run, rank_of};

/// The chapter as the `zoo` runner and `main.rs` see it.
pub fn chapter() -> kit::Chapter {
    kit::Chapter {
        name: "ch09-low-rank-fusion",
        title: "Chapter 9: low-rank multimodal fusion",
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
    kit::generated_data("ch09-low-rank-fusion", options)?;
    let mut cfg = if options.quick { Config::quick() } else { Config::default() };
    cfg.seed = options.seed;
    if let Some(epochs) = options.epochs {
        cfg.train.max_epochs = epochs;
    }
    let report = crate::run(&cfg)?;
    write_outputs(&report, &Output::new(&options.out))?;
    let runs: usize = report.cells.iter().map(|c| c.runs.len()).sum();
    let (lmf, tfn) = (report.cell(Method::Lmf(4)), report.cell(Method::Tfn));
    let headline = format!(
        "{runs} models; Acc-2 LMF r=4 {:.1}, TFN {:.1}",
        lmf.map_or(f64::NAN, Cell::acc2),
        tfn.map_or(f64::NAN, Cell::acc2)
    );
    Ok(kit::Outcome { headline, claims: report.claims })
}

fn ms(v: Option<f64>) -> String {
    v.map_or("-".into(), |v| format!("{v:.3}"))
}

/// The training settings of every model, as the page's table shows them.
pub(crate) fn settings(cfg: &crate::Config) -> Vec<(String, String)> {
    let t = &cfg.train;
    let mut rows = models::fusion::summary_settings(t, cfg.seed, cfg.seeds);
    rows.extend(
        [("LMF ranks r", cfg.ranks.iter().map(|r| r.to_string()).collect::<Vec<_>>().join(", "))]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v)),
    );
    rows
}

/// The markdown tables `results.md` holds.
pub fn results_markdown(r: &Report) -> String {
    let mut sweep = Table::new(&["fusion (T+A+V)", "Acc-2", "MAE", "parameters", "after the encoders"]);
    for c in &r.cells {
        let pct = |f: fn(&models::toymosi::SentimentScores) -> f64| {
            let (m, sd) = c.stat(|x| 100.0 * f(&x.test));
            format!("{m:.1} ± {sd:.1}")
        };
        let (mae, mae_sd) = c.stat(|x| x.test.mae);
        sweep.row(&[
            c.name(),
            pct(|s| s.acc2),
            format!("{mae:.3} ± {mae_sd:.3}"),
            c.parameters.to_string(),
            c.fusion_parameters.to_string(),
        ]);
    }
    let mut subset = Table::new(&[
        "fusion (T+A+V)",
        "Acc-2, sarcasm subset",
        "MAE, subset",
        "Acc-2, the rest",
        "MAE, the rest",
    ]);
    for c in &r.cells {
        let (a, sd) = c.stat(|x| 100.0 * x.sarcasm.0.acc2);
        subset.row(&[
            c.name(),
            format!("{a:.1} ± {sd:.1}"),
            format!("{:.3}", c.stat(|x| x.sarcasm.0.mae).0),
            format!("{:.1}", c.stat(|x| 100.0 * x.sarcasm.1.acc2).0),
            format!("{:.3}", c.stat(|x| x.sarcasm.1.mae).0),
        ]);
    }
    let s = &r.steps;
    let mut steps = Table::new(&["compared", "largest difference / largest prediction"]);
    steps.row(&[
        "step 3 (rearranged) against steps 1 and 2 (W rebuilt, Z formed)".into(),
        format!("{:.1e}", s.rearranged_vs_formed),
    ]);
    steps.row(&[
        "LMF model against TFN model with the LMF's encoders and W".into(),
        format!("{:.1e}", s.lmf_vs_tfn),
    ]);
    let t = &r.timing;
    let mut timing = Table::new(&["what is timed (ms)", "ours", "PyTorch", "ours / PyTorch"]);
    let mut rows: Vec<(String, &str, String)> = vec![
        ("fusion layer, TFN linear head, training step".into(), LAYER, "tfn_linear_train_step".into()),
        ("fusion layer, TFN MLP head (32), training step".into(), LAYER, "tfn_mlp_train_step".into()),
    ];
    for rank in [1, 2, 4, 8, 16] {
        rows.push((
            format!("fusion layer, LMF r={rank}, training step"),
            LAYER,
            format!("lmf_rank{rank}_train_step"),
        ));
    }
    rows.push(("fusion layer, TFN linear head, inference".into(), LAYER, "tfn_linear_inference".into()));
    rows.push(("fusion layer, LMF r=4, inference".into(), LAYER, "lmf_rank4_inference".into()));
    for (name, bench) in [("TFN", "tfn"), ("TFN linear head", "tfn_linear"), ("LMF r=4", "lmf_rank4")] {
        rows.push((format!("toy MOSI model, {name}, training step"), MODEL, format!("{bench}_train_step")));
        rows.push((format!("toy MOSI model, {name}, inference"), MODEL, format!("{bench}_inference")));
    }
    for (what, group, bench) in &rows {
        let (ours, torch) = (t.get("ours", group, bench), t.get("torch", group, bench));
        let ratio = ours.zip(torch).map_or("-".into(), |(a, b)| format!("{:.2}×", a / b));
        timing.row(&[what.clone(), ms(ours), ms(torch), ratio]);
    }
    format!(
        "<!-- Written by `cargo run --release -p ch09-low-rank-fusion`; do not edit. -->\n\n{}\
         <!-- ANCHOR: sweep -->\n{}\nMeans ± standard deviations over {} seeds, on the test split; Acc-2 in percent \
         (F1, correlation and Acc-7 are in `results.json`).\n<!-- ANCHOR_END: sweep -->\n\n\
         <!-- ANCHOR: subset -->\n{}<!-- ANCHOR_END: subset -->\n\n\
         <!-- ANCHOR: steps -->\n{}\nRank {}, {} test utterances of seed {}; the largest prediction is {:.3} (the \
         regression output is not clipped to the labels' range of -3 to 3).\n\
         <!-- ANCHOR_END: steps -->\n\n\
         <!-- ANCHOR: timing -->\n{}\nBest medians over the rounds of `{}`, measured {} on {} cores ({}), PyTorch {} \
         with one thread, our engine with one kernel thread.\n<!-- ANCHOR_END: timing -->\n\n{}",
        kit::report::settings_table("settings", &r.settings),
        sweep.to_markdown(),
        r.seeds.len(),
        subset.to_markdown(),
        steps.to_markdown(),
        s.rank,
        s.examples,
        r.seeds.first().copied().unwrap_or(0),
        s.largest_output,
        timing.to_markdown(),
        t.command,
        t.date,
        t.cores,
        t.cpu,
        t.versions.get("torch").map_or("-", String::as_str),
        kit::claims::markdown(&r.claims)
    )
}

/// A horizontal dashed line across the rank categories.
fn level(name: &str, colour: usize, value: f64, ranks: usize) -> Series {
    Series::new(name, colour, vec![(0.0, value), ((ranks.max(2) - 1) as f64, value)]).dashed()
}

/// Write `results.md`, `results.json` and the three figures.
pub fn write_outputs(r: &Report, out: &Output) -> anyhow::Result<()> {
    out.write_results(&results_markdown(r), r)?;
    let ranks = r.ranks();
    let categories: Vec<String> = ranks.iter().map(|c| rank_of(c.method).to_string()).collect();
    let along = |f: &dyn Fn(&Cell) -> f64| ranks.iter().enumerate().map(|(i, c)| (i as f64, f(c))).collect();
    let n = ranks.len();
    // The smallest and largest of the seeds at each rank, shaded around the mean.
    let spread = |f: &dyn Fn(&Run) -> f64| -> Vec<(f64, f64)> {
        ranks
            .iter()
            .map(|c| {
                let v = c.runs.iter().map(f);
                v.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| (lo.min(x), hi.max(x)))
            })
            .collect()
    };
    let mut accuracy = vec![
        Series::new("LMF, all test", 0, along(&|c| c.acc2())).band(spread(&|r| 100.0 * r.test.acc2)),
        Series::new("LMF, sarcasm subset", 1, along(&|c| c.sarcasm_acc2()))
            .band(spread(&|r| 100.0 * r.sarcasm.0.acc2)),
    ];
    if let Some(lin) = r.cell(Method::TfnLinear) {
        accuracy.push(level("TFN, linear head, all test", 2, lin.acc2(), n));
        accuracy.push(level("TFN, linear head, sarcasm subset", 3, lin.sarcasm_acc2(), n));
    }
    line_chart_categories(
        &out.figure("rank.svg"),
        "Acc-2 by rank (T+A+V)",
        "rank r",
        &categories,
        "Acc-2 (%)",
        &accuracy,
    )?;
    let mut parameters = vec![Series::new("LMF (28r + 1)", 0, along(&|c| c.fusion_parameters as f64))];
    for (method, colour) in [(Method::Tfn, 1), (Method::TfnLinear, 2)] {
        if let Some(c) = r.cell(method) {
            parameters.push(level(&c.name(), colour, c.fusion_parameters as f64, n));
        }
    }
    line_chart_categories_log(
        &out.figure("parameters.svg"),
        "Parameters after the encoders",
        "rank r",
        &categories,
        "parameters",
        &parameters,
    )?;
    let t = &r.timing;
    let sweep = [1usize, 2, 4, 8, 16];
    let names: Vec<String> = sweep.iter().map(usize::to_string).collect();
    // Colour by model, solid for our engine and dashed for PyTorch.
    let mut speed = Vec::new();
    for (side, label) in [("ours", "ours"), ("torch", "PyTorch")] {
        let dashed = |s: Series| if side == "torch" { s.dashed() } else { s };
        let points: Vec<(f64, f64)> = sweep
            .iter()
            .enumerate()
            .filter_map(|(i, rank)| {
                Some((i as f64, t.get(side, LAYER, &format!("lmf_rank{rank}_train_step"))?))
            })
            .collect();
        speed.push(dashed(Series::new(format!("LMF, {label}"), 0, points)));
        for (bench, name, colour) in
            [("tfn_linear_train_step", "TFN, linear head", 1), ("tfn_mlp_train_step", "TFN, MLP head", 2)]
        {
            if let Some(v) = t.get(side, LAYER, bench) {
                let last = (sweep.len() - 1) as f64;
                speed.push(dashed(Series::new(
                    format!("{name}, {label}"),
                    colour,
                    vec![(0.0, v), (last, v)],
                )));
            }
        }
    }
    line_chart_categories_log(
        &out.figure("speed.svg"),
        "One training step of the fusion layer (32/32/64, batch 32)",
        "LMF rank r",
        &names,
        "milliseconds",
        &speed,
    )?;
    Ok(())
}
