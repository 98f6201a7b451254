//! What the config says, as the typed values every later stage reads: the
//! project's files and layers, module and name patterns, and the option
//! types that several rule kinds share. Also the readers that turn a TOML
//! table into these values with a precise message for each mistake; each
//! rule kind (`src/rules/`) reads its own options with them.

pub mod name_pattern;
pub mod pattern;
pub mod read;
pub mod table;

use std::path::PathBuf;

use globset::GlobSet;
use regex::Regex;

pub use name_pattern::{NamePattern, NamePatterns};
pub use pattern::ModulePattern;
pub use table::{Source, Table};

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
    /// `baseline` was written in the config. A baseline named explicitly
    /// must exist; the default one may be missing (a first run).
    pub baseline_configured: bool,
    pub type_checking_imports: TypeCheckingImports,
    /// `layer-header`: a regex with a `layer` group; a file whose leading
    /// comment block matches it belongs to the named layer, whatever its
    /// folder says.
    pub layer_header: Option<Regex>,
    /// `strict`: config that matches nothing (see `dead_config`) fails the
    /// run (exit 2) instead of being a warning.
    pub strict: bool,
    /// `target-version` (major, minor): syntax this Python cannot parse is a
    /// syntax error. `None`: the `requires-python` of the project's
    /// pyproject.toml, else the newest Python.
    pub target_version: Option<(u8, u8)>,
    /// `respect-ignore-files`: `.ignore` files skip files too (default
    /// `false`; `.gitignore` files always do, visibly).
    pub respect_ignore_files: bool,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TypeCheckingImports {
    /// Imports under `if TYPE_CHECKING:` do not count (default).
    #[default]
    Ignore,
    /// They count like any other import.
    Check,
}

/// What a pattern that says where a rule or layer applies stands for.
#[derive(Clone, Debug)]
pub enum Selects {
    /// Module patterns (`in`, `except`, `from`, `modules`, `owner`, ...).
    Modules(ModulePattern),
    /// A path glob (`paths`).
    Paths(globset::GlobMatcher),
}

/// A pattern of the config as written, where it is written: the run warns
/// when one matches nothing, for a rule that checks nothing passes green.
#[derive(Clone, Debug)]
pub struct WrittenPattern {
    pub selects: Selects,
    /// As written.
    pub text: String,
    /// `from`, `modules`, ...
    pub key: String,
    /// Where in the config: `in [[rule]] "no-legacy"`.
    pub table: String,
    /// `gate.toml:12:9`.
    pub place: String,
    /// The pattern belongs to a `[[layer]]` table.
    pub of_layer: bool,
}

/// The keys whose patterns say where a rule or layer applies (rather than
/// what it forbids, which may well match nothing in a healthy project).
pub const SCOPE_KEYS: &[&str] = &[
    "in",
    "except",
    "from",
    "modules",
    "paths",
    "owner",
    "models",
    "allow",
    "allow-from",
];

/// The keys of a `[[layer]]` table.
pub const LAYER_KEYS: &[&str] = &["name", "modules", "paths", "may-import"];

#[derive(Clone, Debug)]
pub struct Layer {
    pub name: String,
    /// Where its `name` is written (`gate.toml:12:8`), for messages.
    pub place: String,
    pub modules: Vec<ModulePattern>,
    /// Path globs relative to `root` (`backend/app/**/api/**`).
    pub paths: GlobSet,
    pub path_patterns: Vec<String>,
    /// Layer names this layer may import; `None` = every layer below it.
    pub may_import: Option<Vec<String>>,
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

/// The files a rule looks at: those whose module matches `in` or whose path
/// matches `paths` (every file when both are absent), minus the modules of
/// `except`. Files outside every source root have no module name: `paths`
/// is how a rule names them.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    pub within: Option<Vec<ModulePattern>>,
    /// Path globs relative to the project root (`tools/**`).
    pub paths: GlobSet,
    pub except: Vec<ModulePattern>,
}

impl Scope {
    /// The file at `path` (relative to the project root), of `module`, is
    /// looked at. A package is at the path of its `__init__.py`.
    pub fn covers(&self, module: Option<&str>, path: &str) -> bool {
        let by_module = match (&self.within, module) {
            (Some(patterns), Some(module)) => patterns.iter().any(|p| p.matches(module)),
            _ => false,
        };
        let everything = self.within.is_none() && self.paths.is_empty();
        let inside = everything || by_module || self.paths.is_match(path);
        inside && !module.is_some_and(|module| self.except.iter().any(|p| p.matches(module)))
    }
}

/// The nodes of an import graph rule.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Granularity {
    /// Each module is a node.
    #[default]
    Module,
    /// Modules are merged into their package of `depth` segments
    /// (`app.crm.models` at depth 2 is `app.crm`).
    Package { depth: usize },
}

impl Granularity {
    /// The node that `module` belongs to.
    pub fn node_of<'m>(&self, module: &'m str) -> &'m str {
        match *self {
            Granularity::Module => module,
            Granularity::Package { depth } => match module.match_indices('.').nth(depth - 1) {
                Some((end, _)) => &module[..end],
                None => module,
            },
        }
    }
}

/// The header a file declares its layer with, by default.
pub const DEFAULT_LAYER_HEADER: &str = r"^#\s*Layer:\s*(?P<layer>\S+)";
