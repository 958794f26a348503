//! docpipe host library.

pub mod input;
