//! `e`: the set editor. It knows the object's type from the MIB (TC chain, base type,
//! range or size, enumeration), checks what is typed against it before anything is sent,
//! and asks for confirmation with the exact OID and value.

use crossterm::event::KeyCode;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::mib::{Access, BaseType, ConstraintKind, DefRef, Mib, NodeId, TypeInfo};
use crate::proto::{Oid, Value, VarBind};
use crate::tui::backend;
use crate::tui::component::{Component, Ctx, Handled, Input, Shared};
use crate::tui::input::TextInput;
use crate::tui::keys::{self, KeyHint, ListCursor, Motion};
use crate::tui::sanitize::SafeText;
use crate::tui::views::describe::{ranges_text, type_chain};
use crate::tui::views::overlays::Outcome;
use crate::tui::{theme, widgets};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Instance,
    Value,
}

pub struct SetEditor {
    node: NodeId,
    object: SafeText,
    base_oid: Oid,
    type_line: SafeText,
    range_line: Option<SafeText>,
    choices: Vec<(String, i64)>,
    choice: ListCursor,
    instance: TextInput,
    value: TextInput,
    field: Field,
    error: Option<SafeText>,
    confirm: Option<VarBind>,
    pub outcome: Outcome<VarBind>,
}

/// Why an object cannot be set, if it cannot.
pub fn refuse(def: &DefRef<'_>) -> Option<String> {
    match def.access() {
        Some(Access::ReadWrite | Access::ReadCreate | Access::WriteOnly) => None,
        Some(a) => Some(format!(
            "{} is {}: it cannot be set",
            def.name(),
            a.as_str()
        )),
        None => Some(format!("{} is not an object with a value", def.name())),
    }
}

impl SetEditor {
    /// An editor for `node`, with the instance and the current value when known.
    pub fn new(
        mib: &Mib,
        node: NodeId,
        instance: &str,
        current: Option<&Value>,
    ) -> Option<SetEditor> {
        let n = mib.node(node);
        let def = n.def()?;
        let t = def.syntax()?;
        let choices: Vec<(String, i64)> = if t.is_enum() {
            t.named_numbers().map(|(n, v)| (n.to_string(), v)).collect()
        } else {
            Vec::new()
        };
        let mut choice = ListCursor::default();
        let mut value = TextInput::default();
        match current {
            Some(Value::Integer(v)) if !choices.is_empty() => {
                if let Some(i) = choices.iter().position(|(_, x)| x == v) {
                    choice.selected = i;
                }
            }
            Some(Value::OctetString(b)) if t.base == BaseType::OctetString => {
                if let Ok(s) = std::str::from_utf8(b) {
                    if !s.chars().any(char::is_control) {
                        value = TextInput::with(s);
                    }
                }
            }
            Some(Value::Integer(v)) => value = TextInput::with(&v.to_string()),
            Some(Value::Gauge32(v) | Value::TimeTicks(v)) => {
                value = TextInput::with(&v.to_string());
            }
            _ => {}
        }
        Some(SetEditor {
            node,
            object: SafeText::new(&def.qualified_name()),
            base_oid: n.oid(),
            type_line: SafeText::new(&type_chain(&t)),
            range_line: ranges_text(t.constraint, t.ranges).map(|r| SafeText::new(&r)),
            choices,
            choice,
            instance: TextInput::with(instance),
            value,
            field: if instance.is_empty() {
                Field::Instance
            } else {
                Field::Value
            },
            error: None,
            confirm: None,
            outcome: Outcome::Open,
        })
    }

    fn area(body: Rect) -> Rect {
        widgets::centered(
            body,
            body.width.saturating_sub(6).clamp(40, 76),
            body.height.min(16),
        )
    }

    fn build(&self, mib: &Mib) -> Result<VarBind, String> {
        let suffix = self.instance.text.trim().trim_start_matches('.');
        if suffix.is_empty() {
            return Err("give the instance: 0 for a scalar, the row's index for a column".into());
        }
        let arcs: Result<Vec<u32>, _> = suffix.split('.').map(str::parse::<u32>).collect();
        let arcs = arcs.map_err(|_| {
            format!("instance '{suffix}': numbers separated by dots, as 3 or 1.4.10.0.0.1")
        })?;
        let mut oid = self.base_oid.arcs().to_vec();
        oid.extend(arcs);
        let def = mib.node(self.node).def().ok_or("no definition")?;
        let t = def.syntax().ok_or("no syntax")?;
        let value = if self.choices.is_empty() {
            parse_value(mib, &t, &self.value.text)?
        } else {
            Value::Integer(self.choices[self.choice.selected].1)
        };
        Ok(VarBind::new(Oid::new(oid), value))
    }
}

