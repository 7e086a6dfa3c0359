//! The MIB compiler, sans-IO: SMIv1 and SMIv2 modules (RFC 1155/1212/1215, RFC 2578-2580) in,
//! one OID tree with names, types and descriptions out. It works on in-memory sources
//! `(path for diagnostics, bytes)`; finding files, caching and reading descriptions back from
//! disk belong to `crate::mib_store`.
//!
//! Passes, as pysmi and libsmi split them:
//! - `lexer`: bytes to tokens with line:col, tolerant of real-world junk;
//! - `parser`: tokens to modules and definitions (`ast`), recovering at definition level;
//! - `resolve`: the `Compiler` driver, then imports, OIDs, types and references linked,
//!   each module given a status (loaded, loaded with warnings, failed, missing);
//! - `tree`: the compiled `Mib` with its lookups; `syntax`: types resolved for renderers;
//!   `search`: fuzzy search for browsers; `cache`: the compiled form as bytes;
//! - `diag`: diagnostics with stable codes, and the named relaxations.
//!
//! ```
//! use mibscope::mib::{Compiler, CompileOptions};
//! let mut c = Compiler::new(CompileOptions::default());
//! c.add_source("EX-MIB.txt", b"EX-MIB DEFINITIONS ::= BEGIN
//!     IMPORTS enterprises FROM SNMPv2-SMI;
//!     ex OBJECT IDENTIFIER ::= { enterprises 99999 }
//!     END");
//! c.request_all();
//! let mib = c.finish();
//! assert_eq!(mib.resolve("EX-MIB::ex.7").unwrap().oid.to_string(), ".1.3.6.1.4.1.99999.7");
//! ```

pub mod ast;
pub mod builtin;
pub mod cache;
pub mod diag;
pub mod intern;
pub mod lexer;
pub mod names;
pub mod parser;
pub mod resolve;
pub mod search;
pub mod syntax;
pub mod tree;

pub use ast::{
    Access, BaseType, ConstraintKind, DefId, DefKind, Language, ModuleId, ModuleStatus, NodeId,
    Range, SourceId, Status, TextRef,
};
pub use diag::{Code, Diagnostic, Pos, Relaxation, RelaxationSet, Severity};
pub use names::{ObjectAt, OidName};
pub use parser::{NotAMib, scan_module_names};
pub use resolve::{CompileOptions, Compiler};
pub use search::SearchHit;
pub use syntax::TypeInfo;
pub use tree::{
    DefRef, IndexPart, LookupError, Mib, MibStats, ModuleInfo, NodeRef, ObjectClass, Resolved,
};

#[cfg(test)]
mod tests;
