//! The runs: LMF at every rank of the sweep against TFN (both heads), the product of
//! projections and concatenation, on T+A+V over the seeds; the GMU of the page "Adding
//! your own model" on the same datasets (`gmu_runs`); then the three steps checked on a
//! trained LMF.

use autograd::{Tensor, no_grad, seeded_rng};
use models::fusion::{FusionNet, Method, Standardised, predict, train};
use models::toymosi::{Modality, ToyMosi, generate, sarcasm_split, sentiment_scores};
use models::{Mode, Model, Module};

use crate::{Cell, Config, Report, Run, StepsCheck};

/// The modalities every model reads.
pub(crate) const TAV: [Modality; 3] = [Modality::Text, Modality::Audio, Modality::Video];

/// Train one model on the standardised summaries `s`, initialised and batched from `seed`.
pub(crate) fn fit(s: &Standardised, seed: u64, method: Method, cfg: &Config) -> anyhow::Result<FusionNet> {
    let mut rng = seeded_rng(seed);
    let mut model = FusionNet::new(method, &s.widths, &mut rng);
    train(&mut model, s, &cfg.train, &mut rng)
        .map_err(|e| anyhow::anyhow!("{}, seed {seed}: {e}", method.name()))?;
    Ok(model)
}

fn train_one(data: &ToyMosi, method: Method, cfg: &Config) -> anyhow::Result<(FusionNet, Standardised)> {
    let s = Standardised::new(data, &TAV);
    Ok((fit(&s, data.seed, method, cfg)?, s))
}

/// Parameters of the encoders: what every method but concatenation shares.
fn encoder_parameters(model: &FusionNet) -> usize {
    model.encoders.iter().map(|e| e.hidden.num_parameters() + e.out.num_parameters()).sum()
}

/// A trained model's test scores and predictions, its parameters and those after its
/// encoders.
pub(crate) fn scored(model: &FusionNet, s: &Standardised, seed: u64) -> (Run, Vec<f64>, usize, usize) {
    let p = predict(model, &s.test);
    let test = sentiment_scores(&p, &s.test.labels);
    let total = model.num_parameters();
    (Run { seed, test, sarcasm: None }, p, total, total - encoder_parameters(model))
}

fn run_one(data: &ToyMosi, method: Method, cfg: &Config) -> anyhow::Result<(Run, usize, usize)> {
    let (model, s) = train_one(data, method, cfg)?;
    let (mut run, p, total, fusion) = scored(&model, &s, data.seed);
    run.sarcasm = Some(sarcasm_split(data, &s.test.ids, &p, &s.test.labels));
    Ok((run, total, fusion))
}

fn largest_difference(a: &Tensor, b: &Tensor) -> f64 {
    a.to_vec().iter().zip(b.to_vec()).fold(0.0f64, |m, (x, y)| m.max(f64::from((x - y).abs())))
}

