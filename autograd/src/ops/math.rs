//! Scalar kernels for the elementwise ops, written so the compiler can vectorise the
//! loops that call them (`simd::widest`): no branches, no calls to the C library's
//! `expf` or `tanhf`. Their fused multiply-adds are one instruction each where the
//! loop runs with AVX2 or AVX-512; on the baseline x86-64 they are calls to the C
//! library's exact `fmaf`: slow, but the same bits.
//! Measured on 1M elements (benches/README.md), the C library's `expf` and `tanhf`
//! were 4x and 13x slower than numpy's SIMD kernels.

/// e^x to within 1.3 units in the last place (ulp) for every f32 (measured against a
/// float64 reference by `tests/accuracy.rs`; NaN gives NaN, overflow gives inf,
/// underflow gives 0 through the subnormals).
///
/// Write x = k ln 2 + r with k an integer and |r| <= ln 2 / 2; then e^x = 2^k e^r.
/// e^r = 1 + r + r^2 P(r), P a degree-5 polynomial fitted to be as close as possible
/// over that interval (a minimax fit, with SLEEF's coefficients); 2^k comes from the
/// exponent bits. Every step is a fused multiply-add (`mul_add`: one rounding for
/// a * b + c), which is both faster and more exact than a multiply then an add.
#[inline]
pub(crate) fn exp(x: f32) -> f32 {
    const LOG2E: f32 = std::f32::consts::LOG2_E;
    // ln 2 split in two (Cody and Waite), so k * LN2_HI is exact for |k| < 2^10.
    const LN2_HI: f32 = 0.693_145_75;
    const LN2_LO: f32 = 1.428_606_8e-6;
    // Adding and subtracting 1.5 * 2^23 rounds to the nearest integer without a call.
    const ROUND: f32 = 12_582_912.0;
    const P: [f32; 6] = [1.985_276_2e-4, 1.393_043_6e-3, 8.333_361e-3, 4.166_648_5e-2, 0.166_666_67, 0.5];
    let x = x.clamp(-104.0, 88.73);
    let shifted = x.mul_add(LOG2E, ROUND);
    let k = shifted - ROUND;
    let r = (-k).mul_add(LN2_LO, (-k).mul_add(LN2_HI, x));
    let p = P[1..].iter().fold(P[0], |acc, &c| acc.mul_add(r, c));
    let e_r = (r * r).mul_add(p, r + 1.0);
    // 2^k as two halves, each a normal float even when 2^k itself is subnormal or
    // overflows: their product rounds exactly like the true result.
    // The integer k sits in the low bits of `shifted` (1.5 * 2^23 has bits 0x4B40_0000),
    // read without a float-to-int conversion the vectoriser handles badly.
    let k = shifted.to_bits() as i32 - 0x4B40_0000;
    let half = k >> 1;
    let two_to = |e: i32| f32::from_bits(((e + 127) as u32) << 23);
    e_r * two_to(half) * two_to(k - half)
}

/// tanh through `exp`, to within 1.5 ulp:
/// - |x| >= 0.6: tanh|x| = 1 - 2 / (e^{2|x|} + 1), with no overflow (e^inf gives 1)
///   and little cancellation this far from 0 (below 0.6 the subtraction loses bits);
/// - |x| < 0.6: the Taylor series x - x^3/3 + 2x^5/15 - ..., whose terms shrink by
///   a factor of about 0.15 each out there, so ten of them reach f32 precision.
#[inline]
pub(crate) fn tanh(x: f32) -> f32 {
    const C: [f32; 10] = [
        1.0,
        -1.0 / 3.0,
        2.0 / 15.0,
        -17.0 / 315.0,
        62.0 / 2835.0,
        -1382.0 / 155_925.0,
        21_844.0 / 6_081_075.0,
        -929_569.0 / 638_512_875.0,
        6_404_582.0 / 10_854_718_875.0,
        -443_861_162.0 / 1_856_156_927_625.0,
    ];
    let a = x.abs();
    let far = 1.0 - 2.0 / (exp(2.0 * a) + 1.0);
    let a2 = a * a;
    let near = a * C.iter().rev().fold(0.0f32, |acc, &c| acc.mul_add(a2, c));
    (if a >= 0.6 { far } else { near }).copysign(x)
}

