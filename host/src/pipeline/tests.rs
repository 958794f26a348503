//! Loading whole pipeline files, and what users read when one is wrong.

use std::path::PathBuf;
use std::time::Duration;

use super::*;

const BUILTINS: &[&str] = &["clean", "langdetect", "summarize", "export"];

const EXAMPLE_TOML: &str = r#"[input]
paths = ["article.txt"]
format = "text"

[[stages]]
id = "clean"
plugin = "builtin:clean"

[[stages]]
id = "summary"
plugin = "builtin:summarize"
config = { sentences = 2 }
limits = { timeout = "5s" }

[[stages]]
id = "local"
plugin = "plugins/upper.wasm"
sha256 = "ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef0123456789"
on_error = "fail-fast"

[output]
directory = "out"

[limits]
memory = "128 MiB"
"#;

const EXAMPLE_YAML: &str = r#"input:
  paths: [article.txt]
  format: text
stages:
  - id: clean
    plugin: "builtin:clean"
  - id: summary
    plugin: "builtin:summarize"
    config:
      sentences: 2
    limits: {timeout: 5s}
  - id: local
    plugin: plugins/upper.wasm
    sha256: ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef0123456789
    on_error: fail-fast
output:
  directory: out
limits:
  memory: 128 MiB
"#;

const EXAMPLE_JSON: &str = r#"{
  "input": {"paths": ["article.txt"], "format": "text"},
  "stages": [
    {"id": "clean", "plugin": "builtin:clean"},
    {
      "id": "summary",
      "plugin": "builtin:summarize",
      "config": {"sentences": 2},
      "limits": {"timeout": "5s"}
    },
    {
      "id": "local",
      "plugin": "plugins/upper.wasm",
      "sha256": "ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef0123456789",
      "on_error": "fail-fast"
    }
  ],
  "output": {"directory": "out"},
  "limits": {"memory": "128 MiB"}
}
"#;

/// A directory holding `plugins/upper.wasm`, so file plugins resolve.
fn project_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("plugins")).unwrap();
    std::fs::write(dir.path().join("plugins/upper.wasm"), b"\0asm").unwrap();
    dir
}

fn load_text(dir: &tempfile::TempDir, name: &str, text: &str) -> Result<Pipeline, PipelineErrors> {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    load(&path, BUILTINS)
}

/// Loads `text` as a file named `name` that must fail; returns the report.
fn report_for(name: &str, text: &str) -> (PipelineErrors, String) {
    let errors =
        load_source(SourceFile::new(name, text), BUILTINS).expect_err("pipeline is invalid");
    let rendered = errors.render();
    (errors, rendered)
}

fn underlined(errors: &PipelineErrors) -> Vec<&str> {
    errors
        .errors()
        .iter()
        .map(|error| error.underlined().unwrap_or(""))
        .collect()
}

#[test]
fn the_same_pipeline_in_toml_yaml_and_json_loads_equal() {
    let dir = project_dir();
    let from_toml = load_text(&dir, "pipeline.toml", EXAMPLE_TOML).unwrap();
    let from_yaml = load_text(&dir, "pipeline.yaml", EXAMPLE_YAML).unwrap();
    let from_json = load_text(&dir, "pipeline.json", EXAMPLE_JSON).unwrap();
    assert_eq!(from_toml, from_yaml);
    assert_eq!(from_toml, from_json);

    let base = dir.path().to_path_buf();
    assert_eq!(from_toml.base_dir, base);
    assert_eq!(from_toml.input.paths, vec![base.join("article.txt")]);
    assert_eq!(from_toml.output.directory, base.join("out"));
    assert_eq!(from_toml.stages.len(), 3);

    let summary = &from_toml.stages[1];
    assert_eq!(summary.plugin, PluginRef::Builtin("summarize".into()));
    assert_eq!(summary.config["sentences"], 2);
    assert_eq!(summary.index, 1);
    assert_eq!(
        summary.limits,
        Limits {
            memory_bytes: 128 * 1024 * 1024,
            timeout: Duration::from_secs(5),
            max_output_bytes: 64 * 1024 * 1024,
        },
        "the stage's timeout, the pipeline's memory, the default max_output"
    );
    assert_eq!(summary.on_error, ErrorPolicy::Skip);

    let local = &from_toml.stages[2];
    assert_eq!(
        local.plugin,
        PluginRef::File {
            path: base.join("plugins/upper.wasm"),
            sha256: Some("abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789".into()),
        }
    );
    assert_eq!(local.on_error, ErrorPolicy::FailFast);
    assert_eq!(local.limits.timeout, Limits::DEFAULT.timeout);
    assert!(from_toml.warnings.is_empty());
}

