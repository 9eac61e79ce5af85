//! The conclusions the page draws, computed from the report.

use kit::Claim;
use kit::claims::num;
use models::fusion::Method;
use models::toymosi::within_tolerance;

use crate::{Cell, Report};

const VS: &str = "tensor-fusion-against-chapter-7s-methods";
const BLOCKS: &str = "which-blocks-the-label-needs";
const WORLD: &str = "an-additive-world";
const SIZE: &str = "the-price-the-tensor-grows-exponentially";

/// SPEC 8.1 / 8.2: TFN on T+A+V, Acc-2 % and its sd, MAE.
pub const REFERENCE_TFN: (f64, f64, f64) = (86.2, 1.0, 0.581);

/// Paired differences over seeds of `b` minus `a`: (mean Acc-2 points, seeds where b
/// is ahead, mean MAE change).
fn paired(a: &Cell, b: &Cell) -> (f64, usize, f64) {
    let d: Vec<(f64, f64)> = a
        .runs
        .iter()
        .zip(&b.runs)
        .map(|(x, y)| (100.0 * (y.test.acc2 - x.test.acc2), y.test.mae - x.test.mae))
        .collect();
    let n = d.len().max(1) as f64;
    (
        d.iter().map(|p| p.0).sum::<f64>() / n,
        d.iter().filter(|p| p.0 > 0.0).count(),
        d.iter().map(|p| p.1).sum::<f64>() / n,
    )
}

