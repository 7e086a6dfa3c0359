//! Agent addresses in Net-SNMP's transport syntax (snmpcmd(1) "AGENT SPECIFICATION"):
//! `host`, `host:port`, `udp:host:port`, `udp6:[::1]:161`, `[::1]:1161`, `udp6:::1`.
//! Numeric addresses are taken as they are; host names are looked up on tokio's blocking
//! pool with a bound on time, so a slow resolver never stalls the runtime.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

pub const DEFAULT_PORT: u16 = 161;

/// How long a host name lookup may take before the agent counts as unknown.
pub const DEFAULT_LOOKUP_LIMIT: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, thiserror::Error)]
pub enum AddressError {
    /// The resolver failed (no such name, no network, ...).
    #[error("Unknown host ({host}): {source}")]
    UnknownHost {
        host: String,
        source: Arc<std::io::Error>,
    },
    /// The name exists but has no address of the family the transport asked for.
    #[error("Unknown host ({host}): it has no {family} address")]
    NoAddressOfFamily { host: String, family: &'static str },
    /// The resolver did not answer in time.
    #[error(
        "Unknown host ({host}): no answer from the name resolver within {}s; check the resolver or give an IP address",
        limit.as_secs_f64()
    )]
    LookupTimedOut { host: String, limit: Duration },
    #[error("bad agent address '{spec}': {reason}")]
    Malformed { spec: String, reason: &'static str },
    #[error(
        "transport '{transport}' is not supported: mibscope speaks SNMP over UDP (udp: or udp6:)"
    )]
    UnsupportedTransport { transport: String },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Family {
    Any,
    V4,
    V6,
}

/// A parsed agent specification before name resolution.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgentSpec {
    host: String,
    port: u16,
    family: Family,
}

impl AgentSpec {
    pub fn parse(spec: &str, default_port: u16) -> Result<AgentSpec, AddressError> {
        let malformed = |reason| AddressError::Malformed {
            spec: spec.to_string(),
            reason,
        };
        let (family, rest) = split_transport(spec)?;
        if rest.is_empty() {
            return Err(malformed("no host given"));
        }
        // Bracketed IPv6: [addr] or [addr]:port
        if let Some(inner) = rest.strip_prefix('[') {
            let (host, after) = inner
                .split_once(']')
                .ok_or_else(|| malformed("missing ']' after an IPv6 address"))?;
            let port = match after {
                "" => default_port,
                p => parse_port(
                    p.strip_prefix(':')
                        .ok_or_else(|| malformed("expected ':port' after ']'"))?,
                )
                .ok_or_else(|| malformed("port must be a number 1..65535"))?,
            };
            // Net-SNMP accepts an IPv4 address in brackets too: [127.0.0.1]:161.
            let v4 = host.parse::<std::net::Ipv4Addr>().is_ok();
            return Ok(AgentSpec {
                host: host.to_string(),
                port,
                family: match family {
                    Family::Any if v4 => Family::V4,
                    Family::Any => Family::V6,
                    other => other,
                },
            });
        }
        // Two or more colons without brackets: a bare IPv6 literal, perhaps with a port after
        // the last colon when the transport says udp6 (Net-SNMP accepts "udp6:::1:1161"? no:
        // it takes the whole thing as the address, as we do).
        if rest.matches(':').count() >= 2 {
            let ip: IpAddr = rest.parse().map_err(|_| {
                malformed("an IPv6 address with a port must be written [addr]:port")
            })?;
            return Ok(AgentSpec {
                host: ip.to_string(),
                port: default_port,
                family: Family::V6,
            });
        }
        let (host, port) = match rest.rsplit_once(':') {
            Some((h, p)) => (
                h,
                parse_port(p).ok_or_else(|| malformed("port must be a number 1..65535"))?,
            ),
            None => (rest, default_port),
        };
        if host.is_empty() {
            return Err(malformed("no host given"));
        }
        Ok(AgentSpec {
            host: host.to_string(),
            port,
            family,
        })
    }

    /// The address, when the host is an IP address (no lookup needed).
    pub fn numeric(&self) -> Option<Result<SocketAddr, AddressError>> {
        let ip = self.host.parse::<IpAddr>().ok()?;
        Some(match (self.family, ip) {
            (Family::V4, IpAddr::V6(_)) => Err(AddressError::Malformed {
                spec: self.host.clone(),
                reason: "an IPv6 address needs the udp6: transport",
            }),
            (Family::V6, IpAddr::V4(_)) => Err(AddressError::Malformed {
                spec: self.host.clone(),
                reason: "an IPv4 address needs the udp: transport",
            }),
            _ => Ok(SocketAddr::new(ip, self.port)),
        })
    }

    /// The agent's address: an IP address as it is, a host name looked up without blocking
    /// the runtime, failing after `limit`. IPv4 is preferred unless the transport asked for
    /// IPv6.
    pub async fn resolve(&self, limit: Duration) -> Result<SocketAddr, AddressError> {
        if let Some(numeric) = self.numeric() {
            return numeric;
        }
        let host = || self.host.clone();
        let lookup = tokio::net::lookup_host((self.host.as_str(), self.port));
        let addrs = self.lookup_within(limit, lookup).await?;
        let pick = |want_v6: bool| addrs.iter().find(|a| a.is_ipv6() == want_v6).copied();
        let (found, family) = match self.family {
            Family::V6 => (pick(true), "IPv6"),
            Family::V4 => (pick(false), "IPv4"),
            Family::Any => (pick(false).or_else(|| pick(true)), "IP"),
        };
        found.ok_or_else(|| AddressError::NoAddressOfFamily {
            host: host(),
            family,
        })
    }
}

