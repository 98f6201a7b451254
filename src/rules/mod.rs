//! Stage 5: the rules. One rule kind per file; each reads the facts and the
//! graph and returns violations. Rules never read files or print.
//!
//! Each rule file opens with its user documentation (`//!`), which `gate
//! explain KIND` prints: the source is the single place it is written.

mod banned_name;
mod chains;
mod db_write;
mod fan_in;
mod forbidden_call;
mod forbidden_import;
mod header_imports;
mod import_cycle;
mod import_time;
mod layer_header;
mod layers;
mod max_lines;
mod missing_init;
mod model_ownership;
mod private_module;
mod sibling_names;
mod syntax_error;
mod sys_path;
pub mod unused_ignore;

use std::sync::OnceLock;

use rayon::prelude::*;

use crate::config::{Config, ImportSelection, Rule, RuleOptions, TypeCheckingImports};
use crate::discover::SourceFile;
use crate::facts::{FileFacts, Import, ImportContext};
use crate::graph::{Graph, ImportEdge};
use crate::layers::LayerMap;
use crate::symbols::Symbols;
use crate::violation::Violation;

/// Everything a rule may read.
pub struct Context<'a> {
    pub config: &'a Config,
    pub files: &'a [SourceFile],
    /// `facts[i]` belongs to `files[i]`.
    pub facts: &'a [FileFacts],
    pub graph: &'a Graph,
    pub layers: &'a LayerMap<'a>,
    /// `symbols[i]` belongs to `files[i]`: built at first use, as most files
    /// never need them, and shared by every rule that reads names.
    symbols: Vec<OnceLock<Symbols<'a>>>,
}

impl<'a> Context<'a> {
    pub fn new(
        config: &'a Config,
        files: &'a [SourceFile],
        facts: &'a [FileFacts],
        graph: &'a Graph,
        layers: &'a LayerMap<'a>,
    ) -> Self {
        Context {
            config,
            files,
            facts,
            graph,
            layers,
            symbols: files.iter().map(|_| OnceLock::new()).collect(),
        }
    }

    /// What the names used in file `file` stand for.
    pub fn symbols(&self, file: usize) -> &Symbols<'a> {
        self.symbols[file]
            .get_or_init(|| Symbols::of_file(self.files, self.facts, self.graph, file))
    }

    /// The import statement behind an edge.
    pub fn import_of(&self, edge: &ImportEdge) -> &'a Import {
        &self.facts[edge.file].imports[edge.import]
    }

    /// The edges whose import statement counts under `selection` and the
    /// project's `type-checking-imports` policy.
    pub fn selected_edges(
        &self,
        selection: ImportSelection,
    ) -> impl Iterator<Item = &'a ImportEdge> + use<'a, '_> {
        let policy = self.config.project.type_checking_imports;
        self.graph
            .edges
            .iter()
            .filter(move |edge| import_counts(selection, policy, &edge.context))
    }

    /// A violation of `rule` at an import statement.
    pub fn import_violation(
        &self,
        rule: &Rule,
        edge: &ImportEdge,
        subject: &str,
        text: String,
    ) -> Violation {
        let import = self.import_of(edge);
        violation(
            rule,
            &self.files[edge.file].path,
            import.span,
            &import.scope,
            subject,
            text,
        )
    }
}

/// Whether an import in `context` counts for a rule.
pub fn import_counts(
    selection: ImportSelection,
    policy: TypeCheckingImports,
    context: &ImportContext,
) -> bool {
    if context.type_checking
        && (policy == TypeCheckingImports::Ignore || selection != ImportSelection::All)
    {
        return false;
    }
    // A PEP 810 `lazy import` is deferred like an import inside a function.
    !(selection == ImportSelection::ModuleLevel && (context.in_function || context.lazy))
}

/// Builds a violation of a configured rule; the user's `message` follows
/// gate's own text.
pub fn violation(
    rule: &Rule,
    path: &str,
    span: crate::span::Span,
    scope: &str,
    subject: &str,
    text: String,
) -> Violation {
    let message = match &rule.message {
        Some(extra) => format!("{text}; {extra}"),
        None => text,
    };
    Violation {
        rule: rule.name.clone(),
        kind: rule.kind(),
        path: path.to_string(),
        span,
        scope: scope.to_string(),
        subject: subject.to_string(),
        message,
        severity: rule.severity,
    }
}

/// Runs every configured rule, plus the always-on `syntax-error`. The order
/// of the result is not defined; the caller sorts.
pub fn run(context: &Context<'_>) -> Vec<Violation> {
    let mut violations: Vec<Violation> = context
        .config
        .rules
        .par_iter()
        .flat_map_iter(|rule| match &rule.options {
            RuleOptions::Layers(options) => layers::check(context, rule, options),
            RuleOptions::ForbiddenImport(options) => {
                forbidden_import::check(context, rule, options)
            }
            RuleOptions::PrivateModule(options) => private_module::check(context, rule, options),
            RuleOptions::ImportCycle(options) => import_cycle::check(context, rule, options),
            RuleOptions::FanIn(options) => fan_in::check(context, rule, options),
            RuleOptions::DbWrite(options) => db_write::check(context, rule, options),
            RuleOptions::ModelOwnership(options) => model_ownership::check(context, rule, options),
            RuleOptions::ImportTime(options) => import_time::check(context, rule, options),
            RuleOptions::SysPath(options) => sys_path::check(context, rule, options),
            RuleOptions::ForbiddenCall(options) => forbidden_call::check(context, rule, options),
            RuleOptions::HeaderImports(options) => header_imports::check(context, rule, options),
            RuleOptions::MaxLines(options) => max_lines::check(context, rule, options),
            RuleOptions::BannedName(options) => banned_name::check(context, rule, options),
            RuleOptions::MissingInit(options) => missing_init::check(context, rule, options),
            RuleOptions::SiblingNames(options) => sibling_names::check(context, rule, options),
            RuleOptions::LayerHeader(options) => layer_header::check(context, rule, options),
        })
        .collect();
    violations.extend(syntax_error::check(context));
    violations
}

