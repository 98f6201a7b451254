//! ## What it does
//! Reports imports that break the contract stated by a file's own header
//! (`# Allowed Imports: ...`, `# Forbidden Imports: ...`). `# Allowed
//! Imports: services, app.core.*` lists what the file may import from the
//! project, `# Forbidden Imports: app.models, sqlalchemy` what it must not
//! import at all. Items are layer names or module patterns.
//!
//! ## Why is this bad
//! Metadata is not truth. Large backends carry hundreds of such headers,
//! written once and enforced by nothing; the code drifts away from them and
//! the headers go on telling readers and reviewers a story that is no longer
//! true. Checked, a header becomes a local architecture rule that lives next
//! to the code it governs.
//!
//! ## Example
//! ```toml
//! [[layer]]
//! name = "services"
//! modules = ["app.services"]
//!
//! [[layer]]
//! name = "models"
//! modules = ["app.models"]
//!
//! [[rule]]
//! kind = "header-imports"
//! name = "headers-tell-the-truth"
//! in = ["app"]
//! ```
//! ```python
//! # app/api/orders.py
//! # Allowed Imports: services, app.core.*
//! # Forbidden Imports: sqlalchemy
//! from app.services import orders      # fine: layer `services`
//! from app.core.auth import user       # fine: matches `app.core.*`
//! from app.api import deps             # fine: the file's own package
//! from app.models import Order         # reported: not allowed
//! from sqlalchemy import select        # reported: forbidden
//! import json                          # fine: external, not forbidden
//! ```
//!
//! An item that equals the name of a `[[layer]]` table is that layer;
//! any other item is a module pattern (`app.services.*`, `sqlalchemy`). An
//! item that is neither is reported at its header line, and an `Allowed`
//! line holding one is not enforced until it is fixed. The first header
//! line matching each pattern counts; lines are matched without their
//! indentation.
//!
//! `Allowed Imports` governs imports of the project's own modules only
//! (external packages are left to `Forbidden Imports`). Besides what it
//! lists, a file may always import modules of its own layer and of its own
//! package (`app/api/orders.py` may import `app.api.deps`). `Forbidden
//! Imports` applies to every import, internal or external, and is checked
//! first: an import both forbidden and not allowed is reported once, as
//! forbidden. Imports under `if TYPE_CHECKING:` count only with
//! `[project] type-checking-imports = "check"`.
//!
//! ## Options
//! - `in` (module patterns, default: every file): the files whose headers
//!   are checked.
//! - `except` (module patterns): files exempt from the rule.
//! - `allowed-header` (string, default `Allowed Imports`) and
//!   `forbidden-header` (string, default `Forbidden Imports`): the names of
//!   the two header lines.
//! - `line-pattern` (regex, default `^#\s*{header}:\s*(?P<items>.*\S)`): the
//!   shape of a header line; `{header}` stands for the header's name and the
//!   `items` group holds the comma-separated list.
//! - `name`, `message`, `severity` as for every rule.

use std::sync::Arc;

use toml::Spanned;

use crate::diagnostic::Diagnostic;
use crate::rules::{Check, Rule, RuleKind};
use crate::settings::read::{regex_with_group, scope};
use crate::settings::{ImportSelection, ModulePattern, Scope, Table};
use regex::Regex;

use crate::facts::{FactSet, HeaderLine, MODULE_SCOPE};
use crate::graph::ImportEdge;
use crate::layers::{LayerId, LayerMap};
use crate::rules::{Context, import_counts};
use crate::span::Span;
use crate::violation::Violation;

/// One entry of a header's list.
#[derive(Debug, PartialEq)]
enum Item {
    /// The position of a `[[layer]]`.
    Layer(LayerId),
    Pattern(ModulePattern),
}

/// A header line listing what the file may (or must not) import.
struct ImportHeader<'h> {
    line: &'h HeaderLine,
    items: Vec<Item>,
    /// Items that are neither a layer name nor a module pattern, each with
    /// the reason.
    invalid: Vec<(&'h str, ItemError)>,
}

/// Why a header item is neither a layer name nor a module pattern.
#[derive(Debug, PartialEq, thiserror::Error)]
enum ItemError {
    #[error("captures (`{{name}}`) have nothing to bind in a header")]
    Captures,
    /// The reason the module pattern was refused.
    #[error("{0}")]
    Pattern(String),
}

impl ImportHeader<'_> {
    fn quote(&self) -> &str {
        self.line.text.trim()
    }

    /// Whether `target` (or, for layers, the edge's resolved target) is
    /// named by an item.
    fn names(&self, target: &str, layer: Option<LayerId>) -> bool {
        self.items.iter().any(|item| match item {
            Item::Layer(position) => layer == Some(*position),
            Item::Pattern(pattern) => pattern.matches(target),
        })
    }
}

