//! warp-public-private as pages would use it, played in process with `cors_warp::testing`
//! against the policies of the shipped `public-private.toml`.

use cors_warp::testing::{fetch, Fetch, Step};
use example_warp::public_private::{app, PartsConfig, DEMO_TOKEN};

const APP: &str = "https://app.example.com";

fn shipped_app() -> impl warp::Filter<Extract = (warp::reply::Response,), Error = std::convert::Infallible> + Clone {
    let parts: PartsConfig = toml::from_str(include_str!("../public-private.toml")).expect("the shipped file parses");
    app(parts.public.build().expect("[public] is valid"), parts.private.build().expect("[private] is valid"))
}

fn bearer() -> String {
    format!("Bearer {DEMO_TOKEN}")
}

#[tokio::test]
async fn the_public_part_is_readable_from_any_origin_without_credentials() {
    let outcome = fetch(&shipped_app(), &Fetch::new("https://anyone.example", "GET", "/public/status")).await.unwrap();
    assert!(outcome.is_allowed(), "{outcome}");
    assert_eq!(outcome.status(), Some(200));
    assert_eq!(outcome.text().as_deref(), Some(r#"{"status":"ok"}"#));

    let with_cookies = Fetch::new("https://anyone.example", "GET", "/public/status").credentials(true);
    let outcome = fetch(&shipped_app(), &with_cookies).await.unwrap();
    assert_eq!(outcome.blocked_at(), Some(Step::Actual), "`*` never with credentials: {outcome}");
}

#[tokio::test]
async fn a_credentialed_put_with_the_token_from_the_app_passes_its_preflight_and_runs() {
    let put = Fetch::new(APP, "PUT", "/private/notes")
        .credentials(true)
        .header("Authorization", bearer())
        .header("Content-Type", "text/plain")
        .body("buy milk");
    let outcome = fetch(&shipped_app(), &put).await.unwrap();
    assert!(outcome.is_allowed(), "{outcome}");
    assert_eq!(outcome.status(), Some(200));
    assert_eq!(outcome.text().as_deref(), Some("saved: buy milk"));
    // The preflight carried no token, and the auth layer never saw it: CORS answered it.
    let preflight = outcome.preflight().expect("PUT with Authorization is preflighted");
    assert_eq!(preflight.header("authorization"), None);
    assert_eq!(preflight.header("access-control-request-headers"), Some("authorization"));
    assert!((200..300).contains(&preflight.status), "preflight answered {}", preflight.status);
}

#[tokio::test]
async fn a_private_request_without_the_token_gets_a_401_the_page_can_read() {
    let outcome = fetch(&shipped_app(), &Fetch::new(APP, "GET", "/private/me").credentials(true)).await.unwrap();
    assert!(outcome.is_allowed(), "the 401 carries the CORS headers: {outcome}");
    assert_eq!(outcome.status(), Some(401));
    assert_eq!(outcome.header("www-authenticate").as_deref(), Some("Bearer"));

    // A preflighted one: the preflight passes, the actual request gets the readable 401.
    let put = Fetch::new(APP, "PUT", "/private/notes").credentials(true).header("Authorization", "Bearer wrong");
    let outcome = fetch(&shipped_app(), &put).await.unwrap();
    assert!(outcome.preflight().is_some());
    assert!(outcome.is_allowed(), "{outcome}");
    assert_eq!(outcome.status(), Some(401));
}

#[tokio::test]
async fn the_private_part_refuses_a_foreign_origin() {
    let get =
        Fetch::new("https://evil.example", "GET", "/private/me").credentials(true).header("Authorization", bearer());
    let outcome = fetch(&shipped_app(), &get).await.unwrap();
    assert_eq!(outcome.blocked_at(), Some(Step::Preflight), "{outcome}");

    let simple = Fetch::new("https://evil.example", "GET", "/private/me").credentials(true);
    let outcome = fetch(&shipped_app(), &simple).await.unwrap();
    assert_eq!(outcome.blocked_at(), Some(Step::Actual), "{outcome}");
}
