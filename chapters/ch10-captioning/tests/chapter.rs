//! A snapshot of the quick report, determinism, the outputs, the export, and the
//! claims' bars.

use std::sync::OnceLock;

use ch10_captioning::{Config, Report, claims, run};

fn quick() -> &'static Report {
    static REPORT: OnceLock<Report> = OnceLock::new();
    REPORT.get_or_init(|| run(&Config::quick()).unwrap())
}

fn copy(report: &Report) -> Report {
    serde_json::from_str(&serde_json::to_string(report).unwrap()).unwrap()
}

#[test]
fn quick_report_snapshot_and_same_seed_same_report() {
    let report = quick();
    insta::assert_json_snapshot!("quick_report", kit::rounded(report, 3));
    let again = run(&Config::quick()).unwrap();
    assert_eq!(serde_json::to_string(report).unwrap(), serde_json::to_string(&again).unwrap());
}

#[test]
fn outputs_are_written() {
    let dir = std::env::temp_dir().join(format!("ch10-out-{}", std::process::id()));
    ch10_captioning::write_outputs(quick(), &kit::Output::new(&dir)).unwrap();
    kit::assert_written(
        &dir,
        &[
            "results.md",
            "results.json",
            "figures/curve.svg",
            "figures/curve-bleu.svg",
            "figures/examples-test.svg",
            "figures/examples-heldout.svg",
            "figures/diagram-captioner.svg",
        ],
    );
    let md = std::fs::read_to_string(dir.join("results.md")).unwrap();
    for anchor in ["test", "heldout", "curve_points", "chance", "unseen", "probes", "claims"] {
        assert!(md.contains(&format!("<!-- ANCHOR: {anchor} -->")), "results.md lacks {anchor}");
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn export_writes_every_split_as_png_and_captions() {
    let dir = std::env::temp_dir().join(format!("ch10-export-{}", std::process::id()));
    let chapter = ch10_captioning::chapter();
    (chapter.export.unwrap())(&kit::Options::quick(dir.clone()), &dir).unwrap();
    for (name, images) in [("train", 4000), ("test", 500), ("heldout", 500)] {
        let png = std::fs::read(dir.join(format!("shape-scenes-{name}.png"))).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{name}");
        let tsv = std::fs::read_to_string(dir.join(format!("shape-scenes-{name}.tsv"))).unwrap();
        assert_eq!(tsv.lines().count(), images + 1, "{name}");
    }
    let train = std::fs::read_to_string(dir.join("shape-scenes-train.tsv")).unwrap();
    let first = train.lines().nth(1).unwrap();
    assert_eq!(
        first,
        "0\t2\ta large blue cross above a large red cross\ta large red cross below a large blue cross"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_curve_and_the_probes_are_measured() {
    let r = quick();
    let steps: Vec<usize> = r.model.curve.iter().map(|p| p.step).collect();
    assert_eq!(steps, [40, 80, 120]);
    assert!(r.blind.curve.is_empty());
    assert_eq!(r.probes.iter().map(|p| p.dims).collect::<Vec<_>>(), [512, 128, 256, 0]);
    assert_eq!(r.unseen.iter().map(|u| u.images).sum::<usize>(), 500);
    assert_eq!(r.examples.len(), 8);
    assert_eq!(r.parameters, 190_372);
}

#[test]
fn bad_settings_are_refused() {
    let err = run(&Config { eval_every: 0, ..Config::quick() }).unwrap_err();
    assert!(err.to_string().contains("eval_every must be at least 1"), "{err}");
    let mut options = kit::Options::quick(std::env::temp_dir().join("ch10-unused"));
    options.epochs = Some(3);
    let Err(err) = ch10_captioning::chapter().run_checked(&options) else { panic!("--epochs was accepted") };
    assert!(err.to_string().contains("drop --epochs"), "{err}");
}

#[test]
fn the_bars_fail_when_the_numbers_miss_them() {
    let mut r = copy(quick());
    r.model.test_greedy.bleu.bleu[3] = 0.7;
    r.blind.test_greedy.bleu.bleu[3] = 0.3;
    r.model.test_beam3.bleu.bleu[3] = 0.6;
    r.model.heldout_greedy.attributes.novel_combo = 0.2;
    // A step twice PyTorch's and 1,500 of them past a minute.
    let torch = r.timing.ms["torch"]["captioner_batch_32/train_step"];
    r.timing
        .ms
        .get_mut("ours")
        .unwrap()
        .insert("captioner_batch_32/train_step".into(), 2.0 * torch.max(30.0));
    let failed = kit::claims::failing_required(&claims(&r));
    for id in [
        "describes_test_images",
        "the_image_carries_the_content",
        "beam_search_gains_nothing",
        "unseen_pairs_are_never_named",
    ] {
        assert!(failed.contains(&id.to_string()), "{id} should fail: {failed:?}");
    }
}

#[test]
fn the_held_out_probes_are_cross_validated_and_no_true_sentence_is_marked() {
    let r = quick();
    for p in &r.probes {
        assert_eq!(p.heldout_cv.is_some(), p.dims > 0, "{p:?}");
        assert!(p.heldout_cv.is_none_or(|v| (0.0..=1.0).contains(&v)), "{p:?}");
    }
    let md = kit::claims::markdown(&r.claims);
    let missed = kit::claims::failing_required(&r.claims);
    assert_eq!(md.matches('✗').count(), 2 * missed.len(), "{md}");
    let bars = r.claims.iter().find(|c| c.id == "reference_bars").unwrap();
    assert_eq!(bars.kind, kit::claims::Kind::Finding);
}
