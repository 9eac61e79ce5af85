//! The two designs' diagram against the models' weights: every size it prints is read
//! from a parameter's shape, for the chapter's configuration and for other widths, so
//! a change of the models that the diagram misses fails here.

use ch03_joint_coordinated::diagram::{joint_and_coordinated, untrained};
use ch03_joint_coordinated::{Config, Coordinated};
use kit::diagram::Diagram;
use models::Mlp;

/// Checks every size the diagram prints against the two models' parameters.
fn check(d: &Diagram, joint: &Mlp, coordinated: &Coordinated) {
    let shape = |l: &models::Linear| l.weight.shape().to_vec();
    let mut expected: Vec<(String, Vec<usize>)> = Vec::new();
    let mut inputs = 0;
    for (name, encoder, head) in [
        ("image", &coordinated.image, &coordinated.image_head),
        ("audio", &coordinated.audio, &coordinated.audio_head),
    ] {
        let (first, second, head) = (shape(&encoder.layers[0]), shape(&encoder.layers[1]), shape(head));
        assert_eq!(encoder.layers.len(), 2);
        assert_eq!(first[1], second[0], "the encoder's layers chain");
        assert_eq!(second[1], head[0], "the head reads the code");
        expected.push((format!("{name}_input"), vec![first[0]]));
        expected.push((format!("{name}_hidden"), vec![first[1]]));
        expected.push((format!("{name}_code"), vec![second[1]]));
        expected.push((format!("{name}_head"), vec![head[1]]));
        expected.push((format!("joint_{}", if name == "image" { "x" } else { "y" }), vec![first[0]]));
        inputs += first[0];
    }
    let layers: Vec<Vec<usize>> = joint.layers.iter().map(shape).collect();
    assert_eq!(layers.len(), 3);
    assert_eq!(layers[0][0], inputs, "the joint model reads the concatenation");
    assert!(layers.windows(2).all(|w| w[0][1] == w[1][0]), "the joint model's layers chain");
    expected.push(("joint_concat".into(), vec![layers[0][0]]));
    expected.push(("joint_hidden".into(), vec![layers[0][1]]));
    expected.push(("joint_code".into(), vec![layers[1][1]]));
    expected.push(("joint_head".into(), vec![layers[2][1]]));

    d.check_dims(&expected).unwrap();
    d.svg().expect("the diagram draws, within the book's column");
}

#[test]
fn the_chapters_models_are_drawn_with_their_own_sizes() {
    let cfg = Config::default();
    let av = ch03_joint_coordinated::Av::load(&cfg.data, cfg.variant).unwrap();
    let (joint, coordinated) = untrained(av.audio_width(), &cfg);
    let d = joint_and_coordinated(&joint, &coordinated);
    check(&d, &joint, &coordinated);
    assert_eq!(d.dims("audio_input"), Some(&[av.audio_width()][..]), "the data's spectrogram cells");
    assert_eq!(d.dims("joint_code"), Some(&[cfg.code][..]));
    assert_eq!(d.dims("image_hidden"), Some(&[cfg.hidden][..]));
}

#[test]
fn other_widths_redraw_both_models() {
    let cfg = Config { hidden: 48, code: 12, ..Config::default() };
    let (joint, coordinated) = untrained(150, &cfg);
    let d = joint_and_coordinated(&joint, &coordinated);
    check(&d, &joint, &coordinated);
    assert_eq!(d.dims("audio_input"), Some(&[150][..]));
    assert_eq!(d.dims("joint_hidden"), Some(&[48][..]));
    assert_eq!(d.dims("audio_code"), Some(&[12][..]));
    assert_eq!(d.dims("joint_concat"), Some(&[64 + 150][..]));
}

#[test]
#[should_panic(expected = "concatenated")]
fn a_joint_model_that_does_not_read_both_inputs_is_refused() {
    let cfg = Config::default();
    let (_, coordinated) = untrained(400, &cfg);
    let (joint, _) = untrained(300, &cfg);
    joint_and_coordinated(&joint, &coordinated);
}
