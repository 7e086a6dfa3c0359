//! The OID tree: each definition's OID value resolved through its parents into an arena of
//! nodes, then laid out in OID order.

use crate::mib::ast::{Language, NONE, OidComponent, Slice};
use crate::mib::diag::{Code, Pos, Severity};
use crate::mib::intern::Sym;
use crate::mib::tree::Node;
use crate::proto::oid::MAX_SUBIDS;

use super::{BuildNode, Found, Linker, OidState};

impl Linker {
    // ----- the OID tree --------------------------------------------------------------------

    pub(super) fn make_roots(&mut self) {
        self.nodes.push(BuildNode {
            arc: 0,
            parent: NONE,
            first_def: NONE,
            label: None,
            label_module: NONE,
        });
        for i in 0..self.root_syms.len() {
            let (sym, arc) = self.root_syms[i];
            let n = self.child(0, arc);
            self.nodes[n as usize].label = Some(sym);
        }
    }

    pub(super) fn child(&mut self, parent: u32, arc: u32) -> u32 {
        if let Some(&c) = self.child_of.get(&(parent, arc)) {
            return c;
        }
        let id = self.nodes.len() as u32;
        self.nodes.push(BuildNode {
            arc,
            parent,
            first_def: NONE,
            label: None,
            label_module: NONE,
        });
        self.child_of.insert((parent, arc), id);
        id
    }

    pub(super) fn depth(&self, mut node: u32) -> usize {
        let mut n = 0;
        while node != 0 && node != NONE {
            n += 1;
            node = self.nodes[node as usize].parent;
        }
        n
    }

    /// Computes the node of definition `d` (RFC 2578 section 3.5: OID values name their
    /// parent, then arcs). Returns `None` when it cannot be placed; reports why once.
    pub(super) fn resolve_oid(&mut self, d: u32, depth: usize) -> Option<u32> {
        match self.state[d as usize] {
            OidState::Done => return Some(self.defs[d as usize].node),
            OidState::Failed => return None,
            OidState::InProgress => {
                let (m, pos, name) = {
                    let def = &self.defs[d as usize];
                    (def.module.0, def.pos, def.name)
                };
                let text = self.interner.get(name).to_string();
                self.push(
                    Severity::Error,
                    Code::OidCycle,
                    m,
                    pos,
                    format!("the OID of '{text}' depends on itself"),
                );
                self.state[d as usize] = OidState::Failed;
                return None;
            }
            OidState::Todo => {}
        }
        if depth > 256 {
            self.state[d as usize] = OidState::Failed;
            return None;
        }
        self.state[d as usize] = OidState::InProgress;
        let (module, oid, def_pos, def_name) = {
            let def = &self.defs[d as usize];
            (def.module.0, def.oid, def.pos, def.name)
        };
        let comps: Vec<OidComponent> = self.arenas.oids[oid.range()].to_vec();
        let mut node: u32;
        let mut rest = &comps[..];
        match comps.first() {
            Some(&OidComponent::Name(name, line)) => {
                let pos = Pos::new(line, 0);
                rest = &comps[1..];
                match self.parent_node(module, d, name, pos, depth) {
                    Some(n) => node = n,
                    None => {
                        self.state[d as usize] = OidState::Failed;
                        return None;
                    }
                }
            }
            Some(_) => node = 0,
            None => {
                self.state[d as usize] = OidState::Failed;
                return None;
            }
        }
        for c in rest {
            match *c {
                OidComponent::Number(arc) => node = self.child(node, arc),
                OidComponent::NamedNumber(label, arc) => {
                    node = self.child(node, arc);
                    let n = &mut self.nodes[node as usize];
                    if n.label.is_none() {
                        n.label = Some(label);
                        n.label_module = module;
                    }
                }
                OidComponent::Name(name, line) => {
                    let pos = Pos::new(line, 0);
                    let text = self.interner.get(name).to_string();
                    self.push(
                        Severity::Error,
                        Code::UnresolvedOid,
                        module,
                        pos,
                        format!("'{text}' inside an OID value needs a number: write {text}(N)"),
                    );
                    self.state[d as usize] = OidState::Failed;
                    return None;
                }
            }
        }
        if node == 0 || self.depth(node) > MAX_SUBIDS {
            let text = self.interner.get(def_name).to_string();
            self.push(
                Severity::Error,
                Code::UnresolvedOid,
                module,
                def_pos,
                format!("the OID of '{text}' is empty or longer than 128 arcs"),
            );
            self.state[d as usize] = OidState::Failed;
            return None;
        }
        self.attach(d, node);
        self.state[d as usize] = OidState::Done;
        Some(node)
    }

