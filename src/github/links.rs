//! Where a file of the checkout is on GitHub, outside Actions too: from the
//! `origin` remote and the checked-out commit, so that a Markdown report
//! written by `gate check` links every new violation as `gate ci` does.

use std::path::Path;

use crate::report::BlobLinks;

/// The blob links of the checkout at `repository` when its `origin` is a
/// GitHub repository (`https://github.com/o/r(.git)` or
/// `git@github.com:o/r.git`) and `HEAD` names a commit; `None` otherwise.
pub fn from_checkout(repository: &Path) -> Option<BlobLinks> {
    let git = |args: &[&str]| {
        let output = crate::git::git(repository, args).ok()?;
        output
            .status
            .success()
            .then(|| String::from_utf8_lossy(&output.stdout).trim().to_string())
    };
    let remote = git(&["remote", "get-url", "origin"])?;
    let sha = git(&["rev-parse", "--verify", "HEAD"])?;
    let repository = github_repository(&remote)?;
    Some(BlobLinks {
        server_url: "https://github.com".to_string(),
        repository,
        sha,
    })
}

/// `owner/name` of a github.com remote URL.
fn github_repository(remote: &str) -> Option<String> {
    let path = remote
        .strip_prefix("https://github.com/")
        .or_else(|| remote.strip_prefix("git@github.com:"))
        .or_else(|| remote.strip_prefix("ssh://git@github.com/"))?;
    let path = path.trim_end_matches('/').trim_end_matches(".git");
    let (owner, name) = path.split_once('/')?;
    let plain = |part: &str| {
        !part.is_empty()
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    (plain(owner) && plain(name)).then(|| format!("{owner}/{name}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_remotes_name_their_repository_and_others_do_not() {
        for remote in [
            "https://github.com/acme/backend.git",
            "https://github.com/acme/backend",
            "git@github.com:acme/backend.git",
            "ssh://git@github.com/acme/backend.git",
        ] {
            assert_eq!(
                github_repository(remote).as_deref(),
                Some("acme/backend"),
                "{remote}"
            );
        }
        for remote in [
            "https://gitlab.com/acme/backend.git",
            "https://github.com/acme",
            "https://github.com/acme/back end",
            "https://github.com/acme/x)](https://evil",
        ] {
            assert_eq!(github_repository(remote), None, "{remote}");
        }
    }
}
