/*!
The command reference in Markdown (`--generate-cli-reference`), made from
the same clap definitions as `--help`, the man page and the completions:
`docs/cli.md` holds it between two markers, and a test fails when the
two differ, so the document cannot drift from the program.

Each command gets its usage line, its long description and its options
grouped under their help headings, each with its value name, its long
help, its possible values and its default.
*/

use std::fmt::Write as _;

use clap::{Arg, ArgAction, Command};

/// The reference of `cmd` and its subcommands.
pub fn markdown(cmd: &mut Command) -> String {
    cmd.build();
    let mut out = String::new();
    command(&mut out, cmd, "zhtidy", 2);
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        if sub.get_name() == "help" {
            continue;
        }
        let path = format!("zhtidy {}", sub.get_name());
        command(&mut out, sub, &path, 2);
    }
    out
}

fn command(out: &mut String, cmd: &Command, path: &str, level: usize) {
    let hashes = "#".repeat(level);
    let _ = writeln!(out, "{hashes} `{path}`\n");
    if let Some(about) = cmd.get_long_about().or(cmd.get_about()) {
        let _ = writeln!(out, "{}\n", plain(&about.to_string()));
    }
    let usage = cmd
        .clone()
        .bin_name(path)
        .render_usage()
        .to_string()
        .replacen("Usage: ", "", 1);
    let _ = writeln!(out, "```text\n{usage}\n```\n");
    let positionals: Vec<&Arg> = cmd.get_positionals().filter(|a| !a.is_hide_set()).collect();
    if !positionals.is_empty() {
        let _ = writeln!(out, "{hashes}# Arguments\n");
        for arg in positionals {
            let name = arg
                .get_value_names()
                .map(|v| v.join(" "))
                .unwrap_or_else(|| arg.get_id().to_string());
            let _ = writeln!(out, "- `{name}`: {}", help(arg));
        }
        out.push('\n');
    }
    // Options in the order declared, grouped by heading (first seen first).
    let mut headings: Vec<Option<&str>> = Vec::new();
    let options: Vec<&Arg> = cmd
        .get_arguments()
        .filter(|a| !a.is_positional() && !a.is_hide_set())
        .collect();
    for arg in &options {
        if !headings.contains(&arg.get_help_heading()) {
            headings.push(arg.get_help_heading());
        }
    }
    for heading in headings {
        let _ = writeln!(out, "{hashes}# {}\n", heading.unwrap_or("Options"));
        for arg in options.iter().filter(|a| a.get_help_heading() == heading) {
            option(out, arg);
        }
        out.push('\n');
    }
}

fn option(out: &mut String, arg: &Arg) {
    let mut flags = Vec::new();
    if let Some(s) = arg.get_short() {
        flags.push(format!("-{s}"));
    }
    if let Some(l) = arg.get_long() {
        flags.push(format!("--{l}"));
    }
    let takes_value = matches!(arg.get_action(), ArgAction::Set | ArgAction::Append);
    let value = match (takes_value, arg.get_value_names()) {
        (true, Some(names)) => format!(" <{}>", names.join(" ")),
        (true, None) => format!(" <{}>", arg.get_id().as_str().to_uppercase()),
        _ => String::new(),
    };
    let _ = write!(out, "- `{}{value}`", flags.join(", "));
    if let Some(aliases) = arg.get_visible_aliases().filter(|a| !a.is_empty()) {
        let _ = write!(out, " (also `--{}`)", aliases.join("`, `--"));
    }
    let _ = write!(out, ": {}.", help(arg).trim_end_matches('.'));
    let values: Vec<_> = arg
        .get_possible_values()
        .into_iter()
        .filter(|v| !v.is_hide_set())
        .collect();
    let described = values.iter().any(|v| v.get_help().is_some());
    if takes_value && !values.is_empty() && !described {
        let names: Vec<String> = values
            .iter()
            .map(|v| format!("`{}`", v.get_name()))
            .collect();
        let _ = write!(out, " One of {}.", names.join(", "));
    }
    let defaults: Vec<String> = arg
        .get_default_values()
        .iter()
        .map(|d| d.to_string_lossy().into_owned())
        .collect();
    if takes_value && !defaults.is_empty() {
        let _ = write!(out, " Default: `{}`.", defaults.join(" "));
    }
    out.push('\n');
    if takes_value && described {
        for v in values {
            let h = v
                .get_help()
                .map(|h| plain(&h.to_string()))
                .unwrap_or_default();
            let _ = writeln!(out, "  - `{}`: {}", v.get_name(), h);
        }
    }
}

fn help(arg: &Arg) -> String {
    arg.get_long_help()
        .or(arg.get_help())
        .map(|h| plain(&h.to_string()))
        .unwrap_or_default()
}

/// Help text as one Markdown paragraph per blank-line-separated block.
fn plain(text: &str) -> String {
    text.split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n\n")
}
