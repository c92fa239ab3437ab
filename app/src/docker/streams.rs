//! Bookkeeping of the daemon streams Berth holds open (events, log follow, stats, exec, progress).
//!
//! Every stream that keeps a daemon connection is wrapped in [`Tracked`], which counts it, by kind, while
//! it lives: dropping the stream (the client went away, or the source ended) drops the daemon connection
//! and the count. The count is how tests and operators (`berth_open_streams{kind}`) check that streams do
//! not leak. Live streams, which only end when their client leaves, also end when the server shuts down.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};

use futures_util::Stream;
use tokio_util::sync::{CancellationToken, WaitForCancellationFutureOwned};

/// How many kinds of stream there are.
const KINDS: usize = 7;

/// What a daemon stream carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StreamKind {
    /// `GET /api/events`.
    Events,
    /// A container's log (followed or read whole).
    Logs,
    /// A container's live stats.
    Stats,
    /// An exec's output (a session or a run to completion).
    Exec,
    /// An image pull's progress.
    Pull,
    /// An image push's progress.
    Push,
    /// An image build's progress.
    Build,
}

impl StreamKind {
    /// Every kind, in the order metrics list them.
    pub const ALL: [StreamKind; KINDS] = [
        StreamKind::Events,
        StreamKind::Logs,
        StreamKind::Stats,
        StreamKind::Exec,
        StreamKind::Pull,
        StreamKind::Push,
        StreamKind::Build,
    ];

    /// The kind's name (the `kind` label of `berth_open_streams`).
    pub fn name(self) -> &'static str {
        match self {
            StreamKind::Events => "events",
            StreamKind::Logs => "logs",
            StreamKind::Stats => "stats",
            StreamKind::Exec => "exec",
            StreamKind::Pull => "pull",
            StreamKind::Push => "push",
            StreamKind::Build => "build",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// How many tracked daemon streams are open, by kind, and the signal that ends live streams at shutdown.
#[derive(Debug, Clone, Default)]
pub struct StreamCounter {
    open: Arc<[AtomicUsize; KINDS]>,
    shutdown: CancellationToken,
}

impl StreamCounter {
    /// The number of open streams of every kind.
    pub fn open(&self) -> usize {
        self.open
            .iter()
            .map(|count| count.load(Ordering::Relaxed))
            .sum()
    }

    /// The number of open streams of `kind`.
    pub fn open_of(&self, kind: StreamKind) -> usize {
        self.open[kind.index()].load(Ordering::Relaxed)
    }

    /// Counts one more open stream of `kind` until the returned guard is dropped.
    pub fn enter(&self, kind: StreamKind) -> StreamGuard {
        self.open[kind.index()].fetch_add(1, Ordering::Relaxed);
        StreamGuard {
            open: self.open.clone(),
            kind,
        }
    }

    /// Ends every live stream now, and every live stream started from now on at once.
    pub fn shut_down(&self) {
        self.shutdown.cancel();
    }

    /// Whether [`Self::shut_down`] was called.
    pub fn is_shut_down(&self) -> bool {
        self.shutdown.is_cancelled()
    }
}

/// Holds one count of a [`StreamCounter`] while alive.
#[derive(Debug)]
pub struct StreamGuard {
    open: Arc<[AtomicUsize; KINDS]>,
    kind: StreamKind,
}

impl Drop for StreamGuard {
    fn drop(&mut self) {
        self.open[self.kind.index()].fetch_sub(1, Ordering::Relaxed);
    }
}

/// A stream counted as open from its making until it is dropped; once its source ends it releases the
/// source (and so the daemon connection) at once, before being dropped itself. A live one also ends when
/// the server shuts down.
pub struct Tracked<S> {
    inner: Option<Pin<Box<S>>>,
    guard: Option<StreamGuard>,
    shutdown: Option<Pin<Box<WaitForCancellationFutureOwned>>>,
}

impl<S> Tracked<S> {
    /// Wraps `inner`, a stream of `kind` that ends by itself (a pull, a build, a bounded read), counted
    /// by `counter`. Shutting down lets it finish.
    pub fn new(inner: S, counter: &StreamCounter, kind: StreamKind) -> Self {
        Self {
            inner: Some(Box::pin(inner)),
            guard: Some(counter.enter(kind)),
            shutdown: None,
        }
    }

    /// Wraps `inner`, a live stream of `kind` that only ends when its client leaves (events, log
    /// follow, live stats, an exec session): it also ends when the server shuts down.
    pub fn live(inner: S, counter: &StreamCounter, kind: StreamKind) -> Self {
        Self {
            inner: Some(Box::pin(inner)),
            guard: Some(counter.enter(kind)),
            shutdown: Some(Box::pin(counter.shutdown.clone().cancelled_owned())),
        }
    }

    fn end(&mut self) {
        self.inner = None;
        self.guard = None;
        self.shutdown = None;
    }
}

impl<S: Stream> Stream for Tracked<S> {
    type Item = S::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if let Some(shutdown) = this.shutdown.as_mut()
            && shutdown.as_mut().poll(cx).is_ready()
        {
            this.end();
            return Poll::Ready(None);
        }
        let Some(inner) = this.inner.as_mut() else {
            return Poll::Ready(None);
        };
        match inner.as_mut().poll_next(cx) {
            Poll::Ready(None) => {
                this.end();
                Poll::Ready(None)
            }
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;

    #[tokio::test]
    async fn a_stream_is_counted_by_kind_until_it_ends_or_is_dropped() {
        let counter = StreamCounter::default();
        let mut ended = Tracked::new(
            futures_util::stream::iter([1, 2]),
            &counter,
            StreamKind::Pull,
        );
        let dropped = Tracked::new(
            futures_util::stream::pending::<i32>(),
            &counter,
            StreamKind::Events,
        );
        assert_eq!(counter.open(), 2);
        assert_eq!(counter.open_of(StreamKind::Events), 1);
        assert_eq!(counter.open_of(StreamKind::Pull), 1);
        assert_eq!(ended.next().await, Some(1));
        assert_eq!(ended.next().await, Some(2));
        assert_eq!(ended.next().await, None);
        assert_eq!(counter.open_of(StreamKind::Pull), 0);
        drop(dropped);
        assert_eq!(counter.open(), 0);
    }

    #[tokio::test]
    async fn shutting_down_ends_live_streams_and_lets_the_others_finish() {
        let counter = StreamCounter::default();
        let mut live = Tracked::live(
            futures_util::stream::pending::<i32>(),
            &counter,
            StreamKind::Logs,
        );
        let mut finite = Tracked::new(futures_util::stream::iter([7]), &counter, StreamKind::Build);
        counter.shut_down();
        assert_eq!(live.next().await, None);
        assert_eq!(counter.open_of(StreamKind::Logs), 0);
        assert_eq!(finite.next().await, Some(7));
        let mut late = Tracked::live(
            futures_util::stream::iter([1]),
            &counter,
            StreamKind::Events,
        );
        assert_eq!(late.next().await, None);
        assert!(counter.is_shut_down());
    }
}
