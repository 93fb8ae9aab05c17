//! The warp conformance server: `--config FILE --port N [--route PATH=FILE]... [--origin-check FILE]`;
//! `SIGHUP` re-reads the policy files.

use cors_core::conformance::ServerArgs;
use tracing_subscriber::EnvFilter;

fn main() {
    tracing_subscriber::fmt().with_env_filter(EnvFilter::from_default_env()).with_writer(std::io::stderr).init();
    let args = ServerArgs::from_env_or_exit();
    // SIGHUP re-reads every policy file; the table below holds the live policies.
    if let Err(e) = args.reload_on_sighup() {
        eprintln!("cannot listen for SIGHUP: {e}");
        std::process::exit(2);
    }
    let served = tokio::runtime::Builder::new_current_thread().enable_all().build().and_then(|runtime| {
        runtime.block_on(async {
            let listener = tokio::net::TcpListener::bind(("127.0.0.1", args.port)).await?;
            println!("{}", args.listening_line());
            std::io::Write::flush(&mut std::io::stdout())?;
            warp::serve(example_warp::routed_app(&args.route_policies())).incoming(listener).run().await;
            Ok(())
        })
    });
    if let Err(e) = served {
        eprintln!("127.0.0.1:{}: {e}", args.port);
        std::process::exit(2);
    }
}
