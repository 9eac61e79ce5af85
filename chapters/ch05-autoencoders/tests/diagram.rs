//! The bimodal autoencoder's diagram against the model's weights: every size it prints,
//! in each of the three copies, is read from a parameter's shape, for the chapter's
//! model and for one of other widths, so a change of the model that the diagram misses
//! fails here.

use ch05_autoencoders::diagram::{CONDITIONS, bimodal, id, untrained};
use ch05_autoencoders::{Bimodal, Config, Present};
use kit::diagram::{Diagram, Look};
use models::data::{Av, AvVariant};

/// Checks every size the diagram prints against `model`'s parameters, that the zeroed
/// input of each condition (and only it) is drawn zeroed, and writes the drawing where
/// a reader of the test can look at it.
fn check(d: &Diagram, model: &Bimodal, name: &str) {
    let shapes = |m: &models::Mlp| m.layers.iter().map(|l| l.weight.shape().to_vec()).collect::<Vec<_>>();
    let (ie, ae) = (shapes(model.image_encoder()), shapes(model.audio_encoder()));
    let (idec, adec) = (shapes(model.image_decoder()), shapes(model.audio_decoder()));
    let (shared, unshared) = (model.shared().weight.shape(), model.unshared().weight.shape());
    // The weights agree with each other where the diagram shows one size for two.
    assert_eq!(shared[0], ie.last().unwrap()[1] + ae.last().unwrap()[1], "the code reads both encoders");
    assert_eq!(unshared[0], shared[1], "the unshared layer reads the code");
    assert_eq!((idec[0][0] + adec[0][0], idec[0][0]), (unshared[1], adec[0][0]), "two equal halves");
    assert_eq!((idec.last().unwrap()[1], adec.last().unwrap()[1]), (ie[0][0], ae[0][0]), "both rebuilt");

    let mut expected: Vec<(String, Vec<usize>)> = Vec::new();
    for c in CONDITIONS {
        let mut push = |part: String, n: usize| expected.push((id(c, &part), vec![n]));
        push("x_v".into(), ie[0][0]);
        push("x_a".into(), ae[0][0]);
        for (r, (v, a)) in ie.iter().zip(&ae).enumerate() {
            push(format!("enc_v{r}"), v[1]);
            push(format!("enc_a{r}"), a[1]);
        }
        push("code".into(), shared[1]);
        push("half_v".into(), unshared[1] / 2);
        push("half_a".into(), unshared[1] / 2);
        for (r, (v, a)) in idec.iter().zip(&adec).enumerate() {
            let last = r + 1 == idec.len();
            push(if last { "out_v".into() } else { format!("dec_v{r}") }, v[1]);
            push(if last { "out_a".into() } else { format!("dec_a{r}") }, a[1]);
        }
        let zeroed = |part: &str| d.node(&id(c, part)).unwrap().look == Look::Zeroed;
        assert_eq!(
            (zeroed("x_v"), zeroed("x_a")),
            (c == Present::AudioOnly, c == Present::ImageOnly),
            "{c:?}: the missing input is drawn zeroed"
        );
    }
    d.check_dims(&expected).unwrap();
    d.write(&std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(name))
        .expect("the diagram draws, within the book's column");
}

#[test]
fn the_chapters_model_is_drawn_with_its_own_sizes() {
    let cfg = Config::default();
    let av = Av::load(&cfg.data, AvVariant::Noisy).unwrap();
    let model = untrained(av.audio_width(), &cfg);
    assert_eq!(model.shared().weight.shape()[1], cfg.code);
    check(&bimodal(&model), &model, "ch05-diagram-bimodal.svg");
}

#[test]
fn a_model_of_other_widths_is_drawn_with_those() {
    let cfg = Config { hidden: 40, code: 6, ..Config::default() };
    let model = untrained(30, &cfg);
    let d = bimodal(&model);
    check(&d, &model, "ch05-diagram-bimodal-other.svg");
    let svg = d.svg().unwrap();
    for text in [">40<", ">20<", ">6<", ">30<"] {
        assert!(svg.contains(text), "{text} is not drawn");
    }
}
