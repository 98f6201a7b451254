//! `gate explain KIND` and `gate rules`: the documentation at the top of each
//! rule file.

use anyhow::{Result, bail};

use crate::rules::{self, KINDS};

pub fn explain(kind: &str) -> Result<i32> {
    let Some(doc) = rules::kind(kind) else {
        let kinds = rules::kind_names();
        let closest = crate::suggest::closest(kind, &kinds)
            .map(|name| format!("\n  = help: did you mean `{name}`?"))
            .unwrap_or_default();
        bail!("unknown rule kind `{kind}`; `gate rules` lists them{closest}");
    };
    crate::commands::print_stdout(&format!("# {}\n\n{}\n", doc.name(), doc.documentation()))?;
    Ok(0)
}

pub fn list() -> Result<i32> {
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
    crate::commands::print_stdout(&out)?;
    Ok(0)
}
