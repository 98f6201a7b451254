//! Stage 1: read and validate `gate.toml` (or `[tool.gate]` in `pyproject.toml`).

mod error;
mod load;
pub mod model;
pub mod name_pattern;
pub mod pattern;
mod table;

pub use error::{ConfigError, Diagnostic};
pub use load::{find_config, load, load_str};
pub use model::*;
pub use name_pattern::NamePattern;
pub use pattern::ModulePattern;