#[test]
fn the_projects_example_pipeline_loads() {
    let text = "[input]\npaths = [\"article.txt\"]\nformat = \"text\"\n\n[[stages]]\nid = \"clean\"\nplugin = \"builtin:clean\"\n\n[[stages]]\nid = \"lang\"\nplugin = \"builtin:langdetect\"\n\n[[stages]]\nid = \"summary\"\nplugin = \"builtin:summarize\"\nconfig = { sentences = 2 }\nlimits = { timeout = \"5s\" }\n\n[[stages]]\nid = \"export\"\nplugin = \"builtin:export\"\nconfig = { format = \"markdown\" }\n\n[output]\ndirectory = \"out\"\n";
    let pipeline = load_source(SourceFile::new("examples/pipeline.toml", text), BUILTINS).unwrap();
    assert_eq!(pipeline.base_dir, PathBuf::from("examples"));
    let ids: Vec<&str> = pipeline
        .stages
        .iter()
        .map(|stage| stage.id.as_str())
        .collect();
    assert_eq!(ids, ["clean", "lang", "summary", "export"]);
    assert_eq!(pipeline.stages[0].limits, Limits::DEFAULT);
    assert_eq!(pipeline.stages[2].limits.timeout, Duration::from_secs(5));
}

#[test]
fn an_unknown_key_names_the_nearest_valid_one_at_its_line_and_column() {
    let text =
        "[input]\npaths = [\"a.txt\"]\n\n[[stagse]]\nid = \"clean\"\nplugin = \"builtin:clean\"\n";
    let (errors, rendered) = report_for("pipeline.toml", text);
    assert_eq!(errors.errors().len(), 1, "{rendered}");
    assert!(
        rendered.contains("docpipe::pipeline::unknown_key"),
        "{rendered}"
    );
    assert!(
        rendered.contains("unknown key `stagse` at the top level"),
        "{rendered}"
    );
    assert!(rendered.contains("[pipeline.toml:4:3]"), "{rendered}");
    assert!(rendered.contains("did you mean `stages`?"), "{rendered}");
    assert_eq!(underlined(&errors), ["stagse"]);
}

#[test]
fn unknown_keys_are_found_in_yaml_and_json_too() {
    let yaml = "input:\n  paths: [a.txt]\nstages:\n  - id: clean\n    plugin: builtin:clean\n    confg: {}\n";
    let (errors, rendered) = report_for("p.yml", yaml);
    assert!(
        rendered.contains("unknown key `confg` in `stages[0]`"),
        "{rendered}"
    );
    assert!(rendered.contains("[p.yml:6:5]"), "{rendered}");
    assert!(rendered.contains("did you mean `config`?"), "{rendered}");
    assert_eq!(underlined(&errors), ["confg"]);

    let json = "{\"input\": {\"paths\": [\"a.txt\"], \"fromat\": \"text\"}}";
    let (errors, rendered) = report_for("p.json", json);
    assert!(
        rendered.contains("unknown key `fromat` in `input`"),
        "{rendered}"
    );
    assert!(rendered.contains("[p.json:1:32]"), "{rendered}");
    assert!(rendered.contains("did you mean `format`?"), "{rendered}");
    assert_eq!(underlined(&errors), ["\"fromat\""]);
}

#[test]
fn a_wrong_type_names_what_was_expected() {
    let text = "[input]\npaths = \"article.txt\"\n";
    let (errors, rendered) = report_for("pipeline.toml", text);
    assert!(
        rendered.contains("docpipe::pipeline::wrong_type"),
        "{rendered}"
    );
    assert!(
        rendered
            .contains("wrong type for `input.paths`: string \"article.txt\", expected a sequence"),
        "{rendered}"
    );
    assert!(rendered.contains("[pipeline.toml:2:9]"), "{rendered}");
    assert!(
        rendered.contains("help: `paths`: Files or directories"),
        "{rendered}"
    );
    assert_eq!(underlined(&errors), ["\"article.txt\""]);
}

