/*!
Helpers shared by the test binaries under `tests/` (each one declares
`mod support;`): finding the built `zhtidy` and the repository, running the
binary with arguments and optional input, fresh scratch folders (and
[`Tree`], one with files in it that runs zhtidy inside it), and the fixture
texts more than one binary uses. A helper used by one binary only
stays in that binary's file.
*/
// Each test file is its own crate and compiles this whole module, but uses
// only some of it; what one binary leaves unused is not dead code.
#![allow(dead_code)]

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Traditional text with one stray Simplified character (开), which fix
/// repairs.
pub const DIRTY: &str = "他們離开了會場，這是第二段很長的正文。\n";
/// [`DIRTY`] repaired.
pub const FIXED: &str = "他們離開了會場，這是第二段很長的正文。\n";
/// Simplified text that nothing changes.
pub const CLEAN: &str = "这是一段干净的中文。\n";

/// The `zhtidy` binary cargo built for this test run.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_zhtidy")
}

/// The repository's root folder.
pub fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The real sample: a Traditional article with stray
/// Simplified glyphs left by a poor conversion tool.
pub fn sample() -> PathBuf {
    repo_root().join("examples/reposted-article.zh-Hant.txt")
}

/// A fresh, empty scratch folder in the system temp dir, named after the
/// test binary, `name` and the process (so that binaries and runs never
/// share one).
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "zhtidy-{}-{name}-{}",
        env!("CARGO_CRATE_NAME"),
        std::process::id()
    ));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `cmd` to the end with `stdin` as its input (none: standard input
/// is closed) and its output captured.
///
/// The input is fed from a thread: zhtidy streams, so it writes output
/// while input is still coming, and a large input written before reading
/// any output could block both. A failed write (zhtidy exited before
/// reading it all, as on a usage error) is ignored: what the caller
/// asserts about the exit code and the output decides.
pub fn run_with_input(cmd: &mut Command, stdin: Option<&[u8]>) -> Output {
    let mut child = cmd
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("zhtidy runs");
    let feeder = stdin.map(|bytes| {
        let bytes = bytes.to_vec();
        let mut pipe = child.stdin.take().unwrap();
        std::thread::spawn(move || {
            let _ = pipe.write_all(&bytes);
        })
    });
    let output = child.wait_with_output().unwrap();
    if let Some(feeder) = feeder {
        feeder.join().unwrap();
    }
    output
}

/// `bytes` as text; panics if they are not UTF-8 (zhtidy writes UTF-8).
pub fn utf8(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// A scratch folder that tests fill with files and run zhtidy in; removed
/// when dropped.
pub struct Tree(pub PathBuf);

impl Tree {
    /// An empty tree (see [`scratch`] for the name).
    pub fn new(name: &str) -> Tree {
        Tree(scratch(name))
    }

    /// Writes `content` to `rel`, creating the folders above it.
    pub fn file(&self, rel: &str, content: impl AsRef<[u8]>) -> &Self {
        let p = self.0.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, content).unwrap();
        self
    }

    /// The text of `rel`.
    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.0.join(rel)).unwrap()
    }

    /// Runs zhtidy with `args` in the tree, standard input closed.
    pub fn run(&self, args: &[&str]) -> Output {
        self.run_stdin(args, None)
    }

    /// Runs zhtidy with `args` in the tree and `stdin` as its input. The
    /// colour variables of the test's own environment are removed, so
    /// that output is coloured only when a test asks for it.
    pub fn run_stdin(&self, args: &[&str], stdin: Option<&[u8]>) -> Output {
        run_with_input(
            Command::new(bin())
                .args(args)
                .current_dir(&self.0)
                .env_remove("NO_COLOR")
                .env_remove("CLICOLOR_FORCE"),
            stdin,
        )
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}
