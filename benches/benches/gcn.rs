//! One full-batch training step (forward, cross-entropy on 20 labels per class,
//! backward, Adam) of a 2-layer GCN on a planted partition with 100,000 nodes and about
//! 1,000,000 edges, 32 features, 16 hidden units, 4 classes.

use autograd::{Adam, Tensor, seeded_rng};
use criterion::{Criterion, criterion_group, criterion_main};
use models::graph::{PlantedPartition, planted_partition};
use models::{Activation, Gcn, Residual};

fn gcn_epoch(c: &mut Criterion) {
    let p = PlantedPartition {
        nodes: 100_000,
        classes: 4,
        average_degree: 20.0,
        homophily: 0.8,
        features: 32,
        signal: 1.6,
    };
    let (graph, features) = planted_partition(&p, &mut seeded_rng(1));
    let adj = graph.normalized_adjacency();
    let _ = adj.transpose(); // built once, as in training
    let x = Tensor::from_vec(features, &[graph.n, 32]);
    let labels = graph.labels.clone().unwrap();
    let train: Vec<usize> = (0..80).collect(); // 20 per class (node i has class i % 4)
    let targets: Vec<usize> = train.iter().map(|&i| labels[i]).collect();
    let mut gcn = Gcn::new((32, 16, 4), 2, false, Residual::None, Activation::Relu, &mut seeded_rng(2));
    let mut adam = Adam::new(0.01);
    println!("graph: {} nodes, {} edges", graph.n, graph.edges.len());
    let mut group = c.benchmark_group("gcn_100k_nodes_1m_edges");
    group.sample_size(10);
    group.bench_function("train_step", |bench| {
        bench.iter(|| {
            let loss = gcn.forward(&adj, &x).index_select(0, &train).cross_entropy(&targets);
            let grads = loss.backward();
            drop(loss);
            adam.step(&mut gcn.parameters_mut(), &grads);
        })
    });
    group.finish();
}

criterion_group!(benches, gcn_epoch);
criterion_main!(benches);
