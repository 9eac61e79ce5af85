//! The clip-art experiment under other settings: the joint layer's width and the
//! vocabulary's threshold, as an independent reference implementation used them (a
//! joint layer of 512, every word of a training title). Prints each setting's DBN and
//! DBM joint-layer probe over the chapter's seeds.
//!
//! `cargo run --release -p ch06-boltzmann --example clip_settings`

use ch06_boltzmann::{ClipConfig, Config, clipart};

fn main() -> anyhow::Result<()> {
    let base = Config::default();
    let art =
        models::data::load_clipart(&base.data).map_err(|e| anyhow::anyhow!("loading the clip art: {e}"))?;
    let art = clipart::prepare(&art, base.clip.block);
    let [i1, i2, t1, t2, _] = base.clip.widths;
    for (joint, min_titles) in [(128, 2), (512, 2), (128, 1), (512, 1)] {
        let cfg = Config {
            clip: ClipConfig { widths: [i1, i2, t1, t2, joint], min_titles, ..base.clip.clone() },
            ..base.clone()
        };
        let seeds: Vec<clipart::ClipSeed> = (0..cfg.clip.seeds as u64)
            .map(|k| clipart::run_seed(&art, cfg.seed + k, &cfg))
            .collect::<anyhow::Result<_>>()?;
        let report = clipart::ClipArtReport {
            block: cfg.clip.block,
            widths: cfg.clip.widths,
            epochs: cfg.clip.epochs,
            neighbours: cfg.clip.neighbours,
            min_titles,
            seeds,
        };
        let words: Vec<usize> = report.seeds.iter().map(|s| s.vocabulary).collect();
        let show = |v: Vec<f64>| -> String {
            let mean = v.iter().sum::<f64>() / v.len() as f64;
            let (lo, hi) = v.iter().fold((1.0f64, 0.0f64), |(l, h), &x| (l.min(x), h.max(x)));
            format!("{mean:.3} ({lo:.3} to {hi:.3})")
        };
        println!(
            "joint {joint:>3}, words in >= {min_titles} titles ({:?} words): DBN joint {}, DBM joint {}",
            words,
            show(report.accuracies(clipart::JOINT)),
            show(report.dbm_accuracies(clipart::JOINT))
        );
    }
    Ok(())
}