/// Every conclusion the page draws.
pub fn claims(r: &Report) -> Vec<Claim> {
    let mut out = Vec::new();
    let n = r.seeds.len();
    let tav = |m| r.cell("T+A+V", m, 1.0);
    if let (Some(lin), Some(tfn), Some(mlp)) =
        (tav(Method::ConcatLinear), tav(Method::Tfn), tav(Method::ConcatMlp))
    {
        let (gain, ahead, mae) = paired(lin, tfn);
        out.push(
            Claim::required(
                "tfn_beats_concatenation",
                VS,
                gain >= 3.0 && ahead * 5 >= 4 * n,
                format!(
                    "On T+A+V, paired over {n} seeds, TFN is ahead of concat + linear by {} Acc-2 points (bar 3), on \
                     {ahead} of {n} seeds (bar: 4 of 5), and changes MAE by {}.",
                    num(gain),
                    num(mae)
                ),
            )
            .with("Acc-2 gain", gain)
            .with("seeds ahead", ahead as f64)
            .with("MAE change", mae),
        );
        let (a, a_sd) = tfn.stat(|x| 100.0 * x.test.acc2);
        let (m, m_sd) = tfn.stat(|x| x.test.mae);
        let (ra, _, rm) = REFERENCE_TFN;
        let within = within_tolerance((a, m), (a_sd, m_sd), (ra, rm));
        out.push(
            Claim::required(
                "tfn_matches_reference",
                VS,
                within,
                format!(
                    "TFN on T+A+V reaches Acc-2 {} and MAE {} against the reference's {ra} and {rm} (bar: within 2.5 \
                     points and 0.04, or two of our across-seed standard deviations, {} and {}).",
                    num(a),
                    num(m),
                    num(a_sd),
                    num(m_sd)
                ),
            )
            .with("Acc-2", a)
            .with("MAE", m),
        );
        let (g, ahead_mlp, dm) = paired(mlp, tfn);
        out.push(
            Claim::observation(
                "tfn_vs_mlp",
                VS,
                g > 0.0 && dm < 0.0,
                format!(
                    "Against concat + MLP, which can learn products but is not given them, TFN is {} Acc-2 points \
                     {} (ahead on {ahead_mlp} of {n} seeds) and changes MAE by {}.",
                    num(g.abs()),
                    if g > 0.0 { "ahead" } else { "behind" },
                    num(dm)
                ),
            )
            .with("Acc-2 gain", g)
            .with("MAE change", dm),
        );
        let inside = |c: &Cell| c.stat(|x| 100.0 * x.sarcasm.map_or(f64::NAN, |s| s.0.acc2)).0;
        out.push(
            Claim::observation(
                "tfn_on_the_sarcasm_subset",
                VS,
                inside(tfn) >= inside(lin) + 10.0,
                format!(
                    "On the utterances with an eye-roll on positive words, TFN gets Acc-2 {}, concat + MLP {}, concat + \
                     linear {}{}",
                    num(inside(tfn)),
                    num(inside(mlp)),
                    num(inside(lin)),
                    if inside(tfn) >= inside(lin) + 10.0 {
                        ": where the label needs a product of the modalities, the methods part."
                    } else {
                        "."
                    }
                ),
            )
            .with("TFN", inside(tfn))
            .with("concat + linear", inside(lin)),
        );
    }
    if let (Some(b1), Some(b2), Some(b3)) = (r.blocks(1), r.blocks(2), r.blocks(3)) {
        let (a1, a2, a3) = (b1.acc2(), b2.acc2(), b3.acc2());
        let (m1, m2, m3) = (b1.mae(), b2.mae(), b3.mae());
        let lin = tav(Method::ConcatLinear).map_or(f64::NAN, Cell::acc2);
        let bimodal = a2 - a1 >= 2.0 && m2 < m1;
        out.push(
            Claim::observation(
                "bimodal_blocks_carry_the_gain",
                BLOCKS,
                bimodal,
                format!(
                    "With a linear head and only the tensor's constant and unimodal blocks, TFN is an additive model: \
                     Acc-2 {} and MAE {} (concat + linear: {}). Adding the bimodal blocks gives {} and {}{}",
                    num(a1),
                    num(m1),
                    num(lin),
                    num(a2),
                    num(m2),
                    if bimodal {
                        ": the pairwise products carry the gain, the eye-roll on positive words (text x video) first."
                    } else {
                        "."
                    }
                ),
            )
            .with("unimodal blocks", a1)
            .with("up to bimodal", a2),
        );
        let trimodal = m3 < m2;
        out.push(
            Claim::observation(
                "trimodal_block",
                BLOCKS,
                trimodal,
                format!(
                    "With the trimodal block too (the whole tensor), Acc-2 {} and MAE {}: {}",
                    num(a3),
                    num(m3),
                    if trimodal {
                        "the three-way product lowers the error further, as the label's trimodal term (prosody \
                         deciding whether an eye-roll reverses or only dampens) needs it."
                            .to_string()
                    } else {
                        format!(
                            "no lower error than without it here, though the label has a trimodal term; with a linear \
                             head the trimodal entries are {} more weights to fit from {} training utterances.",
                            models::fusion::entry_orders(&[models::fusion::PROJECTION; 3])
                                .iter()
                                .filter(|&&o| o == 3)
                                .count(),
                            r.training
                        )
                    }
                ),
            )
            .with("all blocks", a3)
            .with("MAE, all blocks", m3)
            .with("MAE, up to bimodal", m2),
        );
    }
    if let (Some(lin0), Some(tfn0)) =
        (r.cell("T+A+V", Method::ConcatLinear, 0.0), r.cell("T+A+V", Method::Tfn, 0.0))
    {
        let holds = lin0.acc2() >= tfn0.acc2() - 0.5 && lin0.mae() <= tfn0.mae();
        out.push(
            Claim::required(
                "additive_world_favours_the_linear_model",
                WORLD,
                holds,
                format!(
                    "With the interactions switched off (lambda_int = 0) concat + linear gets Acc-2 {} and MAE {}, TFN \
                     {} and {} (bar: the linear model within 0.5 points or ahead, and no worse in MAE){}",
                    num(lin0.acc2()),
                    num(lin0.mae()),
                    num(tfn0.acc2()),
                    num(tfn0.mae()),
                    if holds {
                        format!(
                            ": the label is then a sum of one term per modality, which a linear model of {} \
                             parameters can represent; TFN's {} can only add variance. Its advantage at lambda_int = 1 exists because the label \
                             multiplies the modalities.",
                            lin0.parameters, tfn0.parameters
                        )
                    } else {
                        ".".to_string()
                    }
                ),
            )
            .with("linear Acc-2", lin0.acc2())
            .with("TFN Acc-2", tfn0.acc2())
            .with("linear MAE", lin0.mae())
            .with("TFN MAE", tfn0.mae()),
        );
    }
    if let (Some(small), Some(big)) = (r.sizes.first(), r.sizes.last()) {
        out.push(
            Claim::observation(
                "the_tensor_grows_exponentially",
                SIZE,
                big.tensor > 1000 * small.tensor,
                format!(
                    "The tensor has (d + 1)^M entries: {} for {} modalities of {}, {} for {} of {}, where the \
                     concatenation has {} and {} numbers; TFN's first head layer alone would need {} parameters.",
                    small.tensor,
                    small.modalities,
                    small.width,
                    big.tensor,
                    big.modalities,
                    big.width,
                    small.concat,
                    big.concat,
                    big.head
                ),
            )
            .with("smallest tensor", small.tensor as f64)
            .with("largest tensor", big.tensor as f64),
        );
    }
    out
}
