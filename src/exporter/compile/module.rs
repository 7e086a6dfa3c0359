//! The compiled module the collector runs: metric types (snmp_exporter's names), metrics
//! with their indexes and lookups, the walk plan, and the compiler's errors and warnings.

use std::collections::BTreeMap;

use crate::proto::Oid;

/// What a metric (or index, or lookup) value is rendered as: snmp_exporter's type names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MetricType {
    Gauge,
    Counter,
    OctetString,
    Bits,
    InetAddressIPv4,
    InetAddressIPv6,
    InetAddress,
    InetAddressMissingSize,
    LldpPortId,
    PhysAddress48,
    DisplayString,
    Float,
    Double,
    DateAndTime,
    ParseDateAndTime,
    NtpTimeStamp,
    EnumAsInfo,
    EnumAsStateSet,
    /// Index types only written by hand in snmp.yml.
    Integer,
}

impl MetricType {
    /// The generator's `metricType`: a net-snmp type or a type name to what the collector
    /// knows, `None` for types it cannot export.
    pub fn from_name(t: &str) -> Option<MetricType> {
        use MetricType::*;
        Some(match t {
            "gauge" | "INTEGER" | "GAUGE" | "TIMETICKS" | "UINTEGER" | "UNSIGNED32"
            | "INTEGER32" => Gauge,
            "counter" | "COUNTER" | "COUNTER64" => Counter,
            "OctetString" | "OCTETSTR" | "OBJID" => OctetString,
            "Bits" | "BITSTRING" => Bits,
            "InetAddressIPv4" | "IpAddr" | "IPADDR" | "NETADDR" => InetAddressIPv4,
            "InetAddressIPv6" => InetAddressIPv6,
            "InetAddress" => InetAddress,
            "InetAddressMissingSize" => InetAddressMissingSize,
            "LldpPortId" => LldpPortId,
            "PhysAddress48" => PhysAddress48,
            "DisplayString" => DisplayString,
            "Float" => Float,
            "Double" => Double,
            "DateAndTime" => DateAndTime,
            "ParseDateAndTime" => ParseDateAndTime,
            "NTPTimeStamp" => NtpTimeStamp,
            "EnumAsInfo" => EnumAsInfo,
            "EnumAsStateSet" => EnumAsStateSet,
            "Integer32" | "Integer" => Integer,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        use MetricType::*;
        match self {
            Gauge => "gauge",
            Counter => "counter",
            OctetString => "OctetString",
            Bits => "Bits",
            InetAddressIPv4 => "InetAddressIPv4",
            InetAddressIPv6 => "InetAddressIPv6",
            InetAddress => "InetAddress",
            InetAddressMissingSize => "InetAddressMissingSize",
            LldpPortId => "LldpPortId",
            PhysAddress48 => "PhysAddress48",
            DisplayString => "DisplayString",
            Float => "Float",
            Double => "Double",
            DateAndTime => "DateAndTime",
            ParseDateAndTime => "ParseDateAndTime",
            NtpTimeStamp => "NTPTimeStamp",
            EnumAsInfo => "EnumAsInfo",
            EnumAsStateSet => "EnumAsStateSet",
            Integer => "Integer",
        }
    }

    /// Types preceded by a type selector object (config `combinedTypes`).
    pub fn selector_tc(self) -> Option<&'static str> {
        match self {
            MetricType::InetAddress | MetricType::InetAddressMissingSize => Some("InetAddressType"),
            MetricType::LldpPortId => Some("LldpPortIdSubtype"),
            _ => None,
        }
    }

    /// The index types the collector can render as label values.
    pub fn renderable_as_index(self) -> bool {
        use MetricType::*;
        matches!(
            self,
            Integer
                | Gauge
                | Counter
                | PhysAddress48
                | OctetString
                | DisplayString
                | InetAddressIPv4
                | InetAddressIPv6
                | InetAddress
                | InetAddressMissingSize
                | LldpPortId
                | EnumAsInfo
        )
    }
}

/// Enumeration labels by value.
pub type EnumValues = BTreeMap<i64, String>;

/// One index label of a metric.
#[derive(Clone, Debug, PartialEq)]
pub struct Index {
    pub labelname: String,
    pub kind: MetricType,
    pub fixed_size: usize,
    pub implied: bool,
    pub enum_values: EnumValues,
}

/// A lookup: `labelname` takes the value of `oid` at the index made of `labels`; without
/// `oid`, it deletes the label `labelname` (drop_source_indexes).
#[derive(Clone, Debug, PartialEq)]
pub struct Lookup {
    pub labels: Vec<String>,
    pub labelname: String,
    pub oid: Option<Oid>,
    pub kind: Option<MetricType>,
    pub display_hint: Option<String>,
    pub enum_values: EnumValues,
}

/// `regex_extracts`: the first regex that matches (whole value) and gives a number wins.
#[derive(Clone, Debug)]
pub struct RegexExtract {
    pub regex: regex_lite::Regex,
    pub value: String,
}

/// One metric of a module.
#[derive(Clone, Debug)]
pub struct Metric {
    pub name: String,
    pub oid: Oid,
    pub kind: MetricType,
    pub help: String,
    pub indexes: Vec<Index>,
    pub lookups: Vec<Lookup>,
    pub regex_extracts: Vec<(String, Vec<RegexExtract>)>,
    pub datetime_pattern: String,
    pub enum_values: EnumValues,
    pub offset: f64,
    pub scale: f64,
    pub display_hint: Option<String>,
}

/// A dynamic filter as the collector applies it.
#[derive(Clone, Debug)]
pub struct DynamicFilter {
    pub oid: Oid,
    pub targets: Vec<Oid>,
    pub values: Vec<regex_lite::Regex>,
}

/// How the OIDs of a `walk` entry are fetched. snmp_exporter walks each subtree whole;
/// only the objects some metric or lookup uses matter, so a subtree that holds tables is
/// fetched as those tables' columns in lock step (a GetBulk returns rows of every column
/// at once), which takes a fraction of the requests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WalkGroup {
    /// Columns of one table, or scalars under one node, walked in lock step.
    Columns { oids: Vec<Oid>, scalars: bool },
    /// A subtree walked whole (the MIB does not describe what is below).
    Subtree(Oid),
}

