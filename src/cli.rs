//! The command line as clap parses it, and nothing else: `crate::app` turns
//! it into the plain options the commands take. Nothing of gate is
//! imported here, so clap's types stay at the edge.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "gate",
    version,
    about = "Guards the architecture of a Python codebase: fails only on violations that are not in the baseline",
    after_help = "Exit codes: 0 no new violations, 1 new violations, 2 usage, config, baseline or I/O error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Set up gate in an existing repository: propose a gate.toml, check it, write it and the baseline.
    #[command(long_about = INIT_ABOUT, after_long_help = INIT_AFTER)]
    Init(InitArgs),
    /// Check the project and compare with the baseline.
    Check(CheckArgs),
    /// Write or ratchet the baseline of known violations, or show its history.
    #[command(subcommand)]
    Baseline(BaselineCommand),
    /// Print what a rule kind checks, why, an example and its options.
    Explain {
        /// A rule kind, as listed by `gate rules`.
        kind: String,
    },
    /// List the rule kinds.
    Rules,
    /// Print every file's resolved imports (to see what gate sees).
    Graph(GraphArgs),
    /// In GitHub Actions: check, write SARIF, annotate, summarise, comment on the pull request, set step outputs.
    Ci(CiArgs),
    /// Show the architecture as it is: layers, the layer matrix, the package graph, the debt.
    #[command(long_about = MAP_ABOUT)]
    Map(MapArgs),
}

const INIT_ABOUT: &str = "\
Set up gate in an existing repository, without questions.

