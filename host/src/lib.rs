//! docpipe host library.
