//! Finding the config: `gate.toml`, or a `pyproject.toml` with a
//! `[tool.gate]` table, in the current folder or the nearest one above it.

use std::path::{Path, PathBuf};

use toml::de::DeTable;

use super::{GATE_TOML, PYPROJECT_TOML};

/// Finds the config that governs `start`, walking up its folders as ruff
/// does: in each folder a `gate.toml` wins, else a `pyproject.toml` with a
/// `[tool.gate]` table. A relative `start` is made absolute first, so the
/// walk can reach the folders above the current one.
pub fn find_config(start: &Path) -> Option<PathBuf> {
    let start = std::path::absolute(start).unwrap_or_else(|_| start.to_path_buf());
    start.ancestors().find_map(|folder| {
        let gate = folder.join(GATE_TOML);
        if gate.is_file() {
            return Some(gate);
        }
        let pyproject = folder.join(PYPROJECT_TOML);
        (pyproject.is_file() && declares_tool_gate(&pyproject)).then_some(pyproject)
    })
}

fn declares_tool_gate(pyproject: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(pyproject) else {
        return false;
    };
    match DeTable::parse(&text) {
        Ok(document) => document
            .get_ref()
            .get("tool")
            .and_then(|tool| tool.get_ref().as_table())
            .is_some_and(|tool| tool.contains_key("gate")),
        // A broken file that names the table is still the config the user
        // meant: loading it reports the syntax error, where skipping it would
        // silently pick a config further up.
        Err(_) => text.lines().any(|line| {
            line.trim_start()
                .trim_start_matches('[')
                .strip_prefix("tool.gate")
                .is_some_and(|rest| {
                    !rest.starts_with(|c: char| c.is_alphanumeric() || c == '_' || c == '-')
                })
        }),
    }
}
