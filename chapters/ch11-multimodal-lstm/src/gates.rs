//! Part 1: the LSTM against a vanilla RNN on recalling the first of many symbols; the
//! gradient that reaches each step, before and after training; the gates at work.

use autograd::{no_grad, seeded_rng};
use models::seq::{RecallModel, Recurrence, SYMBOLS, recall_batch};

use crate::{GateTrace, RecallConfig, RecallRun};

/// Sequences the gradients and the gates are measured on.
const PROBE: usize = 256;

/// The unit whose final hidden value differs most between the four symbols, and the
/// trace of its gates over the first sequence of the batch.
fn trace(model: &RecallModel, cfg: &RecallConfig) -> GateTrace {
    let (x, labels) = recall_batch(PROBE, cfg.steps, &mut seeded_rng(3));
    let unrolled = no_grad(|| model.unroll(&x));
    let last = unrolled.hidden.last().expect("at least one step");
    let h = cfg.hidden;
    let spread = |unit: usize| {
        let means: Vec<f64> = (0..SYMBOLS)
            .map(|s| {
                let rows: Vec<f64> = labels
                    .iter()
                    .enumerate()
                    .filter(|&(_, &l)| l == s)
                    .map(|(b, _)| f64::from(last.data()[b * h + unit]))
                    .collect();
                rows.iter().sum::<f64>() / rows.len().max(1) as f64
            })
            .collect();
        means.iter().cloned().fold(f64::NEG_INFINITY, f64::max)
            - means.iter().cloned().fold(f64::INFINITY, f64::min)
    };
    let unit = (0..h).max_by(|&a, &b| spread(a).total_cmp(&spread(b))).unwrap_or(0);
    let gate = |k: usize| unrolled.gates.iter().map(|g| f64::from(g[k].data()[unit])).collect();
    GateTrace { symbol: labels[0], unit, input: gate(0), forget: gate(1), output: gate(2) }
}

fn one(kind: Recurrence, cfg: &RecallConfig) -> anyhow::Result<(RecallRun, Option<GateTrace>)> {
    // The same weights' random stream and the same probe batch for both models.
    let mut rng = seeded_rng(7);
    let mut model = RecallModel::init(kind, cfg.hidden, cfg.forget_bias, &mut rng);
    let (probe, probe_labels) = recall_batch(PROBE, cfg.steps, &mut seeded_rng(1));
    let gradient_at_init = model.hidden_gradients(&probe, &probe_labels);
    model.train(cfg.steps, cfg.iterations, &mut rng);
    let (test, labels) = recall_batch(512, cfg.steps, &mut seeded_rng(2));
    let run = RecallRun {
        kind,
        accuracy: model.accuracy(&test, &labels),
        gradient_at_init,
        gradient_trained: model.hidden_gradients(&probe, &probe_labels),
    };
    anyhow::ensure!(
        run.gradient_trained.iter().all(|g| g.is_finite()),
        "{}: a gradient norm is not finite after training",
        kind.name()
    );
    let gates = (kind == Recurrence::Lstm).then(|| trace(&model, cfg));
    Ok((run, gates))
}

/// Train both models (one per core) and measure them.
pub fn run(cfg: &RecallConfig) -> anyhow::Result<(Vec<RecallRun>, GateTrace)> {
    let results = kit::parallel::map(&[Recurrence::Lstm, Recurrence::Rnn], |&kind| one(kind, cfg))?;
    let mut runs = Vec::new();
    let mut gates = None;
    for (run, trace) in results {
        runs.push(run);
        gates = gates.or(trace);
    }
    Ok((runs, gates.expect("the LSTM's gates are traced")))
}
