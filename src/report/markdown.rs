//! The Markdown report: the pull-request comment and the job summary.
//! (Being written: issue 4.)

use crate::baseline::{BaselineEntry, Diff};

/// Where the violations' files can be linked to: `{server}/{repository}/blob/{sha}/{path}#L{line}`.
pub struct BlobLinks {
    pub server_url: String,
    /// `owner/name`.
    pub repository: String,
    /// The pull request's head commit (on a PR, `GITHUB_SHA` is the merge commit).
    pub sha: String,
}

pub struct MarkdownOptions<'a> {
    /// Python files analysed.
    pub files: usize,
    /// The category (config) the report is for; names the hidden marker.
    pub category: &'a str,
    pub links: Option<&'a BlobLinks>,
    /// Entries this pull request added to the baseline (compared with the
    /// base branch's), flagged for the reviewer.
    pub baseline_added: &'a [BaselineEntry],
}

/// The hidden marker that identifies gate's own comment for `category`.
pub fn comment_marker(category: &str) -> String {
    format!("<!-- gate:{category} -->")
}

pub fn render_markdown(_diff: &Diff, _options: &MarkdownOptions<'_>) -> String {
    String::new()
}
