//! The run summary: counts per stage and for the whole run, printed at the
//! end and written as `run-summary.json` into the output directory.

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;
use std::time::Duration;

/// Counts for one stage.
#[derive(Debug, Clone, Default, Serialize)]
pub struct StageSummary {
    /// The stage's id.
    pub id: String,
    /// The plugin it runs.
    pub plugin: String,
    /// Documents that reached the stage.
    pub documents_in: u64,
    /// Documents it passed on.
    pub kept: u64,
    /// Documents it dropped on purpose.
    pub dropped: u64,
    /// Documents that failed in it.
    pub failed: u64,
    /// Time spent in it, summed over documents (all workers).
    pub seconds: f64,
    /// Documents that failed on a reused instance and were run again on a
    /// fresh one (instance policy `reused`); their fate is the second run's.
    pub retried: u64,
}

/// Counts for a whole run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RunSummary {
    /// Documents read (or input items that failed to read).
    pub documents_in: u64,
    /// Documents that went through every stage.
    pub completed: u64,
    /// Documents some stage dropped.
    pub dropped: u64,
    /// Documents that failed at a stage or could not be read.
    pub failed: u64,
    /// Input items that could not be read (part of `failed`).
    pub input_errors: u64,
    /// Per-stage counts, in pipeline order.
    pub stages: Vec<StageSummary>,
    /// Files written, relative to the output directory (the summary and the
    /// manifest not included; `manifest.json` has their sha256). Read from
    /// disk when serialized.
    pub files: crate::output::FileList,
    /// Workers used.
    pub jobs: usize,
    /// Wall-clock time of the run.
    pub seconds: f64,
    /// How long documents took through the stages.
    pub latency: Latency,
    /// True when the run stopped at a failure (`on_error = "fail-fast"`).
    pub stopped_early: bool,
    /// True when SIGINT or SIGTERM stopped the run: documents after the
    /// ones counted here were not read.
    pub interrupted: bool,
    /// Documents counted here that an interrupted run had already done
    /// (`--resume`); their stage times are that run's.
    pub resumed: u64,
    /// Whole-run files that differed from an existing file and were kept as
    /// `<name>.new` instead (overwrite not allowed).
    pub conflicts: Vec<String>,
    /// For the merge of a sharded run: how many shards. `seconds` is then
    /// the sum of the shards' wall-clock times, and `jobs` is not counted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shards: Option<u64>,
}

impl RunSummary {
    /// The summary as a table for a terminal.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} documents in: {} completed, {} dropped, {} failed{} in {}",
            self.documents_in,
            self.completed,
            self.dropped,
            self.failed,
            if self.input_errors > 0 {
                format!(" ({} unreadable)", self.input_errors)
            } else {
                String::new()
            },
            format_seconds(self.seconds)
        );
        let id_width = self
            .stages
            .iter()
            .map(|s| s.id.len())
            .max()
            .unwrap_or(5)
            .max(5);
        let plugin_width = self
            .stages
            .iter()
            .map(|s| s.plugin.len())
            .max()
            .unwrap_or(6)
            .max(6);
        let _ = writeln!(
            out,
            "  {:id_width$}  {:plugin_width$}  {:>7}  {:>7}  {:>7}  {:>7}  {:>9}",
            "stage", "plugin", "in", "kept", "dropped", "failed", "time"
        );
        for s in &self.stages {
            let _ = writeln!(
                out,
                "  {:id_width$}  {:plugin_width$}  {:>7}  {:>7}  {:>7}  {:>7}  {:>9}",
                s.id,
                s.plugin,
                s.documents_in,
                s.kept,
                s.dropped,
                s.failed,
                format_seconds(s.seconds)
            );
        }
        if let (Some(p50), Some(p99), Some(max)) = (
            self.latency.quantile_ms(0.5),
            self.latency.quantile_ms(0.99),
            self.latency.quantile_ms(1.0),
        ) {
            let _ = writeln!(
                out,
                "  per document, through the stages: p50 {}, p99 {}, max {}",
                format_seconds(p50 / 1e3),
                format_seconds(p99 / 1e3),
                format_seconds(max / 1e3)
            );
        }
        if self.interrupted {
            let _ = writeln!(
                out,
                "  interrupted: documents after these were not processed"
            );
        }
        if self.stopped_early {
            let _ = writeln!(
                out,
                "  stopped at the first failure (on_error = \"fail-fast\")"
            );
        }
        out
    }

    /// Count one document.
    pub(crate) fn apply(&mut self, tally: &Tally) {
        self.documents_in += 1;
        for (stage, seconds) in self.stages.iter_mut().zip(&tally.stage_seconds) {
            stage.documents_in += 1;
            stage.seconds += seconds;
        }
        for &stage in &tally.retried {
            self.stages[stage].retried += 1;
        }
        if !tally.stage_seconds.is_empty() {
            self.latency.record(tally.stage_seconds.iter().sum());
        }
        let reached = match tally.outcome {
            Outcome::Completed => {
                self.completed += 1;
                self.stages.len()
            }
            Outcome::Dropped { stage } => {
                self.dropped += 1;
                self.stages[stage].dropped += 1;
                stage
            }
            Outcome::Failed { stage } => {
                self.failed += 1;
                self.stages[stage].failed += 1;
                stage
            }
            Outcome::Unreadable => {
                self.failed += 1;
                self.input_errors += 1;
                0
            }
        };
        for stage in &mut self.stages[..reached] {
            stage.kept += 1;
        }
    }
}

