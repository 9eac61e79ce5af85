//! Writing the chapter's figures and result tables into its book folder, and the
//! `--export` of the dataset.

use std::path::Path;

use kit::plot::{LineOptions, Picture, Reference, Series, YScale, colour_pictures, line_chart_with};
use kit::{Options, Output, Table};
use models::captioner::Captioner;
use models::scenes::{COLOURS, DATASET_SEED, RELATIONS, SHAPES, SIZES, ShapeScenes, Split, W, references};

use crate::{Config, Report, Scores};

/// The chapter as the `zoo` runner and `main.rs` see it.
pub fn chapter() -> kit::Chapter {
    kit::Chapter {
        name: "ch10-captioning",
        title: "Chapter 10: the multimodal encoder-decoder",
        run: run_and_write,
        claims_from_results: |json| Ok(crate::claims(&serde_json::from_str::<Report>(json)?)),
        export: Some(export),
    }
}

/// Every split as a PNG grid of its images (50 to a row, in index order) and a
/// tab-separated file of its references.
fn export(_options: &Options, dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    for (split, name) in [(Split::Train, "train"), (Split::Test, "test"), (Split::Heldout, "heldout")] {
        let data = ShapeScenes::generate(DATASET_SEED, split);
        let png = dir.join(format!("shape-scenes-{name}.png"));
        kit::report::write_atomic(&png, &grid_png(&data, 50)?)?;
        let mut tsv = String::from("index\tshapes\tcanonical caption\tother reference\n");
        for (i, scene) in data.scenes.iter().enumerate() {
            let refs: Vec<String> = references(scene).iter().map(|r| r.join(" ")).collect();
            tsv.push_str(&format!(
                "{i}\t{}\t{}\t{}\n",
                scene.objects.len(),
                refs[0],
                refs.get(1).map_or("", |s| s)
            ));
        }
        let captions = dir.join(format!("shape-scenes-{name}.tsv"));
        kit::report::write_atomic(&captions, tsv.as_bytes())?;
        println!("{name}: {} images in {} and {}", data.len(), png.display(), captions.display());
    }
    Ok(())
}

/// The images of `data` tiled `cols` to a row, 1 pixel apart, as PNG bytes.
fn grid_png(data: &ShapeScenes, cols: usize) -> anyhow::Result<Vec<u8>> {
    let side = W as usize;
    let rows = data.len().div_ceil(cols);
    let (width, height) = (cols * (side + 1) + 1, rows * (side + 1) + 1);
    let mut rgb = vec![255u8; width * height * 3];
    for i in 0..data.len() {
        let (x0, y0) = (1 + (i % cols) * (side + 1), 1 + (i / cols) * (side + 1));
        for y in 0..side {
            let from = &data.image(i)[y * side * 3..(y + 1) * side * 3];
            let at = ((y0 + y) * width + x0) * 3;
            rgb[at..at + side * 3].copy_from_slice(from);
        }
    }
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, width as u32, height as u32);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.write_header()?.write_image_data(&rgb)?;
    Ok(bytes)
}

fn run_and_write(options: &Options) -> anyhow::Result<kit::Outcome> {
    anyhow::ensure!(!options.clean, "ch10-captioning runs on generated data: --clean does not apply");
    anyhow::ensure!(
        options.epochs.is_none(),
        "ch10-captioning trains for a number of steps (1,500, SPEC section 10), not epochs: drop --epochs"
    );
    if let Some(dir) = &options.load {
        return crate::checkpoint::load_and_check(dir);
    }
    let mut cfg = if options.quick { Config::quick() } else { Config::default() };
    cfg.seed = options.seed;
    let (report, kept) = crate::run::run_keeping(&cfg)?;
    write_outputs(&report, &Output::new(&options.out))?;
    if let Some(dir) = &options.save {
        crate::checkpoint::save(dir, &kept, &cfg, &report)?;
        println!(
            "saved the captioner to {} (test images and references beside it)",
            dir.join(crate::checkpoint::FILE).display()
        );
    }
    let headline = format!(
        "test BLEU-4 {:.3} (blind {:.3}), held-out {:.3}; unseen pair named {:.1}%",
        report.model.test_greedy.bleu4(),
        report.blind.test_greedy.bleu4(),
        report.model.heldout_greedy.bleu4(),
        100.0 * report.model.heldout_greedy.attributes.novel_combo
    );
    Ok(kit::Outcome { headline, claims: report.claims })
}

fn f3(v: f64) -> String {
    format!("{v:.3}")
}

