//! Tensor fusion against low-rank fusion (chapter 9), one training step (forward, L1
//! loss, backward, Adam) and inference, at two sizes:
//! - toy MOSI SPEC section 10's: projections of 32, 32 and 64 (the tensor has
//!   33 x 33 x 65 = 70,785 entries), batch 32, the fusion layer alone with the gradient
//!   flowing into the projections: TFN with a linear head and with an MLP head (32
//!   hidden units) against LMF of ranks 1 to 16;
//! - toy MOSI's models whole (encoders from the 32/12/12 summaries, projections of 8,
//!   dropout 0.1, Adam with weight decay): `FusionNet` with `Tfn`, `TfnLinear`, `Lmf(4)`.
//!
//! `benches/peers/torch_fusion.py` is the same workloads in PyTorch, and
//! `python3 benches/peers/fusion_compare.py` runs both sides in alternating rounds and
//! writes `benches/results/fusion-avx2.json`, which chapter 9 draws.

use autograd::{Adam, Parameter, Tensor, no_grad, seeded_rng};
use criterion::{Criterion, criterion_group, criterion_main};
use models::fusion::{FusionNet, LowRank, Method, tensor_fusion, torch_linear};
use models::{Mode, Model, Module};

fn l1(prediction: &Tensor, target: &Tensor) -> Tensor {
    prediction.sub(target).abs().mean(0, false).mean(0, false)
}

fn fusion_layer(c: &mut Criterion) {
    let mut rng = seeded_rng(0);
    let dims = [32usize, 32, 64];
    let hs: Vec<Tensor> =
        dims.iter().map(|&d| Tensor::randn(&[32, d], 0.0, 1.0, &mut rng).as_var()).collect();
    let target = Tensor::randn(&[32, 1], 0.0, 1.0, &mut rng);
    let size: usize = dims.iter().map(|d| d + 1).product();
    let mut group = c.benchmark_group("fusion_layer_32_32_64_batch_32");
    let mut tfn = torch_linear(size, 1, &mut rng);
    let mut adam = Adam::new(2e-3);
    group.bench_function("tfn_linear_train_step", |b| {
        b.iter(|| {
            let loss = l1(&tfn.forward(&tensor_fusion(&hs)), &target);
            let grads = loss.backward();
            adam.step(&mut tfn.parameters_mut(), &grads);
        })
    });
    let (mut hidden, mut out) = (torch_linear(size, 32, &mut rng), torch_linear(32, 1, &mut rng));
    let mut adam = Adam::new(2e-3);
    group.bench_function("tfn_mlp_train_step", |b| {
        b.iter(|| {
            let loss = l1(&out.forward(&hidden.forward(&tensor_fusion(&hs)).relu()), &target);
            let grads = loss.backward();
            let mut params = hidden.parameters_mut();
            params.extend(out.parameters_mut());
            adam.step(&mut params, &grads);
        })
    });
    for rank in [1usize, 2, 4, 8, 16] {
        let mut lmf = LowRank::new(&dims, rank, &mut rng);
        let mut adam = Adam::new(2e-3);
        group.bench_function(format!("lmf_rank{rank}_train_step"), |b| {
            b.iter(|| {
                let loss = l1(&lmf.forward(&hs), &target);
                let grads = loss.backward();
                let mut params: Vec<&mut Parameter> = lmf.parameters_mut();
                adam.step(&mut params, &grads);
            })
        });
    }
    let lmf = LowRank::new(&dims, 4, &mut rng);
    group.bench_function("tfn_linear_inference", |b| b.iter(|| no_grad(|| tfn.forward(&tensor_fusion(&hs)))));
    group.bench_function("lmf_rank4_inference", |b| b.iter(|| no_grad(|| lmf.forward(&hs))));
    group.finish();
}

fn toy_mosi_models(c: &mut Criterion) {
    let mut rng = seeded_rng(1);
    let widths = [32usize, 12, 12];
    let xs: Vec<Tensor> = widths.iter().map(|&d| Tensor::randn(&[32, d], 0.0, 1.0, &mut rng)).collect();
    let target = Tensor::randn(&[32, 1], 0.0, 1.0, &mut rng);
    let mut group = c.benchmark_group("toy_mosi_model_batch_32");
    for (name, method) in
        [("tfn", Method::Tfn), ("tfn_linear", Method::TfnLinear), ("lmf_rank4", Method::Lmf(4))]
    {
        let mut model = FusionNet::new(method, &widths, &mut rng);
        let mut adam = Adam::new(2e-3).with_weight_decay(1e-4);
        let mut step_rng = seeded_rng(2);
        group.bench_function(format!("{name}_train_step"), |b| {
            b.iter(|| {
                let loss = l1(&model.forward(&xs, &mut Mode::train(0.1, &mut step_rng)), &target);
                let grads = loss.backward();
                adam.step(&mut model.parameters_mut(), &grads);
            })
        });
        group.bench_function(format!("{name}_inference"), |b| {
            b.iter(|| no_grad(|| model.forward(&xs, &mut Mode::Eval)))
        });
    }
    group.finish();
}

criterion_group!(benches, fusion_layer, toy_mosi_models);
criterion_main!(benches);
