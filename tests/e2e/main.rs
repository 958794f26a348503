//! End-to-end tests: the real `docpipe` binary over the real built-in
//! components and over plugins built from source in `tests/plugins/`.

mod util;

mod check;
mod components;
mod contracts;
mod docs;
mod extract;
mod output;
mod plugins;
mod resources;
mod resume;
mod run;
mod sandbox;
mod schemas;
mod shard;
mod versions;
