//! Agent addresses in Net-SNMP's transport syntax (snmpcmd(1) "AGENT SPECIFICATION"):
//! `host`, `host:port`, `udp:host:port`, `udp6:[::1]:161`, `[::1]:1161`, `udp6:::1`.

use std::net::{IpAddr, SocketAddr, ToSocketAddrs};

pub const DEFAULT_PORT: u16 = 161;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    #[error("Unknown host ({host}): {reason}")]
    UnknownHost { host: String, reason: String },
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

    /// Resolves the host name (blocking; done once at start-up). IPv4 is preferred unless
    /// the transport asked for IPv6.
    pub fn resolve(&self) -> Result<SocketAddr, AddressError> {
        if let Ok(ip) = self.host.parse::<IpAddr>() {
            return match (self.family, ip) {
                (Family::V4, IpAddr::V6(_)) => Err(AddressError::Malformed {
                    spec: self.host.clone(),
                    reason: "an IPv6 address needs the udp6: transport",
                }),
                (Family::V6, IpAddr::V4(_)) => Err(AddressError::Malformed {
                    spec: self.host.clone(),
                    reason: "an IPv4 address needs the udp: transport",
                }),
                _ => Ok(SocketAddr::new(ip, self.port)),
            };
        }
        let unknown = |reason: String| AddressError::UnknownHost {
            host: self.host.clone(),
            reason,
        };
        let addrs: Vec<SocketAddr> = (self.host.as_str(), self.port)
            .to_socket_addrs()
            .map_err(|e| unknown(e.to_string()))?
            .collect();
        let pick = |want_v6: bool| addrs.iter().find(|a| a.is_ipv6() == want_v6).copied();
        match self.family {
            Family::V6 => pick(true),
            Family::V4 => pick(false),
            Family::Any => pick(false).or_else(|| pick(true)),
        }
        .ok_or_else(|| unknown("no address of the requested family".to_string()))
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

/// Parses and resolves an agent specification.
pub fn resolve_agent(spec: &str) -> Result<SocketAddr, AddressError> {
    AgentSpec::parse(spec, DEFAULT_PORT)?.resolve()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(spec: &str) -> String {
        resolve_agent(spec)
            .unwrap_or_else(|e| panic!("{spec}: {e}"))
            .to_string()
    }

    #[test]
    fn net_snmp_agent_syntax() {
        assert_eq!(ok("127.0.0.1"), "127.0.0.1:161");
        assert_eq!(ok("127.0.0.1:1161"), "127.0.0.1:1161");
        assert_eq!(ok("udp:127.0.0.1:1161"), "127.0.0.1:1161");
        assert_eq!(ok("UDP:127.0.0.1"), "127.0.0.1:161");
        assert_eq!(ok("udp6:[::1]:161"), "[::1]:161");
        assert_eq!(ok("udp6:[::1]"), "[::1]:161");
        assert_eq!(ok("[::1]:1161"), "[::1]:1161");
        assert_eq!(ok("[127.0.0.1]:1161"), "127.0.0.1:1161");
        assert_eq!(ok("udp:[127.0.0.1]:1161"), "127.0.0.1:1161");
        assert!(ok("udp6:[fe80::1%1]:161").starts_with("[fe80::1%1]"));
        assert_eq!(ok("udp6:::1"), "[::1]:161");
        assert_eq!(ok("::1"), "[::1]:161");
        assert_eq!(ok("localhost:1161").rsplit(':').next(), Some("1161"));
    }

    #[test]
    fn bad_specs_say_why() {
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
            let err = resolve_agent(spec).unwrap_err().to_string();
            assert!(err.contains(needle), "{spec}: {err}");
        }
    }
}
