//! SYNTAX resolved through the textual-convention chain to base types, and INDEX,
//! AUGMENTS and OBJECTS references to definitions.

use crate::mib::ast::{BaseType, DefId, DefKind, NONE, Slice, SyntaxKind, TypeTarget};
use crate::mib::diag::{Code, Pos, Relaxation, Severity};
use crate::mib::intern::Sym;

use super::{Found, Linker};

impl Linker {
    // ----- types ---------------------------------------------------------------------------

    pub(super) fn resolve_types(&mut self) {
        for d in 0..self.defs.len() {
            let syntax = self.defs[d].syntax;
            if syntax != NONE {
                let module = self.defs[d].module.0;
                self.resolve_syntax(module, syntax, 0);
            }
        }
    }

    pub(super) fn resolve_syntax(&mut self, module: u32, idx: u32, depth: usize) {
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

    pub(super) fn type_target(&mut self, module: u32, name: Sym, pos: Pos) -> TypeTarget {
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

    pub(super) fn resolve_refs(&mut self) {
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
}
