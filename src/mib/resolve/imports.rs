//! The link's first steps: `Linker::run` (the pass order), scopes (each module's definitions
//! and imports) and IMPORTS bound by module name, with the fallbacks and hints for names used
//! without import.

use std::collections::HashSet;

use hashbrown::HashMap;
use std::sync::Arc;

use crate::mib::ast::{Language, Module, ModuleId, ModuleStatus};
use crate::mib::builtin::{ROOTS, is_keyword, module_alias};
use crate::mib::diag::{Code, Diagnostic, Pos, Relaxation, Severity};
use crate::mib::intern::Sym;
use crate::mib::tree::Mib;

use super::{Compiler, Found, Linker, OidState};

impl Linker {
    pub(super) fn run(c: Compiler) -> Mib {
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
            by_name: crate::mib::tree::sorted_by_name(&new_modules, &new_defs),
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

    pub(super) fn file_of(&self, module: u32) -> Arc<str> {
        self.modules[module as usize]
            .source
            .map(|s| Arc::clone(&self.sources[s.0 as usize].path))
            .unwrap_or_else(|| Arc::from("<none>"))
    }

    pub(super) fn push(
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

    pub(super) fn relaxed(
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
    pub(super) fn where_defined(&self, def: u32) -> String {
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
    pub(super) fn build_scopes(&mut self) {
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
    pub(super) fn in_module(&self, module: u32, name: Sym) -> Option<u32> {
        self.scope
            .get(&(module, name, false))
            .or_else(|| self.scope.get(&(module, name, true)))
            .copied()
    }

    /// Makes an imported definition visible in `module` (its own definitions win).
    pub(super) fn bind(&mut self, module: u32, name: Sym, def: u32) {
        let is_type = self.defs[def as usize].kind.is_type();
        self.scope.entry((module, name, is_type)).or_insert(def);
    }

    /// The best definition named `name` anywhere: base modules first, then SMIv2, then
    /// load order; only types when `want_type`.
    pub(super) fn global_candidate(&self, name: Sym, want_type: Option<bool>) -> Option<u32> {
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

    pub(super) fn bind_imports(&mut self) {
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
    pub(super) fn find(&self, module: u32, name: Sym, want_type: Option<bool>) -> Found {
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
    pub(super) fn report_unimported(&mut self, module: u32, name: Sym, pos: Pos, def: u32) {
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
}
