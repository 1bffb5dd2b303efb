/*!
The pre-commit hooks for real: the pinned `pre-commit` (installed by
`scripts/test`, found beside `$ZHTIDY_PYTHON`) runs in a temporary git
repository whose `.pre-commit-config.yaml` names THIS repository as hook
source, at its current commit (`git rev-parse HEAD`; the hooks file must be
committed). pre-commit clones it and builds zhtidy with `cargo install`
(`language: rust`).

To keep that build affordable in tests it shares a target folder across
runs (`target/precommit-build`) and uses a quicker release profile (no
LTO, opt-level 1) through cargo's environment variables; what is tested is
the hook wiring, not the binary's speed.

Scenario: `zhtidy-check` fails on a dirty file and changes nothing; a
commit with the dirty file staged is blocked by `zhtidy`, which fixes the
file; once re-staged the commit goes through. A clean file passes, and a
file under a folder the repository's `.zhtidy.toml` excludes, and one under
a folder its `.zhtidyignore` lists, stay as they were although pre-commit
names them (`--force-exclude`).

Like the other tests that need `scripts/test`'s tools, this one fails
(never skips) without `ZHTIDY_PYTHON`.
*/

mod support;

use std::fs;
use std::path::PathBuf;
use std::process::{Command, Output};

use support::{repo_root, CLEAN, DIRTY, FIXED};

fn pre_commit() -> PathBuf {
    match std::env::var_os("ZHTIDY_PYTHON") {
        Some(p) if !p.is_empty() => PathBuf::from(p).with_file_name("pre-commit"),
        _ => panic!(
            "ZHTIDY_PYTHON is not set. This test runs the real pre-commit, which \
             `scripts/test` installs into its virtual environment; run `scripts/test`."
        ),
    }
}

fn run(cmd: &mut Command) -> Output {
    let o = cmd.output().expect("command runs");
    eprintln!(
        "$ {:?}\n{}{}",
        cmd,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

#[test]
fn hooks_fix_block_and_pass() {
    let head = run(Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(repo_root()));
    assert!(head.status.success());
    let rev = String::from_utf8(head.stdout).unwrap().trim().to_string();

    let work = std::env::temp_dir().join(format!("zhtidy-precommit-{}", std::process::id()));
    let _ = fs::remove_dir_all(&work);
    let docs = work.join("docs");
    fs::create_dir_all(docs.join("vendor")).unwrap();
    fs::write(
        docs.join(".pre-commit-config.yaml"),
        format!(
            "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: zhtidy-check\n        stages: [manual]\n      - id: zhtidy\n",
            repo_root().display()
        ),
    )
    .unwrap();
    fs::write(docs.join(".zhtidy.toml"), "extend-exclude = [\"vendor\"]\n").unwrap();
    fs::write(docs.join("dirty.md"), DIRTY).unwrap();
    fs::write(docs.join("clean.txt"), CLEAN).unwrap();
    fs::write(docs.join("vendor/copy.md"), DIRTY).unwrap();
    fs::write(docs.join(".zhtidyignore"), "third/\n").unwrap();
    fs::create_dir_all(docs.join("third")).unwrap();
    fs::write(docs.join("third/notes.md"), DIRTY).unwrap();

    let git = |args: &[&str]| {
        run(Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.invalid"])
            .args(args)
            .current_dir(&docs)
            .env("PRE_COMMIT_HOME", work.join("cache"))
            .env(
                "CARGO_TARGET_DIR",
                repo_root().join("target/precommit-build"),
            )
            .env("CARGO_PROFILE_RELEASE_LTO", "false")
            .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
            .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "1"))
    };
    let pc = |args: &[&str]| {
        run(Command::new(pre_commit())
            .args(args)
            .current_dir(&docs)
            .env("PRE_COMMIT_HOME", work.join("cache"))
            .env(
                "CARGO_TARGET_DIR",
                repo_root().join("target/precommit-build"),
            )
            .env("CARGO_PROFILE_RELEASE_LTO", "false")
            .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
            .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "1"))
    };
    assert!(git(&["init", "-q"]).status.success());
    assert!(git(&["add", "-A"]).status.success());
    let started = std::time::Instant::now();
    assert!(
        pc(&["install-hooks"]).status.success(),
        "hooks install (cargo build)"
    );
    eprintln!(
        "install-hooks took {:.0} s",
        started.elapsed().as_secs_f64()
    );
    assert!(pc(&["install"]).status.success());

    // The check-only hook fails and writes nothing.
    let check = pc(&[
        "run",
        "zhtidy-check",
        "--hook-stage",
        "manual",
        "--all-files",
    ]);
    assert_eq!(check.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&check.stdout).contains("would change: dirty.md"));
    assert_eq!(fs::read_to_string(docs.join("dirty.md")).unwrap(), DIRTY);

    // The commit is blocked; the hook fixed the file in the work tree.
    let blocked = git(&["commit", "-q", "-m", "first"]);
    assert!(!blocked.status.success());
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&blocked.stdout),
        String::from_utf8_lossy(&blocked.stderr)
    );
    assert!(said.contains("files were modified by this hook"), "{said}");
    assert_eq!(fs::read_to_string(docs.join("dirty.md")).unwrap(), FIXED);
    assert_eq!(fs::read_to_string(docs.join("clean.txt")).unwrap(), CLEAN);
    assert_eq!(
        fs::read_to_string(docs.join("vendor/copy.md")).unwrap(),
        DIRTY,
        "excluded by .zhtidy.toml"
    );
    assert_eq!(
        fs::read_to_string(docs.join("third/notes.md")).unwrap(),
        DIRTY,
        "listed in .zhtidyignore"
    );

    // Re-staged, it goes through, and the check hook passes.
    assert!(git(&["add", "dirty.md"]).status.success());
    assert!(git(&["commit", "-q", "-m", "first"]).status.success());
    let check = pc(&[
        "run",
        "zhtidy-check",
        "--hook-stage",
        "manual",
        "--all-files",
    ]);
    assert_eq!(check.status.code(), Some(0));
    let _ = fs::remove_dir_all(&work);
}

