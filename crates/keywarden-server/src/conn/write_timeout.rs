//! The response write timeout: a client must take what the server sends.
//!
//! [`WriteTimeout`] wraps a connection's byte stream. The clock starts
//! when a write first blocks (the kernel's send buffer is full: the client
//! is not reading) and stops when everything hyper has buffered is written
//! out (a flush completes). If the clock reaches the timeout first, every
//! further write fails with `TimedOut`, and hyper closes the connection.
//!
//! So a client that reads nothing, or reads a trickle that never lets the
//! server finish, is disconnected after the timeout; a client that reads at
//! any reasonable speed never sees it: the clock only runs while output is
//! stuck, and restarts from zero each time the output drains.

use std::{
    future::Future,
    io,
    pin::Pin,
    task::{Context, Poll},
    time::Duration,
};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// A byte stream whose writes fail once output has been stuck for longer
/// than a timeout (see the module docs).
#[derive(Debug)]
pub(crate) struct WriteTimeout<T> {
    io: T,
    timeout: Duration,
    /// Made the first time a write blocks, and reset when one blocks again
    /// after the output drained; `armed` says whether it runs.
    deadline: Option<Pin<Box<tokio::time::Sleep>>>,
    armed: bool,
    /// Set once the deadline passed: the connection is done for.
    expired: bool,
}

impl<T> WriteTimeout<T> {
    /// Wraps `io`.
    pub(crate) fn new(io: T, timeout: Duration) -> Self {
        Self {
            io,
            timeout,
            deadline: None,
            armed: false,
            expired: false,
        }
    }

