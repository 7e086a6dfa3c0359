//! What the parser produces, and what the compiled MIB keeps: modules, definitions and their
//! clauses, in flat arenas. The same records serve as the AST and as the final storage (the
//! resolver fills in the links), so the compiler never holds two copies of 2,500 modules, and
//! the disk cache is a handful of vectors.
//!
//! Descriptions and references are not copied: a `TextSpan` points into the source file and
//! is read back on demand (`Mib::text`, or the MIB store for files on disk).

use super::diag::Pos;
use super::intern::Sym;

/// Index of a source file given to the compiler.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SourceId(pub u32);

/// Index of a module in the compiled MIB.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ModuleId(pub u32);

/// Index of a definition in the compiled MIB.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DefId(pub u32);

/// Index of a node of the OID tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub u32);

/// "No link": the value stored in `u32` link fields that are not set.
pub(crate) const NONE: u32 = u32::MAX;

/// A run of items in one of the arenas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Slice {
    pub start: u32,
    pub len: u32,
}

impl Slice {
    pub const EMPTY: Slice = Slice { start: 0, len: 0 };

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..(self.start as usize + self.len as usize)
    }

    pub fn is_empty(self) -> bool {
        self.len == 0
    }

    pub(crate) fn of<T>(arena: &[T], start: usize) -> Slice {
        Slice {
            start: start as u32,
            len: (arena.len() - start) as u32,
        }
    }
}

/// A quoted string in a module's source: byte range of its contents, quotes excluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextSpan {
    pub start: u32,
    pub len: u32,
}

impl TextSpan {
    /// "No text" (the clause is absent): a start no source reaches.
    pub const NONE: TextSpan = TextSpan {
        start: u32::MAX,
        len: 0,
    };

    pub fn get(self) -> Option<TextSpan> {
        (self.start != u32::MAX).then_some(self)
    }
}

/// A quoted string in a given source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextRef {
    pub source: SourceId,
    pub span: TextSpan,
}

/// The SMI dialect of a module, from what it imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Language {
    /// RFC 1155, 1212, 1215.
    Smiv1,
    /// RFC 2578-2580.
    Smiv2,
    /// No import tells (plain value assignments only).
    Unknown,
}

/// What a definition is: which macro (or assignment) introduced it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DefKind {
    /// `name OBJECT IDENTIFIER ::= { ... }`
    ObjectIdentifier,
    /// RFC 2578 section 7 / RFC 1212 section 4.1.
    ObjectType,
    /// RFC 2578 section 6.
    ObjectIdentity,
    /// RFC 2578 section 5.
    ModuleIdentity,
    /// RFC 2578 section 8.
    NotificationType,
    /// RFC 1215 TRAP-TYPE; its OID is ENTERPRISE.0.number, as SNMPv2 maps traps (RFC 3584
    /// section 3).
    TrapType,
    /// RFC 2580 section 3.
    ObjectGroup,
    /// RFC 2580 section 4.
    NotificationGroup,
    /// RFC 2580 section 5.
    ModuleCompliance,
    /// RFC 2580 section 6.
    AgentCapabilities,
    /// RFC 2579 section 2.
    TextualConvention,
    /// `Name ::= Type` (SEQUENCE row types, SMIv1 types like DisplayString).
    TypeAssignment,
    /// A MACRO definition (body skipped); only the base modules define these.
    Macro,
    /// Another value assignment (`name INTEGER ::= 5`), kept for completeness.
    Value,
}

impl DefKind {
    /// True for kinds that name a type rather than a value.
    pub fn is_type(self) -> bool {
        matches!(
            self,
            DefKind::TextualConvention | DefKind::TypeAssignment | DefKind::Macro
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DefKind::ObjectIdentifier => "OBJECT IDENTIFIER",
            DefKind::ObjectType => "OBJECT-TYPE",
            DefKind::ObjectIdentity => "OBJECT-IDENTITY",
            DefKind::ModuleIdentity => "MODULE-IDENTITY",
            DefKind::NotificationType => "NOTIFICATION-TYPE",
            DefKind::TrapType => "TRAP-TYPE",
            DefKind::ObjectGroup => "OBJECT-GROUP",
            DefKind::NotificationGroup => "NOTIFICATION-GROUP",
            DefKind::ModuleCompliance => "MODULE-COMPLIANCE",
            DefKind::AgentCapabilities => "AGENT-CAPABILITIES",
            DefKind::TextualConvention => "TEXTUAL-CONVENTION",
            DefKind::TypeAssignment => "type assignment",
            DefKind::Macro => "MACRO",
            DefKind::Value => "value assignment",
        }
    }

