//! Bytes to text as CPython reads a source file: the UTF-8 BOM, the PEP 263
//! coding declaration (`# -*- coding: latin-1 -*-` on line 1 or 2), strict
//! decoding, and line counting.

use std::borrow::Cow;

use crate::facts::SyntaxError;
use crate::span::Span;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The source text without its BOM, decoded as its coding declaration says
/// (UTF-8 without one), or the error that stops the file from being
/// analysed at all.
pub fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, SyntaxError> {
    let has_bom = bytes.starts_with(BOM);
    let body = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let skipped = bytes.len() - body.len();
    let declared = coding_declaration(body);
    let Some((name, line)) = declared else {
        return utf8(body, skipped, "UTF-8");
    };
    let error_at = |message: String| SyntaxError {
        message,
        span: Span::line_start(line),
    };
    match codec(&name) {
        Some(Codec::Utf8) => utf8(body, skipped, "UTF-8"),
        _ if has_bom => Err(error_at(format!(
            "encoding problem: the file starts with a UTF-8 BOM but declares `{name}`"
        ))),
        Some(Codec::Latin1) => Ok(Cow::Owned(body.iter().map(|&b| char::from(b)).collect())),
        Some(Codec::Ascii) => match body.iter().position(|b| !b.is_ascii()) {
            Some(at) => Err(undecodable(body, at, skipped, &name)),
            None => Ok(Cow::Borrowed(
                std::str::from_utf8(body).expect("ASCII is UTF-8"),
            )),
        },
        Some(Codec::Other(encoding)) => {
            let mut decoder = encoding.new_decoder_without_bom_handling();
            let capacity = decoder
                .max_utf8_buffer_length_without_replacement(body.len())
                .unwrap_or(body.len().saturating_mul(3));
            let mut text = String::with_capacity(capacity);
            let (result, read) =
                decoder.decode_to_string_without_replacement(body, &mut text, true);
            match result {
                encoding_rs::DecoderResult::InputEmpty => Ok(Cow::Owned(text)),
                encoding_rs::DecoderResult::Malformed(length, after) => {
                    let at = read - usize::from(length) - usize::from(after);
                    Err(undecodable(body, at, skipped, &name))
                }
                encoding_rs::DecoderResult::OutputFull => {
                    unreachable!("the buffer holds the worst case")
                }
            }
        }
        None => Err(error_at(format!(
            "unknown encoding `{name}` in the coding declaration"
        ))),
    }
}

fn utf8<'a>(body: &'a [u8], skipped: usize, name: &str) -> Result<Cow<'a, str>, SyntaxError> {
    std::str::from_utf8(body)
        .map(Cow::Borrowed)
        .map_err(|error| undecodable(body, error.valid_up_to(), skipped, name))
}

/// The error for the byte at `at` of `body`, which `skipped` bytes (a BOM)
/// preceded in the file.
fn undecodable(body: &[u8], at: usize, skipped: usize, name: &str) -> SyntaxError {
    let name = if name == "UTF-8" {
        name.to_string()
    } else {
        format!("`{name}` (its coding declaration)")
    };
    SyntaxError {
        message: format!(
            "file is not valid {name}: invalid byte 0x{:02x} at byte offset {}",
            body[at],
            at + skipped
        ),
        span: Span::line_start(count_line_breaks(&body[..at]) + 1),
    }
}

/// How a declared encoding is decoded.
enum Codec {
    Utf8,
    Latin1,
    Ascii,
    Other(&'static encoding_rs::Encoding),
}

/// The codec for a declared name, as CPython's `get_normal_name` and codec
/// lookup see it (case, `-` and `_` do not matter). Latin-1 and ASCII are
/// decoded here: WHATWG's labels, which encoding_rs follows, make both
/// windows-1252. `None` for a name CPython would not know either.
fn codec(name: &str) -> Option<Codec> {
    let normal = name.to_ascii_lowercase().replace('_', "-");
    let is = |names: &[&str]| {
        names
            .iter()
            .any(|n| normal == *n || normal.starts_with(&format!("{n}-")))
    };
    if is(&["utf-8", "utf8", "u8", "utf", "cp65001"]) {
        return Some(Codec::Utf8);
    }
    if is(&[
        "latin-1",
        "latin1",
        "iso-8859-1",
        "iso8859-1",
        "iso-latin-1",
        "l1",
        "8859",
        "cp819",
    ]) {
        return Some(Codec::Latin1);
    }
    if matches!(
        normal.as_str(),
        "ascii" | "us-ascii" | "646" | "us" | "ansi-x3.4-1968" | "iso646-us"
    ) {
        return Some(Codec::Ascii);
    }
    let encoding = encoding_rs::Encoding::for_label_no_replacement(normal.as_bytes())?;
    // A source file's declaration line is ASCII: UTF-16 cannot declare itself.
    (encoding.is_ascii_compatible() && encoding != encoding_rs::UTF_8)
        .then_some(Codec::Other(encoding))
}

/// The encoding a PEP 263 declaration names, and its line: a comment on
/// line 1, or on line 2 when line 1 is blank or a comment (as CPython's
/// tokenizer reads it), matching `coding[:=]\s*([-\w.]+)`.
fn coding_declaration(body: &[u8]) -> Option<(String, u32)> {
    let mut lines = body.split_inclusive(|&b| b == b'\n');
    for line_number in 1..=2 {
        let line = lines.next()?;
        let trimmed = line.trim_ascii_start();
        if !trimmed.starts_with(b"#") {
            // Code on line 1 ends the search; a blank line does not.
            if trimmed.is_empty() || line_number == 2 {
                continue;
            }
            return None;
        }
        if let Some(name) = declared_name(trimmed) {
            return Some((name, line_number));
        }
    }
    None
}

/// `[-\w.]+` after the first `coding:` or `coding=` of a comment line.
fn declared_name(comment: &[u8]) -> Option<String> {
    let mut rest = comment;
    while let Some(at) = rest.windows(6).position(|w| w == b"coding") {
        rest = &rest[at + 6..];
        if let Some(after) = rest.strip_prefix(b":").or_else(|| rest.strip_prefix(b"=")) {
            let after = after.trim_ascii_start();
            let name: Vec<u8> = after
                .iter()
                .copied()
                .take_while(|&b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
                .collect();
            if !name.is_empty() {
                return Some(String::from_utf8(name).expect("ASCII"));
            }
        }
    }
    None
}

/// Lines as an editor shows them: a final line break does not start a line.
pub fn line_count(text: &str) -> u32 {
    let breaks = count_line_breaks(text.as_bytes());
    if text.is_empty() || text.ends_with(['\n', '\r']) {
        breaks
    } else {
        breaks + 1
    }
}

/// `\r\n`, a lone `\r` and `\n` each end one line, as in Python's tokenizer.
fn count_line_breaks(bytes: &[u8]) -> u32 {
    let mut breaks = 0;
    let mut previous = 0u8;
    for &byte in bytes {
        if byte == b'\r' || (byte == b'\n' && previous != b'\r') {
            breaks += 1;
        }
        previous = byte;
    }
    breaks
}
