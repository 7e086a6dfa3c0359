//! What the renderer needs to know from the MIBs, and how it asks for it.
//!
//! The MIB compiler fills [`RenderHints`] for each OBJECT-TYPE (its syntax with the TC chain
//! followed down to the base type) and answers [`OidNames::resolve`] from its OID tree. The
//! renderer never sees the tree itself: this module is the whole contract between the two, so
//! `output` works (numerically) before any MIB is loaded and with any resolver after.
//!
//! The shape follows what Net-SNMP's printer consults in `struct tree` (snmplib/mib.c,
//! `sprint_realloc_variable` and `_get_realloc_symbol`): a base type that picks the formatter,
//! the enums, the DISPLAY-HINT, the UNITS, the INDEX list of the row, and a fixed SIZE for
//! index strings.

/// The base type a MIB declares for an object, after following textual conventions down to
/// the SMI type (RFC 2578 section 7.1). It picks the formatter, as Net-SNMP's `set_function`
/// does, and that formatter checks the type that actually arrives (a mismatch prints
/// `Wrong Type (should be ...)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BaseType {
    /// `INTEGER` and `Integer32`, with or without named numbers.
    Integer,
    /// `Unsigned32`: printed by the Gauge32 formatter, as Net-SNMP does.
    Unsigned32,
    Gauge32,
    /// `Counter32` and SMIv1 `Counter`.
    Counter32,
    Counter64,
    TimeTicks,
    OctetString,
    /// `BITS` (an OCTET STRING on the wire); the names are in [`RenderHints::bits`].
    Bits,
    ObjectId,
    IpAddress,
    /// SMIv1 `NetworkAddress`: printed `Network Address: 7F:00:00:01`.
    NetworkAddress,
    Opaque,
    NsapAddress,
    /// RFC 1442 `UInteger32`.
    UInteger32,
    Null,
    /// A node without a usable syntax (OBJECT-IDENTITY, a table, a type the compiler could not
    /// resolve): the value is printed by its own type, still with the hints given here.
    #[default]
    Other,
}

/// How to show the values of one object: owned and plain so the MIB compiler can build it once
/// per node and hand out references.
///
/// Example, IF-MIB ifPhysAddress (PhysAddress, `DISPLAY-HINT "1x:"`):
/// ```
/// use mibscope::output::syntax::{BaseType, RenderHints};
/// let hints = RenderHints {
///     base: BaseType::OctetString,
///     tc: Some("PhysAddress".into()),
///     display_hint: Some("1x:".into()),
///     ..RenderHints::default()
/// };
/// assert_eq!(hints.base, BaseType::OctetString);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RenderHints {
    pub base: BaseType,
    /// The textual convention the object's SYNTAX names, if any (`DisplayString`,
    /// `InetAddress`, `InetAddressType`, ...). Rendering uses it only where Net-SNMP does: an
    /// `InetAddress` index that follows an `InetAddressType` index prints as an address.
    pub tc: Option<String>,
    /// The DISPLAY-HINT in effect (the object's TC, or the nearest TC down the chain that has
    /// one), verbatim as written in the MIB, e.g. `"255a"`, `"1x:"`, `"d-2"`.
    pub display_hint: Option<String>,
    /// Named numbers of an INTEGER, in the order the MIB lists them: `(1, "up")`.
    pub enums: Vec<(i64, String)>,
    /// Named bits of a BITS type, in the order the MIB lists them: `(0, "sunday")`.
    pub bits: Vec<(u32, String)>,
    /// The UNITS clause, printed after the value unless `-OU`.
    pub units: Option<String>,
    /// `SIZE (n)` with a single fixed length: such a string index carries no length arc
    /// (RFC 2578 section 7.7).
    pub fixed_size: Option<u32>,
}

/// One component of a table row's INDEX clause: the syntax of the index object and whether it
/// is IMPLIED (RFC 2578 section 7.7).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IndexPart {
    /// The index object's descriptor (`ifIndex`), for display in tools; rendering does not use it.
    pub name: String,
    /// The index object's syntax; `None` when the compiler could not find the object (Net-SNMP
    /// then stops decoding and prints the remaining arcs as numbers).
    pub syntax: Option<RenderHints>,
    pub implied: bool,
}

/// What a resolver knows about the longest known prefix of an OID.
#[derive(Debug, Clone, Copy)]
pub struct Resolved<'a> {
    /// How many leading arcs of the OID name this node (at least 1).
    pub depth: usize,
    /// The node's descriptor (`ifDescr`).
    pub label: &'a str,
    /// The module that defines the node (`IF-MIB`); `None` prints no `MODULE::` in `-OS`.
    pub module: Option<&'a str>,
    /// The node's syntax when it is an object with one; values under it are printed with it.
    pub syntax: Option<&'a RenderHints>,
    /// Whether the node has children in the tree. Net-SNMP prints the first unknown arc below
    /// a node with children before it decodes an index (`ifEntry.99.3`).
    pub has_children: bool,
    /// The INDEX in effect for arcs below this node: that of the deepest node on the path
    /// (this one or an ancestor) with an INDEX clause, or the INDEX of the row an AUGMENTS
    /// clause names. `None` outside tables.
    pub index: Option<&'a [IndexPart]>,
}

/// Names for OIDs: the MIB compiler's OID tree implements this.
pub trait OidNames {
    /// The deepest node whose OID is a prefix of `arcs`, or `None` when even the first arc is
    /// unknown (then the OID prints numerically). A resolver should know the three roots
    /// (`ccitt(0)`, `iso(1)`, `joint-iso-ccitt(2)`) as Net-SNMP does.
    fn resolve(&self, arcs: &[u32]) -> Option<Resolved<'_>>;

    /// The label of the node named exactly by `arcs`, for the full (`-Of`) and UCD (`-Ou`)
    /// styles, which print every level. The default asks [`OidNames::resolve`].
    fn label_of(&self, arcs: &[u32]) -> Option<&str> {
        self.resolve(arcs)
            .filter(|r| r.depth == arcs.len())
            .map(|r| r.label)
    }
}

/// The resolver without MIBs: nothing is known, every OID prints numerically and every value
/// by its own type.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoNames;

impl OidNames for NoNames {
    fn resolve(&self, _arcs: &[u32]) -> Option<Resolved<'_>> {
        None
    }
}

/// The resolver of `-m ''`: no module loaded, only the three roots Net-SNMP's tree always
/// has, so OIDs print as `iso.3.6.1.2.1.1.5.0` (`.iso.3.6...` with `-Of`/`-Ou`), as
/// `snmpget -m ''` prints them, and values by their own type.
#[derive(Debug, Clone, Copy, Default)]
pub struct RootNames;

impl OidNames for RootNames {
    fn resolve(&self, arcs: &[u32]) -> Option<Resolved<'_>> {
        let label = match arcs.first()? {
            0 => "ccitt",
            1 => "iso",
            2 => "joint-iso-ccitt",
            _ => return None,
        };
        Some(Resolved {
            depth: 1,
            label,
            module: None,
            syntax: None,
            has_children: false,
            index: None,
        })
    }
}
