//! Fuzzy search over the names (and optionally the descriptions) of the objects in the tree,
//! for a browser's search box: exact names first, then prefixes, substrings, and names that
//! contain the query's letters in order (`ifhcin` finds `ifHCInOctets`).

use super::ast::{DefId, TextRef};
use super::tree::Mib;

/// One search result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchHit {
    pub def: DefId,
    /// Higher is better.
    pub score: u32,
    /// True when only the description matched.
    pub in_description: bool,
}

/// Scores `name` against a lowercase `query`; `None` when it does not match.
pub(crate) fn score_name(name: &str, query: &str) -> Option<u32> {
    if query.is_empty() {
        return None;
    }
    let lower = name.to_ascii_lowercase();
    let len_penalty = u32::try_from(name.len().saturating_sub(query.len()).min(99)).unwrap_or(99);
    if lower == query {
        return Some(if name == query { 1000 } else { 990 });
    }
    if lower.starts_with(query) {
        return Some(900 - len_penalty);
    }
    if let Some(pos) = lower.find(query) {
        let pos = u32::try_from(pos.min(99)).unwrap_or(99);
        return Some(700 - pos - len_penalty / 2);
    }
    // Subsequence: every query character in order; fewer gaps score higher.
    let mut gaps = 0u32;
    let mut q = query.bytes().peekable();
    let mut started = false;
    for b in lower.bytes() {
        match q.peek() {
            Some(&c) if c == b => {
                q.next();
                started = true;
            }
            Some(_) if started => gaps += 1,
            Some(_) => {}
            None => break,
        }
    }
    if q.peek().is_some() {
        return None;
    }
    Some(
        400u32
            .saturating_sub(gaps * 5)
            .saturating_sub(len_penalty)
            .max(1),
    )
}

impl Mib {
    /// Objects whose name matches `query`, best first, at most `limit`.
    pub fn search(&self, query: &str, limit: usize) -> Vec<SearchHit> {
        self.search_with(query, limit, None::<&fn(TextRef) -> Option<String>>)
    }

    /// Like `search`, and also objects whose DESCRIPTION contains every word of the query
    /// (case-insensitive). `text` reads a description (`Mib::text`, or the MIB store for
    /// files on disk).
    pub fn search_with<F>(&self, query: &str, limit: usize, text: Option<&F>) -> Vec<SearchHit>
    where
        F: Fn(TextRef) -> Option<String>,
    {
        let query = query.trim().to_ascii_lowercase();
        if query.is_empty() || limit == 0 {
            return Vec::new();
        }
        let words: Vec<&str> = query.split_whitespace().collect();
        let single = words.len() == 1;
        let mut hits = Vec::new();
        for i in 0..self.defs.len() {
            let d = self.def(DefId(i as u32));
            if d.node().is_none() {
                continue;
            }
            if single {
                if let Some(score) = score_name(d.name(), &query) {
                    hits.push(SearchHit {
                        def: d.id(),
                        score,
                        in_description: false,
                    });
                    continue;
                }
            }
            if let Some(read) = text {
                let matches = d
                    .description_ref()
                    .and_then(read)
                    .map(|t| t.to_lowercase())
                    .is_some_and(|t| words.iter().all(|w| t.contains(w)));
                if matches {
                    hits.push(SearchHit {
                        def: d.id(),
                        score: 200,
                        in_description: true,
                    });
                }
            }
        }
        hits.sort_by(|a, b| {
            b.score
                .cmp(&a.score)
                .then_with(|| {
                    self.def(a.def)
                        .name()
                        .len()
                        .cmp(&self.def(b.def).name().len())
                })
                .then_with(|| a.def.cmp(&b.def))
        });
        // One hit per node: several modules may define the same object.
        let mut seen = std::collections::HashSet::new();
        hits.retain(|h| seen.insert(self.def(h.def).node().map(|n| n.id())));
        hits.truncate(limit);
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::score_name;

    #[test]
    fn ranking_order() {
        let exact = score_name("ifInOctets", "ifinoctets").unwrap();
        let prefix = score_name("ifInOctetsExtra", "ifinoctets").unwrap();
        let sub = score_name("xIfInOctets", "ifinoctets").unwrap();
        let fuzzy = score_name("ifHCInOctets", "ifinoctets").unwrap();
        assert!(exact > prefix && prefix > sub && sub > fuzzy);
        assert_eq!(score_name("sysDescr", "zz"), None);
        assert_eq!(score_name("sysDescr", ""), None);
    }
}
