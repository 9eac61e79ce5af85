//! The toy MOSI generator against SPEC section 9, its determinism, and bad knobs.

use models::toymosi::{GeneratorStats, Knobs, REFERENCE, Split, export_csv, generate};

#[test]
fn statistics_match_the_reference_within_three_sds() {
    // SPEC section 9 gives the mean and spread over seeds 0-4; our mean over the same
    // number of seeds must be within 3 reference standard deviations of theirs.
    let stats: Vec<GeneratorStats> =
        (0..5).map(|s| GeneratorStats::of(&generate(&Knobs::default(), s).unwrap())).collect();
    let mut problems = Vec::new();
    for (k, (name, mean, sd)) in REFERENCE.iter().enumerate() {
        let ours = stats.iter().map(|s| s.rows[k].1).sum::<f64>() / stats.len() as f64;
        eprintln!("{name:40} ours {ours:8.3}  reference {mean:8.3} +- {sd}");
        if (ours - mean).abs() > 3.0 * sd {
            problems.push(format!("{name}: ours {ours:.4}, reference {mean} +- {sd}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn sizes_and_split_follow_the_knobs() {
    let d = generate(&Knobs::default(), 3).unwrap();
    assert_eq!(d.utterances.len(), 2200);
    assert_eq!(
        (d.ids(Split::Train).len(), d.ids(Split::Valid).len(), d.ids(Split::Test).len()),
        (1300, 225, 675)
    );
    for u in &d.utterances {
        assert!((8..=20).contains(&u.len()));
        assert_eq!(u.text.len(), u.len() * 32);
        assert_eq!((u.audio.len(), u.video.len()), (u.len() * 12, u.len() * 12));
        assert!((-3.0..=3.0).contains(&u.label) && (u.label * 3.0 - (u.label * 3.0).round()).abs() < 1e-9);
        // Speakers never straddle splits.
        assert_eq!(u.split, d.utterances[u.speaker * 25].split);
    }
}

#[test]
fn same_seed_same_bytes_other_seed_other_data() {
    let dir = std::env::temp_dir().join(format!("toymosi-{}", std::process::id()));
    let read = |seed: u64, sub: &str| {
        let paths = export_csv(&generate(&Knobs::default(), seed).unwrap(), &dir.join(sub)).unwrap();
        paths.map(|p| std::fs::read(p).unwrap())
    };
    let (a, b, c) = (read(7, "a"), read(7, "b"), read(8, "c"));
    assert_eq!(a, b, "the same seed must give the same bytes");
    assert_ne!(a[0], c[0]);
    let header = String::from_utf8_lossy(&a[0]).lines().next().unwrap().to_string();
    assert!(header.starts_with("id,speaker,split,words,ratings,label,text_mean0"), "{header}");
    assert_eq!(String::from_utf8_lossy(&a[0]).lines().count(), 2201);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn bad_knobs_are_named() {
    let check = |k: Knobs, knob: &str| {
        let err = generate(&k, 0).unwrap_err();
        assert_eq!(err.knob, knob);
        assert!(err.to_string().contains(knob), "{err}");
    };
    check(Knobs { p_neg: 1.5, ..Knobs::default() }, "p_neg");
    check(Knobs { split_speakers: (50, 9, 27), ..Knobs::default() }, "split_speakers");
    check(Knobs { lean_pos: 0.0, ..Knobs::default() }, "lean_pos");
    check(Knobs { s_ann: -1.0, ..Knobs::default() }, "s_ann");
    check(Knobs { len_min: 12, len_max: 10, ..Knobs::default() }, "len_min, len_max");
    check(Knobs { c_pol: f64::NAN, ..Knobs::default() }, "c_pol");
    check(Knobs { n_ann: 0, ..Knobs::default() }, "n_ann");
}

#[test]
fn lambda_int_zero_leaves_a_purely_additive_label() {
    let k = Knobs { lambda_int: 0.0, s_utt: 0.0, s_spk_label: 0.0, ..Knobs::default() };
    for u in generate(&k, 1).unwrap().utterances {
        let additive = u.polarity + 0.5 * u.tone + 0.6 * u.face - 0.3 * f64::from(u8::from(u.eye_roll));
        assert!((u.y_star - additive).abs() < 1e-12);
    }
}
