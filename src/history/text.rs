//! The history as a terminal table: one row per commit, oldest first (the
//! newest is the last line, the one left in view), the total, its change
//! since the row above, and a column per rule. The subject comes last, so
//! that however long or odd it is, the columns stay aligned.

use std::fmt::Write;

use super::History;
use crate::output::visible;

pub fn render(history: &History) -> String {
    let path = visible(&history.path);
    if history.points.is_empty() {
        return format!("no commit to show for {path}\n");
    }
    let rules = history.rules();
    let headers: Vec<String> = ["total", "change"]
        .into_iter()
        .map(str::to_string)
        .chain(rules.iter().map(|rule| visible(rule).into_owned()))
        .collect();
    let mut rows: Vec<Vec<String>> = Vec::new();
    // The first row has nothing above it: with --max-count or --since it
    // is not the baseline's first version either.
    let mut previous = None;
    for point in &history.points {
        let total = point.total();
        let change = previous.map(|previous| change(previous, total));
        let mut row = vec![total.to_string(), change.unwrap_or_default()];
        row.extend(
            rules
                .iter()
                .map(|rule| point.per_rule.get(*rule).copied().unwrap_or(0).to_string()),
        );
        rows.push(row);
        previous = Some(total);
    }
    let widths: Vec<usize> = headers
        .iter()
        .enumerate()
        .map(|(column, header)| {
            rows.iter()
                .map(|row| row[column].len())
                .chain([header.chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    let _ = write!(out, "{:<10}  {:<7}", "date", "commit");
    for (header, width) in headers.iter().zip(&widths) {
        let _ = write!(out, "  {header:>width$}");
    }
    out.push_str("  subject\n");
    for (point, row) in history.points.iter().zip(&rows) {
        let _ = write!(
            out,
            "{:<10}  {:<7}",
            visible(point.commit.day()),
            point.commit.short_sha()
        );
        for (cell, width) in row.iter().zip(&widths) {
            let _ = write!(out, "  {cell:>width$}");
        }
        let _ = write!(out, "  {}", visible(&point.commit.subject));
        if point.deleted {
            out.push_str(&format!(" [{path} deleted]"));
        }
        out.push('\n');
    }
    out
}

/// `+3`, `-2`, or `0`.
fn change(previous: u64, total: u64) -> String {
    match total.cmp(&previous) {
        std::cmp::Ordering::Greater => format!("+{}", total - previous),
        std::cmp::Ordering::Less => format!("-{}", previous - total),
        std::cmp::Ordering::Equal => "0".to_string(),
    }
}
