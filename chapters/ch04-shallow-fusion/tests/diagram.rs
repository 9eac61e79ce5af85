//! The fusion diagram against the models' weights: every size it prints is read from a
//! parameter's shape, for the chapter's models on the AV digits and for models of other
//! widths, so a change of the models that the diagram misses fails here.

use ch04_shallow_fusion::Config;
use ch04_shallow_fusion::diagram::{Fusion, fusion};
use kit::diagram::Diagram;
use models::data::{Av, AvVariant};

/// Checks every size the diagram prints against the weights of `m`, and writes the
/// drawing where a reader of the test can look at it.
fn check(d: &Diagram, m: &Fusion, name: &str) {
    let (early, image, audio, gate) =
        (m.early.weight.shape(), m.image.weight.shape(), m.audio.weight.shape(), m.gate.weight.shape());
    // The weights agree where the diagram shows one size for two.
    assert_eq!(early[0], image[0] + audio[0], "the concatenation is the image's numbers, then the audio's");
    assert_eq!((early[1], image[1]), (audio[1], audio[1]), "every classifier scores the same classes");
    assert_eq!(gate[1], 1, "the gate gives one weight per pair");
    assert_eq!(m.gate.bias.shape(), [1]);
    let expected: Vec<(String, Vec<usize>)> = vec![
        ("e_image".into(), vec![image[0]]),
        ("e_audio".into(), vec![audio[0]]),
        ("concat".into(), vec![early[0]]),
        ("e_w".into(), early.to_vec()),
        ("e_p".into(), vec![early[1]]),
        ("l_image".into(), vec![image[0]]),
        ("l_audio".into(), vec![audio[0]]),
        ("rel".into(), vec![gate[0]]),
        ("w_image".into(), image.to_vec()),
        ("w_audio".into(), audio.to_vec()),
        ("gate".into(), gate.to_vec()),
        ("p_image".into(), vec![image[1]]),
        ("p_audio".into(), vec![audio[1]]),
        ("w".into(), vec![gate[1]]),
        ("s".into(), vec![image[1]]),
    ];
    d.check_dims(&expected).unwrap();
    d.write(&std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(name))
        .expect("the diagram draws, within the book's column");
}

#[test]
fn the_chapters_models_are_drawn_with_their_own_sizes() {
    let av = Av::load(&Config::default().data, AvVariant::Noisy).unwrap();
    let m = Fusion::for_data(&av);
    assert_eq!(m.image.weight.shape()[0], 64, "the image is 8 x 8 pixels");
    assert_eq!(m.audio.weight.shape()[0], av.audio_width());
    check(&fusion(&m), &m, "ch04-diagram-fusion.svg");
}

#[test]
fn models_of_other_widths_are_drawn_with_those() {
    let m = Fusion::untrained(16, 30, 4);
    let d = fusion(&m);
    check(&d, &m, "ch04-diagram-fusion-other.svg");
    for text in [">16<", ">30<", ">46<", ">46 × 4<", ">30 × 4<"] {
        assert!(d.svg().unwrap().contains(text), "{text} is not drawn");
    }
}
