//! What snmp_exporter's generator knows of each MIB node (generator/net_snmp.go
//! `buildMIBTree` and tree.go `prepareTree`), from our compiled MIB: its type as Net-SNMP
//! names it, then the DISPLAY-HINT and textual-convention tweaks; access; the row INDEX
//! its columns inherit (AUGMENTS followed); enums; the first sentence of its DESCRIPTION;
//! and the lookups by label, `MODULE::label` and dotted OID.

use std::collections::HashMap;

use super::compile::EnumValues;
use crate::mib::{Access, BaseType, DefKind, Mib, NodeId, NodeRef};
use crate::mib_store::TextReader;
use crate::proto::Oid;

/// What the generator knows of one MIB node.
#[derive(Clone, Debug)]
pub(super) struct NodeInfo {
    pub(super) oid: Oid,
    pub(super) oid_text: String,
    pub(super) label: String,
    /// net-snmp's type name, then the prepareTree tweaks, then overrides.
    pub(super) type_name: String,
    pub(super) access_ok: bool,
    pub(super) indexes: Vec<String>,
    pub(super) implied: bool,
    pub(super) hint: Option<String>,
    pub(super) tc: Option<String>,
    pub(super) fixed_size: usize,
    pub(super) enum_values: EnumValues,
    pub(super) description: String,
}

/// `1.3.6.1` (no leading dot), as snmp.yml writes OIDs.
pub fn dotted(oid: &Oid) -> String {
    let mut s = String::with_capacity(oid.len() * 3);
    for (i, arc) in oid.arcs().iter().enumerate() {
        if i > 0 {
            s.push('.');
        }
        s.push_str(&arc.to_string());
    }
    s
}

pub(super) fn parse_dotted(text: &str) -> Option<Oid> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    text.parse::<Oid>().ok()
}

/// The MIB as the generator sees it: node facts computed once, looked up by name and OID.
pub struct MibIndex<'m> {
    pub(super) mib: &'m Mib,
    texts: TextReader,
    infos: std::cell::RefCell<HashMap<NodeId, NodeInfo>>,
    by_label: HashMap<String, NodeId>,
}