fn in_ranges(t: &TypeInfo<'_>, n: i128) -> bool {
    t.ranges.is_empty() || t.ranges.iter().any(|r| r.lo <= n && n <= r.hi)
}

fn range_error(t: &TypeInfo<'_>, what: &str) -> String {
    format!(
        "{what} is outside {}",
        ranges_text(t.constraint, t.ranges).unwrap_or_default()
    )
}

/// Reads `text` as a value of type `t`, checking the MIB's range, size and enumeration.
pub fn parse_value(mib: &Mib, t: &TypeInfo<'_>, text: &str) -> Result<Value, String> {
    let trimmed = text.trim();
    let value_check = |n: i128| {
        if t.constraint == ConstraintKind::Value && !in_ranges(t, n) {
            Err(range_error(t, trimmed))
        } else {
            Ok(())
        }
    };
    let number = |what: &str| format!("'{trimmed}' is not {what}");
    Ok(match t.base {
        BaseType::Integer32 if t.is_enum() => {
            let v = t
                .value_of(trimmed)
                .or_else(|| {
                    trimmed
                        .parse::<i64>()
                        .ok()
                        .filter(|v| t.label_of(*v).is_some())
                })
                .ok_or_else(|| {
                    let names: Vec<String> = t
                        .named_numbers()
                        .map(|(n, v)| format!("{n}({v})"))
                        .collect();
                    format!("'{trimmed}' is not one of {}", names.join(", "))
                })?;
            Value::Integer(v)
        }
        BaseType::Integer32 => {
            let n = trimmed
                .parse::<i32>()
                .map_err(|_| number("an integer (-2147483648..2147483647)"))?;
            value_check(i128::from(n))?;
            Value::Integer(i64::from(n))
        }
        BaseType::Unsigned32 | BaseType::Gauge32 | BaseType::TimeTicks | BaseType::Counter32 => {
            let n = trimmed
                .parse::<u32>()
                .map_err(|_| number("a number 0..4294967295"))?;
            value_check(i128::from(n))?;
            match t.base {
                BaseType::TimeTicks => Value::TimeTicks(n),
                BaseType::Counter32 => Value::Counter32(n),
                _ => Value::Gauge32(n),
            }
        }
        BaseType::Counter64 => Value::Counter64(
            trimmed
                .parse()
                .map_err(|_| number("a number 0..18446744073709551615"))?,
        ),
        BaseType::IpAddress => Value::IpAddress(
            trimmed
                .parse::<std::net::Ipv4Addr>()
                .map_err(|_| number("an IPv4 address such as 192.0.2.1"))?
                .octets(),
        ),
        BaseType::ObjectIdentifier => Value::ObjectId(match trimmed.parse::<Oid>() {
            Ok(oid) => oid,
            Err(_) => mib.resolve(trimmed).map_err(|e| e.to_string())?.oid,
        }),
        BaseType::Bits => {
            let mut numbers = Vec::new();
            for part in trimmed.split([' ', ',']).filter(|p| !p.is_empty()) {
                let bit = t
                    .value_of(part)
                    .or_else(|| part.parse().ok())
                    .ok_or_else(|| format!("'{part}' is not a bit name or number"))?;
                numbers.push(bit.to_string());
            }
            backend::parse_typed("b", &numbers.join(" "))?
        }
        BaseType::OctetString => {
            let bytes = match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
                Some(hex) => match backend::parse_typed("x", hex)? {
                    Value::OctetString(b) => b,
                    _ => Vec::new(),
                },
                None => text.as_bytes().to_vec(),
            };
            if t.constraint == ConstraintKind::Size && !in_ranges(t, bytes.len() as i128) {
                return Err(format!(
                    "{} bytes: the size must be {}",
                    bytes.len(),
                    ranges_text(t.constraint, t.ranges).unwrap_or_default()
                ));
            }
            Value::OctetString(bytes)
        }
        other => {
            return Err(format!(
                "setting a {} is not supported here; use `mibscope set`",
                other.as_str()
            ));
        }
    })
}