/// The `repo: local` snippet of `docs/pre-commit.md`, as written there, with
/// the built binary first on `PATH` as `cargo install` would put it.
fn local_hook_snippet() -> String {
    let doc = fs::read_to_string(repo_root().join("docs/pre-commit.md")).unwrap();
    doc.split("```yaml\n")
        .skip(1)
        .filter_map(|block| block.split("```").next())
        .find(|block| block.contains("repo: local"))
        .expect("docs/pre-commit.md shows a `repo: local` hook")
        .to_string()
}

#[test]
fn documented_local_hook_runs_the_installed_binary() {
    let work = std::env::temp_dir().join(format!("zhtidy-precommit-local-{}", std::process::id()));
    let _ = fs::remove_dir_all(&work);
    fs::create_dir_all(work.join("third")).unwrap();
    fs::write(work.join(".pre-commit-config.yaml"), local_hook_snippet()).unwrap();
    fs::write(work.join("dirty.md"), DIRTY).unwrap();
    fs::write(work.join("clean.txt"), CLEAN).unwrap();
    fs::write(work.join(".zhtidyignore"), "third/\n").unwrap();
    fs::write(work.join("third/notes.md"), DIRTY).unwrap();

    let bin_dir = PathBuf::from(env!("CARGO_BIN_EXE_zhtidy"))
        .parent()
        .unwrap()
        .to_path_buf();
    let path = std::env::join_paths(
        std::iter::once(bin_dir).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();
    let git = |args: &[&str]| {
        run(Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.invalid"])
            .args(args)
            .current_dir(&work))
    };
    assert!(git(&["init", "-q"]).status.success());
    assert!(git(&["add", "-A"]).status.success());
    let hook = run(Command::new(pre_commit())
        .args(["run", "--all-files"])
        .current_dir(&work)
        .env("PATH", &path)
        .env("PRE_COMMIT_HOME", work.join("cache")));
    assert_eq!(hook.status.code(), Some(1), "the hook changed a file");
    assert!(String::from_utf8_lossy(&hook.stdout).contains("files were modified by this hook"));
    assert_eq!(fs::read_to_string(work.join("dirty.md")).unwrap(), FIXED);
    assert_eq!(fs::read_to_string(work.join("clean.txt")).unwrap(), CLEAN);
    assert_eq!(
        fs::read_to_string(work.join("third/notes.md")).unwrap(),
        DIRTY,
        "listed in .zhtidyignore"
    );
    assert!(git(&["add", "-A"]).status.success());
    let again = run(Command::new(pre_commit())
        .args(["run", "--all-files"])
        .current_dir(&work)
        .env("PATH", &path)
        .env("PRE_COMMIT_HOME", work.join("cache")));
    assert_eq!(again.status.code(), Some(0), "a second run changes nothing");
    let _ = fs::remove_dir_all(&work);
}
