//! The OID tree as a list the user moves through: which nodes are expanded, the rows that
//! shows (depth-first, in OID order), and the cursor. No rendering here; the tree component
//! draws these rows.

use std::collections::HashSet;

use crate::mib::{Mib, NodeId};
use crate::tui::keys::{ListCursor, Motion};

/// One visible line of the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TreeRow {
    pub node: NodeId,
    /// 0 for the children of the root (ccitt, iso, joint-iso-ccitt).
    pub depth: u16,
    pub has_children: bool,
    pub expanded: bool,
}

#[derive(Debug, Clone, Default)]
pub struct TreeModel {
    expanded: HashSet<NodeId>,
    rows: Vec<TreeRow>,
    pub cursor: ListCursor,
}

impl TreeModel {
    /// The tree with the root's children showing.
    pub fn new(mib: &Mib) -> TreeModel {
        let mut t = TreeModel::default();
        t.rebuild(mib);
        t
    }

    pub fn rows(&self) -> &[TreeRow] {
        &self.rows
    }

    pub fn selected(&self) -> Option<NodeId> {
        self.rows.get(self.cursor.selected).map(|r| r.node)
    }

    pub fn is_expanded(&self, node: NodeId) -> bool {
        self.expanded.contains(&node)
    }

    fn rebuild(&mut self, mib: &Mib) {
        let keep = self.selected();
        self.rows.clear();
        let mut stack: Vec<(NodeId, u16)> = mib
            .node(mib.root())
            .children()
            .map(|c| (c.id(), 0))
            .collect();
        stack.reverse();
        while let Some((id, depth)) = stack.pop() {
            let node = mib.node(id);
            let has_children = node.child_count() > 0;
            let expanded = has_children && self.expanded.contains(&id);
            self.rows.push(TreeRow {
                node: id,
                depth,
                has_children,
                expanded,
            });
            if expanded {
                let mut kids: Vec<_> = node.children().map(|c| (c.id(), depth + 1)).collect();
                kids.reverse();
                stack.extend(kids);
            }
        }
        if let Some(node) = keep {
            if let Some(i) = self.rows.iter().position(|r| r.node == node) {
                self.cursor.selected = i;
            }
        }
        self.cursor.selected = self.cursor.selected.min(self.rows.len().saturating_sub(1));
    }

    pub fn motion(&mut self, motion: Motion, height: usize) {
        self.cursor.apply(motion, self.rows.len(), height);
    }

    pub fn select_row(&mut self, index: usize, height: usize) {
        self.cursor.select(index, self.rows.len(), height);
    }

    pub fn scroll(&mut self, lines: isize, height: usize) {
        self.cursor.scroll(lines, self.rows.len(), height);
    }

    /// Expands the selected node, or moves to its first child when it already is (`→`, `l`).
    pub fn expand_or_enter(&mut self, mib: &Mib, height: usize) {
        let Some(row) = self.rows.get(self.cursor.selected).copied() else {
            return;
        };
        if !row.has_children {
            return;
        }
        if row.expanded {
            self.motion(Motion::Down, height);
        } else {
            self.expanded.insert(row.node);
            self.rebuild(mib);
        }
    }

    /// Collapses the selected node, or moves to its parent when it is collapsed (`←`, `h`).
    pub fn collapse_or_leave(&mut self, mib: &Mib, height: usize) {
        let Some(row) = self.rows.get(self.cursor.selected).copied() else {
            return;
        };
        if row.expanded {
            self.expanded.remove(&row.node);
            self.rebuild(mib);
        } else if let Some(parent) = mib.node(row.node).parent() {
            if let Some(i) = self.rows.iter().position(|r| r.node == parent.id()) {
                self.select_row(i, height);
            }
        }
    }

    /// Expands or collapses the selected node (`Enter`, `Space`, a click).
    pub fn toggle(&mut self, mib: &Mib) {
        let Some(row) = self.rows.get(self.cursor.selected).copied() else {
            return;
        };
        if row.has_children && !self.expanded.remove(&row.node) {
            self.expanded.insert(row.node);
        }
        self.rebuild(mib);
    }

    /// Expands everything under the selected node (`*`), up to `limit` nodes.
    pub fn expand_all(&mut self, mib: &Mib, limit: usize) {
        let Some(start) = self.selected() else {
            return;
        };
        let mut stack = vec![start];
        let mut n = 0;
        while let Some(id) = stack.pop() {
            let node = mib.node(id);
            if node.child_count() == 0 {
                continue;
            }
            self.expanded.insert(id);
            n += 1;
            if n >= limit {
                break;
            }
            stack.extend(node.children().map(|c| c.id()));
        }
        self.rebuild(mib);
    }

