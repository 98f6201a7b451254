//! Bytes to text: the UTF-8 BOM, invalid UTF-8, and line counting.

use crate::facts::SyntaxError;
use crate::span::Span;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The source text without its BOM, or the error that stops the file from
/// being analysed at all.
pub fn decode(bytes: &[u8]) -> Result<&str, SyntaxError> {
    let body = bytes.strip_prefix(BOM).unwrap_or(bytes);
    std::str::from_utf8(body).map_err(|error| {
        let valid = error.valid_up_to();
        let offset = valid + (bytes.len() - body.len());
        SyntaxError {
            message: format!(
                "file is not valid UTF-8: invalid byte 0x{:02x} at byte offset {offset}",
                body[valid]
            ),
            span: Span::line_start(count_line_breaks(&body[..valid]) + 1),
        }
    })
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