/// A rule kind's name, one-line summary and full documentation.
pub struct KindDoc {
    pub kind: &'static str,
    pub always_on: bool,
    source: &'static str,
}

impl KindDoc {
    /// The rustdoc at the top of the rule's file, as Markdown.
    pub fn documentation(&self) -> String {
        self.source
            .lines()
            .map_while(|line| line.strip_prefix("//!"))
            .map(|line| line.strip_prefix(' ').unwrap_or(line))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The first sentence of "What it does".
    pub fn summary(&self) -> String {
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

/// Every rule kind gate knows, in the order `gate rules` lists them.
pub const KINDS: &[KindDoc] = &[
    KindDoc {
        kind: "layers",
        always_on: false,
        source: include_str!("layers.rs"),
    },
    KindDoc {
        kind: "forbidden-import",
        always_on: false,
        source: include_str!("forbidden_import.rs"),
    },
    KindDoc {
        kind: "private-module",
        always_on: false,
        source: include_str!("private_module.rs"),
    },
    KindDoc {
        kind: "import-cycle",
        always_on: false,
        source: include_str!("import_cycle.rs"),
    },
    KindDoc {
        kind: "fan-in",
        always_on: false,
        source: include_str!("fan_in.rs"),
    },
    KindDoc {
        kind: "db-write",
        always_on: false,
        source: include_str!("db_write.rs"),
    },
    KindDoc {
        kind: "model-ownership",
        always_on: false,
        source: include_str!("model_ownership.rs"),
    },
    KindDoc {
        kind: "import-time",
        always_on: false,
        source: include_str!("import_time.rs"),
    },
    KindDoc {
        kind: "sys-path",
        always_on: false,
        source: include_str!("sys_path.rs"),
    },
    KindDoc {
        kind: "forbidden-call",
        always_on: false,
        source: include_str!("forbidden_call.rs"),
    },
    KindDoc {
        kind: "header-imports",
        always_on: false,
        source: include_str!("header_imports.rs"),
    },
    KindDoc {
        kind: "max-lines",
        always_on: false,
        source: include_str!("max_lines.rs"),
    },
    KindDoc {
        kind: "banned-name",
        always_on: false,
        source: include_str!("banned_name.rs"),
    },
    KindDoc {
        kind: "missing-init",
        always_on: false,
        source: include_str!("missing_init.rs"),
    },
    KindDoc {
        kind: "sibling-names",
        always_on: false,
        source: include_str!("sibling_names.rs"),
    },
    KindDoc {
        kind: "layer-header",
        always_on: false,
        source: include_str!("layer_header.rs"),
    },
    KindDoc {
        kind: "syntax-error",
        always_on: true,
        source: include_str!("syntax_error.rs"),
    },
    KindDoc {
        kind: "unused-ignore",
        always_on: true,
        source: include_str!("unused_ignore.rs"),
    },
];

pub fn kind_doc(kind: &str) -> Option<&'static KindDoc> {
    KINDS.iter().find(|doc| doc.kind == kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_documents_the_four_sections() {
        for doc in KINDS {
            let text = doc.documentation();
            for section in [
                "## What it does",
                "## Why is this bad",
                "## Example",
                "## Options",
            ] {
                assert!(text.contains(section), "{} lacks {section}", doc.kind);
            }
            assert!(!doc.summary().is_empty(), "{} has no summary", doc.kind);
        }
    }

    #[test]
    fn type_checking_imports_count_only_when_checked_and_selection_is_all() {
        let type_only = ImportContext {
            type_checking: true,
            ..Default::default()
        };
        use ImportSelection::*;
        assert!(!import_counts(All, TypeCheckingImports::Ignore, &type_only));
        assert!(import_counts(All, TypeCheckingImports::Check, &type_only));
        assert!(!import_counts(
            Runtime,
            TypeCheckingImports::Check,
            &type_only
        ));
        let lazy = ImportContext {
            in_function: true,
            ..Default::default()
        };
        assert!(import_counts(Runtime, TypeCheckingImports::Ignore, &lazy));
        assert!(!import_counts(
            ModuleLevel,
            TypeCheckingImports::Ignore,
            &lazy
        ));
        let pep_810 = ImportContext {
            lazy: true,
            ..Default::default()
        };
        assert!(import_counts(All, TypeCheckingImports::Ignore, &pep_810));
        assert!(!import_counts(
            ModuleLevel,
            TypeCheckingImports::Ignore,
            &pep_810
        ));
    }
}
