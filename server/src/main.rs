use clap::Parser;
use netbank_server::cli::Cli;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    netbank_server::telemetry::init();
    Cli::parse().run().await
}
