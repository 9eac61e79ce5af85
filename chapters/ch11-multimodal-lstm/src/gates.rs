//! Part 1: the LSTM against a vanilla RNN on recalling the first of many symbols; the
//! gradient that reaches each step, before and after training; the gates at work.

use autograd::{no_grad, seeded_rng};
use models::seq::{RECALL_INPUT, RecallModel, Recurrence, SYMBOLS, recall_batch};

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
    // The cell, step by step: c_t = f_t c_(t-1) + i_t g_t, with the candidate g_t of this
    // unit recomputed from the weights (the gates are in `unrolled`); then its mean over
    // the sequences that start with each symbol.
    let (steps, width) = (cfg.steps, 4 * h);
    let (w_x, w_h, bias) = (model.w_x.tensor().data(), model.w_h.tensor().data(), model.bias.tensor().data());
    let (xs, col) = (x.data(), 2 * h + unit);
    let mut c = vec![0.0f64; labels.len()];
    let mut cells = vec![vec![0.0f64; steps]; SYMBOLS];
    let mut counts = [0usize; SYMBOLS];
    labels.iter().for_each(|&l| counts[l] += 1);
    for t in 0..steps {
        let [i, f, o] = &unrolled.gates[t];
        for (b, cb) in c.iter_mut().enumerate() {
            let mut a = f64::from(bias[col]);
            for k in 0..RECALL_INPUT {
                a += f64::from(xs[(b * steps + t) * RECALL_INPUT + k]) * f64::from(w_x[k * width + col]);
            }
            if t > 0 {
                let prev = unrolled.hidden[t - 1].data();
                for j in 0..h {
                    a += f64::from(prev[b * h + j]) * f64::from(w_h[j * width + col]);
                }
            }
            let at = b * h + unit;
            *cb = f64::from(f.data()[at]) * *cb + f64::from(i.data()[at]) * a.tanh();
            cells[labels[b]][t] += *cb / counts[labels[b]].max(1) as f64;
            let shown = f64::from(o.data()[at]) * cb.tanh();
            assert!(
                (shown - f64::from(unrolled.hidden[t].data()[at])).abs() < 1e-3,
                "the recomputed cell must give the layer's hidden state back"
            );
        }
    }
    GateTrace { symbol: labels[0], unit, input: gate(0), forget: gate(1), output: gate(2), cell: cells }
}

fn one(
    kind: Recurrence,
    forget_bias: f32,
    seed: u64,
    cfg: &RecallConfig,
) -> anyhow::Result<(RecallRun, Option<GateTrace>)> {
    // The same weights' random stream (one per seed) and the same probe batch for every
    // model.
    let mut rng = seeded_rng(7 + seed);
    let mut model = RecallModel::init(kind, cfg.hidden, forget_bias, &mut rng);
    let (probe, probe_labels) = recall_batch(PROBE, cfg.steps, &mut seeded_rng(1));
    let gradient_at_init = model.hidden_gradients(&probe, &probe_labels);
    model.train(cfg.steps, cfg.iterations, &mut rng);
    let (test, labels) = recall_batch(512, cfg.steps, &mut seeded_rng(2));
    let accuracy = model.accuracy(&test, &labels);
    let run = RecallRun {
        kind,
        forget_bias: (kind == Recurrence::Lstm).then_some(f64::from(forget_bias)),
        accuracy,
        accuracy_seeds: vec![accuracy],
        decay_at_init_seeds: vec![],
        gradient_at_init,
        gradient_trained: model.hidden_gradients(&probe, &probe_labels),
    };
    anyhow::ensure!(
        run.gradient_trained.iter().all(|g| g.is_finite()),
        "{}: a gradient norm is not finite after training",
        kind.name()
    );
    let traced = kind == Recurrence::Lstm && forget_bias == cfg.forget_bias && seed == 0;
    Ok((run, traced.then(|| trace(&model, cfg))))
}

/// Train the LSTM with the chapter's forget-gate bias, the LSTM with the other one and
/// the vanilla RNN (in that order in the report) on every seed, and measure them. The
/// curves and the gates are seed 0's; accuracies and gradient ratios are kept per seed.
pub fn run(cfg: &RecallConfig) -> anyhow::Result<(Vec<RecallRun>, GateTrace)> {
    let models = [
        (Recurrence::Lstm, cfg.forget_bias),
        (Recurrence::Lstm, cfg.other_forget_bias),
        (Recurrence::Rnn, cfg.forget_bias),
    ];
    let jobs: Vec<(usize, u64)> =
        (0..cfg.seeds.max(1) as u64).flat_map(|s| (0..models.len()).map(move |m| (m, s))).collect();
    let results = kit::parallel::map(&jobs, |&(m, seed)| one(models[m].0, models[m].1, seed, cfg))?;
    let mut runs: Vec<RecallRun> = Vec::new();
    let mut gates = None;
    for (&(m, seed), (run, trace)) in jobs.iter().zip(results) {
        gates = gates.or(trace);
        if seed == 0 {
            runs.push(run);
        } else {
            runs[m].accuracy_seeds.push(run.accuracy);
            runs[m].decay_at_init_seeds.push(run.decay_at_init());
        }
    }
    for run in &mut runs {
        let first = run.decay_at_init();
        run.decay_at_init_seeds.insert(0, first);
    }
    Ok((runs, gates.expect("the LSTM's gates are traced")))
}
