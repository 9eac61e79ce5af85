//! Writing the chapter's figures and result tables into its book folder.

use kit::plot::{BarOptions, Reference, Series, bar_chart_with, image_grid_sized, line_chart_categories};
use kit::{Options, Output, Table};
use models::data::{Av, AvDigits};

use crate::claims::B;
use crate::{Config, Modality, Report};

/// The chapter as the `zoo` runner and `main.rs` see it.
pub fn chapter() -> kit::Chapter {
    kit::Chapter {
        name: "ch05-autoencoders",
        title: "Chapter 5: autoencoders and the bimodal deep autoencoder",
        run: run_and_write,
        claims_from_results: |json| Ok(crate::claims(&serde_json::from_str::<Report>(json)?)),
        export: None,
    }
}

fn run_and_write(options: &Options) -> anyhow::Result<kit::Outcome> {
    if let Some(dir) = &options.load {
        let lines = crate::checkpoint::load_and_check(dir, &options.data)?;
        for line in &lines {
            println!("{line}");
        }
        return Ok(kit::Outcome {
            headline: format!(
                "the bimodal autoencoder, both unimodal autoencoders and their probes reloaded from {}, each \
                 scoring exactly what it scored when saved",
                dir.display()
            ),
            claims: vec![],
        });
    }
    let mut cfg = if options.quick { Config::quick() } else { Config::default() };
    cfg.seed = options.seed;
    cfg.data = options.data.clone();
    if options.clean {
        cfg.variant = models::data::AvVariant::Clean;
    }
    if let Some(epochs) = options.epochs {
        cfg.epochs = epochs;
    }
    let (report, av, kept) = crate::run_keeping(&cfg)?;
    write_outputs(&report, &av, &cfg, &Output::new(&options.out))?;
    if let Some(dir) = &options.save {
        for line in crate::checkpoint::save(dir, &kept, &av, &cfg, &report)? {
            println!("saved {line}");
        }
    }
    let headline = report.recipe(B).map_or(String::new(), |b| {
        format!(
            "bimodal AE (Ngiam): fusion {:.3}, image only {:.3}, audio only {:.3}, hearing to see {:.3} / {:.3}",
            b.fusion, b.image_only, b.audio_only, b.audio_to_image, b.image_to_audio
        )
    });
    Ok(kit::Outcome { headline, claims: report.claims })
}

fn f3(v: f64) -> String {
    if v.is_nan() { "n/a".into() } else { format!("{v:.3}") }
}

