//! The conclusions the page draws, computed from the report.

use kit::Claim;
use kit::claims::num;
use models::seq::Recurrence;

use crate::{Cell, Report};

const FORGETS: &str = "why-a-vanilla-rnn-forgets";
const GATES: &str = "the-gates-at-work";
const RESULTS: &str = "three-multimodal-lstms-against-tensor-fusion";

/// The decay bars: over the task's length the RNN's gradient must shrink by at least
/// this factor, and the LSTM's by less than `LSTM_DECAY`.
pub const RNN_DECAY: f64 = 1e-2;
/// See [`RNN_DECAY`].
pub const LSTM_DECAY: f64 = 1e-1;

fn forgets(r: &Report) -> Option<Claim> {
    let (lstm, rnn) = (r.recall_run(Recurrence::Lstm)?, r.recall_run(Recurrence::Rnn)?);
    let holds = rnn.decay_at_init() < RNN_DECAY && lstm.decay_at_init() > LSTM_DECAY;
    Some(
        Claim::required(
            "rnn_gradient_vanishes",
            FORGETS,
            holds,
            format!(
                "Before training, the gradient of the loss with respect to the hidden state of step 1 is {} of its \
                 size at step {} for the vanilla RNN and {} for the LSTM (bars: below {} and above {}){}",
                num(rnn.decay_at_init()),
                r.recall_steps,
                num(lstm.decay_at_init()),
                num(RNN_DECAY),
                num(LSTM_DECAY),
                if holds {
                    ": the RNN's learning signal for the first step, the only one that matters, is lost on the way; \
                     the LSTM's arrives."
                } else {
                    "."
                }
            ),
        )
        .with("RNN, step 1 / last step", rnn.decay_at_init())
        .with("LSTM, step 1 / last step", lstm.decay_at_init()),
    )
}

fn remembers(r: &Report) -> Option<Claim> {
    let (lstm, rnn) = (r.recall_run(Recurrence::Lstm)?, r.recall_run(Recurrence::Rnn)?);
    let holds = lstm.accuracy >= 0.9 && rnn.accuracy <= 0.5;
    Some(
        Claim::required(
            "lstm_remembers_rnn_does_not",
            FORGETS,
            holds,
            format!(
                "Trained on the same batches, the LSTM names the first of {} symbols for {:.1}% of new sequences and \
                 the vanilla RNN for {:.1}% (chance 25%; bars: LSTM at least 90%, RNN at most 50%). After training \
                 the ratio of the gradients at step 1 and step {} is {} for the LSTM and {} for the RNN.",
                r.recall_steps,
                100.0 * lstm.accuracy,
                100.0 * rnn.accuracy,
                r.recall_steps,
                num(lstm.decay_trained()),
                num(rnn.decay_trained()),
            ),
        )
        .with("LSTM accuracy", lstm.accuracy)
        .with("RNN accuracy", rnn.accuracy),
    )
}

fn gates(r: &Report) -> Claim {
    let g = &r.gates;
    let later = |v: &[f64]| v.iter().skip(1).sum::<f64>() / (v.len().max(2) - 1) as f64;
    let (input_first, input_later) = (g.input.first().copied().unwrap_or(0.0), later(&g.input));
    let forget_later = later(&g.forget);
    let holds = input_first > input_later && forget_later >= 0.9;
    Claim::observation(
        "gates_keep_the_first_symbol",
        GATES,
        holds,
        format!(
            "In the unit that carries the answer (unit {}), the input gate is {} at the first step and {} on average \
             after it, and the forget gate {} on average after the first step{}",
            g.unit,
            num(input_first),
            num(input_later),
            num(forget_later),
            if holds {
                ": the cell takes in the first symbol and then keeps it, letting the distractors in only weakly."
            } else {
                ": not the clean write-once, keep-forever pattern here."
            }
        ),
    )
    .with("input gate, step 1", input_first)
    .with("input gate, later", input_later)
    .with("forget gate, later", forget_later)
}

/// Seeds on which `a` scores higher than `b` by `f`.
fn ahead(
    a: &[models::toymosi::SentimentScores],
    b: &[models::toymosi::SentimentScores],
    f: fn(&models::toymosi::SentimentScores) -> f64,
) -> usize {
    a.iter().zip(b).filter(|(x, y)| f(x) > f(y)).count()
}

