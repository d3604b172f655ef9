//! Per-client limits: a fixed one-minute window per client (IPv4 address or IPv6 /64),
//! answered with 429 and `Retry-After`. In memory, so each server process limits on its own
//! (the proxy spreads a client's requests; per-customer limits live in the database).
//!
//! The table holds at most `capacity` clients: a flood of new addresses pushes out the least
//! recently seen, never grows memory, and never makes a request scan the table; windows that
//! have ended are pruned by a timer ([`RateLimiter::prune`]).
//!
//! Why not `governor` (or `tower_governor`): its keyed limiter keeps every client it has seen
//! until `retain_recent` is called, so a flood of addresses grows memory between prunes,
//! where this table is bounded by construction; it reads its own clock, where ours follows
//! the product's injected `Clock` (tests move time instead of sleeping); and it cannot say
//! which refusal is a client's first in its window, which is what bounds the audit records.

use std::net::IpAddr;
use std::num::NonZeroUsize;
use std::sync::Mutex;

use lru::LruCache;

use crate::http::client_addr::limit_key;

const WINDOW_SECONDS: i64 = 60;

/// Clients tracked when no capacity is configured: about 5 MiB at most.
pub const DEFAULT_CAPACITY: usize = 100_000;

#[derive(Debug)]
pub struct RateLimiter {
    windows: Mutex<LruCache<IpAddr, (i64, u32)>>,
}

impl Default for RateLimiter {
    fn default() -> Self {
        Self::with_capacity(DEFAULT_CAPACITY)
    }
}

impl RateLimiter {
    pub fn with_capacity(capacity: usize) -> Self {
        let capacity = NonZeroUsize::new(capacity).unwrap_or(NonZeroUsize::MIN);
        Self { windows: Mutex::new(LruCache::new(capacity)) }
    }

    /// `Ok` when the request may go ahead, else the seconds until it may and whether this is
    /// the client's first refusal in the window.
    pub fn check(&self, client: IpAddr, now: i64, per_minute: u32) -> Result<(), (i64, bool)> {
        let key = limit_key(client);
        let mut windows = self.windows.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let (start, count) = windows.get_or_insert_mut(key, || (now, 0));
        if now - *start >= WINDOW_SECONDS {
            *start = now;
            *count = 0;
        }
        if *count >= per_minute {
            let first = *count == per_minute;
            *count = count.saturating_add(1);
            return Err(((*start + WINDOW_SECONDS - now).max(1), first));
        }
        *count += 1;
        Ok(())
    }

    /// Forgets clients whose window has ended; returns how many are still tracked.
    pub fn prune(&self, now: i64) -> usize {
        let mut windows = self.windows.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let ended: Vec<IpAddr> =
            windows.iter().filter(|(_, (start, _))| now - *start >= WINDOW_SECONDS).map(|(key, _)| *key).collect();
        for key in ended {
            windows.pop(&key);
        }
        windows.len()
    }

    pub fn len(&self) -> usize {
        self.windows.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_gets_its_quota_per_window_and_the_time_to_wait() {
        let limiter = RateLimiter::default();
        let client: IpAddr = "192.0.2.1".parse().unwrap();
        let other: IpAddr = "192.0.2.2".parse().unwrap();
        for _ in 0..3 {
            assert!(limiter.check(client, 1000, 3).is_ok());
        }
        assert_eq!(limiter.check(client, 1010, 3), Err((50, true)));
        assert_eq!(limiter.check(client, 1011, 3), Err((49, false)));
        assert!(limiter.check(other, 1010, 3).is_ok());
        assert!(limiter.check(client, 1060, 3).is_ok());
    }

    #[test]
    fn addresses_in_one_ipv6_64_share_a_window() {
        let limiter = RateLimiter::default();
        assert!(limiter.check("2001:db8::1".parse().unwrap(), 1000, 1).is_ok());
        assert!(limiter.check("2001:db8::ffff:2".parse().unwrap(), 1000, 1).is_err());
        assert!(limiter.check("2001:db8:0:1::1".parse().unwrap(), 1000, 1).is_ok());
    }

    #[test]
    fn a_flood_of_new_addresses_never_grows_the_table_past_its_capacity() {
        let limiter = RateLimiter::with_capacity(1000);
        let hot: IpAddr = "198.51.100.1".parse().unwrap();
        for _ in 0..3 {
            assert!(limiter.check(hot, 1000, 3).is_ok());
        }
        for i in 0..50_000u32 {
            let address = IpAddr::V4((0x0a00_0000 + i).into());
            let _ = limiter.check(address, 1000, 3);
            // The client still being limited stays in the table while it keeps asking.
            if i % 500 == 0 {
                assert!(limiter.check(hot, 1000, 3).is_err(), "the limited client was forgotten at {i}");
            }
        }
        assert_eq!(limiter.len(), 1000);
        assert_eq!(limiter.prune(1030), 1000, "windows still running stay");
        assert_eq!(limiter.prune(1060), 0, "ended windows go");
    }
}
