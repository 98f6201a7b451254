//! The validated configuration: what every later stage reads. Built by
//! `config::load` from `gate.toml` (or `[tool.gate]` in `pyproject.toml`);
//! every pattern here has already been compiled and every name checked.

use std::path::PathBuf;

use globset::GlobSet;
use regex::Regex;

use super::name_pattern::NamePattern;
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
    /// `layer-header`: a regex with a `layer` group; a file whose leading
    /// comment block matches it belongs to the named layer, whatever its
    /// folder says.
    pub layer_header: Option<Regex>,
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

/// The options of each rule kind; each kind's rule file reads its own.
#[derive(Clone, Debug)]
pub enum RuleOptions {
    Layers(LayersOptions),
    ForbiddenImport(ForbiddenImportOptions),
    PrivateModule(PrivateModuleOptions),
    ImportCycle(ImportCycleOptions),
    FanIn(FanInOptions),
    DbWrite(DbWriteOptions),
    ModelOwnership(ModelOwnershipOptions),
    ImportTime(ImportTimeOptions),
    SysPath(SysPathOptions),
    ForbiddenCall(ForbiddenCallOptions),
    HeaderImports(HeaderImportsOptions),
    MaxLines(MaxLinesOptions),
    BannedName(BannedNameOptions),
    MissingInit(MissingInitOptions),
    SiblingNames(SiblingNamesOptions),
    LayerHeader(LayerHeaderOptions),
}

#[derive(Clone, Debug)]
pub struct LayersOptions {
    pub imports: ImportSelection,
    /// Also report indirect chains to a layer the importer may not reach.
    pub transitive: bool,
}

#[derive(Clone, Debug)]
pub struct ForbiddenImportOptions {
    /// May bind `{name}` captures that `to` refers to.
    pub from: Vec<ModulePattern>,
    pub except: Vec<ModulePattern>,
    /// May use `{name}` (same segment as bound in `from`) and `{!name}`
    /// (a different one).
    pub to: Vec<ModulePattern>,
    pub imports: ImportSelection,
    pub transitive: bool,
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

#[derive(Clone, Debug)]
pub struct ImportCycleOptions {
    pub granularity: Granularity,
    pub imports: ImportSelection,
}

#[derive(Clone, Debug)]
pub struct FanInOptions {
    pub granularity: Granularity,
    /// The most distinct importers a module (or package) may have.
    pub max: usize,
    /// Targets that may be imported by any number of modules.
    pub ignore: Vec<ModulePattern>,
    pub imports: ImportSelection,
}

/// Methods that write through a session, by default.
pub const DEFAULT_WRITE_METHODS: &[&str] = &[
    "add",
    "add_all",
    "commit",
    "delete",
    "merge",
    "flush",
    "bulk_save_objects",
    "bulk_insert_mappings",
    "bulk_update_mappings",
    "execute",
];

/// Receivers that are sessions, by default (globs on the receiver's dotted
/// text or its last name).
pub const DEFAULT_WRITE_RECEIVERS: &[&str] = &[
    "session",
    "*session",
    "db",
    "*_db",
    "self.session",
    "self.db",
];

#[derive(Clone, Debug)]
pub struct DbWriteOptions {
    pub scope: Scope,
    /// `execute` counts only with an insert/update/delete argument.
    pub methods: Vec<String>,
    pub receivers: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct ModelOwnershipOptions {
    /// The modules whose classes are the owned models.
    pub models: Vec<ModulePattern>,
    /// The modules that may write them.
    pub owner: Vec<ModulePattern>,
    /// Other modules that may write them (a composition root, seed scripts).
    pub allow: Vec<ModulePattern>,
}

/// Calls that are fine at import time, by default.
pub const DEFAULT_IMPORT_TIME_ALLOW: &[&str] = &[
    "logging.getLogger",
    "TypeVar",
    "NewType",
    "namedtuple",
    "NamedTuple",
    "dataclass",
    "field",
    "APIRouter",
    "Blueprint",
    "os.getenv",
    "os.environ.get",
    "Enum",
    "frozenset",
    "set",
    "dict",
    "list",
    "tuple",
    "re.compile",
    "object",
];

/// Calls reported at import time even when `allow` matches them, by default.
pub const DEFAULT_IMPORT_TIME_DENY: &[&str] = &["init_db", "create_engine", "connect"];

#[derive(Clone, Debug)]
pub struct ImportTimeOptions {
    pub scope: Scope,
    pub allow: Vec<NamePattern>,
    pub deny: Vec<NamePattern>,
}

#[derive(Clone, Debug)]
pub struct SysPathOptions {
    pub scope: Scope,
}

#[derive(Clone, Debug)]
pub struct ForbiddenCallOptions {
    pub scope: Scope,
    pub calls: Vec<NamePattern>,
}

#[derive(Clone, Debug)]
pub struct HeaderImportsOptions {
    pub scope: Scope,
    /// Matches a header line listing what the file may import; its `items`
    /// group holds the comma-separated layer names and module patterns.
    pub allowed: Regex,
    /// The same for what the file must not import.
    pub forbidden: Regex,
}

#[derive(Clone, Debug)]
pub struct MaxLinesOptions {
    pub scope: Scope,
    pub max: u32,
}

#[derive(Clone, Debug)]
pub struct BannedNameOptions {
    pub scope: Scope,
    /// Globs on the file name (`*_service.py`).
    pub names: GlobSet,
    pub name_patterns: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct MissingInitOptions {
    pub scope: Scope,
}

#[derive(Clone, Debug)]
pub struct SiblingNamesOptions {
    pub scope: Scope,
}

/// The header a file declares its layer with, by default.
pub const DEFAULT_LAYER_HEADER: &str = r"^#\s*Layer:\s*(?P<layer>\S+)";

#[derive(Clone, Debug)]
pub struct LayerHeaderOptions {
    pub scope: Scope,
    /// A regex with a `layer` group, matched against each line of the
    /// leading comment block.
    pub pattern: Regex,
}

impl RuleOptions {
    pub fn kind(&self) -> &'static str {
        match self {
            RuleOptions::Layers(_) => "layers",
            RuleOptions::ForbiddenImport(_) => "forbidden-import",
            RuleOptions::PrivateModule(_) => "private-module",
            RuleOptions::ImportCycle(_) => "import-cycle",
            RuleOptions::FanIn(_) => "fan-in",
            RuleOptions::DbWrite(_) => "db-write",
            RuleOptions::ModelOwnership(_) => "model-ownership",
            RuleOptions::ImportTime(_) => "import-time",
            RuleOptions::SysPath(_) => "sys-path",
            RuleOptions::ForbiddenCall(_) => "forbidden-call",
            RuleOptions::HeaderImports(_) => "header-imports",
            RuleOptions::MaxLines(_) => "max-lines",
            RuleOptions::BannedName(_) => "banned-name",
            RuleOptions::MissingInit(_) => "missing-init",
            RuleOptions::SiblingNames(_) => "sibling-names",
            RuleOptions::LayerHeader(_) => "layer-header",
        }
    }
}
