//! From what a user typed to the tree: `MODULE::name`, `name`, `name.1.2`, dotted paths of
//! names and numbers, quoted string indexes (`Mib::resolve`), and OID to node by longest
//! prefix (`Mib::lookup_oid`, `Mib::node_at`).

use super::Mib;
use crate::mib::ast::{ModuleStatus, NodeId};
use crate::proto::Oid;
use crate::proto::oid::{MAX_SUBIDS, elide};

/// Errors of name and OID lookups.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LookupError {
    #[error("empty object name")]
    Empty,
    #[error("{}: Unknown Object Identifier (no loaded MIB module defines it)", elide(.0))]
    UnknownName(String),
    #[error(
        "{}::{}: Unknown Object Identifier (module {} is not loaded)",
        elide(module),
        elide(name),
        elide(module)
    )]
    UnknownModule { module: String, name: String },
    #[error(
        "{}::{}: Unknown Object Identifier (module {} does not define {})",
        elide(module),
        elide(name),
        elide(module),
        elide(name)
    )]
    NotInModule { module: String, name: String },
    #[error(
        "{}: '{}' is neither a number 0..4294967295 nor a child name",
        elide(text),
        elide(part)
    )]
    BadComponent { text: String, part: String },
    #[error("{}: an OID has at most 128 sub-identifiers", elide(.0))]
    TooLong(String),
    #[error(
        "{}: Unknown Object Identifier (Index out of range: \"{}\" ({}) is not a string index)",
        elide(text),
        elide(value),
        elide(index)
    )]
    NotStringIndex {
        text: String,
        value: String,
        index: String,
    },
    #[error("{}: {source}", elide(text))]
    NotEncodable {
        text: String,
        source: crate::proto::oid::OidArcsError,
    },
}

/// The result of resolving a name: the node it names, the index arcs after it, and the
/// whole OID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub node: NodeId,
    /// Arcs after the node (an instance index), possibly empty.
    pub suffix: Vec<u32>,
    pub oid: Oid,
}

impl Mib {
    /// The deepest node on the path of `oid`, and how many arcs it covers. The arcs after it
    /// are an instance index (or an unknown subtree).
    pub fn lookup_oid(&self, oid: &Oid) -> (NodeId, usize) {
        let mut cur = 0u32;
        let mut depth = 0;
        for &arc in oid.arcs() {
            match self.child_by_arc(cur, arc) {
                Some(c) => {
                    cur = c;
                    depth += 1;
                }
                None => break,
            }
        }
        (NodeId(cur), depth)
    }

    /// The node exactly at `oid`.
    pub fn node_at(&self, oid: &Oid) -> Option<NodeId> {
        let (n, depth) = self.lookup_oid(oid);
        (depth == oid.len() && depth > 0).then_some(n)
    }

    /// Resolves what a user typed: `IF-MIB::ifDescr.3`, `ifDescr.3`, `sysDescr.0`,
    /// `.1.3.6.1.2.1.1.1.0`, `1.3.6.1`, `.iso.org.dod.internet`, `system.sysDescr.0`, and
    /// string indexes as Net-SNMP writes them: `vacmGroupName.3."public"` (`"..."` is
    /// length-prefixed unless the INDEX item is IMPLIED, `'...'` is never).
    pub fn resolve(&self, text: &str) -> Result<Resolved, LookupError> {
        let text = text.trim();
        if text.is_empty() || text == "." {
            return Err(LookupError::Empty);
        }
        let (module, rest) = match text.split_once("::") {
            Some((m, r)) => (Some(m), r),
            None => (None, text),
        };
        let absolute = module.is_none() && rest.starts_with('.');
        let body = rest.strip_prefix('.').unwrap_or(rest);
        let parts = crate::mib::names::split_components(body).map_err(|part| {
            LookupError::BadComponent {
                text: text.into(),
                part,
            }
        })?;
        let mut parts = parts.into_iter();
        let mut node = 0u32;
        let mut suffix: Vec<u32> = Vec::new();
        if !absolute {
            // The first component: a name (qualified or not) or a number from the root.
            let first = match parts.next() {
                Some(crate::mib::names::Component::Plain(p)) if !p.is_empty() => p,
                _ => return Err(LookupError::Empty),
            };
            if let Ok(arc) = first.parse::<u32>() {
                if module.is_some() {
                    return Err(LookupError::BadComponent {
                        text: text.into(),
                        part: first.into(),
                    });
                }
                match self.child_by_arc(0, arc) {
                    Some(c) => node = c,
                    None => suffix.push(arc),
                }
            } else {
                node = self.first_component(module, first)?;
            }
        }
        let mut index_position = 0usize;
        for part in parts {
            match part {
                crate::mib::names::Component::Plain(p) => {
                    if let Ok(arc) = p.parse::<u32>() {
                        if suffix.is_empty() {
                            if let Some(c) = self.child_by_arc(node, arc) {
                                node = c;
                                continue;
                            }
                        }
                        suffix.push(arc);
                        index_position += 1;
                    } else if suffix.is_empty() && !p.is_empty() {
                        node = self.child_by_name(node, p).ok_or_else(|| {
                            LookupError::BadComponent {
                                text: text.into(),
                                part: p.into(),
                            }
                        })?;
                    } else {
                        return Err(LookupError::BadComponent {
                            text: text.into(),
                            part: p.into(),
                        });
                    }
                }
                crate::mib::names::Component::Quoted { bytes, implied } => {
                    let arcs =
                        self.encode_string_index(node, index_position, &bytes, implied, text)?;
                    suffix.extend(arcs);
                    index_position += 1;
                }
            }
        }
        if node == 0 && suffix.is_empty() {
            return Err(LookupError::Empty);
        }
        let mut oid = self.node(NodeId(node)).oid();
        if oid.len() + suffix.len() > MAX_SUBIDS {
            return Err(LookupError::TooLong(text.into()));
        }
        for &a in &suffix {
            oid.push(a);
        }
        oid.check_encodable()
            .map_err(|source| LookupError::NotEncodable {
                text: text.into(),
                source,
            })?;
        Ok(Resolved {
            node: NodeId(node),
            suffix,
            oid,
        })
    }

    /// The node a leading name stands for (`MODULE::name`, `name`, `iso`).
    pub(super) fn first_component(
        &self,
        module: Option<&str>,
        first: &str,
    ) -> Result<u32, LookupError> {
        let def = match module {
            Some(m) => {
                let known = self
                    .module_id(m)
                    .is_some_and(|id| self.modules[id.0 as usize].status != ModuleStatus::Missing);
                if !known {
                    return Err(LookupError::UnknownModule {
                        module: m.into(),
                        name: first.into(),
                    });
                }
                self.find_in_module(m, first)
                    .filter(|&d| self.defs[d.0 as usize].node().is_some())
                    .ok_or_else(|| LookupError::NotInModule {
                        module: m.into(),
                        name: first.into(),
                    })?
            }
            None => match self.find(first) {
                Some(d) => d,
                // The roots (`iso`) and `name(n)` labels have no definition.
                None => {
                    return self
                        .child_by_name(0, first)
                        .ok_or_else(|| LookupError::UnknownName(first.into()));
                }
            },
        };
        Ok(self.defs[def.0 as usize].node)
    }
}
