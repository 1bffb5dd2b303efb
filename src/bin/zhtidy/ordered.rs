/*!
An ordered parallel map with no barriers: items are cleaned on a rayon
pool's workers, one at a time as each worker frees up, and their results
are handed over in input order on the calling thread, which meanwhile
reads further input and reports finished items.

Bulk runs and `--jsonl` first cleaned a chunk of items with `par_iter`,
then reported the chunk, then read or started the next one. Each chunk
ended with one worker idle while the other finished the chunk's last
slice (rayon splits a chunk into slices of several files), and the
workers were idle while the chunk was reported: about 0.5 s of a 2.9 s
`-j2 --check` run over 10,000 files (`perf sched timehist`), which is why
two threads did not reach 1.8× one. Here a worker takes the next item
whenever it is done with one, and only the window (the items read but not
yet handed over) bounds how far it runs ahead, so memory stays bounded
whatever the input's length.
*/

use std::collections::VecDeque;
use std::ops::ControlFlow;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Condvar, Mutex, MutexGuard};

/// How far reading may run ahead of handing over: at most `items` items
/// and, past the first, `bytes` bytes (as `size` counts them).
#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub items: usize,
    pub bytes: usize,
}

/// Results a worker lets pile up before it wakes the calling thread (unless
/// the job queue runs low first). Waking it for every result cost a futex
/// call per file, a tenth of a `--check` run's system time.
const WAKE_AFTER: usize = 16;

/// Reads `source`, runs `work` on each item on `pool`'s threads, and calls
/// `sink` with the results in input order on the calling thread.
///
/// Stops at the first error of `source` or `sink` (returned) or when
/// `sink` breaks (returns `Ok(Break)`); items then in flight are dropped
/// unfinished. A panic in `work` is resumed on the calling thread.
pub fn for_each_ordered<T, R, E>(
    pool: &rayon::ThreadPool,
    source: impl Iterator<Item = Result<T, E>>,
    window: Window,
    size: impl Fn(&T) -> usize,
    work: impl Fn(T) -> R + Sync,
    mut sink: impl FnMut(R) -> Result<ControlFlow<()>, E>,
) -> Result<ControlFlow<()>, E>
where
    T: Send,
    R: Send,
{
    let threads = pool.current_num_threads();
    let hub = Hub {
        state: Mutex::new(State {
            queue: VecDeque::new(),
            closed: false,
            done: Vec::new(),
            caller_waiting: false,
            idle_workers: 0,
        }),
        for_caller: Condvar::new(),
        for_workers: Condvar::new(),
        low: threads,
    };
    let (hub, work) = (&hub, &work);
    pool.in_place_scope(|scope| {
        for _ in 0..threads {
            scope.spawn(move |_| hub.serve(work));
        }
        // Whatever happens below, a panic of `source` or `sink` included,
        // the workers then drop what is queued and end, so the scope can.
        let _release = Release(hub);
        let mut feed = Feed {
            source,
            window,
            size: &size,
            sizes: VecDeque::new(),
            bytes: 0,
            next_in: 0,
            open: true,
        };
        match hand_over(hub, &mut feed, &mut sink) {
            Ok(flow) => flow,
            Err(payload) => panic::resume_unwind(payload),
        }
    })
}

/// Closes the job queue when dropped, so that idle workers end.
struct Release<'a, T, R>(&'a Hub<T, R>);

impl<T, R> Drop for Release<'_, T, R> {
    fn drop(&mut self) {
        let hub = self.0;
        // Possibly while unwinding: a poisoned lock still holds a usable
        // state (no code panics while holding it).
        let mut state = hub.state.lock().unwrap_or_else(|e| e.into_inner());
        state.closed = true;
        state.queue.clear();
        drop(state);
        hub.for_workers.notify_all();
    }
}

/// What the calling thread and the workers share.
struct Hub<T, R> {
    state: Mutex<State<T, R>>,
    /// The calling thread waits here for results.
    for_caller: Condvar,
    /// Idle workers wait here for jobs.
    for_workers: Condvar,
    /// A queue this short wakes the calling thread to refill it.
    low: usize,
}

struct State<T, R> {
    /// Jobs not yet taken, with their input index.
    queue: VecDeque<(usize, T)>,
    /// No more jobs will come.
    closed: bool,
    /// Finished jobs not yet collected by the calling thread.
    done: Vec<(usize, std::thread::Result<R>)>,
    caller_waiting: bool,
    idle_workers: usize,
}

impl<T, R> Hub<T, R> {
    fn lock(&self) -> MutexGuard<'_, State<T, R>> {
        // Never poisoned: no code panics while holding the lock (work runs
        // outside it, under catch_unwind).
        self.state.lock().expect("ordered map state")
    }

    /// A worker's loop: take a job, run it, put the result back.
    fn serve(&self, work: &(impl Fn(T) -> R + Sync)) {
        let mut state = self.lock();
        loop {
            if let Some((i, item)) = state.queue.pop_front() {
                drop(state);
                let result = panic::catch_unwind(AssertUnwindSafe(|| work(item)));
                state = self.lock();
                state.done.push((i, result));
                if state.caller_waiting
                    && (state.done.len() >= WAKE_AFTER || state.queue.len() <= self.low)
                {
                    state.caller_waiting = false;
                    self.for_caller.notify_one();
                }
            } else if state.closed {
                return;
            } else {
                state.idle_workers += 1;
                state = self.for_workers.wait(state).expect("ordered map state");
                state.idle_workers -= 1;
            }
        }
    }
}

