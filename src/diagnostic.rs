//! Every error gate prints, in one shape and through one renderer, like
//! rustc's: what is wrong, where (when a file and line are known, with the
//! offending line underlined), and what to do.
//!
//! ```text
//! error: unknown key `may_import` in [[layer]] "api"
//!   --> gate.toml:14:1
//!    |
//! 14 | may_import = ["x"]
//!    | ^^^^^^^^^^
//!    = help: did you mean `may-import`?
//! ```
//!
//! Typed errors (config, baseline, GitHub, I/O) turn into a `Diagnostic` at
//! the command boundary; its `Display` is the whole message, `error:`
//! prefix included.

use std::error::Error;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// A user-facing error: a message, where it is, and a hint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub message: String,
    /// Where in a file, when the error is about one place in it.
    pub location: Option<Location>,
    pub help: Option<String>,
}

/// A place in a text file, with the line for the excerpt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// The file, as the user named it.
    pub file: PathBuf,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    /// The offending line, for the excerpt.
    pub source_line: String,
    /// How many characters to underline from `column` (at least 1).
    pub width: usize,
}

impl Diagnostic {
    /// A diagnostic without a location or a hint.
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            message: message.into(),
            location: None,
            help: None,
        }
    }

    /// `error` and the chain of its causes, separated by `: `.
    pub fn of_error(error: &dyn Error) -> Self {
        let mut message = error.to_string();
        let mut cause = error.source();
        while let Some(inner) = cause {
            message.push_str(&format!(": {inner}"));
            cause = inner.source();
        }
        Diagnostic::error(message)
    }

    /// `context`, then `cause` and its causes, separated by `: `
    /// (`cannot write out.json: Permission denied (os error 13)`).
    pub fn caused_by(context: impl fmt::Display, cause: &dyn Error) -> Self {
        let cause = Diagnostic::of_error(cause).message;
        Diagnostic::error(format!("{context}: {cause}"))
    }

    /// A diagnostic about the bytes `span` of `text`, the contents of `file`.
    pub fn at(file: &Path, text: &str, span: Range<usize>, message: impl Into<String>) -> Self {
        let start = clamp_to_last_line(text, span.start);
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let source_line = text[line_start..line_end].trim_end_matches('\r');
        let column = text[line_start..start].chars().count() + 1;
        let end = span.end.clamp(start, line_start + source_line.len());
        Diagnostic {
            message: message.into(),
            location: Some(Location {
                file: file.to_path_buf(),
                line: line_number(text, start),
                column,
                // A tab would shift the underline away from what it points at.
                source_line: source_line.replace('\t', " "),
                width: text[start..end].chars().count().max(1),
            }),
            help: None,
        }
    }

    /// Adds a hint; `None` leaves the diagnostic without one.
    pub fn with_help(mut self, help: impl Into<Option<String>>) -> Self {
        self.help = help.into();
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}", self.message)?;
        // The gutter is as wide as the line number; one space without one.
        let pad = match &self.location {
            Some(location) => " ".repeat(location.line.to_string().len()),
            None => " ".to_string(),
        };
        if let Some(location) = &self.location {
            writeln!(f)?;
            writeln!(
                f,
                "{pad}--> {}:{}:{}",
                location.file.display(),
                location.line,
                location.column
            )?;
            writeln!(f, "{pad} |")?;
            writeln!(f, "{} | {}", location.line, location.source_line)?;
            write!(
                f,
                "{pad} | {}{}",
                " ".repeat(location.column - 1),
                "^".repeat(location.width)
            )?;
        }
        if let Some(help) = &self.help {
            write!(f, "\n{pad} = help: {help}")?;
        }
        Ok(())
    }
}

impl Error for Diagnostic {}

/// The 1-based line holding byte `offset` of `text`.
pub fn line_number(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// An error at the very end of a file that ends with a line break belongs to
/// the last line, not to the empty one after it.
fn clamp_to_last_line(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    if offset == text.len() && text.ends_with('\n') {
        offset - 1
    } else {
        offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_rustc_with_excerpt_and_help() {
        let text = "[[layer]]\nname = \"api\"\nmay_import = [\"x\"]\n";
        let diagnostic = Diagnostic::at(Path::new("gate.toml"), text, 23..33, "unknown key")
            .with_help("did you mean `may-import`?".to_string());
        assert_eq!(
            diagnostic.to_string(),
            "error: unknown key\n \
             --> gate.toml:3:1\n  \
             |\n\
             3 | may_import = [\"x\"]\n  \
             | ^^^^^^^^^^\n  \
             = help: did you mean `may-import`?"
        );
    }

    #[test]
    fn without_a_location_the_help_follows_the_message() {
        let diagnostic = Diagnostic::error("no gate.toml").with_help("create one".to_string());
        assert_eq!(
            diagnostic.to_string(),
            "error: no gate.toml\n  = help: create one"
        );
        assert_eq!(Diagnostic::error("x").to_string(), "error: x");
    }

    #[test]
    fn the_help_lines_up_with_a_wide_gutter() {
        let text = format!("{}x = 1\n", "\n".repeat(11));
        let diagnostic = Diagnostic::at(Path::new("gate.toml"), &text, 11..12, "bad")
            .with_help("fix it".to_string());
        assert!(
            diagnostic.to_string().ends_with("\n   = help: fix it"),
            "{diagnostic}"
        );
    }

    #[test]
    fn causes_are_chained_like_the_context_they_explain() {
        let cause = std::io::Error::from_raw_os_error(2);
        assert_eq!(
            Diagnostic::caused_by("cannot write out.json", &cause).to_string(),
            "error: cannot write out.json: No such file or directory (os error 2)"
        );
    }

    #[test]
    fn an_error_at_the_end_of_the_file_points_at_the_last_line() {
        let text = "[project]\nroots = [\".\"\n";
        let diagnostic = Diagnostic::at(Path::new("gate.toml"), text, text.len()..text.len(), "x");
        let location = diagnostic.location.unwrap();
        assert_eq!((location.line, location.column), (2, 13));
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let text = "name = \"é\" x";
        let diagnostic = Diagnostic::at(Path::new("gate.toml"), text, 12..13, "x");
        assert_eq!(diagnostic.location.unwrap().column, 12);
    }
}
