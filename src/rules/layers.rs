//! ## What it does
//! Reports imports that go up the layer stack: a module importing a module
//! of a layer above its own, or of a layer its `may-import` list does not
//! name. The layers are the `[[layer]]` tables of the config, top first.
//!
//! ## Why is this bad
//! Layers only work when dependencies point one way. An API route that
//! imports ORM models directly, or a service that imports a route module,
//! ties the layers together so that none of them can change, be tested or be
//! replaced on its own; the next import across the line follows the first.
//!
//! ## Example
//! ```toml
//! [[layer]]
//! name = "api"
//! modules = ["app.api"]
//! may-import = ["services"]        # not `models`, though it lies below
//!
//! [[layer]]
//! name = "services"
//! modules = ["app.services"]
//!
//! [[layer]]
//! name = "models"
//! modules = ["app.models"]
//! ```
//! ```python
//! # app/services/billing.py
//! from app.api.deps import current_user   # reported: `services` imports `api`, above it
//! # app/api/invoices.py
//! from app.models import Invoice          # reported: `api` may import only `services`
//! ```
//!
//! ## Options
//! Each `[[layer]]` table has:
//! - `name` (required): used in messages and in `may-import`.
//! - `modules` (module patterns) and/or `paths` (path globs relative to the
//!   config's folder, such as `backend/app/**/api/**`): the files of the
//!   layer. When several layers match a file, the most specific pattern wins.
//! - `may-import` (layer names, optional): the layers this one may import.
//!   Default: every layer below it.
//!
//! Imports within one layer, and imports of modules no layer claims, are
//! never reported. A `[[rule]] kind = "layers"` table is optional; it sets
//! the rule's `name` (default `layers`), `message`, `severity`, and:
//! - `imports` (`all`, `runtime` or `module-level`, default `all`): which
//!   import statements count.
//! - `transitive` (boolean, default `false`): also report indirect imports:
//!   chains `A -> B -> ... -> C` of two imports or more, each allowed on its
//!   own (through modules of any layer, or of none), from a module `A` to a
//!   module `C` of a layer that `A`'s layer may not import. A chain ends at
//!   the first such module. `A` is reported once per layer it reaches this
//!   way, and not at all for a layer it imports directly. The violation is
//!   at `A`'s first import of the shortest chain, which the message prints
//!   hop by hop (`file:line`); its subject is `indirect: layer <name>`, so
//!   the baseline keeps it known when the chain changes. With `may-import`
//!   this closes the layers: an `api` that may import only `services` may
//!   not reach `models` through them either.

use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::layers::LayerId;
use crate::rules::{Check, Rule, RuleKind};
use crate::settings::read::imports;
use crate::settings::{ImportSelection, Layer, Table};
use rayon::prelude::*;

use crate::facts::FactSet;
use crate::rules::Context;
use crate::rules::chains::{Hop, HopGraph, Reach};
use crate::violation::Violation;

/// The `layers` rule kind.
pub struct Layers;

/// What the subject of an indirect (transitive) finding starts with; the
/// layer reached follows.
const INDIRECT_SUBJECT: &str = "indirect: layer ";

/// The layer an indirect finding's `subject` says its chain reaches, or
/// `None` for a direct import (whose subject is the imported module).
pub fn layer_reached_indirectly(subject: &str) -> Option<&str> {
    subject.strip_prefix(INDIRECT_SUBJECT)
}

impl RuleKind for Layers {
    fn name(&self) -> &'static str {
        "layers"
    }

    fn facts(&self) -> FactSet {
        FactSet::BASE
    }

    fn source(&self) -> &'static str {
        include_str!("layers.rs")
    }

    fn keys(&self) -> &'static [&'static str] {
        &["imports", "transitive"]
    }

    fn read(&self, table: &Table<'_>) -> Result<Arc<dyn Check>, Diagnostic> {
        Ok(Arc::new(read_options(table)?))
    }
}

#[derive(Clone, Debug, Default)]
pub struct LayersOptions {
    pub imports: ImportSelection,
    /// Also report indirect chains to a layer the importer may not reach.
    pub transitive: bool,
}

/// Reads the options of one `[[rule]]` table of kind `layers`.
fn read_options(table: &Table<'_>) -> Result<LayersOptions, Diagnostic> {
    Ok(LayersOptions {
        imports: imports(table)?,
        transitive: table.boolean("transitive")?.unwrap_or(false),
    })
}

impl Check for LayersOptions {
    fn check(&self, context: &Context<'_>, rule: &Rule) -> Vec<Violation> {
        check(context, rule, self)
    }
}

