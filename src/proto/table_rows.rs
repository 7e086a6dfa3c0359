//! snmptable's GetNext mode (`-CB`, and SNMPv1), sans-IO: one row per request. Each
//! GetNext carries every column at the current index; the first answer that lies in its
//! column sets the row's index, and the other columns fill the row only when they answer
//! for that same index (apps/snmptable.c, `get_table_entries`). The table ends when no
//! column answers inside itself; noSuchName (SNMPv1's end of the MIB view) ends it too.
//!
//! Sparse columns therefore lose the instances that sort before the first column's next
//! index, as they do in snmptable; the default GetBulk mode, which matches rows by index,
//! shows them.

use super::engine::{Operation, Response};
use super::oid::Oid;
use super::pdu::{ErrorStatus, VarBind};
use super::walk::WalkError;

/// The row walk: the entry OID, the column sub-identifiers, where it stands.
pub struct RowWalk {
    entry: Oid,
    columns: Vec<u32>,
    /// The current index (the arcs after entry.column); empty before the first row.
    index: Vec<u32>,
    done: bool,
}

/// What one response gave.
#[derive(Debug, PartialEq, Eq)]
pub enum RowStep {
    /// A row: one cell per column, `None` where the column had nothing at this index.
    Row(Vec<Option<VarBind>>),
    /// No column answered inside the table: it is over.
    End,
    /// The agent said noSuchName: past the end of its MIB view (snmptable prints
    /// "End of MIB").
    EndOfMib,
}

impl RowWalk {
    /// Walks the `columns` (sub-identifiers under `entry`).
    pub fn new(entry: Oid, columns: Vec<u32>) -> RowWalk {
        RowWalk {
            done: columns.is_empty(),
            entry,
            columns,
            index: Vec::new(),
        }
    }

    pub fn is_done(&self) -> bool {
        self.done
    }

    /// The GetNext for the next row; `None` once the table is over.
    pub fn next_operation(&self) -> Option<Operation> {
        if self.done {
            return None;
        }
        Some(Operation::GetNext(
            self.columns
                .iter()
                .map(|c| {
                    let mut oid = self.entry.child(&[*c]);
                    for a in &self.index {
                        oid.push(*a);
                    }
                    oid
                })
                .collect(),
        ))
    }

    /// Feeds the answer to the last `next_operation`.
    pub fn handle_response(&mut self, response: Response) -> Result<RowStep, WalkError> {
        if response.error_status != ErrorStatus::NoError {
            self.done = true;
            if response.error_status == ErrorStatus::NoSuchName {
                return Ok(RowStep::EndOfMib);
            }
            let failed = usize::try_from(response.error_index - 1)
                .ok()
                .and_then(|i| response.varbinds.get(i))
                .map(|vb| vb.oid.clone());
            return Err(WalkError::ErrorStatus {
                status: response.error_status,
                index: response.error_index,
                failed,
            });
        }
        let base = self.entry.len();
        let mut cells: Vec<Option<VarBind>> = vec![None; self.columns.len()];
        let mut index: Option<Vec<u32>> = None;
        for (col, vb) in response.varbinds.into_iter().enumerate() {
            let Some(&subid) = self.columns.get(col) else {
                break;
            };
            let arcs = vb.oid.arcs();
            let in_column = vb.oid.is_strictly_under(&self.entry.child(&[subid]))
                && vb.value != crate::proto::Value::EndOfMibView;
            if !in_column {
                continue;
            }
            let this_index = &arcs[base + 1..];
            match &index {
                None => index = Some(this_index.to_vec()),
                // Another index than the row's: not this row's cell.
                Some(i) if i.as_slice() != this_index => continue,
                Some(_) => {}
            }
            cells[col] = Some(vb);
        }
        match index {
            None => {
                self.done = true;
                Ok(RowStep::End)
            }
            Some(i) => {
                if !self.index.is_empty() && i <= self.index {
                    // The agent went back: it would never end.
                    self.done = true;
                    return Err(WalkError::NotIncreasing {
                        previous: self.entry.child(&self.index),
                        current: self.entry.child(&i),
                    });
                }
                self.index = i;
                Ok(RowStep::Row(cells))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::ber::Quirks;
    use crate::proto::value::Value;

    fn oid(s: &str) -> Oid {
        s.parse().unwrap()
    }

    fn answer(varbinds: Vec<(&str, Value)>) -> Response {
        Response {
            from: "127.0.0.1:161".parse().unwrap(),
            error_status: ErrorStatus::NoError,
            error_index: 0,
            varbinds: varbinds
                .into_iter()
                .map(|(o, v)| VarBind::new(oid(o), v))
                .collect(),
            quirks: Quirks::default(),
            notices: vec![],
        }
    }

    #[test]
    fn rows_follow_the_first_column() {
        let mut w = RowWalk::new(oid("1.3.6.1.2.1.2.2.1"), vec![1, 2]);
        assert_eq!(
            w.next_operation(),
            Some(Operation::GetNext(vec![
                oid("1.3.6.1.2.1.2.2.1.1"),
                oid("1.3.6.1.2.1.2.2.1.2")
            ]))
        );
        let step = w
            .handle_response(answer(vec![
                ("1.3.6.1.2.1.2.2.1.1.1", Value::Integer(1)),
                ("1.3.6.1.2.1.2.2.1.2.1", Value::OctetString(b"lo".to_vec())),
            ]))
            .unwrap();
        assert!(matches!(step, RowStep::Row(ref c) if c.iter().all(Option::is_some)));
        assert_eq!(
            w.next_operation(),
            Some(Operation::GetNext(vec![
                oid("1.3.6.1.2.1.2.2.1.1.1"),
                oid("1.3.6.1.2.1.2.2.1.2.1")
            ]))
        );
        // Column 2 skips index 2: that cell is empty, its answer for 3 is dropped.
        let step = w
            .handle_response(answer(vec![
                ("1.3.6.1.2.1.2.2.1.1.2", Value::Integer(2)),
                ("1.3.6.1.2.1.2.2.1.2.3", Value::OctetString(b"x".to_vec())),
            ]))
            .unwrap();
        assert!(matches!(step, RowStep::Row(ref c) if c[0].is_some() && c[1].is_none()));
        // Past the table: the end.
        let step = w
            .handle_response(answer(vec![
                ("1.3.6.1.2.1.2.2.1.2.1", Value::OctetString(b"lo".to_vec())),
                ("1.3.6.1.2.1.2.2.1.3.1", Value::Integer(24)),
            ]))
            .unwrap();
        assert_eq!(step, RowStep::End);
        assert!(w.is_done() && w.next_operation().is_none());
    }

    #[test]
    fn an_index_going_back_is_an_error() {
        let mut w = RowWalk::new(oid("1.3.6.1.2.1.2.2.1"), vec![1]);
        w.handle_response(answer(vec![("1.3.6.1.2.1.2.2.1.1.5", Value::Integer(5))]))
            .unwrap();
        let e = w
            .handle_response(answer(vec![("1.3.6.1.2.1.2.2.1.1.4", Value::Integer(4))]))
            .unwrap_err();
        assert!(matches!(e, WalkError::NotIncreasing { .. }));
        assert!(w.is_done());
    }
}
