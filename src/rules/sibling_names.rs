//! ## What it does
//! Reports sibling modules or packages whose names differ only by a plural
//! `s`, by `_`, or by case. Examples: `planner/` and `planners/`,
//! `worker.py` and `workers/`, `user_utils.py` and `userutils.py`.
//!
//! ## Why is this bad
//! Two names for one idea split it in two: half the planning code goes to
//! `app.planner`, half to `app.planners`, and every reader has to look in
//! both and guess which one an import means. It is how a codebase that
//! grew without a map looks; pick one name and merge.
//!
//! ## Example
//! ```toml
//! [[rule]]
//! kind = "sibling-names"
//! name = "one-name-per-thing"
//! ```
//! ```python
//! # app/planner/__init__.py
//! # app/planners/__init__.py   # reported: `planner` and `planners` in `app`
//! # app/worker.py
//! # app/workers/run.py         # reported: `worker` and `workers` in `app`
//! # app/user.py
//! # app/users_admin.py         # fine: more than a plural apart
//! # app/process.py
//! # app/processes/__init__.py  # fine: only a single trailing `s` is removed
//! ```
//!
//! Siblings are the modules and packages of one parent package (packages
//! without an `__init__.py` included), or the top-level ones of one source
//! root. Names are compared after lowercasing, removing every `_` except
//! leading ones, and removing one trailing `s` when at least three
//! characters remain: `os` and `o`, `bus` and `bu`, `__main__` and `main`,
//! `_config` and `config` (a private module beside its public facade) are
//! not reported, nor is `process` beside `processes` (`es` plurals are not
//! handled). Files outside every source root are skipped.
//!
//! One violation per group of two or more names. It points at line 1 of
//! the last member in byte order (uppercase sorts first): its module file,
//! or its package's `__init__.py` (its first file when it has none). Its
//! subject is the members' dotted names, sorted and joined with `, `
//! (`app.planner, app.planners`).
//!
//! ## Options
//! - `in` (module patterns, default: everything): the modules and packages
//!   compared, by dotted name; a member outside `in` is not part of any
//!   group.
//! - `paths` (path globs relative to the config's folder, such as `tools/**`):
//!   files looked at by their path as well, whatever their module: the way to
//!   name files that lie outside every source root, which have no module.
//! - `except` (module patterns): members left out.
//! - `name`, `message`, `severity` as for every rule.

use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::rules::{Check, Rule, RuleKind};
use crate::settings::read::scope;
use crate::settings::{Scope, Table};
use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use crate::dotted;
use crate::facts::{FactSet, MODULE_SCOPE};
use crate::files::FileId;
use crate::rules::Context;
use crate::rules::missing_init::{Ancestry, ancestry};
use crate::span::Span;
use crate::violation::Violation;

/// Where siblings live.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Parent<'f> {
    /// The top level of a source root (its folder, `""` for the project
    /// root).
    Root(&'f str),
    /// A package, by dotted name.
    Package(&'f str),
}

impl Parent<'_> {
    fn describe(&self) -> String {
        match self {
            Parent::Root("") => "source root `.`".to_string(),
            Parent::Root(folder) => format!("source root `{folder}`"),
            Parent::Package(dotted) => format!("`{dotted}`"),
        }
    }
}

/// A module or package, as one name among its siblings.
struct Member<'f> {
    dotted: &'f str,
    /// The file to point at: `(0, file)` for the module's own file or the
    /// package's `__init__.py`, `(1, file)` for a file below the package;
    /// the smallest wins (file ids follow the path order).
    anchor: (u8, FileId),
}

/// The members of each parent, by name.
type Siblings<'f> = BTreeMap<Parent<'f>, BTreeMap<&'f str, Member<'f>>>;

/// The `sibling-names` rule kind.
pub struct SiblingNames;

impl RuleKind for SiblingNames {
    fn name(&self) -> &'static str {
        "sibling-names"
    }

    fn facts(&self) -> FactSet {
        FactSet::BASE
    }

    fn source(&self) -> &'static str {
        include_str!("sibling_names.rs")
    }

    fn keys(&self) -> &'static [&'static str] {
        &["in", "paths", "except"]
    }

    fn read(&self, table: &Table<'_>) -> Result<Arc<dyn Check>, Diagnostic> {
        Ok(Arc::new(read_options(table)?))
    }
}

#[derive(Clone, Debug)]
pub struct SiblingNamesOptions {
    pub scope: Scope,
}

/// Reads the options of one `[[rule]]` table of kind `sibling-names`.
fn read_options(table: &Table<'_>) -> Result<SiblingNamesOptions, Diagnostic> {
    Ok(SiblingNamesOptions {
        scope: scope(table, false)?,
    })
}

