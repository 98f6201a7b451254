//! The facts cache changes how long a run takes, never what it reports:
//! every fixture project gives the same bytes without a cache, cold, warm,
//! with a corrupt cache, with another version's cache, and on one or two
//! threads; an edited file is parsed again even when its size and time
//! stay, and an unchanged one is taken by its stat data, not read (the
//! unit tests of src/cache.rs and src/analyze.rs count the reads).

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::common::{self, copy_demo, gate};

/// The projects of the suite: the demo at the repository root and every
/// fixture tree with a gate.toml whose config loads.
fn projects() -> Vec<PathBuf> {
    let mut projects = common::configured_fixtures();
    projects.push(PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    projects.sort();
    assert!(projects.len() > 30, "{projects:?}");
    projects
}

/// What one run printed.
#[derive(Debug, PartialEq)]
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// `gate check` in `project` in `format`, with the cache in `cache` (none
/// when `None`), on `threads` threads.
fn check(project: &Path, format: &str, cache: Option<&Path>, threads: &str) -> Run {
    let mut args = vec![
        "check",
        "--no-baseline",
        "--format",
        format,
        "--threads",
        threads,
    ];
    let dir;
    match cache {
        Some(cache) => {
            dir = cache.display().to_string();
            args.extend(["--cache-dir", &dir]);
        }
        None => args.push("--no-cache"),
    }
    let output = gate(project, &args).output().unwrap();
    Run {
        code: output.status.code(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

/// The JSON report without the facts cache's warnings, and how many there
/// were.
fn without_cache_warnings(json: &str) -> (serde_json::Value, usize) {
    let mut report: serde_json::Value = serde_json::from_str(json).unwrap();
    let warnings = report["warnings"].as_array_mut().unwrap();
    let before = warnings.len();
    warnings.retain(|warning| warning["kind"] != "cache");
    let removed = before - warnings.len();
    (report, removed)
}

/// The cache files in `cache` (none for a project without files).
fn cache_files(cache: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(cache)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "bin"))
        .collect();
    files.sort();
    files
}

/// A cache file without what depends on when it was written: the start of
/// the run that wrote it, in the header, and the checksum, which covers it.
fn without_start(mut bytes: Vec<u8>) -> Vec<u8> {
    // magic, format, the version's length and the version, the build and
    // settings digests; then the start (16 bytes).
    let start = 8 + 4 + 1 + env!("CARGO_PKG_VERSION").len() + 16 + 16;
    bytes[start..start + 16].fill(0);
    let checksum = bytes.len() - 8;
    bytes[checksum..].fill(0);
    bytes
}

/// The one cache file of `cache`.
fn cache_file(cache: &Path) -> PathBuf {
    let files = cache_files(cache);
    assert_eq!(files.len(), 1, "{files:?}");
    files[0].clone()
}

#[test]
fn cold_and_warm_runs_print_the_same_bytes_as_runs_without_a_cache() {
    for project in projects() {
        let cache = tempfile::tempdir().unwrap();
        for format in ["json", "text"] {
            let reference = check(&project, format, None, "2");
            let cold = check(&project, format, Some(cache.path()), "2");
            let warm = check(&project, format, Some(cache.path()), "2");
            assert_eq!(cold, reference, "{} cold, {format}", project.display());
            assert_eq!(warm, reference, "{} warm, {format}", project.display());
        }
        assert!(
            cache.path().join(".gitignore").is_file(),
            "{}",
            project.display()
        );
    }
}

#[test]
fn one_and_two_threads_read_and_write_the_same_cache() {
    for project in projects() {
        let reference = check(&project, "json", None, "2");
        let one = tempfile::tempdir().unwrap();
        let two = tempfile::tempdir().unwrap();
        assert_eq!(check(&project, "json", Some(one.path()), "1"), reference);
        assert_eq!(check(&project, "json", Some(two.path()), "2"), reference);
        // Each reads the other's cache.
        assert_eq!(check(&project, "json", Some(one.path()), "2"), reference);
        assert_eq!(check(&project, "json", Some(two.path()), "1"), reference);
        let timeless = |cache: &Path| {
            cache_files(cache)
                .iter()
                .map(|file| without_start(std::fs::read(file).unwrap()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            timeless(one.path()),
            timeless(two.path()),
            "{}: the cache depends on the thread count",
            project.display()
        );
    }
}

/// A warm cache of `project`, damaged by `damage`, gives the report of a
/// run without a cache plus one warning saying why it was ignored; the next
/// run is warm again and silent.
fn ignored_with_one_warning(damage: impl Fn(&mut Vec<u8>), why: &str) {
    for project in projects() {
        let cache = tempfile::tempdir().unwrap();
        let reference = check(&project, "json", None, "2");
        check(&project, "json", Some(cache.path()), "2");
        if cache_files(cache.path()).is_empty() {
            continue;
        }
        let file = cache_file(cache.path());
        let mut bytes = std::fs::read(&file).unwrap();
        damage(&mut bytes);
        std::fs::write(&file, bytes).unwrap();

        let damaged = check(&project, "json", Some(cache.path()), "2");
        assert_eq!(damaged.code, reference.code, "{}", project.display());
        let (report, cache_warnings) = without_cache_warnings(&damaged.stdout);
        assert_eq!(report, without_cache_warnings(&reference.stdout).0);
        assert_eq!(cache_warnings, 1, "{}", damaged.stdout);
        assert!(damaged.stdout.contains(why), "{}", damaged.stdout);
        assert_eq!(
            damaged.stderr.matches("facts cache").count(),
            1,
            "{}",
            damaged.stderr
        );
        let text = check(&project, "text", None, "2");
        assert_eq!(check(&project, "json", Some(cache.path()), "2"), reference);
        assert_eq!(check(&project, "text", Some(cache.path()), "2"), text);
    }
}

#[test]
fn a_corrupt_cache_is_ignored_rebuilt_and_reported_once() {
    ignored_with_one_warning(
        |bytes| {
            let last = bytes.len() - 1;
            bytes[last] ^= 0x55;
        },
        "is corrupt (checksum mismatch)",
    );
}

#[test]
fn a_truncated_cache_is_ignored_rebuilt_and_reported_once() {
    ignored_with_one_warning(|bytes| bytes.truncate(bytes.len() / 2), "is corrupt");
}

#[test]
fn a_cache_of_another_version_is_ignored_rebuilt_and_reported_once() {
    let version = env!("CARGO_PKG_VERSION");
    let other = "9".repeat(version.len());
    ignored_with_one_warning(
        |bytes| {
            // magic (8), format (4), the version's length (1), the version.
            assert_eq!(&bytes[13..13 + version.len()], version.as_bytes());
            bytes[13..13 + version.len()].copy_from_slice(other.as_bytes());
        },
        &format!("was written by gate {other}"),
    );
}

#[test]
fn an_edit_that_keeps_size_and_time_is_seen_by_the_content_hash() {
    let project = copy_demo();
    let cache = tempfile::tempdir().unwrap();
    let file = project
        .path()
        .join("fixtures/demo/backend/app/api/incidents.py");
    let before = check(project.path(), "json", Some(cache.path()), "2");

    let modified = std::fs::metadata(&file).unwrap().modified().unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    // Same length: `services` becomes `servicez`, a module that is not there.
    let edited = text.replacen("app.services", "app.servicez", 1);
    assert_ne!(edited, text);
    assert_eq!(edited.len(), text.len());
    std::fs::write(&file, edited).unwrap();
    // Within the margin of the cold run: racy, and its change time moved.
    set_modified(&file, modified);
    assert_eq!(
        std::fs::metadata(&file).unwrap().modified().unwrap(),
        modified
    );

    let after = check(project.path(), "json", Some(cache.path()), "2");
    assert_ne!(after.stdout, before.stdout);
    assert_eq!(after, check(project.path(), "json", None, "2"));
}

/// Longer than the facts cache's racy margin (3 s): a file written that
/// long before a run is not racy for the cache it writes.
const NOT_RACY: Duration = Duration::from_millis(3_500);

/// Sets the modification time of `file` (its change time becomes now).
fn set_modified(file: &Path, time: SystemTime) {
    std::fs::File::options()
        .write(true)
        .open(file)
        .unwrap()
        .set_modified(time)
        .unwrap();
}

#[test]
fn stat_data_older_than_the_cache_are_trusted_until_a_touch_or_an_edit_changes_them() {
    let project = copy_demo();
    let cache = tempfile::tempdir().unwrap();
    let api = project.path().join("fixtures/demo/backend/app/api");
    let (edited, touched) = (api.join("incidents.py"), api.join("oncall.py"));
    let hour_ago = SystemTime::now() - Duration::from_secs(3600);
    set_modified(&edited, hour_ago);
    // Every file's times older than the margin before the cold run: no
    // entry is racy, every stat-equal file is taken without a read.
    std::thread::sleep(NOT_RACY);
    let reference = check(project.path(), "json", None, "2");
    assert_eq!(
        check(project.path(), "json", Some(cache.path()), "2"),
        reference
    );
    let file = cache_file(cache.path());
    let cold = std::fs::read(&file).unwrap();
    assert_eq!(
        check(project.path(), "json", Some(cache.path()), "2"),
        reference
    );
    assert_eq!(std::fs::read(&file).unwrap(), cold, "a warm run wrote");

    // Touched: new times, the same bytes; confirmed by the hash, and its
    // entry refreshed, so the cache is written once; older than the margin
    // by then, the next run takes it by its stat data.
    set_modified(&touched, SystemTime::now());
    std::thread::sleep(NOT_RACY);
    assert_eq!(
        check(project.path(), "json", Some(cache.path()), "2"),
        reference
    );
    let refreshed = std::fs::read(&file).unwrap();
    assert_ne!(
        refreshed, cold,
        "the touched file's entry was not refreshed"
    );
    assert_eq!(
        check(project.path(), "json", Some(cache.path()), "2"),
        reference
    );
    assert_eq!(std::fs::read(&file).unwrap(), refreshed, "written twice");

    // Edited in place with the same size, its modification time set back:
    // size, times of long ago, inode are those of the entry; only the
    // change time shows the edit.
    let text = std::fs::read_to_string(&edited).unwrap();
    let edit = text.replacen("app.services", "app.servicez", 1);
    assert_eq!((edit != text, edit.len()), (true, text.len()));
    std::fs::write(&edited, edit).unwrap();
    set_modified(&edited, hour_ago);
    let after = check(project.path(), "json", Some(cache.path()), "2");
    assert_ne!(after.stdout, reference.stdout);
    assert_eq!(after, check(project.path(), "json", None, "2"));
}

#[test]
fn the_default_cache_is_in_the_project_root_and_ignored_by_git() {
    let project = copy_demo();
    let mut command = gate(project.path(), &["check", "--no-baseline"]);
    command.env_remove("GATE_CACHE_DIR");
    command.output().unwrap();
    let cache = project.path().join(".gate_cache");
    assert_eq!(
        std::fs::read_to_string(cache.join(".gitignore")).unwrap(),
        "# Created by gate: nothing here belongs in git.\n*\n"
    );
    cache_file(&cache);

    let elsewhere = tempfile::tempdir().unwrap();
    let mut command = gate(project.path(), &["check", "--no-baseline"]);
    command.env("GATE_CACHE_DIR", elsewhere.path());
    command.output().unwrap();
    cache_file(elsewhere.path());

    let unused = tempfile::tempdir().unwrap();
    let mut command = gate(project.path(), &["check", "--no-baseline", "--no-cache"]);
    command.env("GATE_CACHE_DIR", unused.path());
    command.output().unwrap();
    assert_eq!(std::fs::read_dir(unused.path()).unwrap().count(), 0);
}

#[test]
fn a_run_from_a_subfolder_uses_the_same_cache() {
    // The repository's own tree, read only: files older than the racy
    // margin, so that a warm run never has a racy entry to write again (a
    // fresh copy would, once, on a machine slow enough to take 3 s).
    let project = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cache = tempfile::tempdir().unwrap();
    let at_root = check(project, "json", Some(cache.path()), "2");
    let file = cache_file(cache.path());
    let before = std::fs::metadata(&file).unwrap().modified().unwrap();
    let below = project.join("fixtures/demo/backend");
    let from_below = check(&below, "json", Some(cache.path()), "2");
    assert_eq!(from_below.code, at_root.code);
    assert_eq!(cache_file(cache.path()), file);
    // Nothing changed: the cache was read, not written again.
    assert_eq!(
        std::fs::metadata(&file).unwrap().modified().unwrap(),
        before
    );
}

#[test]
fn check_and_map_keep_their_own_caches_and_do_not_rebuild_each_other() {
    // Import rules only: the map's line counts are facts the check skips.
    // Not a copy, as in the test above.
    let project = common::fixture("rules/layers");
    let cache = tempfile::tempdir().unwrap();
    let dir = cache.path().display().to_string();
    let run = |command: &[&str]| {
        let mut args = command.to_vec();
        args.extend(["--no-baseline", "--cache-dir", &dir]);
        gate(&project, &args).output().unwrap()
    };
    run(&["check"]);
    run(&["map"]);
    let files = cache_files(cache.path());
    assert_eq!(files.len(), 2, "{files:?}");
    let times = || {
        files
            .iter()
            .map(|file| std::fs::metadata(file).unwrap().modified().unwrap())
            .collect::<Vec<_>>()
    };
    let before = times();
    run(&["check"]);
    run(&["map"]);
    assert_eq!(times(), before, "a warm run rewrote a cache");
}
