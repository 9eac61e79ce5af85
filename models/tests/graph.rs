//! Graphs: the normalised adjacency against a dense hand computation, the shipped
//! graphs, planted partitions, edge splits, and a GCN layer's gradients.

use autograd::{Tensor, gradcheck, seeded_rng};
use models::data::data_dir;
use models::graph::{Graph, PlantedPartition, load_karate, load_lesmis, planted_partition};
use models::{Activation, Gcn, GcnLayer, Residual};

#[test]
fn normalized_adjacency_matches_the_dense_formula() {
    // The path 0 - 1 - 2. With self-loops, degrees are d~ = (2, 3, 2), and
    // Â_ij = (A + I)_ij / sqrt(d~_i d~_j):
    //   Â = [[1/2,      1/sqrt6, 0      ],
    //        [1/sqrt6,  1/3,     1/sqrt6],
    //        [0,        1/sqrt6, 1/2    ]]
    let g = Graph::new(3, [(0, 1), (2, 1)]);
    let s6 = 1.0 / 6f32.sqrt();
    let expected = [0.5, s6, 0.0, s6, 1.0 / 3.0, s6, 0.0, s6, 0.5];
    let got = g.normalized_adjacency().to_dense();
    for (a, e) in got.iter().zip(expected) {
        assert!((a - e).abs() < 1e-6, "{got:?}");
    }
}

#[test]
fn normalized_adjacency_matches_dense_matrix_algebra_on_karate() {
    // D~^{-1/2} (A + I) D~^{-1/2}, computed with dense matrices from the edge list.
    let g = load_karate(&data_dir()).unwrap();
    let n = g.n;
    let mut a = vec![0.0f64; n * n];
    for &(u, v) in &g.edges {
        a[u * n + v] = 1.0;
        a[v * n + u] = 1.0;
    }
    (0..n).for_each(|i| a[i * n + i] += 1.0);
    let d: Vec<f64> = (0..n).map(|i| (0..n).map(|j| a[i * n + j]).sum()).collect();
    let sparse = g.normalized_adjacency().to_dense();
    for i in 0..n {
        for j in 0..n {
            let expected = a[i * n + j] / (d[i] * d[j]).sqrt();
            assert!((sparse[i * n + j] as f64 - expected).abs() < 1e-6, "({i}, {j})");
        }
    }
}

#[test]
fn the_shipped_graphs_load() {
    let karate = load_karate(&data_dir()).unwrap();
    assert_eq!((karate.n, karate.edges.len()), (34, 78));
    let labels = karate.labels.as_ref().unwrap();
    assert_eq!(labels.iter().filter(|&&l| l == 0).count(), 17);
    assert_eq!((labels[0], labels[33]), (0, 1), "Mr. Hi and the officer lead opposite factions");
    let lesmis = load_lesmis(&data_dir()).unwrap();
    assert_eq!((lesmis.n, lesmis.edges.len()), (77, 254));
    assert_eq!(lesmis.names[10], "Valjean");
}

