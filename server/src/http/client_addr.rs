//! Who the client is. Behind a reverse proxy the TCP peer is the proxy, so the client is read
//! from `X-Forwarded-For` (or `Forwarded: for=`) — but only when the peer is a proxy the
//! operator named (`--trusted-proxies`), and only the right-most address no trusted proxy
//! wrote: everything left of it is whatever the client chose to send.
//!
//! Why the walk is ours: the crates that read these headers for axum (`axum-client-ip` and
//! its kin) take the left-most or the right-most address, not the right-most one past a
//! chain of the operator's proxies, and none reads `Forwarded` and `X-Forwarded-For` with a
//! hop that cannot be read charged to the proxy that wrote it.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::str::FromStr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use ipnet::{IpNet, Ipv6Net};

/// One network in CIDR notation (`10.0.0.0/8`, `fd00::/8`, or a single address); the
/// arithmetic is `ipnet`'s, an IPv4-mapped IPv6 address is read as the IPv4 one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr(IpNet);

impl FromStr for Cidr {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let network: IpAddr = address.parse().map_err(|_| format!("{text}: not an IP address or CIDR"))?;
        let network = canonical(network);
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(prefix) => prefix
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("{text}: prefix must be 0–{max}"))?,
            None => max,
        };
        let network = IpNet::new(network, prefix).map_err(|_| format!("{text}: prefix must be 0–{max}"))?;
        Ok(Self(network.trunc()))
    }
}

impl Cidr {
    pub fn contains(&self, address: IpAddr) -> bool {
        self.0.contains(&canonical(address))
    }
}

/// The proxies whose forwarding headers are believed; empty (the default) believes none.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<Cidr>);

impl FromStr for TrustedProxies {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        text.split(',').filter(|part| !part.trim().is_empty()).map(Cidr::from_str).collect::<Result<_, _>>().map(Self)
    }
}

impl TrustedProxies {
    fn trusts(&self, address: IpAddr) -> bool {
        self.0.iter().any(|network| network.contains(address))
    }

    /// Is `address` one of the trusted proxies?
    pub fn contains(&self, address: IpAddr) -> bool {
        self.trusts(address)
    }

    /// The client's address for a request that came from `peer` with `headers`.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = canonical(peer);
        if !self.trusts(peer) {
            return peer;
        }
        let mut hops = forwarded_chain(headers);
        // Walk from the nearest hop outwards; the first address no trusted proxy could have
        // written is the client. A hop that cannot be read ends the walk at the proxy that
        // wrote it: it is that proxy's client we cannot name, so the proxy is charged.
        let mut nearest = peer;
        while let Some(hop) = hops.pop() {
            let Some(address) = hop else { return nearest };
            if !self.trusts(address) {
                return address;
            }
            nearest = address;
        }
        nearest
    }
}

/// The addresses a request was forwarded for, farthest first; `None` for one that is not an
/// address (`unknown`, an obfuscated name, garbage). `X-Forwarded-For` wins over `Forwarded`
/// because it is what common proxies (nginx's `$proxy_add_x_forwarded_for`) write.
fn forwarded_chain(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let xff: Vec<Option<IpAddr>> = headers
        .get_all("x-forwarded-for")
        .iter()
        .flat_map(|value| {
            value.to_str().map(|v| v.split(',').map(parse_hop).collect::<Vec<_>>()).unwrap_or_else(|_| vec![None])
        })
        .collect();
    if !xff.is_empty() {
        return xff;
    }
    headers
        .get_all("forwarded")
        .iter()
        .flat_map(|value| match value.to_str() {
            Ok(text) => text
                .split(',')
                .filter_map(|element| {
                    element.split(';').find_map(|pair| {
                        let (name, value) = pair.split_once('=')?;
                        name.trim().eq_ignore_ascii_case("for").then(|| parse_hop(value))
                    })
                })
                .collect::<Vec<_>>(),
            Err(_) => vec![None],
        })
        .collect()
}

/// `192.0.2.1`, `192.0.2.1:4711`, `2001:db8::1`, `"[2001:db8::1]:4711"`.
fn parse_hop(text: &str) -> Option<IpAddr> {
    let text = text.trim().trim_matches('"');
    if let Ok(address) = text.parse::<IpAddr>() {
        return Some(canonical(address));
    }
    if let Ok(socket) = text.parse::<SocketAddr>() {
        return Some(canonical(socket.ip()));
    }
    let bracketed = text.strip_prefix('[')?.split(']').next()?;
    bracketed.parse::<Ipv6Addr>().ok().map(|address| canonical(IpAddr::V6(address)))
}

/// An IPv4 client reached over an IPv6 socket is the IPv4 client.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
        v4 => v4,
    }
}

/// What a client's limits are counted against: its IPv4 address, or its IPv6 /64 (one
/// customer's router hands out a whole /64, so single IPv6 addresses cost an attacker nothing).
pub fn limit_key(client: IpAddr) -> IpAddr {
    match canonical(client) {
        IpAddr::V6(v6) => IpAddr::V6(Ipv6Net::new(v6, 64).expect("64 is a prefix").network()),
        v4 => v4,
    }
}

