//! The side-by-side claims: the four desiderata measured on the joint and the
//! coordinated designs, with the lecture's verdict on coordinated retrieval.

use kit::Claim;
use kit::claims::{Missing, need, num};
use kit::compare::ACCURACY;

use crate::claims::{P10, SIDE, lambda, over_seeds, row, top_lambda};
use crate::{Alignment, Pairing, Report, SeedRun};

pub(crate) fn side_claims(r: &Report) -> Vec<Claim> {
    let mut out = Vec::new();
    let top = match need(top_lambda(r), "a coordinated model (the sweep's λs are empty)") {
        Ok(top) => top,
        Err(missing) => return not_computed(&missing),
    };
    let strong = |s: &SeedRun| row(s, Alignment::Margin, top, Pairing::Fresh).cloned();
    let name = format!("the margin loss at λ = {} on the first seed (the run trains it)", lambda(top));
    let seed0 = match need(r.seeds.first().and_then(strong), name) {
        Ok(seed0) => seed0,
        Err(missing) => return not_computed(&missing),
    };
    let j = &r.joint;
    if let Some(c) = over_seeds(
        r,
        "the coordinated model",
        |s| Some(strong(s)?.measured.p10),
        "the joint model",
        |s| Some(s.joint.measured.p10),
        P10,
    ) {
        out.push(
            Claim::lecture(
                "coordinated_retrieves",
                SIDE,
                "coordinated_retrieves",
                &format!(
                    "cross-modal precision@10 of coordinated codes (margin, λ = {}, each from its own input) against \
                     the joint model's codes with the other input zeroed, over {} seeds: ahead on every seed",
                    lambda(top),
                    c.seeds()
                ),
                c.verdict_a_better(),
                format!("Over {} seeds, {} in retrieving the other modality.", c.seeds(), c.sentence()),
            )
            .with("coordinated P@10", seed0.measured.p10)
            .with("joint P@10", j.measured.p10)
            .with_comparison(&c),
        );
    }
    if let Some(c) = over_seeds(
        r,
        "the joint model",
        |s| Some(s.joint.both),
        "the coordinated heads averaged",
        |s| Some(strong(s)?.both_heads_accuracy),
        ACCURACY,
    ) {
        out.push(
            Claim::finding(
                "joint_fuses_better",
                SIDE,
                format!(
                    "With both inputs, the joint model gets {}; the coordinated model (margin, λ = {}) {} with its \
                     two classifiers' probabilities averaged, the simplest late fusion (chapter 4 has better rules). \
                     Over {} seeds, {}.",
                    num(j.both),
                    lambda(top),
                    num(seed0.both_heads_accuracy),
                    c.seeds(),
                    c.sentence()
                ),
            )
            .with("joint, both", j.both)
            .with("coordinated heads averaged", seed0.both_heads_accuracy)
            .with_comparison(&c),
        );
    }
    let image = over_seeds(
        r,
        "the coordinated image head",
        |s| Some(strong(s)?.image_head_accuracy),
        "the joint model",
        |s| Some(s.joint.image_only),
        ACCURACY,
    );
    let audio = over_seeds(
        r,
        "the coordinated audio head",
        |s| Some(strong(s)?.audio_head_accuracy),
        "the joint model",
        |s| Some(s.joint.audio_only),
        ACCURACY,
    );
    if let (Some(image), Some(audio)) = (image, audio) {
        out.push(
            Claim::finding(
                "missing_modality",
                SIDE,
                format!(
                    "With one input missing (column 3), over {} seeds, {}; {}.",
                    image.seeds(),
                    image.sentence(),
                    audio.sentence()
                ),
            )
            .with_comparison(&image)
            .with_comparison(&audio),
        );
    }
    out
}

/// The side-by-side claims, each named as not computed for want of `missing`.
fn not_computed(missing: &Missing) -> Vec<Claim> {
    ["coordinated_retrieves", "joint_fuses_better", "missing_modality"]
        .iter()
        .map(|id| Claim::not_computed(id, SIDE, missing))
        .collect()
}