    pub(crate) const ALL: [DefKind; 14] = [
        DefKind::ObjectIdentifier,
        DefKind::ObjectType,
        DefKind::ObjectIdentity,
        DefKind::ModuleIdentity,
        DefKind::NotificationType,
        DefKind::TrapType,
        DefKind::ObjectGroup,
        DefKind::NotificationGroup,
        DefKind::ModuleCompliance,
        DefKind::AgentCapabilities,
        DefKind::TextualConvention,
        DefKind::TypeAssignment,
        DefKind::Macro,
        DefKind::Value,
    ];
}

/// MAX-ACCESS (RFC 2578 section 7.3), ACCESS (RFC 1212 section 4.1.3), MIN-ACCESS and the
/// ACCESS of AGENT-CAPABILITIES variations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Access {
    NotAccessible,
    AccessibleForNotify,
    ReadOnly,
    ReadWrite,
    ReadCreate,
    /// SMIv1 only.
    WriteOnly,
    /// AGENT-CAPABILITIES only.
    NotImplemented,
    /// A word the SMI does not define (the diagnostic quotes it).
    Other,
}

impl Access {
    pub fn from_keyword(word: &str) -> Option<Access> {
        Some(match word {
            "not-accessible" => Access::NotAccessible,
            "accessible-for-notify" => Access::AccessibleForNotify,
            "read-only" => Access::ReadOnly,
            "read-write" => Access::ReadWrite,
            "read-create" => Access::ReadCreate,
            "write-only" => Access::WriteOnly,
            "not-implemented" => Access::NotImplemented,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Access::NotAccessible => "not-accessible",
            Access::AccessibleForNotify => "accessible-for-notify",
            Access::ReadOnly => "read-only",
            Access::ReadWrite => "read-write",
            Access::ReadCreate => "read-create",
            Access::WriteOnly => "write-only",
            Access::NotImplemented => "not-implemented",
            Access::Other => "other",
        }
    }

    pub fn is_readable(self) -> bool {
        matches!(
            self,
            Access::ReadOnly | Access::ReadWrite | Access::ReadCreate
        )
    }

    pub fn is_writable(self) -> bool {
        matches!(
            self,
            Access::ReadWrite | Access::ReadCreate | Access::WriteOnly
        )
    }
}

/// STATUS (RFC 2578 section 7.4; RFC 1212 adds mandatory and optional).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    Current,
    Deprecated,
    Obsolete,
    /// SMIv1.
    Mandatory,
    /// SMIv1.
    Optional,
    /// A word the SMI does not define (the diagnostic quotes it).
    Other,
}

impl Status {
    pub fn from_keyword(word: &str) -> Option<Status> {
        Some(match word {
            "current" => Status::Current,
            "deprecated" => Status::Deprecated,
            "obsolete" => Status::Obsolete,
            "mandatory" => Status::Mandatory,
            "optional" => Status::Optional,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Current => "current",
            Status::Deprecated => "deprecated",
            Status::Obsolete => "obsolete",
            Status::Mandatory => "mandatory",
            Status::Optional => "optional",
            Status::Other => "other",
        }
    }
}

/// One component of an OID value: `iso`, `org(3)`, `6`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OidComponent {
    /// A name and the line it is on (for diagnostics).
    Name(Sym, u32),
    Number(u32),
    /// `name(number)`: the number places it, the name labels the node.
    NamedNumber(Sym, u32),
}

/// `name(value)`: an enumeration label (INTEGER) or a bit name (BITS).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NamedNumber {
    pub name: Sym,
    pub value: i64,
}

