//! The compiled MIB as the renderer sees it: `output::syntax::OidNames` over a `mib::Mib`.
//! Each node's `RenderHints` (base type, TC, DISPLAY-HINT, enums or bits, units, fixed size)
//! and the INDEX in effect are built the first time the renderer asks for that node, then
//! kept, so printing a 500-row walk builds each column's hints once.
//!
//! This is the only place that knows both sides: `mib` never imports `output`, and `output`
//! only knows its trait.

use std::sync::{Arc, OnceLock};

use crate::mib::{self, BaseType as MibBase, Mib, NodeId, NodeRef, TypeInfo};
use crate::output::syntax::{BaseType, IndexPart, OidNames, RenderHints, Resolved};

/// What is kept for a node once asked for.
#[derive(Debug, Default)]
struct NodeView {
    /// For nodes no definition names: their arc as text.
    label: Option<String>,
    hints: Option<RenderHints>,
    /// The INDEX of the row this node is (its own INDEX, or through AUGMENTS).
    own_index: Option<Vec<IndexPart>>,
}

/// `OidNames` for a compiled MIB; it shares the MIB, so it can live in any task.
pub struct MibNames {
    mib: Arc<Mib>,
    views: Vec<OnceLock<Box<NodeView>>>,
}

impl std::fmt::Debug for MibNames {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MibNames")
            .field("nodes", &self.views.len())
            .finish()
    }
}

fn base_type(t: &TypeInfo<'_>) -> BaseType {
    match t.base {
        MibBase::Integer32 => BaseType::Integer,
        MibBase::OctetString => BaseType::OctetString,
        MibBase::ObjectIdentifier => BaseType::ObjectId,
        MibBase::Bits => BaseType::Bits,
        MibBase::IpAddress => BaseType::IpAddress,
        MibBase::Counter32 => BaseType::Counter32,
        MibBase::Gauge32 => BaseType::Gauge32,
        MibBase::Unsigned32 => BaseType::Unsigned32,
        MibBase::TimeTicks => BaseType::TimeTicks,
        MibBase::Opaque => BaseType::Opaque,
        MibBase::Counter64 => BaseType::Counter64,
        MibBase::NetworkAddress => BaseType::NetworkAddress,
        // RFC 1442's application types (SNMPv2 drafts).
        MibBase::Application(5) => BaseType::NsapAddress,
        MibBase::Application(7) => BaseType::UInteger32,
        MibBase::Application(_) | MibBase::Sequence | MibBase::SequenceOf | MibBase::Unresolved => {
            BaseType::Other
        }
    }
}

/// The hints of a definition with a SYNTAX.
pub fn render_hints(def: &mib::DefRef<'_>) -> Option<RenderHints> {
    let t = def.syntax()?;
    let base = base_type(&t);
    let (mut enums, mut bits) = (Vec::new(), Vec::new());
    if base == BaseType::Bits {
        bits = t
            .named_numbers()
            .filter_map(|(n, v)| Some((u32::try_from(v).ok()?, n.to_string())))
            .collect();
    } else {
        enums = t.named_numbers().map(|(n, v)| (v, n.to_string())).collect();
    }
    Some(RenderHints {
        base,
        tc: t.tc.map(|tc| tc.name().to_string()),
        display_hint: t.display_hint.map(str::to_string),
        enums,
        bits,
        units: def.units().map(str::to_string),
        fixed_size: t.fixed_size(),
    })
}

impl MibNames {
    pub fn new(mib: Arc<Mib>) -> Self {
        MibNames {
            views: std::iter::repeat_with(OnceLock::new)
                .take(mib.node_count())
                .collect(),
            mib,
        }
    }

    /// The MIB these names come from.
    pub fn mib(&self) -> &Arc<Mib> {
        &self.mib
    }

    fn view(&self, node: NodeRef<'_>) -> &NodeView {
        self.views[node.id().0 as usize].get_or_init(|| {
            let def = node.def();
            let own_index = def
                .filter(|d| d.kind() == mib::DefKind::ObjectType)
                .map(|d| d.index())
                .filter(|i| !i.is_empty())
                .map(|parts| {
                    parts
                        .iter()
                        .map(|p| IndexPart {
                            name: p.name.to_string(),
                            syntax: p.object.as_ref().and_then(render_hints),
                            implied: p.implied,
                        })
                        .collect()
                });
            Box::new(NodeView {
                label: def.is_none().then(|| node.name().into_owned()),
                hints: def.as_ref().and_then(render_hints),
                own_index,
            })
        })
    }