    /// The node a name at the head of an OID value stands for.
    pub(super) fn parent_node(
        &mut self,
        module: u32,
        d: u32,
        name: Sym,
        pos: Pos,
        depth: usize,
    ) -> Option<u32> {
        let found = self.find(module, name, Some(false));
        let target = match found {
            Found::InScope(t) => t,
            Found::Elsewhere(t) => {
                if let Some(&(_, arc)) = self.root_syms.iter().find(|(s, _)| *s == name) {
                    return self.child_of.get(&(0, arc)).copied();
                }
                self.report_unimported(module, name, pos, t);
                t
            }
            Found::Missing => {
                if let Some(&(_, arc)) = self.root_syms.iter().find(|(s, _)| *s == name) {
                    return self.child_of.get(&(0, arc)).copied();
                }
                let text = self.interner.get(name).to_string();
                let def_name = self.interner.get(self.defs[d as usize].name).to_string();
                let message = match self.from_missing.get(&(module, name)) {
                    Some(&from) => format!(
                        "cannot place '{def_name}': its parent '{text}' comes from module {}, which was not found",
                        self.interner.get(from)
                    ),
                    None => format!(
                        "cannot place '{def_name}': '{text}' is not defined in or imported by this module, nor defined by any loaded module"
                    ),
                };
                self.push(Severity::Error, Code::UnresolvedOid, module, pos, message);
                return None;
            }
        };
        if self.defs[target as usize].oid.is_empty() {
            let text = self.interner.get(name).to_string();
            self.push(
                Severity::Error,
                Code::UnresolvedOid,
                module,
                pos,
                format!("'{text}' is not an OBJECT IDENTIFIER value and cannot start an OID"),
            );
            return None;
        }
        let node = self.resolve_oid(target, depth + 1);
        if node.is_none() {
            // Report across modules only: inside one module the root cause is already there.
            let target_module = self.defs[target as usize].module.0;
            if target_module != module && self.state[target as usize] == OidState::Failed {
                let text = self.interner.get(name).to_string();
                let def_name = self.interner.get(self.defs[d as usize].name).to_string();
                let from = self.labels[target_module as usize].to_string();
                self.push(
                    Severity::Error,
                    Code::UnresolvedOid,
                    module,
                    pos,
                    format!("cannot place '{def_name}': its parent '{text}' has no OID (see the errors of module {from})"),
                );
            }
        }
        node
    }

    /// Links definition `d` into the node's list: SMIv2 definitions ahead of others, then
    /// load order.
    pub(super) fn attach(&mut self, d: u32, node: u32) {
        self.defs[d as usize].node = node;
        let v2 = self.is_v2(d);
        let head = self.nodes[node as usize].first_def;
        if head == NONE || (v2 && !self.is_v2(head)) {
            self.defs[d as usize].next_at_node = head;
            self.nodes[node as usize].first_def = d;
            return;
        }
        let mut cur = head;
        loop {
            let next = self.defs[cur as usize].next_at_node;
            if next == NONE || (v2 && !self.is_v2(next)) {
                self.defs[d as usize].next_at_node = next;
                self.defs[cur as usize].next_at_node = d;
                return;
            }
            cur = next;
        }
    }

    pub(super) fn is_v2(&self, d: u32) -> bool {
        self.modules[self.defs[d as usize].module.0 as usize].language == Language::Smiv2
    }
}

/// Lays the tree out in OID order (preorder), dropping nodes that carry no name and lead to
/// none; returns the nodes, the children array and the old-to-new id map.
pub(super) fn finalize_tree(build: &[BuildNode]) -> (Vec<Node>, Vec<u32>, Vec<u32>) {
    let n = build.len();
    // Children of each node, sorted by arc (CSR over old ids).
    let parents: Vec<u32> = build.iter().map(|b| b.parent).collect();
    let (count, mut kids) = crate::mib::tree::group_children(&parents);
    for p in 0..n {
        kids[count[p] as usize..count[p + 1] as usize]
            .sort_unstable_by_key(|&c| build[c as usize].arc);
    }
    // Preorder.
    let mut order: Vec<u32> = Vec::with_capacity(n);
    let mut stack = vec![0u32];
    while let Some(x) = stack.pop() {
        order.push(x);
        let (a, b) = (count[x as usize] as usize, count[x as usize + 1] as usize);
        stack.extend(kids[a..b].iter().rev());
    }
    // Keep nodes with a name, or with a kept descendant.
    let mut keep = vec![false; n];
    for &x in order.iter().rev() {
        let b = &build[x as usize];
        let mut k = x == 0 || b.first_def != NONE || b.label.is_some();
        if !k {
            let (a, e) = (count[x as usize] as usize, count[x as usize + 1] as usize);
            k = kids[a..e].iter().any(|&c| keep[c as usize]);
        }
        keep[x as usize] = k;
    }
    let mut new_id = vec![NONE; n];
    let mut next = 0u32;
    for &x in &order {
        if keep[x as usize] {
            new_id[x as usize] = next;
            next += 1;
        }
    }
    let mut nodes = Vec::with_capacity(next as usize);
    let mut children = Vec::with_capacity(next as usize);
    for &x in &order {
        if !keep[x as usize] {
            continue;
        }
        let b = &build[x as usize];
        let start = children.len();
        let (a, e) = (count[x as usize] as usize, count[x as usize + 1] as usize);
        children.extend(
            kids[a..e]
                .iter()
                .filter(|&&c| keep[c as usize])
                .map(|&c| new_id[c as usize]),
        );
        nodes.push(Node {
            arc: b.arc,
            parent: if b.parent == NONE {
                NONE
            } else {
                new_id[b.parent as usize]
            },
            children: Slice::of(&children, start),
            first_def: b.first_def,
            label: b.label,
            label_module: b.label_module,
        });
    }
    (nodes, children, new_id)
}
