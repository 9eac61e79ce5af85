//! candle (CPU) on the workloads of benches/benches/*.rs: tiny-op overhead, the MLP
//! step, conv2d and the LSTM language-model step. Prints one JSON line per workload, like the Python peers.
//!     cargo run --release --manifest-path benches/peers/candle/Cargo.toml

use std::time::{Duration, Instant};

use candle_core::{DType, Device, Tensor, Var};
use candle_nn::{AdamW, Module, Optimizer, ParamsAdamW, SGD, VarBuilder, VarMap};

fn bench(name: &str, mut f: impl FnMut()) {
    for _ in 0..3 {
        f();
    }
    let mut times = Vec::new();
    let start = Instant::now();
    while times.len() < 10 || start.elapsed() < Duration::from_secs(1) {
        let t0 = Instant::now();
        f();
        times.push(t0.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    let median_ms = times[times.len() / 2] * 1e3;
    println!("{{\"bench\": \"{name}\", \"median_ms\": {median_ms:.5}, \"runs\": {}}}", times.len());
}

fn main() -> candle_core::Result<()> {
    let dev = Device::Cpu;
    println!("# candle-core 0.9, threads: {}", candle_core::utils::get_num_threads());

    let a = Var::new(&[1f32], &dev)?;
    let b = Var::new(&[2f32], &dev)?;
    bench("tiny_add_backward", || {
        let _ = (a.as_tensor() + b.as_tensor()).unwrap().backward().unwrap();
    });

    let widths = [784usize, 256, 256, 10];
    let mut vars = Vec::new();
    for pair in widths.windows(2) {
        let bound = (6.0 / pair[0] as f64).sqrt();
        vars.push(Var::rand_f64(-bound, bound, (pair[0], pair[1]), DType::F32, &dev)?);
        vars.push(Var::zeros(pair[1], DType::F32, &dev)?);
    }
    let x = Tensor::randn(0f32, 1.0, (128, 784), &dev)?;
    let labels: Vec<u32> = (0..128u32).map(|i| i * 7 % 10).collect();
    let labels = Tensor::from_vec(labels, 128, &dev)?;
    let mut sgd = SGD::new(vars.clone(), 0.01)?;
    bench("mlp_784_256_256_10_step_b128", || {
        let mut h = x.clone();
        for i in 0..3 {
            h = h.matmul(vars[2 * i].as_tensor()).unwrap().broadcast_add(vars[2 * i + 1].as_tensor()).unwrap();
            if i < 2 {
                h = h.relu().unwrap();
            }
        }
        let loss = candle_nn::loss::cross_entropy(&h, &labels).unwrap();
        sgd.backward_step(&loss).unwrap();
    });

    let img = Var::from_tensor(&Tensor::randn(0f32, 1.0, (64, 3, 32, 32), &dev)?)?;
    let w = Var::from_tensor(&(Tensor::randn(0f32, 1.0, (16, 3, 3, 3), &dev)? * 0.2)?)?;
    let bias = Var::zeros((1, 16, 1, 1), DType::F32, &dev)?;
    bench("conv2d_64x3x32x32_16x3x3/forward", || {
        let _ = img.as_tensor().conv2d(w.as_tensor(), 1, 1, 1, 1).unwrap().broadcast_add(bias.as_tensor()).unwrap();
    });
    bench("conv2d_64x3x32x32_16x3x3/forward_backward", || {
        let y = img.as_tensor().conv2d(w.as_tensor(), 1, 1, 1, 1).unwrap().broadcast_add(bias.as_tensor()).unwrap();
        let _ = y.sum_all().unwrap().backward().unwrap();
    });

    // LSTM language-model-shaped step: inputs 32, T = 20, batch 64, hidden 128, a
    // readout to 50 words at every step, cross-entropy, backward, Adam.
    let (batch, steps, input, hidden, vocabulary) = (64usize, 20usize, 32usize, 128usize, 50usize);
    let varmap = VarMap::new();
    let vb = VarBuilder::from_varmap(&varmap, DType::F32, &dev);
    let lstm = candle_nn::lstm(input, hidden, candle_nn::LSTMConfig::default(), vb.pp("lstm"))?;
    let readout = candle_nn::linear(hidden, vocabulary, vb.pp("readout"))?;
    let seq_x = Tensor::randn(0f32, 1.0, (batch, steps, input), &dev)?;
    let targets: Vec<u32> = (0..batch * steps).map(|i| ((i * 7 + i / 3) % vocabulary) as u32).collect();
    let targets = Tensor::from_vec(targets, batch * steps, &dev)?;
    let params = ParamsAdamW { lr: 1e-3, weight_decay: 0.0, ..Default::default() };
    let mut adam = AdamW::new(varmap.all_vars(), params)?;
    bench("lstm_lm_b64_t20_h128/lstm_train_step", || {
        use candle_nn::RNN;
        let states = lstm.seq(&seq_x).unwrap();
        let hs = lstm.states_to_tensor(&states).unwrap().reshape((batch * steps, hidden)).unwrap();
        let loss = candle_nn::loss::cross_entropy(&readout.forward(&hs).unwrap(), &targets).unwrap();
        adam.backward_step(&loss).unwrap();
    });
    Ok(())
}