#[test]
fn mistakes_in_different_stages_are_all_reported() {
    let text = r#"[input]
paths = ["a.txt"]

[[stages]]
id = "clean"
plugin = "builtin:clean"
limts = { timeout = "1s" }

[[stages]]
id = 7
plugin = "builtin:clean"
"#;
    let (errors, rendered) = report_for("pipeline.toml", text);
    assert_eq!(errors.errors().len(), 2, "{rendered}");
    assert!(
        rendered.contains("pipeline file `pipeline.toml` has 2 errors"),
        "{rendered}"
    );
    assert!(rendered.contains("[pipeline.toml:7:1]"), "{rendered}");
    assert!(rendered.contains("did you mean `limits`?"), "{rendered}");
    assert!(rendered.contains("[pipeline.toml:10:6]"), "{rendered}");
    assert!(
        rendered.contains("wrong type for `stages[1].id`: integer `7`, expected a string"),
        "{rendered}"
    );
    assert_eq!(underlined(&errors), ["limts", "7"]);
}

#[test]
fn a_missing_key_points_at_the_table_that_lacks_it() {
    let text = "[input]\npaths = []\n\n[[stages]]\nid = \"clean\"\n";
    let (errors, rendered) = report_for("pipeline.toml", text);
    assert!(
        rendered.contains("missing key `plugin` in `stages[0]`"),
        "{rendered}"
    );
    assert!(rendered.contains("[pipeline.toml:4:1]"), "{rendered}");
    assert_eq!(underlined(&errors), ["[[stages]]"]);
    assert_eq!(errors.warnings().len(), 0, "validation did not run");

    let (_, rendered) = report_for("p.yaml", "stages: []\n");
    assert!(
        rendered.contains("missing key `input` at the top level"),
        "{rendered}"
    );
}

#[test]
fn validation_collects_every_problem_at_once() {
    let text = r#"[input]
paths = ["a.txt"]
glob = "**/*.{txt"

[[stages]]
id = "clean"
plugin = "builtin:clean"

[[stages]]
id = "sum"
plugin = "builtin:summarise"

[[stages]]
id = "clean"
plugin = "builtin:export"
sha256 = "abc"
limits.memory = "lots"

[[stages]]
id = ""
plugin = "missing.wasm"
sha256 = "123"
"#;
    let (errors, rendered) = report_for("pipeline.toml", text);
    let codes: Vec<&str> = errors
        .errors()
        .iter()
        .map(|error| error.kind().code())
        .collect();
    assert_eq!(
        codes,
        [
            "docpipe::pipeline::invalid_glob",
            "docpipe::pipeline::unknown_plugin",
            "docpipe::pipeline::duplicate_stage_id",
            "docpipe::pipeline::invalid_limit",
            "docpipe::pipeline::empty_stage_id",
            "docpipe::pipeline::plugin_not_found",
            "docpipe::pipeline::invalid_sha256",
        ],
        "{rendered}"
    );
    assert_eq!(
        underlined(&errors),
        [
            "\"**/*.{txt\"",
            "\"builtin:summarise\"",
            "\"clean\"",
            "\"lots\"",
            "\"\"",
            "\"missing.wasm\"",
            "\"123\""
        ]
    );
    assert_eq!(errors.warnings().len(), 1, "sha256 on a builtin");
    assert!(rendered.contains("ignored_sha256"), "{rendered}");
}

#[test]
fn an_unknown_builtin_suggests_the_nearest_name() {
    let text = "input:\n  paths: [a.txt]\nstages:\n  - id: sum\n    plugin: builtin:summarise\n";
    let (errors, rendered) = report_for("pipeline.yaml", text);
    assert!(
        rendered.contains("docpipe::pipeline::unknown_plugin"),
        "{rendered}"
    );
    assert!(
        rendered.contains("unknown builtin plugin `summarise` in `stages[0].plugin`"),
        "{rendered}"
    );
    assert!(rendered.contains("[pipeline.yaml:5:13]"), "{rendered}");
    assert!(
        rendered.contains("did you mean `builtin:summarize`?"),
        "{rendered}"
    );
    assert_eq!(underlined(&errors), ["builtin:summarise"]);
}

#[test]
fn a_plugin_path_that_names_a_builtin_suggests_the_builtin() {
    let text = "[input]\npaths = []\n[[stages]]\nid = \"c\"\nplugin = \"clean\"\n";
    let (_, rendered) = report_for("pipeline.toml", text);
    assert!(
        rendered.contains("docpipe::pipeline::plugin_not_found"),
        "{rendered}"
    );
    assert!(
        rendered.contains("did you mean `builtin:clean`?"),
        "{rendered}"
    );
}

