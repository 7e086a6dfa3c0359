//! OIDs as names, both ways: the name forms of Net-SNMP's `-OS`, `-Os`, `-Of` and `-Ou`
//! for an OID, what a renderer needs to know about the object an OID falls under (label,
//! module, syntax, the INDEX in effect), and string indexes typed as `"text"` or `'text'`.

use super::ast::{BaseType, ConstraintKind, DefKind, NodeId};
use super::syntax::TypeInfo;
use super::tree::{DefRef, IndexPart, LookupError, Mib, NodeRef};
use crate::proto::Oid;

/// A piece of a typed name between dots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Component<'a> {
    Plain(&'a str),
    /// `"text"` (`implied` false) or `'text'` (`implied` true: no length arc).
    Quoted {
        bytes: Vec<u8>,
        implied: bool,
    },
}

/// Splits `a.b."x.y".'z'.3` at the dots outside quotes. Inside quotes, `\"` and `\\` escape
/// (as Net-SNMP's `-OE` prints them). An unclosed quote is returned as the error.
pub(crate) fn split_components(body: &str) -> Result<Vec<Component<'_>>, String> {
    let mut out = Vec::new();
    let bytes = body.as_bytes();
    let mut i = 0;
    while i <= bytes.len() {
        match bytes.get(i) {
            Some(&q @ (b'"' | b'\'')) => {
                let mut text = Vec::new();
                let mut j = i + 1;
                loop {
                    match bytes.get(j) {
                        None => return Err(body[i..].to_string()),
                        Some(&b'\\') if bytes.get(j + 1).is_some() => {
                            text.push(bytes[j + 1]);
                            j += 2;
                        }
                        Some(&c) if c == q => break,
                        Some(&c) => {
                            text.push(c);
                            j += 1;
                        }
                    }
                }
                out.push(Component::Quoted {
                    bytes: text,
                    implied: q == b'\'',
                });
                i = j + 1;
                match bytes.get(i) {
                    None => break,
                    Some(b'.') => i += 1,
                    Some(_) => return Err(body[i..].to_string()),
                }
            }
            _ => {
                let end = body[i..].find('.').map_or(body.len(), |k| i + k);
                out.push(Component::Plain(&body[i..end]));
                i = end + 1;
            }
        }
    }
    Ok(out)
}

/// An OID as the tree knows it: the deepest known node on its path, and the arcs after it.
#[derive(Debug, Clone, Copy)]
pub struct OidName<'a> {
    mib: &'a Mib,
    /// The deepest node on the path; `None` when even the first arc is unknown.
    pub node: Option<NodeRef<'a>>,
    /// The arcs after the node (an instance index, or unknown arcs).
    pub suffix: &'a [u32],
    oid: &'a Oid,
}

fn push_arcs(out: &mut String, arcs: &[u32]) {
    for a in arcs {
        out.push('.');
        out.push_str(&a.to_string());
    }
}

impl<'a> OidName<'a> {
    /// `IF-MIB::ifDescr.3` (`-OS`, the default of Net-SNMP's tools).
    pub fn qualified(&self) -> String {
        let Some(node) = self.node else {
            return self.oid.to_string();
        };
        let mut s = match node.module_name() {
            Some(m) => format!("{m}::{}", node.name()),
            None => node.name().into_owned(),
        };
        push_arcs(&mut s, self.suffix);
        s
    }

    /// `ifDescr.3` (`-Os`).
    pub fn short(&self) -> String {
        let Some(node) = self.node else {
            return self.oid.to_string();
        };
        let mut s = node.name().into_owned();
        push_arcs(&mut s, self.suffix);
        s
    }

    /// `.iso.org.dod.internet.mgmt.mib-2.interfaces.ifTable.ifEntry.ifDescr.3` (`-Of`).
    pub fn full(&self) -> String {
        let Some(node) = self.node else {
            return self.oid.to_string();
        };
        let mut labels = Vec::new();
        let mut cur = Some(node);
        while let Some(n) = cur {
            if n.id() == self.mib.root() {
                break;
            }
            labels.push(n.name());
            cur = n.parent();
        }
        let mut s = String::new();
        for l in labels.iter().rev() {
            s.push('.');
            s.push_str(l);
        }
        push_arcs(&mut s, self.suffix);
        s
    }

    /// UCD style (`-Ou`): the full name after `mib-2` or `private`
    /// (`interfaces.ifTable.ifEntry.ifDescr.3`, `enterprises.9.1`), else as `-Of`.
    pub fn ucd(&self) -> String {
        let full = self.full();
        for prefix in [
            ".iso.org.dod.internet.mgmt.mib-2.",
            ".iso.org.dod.internet.private.",
        ] {
            if let Some(rest) = full.strip_prefix(prefix) {
                return rest.to_string();
            }
        }
        full
    }
}

