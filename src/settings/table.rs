//! Typed reads from one parsed TOML table that keep every key's and value's
//! byte position, so that each schema error can name its line and key.

use std::cell::RefCell;
use std::ops::Range;
use std::path::Path;

use toml::Spanned;
use toml::de::{DeString, DeTable, DeValue};

use super::WrittenPattern;
use crate::diagnostic::Diagnostic;
use crate::suggest::{did_you_mean, one_of, suggest_or_list};

type Result<T> = std::result::Result<T, Diagnostic>;

/// The config file being read, to turn byte positions into diagnostics.
#[derive(Clone, Copy)]
pub struct Source<'a> {
    pub text: &'a str,
    pub file: &'a Path,
    /// The patterns that say where rules and layers apply, as read: the
    /// run checks that each matches something.
    pub written: &'a RefCell<Vec<WrittenPattern>>,
}

impl Source<'_> {
    pub fn error(&self, span: Range<usize>, message: impl Into<String>) -> Diagnostic {
        Diagnostic::at(self.file, self.text, span, message)
    }

    /// `file:line:column` of the byte `offset`.
    pub fn place(&self, offset: usize) -> String {
        let location = Diagnostic::at(self.file, self.text, offset..offset, "")
            .location
            .expect("a diagnostic at a span has a location");
        format!(
            "{}:{}:{}",
            self.file.display(),
            location.line,
            location.column
        )
    }
}

/// One table of the config, with what a message needs to name it.
pub struct Table<'a> {
    pub source: Source<'a>,
    entries: &'a DeTable<'a>,
    /// The header (`[[layer]]`), or the whole table when it is inline.
    pub span: Range<usize>,
    /// The dotted key path (`tool.gate.project`); empty for the document.
    path: String,
    /// Where the table is, for messages: `in [[layer]] "api"`.
    pub place: String,
}

impl<'a> Table<'a> {
    /// The whole document.
    pub fn document(source: Source<'a>, entries: &'a DeTable<'a>) -> Self {
        Table {
            source,
            entries,
            span: 0..0,
            path: String::new(),
            place: "at the top level".to_string(),
        }
    }

    /// A table with no keys standing for the absent table `key`, so that its
    /// defaults come from the same reads as written values.
    pub fn absent(&self, key: &str, empty: &'a DeTable<'a>) -> Self {
        let path = self.child_path(key);
        Table {
            source: self.source,
            entries: empty,
            span: self.span.clone(),
            place: format!("in [{path}]"),
            path,
        }
    }

    /// Refuses the first key, in file order, that is not in `known`.
    pub fn check_keys(&self, known: &[&str]) -> Result<()> {
        match self.unknown_key(known) {
            Some(key) => Err(self.unknown_key_error(key, known)),
            None => Ok(()),
        }
    }

    /// The first key, in file order, that is not in `known`.
    pub fn unknown_key(&self, known: &[&str]) -> Option<&'a Spanned<DeString<'a>>> {
        self.entries
            .iter()
            .map(|(key, _)| key)
            .filter(|key| !known.contains(&key.get_ref().as_ref()))
            .min_by_key(|key| key.span().start)
    }

    pub fn unknown_key_error(&self, key: &Spanned<DeString<'_>>, known: &[&str]) -> Diagnostic {
        self.source
            .error(
                key.span(),
                format!("unknown key `{}` {}", key.get_ref(), self.place),
            )
            .with_help(suggest_or_list(key.get_ref(), known, "known keys"))
    }

    /// `value`, or an error naming the missing `key` at the table's header.
    pub fn required<T>(&self, key: &str, value: Option<T>) -> Result<T> {
        value.ok_or_else(|| {
            self.source.error(
                self.span.clone(),
                format!("missing required key `{key}` {}", self.place),
            )
        })
    }

