//! Publishes a run's outcome where a pull request's reviewers read it:
//! annotations, the job summary, the sticky pull-request comment (flagging
//! what the pull request adds to the baseline), and the step outputs.
//!
//! Only the violations decide the exit code: a comment GitHub refuses, a
//! summary that cannot be written or a base branch that cannot be read is a
//! warning on the run's page.

use std::path::Path;
use std::time::Duration;

use super::api::{Deadline, Repository, RetryPolicy};
use super::base;
use super::comment::{self, CommentOutcome};
use super::env::{self, GithubEnv, PullRequest};
use crate::baseline::BaselineEntry;
use crate::diagnostic::Diagnostic;
use crate::output;
use crate::report::{
    self, BlobLinks, GithubReportOptions, MarkdownOptions, RepoPaths, SizeLimit, Summary,
};
use crate::run::Outcome;

/// What `gate ci` does on GitHub beyond the reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublishOptions {
    /// Post or update the pull-request comment.
    pub comment: bool,
    /// The environment variable holding the GitHub token.
    pub token_variable: String,
    /// How long all of the run's GitHub requests may take together.
    pub github_timeout: Duration,
}

/// Why there is no API access: no repository, or no token.
#[derive(Debug, thiserror::Error)]
pub enum NoApiAccess {
    #[error("GITHUB_REPOSITORY is not set")]
    NoRepository,
    #[error("{variable} is not set; {}", token_help(.variable))]
    NoToken { variable: String },
    /// Never holds the value: it is a secret, however broken.
    #[error(
        "{variable} holds characters a token cannot have (a line break or a control \
         character inside it); check the secret it is set from"
    )]
    InvalidToken { variable: String },
}

impl NoApiAccess {
    /// What to do about it, when the workflow can do something.
    pub fn help(&self) -> Option<String> {
        match self {
            NoApiAccess::NoRepository | NoApiAccess::InvalidToken { .. } => None,
            NoApiAccess::NoToken { variable } => Some(token_help(variable)),
        }
    }
}

fn token_help(variable: &str) -> String {
    format!("pass the token with `env: {variable}: ${{{{ github.token }}}}`")
}

/// Annotates, summarises (followed by `map`, the Markdown architecture map,
/// when given), comments and sets the step outputs, in GitHub Actions.
/// Fails only when standard output cannot be written.
pub fn publish(
    outcome: &Outcome,
    github: &GithubEnv,
    paths: &RepoPaths,
    sarif_path: &Path,
    report_options: &GithubReportOptions,
    options: &PublishOptions,
    map: Option<&str>,
) -> Result<(), Diagnostic> {
    let log = Log { github };
    output::print_workflow_commands(&report::render_annotations(&outcome.diff, paths))?;
    let pull_request = pull_request(github, &log);
    let deadline = Deadline::after(options.github_timeout);
    let api = api_repository(&options.token_variable, github, deadline);
    let baseline_added = pull_request
        .as_ref()
        .and_then(|pull| added_to_baseline(outcome, paths, pull, api.as_ref().ok(), &log));
    let links = blob_links(github, pull_request.as_ref());
    let run_url = github.run_url();
    let markdown = |limit| {
        report::render_markdown(
            &outcome.diff,
            &MarkdownOptions {
                files: outcome.files,
                category: &report_options.category,
                paths,
                links: links.as_ref(),
                baseline_file: &outcome.baseline_name(),
                baseline_added: baseline_added.as_deref(),
                run_url: run_url.as_deref(),
                limit,
            },
        )
    };

    // The map is cut to a few hundred rows and its diagram to what GitHub
    // draws (`crate::map`): it fits beside the report in the summary.
    let summary =
        markdown(SizeLimit::SUMMARY) + &map.map(|map| format!("\n{map}")).unwrap_or_default();
    append_summary(github, &summary, &log);
    if let Some(pull) = pull_request.as_ref().filter(|_| options.comment) {
        let body = markdown(SizeLimit::COMMENT);
        post_comment(&report_options.category, pull, api.as_ref(), &body, &log);
    }
    let summary = Summary::new(&outcome.diff, outcome.files);
    write_outputs(github, &summary, sarif_path, &log);
    Ok(())
}

fn append_summary(github: &GithubEnv, markdown: &str, log: &Log<'_>) {
    let Some(path) = &github.summary_file else {
        log.notice("GITHUB_STEP_SUMMARY is not set: no job summary");
        return;
    };
    if let Err(error) = env::append(path, markdown) {
        log.warning(&format!(
            "cannot append the job summary to {}: {error}",
            path.display()
        ));
    }
}

/// `new`, `known`, `fixed` and `sarif` (absolute) for the steps after this one.
fn write_outputs(github: &GithubEnv, summary: &Summary, sarif_path: &Path, log: &Log<'_>) {
    let Some(path) = &github.output_file else {
        log.notice("GITHUB_OUTPUT is not set: no step outputs");
        return;
    };
    let outputs = [
        ("new", summary.new.to_string()),
        ("known", summary.known.to_string()),
        ("fixed", summary.fixed.to_string()),
        ("sarif", sarif_path.display().to_string()),
    ];
    if let Err(error) = env::append_outputs(path, &outputs) {
        log.warning(&format!(
            "cannot write the step outputs to {}: {error}",
            path.display()
        ));
    }
}

