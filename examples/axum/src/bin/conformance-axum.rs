//! The axum conformance server: `--config FILE --port N [--route PATH=FILE]... [--origin-check FILE]`;
//! `SIGHUP` re-reads the policy files.

use cors_core::conformance::ServerArgs;
use tracing_subscriber::EnvFilter;

fn main() -> std::io::Result<()> {
    tracing_subscriber::fmt().with_env_filter(EnvFilter::from_default_env()).with_writer(std::io::stderr).init();
    let args = ServerArgs::from_env_or_exit();
    args.reload_on_sighup()?;
    let app = match example_axum::routed_app(&args.route_policies()) {
        Ok(app) => app,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", args.port)).await?;
        println!("{}", args.listening_line());
        axum::serve(listener, app).await
    })
}
