//! GitHub Actions workflow commands: one annotation per new violation.
//! (Being written: issue 4.)

use crate::baseline::Diff;

pub fn render_annotations(_diff: &Diff) -> String {
    String::new()
}