fn score_row(name: &str, s: &Scores) -> Vec<String> {
    let a = &s.attributes;
    let mut row = vec![name.to_string()];
    row.extend([s.bleu.bleu[3], a.object, a.colour, a.size, a.shape, a.rel, a.count, a.exact].map(f3));
    row
}

/// The captioner's training settings, as the page's table shows them (from the run's
/// `TrainConfig` and seed, and the model's constants).
fn settings_table(r: &Report) -> String {
    use models::captioner::{CHANNELS, EMBED, HIDDEN};
    let t = &r.train;
    let channels: Vec<String> = CHANNELS.iter().map(|c| c.to_string()).collect();
    let mut table = Table::new(&["setting", "value"]);
    table
        .row(&[
            "CNN encoder",
            &format!(
                "{} conv 3×3 blocks of {} channels, each ReLU and max-pool 2×2",
                CHANNELS.len(),
                channels.join(", ")
            ),
        ])
        .row(&["decoder", &format!("LSTM, word embedding {EMBED}, hidden {HIDDEN}")])
        .row(&["optimiser", &format!("Adam, learning rate {}", t.lr)])
        .row(&["gradient clipping", &format!("global norm {}", t.max_grad_norm)])
        .row(&["steps", &t.steps.to_string()])
        .row(&["batch size (images per step)", &t.batch.to_string()])
        .row(&["seed (initialisation and batch order)", &r.seed.to_string()]);
    format!("<!-- ANCHOR: settings -->\n{}<!-- ANCHOR_END: settings -->\n\n", table.to_markdown())
}

/// The markdown tables `results.md` holds.
pub fn results_markdown(r: &Report) -> String {
    let chance = format!(
        "a uniform guess among {} colours, {} sizes, {} shapes and {} relations",
        COLOURS.len(),
        SIZES.len(),
        SHAPES.len(),
        RELATIONS.len()
    );
    let headers =
        ["captioned by", "BLEU-4", "object", "colour", "size", "shape", "relation", "count", "exact"];
    let (m, b) = (&r.model, &r.blind);
    let mut test = Table::new(&headers);
    test.row(&score_row("captioner, greedy", &m.test_greedy));
    test.row(&score_row("captioner, beam 3", &m.test_beam3));
    test.row(&score_row("no image, greedy", &b.test_greedy));
    test.row(&score_row("most frequent caption", &r.most_frequent.1));
    let mut held = Table::new(&[&headers[..7], &["pair's colour", "its shape", "the pair"]].concat());
    for (name, s) in [("captioner, greedy", &m.heldout_greedy), ("captioner, beam 3", &m.heldout_beam3)] {
        let a = &s.attributes;
        let mut row = score_row(name, s);
        row.truncate(7);
        row.extend([a.novel_colour, a.novel_shape, a.novel_combo].map(f3));
        held.row(&row);
    }
    let mut probes = Table::new(&["code", "width", "train", "test", "held-out", "held-out, cross-validated"]);
    for p in &r.probes {
        let dims = if p.dims == 0 { "-".to_string() } else { p.dims.to_string() };
        let cv = p.heldout_cv.map_or("-".to_string(), f3);
        probes.row(&[p.stage.clone(), dims, f3(p.train), f3(p.test), f3(p.heldout), cv]);
    }
    let mut unseen = Table::new(&["the unseen pair", "images", "what the captioner called it"]);
    for u in &r.unseen {
        let said: Vec<String> = u
            .said
            .iter()
            .take(4)
            .map(|(name, n)| format!("{name} {:.0}%", 100.0 * *n as f64 / u.images.max(1) as f64))
            .collect();
        unseen.row(&[u.pair.clone(), u.images.to_string(), said.join(", ")]);
    }
    format!(
        "<!-- Written by `cargo run --release -p ch10-captioning`; do not edit. -->\n\n{}\
         <!-- ANCHOR: test -->\n{}\nThe 500 test images; seed {}, {} steps of batch {}; {} parameters. BLEU-4 from \
         every reference (BLEU-1 to 3 and beam 5 are in `results.json`); attributes as SPEC 8.2 scores them: \
         *object* is an object with size, colour and shape all right, *relation* the relation of two shapes, \
         *count* a caption with the right number of objects, *exact* a caption equal to one of the image's \
         references. \"No image\" is the same decoder trained and tested with every image replaced by zeros; \
         the most frequent training caption is \"{}\".\n\
         <!-- ANCHOR_END: test -->\n\n\
         <!-- ANCHOR: heldout -->\n{}\nThe {} held-out images, each with one object (named first or second in the \
         canonical caption) of one of the four unseen pairs; the last three columns score that object: its colour, its \
         shape, and both.\n\
         <!-- ANCHOR_END: heldout -->\n\n\
         <!-- ANCHOR: curve_points -->\n{}\n<!-- ANCHOR_END: curve_points -->\n\n\
         <!-- ANCHOR: chance -->\n{}\n<!-- ANCHOR_END: chance -->\n\n\
         <!-- ANCHOR: unseen -->\n{}<!-- ANCHOR_END: unseen -->\n\n\
         <!-- ANCHOR: probes -->\n{}\nShape accuracy on one-shape images; each probe is softmax regression on \
         standardised codes of the one-shape training images; in the last column, each fifth of the one-shape \
         held-out images is scored by a probe trained on the training images and the other four fifths. Chance is \
         {}.\n<!-- ANCHOR_END: probes -->\n\n\
         <!-- ANCHOR: timing -->\n{}\nBest medians over the rounds of `{}`, measured {} on {} cores ({}), PyTorch {} \
         with one thread, our engine with one kernel thread.\n<!-- ANCHOR_END: timing -->\n\n{}",
        settings_table(r),
        test.to_markdown(),
        r.seed,
        r.train.steps,
        r.train.batch,
        r.parameters,
        r.most_frequent.0,
        held.to_markdown(),
        Split::Heldout.images(),
        curve_points(r),
        chance,
        unseen.to_markdown(),
        probes.to_markdown(),
        1.0 / SHAPES.len() as f64,
        timing_table(r).to_markdown(),
        r.timing.command,
        r.timing.date,
        r.timing.cores,
        r.timing.cpu,
        r.timing.versions.get("torch").map_or("-", String::as_str),
        kit::claims::markdown(&r.claims)
    )
}

