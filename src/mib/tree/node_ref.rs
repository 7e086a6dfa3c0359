//! `NodeRef`: a node of the tree with its accessors (arc, parent, children, OID, the
//! definitions and names at it).

use super::{DefRef, Mib, Node};
use crate::mib::ast::{DefId, ModuleId, NONE, NodeId};
use crate::proto::Oid;

/// A node of the tree, with accessors.
#[derive(Clone, Copy)]
pub struct NodeRef<'a> {
    pub(super) mib: &'a Mib,
    pub(super) id: NodeId,
}

impl std::fmt::Debug for NodeRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Node({} {})", self.name(), self.oid())
    }
}

impl<'a> NodeRef<'a> {
    fn raw(&self) -> &'a Node {
        &self.mib.nodes[self.id.0 as usize]
    }

    pub fn id(&self) -> NodeId {
        self.id
    }

    pub fn arc(&self) -> u32 {
        self.raw().arc
    }

    pub fn parent(&self) -> Option<NodeRef<'a>> {
        let p = self.raw().parent;
        (p != NONE).then(|| self.mib.node(NodeId(p)))
    }

    pub fn children(&self) -> impl Iterator<Item = NodeRef<'a>> + 'a {
        let mib = self.mib;
        mib.children[self.raw().children.range()]
            .iter()
            .map(move |&c| mib.node(NodeId(c)))
    }

    pub fn child_count(&self) -> usize {
        self.raw().children.len as usize
    }

    /// The full OID of the node.
    pub fn oid(&self) -> Oid {
        let mut arcs = Vec::new();
        let mut cur = self.id.0;
        while cur != 0 && cur != NONE {
            let n = &self.mib.nodes[cur as usize];
            arcs.push(n.arc);
            cur = n.parent;
        }
        arcs.reverse();
        Oid::new(arcs)
    }

    /// The preferred definition at this node.
    pub fn def(&self) -> Option<DefRef<'a>> {
        let first = self.raw().first_def;
        (first != NONE).then(|| self.mib.def(DefId(first)))
    }

    /// Every definition at this node (several modules may define the same OID).
    pub fn defs(&self) -> impl Iterator<Item = DefRef<'a>> + 'a {
        let mib = self.mib;
        let mut cur = self.raw().first_def;
        // A handful of modules at most define one OID; the bound only guards against a
        // looping chain from a damaged cache.
        let mut left = 1024;
        std::iter::from_fn(move || {
            if cur == NONE || left == 0 {
                return None;
            }
            left -= 1;
            let d = cur;
            cur = mib.defs.get(d as usize).map_or(NONE, |x| x.next_at_node);
            Some(mib.def(DefId(d)))
        })
    }

    /// The node's label: its preferred definition's name, else the `name(n)` label, else
    /// its arc as a number.
    pub fn name(&self) -> std::borrow::Cow<'a, str> {
        if let Some(d) = self.def() {
            return std::borrow::Cow::Borrowed(d.name());
        }
        match self.raw().label {
            Some(l) => std::borrow::Cow::Borrowed(self.mib.interner.get(l)),
            None => std::borrow::Cow::Owned(self.arc().to_string()),
        }
    }

    /// Every name the node is known by.
    pub fn names(&self) -> impl Iterator<Item = &'a str> + 'a {
        let mib = self.mib;
        let label = self.raw().label.map(|l| mib.interner.get(l));
        self.defs().map(|d| d.name()).chain(label)
    }

    /// The module of the preferred definition (or of the `name(n)` label).
    pub fn module_name(&self) -> Option<&'a str> {
        if let Some(d) = self.def() {
            return Some(d.module_name());
        }
        let n = self.raw();
        (n.label.is_some() && n.label_module != NONE)
            .then(|| self.mib.module_name(ModuleId(n.label_module)))
    }
}
