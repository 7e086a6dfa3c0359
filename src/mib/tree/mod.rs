//! The compiled MIB: modules with their status, definitions, and the OID tree (an arena of
//! nodes in OID order), with the lookups users need: `MODULE::name`, `name`, `name.1.2`,
//! dotted paths of names and numbers, and OID to node by longest prefix.

mod def_ref;
mod lookup;
mod node_ref;

use std::collections::HashMap;
use std::sync::Arc;

use super::ast::{
    Arenas, Def, DefId, Language, Module, ModuleId, ModuleStatus, NodeId, Slice, SourceId, TextRef,
    TextSpan,
};
use super::diag::{Diagnostic, Severity};
use super::intern::{Interner, Sym, decode_text};
use super::parser::unquote_doubled;
pub use def_ref::{DefRef, IndexPart, ObjectClass};
pub use lookup::{LookupError, Resolved};
pub use node_ref::NodeRef;

/// A node of the OID tree. Nodes are stored in OID order (preorder), so `NodeId(n + 1)` is
/// the next node a walk meets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Node {
    pub(crate) arc: u32,
    /// `NONE` for the root.
    pub(crate) parent: u32,
    /// Children, sorted by arc, in `Mib::children`.
    pub(crate) children: Slice,
    /// First definition at this node (others follow `Def::next_at_node`), or `NONE`.
    pub(crate) first_def: u32,
    /// Label from `name(number)` in an OID value, for nodes no definition names.
    pub(crate) label: Option<Sym>,
    pub(crate) label_module: u32,
}

/// Where a source's text is, so descriptions can be shown.
#[derive(Debug, Clone)]
pub(crate) enum SourceText {
    Static(&'static [u8]),
    Owned(Arc<[u8]>),
    /// Not kept in memory: read back from the file (the MIB store does).
    External,
}

#[derive(Debug, Clone)]
pub(crate) struct SourceEntry {
    pub(crate) path: Arc<str>,
    pub(crate) text: SourceText,
}

/// All loaded modules and the OID tree. Build one with `Compiler`.
pub struct Mib {
    pub(crate) interner: Interner,
    pub(crate) sources: Vec<SourceEntry>,
    pub(crate) modules: Vec<Module>,
    pub(crate) defs: Vec<Def>,
    pub(crate) arenas: Arenas,
    pub(crate) nodes: Vec<Node>,
    pub(crate) children: Vec<u32>,
    pub(crate) diagnostics: Vec<Diagnostic>,
    pub(crate) index: Indexes,
}

impl std::fmt::Debug for Mib {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mib")
            .field("modules", &self.modules.len())
            .field("defs", &self.defs.len())
            .field("nodes", &self.nodes.len())
            .field("diagnostics", &self.diagnostics.len())
            .finish()
    }
}

/// Lookup tables derived from the stored records.
#[derive(Debug, Default)]
pub(crate) struct Indexes {
    pub(crate) module_by_name: HashMap<Sym, ModuleId>,
    /// Definitions (of modules not dropped) sorted by name symbol, then load order: the
    /// name lookups binary-search it.
    pub(crate) by_name: Vec<u32>,
}

impl Indexes {
    pub(crate) fn build(modules: &[Module], defs: &[Def]) -> Indexes {
        let by_name = sorted_by_name(modules, defs);
        Indexes::with_sorted(modules, by_name)
    }

    /// With a `by_name` array already sorted (as stored in the cache).
    pub(crate) fn with_sorted(modules: &[Module], by_name: Vec<u32>) -> Indexes {
        let mut module_by_name = HashMap::with_capacity(modules.len());
        for (i, m) in modules.iter().enumerate() {
            module_by_name.entry(m.name).or_insert(ModuleId(i as u32));
        }
        Indexes {
            module_by_name,
            by_name,
        }
    }

    /// The definitions named `name`, in load order.
    pub(crate) fn named<'a>(&'a self, defs: &'a [Def], name: Sym) -> &'a [u32] {
        let lo = self
            .by_name
            .partition_point(|&d| defs[d as usize].name < name);
        let hi = lo + self.by_name[lo..].partition_point(|&d| defs[d as usize].name == name);
        &self.by_name[lo..hi]
    }
}

/// Definitions of modules not dropped, sorted by (name symbol, load order).
pub(crate) fn sorted_by_name(modules: &[Module], defs: &[Def]) -> Vec<u32> {
    let mut v: Vec<u32> = (0..defs.len() as u32)
        .filter(|&i| {
            let d = &defs[i as usize];
            modules.get(d.module.0 as usize).is_some_and(|m| !m.dropped)
        })
        .collect();
    v.sort_unstable_by_key(|&i| (defs[i as usize].name, i));
    v
}