fn timing_table(r: &Report) -> Table {
    let mut table = Table::new(&["what is timed (ms)", "ours", "PyTorch", "ours / PyTorch"]);
    for (what, bench) in [
        ("one training step, 32 images", "train_step"),
        ("greedy decoding of 250 images (untrained model: 12 steps)", "greedy_250"),
    ] {
        let (ours, torch) =
            (r.timing.get("ours", crate::GROUP, bench), r.timing.get("torch", crate::GROUP, bench));
        let ms = |v: Option<f64>| v.map_or("-".into(), |v| format!("{v:.2}"));
        let ratio = ours.zip(torch).map_or("-".into(), |(a, b)| format!("{:.2}×", a / b));
        table.row(&[what.to_string(), ms(ours), ms(torch), ratio]);
    }
    table
}

/// Where the learning curve was measured, as the captions of its figures say it: "every
/// 100 steps on the first 500 test images".
fn curve_points(r: &Report) -> String {
    let every = r.model.curve.first().map_or(0, |p| p.step);
    let test = Split::Test.images();
    let which =
        if r.curve_images == test { format!("all {test}") } else { format!("the first {}", r.curve_images) };
    format!("every {every} steps on {which} test images")
}

/// The caption the diagram unrolls the decoder over: the canonical caption of the
/// first one-shape training image.
pub fn diagram_caption() -> Vec<&'static str> {
    let train = ShapeScenes::generate(DATASET_SEED, Split::Train);
    let scene = train.scenes.iter().find(|s| s.objects.len() == 1).expect("a one-shape training image");
    references(scene).swap_remove(0)
}

