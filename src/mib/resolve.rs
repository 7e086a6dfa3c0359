//! The compiler driver and resolver: takes sources (path, bytes), parses them, asks for the
//! modules their IMPORTS need, then links everything into a `Mib`: imports bound by module
//! name, OIDs computed into the tree, SYNTAX names resolved to textual conventions and base
//! types, INDEX/AUGMENTS/OBJECTS resolved to definitions, and a status for each module.
//!
//! Sans-IO in the quinn-proto manner: the caller feeds bytes and answers `wanted()` (the
//! module names still needed); no file is ever opened here. One broken module never stops
//! the others: each problem becomes a diagnostic on its module, and whatever can be linked
//! is linked.

use std::collections::HashSet;

use hashbrown::HashMap;
use std::sync::Arc;

use super::ast::{
    Arenas, BaseType, Def, DefId, DefKind, Language, Module, ModuleId, ModuleStatus, NONE,
    OidComponent, Slice, SourceId, SyntaxKind, TypeTarget,
};
use super::builtin::{BASE_MODULES, ROOTS, is_keyword, module_alias};
use super::diag::{Code, DiagSink, Diagnostic, Pos, Relaxation, RelaxationSet, Severity};
use super::intern::{Interner, Sym};
use super::lexer::Token;
use super::parser::{ParseOutput, parse_source};
use super::tree::{Indexes, Mib, Node, SourceEntry, SourceText};
use crate::proto::oid::MAX_SUBIDS;

/// How to compile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompileOptions {
    /// Vendor mistakes accepted with a warning; any other relaxation is an error.
    pub relaxations: RelaxationSet,
    /// Leave modules with errors out of the tree, as strict compilers do. Otherwise their
    /// definitions that parsed and linked are kept (as Net-SNMP keeps them).
    pub drop_failed_modules: bool,
    /// Keep a copy of each source so `Mib::text` can return descriptions. Off for files a
    /// store can read again.
    pub retain_sources: bool,
}

impl Default for CompileOptions {
    fn default() -> Self {
        CompileOptions {
            relaxations: RelaxationSet::all(),
            drop_failed_modules: false,
            retain_sources: true,
        }
    }
}

impl CompileOptions {
    /// Every relaxation an error, failed modules left out.
    pub fn strict() -> Self {
        CompileOptions {
            relaxations: RelaxationSet::none(),
            drop_failed_modules: true,
            retain_sources: true,
        }
    }
}

/// The modules selected (in load order), the names needed but unavailable (each with the
/// first module needing it), and successor names of obsolete modules not seen at all.
type Closure = (
    Vec<ModuleId>,
    Vec<(Sym, Option<ModuleId>)>,
    Vec<&'static str>,
);

/// Builds a `Mib` from sources. See the module documentation for the protocol.
pub struct Compiler {
    options: CompileOptions,
    interner: Interner,
    arenas: Arenas,
    defs: Vec<Def>,
    modules: Vec<Module>,
    sources: Vec<SourceEntry>,
    diags: DiagSink,
    /// The module used for each name: the first one added (built-ins before files).
    available: HashMap<Sym, ModuleId>,
    /// Modules not used because another of the same name came first: (file, name).
    shadowed: Vec<(Arc<str>, Sym)>,
    all_requested: bool,
    requested: Vec<Sym>,
    not_found: HashSet<Sym>,
    tokens: Vec<Token>,
}

impl std::fmt::Debug for Compiler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Compiler")
            .field("modules", &self.modules.len())
            .field("defs", &self.defs.len())
            .finish()
    }
}

impl Default for Compiler {
    fn default() -> Self {
        Compiler::new(CompileOptions::default())
    }
}