#[test]
fn a_bad_edge_is_reported_with_its_line() {
    let dir = std::env::temp_dir().join(format!("models-graph-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("lesmis_nodes.csv"), "id,name\n0,A\n1,B\n").unwrap();
    std::fs::write(dir.join("lesmis_edges.csv"), "source,target,weight\n0,1,1\n1,5,1\n").unwrap();
    let err = load_lesmis(&dir).unwrap_err().to_string();
    assert!(err.contains("lesmis_edges.csv") && err.contains("line 3") && err.contains("(1, 5)"), "{err}");
}

#[test]
fn planted_partitions_have_the_asked_for_structure() {
    let p = PlantedPartition {
        nodes: 4000,
        classes: 4,
        average_degree: 10.0,
        homophily: 0.8,
        features: 8,
        signal: 1.0,
    };
    let (g, x) = planted_partition(&p, &mut seeded_rng(3));
    let labels = g.labels.as_ref().unwrap();
    let within =
        g.edges.iter().filter(|&&(u, v)| labels[u] == labels[v]).count() as f64 / g.edges.len() as f64;
    assert!((within - 0.8).abs() < 0.02, "homophily {within}");
    let degree = 2.0 * g.edges.len() as f64 / g.n as f64;
    assert!((degree - 10.0).abs() < 0.3, "average degree {degree} (duplicates merged)");
    assert_eq!(x.len(), 4000 * 8);
    let (g2, x2) = planted_partition(&p, &mut seeded_rng(3));
    assert_eq!((g.edges, x), (g2.edges, x2), "same seed, same graph");
}

#[test]
fn held_out_edges_and_non_edges_are_disjoint() {
    let g = load_lesmis(&data_dir()).unwrap();
    let mut rng = seeded_rng(1);
    let (train, test) = g.hold_out_edges(0.1, &mut rng);
    assert_eq!(test.len(), 25);
    assert_eq!(train.edges.len() + test.len(), g.edges.len());
    assert!(test.iter().all(|e| train.edges.binary_search(e).is_err()));
    let neg = g.sample_non_edges(50, &[], &mut rng);
    assert_eq!(neg.len(), 50);
    assert!(neg.iter().all(|&(u, v)| u < v && g.edges.binary_search(&(u, v)).is_err()));
}

#[test]
fn gradcheck_through_gcn_layers() {
    let g = Graph::new(5, [(0, 1), (1, 2), (2, 3), (3, 4), (0, 4), (1, 3)]);
    let adj = g.normalized_adjacency();
    let x = Tensor::randn(&[5, 3], 0.0, 1.0, &mut seeded_rng(0));
    let w = Tensor::randn(&[3, 2], 0.0, 0.5, &mut seeded_rng(1));
    let b = Tensor::randn(&[2], 0.0, 0.5, &mut seeded_rng(2));
    // The layer is Â (X W) + b ...
    let layer = GcnLayer::new(w.clone(), b.clone());
    let direct = adj.matmul(&x.matmul(&w)).add(&b);
    let via_layer = layer.forward(&adj, &x);
    for (a, e) in via_layer.data().iter().zip(direct.data()) {
        assert!((a - e).abs() < 1e-6);
    }
    // ... and gradients flow correctly to its input and to both parameters.
    gradcheck("gcn layer (input)", &[x.as_var()], |t| layer.forward(&adj, &t[0]).tanh()).unwrap();
    gradcheck("gcn layer (weight, bias)", &[w.as_var(), b.as_var()], |t| {
        adj.matmul(&x.matmul(&t[0])).add(&t[1]).tanh()
    })
    .unwrap();
}

#[test]
fn a_shared_stack_has_one_hidden_weight() {
    let mut rng = seeded_rng(0);
    let per_layer = Gcn::new((10, 8, 3), 6, false, Residual::None, Activation::Relu, &mut rng);
    let shared = Gcn::new((10, 8, 3), 6, true, Residual::Scaled(0.5), Activation::Relu, &mut rng);
    assert_eq!(per_layer.hidden.len(), 4);
    assert_eq!(shared.hidden.len(), 1);
    assert_eq!(per_layer.num_parameters(), (10 * 8 + 8) + 4 * (8 * 8 + 8) + (8 * 3 + 3));
    assert_eq!(shared.num_parameters(), (10 * 8 + 8) + (8 * 8 + 8) + (8 * 3 + 3));
    let g = Graph::new(4, [(0, 1), (2, 3)]);
    let x = Tensor::ones(&[4, 10]);
    assert_eq!(shared.forward(&g.normalized_adjacency(), &x).shape(), &[4, 3]);
    assert_eq!(shared.forward_trace(&g.normalized_adjacency(), &x).layers.len(), 6);
    assert!(shared.to_string().contains("6 layers, residual alpha 0.5, hidden weight shared"));
}

#[test]
fn a_million_node_planted_partition_is_quick_to_make() {
    let p = PlantedPartition {
        nodes: 1_000_000,
        classes: 4,
        average_degree: 4.0,
        homophily: 0.8,
        features: 2,
        signal: 1.0,
    };
    let start = std::time::Instant::now();
    let (g, x) = planted_partition(&p, &mut seeded_rng(5));
    assert_eq!(g.n, 1_000_000);
    assert!(g.edges.len() > 1_990_000, "{} edges", g.edges.len());
    assert_eq!(x.len(), 2_000_000);
    let adj = g.normalized_adjacency();
    assert_eq!(adj.nnz(), 2 * g.edges.len() + g.n);
    // Not a timing assertion (the machine is shared): the elapsed time is only printed.
    println!("1M-node planted partition and its adjacency in {:?}", start.elapsed());
}
