//! The readers that rule kinds and the config's tables share: module
//! patterns, name patterns, path globs, regexes, `in`/`except` scopes,
//! granularity, `imports`, and the checks that refuse values which would
//! silently check nothing. Each mistake is a [`Diagnostic`] at its string.

use std::collections::HashMap;
use std::ops::Range;

use globset::{Glob, GlobSet, GlobSetBuilder};
use regex::Regex;
use toml::Spanned;

use super::name_pattern::NamePattern;
use super::pattern::ModulePattern;
use super::table::Table;
use super::{Granularity, ImportSelection, SCOPE_KEYS, Scope, Selects, WrittenPattern};
use crate::diagnostic::{Diagnostic, line_number};

/// A regex that must have the named capture group `group`.
pub fn regex_with_group(
    table: &Table<'_>,
    pattern: &Spanned<&str>,
    group: &str,
) -> Result<Regex, Diagnostic> {
    let regex = Regex::new(pattern.get_ref()).map_err(|error| {
        let reason = match error {
            regex::Error::Syntax(text) => text.lines().last().unwrap_or_default().to_string(),
            other => other.to_string(),
        };
        table
            .source
            .error(pattern.span(), format!("invalid regex: {reason}"))
    })?;
    if !regex.capture_names().any(|name| name == Some(group)) {
        return Err(table
            .source
            .error(pattern.span(), format!("the regex has no `{group}` group"))
            .with_help(format!("name the part to read with `(?P<{group}>...)`")));
    }
    Ok(regex)
}

pub fn refuse_empty(
    table: &Table<'_>,
    key: &str,
    span: Range<usize>,
    empty: bool,
) -> Result<(), Diagnostic> {
    if empty {
        Err(table
            .source
            .error(span, format!("`{key}` {} must not be empty", table.place)))
    } else {
        Ok(())
    }
}

/// Path globs relative to the project root, compiled; each error points at
/// its string. Also returns the globs as written, for messages.
pub fn globs(table: &Table<'_>, key: &str) -> Result<(GlobSet, Vec<String>), Diagnostic> {
    let Some(list) = table.strings(key)? else {
        return Ok((GlobSet::empty(), Vec::new()));
    };
    let mut builder = GlobSetBuilder::new();
    for item in list.get_ref() {
        let glob = Glob::new(item.get_ref()).map_err(|error| {
            table.source.error(
                item.span(),
                format!("invalid glob `{}`: {}", item.get_ref(), error.kind()),
            )
        })?;
        record(table, key, item, || Selects::Paths(glob.compile_matcher()));
        builder.add(glob);
    }
    let set = builder.build().map_err(|error| {
        table.source.error(
            list.span(),
            format!("cannot compile `{key}` {}: {error}", table.place),
        )
    })?;
    let written = list
        .get_ref()
        .iter()
        .map(|item| item.get_ref().to_string())
        .collect();
    Ok((set, written))
}

/// Keeps `item` of `key` for the check that it matches something, when
/// `key` says where a rule or layer applies.
fn record(table: &Table<'_>, key: &str, item: &Spanned<&str>, selects: impl FnOnce() -> Selects) {
    if !SCOPE_KEYS.contains(&key) {
        return;
    }
    table.source.written.borrow_mut().push(WrittenPattern {
        selects: selects(),
        text: item.get_ref().to_string(),
        key: key.to_string(),
        table: table.place.clone(),
        place: table.source.place(item.span().start),
        of_layer: table.key() == "layer",
    });
}

pub fn module_patterns(table: &Table<'_>, key: &str) -> Result<Vec<ModulePattern>, Diagnostic> {
    parse_module_patterns(table, key, false)
}

/// Module patterns that may hold `{name}` captures (forbidden-import's
/// `from` and `to`); everywhere else a capture is refused at its string.
pub fn parse_module_patterns(
    table: &Table<'_>,
    key: &str,
    captures_allowed: bool,
) -> Result<Vec<ModulePattern>, Diagnostic> {
    let Some(list) = table.strings(key)? else {
        return Ok(Vec::new());
    };
    list.get_ref()
        .iter()
        .map(|item| {
            let pattern = ModulePattern::parse(item.get_ref())
                .map_err(|error| table.source.error(item.span(), error.to_string()))?;
            record(table, key, item, || Selects::Modules(pattern.clone()));
            if pattern.has_captures() && !captures_allowed {
                return Err(table
                    .source
                    .error(
                        item.span(),
                        format!(
                            "`{key}` {} cannot use captures: `{pattern}`; only `from` binds \
                             and only `to` tests them, in rules of kind `forbidden-import`",
                            table.place
                        ),
                    )
                    .with_help("write `*` for any one segment".to_string()));
            }
            Ok(pattern)
        })
        .collect()
}

/// Module patterns under a key that a rule cannot do without.
pub fn required_module_patterns(
    table: &Table<'_>,
    key: &str,
) -> Result<Vec<ModulePattern>, Diagnostic> {
    required_patterns(table, key, false)
}

pub fn required_patterns(
    table: &Table<'_>,
    key: &str,
    captures_allowed: bool,
) -> Result<Vec<ModulePattern>, Diagnostic> {
    let list = table.required(key, table.strings(key)?)?;
    // An empty list would make the rule match nothing, silently.
    refuse_empty(table, key, list.span(), list.get_ref().is_empty())?;
    parse_module_patterns(table, key, captures_allowed)
}