fn check(context: &Context<'_>, rule: &Rule, options: &LayersOptions) -> Vec<Violation> {
    let layers = context.layers;
    let mut violations = Vec::new();
    for edge in context.selected_edges(options.imports) {
        let Some(from) = layers.of_file(edge.file) else {
            continue;
        };
        let Some(to) = layers.of_name(&edge.target) else {
            continue;
        };
        let importer = layers.layer(from);
        let imported = layers.layer(to);
        let Some(reason) = forbidden(from, to, importer, imported) else {
            continue;
        };
        let text = format!(
            "import of `{}` (layer `{}`) in layer `{}`: {reason}",
            edge.target, imported.name, importer.name
        );
        violations.push(context.import_violation(rule, edge, &edge.target, text));
    }
    if options.transitive {
        violations.extend(transitive(context, rule, options));
    }
    violations
}

/// Why layer `importer` (`from`) may not import layer `imported` (`to`),
/// or `None` when it may.
pub fn forbidden(from: LayerId, to: LayerId, importer: &Layer, imported: &Layer) -> Option<String> {
    if from == to {
        return None;
    }
    match &importer.may_import {
        Some(allowed) if !allowed.contains(&imported.name) => {
            let list = if allowed.is_empty() {
                "no other layer".to_string()
            } else {
                allowed
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            Some(format!("`{}` may import only {list}", importer.name))
        }
        None if to < from => Some(format!(
            "`{}` lies above `{}`; imports must point down the layers",
            imported.name, importer.name
        )),
        _ => None,
    }
}

/// Chains of allowed imports from a module to a layer its own may not import.
fn transitive(context: &Context<'_>, rule: &Rule, options: &LayersOptions) -> Vec<Violation> {
    let layers = context.layers;
    let index = &context.graph.index;
    let may_import = |from: LayerId, to: LayerId| {
        forbidden(from, to, layers.layer(from), layers.layer(to)).is_none()
    };
    let graph = HopGraph::build(context, options.imports, |edge| {
        let from = layers.of_file(edge.file);
        let to = layers.of_name(&edge.target);
        match (from, to) {
            (Some(from), Some(to)) if !may_import(from, to) => Hop::Forbidden(&edge.target),
            // A module without a file imports nothing: it only matters as
            // the end of a chain.
            (_, None) if edge.target.file().is_none() => Hop::Skip,
            _ => Hop::Allowed(&edge.target),
        }
    });
    let node_layers: Vec<Option<LayerId>> = (0..graph.len())
        .map(|node| match graph.file(node as u32) {
            Some(file) => layers.of_file(file),
            None => layers.of_module(graph.name(node as u32), index),
        })
        .collect();
    let mut violations = Vec::new();
    for from in layers.ids() {
        let reported =
            |node: u32| node_layers[node as usize].is_some_and(|to| !may_import(from, to));
        let within = graph.leading_to(reported);
        let starts: Vec<u32> = graph
            .file_nodes()
            .map(|(node, _)| node)
            .filter(|&node| within[node as usize] && node_layers[node as usize] == Some(from))
            .collect();
        if starts.is_empty() {
            continue;
        }
        let importer = layers.layer(from);
        let forbidden_layers = layers.ids().filter(|&to| !may_import(from, to)).count();
        violations.par_extend(starts.par_iter().map_init(
            || graph.search(),
            |search, &start| {
                // One chain per layer: the direct imports have theirs. The
                // search ends once every layer `from` may not import is found.
                let mut reached = vec![false; layers.layers().len()];
                let mut left = forbidden_layers;
                for node in graph.forbidden_targets(start) {
                    if let Some(to) = node_layers[node as usize]
                        && !std::mem::replace(&mut reached[to.index()], true)
                    {
                        left -= 1;
                    }
                }
                if left == 0 {
                    return Vec::new();
                }
                let chains = graph.first_reached(start, search, &within, |node| {
                    match node_layers[node as usize] {
                        Some(to) if !may_import(from, to) => {
                            if std::mem::replace(&mut reached[to.index()], true) {
                                Reach::Stop
                            } else {
                                left -= 1;
                                if left == 0 { Reach::Last } else { Reach::Report }
                            }
                        }
                        _ => Reach::Through,
                    }
                });
                chains
                    .iter()
                    .map(|chain| {
                        let to = node_layers[chain.target as usize].expect("a reported module has a layer");
                        let imported = layers.layer(to);
                        let reason = forbidden(from, to, importer, imported)
                            .expect("a reported module is forbidden");
                        let text = format!(
                            "`{}` (layer `{}`) reaches `{}` (layer `{}`) indirectly: {}; {reason}",
                            graph.name(start),
                            importer.name,
                            graph.name(chain.target),
                            imported.name,
                            graph.describe(context, chain)
                        );
                        let subject = format!("{INDIRECT_SUBJECT}{}", imported.name);
                        graph.violation(context, rule, chain, &subject, text)
                    })
                    .collect::<Vec<_>>()
            },
        ).flatten());
    }
    violations
}
