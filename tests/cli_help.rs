/*!
Help a new user can read: `-h` is short, shows the common options and the
examples, and points at `--help`, which lists every option and the exit
status; both are wrapped to the terminal's width (COLUMNS); `detect
--help` describes detect's own output; a mistyped subcommand that names
no path gets a suggestion.
*/

mod support;

use std::process::{Command, Output};

fn zhtidy(args: &[&str], columns: &str) -> Output {
    support::run_with_input(
        Command::new(support::bin())
            .args(args)
            .env("COLUMNS", columns)
            .current_dir(std::env::temp_dir()),
        None,
    )
}

fn out(args: &[&str]) -> String {
    let o = zhtidy(args, "100");
    assert!(o.status.success(), "{args:?}: {}", support::utf8(&o.stderr));
    support::utf8(&o.stdout)
}

#[test]
fn short_help_has_the_examples_and_the_common_options_only() {
    let short = out(&["-h"]);
    let long = out(&["--help"]);
    for example in [
        "zhtidy article.txt",
        "zhtidy -w corpus/",
        "zhtidy --check .",
        "zhtidy --jsonl --field text < data.jsonl",
    ] {
        assert!(short.contains(example), "-h lacks {example:?}");
        assert!(long.contains(example), "--help lacks {example:?}");
    }
    for common in ["--write", "--check", "--diff", "--explain", "--disable"] {
        assert!(short.contains(common), "-h lacks {common}");
    }
    for rare in [
        "--max-removed-share",
        "--files-from",
        "--lossy",
        "--isolated",
    ] {
        assert!(!short.contains(rare), "-h shows {rare}");
        assert!(long.contains(rare), "--help lacks {rare}");
    }
    assert!(long.contains("Exit status: 0 fine, 1 changes found"));
    assert!(short.lines().count() * 2 < long.lines().count());
}

#[test]
fn help_is_wrapped_to_the_terminal() {
    for args in [&["-h"][..], &["--help"], &["detect", "--help"]] {
        let o = zhtidy(args, "60");
        let text = support::utf8(&o.stdout);
        let longest = text.lines().map(|l| l.chars().count()).max().unwrap();
        assert!(longest <= 60, "{args:?}: a line of {longest} characters");
    }
}

#[test]
fn detect_help_describes_its_own_output() {
    let help = out(&["detect", "--help"]);
    assert!(help.contains("PATH ENCODING CONFIDENCE"), "{help}");
    assert!(!help.contains("cleaned text"), "{help}");
}

#[test]
fn mistyped_subcommands_are_suggested() {
    for (typo, meant) in [
        ("conver", "convert"),
        ("detetc", "detect"),
        ("rulse", "rules"),
    ] {
        let o = zhtidy(&[typo], "100");
        assert_eq!(o.status.code(), Some(2));
        let err = support::utf8(&o.stderr);
        assert!(
            err.contains(&format!("did you mean `zhtidy {meant}`?")),
            "{typo}: {err}"
        );
    }
}

#[test]
fn usage_errors_carry_the_program_name() {
    let o = zhtidy(&["--bogus"], "100");
    assert_eq!(o.status.code(), Some(2));
    let err = support::utf8(&o.stderr);
    assert!(
        err.starts_with("zhtidy: error: unexpected argument '--bogus'"),
        "{err}"
    );
    let v = zhtidy(&["--version"], "100");
    assert_eq!(v.status.code(), Some(0));
    assert!(support::utf8(&v.stdout).starts_with("zhtidy "));
}
