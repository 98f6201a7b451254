//! gate: guards the architecture of a Python codebase.
//!
//! The modules follow the pipeline, in order:
//! config → discover → parse → graph → rules → suppress → baseline → report.

pub mod allocator;
pub mod analyze;
pub mod app;
pub mod baseline;
pub mod cache;
pub mod cli;
pub mod commands;
pub mod config;
pub mod dead_config;
pub mod diagnostic;
pub mod discover;
pub mod dotted;
pub mod exit;
pub mod facts;
pub mod files;
pub mod git;
pub mod github;
pub mod graph;
pub mod history;
pub mod init;
pub mod layers;
pub mod map;
pub mod output;
pub mod parse;
pub mod read;
pub mod report;
pub mod rules;
pub mod run;
pub mod settings;
pub mod span;
pub mod sql;
pub mod suggest;
pub mod suppress;
pub mod symbols;
pub mod timings;
pub mod violation;
pub mod warning;
pub mod write;
