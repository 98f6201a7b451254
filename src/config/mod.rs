//! Stage 1: find and read `gate.toml` (or `[tool.gate]` in
//! `pyproject.toml`) into a [`Config`]. The TOML is parsed with every
//! position kept and checked key by key against the schema (rather than
//! through serde's `deny_unknown_fields`), so that each mistake is reported
//! at its line with the closest valid word.
//!
//! One room per part of the file: [`find`] locates it, `project`,
//! `layers` and `rules` read their tables (each rule kind's options are
//! read by the kind itself, in `src/rules/`), `error` says what went wrong.
//! The shared readers and the types they produce live in `crate::settings`.

mod error;
mod find;
mod layers;
mod project;
mod rules;
#[cfg(test)]
mod tests;

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use toml::de::DeTable;

pub use error::{ConfigError, Diagnostic};
pub use find::find_config;

use crate::rules::Rule;
use crate::settings::{Layer, Project, Source, Table, WrittenPattern};

const GATE_TOML: &str = "gate.toml";
const PYPROJECT_TOML: &str = "pyproject.toml";

/// The validated configuration: what every later stage reads. Every
/// pattern in it has already been compiled and every name checked.
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
    /// The patterns that say where rules and layers apply, as written.
    pub written: Vec<WrittenPattern>,
}

impl Config {
    /// The name of every rule a run reports: the configured ones in file
    /// order, then the always-on kinds (`syntax-error`, `unused-ignore`).
    pub fn rule_names(&self) -> Vec<&str> {
        self.rules
            .iter()
            .map(|rule| rule.name.as_str())
            .chain(
                crate::rules::KINDS
                    .iter()
                    .filter(|kind| kind.always_on())
                    .map(|kind| kind.name()),
            )
            .collect()
    }
}

/// Reads and checks the config at `path`: the whole file when it is a
/// `gate.toml` (or any other name), its `[tool.gate]` table when it is named
/// `pyproject.toml`. Messages name `path` as given.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
        file: path.to_path_buf(),
        source,
    })?;
    let pyproject = path.file_name().is_some_and(|name| name == PYPROJECT_TOML);
    load_str(&text, path, pyproject)
}

/// Checks the config `text`, read from `file` (the project root is the folder
/// holding it); with `pyproject`, only its `[tool.gate]` table is read.
pub fn load_str(text: &str, file: &Path, pyproject: bool) -> Result<Config, ConfigError> {
    let written = RefCell::new(Vec::new());
    let source = Source {
        text,
        file,
        written: &written,
    };
    let parsed = DeTable::parse(text).map_err(|error| {
        ConfigError::Syntax(source.error(
            error.span().unwrap_or(0..0),
            format!("invalid TOML: {}", error.message()),
        ))
    })?;
    let document = Table::document(source, parsed.get_ref());
    let root = match file.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let config = if pyproject {
        tool_gate(&document).and_then(|gate| config(&gate, root, file))
    } else {
        config(&document, root, file)
    };
    config.map_err(ConfigError::Invalid)
}

fn tool_gate<'a>(document: &Table<'a>) -> Result<Table<'a>, Diagnostic> {
    let tool = document.table("tool")?;
    let gate = tool.map(|tool| tool.table("gate")).transpose()?.flatten();
    gate.ok_or_else(|| {
        document
            .source
            .error(0..0, format!("no [tool.gate] table in {PYPROJECT_TOML}"))
            .with_help(format!(
                "add a `[tool.gate]` table, or write the config in a {GATE_TOML}"
            ))
    })
}

fn config(gate: &Table<'_>, root: PathBuf, file: &Path) -> Result<Config, Diagnostic> {
    gate.check_keys(&["project", "layer", "rule"])?;
    let empty = DeTable::new();
    let project = project::project(
        &gate
            .table("project")?
            .unwrap_or_else(|| gate.absent("project", &empty)),
    )?;
    let layers = layers::layers(&gate.tables("layer")?)?;
    let rules = rules::rules(&gate.tables("rule")?, &layers)?;
    Ok(Config {
        root,
        file: file.to_path_buf(),
        project,
        layers,
        rules,
        written: gate.source.written.take(),
    })
}
