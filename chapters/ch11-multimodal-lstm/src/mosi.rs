//! Part 2 on CMU-MOSI's features (`--data DIR`, a folder `convert_mosi.py` or `--export`
//! wrote): the three multimodal LSTMs on the word-aligned sequences and TFN on the
//! summaries, by the same protocol, every seed on the same data. Part 1 (the recall
//! task) does not depend on the data and is not rerun; the sarcasm and negation subsets
//! need toy MOSI's hidden factors and words, and are left out with their claims.

use std::path::Path;

use kit::{Options, Output};
use models::data::mosi::{Mosi, load_mosi};
use models::toymosi::Modality;

use crate::multimodal::{fit_sequences, fit_summaries, run_with, scored};
use crate::{Config, Report};

/// The claims that hold meaning on any data.
pub const MOSI_CLAIMS: [&str; 1] = ["sequences_against_tfn_overall"];

/// Run part 2 on `mosi`, seeds `cfg.seed ..` (`cfg.knobs` and `cfg.recall` are not used).
pub fn run_on_mosi(mosi: &Mosi, cfg: &Config) -> anyhow::Result<Report> {
    anyhow::ensure!(cfg.seeds > 0, "run at least one seed");
    let (sequences, summaries) = (mosi.sequences(&Modality::ALL), mosi.standardised(&Modality::ALL));
    let cells = run_with(cfg, |seed, method| {
        let fitted = match method {
            Some(fusion) => fit_sequences(&sequences, seed, fusion, cfg)?,
            None => fit_summaries(&summaries, seed, cfg)?,
        };
        Ok(scored(&fitted))
    })?;
    let (_, toy) = crate::outputs::settings(cfg);
    let toy_seeds = models::fusion::seeds_setting(cfg.seed, cfg.seeds);
    let mut settings = mosi.settings(cfg.seed, cfg.seeds);
    settings.extend(toy.into_iter().filter(|r| *r != toy_seeds));
    let mut report = Report {
        recall_steps: 0,
        recall: vec![],
        gates: Default::default(),
        seeds: (cfg.seed..cfg.seed + cfg.seeds as u64).collect(),
        cells,
        settings: (vec![], settings),
        claims: vec![],
        data: Some(mosi.describe()),
    };
    let mut claims = Vec::new();
    crate::claims::winners(&report, &mut claims);
    report.claims = kit::claims::only(claims, &MOSI_CLAIMS);
    Ok(report)
}

/// `results.md` of a run on a converted folder.
fn mosi_markdown(r: &Report, mosi: &Mosi) -> String {
    let notes = mosi.notes_markdown();
    format!(
        "<!-- Written by `cargo run --release -p ch11-multimodal-lstm -- --data {} --out DIR`. -->\n\n{}\
         What the conversion did ({}):\n\n{notes}\n{}\nTest scores, mean ± standard deviation over {} seeds.\n\n{}",
        mosi.dir.display(),
        kit::report::settings_table("settings", &r.settings.1),
        mosi.manifest.written_by,
        crate::outputs::results_table(r).to_markdown(),
        r.seeds.len(),
        kit::claims::markdown(&r.claims)
    )
}

/// Load the folder, run part 2, and write `results.md` and `results.json` into `--out`.
pub(crate) fn run_and_write(dir: &Path, cfg: &Config, options: &Options) -> anyhow::Result<kit::Outcome> {
    options.check_out_for_mosi("ch11-multimodal-lstm")?;
    let mosi = load_mosi(dir)?;
    let report = run_on_mosi(&mosi, cfg)?;
    Output::new(&options.out).write_results(&mosi_markdown(&report, &mosi), &report)?;
    let best = report.cells.iter().max_by(|a, b| a.acc2().total_cmp(&b.acc2()));
    let headline = format!(
        "{} models on {}; best Acc-2 {} {:.1}",
        report.cells.iter().map(|c| c.test.len()).sum::<usize>(),
        mosi.manifest.source,
        best.map_or("", |c| c.name.as_str()),
        best.map_or(f64::NAN, crate::Cell::acc2)
    );
    Ok(kit::Outcome { headline, claims: report.claims })
}
