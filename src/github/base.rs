//! The base branch's baseline, read with git or through the REST API, so
//! the pull-request comment can flag the entries a pull request adds to the
//! baseline.

use std::path::Path;
use std::process::{Command, Output};

use super::api::{self, Repository, RetryPolicy};
use crate::baseline::{self, Baseline};

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
) -> Result<Baseline, String> {
    if sha.is_empty() || !sha.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(format!("the base commit `{sha}` is not a commit hash"));
    }
    let name = format!("{path} at {sha}");
    let parse = |file: Option<Vec<u8>>| match file {
        Some(bytes) => baseline::parse(Path::new(&name), &bytes).map_err(|e| e.to_string()),
        None => Ok(Baseline::default()),
    };
    if has_commit(checkout, sha) {
        return show(checkout, sha, path).and_then(parse);
    }
    let api_error = match api.map(|repository| read_through_api(repository, sha, path)) {
        Some(Ok(file)) => return parse(file),
        Some(Err(error)) => format!("{error}; "),
        None => String::new(),
    };
    // The checkout action leaves the credentials for `origin` in place
    // unless told not to.
    let _ = git(
        checkout,
        &["fetch", "--quiet", "--no-tags", "--depth=1", "origin", sha],
    );
    if !has_commit(checkout, sha) {
        return Err(format!(
            "{api_error}the base commit {sha} is not in the checkout and could not be fetched; \
             use actions/checkout with `fetch-depth: 0`"
        ));
    }
    show(checkout, sha, path).and_then(parse)
}

fn read_through_api(
    repository: &Repository,
    sha: &str,
    path: &str,
) -> Result<Option<Vec<u8>>, String> {
    api::with_client(repository, RetryPolicy::default(), |client| async move {
        client.file_at(path, sha).await
    })
    .map_err(|error| error.to_string())
}

fn has_commit(checkout: &Path, sha: &str) -> bool {
    git(checkout, &["cat-file", "-e", &format!("{sha}^{{commit}}")])
        .is_ok_and(|output| output.status.success())
}

/// The file at `path` in commit `sha`, `None` when the commit has none.
fn show(checkout: &Path, sha: &str, path: &str) -> Result<Option<Vec<u8>>, String> {
    let output = git(checkout, &["show", &format!("{sha}:{path}")])
        .map_err(|error| format!("cannot run git: {error}"))?;
    if output.status.success() {
        return Ok(Some(output.stdout));
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    if stderr.contains("does not exist") || stderr.contains("exists on disk, but not in") {
        return Ok(None);
    }
    Err(format!("git show {sha}:{path} failed: {}", stderr.trim()))
}

fn git(repository: &Path, args: &[&str]) -> std::io::Result<Output> {
    Command::new("git")
        .arg("-C")
        .arg(repository)
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .output()
}

#[cfg(test)]
mod tests {
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
        assert!(unknown.contains("fetch-depth: 0"), "{unknown}");
        let not_a_hash = read_base_baseline(repo, "--upload-pack=x", "b", None).unwrap_err();
        assert!(not_a_hash.contains("not a commit hash"), "{not_a_hash}");
    }
}
