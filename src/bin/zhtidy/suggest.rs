/*!
"Did you mean": the nearest known word to a mistyped one.

A mistyped subcommand (`zhtidy conver`) is read as a path, because the
default command takes paths; when no such path exists and the word is
close to a subcommand's name, the error says which subcommand was meant
instead of only that the file is missing.
*/

use std::path::Path;

use clap::CommandFactory;

/// Edit distance in characters.
pub fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, &cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The subcommand `word` was probably meant to be, when `word` names no
/// existing path and is at most two edits from a subcommand.
pub fn mistyped_subcommand(word: &Path) -> Option<String> {
    if word.exists() {
        return None;
    }
    let word = word.to_str()?;
    if word.contains(['/', '\\', '.']) {
        return None;
    }
    crate::args::Cli::command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .filter(|name| name != "help")
        .map(|name| (levenshtein(word, &name), name))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_subcommands_are_suggested() {
        assert_eq!(levenshtein("detetc", "detect"), 2);
        assert_eq!(
            mistyped_subcommand(Path::new("conver")).as_deref(),
            Some("convert")
        );
        assert_eq!(
            mistyped_subcommand(Path::new("detetc")).as_deref(),
            Some("detect")
        );
        assert_eq!(mistyped_subcommand(Path::new("article")), None);
        assert_eq!(mistyped_subcommand(Path::new("conver.txt")), None);
    }
}
