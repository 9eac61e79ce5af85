//! The chapter's experiment: the captioner and the blind baseline trained side by side
//! (one per core), each evaluated where it was trained. The captioner's trained weights
//! come back from its thread as plain data (`Kept`), for `--save`.

use autograd::seeded_rng;
use models::Model;
use models::captioner::{Captioner, TrainConfig, train};
use models::scenes::{DATASET_SEED, ShapeScenes, Split, canonical, references, words_of};

use crate::evaluate::{Decode, caption, confidence, probes, score, unseen};
use crate::{Config, CurvePoint, Example, ModelRun, ProbeRow, Report, Scores, Unseen};

/// What a job hands back (plain data: a model's tensors stay on its thread).
struct Trained {
    run: ModelRun,
    parameters: usize,
    analysis: Option<(Vec<ProbeRow>, Vec<Unseen>, Vec<Example>)>,
    /// The captioner's weights and test captions (not the blind baseline's).
    kept: Option<Kept>,
}

/// The trained captioner the page reports, as plain data (tensors are not `Send`): what
/// `--save` writes.
#[derive(Clone, Debug)]
pub struct Kept {
    /// Its `state_dict` (PyTorch's names and layouts): (name, shape, values).
    pub state: Vec<(String, Vec<usize>, Vec<f32>)>,
    /// Its greedy captions of the test images, as token ids (`<eos>` included when
    /// generated): the captions the page's test BLEU-4 is computed from.
    pub test_captions: Vec<Vec<usize>>,
}

/// The three splits of shape scenes.
pub struct Splits {
    /// 4,000 training images.
    pub train: ShapeScenes,
    /// 500 test images.
    pub test: ShapeScenes,
    /// 500 images of unseen colour-shape pairs.
    pub heldout: ShapeScenes,
}

impl Splits {
    /// Generate all three (dataset seed 11777).
    pub fn generate() -> Splits {
        Splits {
            train: ShapeScenes::generate(DATASET_SEED, Split::Train),
            test: ShapeScenes::generate(DATASET_SEED, Split::Test),
            heldout: ShapeScenes::generate(DATASET_SEED, Split::Heldout),
        }
    }
}

fn train_and_evaluate(cfg: &Config, data: &Splits, blind: bool) -> anyhow::Result<Trained> {
    let mut rng = seeded_rng(cfg.seed);
    let mut model = Captioner::init(&mut rng);
    let train_cfg = TrainConfig { blind, ..cfg.train };
    let mut curve = Vec::new();
    let mut since = Vec::new();
    let losses = train(&mut model, &data.train, &train_cfg, &mut rng, |step, loss, model| {
        since.push(loss as f64);
        if !blind && (step % cfg.eval_every == 0 || step == train_cfg.steps) {
            let captions = caption(model, &data.test, cfg.curve_images, false, Decode::Greedy);
            let loss = since.iter().sum::<f64>() / since.len() as f64;
            curve.push(CurvePoint { step, loss, scores: score(&data.test, &captions) });
            since.clear();
        }
    })
    .map_err(anyhow::Error::msg)?;
    let tail = &losses[losses.len().saturating_sub(100)..];
    let on = |split: &ShapeScenes, how| caption(&model, split, split.len(), blind, how);
    let (test_greedy, test_beam3) = (on(&data.test, Decode::Greedy), on(&data.test, Decode::Beam(3)));
    let heldout_greedy = on(&data.heldout, Decode::Greedy);
    let same = test_greedy.iter().zip(&test_beam3).filter(|(a, b)| a == b).count();
    let analysis = if blind {
        None
    } else {
        let splits = [&data.train, &data.test, &data.heldout];
        let probe_rows = probes(&model, splits, &cfg.probe, &mut rng).map_err(anyhow::Error::msg)?;
        let mut examples = Vec::new();
        for (name, split, captions) in
            [("test", &data.test, &test_greedy), ("held-out", &data.heldout, &heldout_greedy)]
        {
            for (index, (scene, tokens)) in split.scenes.iter().zip(captions).take(4).enumerate() {
                let words = words_of(tokens);
                examples.push(Example {
                    split: name.into(),
                    index,
                    caption: words.join(" "),
                    right: references(scene).contains(&words),
                    truth: canonical(scene),
                });
            }
        }
        Some((probe_rows, unseen(&data.heldout, &heldout_greedy), examples))
    };
    let run = ModelRun {
        blind,
        final_loss: tail.iter().map(|&l| l as f64).sum::<f64>() / tail.len().max(1) as f64,
        curve,
        test_greedy: score(&data.test, &test_greedy),
        test_beam3: score(&data.test, &test_beam3),
        test_beam5: score(&data.test, &on(&data.test, Decode::Beam(5))),
        heldout_greedy: score(&data.heldout, &heldout_greedy),
        heldout_beam3: score(&data.heldout, &on(&data.heldout, Decode::Beam(3))),
        beam3_same_as_greedy: same as f64 / test_greedy.len().max(1) as f64,
        confidence: confidence(&model, &data.test, &test_greedy, blind),
    };
    let kept = (!blind).then(|| Kept {
        state: model.state_dict().into_iter().map(|(n, t)| (n, t.shape().to_vec(), t.to_vec())).collect(),
        test_captions: test_greedy,
    });
    Ok(Trained { run, parameters: model.num_parameters(), analysis, kept })
}

/// The most frequent canonical training caption, said of every test image.
fn most_frequent(data: &Splits) -> (String, Scores) {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for scene in &data.train.scenes {
        let c = canonical(scene);
        match counts.iter_mut().find(|(n, _)| *n == c) {
            Some((_, k)) => *k += 1,
            None => counts.push((c, 1)),
        }
    }
    // Most frequent; ties to the caption first seen.
    let best = counts.iter().fold(&counts[0], |best, c| if c.1 > best.1 { c } else { best }).0.clone();
    let tokens: Vec<usize> = best.split(' ').map(models::scenes::token).collect();
    (best, score(&data.test, &vec![tokens; data.test.len()]))
}

/// Train the captioner and the blind baseline, evaluate both, probe the captioner.
pub fn run(cfg: &Config) -> anyhow::Result<Report> {
    Ok(run_keeping(cfg)?.0)
}

/// [`run`], also handing back the trained captioner the report describes.
pub fn run_keeping(cfg: &Config) -> anyhow::Result<(Report, Kept)> {
    anyhow::ensure!(cfg.eval_every > 0, "eval_every must be at least 1");
    anyhow::ensure!(cfg.train.steps > 0, "train for at least one step");
    let data = Splits::generate();
    let mut jobs = kit::parallel::map(&[false, true], |&blind| train_and_evaluate(cfg, &data, blind))?;
    let blind = jobs.pop().expect("two jobs");
    let model = jobs.pop().expect("two jobs");
    let (probes, unseen, examples) = model.analysis.expect("the captioner is analysed");
    let mut report = Report {
        seed: cfg.seed,
        train: cfg.train,
        curve_images: cfg.curve_images.min(data.test.len()),
        parameters: model.parameters,
        model: model.run,
        blind: blind.run,
        most_frequent: most_frequent(&data),
        probes,
        unseen,
        examples,
        timing: crate::measured()?,
        claims: Vec::new(),
    };
    report.claims = crate::claims(&report);
    Ok((report, model.kept.expect("the captioner is kept")))
}
