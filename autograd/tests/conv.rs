//! conv2d against a direct (naive) convolution, pools by hand, gradients, shapes.

mod common;
use autograd::Tensor;
use common::*;

/// The definition, literally: y[n,o,i,j] = b[o] + sum_{c,u,v} W[o,c,u,v] x[n,c,i*s+u-p,j*s+v-p].
fn conv2d_naive(x: &Tensor, w: &Tensor, b: Option<&Tensor>, s: usize, p: usize) -> Vec<f32> {
    let (n, c, h, wd) = x.dims4();
    let (o, _, kh, kw) = w.dims4();
    let (oh, ow) = ((h + 2 * p - kh) / s + 1, (wd + 2 * p - kw) / s + 1);
    let mut out = vec![0.0; n * o * oh * ow];
    for b_ in 0..n {
        for oc in 0..o {
            for i in 0..oh {
                for j in 0..ow {
                    let mut acc = b.map_or(0.0, |b| b.data()[oc]);
                    for ci in 0..c {
                        for u in 0..kh {
                            for v in 0..kw {
                                let (y, xx) =
                                    ((i * s + u) as isize - p as isize, (j * s + v) as isize - p as isize);
                                if y >= 0 && xx >= 0 && (y as usize) < h && (xx as usize) < wd {
                                    acc += w.data()[((oc * c + ci) * kh + u) * kw + v]
                                        * x.data()[((b_ * c + ci) * h + y as usize) * wd + xx as usize];
                                }
                            }
                        }
                    }
                    out[((b_ * o + oc) * oh + i) * ow + j] = acc;
                }
            }
        }
    }
    out
}

#[test]
fn conv2d_matches_the_definition() {
    for (stride, padding) in [(1, 0), (1, 1), (2, 1), (2, 0)] {
        let x = var(&[2, 3, 7, 6], 1);
        let w = var(&[4, 3, 3, 2], 2);
        let b = var(&[4], 3);
        let y = x.conv2d(&w, Some(&b), stride, padding);
        assert_close(y.data(), &conv2d_naive(&x, &w, Some(&b), stride, padding), 1e-4);
        let y = x.conv2d(&w, None, stride, padding);
        assert_close(y.data(), &conv2d_naive(&x, &w, None, stride, padding), 1e-4);
    }
}

#[test]
fn gradcheck_conv_and_pools() {
    let (x, w, b) = (var(&[2, 2, 5, 5], 1), var(&[3, 2, 3, 3], 2), var(&[3], 3));
    check("conv2d", &[x.clone(), w.clone(), b.clone()], |t| t[0].conv2d(&t[1], Some(&t[2]), 1, 1));
    check("conv2d stride 2", &[x.clone(), w.clone()], |t| t[0].conv2d(&t[1], None, 2, 0));
    check("max_pool2d", &[x.clone()], |t| t[0].max_pool2d(2, 2));
    check("max_pool2d overlapping", &[x.clone()], |t| t[0].max_pool2d(3, 1));
    check("avg_pool2d", &[x.clone()], |t| t[0].avg_pool2d(2, 2));
    check("avg_pool2d overlapping", &[x], |t| t[0].avg_pool2d(3, 2));
}

#[test]
fn hand_derived_conv2d_gradients() {
    // One 2x2 image x = [[1, 2], [3, 4]], one 1x1 kernel w = [2], bias b = [1]:
    // y = 2 x + 1 = [[3, 5], [7, 9]]. L = sum(y):
    //   dL/dx = w everywhere = 2;  dL/dw = sum(x) = 10;  dL/db = number of pixels = 4.
    let x = Tensor::var(vec![1.0, 2.0, 3.0, 4.0], &[1, 1, 2, 2]);
    let w = Tensor::var(vec![2.0], &[1, 1, 1, 1]);
    let b = Tensor::var(vec![1.0], &[1]);
    let y = x.conv2d(&w, Some(&b), 1, 0);
    assert_close(y.data(), &[3.0, 5.0, 7.0, 9.0], 1e-6);
    let g = y.sum_all(false).backward();
    assert_close(g.get(&x).unwrap().data(), &[2.0; 4], 1e-6);
    assert_close(g.get(&w).unwrap().data(), &[10.0], 1e-6);
    assert_close(g.get(&b).unwrap().data(), &[4.0], 1e-6);
}

#[test]
fn hand_derived_pools() {
    // x = [[1, 5], [3, 2]]: max is 5 (gradient only there); mean is 11/4 (gradient 1/4 each).
    let x = Tensor::var(vec![1.0, 5.0, 3.0, 2.0], &[1, 1, 2, 2]);
    let m = x.max_pool2d(2, 2);
    assert_close(m.data(), &[5.0], 1e-6);
    assert_close(m.sum_all(false).backward().get(&x).unwrap().data(), &[0.0, 1.0, 0.0, 0.0], 1e-6);
    let a = x.avg_pool2d(2, 2);
    assert_close(a.data(), &[2.75], 1e-6);
    assert_close(a.sum_all(false).backward().get(&x).unwrap().data(), &[0.25; 4], 1e-6);
}

#[test]
fn bad_shapes_name_the_op_and_both_shapes() {
    let x = Tensor::zeros(&[1, 3, 8, 8]);
    assert_bad_shape(
        || drop(x.conv2d(&Tensor::zeros(&[4, 2, 3, 3]), None, 1, 0)),
        &["conv2d", "[1, 3, 8, 8]", "[4, 2, 3, 3]"],
    );
    assert_bad_shape(
        || drop(x.conv2d(&Tensor::zeros(&[4, 3, 3]), None, 1, 0)),
        &["conv2d", "[1, 3, 8, 8]", "[4, 3, 3]"],
    );
    assert_bad_shape(
        || drop(x.conv2d(&Tensor::zeros(&[4, 3, 9, 9]), None, 1, 0)),
        &["conv2d", "[1, 3, 8, 8]", "[4, 3, 9, 9]"],
    );
    assert_bad_shape(
        || drop(x.conv2d(&Tensor::zeros(&[4, 3, 3, 3]), Some(&Tensor::zeros(&[3])), 1, 0)),
        &["conv2d", "[4, 3, 3, 3]", "[3]"],
    );
    assert_bad_shape(|| drop(Tensor::zeros(&[3, 8, 8]).max_pool2d(2, 2)), &["max_pool2d", "[3, 8, 8]"]);
    assert_bad_shape(|| drop(x.avg_pool2d(9, 1)), &["avg_pool2d", "[1, 3, 8, 8]", "[9, 9]"]);
}
