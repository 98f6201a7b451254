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

use crate::config::{ImportCycleOptions, Rule};
use crate::rules::Context;
use crate::violation::Violation;

pub fn check(
    _context: &Context<'_>,
    _rule: &Rule,
    _options: &ImportCycleOptions,
) -> Vec<Violation> {
    Vec::new()
}
