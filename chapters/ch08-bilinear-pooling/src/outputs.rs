//! Writing the chapter's figures and result tables into its book folder.

use kit::{Options, Output, Table};
use models::fusion::{Method, PROJECTION};
use models::toymosi::{Modality, export_seed};

use crate::{Cell, Config, Report};

/// The chapter as the `zoo` runner and `main.rs` see it.
pub fn chapter() -> kit::Chapter {
    kit::Chapter {
        name: "ch08-bilinear-pooling",
        title: "Chapter 8: bilinear pooling and tensor fusion",
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
    kit::no_clean("ch08-bilinear-pooling", options)?;
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
        for line in crate::checkpoint::save_trimodal(dir, &cfg, &report)? {
            println!("{line}");
        }
    }
    let runs: usize = report.cells.iter().map(|c| c.runs.len()).sum();
    let tfn = report.cell("T+A+V", Method::Tfn, 1.0);
    let headline = format!(
        "{runs} models; TFN on T+A+V Acc-2 {:.1}, MAE {:.3}",
        tfn.map_or(f64::NAN, Cell::acc2),
        tfn.map_or(f64::NAN, Cell::mae)
    );
    Ok(kit::Outcome { headline, claims: report.claims })
}

pub(crate) fn cell_text(c: Option<&Cell>) -> String {
    c.map_or("-".into(), |c| {
        let (a, sd) = c.stat(|x| 100.0 * x.test.acc2);
        format!("{a:.1} ± {sd:.1} / {:.3}", c.mae())
    })
}

/// The training settings of every model, as the page's table shows them.
pub(crate) fn settings(cfg: &crate::Config) -> Vec<(String, String)> {
    let t = &cfg.train;
    let mut rows = models::fusion::summary_settings(t, cfg.seed, cfg.seeds);
    rows.extend(
        [(
            "interaction strength λ_int of the data",
            format!(
                "{} (the default), and {} in the ablation",
                cfg.knobs.lambda_int,
                cfg.lambdas.iter().map(|l| l.to_string()).collect::<Vec<_>>().join(", ")
            ),
        )]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v)),
    );
    rows
}

/// A sentence naming the tensor's blocks that no term of the label needs.
fn unused_blocks(r: &Report) -> String {
    if r.terms.is_empty() {
        return String::new();
    }
    let mut unused = Vec::new();
    for size in 0..=3usize {
        for mask in 0..8usize {
            let modalities: Vec<Modality> = Modality::ALL
                .iter()
                .enumerate()
                .filter(|(k, _)| mask >> k & 1 == 1)
                .map(|(_, &m)| m)
                .collect();
            if modalities.len() != size {
                continue;
            }
            let used =
                r.terms.iter().any(|t| t.modalities == modalities && t.coefficient.is_some_and(|c| c != 0.0));
            if !used {
                unused.push(if size == 0 {
                    "the constant".to_string()
                } else {
                    crate::terms::block_name(&modalities)
                });
            }
        }
    }
    let list = match unused.len() {
        0 => "none".to_string(),
        _ => unused.join(", "),
    };
    format!("Blocks that no term of the label needs: {list}. ")
}

/// The methods of the grid, in its columns' order.
pub(crate) const METHODS: [Method; 5] =
    [Method::ConcatLinear, Method::ConcatMlp, Method::Product, Method::TfnLinear, Method::Tfn];

/// Acc-2 (mean ± sd over the seeds) / MAE of every method on every pair and the triple.
pub(crate) fn grid_table(r: &Report) -> Table {
    let mut headers = vec!["modalities".to_string()];
    headers.extend(METHODS.iter().map(|m| m.name().to_string()));
    let mut grid = Table::new(&headers);
    for subset in ["T+A", "T+V", "A+V", "T+A+V"] {
        let mut row = vec![subset.to_string()];
        row.extend(METHODS.iter().map(|&m| cell_text(r.cell(subset, m, 1.0))));
        grid.row(&row);
    }
    grid
}

