//! The future returned by [`Cors`](crate::Cors): either a preflight answer ready at once, or the
//! inner service's response with the policy's headers added.

use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use cors_core::Forward;
use http::Response;
use pin_project_lite::pin_project;

pin_project! {
    /// Response future of [`Cors`](crate::Cors).
    pub struct ResponseFuture<F, B> {
        #[pin]
        kind: Kind<F, B>,
    }
}

pin_project! {
    #[project = KindProj]
    enum Kind<F, B> {
        Ready { response: Option<Response<B>> },
        Forward { #[pin] future: F, forward: Forward },
    }
}

impl<F, B> ResponseFuture<F, B> {
    pub(crate) fn ready(response: Response<B>) -> Self {
        ResponseFuture { kind: Kind::Ready { response: Some(response) } }
    }

    pub(crate) fn forward(future: F, forward: Forward) -> Self {
        ResponseFuture { kind: Kind::Forward { future, forward } }
    }
}

impl<F, B, E> Future for ResponseFuture<F, B>
where
    F: Future<Output = Result<Response<B>, E>>,
{
    type Output = Result<Response<B>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().kind.project() {
            KindProj::Ready { response } => Poll::Ready(Ok(response.take().expect("future polled after completion"))),
            KindProj::Forward { future, forward } => {
                let mut response = ready!(future.poll(cx))?;
                forward.apply(response.headers_mut());
                Poll::Ready(Ok(response))
            }
        }
    }
}

impl<F, B> std::fmt::Debug for ResponseFuture<F, B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}
