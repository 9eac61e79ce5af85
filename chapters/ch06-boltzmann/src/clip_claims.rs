//! The conclusions the page draws from the clip-art experiment (over seeds).

use kit::Claim;
use kit::claims::num;
use kit::compare::{Metric, Outcome, compare};

use crate::clipart::{
    ClipArtReport, IMAGE_LAYERS, JOINT, JOINT_NO_IMAGE, JOINT_NO_TEXT, LAYERS, TEXT_LAYERS,
};

const LAYERS_SECTION: &str = crate::dbm_claims::CLIP_LAYERS;
const TAGGING: &str = "deep.md#tagging-words-for-a-picture";
const RETRIEVAL: &str = crate::dbm_claims::RETRIEVAL;

const P5: Metric = Metric::higher("precision@5", "");
const MAP: Metric = Metric::higher("mean average precision", "");
const ACC: Metric = kit::compare::ACCURACY;

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
    let vs_image =
        compare("the joint layer", &c.accuracies(JOINT), best_image, &c.accuracies(best_image), ACC);
    let mut out = vec![
        Claim::bar(
            "clipart_layers",
            LAYERS_SECTION,
            holds,
            "means over seeds: the joint layer at least 0.34 and above the best image layer, with the title filled \
             in at least 0.28, the title pathway's first layer at least 0.45; from the chapter's reference run",
            format!(
                "Averaged over {n} seeds, the joint layer classifies {} of the test pictures with their titles and \
                 the best image layer ({best_image}) {}: {}. With the title missing and filled in by mean-field the \
                 joint layer gives {}; the title pathway's first layer gives {}.",
                num(joint),
                num(best_image_acc),
                vs_image.sentence(),
                num(no_text),
                num(text_h1)
            ),
        )
        .with("joint", joint)
        .with("joint, text missing", no_text)
        .with("best image layer", best_image_acc)
        .with("text h1", text_h1)
        .with_comparison(&vs_image),
    ];
    let single: Vec<&str> = LAYERS.iter().copied().filter(|l| !l.starts_with("joint")).collect();
    out.extend(crate::claims::joint_layer_claim(
        "joint_layer_best_clipart",
        LAYERS_SECTION,
        "clip art, for the DBN",
        JOINT,
        &single,
        |l| c.accuracies(l),
    ));
    // What each pathway's first learnt layer does with its input.
    let step = |layers: [&str; 2]| {
        compare(layers[1], &c.accuracies(layers[1]), layers[0], &c.accuracies(layers[0]), ACC)
    };
    let (image_step, text_step) =
        (step([IMAGE_LAYERS[0], IMAGE_LAYERS[1]]), step([TEXT_LAYERS[0], TEXT_LAYERS[1]]));
    out.push(
        Claim::finding(
            "first_layers_against_inputs",
            LAYERS_SECTION,
            format!(
                "{}: {}; {}.",
                if image_step.outcome != text_step.outcome
                    && image_step.outcome != Outcome::Indistinguishable
                    && text_step.outcome != Outcome::Indistinguishable
                {
                    "The two pathways' first RBMs do opposite things to what their inputs say of the class"
                } else {
                    "What the two pathways' first RBMs do to what their inputs say of the class"
                },
                image_step.sentence(),
                text_step.sentence()
            ),
        )
        .with_comparison(&image_step)
        .with_comparison(&text_step),
    );
    // What the joint layer keeps of the title pathway's top layer, and what the picture adds to it.
    let joint_acc = c.accuracies(JOINT);
    let from_text =
        compare(TEXT_LAYERS[2], &c.accuracies(TEXT_LAYERS[2]), "the joint layer", &joint_acc, ACC);
    let picture = compare(
        "the joint layer",
        &joint_acc,
        "the joint layer without the picture",
        &c.accuracies(JOINT_NO_IMAGE),
        ACC,
    );
    out.push(
        Claim::finding(
            "joint_against_its_text_input",
            LAYERS_SECTION,
            format!(
                "The joint layer against what its two inputs bring: {}; {}{}",
                from_text.sentence(),
                picture.sentence(),
                if from_text.outcome == Outcome::AAhead && picture.outcome != Outcome::AAhead {
                    ". The joint layer keeps less of the class than the title pathway hands it, and on these seeds \
                     the picture does not make up for it."
                } else {
                    "."
                }
            ),
        )
        .with_comparison(&from_text)
        .with_comparison(&picture),
    );
    let per = |f: fn(&crate::Tagging) -> f64| -> Vec<f64> { c.seeds.iter().map(|s| f(&s.tagging)).collect() };
    let (model, frequency, neighbours) = (per(|x| x.model), per(|x| x.frequency), per(|x| x.neighbours));
    let vs_freq = compare("the model", &model, "word frequency", &frequency, P5);
    let vs_near = compare("the model", &model, "the nearest-pictures baseline", &neighbours, P5);
    out.push(
        Claim::finding(
            "tagging_against_baselines",
            TAGGING,
            format!(
                "Against always suggesting the five commonest title words, {}. {}. {}",
                vs_freq.sentence(),
                {
                    let s = vs_near.sentence();
                    let mut chars = s.chars();
                    chars
                        .next()
                        .map_or(String::new(), |f| f.to_uppercase().collect::<String>() + chars.as_str())
                },
                {
                    let range = |f: fn(&crate::Tagging) -> usize| {
                        let v: Vec<usize> = c.seeds.iter().map(|s| f(&s.tagging)).collect();
                        let (lo, hi) = (v.iter().min().copied().unwrap_or(0), v.iter().max().copied().unwrap_or(0));
                        (lo, hi, if lo == hi { lo.to_string() } else { format!("{lo} to {hi}") })
                    };
                    let (_, _, model) = range(|t| t.model_distinct);
                    let (_, _, near) = range(|t| t.neighbours_distinct);
                    let fewer = c.seeds.iter().all(|s| s.tagging.model_distinct < s.tagging.neighbours_distinct);
                    format!(
                        "Between them, the model's three best words for a seed's scored pictures are {model} distinct \
                         words, the nearest pictures' {near}{}",
                        if fewer {
                            ": fewer on every seed, so the model repeats the same words from picture to picture \
                             more than the neighbours do (Figure 6.8)."
                        } else {
                            "."
                        }
                    )
                }
            ),
        )
        .with("distinct words in the model's lists, first seed", c.seeds[0].tagging.model_distinct as f64)
        .with("distinct words in the nearest pictures' lists, first seed", c.seeds[0].tagging.neighbours_distinct as f64)
        .with_comparison(&vs_freq)
        .with_comparison(&vs_near),
    );
    let per =
        |f: fn(&crate::Retrieval) -> f64| -> Vec<f64> { c.seeds.iter().map(|s| f(&s.retrieval)).collect() };
    let (i2t, t2i, chance, pixels) =
        (per(|x| x.image_to_text), per(|x| x.text_to_image), per(|x| x.chance), per(|x| x.pixel_neighbours));
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let above = mean(&i2t) > mean(&chance) + 0.02;
    let vs_pixels =
        compare("pictures fetching titles through the joint layer", &i2t, "the lookup", &pixels, MAP);
    out.push(
        Claim::bar(
            "clipart_retrieval",
            RETRIEVAL,
            above,
            "mean average precision of pictures fetching titles at least 0.02 above chance, mean over seeds",
            format!(
                "Pictures fetching titles through the joint layer reach mean average precision {} by class, against \
                 {} for a random ranking; against ranking titles by the words of the nearest training pictures' \
                 titles, {}.",
                num(mean(&i2t)),
                num(mean(&chance)),
                vs_pixels.sentence()
            ),
        )
        .with("image to text", mean(&i2t))
        .with("chance", mean(&chance))
        .with_comparison(&vs_pixels),
    );
    let both = compare("pictures fetching titles", &i2t, "titles fetching pictures", &t2i, MAP);
    out.push(
        Claim::finding(
            "retrieval_both_ways",
            RETRIEVAL,
            format!(
                "The other way round, titles fetching pictures reach {} ({} chance; pictures fetching titles: {}): {}.",
                num(mean(&t2i)),
                kit::claims::times(mean(&t2i) / mean(&chance)),
                kit::claims::times(mean(&i2t) / mean(&chance)),
                both.sentence()
            ),
        )
        .with_comparison(&both),
    );
    // The lecture's uses: tagging beats word frequency and retrieval beats chance, both ways.
    let i2t_chance = compare("pictures fetching titles", &i2t, "chance", &chance, MAP);
    let t2i_chance = compare("titles fetching pictures", &t2i, "chance", &chance, MAP);
    let verdict = crate::claims::all_ahead(&[&vs_freq, &i2t_chance, &t2i_chance], n);
    out.push(
        Claim::lecture(
            "tagging_and_retrieval",
            RETRIEVAL,
            "dbm_tagging_retrieval",
            "the clip-art DBN put to both uses: its tagging ahead of suggesting the commonest words, and \
             its retrieval ahead of chance both ways, on every seed",
            verdict,
            format!(
                "Tagging: {}. Retrieval: {}; {}.",
                vs_freq.sentence(),
                i2t_chance.sentence(),
                t2i_chance.sentence()
            ),
        )
        .with_comparison(&vs_freq)
        .with_comparison(&i2t_chance)
        .with_comparison(&t2i_chance),
    );
    out
}
