//! The accept loop: what `axum::serve` does, with the bounds a server on the internet needs
//! whatever sits in front of it. A client has `header_read_timeout` to send its request line
//! and headers (and an idle kept-alive connection as long for its next request), so half-sent
//! headers cannot hold connections open; at most `max_connections` are open at once (beyond
//! it new clients wait in the kernel's backlog), and at most `max_per_client` from one
//! address (an IPv6 client's whole /64), except from trusted proxies, whose connections carry many clients. HTTP/1 only:
//! nothing serves cleartext HTTP/2 to browsers, and its preface detection has no timer.

use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::Service;

use crate::http::client_addr::{limit_key, TrustedProxies};

#[derive(Debug, Clone)]
pub struct ConnectionLimits {
    pub header_read_timeout: Duration,
    pub max_connections: usize,
    pub max_per_client: usize,
    /// Exempt from `max_per_client`.
    pub trusted_proxies: TrustedProxies,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(10),
            max_connections: 1024,
            max_per_client: 64,
            trusted_proxies: TrustedProxies::default(),
        }
    }
}

/// Open connections per client address; a slot is given back when its `Slot` drops.
#[derive(Default)]
struct PerClient(Mutex<HashMap<IpAddr, usize>>);

struct Slot(Arc<PerClient>, IpAddr);

impl PerClient {
    fn take(self: &Arc<Self>, address: IpAddr, max: usize) -> Option<Slot> {
        let mut open = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let count = open.entry(address).or_insert(0);
        if *count >= max {
            return None;
        }
        *count += 1;
        Some(Slot(self.clone(), address))
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.0 .0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(count) = open.get_mut(&self.1) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.1);
            }
        }
    }
}

/// Serves `router` on `listener` until `stop` completes, then lets open requests finish.
pub async fn serve(listener: TcpListener, router: Router, limits: ConnectionLimits, stop: impl Future<Output = ()>) {
    let mut make_service = router.into_make_service_with_connect_info::<SocketAddr>();
    let open = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let per_client = Arc::new(PerClient::default());
    let graceful = GracefulShutdown::new();
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(limits.header_read_timeout);
    tokio::pin!(stop);
    loop {
        let permit = tokio::select! {
            permit = open.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            () = &mut stop => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // Out of file descriptors and the like: back off, as axum::serve does.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let slot = match limits.trusted_proxies.contains(peer.ip()) {
            true => None,
            // One client is one IPv4 address or one IPv6 /64, as for the rate limits.
            false => match per_client.take(limit_key(peer.ip()), limits.max_per_client) {
                Some(slot) => Some(slot),
                // Over its share: closed at once (dropping the stream), the permit given back.
                None => {
                    tracing::warn!(client = %peer.ip(), "connection refused: too many from one client");
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        // The router with ConnectInfo(peer), as axum::serve hands it to handlers.
        let Ok(service) = make_service.call(peer).await;
        let connection = http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _ = connection.await;
            drop((permit, slot));
        });
    }
    drop(listener);
    graceful.shutdown().await;
}
