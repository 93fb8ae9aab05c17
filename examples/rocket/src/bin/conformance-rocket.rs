//! The Rocket conformance server: `--config FILE --port N [--route PATH=FILE]... [--origin-check FILE]`;
//! `SIGHUP` re-reads the policy files.

use cors_core::conformance::ServerArgs;
use rocket::fairing::AdHoc;
use std::io::Write;
use tracing_subscriber::EnvFilter;

#[rocket::main]
async fn main() {
    tracing_subscriber::fmt().with_env_filter(EnvFilter::from_default_env()).with_writer(std::io::stderr).init();
    let args = ServerArgs::from_env_or_exit();
    // SIGHUP re-reads every policy file; the table below holds the live policies.
    if let Err(e) = args.reload_on_sighup() {
        eprintln!("cannot listen for SIGHUP: {e}");
        std::process::exit(2);
    }
    let line = args.listening_line();
    let ready = AdHoc::on_liftoff("listening", move |_| {
        Box::pin(async move {
            let mut stdout = std::io::stdout();
            // Nothing to do if stdout is gone: the server keeps serving.
            let _ = writeln!(stdout, "{line}").and_then(|()| stdout.flush());
        })
    });
    if let Err(e) = example_rocket::routed(args.route_policies(), args.port).attach(ready).launch().await {
        eprintln!("{e}");
        std::process::exit(1);
    }
}