/// The client's address, resolved once per request by [`resolve`].
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub IpAddr);

/// Puts the request's [`ClientIp`] in its extensions for the limits, the audit log and logs.
pub async fn resolve(State(trusted): State<Arc<TrustedProxies>>, mut request: Request, next: Next) -> Response {
    if let Some(peer) = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip()) {
        let client = trusted.client(peer, request.headers());
        request.extensions_mut().insert(ClientIp(client));
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn networks_contain_what_their_prefix_covers() {
        let net: Cidr = "10.1.0.0/16".parse().unwrap();
        assert!(net.contains(ip("10.1.255.3")));
        assert!(!net.contains(ip("10.2.0.1")));
        assert!(net.contains(ip("::ffff:10.1.0.9")));
        let v6: Cidr = "2001:db8::/32".parse().unwrap();
        assert!(v6.contains(ip("2001:db8:ffff::1")));
        assert!(!v6.contains(ip("10.1.0.1")));
        let single: Cidr = "127.0.0.1".parse().unwrap();
        assert!(single.contains(ip("127.0.0.1")) && !single.contains(ip("127.0.0.2")));
        assert!("0.0.0.0/0".parse::<Cidr>().unwrap().contains(ip("203.0.113.9")));
        for bad in ["10.0.0.0/33", "::/129", "example.com", "10.0.0/8", ""] {
            assert!(bad.parse::<Cidr>().is_err(), "{bad}");
        }
        assert!("10.0.0.0/8, ::1".parse::<TrustedProxies>().is_ok());
        assert!("10.0.0.0/8,nonsense".parse::<TrustedProxies>().is_err());
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_claims() {
        let trusted: TrustedProxies = "10.0.0.0/8".parse().unwrap();
        let claims = headers(&[("x-forwarded-for", "198.51.100.7"), ("forwarded", "for=198.51.100.8")]);
        assert_eq!(trusted.client(ip("203.0.113.5"), &claims), ip("203.0.113.5"));
        assert_eq!(TrustedProxies::default().client(ip("10.0.0.1"), &claims), ip("10.0.0.1"));
    }

    #[test]
    fn behind_trusted_proxies_the_right_most_untrusted_hop_is_the_client() {
        let trusted: TrustedProxies = "10.0.0.0/8,127.0.0.1".parse().unwrap();
        // The client put a forged address first; nginx appended the real one.
        let forged = headers(&[("x-forwarded-for", "1.2.3.4, 203.0.113.5")]);
        assert_eq!(trusted.client(ip("127.0.0.1"), &forged), ip("203.0.113.5"));
        // Two proxies: the outer one (10.0.0.2) forwarded for the client.
        let chain = headers(&[("x-forwarded-for", "203.0.113.5, 10.0.0.2")]);
        assert_eq!(trusted.client(ip("10.0.0.3"), &chain), ip("203.0.113.5"));
        // Several header lines are one list, in order.
        let split = headers(&[("x-forwarded-for", "1.2.3.4"), ("x-forwarded-for", "203.0.113.6")]);
        assert_eq!(trusted.client(ip("127.0.0.1"), &split), ip("203.0.113.6"));
        // Garbage where an address should be: the proxy that wrote it is charged.
        let garbage = headers(&[("x-forwarded-for", "203.0.113.5, unknown")]);
        assert_eq!(trusted.client(ip("127.0.0.1"), &garbage), ip("127.0.0.1"));
        // No header, or only trusted hops: the nearest proxy.
        assert_eq!(trusted.client(ip("127.0.0.1"), &HeaderMap::new()), ip("127.0.0.1"));
        assert_eq!(trusted.client(ip("127.0.0.1"), &headers(&[("x-forwarded-for", "10.9.9.9")])), ip("10.9.9.9"));
    }

    #[test]
    fn the_standard_forwarded_header_is_read_when_there_is_no_x_forwarded_for() {
        let trusted: TrustedProxies = "127.0.0.1".parse().unwrap();
        let forwarded =
            headers(&[("forwarded", r#"for=1.2.3.4;proto=https, For="[2001:db8:cafe::17]:4711";by=127.0.0.1"#)]);
        assert_eq!(trusted.client(ip("127.0.0.1"), &forwarded), ip("2001:db8:cafe::17"));
        let with_port = headers(&[("forwarded", "for=203.0.113.5:5555")]);
        assert_eq!(trusted.client(ip("127.0.0.1"), &with_port), ip("203.0.113.5"));
        let hidden = headers(&[("forwarded", "for=_hidden")]);
        assert_eq!(trusted.client(ip("127.0.0.1"), &hidden), ip("127.0.0.1"));
    }

    #[test]
    fn ipv6_clients_are_limited_per_64() {
        assert_eq!(limit_key(ip("2001:db8:1:2:aaaa::1")), limit_key(ip("2001:db8:1:2:bbbb::9")));
        assert_ne!(limit_key(ip("2001:db8:1:2::1")), limit_key(ip("2001:db8:1:3::1")));
        assert_eq!(limit_key(ip("203.0.113.5")), ip("203.0.113.5"));
        assert_eq!(limit_key(ip("::ffff:203.0.113.5")), ip("203.0.113.5"));
    }
}
