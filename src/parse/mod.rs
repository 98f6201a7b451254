//! Stage 3: one file's bytes to its [`FileFacts`]. The file is decoded,
//! parsed once with ruff's error-recovering parser, and walked once; the
//! syntax tree is dropped before returning.

mod comments;
mod decode;
mod extract;
mod locate;
#[cfg(test)]
mod tests;

use ruff_python_ast::token::{TokenKind, Tokens};
use ruff_python_ast::{Mod, PythonVersion};
use ruff_python_parser::{Mode, ParseOptions, parse_unchecked};

use crate::facts::{FactSet, FileFacts, SyntaxError};
use locate::Locator;

/// The newest Python whose syntax the parser knows (including syntax still
/// in preview, such as PEP 810 `lazy import`): the target when the project
/// names none, so that nothing valid in some Python is an error.
pub const NEWEST_PYTHON: (u8, u8) = PythonVersion::PY315.as_tuple();

/// Parser errors kept per file; past this, one more finding says how many
/// were left out. A file of nothing but errors (a megabyte of `)`) would
/// otherwise become a million findings and gigabytes of report.
pub const MAX_SYNTAX_ERRORS: usize = 10;

/// The facts of a file over the `limit` in bytes that gate reads: one
/// syntax error on its first line. The message leaves the size out, so the
/// finding keeps its identity (and its baseline entry) when the file grows.
pub fn too_large(limit: u64) -> FileFacts {
    FileFacts {
        syntax_errors: vec![SyntaxError {
            message: format!(
                "file is larger than {} MiB, the most gate parses; add it to `exclude` if it \
                 is generated data",
                limit >> 20
            ),
            span: crate::span::Span::line_start(1),
        }],
        ..FileFacts::default()
    }
}

/// The text may hold a dynamic import (`importlib.import_module("…")`,
/// `__import__("…")`), the one import fact found in expressions.
fn may_import_dynamically(text: &str) -> bool {
    text.contains("import_module") || text.contains("__import__")
}

/// Some logical line has so many tokens that its expressions might nest
/// past [`extract::MAX_EXPRESSIONS`], which makes the file a syntax error
/// and its tree too deep to drop: then the walk must go through them. Each
/// level of nesting takes at least one token of its line (an operator, a
/// bracket, a keyword, a dot), and the parser's recovery adds at most a
/// missing name per construct; the margin covers it.
fn may_nest_too_deep(tokens: &Tokens) -> bool {
    const MARGIN: usize = 16;
    let mut on_line = 0;
    for token in tokens.iter() {
        if token.kind() == TokenKind::Newline {
            on_line = 0;
        } else {
            on_line += 1;
            if on_line + MARGIN >= extract::MAX_EXPRESSIONS {
                return true;
            }
        }
    }
    false
}

/// Extracts every fact of one Python file for the newest Python.
pub fn parse_file(bytes: &[u8]) -> FileFacts {
    parse_file_for(bytes, NEWEST_PYTHON, FactSet::ALL)
}

/// Extracts the `wanted` facts of one Python file (imports, syntax errors
/// and ignore comments always), as the Python `target` (major, minor) would
/// read it. Never fails: a file that is not UTF-8 yields a
/// single syntax error and nothing else, and a file that does not parse
/// yields its parse errors plus whatever the parser recovered. Syntax that
/// `target` cannot parse (`match` before 3.10, `except*` before 3.11, PEP 701
/// f-strings and PEP 695 type parameters before 3.12, ...) is a syntax error
/// naming the construct and the version that added it.
pub fn parse_file_for(bytes: &[u8], target: (u8, u8), wanted: FactSet) -> FileFacts {
    let decoded = match decode::decode(bytes) {
        Ok(text) => text,
        Err(error) => {
            return FileFacts {
                syntax_errors: vec![error],
                ..FileFacts::default()
            };
        }
    };
    let text: &str = &decoded;
    let options = ParseOptions::from(Mode::Module).with_target_version(PythonVersion::from(target));
    let parsed = parse_unchecked(text, options);
    let locator = Locator::new(text);
    let mut facts = FileFacts {
        header: if wanted.has(FactSet::HEADER) {
            comments::header(text)
        } else {
            Vec::new()
        },
        line_count: if wanted.has(FactSet::LINE_COUNT) {
            decode::line_count(text)
        } else {
            0
        },
        ignores: comments::ignores(parsed.tokens(), text, &locator),
        syntax_errors: parsed
            .errors()
            .iter()
            .take(MAX_SYNTAX_ERRORS)
            .map(|error| SyntaxError {
                // The error type alone: its `Display` on `ParseError` appends
                // a byte range, which the span already gives.
                message: error.error.to_string(),
                span: locator.span(error.location),
            })
            .chain(
                // "Cannot use `except*` on Python 3.10 (syntax was added in
                // Python 3.11)".
                parsed
                    .unsupported_syntax_errors()
                    .iter()
                    .take(MAX_SYNTAX_ERRORS)
                    .map(|error| SyntaxError {
                        message: error.to_string(),
                        span: locator.span(error.range),
                    }),
            )
            .collect(),
        ..FileFacts::default()
    };
    if let Some(first_left_out) = parsed.errors().get(MAX_SYNTAX_ERRORS) {
        facts.syntax_errors.push(SyntaxError {
            message: format!(
                "and {} more syntax errors in this file (the first {MAX_SYNTAX_ERRORS} are \
                 reported)",
                parsed.errors().len() - MAX_SYNTAX_ERRORS
            ),
            span: locator.span(first_left_out.location),
        });
    }
    let expressions = wanted.has_any(FactSet::FROM_EXPRESSIONS)
        || may_import_dynamically(text)
        || may_nest_too_deep(parsed.tokens());
    let walkable = match parsed.syntax() {
        Mod::Module(module) => extract::extract(
            &module.body,
            text,
            &locator,
            (wanted, expressions),
            &mut facts,
        ),
        Mod::Expression(_) => true,
    };
    if !walkable {
        // The tree's destructor recurses once per level (ruff's nodes have
        // no iterative `Drop`), so a tree too deep to walk may be too deep
        // to drop on any fixed stack: it is leaked instead. It is a few
        // times the size of the file, once per such file (which CPython
        // rejects too), and the process ends with the run.
        std::mem::forget(parsed);
    }
    facts.shrink_to_fit();
    facts
}
