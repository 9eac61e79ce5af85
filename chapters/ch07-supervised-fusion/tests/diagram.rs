//! The four heads' diagram against the four models' weights: every size it prints is
//! read from a parameter's shape, for the chapter's models, for models of other input
//! widths, and for models built by hand with other layer widths, so a change of the
//! models that the diagram misses fails here.

use autograd::seeded_rng;
use ch07_supervised_fusion::diagram::{METHODS, fusion_heads, untrained};
use kit::diagram::Diagram;
use models::fusion::{Encoder, FusionNet, Method, torch_linear};
use models::toymosi::Modality;

/// Checks every size the diagram prints against the models' parameters.
fn check(d: &Diagram, models: &[FusionNet], modalities: &[Modality]) {
    let [linear, mlp, sum, product] = models else { panic!("four models") };
    let mut expected: Vec<(String, Vec<usize>)> = Vec::new();
    for (m, (e, p)) in modalities.iter().zip(sum.encoders.iter().zip(&product.encoders)) {
        let (hidden, out) = (e.hidden.weight.shape(), e.out.weight.shape());
        assert_eq!((hidden, out), (p.hidden.weight.shape(), p.out.weight.shape()), "drawn once for both");
        assert_eq!(hidden[1], out[0], "the encoder's layers chain");
        let l = m.letter();
        expected.push((format!("x_{l}"), vec![hidden[0]]));
        expected.push((format!("hidden_{l}"), vec![hidden[1]]));
        expected.push((format!("h_{l}"), vec![out[1]]));
        assert_eq!(sum.head[0].weight.shape()[0], out[1], "the sum's head reads one projection's width");
        assert_eq!(product.head[0].weight.shape()[0], out[1], "so does the product's");
    }
    // The concatenation is as wide as the inputs together, and both concat heads read it.
    let concat = linear.head[0].weight.shape()[0];
    let inputs: usize = sum.encoders.iter().map(|e| e.hidden.weight.shape()[0]).sum();
    assert_eq!(concat, inputs);
    assert_eq!(mlp.head[0].weight.shape()[0], concat);
    expected.push(("concat".into(), vec![concat]));
    expected.push(("y_linear".into(), vec![linear.head[0].weight.shape()[1]]));
    for (k, layer) in mlp.head.iter().enumerate() {
        let id = if k + 1 == mlp.head.len() { "y_mlp".to_string() } else { format!("mlp_{k}") };
        expected.push((id, vec![layer.weight.shape()[1]]));
    }
    expected.push(("y_sum".into(), vec![sum.head[0].weight.shape()[1]]));
    expected.push(("y_product".into(), vec![product.head[0].weight.shape()[1]]));

    d.check_dims(&expected).unwrap();
    d.svg().expect("the diagram draws, within the book's column");
}

#[test]
fn the_chapters_models_are_drawn_with_their_own_sizes() {
    let modalities = Modality::ALL;
    let widths: Vec<usize> = modalities.iter().map(|m| m.width()).collect();
    let models = untrained(&widths);
    let d = fusion_heads(&models, &modalities);
    check(&d, &models, &modalities);
    // The inputs are the data's summaries.
    for m in modalities {
        assert_eq!(d.dims(&format!("x_{}", m.letter())), Some(&[m.width()][..]));
    }
}

#[test]
fn other_input_widths_redraw_the_inputs_and_the_concatenation() {
    let modalities = Modality::ALL;
    let models = untrained(&[20, 7, 5]);
    let d = fusion_heads(&models, &modalities);
    check(&d, &models, &modalities);
    assert_eq!(d.dims("concat"), Some(&[32][..]));
    // Two modalities draw too.
    let pair = [Modality::Text, Modality::Video];
    let models = untrained(&[10, 6]);
    check(&fusion_heads(&models, &pair), &models, &pair);
}

/// A model of `method` with encoders `hidden` -> `projection` wide and an MLP head of
/// `mlp` hidden widths, built by hand (the library's widths are constants).
fn by_hand(method: Method, widths: &[usize], hidden: usize, projection: usize, mlp: &[usize]) -> FusionNet {
    let rng = &mut seeded_rng(1);
    let total: usize = widths.iter().sum();
    let (encoders, head) = match method {
        Method::ConcatLinear => (vec![], vec![torch_linear(total, 1, rng)]),
        Method::ConcatMlp => {
            let mut sizes = vec![total];
            sizes.extend(mlp);
            sizes.push(1);
            (vec![], sizes.windows(2).map(|w| torch_linear(w[0], w[1], rng)).collect())
        }
        _ => (
            widths
                .iter()
                .map(|&w| Encoder {
                    hidden: torch_linear(w, hidden, rng),
                    out: torch_linear(hidden, projection, rng),
                })
                .collect(),
            vec![torch_linear(projection, 1, rng)],
        ),
    };
    FusionNet { method, widths: widths.to_vec(), encoders, head, mask: None, lowrank: None, max_order: None }
}

#[test]
fn other_layer_widths_redraw_the_layers() {
    let modalities = Modality::ALL;
    let widths = [16, 9, 11];
    let models: Vec<FusionNet> = METHODS.iter().map(|&m| by_hand(m, &widths, 24, 5, &[48, 20, 12])).collect();
    let d = fusion_heads(&models, &modalities);
    check(&d, &models, &modalities);
    assert_eq!(d.dims("h_A"), Some(&[5][..]));
    assert_eq!(d.dims("hidden_V"), Some(&[24][..]));
    assert_eq!(d.dims("mlp_2"), Some(&[12][..]));
}