/// The `header-imports` rule kind.
pub struct HeaderImports;

impl RuleKind for HeaderImports {
    fn name(&self) -> &'static str {
        "header-imports"
    }

    fn facts(&self) -> FactSet {
        FactSet::HEADER
    }

    fn source(&self) -> &'static str {
        include_str!("header_imports.rs")
    }

    fn keys(&self) -> &'static [&'static str] {
        &[
            "in",
            "except",
            "allowed-header",
            "forbidden-header",
            "line-pattern",
        ]
    }

    fn read(&self, table: &Table<'_>) -> Result<Arc<dyn Check>, Diagnostic> {
        Ok(Arc::new(read_options(table)?))
    }
}

#[derive(Clone, Debug)]
pub struct HeaderImportsOptions {
    pub scope: Scope,
    /// Matches a header line listing what the file may import; its `items`
    /// group holds the comma-separated layer names and module patterns.
    pub allowed: Regex,
    /// The same for what the file must not import.
    pub forbidden: Regex,
}

/// Reads the options of one `[[rule]]` table of kind `header-imports`.
fn read_options(table: &Table<'_>) -> Result<HeaderImportsOptions, Diagnostic> {
    let line = table.string("line-pattern")?;
    Ok(HeaderImportsOptions {
        scope: scope(table, false)?,
        allowed: header_regex(table, line.as_ref(), "allowed-header", "Allowed Imports")?,
        forbidden: header_regex(
            table,
            line.as_ref(),
            "forbidden-header",
            "Forbidden Imports",
        )?,
    })
}

/// The header-imports line regex for one header name: `{header}` in the
/// line pattern stands for the (escaped) name.
fn header_regex(
    table: &Table<'_>,
    line_pattern: Option<&Spanned<&str>>,
    header_key: &str,
    default_header: &str,
) -> Result<Regex, Diagnostic> {
    let header = table.string(header_key)?;
    let name = header.as_ref().map_or(default_header, |h| *h.get_ref());
    let line = line_pattern.map_or(DEFAULT_HEADER_LINE, |p| *p.get_ref());
    if !line.contains("{header}") {
        let span = line_pattern.map_or(table.span.clone(), |p| p.span());
        return Err(table
            .source
            .error(span, "`line-pattern` has no `{header}` placeholder")
            .with_help(format!("for example `{DEFAULT_HEADER_LINE}`")));
    }
    let text = line.replace("{header}", &regex::escape(name));
    let span = line_pattern.map_or(table.span.clone(), |p| p.span());
    regex_with_group(table, &Spanned::new(span, text.as_str()), "items")
}

/// The line of a header-imports header, by default; `{header}` is the
/// header's name.
const DEFAULT_HEADER_LINE: &str = r"^#\s*{header}:\s*(?P<items>.*\S)";

impl Check for HeaderImportsOptions {
    fn check(&self, context: &Context<'_>, rule: &Rule) -> Vec<Violation> {
        check(context, rule, self)
    }
}

fn check(context: &Context<'_>, rule: &Rule, options: &HeaderImportsOptions) -> Vec<Violation> {
    let layers = context.layers;
    let policy = context.type_checking_imports;
    let mut violations = Vec::new();
    for (index, file, facts) in context.files.iter() {
        if !options.scope.covers(file.module.as_deref(), &file.path) {
            continue;
        }
        let allowed = import_header(&facts.header, &options.allowed, layers);
        let forbidden = import_header(&facts.header, &options.forbidden, layers);
        if allowed.is_none() && forbidden.is_none() {
            continue;
        }
        for header in allowed.iter().chain(&forbidden) {
            for (item, reason) in &header.invalid {
                let text = format!(
                    "header item `{item}` in `{}` is neither a layer name nor a module pattern: {reason}",
                    header.quote()
                );
                violations.push(context.violation(
                    rule,
                    index,
                    Span::line_start(header.line.line),
                    MODULE_SCOPE,
                    &format!("invalid {item}"),
                    text,
                ));
            }
        }
        // An allowed list with an unusable item cannot say what is allowed.
        let allowed = allowed.filter(|header| header.invalid.is_empty());
        let importer = file.module.as_deref().unwrap_or(&file.path);
        let own_layer = layers.of_file(index);
        // A top-level module (`main.py`) lies in no package.
        let own_package = file.module.as_deref().and_then(|module| {
            if file.is_package {
                Some(module)
            } else {
                module.rsplit_once('.').map(|(package, _)| package)
            }
        });
        for edge in context.graph.edges_of(index) {
            if !import_counts(ImportSelection::All, policy, &edge.context) {
                continue;
            }
            let target_layer = layers.of_name(&edge.target);
            let describe = |target: &str| match target_layer {
                Some(layer) if target == &*edge.target => {
                    format!("`{target}` (layer `{}`)", layers.layer(layer).name)
                }
                _ => format!("`{target}`"),
            };
            if let Some(header) = &forbidden {
                let hit = forbidden_target(header, edge, target_layer);
                if let Some(target) = hit {
                    let text = format!(
                        "`{importer}` imports {}, which its header forbids (`{}`)",
                        describe(target),
                        header.quote()
                    );
                    violations.push(context.import_violation(rule, edge, target, text));
                    continue;
                }
            }
            let Some(header) = &allowed else { continue };
            if !edge.internal
                || (target_layer.is_some() && target_layer == own_layer)
                || own_package.is_some_and(|package| within(&edge.target, package))
                || header.names(&edge.target, target_layer)
            {
                continue;
            }
            let text = format!(
                "`{importer}` imports {}, which its header does not allow (`{}`)",
                describe(&edge.target),
                header.quote()
            );
            violations.push(context.import_violation(rule, edge, &edge.target, text));
        }
    }
    violations
}

