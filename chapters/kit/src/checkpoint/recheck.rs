//! What a model measures now beside what it measured when saved: equal only when
//! equal bit for bit.

use serde_json::Value;

/// Whether two numbers are equal bit for bit.
pub fn same_bits(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits()
}

/// The mark after a compared line: nothing when `same`, "  DIFFERS" otherwise.
pub fn differs(same: bool) -> &'static str {
    if same { "" } else { "  DIFFERS" }
}

/// Lines comparing numbers measured now with the saved ones, and whether every one
/// compared so far is the same.
#[derive(Debug, Clone, PartialEq)]
pub struct Recheck {
    /// The lines, in the order they were added.
    pub lines: Vec<String>,
    /// Whether everything compared so far was the same.
    pub same: bool,
}

impl Default for Recheck {
    fn default() -> Recheck {
        Recheck { lines: Vec::new(), same: true }
    }
}

impl Recheck {
    /// Add `{label}: {now} (saved {saved})`, marked when they differ.
    pub fn number(&mut self, label: &str, now: f64, saved: f64) {
        let ok = same_bits(now, saved);
        self.line(format!("{label}: {now} (saved {saved}){}", differs(ok)), ok);
    }

    /// Add `line` as it is, recording whether what it compares is the same.
    pub fn line(&mut self, line: String, same: bool) {
        self.lines.push(line);
        self.same &= same;
    }
}

/// The first place two JSON values differ, as `path: a vs b`; `None` when they are equal.
pub fn first_difference(a: &Value, b: &Value) -> Option<String> {
    fn walk(a: &Value, b: &Value, path: &str) -> Option<String> {
        match (a, b) {
            (Value::Object(x), Value::Object(y)) => {
                let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
                keys.into_iter().find_map(|k| match (x.get(k), y.get(k)) {
                    (Some(u), Some(v)) => walk(u, v, &format!("{path}.{k}")),
                    _ => Some(format!("{path}.{k}: present in only one")),
                })
            }
            (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
                x.iter().zip(y).enumerate().find_map(|(i, (u, v))| walk(u, v, &format!("{path}[{i}]")))
            }
            _ if a == b => None,
            _ => Some(format!("{path}: {a} vs {b}")),
        }
    }
    walk(a, b, "").map(|s| s.trim_start_matches('.').to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recheck_marks_what_differs_and_finds_the_first_json_difference() {
        let mut r = Recheck::default();
        r.number("  a", 0.5, 0.5);
        assert!(r.same);
        r.number("  b", 0.1 + 0.2, 0.3);
        assert!(!r.same);
        assert_eq!(r.lines, ["  a: 0.5 (saved 0.5)", "  b: 0.30000000000000004 (saved 0.3)  DIFFERS"]);
        let (x, y) = (
            serde_json::json!({"m": {"p": [1, 2]}, "q": 1}),
            serde_json::json!({"m": {"p": [1, 3]}, "q": 1}),
        );
        assert_eq!(first_difference(&x, &y).as_deref(), Some("m.p[1]: 2 vs 3"));
        assert_eq!(first_difference(&x, &x), None);
    }
}
