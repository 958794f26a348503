//! docpipe host library.
pub mod builtin;
pub mod output;
pub mod run;
pub mod runtime;
