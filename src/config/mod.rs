//! Stage 1: read and validate `gate.toml` (or `[tool.gate]` in `pyproject.toml`).

pub mod model;
pub mod pattern;

pub use model::*;
pub use pattern::ModulePattern;
