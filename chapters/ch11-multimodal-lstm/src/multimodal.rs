//! Part 2: the three multimodal LSTMs on toy MOSI's word-aligned sequences, and
//! chapter 8's tensor fusion on the utterance summaries, over the seeds.

use autograd::seeded_rng;
use models::fusion::{
    FusionNet, Method, SeqFusion, SeqNet, Sequences, Standardised, Trained, predict, predict_sequences,
    train, train_sequences,
};
use models::toymosi::{Modality, VOCABULARY, generate, sarcasm_split, sentiment_scores};

use crate::{Cell, Config};

/// The models of part 2: a sequence model, or TFN on summaries (`None`).
const MODELS: [Option<SeqFusion>; 4] =
    [Some(SeqFusion::Early), Some(SeqFusion::Late), Some(SeqFusion::MultiView), None];

/// The name a model's cell carries.
pub fn name(method: Option<SeqFusion>) -> &'static str {
    method.map_or("TFN on summaries", SeqFusion::name)
}

pub(crate) struct Outcome {
    parameters: usize,
    test: models::toymosi::SentimentScores,
    /// The toy MOSI subsets (None on other data).
    sarcasm: Option<models::toymosi::SentimentScores>,
    negation: Option<models::toymosi::SentimentScores>,
    negation_size: Option<usize>,
    epochs: usize,
}

/// A trained model's test predictions and labels (row ids as in the inputs).
pub(crate) struct Fitted {
    p: Vec<f64>,
    ids: Vec<usize>,
    labels: Vec<f64>,
    parameters: usize,
    epochs: usize,
}

/// The sequence model `fusion` trained on `s`, initialised and batched from `seed`:
/// the same seed gives the same model, bit for bit, on any thread (`--save` relies on it).
pub(crate) fn train_sequence_model(
    s: &Sequences,
    seed: u64,
    fusion: SeqFusion,
    cfg: &Config,
) -> anyhow::Result<(SeqNet, Trained)> {
    let mut rng = seeded_rng(seed);
    let mut model = SeqNet::init(fusion, &s.widths, cfg.hidden, &mut rng);
    let trained = train_sequences(&mut model, s, &cfg.train, &mut rng)
        .map_err(|e| anyhow::anyhow!("{}, seed {seed}: {e}", name(Some(fusion))))?;
    Ok((model, trained))
}

/// Train the sequence model `fusion` on `s`, initialised and batched from `seed`.
pub(crate) fn fit_sequences(
    s: &Sequences,
    seed: u64,
    fusion: SeqFusion,
    cfg: &Config,
) -> anyhow::Result<Fitted> {
    let (model, trained) = train_sequence_model(s, seed, fusion, cfg)?;
    Ok(Fitted {
        p: predict_sequences(&model, &s.test),
        ids: s.test.ids.clone(),
        labels: s.test.labels.clone(),
        parameters: models::Model::num_parameters(&model),
        epochs: trained.epochs,
    })
}

/// Train TFN on the summaries `s`, initialised and batched from `seed`.
pub(crate) fn fit_summaries(s: &Standardised, seed: u64, cfg: &Config) -> anyhow::Result<Fitted> {
    let mut rng = seeded_rng(seed);
    let mut model = FusionNet::new(Method::Tfn, &s.widths, &mut rng);
    let trained = train(&mut model, s, &cfg.train, &mut rng)
        .map_err(|e| anyhow::anyhow!("{}, seed {seed}: {e}", name(None)))?;
    Ok(Fitted {
        p: predict(&model, &s.test),
        ids: s.test.ids.clone(),
        labels: s.test.labels.clone(),
        parameters: models::Model::num_parameters(&model),
        epochs: trained.epochs,
    })
}

/// A fitted model's scores on the whole test split (the subsets are toy MOSI's).
pub(crate) fn scored(f: &Fitted) -> Outcome {
    Outcome {
        parameters: f.parameters,
        test: sentiment_scores(&f.p, &f.labels),
        sarcasm: None,
        negation: None,
        negation_size: None,
        epochs: f.epochs,
    }
}

/// Whether utterance `u` contains a negator (SPEC section 4.1: "not", "never", "no",
/// "hardly"), the one place where a bag of words loses the text's meaning.
pub fn has_negator(u: &models::toymosi::Utterance) -> bool {
    u.tokens.iter().any(|&w| NEGATORS.contains(&VOCABULARY[w]))
}

const NEGATORS: [&str; 4] = ["not", "never", "no", "hardly"];

fn one(cfg: &Config, seed: u64, method: Option<SeqFusion>) -> anyhow::Result<Outcome> {
    let data = generate(&cfg.knobs, seed).map_err(|e| anyhow::anyhow!("toy MOSI, seed {seed}: {e}"))?;
    let f = match method {
        Some(fusion) => fit_sequences(&Sequences::new(&data, &Modality::ALL), seed, fusion, cfg)?,
        None => fit_summaries(&Standardised::new(&data, &Modality::ALL), seed, cfg)?,
    };
    let (sarcasm, _) = sarcasm_split(&data, &f.ids, &f.p, &f.labels);
    let negated: Vec<usize> = (0..f.ids.len()).filter(|&k| has_negator(&data.utterances[f.ids[k]])).collect();
    let pick = |v: &[f64]| negated.iter().map(|&k| v[k]).collect::<Vec<_>>();
    Ok(Outcome {
        sarcasm: Some(sarcasm),
        negation: Some(sentiment_scores(&pick(&f.p), &pick(&f.labels))),
        negation_size: Some(negated.len()),
        ..scored(&f)
    })
}

/// Every model on every seed, both cores busy.
pub fn run(cfg: &Config) -> anyhow::Result<Vec<Cell>> {
    run_with(cfg, |seed, method| one(cfg, seed, method))
}

/// Every model on every seed, each trained and scored by `one(seed, model)`.
pub(crate) fn run_with(
    cfg: &Config,
    one: impl Fn(u64, Option<SeqFusion>) -> anyhow::Result<Outcome> + Sync,
) -> anyhow::Result<Vec<Cell>> {
    let seeds: Vec<u64> = (cfg.seed..cfg.seed + cfg.seeds as u64).collect();
    // The slow multi-view runs first, so the cores finish together.
    let order = [2usize, 0, 1, 3];
    let jobs: Vec<(u64, usize)> = order.iter().flat_map(|&m| seeds.iter().map(move |&s| (s, m))).collect();
    let outcomes = kit::parallel::map(&jobs, |&(seed, m)| one(seed, MODELS[m]))?;
    Ok(MODELS
        .iter()
        .enumerate()
        .map(|(m, &method)| {
            let mine: Vec<&Outcome> =
                jobs.iter().zip(&outcomes).filter(|((_, k), _)| *k == m).map(|(_, o)| o).collect();
            Cell {
                name: name(method).to_string(),
                method,
                parameters: mine.first().map_or(0, |o| o.parameters),
                test: mine.iter().map(|o| o.test).collect(),
                sarcasm: mine.iter().filter_map(|o| o.sarcasm).collect(),
                negation: mine.iter().filter_map(|o| o.negation).collect(),
                negation_size: mine.iter().filter_map(|o| o.negation_size).collect(),
                epochs: mine.iter().map(|o| o.epochs).collect(),
            }
        })
        .collect())
}
