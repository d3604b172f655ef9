use std::process::ExitCode;

use clap::Parser;
use netbank_server::cli::Cli;

#[tokio::main]
async fn main() -> ExitCode {
    netbank_server::telemetry::init();
    match Cli::parse().run().await {
        Ok(()) => ExitCode::SUCCESS,
        // One line for the operator, whatever RUST_BACKTRACE says; causes joined by ": ".
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