/// The reading side: items read and queued for the workers, within the
/// window.
struct Feed<'a, S, F> {
    source: S,
    window: Window,
    size: &'a F,
    /// Sizes of the items queued but not yet handed over, oldest first.
    sizes: VecDeque<usize>,
    bytes: usize,
    next_in: usize,
    open: bool,
}

impl<S, F> Feed<'_, S, F> {
    fn has_room(&self) -> bool {
        self.open
            && self.sizes.len() < self.window.items
            && (self.sizes.is_empty() || self.bytes < self.window.bytes)
    }

    /// Reads items while the window has room, queueing them in one go.
    fn fill<T, R, E>(&mut self, hub: &Hub<T, R>) -> Result<(), E>
    where
        S: Iterator<Item = Result<T, E>>,
        F: Fn(&T) -> usize,
    {
        let mut read = Vec::new();
        let mut failed = None;
        while self.has_room() {
            match self.source.next() {
                None => self.open = false,
                Some(Err(e)) => {
                    failed = Some(e);
                    break;
                }
                Some(Ok(item)) => {
                    let n = (self.size)(&item);
                    self.bytes += n;
                    self.sizes.push_back(n);
                    read.push((self.next_in, item));
                    self.next_in += 1;
                }
            }
        }
        let mut state = hub.lock();
        state.queue.extend(read);
        state.closed |= !self.open;
        let wake = state.idle_workers > 0;
        drop(state);
        if wake {
            hub.for_workers.notify_all();
        }
        failed.map_or(Ok(()), Err)
    }

    fn handed_over(&mut self) {
        let n = self.sizes.pop_front().expect("an item in flight");
        self.bytes -= n;
    }
}

