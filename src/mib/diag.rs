//! Diagnostics of the MIB compiler: severity, a stable code, file:line:col, a message that
//! names the cause and, where we know one, a hint saying what to do. Also the named
//! relaxations: vendor mistakes the compiler accepts with a warning unless told to be strict.
//!
//! As libsmi (error.c) does, every problem gets a tag that never changes between releases, so
//! users and scripts can filter on it; unlike libsmi nothing here ever stops the process.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

/// How bad a problem is. Modules with an `Error` are `Failed`; with a `Warning`, loaded with
/// warnings. Notes never change a module's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// A 1-based line and column (in bytes) in a source file. Line 0 means the file as a whole;
/// column 0, the line as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

impl Pos {
    pub const FILE: Pos = Pos { line: 0, col: 0 };

    pub fn new(line: u32, col: u32) -> Self {
        Pos { line, col }
    }
}

/// Vendor mistakes the compiler can accept. Each has a stable name (its diagnostic code);
/// `CompileOptions::strict` turns every one of them into an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Relaxation {
    /// SMIv1 constructs in an SMIv2 module or the reverse (ACCESS in a module importing
    /// SNMPv2-SMI, `mandatory` status, Counter/Gauge, TRAP-TYPE beside NOTIFICATION-TYPE).
    SmiMixed,
    /// A comma before FROM in IMPORTS, or after the last item of a list.
    TrailingComma,
    /// IMPORTS not closed by `;`.
    MissingSemicolon,
    /// A value (object, enum label) named with a leading capital (RFC 2578 section 3.1 wants
    /// lowercase).
    UppercaseValueName,
    /// A type or module named with a leading lowercase letter.
    LowercaseTypeName,
    /// `_` in an identifier (RFC 2578 section 3.1 allows letters, digits and hyphens).
    UnderscoreInName,
    /// A symbol used without being imported, found in another loaded module.
    MissingImport,
    /// A symbol imported from a module that does not define it, found in another module.
    ImportFromWrongModule,
    /// A SYNTAX naming a type no loaded module defines; the object is kept with an
    /// unresolved type.
    UnknownType,
    /// A byte that cannot start any token, skipped.
    StrayCharacter,
    /// A module without its closing END.
    MissingEnd,
    /// A clause the macro requires is absent (SMIv2 DESCRIPTION, STATUS, ...).
    MissingClause,
    /// An ACCESS/MAX-ACCESS or STATUS value that is not one of the keywords of the SMI.
    UnknownKeywordValue,
    /// The same name defined twice in one module; both are placed, references mean the
    /// later one (as in Net-SNMP).
    DuplicateDefinition,
    /// Items of an enumeration or SEQUENCE not separated by commas.
    MissingComma,
    /// An enumeration label starting with a digit (`80211b(3)`).
    DigitLeadingName,
    /// An ASN.1 keyword (BITS, INTEGER) listed in IMPORTS; ignored.
    KeywordImported,
    /// IMPORTS from an obsolete module name (RFC-1213, RFC1158-MIB) whose definitions now
    /// live in other modules; the import is redirected as Net-SNMP does (parse.c
    /// `module_map`).
    ObsoleteModuleName,
    /// A SYNTAX of `SEQUENCE OF` something that is not a row type (`SEQUENCE OF INTEGER`,
    /// `SEQUENCE OF OCTET STRING`, `SEQUENCE OF Integer32`): RFC 2578 section 7.1.12 has a
    /// table's SYNTAX name its row's SEQUENCE. The object is kept as a table without rows.
    SequenceOfBuiltin,
}

impl Relaxation {
    pub const ALL: [Relaxation; 19] = [
        Relaxation::SmiMixed,
        Relaxation::TrailingComma,
        Relaxation::MissingSemicolon,
        Relaxation::UppercaseValueName,
        Relaxation::LowercaseTypeName,
        Relaxation::UnderscoreInName,
        Relaxation::MissingImport,
        Relaxation::ImportFromWrongModule,
        Relaxation::UnknownType,
        Relaxation::StrayCharacter,
        Relaxation::MissingEnd,
        Relaxation::MissingClause,
        Relaxation::UnknownKeywordValue,
        Relaxation::DuplicateDefinition,
        Relaxation::MissingComma,
        Relaxation::DigitLeadingName,
        Relaxation::KeywordImported,
        Relaxation::ObsoleteModuleName,
        Relaxation::SequenceOfBuiltin,
    ];