impl Compiler {
    /// A compiler with the base modules (SNMPv2-SMI, ...) already loaded.
    pub fn new(options: CompileOptions) -> Self {
        let mut c = Compiler {
            options,
            interner: Interner::new(),
            arenas: Arenas::default(),
            defs: Vec::with_capacity(1024),
            modules: Vec::new(),
            sources: Vec::new(),
            diags: DiagSink::new(options.relaxations),
            available: HashMap::new(),
            shadowed: Vec::new(),
            all_requested: false,
            requested: Vec::new(),
            not_found: HashSet::new(),
            tokens: Vec::new(),
        };
        for (_, path, text) in BASE_MODULES {
            let first = c.modules.len();
            c.add(path, text, SourceText::Static(text));
            for m in &mut c.modules[first..] {
                m.builtin = true;
            }
        }
        c
    }

    /// Parses a source; returns the names of the modules it defines. The bytes are copied
    /// only when `retain_sources` is set.
    pub fn add_source(&mut self, path: &str, bytes: &[u8]) -> Vec<String> {
        let text = if self.options.retain_sources {
            SourceText::Owned(Arc::from(bytes))
        } else {
            SourceText::External
        };
        self.add(path, bytes, text)
    }

    /// Parses a source that lives for the whole program (embedded MIBs); its descriptions
    /// stay available.
    pub fn add_static(&mut self, path: &str, bytes: &'static [u8]) -> Vec<String> {
        self.add(path, bytes, SourceText::Static(bytes))
    }

    fn add(&mut self, path: &str, bytes: &[u8], text: SourceText) -> Vec<String> {
        let source = SourceId(self.sources.len() as u32);
        let file: Arc<str> = Arc::from(path);
        self.sources.push(SourceEntry {
            path: Arc::clone(&file),
            text,
        });
        let first = self.modules.len() as u32;
        let modules = parse_source(
            source,
            &file,
            bytes,
            first,
            ParseOutput {
                interner: &mut self.interner,
                arenas: &mut self.arenas,
                defs: &mut self.defs,
                diags: &mut self.diags,
                tokens: &mut self.tokens,
            },
        );
        let mut names = Vec::with_capacity(modules.len());
        for m in modules {
            let id = ModuleId(self.modules.len() as u32);
            let name = m.name;
            names.push(self.interner.get(name).to_string());
            match self.available.get(&name) {
                None => {
                    self.available.insert(name, id);
                }
                Some(&first_id) => {
                    let first = &self.modules[first_id.0 as usize];
                    let label: Arc<str> = Arc::from(self.interner.get(name));
                    let first_path = first
                        .source
                        .map(|s| Arc::clone(&self.sources[s.0 as usize].path))
                        .unwrap_or_else(|| Arc::from(""));
                    let (code, message) = if first.builtin {
                        (
                            Code::BuiltinShadowed,
                            format!(
                                "{label} is built into mibscope; this copy in {file} is not used"
                            ),
                        )
                    } else {
                        (
                            Code::DuplicateModule,
                            format!(
                                "module {label} is also defined in {file}; using the one in {first_path}"
                            ),
                        )
                    };
                    // The note belongs to the module that is used, so listings show it.
                    let used_file = if first.builtin {
                        Arc::clone(&file)
                    } else {
                        first_path
                    };
                    self.shadowed.push((Arc::clone(&file), name));
                    self.diags.push(
                        Severity::Note,
                        code,
                        &used_file,
                        m.pos,
                        Some(&label),
                        message,
                    );
                }
            }
            self.modules.push(m);
        }
        names
    }

    /// Reserves room for about `bytes` of MIB text about to be added (`-m ALL` knows the
    /// total), so the tables grow once instead of doubling: less copying, lower peak memory.
    pub fn reserve_for_source_bytes(&mut self, bytes: u64) {
        // Ratios measured on 2,500 vendor and IETF modules (bytes of text per record).
        let n = |per: u64| usize::try_from(bytes / per).unwrap_or(0);
        self.defs.reserve(n(420));
        self.arenas.oids.reserve(n(220));
        self.arenas.syntaxes.reserve(n(560));
        self.arenas.refs.reserve(n(520));
        self.arenas.named.reserve(n(1000));
        self.interner.reserve(n(350), n(28));
    }

    /// Asks for a module (and everything it imports) to be in the result.
    pub fn request(&mut self, module: &str) {
        let sym = self.interner.intern(module);
        if !self.requested.contains(&sym) {
            self.requested.push(sym);
        }
    }

