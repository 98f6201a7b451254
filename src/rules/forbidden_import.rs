//! ## What it does
//! Reports imports of modules matching `to` by modules matching `from`
//! (minus those matching `except`). `to` may name internal modules or
//! external packages with their full dotted name (`sqlalchemy.orm`).
//!
//! ## Why is this bad
//! Some dependencies are decisions, not accidents: domain code must not know
//! the web framework; engines must not reach the database; new code must not
//! grow new ties to the legacy package the team is migrating away from.
//! A grep for the module name fires on comments and strings and misses
//! relative imports; this rule reads the imports themselves.
//!
//! ## Example
//! ```toml
//! [[rule]]
//! kind = "forbidden-import"
//! name = "no-legacy"
//! from = ["app"]
//! except = ["app.adapters.acl_*"]
//! to = ["app.legacy"]
//! message = "go through an anti-corruption adapter in app.adapters"
//! ```
//! ```python
//! # app/services/orders.py
//! from app.legacy.pricing import quote   # reported
//! # app/adapters/acl_pricing.py
//! from app.legacy.pricing import quote   # fine: listed in `except`
//! ```
//!
//! Captures keep each domain's drivers to their own domain:
//! ```toml
//! [[rule]]
//! kind = "forbidden-import"
//! name = "drivers-stay-home"
//! from = ["app.domains.{d}.drivers"]
//! to = ["app.domains.{!d}"]
//! ```
//! ```python
//! # app/domains/billing/drivers/pg.py
//! from app.domains.crm.models import Customer     # reported: another domain
//! from app.domains.billing.models import Invoice  # fine: its own domain
//! ```
//!
//! ## Options
//! - `from` (module patterns, required): the importing modules. A `{name}`
//!   segment matches one segment and binds it: `app.domains.{d}.drivers`
//!   binds `d` to `billing` in `app.domains.billing.drivers.pg`. When
//!   several `from` patterns match an importer, the first one binds.
//! - `except` (module patterns): importers exempt from the rule. They bind
//!   nothing (`{name}` is refused here).
//! - `to` (module patterns, required): what they may not import. A module
//!   inside a `to` pattern may import the rest of that pattern: `app.legacy`
//!   may import itself. `{name}` matches only the segment that `from` bound
//!   to `name`, and `{!name}` any other: in the example above,
//!   `app.domains.billing.drivers.pg` may not import `app.domains.crm.models`
//!   but may import `app.domains.billing.models`. A name that no `from`
//!   pattern binds is refused; one that the matching `from` pattern does not
//!   bind matches any segment.
//! - `imports` (`all`, `runtime` or `module-level`, default `all`): which
//!   import statements count.
//! - `transitive` (boolean, default `false`): also report indirect imports:
//!   chains `A -> B -> ... -> C` of two imports or more, each allowed on its
//!   own, from a module `A` of `from` to a module `C` that `A` may not import
//!   (under `A`'s captures). A chain ends at the first such module. `A` is
//!   reported once per package it reaches this way (the part of `C` that
//!   the `to` pattern matches: `app.legacy` for `app.legacy.db` and
//!   `to = ["app.legacy"]`, `app.domains.crm` for `app.domains.{!d}`), and
//!   not at all for a package it imports directly. The violation is at
//!   `A`'s first import of the shortest chain, which the message prints hop
//!   by hop (`file:line`); its subject is `indirect: <package>`, so the
//!   baseline keeps it known when the chain changes. A chain never takes an
//!   import that the rule reports directly, and stops at a module of
//!   `except` (the sanctioned way through). An external package ends a
//!   chain: `to = ["sqlalchemy"]` also finds `sqlalchemy.orm` imported by a
//!   helper module.
//! - `name`, `message`, `severity` as for every rule.

use std::sync::Arc;

use std::ops::Range;

use crate::diagnostic::Diagnostic;
use crate::rules::{Check, Rule, RuleKind};
use crate::settings::read::{imports, module_patterns, required_patterns};
use crate::settings::{ImportSelection, ModulePattern, Table};
use std::cell::Cell;
use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use crate::facts::FactSet;
use crate::files::{FileId, PerFile};
use crate::graph::Name;
use crate::rules::Context;
use crate::rules::chains::{Hop, HopGraph, Reach};
use crate::settings::pattern::Bindings;
use crate::violation::Violation;

/// The `forbidden-import` rule kind.
pub struct ForbiddenImport;