pub fn name_patterns(table: &Table<'_>, key: &str) -> Result<Option<Vec<NamePattern>>, Diagnostic> {
    let Some(list) = table.strings(key)? else {
        return Ok(None);
    };
    list.get_ref()
        .iter()
        .map(|item| {
            NamePattern::parse(item.get_ref())
                .map_err(|error| table.source.error(item.span(), error.to_string()))
        })
        .collect::<Result<_, _>>()
        .map(Some)
}

pub fn default_name_patterns(defaults: &[&str]) -> Vec<NamePattern> {
    defaults
        .iter()
        .map(|text| NamePattern::parse(text).expect("the defaults are valid patterns"))
        .collect()
}

/// A list of plain names (`methods`), or `defaults` when absent.
pub fn names_or(
    table: &Table<'_>,
    key: &str,
    defaults: &[&str],
) -> Result<Vec<String>, Diagnostic> {
    Ok(match table.strings(key)? {
        Some(list) => {
            refuse_empty(table, key, list.span(), list.get_ref().is_empty())?;
            list.get_ref()
                .iter()
                .map(|item| item.get_ref().to_string())
                .collect()
        }
        None => defaults.iter().map(|name| name.to_string()).collect(),
    })
}

/// `in` and `except`; without `in`, every file. With `required`, `in` must
/// be given.
pub fn scope(table: &Table<'_>, required: bool) -> Result<Scope, Diagnostic> {
    let (paths, path_patterns) = globs(table, "paths")?;
    // `paths` alone names the files as well as `in` does.
    let in_required = required && path_patterns.is_empty();
    let within = if in_required || table.strings("in")?.is_some() {
        Some(required_module_patterns(table, "in")?)
    } else {
        None
    };
    Ok(Scope {
        within,
        paths,
        except: module_patterns(table, "except")?,
    })
}

/// `granularity` and `depth`.
pub fn granularity(table: &Table<'_>) -> Result<Granularity, Diagnostic> {
    #[derive(Clone, Copy)]
    enum Choice {
        Module,
        Package,
    }
    let choice = table.choice(
        "granularity",
        &[("module", Choice::Module), ("package", Choice::Package)],
    )?;
    let depth = table.integer("depth")?;
    match (choice.unwrap_or(Choice::Module), depth) {
        (Choice::Module, None) => Ok(Granularity::Module),
        (Choice::Module, Some(depth)) => Err(table
            .source
            .error(
                depth.span(),
                format!("`depth` {} needs `granularity = \"package\"`", table.place),
            )
            .with_help("add `granularity = \"package\"`, or remove `depth`".to_string())),
        (Choice::Package, None) => Err(table
            .source
            .error(
                table.span.clone(),
                format!(
                    "`granularity = \"package\"` {} needs a `depth`",
                    table.place
                ),
            )
            .with_help(
                "give the number of leading segments that name a package: `depth = 2` makes \
                 `app.crm.models` part of `app.crm`"
                    .to_string(),
            )),
        (Choice::Package, Some(depth)) => {
            if *depth.get_ref() == 0 {
                return Err(table.source.error(
                    depth.span(),
                    format!("`depth` {} must be at least 1", table.place),
                ));
            }
            Ok(Granularity::Package {
                depth: *depth.get_ref() as usize,
            })
        }
    }
}

/// A required positive count (`max`).
pub fn positive(table: &Table<'_>, key: &str) -> Result<u64, Diagnostic> {
    let value = table.required(key, table.integer(key)?)?;
    if *value.get_ref() == 0 {
        return Err(table.source.error(
            value.span(),
            format!("`{key}` {} must be at least 1", table.place),
        ));
    }
    Ok(*value.get_ref())
}

/// A regex option with a default; it must have the named group.
pub fn regex_or(
    table: &Table<'_>,
    key: &str,
    default: &str,
    group: &str,
) -> Result<Regex, Diagnostic> {
    match table.string(key)? {
        Some(pattern) => regex_with_group(table, &pattern, group),
        None => Ok(Regex::new(default).expect("the default regex is valid")),
    }
}

/// Names seen so far in one namespace, to refuse a second use with a pointer
/// to the first.
pub struct UniqueNames<'a> {
    what: &'static str,
    pub seen: HashMap<&'a str, Range<usize>>,
}

impl<'a> UniqueNames<'a> {
    pub fn new(what: &'static str) -> Self {
        UniqueNames {
            what,
            seen: HashMap::new(),
        }
    }

    pub fn insert(&mut self, table: &Table<'_>, name: &Spanned<&'a str>) -> Result<(), Diagnostic> {
        if let Some(first) = self.seen.get(name.get_ref()) {
            let line = line_number(table.source.text, first.start);
            return Err(table
                .source
                .error(
                    name.span(),
                    format!("duplicate {} name `{}`", self.what, name.get_ref()),
                )
                .with_help(format!(
                    "{} names must be unique; `{}` is already used on line {line}",
                    self.what,
                    name.get_ref()
                )));
        }
        self.seen.insert(name.get_ref(), name.span());
        Ok(())
    }
}

pub fn imports(table: &Table<'_>) -> Result<ImportSelection, Diagnostic> {
    let choices = [
        ("all", ImportSelection::All),
        ("runtime", ImportSelection::Runtime),
        ("module-level", ImportSelection::ModuleLevel),
    ];
    Ok(table.choice("imports", &choices)?.unwrap_or_default())
}