impl Component for SetEditor {
    fn handle(&mut self, input: &Input, ctx: &mut Ctx<'_>) -> Handled {
        let Input::Key(k) = input else {
            if let Input::Paste(p) = input {
                match self.field {
                    Field::Instance => self.instance.paste(p),
                    Field::Value => self.value.paste(p),
                }
            }
            return Handled::Consumed;
        };
        if let Some(vb) = &self.confirm {
            if keys::char(k, 'y') || keys::plain(k, KeyCode::Enter) {
                self.outcome = Outcome::Chosen(vb.clone());
            } else if keys::char(k, 'n') || keys::plain(k, KeyCode::Esc) {
                self.confirm = None;
            }
            return Handled::Consumed;
        }
        if keys::plain(k, KeyCode::Esc) {
            self.outcome = Outcome::Cancelled;
        } else if keys::plain(k, KeyCode::Enter) {
            match self.build(&ctx.shared.mib) {
                Ok(vb) => {
                    self.error = None;
                    self.confirm = Some(vb);
                }
                Err(e) => self.error = Some(SafeText::new(&e)),
            }
        } else if keys::plain(k, KeyCode::Tab) || k.code == KeyCode::BackTab {
            self.field = match self.field {
                Field::Instance => Field::Value,
                Field::Value => Field::Instance,
            };
        } else if self.field == Field::Value && !self.choices.is_empty() {
            if let Some(m) = Motion::of(k) {
                self.choice.apply(m, self.choices.len(), 6);
            }
        } else {
            let field = match self.field {
                Field::Instance => &mut self.instance,
                Field::Value => &mut self.value,
            };
            field.key(k);
            self.error = None;
        }
        Handled::Consumed
    }

    fn hints(&self, out: &mut Vec<KeyHint>) {
        if self.confirm.is_some() {
            out.extend([
                KeyHint::bar("y", "send the set"),
                KeyHint::bar("n Esc", "back to editing"),
            ]);
        } else {
            out.extend([
                KeyHint::bar("Enter", "check and confirm"),
                KeyHint::bar("Tab", "instance / value"),
                KeyHint::bar("Esc", "cancel"),
            ]);
            if !self.choices.is_empty() {
                out.push(KeyHint::bar("↑↓", "choose"));
            }
        }
    }

    fn draw(&self, frame: &mut Frame, body: Rect, _shared: &Shared) {
        let area = SetEditor::area(body);
        let inner = widgets::popup(frame, area, "Set a value");
        let field_style = |f: Field| {
            if self.field == f && self.confirm.is_none() {
                theme::title()
            } else {
                ratatui::style::Style::new()
            }
        };
        let mut lines = vec![
            Line::from(vec![
                Span::styled("Object    ", theme::label()),
                Span::raw(self.object.to_string()),
            ]),
            Line::from(vec![
                Span::styled("Type      ", theme::label()),
                Span::raw(self.type_line.to_string()),
            ]),
        ];
        if let Some(r) = &self.range_line {
            lines.push(Line::from(vec![
                Span::styled("Range     ", theme::label()),
                Span::raw(r.to_string()),
            ]));
        }
        lines.push(Line::default());
        let instance = format!("{}.", self.object);
        lines.push(if self.field == Field::Instance && self.confirm.is_none() {
            widgets::field_line(
                "Instance  ",
                &format!("{instance}{}", self.instance.text),
                field_style(Field::Instance),
            )
        } else {
            Line::from(vec![
                Span::styled("Instance  ", theme::label()),
                Span::raw(format!("{instance}{}", self.instance.text)),
            ])
        });
        if self.choices.is_empty() {
            lines.push(if self.field == Field::Value && self.confirm.is_none() {
                widgets::field_line("Value     ", &self.value.text, field_style(Field::Value))
            } else {
                Line::from(vec![
                    Span::styled("Value     ", theme::label()),
                    Span::raw(self.value.text.clone()),
                ])
            });
        } else {
            lines.push(Line::from(Span::styled("Value     ", theme::label())));
            let offset = self.choice.offset_for(6);
            for (i, (name, v)) in self.choices.iter().enumerate().skip(offset).take(6) {
                let style = if i == self.choice.selected {
                    theme::selected()
                } else {
                    ratatui::style::Style::new()
                };
                lines.push(Line::from(Span::styled(format!("  {name}({v})"), style)));
            }
        }
        lines.push(Line::default());
        if let Some(vb) = &self.confirm {
            lines.push(Line::from(Span::styled(
                format!(
                    "Send SetRequest {} = {:?}?  y: send   n: edit",
                    vb.oid,
                    ShortValue(&vb.value)
                ),
                theme::warning(),
            )));
        } else if let Some(e) = &self.error {
            lines.push(Line::from(Span::styled(e.to_string(), theme::error())));
        } else if self.choices.is_empty() {
            lines.push(Line::from(Span::styled(
                "Text as typed; 0x… for hex bytes",
                theme::dim(),
            )));
        }
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
    }
}

