//! The history as JSON, a contract for scripts (fields may be added, never
//! renamed; `version` changes if one ever must be):
//!
//! ```json
//! {
//!   "version": 1,
//!   "baseline": "baseline.json",
//!   "rules": ["api-no-db-writes", "import-cycle"],
//!   "points": [
//!     {"commit": "<40 hex>", "date": "2026-01-31T10:00:00+01:00", "time": 1769850000,
//!      "subject": "Fix writes in api", "deleted": false, "total": 9,
//!      "per_rule": {"api-no-db-writes": 5, "import-cycle": 4}}
//!   ],
//!   "skipped": [{"commit": "…", "date": "…", "time": 0, "subject": "…", "error": "…"}],
//!   "shallow_boundary": null
//! }
//! ```
//!
//! Points run oldest first; `per_rule` names every rule of `rules`, with 0
//! where a commit's baseline has none; `time` is seconds since 1970 (UTC).

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Commit, History};

/// The `version` of this format.
pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct HistoryJson<'a> {
    version: u32,
    baseline: &'a str,
    rules: Vec<&'a str>,
    points: Vec<PointJson<'a>>,
    skipped: Vec<SkippedJson<'a>>,
    shallow_boundary: Option<&'a str>,
}

#[derive(Serialize)]
struct CommitJson<'a> {
    commit: &'a str,
    date: &'a str,
    time: i64,
    subject: &'a str,
}

impl<'a> From<&'a Commit> for CommitJson<'a> {
    fn from(commit: &'a Commit) -> Self {
        CommitJson {
            commit: &commit.sha,
            date: &commit.date,
            time: commit.time,
            subject: &commit.subject,
        }
    }
}

#[derive(Serialize)]
struct PointJson<'a> {
    #[serde(flatten)]
    commit: CommitJson<'a>,
    deleted: bool,
    total: u64,
    per_rule: BTreeMap<&'a str, u64>,
}

#[derive(Serialize)]
struct SkippedJson<'a> {
    #[serde(flatten)]
    commit: CommitJson<'a>,
    error: &'a str,
}

pub fn render(history: &History) -> String {
    let rules = history.rules();
    let points = history
        .points
        .iter()
        .map(|point| PointJson {
            commit: CommitJson::from(&point.commit),
            deleted: point.deleted,
            total: point.total(),
            per_rule: rules
                .iter()
                .map(|rule| (*rule, point.per_rule.get(*rule).copied().unwrap_or(0)))
                .collect(),
        })
        .collect();
    let skipped = history
        .skipped
        .iter()
        .map(|skipped| SkippedJson {
            commit: CommitJson::from(&skipped.commit),
            error: &skipped.error,
        })
        .collect();
    let json = HistoryJson {
        version: VERSION,
        baseline: &history.path,
        rules,
        points,
        skipped,
        shallow_boundary: history.shallow_boundary.as_deref(),
    };
    let mut text = serde_json::to_string_pretty(&json).expect("a history serializes");
    text.push('\n');
    text
}
