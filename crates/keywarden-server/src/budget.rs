//! The memory budget of request bodies: one count of the bytes that the
//! bodies of all requests in flight hold, bounded by `max_body_memory`.
//!
//! The connection loop wraps each request's body in a [`Budgeted`] body,
//! which takes the size of every chunk from the budget as it arrives. A
//! chunk that does not fit fails the body with [`BudgetSpent`]; the
//! extractors answer that 503 `OVERLOADED` ([`is_spent`] finds it behind
//! axum's rejections). What a request took is given back when its answer
//! is ready (the handler is done with the bytes), not when the body ends:
//! a read body is still memory while the handler works on it.
//!
//! So many slow or stalled bodies cannot grow the process past the budget:
//! once it is spent, further bodies are refused instead of buffered.

use std::{
    pin::Pin,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    task::{Context, Poll},
};

use axum::body::Bytes;
use hyper::body::{Body, Frame, SizeHint};
use prometheus_client::metrics::{counter::Counter, gauge::Gauge};

/// Why a body was cut short: the bodies in flight hold the whole budget.
#[derive(Debug, thiserror::Error)]
#[error("the request bodies in flight hold all the memory allowed to them (max_body_memory)")]
pub struct BudgetSpent;

/// The bytes all request bodies in flight may hold together.
#[derive(Debug)]
pub(crate) struct BodyBudget {
    limit: usize,
    used: AtomicUsize,
    /// The bytes held, for `/metrics`.
    held: Gauge,
    /// Bodies refused, for `/metrics`.
    refused: Counter,
}

impl BodyBudget {
    /// A budget of `limit` bytes, reported in `held` and `refused`.
    pub(crate) fn new(limit: usize, held: Gauge, refused: Counter) -> Arc<Self> {
        Arc::new(Self {
            limit,
            used: AtomicUsize::new(0),
            held,
            refused,
        })
    }

    /// Bytes taken now.
    #[cfg(test)]
    pub(crate) fn used(&self) -> usize {
        self.used.load(Ordering::Relaxed)
    }

    /// Wraps a request's body. A body that is already over (a GET) is not
    /// accounted at all; otherwise the [`Account`] returned must be kept
    /// until the request's answer is ready: dropping it gives back what the
    /// body took.
    pub(crate) fn wrap<B: Body>(self: &Arc<Self>, body: B) -> (Budgeted<B>, Option<Arc<Account>>) {
        if body.is_end_stream() {
            return (
                Budgeted {
                    inner: body,
                    account: None,
                },
                None,
            );
        }
        let account = Arc::new(Account {
            budget: Arc::clone(self),
            held: AtomicUsize::new(0),
        });
        (
            Budgeted {
                inner: body,
                account: Some(Arc::clone(&account)),
            },
            Some(account),
        )
    }
}

/// What one request's body took from the budget; given back on drop.
#[derive(Debug)]
pub(crate) struct Account {
    budget: Arc<BodyBudget>,
    held: AtomicUsize,
}

impl Account {
    /// Takes `n` bytes, or nothing when they do not fit.
    fn take(&self, n: usize) -> bool {
        let budget = &self.budget;
        let taken = budget
            .used
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |used| {
                used.checked_add(n).filter(|total| *total <= budget.limit)
            })
            .is_ok();
        if taken {
            self.held.fetch_add(n, Ordering::Relaxed);
            budget.held.inc_by(i64::try_from(n).unwrap_or(i64::MAX));
        } else {
            budget.refused.inc();
        }
        taken
    }

    /// Gives back everything taken so far.
    fn give_back(&self) {
        let held = self.held.swap(0, Ordering::AcqRel);
        self.budget.used.fetch_sub(held, Ordering::AcqRel);
        self.budget
            .held
            .dec_by(i64::try_from(held).unwrap_or(i64::MAX));
    }
}

impl Drop for Account {
    fn drop(&mut self) {
        self.give_back();
    }
}

/// A request body whose chunks are taken from the [`BodyBudget`].
#[derive(Debug)]
pub(crate) struct Budgeted<B> {
    inner: B,
    account: Option<Arc<Account>>,
}

