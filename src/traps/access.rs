//! Who may send notifications: accepted communities (optionally per source network) and
//! SNMPv3 users, each keyed to the engine its keys are localized to (RFC 3414 section
//! 2.6): a trap sender's engine id for traps, the receiver's own for informs.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;
use std::sync::Arc;

use crate::proto::Community;
use crate::proto::engine::canonical;
use crate::proto::usm::{Credentials, EngineId, SecurityLevel};

/// An IPv4 or IPv6 network, `192.0.2.0/24`, `2001:db8::/32`, or one address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IpNet {
    addr: IpAddr,
    prefix: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad network '{0}': give an address or ADDRESS/PREFIX, e.g. 192.0.2.0/24 or 2001:db8::/32")]
pub struct BadNetwork(pub String);

impl FromStr for IpNet {
    type Err = BadNetwork;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadNetwork(s.to_string());
        let (addr, prefix) = match s.trim().split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s.trim(), None),
        };
        let addr: IpAddr = addr.parse().map_err(|_| bad())?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p.parse::<u8>().ok().filter(|p| *p <= max).ok_or_else(bad)?,
            None => max,
        };
        Ok(IpNet { addr, prefix })
    }
}

impl fmt::Display for IpNet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

impl IpNet {
    /// True when `ip` (IPv4-mapped IPv6 taken as IPv4) lies in the network.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(std::net::SocketAddr::new(ip, 0)).ip();
        let bits = |a: IpAddr| -> Option<(u128, u32)> {
            match a {
                IpAddr::V4(v4) => Some((u128::from(u32::from(v4)) << 96, 32)),
                IpAddr::V6(v6) => Some((u128::from(v6), 128)),
            }
        };
        let (Some((net, net_len)), Some((addr, addr_len))) = (bits(self.addr), bits(ip)) else {
            return false;
        };
        if net_len != addr_len {
            return false;
        }
        let prefix = u32::from(self.prefix);
        if prefix == 0 {
            return true;
        }
        let mask = u128::MAX << (128 - prefix);
        net & mask == addr & mask
    }

    pub fn any_v4() -> IpNet {
        IpNet {
            addr: IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            prefix: 0,
        }
    }

    pub fn any_v6() -> IpNet {
        IpNet {
            addr: IpAddr::V6(Ipv6Addr::UNSPECIFIED),
            prefix: 0,
        }
    }
}

/// An accepted community, from anywhere or from some networks only.
#[derive(Clone, PartialEq, Eq)]
pub struct CommunityRule {
    pub community: Community,
    /// How notifications show it (the community itself is a secret).
    pub label: String,
    /// Empty: any source.
    pub networks: Vec<IpNet>,
}

impl CommunityRule {
    /// The communities given on a command line (`-c`, `--trap-community`), from any
    /// source, shown as `#1`, `#2`... in their order.
    pub fn from_command_line(communities: &[String]) -> Vec<CommunityRule> {
        communities
            .iter()
            .enumerate()
            .map(|(i, c)| CommunityRule {
                community: Community::new(c.as_bytes()),
                label: format!("#{}", i + 1),
                networks: vec![],
            })
            .collect()
    }
}

impl fmt::Debug for CommunityRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CommunityRule")
            .field("label", &self.label)
            .field("networks", &self.networks)
            .finish_non_exhaustive()
    }
}

impl CommunityRule {
    fn admits(&self, community: &[u8], source: IpAddr) -> bool {
        self.community.as_bytes() == community
            && (self.networks.is_empty() || self.networks.iter().any(|n| n.contains(source)))
    }
}

/// A v3 user allowed to send notifications.
#[derive(Clone, Debug)]
pub struct TrapUser {
    pub credentials: Arc<Credentials>,
    /// The trap sender's engine id the keys are localized to (snmptrapd's `createUser -e`).
    /// None: the user sends informs only, or with `learn_engine_ids` traps from any engine.
    pub engine_id: Option<EngineId>,
    /// Notifications below this level are dropped; None: the level the credentials allow.
    pub min_level: Option<SecurityLevel>,
}

/// The whole access policy of a receiver.
#[derive(Clone, Debug, Default)]
pub struct Access {
    pub communities: Vec<CommunityRule>,
    /// Take any community (an explicit opt-in: `--accept-any-community`).
    pub accept_any_community: bool,
    pub users: Vec<TrapUser>,
    /// Accept v3 traps from a sender engine no user is keyed to, for users configured
    /// without an engine id, and remember the engine once a message verifies.
    pub learn_engine_ids: bool,
}

impl Access {
    /// The label of the rule admitting `community` from `source`.
    pub fn community_label(&self, community: &[u8], source: IpAddr) -> Option<&str> {
        if let Some(rule) = self
            .communities
            .iter()
            .find(|r| r.admits(community, source))
        {
            return Some(&rule.label);
        }
        self.accept_any_community.then_some("any")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn networks() {
        let net: IpNet = "192.0.2.0/24".parse().unwrap();
        assert!(net.contains("192.0.2.200".parse().unwrap()));
        assert!(!net.contains("192.0.3.1".parse().unwrap()));
        assert!(net.contains("::ffff:192.0.2.9".parse().unwrap()), "mapped");
        assert!(!net.contains("2001:db8::1".parse().unwrap()));
        let v6: IpNet = "2001:db8::/32".parse().unwrap();
        assert!(v6.contains("2001:db8:1::5".parse().unwrap()));
        assert!(!v6.contains("2001:db9::5".parse().unwrap()));
        let one: IpNet = "127.0.0.1".parse().unwrap();
        assert!(one.contains("127.0.0.1".parse().unwrap()));
        assert!(!one.contains("127.0.0.2".parse().unwrap()));
        assert!(IpNet::any_v4().contains("10.1.2.3".parse().unwrap()));
        for bad in ["192.0.2.0/33", "nonsense", "::/129"] {
            assert!(bad.parse::<IpNet>().is_err(), "{bad}");
        }
    }

    #[test]
    fn communities_by_network_and_label() {
        let access = Access {
            communities: vec![
                CommunityRule {
                    community: Community::new("lab"),
                    label: "lab-net".into(),
                    networks: vec!["127.0.0.0/8".parse().unwrap()],
                },
                CommunityRule {
                    community: Community::new("public"),
                    label: "#2".into(),
                    networks: vec![],
                },
            ],
            ..Access::default()
        };
        let lo = "127.0.0.1".parse().unwrap();
        let far = "198.51.100.1".parse().unwrap();
        assert_eq!(access.community_label(b"lab", lo), Some("lab-net"));
        assert_eq!(access.community_label(b"lab", far), None);
        assert_eq!(access.community_label(b"public", far), Some("#2"));
        assert_eq!(access.community_label(b"other", lo), None);
        let any = Access {
            accept_any_community: true,
            ..access.clone()
        };
        assert_eq!(any.community_label(b"other", lo), Some("any"));
        assert!(
            !format!("{access:?}").contains("public"),
            "no secret in Debug"
        );
    }
}
