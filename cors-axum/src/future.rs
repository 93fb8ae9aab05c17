//! The future returned by [`Cors`](crate::Cors): the inner service's response, finished by the
//! policy (see [`cors_core::nesting`]): headers added, or replaced by the preflight answer,
//! unless a policy further in has answered it.

use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use cors_core::{Answered, Deferred, Finish};
use http::Response;
use pin_project_lite::pin_project;

pin_project! {
    /// Response future of [`Cors`](crate::Cors).
    pub struct ResponseFuture<F> {
        #[pin]
        future: F,
        deferred: Deferred,
    }
}

impl<F> ResponseFuture<F> {
    pub(crate) fn new(future: F, deferred: Deferred) -> Self {
        ResponseFuture { future, deferred }
    }
}

impl<F, B, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<Response<B>, E>>,
    B: Default,
{
    type Output = Result<Response<B>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let response = match ready!(this.future.poll(cx)) {
            Ok(response) => response,
            // A preflight's answer is the policy's, whether the inner service failed or not.
            Err(_) if this.deferred.is_preflight() => Response::new(B::default()),
            Err(error) => return Poll::Ready(Err(error)),
        };
        Poll::Ready(Ok(finish(this.deferred, response)))
    }
}

/// Applies the core's rule to the inner response.
fn finish<B: Default>(deferred: &Deferred, mut response: Response<B>) -> Response<B> {
    match deferred.finish(response.extensions().get::<Answered>().is_some()) {
        Finish::Keep => return response,
        Finish::Headers(headers) => headers.apply(response.headers_mut()),
        Finish::Preflight { status, headers } => {
            response = Response::new(B::default());
            *response.status_mut() = status;
            headers.apply(response.headers_mut());
        }
    }
    response.extensions_mut().insert(Answered);
    response
}

impl<F> std::fmt::Debug for ResponseFuture<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}
