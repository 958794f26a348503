use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One document flowing through a pipeline.
///
/// The model is open: stages add fields (`lang`, `summary`, ...) that land in
/// [`Document::fields`] and survive every later stage that does not know them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Document {
    /// Stable identity: a file's path relative to its input root (without a
    /// `.gz` suffix), or a JSONL line's `id` field (`<path>:<line>` when it
    /// has none, so ids stay unique across files).
    pub id: String,
    /// The document's text.
    pub text: String,
    /// An optional title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Free-form metadata: where the document came from and what stages noted.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub meta: Map<String, Value>,
    /// Every other field, as stages added them.
    #[serde(flatten)]
    pub fields: Map<String, Value>,
}

impl Document {
    /// A document with just an id and a text.
    pub fn new(id: impl Into<String>, text: impl Into<String>) -> Self {
        Document {
            id: id.into(),
            text: text.into(),
            title: None,
            meta: Map::new(),
            fields: Map::new(),
        }
    }
}
