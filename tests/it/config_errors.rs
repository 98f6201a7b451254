//! Config mistakes: each folder of `fixtures/config_errors/` holds one
//! refused config (a `gate.toml`, or a `pyproject.toml` with `[tool.gate]`)
//! and a README line saying what it shows. `gate check` run there must exit
//! 2 without a panic, and its whole message (file, line, column, excerpt,
//! help) is a snapshot: a changed word shows in review.

use std::path::Path;

use crate::common::{fixture, run};

#[test]
fn every_config_error_fixture_is_refused_with_its_message() {
    let root = fixture("config_errors");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .expect("fixtures/config_errors exists")
        .map(|entry| entry.expect("a readable folder entry").path())
        .collect();
    cases.sort();
    assert!(cases.len() >= 40, "only {} fixtures", cases.len());
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            case.join("README.md").is_file(),
            "{name} has no README.md saying what it shows"
        );
        let output = run(&case, &["check", "--no-baseline"]);
        assert_eq!(output.code, 2, "{name}: stdout {}", output.stdout);
        assert!(output.stdout.is_empty(), "{name}: {}", output.stdout);
        assert!(
            !output.stderr.contains("panicked"),
            "{name}: {}",
            output.stderr
        );
        let config = config_file(&case);
        insta::with_settings!({ description => format!("fixtures/config_errors/{name}/{config}") }, {
            insta::assert_snapshot!(name, output.stderr);
        });
    }
}

/// The config file of a fixture, as gate finds it.
fn config_file(case: &Path) -> &'static str {
    if case.join("gate.toml").is_file() {
        "gate.toml"
    } else {
        "pyproject.toml"
    }
}