    /// Asks for every module added (`-m ALL`).
    pub fn request_all(&mut self) {
        self.all_requested = true;
    }

    /// Says that no source defines `module`; `wanted` stops asking for it.
    pub fn not_found(&mut self, module: &str) {
        let sym = self.interner.intern(module);
        self.not_found.insert(sym);
    }

    /// True when a module of that name has been added.
    pub fn has_module(&self, module: &str) -> bool {
        self.interner
            .lookup(module)
            .is_some_and(|s| self.available.contains_key(&s))
    }

    /// The modules requested or imported (transitively) that no source added so far
    /// defines and that were not declared missing: the caller should find and add them.
    pub fn wanted(&self) -> Vec<String> {
        let (_, missing, never_seen) = self.closure();
        missing
            .into_iter()
            .filter(|(s, _)| !self.not_found.contains(s))
            .map(|(s, _)| self.interner.get(s).to_string())
            .chain(never_seen.into_iter().map(str::to_string))
            .collect()
    }

    /// The selected modules (requested, imported, and the built-ins) in load order, and the
    /// names needed but not available, each with the first module that needs it.
    fn closure(&self) -> Closure {
        let mut selected = vec![false; self.modules.len()];
        let mut missing: Vec<(Sym, Option<ModuleId>)> = Vec::new();
        let mut missing_seen: HashSet<Sym> = HashSet::new();
        let mut stack: Vec<(Sym, Option<ModuleId>)> = Vec::new();
        let mut alias_names: Vec<(&'static str, Option<ModuleId>)> = Vec::new();
        let mut pending_names: Vec<&'static str> = Vec::new();
        for (i, m) in self.modules.iter().enumerate() {
            if m.builtin
                || (self.all_requested && self.available.get(&m.name) == Some(&ModuleId(i as u32)))
            {
                stack.push((m.name, None));
            }
        }
        for &r in self.requested.iter().rev() {
            stack.push((r, None));
        }
        while let Some((name, by)) = stack.pop() {
            match self.available.get(&name) {
                Some(&id) => {
                    if selected[id.0 as usize] {
                        continue;
                    }
                    selected[id.0 as usize] = true;
                    for imp in self.modules[id.0 as usize].imports.iter().rev() {
                        stack.push((imp.from, Some(id)));
                    }
                }
                None => {
                    if missing_seen.insert(name) {
                        missing.push((name, by));
                        // An obsolete name not found: its successors are needed instead.
                        if self.not_found.contains(&name) {
                            for new in module_alias(self.interner.get(name)) {
                                if let Some(sym) = self.interner.lookup(new) {
                                    stack.push((sym, by));
                                } else {
                                    alias_names.push((*new, by));
                                }
                            }
                        }
                    }
                }
            }
        }
        // Successor names never interned cannot be available: they are wanted.
        for (new, by) in alias_names {
            if let Some(sym) = self.interner.lookup(new) {
                if missing_seen.insert(sym) {
                    missing.push((sym, by));
                }
            } else {
                pending_names.push(new);
            }
        }
        let ids = (0..self.modules.len() as u32)
            .filter(|&i| selected[i as usize])
            .map(ModuleId)
            .collect();
        (ids, missing, pending_names)
    }

    /// Links everything into a `Mib`.
    pub fn finish(self) -> Mib {
        Linker::run(self)
    }
}

/// Per-definition progress of OID resolution.
#[derive(Clone, Copy, PartialEq, Eq)]
enum OidState {
    Todo,
    InProgress,
    Done,
    Failed,
}

/// A node while the tree is being built.
struct BuildNode {
    arc: u32,
    parent: u32,
    first_def: u32,
    label: Option<Sym>,
    label_module: u32,
}

/// How a name was found from inside a module.
enum Found {
    /// Defined in or imported by the module.
    InScope(u32),
    /// Not imported, found in another loaded module.
    Elsewhere(u32),
    Missing,
}

struct Linker {
    options: CompileOptions,
    interner: Interner,
    arenas: Arenas,
    defs: Vec<Def>,
    modules: Vec<Module>,
    sources: Vec<SourceEntry>,
    diags: DiagSink,
    /// Names visible in each module: its definitions and its bound imports, types and
    /// values apart (vendors name a row type and its row object alike).
    scope: HashMap<(u32, Sym, bool), u32>,
    /// Every definition, sorted by name (for fallbacks and hints).
    by_name: Vec<u32>,
    /// Symbols imported from modules that are missing: (module, symbol) to that module.
    from_missing: HashMap<(u32, Sym), Sym>,
    /// (module, symbol) pairs already reported as used without import.
    reported: HashSet<(u32, Sym)>,
    state: Vec<OidState>,
    nodes: Vec<BuildNode>,
    child_of: HashMap<(u32, u32), u32>,
    root_syms: Vec<(Sym, u32)>,
    labels: Vec<Arc<str>>,
    /// Duplicate definitions found while building scopes, reported after.
    pending_dups: Vec<(u32, Pos, String)>,
}

impl Linker {
    fn run(c: Compiler) -> Mib {
        let (selected, missing, _) = c.closure();
        let Compiler {
            options,
            mut interner,
            arenas,
            defs,
            modules,
            sources,
            mut diags,
            shadowed,
            requested,
            ..
        } = c;

        // Keep the diagnostics of modules that are used; drop those of shadowed copies.
        if !shadowed.is_empty() {
            let shadowed: HashSet<(Arc<str>, &str)> = shadowed
                .iter()
                .map(|(f, s)| (Arc::clone(f), interner.get(*s)))
                .collect();
            diags.items.retain(|d| {
                d.severity == Severity::Note
                    || !d
                        .module
                        .as_deref()
                        .is_some_and(|m| shadowed.contains(&(Arc::clone(&d.file), m)))
            });
        }

        // Compact in place: the selected modules in load order (their definitions are
        // contiguous and in module order), then a record per missing module.
        let mut new_modules = modules;
        let mut new_defs = defs;
        let mut keep = vec![false; new_modules.len()];
        for id in &selected {
            keep[id.0 as usize] = true;
        }
        let mut next_def = 0usize;
        let mut next_module = 0usize;
        for old in 0..new_modules.len() {
            if !keep[old] {
                continue;
            }
            let range = new_modules[old].defs.clone();
            let start = next_def;
            for d in range {
                new_defs.swap(next_def, d as usize);
                new_defs[next_def].module = ModuleId(next_module as u32);
                next_def += 1;
            }
            new_modules.swap(next_module, old);
            new_modules[next_module].defs = start as u32..next_def as u32;
            next_module += 1;
        }
        new_defs.truncate(next_def);
        new_modules.truncate(next_module);
        let requested: HashSet<Sym> = requested.into_iter().collect();
        for (name, by) in &missing {
            new_modules.push(Module {
                name: *name,
                source: None,
                pos: Pos::FILE,
                language: Language::Unknown,
                imports: Vec::new(),
                defs: 0..0,
                last_updated: None,
                organization: None,
                contact_info: None,
                revisions: Vec::new(),
                status: ModuleStatus::Missing,
                builtin: false,
                dropped: false,
            });
            if by.is_none() || requested.contains(name) {
                let label: Arc<str> = Arc::from(interner.get(*name));
                diags.push(
                    Severity::Error,
                    Code::ModuleNotFound,
                    &Arc::from("<request>"),
                    Pos::FILE,
                    Some(&label),
                    format!("Cannot find module ({label}): no file in the MIB directories defines it"),
                ).hint = Some("add the directory holding it with -M or MIBDIRS, or check the spelling".into());
            }
        }
        let labels: Vec<Arc<str>> = new_modules
            .iter()
            .map(|m| Arc::from(interner.get(m.name)))
            .collect();
        let root_syms = ROOTS
            .iter()
            .map(|&(arc, name)| (interner.intern(name), arc))
            .collect();

        let mut linker = Linker {
            options,
            interner,
            arenas,
            by_name: super::tree::sorted_by_name(&new_modules, &new_defs),
            state: vec![OidState::Todo; new_defs.len()],
            defs: new_defs,
            modules: new_modules,
            sources,
            diags,
            scope: HashMap::new(),
            from_missing: HashMap::new(),
            reported: HashSet::new(),
            nodes: Vec::new(),
            child_of: HashMap::new(),
            root_syms,
            labels,
            pending_dups: Vec::new(),
        };
        linker.build_scopes();
        linker.bind_imports();
        linker.make_roots();
        for d in 0..linker.defs.len() as u32 {
            if !linker.defs[d as usize].oid.is_empty() {
                linker.resolve_oid(d, 0);
            }
        }
        linker.resolve_types();
        linker.resolve_refs();
        linker.set_statuses();
        linker.into_mib()
    }

