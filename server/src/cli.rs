use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::config::Settings;
use crate::startup::Application;

/// netbank server and operator tools.
#[derive(Debug, Parser)]
#[command(version, about)]
pub struct Cli {
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Args)]
pub struct CommonArgs {
    /// Directory for the database and other state; created on first start.
    #[arg(long, env = "NETBANK_DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API and the SPA (the default).
    Serve(ServeArgs),
}

// `Parser` as well as `Args`, so that `netbank-server` with no subcommand serves with the
// same defaults and environment variables as `netbank-server serve`.
#[derive(Debug, Parser)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "NETBANK_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// The built SPA (Trunk's dist directory) to serve at `/`.
    #[arg(long, env = "NETBANK_DIST")]
    pub dist: Option<PathBuf>,
}

impl Cli {
    pub async fn run(self) -> anyhow::Result<()> {
        let command =
            self.command.unwrap_or_else(|| Command::Serve(ServeArgs::parse_from(["serve"])));
        match command {
            Command::Serve(args) => {
                let settings = Settings {
                    addr: args.addr,
                    data_dir: self.common.data_dir,
                    dist_dir: args.dist,
                };
                let app = Application::build(settings).await?;
                println!("netbank is running at http://{}/", app.address());
                app.run_until_stopped().await
            }
        }
    }
}