/// Train an LMF of `rank` on `data`, then on its test split: step 3 (the rearranged
/// product) against steps 1 and 2 (W rebuilt from the factors, W . Z with Z formed),
/// and the whole LMF model against a TFN-with-linear-head model that is given the
/// LMF's encoders and the rebuilt W.
pub(crate) fn steps_check(
    s: &Standardised,
    seed: u64,
    rank: usize,
    cfg: &Config,
) -> anyhow::Result<StepsCheck> {
    let lmf = fit(s, seed, Method::Lmf(rank), cfg)?;
    let layer = lmf.lowrank.as_ref().expect("an LMF model has its low-rank layer");
    let rows: Vec<usize> = (0..s.test.labels.len()).collect();
    let x = s.test.batch(&rows, &lmf.widths);
    let mut rng = seeded_rng(seed);
    let mut tfn = FusionNet::new(Method::TfnLinear, &lmf.widths, &mut rng);
    for (to, from) in tfn.encoders.iter_mut().zip(&lmf.encoders) {
        for (p, q) in to
            .hidden
            .parameters_mut()
            .into_iter()
            .chain(to.out.parameters_mut())
            .zip(from.hidden.parameters().into_iter().chain(from.out.parameters()))
        {
            let values = q.tensor().to_vec();
            p.update(|v| v.copy_from_slice(&values));
        }
    }
    let weight = no_grad(|| layer.full_weight()).to_vec();
    let bias = layer.bias.tensor().to_vec();
    tfn.head[0].weight.update(|v| v.copy_from_slice(&weight));
    tfn.head[0].bias.update(|v| v.copy_from_slice(&bias));
    no_grad(|| {
        // The encoders in evaluation mode: h_m = W2 relu(W1 x + b1) + b2.
        let hs: Vec<Tensor> =
            lmf.encoders.iter().zip(&x).map(|(e, x)| e.out.forward(&e.hidden.forward(x).relu())).collect();
        // ANCHOR: steps_check
        // Step 3 against steps 1 and 2; the LMF model against the TFN given its W.
        let (fast, slow) = (layer.forward(&hs), layer.forward_formed(&hs));
        let (via_lmf, via_tfn) = (lmf.forward(&x, &mut Mode::Eval), tfn.forward(&x, &mut Mode::Eval));
        // ANCHOR_END: steps_check
        let scale = fast.to_vec().iter().fold(1e-12f64, |m, &v| m.max(f64::from(v.abs())));
        Ok(StepsCheck {
            rank,
            examples: rows.len(),
            weight_entries: weight.len(),
            largest_output: scale,
            rearranged_vs_formed: largest_difference(&fast, &slow) / scale,
            lmf_vs_tfn: largest_difference(&via_lmf, &via_tfn) / scale,
        })
    })
}

/// The rank of the LMF whose three steps are checked: 4 if the sweep has it, else the
/// sweep's first rank.
pub fn checked_rank(cfg: &Config) -> usize {
    if cfg.ranks.contains(&4) { 4 } else { cfg.ranks[0] }
}

/// The methods of the run: concatenation, the product of projections, TFN (both heads)
/// and LMF at every rank of the sweep; an error when a rank is 0 or there are none.
pub(crate) fn methods(cfg: &Config) -> anyhow::Result<Vec<Method>> {
    anyhow::ensure!(
        !cfg.ranks.is_empty() && !cfg.ranks.contains(&0),
        "ranks must be at least 1: {:?}",
        cfg.ranks
    );
    let mut methods = vec![Method::ConcatLinear, Method::Product, Method::TfnLinear, Method::Tfn];
    methods.extend(cfg.ranks.iter().map(|&r| Method::Lmf(r)));
    Ok(methods)
}

/// The runs of `jobs` ((method, seed index) pairs), one cell per method.
pub(crate) fn gather(jobs: &[(Method, usize)], done: Vec<(Run, usize, usize)>) -> Vec<Cell> {
    let mut cells: Vec<Cell> = Vec::new();
    for (&(method, _), (run, parameters, fusion_parameters)) in jobs.iter().zip(done) {
        match cells.iter_mut().find(|c| c.method == method) {
            Some(c) => c.runs.push(run),
            None => cells.push(Cell { method, parameters, fusion_parameters, runs: vec![run] }),
        }
    }
    cells
}

/// Generate the datasets and run everything.
pub fn run(cfg: &Config) -> anyhow::Result<Report> {
    let methods = methods(cfg)?;
    let seeds: Vec<u64> = (0..cfg.seeds as u64).map(|k| cfg.seed + k).collect();
    let datasets = kit::parallel::map(&seeds, |&seed| Ok(generate(&cfg.knobs, seed)?))?;
    let jobs: Vec<(Method, usize)> =
        methods.iter().flat_map(|&m| (0..seeds.len()).map(move |k| (m, k))).collect();
    let done = kit::parallel::map(&jobs, |&(method, k)| run_one(&datasets[k], method, cfg))?;
    let cells = gather(&jobs, done);
    let gmu = crate::gmu_runs::run_gmu(&datasets, cfg)?;
    let check_rank = checked_rank(cfg);
    let mut report = Report {
        seeds,
        cells,
        gmu: Some(gmu),
        steps: steps_check(&Standardised::new(&datasets[0], &TAV), datasets[0].seed, check_rank, cfg)?,
        training: datasets[0].ids(models::toymosi::Split::Train).len(),
        timing: crate::measured()?,
        settings: crate::outputs::settings(cfg),
        claims: vec![],
        data: None,
    };
    report.claims = crate::claims(&report);
    Ok(report)
}
