//! Convolution and pooling over NCHW images (batch, channels, height, width).
//!
//! conv2d is im2col + sgemm: for each image, every receptive field is unrolled into
//! one column of a matrix `cols` (channels*kh*kw, out_h*out_w); then the convolution
//! is one matrix product, out = W cols, with W the weight flattened to
//! (out_channels, channels*kh*kw). Backward runs the same product the other way:
//!   d W    += G cols^T              d cols = W^T G, folded back by col2im.

use crate::backward::GradSink;
use crate::op::Op;
use crate::ops::matmul::{Strides, sgemm};
use crate::tensor::Tensor;

/// Geometry of one conv2d: input (c, h, w), kernel (kh, kw), stride, padding.
#[derive(Clone, Copy)]
struct ConvGeometry {
    c: usize,
    h: usize,
    w: usize,
    kh: usize,
    kw: usize,
    stride: usize,
    padding: usize,
    out_h: usize,
    out_w: usize,
}

impl ConvGeometry {
    fn rows(&self) -> usize {
        self.c * self.kh * self.kw
    }
    fn cols(&self) -> usize {
        self.out_h * self.out_w
    }

    /// Unroll one image (c, h, w) into `cols` (c*kh*kw, out_h*out_w), zeros where a
    /// window hangs over the padding.
    fn im2col(&self, image: &[f32], cols: &mut [f32]) {
        let (s, p) = (self.stride, self.padding);
        for ci in 0..self.c {
            for ky in 0..self.kh {
                for kx in 0..self.kw {
                    let row = (ci * self.kh + ky) * self.kw + kx;
                    let dst = &mut cols[row * self.cols()..][..self.cols()];
                    for oy in 0..self.out_h {
                        let y = (oy * s + ky) as isize - p as isize;
                        let line = &mut dst[oy * self.out_w..][..self.out_w];
                        if y < 0 || y >= self.h as isize {
                            line.fill(0.0);
                            continue;
                        }
                        let src = &image[(ci * self.h + y as usize) * self.w..][..self.w];
                        for (ox, v) in line.iter_mut().enumerate() {
                            let x = (ox * s + kx) as isize - p as isize;
                            *v = if x < 0 || x >= self.w as isize { 0.0 } else { src[x as usize] };
                        }
                    }
                }
            }
        }
    }

    /// The adjoint of im2col: add each column entry back to the pixel it came from.
    fn col2im(&self, cols: &[f32], image: &mut [f32]) {
        let (s, p) = (self.stride, self.padding);
        for ci in 0..self.c {
            for ky in 0..self.kh {
                for kx in 0..self.kw {
                    let row = (ci * self.kh + ky) * self.kw + kx;
                    let src = &cols[row * self.cols()..][..self.cols()];
                    for oy in 0..self.out_h {
                        let y = (oy * s + ky) as isize - p as isize;
                        if y < 0 || y >= self.h as isize {
                            continue;
                        }
                        let dst = &mut image[(ci * self.h + y as usize) * self.w..][..self.w];
                        for ox in 0..self.out_w {
                            let x = (ox * s + kx) as isize - p as isize;
                            if x >= 0 && x < self.w as isize {
                                dst[x as usize] += src[oy * self.out_w + ox];
                            }
                        }
                    }
                }
            }
        }
    }
}

#[track_caller]
fn conv_geometry(input: &Tensor, weight: &Tensor, stride: usize, padding: usize) -> ConvGeometry {
    let (xs, ws) = (input.shape(), weight.shape());
    let (&[_, c, h, w], &[_, wc, kh, kw]) = (xs, ws) else {
        panic!(
            "conv2d: input shape {xs:?} and weight shape {ws:?}: expected (n, c, h, w) and (out, c, kh, kw)"
        )
    };
    assert_eq!(
        c, wc,
        "conv2d: input shape {xs:?} and weight shape {ws:?}: input channels {c} and {wc} differ"
    );
    assert!(stride > 0, "conv2d: stride must be positive");
    assert!(
        h + 2 * padding >= kh && w + 2 * padding >= kw,
        "conv2d: input shape {xs:?} with padding {padding} is smaller than weight shape {ws:?}'s kernel"
    );
    let out_h = (h + 2 * padding - kh) / stride + 1;
    let out_w = (w + 2 * padding - kw) / stride + 1;
    ConvGeometry { c, h, w, kh, kw, stride, padding, out_h, out_w }
}

