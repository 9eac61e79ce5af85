//! The diagram is drawn from the model: every size it prints is checked against the
//! low-rank layer's parameter shapes, for the chapter's configuration and a changed one.

use autograd::no_grad;
use ch09_low_rank_fusion::diagram::{MODALITIES, lmf, low_rank};
use ch09_low_rank_fusion::{Config, checked_rank};

fn check(cfg: &Config) {
    let model = lmf(checked_rank(cfg));
    let layer = model.lowrank.as_ref().unwrap();
    let d = low_rank(&model, &MODALITIES);
    let factors: Vec<&[usize]> = layer.factors.iter().map(|u| u.shape()).collect();
    let sides: Vec<usize> = factors.iter().map(|s| s[0]).collect();
    let entries = no_grad(|| layer.full_weight()).shape()[0];
    let mut seen = 0;
    for (id, dims) in d.all_dims() {
        let m = MODALITIES.iter().position(|m| id.ends_with(&format!("_{}", m.letter())));
        match (id, m) {
            // W's sides are the factors' rows, and their product W's entries.
            ("w", _) => assert_eq!((dims, dims.iter().product::<usize>()), (&sides[..], entries), "{id}"),
            ("f", _) => assert_eq!(dims, layer.weights.shape(), "{id}"),
            ("y", _) => assert_eq!(dims, layer.bias.shape(), "{id}"),
            (_, Some(m)) if id.starts_with("factor_") => assert_eq!(dims, factors[m], "{id}"),
            // [h_m; 1] and the column u_m,i have a factor's rows.
            (_, Some(m)) if id.starts_with("h_") || id.starts_with("u_") => {
                assert_eq!(dims, [factors[m][0]], "{id}")
            }
            _ => panic!("a size in box {id} that the test does not know"),
        }
        seen += 1;
    }
    // W, f, y and three boxes for each modality.
    assert_eq!(seen, 3 + 3 * MODALITIES.len());
    assert!(d.title.contains(&format!("rank {}", layer.rank())));
    d.svg().unwrap();
}

#[test]
fn every_size_is_the_models() {
    let cfg = Config::default();
    assert_eq!(checked_rank(&cfg), 4);
    check(&cfg);
    let changed = Config { ranks: vec![2, 16], ..Config::default() };
    assert_eq!(checked_rank(&changed), 2);
    check(&changed);
}
