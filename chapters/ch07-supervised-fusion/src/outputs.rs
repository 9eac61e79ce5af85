//! Writing the chapter's figures and result tables into its book folder.

use kit::plot::{Scatter, scatter};
use kit::{Options, Output, Table};
use models::fusion::Method;
use models::toymosi::{REFERENCE, export_seed, within_tolerance};

use crate::claims::{REFERENCE_MEANS, REFERENCE_SARCASM, SUBSET_NEGATIVE};
use crate::dotplot::{DotPlot, Level, Panel, Shape, dot_plot};
use crate::{Config, Report, Run, subset_name, subsets};

/// The chapter as the `zoo` runner and `main.rs` see it.
pub fn chapter() -> kit::Chapter {
    kit::Chapter {
        name: "ch07-supervised-fusion",
        title: "Chapter 7: supervised fusion",
        run: run_and_write,
        claims_from_results: |json| Ok(crate::claims(&serde_json::from_str::<Report>(json)?)),
        export: Some(export),
    }
}

/// `--export DIR`: toy MOSI of `--seed` in the layout `--data DIR` reads, and as CSV.
pub(crate) fn export(options: &Options, dir: &std::path::Path) -> anyhow::Result<()> {
    println!("{}", export_seed(options.seed, dir).map_err(anyhow::Error::msg)?);
    Ok(())
}

fn run_and_write(options: &Options) -> anyhow::Result<kit::Outcome> {
    kit::no_clean("ch07-supervised-fusion", options)?;
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
    let runs: usize = report.cells.iter().map(|c| c.runs.len()).sum();
    write_outputs(&report, &Output::new(&options.out))?;
    if let Some(dir) = &options.save {
        for line in crate::checkpoint::save_trimodal(dir, &cfg, &report)? {
            println!("{line}");
        }
    }
    let best = report.best_of_size(3);
    let headline = format!(
        "{runs} models; best trimodal {} Acc-2 {:.1}, MAE {:.3}",
        best.map_or(String::new(), |c| c.method.name().to_string()),
        best.map_or(f64::NAN, |c| c.acc2()),
        best.map_or(f64::NAN, |c| c.mae())
    );
    Ok(kit::Outcome { headline, claims: report.claims })
}

const COLUMNS: [Method; 4] = [Method::ConcatLinear, Method::ConcatMlp, Method::Sum, Method::Product];

/// The training settings of every model, as the page's table shows them.
pub(crate) fn settings(cfg: &crate::Config) -> Vec<(String, String)> {
    models::fusion::summary_settings(&cfg.train, cfg.seed, cfg.seeds)
}

/// The grid: Acc-2 (mean ± sd over the seeds) / MAE of every (subset, method) cell.
pub(crate) fn grid_table(r: &Report) -> Table {
    let mut headers = vec!["modalities".to_string()];
    headers.extend(COLUMNS.iter().map(|m| m.name().to_string()));
    let mut grid = Table::new(&headers);
    for modalities in subsets() {
        let name = subset_name(&modalities);
        let mut row = vec![name.clone()];
        for m in COLUMNS {
            row.push(match r.cell(&name, m) {
                Some(c) => {
                    let (a, sd) = c.stat(|x| 100.0 * x.test.acc2);
                    format!("{a:.1} ± {sd:.1} / {:.3}", c.mae())
                }
                None => "(= sum)".into(),
            });
        }
        grid.row(&row);
    }
    grid
}