/// Walk parameters (snmp_exporter's defaults: 25 repetitions, 3 retries, 5 s).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WalkParams {
    pub max_repetitions: u32,
    pub retries: u32,
    pub timeout: std::time::Duration,
    pub allow_non_increasing: bool,
}

impl Default for WalkParams {
    fn default() -> Self {
        WalkParams {
            max_repetitions: 25,
            retries: 3,
            timeout: std::time::Duration::from_secs(5),
            allow_non_increasing: false,
        }
    }
}

/// A module ready to scrape.
#[derive(Clone, Debug, Default)]
pub struct Module {
    pub name: String,
    /// Subtrees to walk.
    pub walk: Vec<Oid>,
    /// Instances to get.
    pub get: Vec<Oid>,
    /// How `walk` is fetched.
    pub plan: Vec<WalkGroup>,
    pub metrics: Vec<Metric>,
    pub dynamic_filters: Vec<DynamicFilter>,
    pub params: WalkParams,
    /// snmp_exporter before 0.23: the module's own credentials (version merged in).
    pub legacy_auth: Option<crate::exporter::config::AuthConfig>,
}

/// Why a module cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CompileError {
    #[error(
        "module {module}: cannot find oid '{oid}' to walk (no loaded MIB defines it; add the MIB with -M/-m)"
    )]
    NotFound { module: String, oid: String },
    #[error("module {module}: invalid OID {oid}, prefix of '.' should be removed")]
    LeadingDot { module: String, oid: String },
    #[error("module {module}: unknown index '{lookup}' in lookups (no loaded MIB defines it)")]
    UnknownLookup { module: String, lookup: String },
    #[error("module {module}: unknown index type {kind} for {lookup}")]
    LookupType {
        module: String,
        lookup: String,
        kind: String,
    },
    #[error("module {module}: cannot use index '{index}' of type {kind} on metric '{metric}'")]
    IndexType {
        module: String,
        index: String,
        kind: String,
        metric: String,
    },
    #[error("module {module}: cannot use lookup '{lookup}' of type {kind} as an index")]
    LookupAsIndex {
        module: String,
        lookup: String,
        kind: String,
    },
    #[error("module {module}: bad OID '{oid}' in filters.dynamic")]
    FilterOid { module: String, oid: String },
}

/// A warning the generator would log (a metric skipped, an override for no node).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning(pub String);
