//! Linear, Mlp and the metrics, on hand-computed cases.

use autograd::{Tensor, seeded_rng};
use models::metrics::{accuracy, argmax_rows, confusion_matrix, macro_f1};
use models::{Activation, Linear, Mlp, Module};

#[test]
fn linear_computes_x_w_plus_b() {
    // x = [1, 2], W = [[1, 0, -1], [2, 1, 0]], b = [0.5, 0, 0]:
    // x W = [1 + 4, 0 + 2, -1 + 0] = [5, 2, -1]; + b = [5.5, 2, -1].
    let layer = Linear::new(
        Tensor::from_vec(vec![1.0, 0.0, -1.0, 2.0, 1.0, 0.0], &[2, 3]),
        Tensor::from_vec(vec![0.5, 0.0, 0.0], &[3]),
    );
    let y = layer.forward(&Tensor::from_vec(vec![1.0, 2.0], &[1, 2]));
    assert_eq!(y.data(), &[5.5, 2.0, -1.0]);
    assert_eq!(layer.to_string(), "Linear(2 -> 3)");
    let grads = y.sum_all(false).backward();
    // d sum / d b = 1 per output; d sum / d W[i][j] = x_i.
    assert_eq!(grads.get(layer.bias.tensor()).unwrap().data(), &[1.0, 1.0, 1.0]);
    assert_eq!(grads.get(layer.weight.tensor()).unwrap().data(), &[1.0, 1.0, 1.0, 2.0, 2.0, 2.0]);
}

#[test]
fn linear_rejects_a_bias_of_the_wrong_size() {
    let result = std::panic::catch_unwind(|| Linear::new(Tensor::zeros(&[2, 3]), Tensor::zeros(&[2])));
    let Err(payload) = result else { panic!("expected a panic") };
    let message = *payload.downcast::<String>().unwrap();
    assert!(message.contains("Linear") && message.contains("[2, 3]") && message.contains("[2]"), "{message}");
}

#[test]
fn mlp_has_the_promised_shape_and_parameters() {
    let mlp = Mlp::new(&[64, 32, 10], Activation::Relu, &mut seeded_rng(0));
    assert_eq!(mlp.to_string(), "Mlp(64 -> 32 -> 10, relu, 2410 parameters)");
    assert_eq!(mlp.num_parameters(), 64 * 32 + 32 + 32 * 10 + 10);
    assert_eq!(mlp.forward(&Tensor::zeros(&[5, 64])).shape(), &[5, 10]);
    assert_eq!(mlp.parameters().len(), 4);
}

#[test]
fn an_identity_mlp_is_one_linear_map() {
    // Without a nonlinearity, two layers compose to x (W1 W2) + (b1 W2 + b2).
    let mut mlp = Mlp::new(&[3, 4, 2], Activation::Identity, &mut seeded_rng(1));
    for p in mlp.parameters_mut() {
        p.update(|v| v.iter_mut().enumerate().for_each(|(i, x)| *x += 0.1 * i as f32));
    }
    let x = Tensor::from_vec(vec![0.5, -1.0, 2.0], &[1, 3]);
    let (l1, l2) = (&mlp.layers[0], &mlp.layers[1]);
    let w = l1.weight.tensor().matmul(l2.weight.tensor());
    let b = l1.bias.tensor().reshape(&[1, 4]).matmul(l2.weight.tensor()).add(l2.bias.tensor());
    let expected = x.matmul(&w).add(&b);
    for (a, e) in mlp.forward(&x).data().iter().zip(expected.data()) {
        assert!((a - e).abs() < 1e-5);
    }
}