    /// The stable name, also the diagnostic code.
    pub fn name(self) -> &'static str {
        match self {
            Relaxation::SmiMixed => "smi-mixed",
            Relaxation::TrailingComma => "trailing-comma",
            Relaxation::MissingSemicolon => "missing-semicolon",
            Relaxation::UppercaseValueName => "uppercase-value-name",
            Relaxation::LowercaseTypeName => "lowercase-type-name",
            Relaxation::UnderscoreInName => "underscore-in-name",
            Relaxation::MissingImport => "missing-import",
            Relaxation::ImportFromWrongModule => "import-from-wrong-module",
            Relaxation::UnknownType => "unknown-type",
            Relaxation::StrayCharacter => "stray-character",
            Relaxation::MissingEnd => "missing-end",
            Relaxation::MissingClause => "missing-clause",
            Relaxation::UnknownKeywordValue => "unknown-keyword-value",
            Relaxation::DuplicateDefinition => "duplicate-definition",
            Relaxation::MissingComma => "missing-comma",
            Relaxation::DigitLeadingName => "digit-leading-name",
            Relaxation::KeywordImported => "keyword-imported",
            Relaxation::ObsoleteModuleName => "obsolete-module-name",
            Relaxation::SequenceOfBuiltin => "sequence-of-builtin",
        }
    }

    pub fn from_name(name: &str) -> Option<Relaxation> {
        Relaxation::ALL.into_iter().find(|r| r.name() == name)
    }

    fn bit(self) -> u32 {
        1 << (self as u32)
    }
}

/// Which relaxations are allowed. The default allows all of them; `none()` is strict mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RelaxationSet(u32);

impl Default for RelaxationSet {
    fn default() -> Self {
        RelaxationSet::all()
    }
}

impl RelaxationSet {
    pub fn all() -> Self {
        RelaxationSet(Relaxation::ALL.iter().fold(0, |acc, r| acc | r.bit()))
    }

    pub fn none() -> Self {
        RelaxationSet(0)
    }

    pub fn allows(self, r: Relaxation) -> bool {
        self.0 & r.bit() != 0
    }

    pub fn with(self, r: Relaxation) -> Self {
        RelaxationSet(self.0 | r.bit())
    }

    pub fn without(self, r: Relaxation) -> Self {
        RelaxationSet(self.0 & !r.bit())
    }
}

/// What went wrong; `as_str` is the stable code printed with each diagnostic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Code {
    /// A vendor mistake accepted (warning) or refused (error, strict mode).
    Relaxed(Relaxation),
    /// A quoted string runs to the end of the file.
    UnterminatedString,
    /// A `'...'H` or `'...'B` literal with bad digits or no suffix.
    BadQuotedLiteral,
    /// A token the grammar does not allow here.
    SyntaxError,
    /// A number too large for its place (an OID arc above 4294967295, say).
    BadNumber,
    /// The file holds no `NAME DEFINITIONS ::= BEGIN`.
    NoModule,
    /// IMPORTS names a module that was not found in any MIB directory.
    ImportModuleMissing,
    /// IMPORTS names a symbol that its module (and every other loaded module) lacks.
    ImportSymbolMissing,
    /// A definition whose OID cannot be computed because a name in it is unknown.
    UnresolvedOid,
    /// OID definitions that refer to each other in a loop.
    OidCycle,
    /// An INDEX, AUGMENTS, OBJECTS or NOTIFICATIONS entry naming an unknown object.
    UnresolvedReference,
    /// A module name seen in two files; the first one is used.
    DuplicateModule,
    /// A module asked for (with -m or MIBS) that no file defines.
    ModuleNotFound,
    /// A file defines a base module (SNMPv2-SMI, ...) that mibscope has built in; the built-in
    /// one is used.
    BuiltinShadowed,
    /// A module imports from a module that failed to load.
    ImportFromFailedModule,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Relaxed(r) => r.name(),
            Code::UnterminatedString => "unterminated-string",
            Code::BadQuotedLiteral => "bad-quoted-literal",
            Code::SyntaxError => "syntax-error",
            Code::BadNumber => "bad-number",
            Code::NoModule => "no-module",
            Code::ImportModuleMissing => "import-module-missing",
            Code::ImportSymbolMissing => "import-symbol-missing",
            Code::UnresolvedOid => "unresolved-oid",
            Code::OidCycle => "oid-cycle",
            Code::UnresolvedReference => "unresolved-reference",
            Code::DuplicateModule => "duplicate-module",
            Code::ModuleNotFound => "module-not-found",
            Code::BuiltinShadowed => "builtin-shadowed",
            Code::ImportFromFailedModule => "import-from-failed-module",
        }
    }

    /// Every code, for documentation and the cache decoder.
    pub fn all() -> impl Iterator<Item = Code> {
        Relaxation::ALL.into_iter().map(Code::Relaxed).chain([
            Code::UnterminatedString,
            Code::BadQuotedLiteral,
            Code::SyntaxError,
            Code::BadNumber,
            Code::NoModule,
            Code::ImportModuleMissing,
            Code::ImportSymbolMissing,
            Code::UnresolvedOid,
            Code::OidCycle,
            Code::UnresolvedReference,
            Code::DuplicateModule,
            Code::ModuleNotFound,
            Code::BuiltinShadowed,
            Code::ImportFromFailedModule,
        ])
    }

    pub fn from_str_code(s: &str) -> Option<Code> {
        Code::all().find(|c| c.as_str() == s)
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One problem found while compiling.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: Code,
    /// The file, as given to the compiler.
    pub file: Arc<str>,
    pub pos: Pos,
    /// The module the problem belongs to, when known.
    pub module: Option<Arc<str>>,
    pub message: String,
    /// What to do about it, or where a missing symbol lives.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl fmt::Display for Diagnostic {
    /// `file:line:col: severity[code]: message (hint)`, the format of compilers and editors.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.pos.line == 0 {
            write!(f, "{}: ", self.file)?;
        } else if self.pos.col == 0 {
            write!(f, "{}:{}: ", self.file, self.pos.line)?;
        } else {
            write!(f, "{}:{}:{}: ", self.file, self.pos.line, self.pos.col)?;
        }
        write!(
            f,
            "{}[{}]: {}",
            self.severity,
            self.code.as_str(),
            self.message
        )?;
        if let Some(hint) = &self.hint {
            write!(f, " ({hint})")?;
        }
        Ok(())
    }
}

