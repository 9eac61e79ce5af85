//! The NaN guard, byte-identical figures, and flags resolving to folders.

use kit::plot::{
    Drawn, Picture, Scatter, Series, bar_chart, colour_pictures, heatmap, image_grid, line_chart, scatter,
};

#[test]
fn the_nan_guard_names_the_step() {
    assert_eq!(kit::check_finite(3, 0.5), Ok(0.5));
    let err = kit::check_finite(17, f32::NAN).unwrap_err().to_string();
    assert!(err.contains("step 17") && err.contains("NaN"), "{err}");
    let err = kit::check_finite(2, f32::INFINITY).unwrap_err().to_string();
    assert!(err.contains("step 2") && err.contains("inf"), "{err}");
}

#[test]
fn every_figure_kind_is_written_and_byte_identical_across_runs() {
    let dir = std::env::temp_dir().join(format!("kit-figures-{}", std::process::id()));
    let draw = |name: &str| {
        let path = dir.join(name);
        let series =
            [Series::new("a", 0, vec![(1.0, 2.0), (2.0, 1.0)]), Series::new("b", 1, vec![]).dashed()];
        let names = ["p".to_string(), "q".to_string()];
        let scatter_spec = Scatter {
            title: "t",
            x_label: "x",
            y_label: "y",
            points: &[(0.0, 1.0), (1.0, 0.0)],
            classes: &[0, 1],
            class_names: &names,
            labels: &[(0, "first".into())],
            robust: false,
            kinds: None,
        };
        match name {
            "line.svg" => line_chart(&path, "t", "x", "y", &series).map(|_| ()),
            "scatter.svg" => scatter(&path, &scatter_spec).map(|_| ()),
            "grid.svg" => image_grid(&path, "t", &[&[0.0, 1.0, 0.5, 0.25]], (2, 2), 4, &["c".into()]),
            "pictures.svg" => {
                let rgb = [1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.5, 0.5, 0.5];
                let lines = vec!["a caption".into(), "two lines".into()];
                colour_pictures(&path, "t", &[Picture { rgb: &rgb, size: (2, 2), lines }], 3, 80)
            }
            "heat.svg" => heatmap(
                &path,
                "t",
                &[vec![1.0, 0.0], vec![2.0, 3.0]],
                &["0".into(), "1".into()],
                &["0".into(), "1".into()],
                ("true", "predicted"),
            ),
            _ => bar_chart(&path, "t", "y", &[("a".into(), 1.0), ("b".into(), 2.0)]),
        }
        .unwrap();
        std::fs::read(&path).unwrap()
    };
    for name in ["line.svg", "scatter.svg", "grid.svg", "pictures.svg", "heat.svg", "bar.svg"] {
        let first = draw(name);
        assert!(first.starts_with(b"<svg") && first.len() > 200, "{name}");
        assert_eq!(first, draw(name), "{name} differs between runs");
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_picture_of_the_wrong_size_is_refused() {
    let path = std::env::temp_dir().join(format!("kit-bad-picture-{}.svg", std::process::id()));
    let picture = Picture { rgb: &[0.0; 5], size: (2, 2), lines: vec![] };
    let err = colour_pictures(&path, "t", &[picture], 1, 80).unwrap_err().to_string();
    assert!(err.contains("picture 0 has 5 values, not 2 x 2 x 3"), "{err}");
    assert!(!path.exists());
}

#[test]
fn a_missing_data_folder_is_a_clear_error() {
    let args = kit::Args {
        quick: true,
        seed: 0,
        out: None,
        epochs: None,
        data: Some("/no/such/folder".into()),
        save: None,
        load: None,
        clean: false,
        export: None,
    };
    let err = args.resolve("ch01-autodiff").unwrap_err().to_string();
    assert!(err.contains("/no/such/folder") && err.contains("--data"), "{err}");
}

#[test]
fn a_line_chart_turns_logarithmic_past_three_decades_and_counts_what_it_leaves_out() {
    let dir = std::env::temp_dir().join(format!("kit-log-{}", std::process::id()));
    let linear = [Series::new("a", 0, vec![(1.0, 1.0), (2.0, 500.0)])];
    let drawn = line_chart(&dir.join("lin.svg"), "t", "x", "y", &linear).unwrap();
    assert_eq!(drawn, Drawn { log_y: false, omitted: 0 });
    // 1e-30 .. 1: thirty decades, and one exact zero a log axis cannot show.
    let spans = [Series::new("g", 0, vec![(1.0, 0.0), (2.0, 1e-30), (3.0, 1.0)])];
    let drawn = line_chart(&dir.join("log.svg"), "t", "x", "y", &spans).unwrap();
    assert_eq!(drawn, Drawn { log_y: true, omitted: 1 });
    let svg = std::fs::read_to_string(dir.join("log.svg")).unwrap();
    assert!(svg.contains("(log scale)") && svg.contains("1e-"), "log ticks are labelled as powers of ten");
    // Asked for, a log axis comes whatever the span; the zero is still left out.
    let names = ["a".to_string(), "b".to_string(), "c".to_string()];
    let drawn =
        kit::plot::line_chart_categories_log(&dir.join("forced.svg"), "t", "x", &names, "y", &spans[..])
            .unwrap();
    assert_eq!(drawn, Drawn { log_y: true, omitted: 1 });
    let narrow = [Series::new("n", 0, vec![(0.0, 29.0), (1.0, 449.0)])];
    let drawn = kit::plot::line_chart_categories_log(&dir.join("narrow.svg"), "t", "x", &names, "y", &narrow)
        .unwrap();
    assert_eq!(drawn, Drawn { log_y: true, omitted: 0 });
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_robust_scatter_frames_the_bulk_and_counts_the_outliers() {
    let dir = std::env::temp_dir().join(format!("kit-scatter-{}", std::process::id()));
    let mut points: Vec<(f64, f64)> = (0..40).map(|i| ((i % 7) as f64, (i % 5) as f64)).collect();
    points.push((-500.0, 1.0)); // far outside the bulk
    let classes = vec![0; points.len()];
    let names = ["all".to_string()];
    let labels = [(40, "outlier".to_string()), (0, "first".to_string()), (35, "next to first".to_string())];
    let spec = Scatter {
        title: "t",
        x_label: "x",
        y_label: "y",
        points: &points,
        classes: &classes,
        class_names: &names,
        labels: &labels,
        robust: true,
        kinds: None,
    };
    assert_eq!(scatter(&dir.join("s.svg"), &spec).unwrap(), 1);
    let svg = std::fs::read_to_string(dir.join("s.svg")).unwrap();
    assert!(svg.contains("\noutlier\n") && svg.contains("\nfirst\n"), "both far-apart names are drawn");
    assert!(!svg.contains("next to first"), "a name on top of a more important one is left out");
    assert_eq!(scatter(&dir.join("s.svg"), &Scatter { robust: false, ..spec }).unwrap(), 0);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn only_a_full_run_on_the_default_data_is_held_to_the_bars() {
    let chapter = kit::Chapter {
        name: "chX",
        title: "Chapter X",
        run: |_| {
            let claim = kit::Claim::bar("bar", "s", false, "0.9", "0.5 reaches 0.9".into());
            Ok(kit::Outcome { headline: String::new(), claims: vec![claim] })
        },
        claims_from_results: |_| Ok(vec![]),
        export: None,
    };
    let quick = kit::Options::quick(std::env::temp_dir());
    assert!(chapter.run_checked(&quick).is_ok());
    assert!(chapter.run_checked(&kit::Options { quick: false, clean: true, ..quick.clone() }).is_ok());
    let err = chapter
        .run_checked(&kit::Options { quick: false, ..quick })
        .err()
        .expect("held to the bars")
        .to_string();
    assert!(err.contains("0.5 reaches 0.9"), "{err}");
    // The quick run says so instead of printing a bare "✗ required" and exiting 0.
    let bar = kit::Claim::bar("bar", "s", false, "0.9", "0.5 reaches 0.9".into());
    let note = kit::claims::unenforced_note(&[bar]).expect("a run with bars says they are not enforced");
    assert!(note.contains("printed, not enforced"), "{note}");
    let finding = kit::Claim::finding("f", "s", "words".into());
    assert_eq!(kit::claims::unenforced_note(&[finding]), None, "no bars, nothing to say");
}

#[test]
fn export_is_refused_by_a_chapter_without_generated_data() {
    let chapter = kit::Chapter {
        name: "chY",
        title: "Chapter Y",
        run: |_| panic!("--export must not run the chapter"),
        claims_from_results: |_| Ok(vec![]),
        export: None,
    };
    let options =
        kit::Options { export: Some(std::env::temp_dir()), ..kit::Options::quick(std::env::temp_dir()) };
    let err = chapter.run_checked(&options).err().expect("refused").to_string();
    assert!(err.contains("chY has no generated dataset to export"), "{err}");
}