#[test]
fn metrics_by_hand() {
    let truth = [0, 0, 1, 1, 2, 2];
    let predicted = [0, 1, 1, 1, 2, 0];
    assert!((accuracy(&predicted, &truth) - 4.0 / 6.0).abs() < 1e-12);
    assert_eq!(confusion_matrix(&predicted, &truth, 3), vec![vec![1, 1, 0], vec![0, 2, 0], vec![1, 0, 1]]);
    // Per class: 0: P = 1/2, R = 1/2, F1 = 1/2; 1: P = 2/3, R = 1, F1 = 4/5;
    // 2: P = 1, R = 1/2, F1 = 2/3. Macro-F1 = (1/2 + 4/5 + 2/3) / 3.
    let expected = (0.5 + 0.8 + 2.0 / 3.0) / 3.0;
    assert!((macro_f1(&predicted, &truth, 3) - expected).abs() < 1e-12);
    let scores = Tensor::from_vec(vec![0.1, 0.9, 0.0, 3.0, -1.0, 2.0], &[2, 3]);
    assert_eq!(argmax_rows(&scores), vec![1, 0]);
}

#[test]
fn an_mlp_state_dict_has_pytorch_names_and_layouts_and_loads_back() {
    use models::{Activation, Mlp, Module};
    let mut rng = autograd::seeded_rng(3);
    let mlp = Mlp::new(&[4, 3, 2], Activation::Relu, &mut rng);
    let state = mlp.state_dict();
    let names: Vec<(&str, &[usize])> = state.iter().map(|(n, t)| (n.as_str(), t.shape())).collect();
    // nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2)): weights are (out, in).
    assert_eq!(
        names,
        [("0.weight", &[3, 4][..]), ("0.bias", &[3][..]), ("2.weight", &[2, 3][..]), ("2.bias", &[2][..])]
    );
    // PyTorch's weight[o][i] is ours [i][o].
    assert_eq!(state[0].1.data()[4], mlp.layers[0].weight.tensor().data()[1]);
    let mut other = Mlp::new(&[4, 3, 2], Activation::Relu, &mut autograd::seeded_rng(4));
    let x = autograd::Tensor::from_vec((0..8).map(|v| v as f32 * 0.3 - 1.0).collect(), &[2, 4]);
    assert_ne!(other.forward(&x).to_vec(), mlp.forward(&x).to_vec());
    other.load_state_dict(&state).unwrap();
    assert_eq!(other.forward(&x).to_vec(), mlp.forward(&x).to_vec());
    // Wrong shapes, missing and unexpected entries are errors naming the entry.
    let mut wrong = state.clone();
    wrong[2].1 = autograd::Tensor::zeros(&[3, 2]);
    assert!(other.load_state_dict(&wrong).unwrap_err().contains("\"2.weight\" has shape [3, 2]"));
    assert!(other.load_state_dict(&state[1..]).unwrap_err().contains("no entry \"0.weight\""));
    let mut extra = state.clone();
    extra.push(("4.weight".into(), autograd::Tensor::zeros(&[1])));
    assert!(other.load_state_dict(&extra).unwrap_err().contains("\"4.weight\""));
}

#[test]
fn a_gcn_state_dict_has_pytorch_geometric_names_and_loads_back() {
    use models::{Activation, Gcn, Residual};
    let adj = autograd::Csr::from_triplets(3, 3, &[(0, 1, 0.5), (1, 0, 0.5), (2, 2, 1.0)]).unwrap();
    let x = autograd::Tensor::from_vec((0..12).map(|v| v as f32 * 0.1).collect(), &[3, 4]);
    for shared in [false, true] {
        let make = |seed| {
            let mut rng = autograd::seeded_rng(seed);
            Gcn::new((4, 5, 2), 4, shared, Residual::Scaled(0.3), Activation::Relu, &mut rng)
        };
        let gcn = make(1);
        let state = gcn.state_dict();
        let layers = if shared { 3 } else { 4 };
        assert_eq!(state.len(), 2 * layers);
        assert_eq!((state[0].0.as_str(), state[0].1.shape()), ("convs.0.lin.weight", &[5, 4][..]));
        assert_eq!((state[1].0.as_str(), state[1].1.shape()), ("convs.0.bias", &[5][..]));
        let mut other = make(2);
        assert_ne!(other.forward(&adj, &x).to_vec(), gcn.forward(&adj, &x).to_vec());
        other.load_state_dict(&state).unwrap();
        assert_eq!(other.forward(&adj, &x).to_vec(), gcn.forward(&adj, &x).to_vec());
        assert!(other.load_state_dict(&state[2..]).unwrap_err().contains("no entry \"convs.0.lin.weight\""));
    }
}