    pub fn string(&self, key: &str) -> Result<Option<Spanned<&'a str>>> {
        let Some(value) = self.entries.get(key) else {
            return Ok(None);
        };
        match value.get_ref() {
            DeValue::String(text) => Ok(Some(Spanned::new(value.span(), text.as_ref()))),
            _ => Err(self.type_error(key, value, "a string")),
        }
    }

    /// A non-negative integer.
    pub fn integer(&self, key: &str) -> Result<Option<Spanned<u64>>> {
        let Some(value) = self.entries.get(key) else {
            return Ok(None);
        };
        let DeValue::Integer(integer) = value.get_ref() else {
            return Err(self.type_error(key, value, "an integer"));
        };
        match u64::from_str_radix(integer.as_str(), integer.radix()).ok() {
            Some(number) => Ok(Some(Spanned::new(value.span(), number))),
            None => Err(self.source.error(
                value.span(),
                format!(
                    "`{key}` {} must be a non-negative integer, found {}",
                    self.place,
                    &self.source.text[value.span()]
                ),
            )),
        }
    }

    pub fn boolean(&self, key: &str) -> Result<Option<bool>> {
        let Some(value) = self.entries.get(key) else {
            return Ok(None);
        };
        match value.get_ref() {
            DeValue::Boolean(flag) => Ok(Some(*flag)),
            _ => Err(self.type_error(key, value, "a boolean (`true` or `false`)")),
        }
    }

    /// An array of strings; the outer span is the array's.
    pub fn strings(&self, key: &str) -> Result<Option<Spanned<Vec<Spanned<&'a str>>>>> {
        let Some(value) = self.entries.get(key) else {
            return Ok(None);
        };
        let items = match value.get_ref() {
            DeValue::Array(items) => items,
            DeValue::String(_) => {
                let literal = &self.source.text[value.span()];
                return Err(self
                    .type_error(key, value, "an array of strings")
                    .with_help(format!("write `{key} = [{literal}]`")));
            }
            _ => return Err(self.type_error(key, value, "an array of strings")),
        };
        let strings = items
            .iter()
            .map(|item| match item.get_ref() {
                DeValue::String(text) => Ok(Spanned::new(item.span(), text.as_ref())),
                other => Err(self.source.error(
                    item.span(),
                    format!(
                        "every item of `{key}` {} must be a string, found {}",
                        self.place,
                        type_name(other)
                    ),
                )),
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Some(Spanned::new(value.span(), strings)))
    }

    /// A string that must be one of `choices`; returns the matching value.
    pub fn choice<T: Copy>(&self, key: &str, choices: &[(&str, T)]) -> Result<Option<T>> {
        let Some(text) = self.string(key)? else {
            return Ok(None);
        };
        if let Some((_, value)) = choices.iter().find(|(name, _)| name == text.get_ref()) {
            return Ok(Some(*value));
        }
        let names: Vec<&str> = choices.iter().map(|(name, _)| *name).collect();
        Err(self
            .source
            .error(
                text.span(),
                format!(
                    "invalid value `{}` for `{key}` {}: expected {}",
                    text.get_ref(),
                    self.place,
                    one_of(&names)
                ),
            )
            .with_help(did_you_mean(text.get_ref(), &names)))
    }

    /// The sub-table `key` (`[project]`).
    pub fn table(&self, key: &str) -> Result<Option<Table<'a>>> {
        let Some(value) = self.entries.get(key) else {
            return Ok(None);
        };
        let path = self.child_path(key);
        match value.get_ref() {
            DeValue::Table(entries) => Ok(Some(Table {
                source: self.source,
                entries,
                span: value.span(),
                place: format!("in [{path}]"),
                path,
            })),
            _ => Err(self
                .type_error(key, value, "a table")
                .with_help(format!("write `[{path}]` above its keys"))),
        }
    }

    /// The array of tables `key` (`[[layer]]`). Each entry is named in
    /// messages by its `name` key when it has one, else by its position.
    pub fn tables(&self, key: &str) -> Result<Vec<Table<'a>>> {
        let Some(value) = self.entries.get(key) else {
            return Ok(Vec::new());
        };
        let path = self.child_path(key);
        let header = format!("[[{path}]]");
        let DeValue::Array(items) = value.get_ref() else {
            return Err(self
                .type_error(key, value, "an array of tables")
                .with_help(format!("write `{header}` above each entry")));
        };
        items
            .iter()
            .enumerate()
            .map(|(index, item)| {
                let DeValue::Table(entries) = item.get_ref() else {
                    return Err(self.source.error(
                        item.span(),
                        format!(
                            "every entry of `{key}` {} must be a table, found {}",
                            self.place,
                            type_name(item.get_ref())
                        ),
                    ));
                };
                let label = match entries.get("name").and_then(|name| name.get_ref().as_str()) {
                    Some(name) => format!("{header} {name:?}"),
                    None => format!("{header} #{}", index + 1),
                };
                Ok(Table {
                    source: self.source,
                    entries,
                    span: item.span(),
                    path: path.clone(),
                    place: format!("in {label}"),
                })
            })
            .collect()
    }

    /// The key this table is under (`layer` for `[[tool.gate.layer]]`).
    pub fn key(&self) -> &str {
        self.path.rsplit('.').next().unwrap_or_default()
    }

    fn child_path(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    fn type_error(&self, key: &str, value: &Spanned<DeValue<'_>>, expected: &str) -> Diagnostic {
        self.source.error(
            value.span(),
            format!(
                "`{key}` {} must be {expected}, found {}",
                self.place,
                type_name(value.get_ref())
            ),
        )
    }
}

/// The TOML type of `value` with its article, for messages.
fn type_name(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a datetime",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}
