use std::net::SocketAddr;
use std::sync::Arc;

use axum::{middleware, Router};
use sqlx::SqlitePool;
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;

use crate::clock::Clock;
use crate::config::{Policy, Settings};
use crate::http::rate_limit::RateLimiter;
use crate::http::security_headers::{self, SecurityHeaders};
use crate::identity::password;
use crate::{db, routes, spa};

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: SqlitePool,
    pub clock: Clock,
    pub policy: Arc<Policy>,
    /// Verified against when a login ID is unknown (equal timing).
    pub dummy_hash: Arc<str>,
    pub limiter: Arc<RateLimiter>,
}

/// A server bound to its port but not yet serving: tests read the port, then run it.
pub struct Application {
    listener: TcpListener,
    address: SocketAddr,
    router: Router,
    state: AppState,
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        std::fs::create_dir_all(&settings.data_dir)?;
        let db = db::open(&settings.database_path()).await?;
        let state = AppState {
            db,
            clock: settings.clock.clone(),
            policy: Arc::new(settings.policy.clone()),
            dummy_hash: password::dummy_hash().await?.into(),
            limiter: Arc::default(),
        };
        let listener = TcpListener::bind(settings.addr).await?;
        let address = listener.local_addr()?;
        let router = build_router(&settings, state.clone())?;
        Ok(Self { listener, address, router, state })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let service = self.router.into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(self.listener, service).with_graceful_shutdown(shutdown_signal()).await?;
        self.state.db.close().await;
        Ok(())
    }
}

fn build_router(settings: &Settings, state: AppState) -> anyhow::Result<Router> {
    let (site, index_html) = match &settings.dist_dir {
        Some(dist) => (spa::router(dist), Some(std::fs::read_to_string(dist.join("index.html"))?)),
        None => (spa::not_built_router(), None),
    };
    let headers = Arc::new(SecurityHeaders::new(index_html.as_deref(), settings.policy.tls));
    Ok(Router::new()
        .nest("/api", routes::api_router(state))
        .merge(site)
        .layer(middleware::from_fn_with_state(headers, security_headers::apply))
        .layer(TraceLayer::new_for_http()))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
