//! rocket-public-private as pages would use it, played in process with `cors_rocket::testing`
//! against the policies of the shipped `public-private.toml`.

use cors_rocket::testing::{fetch, Fetch, Step};
use example_rocket::public_private::{install, PartsConfig, DEMO_TOKEN};
use rocket::local::asynchronous::Client;

const APP: &str = "https://app.example.com";

/// A local client of the app under the shipped policies.
async fn shipped_app() -> Client {
    let parts: PartsConfig = toml::from_str(include_str!("../public-private.toml")).expect("the shipped file parses");
    let public = parts.public.build().expect("[public] is valid");
    let private = parts.private.build().expect("[private] is valid");
    Client::untracked(install(rocket::build(), public, private)).await.expect("the app ignites")
}

fn bearer() -> String {
    format!("Bearer {DEMO_TOKEN}")
}

#[rocket::async_test]
async fn the_public_part_is_readable_from_any_origin_without_credentials() {
    let client = shipped_app().await;
    let outcome = fetch(&client, &Fetch::new("https://anyone.example", "GET", "/public/status")).await.unwrap();
    assert!(outcome.is_allowed(), "{outcome}");
    assert_eq!(outcome.status(), Some(200));
    assert_eq!(outcome.text().as_deref(), Some(r#"{"status":"ok"}"#));

    let with_cookies = Fetch::new("https://anyone.example", "GET", "/public/status").credentials(true);
    let outcome = fetch(&client, &with_cookies).await.unwrap();
    assert_eq!(outcome.blocked_at(), Some(Step::Actual), "`*` never with credentials: {outcome}");
}

#[rocket::async_test]
async fn a_credentialed_put_with_the_token_from_the_app_passes_its_preflight_and_runs() {
    let client = shipped_app().await;
    let put = Fetch::new(APP, "PUT", "/private/notes")
        .credentials(true)
        .header("Authorization", bearer())
        .header("Content-Type", "text/plain")
        .body("buy milk");
    let outcome = fetch(&client, &put).await.unwrap();
    assert!(outcome.is_allowed(), "{outcome}");
    assert_eq!(outcome.status(), Some(200));
    assert_eq!(outcome.text().as_deref(), Some("saved: buy milk"));
    // The preflight carried no token, and the auth layer never saw it: CORS answered it.
    let preflight = outcome.preflight().expect("PUT with Authorization is preflighted");
    assert_eq!(preflight.header("authorization"), None);
    assert_eq!(preflight.header("access-control-request-headers"), Some("authorization"));
    assert!((200..300).contains(&preflight.status), "preflight answered {}", preflight.status);
}

#[rocket::async_test]
async fn a_private_request_without_the_token_gets_a_401_the_page_can_read() {
    let client = shipped_app().await;
    let outcome = fetch(&client, &Fetch::new(APP, "GET", "/private/me").credentials(true)).await.unwrap();
    assert!(outcome.is_allowed(), "the 401 carries the CORS headers: {outcome}");
    assert_eq!(outcome.status(), Some(401));
    assert_eq!(outcome.header("www-authenticate").as_deref(), Some("Bearer"));

    // A preflighted one: the preflight passes, the actual request gets the readable 401.
    let put = Fetch::new(APP, "PUT", "/private/notes").credentials(true).header("Authorization", "Bearer wrong");
    let outcome = fetch(&client, &put).await.unwrap();
    assert!(outcome.preflight().is_some());
    assert!(outcome.is_allowed(), "{outcome}");
    assert_eq!(outcome.status(), Some(401));
}

#[rocket::async_test]
async fn the_private_part_refuses_a_foreign_origin() {
    let client = shipped_app().await;
    let get =
        Fetch::new("https://evil.example", "GET", "/private/me").credentials(true).header("Authorization", bearer());
    let outcome = fetch(&client, &get).await.unwrap();
    assert_eq!(outcome.blocked_at(), Some(Step::Preflight), "{outcome}");

    let simple = Fetch::new("https://evil.example", "GET", "/private/me").credentials(true);
    let outcome = fetch(&client, &simple).await.unwrap();
    assert_eq!(outcome.blocked_at(), Some(Step::Actual), "{outcome}");
}
