//! Every message gate prints about a mistake in its input, rendered like
//! rustc's: what is wrong, where, the offending line, and a hint when there
//! is one worth giving.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// A message tied to a place in the config file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub message: String,
    /// The config file, as the caller named it.
    pub file: PathBuf,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    /// The offending line, for the excerpt.
    pub source_line: String,
    /// How many characters to underline from `column` (at least 1).
    pub width: usize,
    pub help: Option<String>,
}

impl Diagnostic {
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
            file: file.to_path_buf(),
            line: line_number(text, start),
            column,
            // A tab would shift the underline away from what it points at.
            source_line: source_line.replace('\t', " "),
            width: text[start..end].chars().count().max(1),
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
        let pad = " ".repeat(self.line.to_string().len());
        writeln!(f, "error: {}", self.message)?;
        writeln!(
            f,
            "{pad}--> {}:{}:{}",
            self.file.display(),
            self.line,
            self.column
        )?;
        writeln!(f, "{pad} |")?;
        writeln!(f, "{} | {}", self.line, self.source_line)?;
        write!(
            f,
            "{pad} | {}{}",
            " ".repeat(self.column - 1),
            "^".repeat(self.width)
        )?;
        if let Some(help) = &self.help {
            write!(f, "\n{pad} = help: {help}")?;
        }
        Ok(())
    }
}

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
    fn an_error_at_the_end_of_the_file_points_at_the_last_line() {
        let text = "[project]\nroots = [\".\"\n";
        let diagnostic = Diagnostic::at(Path::new("gate.toml"), text, text.len()..text.len(), "x");
        assert_eq!((diagnostic.line, diagnostic.column), (2, 13));
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let text = "name = \"é\" x";
        let diagnostic = Diagnostic::at(Path::new("gate.toml"), text, 12..13, "x");
        assert_eq!(diagnostic.column, 12);
    }
}
