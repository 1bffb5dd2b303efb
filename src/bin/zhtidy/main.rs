/*!
The `zhtidy` command: parses arguments, runs one library call per mode (the
cleaning pipeline by default, `convert` as a subcommand) and
maps the outcome to an exit code (0 fine, 2 error). A closed standard output
(`zhtidy … | head`) ends the run quietly with 0.
*/

mod args;
mod convert_cmd;
mod detect_cmd;
mod tidy_cmd;

use std::io;
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    let result = match &cli.command {
        Some(args::Command::Convert(a)) => convert_cmd::run(a),
        Some(args::Command::Detect(a)) => detect_cmd::run(a),
        None => tidy_cmd::run(&cli.tidy),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("zhtidy: error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}
