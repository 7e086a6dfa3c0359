//! Cross-references: where a definition is used. For an object: the rows it indexes, the
//! rows that augment it, the notifications and groups that list it. For a textual
//! convention: the objects whose SYNTAX goes through it. One scan of the definitions, on
//! demand.

use crate::mib::{DefId, DefRef, Mib, NodeId};
use crate::tui::sanitize::SafeText;

fn entry(d: &DefRef<'_>, how: &str) -> Option<(SafeText, NodeId)> {
    let node = d.node()?;
    Some((
        SafeText::new(&format!("{how} {}", d.qualified_name())),
        node.id(),
    ))
}

/// What refers to the definitions at `node`.
pub fn references_to_node(mib: &Mib, node: NodeId) -> Vec<(SafeText, NodeId)> {
    let targets: Vec<DefId> = mib.node(node).defs().map(|d| d.id()).collect();
    if targets.is_empty() {
        return Vec::new();
    }
    let is_target = |d: Option<DefRef<'_>>| d.is_some_and(|d| targets.contains(&d.id()));
    let mut out = Vec::new();
    for i in 0..mib.def_count() {
        let d = mib.def(DefId(i as u32));
        if d.index().iter().any(|p| is_target(p.object)) && d.augments().is_none() {
            out.extend(entry(&d, "INDEX of"));
        }
        if is_target(d.augments()) {
            out.extend(entry(&d, "AUGMENTS by"));
        }
        if d.objects().any(|(_, o)| is_target(o)) {
            out.extend(entry(&d, "listed in"));
        }
    }
    out.dedup_by(|a, b| a.1 == b.1 && a.0 == b.0);
    out
}

/// The objects whose SYNTAX goes through the textual convention `tc`.
pub fn users_of_type(mib: &Mib, tc: DefId) -> Vec<(SafeText, NodeId)> {
    let mut out = Vec::new();
    for i in 0..mib.def_count() {
        let d = mib.def(DefId(i as u32));
        if d.node().is_none() {
            continue;
        }
        let mut t = d.syntax().and_then(|s| s.tc);
        for _ in 0..16 {
            match t {
                Some(x) if x.id() == tc => {
                    out.extend(entry(&d, ""));
                    break;
                }
                Some(x) => t = x.syntax().and_then(|s| s.tc),
                None => break,
            }
        }
    }
    for (text, _) in &mut out {
        *text = SafeText::new(text.as_str().trim_start());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mib::{CompileOptions, Compiler};

    #[test]
    fn index_objects_and_types_are_cross_referenced() {
        let mut c = Compiler::new(CompileOptions::default());
        c.add_source(
            "X-MIB.txt",
            br#"X-MIB DEFINITIONS ::= BEGIN
              IMPORTS enterprises, OBJECT-TYPE, Integer32, NOTIFICATION-TYPE FROM SNMPv2-SMI
                      TEXTUAL-CONVENTION FROM SNMPv2-TC;
              Level ::= TEXTUAL-CONVENTION STATUS current DESCRIPTION "l" SYNTAX Integer32 (0..9)
              x OBJECT IDENTIFIER ::= { enterprises 9997 }
              xTable OBJECT-TYPE SYNTAX SEQUENCE OF XEntry MAX-ACCESS not-accessible
                STATUS current DESCRIPTION "t" ::= { x 1 }
              xEntry OBJECT-TYPE SYNTAX XEntry MAX-ACCESS not-accessible
                STATUS current DESCRIPTION "e" INDEX { xIndex } ::= { xTable 1 }
              XEntry ::= SEQUENCE { xIndex Integer32, xLevel Level }
              xIndex OBJECT-TYPE SYNTAX Integer32 (1..100) MAX-ACCESS not-accessible
                STATUS current DESCRIPTION "i" ::= { xEntry 1 }
              xLevel OBJECT-TYPE SYNTAX Level MAX-ACCESS read-only
                STATUS current DESCRIPTION "v" ::= { xEntry 2 }
              xAlarm NOTIFICATION-TYPE OBJECTS { xLevel } STATUS current DESCRIPTION "a" ::= { x 2 }
              END"#,
        );
        c.request_all();
        let mib = c.finish();
        let node = |n: &str| mib.resolve(n).unwrap().node;
        let refs: Vec<String> = references_to_node(&mib, node("xIndex"))
            .iter()
            .map(|(t, _)| t.to_string())
            .collect();
        assert_eq!(refs, ["INDEX of X-MIB::xEntry"]);
        let refs: Vec<String> = references_to_node(&mib, node("xLevel"))
            .iter()
            .map(|(t, _)| t.to_string())
            .collect();
        assert_eq!(refs, ["listed in X-MIB::xAlarm"]);
        let users: Vec<String> = users_of_type(&mib, mib.defs_named("Level").next().unwrap())
            .iter()
            .map(|(t, _)| t.to_string())
            .collect();
        assert_eq!(users, ["X-MIB::xLevel"]);
    }
}
