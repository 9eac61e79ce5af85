//! The conclusions the page draws from the clip-art experiment (means over seeds).

use kit::Claim;
use kit::claims::num;

use crate::clipart::{ClipArtReport, IMAGE_LAYERS, JOINT, JOINT_NO_TEXT, LAYERS, TEXT_LAYERS};

const LAYERS_SECTION: &str = "which-layer-knows-the-class-best";
const TAGGING: &str = "tagging-words-for-a-picture";
const RETRIEVAL: &str = "cross-media-retrieval";

/// The layers a model learnt (everything but the two inputs).
fn learnt() -> impl Iterator<Item = &'static str> {
    LAYERS.iter().copied().filter(|l| !l.ends_with("input"))
}

/// Every clip-art conclusion, computed from the report.
pub fn claims(c: &ClipArtReport) -> Vec<Claim> {
    if c.seeds.is_empty() {
        return vec![];
    }
    let n = c.seeds.len();
    let acc = |l: &str| c.accuracy(l);
    let (joint, no_text, text_h1) = (acc(JOINT), acc(JOINT_NO_TEXT), acc(TEXT_LAYERS[1]));
    let (best_image, best_image_acc) = IMAGE_LAYERS
        .iter()
        .map(|&l| (l, acc(l)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap_or(("image input", f64::NAN));
    let holds = joint >= 0.34 && text_h1 >= 0.45 && joint > best_image_acc && no_text >= 0.28;
    let mut out = vec![
        Claim::required(
            "clipart_layers",
            LAYERS_SECTION,
            holds,
            format!(
                "Averaged over {n} seeds, the joint layer classifies {} of the test pictures with their titles (bar \
                 0.34), {} the best image layer ({best_image}: {}); with the title missing and filled in by \
                 mean-field it gives {} (bar 0.28), and the title pathway's first layer gives {} (bar 0.45).",
                num(joint),
                if joint > best_image_acc { "above" } else { "not above" },
                num(best_image_acc),
                num(no_text),
                num(text_h1)
            ),
        )
        .with("joint", joint)
        .with("joint, text missing", no_text)
        .with("best image layer", best_image_acc)
        .with("text h1", text_h1),
    ];
    // The lecture's claim: the joint layer is the most accurate of all.
    let (best_other, best_other_acc) = LAYERS
        .iter()
        .filter(|l| !l.starts_with("joint"))
        .map(|&l| (l, acc(l)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap_or(("text input", f64::NAN));
    let (best_learnt, best_learnt_acc) = learnt()
        .filter(|l| !l.starts_with("joint"))
        .map(|l| (l, acc(l)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap_or(("text h1", f64::NAN));
    let joint_runs = c.accuracies(JOINT);
    let beaten = c.accuracies(best_learnt).iter().zip(&joint_runs).filter(|(b, j)| b > j).count();
    let most = joint > best_other_acc;
    out.push(
        Claim::observation(
            "clipart_joint_most_accurate",
            LAYERS_SECTION,
            most,
            format!(
                "The lecture's claim, that the joint layer is the most accurate representation, {} on clip art: the \
                 joint layer gives {}, the best single-modality layer ({best_other}) {}. The best learnt \
                 single-modality layer, {best_learnt} ({}), beats the joint layer on {beaten} of {n} seeds.",
                if most { "holds" } else { "does not hold" },
                num(joint),
                num(best_other_acc),
                num(best_learnt_acc)
            ),
        )
        .with("joint", joint)
        .with("best single-modality layer", best_other_acc)
        .with("seeds where the best learnt layer beats the joint", beaten as f64),
    );
    let words = acc(TEXT_LAYERS[0]);
    let (top_learnt, top_learnt_acc) =
        learnt().map(|l| (l, acc(l))).max_by(|a, b| a.1.total_cmp(&b.1)).unwrap_or(("joint", f64::NAN));
    let below = top_learnt_acc < words;
    out.push(
        Claim::observation(
            "learnt_layers_below_title_words",
            LAYERS_SECTION,
            below,
            format!(
                "Softmax regression on which title words are present gives {}; the best learnt layer, {top_learnt}, \
                 gives {}{}",
                num(words),
                num(top_learnt_acc),
                if below {
                    ": every layer the RBMs learnt knows the class less well than the words they were given. An RBM \
                     learns to model its inputs, not to keep what separates the classes, and a title of one or two \
                     words has little structure for it to model."
                } else {
                    ": a learnt layer beats the raw words here."
                }
            ),
        )
        .with("title words", words)
        .with("best learnt layer", top_learnt_acc),
    );
    let t = |f: fn(&crate::Tagging) -> f64| c.mean(|s| f(&s.tagging));
    let (model, frequency, neighbours) = (t(|x| x.model), t(|x| x.frequency), t(|x| x.neighbours));
    out.push(
        Claim::observation(
            "tagging_against_baselines",
            TAGGING,
            model > frequency,
            format!(
                "Precision@5 of the words the model fills in from the picture alone is {}, against {} for always \
                 suggesting the five commonest title words and {} for the words of the {} nearest training \
                 pictures' titles: the model {} word frequency and {} the nearest pictures.",
                num(model),
                num(frequency),
                num(neighbours),
                c.neighbours,
                if model > frequency { "beats" } else { "does not beat" },
                if model > neighbours { "beats" } else { "loses to" }
            ),
        )
        .with("model", model)
        .with("word frequency", frequency)
        .with("nearest pictures' titles", neighbours),
    );
    let r = |f: fn(&crate::Retrieval) -> f64| c.mean(|s| f(&s.retrieval));
    let (i2t, t2i, chance, pixels) =
        (r(|x| x.image_to_text), r(|x| x.text_to_image), r(|x| x.chance), r(|x| x.pixel_neighbours));
    out.push(
        Claim::required(
            "clipart_retrieval",
            RETRIEVAL,
            i2t > chance + 0.02,
            format!(
                "Pictures fetching titles through the joint layer reach mean average precision {} by class, against \
                 {} for a random ranking (bar: chance + 0.02) and {} for ranking titles by the words of the nearest \
                 training pictures' titles{}",
                num(i2t),
                num(chance),
                num(pixels),
                match (i2t > chance + 0.02, pixels > i2t) {
                    (true, true) => ": the joint layer retrieves better than chance, and worse than a nearest-neighbour lookup.",
                    (true, false) => ": the joint layer retrieves better than chance, and better than the lookup.",
                    (false, true) => ": the joint layer is within 0.02 of chance, and a nearest-neighbour lookup does better.",
                    (false, false) => ": the joint layer is within 0.02 of chance.",
                }
            ),
        )
        .with("image to text", i2t)
        .with("chance", chance)
        .with("pixel neighbours", pixels),
    );
    // Symmetric: neither direction wins on every seed.
    let ahead = c.seeds.iter().filter(|s| s.retrieval.image_to_text > s.retrieval.text_to_image).count();
    let symmetric = t2i > chance + 0.02 && ahead > 0 && ahead < n;
    out.push(
        Claim::observation(
            "retrieval_both_ways",
            RETRIEVAL,
            symmetric,
            format!(
                "The other way round, titles fetching pictures, the mean average precision is {} (pictures fetching \
                 titles: {}); pictures fetching titles does better on {ahead} of {n} seeds{}",
                num(t2i),
                num(i2t),
                if symmetric {
                    ": neither direction wins consistently, the symmetry the lecture reports."
                } else if ahead == 0 || ahead == n {
                    ": one direction wins on every seed, so the symmetry the lecture reports does not hold here."
                } else {
                    ": titles fetching pictures is within 0.02 of chance, so the symmetry does not hold here."
                }
            ),
        )
        .with("text to image", t2i)
        .with("image to text", i2t)
        .with("seeds where pictures fetching titles wins", ahead as f64),
    );
    out
}