/// One range of a constraint: `lo..hi`, or a single value when equal. Wide enough for
/// Counter64 and negative Integer32 bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub lo: i128,
    pub hi: i128,
}

/// Which kind of constraint follows a type (RFC 2578 section 9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ConstraintKind {
    #[default]
    None,
    /// `(SIZE (0..255))`: octet counts.
    Size,
    /// `(1..10 | 20)`: values.
    Value,
}

/// The SMI types a value finally has on the wire (RFC 2578 section 7.1, RFC 1155 section
/// 3.2.3). Named types and textual conventions resolve down to one of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BaseType {
    /// INTEGER and Integer32 (the same type, RFC 2578 section 7.1.1).
    Integer32,
    OctetString,
    ObjectIdentifier,
    /// BITS: an OCTET STRING on the wire (RFC 2578 section 7.1.4).
    Bits,
    IpAddress,
    /// Counter32 and SMIv1 Counter.
    Counter32,
    /// Gauge32 and SMIv1 Gauge.
    Gauge32,
    /// The same wire type as Gauge32 (RFC 2578 section 7.1.11).
    Unsigned32,
    TimeTicks,
    Opaque,
    Counter64,
    /// SMIv1 NetworkAddress: a CHOICE whose only member is IpAddress (RFC 1155 3.2.3.1).
    NetworkAddress,
    /// A SEQUENCE (a row type).
    Sequence,
    /// SEQUENCE OF (a table type).
    SequenceOf,
    /// Another `[APPLICATION n]` type (drafts had NsapAddress = 5, UInteger32 = 7).
    Application(u8),
    /// The type could not be resolved (unknown name, missing module).
    Unresolved,
}

impl BaseType {
    /// The name Net-SNMP and the RFCs use for the type.
    pub fn as_str(self) -> &'static str {
        match self {
            BaseType::Integer32 => "INTEGER",
            BaseType::OctetString => "OCTET STRING",
            BaseType::ObjectIdentifier => "OBJECT IDENTIFIER",
            BaseType::Bits => "BITS",
            BaseType::IpAddress => "IpAddress",
            BaseType::Counter32 => "Counter32",
            BaseType::Gauge32 => "Gauge32",
            BaseType::Unsigned32 => "Unsigned32",
            BaseType::TimeTicks => "TimeTicks",
            BaseType::Opaque => "Opaque",
            BaseType::Counter64 => "Counter64",
            BaseType::NetworkAddress => "NetworkAddress",
            BaseType::Sequence => "SEQUENCE",
            BaseType::SequenceOf => "SEQUENCE OF",
            BaseType::Application(_) => "APPLICATION",
            BaseType::Unresolved => "unresolved",
        }
    }

    /// The base type a name in a base module (SNMPv2-SMI, RFC1155-SMI) stands for.
    pub(crate) fn from_base_module_name(name: &str) -> Option<BaseType> {
        Some(match name {
            "Integer32" => BaseType::Integer32,
            "IpAddress" => BaseType::IpAddress,
            "Counter32" | "Counter" => BaseType::Counter32,
            "Gauge32" | "Gauge" => BaseType::Gauge32,
            "Unsigned32" => BaseType::Unsigned32,
            "TimeTicks" => BaseType::TimeTicks,
            "Opaque" => BaseType::Opaque,
            "Counter64" => BaseType::Counter64,
            "NetworkAddress" => BaseType::NetworkAddress,
            _ => return None,
        })
    }
}

/// The type as written, before resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyntaxKind {
    Integer,
    OctetString,
    ObjectIdentifier,
    Bits,
    Null,
    /// A named type: a TC, a type assignment, an SMI application type.
    Named(Sym),
    /// `SEQUENCE OF Entry`.
    SequenceOf(Sym),
    /// `SEQUENCE { name Type, ... }`: a row type. Its items repeat the columns' own
    /// SYNTAX, so they are checked by the parser but not kept.
    Sequence,
    /// `CHOICE { ... }` (only the base modules use it).
    Choice,
}

/// Where a named type leads, once resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeTarget {
    /// Not resolved (yet, or ever).
    Unresolved,
    /// A base type directly.
    Base(BaseType),
    /// A textual convention or type assignment.
    Def(DefId),
}

