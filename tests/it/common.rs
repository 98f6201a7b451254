//! Helpers shared by the integration tests: run the real `gate` binary on a
//! fixture tree or on a temporary copy of one.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub fn fixture(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(relative)
}

/// `gate` with `args`, run in `dir`, colour and terminal detection off,
/// and its facts cache in [`cache_dir`] rather than in the fixture trees.
pub fn gate(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::cargo_bin("gate").expect("the gate binary is built");
    command
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .env("GATE_CACHE_DIR", cache_dir());
    command
}

/// The facts cache of this test process's runs: emptied when the process
/// starts using it, so that no cache of an earlier build (another version,
/// a warning) is ever found, and nothing is written into fixtures/.
fn cache_dir() -> &'static Path {
    static DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join("gate-cache")
            .join(std::process::id().to_string());
        let _ = std::fs::remove_dir_all(&dir);
        dir
    })
}

pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(dir: &Path, args: &[&str]) -> Output {
    let output = gate(dir, args).output().expect("gate runs");
    Output {
        code: output.status.code().expect("gate exits with a code"),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

/// Every folder under fixtures/ holding a gate.toml, but the config-error
/// fixtures (which hold no Python).
pub fn configured_fixtures() -> Vec<PathBuf> {
    let mut projects = Vec::new();
    let mut pending = vec![fixture("")];
    while let Some(folder) = pending.pop() {
        if folder.ends_with("config_errors") {
            continue;
        }
        if folder.join("gate.toml").is_file() {
            projects.push(folder.clone());
        }
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            }
        }
    }
    projects
}

/// The repository's demo (gate.toml, baseline.json and fixtures/demo) in a
/// temporary folder, to edit freely.
pub fn copy_demo() -> tempfile::TempDir {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::create_dir_all(dir.path().join("fixtures/demo")).unwrap();
    copy_tree(
        &repo.join("fixtures/demo"),
        &dir.path().join("fixtures/demo"),
    );
    for file in ["gate.toml", "baseline.json"] {
        std::fs::copy(repo.join(file), dir.path().join(file)).unwrap();
    }
    dir
}

/// A fresh copy of a fixture tree in a temporary folder, to edit freely.
pub fn copy_fixture(relative: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    copy_tree(&fixture(relative), dir.path());
    dir
}

pub fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("fixture exists") {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Writes `contents` to `dir/relative`, creating folders.
pub fn write(dir: &Path, relative: &str, contents: &str) {
    let path = dir.join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, contents).unwrap();
}

/// `(path, line, rule, subject)` of every violation `gate check
/// --no-baseline --format json` reports in `dir`, in report order.
pub fn violations(dir: &Path) -> Vec<(String, u64, String, String)> {
    let output = run(dir, &["check", "--no-baseline", "--format", "json"]);
    assert!(output.code <= 1, "gate failed: {}", output.stderr);
    let report: serde_json::Value = serde_json::from_str(&output.stdout).expect("valid JSON");
    report["violations"]
        .as_array()
        .expect("a violations array")
        .iter()
        .map(|v| {
            (
                v["path"].as_str().unwrap().to_string(),
                v["line"].as_u64().unwrap(),
                v["rule"].as_str().unwrap().to_string(),
                v["subject"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

pub fn owned(list: &[(&str, u64, &str, &str)]) -> Vec<(String, u64, String, String)> {
    list.iter()
        .map(|(a, b, c, d)| (a.to_string(), *b, c.to_string(), d.to_string()))
        .collect()
}

/// The official SARIF 2.1.0 schema (tests/schemas/README.md says where from).
const SARIF_SCHEMA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/schemas/sarif-2.1.0-rtm.5.json"
);

/// Parses `text` as SARIF, checks it against the official SARIF 2.1.0
/// schema (formats included) and round-trips it through serde-sarif's
/// types; returns the parsed JSON. Every SARIF the tests produce goes
/// through here.
pub fn valid_sarif(text: &str) -> serde_json::Value {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(SARIF_SCHEMA).expect("the SARIF schema is in tests/schemas"),
    )
    .expect("the schema is JSON");
    let validator = jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the schema compiles");
    let sarif: serde_json::Value = serde_json::from_str(text).expect("SARIF is JSON");
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|error| format!("{error} at {}", error.instance_path))
        .collect();
    assert!(errors.is_empty(), "SARIF schema errors: {errors:#?}");
    let typed: serde_sarif::sarif::Sarif =
        serde_json::from_str(text).expect("serde-sarif reads the SARIF");
    assert_eq!(
        serde_json::to_value(&typed).unwrap(),
        sarif,
        "the SARIF changes in a round trip through serde-sarif"
    );
    sarif
}