fn best<'a>(cells: &[&'a Cell], f: impl Fn(&Cell) -> f64) -> Option<&'a Cell> {
    cells.iter().copied().max_by(|a, b| f(a).total_cmp(&f(b)))
}

fn winners(r: &Report, out: &mut Vec<Claim>) {
    let sequences: Vec<&Cell> = r.cells.iter().filter(|c| c.method.is_some()).collect();
    let Some(tfn) = r.cells.iter().find(|c| c.method.is_none()) else { return };
    let (Some(top), Some(top_sarcasm)) = (best(&sequences, Cell::acc2), best(&sequences, Cell::sarcasm_acc2))
    else {
        return;
    };
    let overall_holds = top.acc2() > tfn.acc2();
    out.push(
        Claim::observation(
            "sequences_against_tfn_overall",
            RESULTS,
            overall_holds,
            format!(
                "Over {} seeds the best multimodal LSTM on the whole test split is the {} (Acc-2 {}, MAE {}); TFN on \
                 the summaries scores {} and {}, and the LSTM is ahead in Acc-2 on {} of the {} seeds: {}",
                r.seeds.len(),
                top.name,
                num(top.acc2()),
                num(top.mae()),
                num(tfn.acc2()),
                num(tfn.mae()),
                ahead(&top.test, &tfn.test, |s| s.acc2),
                r.seeds.len(),
                if overall_holds {
                    "reading the words in order does better on average than the best model of the summaries."
                } else {
                    "the summaries with tensor fusion do as well or better on average, although the sequences carry \
                     strictly more information."
                }
            ),
        )
        .with("best LSTM Acc-2", top.acc2())
        .with("TFN Acc-2", tfn.acc2()),
    );
    let sarcasm_holds = top_sarcasm.sarcasm_acc2() > tfn.sarcasm_acc2();
    out.push(
        Claim::observation(
            "sequences_against_tfn_on_sarcasm",
            RESULTS,
            sarcasm_holds,
            format!(
                "On the sarcasm subset the best multimodal LSTM is the {} (Acc-2 {}), against TFN's {}, ahead on {} of \
                 the {} seeds: {}",
                top_sarcasm.name,
                num(top_sarcasm.sarcasm_acc2()),
                num(tfn.sarcasm_acc2()),
                ahead(&top_sarcasm.sarcasm, &tfn.sarcasm, |s| s.acc2),
                r.seeds.len(),
                if sarcasm_holds {
                    "consistent with SPEC appendix B: the word order carries when the eye-roll starts (after the \
                     first positive word), which the summaries average away."
                } else {
                    "the extra information in the word order does not pay off here."
                }
            ),
        )
        .with("best LSTM, sarcasm Acc-2", top_sarcasm.sarcasm_acc2())
        .with("TFN, sarcasm Acc-2", tfn.sarcasm_acc2()),
    );
    let late = sequences.iter().find(|c| c.method == Some(models::fusion::SeqFusion::Late));
    if let Some(late) = late {
        let others = sequences
            .iter()
            .filter(|c| c.method != late.method)
            .map(|c| c.mae())
            .fold(f64::INFINITY, f64::min);
        let holds = late.mae() > others;
        out.push(
            Claim::observation(
                "late_fusion_is_additive",
                RESULTS,
                holds,
                if holds {
                    format!(
                        "Late fusion has the highest MAE of the three ({} against {} for the better of the others): \
                         its linear head adds one number per modality, so, like concatenation with a linear head in \
                         chapter 7, it cannot multiply the text's polarity by the eye-roll and the voice.",
                        num(late.mae()),
                        num(others)
                    )
                } else {
                    format!(
                        "Late fusion's MAE ({}) is not the highest of the three (the better of the others: {}).",
                        num(late.mae()),
                        num(others)
                    )
                },
            )
            .with("late fusion MAE", late.mae())
            .with("best other MAE", others),
        );
    }
}

/// Every claim of the chapter, in page order.
pub fn claims(r: &Report) -> Vec<Claim> {
    let mut out: Vec<Claim> = [forgets(r), remembers(r)].into_iter().flatten().collect();
    out.push(gates(r));
    winners(r, &mut out);
    out
}
