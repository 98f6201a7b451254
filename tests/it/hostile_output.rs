//! What gate writes and prints when the file system or the pull request
//! under review is hostile: FIFOs and links where files are expected,
//! temp files left by a killed run, and file names or module strings
//! built to forge workflow commands or Markdown.

use std::os::unix::fs::{FileTypeExt, PermissionsExt, symlink};
use std::path::Path;
use std::time::{Duration, SystemTime};

use crate::common::{self, copy_fixture, run};

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// The names in `dir` that start with `prefix`, sorted.
fn names_starting(dir: &Path, prefix: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(prefix))
        .collect();
    names.sort();
    names
}

#[test]
fn output_to_a_fifo_is_written_through_and_the_fifo_stays() {
    let project = copy_fixture("github/project");
    let fifo = project.path().join("report.fifo");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    // A second name for the FIFO, for the reader: if gate replaced the
    // first name by a file, the reader can still be released.
    let reader_end = project.path().join("reader.fifo");
    std::fs::hard_link(&fifo, &reader_end).unwrap();
    let reader = {
        let reader_end = reader_end.clone();
        std::thread::spawn(move || std::fs::read_to_string(reader_end).unwrap())
    };

    let output = run(
        project.path(),
        &["check", "--format", "json", "--output", "report.fifo"],
    );

    let still_a_fifo = std::fs::symlink_metadata(&fifo)
        .unwrap()
        .file_type()
        .is_fifo();
    if !reader.is_finished() {
        // Release the reader (gate never opened the FIFO): opening the
        // write end without blocking fails harmlessly once it has gone.
        use std::os::unix::fs::OpenOptionsExt;
        let _ = std::fs::OpenOptions::new()
            .write(true)
            .custom_flags(O_NONBLOCK)
            .open(&reader_end);
    }
    let read = reader.join().unwrap();
    assert_eq!(output.code, 1, "{}", output.stderr);
    assert!(still_a_fifo, "the FIFO was replaced by a file");
    let report: serde_json::Value = serde_json::from_str(&read).expect("the reader got the JSON");
    assert_eq!(report["summary"]["new"], 5);
    assert!(names_starting(project.path(), ".gate-tmp").is_empty());
    assert!(names_starting(project.path(), ".tmp").is_empty());
}

/// `O_NONBLOCK` on Linux (x86-64 and aarch64), without a libc dependency.
const O_NONBLOCK: i32 = 0o4000;

#[test]
fn a_symlinked_baseline_is_written_through_and_the_link_kept() {
    let project = copy_fixture("github/project");
    let store = project.path().join("store");
    std::fs::create_dir(&store).unwrap();
    let real = store.join("baseline.json");
    std::fs::rename(project.path().join("baseline.json"), &real).unwrap();
    symlink("store/baseline.json", project.path().join("baseline.json")).unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o644)).unwrap();

    let output = run(project.path(), &["baseline", "init", "--force"]);
    assert_eq!(output.code, 0, "{}", output.stderr);

    let link = project.path().join("baseline.json");
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link was replaced by a file"
    );
    assert_eq!(
        std::fs::read_link(&link).unwrap(),
        Path::new("store/baseline.json")
    );
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&real).unwrap()).unwrap();
    assert_eq!(written["entries"].as_array().unwrap().len(), 6);
    assert_eq!(mode(&real), 0o644, "the file lost its mode");
    assert_eq!(names_starting(&store, "."), Vec::<String>::new());
    assert_eq!(names_starting(project.path(), "."), Vec::<String>::new());
}

#[test]
fn a_rewritten_file_keeps_its_mode_and_a_new_one_gets_the_umasks() {
    let project = copy_fixture("github/project");
    let baseline = project.path().join("baseline.json");
    std::fs::set_permissions(&baseline, std::fs::Permissions::from_mode(0o664)).unwrap();
    let output = run(project.path(), &["baseline", "init", "--force"]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert_eq!(mode(&baseline), 0o664);

    let gate = assert_cmd::cargo::cargo_bin("gate");
    let status = std::process::Command::new("sh")
        .current_dir(project.path())
        .arg("-c")
        .arg(r#"umask 027 && exec "$0" check --format json --output new-report.json"#)
        .arg(&gate)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0), "all adopted into the baseline");
    assert_eq!(mode(&project.path().join("new-report.json")), 0o640);
}