/// The markdown tables `results.md` holds (the page includes them).
pub fn results_markdown(r: &Report) -> String {
    let ours = r.mean_stats();
    let mut data =
        Table::new(&["statistic", "ours (mean of the seeds)", "reference (mean ± sd)", "within 3 sd"]);
    for ((name, mean, sd), v) in REFERENCE.iter().zip(&ours) {
        let ok = if (v - mean).abs() <= 3.0 * sd { "✓" } else { "✗" };
        // Print a tiny negative mean as 0.000, not -0.000.
        let v = if format!("{v:.3}") == "-0.000" { 0.0 } else { *v };
        data.row(&[name.to_string(), format!("{v:.3}"), format!("{mean:.3} ± {sd:.3}"), ok.to_string()]);
    }
    let grid = grid_table(r);
    let mut reference =
        Table::new(&["modalities", "method", "ours: Acc-2 / MAE", "reference", "within tolerance"]);
    for (subset, method, acc2, sd, mae) in REFERENCE_MEANS {
        let Some(c) = r.cell(subset, method) else { continue };
        let (a, a_sd) = c.stat(|x| 100.0 * x.test.acc2);
        let (m, m_sd) = c.stat(|x| x.test.mae);
        let verdict = if (a - acc2).abs() <= 2.5 && (m - mae).abs() <= 0.04 {
            "✓"
        } else if within_tolerance((a, m), (a_sd, m_sd), (acc2, mae)) {
            "✓ (within 2 of our sds)"
        } else {
            "✗"
        };
        reference.row(&[
            subset.to_string(),
            method.name().to_string(),
            format!("{a:.1} / {m:.3}"),
            format!("{acc2:.1} ± {sd:.1} / {mae:.3}"),
            verdict.to_string(),
        ]);
    }
    let mut sarcasm = Table::new(&[
        "fusion (T+A+V)",
        "Acc-2 subset",
        "MAE subset",
        "Acc-2 rest",
        "MAE rest",
        "reference: Acc-2 subset / rest",
    ]);
    for m in COLUMNS {
        let Some(c) = r.cell("T+A+V", m) else { continue };
        let pick = |f: fn(&(models::toymosi::SentimentScores, models::toymosi::SentimentScores)) -> f64| {
            c.stat(|x| x.sarcasm.as_ref().map_or(f64::NAN, f))
        };
        let (ai, ai_sd) = pick(|s| 100.0 * s.0.acc2);
        let (mi, _) = pick(|s| s.0.mae);
        let (ar, ar_sd) = pick(|s| 100.0 * s.1.acc2);
        let (mr, _) = pick(|s| s.1.mae);
        let reference = REFERENCE_SARCASM
            .iter()
            .find(|x| x.0 == m)
            .map_or("not given".to_string(), |x| format!("{:.1} / {:.1}", x.1, x.3));
        sarcasm.row(&[
            m.name().to_string(),
            format!("{ai:.1} ± {ai_sd:.1}"),
            format!("{mi:.3}"),
            format!("{ar:.1} ± {ar_sd:.1}"),
            format!("{mr:.3}"),
            reference,
        ]);
    }
    let (n, train, valid, test) = r.sizes;
    format!(
        "<!-- Written by `cargo run --release -p ch07-supervised-fusion`; do not edit. -->\n\n{}\
         <!-- ANCHOR: sizes -->\n{} datasets (seeds {}), each of {n} utterances: {train} for training, {valid} for \
         validation (early stopping), {test} for testing, split by speaker.\n<!-- ANCHOR_END: sizes -->\n\n\
         <!-- ANCHOR: data -->\n{}<!-- ANCHOR_END: data -->\n\n\
         <!-- ANCHOR: grid -->\n{}\nCells are test Acc-2 in percent (mean ± standard deviation over the seeds) / \
         MAE. With one modality the sum and the product of projections are the same model.\n\
         <!-- ANCHOR_END: grid -->\n\n\
         <!-- ANCHOR: reference -->\n{}<!-- ANCHOR_END: reference -->\n\n\
         <!-- ANCHOR: sarcasm -->\n{}<!-- ANCHOR_END: sarcasm -->\n\n{}",
        kit::report::settings_table("settings", &r.settings),
        r.seeds.len(),
        r.seeds.iter().map(u64::to_string).collect::<Vec<_>>().join(", "),
        data.to_markdown(),
        grid.to_markdown(),
        reference.to_markdown(),
        sarcasm.to_markdown(),
        kit::claims::markdown(&r.claims)
    )
}

/// Write `results.md`, `results.json` and the figures.
pub fn write_outputs(r: &Report, out: &Output) -> anyhow::Result<()> {
    out.write_results(&results_markdown(r), r)?;
    // The diagram needs the models' shapes only, which every initialisation has.
    let modalities = models::toymosi::Modality::ALL;
    let widths: Vec<usize> = modalities.iter().map(|m| m.width()).collect();
    crate::diagram::fusion_heads(&crate::diagram::untrained(&widths), &modalities)
        .write(&out.figure("diagram-fusion-heads.svg"))?;
    dot_plot(&out.figure("by_subset.svg"), &by_subset(r))?;
    dot_plot(&out.figure("sarcasm.svg"), &sarcasm_figure(r))?;
    let points: Vec<(f64, f64)> = r.points.iter().map(|p| (p.polarity, p.label)).collect();
    let classes: Vec<usize> = r.points.iter().map(|p| usize::from(p.eye_roll)).collect();
    let class_names = ["no eye-roll".to_string(), "eye-roll".to_string()];
    scatter(
        &out.figure("data.svg"),
        &Scatter {
            title: &format!(
                "Label against text polarity (test split, seed {})",
                r.seeds.first().copied().unwrap_or(0)
            ),
            x_label: "text polarity P",
            y_label: "label y",
            points: &points,
            classes: &classes,
            class_names: &class_names,
            labels: &[],
            robust: false,
            kinds: None,
        },
    )?;
    Ok(())
}