impl AgentSpec {
    /// Awaits `lookup` for at most `limit`, turning its failure or its slowness into the
    /// error that names this host.
    async fn lookup_within<I>(
        &self,
        limit: Duration,
        lookup: impl Future<Output = std::io::Result<I>>,
    ) -> Result<Vec<SocketAddr>, AddressError>
    where
        I: Iterator<Item = SocketAddr>,
    {
        match tokio::time::timeout(limit, lookup).await {
            Ok(Ok(addrs)) => Ok(addrs.collect()),
            Ok(Err(e)) => Err(AddressError::UnknownHost {
                host: self.host.clone(),
                source: Arc::new(e),
            }),
            Err(_) => Err(AddressError::LookupTimedOut {
                host: self.host.clone(),
                limit,
            }),
        }
    }
}

fn split_transport(spec: &str) -> Result<(Family, &str), AddressError> {
    if let Some((prefix, rest)) = spec.split_once(':') {
        let family = match prefix.to_ascii_lowercase().as_str() {
            "udp" => Some(Family::V4),
            "udp6" | "udpv6" | "udpipv6" => Some(Family::V6),
            "tcp" | "tcp6" | "tcpv6" | "tcpipv6" | "unix" | "dtlsudp" | "tlstcp" | "ssh" => {
                return Err(AddressError::UnsupportedTransport {
                    transport: prefix.to_string(),
                });
            }
            _ => None,
        };
        if let Some(f) = family {
            return Ok((f, rest));
        }
    }
    Ok((Family::Any, spec))
}

fn parse_port(p: &str) -> Option<u16> {
    p.parse::<u16>().ok().filter(|p| *p != 0)
}

/// Parses and resolves an agent specification (port 161 unless given), within
/// `DEFAULT_LOOKUP_LIMIT`.
pub async fn resolve_agent(spec: &str) -> Result<SocketAddr, AddressError> {
    AgentSpec::parse(spec, DEFAULT_PORT)?
        .resolve(DEFAULT_LOOKUP_LIMIT)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn ok(spec: &str) -> String {
        resolve_agent(spec)
            .await
            .unwrap_or_else(|e| panic!("{spec}: {e}"))
            .to_string()
    }

    #[tokio::test]
    async fn net_snmp_agent_syntax() {
        assert_eq!(ok("127.0.0.1").await, "127.0.0.1:161");
        assert_eq!(ok("127.0.0.1:1161").await, "127.0.0.1:1161");
        assert_eq!(ok("udp:127.0.0.1:1161").await, "127.0.0.1:1161");
        assert_eq!(ok("UDP:127.0.0.1").await, "127.0.0.1:161");
        assert_eq!(ok("udp6:[::1]:161").await, "[::1]:161");
        assert_eq!(ok("udp6:[::1]").await, "[::1]:161");
        assert_eq!(ok("[::1]:1161").await, "[::1]:1161");
        assert_eq!(ok("[127.0.0.1]:1161").await, "127.0.0.1:1161");
        assert_eq!(ok("udp:[127.0.0.1]:1161").await, "127.0.0.1:1161");
        assert!(ok("udp6:[fe80::1%1]:161").await.starts_with("[fe80::1%1]"));
        assert_eq!(ok("udp6:::1").await, "[::1]:161");
        assert_eq!(ok("::1").await, "[::1]:161");
        assert_eq!(ok("localhost:1161").await.rsplit(':').next(), Some("1161"));
    }

    #[tokio::test]
    async fn bad_specs_say_why() {
        for (spec, needle) in [
            ("tcp:127.0.0.1:161", "not supported"),
            ("127.0.0.1:http", "port must be a number"),
            ("127.0.0.1:0", "port must be a number"),
            ("[::1", "missing ']'"),
            ("udp:", "no host"),
            (":161", "no host"),
            ("udp:[::1]", "needs the udp6"),
            ("udp6:127.0.0.1", "needs the udp:"),
            (
                "no-such-host.invalid",
                "Unknown host (no-such-host.invalid)",
            ),
        ] {
            let err = resolve_agent(spec).await.unwrap_err().to_string();
            assert!(err.contains(needle), "{spec}: {err}");
        }
    }

    #[test]
    fn numeric_addresses_need_no_lookup() {
        let spec = AgentSpec::parse("udp:192.0.2.7:1161", DEFAULT_PORT).unwrap();
        assert_eq!(
            spec.numeric().unwrap().unwrap(),
            "192.0.2.7:1161".parse().unwrap()
        );
        assert!(
            AgentSpec::parse("localhost", DEFAULT_PORT)
                .unwrap()
                .numeric()
                .is_none()
        );
    }

    #[tokio::test]
    async fn a_lookup_that_takes_too_long_is_an_error_naming_the_host() {
        // A resolver that never answers: the limit ends the wait with an error naming
        // the host (tokio's lookup runs on a blocking thread, so the runtime stays free).
        let spec = AgentSpec::parse("slow-host.invalid", DEFAULT_PORT).unwrap();
        let never = std::future::pending::<std::io::Result<std::iter::Empty<SocketAddr>>>();
        match spec.lookup_within(Duration::from_millis(50), never).await {
            Err(e @ AddressError::LookupTimedOut { .. }) => {
                assert!(
                    e.to_string().contains("Unknown host (slow-host.invalid)"),
                    "{e}"
                );
            }
            other => panic!("{other:?}"),
        }
    }
}
