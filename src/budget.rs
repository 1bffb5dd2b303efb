/*!
A time budget per document, so that one hostile file becomes a per-file
error instead of a stalled run.

Every stage is meant to be linear in its input, but a future change (or an
input nobody thought of) could make one slow. A bulk run (`--check`,
`--write`, a pre-commit hook) must then report that file and go on, not
hang. Threads cannot be stopped from outside, so the check is
cooperative: [`Pipeline::run_within`](crate::pipeline::Pipeline::run_within)
starts a budget on its thread, the stages call [`exhausted`] in their
outer loops (per strip pass, per fix step, per change or note placed, per
conversion round) and stop early once it says so; `run_within` then throws
their partial result away and returns [`Exceeded`]. The partial result is
never written anywhere.

Reading the clock costs about as much as a few characters of work, so
[`exhausted`] reads it only every [`CLOCK_EVERY`] calls. A budget can also
count those calls instead of time ([`Budget::ticks`]): the fault tests use
it to make the guard fire on one file and not another, whatever the
machine's speed.

A budget can limit memory too ([`Budget::memory`]): the bytes the
document's thread holds allocated beyond what it held when the document
started, read with the clock. Only a program can count its allocations
(with a counting global allocator; zhtidy's command line has one), so it
hands its counter to [`count_memory_with`]; without one the limit is not
checked. Like the clock, the count is read between steps, so a single
step that allocates a great deal is stopped after it, not during it.
*/

use std::cell::Cell;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// How much one document may take; the default is no limit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Budget {
    /// Wall-clock time for one document.
    pub time: Option<Duration>,
    /// Calls to [`exhausted`] for one document: a measure of work that does
    /// not depend on the machine (for tests; see the module doc).
    pub ticks: Option<u64>,
    /// Bytes the document may hold allocated at once, beyond what its
    /// thread held when it started (checked only once a counter is given
    /// to [`count_memory_with`]).
    pub memory: Option<u64>,
}

impl Budget {
    /// A budget of `time` per document.
    pub fn time(time: Duration) -> Self {
        Budget {
            time: Some(time),
            ticks: None,
            memory: None,
        }
    }

    /// Whether it limits nothing.
    pub fn is_unlimited(&self) -> bool {
        self.time.is_none() && self.ticks.is_none() && self.memory.is_none()
    }
}

/// A document went past its [`Budget`]; nothing of its result is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Exceeded {
    /// It took longer than this.
    #[error("took longer than {} s", seconds(*.0))]
    Time(Duration),
    /// It took more than this many units of work.
    #[error("took more than {0} steps of work")]
    Ticks(u64),
    /// It held more than this many bytes allocated at once.
    #[error("needed more than {} MiB of memory", .0 / MIB)]
    Memory(u64),
}

const MIB: u64 = 1 << 20;

/// How to read the bytes this thread holds allocated (see the module doc).
static MEMORY_COUNTER: OnceLock<fn() -> i64> = OnceLock::new();

/// Gives budgets a way to read the bytes the calling thread holds
/// allocated (the count may start anywhere and go below zero: only its
/// growth during a document is used). Set once per program; a later call
/// is ignored.
pub fn count_memory_with(counter: fn() -> i64) {
    let _ = MEMORY_COUNTER.set(counter);
}

/// The bytes this thread holds allocated, when a counter was given.
fn memory_held() -> Option<i64> {
    MEMORY_COUNTER.get().map(|counter| counter())
}

/// `1.5`, `60`: seconds without a needless fraction.
fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{s:.0}")
    } else {
        format!("{s}")
    }
}

/// The clock is read once every this many calls to [`exhausted`].
pub const CLOCK_EVERY: u64 = 64;

/// The budget running on this thread.
#[derive(Clone, Copy)]
struct Running {
    deadline: Option<Instant>,
    /// What the thread held allocated when the document started.
    memory_at_start: i64,
    budget: Budget,
    ticks: u64,
    exceeded: Option<Exceeded>,
}

thread_local! {
    static RUNNING: Cell<Option<Running>> = const { Cell::new(None) };
}

/// Whether the document being processed on this thread has gone past its
/// budget. Stages call it in their outer loops and stop early when it
/// returns `true`; without a budget (a plain [`Pipeline::run`](crate::pipeline::Pipeline::run))
/// it is always `false`.
pub fn exhausted() -> bool {
    RUNNING.with(|cell| {
        let Some(mut r) = cell.get() else {
            return false;
        };
        if r.exceeded.is_some() {
            return true;
        }
        if r.budget.ticks.is_some_and(|limit| r.ticks >= limit) {
            r.exceeded = r.budget.ticks.map(Exceeded::Ticks);
        } else if r.ticks % CLOCK_EVERY == 0 {
            r.exceeded = over_time(&r).or_else(|| over_memory(&r));
        }
        r.ticks += 1;
        cell.set(Some(r));
        r.exceeded.is_some()
    })
}

