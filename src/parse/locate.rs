//! Byte offsets to 1-based line and code-point column.

use ruff_source_file::{LineIndex, PositionEncoding};
use ruff_text_size::{TextRange, TextSize};

use crate::span::{Position, Span};

/// Built once per file; every span of its facts goes through it.
pub struct Locator<'src> {
    text: &'src str,
    index: LineIndex,
}

impl<'src> Locator<'src> {
    pub fn new(text: &'src str) -> Self {
        Locator {
            text,
            index: LineIndex::from_source_text(text),
        }
    }

    pub fn span(&self, range: TextRange) -> Span {
        Span {
            start: self.position(range.start()),
            end: self.position(range.end()),
        }
    }

    fn position(&self, offset: TextSize) -> Position {
        // The BOM is stripped before parsing, so no first-line correction is
        // needed, and UTF-32 counts code points.
        let location = self
            .index
            .source_location(offset, self.text, PositionEncoding::Utf32);
        Position {
            line: location.line.get() as u32,
            column: location.character_offset.get() as u32,
        }
    }
}