impl Tensor {
    /// 2-D convolution (cross-correlation, as in every framework):
    /// y[n, o, i, j] = b[o] + sum_{c, u, v} W[o, c, u, v] x[n, c, i*s + u - p, j*s + v - p].
    /// input (n, c, h, w), weight (out, c, kh, kw), bias (out) or None.
    /// torch: `F.conv2d(x, w, b, stride, padding)`
    #[track_caller]
    pub fn conv2d(&self, weight: &Tensor, bias: Option<&Tensor>, stride: usize, padding: usize) -> Tensor {
        let geo = conv_geometry(self, weight, stride, padding);
        let (n, out_c) = (self.shape()[0], weight.shape()[0]);
        if let Some(b) = bias {
            assert_eq!(
                b.shape(),
                [out_c],
                "conv2d: weight shape {:?} and bias shape {:?}: expected bias ({out_c})",
                weight.shape(),
                b.shape()
            );
        }
        let (rows, cols_n) = (geo.rows(), geo.cols());
        let mut cols = vec![0.0; rows * cols_n];
        let mut out = vec![0.0; n * out_c * cols_n];
        let image_len = geo.c * geo.h * geo.w;
        for (i, out_i) in out.chunks_exact_mut(out_c * cols_n).enumerate() {
            geo.im2col(&self.data()[i * image_len..][..image_len], &mut cols);
            if let Some(b) = bias {
                for (plane, &bo) in out_i.chunks_exact_mut(cols_n).zip(b.data()) {
                    plane.fill(bo);
                }
            }
            let beta = if bias.is_some() { 1.0 } else { 0.0 };
            sgemm(
                out_c,
                rows,
                cols_n,
                weight.data(),
                Strides::row_major(rows),
                &cols,
                Strides::row_major(cols_n),
                beta,
                out_i,
            );
        }
        let shape = vec![n, out_c, geo.out_h, geo.out_w];
        let op =
            Op::Conv2d { input: self.clone(), weight: weight.clone(), bias: bias.cloned(), stride, padding };
        Tensor::from_op(out, shape, op)
    }

    /// Max over `kernel` x `kernel` windows taken every `stride` pixels (no padding).
    /// torch: `F.max_pool2d(x, kernel, stride)`
    #[track_caller]
    pub fn max_pool2d(&self, kernel: usize, stride: usize) -> Tensor {
        let (n, c, h, w, out_h, out_w) = pool_geometry("max_pool2d", self, kernel, stride);
        let x = self.data();
        let mut argmax = Vec::with_capacity(n * c * out_h * out_w);
        for plane in 0..n * c {
            for oy in 0..out_h {
                for ox in 0..out_w {
                    let mut best = plane * h * w + oy * stride * w + ox * stride;
                    for u in 0..kernel {
                        for v in 0..kernel {
                            let at = plane * h * w + (oy * stride + u) * w + ox * stride + v;
                            if x[at] > x[best] {
                                best = at;
                            }
                        }
                    }
                    argmax.push(best);
                }
            }
        }
        let out = argmax.iter().map(|&at| x[at]).collect();
        Tensor::from_op(out, vec![n, c, out_h, out_w], Op::MaxPool2d { input: self.clone(), argmax })
    }

    /// Mean over `kernel` x `kernel` windows taken every `stride` pixels (no padding).
    /// torch: `F.avg_pool2d(x, kernel, stride)`
    #[track_caller]
    pub fn avg_pool2d(&self, kernel: usize, stride: usize) -> Tensor {
        let (n, c, h, w, out_h, out_w) = pool_geometry("avg_pool2d", self, kernel, stride);
        let x = self.data();
        let norm = 1.0 / (kernel * kernel) as f32;
        let mut out = Vec::with_capacity(n * c * out_h * out_w);
        for plane in 0..n * c {
            for oy in 0..out_h {
                for ox in 0..out_w {
                    let mut total = 0.0;
                    for u in 0..kernel {
                        let row = plane * h * w + (oy * stride + u) * w + ox * stride;
                        total += x[row..row + kernel].iter().sum::<f32>();
                    }
                    out.push(total * norm);
                }
            }
        }
        Tensor::from_op(out, vec![n, c, out_h, out_w], Op::AvgPool2d { input: self.clone(), kernel, stride })
    }
}

