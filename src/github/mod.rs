//! Stage 9, on GitHub only: publish the report where a pull request's
//! reviewers read it. `env` reads what the Actions runner provides;
//! `comment` keeps one sticky pull-request comment up to date.

pub mod base;
pub mod comment;
pub mod env;
