//! The integration tests, one binary: each module is one area, and most run
//! the real `gate` binary on trees under fixtures/ (helpers in `common`).

mod common;

mod action;
mod architecture;
mod bad_input;
mod baseline;
mod cache;
mod captures_transitive;
mod cli;
mod code_rules;
mod config_errors;
mod db_rules;
mod demo;
mod determinism;
mod docs;
mod github_ci;
mod github_formats;
mod graph_rules;
mod header_rules;
mod history;
mod hostile;
mod hostile_output;
mod import_rules;
mod init;
mod map;
mod resolution;
mod structure_rules;
mod timings;
