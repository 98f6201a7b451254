//! The GitHub REST API as gate uses it: one client with the token, bounded
//! retries, and failures that name their cause. Requests go through
//! octocrab's plain `get`/`post`/`patch` with small structs rather than its
//! typed models, which need complete payloads; octocrab's own retry is not
//! compiled in, because it retries POSTs (see `comment`).

use std::time::{Duration, Instant};

use base64::Engine;
use http::StatusCode;
use serde::Deserialize;

/// A repository on GitHub, and the credentials to call its API with.
pub struct Repository {
    /// `GITHUB_API_URL` (`https://api.github.com`, or `https://HOST/api/v3`).
    pub api_url: String,
    /// `owner/name`.
    pub name: String,
    /// Never printed, logged or put in an error.
    pub token: String,
    /// When all of the run's work with GitHub must be over.
    pub deadline: Deadline,
}

/// One deadline for all the GitHub requests of a run, retries and waits
/// included. A read timeout alone does not bound a request: it restarts
/// with every byte, so a server sending one byte every few seconds would
/// hold the run for ever.
#[derive(Clone, Copy, Debug)]
pub struct Deadline {
    pub at: Instant,
    /// As given, for the message.
    pub budget: Duration,
}

impl Deadline {
    /// `budget` from now.
    pub fn after(budget: Duration) -> Self {
        Deadline {
            at: Instant::now() + budget,
            budget,
        }
    }
}

/// How often and how long to retry a request that failed for a reason
/// that may pass (a 5xx, a rate limit, the network).
#[derive(Clone, Copy, Debug)]
pub struct RetryPolicy {
    /// Tries per request, the first included.
    pub attempts: u32,
    /// The wait before the first retry; it doubles each time.
    pub first_delay: Duration,
    /// The longest single wait, also when GitHub asks for more (`retry-after`).
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 4,
            first_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(60),
        }
    }
}

/// Why a request to GitHub failed; for gate a warning, never a failure.
/// Messages never hold the token.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("cannot start the HTTP client: {0}")]
    Runtime(std::io::Error),
    #[error("GITHUB_API_URL `{api_url}` is not a URL")]
    NotAUrl { api_url: String },
    #[error("cannot set up the GitHub client: {0}")]
    Setup(octocrab::Error),
    /// A request that failed for good, or ran out of tries.
    #[error("cannot {what}: {cause}")]
    Request {
        what: String,
        cause: String,
        help: Option<&'static str>,
    },
    #[error("cannot {what}: GitHub sent invalid base64: {error}")]
    InvalidBase64 {
        what: String,
        error: base64::DecodeError,
    },
    #[error(
        "cannot {what}: GitHub sent no contents (encoding `{encoding}`; files over 1 MB are not sent inline)"
    )]
    NoContents { what: String, encoding: String },
    #[error(
        "GitHub did not answer within the {} s deadline for the run's GitHub requests (`--github-timeout`)",
        .budget.as_secs()
    )]
    Deadline { budget: Duration },
    #[error("cannot {what}: GitHub's `next` link points back to a page already read ({uri})")]
    PageLoop { what: String, uri: String },
    #[error("cannot {what}: more than {pages} pages")]
    TooManyPages { what: String, pages: usize },
}

impl ApiError {
    /// What to do about it, when the job can do something.
    pub fn help(&self) -> Option<String> {
        match self {
            ApiError::Request { help, .. } => help.map(str::to_owned),
            ApiError::Deadline { .. } => Some(
                "GitHub was slow or stalled; rerun the job, or give gate more time with \
                 `--github-timeout SECS`"
                    .to_string(),
            ),
            _ => None,
        }
    }
}

/// GitHub refused a request for want of a permission.
const PERMISSION_HELP: &str = "the token lacks a permission the job must grant \
     (`pull-requests: write` for the comment, `contents: read` for files); \
     on a pull request from a fork the token is read-only";
/// GitHub did not accept the token at all.
const TOKEN_HELP: &str = "check the token passed to gate";

