//! The captioner's diagram against the captioner's weights: every size it prints is
//! read from a parameter's shape (or, for the conv blocks' outputs, from the shapes the
//! blocks' weights and the image size imply), for the chapter's model and for one with
//! other widths, so a change of the model that the diagram misses fails here.

use autograd::{Parameter, Tensor, seeded_rng};
use ch10_captioning::diagram::captioner;
use kit::diagram::Diagram;
use models::Linear;
use models::captioner::{Captioner, ConvBlock};
use models::scenes::W;
use models::seq::{Embedding, Lstm};

/// Checks every size the diagram prints against `model`'s parameters, for an image of
/// `side` x `side` pixels and a caption of `words` words.
fn check(d: &Diagram, model: &Captioner, side: usize, words: usize) {
    let mut expected: Vec<(String, Vec<usize>)> = Vec::new();
    let channels = model.convs[0].weight.shape()[1];
    expected.push(("image".into(), vec![side, side, channels]));
    // A block keeps the size (3 x 3, padding 1) and halves it (max-pool 2 x 2); its
    // output has as many channels as its weight has rows.
    let mut size = side;
    for (k, block) in model.convs.iter().enumerate() {
        let w = block.weight.shape();
        assert_eq!(&w[2..], &[3, 3], "conv block {} is not 3 x 3", k + 1);
        size /= 2;
        expected.push((format!("conv{}", k + 1), vec![size, size, w[0]]));
    }
    let last = model.convs.last().unwrap().weight.shape()[0];
    let w1 = model.mlp_hidden.weight.shape();
    let w2 = model.mlp_state.weight.shape();
    assert_eq!(w1[0], last * size * size, "the MLP's first layer reads the flattened CNN output");
    expected.push(("cnn".into(), vec![w1[0]]));
    expected.push(("mlp1".into(), vec![w1[1]]));
    expected.push(("z".into(), vec![w2[1]]));
    let w_h = model.lstm.cell.w_h.shape();
    expected.push(("h0".into(), vec![w_h[0]]));
    expected.push(("c0".into(), vec![w_h[0]]));
    let embedding = model.embedding.weight.shape();
    let readout = model.readout.weight.shape();
    for t in 0..=words {
        expected.push((format!("lstm{t}"), vec![w_h[0]]));
        expected.push((format!("embed{t}"), vec![embedding[1]]));
        expected.push((format!("out{t}"), vec![readout[1]]));
    }
    // The weights agree with each other where the diagram shows one size for two.
    assert_eq!(w2[1], 2 * w_h[0], "z is [h0 | c0]");
    assert_eq!(model.lstm.cell.w_x.shape()[0], embedding[1]);
    assert_eq!(readout, &[w_h[0], embedding[0]]);

    d.check_dims(&expected).unwrap();
    d.svg().expect("the diagram draws, within the book's column");
}

#[test]
fn the_chapters_captioner_is_drawn_with_its_own_sizes() {
    let model = Captioner::init(&mut seeded_rng(0));
    let caption = ch10_captioning::diagram_caption();
    let side = W as usize;
    check(&captioner(&model, (side, side), &caption), &model, side, caption.len());
}

#[test]
fn a_captioner_of_other_widths_is_drawn_with_those() {
    let mut rng = seeded_rng(1);
    let block = |input: usize, output: usize, rng: &mut autograd::Rng| ConvBlock {
        weight: Parameter::new("weight", Tensor::randn(&[output, input, 3, 3], 0.0, 0.1, rng)),
        bias: Parameter::new("bias", Tensor::zeros(&[output])),
    };
    // Four blocks on a 64 x 64 image, hidden 48, embedding 24, a 25-token vocabulary.
    let convs =
        vec![block(3, 4, &mut rng), block(4, 6, &mut rng), block(6, 10, &mut rng), block(10, 12, &mut rng)];
    let (hidden, embed, vocabulary, side) = (48, 24, 25, 64);
    let flat = 12 * 4 * 4;
    let model = Captioner {
        convs,
        mlp_hidden: Linear::kaiming(flat, 40, &mut rng),
        mlp_state: Linear::kaiming(40, 2 * hidden, &mut rng),
        embedding: Embedding::randn(vocabulary, embed, &mut rng),
        lstm: Lstm::init(embed, hidden, &mut rng),
        readout: Linear::kaiming(hidden, vocabulary, &mut rng),
    };
    let caption = ["a", "large", "white", "cross", "above", "a", "small", "red", "circle"];
    let d = captioner(&model, (side, side), &caption[..4]);
    check(&d, &model, side, 4);
    assert_eq!(d.dims("conv4"), Some(&[4, 4, 12][..]));
    assert_eq!(d.dims("z"), Some(&[96][..]));
    // A longer caption unrolls the decoder over more steps.
    let long = captioner(&model, (side, side), &caption[..2]);
    check(&long, &model, side, 2);
}
