use std::net::SocketAddr;
use std::sync::Arc;

use axum::{middleware, Router};
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;

use lettre::message::Mailbox;
use netbank_api::input::ServiceId;

use crate::config::{Mode, Settings};
use crate::http::rate_limiter::RateLimiter;
use crate::http::security_headers::{self, SecurityHeaders};
use crate::http::{client_addr, deadline, request_id};
use crate::identity::password;
use crate::mail::sender::{self, Heartbeat, Transport};
use crate::otp::secret_box::SecretBox;
use crate::state::{AppState, Deployment};
use crate::{routes, spa, telemetry};

/// A server bound to its port but not yet serving: tests read the port, then run it.
pub struct Application {
    listener: TcpListener,
    address: SocketAddr,
    router: Router,
    state: AppState,
    sender: sender::Sender,
    background_delivery: bool,
    sweep_interval: std::time::Duration,
    connections: crate::http::connections::ConnectionLimits,
    /// The branch's console: its own listener and router (`--staff-addr`).
    staff: Option<StaffListener>,
    /// Prometheus's scrape (`--metrics-addr`).
    metrics: Option<crate::prometheus::MetricsListener>,
    /// The SQLite database's lock, shared with other servers, until this one stops.
    in_use: Option<crate::backup::InUse>,
}

struct StaffListener {
    listener: TcpListener,
    address: SocketAddr,
    router: Router,
    origin: String,
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        // Refusals first: a refused start creates nothing.
        settings.check_production()?;
        if settings.mode == Mode::Development {
            // Development keeps its own OTP key in the data directory.
            std::fs::create_dir_all(&settings.data_dir)?;
        }
        let secrets = SecretBox::load(
            settings.mode,
            settings.otp_key.as_deref(),
            settings.edge.otp_key_file.as_deref(),
            &settings.data_dir,
        )?;
        std::fs::create_dir_all(&settings.data_dir)?;
        let service_id = ServiceId::parse(&settings.service_id)
            .map_err(|_| anyhow::anyhow!("the サービスID must be 8 digits, not {:?}", settings.service_id))?;
        let transport = match (&settings.mail.smtp_url, settings.mode) {
            (Some(url), _) => Some(Transport::from_url(url, settings.mail.smtp_ca_file.as_deref())?),
            (None, Mode::Development) => Some(Transport::DevMailbox),
            (None, Mode::Production) => None,
        };
        let from: Mailbox = settings.mail.from.parse().map_err(|e| anyhow::anyhow!("NETBANK_MAIL_FROM: {e}"))?;
        // Held while serving, taken before SQLite opens the file: `db restore` refuses to
        // replace a database a server is using.
        let sqlite_file = match &settings.database_url {
            None => Some(settings.database_path()),
            Some(url) => crate::backup::sqlite_file(url),
        };
        let in_use = sqlite_file.as_deref().map(crate::backup::hold).transpose()?;
        let db = settings.open_database().await?;
        for key_id in crate::store::otp_tokens::secret_key_ids(&db).await? {
            anyhow::ensure!(
                secrets.knows(&key_id),
                "OTP secrets in the database were sealed with the key {key_id:?}, which is not configured: keep it in the OTP keys (after the current one) until `netbank-server otp rotate-key` has re-sealed them"
            );
        }
        // A production bank's database never starts in development mode: that mode mails into a
        // page, seeds demo customers and lets the CLI act alone.
        let before = crate::store::deployment::last_start(&db).await?;
        anyhow::ensure!(
            !(settings.mode == Mode::Development && before.is_some_and(|before| before.mode == "production")),
            "this database belongs to a production bank (its server last started in production mode): it does not start in development mode"
        );
        let mode = match settings.mode {
            Mode::Development => "development",
            Mode::Production => "production",
        };
        let started = crate::store::deployment::Deployment {
            mode: mode.to_owned(),
            deposit_approval_above: settings.staff.deposit_approval_above,
        };
        crate::store::deployment::record_start(&db, &started, settings.clock.now()).await?;
        // 他行振込 need the 全銀 master (the shipped copy, unless a newer one was loaded) and
        // the bank's clearing and settlement accounts.
        crate::banking::interbank::master::load(
            &db,
            &crate::banking::interbank::master::shipped()?,
            settings.clock.now(),
        )
        .await?;
        for house in [crate::banking::interbank::House::Clearing, crate::banking::interbank::House::Settlement] {
            house.ensure(&db, settings.clock.now()).await?;
        }
        let listener = TcpListener::bind(settings.addr).await?;
        let address = listener.local_addr()?;
        // On loopback (development, tests) the URL names `localhost`: a browser accepts it as
        // a passkey's domain, and an IP address not.
        let public_url = settings.public_url.clone().unwrap_or_else(|| match address.ip().is_loopback() {
            true => format!("http://localhost:{}", address.port()),
            false => format!("http://{address}"),
        });
        let relying_party = Arc::new(crate::passkey::RelyingParty::for_public_url(&public_url)?);
        let token_app_url =
            settings.token_app_url.clone().unwrap_or_else(|| format!("{}/token", public_url.trim_end_matches('/')));
        let state = AppState {
            db: db.clone(),
            clock: settings.clock.clone(),
            policy: Arc::new(settings.policy.clone()),
            dummy_hash: password::dummy_hash().await?.into(),
            limiter: Arc::new(RateLimiter::with_capacity(settings.edge.limiter_capacity)),
            audit_quota: Arc::new(RateLimiter::with_capacity(settings.edge.limiter_capacity)),
            secrets: Arc::new(secrets),
            mail_wakeup: Arc::default(),
            mail_heartbeat: Arc::new(Heartbeat::new(settings.mail.poll_interval)),
            deployment: Arc::new(Deployment {
                mode: settings.mode,
                service_id: service_id.as_str().to_owned(),
                token_app_url,
            }),
            relying_party,
        };
        let sender = sender::Sender {
            db,
            clock: settings.clock.clone(),
            transport,
            from,
            wakeup: state.mail_wakeup.clone(),
            poll_interval: settings.mail.poll_interval,
            heartbeat: state.mail_heartbeat.clone(),
            lease_seconds: settings.mail.lease_seconds,
        };
        let router = build_router(&settings, state.clone())?;
        let staff = match settings.staff.addr {
            Some(addr) => Some(staff_listener(&settings, state.clone(), addr).await?),
            None => None,
        };
        let metrics = match settings.metrics_addr {
            Some(addr) => Some(crate::prometheus::listen(addr, state.clone()).await?),
            None => None,
        };
        Ok(Self {
            in_use,
            staff,
            metrics,
            listener,
            address,
            router,
            state,
            sender,
            background_delivery: settings.mail.background_delivery,
            sweep_interval: settings.edge.sweep_interval,
            connections: crate::http::connections::ConnectionLimits {
                trusted_proxies: settings.edge.trusted_proxies.clone(),
                ..settings.edge.connections.clone()
            },
        })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Where Prometheus scrapes, when it may.
    pub fn metrics_address(&self) -> Option<SocketAddr> {
        self.metrics.as_ref().map(|metrics| metrics.address)
    }