/// The pull request of a `pull_request` event, read from the payload.
fn pull_request(github: &GithubEnv, log: &Log<'_>) -> Option<PullRequest> {
    if !github.is_pull_request_event() {
        return None;
    }
    let Some(path) = &github.event_path else {
        log.warning("GITHUB_EVENT_PATH is not set: no pull-request comment");
        return None;
    };
    match env::read_pull_request(path) {
        Ok(pull) => pull,
        Err(error) => {
            log.warning(&format!("{error}; no pull-request comment"));
            None
        }
    }
}

/// The entries the pull request adds to the baseline, compared with the
/// base commit's; `None` when that cannot be told.
fn added_to_baseline(
    outcome: &Outcome,
    paths: &RepoPaths,
    pull: &PullRequest,
    api: Option<&Repository>,
    log: &Log<'_>,
) -> Option<Vec<BaselineEntry>> {
    let baseline_path = outcome.baseline_path.as_ref()?;
    let head = outcome.baseline.as_ref()?;
    let repository = paths.root();
    let relative = std::fs::canonicalize(baseline_path)
        .ok()?
        .strip_prefix(repository)
        .ok()?
        .components()
        .map(|part| part.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    match base::read_base_baseline(repository, &pull.base_sha, &relative, api) {
        Ok(base) => Some(crate::baseline::growth(&base, head)),
        Err(error) => {
            log.warning(&format!(
                "cannot tell what this pull request adds to the baseline: {error}"
            ));
            None
        }
    }
}

fn blob_links(github: &GithubEnv, pull: Option<&PullRequest>) -> Option<BlobLinks> {
    let sha = match pull {
        Some(pull) => pull.head_sha.clone(),
        None => github.sha.clone()?,
    };
    Some(BlobLinks {
        server_url: github.server_url.clone(),
        repository: github.repository.clone()?,
        sha,
    })
}

/// The repository's API with the token from `token_variable`, trimmed of
/// the whitespace a pasted secret often ends with.
fn api_repository(
    token_variable: &str,
    github: &GithubEnv,
    deadline: Deadline,
) -> Result<Repository, NoApiAccess> {
    let name = github.repository.clone().ok_or(NoApiAccess::NoRepository)?;
    let raw = std::env::var(token_variable).unwrap_or_default();
    let token = raw.trim().to_string();
    let variable = || token_variable.to_string();
    if token.is_empty() {
        return Err(NoApiAccess::NoToken {
            variable: variable(),
        });
    }
    // octocrab builds the `Authorization` header with `unwrap`: a token that
    // is no header value would panic there.
    if http::HeaderValue::from_str(&format!("Bearer {token}")).is_err() {
        return Err(NoApiAccess::InvalidToken {
            variable: variable(),
        });
    }
    Ok(Repository {
        api_url: github.api_url.clone(),
        name,
        token,
        deadline,
    })
}

fn post_comment(
    category: &str,
    pull: &PullRequest,
    api: Result<&Repository, &NoApiAccess>,
    body: &str,
    log: &Log<'_>,
) {
    if pull.from_fork {
        log.notice(
            "a pull request from a fork gets a read-only token: no pull-request comment \
             (the annotations and the job summary have the report)",
        );
        return;
    }
    let repository = match api {
        Ok(repository) => repository,
        Err(why) => {
            log.warning(&format!("no pull-request comment: {why}"));
            return;
        }
    };
    let marker = report::comment_marker(category);
    let number = pull.number;
    match comment::upsert(repository, number, &marker, body, RetryPolicy::default()) {
        Ok(CommentOutcome::Created { id }) => {
            crate::eprintln_inert!("gate: commented on pull request #{number} (comment {id})");
        }
        Ok(CommentOutcome::Updated { id }) => {
            crate::eprintln_inert!(
                "gate: updated its comment on pull request #{number} (comment {id})"
            );
        }
        Ok(CommentOutcome::Unchanged { id }) => {
            crate::eprintln_inert!(
                "gate: its comment on pull request #{number} is up to date (comment {id})"
            );
        }
        Err(error) => log.warning(&format!("no pull-request comment: {error}")),
    }
}

/// Messages about what `gate ci` could not do, as workflow commands so
/// they show on the run's page.
pub struct Log<'a> {
    pub github: &'a GithubEnv,
}

impl Log<'_> {
    pub fn warning(&self, message: &str) {
        self.emit("warning", message);
    }

    pub fn notice(&self, message: &str) {
        self.emit("notice", message);
    }

    fn emit(&self, level: &str, message: &str) {
        if self.github.in_actions {
            let _ = output::print_workflow_commands(&report::workflow_command(level, message));
        } else {
            crate::eprintln_inert!("{level}: {message}");
        }
    }
}
