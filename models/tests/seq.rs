//! Sequence models: gradchecks, hand-worked cases, PyTorch fixtures, bad input, and a
//! long-dependency task the LSTM learns and the vanilla RNN does not.

use autograd::{Tensor, gradcheck, seeded_rng};
use models::seq::{
    Embedding, Lstm, LstmCell, LstmState, RecallModel, Recurrence, Rnn, RnnCell, lstm_cell, lstm_cell_fused,
    lstm_layer, recall_batch, rnn_cell, sequence_cross_entropy,
};
use serde_json::Value;

fn tensor(v: &Value) -> Tensor {
    let shape: Vec<usize> =
        v["shape"].as_array().unwrap().iter().map(|d| d.as_u64().unwrap() as usize).collect();
    let data: Vec<f32> = v["data"].as_array().unwrap().iter().map(|x| x.as_f64().unwrap() as f32).collect();
    Tensor::from_vec(data, &shape)
}

fn close(what: &str, ours: &Tensor, theirs: &Tensor) {
    assert_eq!(ours.shape(), theirs.shape(), "{what}: shapes");
    for (i, (a, b)) in ours.to_vec().iter().zip(theirs.to_vec()).enumerate() {
        assert!((a - b).abs() <= 1e-5 + 1e-4 * b.abs(), "{what}[{i}]: ours {a}, PyTorch {b}");
    }
}

fn fixtures() -> Value {
    serde_json::from_str(include_str!("fixtures/seq.json")).unwrap()
}

fn usizes(v: &Value) -> Vec<usize> {
    v.as_array().unwrap().iter().map(|x| x.as_u64().unwrap() as usize).collect()
}

/// PyTorch keeps (gates, input) weights and two biases; ours are (input, gates) and one.
fn cell_weights(case: &Value) -> (Tensor, Tensor, Tensor) {
    let bias = tensor(&case["bias_ih"]).add(&tensor(&case["bias_hh"]));
    (tensor(&case["weight_ih"]).t(), tensor(&case["weight_hh"]).t(), bias)
}

#[test]
fn lstm_matches_pytorch_outputs_and_gradients() {
    let case = &fixtures()["lstm"];
    let (w_x, w_h, b) = cell_weights(case);
    let lstm = Lstm { cell: LstmCell::new(w_x, w_h, b) };
    let x = tensor(&case["x"]).as_var();
    let init = LstmState { h: tensor(&case["h0"]).as_var(), c: tensor(&case["c0"]).as_var() };
    let lengths = usizes(&case["lengths"]);
    let (out, last) = lstm.forward(&x, Some(&init), Some(&lengths));
    close("out", &out, &tensor(&case["out"]));
    close("h_n", &last.h, &tensor(&case["h_n"]));
    close("c_n", &last.c, &tensor(&case["c_n"]));
    let loss = out
        .mul(&tensor(&case["w_out"]))
        .sum_all(false)
        .add(&last.h.mul(&tensor(&case["w_h"])).sum_all(false))
        .add(&last.c.mul(&tensor(&case["w_c"])).sum_all(false));
    let g = loss.backward();
    close("grad x", g.get(&x).unwrap(), &tensor(&case["grad_x"]));
    close("grad h0", g.get(&init.h).unwrap(), &tensor(&case["grad_h0"]));
    close("grad c0", g.get(&init.c).unwrap(), &tensor(&case["grad_c0"]));
    close("grad W_x", &g.get(lstm.cell.w_x.tensor()).unwrap().t(), &tensor(&case["grad_weight_ih"]));
    close("grad W_h", &g.get(lstm.cell.w_h.tensor()).unwrap().t(), &tensor(&case["grad_weight_hh"]));
    close("grad bias", g.get(lstm.cell.bias.tensor()).unwrap(), &tensor(&case["grad_bias"]));
}

#[test]
fn rnn_matches_pytorch_outputs_and_gradients() {
    let case = &fixtures()["rnn"];
    let (w_x, w_h, b) = cell_weights(case);
    let rnn = Rnn { cell: RnnCell::new(w_x, w_h, b) };
    let x = tensor(&case["x"]).as_var();
    let h0 = tensor(&case["h0"]).as_var();
    let (out, h_n) = rnn.forward(&x, Some(&h0), Some(&usizes(&case["lengths"])));
    close("out", &out, &tensor(&case["out"]));
    close("h_n", &h_n, &tensor(&case["h_n"]));
    let loss =
        out.mul(&tensor(&case["w_out"])).sum_all(false).add(&h_n.mul(&tensor(&case["w_h"])).sum_all(false));
    let g = loss.backward();
    close("grad x", g.get(&x).unwrap(), &tensor(&case["grad_x"]));
    close("grad h0", g.get(&h0).unwrap(), &tensor(&case["grad_h0"]));
    close("grad W_x", &g.get(rnn.cell.w_x.tensor()).unwrap().t(), &tensor(&case["grad_weight_ih"]));
    close("grad W_h", &g.get(rnn.cell.w_h.tensor()).unwrap().t(), &tensor(&case["grad_weight_hh"]));
    close("grad bias", g.get(rnn.cell.bias.tensor()).unwrap(), &tensor(&case["grad_bias"]));
}

