//! The GitHub Actions environment: repository, commits, pull request, and
//! the files a step writes its outputs and summary to.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// What the Actions runner tells a step, read once at the start of `gate ci`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GithubEnv {
    /// `GITHUB_ACTIONS=true`: running in a workflow.
    pub in_actions: bool,
    /// `GITHUB_EVENT_NAME` (`pull_request`, `push`, ...).
    pub event_name: Option<String>,
    /// `GITHUB_EVENT_PATH`: the webhook payload that started the run.
    pub event_path: Option<PathBuf>,
    /// `GITHUB_REPOSITORY`, `owner/name`.
    pub repository: Option<String>,
    /// `GITHUB_SHA`; on a pull request, the merge commit, not the head.
    pub sha: Option<String>,
    /// `GITHUB_SERVER_URL`, for links.
    pub server_url: String,
    /// `GITHUB_API_URL`, for the REST API (GitHub Enterprise: `https://HOST/api/v3`).
    pub api_url: String,
    /// `GITHUB_WORKSPACE`: the checkout, which code scanning's paths are relative to.
    pub workspace: Option<PathBuf>,
    /// `GITHUB_OUTPUT`: `name=value` lines become the step's outputs.
    pub output_file: Option<PathBuf>,
    /// `GITHUB_STEP_SUMMARY`: Markdown shown on the run's page.
    pub summary_file: Option<PathBuf>,
    /// `GITHUB_RUN_ID`, for the link to the run.
    pub run_id: Option<String>,
}

impl GithubEnv {
    /// Reads the environment through `var`, which returns a variable's
    /// value (empty values count as unset).
    pub fn read(var: impl Fn(&str) -> Option<String>) -> Self {
        let get = |name: &str| var(name).filter(|value| !value.is_empty());
        GithubEnv {
            in_actions: get("GITHUB_ACTIONS").as_deref() == Some("true"),
            event_name: get("GITHUB_EVENT_NAME"),
            event_path: get("GITHUB_EVENT_PATH").map(PathBuf::from),
            repository: get("GITHUB_REPOSITORY"),
            sha: get("GITHUB_SHA"),
            server_url: get("GITHUB_SERVER_URL").unwrap_or_else(|| "https://github.com".into()),
            api_url: get("GITHUB_API_URL").unwrap_or_else(|| "https://api.github.com".into()),
            workspace: get("GITHUB_WORKSPACE").map(PathBuf::from),
            output_file: get("GITHUB_OUTPUT").map(PathBuf::from),
            summary_file: get("GITHUB_STEP_SUMMARY").map(PathBuf::from),
            run_id: get("GITHUB_RUN_ID"),
        }
    }

    /// The process's own environment.
    pub fn from_process() -> Self {
        GithubEnv::read(|name| std::env::var(name).ok())
    }

    /// Whether the event is about a pull request, so there is one to comment on.
    pub fn is_pull_request_event(&self) -> bool {
        matches!(
            self.event_name.as_deref(),
            Some("pull_request" | "pull_request_target")
        )
    }

    /// The workflow run's page.
    pub fn run_url(&self) -> Option<String> {
        let repository = self.repository.as_ref()?;
        let run = self.run_id.as_ref()?;
        Some(format!(
            "{}/{repository}/actions/runs/{run}",
            self.server_url.trim_end_matches('/')
        ))
    }
}

/// The pull request a `pull_request` event is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PullRequest {
    pub number: u64,
    /// The head commit: links point here (`GITHUB_SHA` is the merge commit).
    pub head_sha: String,
    /// The base branch's commit, whose baseline this one is compared with.
    pub base_sha: String,
    /// From a fork: the workflow's token is read-only, so no comment.
    pub from_fork: bool,
}

#[derive(Deserialize)]
struct Event {
    pull_request: Option<EventPullRequest>,
}

#[derive(Deserialize)]
struct EventPullRequest {
    number: u64,
    head: EventRef,
    base: EventRef,
}

#[derive(Deserialize)]
struct EventRef {
    sha: String,
    repo: Option<EventRepo>,
}

#[derive(Deserialize)]
struct EventRepo {
    full_name: String,
}

/// Why the event payload could not be read; names the file.
#[derive(Debug, thiserror::Error)]
pub enum EventError {
    #[error("cannot read the event payload {}: {error}", .path.display())]
    Unreadable {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("the event payload {} is not a GitHub event: {error}", .path.display())]
    NotAnEvent {
        path: PathBuf,
        error: serde_json::Error,
    },
}

