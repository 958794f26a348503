//! `docpipe plugins list | inspect | build`.

use super::Exit;
use crate::cli;
use crate::plugin_source;
use crate::runtime::{EngineOptions, Runtime};
use miette::{miette, IntoDiagnostic, Result};
use std::path::Path;

/// The `plugins` verbs.
#[derive(Debug)]
pub struct PluginsCommand {
    command: cli::PluginsCommand,
}

impl PluginsCommand {
    /// Wrap parsed arguments.
    pub fn new(command: cli::PluginsCommand) -> Self {
        PluginsCommand { command }
    }

    /// Run the verb.
    pub fn execute(self) -> Result<Exit> {
        match self.command {
            cli::PluginsCommand::List => list(),
            cli::PluginsCommand::Inspect { plugin, json } => inspect(&plugin, json),
            cli::PluginsCommand::Build { paths, out_dir } => build(&paths, &out_dir),
        }
    }
}

/// A runtime for loading one plugin at a time, to read its manifest.
pub(super) fn runtime() -> Result<Runtime> {
    Runtime::new(&EngineOptions {
        max_memory_bytes: 256 << 20,
        concurrency: 1,
        stages: 1,
        cache_dir: EngineOptions::default_cache_dir(),
    })
    .map_err(|e| miette!("could not start the WebAssembly engine: {e:#}"))
}

fn list() -> Result<Exit> {
    let runtime = runtime()?;
    let mut out = String::new();
    for builtin in crate::builtin::BUILTINS {
        let label = format!("{}{}", crate::builtin::PREFIX, builtin.name);
        let source = plugin_source::builtin(builtin.name).map_err(|e| miette!("{e}"))?;
        match runtime.load(source) {
            Ok(plugin) => {
                let m = plugin.manifest();
                out.push_str(&format!(
                    "{label:<22} {:<8} {:<10} {}\n",
                    m.version,
                    m.kind.as_str(),
                    m.description
                ));
            }
            Err(e) => out.push_str(&format!("{label:<22} (not loadable: {e})\n")),
        }
    }
    super::emit(&out)?;
    Ok(Exit::Ok)
}

fn inspect(plugin: &str, json: bool) -> Result<Exit> {
    let source = plugin_source::resolve(plugin, Path::new(".")).map_err(|e| miette!("{e}"))?;
    let loaded = runtime()?.load(source).map_err(|e| miette!("{e}"))?;
    let m = loaded.manifest();
    if json {
        let mut value = serde_json::to_value(m).into_diagnostic()?;
        value["sha256"] = loaded.sha256().into();
        super::emit(&format!(
            "{}\n",
            serde_json::to_string_pretty(&value).into_diagnostic()?
        ))?;
        return Ok(Exit::Ok);
    }
    let mut out = format!(
        "{} {} ({})\n{}\nsha256: {}\n",
        m.name,
        m.version,
        m.kind.as_str(),
        m.description,
        loaded.sha256()
    );
    for (title, schema) in [
        ("config", &m.config_schema),
        ("input", &m.input_schema),
        ("output", &m.output_schema),
    ] {
        out.push_str(&format!(
            "\n{title} schema:\n{}\n",
            serde_json::to_string_pretty(schema).into_diagnostic()?
        ));
    }
    super::emit(&out)?;
    Ok(Exit::Ok)
}

fn build(paths: &[std::path::PathBuf], out_dir: &Path) -> Result<Exit> {
    let options = crate::build::BuildOptions {
        out_dir: out_dir.to_path_buf(),
        target_dir: None,
    };
    let built = crate::build::build_all(paths, &options).map_err(|e| miette!("{e}"))?;
    for plugin in built {
        println!(
            "built {} -> {} ({} KiB, source digest {})",
            plugin.name,
            plugin.path.display(),
            plugin.size / 1024,
            &plugin.source_digest[..12]
        );
    }
    Ok(Exit::Ok)
}
