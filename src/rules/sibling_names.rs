//! ## What it does
//! (to be written)
//!
//! ## Why is this bad
//! (to be written)
//!
//! ## Example
//! (to be written)
//!
//! ## Options
//! (to be written)

use crate::config::{Rule, SiblingNamesOptions};
use crate::rules::Context;
use crate::violation::Violation;

pub fn check(
    _context: &Context<'_>,
    _rule: &Rule,
    _options: &SiblingNamesOptions,
) -> Vec<Violation> {
    Vec::new()
}
