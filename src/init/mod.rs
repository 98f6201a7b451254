//! `gate init`'s proposal for an existing repository: [`survey`] looks at
//! the tree, [`propose`] decides the roots, layers and rules, [`render`]
//! writes them as commented TOML; [`pyproject`] puts that TOML into an
//! existing `pyproject.toml` without changing its other bytes.

pub mod propose;
pub mod pyproject;
pub mod render;
pub mod survey;

use std::path::Path;

pub use propose::{Proposal, propose};
pub use render::{Target, render};
pub use survey::{Survey, survey};

/// Surveys `root` (absolute) and renders the proposed config for `target`.
pub fn proposed_config(root: &Path, target: Target) -> (Survey, Proposal, String) {
    let survey = survey(root);
    let proposal = propose(&survey);
    let text = render(&proposal, &survey, target);
    (survey, proposal, text)
}
