//! `gate init --pyproject`: the `[tool.gate]` tables go at the end of an
//! existing `pyproject.toml`, whose bytes stay as they were; with
//! `--force`, an existing `[tool.gate]` is taken out first, and the result
//! is checked to differ from the original by that table only.

/// Whether the pyproject text declares `[tool.gate]` (or its subtables).
pub fn declares_tool_gate(text: &str) -> bool {
    toml::from_str::<toml::Table>(text)
        .ok()
        .is_some_and(|document| tool_gate(&document).is_some())
}

fn tool_gate(document: &toml::Table) -> Option<&toml::Value> {
    document.get("tool")?.as_table()?.get("gate")
}

/// `existing` with `gate` appended after a blank line. Nothing of
/// `existing` changes; a last line without a newline gets one.
pub fn append(existing: &str, gate: &str) -> String {
    let mut text = existing.to_string();
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    if !text.is_empty() {
        text.push('\n');
    }
    text.push_str(gate);
    text
}

/// `text` without its `[tool.gate]` and `[tool.gate.*]` / `[[tool.gate.*]]`
/// tables (each from its header to the next header of another table, and
/// the comment block right above it, as `gate init` writes one);
/// `None` when that does not give the same document minus `tool.gate`
/// (a dotted key or an inline table declares it, say): the user then
/// removes it by hand.
pub fn without_tool_gate(text: &str) -> Option<String> {
    let mut kept = String::with_capacity(text.len());
    let mut inside = false;
    for line in text.split_inclusive('\n') {
        if let Some(header) = table_header(line) {
            let gate = header == "tool.gate" || header.starts_with("tool.gate.");
            if gate && !inside {
                drop_trailing_comments(&mut kept);
            }
            if inside && !gate && !kept.is_empty() {
                // The blank line that separated the tables.
                kept.push('\n');
            }
            inside = gate;
        }
        if !inside {
            kept.push_str(line);
        }
    }
    let mut before: toml::Table = toml::from_str(text).ok()?;
    let after: toml::Table = toml::from_str(&kept).ok()?;
    let tool = before.get_mut("tool")?.as_table_mut()?;
    tool.remove("gate")?;
    if tool.is_empty() {
        before.remove("tool");
    }
    (before == after).then_some(kept)
}

/// Takes the comment and blank lines off the end of `text`.
fn drop_trailing_comments(text: &mut String) {
    loop {
        let body = text.strip_suffix('\n').unwrap_or(text);
        let start = body.rfind('\n').map_or(0, |at| at + 1);
        let last = body[start..].trim();
        if body.is_empty() || !(last.is_empty() || last.starts_with('#')) {
            break;
        }
        text.truncate(start);
    }
}

/// The dotted name of a `[table]` or `[[array]]` header line, spaces
/// removed; `None` for any other line.
fn table_header(line: &str) -> Option<String> {
    let line = line.trim();
    let inner = line
        .strip_prefix("[[")
        .and_then(|rest| rest.split_once("]]"))
        .or_else(|| line.strip_prefix('[').and_then(|rest| rest.split_once(']')))?;
    let (name, rest) = inner;
    let rest = rest.trim();
    if !(rest.is_empty() || rest.starts_with('#')) {
        return None;
    }
    Some(name.chars().filter(|c| !c.is_whitespace()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appending_keeps_every_byte_of_the_file() {
        assert_eq!(
            append("[project]\nname = \"x\"", "[tool.gate.project]\n"),
            "[project]\nname = \"x\"\n\n[tool.gate.project]\n"
        );
        assert_eq!(append("", "[tool.gate.project]\n"), "[tool.gate.project]\n");
    }

    #[test]
    fn tool_gate_tables_are_taken_out_and_nothing_else() {
        let text = "[project]\nname = \"x\"\n\n# gate: proposed\n\n[tool.gate.project]\nroots = [\"src\"]\n\n[[tool.gate.layer]]\nname = \"api\"\nmodules = [\"app.api\"]\n\n[tool.ruff]\nline-length = 99\n";
        assert!(declares_tool_gate(text));
        let kept = without_tool_gate(text).unwrap();
        assert_eq!(
            kept,
            "[project]\nname = \"x\"\n\n[tool.ruff]\nline-length = 99\n"
        );
        assert!(!declares_tool_gate(&kept));
    }

    #[test]
    fn a_dotted_tool_gate_key_is_left_to_the_user() {
        let text = "[tool]\ngate.project.roots = [\"src\"]\n";
        assert!(declares_tool_gate(text));
        assert_eq!(without_tool_gate(text), None);
    }
}
