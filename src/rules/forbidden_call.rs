//! ## What it does
//! Reports calls whose callee, resolved through the file's imports and
//! aliases, matches a pattern in `calls`, inside the modules in `in`.
//!
//! A pattern matches the callee resolved through the imports
//! (`datetime.datetime.now` for `dt.now()` after `from datetime import
//! datetime as dt`, also when the import is inside the calling function) or
//! the callee as written (`registry.execute` for a `registry` object, however
//! it was imported). A method called on an expression that is not a name
//! chain (`select(T).with_for_update()`) matches the patterns that start with
//! `*` or have a single segment, and is reported as `*.with_for_update`.
//! A name imported from a package of the project resolves through the
//! package's `__init__` re-exports to the module that defines it, as for
//! `model-ownership` (`__all__` honoured).
//! Calls under `if TYPE_CHECKING:` never run and are not reported. Names bound
//! by other assignments (`now = datetime.now; now()`) are not followed.
//!
//! ## Why is this bad
//! Some calls are decisions about where things may happen: pricing engines
//! must be deterministic (no clock, no random ids), row locks belong to the
//! transaction module, routes go through the registry. A grep for
//! `datetime.now` misses `from datetime import datetime as dt; dt.now()` and
//! fires on comments and strings; this rule reads the calls themselves and
//! what their names are bound to.
//!
//! ## Example
//! ```toml
//! [[rule]]
//! kind = "forbidden-call"
//! name = "deterministic-engines"
//! in = ["app.engines"]
//! calls = ["datetime.datetime.now", "uuid.uuid4", "*.with_for_update"]
//! message = "take the clock and ids as arguments"
//! ```
//! ```python
//! # app/engines/pricing.py
//! from datetime import datetime as dt
//! import uuid as u
//!
//! def quote(order, now):
//!     stamp = dt.now()                      # reported: datetime.datetime.now
//!     ref = u.uuid4()                       # reported: uuid.uuid4
//!     q = select(Order).with_for_update()   # reported: *.with_for_update
//!     log("uuid.uuid4() is banned here")    # fine: a string
//!     return now.replace(hour=0)            # fine: not a forbidden call
//! ```
//!
//! ## Options
//! - `in` (module patterns, default every file): where the calls are
//!   forbidden.
//! - `paths` (path globs relative to the config's folder, such as `tools/**`):
//!   files looked at by their path as well, whatever their module: the way to
//!   name files that lie outside every source root, which have no module.
//! - `except` (module patterns): modules exempt from the rule.
//! - `calls` (callee patterns, required, not empty): the forbidden calls.
//!   A dotted pattern names the whole callee (`uuid.uuid4`); a pattern
//!   without a dot names its last segment (`connect` matches
//!   `sqlite3.connect`); a leading `*` is any receiver (`*.with_for_update`);
//!   other `*` segments are one segment, and `*`/`?` glob within one.
//! - `name`, `message`, `severity` as for every rule.

use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::facts::FactSet;
use crate::rules::Context;
use crate::rules::{Check, Rule, RuleKind};
use crate::settings::read::{name_patterns, scope};
use crate::settings::{NamePatterns, Scope, Table};
use crate::violation::Violation;

/// The `forbidden-call` rule kind.
pub struct ForbiddenCall;

impl RuleKind for ForbiddenCall {
    fn name(&self) -> &'static str {
        "forbidden-call"
    }

    fn facts(&self) -> FactSet {
        FactSet::CALLS.with(FactSet::SYMBOLS)
    }

    fn source(&self) -> &'static str {
        include_str!("forbidden_call.rs")
    }

    fn keys(&self) -> &'static [&'static str] {
        &["in", "paths", "except", "calls"]
    }

    fn read(&self, table: &Table<'_>) -> Result<Arc<dyn Check>, Diagnostic> {
        Ok(Arc::new(read_options(table)?))
    }
}

#[derive(Clone, Debug)]
pub struct ForbiddenCallOptions {
    pub scope: Scope,
    pub calls: NamePatterns,
}

/// Reads the options of one `[[rule]]` table of kind `forbidden-call`.
fn read_options(table: &Table<'_>) -> Result<ForbiddenCallOptions, Diagnostic> {
    let calls = table.required("calls", name_patterns(table, "calls")?)?;
    if calls.is_empty() {
        return Err(table.source.error(
            table.span.clone(),
            format!("`calls` {} must not be empty", table.place),
        ));
    }
    Ok(ForbiddenCallOptions {
        scope: scope(table, false)?,
        calls: NamePatterns::new(calls),
    })
}

impl Check for ForbiddenCallOptions {
    fn check(&self, context: &Context<'_>, rule: &Rule) -> Vec<Violation> {
        check(context, rule, self)
    }
}

fn check(context: &Context<'_>, rule: &Rule, options: &ForbiddenCallOptions) -> Vec<Violation> {
    let mut violations = Vec::new();
    for (index, file, facts) in context.files.iter() {
        if !options.scope.covers(file.module.as_deref(), &file.path) {
            continue;
        }
        let mut calls = facts
            .calls
            .iter()
            .filter(|call| !call.type_checking)
            .peekable();
        if calls.peek().is_none() {
            continue;
        }
        let place = file.module.as_deref().unwrap_or(&file.path);
        for call in calls {
            let found = match (&call.callee, &call.trailing_attribute) {
                (Some(written), _) => {
                    if let Some(last) = context.kept_last_segment(written)
                        && !options.calls.may_match_last_segment(last)
                    {
                        continue;
                    }
                    let qualified = context.symbols(index).qualify(written, &call.scope);
                    options
                        .calls
                        .first_match(&[&qualified, written])
                        .map(|pattern| (qualified.into_owned(), pattern))
                }
                (None, Some(method)) => options
                    .calls
                    .iter()
                    .find(|pattern| pattern.matches_method_of_expression(method))
                    .map(|pattern| (format!("*.{method}"), pattern)),
                (None, None) => None,
            };
            let Some((subject, pattern)) = found else {
                continue;
            };
            let text = format!("`{place}` calls `{subject}`, forbidden by `{pattern}`");
            violations.push(context.violation(rule, index, call.span, &call.scope, &subject, text));
        }
    }
    violations
}