/// Record counts of a compiled MIB.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct MibStats {
    pub modules: usize,
    pub definitions: usize,
    pub nodes: usize,
    pub strings: usize,
    pub oid_components: usize,
    pub named_numbers: usize,
    pub ranges: usize,
    pub syntaxes: usize,
    pub references: usize,
    pub diagnostics: usize,
    pub heap_bytes: usize,
}

/// Facts about one module, for listings.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ModuleInfo {
    pub name: String,
    pub file: Option<String>,
    pub status: ModuleStatus,
    pub language: &'static str,
    pub last_updated: Option<String>,
    pub builtin: bool,
    pub definitions: u32,
    pub errors: u32,
    pub warnings: u32,
}

impl Mib {
    // ----- modules and diagnostics -------------------------------------------------------

    pub fn module_count(&self) -> usize {
        self.modules.len()
    }

    /// The module of that name (loaded, failed or missing).
    pub fn module_id(&self, name: &str) -> Option<ModuleId> {
        let sym = self.interner.lookup(name)?;
        self.index.module_by_name.get(&sym).copied()
    }

    pub fn module_name(&self, id: ModuleId) -> &str {
        self.modules
            .get(id.0 as usize)
            .map_or("", |m| self.interner.get(m.name))
    }

    pub fn module_status(&self, id: ModuleId) -> Option<ModuleStatus> {
        self.modules.get(id.0 as usize).map(|m| m.status)
    }

    /// The file a module came from.
    pub fn module_file(&self, id: ModuleId) -> Option<&str> {
        let m = self.modules.get(id.0 as usize)?;
        m.source.map(|s| self.source_path(s))
    }

    pub fn module_info(&self, id: ModuleId) -> Option<ModuleInfo> {
        let m = self.modules.get(id.0 as usize)?;
        let name = self.interner.get(m.name);
        let (mut errors, mut warnings) = (0, 0);
        for d in self.module_diagnostics(name) {
            match d.severity {
                Severity::Error => errors += 1,
                Severity::Warning => warnings += 1,
                Severity::Note => {}
            }
        }
        Some(ModuleInfo {
            name: name.to_string(),
            file: m.source.map(|s| self.source_path(s).to_string()),
            status: m.status,
            language: match m.language {
                Language::Smiv1 => "SMIv1",
                Language::Smiv2 => "SMIv2",
                Language::Unknown => "unknown",
            },
            last_updated: m.last_updated.map(|s| self.interner.get(s).to_string()),
            builtin: m.builtin,
            definitions: m.defs.end - m.defs.start,
            errors,
            warnings,
        })
    }