    /// The staff console's address and origin, when it listens.
    pub fn staff(&self) -> Option<(SocketAddr, &str)> {
        self.staff.as_ref().map(|staff| (staff.address, staff.origin.as_str()))
    }

    /// Serves in the background (tests, benchmarks): the address, the state, the mail sender
    /// (for delivering by hand), and a way to stop the server and see the product without it.
    pub fn spawn(self) -> Spawned {
        let address = format!("http://{}", self.address);
        let staff_address = self.staff.as_ref().map(|staff| format!("http://{}", staff.address));
        let metrics_address = self.metrics.as_ref().map(|metrics| format!("http://{}", metrics.address));
        let state = self.state.clone();
        let mail = self.sender.clone();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(self.run_until(async move {
            let _ = stopped.await;
        }));
        Spawned { address, staff_address, metrics_address, state, mail, stop: Some(stop), server: Some(server) }
    }

    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        self.run_until(shutdown_signal()).await
    }

    /// Serves until `stop` completes, then closes connections and the database (tests stop
    /// a server this way to see the product without it).
    pub async fn run_until(self, stop: impl std::future::Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
        let mail = self.background_delivery.then(|| tokio::spawn(self.sender.run()));
        tokio::task::spawn_blocking(crate::identity::environment::warm_up);
        let sweeper = tokio::spawn(crate::sweeper::run(self.state.clone(), self.sweep_interval));
        let bookings = tokio::spawn(crate::banking::interbank::scheduler::run(
            self.state.clone(),
            std::time::Duration::from_secs(60),
        ));
        // One stop for every listener: the console and the scrape close with the bank.
        let (stopping, stopped) = tokio::sync::watch::channel(false);
        let beside = |listener, router| {
            let mut stopped = stopped.clone();
            let limits = self.connections.clone();
            tokio::spawn(async move {
                let stop = async move {
                    let _ = stopped.wait_for(|stop| *stop).await;
                };
                crate::http::connections::serve(listener, router, limits, stop).await
            })
        };
        let console = self.staff.map(|staff| beside(staff.listener, staff.router));
        let scrape = self.metrics.map(|metrics| beside(metrics.listener, metrics.router));
        crate::http::connections::serve(self.listener, self.router, self.connections, stop).await;
        let _ = stopping.send(true);
        for listener in [console, scrape].into_iter().flatten() {
            let _ = listener.await;
        }
        // Unsent mail stays in the outbox for the next start.
        if let Some(mail) = mail {
            mail.abort();
        }
        sweeper.abort();
        bookings.abort();
        self.state.db.close().await;
        drop(self.in_use);
        Ok(())
    }
}