#[test]
fn sequence_cross_entropy_matches_pytorch_with_ignore_index() {
    let case = &fixtures()["sequence_cross_entropy"];
    let logits = tensor(&case["logits"]).as_var();
    let loss = sequence_cross_entropy(&logits, &usizes(&case["targets"]), &usizes(&case["lengths"]));
    let want = case["loss"].as_f64().unwrap() as f32;
    assert!((loss.item() - want).abs() < 1e-5, "loss {} vs PyTorch {want}", loss.item());
    close("grad logits", loss.backward().get(&logits).unwrap(), &tensor(&case["grad_logits"]));
}

#[test]
fn the_lstm_cell_passes_gradcheck_in_every_input_and_weight() {
    let mut rng = seeded_rng(3);
    let (batch, hidden) = (2, 3);
    let shapes: [&[usize]; 4] =
        [&[batch, 4 * hidden], &[batch, hidden], &[batch, hidden], &[hidden, 4 * hidden]];
    let inputs: Vec<Tensor> =
        shapes.iter().map(|s| Tensor::uniform(s, -1.0, 1.0, &mut rng).as_var()).collect();
    gradcheck("lstm_cell", &inputs, |t| {
        let s = lstm_cell(&t[0], &LstmState { h: t[1].clone(), c: t[2].clone() }, &t[3]);
        Tensor::concat(&[s.h, s.c], 1)
    })
    .unwrap();
}

#[test]
fn the_fused_step_equals_the_composed_one_over_three_steps_gradients_included() {
    let mut rng = seeded_rng(6);
    let (batch, hidden) = (3, 5);
    let xwbs: Vec<Tensor> =
        (0..3).map(|_| Tensor::uniform(&[batch, 4 * hidden], -2.0, 2.0, &mut rng).as_var()).collect();
    let w_h = Tensor::uniform(&[hidden, 4 * hidden], -0.5, 0.5, &mut rng).as_var();
    let start = LstmState {
        h: Tensor::uniform(&[batch, hidden], -1.0, 1.0, &mut rng).as_var(),
        c: Tensor::uniform(&[batch, hidden], -1.0, 1.0, &mut rng).as_var(),
    };
    let weights = Tensor::uniform(&[batch, 2 * hidden], 0.5, 1.5, &mut rng);
    let run = |step: fn(&Tensor, &LstmState, &Tensor) -> LstmState| {
        let mut s = start.clone();
        for xwb in &xwbs {
            s = step(xwb, &s, &w_h);
        }
        let out = Tensor::concat(&[s.h, s.c], 1);
        let g = out.mul(&weights).sum_all(false).backward();
        let mut grads = vec![out.to_vec()];
        grads.extend(xwbs.iter().chain([&w_h, &start.h, &start.c]).map(|t| g.get(t).unwrap().to_vec()));
        grads
    };
    for (k, (a, b)) in run(lstm_cell).iter().zip(run(lstm_cell_fused)).enumerate() {
        for (x, y) in a.iter().zip(&b) {
            assert!((x - y).abs() <= 1e-5 + 1e-5 * y.abs(), "part {k}: composed {x}, fused {y}");
        }
    }
}

