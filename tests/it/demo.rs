//! The bundled demo at the repository root: it passes with its baseline,
//! gate finds exactly the violations its README lists, and a new violation
//! fails the gate.

use std::path::Path;

use crate::common::{self, copy_demo, run, write};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The rows of the table in fixtures/demo/README.md:
/// (path, line, rule, subject).
fn listed_violations() -> Vec<(String, u64, String, String)> {
    let readme = std::fs::read_to_string(repo().join("fixtures/demo/README.md")).unwrap();
    readme
        .lines()
        .filter(|line| line.starts_with("| `fixtures/"))
        .map(|line| {
            let cells: Vec<&str> = line
                .split('|')
                .map(|cell| cell.trim().trim_matches('`'))
                .filter(|cell| !cell.is_empty())
                .collect();
            let (path, line) = cells[0].rsplit_once(':').unwrap();
            (
                path.to_string(),
                line.parse().unwrap(),
                cells[1].to_string(),
                cells[4].to_string(),
            )
        })
        .collect()
}

#[test]
fn gate_finds_exactly_the_violations_the_demo_readme_lists() {
    let listed = listed_violations();
    assert!(listed.len() >= 10, "the README table was not found");
    assert_eq!(common::violations(repo()), listed);
}

#[test]
fn the_demo_passes_with_its_baseline() {
    let output = run(repo(), &["check"]);
    assert_eq!(output.code, 0, "{}{}", output.stdout, output.stderr);
    assert!(
        output.stdout.contains(&format!(
            "0 new, {} known (baseline), 0 fixed",
            listed_violations().len()
        )),
        "{}",
        output.stdout
    );
}

#[test]
fn a_new_violation_in_the_demo_fails_the_gate() {
    let dir = copy_demo();
    let service = "fixtures/demo/backend/app/services/incidents.py";
    let code = std::fs::read_to_string(dir.path().join(service)).unwrap();
    write(
        dir.path(),
        service,
        &format!("{code}\nfrom app.api import incidents\n"),
    );
    let output = run(dir.path(), &["check"]);
    assert_eq!(output.code, 1, "{}", output.stdout);
    assert!(
        output.stdout.contains("app/services/incidents.py"),
        "{}",
        output.stdout
    );
    // One upward import breaks the layers, reaches fastapi through the
    // route, and closes a larger cycle: the imports it pulls onto a cycle
    // are new, the known cycle's imports stay known.
    for rule in ["(layers)", "(forbidden-import)", "(import-cycle)"] {
        assert!(output.stdout.contains(rule), "{}", output.stdout);
    }
    let new_cycle_imports = output
        .stdout
        .lines()
        .filter(|line| line.contains("(import-cycle)") && line.ends_with("[new]"))
        .count();
    assert_eq!(new_cycle_imports, 6, "{}", output.stdout);
    assert!(
        output
            .stdout
            .contains("57 files: 8 new, 34 known (baseline), 0 fixed"),
        "{}",
        output.stdout
    );
}

/// The JSON report of `gate check ARGS` at the repository root.
fn json_report(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let output = run(repo(), &all);
    assert!(output.code <= 1, "{all:?}: {}", output.stderr);
    serde_json::from_str(&output.stdout).expect("valid JSON")
}

/// Every Python file and folder of the demo, relative to the repository.
fn demo_paths() -> (Vec<String>, Vec<String>) {
    let (mut files, mut folders) = (Vec::new(), Vec::new());
    let mut pending = vec![repo().join("fixtures/demo/backend")];
    while let Some(folder) = pending.pop() {
        folders.push(folder.clone());
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "py") {
                files.push(path);
            }
        }
    }
    let relative = |paths: Vec<std::path::PathBuf>| {
        let mut relative: Vec<String> = paths
            .iter()
            .map(|path| {
                path.strip_prefix(repo())
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        relative.sort();
        relative
    };
    (relative(files), relative(folders))
}

#[test]
fn checking_one_file_finds_exactly_what_the_whole_run_finds_in_it() {
    let full = json_report(&[]);
    let (files, _) = demo_paths();
    assert!(files.len() >= 50, "{files:?}");
    for file in files {
        let expected: Vec<&serde_json::Value> = full["violations"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|violation| violation["path"] == file.as_str())
            .collect();
        let alone = json_report(&[&file]);
        let found: Vec<&serde_json::Value> =
            alone["violations"].as_array().unwrap().iter().collect();
        assert_eq!(found, expected, "gate check {file}");
        assert_eq!(alone["summary"]["files"], 1, "gate check {file}");
        assert_eq!(alone["summary"]["fixed"], 0, "gate check {file}");
    }
}

#[test]
fn a_path_limited_run_never_reports_an_entry_outside_its_paths_as_fixed() {
    let (files, folders) = demo_paths();
    // A copy of the demo whose baseline also holds entries that no longer
    // occur, one in every folder.
    let dir = copy_demo();
    let mut baseline: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(repo().join("baseline.json")).unwrap())
            .unwrap();
    for folder in &folders {
        baseline["entries"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!({
                "rule": "layers",
                "path": format!("{folder}/gone.py"),
                "scope": "<module>",
                "subject": "app.gone",
                "count": 1,
                "message": "a fixed violation",
            }));
    }
    write(dir.path(), "baseline.json", &baseline.to_string());
    for path in files.iter().chain(&folders) {
        let output = run(dir.path(), &["check", "--format", "json", path]);
        assert!(output.code <= 1, "{path}: {}", output.stderr);
        let report: serde_json::Value = serde_json::from_str(&output.stdout).unwrap();
        for fixed in report["fixed"].as_array().unwrap() {
            let fixed_path = fixed["path"].as_str().unwrap();
            assert!(
                fixed_path == path || fixed_path.starts_with(&format!("{path}/")),
                "gate check {path} reports {fixed_path} as fixed"
            );
        }
        for violation in report["violations"].as_array().unwrap() {
            let found = violation["path"].as_str().unwrap();
            assert!(
                found == path || found.starts_with(&format!("{path}/")),
                "{path}: {found}"
            );
        }
    }
}

#[test]
fn a_path_limited_baseline_update_leaves_the_other_entries_alone() {
    let dir = copy_demo();
    let mut baseline: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(repo().join("baseline.json")).unwrap())
            .unwrap();
    for folder in ["api", "workers"] {
        baseline["entries"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!({
                "rule": "layers",
                "path": format!("fixtures/demo/backend/app/{folder}/gone.py"),
                "scope": "<module>",
                "subject": "app.gone",
                "count": 1,
                "message": "a fixed violation",
            }));
    }
    write(dir.path(), "baseline.json", &baseline.to_string());
    let output = run(
        dir.path(),
        &["baseline", "update", "fixtures/demo/backend/app/api"],
    );
    assert_eq!(output.code, 0, "{}", output.stderr);
    let updated = std::fs::read_to_string(dir.path().join("baseline.json")).unwrap();
    assert!(!updated.contains("app/api/gone.py"), "{updated}");
    assert!(updated.contains("app/workers/gone.py"), "{updated}");
    // Every other entry is still there.
    let entries = |text: &str| {
        serde_json::from_str::<serde_json::Value>(text).unwrap()["entries"]
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!(entries(&updated), entries(&baseline.to_string()) - 1);
}
