//! softmax, log_softmax, dropout, cross-entropy, MSE, binary cross-entropy, the LSTM's
//! fused element-wise step.

mod common;
use autograd::{Tensor, seeded_rng};
use common::*;

#[test]
fn gradcheck_nn_and_losses() {
    let x = var(&[3, 5], 1);
    check("softmax", &[x.clone()], |x| x[0].softmax(-1));
    check("softmax axis 0", &[x.clone()], |x| x[0].softmax(0));
    check("log_softmax", &[x.clone()], |x| x[0].log_softmax(1));
    check("cross_entropy", &[x.clone()], |x| x[0].cross_entropy(&[0, 4, 2]));
    let target = var(&[3, 5], 2);
    check("mse", &[x.clone(), target.clone()], |x| x[0].mse(&x[1]));
    let probs = Tensor::var(target.data().iter().map(|v| (v + 2.0) / 4.0).collect(), &[3, 5]);
    check("bce_with_logits", &[x.clone(), probs], |x| x[0].bce_with_logits(&x[1]));
    // Dropout with a fixed mask: the same seed inside f makes it a fixed function.
    check("dropout", &[x], |x| x[0].dropout(0.3, &mut seeded_rng(9)));
}

#[test]
fn hand_derived_cross_entropy() {
    // One row of logits x = [0, ln 3] (softmax = [1/4, 3/4]) with target 1:
    // L = -ln(3/4) = 0.287682, dL/dx = softmax - onehot = [1/4, -1/4].
    let x = Tensor::var(vec![0.0, 3f32.ln()], &[1, 2]);
    let loss = x.cross_entropy(&[1]);
    assert_close(loss.data(), &[0.287_682_07], 1e-6);
    assert_close(loss.backward().get(&x).unwrap().data(), &[0.25, -0.25], 1e-6);
}

#[test]
fn hand_derived_mse() {
    // L = mean((a - b)^2) over 2 elements with a - b = [1, -2]: L = 5/2,
    // dL/da = 2 (a - b) / 2 = [1, -2].
    let a = Tensor::var(vec![3.0, 0.0], &[2]);
    let b = Tensor::from_vec(vec![2.0, 2.0], &[2]);
    let loss = a.mse(&b);
    assert_close(loss.data(), &[2.5], 1e-6);
    assert_close(loss.backward().get(&a).unwrap().data(), &[1.0, -2.0], 1e-6);
}

#[test]
fn hand_derived_bce_with_logits() {
    // x = 0 (sigmoid 0.5), y = 1: L = -ln 0.5 = ln 2; dL/dx = sigmoid(0) - 1 = -0.5.
    // x = 2, y = 0: L = ln(1 + e^2) = 2.126928; dL/dx = sigmoid(2) = 0.880797.
    // Mean over the two: L = (0.693147 + 2.126928) / 2, grads halved.
    let x = Tensor::var(vec![0.0, 2.0], &[2]);
    let y = Tensor::from_vec(vec![1.0, 0.0], &[2]);
    let loss = x.bce_with_logits(&y);
    assert_close(loss.data(), &[(std::f32::consts::LN_2 + 2.126_928) / 2.0], 1e-6);
    assert_close(loss.backward().get(&x).unwrap().data(), &[-0.25, 0.440_398_6], 1e-6);
}

#[test]
fn bce_with_logits_is_stable_at_extremes() {
    let x = Tensor::var(vec![-500.0, 500.0], &[2]);
    let y = Tensor::from_vec(vec![1.0, 0.0], &[2]);
    let loss = x.bce_with_logits(&y);
    assert_close(loss.data(), &[500.0], 1e-6);
    assert_close(loss.backward().get(&x).unwrap().data(), &[-0.5, 0.5], 1e-6);
}

#[test]
fn softmax_rows_sum_to_one_even_for_huge_logits() {
    let x = Tensor::from_vec(vec![1000.0, 999.0, -1000.0, 0.0, 0.0, 0.0], &[2, 3]);
    let p = x.softmax(-1);
    let sums = p.sum(1, false);
    assert_close(sums.data(), &[1.0, 1.0], 1e-6);
    assert!(p.data().iter().all(|v| v.is_finite()));
}

#[test]
fn dropout_keeps_the_mean_and_is_seeded() {
    let x = Tensor::ones(&[10_000]);
    let a = x.dropout(0.25, &mut seeded_rng(1));
    let b = x.dropout(0.25, &mut seeded_rng(1));
    assert_eq!(a.data(), b.data());
    let mean = a.mean_all(false).item();
    assert!((mean - 1.0).abs() < 0.03, "mean after dropout {mean}");
    let zeros = a.data().iter().filter(|&&v| v == 0.0).count();
    assert!((2300..2700).contains(&zeros), "{zeros} of 10000 dropped at p = 0.25");
}

