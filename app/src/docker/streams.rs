//! Bookkeeping of the daemon streams Berth holds open (events, log follow, stats, exec, progress).
//!
//! Every stream that keeps a daemon connection is wrapped in [`Tracked`], which counts it while it
//! lives: dropping the stream (the client went away, or the source ended) drops the daemon connection and
//! the count. The count is how tests and operators check that streams do not leak.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};

use futures_util::Stream;

/// How many tracked daemon streams are open.
#[derive(Debug, Clone, Default)]
pub struct StreamCounter(Arc<AtomicUsize>);

impl StreamCounter {
    /// The number of open streams.
    pub fn open(&self) -> usize {
        self.0.load(Ordering::Relaxed)
    }

    /// Counts one more open stream until the returned guard is dropped.
    pub fn enter(&self) -> StreamGuard {
        self.0.fetch_add(1, Ordering::Relaxed);
        StreamGuard(self.0.clone())
    }
}

/// Holds one count of a [`StreamCounter`] while alive.
#[derive(Debug)]
pub struct StreamGuard(Arc<AtomicUsize>);

impl Drop for StreamGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A stream counted as open from its making until it is dropped; once its source ends it releases the
/// source (and so the daemon connection) at once, before being dropped itself.
pub struct Tracked<S> {
    inner: Option<Pin<Box<S>>>,
    guard: Option<StreamGuard>,
}

impl<S> Tracked<S> {
    /// Wraps `inner`, counted by `counter`.
    pub fn new(inner: S, counter: &StreamCounter) -> Self {
        Self {
            inner: Some(Box::pin(inner)),
            guard: Some(counter.enter()),
        }
    }
}

impl<S: Stream> Stream for Tracked<S> {
    type Item = S::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let Some(inner) = this.inner.as_mut() else {
            return Poll::Ready(None);
        };
        match inner.as_mut().poll_next(cx) {
            Poll::Ready(None) => {
                this.inner = None;
                this.guard = None;
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
    async fn a_stream_is_counted_until_it_ends_or_is_dropped() {
        let counter = StreamCounter::default();
        let mut ended = Tracked::new(futures_util::stream::iter([1, 2]), &counter);
        let dropped = Tracked::new(futures_util::stream::pending::<i32>(), &counter);
        assert_eq!(counter.open(), 2);
        assert_eq!(ended.next().await, Some(1));
        assert_eq!(ended.next().await, Some(2));
        assert_eq!(ended.next().await, None);
        assert_eq!(counter.open(), 1);
        drop(dropped);
        assert_eq!(counter.open(), 0);
    }
}