    fn file_of(&self, module: u32) -> Arc<str> {
        self.modules[module as usize]
            .source
            .map(|s| Arc::clone(&self.sources[s.0 as usize].path))
            .unwrap_or_else(|| Arc::from("<none>"))
    }

    fn push(
        &mut self,
        severity: Severity,
        code: Code,
        module: u32,
        pos: Pos,
        message: String,
    ) -> &mut Diagnostic {
        let file = self.file_of(module);
        let label = Arc::clone(&self.labels[module as usize]);
        self.diags
            .push(severity, code, &file, pos, Some(&label), message)
    }

    fn relaxed(
        &mut self,
        r: Relaxation,
        module: u32,
        pos: Pos,
        message: String,
    ) -> &mut Diagnostic {
        let file = self.file_of(module);
        let label = Arc::clone(&self.labels[module as usize]);
        self.diags.relaxed(r, &file, pos, Some(&label), message)
    }

    /// "X is defined in module Y (file Z)".
    fn where_defined(&self, def: u32) -> String {
        let d = &self.defs[def as usize];
        let m = d.module.0;
        format!(
            "{} is defined in module {} ({}:{})",
            self.interner.get(d.name),
            self.labels[m as usize],
            self.file_of(m),
            d.pos.line
        )
    }

    /// Names defined in each module. A name defined twice: both definitions are placed in
    /// the tree, and references to the name mean the later one, as in Net-SNMP (vendors
    /// append corrected copies, or reuse column names in several tables).
    fn build_scopes(&mut self) {
        self.scope
            .reserve(self.defs.len() + self.modules.len() * 16);
        for i in 0..self.defs.len() {
            let d = &self.defs[i];
            let key = (d.module.0, d.name, d.kind.is_type());
            if let Some(&earlier) = self.scope.get(&key) {
                let (m, pos, name) = (d.module.0, d.pos, d.name);
                // Base modules define a macro and a type of the same name; not a mistake.
                if self.modules[m as usize].builtin {
                    continue;
                }
                let earlier_line = self.defs[earlier as usize].pos.line;
                let message = format!(
                    "'{}' is defined twice in this module (also at line {earlier_line}); references to it mean this later definition",
                    self.interner.get(name)
                );
                self.pending_dups.push((m, pos, message));
            }
            self.scope.insert(key, i as u32);
        }
        for (m, pos, message) in std::mem::take(&mut self.pending_dups) {
            self.relaxed(Relaxation::DuplicateDefinition, m, pos, message);
        }
    }