/// A SYNTAX: the type, its enumerations or bits, and its constraint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Syntax {
    pub kind: SyntaxKind,
    /// Enumeration labels (INTEGER) or bit names (BITS).
    pub named: Slice,
    pub ranges: Slice,
    pub target: TypeTarget,
    /// The line of the SYNTAX (for diagnostics).
    pub line: u32,
    /// `[APPLICATION n]` (base modules only); `NO_TAG` when absent.
    pub app_tag: u8,
    pub constraint: ConstraintKind,
}

/// `Syntax::app_tag` when the type has no tag.
pub const NO_TAG: u8 = u8::MAX;

/// A name used in INDEX, AUGMENTS, OBJECTS, VARIABLES, NOTIFICATIONS, MANDATORY-GROUPS,
/// with the definition it resolves to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NameRef {
    pub name: Sym,
    /// INDEX { IMPLIED name } (RFC 2578 section 7.7).
    pub implied: bool,
    /// The line of the name (for diagnostics).
    pub line: u32,
    /// The definition, or `NONE`.
    pub(crate) target: u32,
}

impl NameRef {
    pub fn target(&self) -> Option<DefId> {
        (self.target != NONE).then_some(DefId(self.target))
    }
}

/// DEFVAL (RFC 2578 section 7.9), as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefVal {
    Integer(i128),
    /// A quoted string (its contents).
    String(Sym),
    /// `'...'H` digits.
    Hex(Sym),
    /// `'...'B` digits.
    Binary(Sym),
    /// An enumeration label or an OID name.
    Name(Sym),
    /// `{ bit, bit }` (names in `Arenas::refs`).
    Bits(Slice),
    /// `{ 1 3 6 }` or `{ name 1 }` (components in `Arenas::oids`).
    Oid(Slice),
}

/// `Def::flags`: `refs` holds the AUGMENTS target rather than INDEX items.
pub(crate) const FLAG_AUGMENTS: u8 = 1;

/// One definition with its clauses. Fields that a kind does not have stay empty.
#[derive(Debug, Clone, PartialEq)]
pub struct Def {
    pub name: Sym,
    pub module: ModuleId,
    pub pos: Pos,
    /// The OID value (`::= { parent 3 }`); for TRAP-TYPE, ENTERPRISE then 0 then the number.
    pub oid: Slice,
    /// Index into `Arenas::syntaxes`, or `NONE`.
    pub(crate) syntax: u32,
    pub(crate) description: TextSpan,
    /// Index into `Arenas::extras` (the clauses few definitions have), or `NONE`.
    pub(crate) extra: u32,
    /// Names in `Arenas::refs`: INDEX items or the AUGMENTS target (OBJECT-TYPE, see
    /// `flags`), OBJECTS / VARIABLES / NOTIFICATIONS, MANDATORY-GROUPS and GROUP, INCLUDES.
    pub(crate) refs: Slice,
    /// The tree node, once the OID is resolved; `NONE` otherwise.
    pub(crate) node: u32,
    /// The next definition of the same node (another module defining the same OID).
    pub(crate) next_at_node: u32,
    pub kind: DefKind,
    pub access: Option<Access>,
    pub status: Option<Status>,
    pub(crate) flags: u8,
}

impl Def {
    pub(crate) fn new(name: Sym, module: ModuleId, pos: Pos, kind: DefKind) -> Def {
        Def {
            name,
            module,
            pos,
            oid: Slice::EMPTY,
            syntax: NONE,
            description: TextSpan::NONE,
            extra: NONE,
            refs: Slice::EMPTY,
            node: NONE,
            next_at_node: NONE,
            kind,
            access: None,
            status: None,
            flags: 0,
        }
    }

    pub fn node(&self) -> Option<NodeId> {
        (self.node != NONE).then_some(NodeId(self.node))
    }

    /// INDEX items (OBJECT-TYPE rows).
    pub(crate) fn index(&self) -> Slice {
        if self.kind == DefKind::ObjectType && self.flags & FLAG_AUGMENTS == 0 {
            self.refs
        } else {
            Slice::EMPTY
        }
    }