impl RuleKind for ForbiddenImport {
    fn name(&self) -> &'static str {
        "forbidden-import"
    }

    fn facts(&self) -> FactSet {
        FactSet::BASE
    }

    fn source(&self) -> &'static str {
        include_str!("forbidden_import.rs")
    }

    fn keys(&self) -> &'static [&'static str] {
        &["from", "except", "to", "imports", "transitive"]
    }

    fn read(&self, table: &Table<'_>) -> Result<Arc<dyn Check>, Diagnostic> {
        Ok(Arc::new(read_options(table)?))
    }
}

#[derive(Clone, Debug)]
pub struct ForbiddenImportOptions {
    /// May bind `{name}` captures that `to` refers to.
    pub from: Vec<ModulePattern>,
    pub except: Vec<ModulePattern>,
    /// May use `{name}` (same segment as bound in `from`) and `{!name}`
    /// (a different one).
    pub to: Vec<ModulePattern>,
    pub imports: ImportSelection,
    pub transitive: bool,
}

/// forbidden-import's options; `from` and `to` may use captures.
fn read_options(table: &Table<'_>) -> Result<ForbiddenImportOptions, Diagnostic> {
    /// Each pattern of `key` with the span of its string.
    fn spanned<'p>(
        table: &Table<'_>,
        key: &str,
        patterns: &'p [ModulePattern],
    ) -> Result<Vec<(&'p ModulePattern, Range<usize>)>, Diagnostic> {
        let spans = table.strings(key)?.map(|list| list.into_inner());
        Ok(patterns
            .iter()
            .zip(spans.into_iter().flatten().map(|item| item.span()))
            .collect())
    }
    let from = required_patterns(table, "from", true)?;
    let except = module_patterns(table, "except")?;
    let to = required_patterns(table, "to", true)?;
    // Captures: `from` binds `{name}`, `to` tests `{name}` / `{!name}`.
    for (pattern, span) in spanned(table, "from", &from)? {
        if let Some((name, _)) = pattern.captures_used().find(|(_, negated)| *negated) {
            return Err(table
                .source
                .error(
                    span,
                    format!(
                        "`{{!{name}}}` in `from` {}: a negated capture tests a \
                         segment that `from` bound, so it belongs in `to`",
                        table.place
                    ),
                )
                .with_help(format!(
                    "bind the segment with `{{{name}}}` here, and write `{{!{name}}}` in `to`"
                )));
        }
    }
    let mut bound: Vec<&str> = Vec::new();
    for (name, _) in from.iter().flat_map(ModulePattern::captures_used) {
        if !bound.contains(&name) {
            bound.push(name);
        }
    }
    for (pattern, span) in spanned(table, "to", &to)? {
        let unbound = pattern
            .captures_used()
            .find(|(name, _)| !bound.contains(name));
        if let Some((name, negated)) = unbound {
            let written = if negated {
                format!("{{!{name}}}")
            } else {
                format!("{{{name}}}")
            };
            let help = if bound.is_empty() {
                format!(
                    "bind it with a `{{{name}}}` segment in a `from` pattern, such as \
                     `app.domains.{{{name}}}.drivers`"
                )
            } else {
                let names: Vec<String> = bound.iter().map(|name| format!("`{{{name}}}`")).collect();
                format!("the `from` patterns bind {}", names.join(", "))
            };
            return Err(table
                .source
                .error(
                    span,
                    format!(
                        "capture `{written}` in `to` {} is not bound by any `from` pattern",
                        table.place
                    ),
                )
                .with_help(help));
        }
    }
    Ok(ForbiddenImportOptions {
        from,
        except,
        to,
        imports: imports(table)?,
        transitive: table.boolean("transitive")?.unwrap_or(false),
    })
}

impl Check for ForbiddenImportOptions {
    fn check(&self, context: &Context<'_>, rule: &Rule) -> Vec<Violation> {
        check(context, rule, self)
    }
}

fn check(context: &Context<'_>, rule: &Rule, options: &ForbiddenImportOptions) -> Vec<Violation> {
    let mut violations = Vec::new();
    let mut targets = TargetMatches::new(&options.to, context);
    let importers = context.files.map(|_, file, _| match &file.module {
        Some(module) => importer(options, module),
        None => Importer::Outside,
    });
    for edge in context.selected_edges(options.imports) {
        let Importer::Checked(checked) = &importers[edge.file] else {
            continue;
        };
        let module = checked.module;
        let forbidden = edge.candidate_targets().find_map(|target| {
            forbidding(&mut targets, checked, target).map(|pattern| (target, pattern))
        });
        let Some((target, pattern)) = forbidden else {
            continue;
        };
        let text = format!("`{module}` imports `{target}`, forbidden by `{pattern}`");
        violations.push(context.import_violation(rule, edge, target, text));
    }
    if options.transitive {
        violations.extend(transitive(context, rule, options, &importers, &mut targets));
    }
    violations
}

