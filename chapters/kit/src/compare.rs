//! Two methods compared over seeds, worded by the evidence.
//!
//! Every comparison a page draws goes through [`compare`]: it takes the two methods'
//! values paired by seed (the same data, the same initialisation stream) and returns
//! the differences, how many seeds agree in sign, and a sentence that says no more than
//! they support. One side is *ahead* only when it is better on every seed (at least
//! three of them); otherwise the two are *indistinguishable* at that number of seeds.
//! A single seed decides nothing. Numbers are printed to the precision the spread of
//! the differences allows: a difference whose seeds spread by points gets no third
//! decimal.

use serde::{Deserialize, Serialize};

use crate::claims::Verdict;

/// The fewest seeds on which a difference can be called.
pub const MIN_SEEDS: usize = 3;

/// What is compared: its name, its unit, and which direction is better.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Metric {
    /// As the page names it: "Acc-2", "MAE", "R@1".
    pub name: &'static str,
    /// The unit of a difference ("points", or "" for none).
    pub unit: &'static str,
    /// Whether a larger value is better.
    pub higher_is_better: bool,
}

impl Metric {
    /// A metric where larger is better.
    pub const fn higher(name: &'static str, unit: &'static str) -> Metric {
        Metric { name, unit, higher_is_better: true }
    }

    /// A metric where smaller is better (an error, a loss).
    pub const fn lower(name: &'static str, unit: &'static str) -> Metric {
        Metric { name, unit, higher_is_better: false }
    }
}

/// Binary accuracy in percentage points (toy MOSI).
pub const ACC2: Metric = Metric::higher("Acc-2", "points");
/// Mean absolute error of a regression.
pub const MAE: Metric = Metric::lower("MAE", "");
/// Accuracy as a fraction (0 to 1).
pub const ACCURACY: Metric = Metric::higher("accuracy", "");

/// Which side the seeds favour.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The first method is better on every seed (and there are enough seeds).
    AAhead,
    /// The second method is better on every seed.
    BAhead,
    /// The seeds disagree, or too few to call.
    Indistinguishable,
}

/// Two methods' paired per-seed values, and what they support.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// The first method's name.
    pub a: String,
    /// The second method's name.
    pub b: String,
    /// The metric.
    pub metric: Metric,
    /// The first method's value on each seed.
    pub a_values: Vec<f64>,
    /// The second method's value on each seed.
    pub b_values: Vec<f64>,
    /// `a - b` on each seed.
    pub diffs: Vec<f64>,
    /// Seeds on which the first method is better.
    pub a_better: usize,
    /// Seeds on which the second method is better.
    pub b_better: usize,
    /// The verdict of the seeds.
    pub outcome: Outcome,
}

/// Compare `a` with `b`, paired by seed. Panics (a programmer error) when the two have
/// different lengths, are empty, or hold a non-finite value.
#[track_caller]
pub fn compare(a: &str, a_values: &[f64], b: &str, b_values: &[f64], metric: Metric) -> Comparison {
    assert!(
        a_values.len() == b_values.len() && !a_values.is_empty(),
        "compare: {a} has {} values and {b} {}: pair them by seed",
        a_values.len(),
        b_values.len()
    );
    assert!(
        a_values.iter().chain(b_values).all(|v| v.is_finite()),
        "compare: a non-finite {} among {a} {a_values:?} / {b} {b_values:?}",
        metric.name
    );
    let diffs: Vec<f64> = a_values.iter().zip(b_values).map(|(x, y)| x - y).collect();
    let better = |d: f64| if metric.higher_is_better { d > 0.0 } else { d < 0.0 };
    let a_better = diffs.iter().filter(|&&d| better(d)).count();
    let b_better = diffs.iter().filter(|&&d| d != 0.0 && !better(d)).count();
    let n = diffs.len();
    let outcome = if n < MIN_SEEDS {
        Outcome::Indistinguishable
    } else if a_better == n {
        Outcome::AAhead
    } else if b_better == n {
        Outcome::BAhead
    } else {
        Outcome::Indistinguishable
    };
    Comparison {
        a: a.into(),
        b: b.into(),
        metric,
        a_values: a_values.to_vec(),
        b_values: b_values.to_vec(),
        diffs,
        a_better,
        b_better,
        outcome,
    }
}

impl Comparison {
    /// How many seeds.
    pub fn seeds(&self) -> usize {
        self.diffs.len()
    }

    /// The mean of `a - b`.
    pub fn mean_diff(&self) -> f64 {
        mean(&self.diffs)
    }

    /// The smallest and largest `a - b`.
    pub fn range(&self) -> (f64, f64) {
        let lo = self.diffs.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = self.diffs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (lo, hi)
    }

    /// The first method's mean.
    pub fn a_mean(&self) -> f64 {
        mean(&self.a_values)
    }

