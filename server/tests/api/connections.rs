//! Bounded connections: half-sent headers no longer hold a connection
//! open, and one client cannot take every connection. The timeout is the server's own timer
//! (a second here); the tests wait for the server to close, never a fixed sleep.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::spawn_app_configured;

/// Reads until the server closes the connection; how long that took (or None within `limit`).
async fn closed_within(stream: &mut TcpStream, limit: Duration) -> Option<Duration> {
    let started = Instant::now();
    let mut buffer = [0u8; 1024];
    loop {
        match tokio::time::timeout(limit, stream.read(&mut buffer)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return Some(started.elapsed()),
            Ok(Ok(_)) => continue,
            Err(_) => return None,
        }
    }
}

fn host_port(address: &str) -> String {
    address.trim_start_matches("http://").to_owned()
}

#[tokio::test]
async fn half_sent_headers_are_cut_off_and_one_client_cannot_take_every_connection() {
    let app = spawn_app_configured(|settings| {
        settings.edge.connections.header_read_timeout = Duration::from_secs(1);
        settings.edge.connections.max_per_client = 4;
    })
    .await;
    let target = host_port(&app.address);
    let mut slow = TcpStream::connect(&target).await.unwrap();
    slow.write_all(b"GET /api/health HTTP/1.1\r\nHost: x\r\nUser-Agent: slo").await.unwrap();
    let closed = closed_within(&mut slow, Duration::from_secs(10)).await.expect("closed by the server");
    assert!(closed < Duration::from_secs(5), "{closed:?}");

    // Four held open by one address; the fifth is closed at once, and the server still answers.
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(TcpStream::connect(&target).await.unwrap());
    }
    let mut fifth = TcpStream::connect(&target).await.unwrap();
    let _ = fifth.write_all(b"GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n").await;
    assert!(closed_within(&mut fifth, Duration::from_secs(5)).await.is_some(), "the fifth is refused");
    drop(held);
    // Once they are gone (the server learns of it a moment later), the client is served again.
    let mut answered = false;
    for _ in 0..200 {
        if matches!(app.client.get(app.url("/api/health")).send().await, Ok(r) if r.status() == 200) {
            answered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(answered, "served again once its connections closed");
}