/// How the rule sees an importing module.
enum Importer<'a> {
    /// It matches no `from` pattern.
    Outside,
    /// It matches `except` (whether it matches `from` or not).
    Exempt,
    /// It is checked.
    Checked(Checked<'a>),
}

/// A checked importer.
struct Checked<'a> {
    module: &'a str,
    /// What the first `from` pattern that matches it bound.
    bindings: Bindings<'a>,
    /// For each `to` pattern, whether the importer lies inside it (and may
    /// import the rest of it). Decided once per importer, not per import.
    inside: Vec<bool>,
}

fn importer<'a>(options: &'a ForbiddenImportOptions, module: &'a str) -> Importer<'a> {
    if options.except.iter().any(|p| p.matches(module)) {
        return Importer::Exempt;
    }
    let Some(bindings) = options.from.iter().find_map(|p| p.captures(module)) else {
        return Importer::Outside;
    };
    let inside = options
        .to
        .iter()
        .map(|pattern| pattern.matches_with(module, &bindings))
        .collect();
    Importer::Checked(Checked {
        module,
        bindings,
        inside,
    })
}

/// The first `to` pattern that forbids `importer` to import `target`. A
/// module inside a pattern may import the rest of it.
fn forbidding<'p>(
    targets: &mut TargetMatches<'p>,
    importer: &Checked<'_>,
    target: &Name,
) -> Option<&'p ModulePattern> {
    let to = targets.to;
    (0..to.len())
        .find(|&i| !importer.inside[i] && targets.matches(i, target, &importer.bindings))
        .map(|i| &to[i])
}

/// Whether the names of the graph match the `to` patterns, decided at a
/// name's first import and then read: a large project imports the same
/// names hundreds of thousands of times. What is decided is the match with
/// captures matching any segment; under an importer's bindings a pattern
/// with captures matches less, so only its candidates are matched again.
struct TargetMatches<'p> {
    to: &'p [ModulePattern],
    has_captures: Vec<bool>,
    /// Per name, then per pattern: the match once decided.
    decided: Vec<Option<bool>>,
}

impl<'p> TargetMatches<'p> {
    fn new(to: &'p [ModulePattern], context: &Context<'_>) -> Self {
        TargetMatches {
            to,
            has_captures: to.iter().map(ModulePattern::has_captures).collect(),
            decided: vec![None; to.len() * context.graph.names.len()],
        }
    }

    /// Whether pattern `to[i]` matches `name` under `bindings`.
    fn matches(&mut self, i: usize, name: &Name, bindings: &[(&str, &str)]) -> bool {
        let pattern = &self.to[i];
        let candidate = *self.decided[name.id() * self.to.len() + i]
            .get_or_insert_with(|| pattern.matches(name));
        candidate && (!self.has_captures[i] || pattern.matches_with(name, bindings))
    }
}

/// The package of a transitive violation: a pattern's match in the module
/// reached (`app.legacy` for `app.legacy.db`), or the pattern itself when it
/// matches no segment (`**`).
fn package_named<'p>(pattern: &'p ModulePattern, matched: &'p str) -> &'p str {
    if matched.is_empty() {
        pattern.as_str()
    } else {
        matched
    }
}

/// A package that a search reached: numbered once for all when its pattern
/// has no captures, else named under the importer's bindings.
#[derive(Clone, Copy)]
enum Package<'p> {
    Static(u32),
    Bound(&'p str),
}

