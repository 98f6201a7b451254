//! The GitHub formats of `gate check`: SARIF for code scanning (validated
//! against the official schema every time), annotations and the Markdown
//! report, on fixtures/github/project.

use std::path::Path;

use crate::common::{self, copy_fixture, run, valid_sarif};
use serde_json::Value;

fn sarif(dir: &Path, extra: &[&str]) -> Value {
    let mut args = vec!["check", "--format", "sarif"];
    args.extend_from_slice(extra);
    let output = run(dir, &args);
    assert!(output.code <= 1, "gate failed: {}", output.stderr);
    valid_sarif(&output.stdout)
}

fn results(sarif: &Value) -> &Vec<Value> {
    sarif["runs"][0]["results"]
        .as_array()
        .expect("a results array")
}

fn rule_ids(sarif: &Value) -> Vec<&str> {
    sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|rule| rule["id"].as_str().unwrap())
        .collect()
}

#[test]
fn sarif_holds_the_new_violations_with_rules_fingerprints_and_relative_uris() {
    let dir = copy_fixture("github/project");
    let sarif = sarif(dir.path(), &[]);
    let run = &sarif["runs"][0];
    assert_eq!(run["automationDetails"]["id"], "gate/");
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let results = results(&sarif);
    // 2 db writes, 1 long module (a warning), 2 syntax errors; the known
    // upward import is left out by default.
    assert_eq!(results.len(), 5, "{results:#?}");
    let rules = rule_ids(&sarif);
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index], result["ruleId"].as_str().unwrap());
        assert_eq!(result["baselineState"], "new");
        let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(!uri.starts_with('/') && !uri.contains('\\'), "{uri}");
        assert!(result["partialFingerprints"]["gateIdentity/v1"].is_string());
        assert!(result["partialFingerprints"]["primaryLocationLineHash"].is_null());
    }
    let uris: Vec<&str> = results
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(uris.contains(&"scripts/bad%20file.py"), "{uris:?}");
    let levels: Vec<&str> = results
        .iter()
        .map(|r| r["level"].as_str().unwrap())
        .collect();
    // New errors first, then the warning: what GitHub keeps if it truncates.
    assert_eq!(levels, ["error", "error", "error", "error", "warning"]);
}

