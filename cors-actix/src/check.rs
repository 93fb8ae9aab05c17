//! Awaiting an async origin check beside the inner service: both futures are polled together,
//! so the check's latency overlaps the handler's rather than adding to it.

use std::future::{poll_fn, Future};
use std::pin::{pin, Pin};
use std::task::Poll;

use cors_core::{CheckRun, Checked};

/// Polls `inner` and the check `run` together until both are done. The check is raced against
/// its timer inside [`CheckRun`], so this never waits for it longer than the policy's
/// `origin_check_timeout` past the inner service's answer.
pub(crate) async fn both<F: Future>(inner: F, mut run: CheckRun) -> (F::Output, Checked) {
    let mut inner = pin!(inner);
    let mut answer = None;
    let mut checked = None;
    poll_fn(move |cx| {
        if answer.is_none() {
            if let Poll::Ready(output) = inner.as_mut().poll(cx) {
                answer = Some(output);
            }
        }
        if checked.is_none() {
            // `CheckRun` is polled only until it completes: a completed run is never polled again.
            if let Poll::Ready(done) = Pin::new(&mut run).poll(cx) {
                checked = Some(done);
            }
        }
        match (answer.take(), checked.take()) {
            (Some(output), Some(done)) => Poll::Ready((output, done)),
            (output, done) => {
                answer = output;
                checked = done;
                Poll::Pending
            }
        }
    })
    .await
}
