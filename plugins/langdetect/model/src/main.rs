//! `docpipe-langdetect-model`: write a langdetect model table to a file, to
//! name as the `model` resource of a `builtin:langdetect` stage. By default
//! it keeps every n-gram of lingua's models (about 66 MB), which the 32 MB
//! cap on the committed component leaves out.

use clap::Parser;
use sha2::{Digest, Sha256};
use std::path::PathBuf;

/// Write a model table for docpipe's langdetect plugin.
#[derive(Debug, Parser)]
#[command(version, about, long_about = None)]
struct Args {
    /// Where to write the table.
    out: PathBuf,
    /// 4-grams kept per language, the most worth keeping first (default:
    /// all). The table built into the plugin keeps 100000.
    #[arg(long)]
    keep_4grams: Option<usize>,
    /// 5-grams kept per language (default: all). The built-in table keeps 60000.
    #[arg(long)]
    keep_5grams: Option<usize>,
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let bytes = docpipe_langdetect_model::pack(
        args.keep_4grams.unwrap_or(usize::MAX),
        args.keep_5grams.unwrap_or(usize::MAX),
    );
    if let Err(e) = std::fs::write(&args.out, &bytes) {
        eprintln!("error: cannot write {}: {e}", args.out.display());
        return std::process::ExitCode::FAILURE;
    }
    // What the pipeline file pins.
    println!(
        "wrote {} ({} bytes)\nsha256 = \"{}\"",
        args.out.display(),
        bytes.len(),
        hex::encode(Sha256::digest(&bytes))
    );
    std::process::ExitCode::SUCCESS
}