gate init looks at the tree (as `gate check` will: .gitignore'd and hidden \
paths are skipped, and so are virtualenvs, build output and node_modules) \
and proposes a commented gate.toml:
  - source roots: the folder above each top-level package, a src/ layout, \
the package settings of pyproject.toml (setuptools, Poetry, Hatch, PDM, \
maturin), the folder of Django's manage.py (its apps are listed);
  - layers, top first, from conventional folder and module names: routes, \
api, views, endpoints -> api; workers, tasks, jobs -> workers; adapters, \
clients, integrations, gateways -> adapters; services, domain, use_cases -> \
domain; models, db, repositories, orm -> persistence; settings, config, core \
-> config (tests and migrations are left out);
  - rules right in every project: sys-path, import-cycle between packages, \
and db-write in the api layer when SQLAlchemy or django.db is imported \
(syntax-error and unused-ignore are always on).

It then loads the config as `gate check` would, runs it, prints per rule \
how many violations the code has today and in how many files, writes the \
config and baseline.json (those violations, so that `gate check` passes \
until a new one appears), and prints the next steps.";

const INIT_AFTER: &str = "\
An existing gate.toml, [tool.gate] table or baseline.json is never replaced \
without --force. Nothing is written with --dry-run: the config goes to \
standard output, the counts to standard error.

Examples:
  gate init                      # gate.toml and baseline.json here
  gate init --dry-run > gate.toml
  gate init --pyproject backend  # [tool.gate] at the end of backend/pyproject.toml

Without a baseline file, `gate check` reports every violation as new (exit \
1 if there are any) and says to run `gate baseline init`; a baseline named \
by --baseline or by `baseline` in the config must exist (exit 2).";

#[derive(Args)]
pub struct InitArgs {
    /// The repository to set up (default: the current folder).
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,
    /// Append the config as [tool.gate] to pyproject.toml (whose other bytes stay as they are) instead of writing gate.toml.
    #[arg(long)]
    pub pyproject: bool,
    /// Print the proposed config and what it finds; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Replace an existing config (gate.toml, or [tool.gate] with --pyproject) and baseline.json.
    #[arg(long)]
    pub force: bool,
    /// Do not write baseline.json.
    #[arg(long)]
    pub no_baseline: bool,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
}

#[derive(Args)]
pub struct ProjectArgs {
    /// The config file (default: gate.toml, or pyproject.toml with [tool.gate], found by walking up from the current folder).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
    /// List every warning (by default, many of one kind print as a count and three examples).
    #[arg(long, short)]
    pub verbose: bool,
    /// Where to keep the facts cache (default: .gate_cache in the project root, or the GATE_CACHE_DIR environment variable).
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Parse every file, and neither read nor write the facts cache.
    #[arg(long, conflicts_with = "cache_dir")]
    pub no_cache: bool,
    /// Print how long each stage of the run and each rule took, on standard error.
    #[arg(long)]
    pub timings: bool,
}

/// What to check, and against which baseline: shared by `check` and `ci`.
#[derive(Args)]
pub struct RunArgs {
    /// Files or folders to check (default: the config's `include`).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub project: ProjectArgs,
    #[command(flatten)]
    pub baseline: BaselineArgs,
    /// Fail (exit 1) when baseline entries no longer occur.
    #[arg(long)]
    pub fail_on_stale: bool,
    /// Fail (exit 2) when the config checks less than it says: a pattern or layer that matches nothing, most files outside every source root (also `[project] strict = true`).
    #[arg(long)]
    pub strict: bool,
}

/// The baseline a run compares with: shared by `check`, `ci` and `map`.
#[derive(Args)]
pub struct BaselineArgs {
    /// The baseline file (default: `baseline` in the config, else baseline.json).
    ///
    /// Without a baseline file yet (a first run), every violation is new: a
    /// check exits 1 if there are any and says to run `gate baseline init`.
    /// That holds only for the default baseline.json; a baseline named here or
    /// by `baseline` in the config must exist (exit 2 otherwise), so a typo in
    /// its path is reported as such.
    #[arg(long, value_name = "FILE", conflicts_with = "no_baseline")]
    pub baseline: Option<PathBuf>,
    /// Report every violation as new.
    #[arg(long)]
    pub no_baseline: bool,
}

/// How the GitHub formats (SARIF, Markdown) are written.
#[derive(Args)]
pub struct GithubReportArgs {
    /// Known (baselined) violations in the SARIF: left out, marked suppressed (GitHub still opens alerts for those), or open.
    #[arg(long, value_enum, value_name = "HOW", default_value_t = SarifKnown::Omit)]
    pub sarif_known: SarifKnown,
    /// Code-scanning category and comment marker; distinct per gate config in one repository.
    #[arg(long, value_name = "NAME", default_value = "gate", value_parser = parse_category)]
    pub category: String,
}

#[derive(Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub run: RunArgs,
    /// Output format.
    /// Output format (default: from the extension of --output, .sarif .json .md .txt; else text).
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Write the output to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also write the JSON report to FILE, in the same run.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Also write the SARIF report to FILE, in the same run.
    #[arg(long, value_name = "FILE")]
    pub sarif: Option<PathBuf>,
    /// Also write the Markdown report to FILE, in the same run.
    #[arg(long, value_name = "FILE")]
    pub markdown: Option<PathBuf>,
    #[command(flatten)]
    pub github: GithubReportArgs,
    /// List known (baselined) violations too.
    #[arg(long)]
    pub show_known: bool,
    /// Print the number of violations per rule (new and known) instead of the violations.
    #[arg(long, conflicts_with_all = ["quiet", "show_known"])]
    pub statistics: bool,
    /// Print only the new violations.
    #[arg(long, short)]
    pub quiet: bool,
    /// When to colour the text output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Args)]
pub struct CiArgs {
    #[command(flatten)]
    pub run: RunArgs,
    /// Where to write the SARIF report (for github/codeql-action/upload-sarif).
    #[arg(long, value_name = "FILE", default_value = "gate.sarif")]
    pub sarif: PathBuf,
    #[command(flatten)]
    pub github: GithubReportArgs,
    /// Do not post or update the pull-request comment.
    #[arg(long)]
    pub no_comment: bool,
    /// The environment variable holding the GitHub token.
    #[arg(long, value_name = "NAME", default_value = "GITHUB_TOKEN")]
    pub github_token_env: String,
    /// Seconds that all of the run's GitHub requests (comment, base
    /// baseline) may take together, retries included; past it they are
    /// given up with a warning.
    #[arg(long, value_name = "SECS", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub github_timeout: u64,
    /// Also append the architecture map (`gate map --format markdown`) to the job summary.
    #[arg(long)]
    pub map_summary: bool,
}

/// A category names a code-scanning analysis and the comment marker: it
/// must fit in both (`gate/backend` is fine; `-->` would end the marker).
/// clap calls it (`value_parser`) and prints the error after the value.
fn parse_category(value: &str) -> Result<String, InvalidCategory> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/');
    if value.is_empty() || !value.chars().all(allowed) {
        return Err(InvalidCategory);
    }
    Ok(value.trim_end_matches('/').to_string())
}

#[derive(Debug, thiserror::Error)]
#[error("use letters, digits, `-`, `_`, `.` and `/` only")]
pub struct InvalidCategory;

