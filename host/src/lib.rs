//! docpipe host library.

pub mod build;
