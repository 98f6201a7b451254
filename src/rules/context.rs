//! What a rule reads: the files, their facts, the import graph and the
//! layers, with the helpers every rule shares to pick imports and to build
//! violations.

use std::sync::{Arc, OnceLock};

use rustc_hash::FxHashSet;

use super::Rule;
use crate::dotted;
use crate::facts::{Import, ImportContext};
use crate::files::{FileId, Files};
use crate::graph::{Graph, ImportEdge};
use crate::layers::LayerMap;
use crate::settings::{ImportSelection, TypeCheckingImports};
use crate::span::Span;
use crate::symbols::{self, Origins, Symbols};
use crate::violation::Violation;

/// Everything a rule may read.
pub struct Context<'a> {
    /// The project's `type-checking-imports` policy.
    pub type_checking_imports: TypeCheckingImports,
    pub files: &'a Files,
    pub graph: &'a Graph,
    pub layers: &'a LayerMap<'a>,
    /// Each file's symbols, by file id: built at first use, as most files
    /// never need them, and shared by every rule that reads names.
    symbols: Vec<OnceLock<Symbols<'a>>>,
    origins: Arc<Origins>,
    /// [`symbols::renaming_aliases`], built at first use.
    renaming_aliases: OnceLock<FxHashSet<&'a str>>,
}

impl<'a> Context<'a> {
    pub fn new(
        type_checking_imports: TypeCheckingImports,
        files: &'a Files,
        graph: &'a Graph,
        layers: &'a LayerMap<'a>,
    ) -> Self {
        Context {
            type_checking_imports,
            files,
            graph,
            layers,
            symbols: files.iter().map(|_| OnceLock::new()).collect(),
            origins: Arc::default(),
            renaming_aliases: OnceLock::new(),
        }
    }

    /// The last segment of the dotted `name` when qualifying it keeps that
    /// segment (see [`symbols::renaming_aliases`]): a rule may then skip the
    /// name, without qualifying it, when nothing it looks for ends so.
    /// `None` for an undotted name or a segment a re-export may rename.
    pub fn kept_last_segment<'n>(&self, name: &'n str) -> Option<&'n str> {
        let (_, last) = dotted::split_last(name)?;
        let renaming = self
            .renaming_aliases
            .get_or_init(|| symbols::renaming_aliases(self.files));
        (!renaming.contains(last)).then_some(last)
    }

    /// What the names used in file `file` stand for.
    pub fn symbols(&self, file: FileId) -> &Symbols<'a> {
        self.symbols[file.index()]
            .get_or_init(|| Symbols::of_file(self.files, self.graph, &self.origins, file))
    }

    /// The import statement behind an edge.
    pub fn import_of(&self, edge: &ImportEdge) -> &'a Import {
        &self.files.facts(edge.file).imports[edge.import as usize]
    }

    /// Where a finding about `edge` points (see
    /// [`ImportEdge::finding_span`]).
    pub fn import_span(&self, edge: &ImportEdge) -> Span {
        edge.finding_span(self.import_of(edge))
    }

    /// The edges whose import statement counts under `selection` and the
    /// project's `type-checking-imports` policy.
    pub fn selected_edges(
        &self,
        selection: ImportSelection,
    ) -> impl Iterator<Item = &'a ImportEdge> + use<'a, '_> {
        let policy = self.type_checking_imports;
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
        self.violation(
            rule,
            edge.file,
            self.import_span(edge),
            &self.import_of(edge).scope,
            subject,
            text,
        )
    }

    /// A violation of `rule` in `file`; the user's `message` follows gate's
    /// own text.
    pub fn violation(
        &self,
        rule: &Rule,
        file: FileId,
        span: Span,
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
            file: Some(file),
            path: self.files.source(file).path.clone(),
            span,
            scope: scope.to_string(),
            subject: subject.to_string(),
            message,
            severity: rule.severity,
        }
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

#[cfg(test)]
mod tests {
    use super::*;

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