impl Check for SiblingNamesOptions {
    fn check(&self, context: &Context<'_>, rule: &Rule) -> Vec<Violation> {
        check(context, rule, self)
    }
}

fn check(context: &Context<'_>, rule: &Rule, options: &SiblingNamesOptions) -> Vec<Violation> {
    // Every file names all its packages: gather each member's anchor
    // first, then ask the scope once per member.
    let mut anchors: FxHashMap<(Parent<'_>, &str), (u8, FileId)> = FxHashMap::default();
    let mut add = |parent, dotted, anchor| {
        let best = anchors.entry((parent, dotted)).or_insert(anchor);
        *best = (*best).min(anchor);
    };
    for (id, file, _) in context.files.iter() {
        let Some(Ancestry { root, packages }) = ancestry(file) else {
            continue;
        };
        let mut parent = Parent::Root(root);
        for (index, &(dotted, _)) in packages.iter().enumerate() {
            let own_init = file.is_package && index + 1 == packages.len();
            let rank = u8::from(!own_init);
            add(parent, dotted, (rank, id));
            parent = Parent::Package(dotted);
        }
        if let (false, Some(module)) = (file.is_package, file.module.as_deref()) {
            add(parent, module, (0, id));
        }
    }
    let mut parents = Siblings::new();
    for ((parent, dotted), anchor) in anchors {
        let (_, anchor_file) = anchor;
        if options
            .scope
            .covers(Some(dotted), &context.files.source(anchor_file).path)
        {
            parents
                .entry(parent)
                .or_default()
                .insert(dotted::last_segment(dotted), Member { dotted, anchor });
        }
    }

    let mut violations = Vec::new();
    for (parent, members) in &parents {
        let mut groups: BTreeMap<String, Vec<(&str, &Member<'_>)>> = BTreeMap::new();
        for (&name, member) in members {
            groups
                .entry(normalised(name))
                .or_default()
                .push((name, member));
        }
        for group in groups.values().filter(|group| group.len() >= 2) {
            let names: Vec<&str> = group.iter().map(|(name, _)| *name).collect();
            let subject = group
                .iter()
                .map(|(_, member)| member.dotted)
                .collect::<Vec<_>>()
                .join(", ");
            let (_, last) = group.last().expect("a group has members");
            let text = format!(
                "sibling names {} in {} differ only by plural or `_`/case: pick one",
                listing(&names),
                parent.describe()
            );
            violations.push(context.violation(
                rule,
                last.anchor.1,
                Span::line_start(1),
                MODULE_SCOPE,
                &subject,
                text,
            ));
        }
    }
    violations
}

/// The name two siblings share when they differ only by case, by `_` (a
/// leading `_` counts: it marks a private module), or by one trailing `s`
/// that leaves at least three characters.
fn normalised(name: &str) -> String {
    let body = name.trim_start_matches('_');
    let leading = &name[..name.len() - body.len()];
    let mut body: Vec<char> = body
        .chars()
        .filter(|&c| c != '_')
        .flat_map(char::to_lowercase)
        .collect();
    if body.len() > 3 && body.last() == Some(&'s') {
        body.pop();
    }
    leading.chars().chain(body).collect()
}

/// "`a` and `b`", "`a`, `b` and `c`".
fn listing(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
    match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plural_underscore_and_case_variants_share_a_name() {
        assert_eq!(normalised("planners"), "planner");
        assert_eq!(normalised("planner"), "planner");
        assert_eq!(normalised("user_utils"), "userutil");
        assert_eq!(normalised("userutils"), "userutil");
        assert_eq!(normalised("Reports"), "report");
        assert_eq!(normalised("user_s"), "user");
    }

    #[test]
    fn near_misses_keep_different_names() {
        // One trailing `s` only, and only when three characters remain.
        assert_ne!(normalised("process"), normalised("processes"));
        assert_ne!(normalised("os"), normalised("o"));
        assert_ne!(normalised("bus"), normalised("bu"));
        assert_eq!(normalised("bus"), "bus");
        // Leading underscores mark private and dunder modules.
        assert_ne!(normalised("__main__"), normalised("main"));
        assert_ne!(normalised("_config"), normalised("config"));
        assert_eq!(normalised("_users"), normalised("_user"));
        assert_ne!(normalised("user"), normalised("users_admin"));
    }

    #[test]
    fn listings_join_with_commas_and_a_final_and() {
        assert_eq!(listing(&["a"]), "`a`");
        assert_eq!(listing(&["a", "b"]), "`a` and `b`");
        assert_eq!(listing(&["a", "b", "c"]), "`a`, `b` and `c`");
    }
}
