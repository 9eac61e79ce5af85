//! Part 2: the three multimodal LSTMs on toy MOSI's word-aligned sequences, and
//! chapter 8's tensor fusion on the utterance summaries, over the seeds.

use autograd::seeded_rng;
use models::fusion::{
    FusionNet, Method, SeqFusion, SeqNet, Sequences, Standardised, predict, predict_sequences, train,
    train_sequences,
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

struct Outcome {
    parameters: usize,
    test: models::toymosi::SentimentScores,
    sarcasm: models::toymosi::SentimentScores,
    negation: models::toymosi::SentimentScores,
    negation_size: usize,
    epochs: usize,
}

/// Whether utterance `u` contains a negator (SPEC section 4.1: "not", "never", "no",
/// "hardly"), the one place where a bag of words loses the text's meaning.
pub fn has_negator(u: &models::toymosi::Utterance) -> bool {
    u.tokens.iter().any(|&w| NEGATORS.contains(&VOCABULARY[w]))
}

const NEGATORS: [&str; 4] = ["not", "never", "no", "hardly"];

fn one(cfg: &Config, seed: u64, method: Option<SeqFusion>) -> anyhow::Result<Outcome> {
    let data = generate(&cfg.knobs, seed).map_err(|e| anyhow::anyhow!("toy MOSI, seed {seed}: {e}"))?;
    let mut rng = seeded_rng(seed);
    let failed = |e: String| anyhow::anyhow!("{}, seed {seed}: {e}", name(method));
    let (p, ids, labels, parameters, epochs) = match method {
        Some(fusion) => {
            let s = Sequences::new(&data, &Modality::ALL);
            let mut model = SeqNet::init(fusion, &s.widths, cfg.hidden, &mut rng);
            let trained = train_sequences(&mut model, &s, &cfg.train, &mut rng).map_err(failed)?;
            (
                predict_sequences(&model, &s.test),
                s.test.ids,
                s.test.labels,
                model.num_parameters(),
                trained.epochs,
            )
        }
        None => {
            let s = Standardised::new(&data, &Modality::ALL);
            let mut model = FusionNet::new(Method::Tfn, &s.widths, &mut rng);
            let trained = train(&mut model, &s, &cfg.train, &mut rng).map_err(failed)?;
            let parameters = models::Module::num_parameters(&model);
            (predict(&model, &s.test), s.test.ids, s.test.labels, parameters, trained.epochs)
        }
    };
    let (sarcasm, _) = sarcasm_split(&data, &ids, &p, &labels);
    let negated: Vec<usize> = (0..ids.len()).filter(|&k| has_negator(&data.utterances[ids[k]])).collect();
    let pick = |v: &[f64]| negated.iter().map(|&k| v[k]).collect::<Vec<_>>();
    Ok(Outcome {
        parameters,
        test: sentiment_scores(&p, &labels),
        sarcasm,
        negation: sentiment_scores(&pick(&p), &pick(&labels)),
        negation_size: negated.len(),
        epochs,
    })
}

/// Every model on every seed, both cores busy.
pub fn run(cfg: &Config) -> anyhow::Result<Vec<Cell>> {
    let seeds: Vec<u64> = (cfg.seed..cfg.seed + cfg.seeds as u64).collect();
    // The slow multi-view runs first, so the cores finish together.
    let order = [2usize, 0, 1, 3];
    let jobs: Vec<(u64, usize)> = order.iter().flat_map(|&m| seeds.iter().map(move |&s| (s, m))).collect();
    let outcomes = kit::parallel::map(&jobs, |&(seed, m)| one(cfg, seed, MODELS[m]))?;
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
                sarcasm: mine.iter().map(|o| o.sarcasm).collect(),
                negation: mine.iter().map(|o| o.negation).collect(),
                negation_size: mine.iter().map(|o| o.negation_size).collect(),
                epochs: mine.iter().map(|o| o.epochs).collect(),
            }
        })
        .collect())
}