    /// `name` as defined in or imported by `module`: a value, else a type.
    fn in_module(&self, module: u32, name: Sym) -> Option<u32> {
        self.scope
            .get(&(module, name, false))
            .or_else(|| self.scope.get(&(module, name, true)))
            .copied()
    }

    /// Makes an imported definition visible in `module` (its own definitions win).
    fn bind(&mut self, module: u32, name: Sym, def: u32) {
        let is_type = self.defs[def as usize].kind.is_type();
        self.scope.entry((module, name, is_type)).or_insert(def);
    }

    /// The best definition named `name` anywhere: base modules first, then SMIv2, then
    /// load order; only types when `want_type`.
    fn global_candidate(&self, name: Sym, want_type: Option<bool>) -> Option<u32> {
        let lo = self
            .by_name
            .partition_point(|&d| self.defs[d as usize].name < name);
        let mut best: Option<(u8, u32)> = None;
        for &cur in &self.by_name[lo..] {
            let d = &self.defs[cur as usize];
            if d.name != name {
                break;
            }
            let is_type = d.kind.is_type();
            if want_type.is_none_or(|w| w == is_type) {
                let m = &self.modules[d.module.0 as usize];
                let rank = if m.builtin {
                    0
                } else if m.language == Language::Smiv2 {
                    1
                } else {
                    2
                };
                if best.is_none_or(|(r, _)| rank < r) {
                    best = Some((rank, cur));
                }
            }
        }
        best.map(|(_, d)| d)
    }

