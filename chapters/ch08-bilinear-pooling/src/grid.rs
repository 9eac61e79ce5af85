//! The runs: tensor fusion against chapter 7's methods on every pair and the triple,
//! the block ablation, and the interaction-strength ablation, over the seeds.

use autograd::{Tensor, no_grad, seeded_rng};
use models::fusion::{FusionNet, Method, PROJECTION, Standardised, predict, tensor_fusion, train};
use models::toymosi::{Knobs, Modality, ToyMosi, generate, pearson, sarcasm_split, sentiment_scores};
use models::{Model, Module};

use crate::{Cell, Config, Report, Run, SizeRow, Tracks};

use Modality::{Audio as A, Text as T, Video as V};

#[derive(Clone)]
pub(crate) struct Job {
    pub(crate) lambda: f64,
    pub(crate) seed_index: usize,
    pub(crate) modalities: Vec<Modality>,
    pub(crate) method: Method,
    pub(crate) max_order: Option<usize>,
}

/// Train one model on the standardised summaries `s`, initialised and batched from `seed`.
pub(crate) fn fit(s: &Standardised, seed: u64, job: &Job, cfg: &Config) -> anyhow::Result<FusionNet> {
    let mut rng = seeded_rng(seed);
    let mut model = FusionNet::new(job.method, &s.widths, &mut rng);
    if let Some(order) = job.max_order {
        model = model.with_max_order(order);
    }
    train(&mut model, s, &cfg.train, &mut rng)
        .map_err(|e| anyhow::anyhow!("{}, seed {seed}: {e}", job.method.name()))?;
    Ok(model)
}

fn train_one(data: &ToyMosi, job: &Job, cfg: &Config) -> anyhow::Result<(FusionNet, Standardised)> {
    let s = Standardised::new(data, &job.modalities);
    Ok((fit(&s, data.seed, job, cfg)?, s))
}

/// A trained model's test scores, and its parameter count.
pub(crate) fn scored(model: &FusionNet, s: &Standardised, seed: u64) -> (Run, Vec<f64>, usize) {
    let p = predict(model, &s.test);
    let test = sentiment_scores(&p, &s.test.labels);
    (Run { seed, test, sarcasm: None }, p, model.num_parameters())
}

fn run_one(data: &ToyMosi, job: &Job, cfg: &Config) -> anyhow::Result<(Run, usize)> {
    let (model, s) = train_one(data, job, cfg)?;
    let (mut run, p, parameters) = scored(&model, &s, data.seed);
    run.sarcasm = (job.modalities.len() == 3).then(|| sarcasm_split(data, &s.test.ids, &p, &s.test.labels));
    Ok((run, parameters))
}

/// The jobs every run has: chapter 7's methods and TFN (both heads) on every pair and
/// the triple, and TFN with a linear head keeping the blocks up to order 1 and 2, at
/// interaction strength `lambda`, `seeds` seeds each.
pub(crate) fn main_jobs(lambda: f64, seeds: usize) -> Vec<Job> {
    let mut jobs = Vec::new();
    let mut add = |modalities: Vec<Modality>, method, max_order| {
        for seed_index in 0..seeds {
            jobs.push(Job { lambda, seed_index, modalities: modalities.clone(), method, max_order });
        }
    };
    let methods = [Method::ConcatLinear, Method::ConcatMlp, Method::Product, Method::Tfn, Method::TfnLinear];
    for modalities in [vec![T, A], vec![T, V], vec![A, V], vec![T, A, V]] {
        for method in methods {
            add(modalities.clone(), method, None);
        }
    }
    for order in [1, 2] {
        add(vec![T, A, V], Method::TfnLinear, Some(order));
    }
    jobs
}

/// The runs of `jobs`, one cell per configuration, seeds in order.
pub(crate) fn gather(jobs: &[Job], done: Vec<(Run, usize)>) -> Vec<Cell> {
    let mut cells: Vec<Cell> = Vec::new();
    for (job, (run, parameters)) in jobs.iter().zip(done) {
        let same = |c: &&mut Cell| {
            c.modalities == job.modalities
                && c.method == job.method
                && c.max_order == job.max_order
                && c.lambda_int == job.lambda
        };
        match cells.iter_mut().find(same) {
            Some(c) => c.runs.push(run),
            None => cells.push(Cell {
                modalities: job.modalities.clone(),
                method: job.method,
                max_order: job.max_order,
                lambda_int: job.lambda,
                parameters,
                runs: vec![run],
            }),
        }
    }
    cells
}

/// Tensor sizes for 2 to 4 modalities of projections 8 to 64 wide.
pub fn size_rows() -> Vec<SizeRow> {
    let mut rows = Vec::new();
    for modalities in 2..=4usize {
        for width in [8usize, 32, 64] {
            let tensor = (width + 1).pow(modalities as u32);
            rows.push(SizeRow {
                modalities,
                width,
                tensor,
                head: tensor * 32 + 32,
                concat: width * modalities,
            });
        }
    }
    rows
}

