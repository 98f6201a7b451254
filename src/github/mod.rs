//! Stage 9, on GitHub only: publish the report where a pull request's
//! reviewers read it. `env` reads what the Actions runner provides; `api`
//! calls GitHub's REST API; `comment` keeps one sticky pull-request comment
//! up to date; `base` reads the base branch's baseline; `publish` puts a
//! run's outcome in all those places; `links` finds a checkout's commit on
//! GitHub for reports written outside Actions.

pub mod api;
pub mod base;
pub mod comment;
pub mod env;
pub mod links;
pub mod publish;