/// The markdown tables `results.md` holds.
pub fn results_markdown(r: &Report) -> String {
    let grid = grid_table(r);
    let mut params = Table::new(&["method (T+A+V)", "parameters", "Acc-2 / MAE on the sarcasm subset"]);
    for m in METHODS {
        if let Some(c) = r.cell("T+A+V", m, 1.0) {
            let (a, sd) = c.stat(|x| 100.0 * x.sarcasm.map_or(f64::NAN, |s| s.0.acc2));
            let (mae, _) = c.stat(|x| x.sarcasm.map_or(f64::NAN, |s| s.0.mae));
            params.row(&[
                m.name().to_string(),
                c.parameters.to_string(),
                format!("{a:.1} ± {sd:.1} / {mae:.3}"),
            ]);
        }
    }
    let mut blocks =
        Table::new(&["TFN (linear head) keeps", "entries", "Acc-2 / MAE", "Acc-2 on the sarcasm subset"]);
    let orders = models::fusion::entry_orders(&[models::fusion::PROJECTION; 3]);
    for (order, what) in [
        (1, "the constant and the unimodal blocks"),
        (2, "... and the bimodal blocks"),
        (3, "... and the trimodal block (all)"),
    ] {
        let entries = orders.iter().filter(|&&o| o <= order).count();
        let c = r.blocks(order);
        let inside = c.map_or(f64::NAN, |c| c.stat(|x| 100.0 * x.sarcasm.map_or(f64::NAN, |s| s.0.acc2)).0);
        blocks.row(&[what.to_string(), entries.to_string(), cell_text(c), format!("{inside:.1}")]);
    }
    let mut terms = Table::new(&[
        "term of y*",
        "coefficient",
        "made of the knobs",
        "the tensor block it needs",
        "entries in the block",
        "sd over the utterances",
    ]);
    for t in &r.terms {
        let block = match t.modalities.len() {
            0 => "none (no modality shows it)".to_string(),
            k => format!(
                "{} ({})",
                crate::terms::block_name(&t.modalities),
                ["unimodal", "bimodal", "trimodal"][k - 1]
            ),
        };
        let coefficient = t.coefficient.map_or("-".into(), |c| format!("{c:.2}"));
        let entries = if t.modalities.is_empty() { "-".to_string() } else { t.entries.to_string() };
        terms.row(&[t.term.clone(), coefficient, t.from.clone(), block, entries, format!("{:.2}", t.sd)]);
    }
    let mut world = Table::new(&["lambda_int", "concat + linear", "concat + MLP", "TFN"]);
    let mut lambdas: Vec<f64> = r.cells.iter().map(|c| c.lambda_int).collect();
    lambdas.sort_by(f64::total_cmp);
    lambdas.dedup();
    for l in lambdas {
        let mut row = vec![format!("{l}")];
        row.extend(
            [Method::ConcatLinear, Method::ConcatMlp, Method::Tfn]
                .iter()
                .map(|&m| cell_text(r.cell("T+A+V", m, l))),
        );
        world.row(&row);
    }
    let mut sizes = Table::new(&[
        "modalities",
        "projection width d",
        "tensor entries (d + 1)^M",
        "first head layer (tensor to 32)",
        "concatenation",
    ]);
    for s in &r.sizes {
        sizes.row(&[
            s.modalities.to_string(),
            s.width.to_string(),
            s.tensor.to_string(),
            s.head.to_string(),
            s.concat.to_string(),
        ]);
    }
    format!(
        "<!-- Written by `cargo run --release -p ch08-bilinear-pooling`; do not edit. -->\n\n{}\
         <!-- ANCHOR: grid -->\n{}\nCells are test Acc-2 in percent (mean ± standard deviation over {} seeds) / MAE.\n\
         <!-- ANCHOR_END: grid -->\n\n\
         <!-- ANCHOR: parameters -->\n{}<!-- ANCHOR_END: parameters -->\n\n\
         <!-- ANCHOR: terms -->\n{}\n{}The sd column is over the {} utterances of seed {}, each term with its coefficient. \
         The factors: P the text polarity, a the arousal and tone the voice tone (audio), face the facial valence \
         and r the eye-roll (video); P+ = max(P, 0).\n<!-- ANCHOR_END: terms -->\n\n\
         <!-- ANCHOR: blocks -->\n{}<!-- ANCHOR_END: blocks -->\n\n\
         <!-- ANCHOR: world -->\n{}<!-- ANCHOR_END: world -->\n\n\
         <!-- ANCHOR: sizes -->\n{}<!-- ANCHOR_END: sizes -->\n\n\
{}",
        kit::report::settings_table("settings", &r.settings),
        grid.to_markdown(),
        r.seeds.len(),
        params.to_markdown(),
        terms.to_markdown(),
        unused_blocks(r),
        r.term_utterances,
        r.seeds.first().copied().unwrap_or(0),
        blocks.to_markdown(),
        world.to_markdown(),
        sizes.to_markdown(),
        kit::claims::markdown(&r.claims)
    )
}

/// Write `results.md`, `results.json`, the model's diagram and the two pictures of the
/// tensor.
pub fn write_outputs(r: &Report, out: &Output) -> anyhow::Result<()> {
    out.write_results(&results_markdown(r), r)?;
    // The diagram needs the models' shapes only, which every initialisation has.
    use crate::diagram::{tensor_fusion, tfn};
    use Modality::{Audio as A, Text as T, Video as V};
    tensor_fusion(&tfn(&[T, V]), [T, V], &tfn(&[T, A, V]), [T, A, V])
        .write(&out.figure("diagram-tensor-fusion.svg"))?;
    let side = PROJECTION + 1;
    anyhow::ensure!(
        r.example.0.len() == side * side && r.example3.len() == side * side * side,
        "the example tensors have {} and {} entries; expected {} and {}",
        r.example.0.len(),
        r.example3.len(),
        side * side,
        side.pow(3)
    );
    let matrix: Vec<Vec<f64>> = r.example.0.chunks(side).map(<[f64]>::to_vec).collect();
    let blocks = crate::figures::blocks_svg(&matrix, (r.example.1, r.example_prediction), &r.tracks);
    kit::report::write_atomic(&out.figure("blocks.svg"), blocks.as_bytes())?;
    kit::report::write_atomic(
        &out.figure("slices.svg"),
        crate::figures::slices_svg(&r.example3, side).as_bytes(),
    )
}
