//! The baseline gate: identity without line numbers, counts, ratchet,
//! refusal to lose or half-write a baseline.

use std::path::Path;

use crate::common::{copy_fixture, run, write};

const OTHER_MODEL: &str = "app/models/other.py";

fn project_with_baseline() -> tempfile::TempDir {
    let dir = copy_fixture("baseline/project");
    let init = run(dir.path(), &["baseline", "init"]);
    assert_eq!(init.code, 0, "{}", init.stderr);
    dir
}

fn read(dir: &Path, relative: &str) -> String {
    std::fs::read_to_string(dir.join(relative)).unwrap()
}

#[test]
fn init_records_every_violation_and_check_then_passes() {
    let dir = project_with_baseline();
    let baseline: serde_json::Value =
        serde_json::from_str(&read(dir.path(), "baseline.json")).unwrap();
    assert_eq!(baseline["version"], 1);
    let entries = baseline["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["path"], "app/models/user.py");
    assert_eq!(entries[0]["subject"], "app.api.routes");
    assert_eq!(entries[0]["scope"], "<module>");
    assert_eq!(entries[0]["count"], 1);
    let check = run(dir.path(), &["check"]);
    assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);
    assert!(
        check.stdout.contains("0 new, 1 known (baseline), 0 fixed"),
        "{}",
        check.stdout
    );
}

#[test]
fn line_shift_keeps_violation_known() {
    let dir = project_with_baseline();
    let shifted = format!(
        "\"\"\"User model.\"\"\"\n\n\n{}",
        read(dir.path(), "app/models/user.py")
    );
    write(dir.path(), "app/models/user.py", &shifted);
    let check = run(dir.path(), &["check"]);
    assert_eq!(check.code, 0, "{}", check.stdout);
    assert!(check.stdout.contains("0 new, 1 known"), "{}", check.stdout);
}

#[test]
fn second_identical_violation_in_the_same_scope_makes_the_group_new() {
    let dir = project_with_baseline();
    let doubled = format!(
        "{}import app.api.routes as again\n",
        read(dir.path(), "app/models/user.py")
    );
    write(dir.path(), "app/models/user.py", &doubled);
    let check = run(dir.path(), &["check"]);
    assert_eq!(check.code, 1);
    assert!(check.stdout.contains("2 new, 0 known"), "{}", check.stdout);
    assert!(
        check.stdout.contains("baseline allows 1, found 2"),
        "{}",
        check.stdout
    );
}

#[test]
fn a_violation_in_a_new_scope_is_new() {
    let dir = project_with_baseline();
    let more = format!(
        "{}\n\ndef load():\n    import app.api.routes\n",
        read(dir.path(), "app/models/user.py")
    );
    write(dir.path(), "app/models/user.py", &more);
    let check = run(dir.path(), &["check"]);
    assert_eq!(check.code, 1);
    assert!(
        check.stdout.contains("app/models/user.py:9:12: layers"),
        "{}",
        check.stdout
    );
    assert!(check.stdout.contains("1 new, 1 known"), "{}", check.stdout);
}

#[test]
fn a_removed_violation_is_reported_fixed_and_fails_only_under_fail_on_stale() {
    let dir = project_with_baseline();
    write(dir.path(), "app/models/user.py", "class User:\n    pass\n");
    let check = run(dir.path(), &["check"]);
    assert_eq!(check.code, 0);
    assert!(
        check.stdout.contains("0 new, 0 known (baseline), 1 fixed"),
        "{}",
        check.stdout
    );
    assert!(
        check.stdout.contains("gate baseline update"),
        "{}",
        check.stdout
    );
    assert_eq!(run(dir.path(), &["check", "--fail-on-stale"]).code, 1);
}

#[test]
fn update_drops_fixed_entries() {
    let dir = project_with_baseline();
    write(dir.path(), "app/models/user.py", "class User:\n    pass\n");
    let update = run(dir.path(), &["baseline", "update"]);
    assert_eq!(update.code, 0, "{}", update.stderr);
    let baseline: serde_json::Value =
        serde_json::from_str(&read(dir.path(), "baseline.json")).unwrap();
    assert_eq!(baseline["entries"].as_array().unwrap().len(), 0);
}

#[test]
fn update_refuses_new_violations_without_accept_new() {
    let dir = project_with_baseline();
    write(dir.path(), OTHER_MODEL, "from app.api import routes\n");
    write(dir.path(), "app/models/user.py", "class User:\n    pass\n");
    let update = run(dir.path(), &["baseline", "update"]);
    assert_eq!(update.code, 1, "{}", update.stderr);
    assert!(update.stderr.contains("--accept-new"), "{}", update.stderr);
    let baseline = read(dir.path(), "baseline.json");
    assert!(
        !baseline.contains(OTHER_MODEL),
        "new violation was added: {baseline}"
    );
    assert!(
        !baseline.contains("app.api.routes"),
        "fixed entry was kept: {baseline}"
    );

    let accept = run(dir.path(), &["baseline", "update", "--accept-new"]);
    assert_eq!(accept.code, 0, "{}", accept.stderr);
    assert!(read(dir.path(), "baseline.json").contains(OTHER_MODEL));
    assert_eq!(run(dir.path(), &["check"]).code, 0);
}