#[test]
fn the_fused_layer_equals_the_step_by_step_loop_gradients_included() {
    let mut rng = seeded_rng(12);
    let (batch, steps, input, hidden) = (3, 6, 4, 5);
    let x = Tensor::uniform(&[batch, steps, input], -1.0, 1.0, &mut rng).as_var();
    let cell = LstmCell::init(input, hidden, &mut rng);
    let init = LstmState {
        h: Tensor::uniform(&[batch, hidden], -1.0, 1.0, &mut rng).as_var(),
        c: Tensor::uniform(&[batch, hidden], -1.0, 1.0, &mut rng).as_var(),
    };
    let (w_x, w_h, b) = (cell.w_x.tensor(), cell.w_h.tensor(), cell.bias.tensor());
    let w_out = Tensor::uniform(&[batch, steps, hidden], 0.5, 1.5, &mut rng);
    let w_last = Tensor::uniform(&[batch, 2 * hidden], 0.5, 1.5, &mut rng);
    let loss = |out: &Tensor, last: &LstmState| {
        out.mul(&w_out)
            .sum_all(false)
            .add(&Tensor::concat(&[last.h.clone(), last.c.clone()], 1).mul(&w_last).sum_all(false))
    };
    // Fused: no lengths. Step by step: the composed cell, looped here.
    let (out, last) = lstm_layer(&x, w_x, w_h, b, Some(&init), None);
    let fused = loss(&out, &last);
    let mut state = init.clone();
    let mut outs = Vec::new();
    for t in 0..steps {
        let x_t = x.narrow(1, t, 1).reshape(&[batch, input]);
        state = lstm_cell(&x_t.matmul(w_x).add(b), &state, w_h);
        outs.push(state.h.clone());
    }
    let looped = loss(&Tensor::stack(&outs, 1), &state);
    assert!((fused.item() - looped.item()).abs() < 1e-4 * looped.item().abs().max(1.0));
    let (g1, g2) = (fused.backward(), looped.backward());
    for (name, t) in [("x", &x), ("W_x", w_x), ("W_h", w_h), ("b", b), ("h0", &init.h), ("c0", &init.c)] {
        let (a, b) = (g1.get(t).unwrap().to_vec(), g2.get(t).unwrap().to_vec());
        for (p, q) in a.iter().zip(&b) {
            assert!((p - q).abs() <= 1e-5 + 1e-4 * q.abs(), "grad {name}: fused {p}, loop {q}");
        }
    }
}

#[test]
fn the_rnn_cell_passes_gradcheck() {
    let mut rng = seeded_rng(4);
    let shapes: [&[usize]; 3] = [&[2, 3], &[2, 3], &[3, 3]];
    let inputs: Vec<Tensor> =
        shapes.iter().map(|s| Tensor::uniform(s, -1.0, 1.0, &mut rng).as_var()).collect();
    gradcheck("rnn_cell", &inputs, |t| rnn_cell(&t[0], &t[1], &t[2])).unwrap();
}

#[test]
fn a_whole_lstm_with_lengths_passes_gradcheck() {
    let mut rng = seeded_rng(5);
    let x = Tensor::uniform(&[2, 3, 2], -1.0, 1.0, &mut rng).as_var();
    let w_x = Tensor::uniform(&[2, 8], -0.7, 0.7, &mut rng).as_var();
    let w_h = Tensor::uniform(&[2, 8], -0.7, 0.7, &mut rng).as_var();
    let b = Tensor::uniform(&[8], -0.5, 0.5, &mut rng).as_var();
    gradcheck("Lstm::forward", &[x, w_x, w_h, b], |t| {
        let (out, last) = lstm_layer(&t[0], &t[1], &t[2], &t[3], None, Some(&[3, 2]));
        Tensor::concat(&[out.reshape(&[2, 6]), last.c], 1)
    })
    .unwrap();
}

#[test]
fn one_lstm_step_by_hand() {
    // hidden 1, input projection given: a = xw + h w_h + b = [0, 0, 0, 0] + 0.
    // i = f = o = σ(0) = 0.5, g = tanh(0) = 0; c' = 0.5 * 2 + 0.5 * 0 = 1; h' = 0.5 tanh(1).
    let s = lstm_cell(
        &Tensor::zeros(&[1, 4]),
        &LstmState { h: Tensor::from_vec(vec![0.3], &[1, 1]), c: Tensor::from_vec(vec![2.0], &[1, 1]) },
        &Tensor::zeros(&[1, 4]),
    );
    assert!((s.c.item() - 1.0).abs() < 1e-6);
    assert!((s.h.item() - 0.5 * 1f32.tanh()).abs() < 1e-6);
    // The forget gate alone: a_f = 40 keeps the cell (f = 1), a_i = -40 shuts the input.
    let a = Tensor::from_vec(vec![-40.0, 40.0, 3.0, 0.0], &[1, 4]);
    let s = lstm_cell(
        &a,
        &LstmState { h: Tensor::zeros(&[1, 1]), c: Tensor::from_vec(vec![0.7], &[1, 1]) },
        &Tensor::zeros(&[1, 4]),
    );
    assert!((s.c.item() - 0.7).abs() < 1e-6, "the cell is carried unchanged: {}", s.c.item());
}

