/*!
The `zhtidy` command: parses arguments, runs one library call per mode (the
cleaning pipeline by default, `convert` as a subcommand) and
maps the outcome to an exit code (0 fine, 1 changes found by `--check`,
`--diff` or `-l`, 2 error). SIGXFSZ is ignored, so a file size limit makes
one file's write fail instead of ending the run. A closed standard output (`zhtidy … | head`)
ends the run quietly with 0. `--generate-shell-completion` and
`--generate-man` print what clap_complete and clap_mangen make of the same
definitions, and the hidden `--generate-cli-reference` the Markdown
reference of `docs/cli.md`.
*/

mod alloc;
mod args;
mod bulk;
mod changes;
mod convert_cmd;
mod corpus;
mod dedup_cmd;
mod detect_cmd;
mod ignored;
mod jsonl;
mod ordered;
mod outcome;
mod paths;
mod progress;
mod reference;
mod report;
mod rules_cmd;
mod settings;
mod statistics;
mod suggest;
mod tidy_cmd;
mod walk;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::{CommandFactory, Parser};

#[global_allocator]
static ALLOCATOR: alloc::Counting = alloc::Counting;

fn main() -> ExitCode {
    zhtidy::budget::count_memory_with(alloc::held);
    let cli = match args::Cli::try_parse() {
        Ok(cli) => cli,
        // --help and --version print to standard output and exit 0.
        Err(e) if !e.use_stderr() => e.exit(),
        // Usage errors carry the program's name like every other error.
        Err(e) => {
            anstream::eprint!("zhtidy: {}", e.render().ansi());
            return ExitCode::from(2);
        }
    };
    // An interrupted run must leave no temporary file beside a target.
    if let Err(e) = zhtidy::write::remove_temp_files_on_signal() {
        eprintln!("zhtidy: warning: cannot watch for signals: {e}");
    }
    ignore_file_size_signal();
    match cli.tidy.color {
        args::ColorArg::Always => anstream::ColorChoice::Always.write_global(),
        args::ColorArg::Never => anstream::ColorChoice::Never.write_global(),
        args::ColorArg::Auto => {}
    }
    let result = if let Some(shell) = cli.generate_shell_completion {
        generate_completion(shell).map(|()| ExitCode::SUCCESS)
    } else if cli.generate_man {
        generate_man().map(|()| ExitCode::SUCCESS)
    } else if cli.generate_cli_reference {
        let text = reference::markdown(&mut args::Cli::command());
        let mut out = io::stdout().lock();
        out.write_all(text.as_bytes())
            .and_then(|()| out.flush())
            .map(|()| ExitCode::SUCCESS)
            .map_err(anyhow::Error::from)
    } else {
        match &cli.command {
            Some(args::Command::Convert(a)) => convert_cmd::run(a),
            Some(args::Command::Detect(a)) => detect_cmd::run(a).map(|()| ExitCode::SUCCESS),
            Some(args::Command::Dedup(a)) => dedup_cmd::run(a).map(|()| ExitCode::SUCCESS),
            Some(args::Command::Rules(a)) => rules_cmd::run(a).map(|()| ExitCode::SUCCESS),
            None => match cli
                .tidy
                .paths
                .first()
                .and_then(|p| suggest::mistyped_subcommand(p))
            {
                Some(name) => Err(anyhow::anyhow!(
                    "{} is no file, folder or subcommand; did you mean `zhtidy {name}`?",
                    cli.tidy.paths[0].display()
                )),
                None => tidy_cmd::run(&cli.tidy),
            },
        }
    };
    if !cli.tidy.quiet {
        report_left_behind();
    }
    match result {
        Ok(code) => code,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("zhtidy: error: {}", render(&err));
            ExitCode::from(2)
        }
    }
}

/// Past a file size limit (`ulimit -f`), a write raises SIGXFSZ, which
/// would kill the whole run with no message and a partial temporary file
/// left. Ignored, the write fails with EFBIG instead: an error for that
/// file, its temporary file removed, and the run goes on.
fn ignore_file_size_signal() {
    #[cfg(unix)]
    // SAFETY: setting a signal's disposition to SIG_IGN, before any thread
    // of ours could be relying on it.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
}

/// Says which temporary files of interrupted runs were found beside the
/// files written (and removed).
fn report_left_behind() {
    for left in zhtidy::write::take_left_behind() {
        let path = left.path.display();
        match left.error {
            None => eprintln!(
                "zhtidy: note: removed {path}, a temporary file left by an interrupted run (process {})",
                left.pid
            ),
            Some(e) => eprintln!(
                "zhtidy: warning: {path} is a temporary file left by an interrupted run (process {}); cannot remove it: {e}",
                left.pid
            ),
        }
    }
}

fn generate_completion(shell: clap_complete::Shell) -> anyhow::Result<()> {
    // Rendered into memory first: clap_complete panics on a write error,
    // and a closed pipe must end quietly.
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut args::Cli::command(), "zhtidy", &mut buf);
    let mut out = io::stdout().lock();
    out.write_all(&buf)?;
    out.flush()?;
    Ok(())
}

fn generate_man() -> anyhow::Result<()> {
    let mut out = io::stdout().lock();
    clap_mangen::Man::new(args::Cli::command()).render(&mut out)?;
    out.flush()?;
    Ok(())
}

/// An error and its causes, each said once: a cause whose text the
/// message already holds (a library error that prints its source, such
/// as `path: Permission denied`) is not repeated.
pub fn render(err: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in err.chain() {
        let part = cause.to_string();
        if text.contains(&part) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&part);
    }
    text
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests {
    use super::render;

    fn denied() -> std::io::Error {
        std::io::Error::new(std::io::ErrorKind::PermissionDenied, "Permission denied")
    }

    #[test]
    fn each_cause_is_said_once() {
        // A message that already holds its source, as WriteError's do.
        let err = anyhow::Error::new(denied()).context("out/a.txt: Permission denied");
        assert_eq!(render(&err), "out/a.txt: Permission denied");
        let err = anyhow::Error::new(denied()).context("cannot write out/a.txt");
        assert_eq!(render(&err), "cannot write out/a.txt: Permission denied");
    }
}
