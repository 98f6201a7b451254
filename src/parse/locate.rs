//! Byte offsets to 1-based line and code-point column.

use std::cell::{Cell, OnceCell};

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
    /// The zero-based line of the last position asked for: facts are
    /// recorded in source order, so the next one is nearly always on that
    /// line or the next, found without a binary search.
    last_line: Cell<usize>,
}

impl<'src> Locator<'src> {
    pub fn new(text: &'src str) -> Self {
        Locator {
            bytes: text.as_bytes(),
            index: LineIndex::from_source_text(text),
            code_points_before_block: OnceCell::new(),
            last_line: Cell::new(0),
        }
    }

    pub fn span(&self, range: TextRange) -> Span {
        Span {
            start: self.position(range.start()),
            end: self.position(range.end()),
        }
    }

    fn position(&self, offset: TextSize) -> Position {
        let line = self.line_of(offset);
        let line_start = self.index.line_starts()[line].to_usize();
        let offset = offset.to_usize();
        let column = if offset - line_start <= DIRECT {
            count_code_points(&self.bytes[line_start..offset])
        } else {
            self.code_points_before(offset) - self.code_points_before(line_start)
        };
        Position {
            line: line as u32 + 1,
            column: column + 1,
        }
    }

    /// The zero-based line of `offset`: the last line asked for or the
    /// next when it is there, else by binary search.
    fn line_of(&self, offset: TextSize) -> usize {
        let starts = self.index.line_starts();
        let holds = |line: usize| {
            starts.get(line).is_some_and(|&start| start <= offset)
                && starts.get(line + 1).is_none_or(|&next| offset < next)
        };
        let last = self.last_line.get();
        let line = if holds(last) {
            last
        } else if holds(last + 1) {
            last + 1
        } else {
            self.index.line_index(offset).to_zero_indexed()
        };
        self.last_line.set(line);
        line
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_found_from_the_last_one_are_those_of_a_binary_search() {
        let text = "a = 1\n\nclass C:\n    def f(self):\r\n        return 'é'\rx\n\n\n";
        let locator = Locator::new(text);
        let index = LineIndex::from_source_text(text);
        // In order, backwards, and jumping about.
        let forward: Vec<usize> = (0..=text.len()).collect();
        let backward: Vec<usize> = forward.iter().rev().copied().collect();
        let jumps: Vec<usize> = (0..=text.len())
            .map(|i| (i * 7) % (text.len() + 1))
            .collect();
        for offset in forward.into_iter().chain(backward).chain(jumps) {
            if !text.is_char_boundary(offset) {
                continue;
            }
            let offset = TextSize::try_from(offset).unwrap();
            assert_eq!(
                locator.line_of(offset),
                index.line_index(offset).to_zero_indexed(),
                "{offset:?}"
            );
        }
    }
}