/// Collects diagnostics for one compile, applying the relaxation policy.
#[derive(Debug, Default)]
pub(crate) struct DiagSink {
    pub(crate) items: Vec<Diagnostic>,
    pub(crate) allowed: RelaxationSet,
}

impl DiagSink {
    pub(crate) fn new(allowed: RelaxationSet) -> Self {
        DiagSink {
            items: Vec::new(),
            allowed,
        }
    }

    pub(crate) fn push(
        &mut self,
        severity: Severity,
        code: Code,
        file: &Arc<str>,
        pos: Pos,
        module: Option<&Arc<str>>,
        message: String,
    ) -> &mut Diagnostic {
        self.items.push(Diagnostic {
            severity,
            code,
            file: Arc::clone(file),
            pos,
            module: module.cloned(),
            message,
            hint: None,
        });
        let last = self.items.len() - 1;
        &mut self.items[last]
    }

    /// A relaxation: a warning when allowed, an error in strict mode.
    pub(crate) fn relaxed(
        &mut self,
        r: Relaxation,
        file: &Arc<str>,
        pos: Pos,
        module: Option<&Arc<str>>,
        message: String,
    ) -> &mut Diagnostic {
        let severity = if self.allowed.allows(r) {
            Severity::Warning
        } else {
            Severity::Error
        };
        self.push(severity, Code::Relaxed(r), file, pos, module, message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_round_trip() {
        let codes: Vec<Code> = Code::all().collect();
        for c in &codes {
            assert_eq!(Code::from_str_code(c.as_str()), Some(*c));
        }
        let mut names: Vec<&str> = codes.iter().map(|c| c.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), codes.len());
    }

    #[test]
    fn strict_turns_relaxations_into_errors() {
        let file: Arc<str> = "X.mib".into();
        let mut lenient = DiagSink::new(RelaxationSet::all());
        lenient.relaxed(
            Relaxation::TrailingComma,
            &file,
            Pos::new(3, 4),
            None,
            "x".into(),
        );
        assert_eq!(lenient.items[0].severity, Severity::Warning);
        let mut strict = DiagSink::new(RelaxationSet::none());
        strict.relaxed(
            Relaxation::TrailingComma,
            &file,
            Pos::new(3, 4),
            None,
            "x".into(),
        );
        assert_eq!(strict.items[0].severity, Severity::Error);
        assert_eq!(
            strict.items[0].to_string(),
            "X.mib:3:4: error[trailing-comma]: x"
        );
    }

    #[test]
    fn relaxation_names_round_trip() {
        for r in Relaxation::ALL {
            assert_eq!(Relaxation::from_name(r.name()), Some(r));
            assert!(RelaxationSet::all().allows(r));
            assert!(!RelaxationSet::none().allows(r));
        }
    }
}