#[test]
fn temp_files_of_a_killed_run_are_removed_by_the_next_write() {
    let project = copy_fixture("github/project");
    let dir = project.path();
    // No process has a pid this high (Linux's pid_max is at most 2^22).
    let dead = ".gate-tmp-4194304-0-baseline.json";
    // This test's own process is alive: its temp file may be in use...
    let alive = format!(".gate-tmp-{}-0-baseline.json", std::process::id());
    // ...unless it is older than any write takes.
    let stale = format!(".gate-tmp-{}-1-baseline.json", std::process::id());
    let other_file = ".gate-tmp-4194304-0-other.json";
    let not_ours = ".tmpAbc123";
    for name in [dead, &alive, &stale, other_file, not_ours] {
        std::fs::write(dir.join(name), "half a baseline").unwrap();
    }
    let two_hours_ago = SystemTime::now() - Duration::from_secs(2 * 3600);
    std::fs::File::options()
        .write(true)
        .open(dir.join(&stale))
        .unwrap()
        .set_modified(two_hours_ago)
        .unwrap();

    let output = run(dir, &["baseline", "init", "--force"]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    let mut left = names_starting(dir, ".");
    left.retain(|name| name != ".gitignore");
    let mut expected = vec![alive, other_file.to_string(), not_ours.to_string()];
    expected.sort();
    assert_eq!(left, expected);
}

#[test]
fn a_failed_write_names_the_file_not_the_temp_file() {
    let project = copy_fixture("github/project");
    let output = run(
        project.path(),
        &["baseline", "init", "--baseline", "missing/baseline.json"],
    );
    assert_eq!(output.code, 2);
    assert!(
        output
            .stderr
            .contains("error: cannot write missing/baseline.json (creating a temporary file beside it): No such file or directory"),
        "{}",
        output.stderr
    );
    assert!(!output.stderr.contains(".tmp"), "{}", output.stderr);
    assert!(!output.stderr.contains("gate-tmp"), "{}", output.stderr);

    // A report over a folder: no rename of a temp file, and the folder's
    // name in the message.
    std::fs::create_dir(project.path().join("taken")).unwrap();
    common::write(project.path(), "taken/keep", "kept");
    let output = run(
        project.path(),
        &["check", "--format", "json", "--output", "taken"],
    );
    assert_eq!(output.code, 2);
    assert!(
        output
            .stderr
            .contains("error: cannot write taken: Is a directory"),
        "{}",
        output.stderr
    );
    assert!(!output.stderr.contains("tmp"), "{}", output.stderr);
    assert_eq!(
        std::fs::read_to_string(project.path().join("taken/keep")).unwrap(),
        "kept"
    );
}

/// A project whose file names and module strings try to forge workflow
/// commands: a file name with a line break, a module string with line
/// breaks, and `::stop-commands::` to switch gate's annotations off.
fn forging_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    common::write(
        root,
        "gate.toml",
        "[project]\nroots = [\".\"]\n\n[[rule]]\nkind = \"forbidden-import\"\n\
         name = \"no-x\"\nfrom = [\"app\"]\nto = [\"x\"]\nmessage = \"x is off limits\"\n\n\
         [[rule]]\nkind = \"max-lines\"\nname = \"one-line\"\nmax = 1\n",
    );
    common::write(root, "app/__init__.py", "");
    common::write(
        root,
        "app/dynamic.py",
        "import importlib\n\
         importlib.import_module(\"x.y\\n::error title=forged::owned by a module string\")\n\
         importlib.import_module(\"x.z\\r::stop-commands::pwned\\n::warning::after stop\")\n",
    );
    common::write(
        root,
        "app/evil\n::warning title=forged::owned by a file name\n.py",
        "import x\nimport y\n",
    );
    common::write(
        root,
        "app/a\r::stop-commands::pwned2.py",
        "import x\nimport y\n",
    );
    // A path that starts a report line: only `inert` keeps that line from
    // being a command.
    common::write(
        root,
        "::error title=forged::at the start of a line.py",
        "a = 1\nb = 2\n",
    );
    dir
}

/// Every line a workflow runner would read from `text` (it splits on
/// `\n` and `\r` and ignores leading whitespace) that starts a command.
fn command_lines(text: &str) -> Vec<&str> {
    text.split(['\n', '\r'])
        .map(str::trim_start)
        .filter(|line| line.starts_with("::"))
        .collect()
}

/// Asserts that the only commands in `text` are gate's own annotations
/// and notices, with no user text outside their escaped message.
fn assert_no_forged_command(text: &str) {
    for line in command_lines(text) {
        let legitimate = [
            "::error file=",
            "::warning file=",
            "::notice title=gate::",
            "::warning title=gate::",
        ]
        .iter()
        .any(|start| line.starts_with(start));
        assert!(
            legitimate,
            "a forged workflow command: {line:?}\nin:\n{text}"
        );
        let (_, message) = line[2..].split_once("::").unwrap();
        assert!(
            !message.contains('\n') && !message.contains('\r'),
            "{line:?}"
        );
    }
}

#[test]
fn no_file_name_or_module_string_can_forge_a_workflow_command() {
    let project = forging_project();
    let check = run(project.path(), &["check", "--no-baseline"]);
    assert_eq!(check.code, 1, "{}{}", check.stdout, check.stderr);
    assert!(
        check.stdout.contains("owned by a file name"),
        "{}",
        check.stdout
    );
    assert!(
        check.stdout.contains("owned by a module string"),
        "{}",
        check.stdout
    );
    assert!(check.stdout.contains("stop-commands"), "{}", check.stdout);
    assert!(
        check.stdout.contains("at the start of a line.py:"),
        "{}",
        check.stdout
    );
    assert!(command_lines(&check.stdout).is_empty(), "{}", check.stdout);
    assert!(command_lines(&check.stderr).is_empty(), "{}", check.stderr);
    let markdown = run(
        project.path(),
        &["check", "--no-baseline", "--format", "markdown"],
    );
    assert!(
        command_lines(&markdown.stdout).is_empty(),
        "{}",
        markdown.stdout
    );

    // The annotations stay, escaped; everything else is inert.
    let github = run(
        project.path(),
        &["check", "--no-baseline", "--format", "github"],
    );
    assert_no_forged_command(&github.stdout);
    assert_eq!(command_lines(&github.stdout).len(), 6, "{}", github.stdout);

    let mut ci = common::gate(project.path(), &["ci", "--no-baseline"]);
    for (name, _) in std::env::vars() {
        if name.starts_with("GITHUB_") || name.starts_with("RUNNER_") {
            ci.env_remove(name);
        }
    }
    let output = ci.env("GITHUB_ACTIONS", "true").output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_no_forged_command(&stdout);
    assert!(command_lines(&stderr).is_empty(), "{stderr}");
    let annotations = command_lines(&stdout)
        .iter()
        .filter(|line| line.starts_with("::error file="))
        .count();
    assert_eq!(annotations, 6, "{stdout}");
}