    /// Every module in load order.
    pub fn modules(&self) -> impl Iterator<Item = ModuleId> + '_ {
        (0..self.modules.len() as u32).map(ModuleId)
    }

    /// Every diagnostic of the compile, in the order found.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// The diagnostics of one module.
    pub fn module_diagnostics<'a>(
        &'a self,
        module: &'a str,
    ) -> impl Iterator<Item = &'a Diagnostic> {
        self.diagnostics
            .iter()
            .filter(move |d| d.module.as_deref() == Some(module))
    }

    pub fn source_path(&self, id: SourceId) -> &str {
        self.sources.get(id.0 as usize).map_or("", |s| &s.path)
    }

    /// Paths of every source file given to the compiler.
    pub fn source_paths(&self) -> impl Iterator<Item = &str> {
        self.sources.iter().map(|s| &*s.path)
    }

    /// A description or reference as text, when its source is in memory (built-in and
    /// embedded modules, or sources compiled with `retain_sources`). For files on disk the
    /// MIB store reads it back.
    pub fn text(&self, r: TextRef) -> Option<String> {
        let bytes: &[u8] = match &self.sources.get(r.source.0 as usize)?.text {
            SourceText::Static(b) => b,
            SourceText::Owned(b) => b,
            SourceText::External => return None,
        };
        Some(text_from_source(bytes, r.span))
    }

    // ----- definitions -------------------------------------------------------------------

    pub fn def_count(&self) -> usize {
        self.defs.len()
    }

    pub fn def(&self, id: DefId) -> DefRef<'_> {
        DefRef { mib: self, id }
    }

    /// The definition `name` in `module`. When a module defines a name twice (a vendor
    /// mistake), the one first in OID order, as Net-SNMP answers `MODULE::name`.
    pub fn find_in_module(&self, module: &str, name: &str) -> Option<DefId> {
        let m = self.module_id(module)?;
        let sym = self.interner.lookup(name)?;
        self.index
            .named(&self.defs, sym)
            .iter()
            .filter(|&&d| self.defs[d as usize].module == m)
            .min_by_key(|&&d| self.defs[d as usize].node)
            .map(|&d| DefId(d))
    }

    /// Every definition named `name`, in load order.
    pub fn defs_named(&self, name: &str) -> impl Iterator<Item = DefId> + '_ {
        let found: &[u32] = match self.interner.lookup(name) {
            Some(sym) => self.index.named(&self.defs, sym),
            None => &[],
        };
        found.iter().map(|&d| DefId(d))
    }

    /// The preferred definition named `name` that has a place in the tree: SMIv2 modules
    /// first, then load order.
    pub fn find(&self, name: &str) -> Option<DefId> {
        let mut best: Option<DefId> = None;
        for d in self.defs_named(name) {
            let def = &self.defs[d.0 as usize];
            if def.node().is_none() {
                continue;
            }
            let v2 = self.modules[def.module.0 as usize].language == Language::Smiv2;
            match best {
                None => best = Some(d),
                Some(b) => {
                    let bdef = &self.defs[b.0 as usize];
                    let bv2 = self.modules[bdef.module.0 as usize].language == Language::Smiv2;
                    if v2 && !bv2 {
                        best = Some(d);
                    }
                }
            }
            if v2 {
                break;
            }
        }
        best
    }

    // ----- the tree ----------------------------------------------------------------------

    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// The root (above `ccitt`, `iso` and `joint-iso-ccitt`); it has no arc of its own.
    pub fn root(&self) -> NodeId {
        NodeId(0)
    }

    pub fn node(&self, id: NodeId) -> NodeRef<'_> {
        NodeRef { mib: self, id }
    }

    /// Every node in OID order, root excluded.
    pub fn walk(&self) -> impl Iterator<Item = NodeRef<'_>> {
        (1..self.nodes.len() as u32).map(|i| self.node(NodeId(i)))
    }

    pub(crate) fn child_by_arc(&self, node: u32, arc: u32) -> Option<u32> {
        let n = self.nodes.get(node as usize)?;
        let kids = &self.children[n.children.range()];
        kids.binary_search_by_key(&arc, |&c| self.nodes[c as usize].arc)
            .ok()
            .map(|i| kids[i])
    }

    pub(crate) fn child_by_name(&self, node: u32, name: &str) -> Option<u32> {
        let n = self.nodes.get(node as usize)?;
        self.children[n.children.range()]
            .iter()
            .copied()
            .find(|&c| self.node(NodeId(c)).names().any(|l| l == name))
    }

    /// Record counts, for reports and benchmarks.
    pub fn stats(&self) -> MibStats {
        MibStats {
            modules: self.modules.len(),
            definitions: self.defs.len(),
            nodes: self.nodes.len(),
            strings: self.interner.len(),
            oid_components: self.arenas.oids.len(),
            named_numbers: self.arenas.named.len(),
            ranges: self.arenas.ranges.len(),
            syntaxes: self.arenas.syntaxes.len(),
            references: self.arenas.refs.len(),
            diagnostics: self.diagnostics.len(),
            heap_bytes: self.heap_bytes(),
        }
    }

    /// Heap memory held (approximate), for reports.
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        self.interner.heap_bytes()
            + self.defs.capacity() * size_of::<Def>()
            + self.nodes.capacity() * size_of::<Node>()
            + self.children.capacity() * 4
            + self.arenas.heap_bytes()
            + self.modules.capacity() * size_of::<Module>()
            + self.index.by_name.capacity() * 4
    }
}

/// Children lists from parent links (node 0 is the root, every other node's parent comes
/// first): `offsets[p]..offsets[p + 1]` of the returned list are the children of `p`, in id
/// order (a counting sort).
pub(crate) fn group_children(parents: &[u32]) -> (Vec<u32>, Vec<u32>) {
    let n = parents.len();
    let mut offsets = vec![0u32; n + 1];
    for &p in parents.iter().skip(1) {
        offsets[p as usize + 1] += 1;
    }
    for i in 1..=n {
        offsets[i] += offsets[i - 1];
    }
    let mut fill = offsets.clone();
    let mut children = vec![0u32; n.saturating_sub(1)];
    for (i, &p) in parents.iter().enumerate().skip(1) {
        children[fill[p as usize] as usize] = i as u32;
        fill[p as usize] += 1;
    }
    (offsets, children)
}

/// Decodes a quoted string's contents from its source: `""` becomes `"`, Latin-1 bytes
/// become their characters.
pub fn text_from_source(bytes: &[u8], span: TextSpan) -> String {
    let start = span.start as usize;
    let end = start.saturating_add(span.len as usize).min(bytes.len());
    let raw = bytes.get(start.min(end)..end).unwrap_or_default();
    decode_text(&unquote_doubled(raw)).into_owned()
}