/// Runs `work` with a client for `repository` on a single-threaded runtime
/// (the API is the only asynchronous part of gate), and drops it when the
/// run's deadline passes.
pub fn with_client<T, F, Fut>(
    repository: &Repository,
    retry: RetryPolicy,
    work: F,
) -> Result<T, ApiError>
where
    F: FnOnce(Client) -> Fut,
    Fut: std::future::Future<Output = Result<T, ApiError>>,
{
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(ApiError::Runtime)?;
    let deadline = repository.deadline;
    runtime.block_on(async {
        let client = Client::new(repository, retry)?;
        tokio::time::timeout_at(tokio::time::Instant::from_std(deadline.at), work(client))
            .await
            .unwrap_or(Err(ApiError::Deadline {
                budget: deadline.budget,
            }))
    })
}

pub struct Client {
    pub(super) octocrab: octocrab::Octocrab,
    /// `/repos/{owner}/{name}`.
    pub(super) route: String,
    retry: RetryPolicy,
}

#[derive(Deserialize)]
struct FileContents {
    content: Option<String>,
    encoding: Option<String>,
}

impl Client {
    fn new(repository: &Repository, retry: RetryPolicy) -> Result<Self, ApiError> {
        let octocrab = octocrab::Octocrab::builder()
            .personal_token(repository.token.clone())
            .base_uri(repository.api_url.as_str())
            .map_err(|_| ApiError::NotAUrl {
                api_url: repository.api_url.clone(),
            })?
            .add_header(
                http::header::ACCEPT,
                "application/vnd.github+json".to_string(),
            )
            .add_header(
                http::HeaderName::from_static("x-github-api-version"),
                "2022-11-28".to_string(),
            )
            .set_connect_timeout(Some(Duration::from_secs(10)))
            .set_read_timeout(Some(Duration::from_secs(30)))
            .build()
            .map_err(ApiError::Setup)?;
        Ok(Client {
            octocrab,
            route: format!("/repos/{}", repository.name),
            retry,
        })
    }

    /// The file at `path` (relative to the repository, `/`-separated) as of
    /// commit `sha`; `None` when it does not exist there.
    pub async fn file_at(&self, path: &str, sha: &str) -> Result<Option<Vec<u8>>, ApiError> {
        let route = format!(
            "{}/contents/{}",
            self.route,
            crate::report::percent_encode_path(path)
        );
        let what = format!("read {path} at {sha}");
        let found = self
            .with_retry(&what, || async {
                match self.octocrab.get(&route, Some(&[("ref", sha)])).await {
                    Err(octocrab::Error::GitHub { source, .. })
                        if source.status_code == StatusCode::NOT_FOUND =>
                    {
                        Ok(None)
                    }
                    other => other.map(Some),
                }
            })
            .await?;
        let Some(file): Option<FileContents> = found else {
            return Ok(None);
        };
        match (file.encoding.as_deref(), file.content) {
            (Some("base64"), Some(content)) => {
                let compact: String = content.split_whitespace().collect();
                base64::engine::general_purpose::STANDARD
                    .decode(compact)
                    .map(Some)
                    .map_err(|error| ApiError::InvalidBase64 { what, error })
            }
            (encoding, _) => Err(ApiError::NoContents {
                what,
                encoding: encoding.unwrap_or("none").to_string(),
            }),
        }
    }

    /// Runs `request` until it succeeds, fails for good, or runs out of tries.
    pub(super) async fn with_retry<T, F, Fut>(&self, what: &str, request: F) -> Result<T, ApiError>
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = octocrab::Result<T>>,
    {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let error = match request().await {
                Ok(value) => return Ok(value),
                Err(error) => error,
            };
            let failure = Failure::of(&error);
            if !failure.retryable || attempt >= self.retry.attempts {
                return Err(failure.into_error(what));
            }
            tokio::time::sleep(self.delay(attempt, &failure)).await;
        }
    }

    pub(super) fn retry_attempts(&self) -> u32 {
        self.retry.attempts
    }

    pub(super) fn delay(&self, attempt: u32, failure: &Failure) -> Duration {
        let doubling = self.retry.first_delay * 2u32.saturating_pow(attempt - 1);
        failure
            .retry_after
            .unwrap_or(doubling)
            .min(self.retry.max_delay)
    }
}