    /// The AUGMENTS item (OBJECT-TYPE rows).
    pub(crate) fn augments(&self) -> Slice {
        if self.flags & FLAG_AUGMENTS != 0 {
            self.refs
        } else {
            Slice::EMPTY
        }
    }

    /// OBJECTS, VARIABLES, NOTIFICATIONS, groups of other macros.
    pub(crate) fn objects(&self) -> Slice {
        if self.kind == DefKind::ObjectType {
            Slice::EMPTY
        } else {
            self.refs
        }
    }
}

/// The clauses few definitions have, kept aside to keep `Def` small.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DefExtra {
    pub units: Option<Sym>,
    pub display_hint: Option<Sym>,
    pub reference: TextSpan,
    /// Index into `Arenas::defvals`, or `NONE`.
    pub defval: u32,
}

impl Default for DefExtra {
    fn default() -> Self {
        DefExtra {
            units: None,
            display_hint: None,
            reference: TextSpan::NONE,
            defval: NONE,
        }
    }
}

/// One IMPORTS item: `symbol FROM module`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Import {
    pub symbol: Sym,
    pub from: Sym,
    pub pos: Pos,
    /// The definition it resolved to, or `NONE`.
    pub(crate) target: u32,
}

/// REVISION clause of a MODULE-IDENTITY.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Revision {
    pub date: Sym,
    pub description: Option<TextSpan>,
}

/// What became of a module.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ModuleStatus {
    Loaded,
    LoadedWithWarnings,
    /// It has errors. Without `strict`, the definitions that parsed are still in the tree.
    Failed,
    /// Imported or asked for, but no file defines it.
    Missing,
}

impl ModuleStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ModuleStatus::Loaded => "loaded",
            ModuleStatus::LoadedWithWarnings => "loaded-with-warnings",
            ModuleStatus::Failed => "failed",
            ModuleStatus::Missing => "missing",
        }
    }

    pub fn is_loaded(self) -> bool {
        matches!(
            self,
            ModuleStatus::Loaded | ModuleStatus::LoadedWithWarnings
        )
    }
}

/// A module: its header, imports and the range of its definitions.
#[derive(Debug, Clone, PartialEq)]
pub struct Module {
    pub name: Sym,
    /// The file it came from (`None` for a missing module).
    pub source: Option<SourceId>,
    pub pos: Pos,
    pub language: Language,
    pub imports: Vec<Import>,
    /// Its definitions: `DefId(defs.start) .. DefId(defs.end)`.
    pub defs: std::ops::Range<u32>,
    pub last_updated: Option<Sym>,
    pub organization: Option<TextSpan>,
    pub contact_info: Option<TextSpan>,
    pub revisions: Vec<Revision>,
    pub status: ModuleStatus,
    /// One of the base modules compiled into mibscope.
    pub builtin: bool,
    /// Failed and left out of the tree (strict mode).
    pub dropped: bool,
}

/// The arenas that definitions point into.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Arenas {
    pub oids: Vec<OidComponent>,
    pub named: Vec<NamedNumber>,
    pub ranges: Vec<Range>,
    pub syntaxes: Vec<Syntax>,
    pub refs: Vec<NameRef>,
    pub defvals: Vec<DefVal>,
    pub extras: Vec<DefExtra>,
}

impl Arenas {
    pub(crate) fn shrink_to_fit(&mut self) {
        self.oids.shrink_to_fit();
        self.named.shrink_to_fit();
        self.ranges.shrink_to_fit();
        self.syntaxes.shrink_to_fit();
        self.refs.shrink_to_fit();
        self.defvals.shrink_to_fit();
        self.extras.shrink_to_fit();
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        self.oids.capacity() * size_of::<OidComponent>()
            + self.named.capacity() * size_of::<NamedNumber>()
            + self.ranges.capacity() * size_of::<Range>()
            + self.syntaxes.capacity() * size_of::<Syntax>()
            + self.refs.capacity() * size_of::<NameRef>()
            + self.defvals.capacity() * size_of::<DefVal>()
            + self.extras.capacity() * size_of::<DefExtra>()
    }
}