#[test]
fn bad_shapes_name_the_op_and_both_shapes() {
    let x = Tensor::zeros(&[3, 4]);
    assert_bad_shape(|| drop(x.cross_entropy(&[0, 1])), &["cross_entropy", "[3, 4]", "[2]"]);
    assert_bad_shape(|| drop(x.cross_entropy(&[0, 1, 4])), &["cross_entropy", "target 4", "[3, 4]"]);
    assert_bad_shape(|| drop(x.mse(&Tensor::zeros(&[3, 1]))), &["mse", "[3, 4]", "[3, 1]"]);
    assert_bad_shape(|| drop(x.bce_with_logits(&Tensor::zeros(&[4]))), &["bce_with_logits", "[3, 4]", "[4]"]);
    assert_bad_shape(|| drop(x.softmax(2)), &["axis 2", "[3, 4]"]);
    assert_bad_shape(|| drop(x.dropout(1.0, &mut seeded_rng(0))), &["dropout", "p = 1"]);
}

#[test]
fn gradcheck_lstm_pointwise() {
    // Gates over a wide range (saturated and linear regions), and the previous cell.
    let gates = Tensor::var(var(&[3, 8], 21).data().iter().map(|v| 2.5 * v).collect(), &[3, 8]);
    check("lstm_pointwise", &[gates, var(&[3, 2], 22)], |x| x[0].lstm_pointwise(&x[1]));
}

#[test]
fn hand_derived_lstm_pointwise() {
    // h = 1, all pre-activations 0: i = f = o = 1/2, g = 0; with c = 2:
    // c' = f c + i g = 1, h' = o tanh(c') = tanh(1) / 2.
    // Backward from L = h' + c': dc'_total = 1 + o (1 - tanh(1)^2);
    // dc = dc'_total f; da_f = dc'_total c f (1 - f) = dc'_total / 2;
    // da_i = dc'_total g i (1 - i) = 0; da_g = dc'_total i (1 - 0) = dc'_total / 2;
    // da_o = tanh(1) o (1 - o) = tanh(1) / 4.
    let a = Tensor::var(vec![0.0; 4], &[1, 4]);
    let c = Tensor::var(vec![2.0], &[1, 1]);
    let y = a.lstm_pointwise(&c);
    let t = 1f32.tanh();
    assert_close(y.data(), &[t / 2.0, 1.0], 1e-6);
    let g = y.sum_all(false).backward();
    let total = 1.0 + 0.5 * (1.0 - t * t);
    assert_close(g.get(&a).unwrap().data(), &[0.0, total / 2.0, total / 2.0, t / 4.0], 1e-6);
    assert_close(g.get(&c).unwrap().data(), &[total / 2.0], 1e-6);
}

#[test]
fn lstm_pointwise_names_both_shapes() {
    let a = Tensor::zeros(&[3, 8]);
    assert_bad_shape(
        || drop(a.lstm_pointwise(&Tensor::zeros(&[3, 3]))),
        &["lstm_pointwise", "[3, 8]", "[3, 3]"],
    );
    assert_bad_shape(
        || drop(Tensor::zeros(&[3, 7]).lstm_pointwise(&Tensor::zeros(&[3, 2]))),
        &["lstm_pointwise", "[3, 7]", "[3, 2]"],
    );
}

#[test]
fn gradcheck_lstm_sequence() {
    // Two sequences of three steps, hidden 2: every input, the weight and the initial state.
    let xwb = Tensor::var(var(&[2, 3, 8], 31).data().iter().map(|v| 1.5 * v).collect(), &[2, 3, 8]);
    let w_h = Tensor::var(var(&[2, 8], 32).data().iter().map(|v| 0.5 * v).collect(), &[2, 8]);
    check("lstm_sequence", &[xwb, w_h, var(&[2, 2], 33), var(&[2, 2], 34)], |x| {
        x[0].lstm_sequence(&x[1], &x[2], &x[3])
    });
}

#[test]
fn hand_derived_lstm_sequence() {
    // One step with W_h = 0 is lstm_pointwise(xwb, c0): zero gates and c0 = 2 give
    // [h c] = [tanh(1) / 2, 1] (hand_derived_lstm_pointwise), whatever h0 is. A second
    // step with zero gates again: c = 1/2 * 1 + 1/2 * 0 = 1/2, h = tanh(1/2) / 2.
    let xwb = Tensor::zeros(&[1, 2, 4]);
    let y = xwb.lstm_sequence(
        &Tensor::zeros(&[1, 4]),
        &Tensor::from_vec(vec![5.0], &[1, 1]),
        &Tensor::from_vec(vec![2.0], &[1, 1]),
    );
    assert_close(y.data(), &[1f32.tanh() / 2.0, 1.0, 0.5f32.tanh() / 2.0, 0.5], 1e-6);
}

#[test]
fn lstm_sequence_names_every_shape() {
    let (xwb, w_h, s) = (Tensor::zeros(&[2, 3, 8]), Tensor::zeros(&[2, 8]), Tensor::zeros(&[2, 2]));
    assert_bad_shape(
        || drop(xwb.lstm_sequence(&Tensor::zeros(&[3, 8]), &s, &s)),
        &["lstm_sequence", "[2, 3, 8]", "[3, 8]", "[2, 2]"],
    );
    assert_bad_shape(
        || drop(xwb.lstm_sequence(&w_h, &Tensor::zeros(&[3, 2]), &s)),
        &["lstm_sequence", "[3, 2]"],
    );
}