/// The markdown tables `results.md` holds (the page includes it).
pub fn results_markdown(r: &Report) -> String {
    let mut ae = Table::new(&["modality", "code width k", "autoencoder MSE", "PCA MSE", "probe on the code"]);
    for u in &r.unimodal {
        let kind = if u.denoising { format!("{} (denoising)", u.k) } else { u.k.to_string() };
        ae.row(&[u.modality.name().to_string(), kind, f3(u.test_mse), f3(u.pca_mse), f3(u.probe)]);
    }
    let header = [
        "representation",
        "fusion",
        "image only",
        "audio only",
        "hearing to see (audio → image)",
        "image → audio",
    ];
    let mut with_fill = header.to_vec();
    with_fill.push("image rebuilt from the audio: error");
    let mut settings = Table::new(&with_fill);
    for b in &r.bimodal {
        settings.row(&[
            format!("bimodal AE, {}", b.recipe.name),
            f3(b.fusion),
            f3(b.image_only),
            f3(b.audio_only),
            f3(b.audio_to_image),
            f3(b.image_to_audio),
            f3(b.image_from_audio_mse),
        ]);
    }
    let mut baselines = Table::new(&header);
    for b in &r.baselines.rows {
        baselines.row(&[
            b.name.clone(),
            f3(b.fusion),
            f3(b.image_only),
            f3(b.audio_only),
            f3(b.audio_to_image),
            f3(b.image_to_audio),
        ]);
    }
    let f = &r.fill_in;
    let mut fill = Table::new(&["image predicted from", "squared error per pixel"]);
    fill.row(&["nothing: the mean training image".to_string(), f3(f.global_mean)])
        .row(&["the true digit: its mean training image (oracle)".to_string(), f3(f.class_mean_oracle)]);
    for b in r.bimodal.iter().filter(|b| b.recipe.name == crate::claims::A || b.recipe.name == B) {
        fill.row(&[
            format!("the audio, through the shared code ({})", b.recipe.name),
            f3(b.image_from_audio_mse),
        ]);
    }
    let mut run_settings = Table::new(&["setting", "value"]);
    for (k, v) in &r.settings {
        run_settings.row(&[k.clone(), v.clone()]);
    }
    format!(
        "<!-- Written by `cargo run --release -p ch05-autoencoders`; do not edit. -->\n\n\
         <!-- ANCHOR: run_settings -->\n{}<!-- ANCHOR_END: run_settings -->\n\n\
         <!-- ANCHOR: autoencoders -->\n{}\nTest reconstruction error per feature in standardised units (1.0 is the \
         error of predicting the mean); {} epochs; the denoising autoencoder masks each input feature \
         with probability {}.\n<!-- ANCHOR_END: autoencoders -->\n\n\
         <!-- ANCHOR: settings -->\n{}<!-- ANCHOR_END: settings -->\n\n\
         <!-- ANCHOR: baselines -->\n{}<!-- ANCHOR_END: baselines -->\n\n\
         <!-- ANCHOR: fill_in -->\n{}<!-- ANCHOR_END: fill_in -->\n\n{}",
        run_settings.to_markdown(),
        ae.to_markdown(),
        r.epochs,
        r.mask,
        settings.to_markdown(),
        baselines.to_markdown(),
        fill.to_markdown(),
        kit::claims::markdown(&r.claims)
    )
}

/// Write `results.md`, `results.json`, the bimodal autoencoder's diagram (of `cfg`'s
/// widths) and the figures.
pub fn write_outputs(r: &Report, av: &Av, cfg: &Config, out: &Output) -> anyhow::Result<()> {
    out.write_results(&results_markdown(r), r)?;
    crate::diagram::bimodal(&crate::diagram::untrained(av.audio_width(), cfg))
        .write(&out.figure("diagram-bimodal.svg"))?;
    code_width_figure(r, out)?;
    reconstructions_figure(r, av, out)?;
    let short = |name: &str| -> String {
        match name {
            n if n.starts_with("A: ") => "A".into(),
            n if n.starts_with("B: ") => "B".into(),
            n if n.contains("weight decay") => "B + decay".into(),
            n if n.contains("pre-training") => "B, pre".into(),
            n if n.starts_with("A,") => "A, fresh".into(),
            _ => "B, fresh".into(),
        }
    };
    // The recipes under test first, in one colour; then the baselines, in grey.
    let mut bars: Vec<(String, f64)> = r
        .bimodal
        .iter()
        .map(|b| (short(&b.recipe.name), (b.audio_to_image + b.image_to_audio) / 2.0))
        .collect();
    let mut colours = vec![0; bars.len()];
    for b in &r.baselines.rows {
        let name = if b.name.contains("CCA") { "CCA" } else { "two AEs" };
        bars.push((name.into(), (b.audio_to_image + b.image_to_audio) / 2.0));
        colours.push(7);
    }
    let chance = Reference::new("chance", 1.0 / r.classes.max(1) as f64);
    bar_chart_with(
        &out.figure("transfer.svg"),
        "Train on one modality's codes, test on the other's",
        "accuracy, mean of both directions",
        &bars,
        &BarOptions { references: vec![chance], colours },
    )?;
    fill_in_figure(r, av, out)
}