/// Write `results.md`, `results.json`, the model's diagram and the four figures.
pub fn write_outputs(r: &Report, out: &Output) -> anyhow::Result<()> {
    out.write_results(&results_markdown(r), r)?;
    // The diagram needs the model's shapes only, which every initialisation has.
    let model = Captioner::init(&mut autograd::seeded_rng(r.seed));
    crate::diagram::captioner(&model, (W as usize, W as usize), &diagram_caption())
        .write(&out.figure("diagram-captioner.svg"))?;
    let curve = &r.model.curve;
    let along = |f: &dyn Fn(&Scores) -> f64| curve.iter().map(|p| (p.step as f64, f(&p.scores))).collect();
    // BLEU-4 on its own axis, with the same decoder trained without images as a level
    // when both were scored on the same images.
    let mut baselines = Vec::new();
    if r.curve_images == Split::Test.images() {
        baselines.push(Reference::new("decoder without images", r.blind.test_greedy.bleu4()));
    }
    let unit = LineOptions { y_scale: YScale::Linear, y_range: Some((0.0, 1.0)), references: baselines };
    line_chart_with(
        &out.figure("curve-bleu.svg"),
        "Test BLEU-4 of greedy captions, by training step",
        "training step",
        "BLEU-4",
        &[Series::new("captioner", 0, along(&|s| s.bleu4()))],
        &unit,
    )?;
    // Each attribute's accuracy, chance (a uniform guess among its values) as a dotted
    // level; colour and relation end level, so they get colours far apart.
    let chance = |what: &str, values: usize| Reference::new(format!("chance: {what}"), 1.0 / values as f64);
    let mut levels = vec![chance("size", SIZES.len())];
    if SHAPES.len() == RELATIONS.len() {
        levels.push(chance("shape, relation", SHAPES.len()));
    } else {
        levels.push(chance("shape", SHAPES.len()));
        levels.push(chance("relation", RELATIONS.len()));
    }
    levels.push(chance("colour", COLOURS.len()));
    let accuracy = LineOptions { y_scale: YScale::Linear, y_range: Some((0.0, 1.05)), references: levels };
    line_chart_with(
        &out.figure("curve.svg"),
        "Attributes named right, by training step (test, greedy)",
        "training step",
        "accuracy",
        &[
            Series::new("colour", 1, along(&|s| s.attributes.colour)),
            Series::new("relation", 0, along(&|s| s.attributes.rel)),
            Series::new("size", 2, along(&|s| s.attributes.size)),
            Series::new("shape", 4, along(&|s| s.attributes.shape)),
        ],
        &accuracy,
    )?;
    let splits = [
        ShapeScenes::generate(DATASET_SEED, Split::Test),
        ShapeScenes::generate(DATASET_SEED, Split::Heldout),
    ];
    for (k, (split, file, title)) in [
        ("test", "examples-test.svg", "Greedy captions of the first test images"),
        ("held-out", "examples-heldout.svg", "Greedy captions of the first held-out images"),
    ]
    .into_iter()
    .enumerate()
    {
        let data = &splits[k];
        let examples: Vec<&crate::Example> = r.examples.iter().filter(|e| e.split == split).collect();
        let pixels: Vec<Vec<f32>> = examples
            .iter()
            .map(|e| data.image(e.index).iter().map(|&v| v as f32 / 255.0).collect())
            .collect();
        let pictures: Vec<Picture> = examples
            .iter()
            .zip(&pixels)
            .map(|(e, rgb)| {
                let mut lines = caption_lines(e);
                // On the held-out split, object 0 is the unseen pair: name it.
                if k == 1 {
                    let o = &data.scenes[e.index].objects[0];
                    lines.insert(0, format!("unseen: {} {}", COLOURS[o.colour], SHAPES[o.shape]));
                }
                Picture { rgb, size: (W as usize, W as usize), lines }
            })
            .collect();
        colour_pictures(&out.figure(file), title, &pictures, 4, 180)?;
    }
    Ok(())
}

/// The widest caption line that fits under a picture of the grid, in characters.
const LINE: usize = 27;

/// A caption in short lines, broken between its phrases (the objects and the relation),
/// after a mark; for a wrong caption the truth the same way, after "is:".
fn caption_lines(e: &crate::Example) -> Vec<String> {
    let wrap = |lead: &str, caption: &str| -> Vec<String> {
        // Phrases: an object is "a" and the three words after it; the words between two
        // objects are the relation.
        let mut phrases: Vec<String> = Vec::new();
        let (mut left, mut in_relation) = (0usize, false);
        for w in caption.split(' ') {
            match phrases.last_mut() {
                Some(last) if w != "a" && (left > 0 || in_relation) => {
                    last.push(' ');
                    last.push_str(w);
                }
                _ => phrases.push(w.to_string()),
            }
            if w == "a" {
                (left, in_relation) = (3, false);
            } else if left > 0 {
                left -= 1;
            } else {
                in_relation = true;
            }
        }
        // The lead and the first object on one line; a relation starts a line, and the
        // object after it joins that line when it fits.
        let mut lines = vec![lead.to_string()];
        for (k, phrase) in phrases.into_iter().enumerate() {
            let relation = !phrase.starts_with("a ");
            let last = lines.last_mut().expect("a line");
            if k == 0 || (!relation && last.chars().count() + 1 + phrase.chars().count() <= LINE) {
                last.push(' ');
                last.push_str(&phrase);
            } else {
                lines.push(phrase);
            }
        }
        lines
    };
    let mut lines = wrap(if e.right { "✓" } else { "✗" }, &e.caption);
    if !e.right {
        lines.extend(wrap("is:", &e.truth));
    }
    lines
}