/// What a renderer needs about the object an OID falls under.
#[derive(Debug, Clone)]
pub struct ObjectAt<'a> {
    /// How many leading arcs the node covers (at least 1).
    pub depth: usize,
    pub node: NodeRef<'a>,
    /// The node's preferred definition (with its syntax, units, description).
    pub def: Option<DefRef<'a>>,
    /// The INDEX in effect for the arcs below: that of the deepest row on the path (this
    /// node or an ancestor), through AUGMENTS; `None` outside tables.
    pub index: Option<Vec<IndexPart<'a>>>,
}

impl<'a> ObjectAt<'a> {
    pub fn label(&self) -> std::borrow::Cow<'a, str> {
        self.node.name()
    }

    pub fn module(&self) -> Option<&'a str> {
        self.node.module_name()
    }

    pub fn syntax(&self) -> Option<TypeInfo<'a>> {
        self.def.and_then(|d| d.syntax())
    }

    pub fn has_children(&self) -> bool {
        self.node.child_count() > 0
    }
}

impl TypeInfo<'_> {
    /// `SIZE (n)` with one fixed length: a string index of this type has no length arc
    /// (RFC 2578 section 7.7).
    pub fn fixed_size(&self) -> Option<u32> {
        match (self.constraint, self.ranges) {
            (ConstraintKind::Size, [r]) if r.lo == r.hi => u32::try_from(r.lo).ok(),
            _ => None,
        }
    }

    /// True for the types whose values are numbers (an index of such a type is one arc).
    pub fn is_integer_like(&self) -> bool {
        matches!(
            self.base,
            BaseType::Integer32
                | BaseType::Counter32
                | BaseType::Gauge32
                | BaseType::Unsigned32
                | BaseType::TimeTicks
                | BaseType::Counter64
        )
    }
}

impl Mib {
    /// Names an OID: the deepest known node and the arcs after it.
    pub fn name_oid<'a>(&'a self, oid: &'a Oid) -> OidName<'a> {
        let (node, depth) = self.lookup_oid(oid);
        OidName {
            mib: self,
            node: (depth > 0).then(|| self.node(node)),
            suffix: &oid.arcs()[depth..],
            oid,
        }
    }

    /// What a renderer needs for an OID: the deepest known node, its definition and the
    /// INDEX in effect. `None` when the first arc is unknown.
    pub fn object_at(&self, arcs: &[u32]) -> Option<ObjectAt<'_>> {
        let mut cur = 0u32;
        let mut depth = 0;
        for &arc in arcs {
            match self.child_by_arc(cur, arc) {
                Some(c) => {
                    cur = c;
                    depth += 1;
                }
                None => break,
            }
        }
        if depth == 0 {
            return None;
        }
        let node = self.node(NodeId(cur));
        Some(ObjectAt {
            depth,
            node,
            def: node.def(),
            index: self.index_in_effect(node),
        })
    }

    /// The INDEX of the deepest row at or above `node`.
    pub fn index_in_effect<'a>(&'a self, node: NodeRef<'a>) -> Option<Vec<IndexPart<'a>>> {
        let mut cur = Some(node);
        while let Some(n) = cur {
            if let Some(d) = n.def().filter(|d| d.kind() == DefKind::ObjectType) {
                let index = d.index();
                if !index.is_empty() {
                    return Some(index);
                }
            }
            cur = n.parent();
        }
        None
    }

    /// Arcs for a quoted string typed as the `position`th index item under `node`.
    pub(crate) fn encode_string_index(
        &self,
        node: u32,
        position: usize,
        bytes: &[u8],
        single_quoted: bool,
        text: &str,
    ) -> Result<Vec<u32>, LookupError> {
        let index = self.index_in_effect(self.node(NodeId(node)));
        let part = index.as_ref().and_then(|i| i.get(position));
        let syntax = part.and_then(|p| p.object).and_then(|o| o.syntax());
        if let (Some(p), Some(t)) = (part, &syntax) {
            if t.is_integer_like() {
                return Err(LookupError::NotStringIndex {
                    text: text.into(),
                    value: String::from_utf8_lossy(bytes).into_owned(),
                    index: p.name.to_string(),
                });
            }
        }
        let implied = single_quoted
            || part.is_some_and(|p| p.implied)
            || syntax.is_some_and(|t| t.fixed_size() == Some(bytes.len() as u32));
        let mut arcs = Vec::with_capacity(bytes.len() + 1);
        if !implied {
            arcs.push(bytes.len() as u32);
        }
        arcs.extend(bytes.iter().map(|&b| u32::from(b)));
        Ok(arcs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_dots_outside_quotes() {
        let parts = split_components(r#"a.b."x.y".'z'.3"#).unwrap();
        assert_eq!(
            parts,
            [
                Component::Plain("a"),
                Component::Plain("b"),
                Component::Quoted {
                    bytes: b"x.y".to_vec(),
                    implied: false
                },
                Component::Quoted {
                    bytes: b"z".to_vec(),
                    implied: true
                },
                Component::Plain("3"),
            ]
        );
        assert_eq!(
            split_components(r#""a\"b""#).unwrap(),
            [Component::Quoted {
                bytes: b"a\"b".to_vec(),
                implied: false
            }]
        );
        assert!(split_components("a.\"open").is_err());
        assert!(split_components("a.\"x\"y").is_err());
    }
}