/// A server running in the background (`Application::spawn`); it stops when dropped.
pub struct Spawned {
    /// `http://127.0.0.1:<port>`.
    pub address: String,
    /// The staff console's `http://127.0.0.1:<port>`, when it listens.
    pub staff_address: Option<String>,
    /// Prometheus's `http://127.0.0.1:<port>`, when metrics are on.
    pub metrics_address: Option<String>,
    pub state: AppState,
    pub mail: sender::Sender,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
}

impl Spawned {
    /// Stops serving, closes connections and the database; waits up to ten seconds.
    pub async fn stop(&mut self) -> anyhow::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            tokio::time::timeout(std::time::Duration::from_secs(10), server).await???;
        }
        Ok(())
    }
}

/// Binds the console's listener; its passkeys belong to its own origin.
async fn staff_listener(settings: &Settings, state: AppState, addr: SocketAddr) -> anyhow::Result<StaffListener> {
    let listener = TcpListener::bind(addr).await?;
    let address = listener.local_addr()?;
    let public_url = settings.staff.public_url.clone().unwrap_or_else(|| match address.ip().is_loopback() {
        true => format!("http://localhost:{}", address.port()),
        false => format!("http://{address}"),
    });
    let party = Arc::new(crate::passkey::RelyingParty::for_public_url(&public_url)?);
    let origin = party.origin();
    let staff_state =
        crate::staff::StaffState { app: state, party, deposit_approval_above: settings.staff.deposit_approval_above };
    let router = crate::staff::routes::router(staff_state, settings.dist_dir.as_deref())?
        .layer(middleware::from_fn_with_state("staff", crate::prometheus::track))
        .layer(TraceLayer::new_for_http().make_span_with(telemetry::request_span).on_failure(telemetry::on_failure))
        .layer(middleware::from_fn(request_id::assign))
        .layer(middleware::from_fn_with_state(Arc::new(settings.edge.trusted_proxies.clone()), client_addr::resolve));
    Ok(StaffListener { listener, address, router, origin })
}

fn build_router(settings: &Settings, state: AppState) -> anyhow::Result<Router> {
    let (site, pages) = match &settings.dist_dir {
        Some(dist) => {
            let pages = spa::pages(dist).iter().map(std::fs::read_to_string).collect::<Result<Vec<_>, _>>()?;
            anyhow::ensure!(!pages.is_empty(), "{} has no index.html: build the SPA first", dist.display());
            (spa::router(dist), pages)
        }
        None => (spa::not_built_router(), Vec::new()),
    };
    let pages: Vec<&str> = pages.iter().map(String::as_str).collect();
    let headers = Arc::new(SecurityHeaders::new(&pages, settings.policy.tls));
    let api = routes::api_router(state.clone())
        .layer(middleware::from_fn_with_state(settings.edge.request_timeout, deadline::limit));
    // The console's API is never on this listener: a clear 404, not the bank's page.
    let mut router = Router::new()
        .nest("/api", api)
        .route("/staff-api/{*rest}", axum::routing::any(|| async { axum::http::StatusCode::NOT_FOUND }));
    if settings.mode == Mode::Development {
        let mailbox = Router::new().route("/dev/mailbox", axum::routing::get(crate::mail::mailbox::page));
        router = router.merge(mailbox.with_state(state));
    }
    Ok(router
        .merge(site)
        .layer(middleware::from_fn_with_state("bank", crate::prometheus::track))
        .layer(middleware::from_fn_with_state(headers, security_headers::apply))
        .layer(TraceLayer::new_for_http().make_span_with(telemetry::request_span).on_failure(telemetry::on_failure))
        // Outermost: the log span and everything inside know the request's id and client.
        .layer(middleware::from_fn(request_id::assign))
        .layer(middleware::from_fn_with_state(Arc::new(settings.edge.trusted_proxies.clone()), client_addr::resolve)))
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
