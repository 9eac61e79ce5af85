//! Numbers as the pages print them, so that a claim's sentence and a table agree.

/// A number as pages print it: three decimals below 10, fewer above, and scientific
/// notation when it is too small or too large for that to show it (so 3e-5 never
/// prints as 0.000).
pub fn num(v: f64) -> String {
    if v == 0.0 {
        "0".into()
    } else if !v.is_finite() {
        format!("{v}")
    } else if v.abs() < 1e-2 || v.abs() >= 1e5 {
        format!("{v:.1e}")
    } else if v.fract() == 0.0 || v.abs() >= 100.0 {
        format!("{v:.0}")
    } else if v.abs() >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.3}")
    }
}

/// A ratio as pages print it: "5.9×", "1609×", "1.2e38×".
pub fn times(v: f64) -> String {
    if v.is_finite() && v < 10.0 {
        format!("{v:.1}×")
    } else if v.is_finite() && v < 1e5 {
        format!("{v:.0}×")
    } else {
        format!("{v:.1e}×")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_never_round_to_zero() {
        assert_eq!(num(3e-5), "3.0e-5");
        assert_eq!(num(0.0), "0");
        assert_eq!(num(0.98765), "0.988");
        assert_eq!(num(16.0), "16");
        assert_eq!(num(1.8e-2), "0.018");
        assert_eq!(num(2.5e6), "2.5e6");
        assert_eq!(num(1608.581), "1609");
        assert_eq!(num(16.75), "16.8");
        assert_eq!(
            (times(5.888), times(1608.6), times(1.2e38)),
            ("5.9×".into(), "1609×".into(), "1.2e38×".into())
        );
    }
}