#[test]
fn init_refuses_to_overwrite_without_force() {
    let dir = project_with_baseline();
    write(
        dir.path(),
        "baseline.json",
        "{\"version\": 1, \"entries\": []}\n",
    );
    let again = run(dir.path(), &["baseline", "init"]);
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("--force"), "{}", again.stderr);
    assert_eq!(
        read(dir.path(), "baseline.json"),
        "{\"version\": 1, \"entries\": []}\n"
    );
    assert_eq!(run(dir.path(), &["baseline", "init", "--force"]).code, 0);
    assert!(read(dir.path(), "baseline.json").contains("app.api.routes"));
}

fn assert_baseline_error_leaves_file_untouched(contents: &str, expected: &str) {
    let dir = copy_fixture("baseline/project");
    write(dir.path(), "baseline.json", contents);
    for args in [
        &["check"][..],
        &["baseline", "update"],
        &["baseline", "update", "--accept-new"],
    ] {
        let output = run(dir.path(), args);
        assert_eq!(output.code, 2, "{args:?}: {}", output.stderr);
        assert!(
            output.stderr.contains("baseline.json"),
            "{args:?}: {}",
            output.stderr
        );
        assert!(
            output.stderr.contains(expected),
            "{args:?}: {}",
            output.stderr
        );
        assert_eq!(
            read(dir.path(), "baseline.json"),
            contents,
            "{args:?} changed the file"
        );
    }
}

#[test]
fn corrupt_baseline_is_left_untouched() {
    assert_baseline_error_leaves_file_untouched("{\"version\": 1, \"entries\": [\n", "line 2");
}

#[test]
fn unknown_baseline_version_is_left_untouched() {
    assert_baseline_error_leaves_file_untouched("{\"version\": 7, \"entries\": []}\n", "version 7");
}

#[test]
fn a_first_run_without_the_default_baseline_reports_everything_as_new() {
    let dir = copy_fixture("baseline/project");
    let output = run(dir.path(), &["check"]);
    assert_eq!(output.code, 1, "{}", output.stderr);
    assert!(
        output.stdout.contains("1 new, 0 known (baseline), 0 fixed"),
        "{}",
        output.stdout
    );
    assert!(
        output.stderr.trim_end().ends_with(
            "= help: run `gate baseline init` to record the current violations in it, then \
             commit it (`gate init` proposes a config and does both)"
        ),
        "{}",
        output.stderr
    );
    assert!(
        output
            .stderr
            .contains("no baseline yet (baseline.json does not exist)"),
        "{}",
        output.stderr
    );
    assert!(
        !dir.path().join("baseline.json").exists(),
        "check created a baseline"
    );
    // The same in JSON: the note goes to standard error, the report stays JSON.
    let json = run(dir.path(), &["check", "--format", "json"]);
    assert_eq!(json.code, 1);
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(report["summary"]["new"], 1);
}

#[test]
fn a_first_run_without_violations_passes() {
    let dir = copy_fixture("baseline/project");
    write(dir.path(), "app/models/user.py", "class User:\n    pass\n");
    let output = run(dir.path(), &["check"]);
    assert_eq!(output.code, 0, "{}{}", output.stdout, output.stderr);
    assert!(
        output.stderr.contains("gate baseline init"),
        "{}",
        output.stderr
    );
}

#[test]
fn a_baseline_named_explicitly_must_exist() {
    let dir = copy_fixture("baseline/project");
    let named = run(dir.path(), &["check", "--baseline", "baselin.json"]);
    assert_eq!(named.code, 2, "{}", named.stderr);
    assert!(
        named
            .stderr
            .contains("error: the baseline baselin.json does not exist"),
        "{}",
        named.stderr
    );
    let config = std::fs::read_to_string(dir.path().join("gate.toml")).unwrap();
    write(
        dir.path(),
        "gate.toml",
        &config.replace(
            "[project]\n",
            "[project]\nbaseline = \"ci/baseline.json\"\n",
        ),
    );
    for args in [&["check"][..], &["baseline", "update"]] {
        let configured = run(dir.path(), args);
        assert_eq!(configured.code, 2, "{args:?}: {}", configured.stderr);
        assert!(
            configured
                .stderr
                .contains("the baseline ci/baseline.json does not exist"),
            "{args:?}: {}",
            configured.stderr
        );
    }
}

#[test]
fn update_without_a_baseline_is_an_error_that_says_what_to_do() {
    let dir = copy_fixture("baseline/project");
    let output = run(dir.path(), &["baseline", "update"]);
    assert_eq!(output.code, 2);
    assert!(
        output.stderr.contains("gate baseline init"),
        "{}",
        output.stderr
    );
    assert!(
        !dir.path().join("baseline.json").exists(),
        "update created a baseline"
    );
    let unchecked = run(dir.path(), &["check", "--no-baseline"]);
    assert_eq!(unchecked.code, 1);
}