#[derive(Subcommand)]
pub enum BaselineCommand {
    /// Adopt: write every current violation to the baseline.
    Init {
        #[command(flatten)]
        project: ProjectArgs,
        /// The baseline file to write.
        #[arg(long, value_name = "FILE")]
        baseline: Option<PathBuf>,
        /// Overwrite an existing baseline.
        #[arg(long)]
        force: bool,
    },
    /// Ratchet: drop entries that no longer occur; add new ones only with --accept-new.
    Update {
        /// Update only the entries located in these files or folders; the
        /// others are kept as they are (default: every entry).
        #[arg(value_name = "PATH")]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        project: ProjectArgs,
        /// The baseline file to update.
        #[arg(long, value_name = "FILE")]
        baseline: Option<PathBuf>,
        /// Also add the violations that are not in the baseline yet.
        #[arg(long)]
        accept_new: bool,
    },
    /// The debt over time: the baseline's count per rule at each commit that changed it.
    #[command(long_about = HISTORY_ABOUT)]
    History(HistoryArgs),
}

const HISTORY_ABOUT: &str = "\
The debt over time: the baseline's count per rule at each commit of the \
branch that changed it (a merge is one step), oldest first, read with git \
(renames followed). A commit whose \
baseline cannot be read is left out with a warning naming it; a shallow \
clone shows the history it has and says where it starts; outside a git \
repository the history is empty, with a warning.

Examples:
  gate baseline history
  gate baseline history --since 2026-01-01 --max-count 50
  gate baseline history -o debt.svg      # the format follows the extension";

#[derive(Args)]
pub struct HistoryArgs {
    /// The config file (default: gate.toml, or pyproject.toml with [tool.gate], found by walking up from the current folder).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The baseline file to follow (default: `baseline` in the config, else baseline.json).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Only commits more recent than DATE (as git reads it: 2026-01-31, "3 months ago").
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only the N most recent commits.
    #[arg(long, short = 'n', value_name = "N")]
    pub max_count: Option<u32>,
    /// Output format (default: from the extension of --output, .svg .json .txt; else text).
    #[arg(long, value_enum)]
    pub format: Option<HistoryFormat>,
    /// Write to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// List every warning (by default, many of one kind print as a count and three examples).
    #[arg(long, short)]
    pub verbose: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HistoryFormat {
    /// A table, one row per commit.
    Text,
    /// For scripts: `version`, `rules`, `points` (see the docs).
    Json,
    /// A self-contained burn-down chart.
    Svg,
}

#[derive(Args)]
pub struct GraphArgs {
    #[command(flatten)]
    pub project: ProjectArgs,
    #[arg(long, value_enum, default_value_t = GraphFormat::Text)]
    pub format: GraphFormat,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
    /// GitHub Actions annotations (workflow commands).
    Github,
    /// The pull-request comment / job summary.
    Markdown,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    Text,
    Json,
}

const MAP_ABOUT: &str = "\
Show the architecture as it is, from the same analysis and baseline as `gate check`:
  - the layers: files, lines and modules per layer, and the files in none;
  - the imports between layers, each cell allowed or forbidden by the \
config, with its new and known `layers` findings;
  - the package graph (modules merged into packages of --depth segments): \
nodes with their layer and size, edges with their import counts, the \
edges with findings and those on cycles;
  - the debt: findings per rule, per layer and per package, the most \
imported modules, the module cycles.

Formats: text (tables), json (docs/map.md has the schema), markdown (with a \
mermaid diagram GitHub renders), dot (Graphviz), mermaid, html (one \
self-contained page: the matrix as a heat map, the graph laid out by layer, \
each cell's and edge's imports). Exit 0 whatever \
the findings; 2 on a usage, config, baseline or I/O error.";

#[derive(Args)]
pub struct MapArgs {
    #[command(flatten)]
    pub project: ProjectArgs,
    #[command(flatten)]
    pub baseline: BaselineArgs,
    /// What a node of the package graph is.
    #[arg(long, value_enum, default_value_t = MapGranularity::Package)]
    pub granularity: MapGranularity,
    /// The segments that name a package (`app.crm.models` at depth 2 is `app.crm`; default 2).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub depth: Option<u16>,
    /// Output format (default: from the extension of --output, .json .md .dot .gv .mmd .html .txt; else text).
    #[arg(long, value_enum)]
    pub format: Option<MapFormat>,
    /// Write the map to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MapGranularity {
    /// Modules merged into their package of --depth segments.
    Package,
    /// Each module is a node.
    Module,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MapFormat {
    Text,
    Json,
    /// With a mermaid diagram of the package graph.
    Markdown,
    /// Graphviz.
    Dot,
    Mermaid,
    /// One self-contained page: the matrix as a heat map, the graph laid out by layer, the debt.
    Html,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// What the SARIF holds for violations the baseline allows (mirrors
/// `report::KnownInSarif`; the docs are `--help`'s).
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SarifKnown {
    /// Left out, so code scanning opens no alerts for accepted debt.
    Omit,
    /// Emitted with an external suppression naming the baseline file.
    /// GitHub ignores suppressions: they become open alerts there.
    Suppressed,
    /// Emitted as ordinary results.
    Open,
}