/// The calling thread's loop: keep the workers fed, and hand results over
/// in order. `Err` carries a worker's panic.
fn hand_over<S, T, F, R, E>(
    hub: &Hub<T, R>,
    feed: &mut Feed<'_, S, F>,
    sink: &mut impl FnMut(R) -> Result<ControlFlow<()>, E>,
) -> std::thread::Result<Result<ControlFlow<()>, E>>
where
    S: Iterator<Item = Result<T, E>>,
    F: Fn(&T) -> usize,
{
    // Results that came back early, by index from `next_out`.
    let mut ready: VecDeque<Option<R>> = VecDeque::new();
    let mut next_out = 0;
    let mut done = Vec::new();
    loop {
        if feed.has_room() {
            if let Err(e) = feed.fill(hub) {
                return Ok(Err(e));
            }
        }
        if next_out == feed.next_in && !feed.open {
            return Ok(Ok(ControlFlow::Continue(())));
        }
        let mut state = hub.lock();
        while state.done.is_empty() && !feed.has_room() {
            state.caller_waiting = true;
            state = hub.for_caller.wait(state).expect("ordered map state");
        }
        std::mem::swap(&mut done, &mut state.done);
        drop(state);
        for (i, result) in done.drain(..) {
            let slot = i - next_out;
            if ready.len() <= slot {
                ready.resize_with(slot + 1, || None);
            }
            ready[slot] = Some(result?);
        }
        while let Some(Some(_)) = ready.front() {
            let r = ready.pop_front().flatten().expect("checked just above");
            next_out += 1;
            feed.handed_over();
            match sink(r) {
                Ok(ControlFlow::Continue(())) => {}
                other => return Ok(other),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn pool(n: usize) -> rayon::ThreadPool {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .unwrap()
    }

    const WIDE: Window = Window {
        items: 8,
        bytes: usize::MAX,
    };

    /// Items that take longer the earlier they come still come out in order.
    #[test]
    fn results_come_in_input_order_whatever_the_threads() {
        for threads in [1, 2, 4] {
            let mut seen = Vec::new();
            let flow = for_each_ordered(
                &pool(threads),
                (0..200u64).map(Ok::<_, ()>),
                WIDE,
                |_| 0,
                |i| {
                    std::thread::sleep(std::time::Duration::from_micros((200 - i) % 7 * 50));
                    i * i
                },
                |r| {
                    seen.push(r);
                    Ok(ControlFlow::Continue(()))
                },
            );
            assert_eq!(flow, Ok(ControlFlow::Continue(())));
            assert_eq!(seen, (0..200u64).map(|i| i * i).collect::<Vec<_>>());
        }
    }

    /// The window bounds how many items are read ahead of the last one
    /// handed over.
    #[test]
    fn reading_stays_within_the_window() {
        let read = AtomicUsize::new(0);
        let handed = AtomicUsize::new(0);
        let most = AtomicUsize::new(0);
        let source = (0..100).map(|i| {
            let ahead = read.fetch_add(1, Ordering::SeqCst) + 1 - handed.load(Ordering::SeqCst);
            most.fetch_max(ahead, Ordering::SeqCst);
            Ok::<_, ()>(i)
        });
        let flow = for_each_ordered(
            &pool(2),
            source,
            Window {
                items: 5,
                bytes: usize::MAX,
            },
            |_| 0,
            |i| i,
            |_| {
                handed.fetch_add(1, Ordering::SeqCst);
                Ok(ControlFlow::Continue(()))
            },
        );
        assert_eq!(flow, Ok(ControlFlow::Continue(())));
        assert_eq!(handed.load(Ordering::SeqCst), 100);
        assert_eq!(most.load(Ordering::SeqCst), 5);
    }

    /// The byte budget holds too, but one item always goes, however big.
    #[test]
    fn the_byte_budget_bounds_reading_but_never_stalls() {
        let sizes = [10usize, 1000, 3, 3, 3, 1000, 1];
        let read = AtomicUsize::new(0);
        let handed = AtomicUsize::new(0);
        let most = AtomicUsize::new(0);
        let source = sizes.iter().map(|&n| {
            let ahead = read.fetch_add(1, Ordering::SeqCst) + 1 - handed.load(Ordering::SeqCst);
            most.fetch_max(ahead, Ordering::SeqCst);
            Ok::<_, ()>(n)
        });
        let mut seen = Vec::new();
        let flow = for_each_ordered(
            &pool(2),
            source,
            Window {
                items: 100,
                bytes: 8,
            },
            |n| *n,
            |n| n,
            |n| {
                handed.fetch_add(1, Ordering::SeqCst);
                seen.push(n);
                Ok(ControlFlow::Continue(()))
            },
        );
        assert_eq!(flow, Ok(ControlFlow::Continue(())));
        assert_eq!(seen, sizes);
        // 3 + 3 is under the budget, so a third small item is read.
        assert_eq!(most.load(Ordering::SeqCst), 3);
    }

    /// A sink that breaks or fails stops the run: nothing more is handed
    /// over and the source is not read to its end.
    #[test]
    fn a_break_or_an_error_stops_the_run() {
        let read = AtomicUsize::new(0);
        let mut seen = Vec::new();
        let source = (0..10_000).map(|i| {
            read.fetch_add(1, Ordering::SeqCst);
            Ok::<_, String>(i)
        });
        let flow = for_each_ordered(
            &pool(2),
            source,
            WIDE,
            |_| 0,
            |i| i,
            |i| {
                seen.push(i);
                Ok(if i == 3 {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                })
            },
        );
        assert_eq!(flow, Ok(ControlFlow::Break(())));
        assert_eq!(seen, vec![0, 1, 2, 3]);
        assert!(read.load(Ordering::SeqCst) <= 4 + WIDE.items);

        let flow = for_each_ordered(
            &pool(2),
            (0..100).map(|i| {
                if i == 7 {
                    Err(format!("bad {i}"))
                } else {
                    Ok(i)
                }
            }),
            WIDE,
            |_| 0,
            |i| i,
            |_| Ok(ControlFlow::Continue(())),
        );
        assert_eq!(flow, Err("bad 7".to_string()));
        let flow = for_each_ordered(
            &pool(2),
            (0..100).map(Ok),
            WIDE,
            |_| 0,
            |i| i,
            |i| {
                if i == 9 {
                    Err("sink")
                } else {
                    Ok(ControlFlow::Continue(()))
                }
            },
        );
        assert_eq!(flow, Err("sink"));
    }

    /// Runs 50 items on two threads with a panic in the source, the work
    /// or the sink at the given item; the panic's message, if one reached
    /// the caller.
    fn panic_reaching_caller(source_at: i32, work_at: i32, sink_at: i32) -> Option<String> {
        let caught = panic::catch_unwind(|| {
            for_each_ordered(
                &pool(2),
                (0..50).map(|i| {
                    assert_ne!(i, source_at, "source fails at {i}");
                    Ok::<_, ()>(i)
                }),
                WIDE,
                |_| 0,
                |i| {
                    assert_ne!(i, work_at, "item {i} is bad");
                    i
                },
                |i| {
                    assert_ne!(i, sink_at, "sink fails at {i}");
                    Ok(ControlFlow::Continue(()))
                },
            )
        });
        let payload = caught.err()?;
        Some(
            payload
                .downcast_ref::<String>()
                .cloned()
                .unwrap_or_default(),
        )
    }

    /// A panic of the sink, or of the source, reaches the caller instead
    /// of leaving the workers waiting for jobs (and the run hanging).
    #[test]
    fn a_panic_in_the_sink_or_source_reaches_the_caller() {
        assert!(panic_reaching_caller(-1, -1, 10).is_some());
        assert!(panic_reaching_caller(30, -1, -1).is_some());
    }

    /// A panic while working reaches the caller instead of hanging the run.
    #[test]
    fn a_panic_in_the_work_reaches_the_caller() {
        let message = panic_reaching_caller(-1, 20, -1).expect("the panic propagates");
        assert!(message.contains("item 20 is bad"), "{message}");
    }
}