/// How one document counts in the summary; journaled, so a resumed run's
/// summary counts what the interrupted run did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tally {
    /// Seconds spent in each stage that ran, in pipeline order.
    #[serde(rename = "seconds")]
    pub stage_seconds: Vec<f64>,
    /// How it ended.
    pub outcome: Outcome,
    /// Stages that ran it a second time on a fresh instance.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub retried: Vec<usize>,
}

impl Tally {
    /// A document that ran, with its per-stage times and the stages that
    /// retried it.
    pub fn ran(stage_times: &[Duration], outcome: Outcome, retried: &[usize]) -> Tally {
        Tally {
            stage_seconds: stage_times.iter().map(Duration::as_secs_f64).collect(),
            outcome,
            retried: retried.to_vec(),
        }
    }
}

/// How a document ended, for counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "fate")]
pub enum Outcome {
    /// Through every stage, files written.
    Completed,
    /// Dropped on purpose by this stage.
    Dropped {
        /// Index of the stage.
        stage: usize,
    },
    /// Failed in this stage (or its files were refused: blamed on the exporter).
    Failed {
        /// Index of the stage.
        stage: usize,
    },
    /// The input item could not be read.
    Unreadable,
}

/// Per-document latency: a document's time through the stages it reached
/// (not reading it or writing its files), kept as a histogram so that
/// percentiles cost the same memory for ten documents or ten million.
#[derive(Debug, Clone)]
pub struct Latency(Histogram<u64>);

impl Latency {
    /// Microseconds, 1 µs to one hour, within 1%.
    const MAX_MICROS: u64 = 3_600_000_000;

    fn record(&mut self, seconds: f64) {
        let micros = (seconds * 1e6).round() as u64;
        self.0.saturating_record(micros.clamp(1, Self::MAX_MICROS));
    }

    /// The `q` quantile (0..=1) in milliseconds; `None` before any document.
    pub fn quantile_ms(&self, q: f64) -> Option<f64> {
        (!self.0.is_empty()).then(|| self.0.value_at_quantile(q) as f64 / 1e3)
    }
}

impl Default for Latency {
    fn default() -> Self {
        Latency(Histogram::new_with_bounds(1, Self::MAX_MICROS, 2).expect("valid bounds"))
    }
}

impl Serialize for Latency {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut out = serializer.serialize_struct("Latency", 5)?;
        out.serialize_field("documents", &self.0.len())?;
        out.serialize_field("p50_ms", &self.quantile_ms(0.5))?;
        out.serialize_field("p90_ms", &self.quantile_ms(0.9))?;
        out.serialize_field("p99_ms", &self.quantile_ms(0.99))?;
        out.serialize_field("max_ms", &self.quantile_ms(1.0))?;
        out.end()
    }
}

fn format_seconds(seconds: f64) -> String {
    if seconds < 1.0 {
        format!("{:.1} ms", seconds * 1000.0)
    } else {
        format!("{seconds:.2} s")
    }
}

#[cfg(test)]
mod tests {
    use super::{Outcome, RunSummary, StageSummary, Tally};
    use std::time::Duration;

    fn ran(millis: &[u64]) -> Tally {
        let times: Vec<Duration> = millis.iter().map(|&m| Duration::from_millis(m)).collect();
        Tally::ran(&times, Outcome::Completed, &[])
    }

    #[test]
    fn latency_is_a_documents_time_through_all_its_stages() {
        let mut summary = RunSummary {
            stages: vec![StageSummary::default(), StageSummary::default()],
            ..RunSummary::default()
        };
        assert_eq!(summary.latency.quantile_ms(0.5), None);
        for doc in 1..=100 {
            summary.apply(&ran(&[doc, 2 * doc]));
        }
        summary.apply(&Tally {
            stage_seconds: Vec::new(),
            outcome: Outcome::Unreadable,
            retried: Vec::new(),
        });
        let json = serde_json::to_value(&summary).unwrap();
        assert_eq!(
            json["latency"]["documents"], 100,
            "an unreadable item has no latency"
        );
        let close = |got: f64, want: f64| (got - want).abs() <= want * 0.01;
        let p50 = json["latency"]["p50_ms"].as_f64().unwrap();
        let max = json["latency"]["max_ms"].as_f64().unwrap();
        assert!(close(p50, 150.0), "{p50}");
        assert!(close(max, 300.0), "{max}");
        assert!(summary.render().contains("p50 150"), "{}", summary.render());
    }
}
