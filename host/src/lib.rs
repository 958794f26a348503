//! docpipe host library.

pub mod pipeline;
