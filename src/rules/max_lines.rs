//! ## What it does
//! Reports files in `in` that are longer than `max` lines.
//!
//! ## Why is this bad
//! A module that keeps growing is a module that does too much: a service
//! facade of 900 lines mixes orchestration, validation and persistence, and
//! every change to it collides with every other. A line budget keeps the
//! split happening while it is still cheap.
//!
//! ## Example
//! ```toml
//! [[rule]]
//! kind = "max-lines"
//! name = "small-facades"
//! in = ["app.services"]
//! max = 200
//! ```
//! ```python
//! # app/services/facade.py, 312 lines     # reported: more than 200 lines
//! # app/services/orders.py, 200 lines     # fine: exactly `max` is allowed
//! # app/api/routes.py, 450 lines          # fine: not in `in`
//! ```
//!
//! Lines are counted as an editor shows them: a final line break does not
//! start another line; blank and comment lines count. The violation points
//! at line 1, column 1 (the finding is about the whole file), so
//! `# gate: ignore[small-facades]` at the end of the first line silences
//! it. Its subject is the file's module (its path when it lies outside every
//! source root), not the line count: a baselined file stays known while it
//! grows or shrinks, and after `max` changes.
//!
//! ## Options
//! - `max` (integer ≥ 1, required): the most lines a file may have.
//! - `in` (module patterns, default: every file, including files outside
//!   the source roots): the files to measure.
//! - `paths` (path globs relative to the config's folder, such as `tools/**`):
//!   files looked at by their path as well, whatever their module: the way to
//!   name files that lie outside every source root, which have no module.
//! - `except` (module patterns): files exempt from the rule.
//! - `name`, `message`, `severity` as for every rule.

use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::facts::{FactSet, MODULE_SCOPE};
use crate::rules::Context;
use crate::rules::{Check, Rule, RuleKind};
use crate::settings::read::{positive, scope};
use crate::settings::{Scope, Table};
use crate::span::Span;
use crate::violation::Violation;

/// The `max-lines` rule kind.
pub struct MaxLines;

impl RuleKind for MaxLines {
    fn name(&self) -> &'static str {
        "max-lines"
    }

    fn facts(&self) -> FactSet {
        FactSet::LINE_COUNT
    }

    fn source(&self) -> &'static str {
        include_str!("max_lines.rs")
    }

    fn keys(&self) -> &'static [&'static str] {
        &["in", "paths", "except", "max"]
    }

    fn read(&self, table: &Table<'_>) -> Result<Arc<dyn Check>, Diagnostic> {
        Ok(Arc::new(read_options(table)?))
    }
}

#[derive(Clone, Debug)]
pub struct MaxLinesOptions {
    pub scope: Scope,
    pub max: u32,
}

/// Reads the options of one `[[rule]]` table of kind `max-lines`.
fn read_options(table: &Table<'_>) -> Result<MaxLinesOptions, Diagnostic> {
    let max = positive(table, "max")?;
    Ok(MaxLinesOptions {
        scope: scope(table, false)?,
        max: u32::try_from(max).unwrap_or(u32::MAX),
    })
}

impl Check for MaxLinesOptions {
    fn check(&self, context: &Context<'_>, rule: &Rule) -> Vec<Violation> {
        check(context, rule, self)
    }
}

fn check(context: &Context<'_>, rule: &Rule, options: &MaxLinesOptions) -> Vec<Violation> {
    let MaxLinesOptions { scope, max } = options;
    let mut violations = Vec::new();
    for (index, file, facts) in context.files.iter() {
        if facts.line_count <= *max || !scope.covers(file.module.as_deref(), &file.path) {
            continue;
        }
        let subject = file.module.as_deref().unwrap_or(&file.path);
        let text = format!("`{}` has {} lines (max {max})", file.path, facts.line_count);
        violations.push(context.violation(
            rule,
            index,
            Span::line_start(1),
            MODULE_SCOPE,
            subject,
            text,
        ));
    }
    violations
}