/// A value as the confirmation line shows it: strings quoted, control bytes escaped.
struct ShortValue<'a>(&'a Value);

impl std::fmt::Debug for ShortValue<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Value::OctetString(b) => write!(f, "\"{}\"", SafeText::from_bytes(b)),
            Value::Integer(n) => write!(f, "{n}"),
            Value::Gauge32(n) | Value::TimeTicks(n) | Value::Counter32(n) => write!(f, "{n}"),
            Value::IpAddress(a) => write!(f, "{}", std::net::Ipv4Addr::from(*a)),
            Value::ObjectId(o) => write!(f, "{o}"),
            other => write!(f, "{other:?}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mib::{CompileOptions, Compiler};

    fn mib() -> Mib {
        let mut c = Compiler::new(CompileOptions::default());
        c.add_source(
            "S-MIB.txt",
            br#"S-MIB DEFINITIONS ::= BEGIN
              IMPORTS enterprises, OBJECT-TYPE, Integer32 FROM SNMPv2-SMI
                      DisplayString FROM SNMPv2-TC;
              s OBJECT IDENTIFIER ::= { enterprises 9998 }
              sName OBJECT-TYPE SYNTAX DisplayString (SIZE (0..4)) MAX-ACCESS read-write
                STATUS current DESCRIPTION "n" ::= { s 1 }
              sLevel OBJECT-TYPE SYNTAX Integer32 (1..10) MAX-ACCESS read-write
                STATUS current DESCRIPTION "l" ::= { s 2 }
              sMode OBJECT-TYPE SYNTAX INTEGER { on(1), off(2) } MAX-ACCESS read-write
                STATUS current DESCRIPTION "m" ::= { s 3 }
              sCount OBJECT-TYPE SYNTAX Integer32 MAX-ACCESS read-only
                STATUS current DESCRIPTION "c" ::= { s 4 }
              END"#,
        );
        c.request_all();
        c.finish()
    }

    fn parse(mib: &Mib, name: &str, text: &str) -> Result<Value, String> {
        let d = mib.def(mib.find(name).unwrap());
        parse_value(mib, &d.syntax().unwrap(), text)
    }

    #[test]
    fn values_are_checked_against_the_mib() {
        let mib = mib();
        assert_eq!(
            parse(&mib, "sName", "ab"),
            Ok(Value::OctetString(b"ab".to_vec()))
        );
        assert!(
            parse(&mib, "sName", "abcde")
                .unwrap_err()
                .contains("SIZE (0..4)")
        );
        assert_eq!(
            parse(&mib, "sName", "0x0aff"),
            Ok(Value::OctetString(vec![10, 255]))
        );
        assert_eq!(parse(&mib, "sLevel", "7"), Ok(Value::Integer(7)));
        assert!(parse(&mib, "sLevel", "11").unwrap_err().contains("1..10"));
        assert!(parse(&mib, "sLevel", "x").is_err());
        assert_eq!(parse(&mib, "sMode", "off"), Ok(Value::Integer(2)));
        assert_eq!(parse(&mib, "sMode", "1"), Ok(Value::Integer(1)));
        assert!(
            parse(&mib, "sMode", "3")
                .unwrap_err()
                .contains("on(1), off(2)")
        );
    }

    #[test]
    fn read_only_objects_are_refused_with_a_reason() {
        let mib = mib();
        let count = mib.def(mib.find("sCount").unwrap());
        assert!(refuse(&count).unwrap().contains("read-only"));
        assert_eq!(refuse(&mib.def(mib.find("sName").unwrap())), None);
    }

    #[test]
    fn the_editor_builds_the_instance_oid() {
        let mib = mib();
        let node = mib.resolve("sName").unwrap().node;
        let mut e =
            SetEditor::new(&mib, node, "0", Some(&Value::OctetString(b"x".to_vec()))).unwrap();
        assert_eq!(e.value.text, "x");
        e.value = TextInput::with("rack");
        let vb = e.build(&mib).unwrap();
        assert_eq!(vb.oid.to_string(), ".1.3.6.1.4.1.9998.1.0");
        e.instance = TextInput::with("a.b");
        assert!(
            e.build(&mib)
                .unwrap_err()
                .contains("numbers separated by dots")
        );
    }
}
