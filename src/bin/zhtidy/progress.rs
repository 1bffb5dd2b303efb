/*!
The progress bar of bulk runs (indicatif, on standard error).

It appears only when standard error is a terminal, `-q` is not given and
the run is long: many files, or still running after a second. Never in a
pipe or a log file, so scripts and CI logs see only the report and the
summary line. Workers tick it as they finish files; the report's messages
on standard error are printed with the bar suspended.
*/

use std::io::{self, IsTerminal};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A run with at least this many files shows the bar from the start.
pub const MANY_FILES: usize = 500;
/// A shorter run shows it once it has taken this long.
pub const LONG_RUN: Duration = Duration::from_secs(1);

/// Whether a run shows the bar, given what is known before it starts.
/// `None`: not at all; `Some(true)`: from the start; `Some(false)`: once
/// the run has lasted [`LONG_RUN`].
pub fn policy(stderr_is_terminal: bool, quiet: bool, files: usize) -> Option<bool> {
    if !stderr_is_terminal || quiet || files < 2 {
        return None;
    }
    Some(files >= MANY_FILES)
}

/// The bar of one run (hidden until it is due, or for good).
pub struct Progress {
    bar: ProgressBar,
    /// When the bar becomes visible if it is not yet.
    due: Option<Instant>,
}

impl Progress {
    /// A bar for `files` files, shown according to [`policy`].
    pub fn new(quiet: bool, files: usize) -> Self {
        let bar = ProgressBar::with_draw_target(Some(files as u64), ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} files  {elapsed} (eta {eta})")
                .expect("the template is valid"),
        );
        let due = match policy(io::stderr().is_terminal(), quiet, files) {
            None => None,
            Some(true) => Some(Instant::now()),
            Some(false) => Some(Instant::now() + LONG_RUN),
        };
        let p = Progress { bar, due };
        p.show_if_due();
        p
    }

    /// Makes the bar visible once it is due (between chunks of files).
    pub fn show_if_due(&self) {
        if self.due.is_some_and(|d| Instant::now() >= d) && self.bar.is_hidden() {
            self.bar
                .set_draw_target(ProgressDrawTarget::stderr_with_hz(10));
        }
    }

    /// One more file done (called from the workers).
    pub fn tick(&self) {
        self.bar.inc(1);
    }

    /// Runs `f` (which may print to standard error) with the bar cleared.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        self.bar.suspend(f)
    }

    /// Removes the bar before the summary line.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_on_a_terminal_without_quiet_and_for_long_runs() {
        assert_eq!(policy(false, false, 10_000), None, "not in a pipe");
        assert_eq!(policy(true, true, 10_000), None, "not with -q");
        assert_eq!(policy(true, false, 1), None, "not for one file");
        assert_eq!(policy(true, false, MANY_FILES), Some(true));
        assert_eq!(policy(true, false, 20), Some(false), "after a second");
    }
}
