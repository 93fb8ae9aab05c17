//! The future returned by [`Cors`](crate::Cors): the inner service's response, finished by the
//! policy (see [`cors_core::nesting`]): headers added, or replaced by the preflight answer,
//! unless a policy further in has answered it; or, for a preflight when no CORS layer can be
//! inside, the policy's answer without the inner service. With an async origin check, the check
//! runs while the inner service answers, and the response is finished once both are done.

use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use cors_core::{CheckRun, Deferred};
use http::Response;
use pin_project_lite::pin_project;

/// What the policy knows so far.
pub(crate) enum Decision {
    /// Decided when the request came in.
    Ready(Deferred),
    /// Waiting for the async origin check (boxed: only origins the check decides take this path).
    Checking(Pin<Box<CheckRun>>),
}

pin_project! {
    /// Response future of [`Cors`](crate::Cors).
    pub struct ResponseFuture<F, B, E> {
        // None: answered without the inner service (a preflight, no CORS layer inside), or done.
        #[pin]
        future: Option<F>,
        decision: Decision,
        // Whether a layer further out will look for the `Answered` mark.
        enclosed: bool,
        // The inner answer, kept while the async check is still running; or the policy's own.
        answer: Option<Result<Response<B>, E>>,
    }
}

impl<F, B: Default, E> ResponseFuture<F, B, E> {
    pub(crate) fn new(future: F, decision: Decision, enclosed: bool) -> Self {
        ResponseFuture { future: Some(future), decision, enclosed, answer: None }
    }

    /// The policy's own answer, the inner service not called.
    pub(crate) fn answered(deferred: Deferred, enclosed: bool) -> Self {
        let answer = deferred.finish_response_marking(Response::new(B::default()), enclosed);
        ResponseFuture { future: None, decision: Decision::Ready(deferred), enclosed, answer: Some(Ok(answer)) }
    }
}

impl<F, B, E> Future for ResponseFuture<F, B, E>
where
    F: Future<Output = Result<Response<B>, E>>,
    B: Default,
{
    type Output = Result<Response<B>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let Some(mut future) = this.future.as_pin_mut() else {
            return Poll::Ready(this.answer.take().expect("ResponseFuture polled after it completed"));
        };
        if let (Decision::Ready(deferred), None) = (&*this.decision, &*this.answer) {
            // The common case, decided up front: finish the inner answer as it comes back.
            let answer = ready!(future.as_mut().poll(cx));
            return Poll::Ready(finish(deferred, answer, *this.enclosed));
        }
        if this.answer.is_none() {
            let answer = match &this.decision {
                // Nothing to wait for besides the inner service.
                Decision::Ready(_) => ready!(future.as_mut().poll(cx)),
                Decision::Checking(_) => match future.as_mut().poll(cx) {
                    Poll::Ready(answer) => answer,
                    Poll::Pending => {
                        // Drive the check meanwhile; it registers its own wake-ups.
                        poll_check(this.decision, cx);
                        return Poll::Pending;
                    }
                },
            };
            *this.answer = Some(answer);
        }
        if !poll_check(this.decision, cx) {
            return Poll::Pending;
        }
        let (Some(answer), Decision::Ready(deferred)) = (this.answer.take(), &*this.decision) else {
            unreachable!("both the answer and the decision are ready")
        };
        Poll::Ready(finish(deferred, answer, *this.enclosed))
    }
}

/// The inner answer, finished by the policy's decision.
fn finish<B: Default, E>(
    deferred: &Deferred,
    answer: Result<Response<B>, E>,
    enclosed: bool,
) -> Result<Response<B>, E> {
    let response = match answer {
        Ok(response) => response,
        // A preflight's answer is the policy's, whether the inner service failed or not.
        Err(_) if deferred.is_preflight() => Response::new(B::default()),
        Err(error) => return Err(error),
    };
    Ok(deferred.finish_response_marking(response, enclosed))
}

/// Polls the async check, if any; true once the decision is ready.
fn poll_check(decision: &mut Decision, cx: &mut Context<'_>) -> bool {
    if let Decision::Checking(run) = decision {
        match run.as_mut().poll(cx) {
            Poll::Ready(checked) => *decision = Decision::Ready(checked.decide_deferred()),
            Poll::Pending => return false,
        }
    }
    true
}

impl<F, B, E> std::fmt::Debug for ResponseFuture<F, B, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}
