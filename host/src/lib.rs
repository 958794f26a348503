//! docpipe: process documents through sandboxed WebAssembly plugins, as a
//! declarative pipeline file says.
//!
//! The layers, from the user's file inward: [`pipeline`] parses and
//! validates the pipeline file; [`input`] streams documents; [`runtime`] is
//! the sandbox (one engine, the compile cache, configured instances, limits);
//! [`run`] drives documents through the stages; [`output`] writes results
//! safely; [`shard`] splits a run over processes a scheduler launches and
//! merges their outputs. [`build`] turns plugin crates into components. [`commands`] and
//! [`cli`] are the thin command-line layer over all of it.

pub mod build;
pub mod builtin;
pub mod cli;
pub mod commands;
pub mod contract;
pub mod input;
pub mod output;
pub mod pipeline;
pub mod plugin_source;
pub mod prepare;
pub mod run;
pub mod runtime;
pub mod schema_check;
pub mod shard;
