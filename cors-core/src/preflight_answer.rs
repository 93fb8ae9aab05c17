//! An allowed preflight's whole answer, made once per policy and copied per request: copying a
//! header map costs less than writing each header into a new one. Only for policies whose answer
//! does not name what the request asked (methods or headers `*` with credentials do), and only
//! without private network access; everything else is written as before.

use http::HeaderMap;

use crate::decision::{write_preflight, AllowedOrigin, Echo, Forward, Stage, ANY};
use crate::header_names::ACCESS_CONTROL_ALLOW_ORIGIN;
use crate::policy::Inner;

/// Up to this many listed origins get an answer each, complete; past it a listed origin's value
/// is put into the general answer per request.
const LISTED_ANSWERS: usize = 16;

/// The answers of one policy.
#[derive(Debug)]
pub(crate) struct PreflightAnswers {
    /// With `Access-Control-Allow-Origin: *`: the answer of an any-origin policy as it is, and
    /// of the others once the request's allowed origin replaces it (in its place, keeping the
    /// order [`Forward::apply`] writes).
    general: HeaderMap,
    /// One per listed origin, when there are few.
    listed: Vec<HeaderMap>,
}

impl PreflightAnswers {
    /// The answers of the policy `inner`, or `None` where they name what the request asked.
    pub(crate) fn of(inner: &Inner) -> Option<Self> {
        if inner.echoes_method() || inner.echoes_headers() {
            return None;
        }
        let answer = |origin| {
            let mut map = HeaderMap::with_capacity(8);
            write_preflight(inner, Some(origin), Echo::Kept(None), false, Stage::All, &mut map);
            map
        };
        let few = inner.origins.listed(LISTED_ANSWERS).is_none();
        let listed = if few { (0..).map_while(|i| inner.origins.listed(i)).map(answer).collect() } else { Vec::new() };
        Some(PreflightAnswers { general: answer(&ANY), listed })
    }
}

impl Forward {
    /// The whole answer to an allowed preflight, in a new map: what [`apply`](Self::apply)
    /// writes into an empty one, in the same order. `None` for a refusal, private network
    /// access, or a policy without [`PreflightAnswers`].
    pub(crate) fn preflight_answer_map(&self) -> Option<HeaderMap> {
        self.preflight.as_ref().filter(|p| p.stage == Stage::All && !p.private_network && p.echoed.is_none())?;
        let inner = &*self.policy.inner;
        let answers = inner.preflight_answers.as_ref()?;
        match self.allow_origin.as_ref()? {
            AllowedOrigin::Any => Some(answers.general.clone()),
            AllowedOrigin::Listed(i) if *i < answers.listed.len() => Some(answers.listed[*i].clone()),
            other => {
                let mut map = answers.general.clone();
                map.insert(&ACCESS_CONTROL_ALLOW_ORIGIN, other.value(inner)?.clone());
                Some(map)
            }
        }
    }
}
