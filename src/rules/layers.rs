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
//! the rule's `name` (default `layers`), `message`, `severity`, and
//! `imports` (`all`, `runtime` or `module-level`: which import statements
//! count).

use crate::config::{LayersOptions, Rule};
use crate::rules::Context;
use crate::violation::Violation;

pub fn check(context: &Context<'_>, rule: &Rule, options: &LayersOptions) -> Vec<Violation> {
    let layers = context.layers;
    let mut violations = Vec::new();
    for edge in context.selected_edges(options.imports) {
        let Some(from) = layers.of_file(edge.file) else {
            continue;
        };
        let Some(to) = layers.of_module(&edge.target, &context.graph.index) else {
            continue;
        };
        if from == to {
            continue;
        }
        let importer = layers.layer(from);
        let imported = layers.layer(to);
        let reason = match &importer.may_import {
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
                format!("`{}` may import only {list}", importer.name)
            }
            None if to < from => format!(
                "`{}` lies above `{}`; imports must point down the layers",
                imported.name, importer.name
            ),
            _ => continue,
        };
        let text = format!(
            "import of `{}` (layer `{}`) in layer `{}`: {reason}",
            edge.target, imported.name, importer.name
        );
        violations.push(context.import_violation(rule, edge, &edge.target, text));
    }
    violations
}