/// The target of `edge` that a forbidden header names, if any: the resolved
/// target by its layer or a pattern, or an external submodule candidate
/// (`sqlalchemy.orm` for `from sqlalchemy import orm`) by a pattern.
fn forbidden_target<'e>(
    header: &ImportHeader<'_>,
    edge: &'e ImportEdge,
    target_layer: Option<LayerId>,
) -> Option<&'e str> {
    edge.candidate_targets()
        .map(|name| &**name)
        .find(|&target| {
            let layer = if target == &*edge.target {
                target_layer
            } else {
                None
            };
            header.names(target, layer)
        })
}

/// `module` is `package` or lies below it.
fn within(module: &str, package: &str) -> bool {
    module
        .strip_prefix(package)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}

/// The first header line matching `regex`, with its items parsed.
fn import_header<'h>(
    header: &'h [HeaderLine],
    regex: &Regex,
    layers: &LayerMap<'_>,
) -> Option<ImportHeader<'h>> {
    header.iter().find_map(|line| {
        let list = regex.captures(line.text.trim_start())?.name("items")?;
        let mut items = Vec::new();
        let mut invalid = Vec::new();
        for item in split_items(list.as_str()) {
            match parse_item(item, layers) {
                Ok(parsed) => items.push(parsed),
                Err(reason) => invalid.push((item, reason)),
            }
        }
        Some(ImportHeader {
            line,
            items,
            invalid,
        })
    })
}

/// The comma-separated items of a header list, trimmed, empty ones dropped.
fn split_items(list: &str) -> impl Iterator<Item = &str> {
    list.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
}

/// A layer name when a `[[layer]]` table has it, else a module pattern.
fn parse_item(item: &str, layers: &LayerMap<'_>) -> Result<Item, ItemError> {
    if let Some(position) = layers.by_name(item) {
        return Ok(Item::Layer(position));
    }
    match ModulePattern::parse(item) {
        Ok(pattern) if pattern.has_captures() => Err(ItemError::Captures),
        Ok(pattern) => Ok(Item::Pattern(pattern)),
        Err(error) => Err(ItemError::Pattern(error.reason)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::Files;

    #[test]
    fn items_are_split_on_commas_and_trimmed() {
        let items: Vec<&str> = split_items(" L4,  app.services.* ,, sqlalchemy ,").collect();
        assert_eq!(items, ["L4", "app.services.*", "sqlalchemy"]);
    }

    #[test]
    fn own_package_covers_itself_and_below_only() {
        assert!(within("app.api.deps", "app.api"));
        assert!(within("app.api", "app.api"));
        assert!(!within("app.apis", "app.api"));
        assert!(!within("app.models", "app.api"));
    }

    #[test]
    fn an_item_is_a_layer_name_before_a_module_pattern() {
        let mut set = globset::GlobSetBuilder::new();
        set.add(globset::Glob::new("x/**").unwrap());
        let layers = vec![crate::settings::Layer {
            name: "services".to_string(),
            place: "gate.toml:1:1".to_string(),
            modules: Vec::new(),
            paths: set.build().unwrap(),
            path_patterns: vec!["x/**".to_string()],
            may_import: None,
        }];
        let map = LayerMap::new(&layers, &Files::default(), None, &Default::default());
        assert!(matches!(
            parse_item("services", &map),
            Ok(Item::Layer(layer)) if layer.index() == 0
        ));
        assert_eq!(
            parse_item("app.services.*", &map),
            Ok(Item::Pattern(
                ModulePattern::parse("app.services.*").unwrap()
            ))
        );
        assert!(parse_item("L4 L6", &map).is_err());
        assert!(parse_item("app.{d}.api", &map).is_err());
    }
}