/// Chains of allowed imports from a checked module to a module it may not
/// import.
fn transitive<'p>(
    context: &'p Context<'_>,
    rule: &Rule,
    options: &'p ForbiddenImportOptions,
    importers: &PerFile<Importer<'_>>,
    targets: &mut TargetMatches<'_>,
) -> Vec<Violation> {
    let files = context.files;
    let to = &options.to;
    let graph = HopGraph::build(context, options.imports, |edge| {
        if files.source(edge.file).module.is_none() {
            return Hop::Skip;
        }
        if let Importer::Checked(checked) = &importers[edge.file]
            && let Some(target) = edge
                .candidate_targets()
                .find(|target| forbidding(targets, checked, target).is_some())
        {
            return Hop::Forbidden(target);
        }
        if edge.target.file().is_some() {
            return Hop::Allowed(&edge.target);
        }
        // A module without a file imports nothing: it only matters as the
        // end of a chain.
        match edge
            .candidate_targets()
            .find(|target| to.iter().any(|pattern| pattern.matches(target)))
        {
            Some(target) => Hop::Allowed(target),
            None => Hop::Skip,
        }
    });
    // The `to` patterns each module matches, captures matching any segment,
    // with the package each pattern without captures names (interned as a
    // number); whether a pattern with captures forbids the module to an
    // importer, and which package it names, depends on the importer's
    // bindings and is decided in its search.
    let mut packages: HashMap<&'p str, u32> = HashMap::new();
    let candidates: Vec<Vec<(usize, Option<u32>)>> = (0..graph.len() as u32)
        .map(|node| {
            let name = graph.name(node);
            (0..to.len())
                .filter_map(|i| {
                    let pattern = &to[i];
                    if pattern.has_captures() {
                        return pattern.matches(name).then_some((i, None));
                    }
                    let package = package_named(pattern, pattern.matched_prefix_with(name, &[])?);
                    let next = packages.len() as u32;
                    Some((i, Some(*packages.entry(package).or_insert(next))))
                })
                .collect()
        })
        .collect();
    let any_captures = to.iter().any(ModulePattern::has_captures);
    let within = graph.leading_to(|node| !candidates[node as usize].is_empty());
    let starts: Vec<(u32, FileId)> = graph
        .file_nodes()
        .filter(|&(node, file)| {
            within[node as usize] && matches!(importers[file], Importer::Checked(_))
        })
        .collect();
    starts
        .par_iter()
        .map_init(
            || (graph.search(), vec![0u32; packages.len()], 0u32),
            |(search, package_seen, generation), &(start, file)| {
                let Importer::Checked(Checked {
                    module,
                    bindings,
                    inside,
                }) = &importers[file]
                else {
                    unreachable!("the starts are checked modules");
                };
                // The first `to` pattern forbidding a module to `start`,
                // and the package it names.
                let forbidding = |node: u32| {
                    let name = graph.name(node);
                    candidates[node as usize]
                        .iter()
                        .filter(|&&(i, _)| !inside[i])
                        .find_map(|&(i, package)| {
                            let pattern = &to[i];
                            let package = match package {
                                Some(number) => Package::Static(number),
                                None => Package::Bound(package_named(
                                    pattern,
                                    pattern.matched_prefix_with(name, bindings)?,
                                )),
                            };
                            Some((pattern, package))
                        })
                };
                // One chain per package: the direct imports have theirs.
                *generation += 1;
                let mut bound_seen: HashSet<&str> = HashSet::new();
                let static_seen = Cell::new(0);
                // Whether `package` is new, and then whether it is the last
                // one: without captures, the search may end once every
                // package is found.
                let mut first = |package: Package<'p>| match package {
                    Package::Static(number) => {
                        let seen = &mut package_seen[number as usize];
                        if std::mem::replace(seen, *generation) == *generation {
                            return None;
                        }
                        static_seen.set(static_seen.get() + 1);
                        Some(!any_captures && static_seen.get() == packages.len())
                    }
                    Package::Bound(name) => bound_seen.insert(name).then_some(false),
                };
                for node in graph.forbidden_targets(start) {
                    if let Some((_, package)) = forbidding(node) {
                        first(package);
                    }
                }
                if !any_captures && static_seen.get() == packages.len() {
                    return Vec::new();
                }
                let chains = graph.first_reached(start, search, &within, |node| {
                    match forbidding(node).map(|(_, package)| first(package)) {
                        Some(Some(false)) => Reach::Report,
                        Some(Some(true)) => Reach::Last,
                        Some(_) => Reach::Stop,
                        // An exempt module is the sanctioned way through.
                        None if matches!(graph.file(node).map(|file| &importers[file]), Some(Importer::Exempt)) => {
                            Reach::Stop
                        }
                        None => Reach::Through,
                    }
                });
                chains
                    .iter()
                    .map(|chain| {
                        let target = graph.name(chain.target);
                        let (pattern, _) = forbidding(chain.target).expect("reported as forbidden");
                        let package = package_named(
                            pattern,
                            pattern
                                .matched_prefix_with(target, bindings)
                                .expect("reported as forbidden"),
                        );
                        let text = format!(
                            "`{module}` reaches `{target}` indirectly, forbidden by `{pattern}`: {}",
                            graph.describe(context, chain)
                        );
                        let subject = format!("indirect: {package}");
                        graph.violation(context, rule, chain, &subject, text)
                    })
                    .collect::<Vec<_>>()
            },
        )
        .flatten()
        .collect()
}
