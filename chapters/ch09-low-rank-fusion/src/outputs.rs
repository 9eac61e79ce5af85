//! Writing the chapter's figures and result tables into its book folder.

use kit::plot::{LineOptions, Series, YScale, line_chart_categories_with};
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
    println!("{}", export_seed(options.seed, dir).map_err(anyhow::Error::msg)?);
    Ok(())
}

fn run_and_write(options: &Options) -> anyhow::Result<kit::Outcome> {
    kit::no_clean("ch09-low-rank-fusion", options)?;
    if let Some(dir) = &options.load {
        return crate::checkpoint::load_all(dir);
    }
    let mut cfg = if options.quick { Config::quick() } else { Config::default() };
    cfg.seed = options.seed;
    if let Some(epochs) = options.epochs {
        cfg.train.max_epochs = epochs;
    }
    if let Some(dir) = &options.mosi {
        anyhow::ensure!(
            options.save.is_none(),
            "--save keeps models trained on toy MOSI; drop --data or --save"
        );
        return crate::mosi::run_and_write(dir, &cfg, options);
    }
    let report = crate::run(&cfg)?;
    write_outputs(&report, &Output::new(&options.out))?;
    if let Some(dir) = &options.save {
        for line in crate::checkpoint::save_all(dir, &cfg, &report)? {
            println!("{line}");
        }
    }
    let gmus = report.gmu.as_ref().map_or(0, |g| g.runs.len());
    let runs: usize = report.cells.iter().map(|c| c.runs.len()).sum::<usize>() + gmus;
    // The headline names its cells; a sweep without them says so instead of printing NaN.
    let acc2 = |c: Option<&Cell>| c.map_or("not run".to_string(), |c| format!("{:.1}", c.acc2()));
    let gmu = report
        .gmu
        .as_ref()
        .map_or("not run".to_string(), |g| format!("{:.1}", g.stat(|r| 100.0 * r.test.acc2).0));
    let headline = format!(
        "{runs} models; Acc-2 LMF r=4 {}, TFN {}, GMU {gmu}",
        acc2(report.cell(Method::Lmf(4))),
        acc2(report.cell(Method::Tfn))
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

/// Acc-2 and MAE (mean ± sd over the seeds) and the parameters of every method.
pub(crate) fn sweep_table(r: &Report) -> Table {
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
    sweep
}

/// The lecture's three steps checked on a trained LMF.
pub(crate) fn steps_table(r: &Report) -> Table {
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
    steps
}

/// The markdown tables `results.md` holds.
pub fn results_markdown(r: &Report) -> String {
    let sweep = sweep_table(r);
    let mut subset = Table::new(&[
        "fusion (T+A+V)",
        "Acc-2, sarcasm subset",
        "MAE, subset",
        "Acc-2, the rest",
        "MAE, the rest",
    ]);
    for c in &r.cells {
        let (a, sd) = c.stat(|x| x.sarcasm.map_or(f64::NAN, |s| 100.0 * s.0.acc2));
        subset.row(&[
            c.name(),
            format!("{a:.1} ± {sd:.1}"),
            format!("{:.3}", c.stat(|x| x.sarcasm.map_or(f64::NAN, |s| s.0.mae)).0),
            format!("{:.1}", c.stat(|x| x.sarcasm.map_or(f64::NAN, |s| 100.0 * s.1.acc2)).0),
            format!("{:.3}", c.stat(|x| x.sarcasm.map_or(f64::NAN, |s| s.1.mae)).0),
        ]);
    }
    let steps = steps_table(r);
    let s = &r.steps;
    let t = &r.timing;
    let mut timing = Table::new(&["what is timed", "model", "ours (ms)", "PyTorch (ms)", "ours / PyTorch"]);
    // Each model named as the sweep table names it (`Method::name`), the MLP head said.
    let (tfn, linear) = (format!("{}, MLP head", Method::Tfn.name()), Method::TfnLinear.name().to_string());
    let (layer_step, layer_inference) = ("fusion layer, training step", "fusion layer, inference");
    let mut rows: Vec<(&str, String, &str, String)> = vec![
        (layer_step, linear.clone(), LAYER, "tfn_linear_train_step".into()),
        (layer_step, tfn.clone(), LAYER, "tfn_mlp_train_step".into()),
    ];
    for rank in [1, 2, 4, 8, 16] {
        rows.push((layer_step, format!("LMF r={rank}"), LAYER, format!("lmf_rank{rank}_train_step")));
    }
    rows.push((layer_inference, linear.clone(), LAYER, "tfn_linear_inference".into()));
    rows.push((layer_inference, "LMF r=4".into(), LAYER, "lmf_rank4_inference".into()));
    for (name, bench) in [(tfn, "tfn"), (linear, "tfn_linear"), ("LMF r=4".into(), "lmf_rank4")] {
        rows.push(("toy MOSI model, training step", name.clone(), MODEL, format!("{bench}_train_step")));
        rows.push(("toy MOSI model, inference", name, MODEL, format!("{bench}_inference")));
    }
    for (what, model, group, bench) in &rows {
        let (ours, torch) = (t.get("ours", group, bench), t.get("torch", group, bench));
        let ratio = ours.zip(torch).map_or("-".into(), |(a, b)| format!("{:.2}×", a / b));
        timing.row(&[what.to_string(), model.clone(), ms(ours), ms(torch), ratio]);
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
         with one thread, our engine with one kernel thread.\n<!-- ANCHOR_END: timing -->\n\n{}{}",
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
        crate::gmu_outputs::markdown(r),
        kit::claims::markdown(&r.claims)
    )
}

/// A level across the rank categories: one number, drawn dashed (so without a dot per
/// rank, which would make it look like a measurement at each rank).
fn level(name: &str, colour: usize, value: f64, ranks: usize) -> Series {
    Series::new(name, colour, vec![(0.0, value), ((ranks.max(2) - 1) as f64, value)]).dashed()
}

/// A solid level without markers, for the one measurement of a model that has no rank.
fn solid_level(name: &str, colour: usize, value: f64, ranks: usize) -> Series {
    Series::new(name, colour, vec![(0.0, value), ((ranks.max(2) - 1) as f64, value)]).without_markers()
}

/// A log axis from the decade at or below the smallest value to the decade above the
/// largest one's double, so no line lies on the frame.
fn decades(series: &[Series]) -> Option<(f64, f64)> {
    let values = series.iter().flat_map(|s| s.points.iter().map(|p| p.1)).filter(|v| *v > 0.0);
    let (lo, hi) = values.fold((f64::INFINITY, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    lo.is_finite().then(|| (10f64.powf(lo.log10().floor()), 10f64.powf((2.0 * hi).log10().ceil())))
}

/// A linear axis from the multiple of `step` below the lowest value (bands included) to
/// the one above the highest.
fn rounded(series: &[Series], step: f64) -> Option<(f64, f64)> {
    let values = series.iter().flat_map(|s| {
        let band = s.band.iter().flatten().flat_map(|b| [b.0, b.1]);
        s.points.iter().map(|p| p.1).chain(band)
    });
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
    lo.is_finite().then(|| ((lo / step).floor() * step, (hi / step).ceil() * step))
}

/// The x axis's label: ranks double from one category to the next.
const RANK_AXIS: &str = "rank r (doubling: a log scale)";

/// Write `results.md`, `results.json`, the diagram of the model the steps check, and the
/// three figures.
pub fn write_outputs(r: &Report, out: &Output) -> anyhow::Result<()> {
    out.write_results(&results_markdown(r), r)?;
    let modalities = crate::diagram::MODALITIES;
    crate::diagram::low_rank(&crate::diagram::lmf(r.steps.rank), &modalities)
        .write(&out.figure("diagram-low-rank.svg"))?;
    if r.gmu.is_some() {
        crate::gmu_outputs::write_diagram(out)?;
    }
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
    // Colour by split (blue the whole test split, orange the sarcasm subset); LMF solid,
    // TFN with a linear head (the full-rank model LMF approximates) its dashed level.
    let linear = r.cell(Method::TfnLinear);
    let mut accuracy =
        vec![Series::new("all test: LMF", 0, along(&|c| c.acc2())).band(spread(&|r| 100.0 * r.test.acc2))];
    if let Some(lin) = linear {
        accuracy.push(level(&format!("all test: {}", lin.name()), 0, lin.acc2(), n));
    }
    accuracy.push(
        Series::new("sarcasm: LMF", 1, along(&|c| c.sarcasm_acc2()))
            .band(spread(&|r| r.sarcasm.map_or(f64::NAN, |s| 100.0 * s.0.acc2))),
    );
    if let Some(lin) = linear {
        accuracy.push(level(&format!("sarcasm: {}", lin.name()), 1, lin.sarcasm_acc2(), n));
    }
    let options =
        LineOptions { y_scale: YScale::Linear, y_range: rounded(&accuracy, 5.0), ..LineOptions::default() };
    line_chart_categories_with(
        &out.figure("rank.svg"),
        "Acc-2 by rank (T+A+V)",
        RANK_AXIS,
        &categories,
        "Acc-2 (%)",
        &accuracy,
        &options,
    )?;
    let mut parameters = vec![Series::new("LMF (28r + 1)", 0, along(&|c| c.fusion_parameters as f64))];
    for (method, colour) in [(Method::Tfn, 1), (Method::TfnLinear, 2)] {
        if let Some(c) = r.cell(method) {
            parameters.push(level(&c.name(), colour, c.fusion_parameters as f64, n));
        }
    }
    let options =
        LineOptions { y_scale: YScale::Log, y_range: decades(&parameters), ..LineOptions::default() };
    line_chart_categories_with(
        &out.figure("parameters.svg"),
        "Parameters after the encoders",
        RANK_AXIS,
        &categories,
        "parameters",
        &parameters,
        &options,
    )?;
    let t = &r.timing;
    let sweep = [1usize, 2, 4, 8, 16];
    let names: Vec<String> = sweep.iter().map(usize::to_string).collect();
    // Colour by model, solid for our engine and dashed for PyTorch; TFN has no rank, so
    // its one measurement is a level without markers.
    let mut speed = Vec::new();
    let heads = [
        ("tfn_linear_train_step", Method::TfnLinear.name().to_string(), 1),
        ("tfn_mlp_train_step", format!("{}, MLP head", Method::Tfn.name()), 2),
    ];
    for (side, label) in [("ours", "ours"), ("torch", "PyTorch")] {
        let points: Vec<(f64, f64)> = sweep
            .iter()
            .enumerate()
            .filter_map(|(i, rank)| {
                Some((i as f64, t.get(side, LAYER, &format!("lmf_rank{rank}_train_step"))?))
            })
            .collect();
        let lmf = Series::new(format!("LMF, {label}"), 0, points);
        speed.push(if side == "torch" { lmf.dashed() } else { lmf });
        for (bench, name, colour) in &heads {
            if let Some(v) = t.get(side, LAYER, bench) {
                let name = format!("{name}, {label}");
                speed.push(if side == "torch" {
                    level(&name, *colour, v, sweep.len())
                } else {
                    solid_level(&name, *colour, v, sweep.len())
                });
            }
        }
    }
    let options = LineOptions { y_scale: YScale::Log, y_range: decades(&speed), ..LineOptions::default() };
    line_chart_categories_with(
        &out.figure("speed.svg"),
        "One training step of the fusion layer (32/32/64, batch 32)",
        "LMF rank r (doubling: a log scale)",
        &names,
        "milliseconds",
        &speed,
        &options,
    )?;
    Ok(())
}
