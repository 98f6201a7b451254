//! What a rule kind is: a name, its documentation, the options it takes and
//! a reader that turns a `[[rule]]` table into a check. Every kind is one
//! file under `src/rules/` implementing [`RuleKind`], listed once in
//! [`super::KINDS`]; the config loader, `gate rules`, `gate explain`, the
//! SARIF driver and the README's reference all read that list.

use std::any::Any;
use std::fmt;
use std::sync::Arc;

use super::Context;
use crate::diagnostic::Diagnostic;
use crate::facts::FactSet;
use crate::settings::Table;
use crate::violation::{Severity, Violation};

/// A rule kind, as named by `kind = "..."` in a `[[rule]]` table.
pub trait RuleKind: Sync {
    /// The kebab-case name users write.
    fn name(&self) -> &'static str;

    /// The kind's rule file: its leading `//!` block is the documentation
    /// (`include_str!` of the file, so the doc is written once, in the
    /// source).
    fn source(&self) -> &'static str;

    /// The facts of each file this kind reads, besides imports, syntax
    /// errors and ignore comments (always extracted): the parser extracts
    /// only what the configured kinds read.
    fn facts(&self) -> FactSet;

    /// The options a `[[rule]]` table of this kind takes, besides `kind`,
    /// `name`, `message` and `severity`.
    fn keys(&self) -> &'static [&'static str];

    /// Reads the options of one `[[rule]]` table of this kind (its keys
    /// already checked against [`RuleKind::keys`]) into the check to run.
    /// Always-on kinds keep this default: they take no table.
    fn read(&self, table: &Table<'_>) -> Result<Arc<dyn Check>, Diagnostic> {
        Err(table.source.error(
            table.span.clone(),
            format!(
                "rule kind `{}` is always on and cannot be configured",
                self.name()
            ),
        ))
    }

    /// An always-on kind runs on every project and cannot be configured;
    /// its rule carries the kind's name.
    fn always_on(&self) -> bool {
        false
    }

    /// The documentation, as Markdown: the `//!` block at the top of the
    /// rule file.
    fn documentation(&self) -> String {
        self.source()
            .lines()
            .map_while(|line| line.strip_prefix("//!"))
            .map(|line| line.strip_prefix(' ').unwrap_or(line))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The first sentence of "What it does".
    fn summary(&self) -> String {
        let documentation = self.documentation();
        let paragraph: Vec<&str> = documentation
            .lines()
            .skip_while(|line| !line.starts_with("## What it does"))
            .skip(1)
            .take_while(|line| !line.trim().is_empty())
            .collect();
        let text = paragraph.join(" ");
        match text.find(". ") {
            Some(end) => text[..=end].to_string(),
            None => text,
        }
    }
}

/// A configured rule's check: reads the facts and the graph, returns the
/// violations. No I/O, no printing. `Any` lets a test read back the
/// options a table was read into.
pub trait Check: Any + fmt::Debug + Send + Sync {
    fn check(&self, context: &Context<'_>, rule: &Rule) -> Vec<Violation>;
}

/// One configured rule instance: a `[[rule]]` table, or the layers rule
/// that `[[layer]]` tables imply.
#[derive(Clone)]
pub struct Rule {
    /// Unique; used in output, baselines and ignore comments.
    pub name: String,
    /// Appended to every violation message.
    pub message: Option<String>,
    pub severity: Severity,
    pub kind: &'static dyn RuleKind,
    pub check: Arc<dyn Check>,
}

impl Rule {
    /// The kind's name.
    pub fn kind(&self) -> &'static str {
        self.kind.name()
    }
}

impl fmt::Debug for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rule")
            .field("name", &self.name)
            .field("kind", &self.kind.name())
            .field("message", &self.message)
            .field("severity", &self.severity)
            .field("check", &self.check)
            .finish()
    }
}
