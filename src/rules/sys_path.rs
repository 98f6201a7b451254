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

use crate::config::{Rule, SysPathOptions};
use crate::rules::Context;
use crate::violation::Violation;

pub fn check(_context: &Context<'_>, _rule: &Rule, _options: &SysPathOptions) -> Vec<Violation> {
    Vec::new()
}