    fn bind_imports(&mut self) {
        let available: HashMap<Sym, u32> = self
            .modules
            .iter()
            .enumerate()
            .filter(|(_, m)| m.status != ModuleStatus::Missing)
            .map(|(i, m)| (m.name, i as u32))
            .collect();
        for m in 0..self.modules.len() as u32 {
            let imports = std::mem::take(&mut self.modules[m as usize].imports);
            let mut reported_missing: HashSet<Sym> = HashSet::new();
            let mut bound = imports.clone();
            for imp in &mut bound {
                let from = match available.get(&imp.from) {
                    Some(&f) => f,
                    None => {
                        let from_name = self.interner.get(imp.from).to_string();
                        let successors: Vec<u32> = module_alias(&from_name)
                            .iter()
                            .filter_map(|n| self.interner.lookup(n))
                            .filter_map(|s| available.get(&s).copied())
                            .collect();
                        if !successors.is_empty() {
                            if reported_missing.insert(imp.from) {
                                let names: Vec<&str> = successors
                                    .iter()
                                    .map(|&s| &*self.labels[s as usize])
                                    .collect();
                                let message = format!(
                                    "module {from_name} is obsolete; importing from {} instead",
                                    names.join(", ")
                                );
                                self.relaxed(Relaxation::ObsoleteModuleName, m, imp.pos, message);
                            }
                            let found = successors
                                .iter()
                                .find_map(|&s| self.in_module(s, imp.symbol))
                                .or_else(|| self.global_candidate(imp.symbol, None));
                            if let Some(d) = found {
                                imp.target = d;
                                self.bind(m, imp.symbol, d);
                            }
                            continue;
                        }
                        self.from_missing.insert((m, imp.symbol), imp.from);
                        if reported_missing.insert(imp.from) {
                            let d = self.push(
                                Severity::Error,
                                Code::ImportModuleMissing,
                                m,
                                imp.pos,
                                format!("Cannot find module ({from_name}) imported here: no file in the MIB directories defines it"),
                            );
                            d.hint = Some(format!(
                                "add the directory holding {from_name} with -M or MIBDIRS"
                            ));
                        }
                        // Symbols of a missing module are still found where they exist,
                        // as Net-SNMP finds labels in any loaded module.
                        if let Some(d) = self.global_candidate(imp.symbol, None) {
                            imp.target = d;
                            self.bind(m, imp.symbol, d);
                        }
                        continue;
                    }
                };
                if let Some(d) = self.in_module(from, imp.symbol) {
                    imp.target = d;
                    self.bind(m, imp.symbol, d);
                    // A module may export a type and a value of the same name.
                    if let Some(&t) = self.scope.get(&(from, imp.symbol, true)) {
                        self.bind(m, imp.symbol, t);
                    }
                    continue;
                }
                let sym_name = self.interner.get(imp.symbol).to_string();
                let from_name = self.interner.get(imp.from).to_string();
                match self.global_candidate(imp.symbol, None) {
                    Some(d) => {
                        imp.target = d;
                        self.bind(m, imp.symbol, d);
                        let hint = self.where_defined(d);
                        self.relaxed(
                            Relaxation::ImportFromWrongModule,
                            m,
                            imp.pos,
                            format!("'{sym_name}' is imported from {from_name}, which does not define it"),
                        )
                        .hint = Some(hint);
                    }
                    None if is_keyword(&sym_name) => {
                        self.relaxed(
                            Relaxation::KeywordImported,
                            m,
                            imp.pos,
                            format!("'{sym_name}' is an SMI keyword, not a symbol of {from_name}; the import is ignored"),
                        );
                    }
                    None => {
                        self.push(
                            Severity::Error,
                            Code::ImportSymbolMissing,
                            m,
                            imp.pos,
                            format!("'{sym_name}' is imported from {from_name}, which does not define it"),
                        )
                        .hint = Some(format!(
                            "no loaded module defines {sym_name}; it may be in a newer revision of {from_name}"
                        ));
                    }
                }
            }
            self.modules[m as usize].imports = bound;
        }
    }

