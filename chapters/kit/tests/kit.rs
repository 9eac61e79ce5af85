//! The NaN guard, byte-identical figures, and flags resolving to folders.

use kit::plot::{Series, bar_chart, heatmap, image_grid, line_chart, scatter};

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
        let series = [Series { name: "a".into(), points: vec![(1.0, 2.0), (2.0, 1.0)] }];
        match name {
            "line.svg" => line_chart(&path, "t", "x", "y", &series),
            "scatter.svg" => {
                scatter(&path, "t", &[(0.0, 1.0), (1.0, 0.0)], &[0, 1], &["p".into(), "q".into()])
            }
            "grid.svg" => image_grid(&path, "t", &[&[0.0, 1.0, 0.5, 0.25]], (2, 2), 4, &["c".into()]),
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
    for name in ["line.svg", "scatter.svg", "grid.svg", "heat.svg", "bar.svg"] {
        let first = draw(name);
        assert!(first.starts_with(b"<svg") && first.len() > 200, "{name}");
        assert_eq!(first, draw(name), "{name} differs between runs");
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_missing_data_folder_is_a_clear_error() {
    let args =
        kit::Args { quick: true, seed: 0, out: None, epochs: None, data: Some("/no/such/folder".into()) };
    let err = args.resolve("ch01-autodiff").unwrap_err().to_string();
    assert!(err.contains("/no/such/folder") && err.contains("--data"), "{err}");
}
