//! The base branch's baseline, read with git or through the REST API, so
//! the pull-request comment can flag the entries a pull request adds to the
//! baseline.

use std::path::Path;

use super::api::{self, ApiError, Repository, RetryPolicy};
use crate::baseline::{self, Baseline, BaselineError};
use crate::diagnostic::Diagnostic;
use crate::git::git;

/// A shallow checkout lacks the base commit; a full one has it.
const FETCH_DEPTH_HELP: &str = "use actions/checkout with `fetch-depth: 0`";

/// Why the base branch's baseline could not be read.
#[derive(Debug, thiserror::Error)]
pub enum BaseReadError {
    /// The event payload named something else (or something hostile).
    #[error("the base commit `{sha}` is not a commit hash")]
    NotACommit { sha: String },
    #[error(
        "{}the base commit {sha} is not in the checkout and could not be fetched; {FETCH_DEPTH_HELP}",
        .api.as_ref().map(|error| format!("{error}; ")).unwrap_or_default()
    )]
    Unreachable {
        sha: String,
        /// Why the REST API could not tell either, when it was asked.
        api: Option<ApiError>,
    },
    #[error("cannot run git: {0}")]
    Git(std::io::Error),
    #[error("git show {sha}:{path} failed: {stderr}")]
    GitShow {
        sha: String,
        path: String,
        stderr: String,
    },
    /// The base commit's baseline is broken.
    #[error(transparent)]
    Baseline(#[from] BaselineError),
}

impl BaseReadError {
    /// What to do about it, when there is something to say.
    pub fn help(&self) -> Option<String> {
        match self {
            BaseReadError::Unreachable { .. } => Some(FETCH_DEPTH_HELP.to_string()),
            BaseReadError::Baseline(error) => Diagnostic::from(error).help,
            BaseReadError::NotACommit { .. }
            | BaseReadError::Git(_)
            | BaseReadError::GitShow { .. } => None,
        }
    }
}

/// The baseline at `path` (relative to the repository, `/`-separated) as of
/// commit `sha`. A checkout made with `actions/checkout`'s default depth
/// lacks the base commit: the file is then read through the REST API when
/// `api` is given, else the commit is fetched from `origin`. No baseline at
/// that commit is an empty one: every entry of the pull request's is added.
pub fn read_base_baseline(
    checkout: &Path,
    sha: &str,
    path: &str,
    api: Option<&Repository>,
) -> Result<Baseline, BaseReadError> {
    if sha.is_empty() || !sha.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(BaseReadError::NotACommit {
            sha: sha.to_string(),
        });
    }
    let name = format!("{path} at {sha}");
    let parse = |file: Option<Vec<u8>>| match file {
        Some(bytes) => Ok(baseline::parse(Path::new(&name), &bytes)?),
        None => Ok(Baseline::default()),
    };
    if has_commit(checkout, sha) {
        return show(checkout, sha, path).and_then(parse);
    }
    let api_error = match api.map(|repository| read_through_api(repository, sha, path)) {
        Some(Ok(file)) => return parse(file),
        Some(Err(error)) => Some(error),
        None => None,
    };
    // The checkout action leaves the credentials for `origin` in place
    // unless told not to.
    let _ = git(
        checkout,
        &["fetch", "--quiet", "--no-tags", "--depth=1", "origin", sha],
    );
    if !has_commit(checkout, sha) {
        return Err(BaseReadError::Unreachable {
            sha: sha.to_string(),
            api: api_error,
        });
    }
    show(checkout, sha, path).and_then(parse)
}

fn read_through_api(
    repository: &Repository,
    sha: &str,
    path: &str,
) -> Result<Option<Vec<u8>>, ApiError> {
    api::with_client(repository, RetryPolicy::default(), |client| async move {
        client.file_at(path, sha).await
    })
}

fn has_commit(checkout: &Path, sha: &str) -> bool {
    git(checkout, &["cat-file", "-e", &format!("{sha}^{{commit}}")])
        .is_ok_and(|output| output.status.success())
}

/// The file at `path` in commit `sha`, `None` when the commit has none.
fn show(checkout: &Path, sha: &str, path: &str) -> Result<Option<Vec<u8>>, BaseReadError> {
    let output = git(checkout, &["show", &format!("{sha}:{path}")]).map_err(BaseReadError::Git)?;
    if output.status.success() {
        return Ok(Some(output.stdout));
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    if stderr.contains("does not exist") || stderr.contains("exists on disk, but not in") {
        return Ok(None);
    }
    Err(BaseReadError::GitShow {
        sha: sha.to_string(),
        path: path.to_string(),
        stderr: stderr.trim().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use std::process::Command;

    use super::*;

    fn run(dir: &Path, args: &[&str]) {
        let status = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    }

    fn head(dir: &Path) -> String {
        let output = git(dir, &["rev-parse", "HEAD"]).unwrap();
        String::from_utf8(output.stdout).unwrap().trim().to_string()
    }

    #[test]
    fn reads_the_baseline_of_a_commit_and_treats_a_missing_one_as_empty() {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path();
        run(repo, &["init", "-q"]);
        std::fs::write(repo.join("x.txt"), "x").unwrap();
        run(repo, &["add", "."]);
        run(repo, &["commit", "-qm", "no baseline yet"]);
        let before = head(repo);
        std::fs::create_dir(repo.join("sub")).unwrap();
        std::fs::write(
            repo.join("sub/baseline.json"),
            r#"{"version": 1, "entries": [{"rule": "r", "path": "a.py", "scope": "<module>", "subject": "s", "count": 2, "message": "m"}]}"#,
        )
        .unwrap();
        run(repo, &["add", "."]);
        run(repo, &["commit", "-qm", "baseline"]);
        let after = head(repo);

        let read = read_base_baseline(repo, &after, "sub/baseline.json", None).unwrap();
        assert_eq!(read.entries.len(), 1);
        assert_eq!(read.entries[0].count, 2);
        let empty = read_base_baseline(repo, &before, "sub/baseline.json", None).unwrap();
        assert!(empty.entries.is_empty());
        let unknown =
            read_base_baseline(repo, &"0".repeat(40), "sub/baseline.json", None).unwrap_err();
        assert!(unknown.to_string().contains("fetch-depth: 0"), "{unknown}");
        let not_a_hash = read_base_baseline(repo, "--upload-pack=x", "b", None).unwrap_err();
        assert!(
            not_a_hash.to_string().contains("not a commit hash"),
            "{not_a_hash}"
        );
    }
}