/// A failed request, classified.
pub(super) struct Failure {
    /// Worth trying again: a 5xx, a rate limit, the network.
    pub(super) retryable: bool,
    /// What GitHub asked for (`retry-after`, or until `x-ratelimit-reset`).
    retry_after: Option<Duration>,
    /// Names the cause and what to do; never holds the token.
    cause: String,
    /// What to do, also part of `cause`.
    help: Option<&'static str>,
}

impl Failure {
    pub(super) fn of(error: &octocrab::Error) -> Self {
        // An answer that is not JSON (a proxy's error page, a truncated
        // body) or not the JSON asked for: trying again gets the same.
        let unreadable = |cause: String| Failure {
            retryable: false,
            retry_after: None,
            cause,
            help: None,
        };
        match error {
            octocrab::Error::Serde { source, .. } => {
                return unreadable(format!(
                    "GitHub answered with something that is not JSON ({source})"
                ));
            }
            octocrab::Error::Json { source, .. } => {
                return unreadable(format!(
                    "GitHub's answer is not the JSON gate expected (at `{}`: {})",
                    source.path(),
                    source.inner()
                ));
            }
            _ => {}
        }
        let octocrab::Error::GitHub { source, .. } = error else {
            return Failure {
                retryable: true,
                retry_after: None,
                cause: format!("network error: {}", network_cause(error)),
                help: None,
            };
        };
        let status = source.status_code;
        let header = |name: &str| {
            source
                .headers
                .as_ref()
                .and_then(|headers| headers.get(name))
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned)
        };
        let retry_after = header("retry-after")
            .and_then(|value| value.parse().ok())
            .map(Duration::from_secs);
        let exhausted = header("x-ratelimit-remaining").as_deref() == Some("0");
        let message = source.message.lines().next().unwrap_or("").to_string();
        let rate_limited = status == StatusCode::TOO_MANY_REQUESTS
            || (status == StatusCode::FORBIDDEN
                && (exhausted
                    || retry_after.is_some()
                    || message.to_lowercase().contains("rate limit")));
        let until_reset = || {
            let reset = source.rate_limit_reset?;
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .ok()?
                .as_secs();
            Some(Duration::from_secs(reset.saturating_sub(now)))
        };
        let (retryable, cause, help) = if rate_limited {
            (
                true,
                format!("GitHub's rate limit ({}: {message})", status.as_u16()),
                None,
            )
        } else if status.is_server_error() {
            (
                true,
                format!("GitHub answered {} ({message})", status.as_u16()),
                None,
            )
        } else if status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND {
            (
                false,
                format!(
                    "GitHub refused ({} {message}): {PERMISSION_HELP}",
                    status.as_u16()
                ),
                Some(PERMISSION_HELP),
            )
        } else if status == StatusCode::UNAUTHORIZED {
            (
                false,
                format!("GitHub rejected the token (401 {message}); {TOKEN_HELP}"),
                Some(TOKEN_HELP),
            )
        } else {
            (
                false,
                format!("GitHub answered {} ({message})", status.as_u16()),
                None,
            )
        };
        Failure {
            retryable,
            retry_after: retry_after.or_else(|| if exhausted { until_reset() } else { None }),
            cause,
            help,
        }
    }

    pub(super) fn into_error(self, what: &str) -> ApiError {
        ApiError::Request {
            what: what.to_string(),
            cause: self.cause,
            help: self.help,
        }
    }
}

/// The innermost cause of a transport error ("connection refused"), which
/// says more than the outer layers' "client error (Connect)".
fn network_cause(error: &octocrab::Error) -> String {
    let mut cause: &dyn std::error::Error = error;
    while let Some(inner) = cause.source() {
        cause = inner;
    }
    cause.to_string()
}
