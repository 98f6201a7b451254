//! `gate rules`, `gate explain`, and usage errors.

use crate::common::run;

fn here() -> std::path::PathBuf {
    std::env::temp_dir()
}

#[test]
fn rules_lists_every_kind_with_its_summary() {
    let output = run(&here(), &["rules"]);
    assert_eq!(output.code, 0);
    insta::assert_snapshot!(output.stdout);
}

#[test]
fn explain_prints_the_rule_files_documentation() {
    let output = run(&here(), &["explain", "forbidden-import"]);
    assert_eq!(output.code, 0);
    insta::assert_snapshot!(output.stdout);
}

#[test]
fn explain_of_every_kind_has_the_four_sections() {
    for kind in [
        "layers",
        "forbidden-import",
        "private-module",
        "syntax-error",
        "unused-ignore",
    ] {
        let output = run(&here(), &["explain", kind]);
        assert_eq!(output.code, 0, "{kind}");
        for section in [
            "## What it does",
            "## Why is this bad",
            "## Example",
            "## Options",
        ] {
            assert!(output.stdout.contains(section), "{kind} lacks {section}");
        }
    }
}

#[test]
fn explain_of_an_unknown_kind_suggests_the_closest() {
    let output = run(&here(), &["explain", "layer"]);
    assert_eq!(output.code, 2);
    assert!(
        output.stderr.contains("unknown rule kind `layer`"),
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("did you mean `layers`?"),
        "{}",
        output.stderr
    );
}

#[test]
fn a_usage_error_exits_2() {
    let output = run(&here(), &["check", "--format", "yaml"]);
    assert_eq!(output.code, 2);
    assert!(output.stderr.contains("--format"), "{}", output.stderr);
}

#[test]
fn no_config_anywhere_says_how_to_create_one() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(dir.path(), &["check"]);
    assert_eq!(output.code, 2);
    assert!(output.stderr.contains("no gate.toml"), "{}", output.stderr);
    assert!(output.stderr.contains("--config"), "{}", output.stderr);
}