/// The tensor of one sarcastic test utterance under a TFN of `modalities` trained on
/// seed `data.seed` (9 x 9 for two modalities, 9 x 9 x 9 for three), its label, the
/// model's prediction for it, and which projection entries follow the text polarity
/// (first modality) and the eye-roll (last modality) over the test split.
fn example(
    data: &ToyMosi,
    modalities: Vec<Modality>,
    cfg: &Config,
) -> anyhow::Result<(Vec<f64>, f64, f64, Tracks)> {
    let job = Job { lambda: 1.0, seed_index: 0, modalities, method: Method::Tfn, max_order: None };
    let (model, s) = train_one(data, &job, cfg)?;
    let rows: Vec<usize> = (0..s.test.ids.len()).collect();
    let x = s.test.batch(&rows, &model.widths);
    let hs: Vec<Vec<f32>> = no_grad(|| {
        model
            .encoders
            .iter()
            .zip(&x)
            .map(|(e, x)| e.out.forward(&e.hidden.forward(x).relu()).data().to_vec())
            .collect()
    });
    let row = s.test.ids.iter().position(|&id| data.utterances[id].sarcastic()).unwrap_or(0);
    // The utterance's tensor, from its row of each projection.
    let mine: Vec<Tensor> = hs
        .iter()
        .map(|h| Tensor::from_vec(h[row * PROJECTION..(row + 1) * PROJECTION].to_vec(), &[1, PROJECTION]))
        .collect();
    let z = no_grad(|| tensor_fusion(&mine));
    debug_assert_eq!(z.numel(), (PROJECTION + 1).pow(job.modalities.len() as u32));
    let prediction = predict(&model, &s.test)[row];
    let utterances: Vec<&models::toymosi::Utterance> =
        s.test.ids.iter().map(|&id| &data.utterances[id]).collect();
    let polarity: Vec<f64> = utterances.iter().map(|u| u.polarity).collect();
    let roll: Vec<f64> = utterances.iter().map(|u| f64::from(u8::from(u.eye_roll))).collect();
    let follows = |h: &[f32], factor: &[f64]| -> (usize, f64) {
        (0..PROJECTION)
            .map(|j| {
                let column: Vec<f64> = h.iter().skip(j).step_by(PROJECTION).map(|&v| f64::from(v)).collect();
                (j, pearson(&column, factor))
            })
            .filter(|(_, r)| r.is_finite())
            .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()))
            .unwrap_or((0, f64::NAN))
    };
    let tracks = Tracks {
        text: follows(&hs[0], &polarity),
        video: follows(hs.last().map_or(&[][..], Vec::as_slice), &roll),
    };
    Ok((z.data().iter().map(|&v| f64::from(v)).collect(), s.test.labels[row], prediction, tracks))
}

/// Generate the datasets and run everything.
pub fn run(cfg: &Config) -> anyhow::Result<Report> {
    let seeds: Vec<u64> = (0..cfg.seeds as u64).map(|k| cfg.seed + k).collect();
    let mut lambdas = vec![1.0];
    lambdas.extend(cfg.lambdas.iter().copied().filter(|&l| l != 1.0));
    let keys: Vec<(f64, u64)> = lambdas.iter().flat_map(|&l| seeds.iter().map(move |&s| (l, s))).collect();
    let datasets = kit::parallel::map(&keys, |&(lambda, seed)| {
        Ok(generate(&Knobs { lambda_int: lambda, ..cfg.knobs.clone() }, seed)?)
    })?;
    let data = |lambda: f64, k: usize| {
        &datasets[lambdas.iter().position(|&l| l == lambda).unwrap_or(0) * seeds.len() + k]
    };
    let mut jobs = main_jobs(1.0, seeds.len());
    for &lambda in &lambdas[1..] {
        for method in [Method::ConcatLinear, Method::ConcatMlp, Method::Tfn] {
            for seed_index in 0..seeds.len() {
                jobs.push(Job { lambda, seed_index, modalities: vec![T, A, V], method, max_order: None });
            }
        }
    }
    let done = kit::parallel::map(&jobs, |job| run_one(data(job.lambda, job.seed_index), job, cfg))?;
    let cells = gather(&jobs, done);
    let first = data(1.0, 0);
    let (tensor, label, prediction, tracks) = example(first, vec![T, V], cfg)?;
    let mut report = Report {
        seeds,
        cells,
        sizes: size_rows(),
        example: (tensor, label),
        example_prediction: prediction,
        tracks,
        terms: crate::term_rows(first, &[PROJECTION; 3]),
        term_utterances: first.utterances.len(),
        example3: example(first, vec![T, A, V], cfg)?.0,
        training: first.ids(models::toymosi::Split::Train).len(),
        settings: crate::outputs::settings(cfg),
        claims: vec![],
        data: None,
    };
    report.claims = crate::claims(&report);
    Ok(report)
}
