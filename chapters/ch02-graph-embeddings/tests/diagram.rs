//! The GCN's diagram against the model's weights: every size it prints is read from a
//! parameter's shape (or from Â), for the chapter's karate model, for other depths, and
//! for stacks of other widths, so a change of the model the diagram misses fails here.

use autograd::{Csr, seeded_rng};
use ch02_graph_embeddings::{Config, diagram, karate_model};
use kit::diagram::Diagram;
use models::{Activation, Gcn, Residual};

/// Checks every size the diagram prints against `gcn`'s parameters and `adj`.
fn check(d: &Diagram, gcn: &Gcn, adj: &Csr) {
    let layers = gcn.layers();
    let shape = |k: usize| layers[k].weight.shape().to_vec();
    let first = shape(0);
    let last = shape(layers.len() - 1);
    // The layers chain: each reads the width the one before it writes.
    for pair in layers.windows(2) {
        assert_eq!(pair[0].weight.shape()[1], pair[1].weight.shape()[0]);
    }
    assert_eq!(adj.cols(), adj.rows(), "Â is square");
    let mut expected: Vec<(String, Vec<usize>)> = vec![
        ("x".into(), vec![first[0]]),
        ("z".into(), vec![last[1]]),
        ("adj".into(), vec![adj.rows(), adj.cols()]),
        ("layer_0".into(), first),
    ];
    // Up to three layers, a box each; deeper (or shared), the hidden ones share a box.
    let drawn_hidden = if gcn.hidden.len() > 1 || (gcn.shared && !gcn.hidden.is_empty()) {
        expected.push(("layer_1".into(), gcn.hidden[0].weight.shape().to_vec()));
        assert!(gcn.hidden.iter().all(|h| h.weight.shape() == gcn.hidden[0].weight.shape()));
        1
    } else {
        for (k, h) in gcn.hidden.iter().enumerate() {
            expected.push((format!("layer_{}", k + 1), h.weight.shape().to_vec()));
        }
        gcn.hidden.len()
    };
    if gcn.output.is_some() {
        expected.push((format!("layer_{}", 1 + drawn_hidden), last.clone()));
    }
    d.check_dims(&expected).unwrap();
    d.svg().expect("the diagram draws, within the book's column");
}

fn karate() -> (models::graph::Graph, Csr) {
    let g = models::graph::load_karate(&models::data::data_dir()).unwrap();
    let adj = g.normalized_adjacency();
    (g, adj)
}

#[test]
fn the_chapters_karate_gcn_is_drawn_with_its_own_sizes() {
    let (g, adj) = karate();
    let gcn = karate_model(g.n, &Config::default(), &mut seeded_rng(0));
    let d = diagram::gcn(&gcn, &adj);
    check(&d, &gcn, &adj);
    assert_eq!(d.dims("x"), Some(&[g.n][..]), "one-hot features: as wide as the club");
    assert_eq!(d.dims("adj"), Some(&[g.n, g.n][..]));
    assert_eq!(d.dims("z"), Some(&[2][..]), "one logit per faction");
}

#[test]
fn other_depths_redraw_the_stack() {
    let (g, adj) = karate();
    for depth in [1, 3, 5, 16] {
        let cfg = Config { karate_depth: depth, ..Config::default() };
        let gcn = karate_model(g.n, &cfg, &mut seeded_rng(0));
        let d = diagram::gcn(&gcn, &adj);
        check(&d, &gcn, &adj);
        // A box per layer up to three layers; deeper, the hidden ones share one.
        let boxes = d.nodes().iter().filter(|n| n.id.starts_with("layer_")).count();
        assert_eq!(boxes, depth.min(3));
        assert!(d.title.contains(&format!("{depth}-layer")), "{}", d.title);
    }
}

#[test]
fn other_widths_redraw_the_layers() {
    let adj = Csr::identity(10);
    for (depth, shared) in [(2, false), (3, false), (4, true)] {
        let gcn =
            Gcn::new((10, 7, 3), depth, shared, Residual::Scaled(0.3), Activation::Tanh, &mut seeded_rng(1));
        let d = diagram::gcn(&gcn, &adj);
        check(&d, &gcn, &adj);
        assert_eq!(d.dims("layer_0"), Some(&[10, 7][..]));
        assert_eq!(d.dims("z"), Some(&[3][..]));
    }
}
