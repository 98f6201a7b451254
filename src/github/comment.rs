//! The sticky pull-request comment. (Being written: issue 4.)

use std::fmt;

/// Where to comment, and with what credentials.
pub struct CommentTarget {
    /// `GITHUB_API_URL` (`https://api.github.com`, or `https://HOST/api/v3`).
    pub api_url: String,
    /// `owner/name`.
    pub repository: String,
    pub pull_request: u64,
    /// Never printed, logged or put in an error.
    pub token: String,
}

#[derive(Debug, PartialEq, Eq)]
pub enum CommentOutcome {
    Created { id: u64 },
    Updated { id: u64 },
}

/// Why the comment could not be posted; a warning, never a failure.
#[derive(Debug)]
pub struct CommentError {
    pub message: String,
}

impl fmt::Display for CommentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Updates gate's comment (found by `marker`) on the pull request, or
/// creates it; never posts a second one.
pub fn upsert(
    _target: &CommentTarget,
    _marker: &str,
    _body: &str,
) -> Result<CommentOutcome, CommentError> {
    Err(CommentError {
        message: "not built yet".to_string(),
    })
}