/// The four methods as the figures draw them: the palette's first four colours, one
/// marker shape each.
fn figure_methods() -> Vec<crate::dotplot::Method> {
    let shapes = [Shape::Circle, Shape::Square, Shape::Diamond, Shape::Triangle];
    COLUMNS
        .iter()
        .zip(shapes)
        .enumerate()
        .map(|(k, (m, shape))| crate::dotplot::Method { name: m.name().to_string(), colour: k, shape })
        .collect()
}

/// Figure 7.3: Acc-2 and MAE of every (subset, method) cell, every seed. With one
/// modality the product of projections is the sum, so its slot stays empty.
pub(crate) fn by_subset(r: &Report) -> DotPlot {
    let names: Vec<String> = subsets().iter().map(|m| subset_name(m)).collect();
    let values = |f: fn(&Run) -> f64| -> Vec<Vec<Vec<f64>>> {
        names
            .iter()
            .map(|name| {
                COLUMNS
                    .iter()
                    .map(|&m| r.cell(name, m).map_or(vec![], |c| c.runs.iter().map(f).collect()))
                    .collect()
            })
            .collect()
    };
    let levels = r
        .stat_mean("fraction y < 0")
        .map(|negative| Level {
            name: "always answering non-negative".to_string(),
            y: 100.0 * (1.0 - negative),
            groups: 0..names.len(),
        })
        .into_iter()
        .collect();
    DotPlot {
        title: "Test scores by modality subset and fusion method".to_string(),
        groups: names.clone(),
        x_label: "modalities".to_string(),
        methods: figure_methods(),
        panels: vec![
            Panel {
                y_label: "Acc-2 (%, higher is better)".to_string(),
                values: values(|x| 100.0 * x.test.acc2),
                levels,
            },
            Panel {
                y_label: "MAE (lower is better)".to_string(),
                values: values(|x| x.test.mae),
                levels: vec![],
            },
        ],
    }
}

/// Figure 7.4: the trimodal models on the sarcasm subset and on the rest of the test
/// split, every seed.
fn sarcasm_figure(r: &Report) -> DotPlot {
    let values = |f: fn(&Run) -> Option<(f64, f64)>| -> Vec<Vec<Vec<f64>>> {
        let per_method = |part: usize| -> Vec<Vec<f64>> {
            COLUMNS
                .iter()
                .map(|&m| {
                    r.cell("T+A+V", m).map_or(vec![], |c| {
                        c.runs
                            .iter()
                            .filter_map(f)
                            .map(|(inside, rest)| if part == 0 { inside } else { rest })
                            .collect()
                    })
                })
                .collect()
        };
        vec![per_method(0), per_method(1)]
    };
    let levels = r
        .stat_mean(SUBSET_NEGATIVE)
        .map(|negative| Level {
            name: "always answering negative".to_string(),
            y: 100.0 * negative,
            groups: 0..1,
        })
        .into_iter()
        .collect();
    DotPlot {
        title: "Trimodal models where the label multiplies the modalities".to_string(),
        groups: vec![
            "eye-roll on positive words\n(the sarcasm subset)".to_string(),
            "the rest of\nthe test split".to_string(),
        ],
        x_label: "test utterances".to_string(),
        methods: figure_methods(),
        panels: vec![
            Panel {
                y_label: "Acc-2 (%, higher is better)".to_string(),
                values: values(|x| x.sarcasm.map(|s| (100.0 * s.0.acc2, 100.0 * s.1.acc2))),
                levels,
            },
            Panel {
                y_label: "MAE (lower is better)".to_string(),
                values: values(|x| x.sarcasm.map(|s| (s.0.mae, s.1.mae))),
                levels: vec![],
            },
        ],
    }
}
