//! reshape, permute/transpose, concat/stack, narrow, index_select, broadcast_to.

mod common;
use autograd::Tensor;
use common::*;

#[test]
fn gradcheck_shape_ops() {
    let x = var(&[2, 3, 4], 1);
    check("reshape", &[x.clone()], |x| x[0].reshape(&[4, 6]));
    check("permute", &[x.clone()], |x| x[0].permute(&[2, 0, 1]));
    check("transpose", &[x.clone()], |x| x[0].transpose(0, 2));
    check("narrow", &[x.clone()], |x| x[0].narrow(1, 1, 2));
    check("narrow", &[x.clone()], |x| x[0].narrow(-1, 0, 3));
    check("index_select", &[x.clone()], |x| x[0].index_select(0, &[1, 0, 1]));
    check("index_select", &[x.clone()], |x| x[0].index_select(2, &[3, 3, 0]));
    check("broadcast_to", &[var(&[3, 1], 2)], |x| x[0].broadcast_to(&[2, 3, 4]));
    let (a, b) = (var(&[2, 3], 3), var(&[2, 5], 4));
    check("concat", &[a.clone(), b], |x| Tensor::concat(&[x[0].clone(), x[1].clone()], 1));
    check("concat", &[a.clone(), var(&[1, 3], 5)], |x| Tensor::concat(x, 0));
    check("stack", &[a.clone(), var(&[2, 3], 6)], |x| Tensor::stack(x, 1));
}

#[test]
fn hand_derived_index_select_accumulates_repeats() {
    // Embedding lookup: rows [2, 0, 2] of a (3, 2) table; y = sum of all picked values.
    // Row 2 is picked twice, so its gradient is 2; row 0 once: 1; row 1 never: 0.
    let table = var(&[3, 2], 1);
    let picked = table.index_select(0, &[2, 0, 2]);
    assert_eq!(picked.data()[..2], table.data()[4..6]);
    let g = picked.sum_all(false).backward();
    assert_close(g.get(&table).unwrap().data(), &[1.0, 1.0, 0.0, 0.0, 2.0, 2.0], 1e-6);
}

#[test]
fn hand_derived_narrow_and_concat() {
    // x = [0, 1, 2, 3, 4]; y = sum(2 * x[1..3]) -> dy/dx = [0, 2, 2, 0, 0].
    let x = Tensor::var((0..5).map(|v| v as f32).collect(), &[5]);
    let g = x.narrow(0, 1, 2).scale(2.0).sum_all(false).backward();
    assert_close(g.get(&x).unwrap().data(), &[0.0, 2.0, 2.0, 0.0, 0.0], 1e-6);
    // concat([a, b]) then weights [1, 2, 3]: a (len 1) gets 1, b (len 2) gets [2, 3].
    let a = Tensor::var(vec![5.0], &[1]);
    let b = Tensor::var(vec![6.0, 7.0], &[2]);
    let c = Tensor::concat(&[a.clone(), b.clone()], 0);
    assert_close(c.data(), &[5.0, 6.0, 7.0], 1e-6);
    let g = c.mul(&Tensor::from_vec(vec![1.0, 2.0, 3.0], &[3])).sum_all(false).backward();
    assert_close(g.get(&a).unwrap().data(), &[1.0], 1e-6);
    assert_close(g.get(&b).unwrap().data(), &[2.0, 3.0], 1e-6);
}

#[test]
fn permute_moves_values_where_expected() {
    // x[i, j, k] = 100 i + 10 j + k; permute (2, 0, 1): y[k, i, j] = x[i, j, k].
    let data =
        (0..2).flat_map(|i| (0..3).flat_map(move |j| (0..4).map(move |k| (100 * i + 10 * j + k) as f32)));
    let x = Tensor::from_vec(data.collect(), &[2, 3, 4]);
    let y = x.permute(&[2, 0, 1]);
    assert_eq!(y.shape(), &[4, 2, 3]);
    for k in 0..4 {
        for i in 0..2 {
            for j in 0..3 {
                assert_eq!(y.data()[(k * 2 + i) * 3 + j], (100 * i + 10 * j + k) as f32);
            }
        }
    }
    // The gradient of a permutation is the inverse permutation: with the output's
    // gradient equal to its own values, the input's gradient equals the input.
    let x = x.as_var();
    let y = x.permute(&[2, 0, 1]);
    let g = y.backward_with(&y.detach());
    assert_close(g.get(&x).unwrap().data(), x.data(), 0.0);
}

