//! Stage 6: inline ignores. `# gate: ignore[rule-a, rule-b]` at the end of a
//! violation's line, or alone on the line above it, removes the violation;
//! every name that removes nothing is reported as `unused-ignore`.

use crate::facts::IgnoreComment;
use crate::files::Files;
use crate::rules::unused_ignore;
use crate::violation::Violation;

/// Removes suppressed violations and adds `unused-ignore` ones.
/// `rule_names` are every rule that ran, for the hint on a misspelled name.
pub fn apply(violations: Vec<Violation>, files: &Files, rule_names: &[&str]) -> Vec<Violation> {
    // used[file][comment][name]
    let mut used = files.map(|_, _, facts| {
        facts
            .ignores
            .iter()
            .map(|comment| vec![false; comment.rules.len()])
            .collect::<Vec<_>>()
    });

    let mut kept = Vec::with_capacity(violations.len());
    for violation in violations {
        let suppressed = violation.file.and_then(|file| {
            files
                .facts(file)
                .ignores
                .iter()
                .enumerate()
                .filter(|(_, comment)| applies_to_line(comment, violation.span.start.line))
                .find_map(|(index, comment)| {
                    let name = comment.rules.iter().position(|r| *r == violation.rule)?;
                    Some((file, index, name))
                })
        });
        match suppressed {
            Some((file, comment, name)) => used[file][comment][name] = true,
            None => kept.push(violation),
        }
    }

    for (index, file, file_facts) in files.iter() {
        for (comment_index, comment) in file_facts.ignores.iter().enumerate() {
            if comment.rules.is_empty() {
                kept.push(unused_ignore::violation(
                    index, &file.path, comment, None, "",
                ));
            }
            for (name_index, name) in comment.rules.iter().enumerate() {
                if !used[index][comment_index][name_index] {
                    let hint = unknown_name_hint(name, rule_names);
                    kept.push(unused_ignore::violation(
                        index,
                        &file.path,
                        comment,
                        Some(name),
                        &hint,
                    ));
                }
            }
        }
    }
    kept
}

fn applies_to_line(comment: &IgnoreComment, line: u32) -> bool {
    let comment_line = comment.span.start.line;
    if comment.own_line {
        comment_line + 1 == line
    } else {
        comment_line == line
    }
}

/// `: no rule is named `x` (did you mean `y`?)` for names that are not rules.
fn unknown_name_hint(name: &str, rule_names: &[&str]) -> String {
    if rule_names.contains(&name) {
        return String::new();
    }
    match crate::suggest::closest(name, rule_names) {
        Some(candidate) => {
            format!(": no rule is named `{name}` (did you mean `{candidate}`?)")
        }
        None => format!(": no rule is named `{name}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::SourceFile;
    use crate::facts::FileFacts;
    use crate::files::FileId;
    use crate::span::{Position, Span};
    use crate::violation::Severity;

    fn comment(line: u32, rules: &[&str], own_line: bool) -> IgnoreComment {
        IgnoreComment {
            rules: rules.iter().map(|r| r.to_string()).collect(),
            span: Span {
                start: Position { line, column: 20 },
                end: Position { line, column: 40 },
            },
            own_line,
        }
    }

    fn violation_at(line: u32, rule: &str) -> Violation {
        Violation {
            rule: rule.to_string(),
            kind: "layers",
            file: Some(FileId::new(0)),
            path: "a.py".to_string(),
            span: Span::line_start(line),
            scope: "<module>".to_string(),
            subject: "x".to_string(),
            message: String::new(),
            severity: Severity::Error,
        }
    }

    fn run(violations: Vec<Violation>, ignores: Vec<IgnoreComment>) -> Vec<(String, String)> {
        let file = SourceFile {
            absolute: "a.py".into(),
            path: "a.py".to_string(),
            module: Some("a".to_string()),
            is_package: false,
        };
        let facts = FileFacts {
            ignores,
            ..Default::default()
        };
        let files = Files::new([(file, facts)]);
        apply(violations, &files, &["layers", "no-legacy"])
            .into_iter()
            .map(|v| (v.rule, v.subject))
            .collect()
    }

    #[test]
    fn trailing_ignore_suppresses_its_own_line_only() {
        let left = run(
            vec![violation_at(3, "layers"), violation_at(4, "layers")],
            vec![comment(3, &["layers"], false)],
        );
        assert_eq!(left, vec![("layers".to_string(), "x".to_string())]);
    }

    #[test]
    fn own_line_ignore_suppresses_the_next_line() {
        let left = run(
            vec![violation_at(4, "layers")],
            vec![comment(3, &["layers"], true)],
        );
        assert!(left.is_empty());
    }

    #[test]
    fn names_that_suppress_nothing_are_reported() {
        let left = run(
            vec![violation_at(3, "layers")],
            vec![comment(3, &["layers", "no-legacy", "layer"], false)],
        );
        assert_eq!(
            left,
            vec![
                ("unused-ignore".to_string(), "no-legacy".to_string()),
                ("unused-ignore".to_string(), "layer".to_string()),
            ]
        );
    }

    #[test]
    fn bare_ignore_suppresses_nothing_and_is_reported() {
        let left = run(
            vec![violation_at(3, "layers")],
            vec![comment(3, &[], false)],
        );
        assert_eq!(left.len(), 2);
        assert_eq!(left[1].0, "unused-ignore");
    }

    #[test]
    fn misspelled_names_get_a_suggestion() {
        assert_eq!(
            unknown_name_hint("layer", &["layers"]),
            ": no rule is named `layer` (did you mean `layers`?)"
        );
    }
}
