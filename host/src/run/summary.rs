//! The run summary: counts per stage and for the whole run, printed at the
//! end and written as `run-summary.json` into the output directory.

use serde::Serialize;
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
    /// manifest not included; `manifest.json` has their sha256).
    pub files: Vec<String>,
    /// Workers used.
    pub jobs: usize,
    /// Wall-clock time of the run.
    pub seconds: f64,
    /// True when the run stopped at a failure (`on_error = "fail-fast"`).
    pub stopped_early: bool,
    /// True when SIGINT or SIGTERM stopped the run: documents after the
    /// ones counted here were not read.
    pub interrupted: bool,
    /// Whole-run files that differed from an existing file and were kept as
    /// `<name>.new` instead (overwrite not allowed).
    pub conflicts: Vec<String>,
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

    pub(crate) fn add_stage_time(&mut self, stage: usize, time: Duration) {
        self.stages[stage].seconds += time.as_secs_f64();
    }
}

fn format_seconds(seconds: f64) -> String {
    if seconds < 1.0 {
        format!("{:.1} ms", seconds * 1000.0)
    } else {
        format!("{seconds:.2} s")
    }
}