#[test]
fn reshape_shares_storage() {
    let x = var(&[2, 6], 1);
    let y = x.reshape(&[3, 4]);
    assert_eq!(x.data().as_ptr(), y.data().as_ptr());
}

#[test]
fn bad_shapes_name_the_op_and_the_shapes() {
    let x = Tensor::zeros(&[2, 3]);
    assert_bad_shape(|| drop(x.reshape(&[4, 2])), &["reshape", "[2, 3]", "[4, 2]"]);
    assert_bad_shape(|| drop(x.permute(&[0, 0])), &["permute", "[0, 0]", "[2, 3]"]);
    assert_bad_shape(|| drop(x.transpose(0, 2)), &["transpose", "[2, 3]"]);
    assert_bad_shape(
        || drop(Tensor::concat(&[x.clone(), Tensor::zeros(&[2, 4])], 0)),
        &["concat", "[2, 3]", "[2, 4]"],
    );
    assert_bad_shape(
        || drop(Tensor::stack(&[x.clone(), Tensor::zeros(&[3, 2])], 0)),
        &["stack", "[2, 3]", "[3, 2]"],
    );
    assert_bad_shape(|| drop(x.narrow(1, 2, 2)), &["narrow", "2..4", "[2, 3]"]);
    assert_bad_shape(|| drop(x.index_select(0, &[0, 2])), &["index_select", "index 2", "[2, 3]"]);
    assert_bad_shape(|| drop(x.broadcast_to(&[3, 3])), &["broadcast_to", "[2, 3]", "[3, 3]"]);
    assert_bad_shape(|| drop(x.unsqueeze(3)), &["unsqueeze", "[2, 3]"]);
}

#[test]
fn hand_derived_reshape_and_broadcast_to() {
    // reshape moves no value, so each element's gradient comes back unchanged:
    // y = sum(w * reshape(x)) gives dy/dx = w read in x's shape.
    let x = Tensor::var(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3]);
    let w = Tensor::from_vec(vec![10.0, 20.0, 30.0, 40.0, 50.0, 60.0], &[3, 2]);
    let g = x.reshape(&[3, 2]).mul(&w).sum_all(false).backward();
    assert_close(g.get(&x).unwrap().data(), &[10.0, 20.0, 30.0, 40.0, 50.0, 60.0], 0.0);
    // broadcast_to (3, 1) -> (3, 4): row i is copied 4 times, so with weights w[i][j]
    // dy/dx_i = sum_j w[i][j] = 4 i + (0 + 1 + 2 + 3) for w[i][j] = 4 i + j.
    let x = Tensor::var(vec![1.0, 2.0, 3.0], &[3, 1]);
    let w = Tensor::from_vec((0..12).map(|v| v as f32).collect(), &[3, 4]);
    let g = x.broadcast_to(&[3, 4]).mul(&w).sum_all(false).backward();
    assert_close(g.get(&x).unwrap().data(), &[6.0, 22.0, 38.0], 0.0);
}

#[test]
fn every_axis_argument_counts_negative_axes_from_the_end() {
    // One axis type (isize) for every op, as in PyTorch: -1 is the last axis.
    let x = Tensor::from_vec((0..24).map(|v| v as f32).collect(), &[2, 3, 4]);
    assert_eq!(x.unsqueeze(-1).shape(), &[2, 3, 4, 1]);
    assert_eq!(x.unsqueeze(0).shape(), &[1, 2, 3, 4]);
    assert_eq!(x.transpose(0, -1).to_vec(), x.transpose(0, 2).to_vec());
    assert_eq!(Tensor::stack(&[x.clone(), x.clone()], -1).shape(), &[2, 3, 4, 2]);
    assert_eq!(x.sum(-1, false).to_vec(), x.sum(2, false).to_vec());
    assert_eq!(x.narrow(-2, 1, 2).to_vec(), x.narrow(1, 1, 2).to_vec());
    assert_eq!(x.index_select(-1, &[3, 0]).to_vec(), x.index_select(2, &[3, 0]).to_vec());
    assert_eq!(Tensor::concat(&[x.clone(), x.clone()], -3).shape(), &[4, 3, 4]);
}
