//! Comments: the file's leading header block and `# gate: ignore[...]`
//! directives.

use ruff_python_ast::token::{TokenKind, Tokens};
use ruff_text_size::{Ranged, TextRange, TextSize};

use super::locate::Locator;
use crate::facts::{HeaderLine, IgnoreComment};

/// The comment lines before the first line of code, blank lines between them
/// allowed. Only the top of the file is read, so text scanning is safe here:
/// no string literal can start before the first code line.
pub fn header(text: &str) -> Vec<HeaderLine> {
    let mut header = Vec::new();
    for (index, line) in lines(text).enumerate() {
        let content = line.trim_start_matches(is_python_blank);
        if content.is_empty() {
            continue;
        }
        if !content.starts_with('#') {
            break;
        }
        header.push(HeaderLine {
            line: index as u32 + 1,
            text: line.to_string(),
        });
    }
    header
}

/// Lines without their terminators, splitting at `\r\n`, `\r` and `\n`.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let current = rest?;
        match current.find(['\n', '\r']) {
            Some(end) => {
                let terminator = if current[end..].starts_with("\r\n") {
                    2
                } else {
                    1
                };
                rest = Some(&current[end + terminator..]).filter(|r| !r.is_empty());
                Some(&current[..end])
            }
            None => {
                rest = None;
                Some(current)
            }
        }
    })
}

/// Whitespace that Python allows before a statement on its line.
fn is_python_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\x0c')
}

/// Every `gate: ignore` directive in the comment tokens, so a `#` inside a
/// string literal never counts.
pub fn ignores(tokens: &Tokens, text: &str, locator: &Locator) -> Vec<IgnoreComment> {
    let mut ignores = Vec::new();
    for token in tokens.iter().filter(|t| t.kind() == TokenKind::Comment) {
        let range = token.range();
        let comment = &text[range];
        let mut directives = directives(comment).peekable();
        if directives.peek().is_none() {
            continue;
        }
        let own_line = text[..range.start().to_usize()]
            .bytes()
            .rev()
            .take_while(|b| !matches!(b, b'\n' | b'\r'))
            .all(|b| matches!(b, b' ' | b'\t' | b'\x0c'));
        for (start, end, rules) in directives {
            let at = |offset: usize| range.start() + TextSize::new(offset as u32);
            ignores.push(IgnoreComment {
                rules,
                span: locator.span(TextRange::new(at(start), at(end))),
                own_line,
            });
        }
    }
    ignores
}

/// `(start, end, rules)` of each `# gate: ignore` / `# gate: ignore[a, b]` in
/// one comment, offsets relative to the comment. The directive may follow
/// other comment text (`# noqa  # gate: ignore[x]`) and tolerates whitespace
/// around its punctuation.
fn directives(comment: &str) -> impl Iterator<Item = (usize, usize, Vec<String>)> + '_ {
    let mut from = 0;
    std::iter::from_fn(move || {
        while let Some(found) = comment[from..].find('#') {
            let start = from + found;
            from = start + 1;
            if let Some((length, rules)) = directive(&comment[start..]) {
                from = start + length;
                return Some((start, start + length, rules));
            }
        }
        None
    })
}

/// Parses a directive at the start of `text` (which starts with `#`),
/// returning its length in bytes and its rule names.
fn directive(text: &str) -> Option<(usize, Vec<String>)> {
    let rest = text.strip_prefix('#')?.trim_start_matches(is_python_blank);
    let rest = rest
        .strip_prefix("gate")?
        .trim_start_matches(is_python_blank);
    let rest = rest.strip_prefix(':')?.trim_start_matches(is_python_blank);
    let rest = rest.strip_prefix("ignore")?;
    let bare_length = text.len() - rest.len();
    // `# gate: ignored` or `# gate: ignore-this` is other text, not a directive.
    if rest.starts_with(|c: char| c.is_alphanumeric() || c == '_' || c == '-') {
        return None;
    }
    let Some(inside) = rest.trim_start_matches(is_python_blank).strip_prefix('[') else {
        return Some((bare_length, Vec::new()));
    };
    let close = inside.find(']')?;
    let rules = inside[..close]
        .split(',')
        .map(str::trim)
        .filter(|rule| !rule.is_empty())
        .map(str::to_string)
        .collect();
    let length = text.len() - inside.len() + close + 1;
    Some((length, rules))
}