    /// Looks `name` up from inside `module`.
    fn find(&self, module: u32, name: Sym, want_type: Option<bool>) -> Found {
        let in_scope = match want_type {
            Some(t) => self.scope.get(&(module, name, t)).copied(),
            None => self.in_module(module, name),
        };
        if let Some(d) = in_scope {
            return Found::InScope(d);
        }
        match self.global_candidate(name, want_type) {
            Some(d) => Found::Elsewhere(d),
            None => Found::Missing,
        }
    }

    /// Reports a name used without import (once per module and name).
    fn report_unimported(&mut self, module: u32, name: Sym, pos: Pos, def: u32) {
        if !self.reported.insert((module, name)) {
            return;
        }
        // Symbols of a missing module were already reported with the module.
        if self.from_missing.contains_key(&(module, name)) {
            return;
        }
        let hint = self.where_defined(def);
        let text = self.interner.get(name).to_string();
        self.relaxed(
            Relaxation::MissingImport,
            module,
            pos,
            format!("'{text}' is used but not imported"),
        )
        .hint = Some(format!("{hint}; add it to IMPORTS"));
    }

    // ----- the OID tree --------------------------------------------------------------------

    fn make_roots(&mut self) {
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

    fn child(&mut self, parent: u32, arc: u32) -> u32 {
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

    fn depth(&self, mut node: u32) -> usize {
        let mut n = 0;
        while node != 0 && node != NONE {
            n += 1;
            node = self.nodes[node as usize].parent;
        }
        n
    }

    /// Computes the node of definition `d` (RFC 2578 section 3.5: OID values name their
    /// parent, then arcs). Returns `None` when it cannot be placed; reports why once.
    fn resolve_oid(&mut self, d: u32, depth: usize) -> Option<u32> {
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
    fn parent_node(
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
    fn attach(&mut self, d: u32, node: u32) {
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

    fn is_v2(&self, d: u32) -> bool {
        self.modules[self.defs[d as usize].module.0 as usize].language == Language::Smiv2
    }

    // ----- types ---------------------------------------------------------------------------

    fn resolve_types(&mut self) {
        for d in 0..self.defs.len() {
            let syntax = self.defs[d].syntax;
            if syntax != NONE {
                let module = self.defs[d].module.0;
                self.resolve_syntax(module, syntax, 0);
            }
        }
    }

    fn resolve_syntax(&mut self, module: u32, idx: u32, depth: usize) {
        if depth > 16 {
            return;
        }
        let Some(s) = self.arenas.syntaxes.get(idx as usize).copied() else {
            return;
        };
        match s.kind {
            SyntaxKind::Named(name) => {
                let target = self.type_target(module, name, Pos::new(s.line, 0));
                self.arenas.syntaxes[idx as usize].target = target;
            }

            SyntaxKind::SequenceOf(name) => {
                // The row type must exist; a missing one is only worth a warning.
                if matches!(self.find(module, name, Some(true)), Found::Missing) {
                    let text = self.interner.get(name).to_string();
                    self.relaxed(
                        Relaxation::UnknownType,
                        module,
                        Pos::new(s.line, 0),
                        format!("SEQUENCE OF names unknown row type '{text}'"),
                    );
                }
            }
            _ => {}
        }
    }

    fn type_target(&mut self, module: u32, name: Sym, pos: Pos) -> TypeTarget {
        let d = match self.find(module, name, Some(true)) {
            Found::InScope(d) => d,
            Found::Elsewhere(d) => {
                self.report_unimported(module, name, pos, d);
                d
            }
            Found::Missing => {
                let text = self.interner.get(name).to_string();
                if !self.reported.insert((module, name)) {
                    return TypeTarget::Unresolved;
                }
                let message = match self.from_missing.get(&(module, name)) {
                    Some(&from) => format!(
                        "type '{text}' comes from module {}, which was not found",
                        self.interner.get(from)
                    ),
                    None => format!("SYNTAX names unknown type '{text}'"),
                };
                let d = self.relaxed(Relaxation::UnknownType, module, pos, message);
                d.hint = Some(
                    "the object is kept with an unresolved type; load the module defining the type"
                        .into(),
                );
                return TypeTarget::Unresolved;
            }
        };
        let def = &self.defs[d as usize];
        if !def.kind.is_type() || def.kind == DefKind::Macro {
            return TypeTarget::Unresolved;
        }
        let def_module = &self.modules[def.module.0 as usize];
        if def_module.builtin {
            if let Some(b) = BaseType::from_base_module_name(self.interner.get(def.name)) {
                return TypeTarget::Base(b);
            }
        }
        TypeTarget::Def(DefId(d))
    }

    // ----- INDEX, AUGMENTS, OBJECTS ---------------------------------------------------------

    fn resolve_refs(&mut self) {
        for d in 0..self.defs.len() {
            let def = &self.defs[d];
            let module = def.module.0;
            let is_index = !def.index().is_empty();
            let lists: [(Slice, bool); 1] = [(def.refs, is_index)];
            for (slice, is_index) in lists {
                for i in slice.range() {
                    let r = self.arenas.refs[i];
                    let target = match self.find(module, r.name, Some(false)) {
                        Found::InScope(t) => Some(t),
                        Found::Elsewhere(t) => {
                            self.report_unimported(module, r.name, Pos::new(r.line, 0), t);
                            Some(t)
                        }
                        Found::Missing => None,
                    };
                    match target {
                        Some(t) => self.arenas.refs[i].target = t,
                        None => {
                            let text = self.interner.get(r.name);
                            // SMIv1 may index by a type (INDEX { INTEGER }, { OCTET STRING }).
                            let is_type_name = is_index
                                && (text.contains(' ')
                                    || text.starts_with(|c: char| c.is_ascii_uppercase()));
                            if !is_type_name && self.reported.insert((module, r.name)) {
                                let text = text.to_string();
                                self.push(
                                    Severity::Warning,
                                    Code::UnresolvedReference,
                                    module,
                                    Pos::new(r.line, 0),
                                    format!("'{text}' is not defined in or imported by this module, nor by any loaded module"),
                                );
                            }
                        }
                    }
                }
            }
        }
    }

    // ----- statuses and output --------------------------------------------------------------

    fn set_statuses(&mut self) {
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

    fn into_mib(mut self) -> Mib {
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
}

impl Linker {
    /// OID values as written are only needed to build the tree; keep the components DEFVAL
    /// values use and free the rest.
    fn drop_oid_values(&mut self) {
        let mut kept = Vec::new();
        for v in &mut self.arenas.defvals {
            if let super::ast::DefVal::Oid(sl) = v {
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

/// Lays the tree out in OID order (preorder), dropping nodes that carry no name and lead to
/// none; returns the nodes, the children array and the old-to-new id map.
fn finalize_tree(build: &[BuildNode]) -> (Vec<Node>, Vec<u32>, Vec<u32>) {
    let n = build.len();
    // Children of each node, sorted by arc (CSR over old ids).
    let parents: Vec<u32> = build.iter().map(|b| b.parent).collect();
    let (count, mut kids) = super::tree::group_children(&parents);
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
