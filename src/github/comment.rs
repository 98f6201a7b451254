//! The sticky pull-request comment: gate keeps one comment per category up
//! to date, found by the hidden marker on its first line.
//!
//! Plain `get`/`post`/`patch` calls with small structs rather than
//! octocrab's typed models, which need complete payloads; octocrab's own
//! retry is not compiled in, because it retries POSTs and could post a
//! second comment. gate retries itself: GETs and PATCHes freely, a POST
//! only after looking again for a comment that the failed POST may have
//! created.

use std::fmt;
use std::time::Duration;

use http::StatusCode;
use serde::Deserialize;

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

#[derive(Debug, PartialEq, Eq)]
pub enum CommentOutcome {
    Created {
        id: u64,
    },
    Updated {
        id: u64,
    },
    /// The comment already said exactly this: no request that notifies anyone.
    Unchanged {
        id: u64,
    },
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

#[derive(Deserialize)]
struct IssueComment {
    id: u64,
    body: Option<String>,
}

/// Updates gate's comment (the newest whose first line is `marker`) on the
/// pull request, or creates it; never posts a second one.
pub fn upsert(
    target: &CommentTarget,
    marker: &str,
    body: &str,
    retry: RetryPolicy,
) -> Result<CommentOutcome, CommentError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| CommentError {
            message: format!("cannot start the HTTP client: {error}"),
        })?;
    runtime.block_on(async {
        let client = Client::new(target, retry)?;
        client.upsert(marker, body).await
    })
}

struct Client {
    octocrab: octocrab::Octocrab,
    comments_route: String,
    comment_route: String,
    retry: RetryPolicy,
}

impl Client {
    fn new(target: &CommentTarget, retry: RetryPolicy) -> Result<Self, CommentError> {
        let octocrab = octocrab::Octocrab::builder()
            .personal_token(target.token.clone())
            .base_uri(target.api_url.as_str())
            .map_err(|_| CommentError {
                message: format!(
                    "GITHUB_API_URL `{}` is not a URL; the pull-request comment was not posted",
                    target.api_url
                ),
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
            .map_err(|error| CommentError {
                message: format!("cannot set up the GitHub client: {error}"),
            })?;
        let repository = &target.repository;
        Ok(Client {
            octocrab,
            comments_route: format!(
                "/repos/{repository}/issues/{}/comments",
                target.pull_request
            ),
            comment_route: format!("/repos/{repository}/issues/comments"),
            retry,
        })
    }

    async fn upsert(&self, marker: &str, body: &str) -> Result<CommentOutcome, CommentError> {
        if let Some(existing) = self.find(marker).await? {
            return self.update(existing, body).await;
        }
        let payload = serde_json::json!({ "body": body });
        let mut attempt = 0;
        loop {
            attempt += 1;
            let created: Result<IssueComment, _> = self
                .octocrab
                .post(&self.comments_route, Some(&payload))
                .await;
            let error = match created {
                Ok(comment) => return Ok(CommentOutcome::Created { id: comment.id }),
                Err(error) => error,
            };
            let failure = Failure::of(&error);
            if !failure.retryable || attempt >= self.retry.attempts {
                return Err(failure.into_error("create the pull-request comment"));
            }
            tokio::time::sleep(self.delay(attempt, &failure)).await;
            // The failed POST may have created the comment all the same.
            if let Some(existing) = self.find(marker).await? {
                return self.update(existing, body).await;
            }
        }
    }

    async fn update(
        &self,
        existing: IssueComment,
        body: &str,
    ) -> Result<CommentOutcome, CommentError> {
        if existing.body.as_deref() == Some(body) {
            return Ok(CommentOutcome::Unchanged { id: existing.id });
        }
        let route = format!("{}/{}", self.comment_route, existing.id);
        let payload = serde_json::json!({ "body": body });
        self.with_retry("update the pull-request comment", || async {
            self.octocrab
                .patch::<serde_json::Value, _, _>(&route, Some(&payload))
                .await
        })
        .await?;
        Ok(CommentOutcome::Updated { id: existing.id })
    }

    /// The newest comment whose first line is `marker`, over every page.
    async fn find(&self, marker: &str) -> Result<Option<IssueComment>, CommentError> {
        let what = "list the pull request's comments";
        let mut page: octocrab::Page<IssueComment> = self
            .with_retry(what, || async {
                self.octocrab
                    .get(&self.comments_route, Some(&[("per_page", "100")]))
                    .await
            })
            .await?;
        let mut found = None;
        loop {
            let next = page.next.clone();
            found = page
                .items
                .into_iter()
                .rfind(|comment| {
                    comment.body.as_deref().and_then(|body| body.lines().next()) == Some(marker)
                })
                .or(found);
            if next.is_none() {
                return Ok(found);
            }
            let following = self
                .with_retry(what, || async { self.octocrab.get_page(&next).await })
                .await?;
            match following {
                Some(following) => page = following,
                None => return Ok(found),
            }
        }
    }

    /// Runs `request` until it succeeds, fails for good, or runs out of tries.
    async fn with_retry<T, F, Fut>(&self, what: &str, request: F) -> Result<T, CommentError>
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

    fn delay(&self, attempt: u32, failure: &Failure) -> Duration {
        let doubling = self.retry.first_delay * 2u32.saturating_pow(attempt - 1);
        failure
            .retry_after
            .unwrap_or(doubling)
            .min(self.retry.max_delay)
    }
}

/// A failed request, classified.
struct Failure {
    retryable: bool,
    /// What GitHub asked for (`retry-after`, or until `x-ratelimit-reset`).
    retry_after: Option<Duration>,
    /// Names the cause and what to do; never holds the token.
    cause: String,
}

impl Failure {
    fn of(error: &octocrab::Error) -> Self {
        let octocrab::Error::GitHub { source, .. } = error else {
            return Failure {
                retryable: true,
                retry_after: None,
                cause: format!("network error: {}", network_cause(error)),
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
        let (retryable, cause) = if rate_limited {
            (
                true,
                format!("GitHub's rate limit ({}: {message})", status.as_u16()),
            )
        } else if status.is_server_error() {
            (
                true,
                format!("GitHub answered {} ({message})", status.as_u16()),
            )
        } else if status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND {
            (
                false,
                format!(
                    "GitHub refused ({} {message}): the token cannot write to this pull request; \
                     give the job `permissions: pull-requests: write`; on a pull request from a \
                     fork the token is read-only",
                    status.as_u16()
                ),
            )
        } else if status == StatusCode::UNAUTHORIZED {
            (
                false,
                format!(
                    "GitHub rejected the token (401 {message}); check the token passed to gate"
                ),
            )
        } else {
            (
                false,
                format!("GitHub answered {} ({message})", status.as_u16()),
            )
        };
        Failure {
            retryable,
            retry_after: retry_after.or_else(|| if exhausted { until_reset() } else { None }),
            cause,
        }
    }

    fn into_error(self, what: &str) -> CommentError {
        CommentError {
            message: format!("cannot {what}: {}", self.cause),
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