    fn label<'a>(&'a self, node: NodeRef<'a>) -> &'a str {
        match node.def() {
            Some(d) => d.name(),
            None => self.view(node).label.as_deref().unwrap_or(""),
        }
    }
}

impl OidNames for MibNames {
    fn resolve(&self, arcs: &[u32]) -> Option<Resolved<'_>> {
        let mib = &*self.mib;
        let (id, depth) = mib.lookup_oid(&crate::proto::Oid::from(arcs));
        if depth == 0 {
            return None;
        }
        let node = mib.node(id);
        // The INDEX in effect: the deepest row at or above the node.
        let mut index = None;
        let mut cur = Some(node);
        while let Some(n) = cur {
            if let Some(i) = self.view(n).own_index.as_deref() {
                index = Some(i);
                break;
            }
            cur = n.parent().filter(|p| p.id() != NodeId(0));
        }
        Some(Resolved {
            depth,
            label: self.label(node),
            module: node.module_name(),
            syntax: self.view(node).hints.as_ref(),
            has_children: node.child_count() > 0,
            index,
        })
    }

    fn label_of(&self, arcs: &[u32]) -> Option<&str> {
        let node = self.mib.node_at(&crate::proto::Oid::from(arcs))?;
        Some(self.label(self.mib.node(node)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mib::{CompileOptions, Compiler};
    use crate::mib_store::embedded::EMBEDDED;
    use crate::output::{OidStyle, OutputOptions, write_varbind_named};
    use crate::proto::{Oid, Value, VarBind};

    fn standard_mib() -> Mib {
        let mut c = Compiler::new(CompileOptions::default());
        for (name, text) in EMBEDDED {
            if !crate::mib::builtin::is_base_module(name.trim_end_matches(".txt")) {
                c.add_static(name, text);
            }
        }
        c.request_all();
        c.finish()
    }

    fn render(names: &MibNames, oid: &str, value: Value) -> String {
        let options = OutputOptions {
            oid_style: OidStyle::Module,
            ..OutputOptions::default()
        };
        let vb = VarBind {
            oid: oid.parse::<Oid>().unwrap(),
            value,
        };
        let mut out = Vec::new();
        write_varbind_named(&mut out, &vb, &options, names).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn hints_come_from_the_tc_chain() {
        let names = MibNames::new(Arc::new(standard_mib()));
        let r = names.resolve(&[1, 3, 6, 1, 2, 1, 2, 2, 1, 8, 3]).unwrap();
        assert_eq!(
            (r.label, r.module, r.depth),
            ("ifOperStatus", Some("IF-MIB"), 10)
        );
        let h = r.syntax.unwrap();
        assert_eq!(h.base, BaseType::Integer);
        assert_eq!(h.enums[0], (1, "up".to_string()));
        let index = r.index.unwrap();
        assert_eq!(index[0].name, "ifIndex");
        assert_eq!(
            index[0].syntax.as_ref().unwrap().tc.as_deref(),
            Some("InterfaceIndex")
        );
        // ifXEntry AUGMENTS ifEntry: the same INDEX.
        let r = names
            .resolve(&[1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 6, 3])
            .unwrap();
        assert_eq!(r.index.unwrap()[0].name, "ifIndex");
        assert_eq!(r.syntax.unwrap().base, BaseType::Counter64);
        let r = names.resolve(&[1, 3, 6, 1, 2, 1, 2, 2, 1, 6]).unwrap();
        let h = r.syntax.unwrap();
        assert_eq!(h.display_hint.as_deref(), Some("1x:"));
        assert_eq!(h.tc.as_deref(), Some("PhysAddress"));
        assert!(names.resolve(&[9, 9]).is_none());
        assert_eq!(names.label_of(&[1, 3, 6, 1]), Some("internet"));
    }

    #[test]
    fn renders_names_and_enums_through_the_output_module() {
        let names = MibNames::new(Arc::new(standard_mib()));
        assert_eq!(
            render(&names, ".1.3.6.1.2.1.2.2.1.8.3", Value::Integer(1)),
            "IF-MIB::ifOperStatus.3 = INTEGER: up(1)\n"
        );
        assert_eq!(
            render(
                &names,
                ".1.3.6.1.2.1.1.5.0",
                Value::OctetString(b"core-1".to_vec())
            ),
            "SNMPv2-MIB::sysName.0 = STRING: core-1\n"
        );
    }
}
