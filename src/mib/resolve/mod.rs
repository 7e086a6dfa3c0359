//! The compiler driver and resolver: takes sources (path, bytes), parses them, asks for the
//! modules their IMPORTS need, then links everything into a `Mib`: imports bound by module
//! name, OIDs computed into the tree, SYNTAX names resolved to textual conventions and base
//! types, INDEX/AUGMENTS/OBJECTS resolved to definitions, and a status for each module.
//!
//! Sans-IO in the quinn-proto manner: the caller feeds bytes and answers `wanted()` (the
//! module names still needed); no file is ever opened here. One broken module never stops
//! the others: each problem becomes a diagnostic on its module, and whatever can be linked
//! is linked.
//!
//! This file holds the `Compiler` (sources in, the closure of what is requested) and the
//! `Linker`'s state; the passes, in order: `imports` (scopes, IMPORTS), `oids` (the tree),
//! `types` (SYNTAX, INDEX/AUGMENTS/OBJECTS), `finish` (statuses, the `Mib`).

mod finish;
mod imports;
mod oids;
mod types;

use std::collections::HashSet;

use hashbrown::HashMap;
use std::sync::Arc;

use crate::mib::ast::{Arenas, Def, Module, ModuleId, SourceId};
use crate::mib::builtin::{BASE_MODULES, module_alias};
use crate::mib::diag::{Code, DiagSink, Pos, RelaxationSet, Severity};
use crate::mib::intern::{Interner, Sym};
use crate::mib::lexer::Token;
use crate::mib::parser::{ParseOutput, parse_source};
use crate::mib::tree::{Mib, SourceEntry, SourceText};

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
