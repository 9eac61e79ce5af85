//! A snapshot of the quick report, determinism, the outputs, the claims' bars, and
//! clear errors. The full run's claims are checked against the committed results by
//! `zoo`'s tests (no rerun here).

use ch03_joint_coordinated::{Alignment, Config, Pairing, claims, run};

#[test]
fn quick_report_snapshot_and_same_seed_same_report() {
    let (report, _) = run(&Config::quick()).unwrap();
    insta::assert_json_snapshot!("quick_report", kit::rounded(&report, 3));
    let (again, _) = run(&Config::quick()).unwrap();
    assert_eq!(serde_json::to_string(&report).unwrap(), serde_json::to_string(&again).unwrap());
    // λ = 0 means no alignment at all: the two losses train the identical model.
    let zero = |a| report.coordinated(a, 0.0, Pairing::Fresh).unwrap().measured.p10;
    assert_eq!(zero(Alignment::Margin), zero(Alignment::InfoNce));
    // Every comparison is paired over the configured seeds, the first being the run the
    // tables show.
    assert_eq!(report.seeds.len(), Config::quick().seeds);
    assert_eq!(report.seeds[0].joint.both, report.joint.both);
    let mut ids: Vec<&str> = report.claims.iter().map(|c| c.id.as_str()).collect();
    ids.sort_unstable();
    let n = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), n, "claim ids are unique");
    for id in ["joint_needs_both", "coordinated_retrieves", "spaces_merge"] {
        let c = report.claims.iter().find(|c| c.id == id).unwrap_or_else(|| panic!("{id} missing"));
        assert_eq!(c.kind, kit::claims::Kind::Lecture, "{id}");
    }
}

#[test]
fn outputs_are_written() {
    let dir = std::env::temp_dir().join(format!("ch03-out-{}", std::process::id()));
    let (report, av) = run(&Config { seeds: 1, ..Config::quick() }).unwrap();
    ch03_joint_coordinated::write_outputs(&report, &av, &kit::Output::new(&dir)).unwrap();
    kit::assert_written(
        &dir,
        &[
            "results.md",
            "results.json",
            "figures/diagram-joint-coordinated.svg",
            "figures/pairs.svg",
            "figures/p10_vs_lambda.svg",
            "figures/space_weak.svg",
            "figures/space_strong.svg",
            "figures/retrieval.svg",
            "figures/cca_correlations.svg",
            "figures/fill_in.svg",
        ],
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_bars_fail_when_the_numbers_miss_them() {
    let (mut report, _) = run(&Config { lambdas: vec![0.0, 0.1, 1.0], seeds: 1, ..Config::quick() }).unwrap();
    report.joint.both = 0.92;
    report.joint.image_only = 0.5;
    report.cca.measured.transfer_audio_to_image = 0.6;
    report.cca.measured.transfer_image_to_audio = 0.6;
    for row in report.coordinated.iter_mut().filter(|c| c.alignment == Alignment::Margin) {
        // A flat sweep: the spaces never come together.
        row.measured.p10 = 0.3;
        row.measured.probe_audio = 0.7;
    }
    let failed = kit::claims::failing_required(&claims(&report));
    for id in [
        "joint_both",
        "joint_missing",
        "margin_rises",
        "margin_strong",
        "weak_is_separate",
        "probes_stay",
        "cca_transfer",
    ] {
        assert!(failed.contains(&id.to_string()), "{id} should fail: {failed:?}");
    }
}

#[test]
fn bad_data_and_flags_are_clear_errors() {
    let dir = std::env::temp_dir().join(format!("ch03-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let data = models::data::data_dir();
    for f in ["digits_noisy.csv", "spoken_digits_meta.csv", "pairs.csv"] {
        std::fs::copy(data.join(f), dir.join(f)).unwrap();
    }
    let spectrograms = std::fs::read(data.join("spoken_digits.u8")).unwrap();
    std::fs::write(dir.join("spoken_digits.u8"), &spectrograms[..1000]).unwrap();
    let err = run(&Config { data: dir.clone(), seeds: 1, ..Config::quick() }).map(|_| ()).unwrap_err();
    let text = format!("{err:#}");
    assert!(text.contains("spoken_digits.u8") && text.contains("truncated"), "{text}");
    // --load of a folder --save did not write names the file it looked for.
    let options = kit::Options { load: Some(dir.join("ckpt")), ..kit::Options::quick(dir.join("out")) };
    let err = (ch03_joint_coordinated::chapter().run)(&options).map(|_| ()).unwrap_err().to_string();
    assert!(err.contains("joint.safetensors"), "{err}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_committed_results_give_the_committed_claims() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../book/src/ch03-joint-coordinated");
    let json = std::fs::read_to_string(dir.join("results.json")).unwrap();
    let report: ch03_joint_coordinated::Report = serde_json::from_str(&json).unwrap();
    let again = claims(&report);
    assert_eq!(serde_json::to_string(&again).unwrap(), serde_json::to_string(&report.claims).unwrap());
    assert!(kit::claims::failing_required(&again).is_empty(), "the full run meets every bar");
}