#[test]
fn sequence_cross_entropy_by_hand_ignores_the_padding() {
    // Two sequences of two steps, vocabulary 2; the second has one real token.
    // Uniform logits: every real token costs ln 2, so the mean is ln 2 whatever the padding holds.
    let logits = Tensor::zeros(&[2, 2, 2]);
    let loss = sequence_cross_entropy(&logits, &[0, 1, 1, 999], &[2, 1]);
    assert!((loss.item() - 2f32.ln()).abs() < 1e-6);
}

#[test]
fn the_embedding_sums_the_gradient_of_a_repeated_row() {
    let table = Embedding::new(Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[3, 2]));
    let rows = table.forward(&[2, 0, 2]);
    assert_eq!(rows.to_vec(), [5.0, 6.0, 1.0, 2.0, 5.0, 6.0]);
    let g = rows.sum_all(false).backward();
    assert_eq!(g.get(table.weight.tensor()).unwrap().to_vec(), [1.0, 1.0, 0.0, 0.0, 2.0, 2.0]);
}

#[test]
fn the_forget_gate_starts_open() {
    let cell = LstmCell::init(3, 4, &mut seeded_rng(1));
    assert_eq!(&cell.bias.tensor().to_vec()[4..8], [1.0; 4]);
    assert!(
        cell.bias.tensor().to_vec()[..4].iter().chain(&cell.bias.tensor().to_vec()[8..]).all(|&b| b == 0.0)
    );
}

#[test]
#[should_panic(expected = "Lstm::forward: input shape [2, 5, 3], expected (batch, steps >= 1, 4)")]
fn a_wrong_input_width_is_refused_by_name() {
    let lstm = Lstm::init(4, 5, &mut seeded_rng(0));
    lstm.forward(&Tensor::zeros(&[2, 5, 3]), None, None);
}

#[test]
#[should_panic(expected = "Lstm::forward: length 7 outside 1..=5")]
fn a_length_past_the_padding_is_refused() {
    let lstm = Lstm::init(4, 5, &mut seeded_rng(0));
    lstm.forward(&Tensor::zeros(&[2, 5, 4]), None, Some(&[5, 7]));
}

#[test]
#[should_panic(expected = "Embedding::forward: token id 3 outside a vocabulary of 3")]
fn an_unknown_token_is_refused() {
    Embedding::new(Tensor::zeros(&[3, 2])).forward(&[0, 3]);
}

#[test]
#[should_panic(expected = "sequence_cross_entropy: target 6 (sequence 0, step 1) outside a vocabulary of 6")]
fn a_target_outside_the_vocabulary_is_refused() {
    sequence_cross_entropy(&Tensor::zeros(&[1, 2, 6]), &[0, 6], &[2]);
}

#[test]
#[should_panic(expected = "LstmCell::new: w_x [3, 8], w_h [3, 12]")]
fn mismatched_lstm_weights_are_refused() {
    LstmCell::new(Tensor::zeros(&[3, 8]), Tensor::zeros(&[3, 12]), Tensor::zeros(&[12]));
}

/// Train `kind` (hidden 16, a linear readout of the last h) with Adam for `iterations`
/// batches of 32 and return its accuracy on 512 fresh sequences.
fn recall_accuracy(kind: Recurrence, steps: usize, iterations: usize, seed: u64) -> f64 {
    let mut rng = seeded_rng(seed);
    // The forget gate opened wide at the start: bias 5, f = σ(5) ≈ 0.993, so 50 steps
    // keep about 70% of what the cell holds. With the default bias 1 (f ≈ 0.73) they
    // keep about 1e-7 of it, no gradient reaches the first step, and in this budget
    // neither model learns the task (nor does PyTorch's nn.LSTM: measured).
    let mut model = RecallModel::init(kind, 16, 5.0, &mut rng);
    model.train(steps, iterations, &mut rng);
    let (x, labels) = recall_batch(512, steps, &mut rng);
    model.accuracy(&x, &labels)
}

#[test]
fn the_lstm_remembers_across_fifty_steps_and_the_rnn_does_not() {
    // 1,000 batches: LSTM 1.000 on seeds 7, 8 and 9 (600 gave 0.78 to 1.000).
    let (lstm, rnn) =
        (recall_accuracy(Recurrence::Lstm, 50, 1000, 7), recall_accuracy(Recurrence::Rnn, 50, 1000, 7));
    eprintln!(
        "recall of the first symbol across 50 steps: LSTM {lstm:.3}, vanilla RNN {rnn:.3} (chance 0.25)"
    );
    assert!(lstm >= 0.9, "LSTM accuracy {lstm}");
    assert!(rnn <= 0.5, "vanilla RNN accuracy {rnn}");
}
