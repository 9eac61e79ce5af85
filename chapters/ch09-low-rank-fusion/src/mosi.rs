//! The rank sweep on CMU-MOSI's features (`--data DIR`, a folder `convert_mosi.py` or
//! `--export` wrote): LMF at every rank against TFN (both heads), the product of
//! projections and concatenation on T+A+V, and the three steps checked on a trained
//! LMF, by the same protocol, every seed on the same data. The sarcasm subset needs toy
//! MOSI's hidden factors, and the speed is the committed bench measurement, whatever
//! the data: both are left out with the claims resting on them.

use std::path::Path;

use kit::{Options, Output};
use models::data::mosi::{Mosi, load_mosi};
use models::fusion::Method;

use crate::grid::{TAV, fit, gather, methods, scored, steps_check};
use crate::outputs::{steps_table, sweep_table};
use crate::{Cell, Config, Report, checked_rank};

/// The claims that hold meaning on any data.
pub const MOSI_CLAIMS: [&str; 6] = [
    "the_three_steps_agree",
    "lmf_close_to_tfn",
    "against_tfn_with_a_linear_head",
    "accuracy_saturates_with_rank",
    "product_is_rank_eight",
    "lecture_low_rank_fusion",
];

/// Run the sweep and the check on `mosi`, seeds `cfg.seed ..`.
pub fn run_on_mosi(mosi: &Mosi, cfg: &Config) -> anyhow::Result<Report> {
    let methods = methods(cfg)?;
    let seeds: Vec<u64> = (0..cfg.seeds as u64).map(|k| cfg.seed + k).collect();
    let s = mosi.standardised(&TAV);
    let jobs: Vec<(Method, usize)> =
        methods.iter().flat_map(|&m| (0..seeds.len()).map(move |k| (m, k))).collect();
    let done = kit::parallel::map(&jobs, |&(method, k)| {
        let model = fit(&s, seeds[k], method, cfg)?;
        let (run, _, total, fusion) = scored(&model, &s, seeds[k]);
        Ok((run, total, fusion))
    })?;
    let mut settings = mosi.settings(cfg.seed, cfg.seeds);
    let toy_seeds = models::fusion::seeds_setting(cfg.seed, cfg.seeds);
    settings.extend(crate::outputs::settings(cfg).into_iter().filter(|r| *r != toy_seeds));
    let mut report = Report {
        seeds,
        cells: gather(&jobs, done),
        gmu: None,
        steps: steps_check(&s, cfg.seed, checked_rank(cfg), cfg)?,
        training: mosi.train.len(),
        timing: crate::measured()?,
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
    format!(
        "<!-- Written by `cargo run --release -p ch09-low-rank-fusion -- --data {} --out DIR`. -->\n\n{}\
         What the conversion did ({}):\n\n{notes}\n{}\nTest Acc-2 in percent and MAE, mean ± standard deviation over \
         {} seeds.\n\nThe three steps, on the rank-{} LMF of seed {} ({} test utterances):\n\n{}\n{}",
        mosi.dir.display(),
        kit::report::settings_table("settings", &r.settings),
        mosi.manifest.written_by,
        sweep_table(r).to_markdown(),
        r.seeds.len(),
        r.steps.rank,
        r.seeds.first().copied().unwrap_or(0),
        r.steps.examples,
        steps_table(r).to_markdown(),
        kit::claims::markdown(&r.claims)
    )
}

/// Load the folder, run, and write `results.md` and `results.json` into `--out`.
pub(crate) fn run_and_write(dir: &Path, cfg: &Config, options: &Options) -> anyhow::Result<kit::Outcome> {
    options.check_out_for_mosi("ch09-low-rank-fusion")?;
    let mosi = load_mosi(dir)?;
    let report = run_on_mosi(&mosi, cfg)?;
    Output::new(&options.out).write_results(&mosi_markdown(&report, &mosi), &report)?;
    let (lmf, tfn) = (report.cell(Method::Lmf(checked_rank(cfg))), report.cell(Method::Tfn));
    let headline = format!(
        "{} models on {}; Acc-2 {} {:.1}, TFN {:.1}",
        report.cells.iter().map(|c| c.runs.len()).sum::<usize>(),
        mosi.manifest.source,
        lmf.map_or("LMF".into(), Cell::name),
        lmf.map_or(f64::NAN, Cell::acc2),
        tfn.map_or(f64::NAN, Cell::acc2)
    );
    Ok(kit::Outcome { headline, claims: report.claims })
}