impl<B> Body for Budgeted<B>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Into<axum::BoxError>,
{
    type Data = Bytes;
    type Error = axum::BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                if let (Some(account), Some(data)) = (&this.account, frame.data_ref())
                    && !account.take(data.len())
                {
                    // The reader drops what it collected on this error:
                    // that is given back now, and nothing more is taken.
                    account.give_back();
                    this.account = None;
                    return Poll::Ready(Some(Err(Box::new(BudgetSpent))));
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(e.into()))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Whether `err`, or an error behind it, is [`BudgetSpent`]: the
/// extractors see it inside axum's rejections.
pub fn is_spent(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut next = Some(err);
    while let Some(e) = next {
        if e.is::<BudgetSpent>() {
            return true;
        }
        next = e.source();
    }
    false
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use axum::{
        Router,
        extract::FromRequest,
        http::{Request, StatusCode},
        routing::post,
    };
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    use super::*;

    /// A body of `chunks` chunks of `size` bytes, all there at once.
    struct Chunked {
        left: usize,
        size: usize,
    }

    impl Body for Chunked {
        type Data = Bytes;
        type Error = std::io::Error;

        fn poll_frame(
            self: Pin<&mut Self>,
            _cx: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
            let this = self.get_mut();
            if this.left == 0 {
                return Poll::Ready(None);
            }
            this.left -= 1;
            Poll::Ready(Some(Ok(Frame::data(Bytes::from(vec![b'x'; this.size])))))
        }

        fn is_end_stream(&self) -> bool {
            self.left == 0
        }
    }

    fn chunked(chunks: usize, size: usize) -> Chunked {
        Chunked { left: chunks, size }
    }

    fn budget(limit: usize) -> Arc<BodyBudget> {
        BodyBudget::new(limit, Gauge::default(), Counter::default())
    }

    #[tokio::test]
    async fn bodies_take_from_one_budget_and_give_back_when_done() {
        let budget = budget(10_000);
        let (first, first_account) = budget.wrap(chunked(6, 1_000));
        let collected = first.collect().await.unwrap().to_bytes();
        assert_eq!(collected.len(), 6_000);
        assert_eq!(budget.used(), 6_000, "held until the answer is ready");
        // A second body does not fit beside the first.
        let (second, _second_account) = budget.wrap(chunked(6, 1_000));
        let err = second.collect().await.unwrap_err();
        assert!(is_spent(&*err), "{err}");
        assert_eq!(budget.used(), 6_000, "the refused body holds nothing");
        assert_eq!(budget.refused.get(), 1);
        drop(first_account);
        assert_eq!(budget.used(), 0);
        let (third, third_account) = budget.wrap(chunked(6, 1_000));
        assert_eq!(third.collect().await.unwrap().to_bytes().len(), 6_000);
        drop(third_account);
        assert_eq!(budget.used(), 0);
        assert_eq!(budget.held.get(), 0);
    }

    #[tokio::test]
    async fn an_empty_body_is_not_accounted() {
        let budget = budget(0);
        let (body, account) = budget.wrap(http_body_util::Empty::<Bytes>::new());
        assert!(account.is_none());
        assert!(body.collect().await.unwrap().to_bytes().is_empty());
    }

    /// The extractors see the spent budget behind axum's rejection.
    #[tokio::test]
    async fn a_spent_budget_is_recognised_behind_axum_rejections() {
        let budget = budget(1_500);
        let (body, _account) = budget.wrap(chunked(2, 1_000));
        let req = Request::post("/")
            .body(axum::body::Body::new(body))
            .unwrap();
        let rejection = Bytes::from_request(req, &()).await.unwrap_err();
        assert!(is_spent(&rejection), "{rejection:?}");

        // And through the API's extractor, as a 503 OVERLOADED.
        let app: Router = Router::new().route(
            "/",
            post(|_: crate::extract::ApiJson<serde_json::Value>| async { "read" }),
        );
        let (body, _account) = budget.wrap(chunked(2, 1_000));
        let req = Request::post("/")
            .header("content-type", "application/json")
            .body(axum::body::Body::new(body))
            .unwrap();
        let res = app.oneshot(req).await.unwrap();
        assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(res.headers().contains_key("retry-after"));
        let body = res.into_body().collect().await.unwrap().to_bytes();
        assert!(
            String::from_utf8_lossy(&body).contains("\"OVERLOADED\""),
            "{body:?}"
        );
    }
}
