//! Convolution and pooling over NCHW images (batch, channels, height, width).
//!
//! conv2d is im2col + sgemm: every receptive field of every image is unrolled into
//! one column of a matrix `cols` (channels*kh*kw, batch*out_h*out_w); then the whole
//! batch's convolution is one matrix product, out = W cols, with W the weight
//! flattened to (out_channels, channels*kh*kw). Backward runs the same product the
//! other way:   d W += G cols^T,   d cols = W^T G, folded back onto pixels by col2im.
//! One large product instead of one per image keeps both cores busy (measured in
//! benches/README.md).

use crate::backward::GradSink;
use crate::buffer;
use crate::op::Op;
use crate::ops::reduce::fast_sum;
use crate::sgemm::{Strides, sgemm};
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

    /// im2col of every image of a (n, c, h, w) batch, side by side:
    /// (rows, n * out_h * out_w).
    fn batch_im2col(&self, input: &Tensor) -> Vec<f32> {
        let n = input.shape()[0];
        let (image_len, p) = (self.c * self.h * self.w, self.cols());
        let mut cols = buffer::scratch(self.rows() * n * p); // im2col writes every entry
        for (i, image) in input.data().chunks_exact(image_len).enumerate() {
            self.im2col(image, &mut cols, n * p, i * p);
        }
        cols
    }

    /// For kernel column `kx`: the output columns ox whose input column
    /// x = ox * stride + kx - padding lies inside the image, as a range.
    fn valid_columns(&self, kx: usize) -> std::ops::Range<usize> {
        let (s, p) = (self.stride, self.padding);
        // x >= 0  <=>  ox * s >= p - kx
        let lo = if p > kx { (p - kx).div_ceil(s) } else { 0 };
        // x <= w - 1  <=>  ox * s <= w - 1 + p - kx
        let hi = if self.w + p > kx { ((self.w - 1 + p - kx) / s + 1).min(self.out_w) } else { 0 };
        lo..hi.max(lo)
    }

    /// Unroll one image (c, h, w) into its block of `cols`: row r of the block starts
    /// at `r * row_stride + offset` and holds out_h*out_w values; zeros where a window
    /// hangs over the padding.
    fn im2col(&self, image: &[f32], cols: &mut [f32], row_stride: usize, offset: usize) {
        let (s, p) = (self.stride, self.padding);
        for ci in 0..self.c {
            for ky in 0..self.kh {
                for kx in 0..self.kw {
                    let row = (ci * self.kh + ky) * self.kw + kx;
                    let dst = &mut cols[row * row_stride + offset..][..self.cols()];
                    let valid = self.valid_columns(kx);
                    for (oy, line) in dst.chunks_exact_mut(self.out_w).enumerate() {
                        let y = (oy * s + ky) as isize - p as isize;
                        if y < 0 || y >= self.h as isize {
                            line.fill(0.0);
                            continue;
                        }
                        let src = &image[(ci * self.h + y as usize) * self.w..][..self.w];
                        line[..valid.start].fill(0.0);
                        line[valid.end..].fill(0.0);
                        let x0 = valid.start * s + kx - p;
                        if s == 1 {
                            line[valid.clone()].copy_from_slice(&src[x0..x0 + valid.len()]);
                        } else {
                            for (j, v) in line[valid.clone()].iter_mut().enumerate() {
                                *v = src[x0 + j * s];
                            }
                        }
                    }
                }
            }
        }
    }

    /// The adjoint of im2col: add each entry of the image's block of `cols` back to
    /// the pixel it came from.
    fn col2im(&self, cols: &[f32], row_stride: usize, offset: usize, image: &mut [f32]) {
        let (s, p) = (self.stride, self.padding);
        for ci in 0..self.c {
            for ky in 0..self.kh {
                for kx in 0..self.kw {
                    let row = (ci * self.kh + ky) * self.kw + kx;
                    let src = &cols[row * row_stride + offset..][..self.cols()];
                    let valid = self.valid_columns(kx);
                    for (oy, line) in src.chunks_exact(self.out_w).enumerate() {
                        let y = (oy * s + ky) as isize - p as isize;
                        if y < 0 || y >= self.h as isize {
                            continue;
                        }
                        let dst = &mut image[(ci * self.h + y as usize) * self.w..][..self.w];
                        let x0 = valid.start * s + kx - p;
                        let line = &line[valid.clone()];
                        if s == 1 {
                            let dst = &mut dst[x0..x0 + line.len()];
                            dst.iter_mut().zip(line).for_each(|(d, v)| *d += v);
                        } else {
                            for (j, v) in line.iter().enumerate() {
                                dst[x0 + j * s] += v;
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
    /// `y[n, o, i, j] = b[o] + sum_{c, u, v} W[o, c, u, v] x[n, c, i*s + u - p, j*s + v - p]`.
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
        let (rows, p) = (geo.rows(), geo.cols());
        let cols = geo.batch_im2col(self);
        // (out_c, batch * p) = (out_c, rows) x (rows, batch * p)
        let mut out_all = buffer::scratch(out_c * n * p); // beta = 0: overwritten
        sgemm(
            out_c,
            rows,
            n * p,
            weight.data(),
            Strides::row_major(rows),
            &cols,
            Strides::row_major(n * p),
            0.0,
            &mut out_all,
        );
        buffer::recycle(cols);
        // (out_c, batch, p) -> (batch, out_c, p), adding the bias on the way.
        let mut out = buffer::take(n * out_c * p);
        for i in 0..n {
            for o in 0..out_c {
                let b = bias.map_or(0.0, |b| b.data()[o]);
                out.extend(out_all[(o * n + i) * p..][..p].iter().map(|v| v + b));
            }
        }
        buffer::recycle(out_all);
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
    let (rows, p) = (geo.rows(), geo.cols());
    let image_len = geo.c * geo.h * geo.w;
    // G (batch, out_c, p) -> (out_c, batch * p), the layout of the forward product.
    let mut g_all = buffer::take(out_c * n * p);
    for o in 0..out_c {
        for i in 0..n {
            g_all.extend_from_slice(&g[(i * out_c + o) * p..][..p]);
        }
    }
    if let Some(b) = bias.filter(|b| b.requires_grad()) {
        sink.add(b, g_all.chunks_exact(n * p).map(fast_sum).collect());
    }
    if weight.requires_grad() {
        // d W (out_c, rows) += G (out_c, batch * p) x cols^T (batch * p, rows)
        let cols = geo.batch_im2col(x);
        let grad_weight = sink.slot(weight);
        sgemm(
            out_c,
            n * p,
            rows,
            &g_all,
            Strides::row_major(n * p),
            &cols,
            Strides::transposed(n * p),
            1.0,
            grad_weight,
        );
        buffer::recycle(cols);
    }
    if x.requires_grad() {
        // d cols (rows, batch * p) = W^T (rows, out_c) x G (out_c, batch * p)
        let mut grad_cols = buffer::scratch(rows * n * p); // beta = 0: overwritten
        sgemm(
            rows,
            out_c,
            n * p,
            weight.data(),
            Strides::transposed(rows),
            &g_all,
            Strides::row_major(n * p),
            0.0,
            &mut grad_cols,
        );
        let grad_input = sink.slot(x);
        for (i, image) in grad_input.chunks_exact_mut(image_len).enumerate() {
            geo.col2im(&grad_cols, n * p, i * p, image);
        }
        buffer::recycle(grad_cols);
    }
    buffer::recycle(g_all);
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
