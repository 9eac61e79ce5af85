//! The grid: every subset of the modalities, every method that differs on it, every
//! seed; one training run each, two at a time.

use autograd::seeded_rng;
use models::Model;
use models::fusion::{FusionNet, Method, Standardised, predict, train};
use models::toymosi::{GeneratorStats, Modality, Split, ToyMosi, generate, sarcasm_split, sentiment_scores};

use crate::{Cell, Config, DataPoint, Report, Run};

/// The seven non-empty subsets, in the order T, A, V, T+A, T+V, A+V, T+A+V.
pub fn subsets() -> Vec<Vec<Modality>> {
    use Modality::{Audio as A, Text as T, Video as V};
    vec![vec![T], vec![A], vec![V], vec![T, A], vec![T, V], vec![A, V], vec![T, A, V]]
}

/// The methods that differ on a subset: with one modality the sum and the product of
/// projections are the same model (an encoder and a linear head), so only `Sum` runs.
pub fn methods_for(modalities: &[Modality]) -> Vec<Method> {
    if modalities.len() == 1 {
        vec![Method::ConcatLinear, Method::ConcatMlp, Method::Sum]
    } else {
        vec![Method::ConcatLinear, Method::ConcatMlp, Method::Sum, Method::Product]
    }
}

pub(crate) struct Job {
    pub(crate) seed_index: usize,
    pub(crate) modalities: Vec<Modality>,
    pub(crate) method: Method,
}

/// Every (subset, method, seed) of the grid, `seeds` seeds each.
pub(crate) fn jobs(seeds: usize) -> Vec<Job> {
    let mut jobs = Vec::new();
    for modalities in subsets() {
        for method in methods_for(&modalities) {
            for seed_index in 0..seeds {
                jobs.push(Job { seed_index, modalities: modalities.clone(), method });
            }
        }
    }
    jobs
}

/// One model on the standardised summaries `s`: initialise it and order its batches
/// from `seed`, train by the protocol, score on the test split. Also returns the test
/// predictions and the model's parameter count.
pub(crate) fn fit(
    s: &Standardised,
    seed: u64,
    job: &Job,
    cfg: &Config,
) -> anyhow::Result<(Run, Vec<f64>, usize)> {
    let (model, run, p) = trained(s, seed, job, cfg)?;
    Ok((run, p, model.num_parameters()))
}

/// [`fit`]'s trained model itself, with its run and test predictions (`--save`).
pub(crate) fn trained(
    s: &Standardised,
    seed: u64,
    job: &Job,
    cfg: &Config,
) -> anyhow::Result<(FusionNet, Run, Vec<f64>)> {
    let mut rng = seeded_rng(seed);
    let mut model = FusionNet::new(job.method, &s.widths, &mut rng);
    let trained = train(&mut model, s, &cfg.train, &mut rng).map_err(|e| {
        anyhow::anyhow!("{} on {}, seed {seed}: {e}", job.method.name(), crate::subset_name(&job.modalities))
    })?;
    let p = predict(&model, &s.test);
    let test = sentiment_scores(&p, &s.test.labels);
    Ok((model, Run { seed, test, sarcasm: None, best_epoch: trained.best_epoch }, p))
}

/// One model on toy MOSI: standardise, [`fit`], and for the trimodal models score the
/// sarcasm subset and the rest.
fn run_one(data: &ToyMosi, job: &Job, cfg: &Config) -> anyhow::Result<(Run, usize)> {
    let s = Standardised::new(data, &job.modalities);
    let (mut run, p, parameters) = fit(&s, data.seed, job, cfg)?;
    run.sarcasm = (job.modalities.len() == 3).then(|| sarcasm_split(data, &s.test.ids, &p, &s.test.labels));
    Ok((run, parameters))
}

/// The runs of `jobs`, gathered into one cell per (subset, method), seeds in order.
pub(crate) fn cells(jobs: &[Job], done: Vec<(Run, usize)>) -> Vec<Cell> {
    let mut cells: Vec<Cell> = Vec::new();
    for (job, (run, parameters)) in jobs.iter().zip(done) {
        match cells.iter_mut().find(|c| c.modalities == job.modalities && c.method == job.method) {
            Some(cell) => cell.runs.push(run),
            None => cells.push(Cell {
                modalities: job.modalities.clone(),
                method: job.method,
                parameters,
                runs: vec![run],
            }),
        }
    }
    cells
}

/// Generate the datasets and run the whole grid.
pub fn run(cfg: &Config) -> anyhow::Result<Report> {
    let seeds: Vec<u64> = (0..cfg.seeds as u64).map(|k| cfg.seed + k).collect();
    let datasets = kit::parallel::map(&seeds, |&s| Ok(generate(&cfg.knobs, s)?))?;
    let stats: Vec<GeneratorStats> = datasets.iter().map(GeneratorStats::of).collect();
    let jobs = jobs(seeds.len());
    let done = kit::parallel::map(&jobs, |job| run_one(&datasets[job.seed_index], job, cfg))?;
    let cells = cells(&jobs, done);
    let first = &datasets[0];
    let points = first
        .ids(Split::Test)
        .iter()
        .map(|&i| {
            let u = &first.utterances[i];
            DataPoint { polarity: u.polarity, label: u.label, eye_roll: u.eye_roll }
        })
        .collect();
    let sizes = (
        first.utterances.len(),
        first.ids(Split::Train).len(),
        first.ids(Split::Valid).len(),
        first.ids(Split::Test).len(),
    );
    let mut report = Report {
        seeds,
        sizes,
        stats,
        cells,
        settings: crate::outputs::settings(cfg),
        claims: vec![],
        points,
        data: None,
    };
    report.claims = crate::claims(&report);
    Ok(report)
}