/// Reads the pull request from the event payload at `path`; `Ok(None)` for
/// an event without one (`push`).
pub fn read_pull_request(path: &Path) -> Result<Option<PullRequest>, EventError> {
    let text = std::fs::read_to_string(path).map_err(|error| EventError::Unreadable {
        path: path.to_path_buf(),
        error,
    })?;
    let event: Event = serde_json::from_str(&text).map_err(|error| EventError::NotAnEvent {
        path: path.to_path_buf(),
        error,
    })?;
    Ok(event.pull_request.map(|pull| {
        let repo = |side: &EventRef| side.repo.as_ref().map(|repo| repo.full_name.clone());
        PullRequest {
            number: pull.number,
            from_fork: repo(&pull.head) != repo(&pull.base),
            head_sha: pull.head.sha,
            base_sha: pull.base.sha,
        }
    }))
}

/// Appends step outputs to the `GITHUB_OUTPUT` file.
pub fn append_outputs(path: &Path, outputs: &[(&str, String)]) -> std::io::Result<()> {
    let mut text = String::new();
    for (name, value) in outputs {
        if value.contains('\n') {
            // A multi-line value needs a delimiter that it does not contain.
            let delimiter = (0..)
                .map(|n| format!("GATE_EOF_{n}"))
                .find(|delimiter| !value.contains(delimiter.as_str()))
                .expect("some delimiter is not in the value");
            text.push_str(&format!("{name}<<{delimiter}\n{value}\n{delimiter}\n"));
        } else {
            text.push_str(&format!("{name}={value}\n"));
        }
    }
    append(path, &text)
}

/// Appends `text` to a file the runner reads after the step (outputs,
/// summary), creating it if needed.
pub fn append(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?
        .write_all(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_takes_defaults_for_unset_and_empty_variables() {
        let env = GithubEnv::read(|name| match name {
            "GITHUB_ACTIONS" => Some("true".into()),
            "GITHUB_API_URL" => Some(String::new()),
            "GITHUB_REPOSITORY" => Some("acme/backend".into()),
            "GITHUB_RUN_ID" => Some("42".into()),
            _ => None,
        });
        assert!(env.in_actions);
        assert_eq!(env.api_url, "https://api.github.com");
        assert_eq!(
            env.run_url().as_deref(),
            Some("https://github.com/acme/backend/actions/runs/42")
        );
        assert!(!env.is_pull_request_event());
    }

    #[test]
    fn a_pull_request_payload_gives_number_head_base_and_fork() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("event.json");
        let event = |head_repo: &str| {
            format!(
                r#"{{"action":"opened","pull_request":{{"number":7,
                "head":{{"sha":"abc","repo":{{"full_name":"{head_repo}"}}}},
                "base":{{"sha":"def","repo":{{"full_name":"acme/backend"}}}}}}}}"#
            )
        };
        std::fs::write(&path, event("acme/backend")).unwrap();
        let pull = read_pull_request(&path).unwrap().unwrap();
        assert_eq!(
            pull,
            PullRequest {
                number: 7,
                head_sha: "abc".into(),
                base_sha: "def".into(),
                from_fork: false
            }
        );
        std::fs::write(&path, event("someone/backend")).unwrap();
        assert!(read_pull_request(&path).unwrap().unwrap().from_fork);
        std::fs::write(&path, r#"{"ref":"refs/heads/main"}"#).unwrap();
        assert_eq!(read_pull_request(&path).unwrap(), None);
        std::fs::write(&path, "{not json").unwrap();
        let error = read_pull_request(&path).unwrap_err().to_string();
        assert!(
            error.contains("event.json") && error.contains("not a GitHub event"),
            "{error}"
        );
    }

    #[test]
    fn outputs_are_appended_with_delimiters_for_multi_line_values() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("output");
        std::fs::write(&path, "earlier=1\n").unwrap();
        append_outputs(
            &path,
            &[("new", "3".into()), ("note", "a\nGATE_EOF_0".into())],
        )
        .unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "earlier=1\nnew=3\nnote<<GATE_EOF_1\na\nGATE_EOF_0\nGATE_EOF_1\n"
        );
    }
}
