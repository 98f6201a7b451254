//! The file and folder rules (`max-lines`, `banned-name`, `missing-init`,
//! `sibling-names`) on fixture trees under fixtures/rules/: every true
//! positive is listed, so a near miss that gets reported fails the test.

use crate::common::{copy_fixture, fixture, owned, run, violations, write};

/// The report line of the violation at `path`, from `gate check` in `dir`.
fn report_line(dir: &std::path::Path, path: &str) -> String {
    let output = run(dir, &["check", "--no-baseline"]);
    assert_eq!(output.code, 1, "{}", output.stderr);
    let lines: Vec<&str> = output
        .stdout
        .lines()
        .filter(|line| line.starts_with(&format!("{path}:")))
        .collect();
    assert_eq!(lines.len(), 1, "{}", output.stdout);
    lines[0].to_string()
}

#[test]
fn max_lines_reports_files_longer_than_max_in_scope() {
    assert_eq!(
        violations(&fixture("rules/max_lines")),
        owned(&[
            ("app/models.py", 1, "no-huge-files", "app.models"),
            (
                "app/services/blank_tail.py",
                1,
                "small-facades",
                "app.services.blank_tail"
            ),
            (
                "app/services/facade.py",
                1,
                "small-facades",
                "app.services.facade"
            ),
            (
                "my-scripts/backfill.py",
                1,
                "no-huge-files",
                "my-scripts/backfill.py"
            ),
        ])
    );
}

#[test]
fn max_lines_message_gives_the_count_and_the_limit() {
    assert_eq!(
        report_line(&fixture("rules/max_lines"), "app/services/facade.py"),
        "app/services/facade.py:1:1: small-facades (max-lines) `app/services/facade.py` has 12 lines (max 10); split it by use case [new]"
    );
}

