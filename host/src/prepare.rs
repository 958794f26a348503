//! From a validated pipeline to stages ready to run: every plugin loaded
//! (compiled once, however many stages use it) and every stage's config
//! accepted by its plugin. `docpipe check` stops here; `docpipe run` goes on.

use crate::builtin;
use crate::contract::{self, FindingKind};
use crate::pipeline::{
    Anchor, DiagnosticKind, Pipeline, PipelineDiagnostic, PipelineErrors, PluginRef, StageSpec,
};
use crate::plugin_source::{self, SourceError};
use crate::run::{IdleInstances, Stage};
use crate::runtime::PluginInstance;
use crate::runtime::{EngineOptions, LoadedPlugin, Runtime, StageLimits, StageResources};
use crate::schema_check::{known_keys, SchemaCheck};
use docpipe_contract::pipeline::{ContractMode, InstancePolicy};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

/// A pipeline whose plugins are loaded and configured.
#[derive(Debug)]
pub struct PreparedPipeline {
    /// The validated pipeline file.
    pub pipeline: Pipeline,
    /// Its stages, ready to run.
    pub stages: Vec<Stage>,
    /// What the contract checker could not prove (the run may still work).
    pub warnings: Vec<PipelineDiagnostic>,
    /// The document schema out of the input reader, then after each stage.
    pub flow: Vec<(String, serde_json::Value)>,
}