#[track_caller]
fn pool_geometry(
    op: &str,
    x: &Tensor,
    kernel: usize,
    stride: usize,
) -> (usize, usize, usize, usize, usize, usize) {
    let [n, c, h, w] = *x.shape() else {
        panic!(
            "{op}: input shape {:?} and window [{kernel}, {kernel}]: expected input (n, c, h, w)",
            x.shape()
        )
    };
    assert!(kernel > 0 && stride > 0, "{op}: kernel and stride must be positive");
    assert!(
        h >= kernel && w >= kernel,
        "{op}: input shape {:?} is smaller than window [{kernel}, {kernel}]",
        x.shape()
    );
    (n, c, h, w, (h - kernel) / stride + 1, (w - kernel) / stride + 1)
}

/// Per image: d W += G cols^T, d cols = W^T G then col2im, d b[o] = sum of G over
/// the image's pixels and the batch.
pub(crate) fn conv2d_backward(
    x: &Tensor,
    weight: &Tensor,
    bias: Option<&Tensor>,
    (stride, padding): (usize, usize),
    out_shape: &[usize],
    g: &[f32],
    sink: &mut GradSink,
) {
    let geo = conv_geometry(x, weight, stride, padding);
    let (n, out_c) = (out_shape[0], out_shape[1]);
    let (rows, cols_n) = (geo.rows(), geo.cols());
    let image_len = geo.c * geo.h * geo.w;
    if let Some(b) = bias.filter(|b| b.requires_grad()) {
        let mut grad_bias = vec![0.0; out_c];
        for (k, plane) in g.chunks_exact(cols_n).enumerate() {
            grad_bias[k % out_c] += plane.iter().sum::<f32>();
        }
        sink.add(b, grad_bias);
    }
    let mut cols = vec![0.0; rows * cols_n];
    if weight.requires_grad() {
        let grad_weight = sink.slot(weight);
        for i in 0..n {
            geo.im2col(&x.data()[i * image_len..][..image_len], &mut cols);
            let g_i = &g[i * out_c * cols_n..][..out_c * cols_n];
            sgemm(
                out_c,
                cols_n,
                rows,
                g_i,
                Strides::row_major(cols_n),
                &cols,
                Strides::transposed(cols_n),
                1.0,
                grad_weight,
            );
        }
    }
    if x.requires_grad() {
        let grad_input = sink.slot(x);
        for i in 0..n {
            let g_i = &g[i * out_c * cols_n..][..out_c * cols_n];
            sgemm(
                rows,
                out_c,
                cols_n,
                weight.data(),
                Strides::transposed(rows),
                g_i,
                Strides::row_major(cols_n),
                0.0,
                &mut cols,
            );
            geo.col2im(&cols, &mut grad_input[i * image_len..][..image_len]);
        }
    }
}

/// Each window's gradient goes to the pixel that won it.
pub(crate) fn max_pool2d_backward(x: &Tensor, argmax: &[usize], g: &[f32], sink: &mut GradSink) {
    let grad = sink.slot(x);
    for (&at, &g) in argmax.iter().zip(g) {
        grad[at] += g;
    }
}

/// Each window's gradient is shared equally by its kernel*kernel pixels.
pub(crate) fn avg_pool2d_backward(
    x: &Tensor,
    kernel: usize,
    stride: usize,
    out_shape: &[usize],
    g: &[f32],
    sink: &mut GradSink,
) {
    let (h, w) = (x.shape()[2], x.shape()[3]);
    let (out_h, out_w) = (out_shape[2], out_shape[3]);
    let norm = 1.0 / (kernel * kernel) as f32;
    let grad = sink.slot(x);
    for (j, &g) in g.iter().enumerate() {
        let (plane, oy, ox) = (j / (out_h * out_w), j / out_w % out_h, j % out_w);
        for u in 0..kernel {
            let row = plane * h * w + (oy * stride + u) * w + ox * stride;
            grad[row..row + kernel].iter_mut().for_each(|d| *d += g * norm);
        }
    }
}
