//! `--timings`: every stage and every configured rule on standard error,
//! on each command that analyses; nothing else changes.

use std::path::Path;

use crate::common::{copy_demo, run};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The names of the rules the demo's gate.toml configures: its `[[rule]]`
/// tables, and the `layers` rule its `[[layer]]` tables imply.
fn configured_rules() -> Vec<String> {
    let text = std::fs::read_to_string(repo().join("gate.toml")).unwrap();
    let config: toml::Table = text.parse().unwrap();
    let rules = config["rule"].as_array().unwrap();
    let mut names: Vec<String> = rules
        .iter()
        .map(|rule| rule["name"].as_str().unwrap().to_string())
        .collect();
    assert!(config.contains_key("layer"));
    assert!(
        !rules
            .iter()
            .any(|rule| rule["kind"].as_str() == Some("layers"))
    );
    names.push("layers".to_string());
    names
}

/// The `timings:` table at the end of standard error: its stage names and
/// the rule names of its rule lines (`name (kind)  1.0 ms  3 findings`).
fn table(stderr: &str) -> (Vec<String>, Vec<String>) {
    let start = stderr.find("timings:\n").expect("a timings table");
    let mut lines = stderr[start..].lines().skip(1);
    let mut stages = Vec::new();
    for line in lines.by_ref() {
        if !line.starts_with("  ") {
            assert_eq!(line, "rules, slowest first (they run in parallel):");
            break;
        }
        let (name, time) = line.trim().rsplit_once("  ").unwrap();
        assert!(time.trim().ends_with(" ms"), "{line}");
        stages.push(name.trim().to_string());
    }
    let rules = lines
        .map(|line| {
            assert!(
                line.ends_with("findings") || line.ends_with("finding"),
                "{line}"
            );
            line.trim().split(" (").next().unwrap().to_string()
        })
        .collect();
    (stages, rules)
}

#[test]
fn check_lists_every_stage_and_every_configured_rule() {
    let output = run(repo(), &["check", "--timings", "--no-cache"]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    let (stages, mut rules) = table(&output.stderr);
    assert_eq!(
        stages,
        [
            "config and baseline read",
            "find, read and parse files",
            "import graph (and cache write)",
            "layers and config checks",
            "rules",
            "suppression comments",
            "baseline diff",
            "report",
            "total",
        ]
    );
    let mut configured = configured_rules();
    rules.sort();
    configured.sort();
    assert_eq!(rules, configured);
}

#[test]
fn timings_change_no_byte_of_the_report_and_print_only_when_asked() {
    let plain = run(repo(), &["check", "--format", "json"]);
    let timed = run(repo(), &["check", "--format", "json", "--timings"]);
    assert_eq!(plain.stdout, timed.stdout);
    assert_eq!(plain.code, timed.code);
    assert!(!plain.stderr.contains("timings:"));
    assert!(timed.stderr.starts_with(&plain.stderr), "{}", timed.stderr);
}

#[test]
fn every_command_that_analyses_takes_timings() {
    let dir = copy_demo();
    for (args, last_stage) in [
        (&["map", "--timings"][..], "map"),
        (&["graph", "--timings"][..], "report"),
        (&["baseline", "update", "--timings"][..], "baseline update"),
        (
            &["baseline", "init", "--force", "--timings"][..],
            "baseline write",
        ),
    ] {
        let output = run(dir.path(), args);
        assert_eq!(output.code, 0, "{args:?}: {}", output.stderr);
        let (stages, rules) = table(&output.stderr);
        assert_eq!(stages.iter().rev().nth(1).unwrap(), last_stage, "{args:?}");
        assert!(stages.iter().any(|stage| stage == "rules"), "{args:?}");
        assert_eq!(rules.len(), configured_rules().len(), "{args:?}");
    }
}
