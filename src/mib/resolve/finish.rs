//! The link's last steps: a status for each module, and the `Mib` assembled.

use std::collections::HashSet;

use hashbrown::HashMap;

use crate::mib::ast::{ModuleStatus, NONE, Slice};
use crate::mib::diag::Severity;
use crate::mib::tree::{Indexes, Mib};

use super::Linker;
use super::oids::finalize_tree;

impl Linker {
    // ----- statuses and output --------------------------------------------------------------

    pub(super) fn set_statuses(&mut self) {
        let mut worst: HashMap<&str, Severity> = HashMap::new();
        for d in &self.diags.items {
            if let Some(m) = d.module.as_deref() {
                let e = worst.entry(m).or_insert(Severity::Note);
                if d.severity > *e {
                    *e = d.severity;
                }
            }
        }
        for (i, m) in self.modules.iter_mut().enumerate() {
            if m.status == ModuleStatus::Missing {
                continue;
            }
            m.status = match worst.get(&*self.labels[i]) {
                Some(Severity::Error) => ModuleStatus::Failed,
                Some(Severity::Warning) => ModuleStatus::LoadedWithWarnings,
                _ => ModuleStatus::Loaded,
            };
            m.dropped = m.status == ModuleStatus::Failed && self.options.drop_failed_modules;
        }
    }

    pub(super) fn into_mib(mut self) -> Mib {
        // Free the linking tables before the tree is laid out (peak memory).
        self.scope = HashMap::new();
        self.child_of = HashMap::new();
        self.from_missing = HashMap::new();
        self.reported = HashSet::new();
        self.by_name = Vec::new();
        self.state = Vec::new();
        // Strict mode: definitions of failed modules leave the tree.
        if self.modules.iter().any(|m| m.dropped) {
            for def in &mut self.defs {
                if self.modules[def.module.0 as usize].dropped {
                    def.node = NONE;
                }
                def.next_at_node = NONE;
            }
            for n in &mut self.nodes {
                n.first_def = NONE;
            }
            for d in 0..self.defs.len() as u32 {
                let node = self.defs[d as usize].node;
                if node != NONE {
                    self.attach(d, node);
                }
            }
        }
        let (nodes, children, new_id) = finalize_tree(&self.nodes);
        for def in &mut self.defs {
            if def.node != NONE {
                def.node = new_id[def.node as usize];
            }
        }
        self.drop_oid_values();
        let index = Indexes::build(&self.modules, &self.defs);
        self.defs.shrink_to_fit();
        self.arenas.shrink_to_fit();
        self.interner.shrink_to_fit();
        self.diags.items.shrink_to_fit();
        Mib {
            interner: self.interner,
            sources: self.sources,
            modules: self.modules,
            defs: self.defs,
            arenas: self.arenas,
            nodes,
            children,
            diagnostics: self.diags.items,
            index,
        }
    }

    /// OID values as written are only needed to build the tree; keep the components DEFVAL
    /// values use and free the rest.
    pub(super) fn drop_oid_values(&mut self) {
        let mut kept = Vec::new();
        for v in &mut self.arenas.defvals {
            if let crate::mib::ast::DefVal::Oid(sl) = v {
                let start = kept.len();
                kept.extend_from_slice(&self.arenas.oids[sl.range()]);
                *sl = Slice::of(&kept, start);
            }
        }
        self.arenas.oids = kept;
        for d in &mut self.defs {
            d.oid = Slice::EMPTY;
        }
    }
}
