//! The captioner drawn from its own weights: the CNN's blocks with the shape of what
//! each one makes, the MLP, the decoder's initial state (h₀, c₀), and the LSTM unrolled
//! over one caption with teacher forcing.

use autograd::{Tensor, no_grad};
use kit::diagram::{Diagram, Kind, Link, Node};
use models::captioner::Captioner;
use models::scenes::{BOS, EOS, VOCAB};

/// The captioner reading `caption` (its words, without `<bos>` and `<eos>`) for an
/// image of `height` x `width` pixels. Every size is read off the model: each conv
/// block's output shape by running the block on a blank image of that size (H × W × C,
/// as the page writes them), the MLP's and the decoder's widths from their weight
/// matrices, the vocabulary from the embedding table's rows.
pub fn captioner(model: &Captioner, (height, width): (usize, usize), caption: &[&str]) -> Diagram {
    let channels = model.convs.first().map_or(0, |b| b.weight.shape()[1]);
    // What each conv block makes of one image, as (C, H, W).
    let blocks: Vec<[usize; 3]> = no_grad(|| {
        let mut x = Tensor::zeros(&[1, channels, height, width]);
        model
            .convs
            .iter()
            .map(|block| {
                x = block.forward(&x);
                let s = x.shape();
                [s[1], s[2], s[3]]
            })
            .collect()
    });
    let flat = blocks.last().map_or(channels * height * width, |s| s.iter().product());
    let mlp_hidden = model.mlp_hidden.out_features();
    let mlp_out = model.mlp_state.out_features();
    let hidden = model.lstm.cell.hidden();
    let embed = model.embedding.dim();
    let vocabulary = model.readout.out_features();

    let mut d =
        Diagram::new("The captioner: CNN, MLP and LSTM, trained with teacher forcing").spacing(112.0, 56.0);
    // Row 0, left to right: the image and the CNN, ending in its flattened output.
    let last = 5.0;
    let step = last / (blocks.len() + 1) as f64;
    d.add(Node::new("image", Kind::Image, (0.0, 0.0), "image x").dims(&[height, width, channels]));
    let mut previous = "image".to_string();
    for (k, [c, h, w]) in blocks.iter().copied().enumerate() {
        let id = format!("conv{}", k + 1);
        d.add(
            Node::new(&id, Kind::Image, (step * (k + 1) as f64, 0.0), format!("conv block {}", k + 1))
                .dims(&[h, w, c]),
        );
        d.link(&previous, &id, Link::Flow);
        previous = id;
    }
    d.add(Node::new("cnn", Kind::Image, (last, 0.0), "flatten: x_CNN").dims(&[flat]));
    d.link(&previous, "cnn", Link::Flow);
    let convs: Vec<String> = (1..=blocks.len()).map(|k| format!("conv{k}")).collect();
    let conv_ids: Vec<&str> = convs.iter().map(String::as_str).collect();
    d.group("CNN encoder", &conv_ids);

    // Row 1, right to left: the MLP, ending above the decoder's initial state.
    let mlp_row = 1.55;
    // The column of z, h₀ and c₀, and the line left of it that takes z down to c₀.
    let (state, bus) = (0.2, -0.5);
    d.add(Node::new("mlp1", Kind::Image, (last / 2.0, mlp_row), "MLP layer 1, ReLU").dims(&[mlp_hidden]));
    d.add(Node::new("z", Kind::Image, (state, mlp_row), "MLP layer 2: z").dims(&[mlp_out]));
    d.link_via("cnn", "mlp1", Link::Flow, &[(last, mlp_row)]);
    d.link("mlp1", "z", Link::Flow);

    // The decoder: the state column on the left, then one column per step.
    let steps = caption.len() + 1;
    let (lstm_row, out_row, in_row) = (4.6, 3.5, 5.7);
    let (h_row, c_row) = (lstm_row - 0.9, lstm_row + 0.9);
    d.add(Node::new("h0", Kind::Joint, (state, h_row), "h₀").line("tanh LN(z₁)").dims(&[mlp_out / 2]));
    d.add(Node::new("c0", Kind::Joint, (state, c_row), "c₀").line("LN(z₂)").dims(&[mlp_out - mlp_out / 2]));
    d.link("z", "h0", Link::Flow);
    d.link_via("z", "c0", Link::Flow, &[(bus, mlp_row), (bus, c_row)]);
    let first = 1.3;
    let gap = if steps > 1 { (last - first) / (steps - 1) as f64 } else { 0.0 };
    let inputs: Vec<&str> = std::iter::once(VOCAB[BOS]).chain(caption.iter().copied()).collect();
    let targets: Vec<&str> = caption.iter().copied().chain(std::iter::once(VOCAB[EOS])).collect();
    let mut lstms: Vec<String> = Vec::new();
    for t in 0..steps {
        let x = first + gap * t as f64;
        let (l, e, p) = (format!("lstm{t}"), format!("embed{t}"), format!("out{t}"));
        d.add(Node::new(&l, Kind::Joint, (x, lstm_row), "LSTM").dims(&[hidden]));
        d.add(Node::new(&e, Kind::Text, (x, in_row), "embed").dims(&[embed]));
        d.add(Node::new(&p, Kind::Text, (x, out_row), "softmax").dims(&[vocabulary]));
        d.note((x, in_row + 0.75), inputs[t]);
        d.note((x, out_row - 0.75), targets[t]);
        d.link(&e, &l, Link::Flow).link(&l, &p, Link::Flow);
        if t == 0 {
            d.link("h0", &l, Link::Flow).link("c0", &l, Link::Flow);
        } else {
            d.link(&lstms[t - 1], &l, Link::Flow);
        }
        lstms.push(l);
    }
    let middle = (first + last) / 2.0;
    d.note((middle, out_row - 1.3), "each step is scored on the next true word …");
    d.note((middle, in_row + 1.3), "… given the true word before it (teacher forcing)");
    d
}