    /// Called when the inner stream answered `Pending` to a write or a
    /// flush: starts the clock if it is not running, and fails once it ran
    /// out.
    fn blocked<R>(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<R>> {
        if !self.armed {
            let at = tokio::time::Instant::now() + self.timeout;
            match &mut self.deadline {
                Some(sleep) => sleep.as_mut().reset(at),
                None => self.deadline = Some(Box::pin(tokio::time::sleep_until(at))),
            }
            self.armed = true;
        }
        let passed = self
            .deadline
            .as_mut()
            .is_some_and(|sleep| sleep.as_mut().poll(cx).is_ready());
        if passed {
            self.expired = true;
            Poll::Ready(Err(timed_out()))
        } else {
            Poll::Pending
        }
    }
}

/// The error behind the `TimedOut` writes fail with.
#[derive(Debug, thiserror::Error)]
#[error("the client did not take the response within the response write timeout")]
struct WriteTimedOut;

fn timed_out() -> io::Error {
    io::Error::new(io::ErrorKind::TimedOut, WriteTimedOut)
}

/// Whether `err`, or an error it wraps, is the write timeout's (the
/// connection loop counts them).
pub(crate) fn is_write_timeout(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut next = Some(err);
    while let Some(e) = next {
        if e.is::<WriteTimedOut>()
            || e.downcast_ref::<io::Error>()
                .and_then(io::Error::get_ref)
                .is_some_and(|inner| inner.is::<WriteTimedOut>())
        {
            return true;
        }
        next = e.source();
    }
    false
}

impl<T: AsyncRead + Unpin> AsyncRead for WriteTimeout<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for WriteTimeout<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.expired {
            return Poll::Ready(Err(timed_out()));
        }
        match Pin::new(&mut this.io).poll_write(cx, buf) {
            Poll::Pending => this.blocked(cx),
            ready => ready,
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.expired {
            return Poll::Ready(Err(timed_out()));
        }
        match Pin::new(&mut this.io).poll_write_vectored(cx, bufs) {
            Poll::Pending => this.blocked(cx),
            ready => ready,
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    /// hyper flushes the stream only once its own buffer is written out:
    /// a completed flush means the client took everything so far.
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.expired {
            return Poll::Ready(Err(timed_out()));
        }
        match Pin::new(&mut this.io).poll_flush(cx) {
            Poll::Ready(Ok(())) => {
                this.armed = false;
                Poll::Ready(Ok(()))
            }
            Poll::Pending => this.blocked(cx),
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.expired {
            return Poll::Ready(Err(timed_out()));
        }
        match Pin::new(&mut this.io).poll_shutdown(cx) {
            Poll::Pending => this.blocked(cx),
            ready => ready,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    /// A peer that never reads: once the pipe is full, writes fail after
    /// the timeout, not before.
    #[tokio::test(start_paused = true)]
    async fn a_peer_that_never_reads_is_cut_off_after_the_timeout() {
        let (ours, _theirs) = tokio::io::duplex(1024);
        let mut io = WriteTimeout::new(ours, Duration::from_secs(30));
        let started = tokio::time::Instant::now();
        let chunk = [0u8; 256];
        let err = loop {
            match io.write_all(&chunk).await {
                Ok(()) => {}
                Err(e) => break e,
            }
        };
        assert_eq!(err.kind(), io::ErrorKind::TimedOut);
        assert_eq!(started.elapsed(), Duration::from_secs(30));
        // And it stays failed.
        assert!(io.write(&chunk).await.is_err());
        assert!(io.flush().await.is_err());
    }

    /// A peer that reads a trickle keeps the output stuck: it is cut off
    /// too, although every write makes some progress.
    #[tokio::test(start_paused = true)]
    async fn a_trickle_reader_is_cut_off() {
        let (ours, mut theirs) = tokio::io::duplex(1024);
        let reader = tokio::spawn(async move {
            let mut byte = [0u8; 16];
            loop {
                tokio::time::sleep(Duration::from_secs(1)).await;
                if theirs.read(&mut byte).await.unwrap_or(0) == 0 {
                    break;
                }
            }
        });
        let mut io = WriteTimeout::new(ours, Duration::from_secs(10));
        let started = tokio::time::Instant::now();
        let err = io.write_all(&[0u8; 64 * 1024]).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::TimedOut);
        assert_eq!(started.elapsed(), Duration::from_secs(10));
        drop(io);
        reader.await.unwrap();
    }

    /// A peer that reads everything, if slowly at times, is never cut off:
    /// the clock restarts each time the output drains.
    #[tokio::test(start_paused = true)]
    async fn a_reader_that_keeps_up_is_never_cut_off() {
        let (ours, mut theirs) = tokio::io::duplex(1024);
        let reader = tokio::spawn(async move {
            let mut all = Vec::new();
            let mut buf = [0u8; 1024];
            loop {
                // Pauses shorter than the timeout, many times over.
                tokio::time::sleep(Duration::from_secs(4)).await;
                match theirs.read(&mut buf).await.unwrap() {
                    0 => break all,
                    n => all.extend_from_slice(&buf[..n]),
                }
            }
        });
        let mut io = WriteTimeout::new(ours, Duration::from_secs(5));
        let started = tokio::time::Instant::now();
        for _ in 0..20 {
            io.write_all(&[7u8; 1024]).await.unwrap();
            io.flush().await.unwrap();
        }
        io.shutdown().await.unwrap();
        drop(io);
        assert!(started.elapsed() > Duration::from_secs(60));
        assert_eq!(reader.await.unwrap().len(), 20 * 1024);
    }

    /// Like hyper's error: the io error is its source.
    #[derive(Debug, thiserror::Error)]
    #[error("connection error")]
    struct Outer(#[source] io::Error);

    #[test]
    fn the_timeout_is_recognised_through_wrapping_errors() {
        assert!(is_write_timeout(&timed_out()));
        assert!(is_write_timeout(&Outer(timed_out())));
        assert!(!is_write_timeout(&Outer(io::Error::from(
            io::ErrorKind::TimedOut
        ))));
        assert!(!is_write_timeout(&io::Error::other("reset")));
    }
}
