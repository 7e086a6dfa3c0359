//! The compiled MIB: modules with their status, definitions, and the OID tree (an arena of
//! nodes in OID order), with the lookups users need: `MODULE::name`, `name`, `name.1.2`,
//! dotted paths of names and numbers, and OID to node by longest prefix.

use std::collections::HashMap;
use std::sync::Arc;

use super::ast::{
    Access, Arenas, BaseType, Def, DefId, DefKind, DefVal, Language, Module, ModuleId,
    ModuleStatus, NONE, NameRef, NodeId, Slice, SourceId, Status, SyntaxKind, TextRef, TextSpan,
};
use super::diag::{Diagnostic, Severity};
use super::intern::{Interner, Sym, decode_text};
use super::parser::unquote_doubled;
use crate::proto::Oid;
use crate::proto::oid::{MAX_SUBIDS, elide};

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

/// What kind of object a definition is in the tree (RFC 2578 section 7.1.12 tables).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ObjectClass {
    Scalar,
    Table,
    Row,
    Column,
    /// Not an OBJECT-TYPE.
    Other,
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
        let parts =
            super::names::split_components(body).map_err(|part| LookupError::BadComponent {
                text: text.into(),
                part,
            })?;
        let mut parts = parts.into_iter();
        let mut node = 0u32;
        let mut suffix: Vec<u32> = Vec::new();
        if !absolute {
            // The first component: a name (qualified or not) or a number from the root.
            let first = match parts.next() {
                Some(super::names::Component::Plain(p)) if !p.is_empty() => p,
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
                super::names::Component::Plain(p) => {
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
                super::names::Component::Quoted { bytes, implied } => {
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
    fn first_component(&self, module: Option<&str>, first: &str) -> Result<u32, LookupError> {
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

/// A node of the tree, with accessors.
#[derive(Clone, Copy)]
pub struct NodeRef<'a> {
    mib: &'a Mib,
    id: NodeId,
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

/// A definition, with accessors for everything a renderer or browser needs.
#[derive(Clone, Copy)]
pub struct DefRef<'a> {
    mib: &'a Mib,
    id: DefId,
}

impl std::fmt::Debug for DefRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Def({}::{})", self.module_name(), self.name())
    }
}

/// One component of a row's INDEX, with its object (RFC 2578 section 7.7).
#[derive(Debug, Clone, Copy)]
pub struct IndexPart<'a> {
    pub name: &'a str,
    pub implied: bool,
    /// The object, when resolved (SMIv1 may index by a bare type instead).
    pub object: Option<DefRef<'a>>,
}

impl<'a> DefRef<'a> {
    pub(crate) fn raw(&self) -> &'a Def {
        &self.mib.defs[self.id.0 as usize]
    }

    pub(crate) fn mib(&self) -> &'a Mib {
        self.mib
    }

    pub fn id(&self) -> DefId {
        self.id
    }

    pub fn name(&self) -> &'a str {
        self.mib.interner.get(self.raw().name)
    }

    pub fn module(&self) -> ModuleId {
        self.raw().module
    }

    pub fn module_name(&self) -> &'a str {
        self.mib.module_name(self.raw().module)
    }

    /// `MODULE::name`.
    pub fn qualified_name(&self) -> String {
        format!("{}::{}", self.module_name(), self.name())
    }

    pub fn kind(&self) -> DefKind {
        self.raw().kind
    }

    /// Line and column of the definition in its file.
    pub fn pos(&self) -> super::diag::Pos {
        self.raw().pos
    }

    pub fn file(&self) -> Option<&'a str> {
        self.mib.module_file(self.raw().module)
    }

    pub fn node(&self) -> Option<NodeRef<'a>> {
        self.raw().node().map(|n| self.mib.node(n))
    }

    pub fn oid(&self) -> Option<Oid> {
        self.node().map(|n| n.oid())
    }

    pub fn access(&self) -> Option<Access> {
        self.raw().access
    }

    pub fn status(&self) -> Option<Status> {
        self.raw().status
    }

    fn extra(&self) -> Option<&'a super::ast::DefExtra> {
        self.mib.arenas.extras.get(self.raw().extra as usize)
    }

    pub fn units(&self) -> Option<&'a str> {
        self.extra()?.units.map(|s| self.mib.interner.get(s))
    }

    /// The DISPLAY-HINT written on this definition (a TC); see `syntax()` for the hint an
    /// object inherits.
    pub fn own_display_hint(&self) -> Option<&'a str> {
        self.extra()?.display_hint.map(|s| self.mib.interner.get(s))
    }

    fn source(&self) -> Option<SourceId> {
        self.mib.modules.get(self.raw().module.0 as usize)?.source
    }

    pub fn description_ref(&self) -> Option<TextRef> {
        let span = self.raw().description.get()?;
        Some(TextRef {
            source: self.source()?,
            span,
        })
    }

    pub fn reference_ref(&self) -> Option<TextRef> {
        let span = self.extra()?.reference.get()?;
        Some(TextRef {
            source: self.source()?,
            span,
        })
    }

    /// The DESCRIPTION text, when its source is in memory (see `Mib::text`).
    pub fn description(&self) -> Option<String> {
        self.description_ref().and_then(|r| self.mib.text(r))
    }

    /// INDEX components of a row (those of the augmented row for AUGMENTS).
    pub fn index(&self) -> Vec<IndexPart<'a>> {
        let mut def = *self;
        for _ in 0..8 {
            let raw = def.raw();
            if !raw.index().is_empty() {
                return self.mib.arenas.refs[raw.index().range()]
                    .iter()
                    .map(|r| IndexPart {
                        name: self.mib.interner.get(r.name),
                        implied: r.implied,
                        object: r.target().map(|d| self.mib.def(d)),
                    })
                    .collect();
            }
            match def.augments() {
                Some(base) => def = base,
                None => break,
            }
        }
        Vec::new()
    }

    /// The row this row AUGMENTS.
    pub fn augments(&self) -> Option<DefRef<'a>> {
        let r = self.mib.arenas.refs[self.raw().augments().range()].first()?;
        r.target().map(|d| self.mib.def(d))
    }

    /// OBJECTS / VARIABLES / NOTIFICATIONS / groups, with what each resolves to.
    pub fn objects(&self) -> impl Iterator<Item = (&'a str, Option<DefRef<'a>>)> + 'a {
        let mib = self.mib;
        mib.arenas.refs[self.raw().objects().range()]
            .iter()
            .map(move |r: &NameRef| (mib.interner.get(r.name), r.target().map(|d| mib.def(d))))
    }

    /// DEFVAL as written (`5`, `"text"`, `'00'H`, `up`, `{ a, b }`, `{ 0 0 }`).
    pub fn defval(&self) -> Option<String> {
        let idx = self.extra()?.defval;
        let v = self.mib.arenas.defvals.get(idx as usize)?;
        let i = &self.mib.interner;
        Some(match *v {
            DefVal::Integer(n) => n.to_string(),
            DefVal::String(s) => format!("\"{}\"", i.get(s)),
            DefVal::Hex(s) => format!("'{}'H", i.get(s)),
            DefVal::Binary(s) => format!("'{}'B", i.get(s)),
            DefVal::Name(s) => i.get(s).to_string(),
            DefVal::Bits(sl) => {
                let names: Vec<&str> = self.mib.arenas.refs[sl.range()]
                    .iter()
                    .map(|r| i.get(r.name))
                    .collect();
                format!("{{ {} }}", names.join(", "))
            }
            DefVal::Oid(sl) => {
                let parts: Vec<String> = self.mib.arenas.oids[sl.range()]
                    .iter()
                    .map(|c| match *c {
                        super::ast::OidComponent::Name(s, _) => i.get(s).to_string(),
                        super::ast::OidComponent::Number(n) => n.to_string(),
                        super::ast::OidComponent::NamedNumber(s, n) => {
                            format!("{}({n})", i.get(s))
                        }
                    })
                    .collect();
                format!("{{ {} }}", parts.join(" "))
            }
        })
    }

    /// Whether this OBJECT-TYPE is a table, a row, a column or a scalar.
    pub fn object_class(&self) -> ObjectClass {
        let raw = self.raw();
        if raw.kind != DefKind::ObjectType {
            return ObjectClass::Other;
        }
        if let Some(s) = self.mib.arenas.syntaxes.get(raw.syntax as usize) {
            if matches!(s.kind, SyntaxKind::SequenceOf(_)) {
                return ObjectClass::Table;
            }
        }
        if !raw.refs.is_empty() {
            return ObjectClass::Row;
        }
        if self.syntax().is_some_and(|s| s.base == BaseType::Sequence) {
            return ObjectClass::Row;
        }
        let parent_is_row = self
            .node()
            .and_then(|n| n.parent())
            .and_then(|p| p.def())
            .is_some_and(|p| p.object_class() == ObjectClass::Row);
        if parent_is_row {
            ObjectClass::Column
        } else {
            ObjectClass::Scalar
        }
    }
}
