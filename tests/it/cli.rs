//! `gate rules`, `gate explain`, and usage errors.

use crate::common::{self, run};

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

#[test]
fn output_takes_its_format_from_the_extension() {
    let dir = common::copy_fixture("rules/forbidden_import");
    let output = common::run(
        dir.path(),
        &["check", "--no-baseline", "--output", "out/report.sarif"],
    );
    assert_eq!(output.code, 1, "{}", output.stderr);
    let written = std::fs::read_to_string(dir.path().join("out/report.sarif")).unwrap();
    common::valid_sarif(&written);
    let output = common::run(
        dir.path(),
        &["check", "--no-baseline", "--output", "report.md"],
    );
    assert_eq!(output.code, 1, "{}", output.stderr);
    assert!(
        std::fs::read_to_string(dir.path().join("report.md"))
            .unwrap()
            .contains("### ")
    );
}

#[test]
fn an_output_whose_extension_says_another_format_is_refused() {
    let dir = common::copy_fixture("rules/forbidden_import");
    let clash = common::run(
        dir.path(),
        &[
            "check",
            "--no-baseline",
            "--format",
            "text",
            "--output",
            "report.sarif",
        ],
    );
    assert_eq!(clash.code, 2);
    assert!(
        clash.stderr.starts_with(
            "error: --format text would write text into report.sarif, whose extension says sarif"
        ),
        "{}",
        clash.stderr
    );
    let unknown = common::run(
        dir.path(),
        &["check", "--no-baseline", "--output", "report.xyz"],
    );
    assert_eq!(unknown.code, 2);
    assert!(
        unknown
            .stderr
            .contains("cannot tell the format of report.xyz"),
        "{}",
        unknown.stderr
    );
    assert!(!dir.path().join("report.sarif").exists() && !dir.path().join("report.xyz").exists());
}

#[test]
fn statistics_print_the_count_per_rule() {
    let output = common::run(
        &common::fixture("rules/forbidden_import"),
        &["check", "--no-baseline", "--statistics"],
    );
    assert_eq!(output.code, 1);
    assert!(
        output.stdout.starts_with("3  domain-no-web (forbidden-import): 3 new, 0 known\n1  no-legacy (forbidden-import): 1 new, 0 known\n\n"),
        "{}",
        output.stdout
    );
}
