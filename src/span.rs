//! Source positions shared by every stage.

use serde::{Deserialize, Serialize};

/// A 1-based line and column. Columns count Unicode code points, like ruff's
/// text output, so a tab or a multi-byte character is one column.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Position {
    pub line: u32,
    pub column: u32,
}

/// A range in a source file, start inclusive, end exclusive.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Span {
    pub start: Position,
    pub end: Position,
}

impl Span {
    /// The span of a whole line's start, used for findings about a file as a
    /// whole (a missing header, a file that is not UTF-8).
    pub fn line_start(line: u32) -> Self {
        let at = Position { line, column: 1 };
        Span { start: at, end: at }
    }

    /// The end column (exclusive) for a viewer that highlights the range:
    /// an empty span, a finding about a whole file or line, covers its
    /// first character instead of nothing.
    pub fn visible_end_column(&self) -> u32 {
        if self.end.line == self.start.line && self.end.column <= self.start.column {
            self.start.column + 1
        } else {
            self.end.column
        }
    }
}
