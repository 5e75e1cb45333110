//! A median with its spread.

use serde_json::{json, Value};

/// Median, 10th and 90th percentile of samples.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Spread {
    /// The median.
    pub median: f64,
    /// The 10th percentile.
    pub p10: f64,
    /// The 90th percentile.
    pub p90: f64,
}

impl Spread {
    /// The spread of `samples` (at least one).
    pub(crate) fn of(mut samples: Vec<f64>) -> Self {
        samples.sort_by(f64::total_cmp);
        let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
        Self {
            median: at(0.5),
            p10: at(0.1),
            p90: at(0.9),
        }
    }

    /// As JSON: `{"median", "p10", "p90"}`.
    pub(crate) fn json(&self) -> Value {
        json!({"median": self.median, "p10": self.p10, "p90": self.p90})
    }
}
