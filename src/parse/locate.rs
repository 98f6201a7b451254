//! Byte offsets to 1-based line and code-point column.

use std::cell::OnceCell;

use ruff_source_file::LineIndex;
use ruff_text_size::{TextRange, TextSize};

use crate::span::{Position, Span};

/// Bytes per checkpoint of the code-point count.
const BLOCK: usize = 64;

/// Columns up to this many bytes into a line are counted directly; past
/// it, through the checkpoints below.
const DIRECT: usize = 4 * BLOCK;

/// Built once per file; every span of its facts goes through it. The BOM is
/// stripped before parsing, so no first-line correction is needed.
pub struct Locator<'src> {
    bytes: &'src [u8],
    index: LineIndex,
    /// The number of code points before each `BLOCK` boundary, so that a
    /// column costs at most one block of counting even on a megabyte-long
    /// line (generated modules have them). Built on the first column that
    /// far into a line: most files never need it.
    code_points_before_block: OnceCell<Vec<u32>>,
}

impl<'src> Locator<'src> {
    pub fn new(text: &'src str) -> Self {
        Locator {
            bytes: text.as_bytes(),
            index: LineIndex::from_source_text(text),
            code_points_before_block: OnceCell::new(),
        }
    }

    pub fn span(&self, range: TextRange) -> Span {
        Span {
            start: self.position(range.start()),
            end: self.position(range.end()),
        }
    }

    fn position(&self, offset: TextSize) -> Position {
        let line = self.index.line_index(offset);
        let line_start = self.index.line_starts()[line.to_zero_indexed()].to_usize();
        let offset = offset.to_usize();
        let column = if offset - line_start <= DIRECT {
            count_code_points(&self.bytes[line_start..offset])
        } else {
            self.code_points_before(offset) - self.code_points_before(line_start)
        };
        Position {
            line: line.get() as u32,
            column: column + 1,
        }
    }

    fn code_points_before(&self, offset: usize) -> u32 {
        let checkpoints = self.code_points_before_block.get_or_init(|| {
            let mut before = 0;
            let mut checkpoints: Vec<u32> = self
                .bytes
                .chunks(BLOCK)
                .map(|block| {
                    let at_start = before;
                    before += count_code_points(block);
                    at_start
                })
                .collect();
            // The end of a text whose length is a multiple of `BLOCK` starts
            // a block of its own.
            checkpoints.push(before);
            checkpoints
        });
        let block = offset / BLOCK;
        checkpoints[block] + count_code_points(&self.bytes[block * BLOCK..offset])
    }
}

/// Code points in a byte slice of valid UTF-8, which may cut characters at
/// its ends: every byte that is not a continuation byte starts one.
fn count_code_points(bytes: &[u8]) -> u32 {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count() as u32
}
