//! The chapter's diagrams carry the sizes of the RBMs they are drawn from.

use ch06_boltzmann::Config;
use ch06_boltzmann::diagram::{Stack, multimodal, rbm};
use kit::diagram::Kind;
use models::rbm::Rbm;

/// The stack's RBMs at the widths of `cfg`, with image and audio inputs of the given widths.
fn stack(cfg: &Config, inputs: (usize, usize)) -> Vec<Rbm> {
    let mut rng = autograd::seeded_rng(1);
    let [i1, i2, a1, a2, j] = cfg.dbn_widths;
    vec![
        Rbm::new(inputs.0, i1, &mut rng),
        Rbm::new(i1, i2, &mut rng),
        Rbm::new(inputs.1, a1, &mut rng),
        Rbm::new(a1, a2, &mut rng),
        Rbm::new(i2 + a2, j, &mut rng),
    ]
}

#[test]
fn every_size_in_the_diagrams_is_a_weight_shape() {
    let changed = Config { dbn_widths: [40, 20, 90, 30, 50], hidden: 33, ..Config::default() };
    for (cfg, inputs) in [(Config::default(), (64, 400)), (changed, (16, 100))] {
        let mut rng = autograd::seeded_rng(2);
        let single = Rbm::new(64, cfg.hidden, &mut rng);
        let d = rbm(&single);
        assert_eq!(d.dims("v"), Some(&single.weight.shape()[..1]));
        assert_eq!(d.dims("h"), Some(&single.weight.shape()[1..]));

        let r = stack(&cfg, inputs);
        let s = Stack { image: [&r[0], &r[1]], other: [&r[2], &r[3]], joint: &r[4] };
        let d = multimodal(&s, ("audio", Kind::Audio));
        for panel in ["a", "b"] {
            let dims = |id: &str| d.dims(&format!("{panel}{id}")).unwrap().to_vec();
            assert_eq!(dims("iv"), [r[0].weight.shape()[0]]);
            assert_eq!(dims("i1"), [r[0].weight.shape()[1]]);
            assert_eq!(dims("i2"), [r[1].weight.shape()[1]]);
            assert_eq!(dims("ov"), [r[2].weight.shape()[0]]);
            assert_eq!(dims("o1"), [r[2].weight.shape()[1]]);
            assert_eq!(dims("o2"), [r[3].weight.shape()[1]]);
            assert_eq!(dims("j"), [r[4].weight.shape()[1]]);
            // The joint RBM's visible layer is both pathways' top layers side by side.
            assert_eq!(r[4].weight.shape()[0], dims("i2")[0] + dims("o2")[0]);
        }
        assert_eq!(d.all_dims().len(), 14);
        let dir = std::env::temp_dir().join("ch06-diagram-test");
        std::fs::create_dir_all(&dir).unwrap();
        d.write(&dir.join("dbn.svg")).unwrap();
        rbm(&single).write(&dir.join("rbm.svg")).unwrap();
    }
}

#[test]
fn every_size_in_the_dbm_diagram_is_a_layer_of_the_dbm() {
    for sizes in [[64, 128, 64, 128, 64, 256, 400], [16, 40, 20, 50, 30, 90, 100]] {
        let mut rng = autograd::seeded_rng(3);
        let dbm = ch06_boltzmann::dbm_runs::shaped(&ch06_boltzmann::dbm_runs::AV_NAMES, sizes, &mut rng);
        let d = ch06_boltzmann::diagram::dbm(&dbm, ("audio", Kind::Audio));
        for panel in ["a", "b"] {
            for (l, layer) in dbm.layers.iter().enumerate() {
                assert_eq!(d.dims(&format!("{panel}{l}")), Some(&[layer.size()][..]), "{}", layer.name);
            }
        }
        // Each edge's weight joins the two layers the diagram draws it between.
        for e in &dbm.edges {
            assert_eq!(e.weight.shape(), &[dbm.layers[e.a].size(), dbm.layers[e.b].size()]);
        }
        assert_eq!(d.all_dims().len(), 14);
    }
}
