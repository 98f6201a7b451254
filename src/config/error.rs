//! Config errors, rendered like rustc's: what is wrong, where, the offending
//! line, and a hint when there is one worth giving.

use std::fmt;
use std::io;
use std::path::PathBuf;

pub use crate::diagnostic::Diagnostic;

/// Why a config could not be loaded. `Display` renders the whole message,
/// `error:` prefix included.
#[derive(Debug)]
pub enum ConfigError {
    /// The file could not be read.
    Io { file: PathBuf, source: io::Error },
    /// The file is not valid TOML; the message is toml's own.
    Syntax(Diagnostic),
    /// Valid TOML that does not follow the config schema.
    Invalid(Diagnostic),
}

impl ConfigError {
    /// Where the error is, unless the file could not be read at all.
    pub fn diagnostic(&self) -> Option<&Diagnostic> {
        match self {
            ConfigError::Io { .. } => None,
            ConfigError::Syntax(diagnostic) | ConfigError::Invalid(diagnostic) => Some(diagnostic),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Io { file, source } => {
                // io::Error appends "(os error N)", noise for a person reading it.
                let reason = source.to_string();
                let reason = reason.split(" (os error").next().unwrap_or(&reason);
                write!(f, "error: cannot read {}: {reason}", file.display())
            }
            ConfigError::Syntax(diagnostic) | ConfigError::Invalid(diagnostic) => diagnostic.fmt(f),
        }
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ConfigError::Io { source, .. } => Some(source),
            ConfigError::Syntax(_) | ConfigError::Invalid(_) => None,
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
