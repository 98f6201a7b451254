//! Bad input never panics and never aborts the run: each case gets a precise
//! message naming the file, and the rest of the project is still checked.

use std::path::Path;

use crate::common::{self, run, write};

const CONFIG: &str = "[project]\nroots = [\".\"]\n\n[[layer]]\nname = \"api\"\nmodules = [\"app.api\"]\n\n[[layer]]\nname = \"models\"\nmodules = [\"app.models\"]\n";

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "gate.toml", CONFIG);
    write(dir.path(), "app/__init__.py", "");
    write(dir.path(), "app/api/__init__.py", "");
    write(dir.path(), "app/models/__init__.py", "");
    write(dir.path(), "app/models/user.py", "class User:\n    pass\n");
    dir
}

fn check(dir: &Path) -> common::Output {
    let output = run(dir, &["check", "--no-baseline"]);
    assert!(!output.stderr.contains("panicked"), "{}", output.stderr);
    output
}

/// The report's violation lines (the summary and blank lines left out).
fn violation_lines(output: &common::Output) -> Vec<&str> {
    output
        .stdout
        .lines()
        .filter(|line| line.starts_with("app/"))
        .collect()
}

#[test]
fn a_syntax_error_still_reports_the_files_other_violations() {
    let dir = project();
    write(
        dir.path(),
        "app/models/broken.py",
        "from app.api import routes\n\ndef create(:\n    pass\n\nimport app.api.deps\n",
    );
    let output = check(dir.path());
    assert_eq!(output.code, 1);
    let lines = violation_lines(&output);
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("app/models/broken.py:1:6: layers")),
        "{}",
        output.stdout
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("app/models/broken.py:3:12: syntax-error")),
        "{}",
        output.stdout
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("app/models/broken.py:6:8: layers")),
        "{}",
        output.stdout
    );
}

#[test]
fn a_file_that_is_not_utf8_is_a_syntax_error_naming_the_byte_offset() {
    let dir = project();
    std::fs::write(
        dir.path().join("app/models/latin1.py"),
        b"import os\nname = 'caf\xe9'\n",
    )
    .unwrap();
    let output = check(dir.path());
    assert_eq!(output.code, 1);
    assert!(
        output.stdout.contains("app/models/latin1.py:2:1: syntax-error (syntax-error) syntax error: file is not valid UTF-8: invalid byte 0xe9 at byte offset 21"),
        "{}",
        output.stdout
    );
}

#[test]
fn empty_bom_only_crlf_and_tab_files_are_checked_normally() {
    let dir = project();
    write(dir.path(), "app/models/empty.py", "");
    write(dir.path(), "app/models/bom.py", "\u{feff}");
    write(
        dir.path(),
        "app/models/crlf.py",
        "\"\"\"Doc.\"\"\"\r\n\r\nimport app.api\r\n",
    );
    write(
        dir.path(),
        "app/models/tabs.py",
        "if True:\n\tx = 'é'; import app.api\n",
    );
    let output = check(dir.path());
    assert_eq!(output.code, 1);
    let lines = violation_lines(&output);
    assert_eq!(
        lines
            .iter()
            .map(|l| l.split(": ").next().unwrap())
            .collect::<Vec<_>>(),
        vec!["app/models/crlf.py:3:8", "app/models/tabs.py:2:18"],
        "{}",
        output.stdout
    );
}

#[test]
fn a_five_megabyte_generated_file_is_checked() {
    let dir = project();
    let mut big = String::from("import app.api\n");
    while big.len() < 5 * 1024 * 1024 {
        big.push_str("VALUE_0000000 = {'key': [1, 2, 3], 'other': \"text\"}\n");
    }
    write(dir.path(), "app/models/generated.py", &big);
    let output = check(dir.path());
    assert_eq!(output.code, 1);
    assert!(
        output
            .stdout
            .contains("app/models/generated.py:1:8: layers"),
        "{}",
        output.stdout
    );
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_is_skipped_with_a_warning() {
    let dir = project();
    std::os::unix::fs::symlink(dir.path().join("app"), dir.path().join("app/models/loop")).unwrap();
    let output = check(dir.path());
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert!(
        output.stderr.contains(
            "skipped symlinked folder app/models/loop: gate does not follow symlinked folders"
        ),
        "{}",
        output.stderr
    );
}

#[cfg(unix)]
#[test]
fn a_broken_symlink_is_named_in_a_warning() {
    let dir = project();
    std::os::unix::fs::symlink(
        dir.path().join("nowhere.py"),
        dir.path().join("app/models/gone.py"),
    )
    .unwrap();
    let output = check(dir.path());
    assert_eq!(output.code, 0);
    assert!(
        output
            .stderr
            .contains("skipped app/models/gone.py: broken symbolic link"),
        "{}",
        output.stderr
    );
}

/// Syntax the target Python cannot parse: the messages of gate check on
/// a tree, by path.
fn syntax_errors(tree: &str) -> Vec<(String, u64, String)> {
    let output = common::run(
        &common::fixture(tree),
        &["check", "--no-baseline", "--format", "json"],
    );
    assert!(output.code <= 1, "stderr: {}", output.stderr);
    let report: serde_json::Value = serde_json::from_str(&output.stdout).expect("valid JSON");
    report["violations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["kind"] == "syntax-error")
        .map(|v| {
            (
                v["path"].as_str().unwrap().to_string(),
                v["line"].as_u64().unwrap(),
                v["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn syntax_newer_than_the_target_version_is_a_syntax_error_naming_construct_and_version() {
    let found = syntax_errors("rules/target_version");
    let paths: Vec<&str> = found.iter().map(|(path, _, _)| path.as_str()).collect();
    // Near misses (except*, match, f-strings with other quotes) parse on 3.11.
    assert_eq!(
        paths,
        [
            "app/lazy.py",
            "app/pep695_alias.py",
            "app/pep695_generic.py",
            "app/pep701_fstring.py",
            "app/pep758_except.py",
            "app/tstring.py",
        ]
    );
    let message = |path: &str| &found.iter().find(|(p, _, _)| p == path).unwrap().2;
    assert!(
        message("app/pep701_fstring.py")
            .contains("f-strings on Python 3.11 (syntax was added in Python 3.12)"),
        "{found:?}"
    );
    assert!(message("app/pep695_generic.py").contains("type parameter lists on Python 3.11"));
    assert!(message("app/lazy.py").contains("`lazy` import statement on Python 3.11"));
    assert!(message("app/tstring.py").contains("t-strings on Python 3.11"));
    assert!(message("app/pep758_except.py").contains("added in Python 3.14"));
}

#[test]
fn without_target_version_the_target_is_the_lowest_python_requires_python_admits() {
    let found = syntax_errors("rules/target_version_requires");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "app/except_star.py");
    assert_eq!(found[0].1, 3);
    assert!(
        found[0].2.contains("Cannot use `except*` on Python 3.10"),
        "{found:?}"
    );
}