#[test]
fn a_baselined_long_file_stays_known_when_it_grows_or_the_limit_changes() {
    let dir = copy_fixture("rules/max_lines");
    let init = run(dir.path(), &["baseline", "init"]);
    assert_eq!(init.code, 0, "{}", init.stderr);
    let facade = dir.path().join("app/services/facade.py");
    let mut text = std::fs::read_to_string(&facade).unwrap();
    text.push_str("x13 = 13\nx14 = 14\n");
    std::fs::write(&facade, text).unwrap();
    let config = std::fs::read_to_string(dir.path().join("gate.toml")).unwrap();
    write(
        dir.path(),
        "gate.toml",
        &config.replace("max = 10", "max = 11"),
    );
    let check = run(dir.path(), &["check", "--format", "json"]);
    assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);
    let report: serde_json::Value = serde_json::from_str(&check.stdout).unwrap();
    let facade: Vec<(&str, &str)> = report["violations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["path"] == "app/services/facade.py")
        .map(|v| {
            (
                v["message"].as_str().unwrap(),
                v["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        facade,
        [(
            "`app/services/facade.py` has 14 lines (max 11); split it by use case",
            "known"
        )]
    );
}

#[test]
fn banned_names_match_the_file_name_and_name_the_first_glob() {
    assert_eq!(
        violations(&fixture("rules/banned_name")),
        owned(&[
            (
                "app/legacy/tmp_import.py",
                1,
                "no-scratch-files",
                "tmp_*.py"
            ),
            (
                "app/new/billing/helpers.py",
                1,
                "no-services-in-new-tree",
                "helpers.py"
            ),
            (
                "app/new/orders_api.py",
                1,
                "no-services-in-new-tree",
                "orders_*.py"
            ),
            (
                "app/new/orders_service.py",
                1,
                "no-services-in-new-tree",
                "*_service.py"
            ),
            (
                "my-scripts/tmp_service.py",
                1,
                "no-scratch-files",
                "tmp_*.py"
            ),
        ])
    );
}

#[test]
fn banned_name_message_names_the_file_and_the_pattern() {
    assert_eq!(
        report_line(&fixture("rules/banned_name"), "app/new/orders_service.py"),
        "app/new/orders_service.py:1:1: no-services-in-new-tree (banned-name) file name `orders_service.py` matches banned pattern `*_service.py` [new]"
    );
}

#[test]
fn missing_init_reports_package_folders_without_one() {
    assert_eq!(
        violations(&fixture("rules/missing_init")),
        owned(&[
            (
                "app/runtime/engine/__init__.py",
                1,
                "no-namespace-packages",
                "app.runtime"
            ),
            (
                "app/workers/jobs.py",
                1,
                "no-namespace-packages",
                "app.workers"
            ),
        ])
    );
}

#[test]
fn missing_init_messages_say_where_the_python_files_are() {
    let dir = fixture("rules/missing_init");
    assert_eq!(
        report_line(&dir, "app/workers/jobs.py"),
        "app/workers/jobs.py:1:1: no-namespace-packages (missing-init) `app/workers/` has Python files but no `__init__.py`: it is an implicit namespace package [new]"
    );
    assert_eq!(
        report_line(&dir, "app/runtime/engine/__init__.py"),
        "app/runtime/engine/__init__.py:1:1: no-namespace-packages (missing-init) `app/runtime/` has Python files in its subfolders but no `__init__.py`: it is an implicit namespace package [new]"
    );
}

#[test]
fn missing_init_scope_applies_to_the_package_name() {
    let dir = copy_fixture("rules/missing_init");
    let config = std::fs::read_to_string(dir.path().join("gate.toml")).unwrap();
    write(
        dir.path(),
        "gate.toml",
        &config.replace(
            "except = [\"legacy\"]",
            "in = [\"app.runtime\", \"legacy\"]",
        ),
    );
    assert_eq!(
        violations(dir.path()),
        owned(&[
            (
                "app/runtime/engine/__init__.py",
                1,
                "no-namespace-packages",
                "app.runtime"
            ),
            (
                "legacy/old/billing.py",
                1,
                "no-namespace-packages",
                "legacy"
            ),
            (
                "legacy/old/billing.py",
                1,
                "no-namespace-packages",
                "legacy.old"
            ),
        ])
    );
}

#[test]
fn missing_init_never_asks_a_source_root_for_one() {
    let dir = copy_fixture("rules/missing_init");
    let config = std::fs::read_to_string(dir.path().join("gate.toml")).unwrap();
    write(
        dir.path(),
        "gate.toml",
        &config.replace("roots = [\".\"]", "roots = [\".\", \"backend\"]"),
    );
    write(
        dir.path(),
        "backend/server.py",
        "\"\"\"In the root.\"\"\"\n",
    );
    write(
        dir.path(),
        "backend/svc/handler.py",
        "\"\"\"Below it.\"\"\"\n",
    );
    let found = violations(dir.path());
    assert_eq!(
        found,
        owned(&[
            (
                "app/runtime/engine/__init__.py",
                1,
                "no-namespace-packages",
                "app.runtime"
            ),
            (
                "app/workers/jobs.py",
                1,
                "no-namespace-packages",
                "app.workers"
            ),
            ("backend/svc/handler.py", 1, "no-namespace-packages", "svc"),
        ])
    );
}

#[test]
fn sibling_names_report_plural_underscore_and_case_variants() {
    assert_eq!(
        violations(&fixture("rules/sibling_names")),
        owned(&[
            (
                "app/planners/__init__.py",
                1,
                "one-name-per-thing",
                "app.planner, app.planners"
            ),
            (
                "app/report.py",
                1,
                "one-name-per-thing",
                "app.Reports, app.report"
            ),
            (
                "app/userutils.py",
                1,
                "one-name-per-thing",
                "app.user_utils, app.userutils"
            ),
            (
                "app/workers/run.py",
                1,
                "one-name-per-thing",
                "app.worker, app.workers"
            ),
            ("tools/__init__.py", 1, "one-name-per-thing", "tool, tools"),
        ])
    );
}

#[test]
fn sibling_names_message_names_both_and_their_parent() {
    let dir = fixture("rules/sibling_names");
    assert_eq!(
        report_line(&dir, "app/planners/__init__.py"),
        "app/planners/__init__.py:1:1: one-name-per-thing (sibling-names) sibling names `planner` and `planners` in `app` differ only by plural or `_`/case: pick one [new]"
    );
    assert_eq!(
        report_line(&dir, "tools/__init__.py"),
        "tools/__init__.py:1:1: one-name-per-thing (sibling-names) sibling names `tool` and `tools` in source root `.` differ only by plural or `_`/case: pick one [new]"
    );
}

#[test]
fn sibling_names_groups_only_members_in_scope() {
    let dir = copy_fixture("rules/sibling_names");
    let config = std::fs::read_to_string(dir.path().join("gate.toml")).unwrap();
    write(
        dir.path(),
        "gate.toml",
        &config.replace(
            "except = [\"app.legacy\"]",
            "in = [\"app.legacy\", \"app.planners\"]",
        ),
    );
    assert_eq!(
        violations(dir.path()),
        owned(&[(
            "app/legacy/items.py",
            1,
            "one-name-per-thing",
            "app.legacy.item, app.legacy.items"
        )])
    );
}
