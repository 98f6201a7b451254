//! `gate explain KIND` and `gate rules`: the documentation at the top of each
//! rule file.

use crate::diagnostic::Diagnostic;
use crate::exit::ExitCode;
use crate::output;
use crate::rules::{self, KINDS};

pub fn explain(kind: &str) -> Result<ExitCode, Diagnostic> {
    let Some(doc) = rules::kind(kind) else {
        let kinds = rules::kind_names();
        let closest =
            crate::suggest::closest(kind, &kinds).map(|name| format!("did you mean `{name}`?"));
        return Err(Diagnostic::error(format!(
            "unknown rule kind `{kind}`; `gate rules` lists them"
        ))
        .with_help(closest));
    };
    output::print_stdout(&format!("# {}\n\n{}\n", doc.name(), doc.documentation()))?;
    Ok(ExitCode::Clean)
}

pub fn list() -> Result<ExitCode, Diagnostic> {
    let width = KINDS.iter().map(|doc| doc.name().len()).max().unwrap_or(0);
    let mut out = String::new();
    for doc in KINDS {
        let always = if doc.always_on() { " (always on)" } else { "" };
        out.push_str(&format!(
            "{:width$}  {}{always}\n",
            doc.name(),
            doc.summary()
        ));
    }
    out.push_str(
        "\n`gate explain KIND` shows what a kind checks, why, an example and its options.\n",
    );
    output::print_stdout(&out)?;
    Ok(ExitCode::Clean)
}
