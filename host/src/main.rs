//! The `docpipe` binary: parse arguments, run the verb, map the outcome to
//! an exit code. Everything else lives in the library.

use clap::Parser;
use docpipe::cli::{Cli, Command};
use docpipe::commands;
use std::io::IsTerminal;
use std::process::ExitCode;

fn main() -> ExitCode {
    // Wrapped lines help a person at a terminal and hurt everyone grepping a
    // CI log, so wrap only for a terminal.
    let terminal = std::io::stderr().is_terminal();
    let _ = miette::set_hook(Box::new(move |_| {
        Box::new(
            miette::MietteHandlerOpts::new()
                .wrap_lines(terminal)
                .build(),
        )
    }));
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => commands::run::RunCommand::new(args).execute(),
        Command::Plan(args) => commands::plan::PlanCommand::new(args).execute(),
        Command::Merge(args) => commands::merge::MergeCommand::new(args).execute(),
        Command::Check(args) => commands::check::CheckCommand::new(args).execute(),
        Command::Plugins(command) => commands::plugins::PluginsCommand::new(command).execute(),
        Command::Schema(command) => commands::schema::SchemaCommand::new(command).execute(),
    };
    match result {
        Ok(code) => code.into(),
        Err(report) => {
            eprintln!("{report:?}");
            commands::Exit::Config.into()
        }
    }
}
