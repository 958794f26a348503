//! `docpipe check`: every problem at once, each pointing at the file.

use crate::util::{check_refuses, docpipe_expecting, Dir};

#[test]
fn a_clean_pipeline_checks_ok_and_processes_nothing() {
    let dir = Dir::new();
    dir.write("in/a.txt", "Some text that would be processed.");
    dir.write(
        "p.toml",
        "[input]\npaths = [\"in\"]\n\n[[stages]]\nid = \"summary\"\nplugin = \"builtin:summarize\"\nconfig = { sentences = 2 }\n",
    );
    let (stdout, _) = docpipe_expecting("check", &dir.join("p.toml"), 0);
    assert!(stdout.contains("ok, 1 stages ready"), "{stdout}");
    assert!(stdout.contains("builtin:summarize"), "{stdout}");
    assert!(!dir.join("out").exists(), "check writes nothing");
}

#[test]
fn misspelt_keys_are_all_reported_with_a_suggestion() {
    let dir = Dir::new();
    dir.write(
        "p.toml",
        "[input]\npaths = [\"in\"]\nformatt = \"text\"\n\n[[stagse]]\nid = \"x\"\n",
    );
    let stderr = check_refuses(&dir.join("p.toml"));
    assert!(stderr.contains("p.toml:3:1"), "{stderr}");
    assert!(stderr.contains("did you mean `format`?"), "{stderr}");
    assert!(stderr.contains("p.toml:5:"), "{stderr}");
    assert!(stderr.contains("did you mean `stages`?"), "{stderr}");
}

#[test]
fn a_config_the_plugin_refuses_points_at_the_key() {
    let dir = Dir::new();
    dir.write(
        "p.toml",
        "[input]\npaths = [\"in\"]\n\n[[stages]]\nid = \"summary\"\nplugin = \"builtin:summarize\"\nconfig = { sentences = 0 }\n\n[[stages]]\nid = \"clean\"\nplugin = \"builtin:cleen\"\n",
    );
    let stderr = check_refuses(&dir.join("p.toml"));
    // Validation errors come first, all of them: the misspelt builtin...
    assert!(
        stderr.contains("unknown builtin plugin `cleen`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("p.toml:11:10"),
        "points at the plugin name: {stderr}"
    );
    assert!(stderr.contains("did you mean `builtin:clean`?"), "{stderr}");

    // ...and once the pipeline file is sound, the plugin's own complaint,
    // at the key it names.
    dir.write(
        "p.toml",
        "[input]\npaths = [\"in\"]\n\n[[stages]]\nid = \"summary\"\nplugin = \"builtin:summarize\"\nconfig = { sentences = 0 }\n",
    );
    let stderr = check_refuses(&dir.join("p.toml"));
    assert!(stderr.contains("sentences must be at least 1"), "{stderr}");
    assert!(
        stderr.contains("p.toml:7:24"),
        "points at the value of `sentences`: {stderr}"
    );
}

#[test]
fn a_misspelt_config_key_suggests_the_nearest_one() {
    let dir = Dir::new();
    dir.write(
        "p.toml",
        "[input]\npaths = [\"in\"]\n\n[[stages]]\nid = \"summary\"\nplugin = \"builtin:summarize\"\nconfig = { sentencs = 2 }\n",
    );
    let stderr = check_refuses(&dir.join("p.toml"));
    assert!(stderr.contains("unknown config key `sentencs`"), "{stderr}");
    assert!(stderr.contains("did you mean `sentences`?"), "{stderr}");
    assert!(
        stderr.contains("p.toml:7:12"),
        "underlines the misspelt key: {stderr}"
    );
}

#[test]
fn a_config_value_of_the_wrong_type_is_caught_by_the_schema() {
    let dir = Dir::new();
    dir.write(
        "p.toml",
        "[input]\npaths = [\"in\"]\n\n[[stages]]\nid = \"summary\"\nplugin = \"builtin:summarize\"\nconfig = { sentences = \"two\" }\n\n[[stages]]\nid = \"lang\"\nplugin = \"builtin:langdetect\"\nconfig = { min_chars = -3 }\n",
    );
    let stderr = check_refuses(&dir.join("p.toml"));
    assert!(stderr.contains("expected integer, got string"), "{stderr}");
    assert!(
        stderr.contains("p.toml:7:24"),
        "points at the value `\"two\"`: {stderr}"
    );
    // Both stages' problems are reported in one go.
    assert!(stderr.contains("stage `lang`"), "{stderr}");
    assert!(stderr.contains("p.toml:12:24"), "{stderr}");
}