fn over_time(r: &Running) -> Option<Exceeded> {
    let (deadline, limit) = (r.deadline?, r.budget.time?);
    (Instant::now() >= deadline).then_some(Exceeded::Time(limit))
}

fn over_memory(r: &Running) -> Option<Exceeded> {
    let limit = r.budget.memory?;
    let grown = memory_held()?.saturating_sub(r.memory_at_start);
    (grown > i64::try_from(limit).unwrap_or(i64::MAX)).then_some(Exceeded::Memory(limit))
}

/// Counts one unit of work where a loop cannot stop early (placing one
/// change); the next [`exhausted`] in an outer loop stops it.
pub fn tick() {
    exhausted();
}

/// Runs `f` with `budget` on this thread; `Err` when the budget ran out
/// (then `f`'s result, cut short, is dropped). A budget already running
/// on the thread is put back afterwards.
pub fn within<T>(budget: Budget, f: impl FnOnce() -> T) -> Result<T, Exceeded> {
    if budget.is_unlimited() {
        return Ok(f());
    }
    /// Restores the outer budget even if `f` unwinds.
    struct Restore(Option<Running>);
    impl Drop for Restore {
        fn drop(&mut self) {
            RUNNING.with(|cell| cell.set(self.0));
        }
    }
    let running = Running {
        deadline: budget.time.map(|t| Instant::now() + t),
        memory_at_start: memory_held().unwrap_or(0),
        budget,
        ticks: 0,
        exceeded: None,
    };
    let _restore = Restore(RUNNING.with(|cell| cell.replace(Some(running))));
    let out = f();
    let exceeded = RUNNING.with(|cell| cell.get().and_then(|r| r.exceeded));
    match exceeded {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_budget_is_never_exhausted() {
        assert!(!exhausted());
        assert_eq!(
            within(Budget::default(), || (0..1000).all(|_| !exhausted())),
            Ok(true)
        );
    }

    #[test]
    fn a_tick_budget_stops_after_that_many_calls() {
        let budget = Budget {
            ticks: Some(10),
            ..Budget::default()
        };
        let calls = within(budget, || (0..100).take_while(|_| !exhausted()).count());
        assert_eq!(calls, Err(Exceeded::Ticks(10)));
        let small = within(budget, || (0..5).take_while(|_| !exhausted()).count());
        assert_eq!(small, Ok(5));
        // The budget ends with its document.
        assert!(!exhausted());
    }

    #[test]
    fn a_time_budget_is_read_on_the_first_call() {
        let budget = Budget::time(Duration::ZERO);
        assert_eq!(
            within(budget, exhausted),
            Err(Exceeded::Time(Duration::ZERO))
        );
        let ample = Budget::time(Duration::from_secs(3600));
        assert_eq!(within(ample, || (0..1000).any(|_| exhausted())), Ok(false));
    }

    /// A counter that says what the test sets, on every thread.
    static FAKE_HELD: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);

    #[test]
    fn a_memory_budget_counts_growth_from_the_start() {
        use std::sync::atomic::Ordering::SeqCst;
        count_memory_with(|| FAKE_HELD.load(SeqCst));
        FAKE_HELD.store(5 * MIB as i64, SeqCst);
        let budget = Budget {
            memory: Some(MIB),
            ..Budget::default()
        };
        // 5 MiB held before the document starts do not count.
        assert_eq!(within(budget, || (0..1000).any(|_| exhausted())), Ok(false));
        let grows = within(budget, || {
            FAKE_HELD.store(7 * MIB as i64, SeqCst);
            (0..1000).any(|_| exhausted())
        });
        assert_eq!(grows, Err(Exceeded::Memory(MIB)));
        assert_eq!(
            Exceeded::Memory(MIB).to_string(),
            "needed more than 1 MiB of memory"
        );
    }

    #[test]
    fn messages_name_the_limit() {
        assert_eq!(
            Exceeded::Time(Duration::from_secs(60)).to_string(),
            "took longer than 60 s"
        );
        assert_eq!(
            Exceeded::Time(Duration::from_millis(1500)).to_string(),
            "took longer than 1.5 s"
        );
    }
}