#[test]
fn every_configured_rule_is_declared_also_without_results() {
    let dir = copy_fixture("github/project");
    let sarif = sarif(dir.path(), &["--no-baseline", "app/models/user.py"]);
    assert_eq!(
        rule_ids(&sarif),
        [
            "api-no-db-writes",
            "short-modules",
            "layers",
            "syntax-error",
            "unused-ignore"
        ]
    );
    let descriptor = &sarif["runs"][0]["tool"]["driver"]["rules"][0];
    assert_eq!(descriptor["name"], "ApiNoDbWrites");
    assert_eq!(descriptor["properties"]["tags"][1], "db-write");
    assert_eq!(descriptor["defaultConfiguration"]["level"], "error");
    assert!(
        descriptor["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains("go through app.services")
    );
    let warning = &sarif["runs"][0]["tool"]["driver"]["rules"][1];
    assert_eq!(warning["defaultConfiguration"]["level"], "warning");
}

#[test]
fn a_clean_run_still_uploads_an_empty_results_array() {
    let dir = copy_fixture("github/project");
    let sarif = sarif(dir.path(), &["app/models/user.py"]);
    assert_eq!(results(&sarif).len(), 0);
    assert_eq!(rule_ids(&sarif).len(), 5);
}

#[test]
fn known_violations_are_omitted_suppressed_or_open() {
    let dir = copy_fixture("github/project");
    let known = |sarif: &Value| -> Vec<Value> {
        results(sarif)
            .iter()
            .filter(|r| r["baselineState"] == "unchanged")
            .cloned()
            .collect()
    };
    let omitted = sarif(dir.path(), &["--sarif-known", "omit"]);
    assert!(known(&omitted).is_empty());

    let suppressed = sarif(dir.path(), &["--sarif-known", "suppressed"]);
    let [known_one] = known(&suppressed).try_into().expect("one known violation");
    assert_eq!(known_one["ruleId"], "layers");
    assert_eq!(known_one["suppressions"][0]["kind"], "external");
    assert!(
        known_one["suppressions"][0]["justification"]
            .as_str()
            .unwrap()
            .contains("baseline.json")
    );
    // SARIF: either every result says whether it is suppressed, or none.
    for result in results(&suppressed) {
        assert!(result["suppressions"].is_array(), "{result}");
    }

    let open = sarif(dir.path(), &["--sarif-known", "open"]);
    let [known_one] = known(&open).try_into().expect("one known violation");
    assert!(known_one["suppressions"].is_null());
    assert_eq!(known_one["level"], "error");
}

#[test]
fn fingerprints_stay_when_lines_are_inserted_above_the_violations() {
    let dir = copy_fixture("github/project");
    let fingerprints = |sarif: &Value| -> Vec<(String, u64)> {
        let mut found: Vec<(String, u64)> = results(sarif)
            .iter()
            .map(|r| {
                (
                    r["partialFingerprints"]["gateIdentity/v1"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                    r["locations"][0]["physicalLocation"]["region"]["startLine"]
                        .as_u64()
                        .unwrap(),
                )
            })
            .collect();
        found.sort();
        found
    };
    let before = fingerprints(&sarif(dir.path(), &[]));
    let routes = dir.path().join("app/api/routes.py");
    let code = std::fs::read_to_string(&routes).unwrap();
    std::fs::write(
        &routes,
        format!("import logging\n\nLOG = logging.getLogger()\n\n\n{code}"),
    )
    .unwrap();
    let after = fingerprints(&sarif(dir.path(), &[]));
    let keys = |found: &[(String, u64)]| found.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
    assert_eq!(keys(&before), keys(&after));
    assert_ne!(before, after, "the lines did move");
}

#[test]
fn identical_violations_in_one_scope_get_distinct_fingerprints() {
    let dir = copy_fixture("github/project");
    common::write(
        dir.path(),
        "app/api/routes.py",
        "def create(session, a, b):\n    session.add(a)\n    session.add(b)\n",
    );
    let sarif = sarif(dir.path(), &["app/api/routes.py"]);
    let keys: Vec<&str> = results(&sarif)
        .iter()
        .map(|r| {
            r["partialFingerprints"]["gateIdentity/v1"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(keys.len(), 2);
    assert_ne!(keys[0], keys[1]);
}

#[test]
fn the_category_names_the_analysis_and_sarif_file_matches_stdout() {
    let dir = copy_fixture("github/project");
    let output = run(
        dir.path(),
        &[
            "check",
            "--category",
            "gate/backend",
            "--sarif",
            "out.sarif",
            "--quiet",
        ],
    );
    assert_eq!(output.code, 1, "{}", output.stderr);
    let written = std::fs::read_to_string(dir.path().join("out.sarif")).unwrap();
    let sarif = valid_sarif(&written);
    assert_eq!(sarif["runs"][0]["automationDetails"]["id"], "gate/backend/");
    let bad = run(dir.path(), &["check", "--category", "a-->b"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("--category"), "{}", bad.stderr);
}

#[test]
fn sarif_snapshot() {
    let dir = copy_fixture("github/project");
    let output = run(dir.path(), &["check", "--format", "sarif"]);
    valid_sarif(&output.stdout);
    insta::with_settings!({filters => vec![
        (r#""(semanticVersion|version)": "\d+\.\d+\.\d+""#, r#""$1": "[version]""#),
        (r#""uri": "file://[^"]*""#, r#""uri": "file:///[root]/""#),
    ]}, {
        insta::assert_snapshot!(output.stdout);
    });
}

#[test]
fn annotations_snapshot() {
    let dir = copy_fixture("github/project");
    let output = run(dir.path(), &["check", "--format", "github"]);
    assert_eq!(output.code, 1);
    insta::assert_snapshot!(output.stdout);
}

#[test]
fn markdown_snapshot() {
    let dir = copy_fixture("github/project");
    let output = run(dir.path(), &["check", "--format", "markdown"]);
    assert_eq!(output.code, 1);
    insta::with_settings!({filters => vec![(r"gate \d+\.\d+\.\d+", "gate [version]")]}, {
        insta::assert_snapshot!(output.stdout);
    });
}

#[test]
fn a_project_in_a_subfolder_gets_repository_relative_paths() {
    let repo = tempfile::tempdir().unwrap();
    std::fs::create_dir(repo.path().join(".git")).unwrap();
    let project = repo.path().join("services/backend");
    std::fs::create_dir_all(&project).unwrap();
    common::copy_tree(&common::fixture("github/project"), &project);
    let sarif = sarif(&project, &["app/api/routes.py"]);
    let uri = results(&sarif)[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(uri, "services/backend/app/api/routes.py");
    let annotations = run(
        &project,
        &["check", "--format", "github", "app/api/routes.py"],
    );
    assert!(
        annotations
            .stdout
            .starts_with("::error file=services/backend/app/api/routes.py,line=2,"),
        "{}",
        annotations.stdout
    );
}

#[test]
fn sarif_stops_at_the_results_code_scanning_keeps_and_says_so() {
    let dir = copy_fixture("github/project");
    let writes: String = (0..5_001)
        .map(|i| format!("    session.add({i})\n"))
        .collect();
    common::write(
        dir.path(),
        "app/api/bulk.py",
        &format!("def load(session):\n{writes}"),
    );
    let output = run(
        dir.path(),
        &["check", "--format", "sarif", "app/api/bulk.py"],
    );
    let sarif = valid_sarif(&output.stdout);
    assert_eq!(results(&sarif).len(), 5_000);
    assert!(
        // 5,001 writes and the long-module warning.
        output
            .stderr
            .contains("the SARIF holds the first 5000 of 5002 results"),
        "{}",
        output.stderr
    );
}

#[test]
fn a_long_markdown_report_counts_the_new_violations_per_rule_first() {
    let dir = tempfile::tempdir().unwrap();
    crate::common::write(
        dir.path(),
        "gate.toml",
        "[project]\nroots = [\".\"]\n\n[[rule]]\nkind = \"sys-path\"\nname = \"no-sys-path\"\n\n\
         [[rule]]\nkind = \"forbidden-import\"\nname = \"no-os\"\nfrom = [\"app\"]\nto = [\"os\"]\n",
    );
    crate::common::write(dir.path(), "app/__init__.py", "");
    for i in 0..30 {
        let extra = if i < 5 { "import os\n" } else { "" };
        crate::common::write(
            dir.path(),
            &format!("app/m{i:02}.py"),
            &format!("import sys\nsys.path.append('.')\n{extra}"),
        );
    }
    let output = crate::common::run(
        dir.path(),
        &["check", "--no-baseline", "--format", "markdown"],
    );
    assert_eq!(output.code, 1, "{}", output.stderr);
    assert!(
        output.stdout.contains(
            "| Rule | Kind | New |\n| --- | --- | ---: |\n| `no-sys-path` | `sys-path` | 30 |\n| `no-os` | `forbidden-import` | 5 |\n"
        ),
        "{}",
        output.stdout
    );
    // A short report has no such table.
    let short = crate::common::run(
        &crate::common::fixture("rules/forbidden_import"),
        &["check", "--no-baseline", "--format", "markdown"],
    );
    assert!(
        !short.stdout.contains("| Rule | Kind | New |"),
        "{}",
        short.stdout
    );
}

#[test]
fn a_markdown_report_outside_actions_links_to_the_checkouts_commit_on_github() {
    let dir = crate::common::copy_fixture("rules/forbidden_import");
    let git = |args: &[&str]| {
        let status = std::process::Command::new("git")
            .current_dir(dir.path())
            .args(["-c", "user.email=ci@example.com", "-c", "user.name=ci"])
            .args(args)
            .output()
            .expect("git runs");
        assert!(status.status.success(), "git {args:?}: {status:?}");
        String::from_utf8(status.stdout).unwrap()
    };
    git(&["init", "-q"]);
    git(&["remote", "add", "origin", "git@github.com:acme/backend.git"]);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "x"]);
    let sha = git(&["rev-parse", "HEAD"]).trim().to_string();
    let output = crate::common::run(
        dir.path(),
        &["check", "--no-baseline", "--format", "markdown"],
    );
    let link = format!("(https://github.com/acme/backend/blob/{sha}/app/services/orders.py#L2)");
    assert!(
        output.stdout.contains(&link),
        "{link}\nnot in\n{}",
        output.stdout
    );
}
