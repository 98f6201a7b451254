//! Config errors, rendered like rustc's (see `crate::diagnostic`): what is
//! wrong, where, the offending line, and a hint when there is one worth
//! giving. The helpers below word the hints.

use std::io;
use std::path::PathBuf;

pub use crate::diagnostic::Diagnostic;
use crate::diagnostic::Location;

/// Why a config could not be loaded. `Display` renders the whole message,
/// `error:` prefix included.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("{}", Diagnostic::from(self))]
    Io { file: PathBuf, source: io::Error },
    /// The file is not valid TOML; the message is toml's own.
    #[error("{0}")]
    Syntax(Diagnostic),
    /// Valid TOML that does not follow the config schema.
    #[error("{0}")]
    Invalid(Diagnostic),
}

impl ConfigError {
    /// Where the error is, unless the file could not be read at all.
    pub fn diagnostic(&self) -> Option<&Location> {
        match self {
            ConfigError::Io { .. } => None,
            ConfigError::Syntax(diagnostic) | ConfigError::Invalid(diagnostic) => {
                diagnostic.location.as_ref()
            }
        }
    }
}

impl From<&ConfigError> for Diagnostic {
    fn from(error: &ConfigError) -> Self {
        match error {
            ConfigError::Io { file, source } => {
                // io::Error appends "(os error N)", noise for a person reading it.
                let reason = source.to_string();
                let reason = reason.split(" (os error").next().unwrap_or(&reason);
                Diagnostic::error(format!("cannot read {}: {reason}", file.display()))
            }
            ConfigError::Syntax(diagnostic) | ConfigError::Invalid(diagnostic) => {
                diagnostic.clone()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_errors_drop_the_os_error_number() {
        let error = ConfigError::Io {
            file: PathBuf::from("gate.toml"),
            source: io::Error::from(io::ErrorKind::NotFound),
        };
        assert!(
            error
                .to_string()
                .starts_with("error: cannot read gate.toml: ")
        );
        let error = ConfigError::Io {
            file: PathBuf::from("gate.toml"),
            source: io::Error::from_raw_os_error(2),
        };
        assert_eq!(
            error.to_string(),
            "error: cannot read gate.toml: No such file or directory"
        );
    }
}
