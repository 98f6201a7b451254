//! `gate init`: the config it proposes loads, the check right after it
//! passes with the baseline it wrote, and it never overwrites what is
//! there without --force.

use std::path::{Path, PathBuf};

use crate::common::{self, copy_fixture, copy_tree, fixture, run, write};

fn read(dir: &Path, relative: &str) -> String {
    std::fs::read_to_string(dir.join(relative)).unwrap()
}

/// Every file below `dir` with its contents, to prove nothing changed.
fn snapshot_tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push((path.clone(), std::fs::read(&path).unwrap()));
            }
        }
    }
    files.sort();
    files
}

/// The fixture projects: every folder under fixtures/ holding a gate.toml
/// (the config-error fixtures hold no Python), the demo and the init trees.
fn fixture_projects() -> Vec<PathBuf> {
    let mut projects = common::configured_fixtures();
    projects.push(fixture("demo"));
    for entry in std::fs::read_dir(fixture("init")).unwrap() {
        projects.push(entry.unwrap().path());
    }
    projects.sort();
    projects
}

/// A copy of `project` without its config and baseline.
fn bare_copy(project: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(project, dir.path());
    for name in ["gate.toml", "baseline.json"] {
        let _ = std::fs::remove_file(dir.path().join(name));
    }
    dir
}

#[test]
fn init_on_every_fixture_project_writes_a_config_that_loads_and_a_baseline_that_passes() {
    let projects = fixture_projects();
    assert!(projects.len() > 30, "{projects:?}");
    for project in projects {
        let dir = bare_copy(&project);
        let init = run(dir.path(), &["init"]);
        assert_eq!(init.code, 0, "{}: {}", project.display(), init.stderr);
        assert!(dir.path().join("gate.toml").is_file());
        assert!(dir.path().join("baseline.json").is_file());
        let check = run(dir.path(), &["check"]);
        assert_eq!(
            check.code,
            0,
            "{}: {}{}\n{}",
            project.display(),
            check.stdout,
            check.stderr,
            read(dir.path(), "gate.toml")
        );
        assert!(
            check.stdout.contains(": 0 new,"),
            "{}: {}",
            project.display(),
            check.stdout
        );
    }
}

