//! `DefRef`: a definition with the accessors a renderer or browser needs (kind, access,
//! status, description, INDEX, AUGMENTS, DEFVAL, object class).

use super::{Mib, NodeRef};
use crate::mib::ast::{
    Access, BaseType, Def, DefId, DefKind, DefVal, ModuleId, NameRef, SourceId, Status, SyntaxKind,
    TextRef,
};
use crate::proto::Oid;

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

/// A definition, with accessors for everything a renderer or browser needs.
#[derive(Clone, Copy)]
pub struct DefRef<'a> {
    pub(super) mib: &'a Mib,
    pub(super) id: DefId,
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
    pub fn pos(&self) -> crate::mib::diag::Pos {
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

    fn extra(&self) -> Option<&'a crate::mib::ast::DefExtra> {
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
                        crate::mib::ast::OidComponent::Name(s, _) => i.get(s).to_string(),
                        crate::mib::ast::OidComponent::Number(n) => n.to_string(),
                        crate::mib::ast::OidComponent::NamedNumber(s, n) => {
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
