/*!
Paths as a user reads them, and diffs that tools apply.

A path is shown as it was given, without the `./` a walk of `.` puts in
front (`notes.md`, not `./notes.md`), so that `-l`, `--check`, GitHub
annotations and diff headers name files the way `git` and editors do. A
diff's headers are `a/PATH` and `b/PATH` with PATH relative to the current
folder when it lies under it, so `git apply` and `patch -p1` accept the
output of `zhtidy --diff .` as it is. A change with no text hunk (a new
encoding, a dropped byte order mark) is named on `# zhtidy:` lines before
the headers, which both tools skip as they skip an e-mail's prose.
*/

use std::path::{Component, Path, PathBuf};

use crate::changes::ChangeRecord;

/// `path` without `.` components (`./a/./b` → `a/b`); `.` stays `.`.
pub fn normalized(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        if c != Component::CurDir {
            out.push(c);
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// How a path is named in reports: normalized, with control characters
/// and bytes that are not UTF-8 escaped ([`crate::report::shown`]).
pub fn display_name(path: &Path) -> String {
    crate::report::shown(path)
}

/// The PATH of a diff's `a/PATH` header: relative to the current folder
/// when under it, never starting with `/`.
fn diff_path(name: &str) -> String {
    let path = Path::new(name);
    let rel = if path.is_absolute() {
        std::env::current_dir()
            .ok()
            .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
            .unwrap_or_else(|| path.to_path_buf())
    } else {
        path.to_path_buf()
    };
    let shown = display_name(&rel).replace('\\', "/");
    shown.trim_start_matches('/').to_string()
}

/// The unified diff of `old` → `new` for the file named `name`, headed by
/// one `# zhtidy:` line per whole-file change (and a line saying there is
/// no text hunk when the text is the same).
pub fn unified_diff(name: &str, old: &str, new: &str, changes: &[ChangeRecord]) -> String {
    let path = diff_path(name);
    let text = similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string();
    let mut out = String::new();
    for c in changes.iter().filter(|c| c.is_whole_file()) {
        out.push_str(&format!("# zhtidy: {name}: {}\n", c.summary()));
    }
    if text.is_empty() && !out.is_empty() {
        out.push_str(&format!(
            "# zhtidy: {name}: the text is the same; only the bytes written change\n"
        ));
    }
    out.push_str(&text);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_components_are_dropped() {
        assert_eq!(display_name(Path::new("./notes.md")), "notes.md");
        assert_eq!(display_name(Path::new("./a/./b.txt")), "a/b.txt");
        assert_eq!(display_name(Path::new(".")), ".");
        assert_eq!(display_name(Path::new("../x")), "../x");
    }

    #[test]
    fn diff_headers_never_start_with_a_slash() {
        assert_eq!(diff_path("/nowhere/under/x.txt"), "nowhere/under/x.txt");
        assert_eq!(diff_path("./x.txt"), "x.txt");
    }

    #[test]
    fn a_diff_without_text_hunk_says_why_the_file_changes() {
        let enc = ChangeRecord::encoding("GBK".into(), "UTF-8".into());
        let d = unified_diff("a.txt", "同\n", "同\n", &[enc]);
        assert_eq!(
            d,
            "# zhtidy: a.txt: encoding: GBK → UTF-8\n# zhtidy: a.txt: the text is the same; only the bytes written change\n"
        );
    }
}
