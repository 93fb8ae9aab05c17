//! The actix-web conformance server: `--config FILE --port N [--route PATH=FILE]... [--origin-check FILE]`;
//! `SIGHUP` re-reads the policy files.

use std::io::Write;

use actix_web::{App, HttpServer};
use cors_core::conformance::ServerArgs;
use tracing_subscriber::EnvFilter;

fn main() -> std::io::Result<()> {
    tracing_subscriber::fmt().with_env_filter(EnvFilter::from_default_env()).with_writer(std::io::stderr).init();
    // A bad config prints every mistake to stderr and exits with status 2.
    let args = ServerArgs::from_env_or_exit();
    // SIGHUP re-reads every policy file; the table below holds the live policies.
    args.reload_on_sighup()?;
    let (cors, configure) = match example_actix::routed(&args.route_policies()) {
        Ok(app) => app,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    actix_web::rt::System::new().block_on(async move {
        let server = HttpServer::new(move || App::new().wrap(cors.clone()).configure(configure.clone()))
            .workers(1)
            .bind(("127.0.0.1", args.port))?;
        println!("{}", args.listening_line());
        std::io::stdout().flush()?;
        server.run().await
    })
}
