//! The diagrams are drawn from the models: every size they print is checked against the
//! parameter shapes, for the chapter's configuration and a changed one.

use ch11_multimodal_lstm::Config;
use ch11_multimodal_lstm::diagram::{lstm, multi_view, multi_view_lstm, recall_lstm, write};
use models::toymosi::Modality;

fn check_lstm(cfg: &Config) {
    let model = recall_lstm(&cfg.recall);
    let (w_x, w_h) = (model.w_x.shape(), model.w_h.shape());
    let hidden = w_h[0];
    let d = lstm(&model);
    let mut seen = 0;
    for (id, dims) in d.all_dims() {
        match id {
            "w_x" => assert_eq!(dims, w_x),
            "w_h" => assert_eq!(dims, w_h),
            "x" => assert_eq!(dims, [w_x[0]]),
            // Four blocks of `hidden`: the width of both weights' outputs and of the bias.
            "a" => {
                assert_eq!(dims.iter().product::<usize>(), w_h[1]);
                assert_eq!((dims[0] * dims[1], dims[1]), (w_x[1], hidden));
                assert_eq!(model.bias.shape(), [dims[0] * dims[1]]);
            }
            "c_prev" | "c" | "h_prev" | "h" | "i" | "f" | "g" | "o" => assert_eq!(dims, [hidden], "{id}"),
            _ => panic!("a size in box {id} that the test does not know"),
        }
        seen += 1;
    }
    assert_eq!(seen, 12);
    d.svg().unwrap();
}

fn check_multi_view(cfg: &Config) {
    let model = multi_view_lstm(cfg);
    let d = multi_view(&model, &Modality::ALL);
    let mut seen = 0;
    for (id, dims) in d.all_dims() {
        match id {
            "head" => assert_eq!(dims, model.head.weight.shape()),
            "y" => assert_eq!(dims, model.head.bias.shape()),
            _ => {
                let k = Modality::ALL.iter().position(|m| id.ends_with(&format!("_{}", m.letter()))).unwrap();
                let (w_x, w_h) = (model.cells[k].w_x.shape(), model.cells[k].w_h.shape());
                let hidden = w_h[1] / 4;
                // The recurrent weight reads every modality's state.
                assert_eq!(w_h[0], hidden * Modality::ALL.len());
                match &id[..id.len() - 2] {
                    "x" => assert_eq!(dims, [w_x[0]], "{id}"),
                    "lstm" => assert_eq!(dims, w_h, "{id}"),
                    "h_prev" | "h" => assert_eq!(dims, [hidden], "{id}"),
                    _ => panic!("a size in box {id} that the test does not know"),
                }
            }
        }
        seen += 1;
    }
    assert_eq!(seen, 2 + 4 * Modality::ALL.len());
    d.svg().unwrap();
}

#[test]
fn every_size_is_the_models() {
    let cfg = Config::default();
    check_lstm(&cfg);
    check_multi_view(&cfg);
    let mut changed = Config { hidden: 24, ..Config::default() };
    changed.recall.hidden = 7;
    assert_eq!(multi_view_lstm(&changed).cells[0].w_h.shape(), [72, 96]);
    assert_eq!(recall_lstm(&changed.recall).w_h.shape(), [7, 28]);
    check_lstm(&changed);
    check_multi_view(&changed);
}

#[test]
fn the_diagrams_are_written() {
    let dir = std::env::temp_dir().join(format!("ch11-diagrams-{}", std::process::id()));
    write(&Config::quick(), &kit::Output::new(&dir)).unwrap();
    kit::assert_written(&dir, &["figures/diagram-lstm.svg", "figures/diagram-multi-view.svg"]);
    std::fs::remove_dir_all(dir).unwrap();
}
