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

pub use name_pattern::NamePattern;
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

/// The keys of a `[[layer]]` table.
pub const LAYER_KEYS: &[&str] = &["name", "modules", "paths", "may-import"];

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

/// The modules a rule looks at: `in` (every file when absent) minus
/// `except`. Files outside every source root have no module name, so only a
/// rule without `in` sees them.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    pub within: Option<Vec<ModulePattern>>,
    pub except: Vec<ModulePattern>,
}

impl Scope {
    pub fn covers(&self, module: Option<&str>) -> bool {
        let inside = match (&self.within, module) {
            (None, _) => true,
            (Some(patterns), Some(module)) => patterns.iter().any(|p| p.matches(module)),
            (Some(_), None) => false,
        };
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
