//! ## What it does
//! Reports files in `in` whose file name matches one of the globs in
//! `names`.
//!
//! ## Why is this bad
//! Naming conventions carry architecture: when a team moves from
//! `orders_service.py` "god services" to use-case modules, every new
//! `*_service.py` in the new tree is a step back into the old design, and a
//! `helpers.py` or `utils.py` becomes the place where unrelated code piles
//! up. Banning the name stops the pattern where it starts.
//!
//! ## Example
//! ```toml
//! [[rule]]
//! kind = "banned-name"
//! name = "no-services-in-new-tree"
//! in = ["app.usecases"]
//! names = ["*_service.py", "utils.py"]
//! ```
//! ```python
//! # app/usecases/orders_service.py    # reported: matches `*_service.py`
//! # app/usecases/billing/utils.py     # reported: matches `utils.py`
//! # app/usecases/service.py           # fine: `*_service.py` needs the `_`
//! # app/legacy/orders_service.py      # fine: not in `in`
//! ```
//!
//! The globs match the file name only (`orders_service.py`), not its folder
//! or path, and case-sensitively: a package folder `orders_service/` is not
//! a file name (its `__init__.py` is). When several globs match, the
//! violation names the first one listed; that glob is its subject, so the
//! baseline entry survives edits of the file. It points at line 1,
//! column 1.
//!
//! ## Options
//! - `names` (globs, required, not empty): the banned file names, with
//!   `*`, `?`, `[abc]` and `{a,b}`.
//! - `in` (module patterns, default: every file, including files outside
//!   the source roots): where the names are banned.
//! - `paths` (path globs relative to the config's folder, such as `tools/**`):
//!   files looked at by their path as well, whatever their module: the way to
//!   name files that lie outside every source root, which have no module.
//! - `except` (module patterns): files exempt from the rule.
//! - `name`, `message`, `severity` as for every rule.

use std::sync::Arc;

use globset::GlobSet;

use crate::diagnostic::Diagnostic;
use crate::facts::{FactSet, MODULE_SCOPE};
use crate::rules::Context;
use crate::rules::{Check, Rule, RuleKind};
use crate::settings::read::{globs, refuse_empty, scope};
use crate::settings::{Scope, Table};
use crate::span::Span;
use crate::violation::Violation;

/// The `banned-name` rule kind.
pub struct BannedName;

impl RuleKind for BannedName {
    fn name(&self) -> &'static str {
        "banned-name"
    }

    fn facts(&self) -> FactSet {
        FactSet::BASE
    }

    fn source(&self) -> &'static str {
        include_str!("banned_name.rs")
    }

    fn keys(&self) -> &'static [&'static str] {
        &["in", "paths", "except", "names"]
    }

    fn read(&self, table: &Table<'_>) -> Result<Arc<dyn Check>, Diagnostic> {
        Ok(Arc::new(read_options(table)?))
    }
}

#[derive(Clone, Debug)]
pub struct BannedNameOptions {
    pub scope: Scope,
    /// Globs on the file name (`*_service.py`).
    pub names: GlobSet,
    pub name_patterns: Vec<String>,
}

/// Reads the options of one `[[rule]]` table of kind `banned-name`.
fn read_options(table: &Table<'_>) -> Result<BannedNameOptions, Diagnostic> {
    let list = table.required("names", table.strings("names")?)?;
    refuse_empty(table, "names", list.span(), list.get_ref().is_empty())?;
    let (names, name_patterns) = globs(table, "names")?;
    Ok(BannedNameOptions {
        scope: scope(table, false)?,
        names,
        name_patterns,
    })
}

impl Check for BannedNameOptions {
    fn check(&self, context: &Context<'_>, rule: &Rule) -> Vec<Violation> {
        check(context, rule, self)
    }
}

fn check(context: &Context<'_>, rule: &Rule, options: &BannedNameOptions) -> Vec<Violation> {
    let BannedNameOptions {
        scope,
        names,
        name_patterns,
    } = options;
    let mut violations = Vec::new();
    for (index, file, _) in context.files.iter() {
        if !scope.covers(file.module.as_deref(), &file.path) {
            continue;
        }
        let file_name = file.path.rsplit('/').next().unwrap_or(&file.path);
        let Some(first) = names.matches(file_name).into_iter().min() else {
            continue;
        };
        let pattern = &name_patterns[first];
        let text = format!("file name `{file_name}` matches banned pattern `{pattern}`");
        violations.push(context.violation(
            rule,
            index,
            Span::line_start(1),
            MODULE_SCOPE,
            pattern,
            text,
        ));
    }
    violations
}