#[test]
fn a_duplicate_id_points_at_the_second_and_recalls_the_first() {
    let text = "[input]\npaths = []\n[[stages]]\nid = \"a\"\nplugin = \"builtin:clean\"\n[[stages]]\nid = \"a\"\nplugin = \"builtin:export\"\n";
    let (errors, rendered) = report_for("pipeline.toml", text);
    assert_eq!(errors.errors().len(), 1, "{rendered}");
    assert!(
        rendered.contains("duplicate stage id `a`: stages 0 and 1 both use it"),
        "{rendered}"
    );
    assert!(rendered.contains("[pipeline.toml:7:6]"), "{rendered}");
    assert!(rendered.contains("used again here"), "{rendered}");
    assert!(rendered.contains("first used here"), "{rendered}");
    assert_eq!(underlined(&errors), ["\"a\""]);
}

#[test]
fn limits_must_read_as_sizes_and_durations_within_range() {
    let text = r#"[input]
paths = []

[limits]
timeout = "5 parsecs"
memory = "512 KiB"
max_output = "1 GB"

[[stages]]
id = "a"
plugin = "builtin:clean"
limits = { timeout = "0s", memory = "5 GiB" }
"#;
    let (errors, rendered) = report_for("pipeline.toml", text);
    assert!(
        rendered.contains("docpipe::pipeline::invalid_limit"),
        "{rendered}"
    );
    assert!(
        rendered.contains("invalid duration `5 parsecs` for `limits.timeout`"),
        "{rendered}"
    );
    assert!(rendered.contains("[pipeline.toml:5:11]"), "{rendered}");
    assert!(
        rendered.contains("write a duration such as \"10s\""),
        "{rendered}"
    );
    assert!(
        rendered.contains("`limits.memory` is 512 KiB, outside the allowed 1 MiB to 4 GiB"),
        "{rendered}"
    );
    assert!(
        rendered.contains("`stages[0].limits.timeout` is zero"),
        "{rendered}"
    );
    assert!(
        rendered.contains("docpipe::pipeline::limit_out_of_range"),
        "{rendered}"
    );
    assert_eq!(
        underlined(&errors),
        ["\"5 parsecs\"", "\"512 KiB\"", "\"0s\"", "\"5 GiB\""]
    );
}

#[test]
fn sizes_are_read_with_or_without_a_space_and_in_si_or_iec_units() {
    let text = "[input]\npaths = []\n[limits]\nmemory = \"64MiB\"\nmax_output = \"1 GB\"\ntimeout = \"500ms\"\n[[stages]]\nid = \"a\"\nplugin = \"builtin:clean\"\n";
    let pipeline = load_source(SourceFile::new("p.toml", text), BUILTINS).unwrap();
    assert_eq!(
        pipeline.stages[0].limits,
        Limits {
            memory_bytes: 64 * 1024 * 1024,
            timeout: Duration::from_millis(500),
            max_output_bytes: 1_000_000_000,
        }
    );
}

#[test]
fn a_pipeline_without_stages_loads_with_a_warning() {
    let pipeline = load_source(
        SourceFile::new("p.toml", "[input]\npaths = [\"a.txt\"]\n"),
        BUILTINS,
    )
    .unwrap();
    assert!(pipeline.stages.is_empty());
    assert_eq!(pipeline.warnings.len(), 1);
    assert_eq!(pipeline.warnings[0].kind(), DiagnosticKind::NoStages);
    assert!(pipeline.warnings[0]
        .render()
        .contains("the pipeline has no stages"));
}

#[test]
fn syntax_errors_point_at_the_broken_text() {
    let (errors, rendered) = report_for("p.toml", "[input]\npaths = [\"a.txt\"\n");
    assert_eq!(errors.errors()[0].kind(), DiagnosticKind::Syntax);
    assert!(rendered.contains("invalid TOML"), "{rendered}");
    assert!(rendered.contains("[p.toml:2:"), "{rendered}");

    let (_, rendered) = report_for("p.json", "{\"input\": {\"paths\": [}}\n");
    assert!(
        rendered.contains("invalid JSON: expected value"),
        "{rendered}"
    );
    assert!(rendered.contains("[p.json:1:"), "{rendered}");

    let (_, rendered) = report_for("p.yaml", "input:\n  paths: [a\n  b: c\n");
    assert!(rendered.contains("invalid YAML"), "{rendered}");
    assert!(rendered.contains("[p.yaml:"), "{rendered}");
}