/// The logistic function 1 / (1 + e^-x) to within 2.5 ulp, stable for every x: e^-|x|
/// never overflows.
#[inline]
pub(crate) fn sigmoid(x: f32) -> f32 {
    let e = exp(-x.abs()); // in (0, 1]
    // x >= 0: 1 / (1 + e^-x); x < 0: e^x / (1 + e^x), which keeps tiny values exact
    // (1 - sigmoid(|x|) would round them to 0).
    (if x >= 0.0 { 1.0 } else { e }) / (1.0 + e)
}

#[cfg(test)]
mod tests {
    /// |a - exact| in units in the last place of the f32 nearest `exact` (the spacing
    /// of floats there; below the smallest normal, the subnormals' spacing).
    pub(crate) fn ulps(a: f32, exact: f64) -> f64 {
        let nearest = (exact as f32).abs();
        let spacing = if nearest < f32::MIN_POSITIVE {
            f32::from_bits(1) as f64
        } else {
            (f32::from_bits(nearest.to_bits() + 1) - nearest) as f64
        };
        (a as f64 - exact).abs() / spacing
    }

    /// The largest error in ulps of `f` against `exact` over every `step`-th f32 from
    /// `lo` to `hi`, and where it is.
    fn worst(lo: f32, hi: f32, step: u32, f: impl Fn(f32) -> f32, exact: impl Fn(f64) -> f64) -> (f64, f32) {
        let (mut worst, mut at) = (0.0, lo);
        let mut x = lo;
        while x <= hi {
            let e = ulps(f(x), exact(x as f64));
            if e > worst {
                (worst, at) = (e, x);
            }
            // Walk the floats in order: up through the negatives' bits towards -0, then
            // up through the positives'.
            let bits = x.to_bits();
            x = if x < 0.0 && bits - step > 0x8000_0000 {
                f32::from_bits(bits - step)
            } else if x < 0.0 {
                0.0
            } else {
                f32::from_bits(bits + step)
            };
        }
        (worst, at)
    }

    #[test]
    fn exp_is_within_1_3_ulp_over_its_whole_range() {
        // -103 .. 88.7: every result from the subnormals to the largest float.
        let (e, at) = worst(-103.0, 88.72, 37, super::exp, f64::exp);
        assert!(e < 1.3, "exp: {e} ulp at {at}");
        assert_eq!(super::exp(0.0), 1.0);
        assert_eq!(super::exp(89.0), f32::INFINITY);
        assert_eq!(super::exp(f32::INFINITY), f32::INFINITY);
        assert_eq!(super::exp(f32::NEG_INFINITY), 0.0);
        assert!(super::exp(f32::NAN).is_nan());
        // Subnormal results: e^-100 = 3.72e-44, within one step of the subnormals.
        assert!((super::exp(-100.0) - (-100f32).exp()).abs() <= 2e-45);
    }

    #[test]
    fn tanh_and_sigmoid_are_within_1_5_and_2_5_ulp() {
        // Every 37th float from -20 to 20: tiny values near 0 through saturation.
        let (t, at) = worst(-20.0, 20.0, 37, super::tanh, f64::tanh);
        assert!(t < 1.5, "tanh: {t} ulp at {at}");
        let exact_sigmoid = |x: f64| 1.0 / (1.0 + (-x).exp());
        let (s, at) = worst(-100.0, 20.0, 37, super::sigmoid, exact_sigmoid);
        assert!(s < 2.5, "sigmoid: {s} ulp at {at}");
        assert_eq!(super::tanh(0.0), 0.0);
        assert_eq!(super::tanh(-0.0).to_bits(), (-0.0f32).to_bits());
        assert_eq!(super::tanh(1e4), 1.0);
        assert_eq!(super::tanh(-1e4), -1.0);
        assert_eq!(super::sigmoid(-1e4), 0.0);
        assert_eq!(super::sigmoid(1e4), 1.0);
    }
}
