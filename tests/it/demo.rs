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
    // route, and closes a larger cycle (which replaces the known one).
    for rule in ["(layers)", "(forbidden-import)", "(import-cycle)"] {
        assert!(output.stdout.contains(rule), "{}", output.stdout);
    }
    assert!(
        output
            .stdout
            .contains("57 files: 3 new, 32 known (baseline), 1 fixed"),
        "{}",
        output.stdout
    );
}
