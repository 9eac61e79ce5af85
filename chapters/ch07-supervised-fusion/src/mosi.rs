//! The grid on CMU-MOSI's features (`--data DIR`, a folder `convert_mosi.py` or
//! `--export` wrote): the same subsets, methods and protocol as on toy MOSI, every seed
//! on the same data (a seed initialises the models and orders their batches). What
//! needs toy MOSI's hidden factors (the generator's statistics, the sarcasm subset, the
//! data figure) is left out, and so are the claims that compare with toy MOSI's
//! reference results.

use std::path::Path;

use kit::{Options, Output};
use models::data::mosi::{Mosi, load_mosi};
use models::fusion::Standardised;
use models::toymosi::Modality;

use crate::grid::{cells, fit, jobs};
use crate::{Config, Report, subsets};

/// The claims that hold meaning on any data; the others rest on toy MOSI's reference
/// results or its hidden factors.
pub const MOSI_CLAIMS: [&str; 4] = [
    "text_is_the_strongest_single_modality",
    "each_step_two_points",
    "more_modalities_help",
    "mlp_beats_linear_on_three",
];

/// The chapter's claims on a report from [`run_on_mosi`]: those of [`MOSI_CLAIMS`].
pub fn claims_on_mosi(r: &Report) -> Vec<kit::Claim> {
    kit::claims::only(crate::claims(r), &MOSI_CLAIMS)
}

/// Run the whole grid on `mosi`, seeds `cfg.seed ..` (`cfg.knobs` is not used).
pub fn run_on_mosi(mosi: &Mosi, cfg: &Config) -> anyhow::Result<Report> {
    let seeds: Vec<u64> = (0..cfg.seeds as u64).map(|k| cfg.seed + k).collect();
    let inputs: Vec<(Vec<Modality>, Standardised)> =
        subsets().into_iter().map(|m| (m.clone(), mosi.standardised(&m))).collect();
    let jobs = jobs(seeds.len());
    let done = kit::parallel::map(&jobs, |job| {
        let s = &inputs.iter().find(|(m, _)| *m == job.modalities).expect("every subset is standardised").1;
        fit(s, seeds[job.seed_index], job, cfg).map(|(run, _, parameters)| (run, parameters))
    })?;
    let mut settings = mosi.settings(cfg.seed, cfg.seeds);
    let toy_seeds = models::fusion::seeds_setting(cfg.seed, cfg.seeds);
    settings.extend(crate::outputs::settings(cfg).into_iter().filter(|row| *row != toy_seeds));
    let mut report = Report {
        seeds,
        sizes: (mosi.len(), mosi.train.len(), mosi.valid.len(), mosi.test.len()),
        stats: vec![],
        cells: cells(&jobs, done),
        settings,
        claims: vec![],
        points: vec![],
        data: Some(mosi.describe()),
    };
    report.claims = claims_on_mosi(&report);
    Ok(report)
}

/// `results.md` of a run on a converted folder: the settings, what the conversion did,
/// the grid and the claims.
pub fn mosi_markdown(r: &Report, mosi: &Mosi) -> String {
    let notes = mosi.notes_markdown();
    format!(
        "<!-- Written by `cargo run --release -p ch07-supervised-fusion -- --data {} --out DIR`. -->\n\n{}\
         What the conversion did ({}):\n\n{notes}\n{}\nCells are test Acc-2 in percent (mean ± standard deviation \
         over the seeds) / MAE. With one modality the sum and the product of projections are the same model.\n\n{}",
        mosi.dir.display(),
        kit::report::settings_table("settings", &r.settings),
        mosi.manifest.written_by,
        crate::outputs::grid_table(r).to_markdown(),
        kit::claims::markdown(&r.claims)
    )
}

/// Load the folder, run, and write `results.md`, `results.json` and the figures that do
/// not need toy MOSI's hidden factors into `--out`.
pub(crate) fn run_and_write(dir: &Path, cfg: &Config, options: &Options) -> anyhow::Result<kit::Outcome> {
    options.check_out_for_mosi("ch07-supervised-fusion")?;
    let mosi = load_mosi(dir)?;
    let report = run_on_mosi(&mosi, cfg)?;
    let out = Output::new(&options.out);
    out.write_results(&mosi_markdown(&report, &mosi), &report)?;
    let widths: Vec<usize> = Modality::ALL.iter().map(|&m| mosi.width(m)).collect();
    crate::diagram::fusion_heads(&crate::diagram::untrained(&widths), &Modality::ALL)
        .write(&out.figure("diagram-fusion-heads.svg"))?;
    crate::dotplot::dot_plot(&out.figure("by_subset.svg"), &crate::outputs::by_subset(&report))?;
    let best = report.best_of_size(3);
    let headline = format!(
        "{} models on {}; best trimodal {} Acc-2 {:.1}, MAE {:.3}",
        report.cells.iter().map(|c| c.runs.len()).sum::<usize>(),
        mosi.manifest.source,
        best.map_or(String::new(), |c| c.method.name().to_string()),
        best.map_or(f64::NAN, |c| c.acc2()),
        best.map_or(f64::NAN, |c| c.mae())
    );
    Ok(kit::Outcome { headline, claims: report.claims })
}