#[test]
fn the_config_for_a_django_site() {
    let dir = copy_fixture("init/django_site");
    let output = run(dir.path(), &["init", "--dry-run"]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    insta::assert_snapshot!("django_site_gate_toml", output.stdout);
    insta::assert_snapshot!("django_site_counts", output.stderr);
}

#[test]
fn the_config_for_a_fastapi_service_in_a_src_layout() {
    let dir = copy_fixture("init/fastapi_app");
    let output = run(dir.path(), &["init", "--dry-run"]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    insta::assert_snapshot!("fastapi_app_gate_toml", output.stdout);
}

#[test]
fn init_reports_per_rule_counts_writes_both_files_and_says_what_is_next() {
    let dir = copy_fixture("init/fastapi_app");
    let output = run(dir.path(), &["init"]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    for expected in [
        "  layers             3 violations in 2 files\n",
        "  api-no-db-writes   2 violations in 1 file\n",
        "  no-sys-path-hacks  1 violation in 1 file\n",
        "  syntax-error       0 violations in 0 files\n",
        "wrote gate.toml\n",
        "  no-package-cycles  5 violations in 3 files\n",
        "wrote baseline.json: 11 entries for 11 violations\n",
        "git add gate.toml baseline.json",
        "pre-commit",
    ] {
        assert!(
            output.stderr.contains(expected),
            "{expected}: {}",
            output.stderr
        );
    }
    // The virtualenv that .gitignore does not hide is excluded.
    assert!(read(dir.path(), "gate.toml").contains("exclude = [\"venv\"]"));
}

#[test]
fn dry_run_prints_the_config_and_writes_nothing() {
    let dir = copy_fixture("init/django_site");
    let before = snapshot_tree(dir.path());
    let output = run(dir.path(), &["init", "--dry-run"]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert_eq!(snapshot_tree(dir.path()), before);
    assert!(
        output.stderr.ends_with("dry run: nothing written\n"),
        "{}",
        output.stderr
    );
    // What it prints is the config `gate init` would write.
    write(dir.path(), "gate.toml", &output.stdout);
    let check = run(dir.path(), &["check"]);
    assert_eq!(check.code, 1, "every violation is new without a baseline");
    assert!(
        check.stderr.contains("gate baseline init"),
        "{}",
        check.stderr
    );
}

#[test]
fn an_existing_config_or_baseline_is_never_overwritten_without_force() {
    let dir = copy_fixture("init/django_site");
    for (file, contents) in [
        ("gate.toml", "[project]\n"),
        ("baseline.json", "{\"version\": 1, \"entries\": []}\n"),
    ] {
        write(dir.path(), file, contents);
        let before = snapshot_tree(dir.path());
        let output = run(dir.path(), &["init"]);
        assert_eq!(output.code, 2, "{file}: {}", output.stderr);
        assert!(
            output.stderr.contains(&format!(
                "error: {file} already exists; gate init does not overwrite it"
            )),
            "{}",
            output.stderr
        );
        assert!(
            output.stderr.contains("`gate init --force`"),
            "{}",
            output.stderr
        );
        assert_eq!(snapshot_tree(dir.path()), before, "{file}");
        std::fs::remove_file(dir.path().join(file)).unwrap();
    }
    // --no-baseline leaves an existing baseline alone, so it is no conflict.
    write(
        dir.path(),
        "baseline.json",
        "{\"version\": 1, \"entries\": []}\n",
    );
    let output = run(dir.path(), &["init", "--no-baseline"]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert_eq!(
        read(dir.path(), "baseline.json"),
        "{\"version\": 1, \"entries\": []}\n"
    );
    // --force replaces both.
    let output = run(dir.path(), &["init", "--force"]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert!(read(dir.path(), "baseline.json").contains("api-no-orm-writes"));
    assert_eq!(run(dir.path(), &["check"]).code, 0);
}

#[test]
fn a_tool_gate_table_in_pyproject_is_an_existing_config() {
    let dir = copy_fixture("init/fastapi_app");
    let pyproject =
        read(dir.path(), "pyproject.toml") + "\n[tool.gate.project]\nroots = [\"src\"]\n";
    write(dir.path(), "pyproject.toml", &pyproject);
    for args in [&["init"][..], &["init", "--pyproject"]] {
        let output = run(dir.path(), args);
        assert_eq!(output.code, 2, "{args:?}: {}", output.stderr);
        assert!(
            output
                .stderr
                .contains("error: [tool.gate] in pyproject.toml already exists"),
            "{}",
            output.stderr
        );
    }
    assert_eq!(read(dir.path(), "pyproject.toml"), pyproject);
}

#[test]
fn pyproject_keeps_every_byte_of_the_existing_file() {
    let dir = copy_fixture("init/fastapi_app");
    let before = read(dir.path(), "pyproject.toml");
    let output = run(dir.path(), &["init", "--pyproject"]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    let after = read(dir.path(), "pyproject.toml");
    assert!(after.starts_with(&before), "{after}");
    assert!(
        after[before.len()..].contains("\n[tool.gate.project]\n"),
        "{after}"
    );
    assert!(
        after.contains("\n[[tool.gate.layer]]\nname = \"api\""),
        "{after}"
    );
    assert!(!dir.path().join("gate.toml").exists());
    assert!(
        output.stderr.contains("wrote pyproject.toml\n"),
        "{}",
        output.stderr
    );
    let check = run(dir.path(), &["check"]);
    assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);

    // --force takes the old [tool.gate] out and appends the new one.
    let output = run(dir.path(), &["init", "--pyproject", "--force"]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert_eq!(read(dir.path(), "pyproject.toml"), after);
}

#[test]
fn pyproject_is_refused_while_a_gate_toml_would_win_over_it() {
    let dir = copy_fixture("init/fastapi_app");
    write(dir.path(), "gate.toml", "[project]\n");
    let output = run(dir.path(), &["init", "--pyproject", "--force"]);
    assert_eq!(output.code, 2, "{}", output.stderr);
    assert!(
        output.stderr.contains(
            "error: gate.toml exists, and it would win over a [tool.gate] table in pyproject.toml"
        ),
        "{}",
        output.stderr
    );
    let bare = copy_fixture("init/django_site");
    let output = run(bare.path(), &["init", "--pyproject"]);
    assert_eq!(output.code, 2);
    assert!(
        output
            .stderr
            .contains("--pyproject: there is no pyproject.toml"),
        "{}",
        output.stderr
    );
}

#[test]
fn init_sets_up_the_folder_it_is_given() {
    let parent = tempfile::tempdir().unwrap();
    let project = parent.path().join("service");
    std::fs::create_dir(&project).unwrap();
    copy_tree(&fixture("init/fastapi_app"), &project);
    let output = run(parent.path(), &["init", "service", "--no-baseline"]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert!(
        output.stderr.contains("wrote service/gate.toml\n"),
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("git add service/gate.toml\n"),
        "{}",
        output.stderr
    );
    assert!(!project.join("baseline.json").exists());
    assert!(!parent.path().join("gate.toml").exists());
    // No baseline: a first run, everything is new.
    let check = run(&project, &["check"]);
    assert_eq!(check.code, 1, "{}", check.stderr);
    assert!(check.stdout.contains("11 new, 0 known"), "{}", check.stdout);
}

#[test]
fn init_of_something_that_is_not_a_folder_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(dir.path(), &["init", "missing"]);
    assert_eq!(output.code, 2);
    assert!(
        output.stderr.contains("error: missing is not a folder"),
        "{}",
        output.stderr
    );
}