    /// The second method's mean.
    pub fn b_mean(&self) -> f64 {
        mean(&self.b_values)
    }

    /// Decimals the spread allows: two significant digits of the range of the
    /// differences (of the mean difference when every seed agrees exactly), but never
    /// more than three significant digits of the mean difference itself, and at most 4.
    pub fn decimals(&self) -> usize {
        let (lo, hi) = self.range();
        let mean = self.mean_diff().abs();
        let scale = if hi - lo > 0.0 { hi - lo } else { mean };
        decimals_for(scale).min(decimals_for(mean) + 1)
    }

    /// A value at the precision of this comparison.
    pub fn show(&self, v: f64) -> String {
        format!("{v:.*}", self.decimals())
    }

    /// A signed difference at the precision of this comparison.
    pub fn show_signed(&self, v: f64) -> String {
        let s = format!("{v:+.*}", self.decimals());
        if s.trim_start_matches(['+', '-']).chars().all(|c| c == '0' || c == '.') {
            self.show(0.0)
        } else {
            s
        }
    }

    fn unit(&self) -> String {
        if self.metric.unit.is_empty() {
            format!(" {}", self.metric.name)
        } else {
            format!(" {} {}", self.metric.name, self.metric.unit)
        }
    }

    /// The sentence: "A is ahead of B on 5 of 5 seeds, by 2.1 to 4.0 Acc-2 points", or
    /// "A and B are indistinguishable at 5 seeds (A − B from −0.9 to +1.2 Acc-2 points;
    /// A better on 3)". With one or two seeds it says so and calls nothing.
    pub fn sentence(&self) -> String {
        let n = self.seeds();
        let (lo, hi) = self.range();
        let unit = self.unit();
        let by = |x: f64, y: f64| {
            let (x, y) = (x.abs().min(y.abs()), x.abs().max(y.abs()));
            if self.show(x) == self.show(y) {
                format!("by {}{unit}", self.show(x))
            } else {
                format!("by {} to {}{unit}", self.show(x), self.show(y))
            }
        };
        match self.outcome {
            Outcome::AAhead => {
                format!("{} is ahead of {} on {n} of {n} seeds, {}", self.a, self.b, by(lo, hi))
            }
            Outcome::BAhead => {
                format!("{} is ahead of {} on {n} of {n} seeds, {}", self.b, self.a, by(lo, hi))
            }
            Outcome::Indistinguishable if n < MIN_SEEDS => format!(
                "on {} {}, {} − {} = {}{unit}; {} cannot decide which is better",
                n,
                if n == 1 { "seed" } else { "seeds" },
                self.a,
                self.b,
                if n == 1 || self.show_signed(lo) == self.show_signed(hi) {
                    self.show_signed(self.diffs[0])
                } else {
                    format!("{} to {}", self.show_signed(lo), self.show_signed(hi))
                },
                if n == 1 { "one seed" } else { "so few seeds" }
            ),
            Outcome::Indistinguishable => format!(
                "{} and {} are indistinguishable at {n} seeds ({} − {} from {} to {}{unit}; {} better on {} of {n})",
                self.a,
                self.b,
                self.a,
                self.b,
                self.show_signed(lo),
                self.show_signed(hi),
                self.a,
                self.a_better
            ),
        }
    }

    /// The sentence for a comparison made on fewer seeds than [`MIN_SEEDS`], weighed
    /// against a seed-to-seed standard deviation `sd` measured elsewhere (`source` says
    /// where): a difference over three of those standard deviations is stated as such,
    /// one within them as one that a single run cannot call. With enough seeds, the
    /// seeds' own [`sentence`](Self::sentence).
    pub fn sentence_against(&self, sd: f64, source: &str) -> String {
        if self.seeds() >= MIN_SEEDS || !(sd.is_finite() && sd > 0.0) {
            return self.sentence();
        }
        let d = self.mean_diff();
        let runs = if self.seeds() == 1 { "one seed".to_string() } else { format!("{} seeds", self.seeds()) };
        let (winner, loser) =
            if (d > 0.0) == self.metric.higher_is_better { (&self.a, &self.b) } else { (&self.b, &self.a) };
        let shown = format!("{:.*}", decimals_for(sd), d.abs());
        if d.abs() > 3.0 * sd {
            format!(
                "on {runs}, {winner} is ahead of {loser} by {shown}{}, {:.0} times the standard deviation across seeds \
                 ({:.*}, {source})",
                self.unit(),
                d.abs() / sd,
                decimals_for(sd),
                sd
            )
        } else {
            format!(
                "on {runs}, {} − {} = {d:+.*}{}, within three standard deviations across seeds ({:.*}, {source}): \
                 not a difference {runs} can call",
                self.a,
                self.b,
                decimals_for(sd),
                self.unit(),
                decimals_for(sd),
                sd
            )
        }
    }