impl<'m> MibIndex<'m> {
    pub fn new(mib: &'m Mib) -> MibIndex<'m> {
        // nameToNode: a label names the last node in OID order that carries it.
        let mut by_label = HashMap::new();
        for node in mib.walk() {
            by_label.insert(node.name().into_owned(), node.id());
        }
        MibIndex {
            mib,
            texts: TextReader::default(),
            infos: std::cell::RefCell::new(HashMap::new()),
            by_label,
        }
    }

    /// nameToNode: a label, `MODULE::label`, or a dotted OID naming a node exactly.
    pub(super) fn lookup(&self, name: &str) -> Option<NodeId> {
        if let Some(oid) = parse_dotted(name) {
            return self.mib.node_at(&oid);
        }
        if let Some((module, label)) = name.split_once("::") {
            let def = self.mib.find_in_module(module, label)?;
            return self.mib.def(def).node().map(|n| n.id());
        }
        self.by_label.get(name).copied()
    }

    /// searchNodeTree: the deepest node on an OID's path.
    pub(super) fn deepest(&self, oid: &Oid) -> Option<NodeId> {
        let (node, depth) = self.mib.lookup_oid(oid);
        (depth > 0).then_some(node)
    }

    pub(super) fn info(&self, id: NodeId) -> NodeInfo {
        if let Some(i) = self.infos.borrow().get(&id) {
            return i.clone();
        }
        let info = self.compute(self.mib.node(id));
        self.infos.borrow_mut().insert(id, info.clone());
        info
    }

    fn compute(&self, node: NodeRef<'m>) -> NodeInfo {
        let oid = node.oid();
        let def = node.def();
        let mut info = NodeInfo {
            oid_text: dotted(&oid),
            oid,
            label: node.name().into_owned(),
            type_name: "OTHER".into(),
            access_ok: false,
            indexes: Vec::new(),
            implied: false,
            hint: None,
            tc: None,
            fixed_size: 0,
            enum_values: EnumValues::new(),
            description: String::new(),
        };
        let Some(def) = def else {
            return info;
        };
        if let Some(r) = def.description_ref() {
            if let Some(text) = self.texts.text(self.mib, r) {
                info.description = first_sentence(&text);
            }
        }
        // Row INDEX (AUGMENTS followed), inherited by the row's columns.
        let row = if def.object_class() == crate::mib::ObjectClass::Row {
            Some(def)
        } else {
            node.parent()
                .and_then(|p| p.def())
                .filter(|p| p.object_class() == crate::mib::ObjectClass::Row)
        };
        if let Some(row) = row {
            let parts = row.index();
            info.implied = parts.iter().any(|p| p.implied);
            let row_label = row.name().to_string();
            info.indexes = parts
                .iter()
                .map(|p| {
                    if p.name == "INTEGER" {
                        row_label.clone()
                    } else {
                        p.name.to_string()
                    }
                })
                .collect();
        }
        if def.kind() != DefKind::ObjectType {
            return info;
        }
        info.access_ok = matches!(
            def.access(),
            Some(Access::ReadOnly | Access::ReadWrite | Access::ReadCreate | Access::NotAccessible)
        );
        let Some(syntax) = def.syntax() else {
            return info;
        };
        info.type_name = match syntax.base {
            BaseType::Integer32 if syntax.type_name == Some("Integer32") => "INTEGER32",
            BaseType::Integer32 => "INTEGER",
            BaseType::Gauge32 => "GAUGE",
            BaseType::Unsigned32 => "UNSIGNED32",
            BaseType::TimeTicks => "TIMETICKS",
            BaseType::Counter32 => "COUNTER",
            BaseType::Counter64 => "COUNTER64",
            BaseType::OctetString => "OCTETSTR",
            BaseType::ObjectIdentifier => "OBJID",
            BaseType::Bits => "BITSTRING",
            BaseType::IpAddress => "IPADDR",
            BaseType::NetworkAddress => "NETADDR",
            BaseType::Opaque => "OPAQUE",
            _ => "OTHER",
        }
        .into();
        info.enum_values = syntax
            .named_numbers()
            .map(|(name, v)| (v, name.to_string()))
            .collect();
        info.hint = syntax.display_hint.map(str::to_string);
        if let Some(tc) = syntax.tc {
            info.tc = Some(tc.name().to_string());
            if let Some(tcs) = tc.syntax() {
                if let [r] = tcs.ranges {
                    if r.lo == r.hi && r.lo > 0 {
                        info.fixed_size = usize::try_from(r.lo).unwrap_or(0);
                    }
                }
            }
        }
        apply_type_tweaks(&mut info);
        info
    }
}

/// The first sentence of a DESCRIPTION, whitespace collapsed (prepareTree).
pub(super) fn first_sentence(text: &str) -> String {
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match joined.split_once(". ") {
        Some((first, _)) => first.to_string(),
        None => joined,
    }
}

/// prepareTree's type tweaks from DISPLAY-HINT and textual conventions.
fn apply_type_tweaks(n: &mut NodeInfo) {
    let hint = n.hint.as_deref().unwrap_or("");
    if hint == "1x:" && (n.fixed_size == 0 || n.fixed_size == 6) {
        n.type_name = "PhysAddress48".into();
    }
    // ^\d+[at]$: a DisplayString-like hint, ASCII or UTF-8.
    let bytes = hint.as_bytes();
    if bytes.len() >= 2
        && matches!(bytes[bytes.len() - 1], b'a' | b't')
        && bytes[..bytes.len() - 1].iter().all(u8::is_ascii_digit)
    {
        n.type_name = "DisplayString".into();
    }
    match n.tc.as_deref() {
        Some("DisplayString") => n.type_name = "DisplayString".into(),
        Some("PhysAddress") => n.type_name = "PhysAddress48".into(),
        Some(
            tc @ ("Float" | "Double" | "DateAndTime" | "ParseDateAndTime" | "NTPTimeStamp"
            | "InetAddressIPv4" | "InetAddressIPv6" | "InetAddress" | "LldpPortId"),
        ) => n.type_name = tc.to_string(),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_keep_their_first_sentence() {
        assert_eq!(
            first_sentence(
                "A unique value,\n   greater than zero, for each interface.  It is recommended"
            ),
            "A unique value, greater than zero, for each interface"
        );
        assert_eq!(first_sentence("No period"), "No period");
    }
}