    /// Collapses everything (`-`), keeping the cursor on the top-level ancestor.
    pub fn collapse_all(&mut self, mib: &Mib) {
        let top = self.selected().map(|mut id| {
            while let Some(p) = mib.node(id).parent().filter(|p| p.id() != mib.root()) {
                id = p.id();
            }
            id
        });
        self.expanded.clear();
        self.rebuild(mib);
        if let Some(top) = top {
            if let Some(i) = self.rows.iter().position(|r| r.node == top) {
                self.cursor = ListCursor {
                    selected: i,
                    offset: 0,
                };
            }
        }
    }

    /// Expands the ancestors of `node` and puts the cursor on it.
    pub fn reveal(&mut self, mib: &Mib, node: NodeId, height: usize) {
        let mut cur = mib.node(node).parent();
        while let Some(p) = cur {
            if p.id() != mib.root() {
                self.expanded.insert(p.id());
            }
            cur = p.parent();
        }
        self.rebuild(mib);
        if let Some(i) = self.rows.iter().position(|r| r.node == node) {
            self.select_row(i, height);
            // Context above the target when there is room.
            self.cursor.offset = self
                .cursor
                .offset
                .max(i.saturating_sub(height.saturating_sub(1)))
                .min(i.saturating_sub(height / 3));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mib::{CompileOptions, Compiler};

    fn mib() -> Mib {
        let mut c = Compiler::new(CompileOptions::default());
        c.add_source(
            "T-MIB.txt",
            b"T-MIB DEFINITIONS ::= BEGIN
              IMPORTS enterprises FROM SNMPv2-SMI;
              t OBJECT IDENTIFIER ::= { enterprises 9999 }
              a OBJECT IDENTIFIER ::= { t 1 }
              a1 OBJECT IDENTIFIER ::= { a 1 }
              a2 OBJECT IDENTIFIER ::= { a 2 }
              b OBJECT IDENTIFIER ::= { t 2 }
              END",
        );
        c.request_all();
        c.finish()
    }

    fn names(t: &TreeModel, mib: &Mib) -> Vec<String> {
        t.rows()
            .iter()
            .map(|r| format!("{}{}", " ".repeat(r.depth.into()), mib.node(r.node).name()))
            .collect()
    }

    #[test]
    fn starts_with_the_top_level_and_expands_in_oid_order() {
        let mib = mib();
        let mut t = TreeModel::new(&mib);
        let top = names(&t, &mib);
        assert!(top.contains(&"iso".to_string()), "{top:?}");
        assert!(top.iter().all(|n| !n.starts_with(' ')), "{top:?}");
        let t_node = mib.resolve("T-MIB::t").unwrap().node;
        t.reveal(&mib, t_node, 10);
        assert_eq!(mib.node(t.selected().unwrap()).name(), "t");
        t.toggle(&mib);
        let shown = names(&t, &mib);
        let i = shown.iter().position(|n| n.trim() == "t").unwrap();
        assert_eq!(shown[i + 1].trim(), "a");
        assert_eq!(shown[i + 2].trim(), "b");
        assert!(
            shown[i + 1].len() - shown[i + 1].trim().len() > shown[i].len() - shown[i].trim().len()
        );
    }

    #[test]
    fn left_and_right_walk_the_hierarchy() {
        let mib = mib();
        let mut t = TreeModel::new(&mib);
        let a = mib.resolve("T-MIB::a").unwrap().node;
        t.reveal(&mib, a, 10);
        t.expand_or_enter(&mib, 10); // expands a
        assert!(t.is_expanded(a));
        t.expand_or_enter(&mib, 10); // moves into a1
        assert_eq!(mib.node(t.selected().unwrap()).name(), "a1");
        t.expand_or_enter(&mib, 10); // a leaf: nothing
        assert_eq!(mib.node(t.selected().unwrap()).name(), "a1");
        t.collapse_or_leave(&mib, 10); // to the parent
        assert_eq!(t.selected(), Some(a));
        t.collapse_or_leave(&mib, 10); // collapses a
        assert!(!t.is_expanded(a));
        assert_eq!(
            t.selected(),
            Some(a),
            "the cursor stays on the collapsed node"
        );
    }

    #[test]
    fn collapsing_keeps_the_cursor_on_a_visible_node() {
        let mib = mib();
        let mut t = TreeModel::new(&mib);
        let a2 = mib.resolve("T-MIB::a2").unwrap().node;
        t.reveal(&mib, a2, 5);
        assert_eq!(t.selected(), Some(a2));
        assert!(t.cursor.offset <= t.cursor.selected && t.cursor.selected < t.cursor.offset + 5);
        t.collapse_all(&mib);
        assert_eq!(mib.node(t.selected().unwrap()).name(), "iso");
        assert!(t.rows().iter().all(|r| r.depth == 0));
        t.expand_all(&mib, 10_000);
        assert!(t.rows().iter().any(|r| r.node == a2));
    }
}