    /// The lecture verdict for "`a` is better than `b`": holds when the seeds put `a`
    /// ahead, does not hold when they put `b` ahead, not decided otherwise.
    pub fn verdict_a_better(&self) -> Verdict {
        match self.outcome {
            Outcome::AAhead => Verdict::Holds,
            Outcome::BAhead => Verdict::DoesNotHold,
            Outcome::Indistinguishable => Verdict::NotDecided { seeds: self.seeds() },
        }
    }
}

/// Two significant digits of `scale`, as decimals (0 to 4).
pub fn decimals_for(scale: f64) -> usize {
    if !(scale.is_finite() && scale > 0.0) {
        return 3;
    }
    (1.0 - scale.log10().floor()).clamp(0.0, 4.0) as usize
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ahead_on_every_seed_is_called_with_its_range() {
        let c = compare("TFN", &[86.0, 87.5, 85.9], "concat", &[83.0, 84.0, 83.8], ACC2);
        assert_eq!(c.outcome, Outcome::AAhead);
        assert_eq!(c.sentence(), "TFN is ahead of concat on 3 of 3 seeds, by 2.1 to 3.5 Acc-2 points");
        assert_eq!(c.verdict_a_better(), Verdict::Holds);
    }

    #[test]
    fn lower_is_better_for_an_error() {
        let c = compare("LMF", &[0.60, 0.61, 0.59], "TFN", &[0.62, 0.64, 0.60], MAE);
        assert_eq!(c.outcome, Outcome::AAhead);
        assert_eq!(c.sentence(), "LMF is ahead of TFN on 3 of 3 seeds, by 0.010 to 0.030 MAE");
    }

    #[test]
    fn seeds_that_disagree_are_indistinguishable() {
        let c = compare("a", &[85.0, 86.0, 84.0, 86.0, 85.0], "b", &[85.9, 84.8, 84.5, 85.0, 85.2], ACC2);
        assert_eq!(c.outcome, Outcome::Indistinguishable);
        assert_eq!(
            c.sentence(),
            "a and b are indistinguishable at 5 seeds (a − b from -0.9 to +1.2 Acc-2 points; a better on 2 of 5)"
        );
        assert_eq!(c.verdict_a_better(), Verdict::NotDecided { seeds: 5 });
        assert_eq!(
            compare("b", &c.b_values, "a", &c.a_values, ACC2).verdict_a_better(),
            c.verdict_a_better()
        );
    }

    #[test]
    fn one_seed_decides_nothing() {
        let c = compare("joint", &[0.852], "image", &[0.858], ACCURACY);
        assert_eq!(c.outcome, Outcome::Indistinguishable);
        assert!(c.sentence().starts_with("on 1 seed, joint − image = -0.006"), "{}", c.sentence());
        assert!(c.sentence().ends_with("one seed cannot decide which is better"));
        let b = compare("x", &[2.0, 1.0], "y", &[1.0, 0.0], ACCURACY);
        assert_eq!(b.outcome, Outcome::Indistinguishable, "two seeds are too few");
        assert!(b.sentence().starts_with("on 2 seeds, x − y = +1.0 accuracy;"), "{}", b.sentence());
    }

    #[test]
    fn one_seed_is_weighed_against_a_spread_measured_elsewhere() {
        let c = compare("captioner", &[0.811], "blind", &[0.065], Metric::higher("BLEU-4", ""));
        assert_eq!(
            c.sentence_against(0.038, "the reference's 10 seeds"),
            "on one seed, captioner is ahead of blind by 0.746 BLEU-4, 20 times the standard deviation across \
             seeds (0.038, the reference's 10 seeds)"
        );
        let c = compare("beam", &[0.8113], "greedy", &[0.8110], Metric::higher("BLEU-4", ""));
        assert!(
            c.sentence_against(0.038, "r").ends_with("not a difference one seed can call"),
            "{}",
            c.sentence_against(0.038, "r")
        );
    }

    #[test]
    fn precision_follows_the_spread() {
        assert_eq!(decimals_for(2.3), 1);
        assert_eq!(decimals_for(0.023), 3);
        assert_eq!(decimals_for(45.0), 0);
        let c = compare("a", &[0.1234, 0.1236, 0.1235], "b", &[0.1, 0.1, 0.1], ACCURACY);
        assert_eq!(c.decimals(), 4);
        // A large, tight difference: three significant digits of it, not four decimals.
        let c = compare("a", &[0.9815, 0.9836, 0.9825], "b", &[0.01, 0.01, 0.01], ACCURACY);
        assert_eq!(c.sentence(), "a is ahead of b on 3 of 3 seeds, by 0.972 to 0.974 accuracy");
    }

    #[test]
    #[should_panic(expected = "compare: a has 2 values and b 3: pair them by seed")]
    fn unpaired_values_are_refused() {
        compare("a", &[1.0, 2.0], "b", &[1.0, 2.0, 3.0], ACC2);
    }
}
