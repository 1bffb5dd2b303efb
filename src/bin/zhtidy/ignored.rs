/*!
Ignore files for paths named on the command line (`--force-exclude`).

A walk skips what `.zhtidyignore`, `.ignore` and `.gitignore` list; a path
named on the command line is not walked, so without this module those
files would not apply to it. pre-commit always names paths, so a file the
repository's `.zhtidyignore` lists would be rewritten by the hook. With
`--force-exclude` a named path is therefore checked against the same
files a walk reads: those in its folder and in every folder above it,
each folder on the way down checked before what is under it (as a walk
checks a folder before entering it), for each the deepest file deciding
first, and within one folder `.zhtidyignore` before
`.ignore` before `.gitignore` (the walk's precedence). So a pattern that
ignores a folder ignores everything under it. `--no-ignore` turns this off as it turns off the
walk's.
*/

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::Match;

/// The ignore files a walk reads, most specific first within a folder.
const IGNORE_FILES: [&str; 3] = [".zhtidyignore", ".ignore", ".gitignore"];

/// Ignore files read so far, per folder (a pre-commit run names many
/// files in the same folders).
#[derive(Default)]
pub struct IgnoreFiles {
    by_dir: HashMap<PathBuf, Vec<Gitignore>>,
}

impl IgnoreFiles {
    /// Whether `--force-exclude` leaves out an input given by name (a
    /// file, or standard input named by `--stdin-filename`): the
    /// configuration's `exclude` globs, or an ignore file, cover its path.
    pub fn force_excludes(
        &mut self,
        args: &crate::args::TidyArgs,
        named: bool,
        path: &Path,
        exclude: &globset::GlobSet,
    ) -> bool {
        args.force_exclude
            && named
            && (crate::settings::matches(exclude, path) || (!args.no_ignore && self.excludes(path)))
    }

    /// Whether the ignore files above `path` exclude it: it, or a folder
    /// a walk would have to enter to reach it, is ignored.
    pub fn excludes(&mut self, path: &Path) -> bool {
        let Ok(abs) = std::path::absolute(path) else {
            return false;
        };
        let abs = crate::paths::normalized(&abs);
        let mut chain: Vec<&Path> = abs.ancestors().collect();
        chain.reverse();
        // From the top down, as a walk goes: the filesystem root is never
        // matched, the path itself last.
        chain
            .iter()
            .skip(1)
            .any(|p| self.ignores(p, p.is_dir() || *p != abs.as_path()))
    }

    /// Whether the ignore files in the folders above `path` ignore it
    /// (not its parents: the caller checks those first).
    fn ignores(&mut self, path: &Path, is_dir: bool) -> bool {
        for dir in path.ancestors().skip(1) {
            for gi in self.in_dir(dir) {
                match gi.matched(path, is_dir) {
                    Match::Ignore(_) => return true,
                    Match::Whitelist(_) => return false,
                    Match::None => {}
                }
            }
        }
        false
    }

    fn in_dir(&mut self, dir: &Path) -> &[Gitignore] {
        self.by_dir
            .entry(dir.to_path_buf())
            .or_insert_with(|| read_dir_ignores(dir))
    }
}

/// The ignore files present in `dir`, parsed (a file that cannot be read
/// or parsed is left out, as a walk leaves it out).
fn read_dir_ignores(dir: &Path) -> Vec<Gitignore> {
    IGNORE_FILES
        .iter()
        .map(|name| dir.join(name))
        .filter(|p| p.is_file())
        .filter_map(|p| {
            let mut b = GitignoreBuilder::new(dir);
            if b.add(&p).is_some() {
                return None;
            }
            b.build().ok()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn named_paths_follow_the_ignore_files_above_them() {
        let root = std::env::temp_dir().join(format!("zhtidy-ignored-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(root.join("vendor/keep")).unwrap();
        fs::write(root.join(".zhtidyignore"), "vendor/\n*.gen.txt\n").unwrap();
        fs::write(root.join("vendor/keep/.ignore"), "!x.txt\n").unwrap();
        let mut ig = IgnoreFiles::default();
        assert!(ig.excludes(&root.join("vendor/third.txt")));
        assert!(ig.excludes(&root.join("a/b.gen.txt")));
        assert!(!ig.excludes(&root.join("notes.txt")));
        // As in a walk, which never enters vendor/, a deeper file cannot
        // bring back what an ignored folder holds.
        assert!(ig.excludes(&root.join("vendor/keep/x.txt")));
        fs::write(root.join(".zhtidyignore"), "*.txt\n").unwrap();
        fs::create_dir_all(root.join("docs")).unwrap();
        fs::write(root.join("docs/.zhtidyignore"), "!keep.txt\n").unwrap();
        let mut ig = IgnoreFiles::default();
        assert!(ig.excludes(&root.join("docs/other.txt")));
        assert!(!ig.excludes(&root.join("docs/keep.txt")));
        let _ = fs::remove_dir_all(&root);
    }
}
