//! Stage 5: the rules. One rule kind per file; each reads the facts and the
//! graph and returns violations. Rules never read files or print.
//!
//! Each rule file opens with its user documentation (`//!`), which `gate
//! explain KIND` prints, and implements [`RuleKind`]: its name, its option
//! keys and the reader that turns its `[[rule]]` table into a [`Check`].
//! Adding a kind is one new file and one line in [`KINDS`].

pub mod banned_name;
mod calls;
mod chains;
mod context;
pub mod db_write;
pub mod fan_in;
pub mod forbidden_call;
pub mod forbidden_import;
pub mod header_imports;
pub mod import_cycle;
pub mod import_time;
mod kind;
pub mod layer_header;
pub mod layers;
pub mod max_lines;
pub mod missing_init;
pub mod model_ownership;
pub mod private_module;
pub mod sibling_names;
pub mod syntax_error;
pub mod sys_path;
pub mod unused_ignore;
pub mod writes;

use std::time::Instant;

use rayon::prelude::*;

pub use context::{Context, import_counts};
pub(crate) use import_cycle::{Cycles, NodeGraph};
pub use kind::{Check, Rule, RuleKind};

use crate::timings::RuleTime;
use crate::violation::Violation;

/// Every rule kind gate knows, in the order `gate rules` lists them.
pub const KINDS: &[&dyn RuleKind] = &[
    &layers::Layers,
    &forbidden_import::ForbiddenImport,
    &private_module::PrivateModule,
    &import_cycle::ImportCycle,
    &fan_in::FanIn,
    &db_write::DbWrite,
    &model_ownership::ModelOwnership,
    &import_time::ImportTime,
    &sys_path::SysPath,
    &forbidden_call::ForbiddenCall,
    &header_imports::HeaderImports,
    &max_lines::MaxLines,
    &banned_name::BannedName,
    &missing_init::MissingInit,
    &sibling_names::SiblingNames,
    &layer_header::LayerHeader,
    &syntax_error::SyntaxError,
    &unused_ignore::UnusedIgnore,
];

/// The kind named `name`.
pub fn kind(name: &str) -> Option<&'static dyn RuleKind> {
    KINDS.iter().copied().find(|kind| kind.name() == name)
}

/// The names of every kind.
pub fn kind_names() -> Vec<&'static str> {
    KINDS.iter().map(|kind| kind.name()).collect()
}

/// Runs every configured rule, plus the always-on `syntax-error`, and says
/// how long each configured rule took. The order of the violations is not
/// defined; the caller sorts.
pub fn run(context: &Context<'_>, rules: &[Rule]) -> (Vec<Violation>, Vec<RuleTime>) {
    let (found, times): (Vec<Vec<Violation>>, Vec<RuleTime>) = rules
        .par_iter()
        .map(|rule| {
            let started = Instant::now();
            let found = rule.check.check(context, rule);
            let time = RuleTime {
                name: rule.name.clone(),
                kind: rule.kind(),
                took: started.elapsed(),
                found: found.len(),
            };
            (found, time)
        })
        .unzip();
    let mut violations = Vec::with_capacity(found.iter().map(Vec::len).sum());
    for found in found {
        violations.extend(found);
    }
    violations.extend(syntax_error::check(context));
    // The names of one `from m import a, b` that resolve to the same module
    // are one import of it: their findings are the same, at `m`.
    violations.sort_unstable_by(|a, b| (a.sort_key(), &a.message).cmp(&(b.sort_key(), &b.message)));
    violations.dedup();
    (violations, times)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::settings::LAYER_KEYS;

    #[test]
    fn every_kind_documents_the_four_sections() {
        for kind in KINDS {
            let text = kind.documentation();
            for section in [
                "## What it does",
                "## Why is this bad",
                "## Example",
                "## Options",
            ] {
                assert!(text.contains(section), "{} lacks {section}", kind.name());
            }
            assert!(!kind.summary().is_empty(), "{} has no summary", kind.name());
        }
    }

    /// The options a kind's `## Options` section documents: each backticked
    /// word followed by its type in parentheses (`` `max` (integer ≥ 1) ``).
    fn documented_options(kind: &dyn RuleKind) -> BTreeSet<String> {
        let documentation = kind.documentation();
        let section = documentation
            .split("## Options")
            .nth(1)
            .and_then(|rest| rest.split("\n## ").next())
            .unwrap_or_default();
        // Between backticks are the odd pieces.
        let pieces: Vec<&str> = section.split('`').collect();
        pieces
            .iter()
            .zip(pieces.iter().skip(1))
            .skip(1)
            .step_by(2)
            .filter(|(_, after)| after.starts_with(" ("))
            .map(|(word, _)| word.to_string())
            .collect()
    }

    #[test]
    fn every_kind_documents_exactly_the_options_it_accepts() {
        for kind in KINDS {
            let mut accepted: BTreeSet<String> =
                kind.keys().iter().map(|key| key.to_string()).collect();
            if kind.name() == layers::Layers.name() {
                // Its page also documents the `[[layer]]` tables.
                accepted.extend(LAYER_KEYS.iter().map(|key| key.to_string()));
            }
            assert_eq!(
                documented_options(*kind),
                accepted,
                "`{}`: the `## Options` section and the keys its reader accepts differ",
                kind.name()
            );
        }
    }

    #[test]
    fn kind_names_are_unique() {
        let mut names = kind_names();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(names.len(), before, "two kinds share a name");
    }
}
