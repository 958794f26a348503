//! Why a document failed at a stage. Plugin-reported errors and host-side
//! faults (traps, limits) end up here side by side, with a stable kind.

use serde::Serialize;
use std::fmt;

/// The class of a stage failure, stable for scripts reading `rejects.jsonl`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FailureKind {
    /// The plugin returned an error value on purpose.
    PluginError,
    /// The plugin trapped (panic, unreachable, out-of-bounds access, stack overflow).
    Trap,
    /// The plugin ran past its wall-clock deadline.
    Timeout,
    /// The plugin tried to grow its memory past the stage's cap.
    MemoryLimit,
    /// The plugin returned more bytes than the stage allows.
    OutputTooLarge,
    /// The plugin returned a document that is not a JSON object with `id` and `text`.
    InvalidOutput,
    /// The plugin returned fields that do not match the output schema it declared.
    ContractViolation,
    /// The plugin could not be instantiated or configured for this document.
    Instantiation,
    /// An artifact could not be written.
    Output,
}

/// A document's failure at one stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageFailure {
    /// What kind of failure.
    pub kind: FailureKind,
    /// A message a person can act on.
    pub message: String,
}

impl StageFailure {
    /// A failure of the given kind.
    pub fn new(kind: FailureKind, message: impl Into<String>) -> Self {
        StageFailure {
            kind,
            message: message.into(),
        }
    }
}

impl fmt::Display for StageFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// A byte count as people write limits: `64 MiB` rather than `64.0 MiB`.
pub(crate) fn human_size(bytes: u64) -> String {
    const UNITS: [(&str, u64); 3] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (unit, size) in UNITS {
        if bytes >= size && bytes.is_multiple_of(size) {
            return format!("{} {unit}", bytes / size);
        }
    }
    bytesize::ByteSize::b(bytes).display().iec().to_string()
}
