//! `gate ci`: one run in GitHub Actions that checks, writes the SARIF for
//! code scanning, annotates the new violations, appends the job summary,
//! keeps the pull-request comment up to date and sets the step outputs.
//!
//! Only the violations decide the exit code: a comment GitHub refuses, a
//! summary that cannot be written or a base branch that cannot be read is a
//! warning.

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::baseline::BaselineEntry;
use crate::cli::CiArgs;
use crate::commands::{self, check};
use crate::github::api::{Repository, RetryPolicy};
use crate::github::base;
use crate::github::comment::{self, CommentOutcome};
use crate::github::env::{self, GithubEnv, PullRequest};
use crate::report::{self, BlobLinks, MarkdownOptions, RepoPaths, SizeLimit, Summary, TextOptions};

pub fn run(args: &CiArgs) -> Result<i32> {
    let github = GithubEnv::from_process();
    let checked = check::evaluate(&args.run)?;
    let paths = commands::repo_paths(&checked.config, github.workspace.as_deref());
    let log = Log { github: &github };

    let sarif_path = absolute(&args.sarif);
    commands::write_output(&sarif_path, &checked.sarif(&args.github, &paths))?;
    let text = report::render_text(&checked.diff, checked.files, &TextOptions::default());
    commands::print_stdout(&format!(
        "{text}SARIF written to {}\n",
        args.sarif.display()
    ))?;

    if let Some(warning) = checked.sarif_truncation(&args.github) {
        log.warning(&warning);
    }
    let code = report::exit_code(&checked.diff, args.run.fail_on_stale);
    if !github.in_actions {
        eprintln!(
            "note: not in GitHub Actions (GITHUB_ACTIONS is not `true`): skipped the \
             annotations, the job summary, the pull-request comment and the step outputs"
        );
        return Ok(code);
    }

    commands::print_stdout(&report::render_annotations(&checked.diff, &paths))?;
    let pull_request = pull_request(&github, &log);
    let api = api_repository(args, &github);
    let baseline_added = pull_request
        .as_ref()
        .and_then(|pull| added_to_baseline(&checked, &paths, pull, api.as_ref().ok(), &log));
    let links = blob_links(&github, pull_request.as_ref());
    let run_url = github.run_url();
    let markdown = |limit| {
        report::render_markdown(
            &checked.diff,
            &MarkdownOptions {
                files: checked.files,
                category: &args.github.category,
                paths: &paths,
                links: links.as_ref(),
                baseline_file: &checked.baseline_name(),
                baseline_added: baseline_added.as_deref(),
                run_url: run_url.as_deref(),
                limit,
            },
        )
    };

    append_summary(&github, &markdown(SizeLimit::SUMMARY), &log);
    if let Some(pull) = pull_request.as_ref().filter(|_| !args.no_comment) {
        let body = markdown(SizeLimit::COMMENT);
        post_comment(&args.github.category, pull, api.as_ref(), &body, &log);
    }
    let summary = Summary::new(&checked.diff, checked.files);
    write_outputs(&github, &summary, &sarif_path, &log);
    Ok(code)
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
    checked: &check::Checked,
    paths: &RepoPaths,
    pull: &PullRequest,
    api: Option<&Repository>,
    log: &Log<'_>,
) -> Option<Vec<BaselineEntry>> {
    let baseline_path = checked.baseline_path.as_ref()?;
    let head = checked.baseline.as_ref()?;
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

/// The repository's API with the token, or why there is none.
fn api_repository(args: &CiArgs, github: &GithubEnv) -> Result<Repository, String> {
    let name = github
        .repository
        .clone()
        .ok_or("GITHUB_REPOSITORY is not set")?;
    let token = std::env::var(&args.github_token_env).unwrap_or_default();
    if token.is_empty() {
        return Err(format!(
            "{} is not set; pass the token with `env: {}: ${{{{ github.token }}}}`",
            args.github_token_env, args.github_token_env
        ));
    }
    Ok(Repository {
        api_url: github.api_url.clone(),
        name,
        token,
    })
}

fn post_comment(
    category: &str,
    pull: &PullRequest,
    api: Result<&Repository, &String>,
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
            eprintln!("gate: commented on pull request #{number} (comment {id})");
        }
        Ok(CommentOutcome::Updated { id }) => {
            eprintln!("gate: updated its comment on pull request #{number} (comment {id})");
        }
        Ok(CommentOutcome::Unchanged { id }) => {
            eprintln!("gate: its comment on pull request #{number} is up to date (comment {id})");
        }
        Err(error) => log.warning(&format!("no pull-request comment: {error}")),
    }
}

/// Messages about what `gate ci` could not do, as workflow commands so
/// they show on the run's page.
struct Log<'a> {
    github: &'a GithubEnv,
}

impl Log<'_> {
    fn warning(&self, message: &str) {
        self.emit("warning", message);
    }

    fn notice(&self, message: &str) {
        self.emit("notice", message);
    }

    fn emit(&self, level: &str, message: &str) {
        if self.github.in_actions {
            let _ = commands::print_stdout(&report::workflow_command(level, message));
        } else {
            eprintln!("{level}: {message}");
        }
    }
}

fn absolute(path: &Path) -> PathBuf {
    std::env::current_dir()
        .map(|cwd| crate::discover::normalize(&cwd.join(path)))
        .unwrap_or_else(|_| path.to_path_buf())
}
