//! ## What it does
//! Reports files whose leading comment block lacks a layer header
//! (`# Layer: services`), names a layer that no `[[layer]]` table defines,
//! or declares a layer other than the one the `[[layer]]` tables give the
//! file by its module and path.
//!
//! ## Why is this bad
//! Metadata is not truth. A header that says `Layer: L4` on a file the
//! folders put in `L6` misleads every reader and every reviewer who trusts
//! it; a header naming a layer that does not exist documents nothing. Either
//! the file moved and the header did not follow, or the file is in the wrong
//! folder: one of them must change.
//!
//! ## Example
//! ```toml
//! [[layer]]
//! name = "services"
//! modules = ["app.services"]
//!
//! [[layer]]
//! name = "workers"
//! modules = ["app.workers"]
//!
//! [[rule]]
//! kind = "layer-header"
//! name = "layer-headers"
//! in = ["app"]
//! ```
//! ```python
//! # app/workers/sync.py
//! # Layer: services        # reported: the folder says `workers`
//!
//! # app/workers/retry.py
//! # Layer: L9              # reported: no layer `L9`
//!
//! # app/workers/mail.py
//! """Sends mail."""        # reported: no `# Layer:` header
//!
//! # app/services/billing.py
//! # Layer: services        # fine
//! ```
//!
//! The first header line matching `pattern` counts; lines are matched
//! without their indentation. Empty files (an empty `__init__.py`) are not
//! checked. Without `[[layer]]` tables, and for a file that no layer
//! claims by its module or path, only the presence of the header is
//! checked. With `[project] layer-header` set, the declared layer also
//! becomes the file's layer for every other rule (`layers` included); this
//! rule still compares the claim with the folder.
//!
//! ## Options
//! - `in` (module patterns, default: every file): the files that must carry
//!   a header.
//! - `paths` (path globs relative to the config's folder, such as `tools/**`):
//!   files looked at by their path as well, whatever their module: the way to
//!   name files that lie outside every source root, which have no module.
//! - `except` (module patterns): files exempt from the rule.
//! - `pattern` (regex with a `layer` group, default
//!   `^#\s*Layer:\s*(?P<layer>\S+)`): the header line.
//! - `name`, `message`, `severity` as for every rule.

use std::sync::Arc;

use regex::Regex;

use crate::diagnostic::Diagnostic;
use crate::facts::{FactSet, MODULE_SCOPE};
use crate::layers::declared_layer;
use crate::rules::Context;
use crate::rules::{Check, Rule, RuleKind};
use crate::settings::read::{regex_or, scope};
use crate::settings::{DEFAULT_LAYER_HEADER, Scope, Table};
use crate::span::Span;
use crate::violation::Violation;

/// The `layer-header` rule kind.
pub struct LayerHeader;

impl RuleKind for LayerHeader {
    fn name(&self) -> &'static str {
        "layer-header"
    }

    fn facts(&self) -> FactSet {
        FactSet::HEADER.with(FactSet::LINE_COUNT)
    }

    fn source(&self) -> &'static str {
        include_str!("layer_header.rs")
    }

    fn keys(&self) -> &'static [&'static str] {
        &["in", "paths", "except", "pattern"]
    }

    fn read(&self, table: &Table<'_>) -> Result<Arc<dyn Check>, Diagnostic> {
        Ok(Arc::new(read_options(table)?))
    }
}

#[derive(Clone, Debug)]
pub struct LayerHeaderOptions {
    pub scope: Scope,
    /// A regex with a `layer` group, matched against each line of the
    /// leading comment block.
    pub pattern: Regex,
}

/// Reads the options of one `[[rule]]` table of kind `layer-header`.
fn read_options(table: &Table<'_>) -> Result<LayerHeaderOptions, Diagnostic> {
    Ok(LayerHeaderOptions {
        scope: scope(table, false)?,
        pattern: regex_or(table, "pattern", DEFAULT_LAYER_HEADER, "layer")?,
    })
}

impl Check for LayerHeaderOptions {
    fn check(&self, context: &Context<'_>, rule: &Rule) -> Vec<Violation> {
        check(context, rule, self)
    }
}

fn check(context: &Context<'_>, rule: &Rule, options: &LayerHeaderOptions) -> Vec<Violation> {
    let layers = context.layers;
    let mut violations = Vec::new();
    for (index, file, facts) in context.files.iter() {
        if facts.line_count == 0 || !options.scope.covers(file.module.as_deref(), &file.path) {
            continue;
        }
        let report = |line: u32, subject: &str, text: String| {
            let span = Span::line_start(line);
            context.violation(rule, index, span, MODULE_SCOPE, subject, text)
        };
        let Some((header, declared)) = declared_layer(&facts.header, &options.pattern) else {
            let text = if options.pattern.as_str() == DEFAULT_LAYER_HEADER {
                "missing layer header (`# Layer: <name>`) in the leading comment block".to_string()
            } else {
                format!(
                    "missing layer header: no line of the leading comment block matches `{}`",
                    options.pattern
                )
            };
            violations.push(report(1, "missing", text));
            continue;
        };
        if layers.layers().is_empty() {
            continue;
        }
        if layers.by_name(declared).is_none() {
            let known = layers
                .layers()
                .iter()
                .map(|layer| format!("`{}`", layer.name))
                .collect::<Vec<_>>()
                .join(", ");
            let text = format!(
                "header declares layer `{declared}`, which no `[[layer]]` table defines (the layers are {known})"
            );
            violations.push(report(header.line, &format!("unknown {declared}"), text));
            continue;
        }
        let Some(by_folder) = layers.of_file_by_folder(index) else {
            continue;
        };
        let actual = &layers.layer(by_folder).name;
        if actual != declared {
            let text = format!(
                "header declares layer `{declared}` but `{}` lies in layer `{actual}`",
                file.path
            );
            violations.push(report(
                header.line,
                &format!("{declared} != {actual}"),
                text,
            ));
        }
    }
    violations
}
