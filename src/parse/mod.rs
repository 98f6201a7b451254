//! Stage 3: one file's bytes to its [`FileFacts`]. The file is decoded,
//! parsed once with ruff's error-recovering parser, and walked once; the
//! syntax tree is dropped before returning.

mod comments;
mod decode;
mod extract;
mod locate;
#[cfg(test)]
mod tests;

use ruff_python_ast::Mod;
use ruff_python_parser::{Mode, ParseOptions, parse_unchecked};

use crate::facts::{FileFacts, SyntaxError};
use locate::Locator;

/// Extracts the facts of one Python file. Never fails: a file that is not
/// UTF-8 yields a single syntax error and nothing else, and a file that does
/// not parse yields its parse errors plus whatever the parser recovered.
pub fn parse_file(bytes: &[u8]) -> FileFacts {
    let text = match decode::decode(bytes) {
        Ok(text) => text,
        Err(error) => {
            return FileFacts {
                syntax_errors: vec![error],
                ..FileFacts::default()
            };
        }
    };
    let parsed = parse_unchecked(text, ParseOptions::from(Mode::Module));
    let locator = Locator::new(text);
    let mut facts = FileFacts {
        header: comments::header(text),
        line_count: decode::line_count(text),
        ignores: comments::ignores(parsed.tokens(), text, &locator),
        // Version-dependent `unsupported_syntax_errors` are left out: whether
        // `match` or `except*` is allowed depends on the project's target
        // Python, which gate does not know.
        syntax_errors: parsed
            .errors()
            .iter()
            .map(|error| SyntaxError {
                // The error type alone: its `Display` on `ParseError` appends
                // a byte range, which the span already gives.
                message: error.error.to_string(),
                span: locator.span(error.location),
            })
            .collect(),
        ..FileFacts::default()
    };
    if let Mod::Module(module) = parsed.syntax() {
        extract::extract(&module.body, text, &locator, &mut facts);
    }
    facts.shrink_to_fit();
    facts
}
