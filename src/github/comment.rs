//! The sticky pull-request comment: gate keeps one comment per category up
//! to date, found by the hidden marker on its first line.
//!
//! GETs and PATCHes are retried freely; a POST only after looking again for
//! a comment that the failed POST may have created, so a retry never posts
//! a second one.

use std::collections::HashSet;

use serde::Deserialize;

use super::api::{self, ApiError, Client, Failure, Repository, RetryPolicy};

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

/// The most pages of comments read: 10,000 comments at 100 a page, far
/// more than any pull request has; a server that links on and on stops
/// here rather than holding the run.
pub const MAX_PAGES: usize = 100;

#[derive(Deserialize)]
struct IssueComment {
    id: u64,
    body: Option<String>,
}

/// Updates gate's comment (the newest whose first line is `marker`) on pull
/// request `number`, or creates it; never posts a second one.
pub fn upsert(
    repository: &Repository,
    number: u64,
    marker: &str,
    body: &str,
    retry: RetryPolicy,
) -> Result<CommentOutcome, ApiError> {
    api::with_client(repository, retry, |client| async move {
        Comments {
            client: &client,
            number,
        }
        .upsert(marker, body)
        .await
    })
}

struct Comments<'a> {
    client: &'a Client,
    number: u64,
}

impl Comments<'_> {
    fn list_route(&self) -> String {
        format!("{}/issues/{}/comments", self.client.route, self.number)
    }

    async fn upsert(&self, marker: &str, body: &str) -> Result<CommentOutcome, ApiError> {
        if let Some(existing) = self.find(marker).await? {
            return self.update(existing, body).await;
        }
        let payload = serde_json::json!({ "body": body });
        let mut attempt = 0;
        loop {
            attempt += 1;
            let created: Result<IssueComment, _> = self
                .client
                .octocrab
                .post(self.list_route(), Some(&payload))
                .await;
            let error = match created {
                Ok(comment) => return Ok(CommentOutcome::Created { id: comment.id }),
                Err(error) => error,
            };
            let failure = Failure::of(&error);
            if !failure.retryable || attempt >= self.client.retry_attempts() {
                return Err(failure.into_error("create the pull-request comment"));
            }
            tokio::time::sleep(self.client.delay(attempt, &failure)).await;
            // The failed POST may have created the comment all the same.
            if let Some(existing) = self.find(marker).await? {
                return self.update(existing, body).await;
            }
        }
    }

    async fn update(&self, existing: IssueComment, body: &str) -> Result<CommentOutcome, ApiError> {
        if existing.body.as_deref() == Some(body) {
            return Ok(CommentOutcome::Unchanged { id: existing.id });
        }
        let route = format!("{}/issues/comments/{}", self.client.route, existing.id);
        let payload = serde_json::json!({ "body": body });
        self.client
            .with_retry("update the pull-request comment", || async {
                self.client
                    .octocrab
                    .patch::<serde_json::Value, _, _>(&route, Some(&payload))
                    .await
            })
            .await?;
        Ok(CommentOutcome::Updated { id: existing.id })
    }

    /// The newest comment whose first line is `marker`, over every page (at
    /// most `MAX_PAGES`, each read once).
    async fn find(&self, marker: &str) -> Result<Option<IssueComment>, ApiError> {
        let what = "list the pull request's comments";
        let route = self.list_route();
        let octocrab = &self.client.octocrab;
        let mut page: octocrab::Page<IssueComment> = self
            .client
            .with_retry(what, || async {
                octocrab.get(&route, Some(&[("per_page", "100")])).await
            })
            .await?;
        let mut found = None;
        let mut seen = HashSet::new();
        let mut pages = 1;
        loop {
            let next = page.next.clone();
            found = page
                .items
                .into_iter()
                .rfind(|comment| {
                    comment.body.as_deref().and_then(|body| body.lines().next()) == Some(marker)
                })
                .or(found);
            let Some(uri) = &next else {
                return Ok(found);
            };
            if !seen.insert(uri.to_string()) {
                return Err(ApiError::PageLoop {
                    what: what.to_string(),
                    uri: uri.to_string(),
                });
            }
            if pages == MAX_PAGES {
                return Err(ApiError::TooManyPages {
                    what: what.to_string(),
                    pages: MAX_PAGES,
                });
            }
            pages += 1;
            let following = self
                .client
                .with_retry(what, || async { octocrab.get_page(&next).await })
                .await?;
            match following {
                Some(following) => page = following,
                None => return Ok(found),
            }
        }
    }
}
