//! The validated configuration: what every later stage reads. Built by
//! `config::load` from `gate.toml` (or `[tool.gate]` in `pyproject.toml`);
//! every pattern here has already been compiled and every name checked.

use std::path::PathBuf;

use globset::GlobSet;

use super::pattern::ModulePattern;
use crate::violation::Severity;

#[derive(Clone, Debug)]
pub struct Config {
    /// The folder holding the config file; every path is relative to it.
    pub root: PathBuf,
    /// The config file itself, for messages.
    pub file: PathBuf,
    pub project: Project,
    /// Top layer first.
    pub layers: Vec<Layer>,
    /// Configured rule instances in file order. When `[[layer]]` tables exist
    /// and no `[[rule]] kind = "layers"` configures them, a default `layers`
    /// rule is added here.
    pub rules: Vec<Rule>,
}

#[derive(Clone, Debug)]
pub struct Project {
    /// Source roots relative to `root` (`backend`): `backend/app/x.py` is
    /// module `app.x`. Default: `["."]`.
    pub roots: Vec<PathBuf>,
    /// Folders or files to analyse, relative to `root`. Default: `["."]`.
    pub include: Vec<PathBuf>,
    /// Path globs (relative to `root`) of files and folders to skip.
    pub exclude: GlobSet,
    /// The exclude globs as written, for messages.
    pub exclude_patterns: Vec<String>,
    /// Relative to `root`. Default `baseline.json`.
    pub baseline: PathBuf,
    pub type_checking_imports: TypeCheckingImports,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TypeCheckingImports {
    /// Imports under `if TYPE_CHECKING:` do not count (default).
    #[default]
    Ignore,
    /// They count like any other import.
    Check,
}

#[derive(Clone, Debug)]
pub struct Layer {
    pub name: String,
    pub modules: Vec<ModulePattern>,
    /// Path globs relative to `root` (`backend/app/**/api/**`).
    pub paths: GlobSet,
    pub path_patterns: Vec<String>,
    /// Layer names this layer may import; `None` = every layer below it.
    pub may_import: Option<Vec<String>>,
}

#[derive(Clone, Debug)]
pub struct Rule {
    /// Unique; used in output, baselines and ignore comments.
    pub name: String,
    /// Appended to every violation message.
    pub message: Option<String>,
    pub severity: Severity,
    pub options: RuleOptions,
}

impl Rule {
    pub fn kind(&self) -> &'static str {
        self.options.kind()
    }
}

/// Which import statements an import rule counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ImportSelection {
    /// Every import (type-only ones still follow `type-checking-imports`).
    #[default]
    All,
    /// Not type-only.
    Runtime,
    /// Not inside a function, and not type-only.
    ModuleLevel,
}

/// The options of each rule kind; each kind's rule file reads its own.
#[derive(Clone, Debug)]
pub enum RuleOptions {
    Layers(LayersOptions),
    ForbiddenImport(ForbiddenImportOptions),
    PrivateModule(PrivateModuleOptions),
}

#[derive(Clone, Debug)]
pub struct LayersOptions {
    pub imports: ImportSelection,
}

#[derive(Clone, Debug)]
pub struct ForbiddenImportOptions {
    pub from: Vec<ModulePattern>,
    pub except: Vec<ModulePattern>,
    pub to: Vec<ModulePattern>,
    pub imports: ImportSelection,
}

#[derive(Clone, Debug)]
pub struct PrivateModuleOptions {
    /// Patterns whose matches are private to their parent package:
    /// `acme.*.internal` makes `acme.X.internal` importable only from
    /// inside `acme.X`.
    pub modules: Vec<ModulePattern>,
    pub allow_from: Vec<ModulePattern>,
    pub imports: ImportSelection,
}

impl RuleOptions {
    pub fn kind(&self) -> &'static str {
        match self {
            RuleOptions::Layers(_) => "layers",
            RuleOptions::ForbiddenImport(_) => "forbidden-import",
            RuleOptions::PrivateModule(_) => "private-module",
        }
    }
}
