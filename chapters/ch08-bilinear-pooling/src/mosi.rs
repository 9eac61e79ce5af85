//! Tensor fusion on CMU-MOSI's features (`--data DIR`, a folder `convert_mosi.py` or
//! `--export` wrote): chapter 7's methods and TFN on every pair and the triple, and the
//! block ablation, by the same protocol, every seed on the same data. The ablation of the
//! label's interactions, the example tensors and the label's terms need toy MOSI's
//! generator and hidden factors, and are left out with the claims resting on them.

use std::path::Path;

use kit::{Options, Output, Table};
use models::data::mosi::{Mosi, load_mosi};
use models::fusion::Standardised;
use models::toymosi::Modality;

use crate::grid::{fit, gather, main_jobs, scored};
use crate::outputs::{METHODS, cell_text, grid_table};
use crate::{Config, Report, size_rows};

/// The claims that hold meaning on any data.
pub const MOSI_CLAIMS: [&str; 6] = [
    "tfn_beats_concatenation",
    "tfn_vs_mlp",
    "tfn_vs_product",
    "pairs",
    "tensor_fusion_interactions",
    "bimodal_blocks_carry_the_gain",
];

/// Run the comparisons and the block ablation on `mosi`, seeds `cfg.seed ..`.
pub fn run_on_mosi(mosi: &Mosi, cfg: &Config) -> anyhow::Result<Report> {
    let seeds: Vec<u64> = (0..cfg.seeds as u64).map(|k| cfg.seed + k).collect();
    let jobs = main_jobs(1.0, seeds.len());
    let mut inputs: Vec<(Vec<Modality>, Standardised)> = Vec::new();
    for job in &jobs {
        if !inputs.iter().any(|(m, _)| *m == job.modalities) {
            inputs.push((job.modalities.clone(), mosi.standardised(&job.modalities)));
        }
    }
    let done = kit::parallel::map(&jobs, |job| {
        let s = &inputs.iter().find(|(m, _)| *m == job.modalities).expect("every subset is standardised").1;
        let seed = seeds[job.seed_index];
        let model = fit(s, seed, job, cfg)?;
        let (run, _, parameters) = scored(&model, s, seed);
        Ok((run, parameters))
    })?;
    let mut settings = mosi.settings(cfg.seed, cfg.seeds);
    let toy_seeds = models::fusion::seeds_setting(cfg.seed, cfg.seeds);
    settings.extend(
        models::fusion::summary_settings(&cfg.train, cfg.seed, cfg.seeds)
            .into_iter()
            .filter(|r| *r != toy_seeds),
    );
    let mut report = Report {
        seeds,
        cells: gather(&jobs, done),
        sizes: size_rows(),
        example: (vec![], 0.0),
        example_prediction: 0.0,
        tracks: Default::default(),
        terms: vec![],
        term_utterances: 0,
        example3: vec![],
        training: mosi.train.len(),
        settings,
        claims: vec![],
        data: Some(mosi.describe()),
    };
    report.claims = kit::claims::only(crate::claims(&report), &MOSI_CLAIMS);
    Ok(report)
}

/// `results.md` of a run on a converted folder.
fn mosi_markdown(r: &Report, mosi: &Mosi) -> String {
    let notes = mosi.notes_markdown();
    let mut params = Table::new(&["method (T+A+V)", "parameters"]);
    for m in METHODS {
        if let Some(c) = r.cell("T+A+V", m, 1.0) {
            params.row(&[m.name().to_string(), c.parameters.to_string()]);
        }
    }
    let mut blocks = Table::new(&["TFN (linear head) keeps", "Acc-2 / MAE"]);
    for (order, what) in [
        (1, "the constant and the unimodal blocks"),
        (2, "... and the bimodal blocks"),
        (3, "... and the trimodal block (all)"),
    ] {
        blocks.row(&[what.to_string(), cell_text(r.blocks(order))]);
    }
    format!(
        "<!-- Written by `cargo run --release -p ch08-bilinear-pooling -- --data {} --out DIR`. -->\n\n{}\
         What the conversion did ({}):\n\n{notes}\n{}\nCells are test Acc-2 in percent (mean ± standard deviation over \
         {} seeds) / MAE.\n\n{}\n{}\n{}",
        mosi.dir.display(),
        kit::report::settings_table("settings", &r.settings),
        mosi.manifest.written_by,
        grid_table(r).to_markdown(),
        r.seeds.len(),
        params.to_markdown(),
        blocks.to_markdown(),
        kit::claims::markdown(&r.claims)
    )
}

/// Load the folder, run, and write `results.md` and `results.json` into `--out`.
pub(crate) fn run_and_write(dir: &Path, cfg: &Config, options: &Options) -> anyhow::Result<kit::Outcome> {
    options.check_out_for_mosi("ch08-bilinear-pooling")?;
    let mosi = load_mosi(dir)?;
    let report = run_on_mosi(&mosi, cfg)?;
    Output::new(&options.out).write_results(&mosi_markdown(&report, &mosi), &report)?;
    let tfn = report.cell("T+A+V", models::fusion::Method::Tfn, 1.0);
    let headline = format!(
        "{} models on {}; TFN on T+A+V Acc-2 {:.1}, MAE {:.3}",
        report.cells.iter().map(|c| c.runs.len()).sum::<usize>(),
        mosi.manifest.source,
        tfn.map_or(f64::NAN, crate::Cell::acc2),
        tfn.map_or(f64::NAN, crate::Cell::mae)
    );
    Ok(kit::Outcome { headline, claims: report.claims })
}