#[test]
fn an_unknown_variant_suggests_an_allowed_one() {
    let text = "{\"input\": {\"paths\": [], \"format\": \"jsonl \"}, \"on_error\": \"fail_fast\"}";
    let (errors, rendered) = report_for("p.json", text);
    assert!(rendered.contains("did you mean `jsonl`?"), "{rendered}");
    assert!(rendered.contains("did you mean `fail-fast`?"), "{rendered}");
    assert_eq!(underlined(&errors), ["\"jsonl \"", "\"fail_fast\""]);
}

const SPAN_TOML: &str = r#"[input]
paths = ["a.txt"]

[[stages]]
id = "clean"
plugin = "builtin:clean"

[[stages]]
id = "summary"
plugin = "builtin:summarize"
config.sentences = 3
"#;

const SPAN_YAML: &str = r#"input:
  paths: [a.txt]
stages:
  - id: clean
    plugin: builtin:clean
  - id: summary
    plugin: builtin:summarize
    config:
      sentences: 3
"#;

const SPAN_JSON: &str = r#"{
  "input": {"paths": ["a.txt"]},
  "stages": [
    {"id": "clean", "plugin": "builtin:clean"},
    {"id": "summary", "plugin": "builtin:summarize", "config": {"sentences": 3}}
  ]
}"#;

#[test]
fn the_span_of_a_config_key_covers_its_text_in_every_format() {
    let path: Vec<PathSegment> = vec![
        "stages".into(),
        1.into(),
        "config".into(),
        "sentences".into(),
    ];
    for (name, text, line) in [
        ("p.toml", SPAN_TOML, 11),
        ("p.yaml", SPAN_YAML, 9),
        ("p.json", SPAN_JSON, 5),
    ] {
        let source = SourceFile::new(name, text);
        let value = source
            .span_of(&path)
            .unwrap_or_else(|| panic!("{name}: value located"));
        let key = source
            .key_span_of(&path)
            .unwrap_or_else(|| panic!("{name}: key located"));
        assert_eq!(source.text_at(value), "3", "{name}");
        assert!(source.text_at(key).contains("sentences"), "{name}");
        let line_of = |offset: usize| text[..offset].matches('\n').count() + 1;
        assert_eq!(line_of(value.offset()), line, "{name}");
        assert_eq!(source.span_of(&["stages".into(), 2.into()]), None, "{name}");
    }
}

#[test]
fn a_plugins_config_complaint_is_reported_at_the_key_it_names() {
    for (name, text, location) in [
        ("p.toml", SPAN_TOML, "[p.toml:11:20]"),
        ("p.yaml", SPAN_YAML, "[p.yaml:9:18]"),
        ("p.json", SPAN_JSON, "[p.json:5:78]"),
    ] {
        let pipeline = load_source(SourceFile::new(name, text), BUILTINS).unwrap();
        let diagnostic = pipeline.config_diagnostic(
            1,
            "/sentences",
            "3 is more than the 2 allowed",
            Some("set `sentences` to 1 or 2".into()),
        );
        let rendered = diagnostic.render();
        assert!(
            rendered.contains("docpipe::pipeline::invalid_config"),
            "{rendered}"
        );
        assert!(
            rendered.contains(
                "stage `summary` (builtin:summarize) rejected its config at `stages[1].config.sentences`: 3 is more than the 2 allowed"
            ),
            "{rendered}"
        );
        assert!(rendered.contains(location), "{rendered}");
        assert!(
            rendered.contains("help: set `sentences` to 1 or 2"),
            "{rendered}"
        );
        assert_eq!(diagnostic.underlined(), Some("3"), "{name}");

        let missing = pipeline.config_diagnostic(1, "/style", "`style` is required", None);
        assert!(
            missing.render().contains("`stages[1].config.style`"),
            "{name}"
        );
        assert!(
            missing.underlined().unwrap().contains("config"),
            "{name}: falls back to the parent key"
        );
    }
}

#[test]
fn an_unreadable_file_is_reported_without_a_snippet() {
    let errors = load(std::path::Path::new("/nonexistent/pipeline.toml"), BUILTINS).unwrap_err();
    assert_eq!(errors.errors()[0].kind(), DiagnosticKind::Read);
    assert!(errors
        .render()
        .contains("failed to read pipeline file `/nonexistent/pipeline.toml`"));
}