fn code_width_figure(r: &Report, out: &Output) -> anyhow::Result<()> {
    let mut ks: Vec<usize> = r.unimodal.iter().filter(|u| !u.denoising).map(|u| u.k).collect();
    ks.sort_unstable();
    ks.dedup();
    let names: Vec<String> = ks.iter().map(usize::to_string).collect();
    let mut series = Vec::new();
    for (c, m) in [Modality::Image, Modality::Audio].into_iter().enumerate() {
        let rows: Vec<_> = r.unimodal.iter().filter(|u| u.modality == m && !u.denoising).collect();
        let x = |k: usize| ks.iter().position(|&j| j == k).unwrap_or(0) as f64;
        series.push(Series::new(
            format!("{}, autoencoder", m.name()),
            c,
            rows.iter().map(|u| (x(u.k), u.test_mse)).collect(),
        ));
        series.push(
            Series::new(format!("{}, PCA", m.name()), c, rows.iter().map(|u| (x(u.k), u.pca_mse)).collect())
                .dashed(),
        );
    }
    line_chart_categories(
        &out.figure("code_width.svg"),
        "Reconstruction error against code width",
        "code width k",
        &names,
        "test MSE per feature (standardised)",
        &series,
    )?;
    Ok(())
}

fn reconstructions_figure(r: &Report, av: &Av, out: &Output) -> anyhow::Result<()> {
    let code = r.unimodal.iter().filter(|u| u.modality == Modality::Image).map(|u| u.k).max().unwrap_or(0);
    let plain = r.unimodal.iter().find(|u| u.modality == Modality::Image && !u.denoising && u.k == code);
    let noisy = r.unimodal.iter().find(|u| u.modality == Modality::Image && u.denoising);
    let (Some(plain), Some(noisy)) = (plain, noisy) else { return Ok(()) };
    let n = plain.pictures.0.len().min(10);
    let mut owned: Vec<Vec<f32>> = Vec::new();
    let mut captions = Vec::new();
    for &p in &av.raw.test[..n] {
        owned.push(av.raw.image[p * AvDigits::IMAGE..][..AvDigits::IMAGE].to_vec());
        captions.push("input".to_string());
    }
    for (row, name) in [(plain, "AE"), (noisy, "denoising")] {
        for picture in &row.pictures.0[..n] {
            owned.push(av.image_picture(picture));
            captions.push(name.to_string());
        }
    }
    let images: Vec<(&[f32], (usize, usize))> = owned.iter().map(|v| (v.as_slice(), (8, 8))).collect();
    image_grid_sized(
        &out.figure("reconstructions.svg"),
        &format!("Test images and their reconstructions from {code} numbers"),
        &images,
        n,
        &captions,
    )
}

fn fill_in_figure(r: &Report, av: &Av, out: &Output) -> anyhow::Result<()> {
    let Some(b) = r.recipe(B) else { return Ok(()) };
    let aw = av.audio_width();
    let mut owned: Vec<(Vec<f32>, (usize, usize))> = Vec::new();
    let mut captions = Vec::new();
    for (pair, rebuilt) in &b.rebuilt {
        let digit = av.raw.labels[*pair];
        owned.push((av.spectrogram_picture(&av.audio[pair * aw..][..aw]), (av.raw.bands, av.raw.frames)));
        owned.push((av.image_picture(rebuilt), (8, 8)));
        owned.push((av.raw.image[pair * AvDigits::IMAGE..][..AvDigits::IMAGE].to_vec(), (8, 8)));
        captions.extend([format!("heard: {digit}"), "rebuilt".to_string(), "its image".to_string()]);
    }
    let images: Vec<(&[f32], (usize, usize))> = owned.iter().map(|(v, s)| (v.as_slice(), *s)).collect();
    image_grid_sized(
        &out.figure("fill_in.svg"),
        "Images rebuilt from the audio alone",
        &images,
        6,
        &captions,
    )?;
    Ok(())
}