/// Load and configure every stage of `pipeline` for `jobs` concurrent
/// documents. Every problem is reported, not only the first.
pub fn prepare(pipeline: Pipeline, jobs: usize) -> Result<PreparedPipeline, PipelineErrors> {
    let max_memory = pipeline
        .stages
        .iter()
        .map(|s| s.limits.memory_bytes)
        .max()
        .unwrap_or(StageLimits::default().memory_bytes);
    let runtime = Runtime::new(&EngineOptions {
        max_memory_bytes: max_memory,
        concurrency: jobs,
        stages: pipeline.stages.len(),
        cache_dir: EngineOptions::default_cache_dir(),
    })
    .map_err(|e| {
        errors(
            &pipeline,
            vec![PipelineDiagnostic::detached(
                DiagnosticKind::InvalidPlugin,
                format!("could not start the WebAssembly engine: {e:#}"),
            )],
        )
    })?;

    let mut loaded: HashMap<String, Loaded> = HashMap::new();
    let mut read_resources: HashMap<PathBuf, ReadResource> = HashMap::new();
    let mut problems = Vec::new();
    let mut stages = Vec::new();
    for spec in &pipeline.stages {
        let plugin_path = pipeline.stage_path(spec.index).join("plugin");
        // Two stages share a compiled plugin only if they also pin the same
        // digest, so every pin is checked.
        let key = match &spec.plugin {
            PluginRef::File {
                sha256: Some(pin), ..
            } => format!("{}#{pin}", spec.plugin),
            _ => spec.plugin.to_string(),
        };
        let Loaded {
            plugin,
            config_check,
            output_check,
        } = match loaded.get(&key) {
            Some(entry) => entry.clone(),
            None => match load_plugin(&runtime, &spec.plugin) {
                Ok(entry) => {
                    loaded.insert(key, entry.clone());
                    entry
                }
                Err((place, message)) => {
                    let (path, label) = match place {
                        Place::Plugin => (plugin_path, "this plugin"),
                        Place::Pin => (
                            pipeline.stage_path(spec.index).join("sha256"),
                            "pinned here",
                        ),
                    };
                    problems.push(pipeline.diagnostic_at(
                        &path,
                        Anchor::Value,
                        DiagnosticKind::InvalidPlugin,
                        format!("stage `{}`: {message}", spec.id),
                        label,
                    ));
                    continue;
                }
            },
        };
        let limits = StageLimits {
            memory_bytes: spec.limits.memory_bytes,
            timeout: spec.limits.timeout,
            max_output_bytes: spec.limits.max_output_bytes,
        };
        let Some(resources) = stage_resources(&pipeline, spec, &mut read_resources, &mut problems)
        else {
            continue;
        };
        let config = serde_json::Value::Object(spec.config.clone());
        let config_json = config.to_string();
        let manifest = plugin.manifest();
        // The declared config schema is checked first, by a real validator,
        // so every wrong key and type is reported with its place in the file.
        let violations = config_check.violations(&config);
        let config_valid = violations.is_empty();
        if !violations.is_empty() {
            let who = format!("stage `{}` ({})", spec.id, plugin.label());
            for violation in violations {
                let path = pipeline
                    .stage_path(spec.index)
                    .join("config")
                    .join_pointer(&violation.pointer);
                let problem = match &violation.unknown_key {
                    Some(key) => {
                        let parent = violation.pointer.rsplit_once('/').map_or("", |(p, _)| p);
                        let known = known_keys(&manifest.config_schema, parent);
                        let help = match nearest(key, &known) {
                            Some(near) => format!("did you mean `{near}`?"),
                            None if known.is_empty() => {
                                "this plugin takes no config keys here".to_string()
                            }
                            None => format!(
                                "valid keys: {}",
                                known
                                    .iter()
                                    .map(|k| format!("`{k}`"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        };
                        pipeline
                            .diagnostic_at(
                                &path,
                                Anchor::Key,
                                DiagnosticKind::InvalidConfig,
                                format!("{who}: unknown config key `{key}`"),
                                "unknown key",
                            )
                            .with_help(help)
                    }
                    None => pipeline
                        .diagnostic_at(
                            &path,
                            Anchor::Value,
                            DiagnosticKind::InvalidConfig,
                            format!("{who}: config `{path}`: {}", violation.message),
                            violation.message.clone(),
                        )
                        .with_help(format!(
                            "`docpipe plugins inspect {}` shows the config schema",
                            plugin.label()
                        )),
                };
                problems.push(problem);
            }
        }
        // Configure one instance now, so a config the plugin refuses is an
        // error before any document runs, pointing at the offending key. A
        // stage that reuses instances keeps it for its first document.
        let mut configured = None;
        match config_valid.then(|| plugin.instantiate(&config_json, limits, &resources)) {
            None => {}
            Some(Ok(Ok(instance))) => {
                problems.extend(unread_resources(&pipeline, spec, &plugin, &instance));
                if spec.instances == InstancePolicy::PerDocument
                    && !instance.resources_read().is_empty()
                {
                    problems.push(resources_per_document(&pipeline, spec));
                }
                configured = Some(instance);
            }
            Some(Ok(Err(e))) => {
                // A resource the plugin refuses is reported at its entry; any
                // other refusal at the config key the plugin names.
                let refused = e
                    .resource_name()
                    .filter(|name| spec.resources.iter().any(|r| r.name == *name));
                problems.push(match refused {
                    Some(name) => pipeline.diagnostic_at(
                        &pipeline.stage_path(spec.index).join("resources").join(name),
                        Anchor::Value,
                        DiagnosticKind::InvalidConfig,
                        format!(
                            "stage `{}` ({}) refused its resource `{name}`: {}",
                            spec.id,
                            plugin.label(),
                            e.message
                        ),
                        "refused by the plugin",
                    ),
                    None => pipeline.config_diagnostic(
                        spec.index,
                        e.pointer.as_deref().unwrap_or_default(),
                        e.message.clone(),
                        Some(format!(
                            "`docpipe plugins inspect {}` shows the config schema",
                            plugin.label()
                        )),
                    ),
                });
            }
            Some(Err(failure)) => {
                problems.push(pipeline.diagnostic_at(
                    &plugin_path,
                    Anchor::Value,
                    DiagnosticKind::InvalidPlugin,
                    format!("stage `{}`: plugin `{}` {failure}", spec.id, plugin.label()),
                    "this plugin",
                ));
                continue;
            }
        }
        stages.push(Stage {
            id: spec.id.clone(),
            plugin,
            config_json,
            limits,
            resources,
            on_error: spec.on_error,
            instances: spec.instances,
            output_check: (pipeline.contracts != ContractMode::Off).then_some(output_check),
            idle: Arc::new(match configured {
                Some(instance) if spec.instances == InstancePolicy::Reused => {
                    IdleInstances::with(instance)
                }
                _ => IdleInstances::default(),
            }),
        });
    }
    // The chain can be followed only if every plugin loaded; a stage whose
    // config was refused still declares its schemas, so its problems and the
    // chain's are reported together.
    let mut flow = Vec::new();
    if stages.len() == pipeline.stages.len() {
        let (computed, findings) = check_chain(&pipeline, &stages, &runtime);
        flow = computed;
        problems.extend(findings);
    }
    let (errors_found, warnings): (Vec<_>, Vec<_>) = problems
        .into_iter()
        .partition(|d| d.kind().severity() == miette::Severity::Error);
    if !errors_found.is_empty() {
        let mut all = errors_found;
        all.extend(warnings);
        return Err(errors(&pipeline, all));
    }
    Ok(PreparedPipeline {
        pipeline,
        stages,
        warnings,
        flow,
    })
}

/// Prove that every stage gets the fields it requires: follow the document
/// schema from the input reader through each stage's declared output, and
/// check each stage's declared input against what arrives.
fn check_chain(
    pipeline: &Pipeline,
    stages: &[Stage],
    runtime: &Runtime,
) -> (Vec<(String, serde_json::Value)>, Vec<PipelineDiagnostic>) {
    let mut flowing = contract::input_schema(pipeline.input.format);
    let mut flow = vec![("input".to_string(), flowing.clone())];
    let mut problems = Vec::new();
    for (spec, stage) in pipeline.stages.iter().zip(stages) {
        let manifest = stage.plugin.manifest();
        for finding in contract::check_stage(&flowing, &manifest.input_schema) {
            let kind = match (finding.severity, &finding.kind) {
                (contract::Severity::Warning, _) => DiagnosticKind::Unproven,
                (_, FindingKind::TypeMismatch { .. }) => DiagnosticKind::TypeMismatch,
                _ => DiagnosticKind::MissingField,
            };
            let mut message = format!(
                "stage `{}` ({}) {}",
                spec.id,
                stage.plugin.label(),
                finding.message
            );
            let mut help = None;
            if matches!(
                finding.kind,
                FindingKind::Missing | FindingKind::MaybeMissing
            ) {
                let providers = contract::providers(&finding.pointer, &builtin_outputs(runtime));
                if let Some(first) = providers.first() {
                    message.push_str(&format!("; add a stage with `{first}` before it"));
                    help = Some(format!(
                        "`{first}` writes `{}`",
                        contract::dotted(&finding.pointer)
                    ));
                }
            }
            let diagnostic = pipeline.diagnostic_at(
                &pipeline.stage_path(spec.index).join("plugin"),
                Anchor::Value,
                kind,
                message,
                "this stage",
            );
            problems.push(match help {
                Some(help) => diagnostic.with_help(help),
                None => diagnostic,
            });
        }
        flowing = contract::apply_output(&flowing, &manifest.output_schema);
        flow.push((spec.id.clone(), flowing.clone()));
    }
    (flow, problems)
}

/// The output schemas of the built-in plugins, to name one that provides a
/// missing field. Loaded only when a field is missing.
fn builtin_outputs(runtime: &Runtime) -> Vec<(String, serde_json::Value)> {
    builtin::BUILTINS
        .iter()
        .filter_map(|b| plugin_source::builtin(b.name).ok())
        .filter_map(|source| runtime.load(source).ok())
        .map(|plugin| {
            (
                plugin.label().to_string(),
                plugin.manifest().output_schema.clone(),
            )
        })
        .collect()
}

/// A resource file's bytes and their sha256 (hex), read once per run
/// however many stages name it.
type ReadResource = (Arc<Vec<u8>>, String);

/// Read the stage's resources and check each against its pin. `None` when
/// one cannot be used: its problem is in `problems`, and the stage cannot be
/// configured as the file says.
fn stage_resources(
    pipeline: &Pipeline,
    spec: &StageSpec,
    read: &mut HashMap<PathBuf, ReadResource>,
    problems: &mut Vec<PipelineDiagnostic>,
) -> Option<StageResources> {
    let mut resources = BTreeMap::new();
    let mut usable = true;
    for resource in &spec.resources {
        let at = pipeline
            .stage_path(spec.index)
            .join("resources")
            .join(resource.name.as_str());
        let (bytes, digest) = match read.get(&resource.path) {
            Some(known) => known.clone(),
            None => match std::fs::read(&resource.path) {
                Ok(bytes) => {
                    let digest = hex::encode(Sha256::digest(&bytes));
                    let known = (Arc::new(bytes), digest);
                    read.insert(resource.path.clone(), known.clone());
                    known
                }
                Err(e) => {
                    problems.push(pipeline.diagnostic_at(
                        &at.join("path"),
                        Anchor::Value,
                        DiagnosticKind::ResourceNotFound,
                        format!(
                            "stage `{}`: cannot read resource `{}` ({}): {e}",
                            spec.id,
                            resource.name,
                            resource.path.display()
                        ),
                        "unreadable",
                    ));
                    usable = false;
                    continue;
                }
            },
        };
        if digest != resource.sha256 {
            problems.push(
                pipeline
                    .diagnostic_at(
                        &at.join("sha256"),
                        Anchor::Value,
                        DiagnosticKind::ResourcePin,
                        format!(
                            "stage `{}`: resource `{}` ({}) has sha256 {digest}, not the one pinned",
                            spec.id,
                            resource.name,
                            resource.path.display()
                        ),
                        "pinned here",
                    )
                    .with_help(
                        "the file changed since it was pinned: restore it, or pin the new digest if the change is intended",
                    ),
            );
            usable = false;
            continue;
        }
        resources.insert(resource.name.clone(), bytes);
    }
    usable.then(|| StageResources::new(resources))
}

/// A warning for each resource the stage declares that its plugin did not
/// read when configured: most likely a misspelt name the plugin never asks
/// for, which would otherwise pass unnoticed.
fn unread_resources(
    pipeline: &Pipeline,
    spec: &StageSpec,
    plugin: &LoadedPlugin,
    instance: &PluginInstance,
) -> Vec<PipelineDiagnostic> {
    spec.resources
        .iter()
        .filter(|resource| !instance.resources_read().contains(&resource.name))
        .map(|resource| {
            let at = pipeline
                .stage_path(spec.index)
                .join("resources")
                .join(resource.name.as_str());
            pipeline
                .diagnostic_at(
                    &at,
                    Anchor::Key,
                    DiagnosticKind::UnusedResource,
                    format!(
                        "stage `{}`: plugin `{}` did not read resource `{}` when configured",
                        spec.id,
                        plugin.label(),
                        resource.name
                    ),
                    "not read",
                )
                .with_help(format!(
                    "check the name against what `{}` reads (its documentation); the resource is ignored",
                    plugin.label()
                ))
        })
        .collect()
}

/// A warning that a stage whose plugin reads resources makes a fresh
/// instance, and so a fresh copy of them, for every document.
fn resources_per_document(pipeline: &Pipeline, spec: &StageSpec) -> PipelineDiagnostic {
    pipeline
        .diagnostic_at(
            &pipeline.stage_path(spec.index).join("resources"),
            Anchor::Key,
            DiagnosticKind::ResourcePerDocument,
            format!(
                "stage `{}` reads resources and makes a fresh instance per document: every document pays for copying them in",
                spec.id
            ),
            "copied for every document",
        )
        .with_help("with `instances = \"reused\"` (the default) they are copied once per worker")
}

/// Which key of a stage a loading problem belongs to.
enum Place {
    Plugin,
    Pin,
}

/// A loaded plugin with its config and output schemas compiled, shared by
/// every stage that uses it.
#[derive(Clone)]
struct Loaded {
    plugin: LoadedPlugin,
    config_check: Arc<SchemaCheck>,
    output_check: Arc<SchemaCheck>,
}

fn load_plugin(runtime: &Runtime, reference: &PluginRef) -> Result<Loaded, (Place, String)> {
    let source = match reference {
        PluginRef::Builtin(name) => plugin_source::builtin(name),
        PluginRef::File { path, sha256 } => {
            plugin_source::file(path, &reference.to_string(), sha256.as_deref())
        }
    };
    let source = source.map_err(|e| match e {
        SourceError::DigestMismatch { .. } => (Place::Pin, e.to_string()),
        e => (Place::Plugin, e.to_string()),
    })?;
    let plugin = runtime
        .load(source)
        .map_err(|e| (Place::Plugin, e.to_string()))?;
    let manifest = plugin.manifest();
    let compile = |schema| {
        SchemaCheck::compile(schema).map(Arc::new).map_err(|e| {
            (
                Place::Plugin,
                format!(
                    "plugin `{}` declares a schema that is not valid JSON Schema: {e}",
                    plugin.label()
                ),
            )
        })
    };
    Ok(Loaded {
        config_check: compile(&manifest.config_schema)?,
        output_check: compile(&manifest.output_schema)?,
        plugin,
    })
}

fn errors(pipeline: &Pipeline, diagnostics: Vec<PipelineDiagnostic>) -> PipelineErrors {
    PipelineErrors::new(&pipeline.source.path, diagnostics)
}

/// The known key closest to a misspelt one, if any is close enough to be a
/// plausible typo.
fn nearest<'a>(key: &str, known: &'a [String]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (strsim::jaro_winkler(key, k), k))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k.as_str())
}