#[test]
fn input_max_file_size_must_read_as_a_size_of_at_least_1_kib() {
    let text = r#"[input]
paths = ["a"]
max_file_size = "lots"

[[stages]]
id = "a"
plugin = "builtin:clean"
"#;
    let (errors, rendered) = report_for("pipeline.toml", text);
    assert!(
        rendered.contains("invalid size `lots` for `input.max_file_size`"),
        "{rendered}"
    );
    assert!(
        rendered.contains("docpipe::pipeline::invalid_limit"),
        "{rendered}"
    );
    assert!(rendered.contains("[pipeline.toml:3:17]"), "{rendered}");
    assert_eq!(underlined(&errors), ["\"lots\""]);

    let (errors, rendered) = report_for(
        "pipeline.yaml",
        "input:\n  paths: [a]\n  max_file_size: 512 B\nstages:\n  - {id: a, plugin: \"builtin:clean\"}\n",
    );
    assert!(
        rendered.contains("`input.max_file_size` is 512 B, below the smallest allowed 1 KiB"),
        "{rendered}"
    );
    assert!(rendered.contains("[pipeline.yaml:3:18]"), "{rendered}");
    assert_eq!(underlined(&errors), ["512 B"]);
}

#[test]
fn input_reading_keys_are_carried_into_the_input_spec_with_their_defaults() {
    use docpipe_contract::pipeline::InvalidUtf8Policy;

    let stage = "[[stages]]\nid = \"a\"\nplugin = \"builtin:clean\"\n";
    let set = format!(
        "[input]\npaths = [\"a\"]\ninvalid_utf8 = \"replace\"\nmax_file_size = \"2MiB\"\n{stage}"
    );
    let unset = format!("[input]\npaths = [\"a\"]\n{stage}");

    let set = load_source(SourceFile::new("p.toml", &set), BUILTINS).unwrap();
    let unset = load_source(SourceFile::new("p.toml", &unset), BUILTINS).unwrap();

    assert_eq!(set.input.invalid_utf8, InvalidUtf8Policy::Replace);
    assert_eq!(set.input.max_file_size, 2 * 1024 * 1024);
    assert_eq!(unset.input.invalid_utf8, InvalidUtf8Policy::Reject);
    assert_eq!(unset.input.max_file_size, InputSpec::DEFAULT_MAX_FILE_SIZE);
    assert_eq!(unset.input.max_file_size, 64 * 1024 * 1024);
}

/// Fuzzing (proptest, bounded so it runs in CI): no pipeline file, however
/// broken, makes the parser panic, and every refusal renders with a place.
mod fuzz {
    use super::super::{load_source, SourceFile};
    use proptest::prelude::*;

    const BUILTINS: &[&str] = &["clean", "langdetect", "summarize", "export"];

    /// Pieces of real pipeline files, so mutations reach deep into parsing
    /// and validation instead of failing at the first byte.
    fn toml_piece() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("[input]\n".to_string()),
            Just("paths = [\"in\"]\n".to_string()),
            Just("format = \"jsonl\"\n".to_string()),
            Just("[[stages]]\n".to_string()),
            Just("id = \"a\"\n".to_string()),
            Just("plugin = \"builtin:clean\"\n".to_string()),
            Just("plugin = \"x.wasm\"\n".to_string()),
            Just("config = { sentences = 2 }\n".to_string()),
            Just("limits = { memory = \"1 GiB\", timeout = \"0s\" }\n".to_string()),
            Just("[output]\ndirectory = \"out\"\n".to_string()),
            Just("on_error = \"dead-letter\"\n".to_string()),
            "\\PC{0,16}",
            "[\\[\\]{}=\"',.\n ]{0,8}",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn toml_pieces_never_panic(pieces in prop::collection::vec(toml_piece(), 0..12)) {
            let text: String = pieces.concat();
            if let Err(errors) = load_source(SourceFile::new("fuzz.toml", text), BUILTINS) {
                prop_assert!(!errors.render().is_empty());
            }
        }

        #[test]
        fn arbitrary_yaml_and_json_never_panic(text in "\\PC{0,200}") {
            for name in ["fuzz.yaml", "fuzz.json"] {
                if let Err(errors) = load_source(SourceFile::new(name, text.clone()), BUILTINS) {
                    prop_assert!(!errors.render().is_empty());
                }
            }
        }
    }
}
