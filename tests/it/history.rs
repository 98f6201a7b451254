//! `gate baseline history`: the real binary on small git repositories built
//! here, with fixed names and dates so that commit hashes, and so the
//! snapshots, are the same on every run.

use std::path::Path;
use std::process::Command;

use crate::common::{run, write};

/// A git repository in a temporary folder, with a minimal gate.toml.
pub(crate) struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    pub(crate) fn new(config: &str) -> Repo {
        let repo = Repo {
            dir: tempfile::tempdir().unwrap(),
        };
        repo.git(&["init", "-q", "-b", "main"]);
        write(repo.path(), "gate.toml", config);
        repo
    }

    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    fn git(&self, args: &[&str]) -> String {
        git(self.path(), args)
    }

    /// Commits every change of the work tree at `day` (of January 2026 and
    /// after: day 32 is February 1st).
    pub(crate) fn commit(&self, day: u32, subject: &str) {
        self.git(&["add", "-A"]);
        let date = date(day);
        let output = git_command(self.path())
            .args(["commit", "-q", "--allow-empty", "-m", subject])
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date)
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
    }

    pub(crate) fn write_baseline(&self, relative: &str, entries: &[(&str, &str, u32)]) {
        write(self.path(), relative, &baseline(entries));
    }
}

fn date(day: u32) -> String {
    let (month, day) = if day > 31 { (2, day - 31) } else { (1, day) };
    format!("2026-{month:02}-{day:02}T10:00:00+00:00")
}

/// git with a fixed identity and none of this machine's settings.
pub(crate) fn git_command(dir: &Path) -> Command {
    let mut command = Command::new("git");
    command
        .arg("-C")
        .arg(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Dev")
        .env("GIT_AUTHOR_EMAIL", "dev@example.com")
        .env("GIT_COMMITTER_NAME", "Dev")
        .env("GIT_COMMITTER_EMAIL", "dev@example.com");
    command
}

pub(crate) fn git(dir: &Path, args: &[&str]) -> String {
    let output = git_command(dir).args(args).output().unwrap();
    assert!(output.status.success(), "git {args:?}: {output:?}");
    String::from_utf8(output.stdout).unwrap()
}

/// baseline.json allowing `count` occurrences of `rule` in `path` per entry.
pub(crate) fn baseline(entries: &[(&str, &str, u32)]) -> String {
    let entries: Vec<serde_json::Value> = entries
        .iter()
        .map(|(rule, path, count)| {
            serde_json::json!({
                "rule": rule, "path": path, "scope": "<module>", "subject": "s",
                "count": count, "message": "m",
            })
        })
        .collect();
    serde_json::to_string_pretty(&serde_json::json!({"version": 1, "entries": entries})).unwrap()
}

pub(crate) const CONFIG: &str = "[project]\nroots = [\".\"]\n";

/// Four commits change the baseline (one leaves it corrupt), one does not.
pub(crate) fn paying_down_debt() -> Repo {
    let repo = Repo::new(CONFIG);
    repo.write_baseline(
        "baseline.json",
        &[
            ("api-no-db-writes", "app/api/a.py", 3),
            ("import-cycle", "app/b.py", 2),
            ("api-no-db-writes", "app/api/c.py", 1),
        ],
    );
    repo.commit(1, "Adopt gate");
    repo.write_baseline(
        "baseline.json",
        &[
            ("api-no-db-writes", "app/api/a.py", 2),
            ("import-cycle", "app/b.py", 2),
        ],
    );
    repo.commit(5, "Fix writes in the api");
    write(
        repo.path(),
        "baseline.json",
        "<<<<<<< HEAD\n{\"version\": 1,",
    );
    repo.commit(7, "Merge main (conflict left in the baseline)");
    write(repo.path(), "app/other.py", "x = 1\n");
    repo.commit(8, "Unrelated change");
    repo.write_baseline("baseline.json", &[("import-cycle", "app/b.py", 1)]);
    repo.commit(32, "Repair the baseline, break a cycle");
    repo
}

/// (subject, total) of each point of a JSON history, oldest first.
fn totals(json: &str) -> Vec<(String, u64)> {
    let history: serde_json::Value = serde_json::from_str(json).unwrap();
    history["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|point| {
            (
                point["subject"].as_str().unwrap().to_string(),
                point["total"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn the_debt_per_rule_at_each_commit_that_changed_the_baseline() {
    let repo = paying_down_debt();
    let text = run(repo.path(), &["baseline", "history"]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    insta::assert_snapshot!("history_text", text.stdout);
    // The corrupt commit is named, never silently dropped.
    insta::assert_snapshot!("history_text_warnings", text.stderr);
    let json = run(repo.path(), &["baseline", "history", "--format", "json"]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    insta::assert_snapshot!("history_json", json.stdout);
    assert_eq!(
        totals(&json.stdout),
        [
            ("Adopt gate".to_string(), 6),
            ("Fix writes in the api".to_string(), 4),
            ("Repair the baseline, break a cycle".to_string(), 1),
        ]
    );
    let svg = run(repo.path(), &["baseline", "history", "--format", "svg"]);
    assert_eq!(svg.code, 0, "{}", svg.stderr);
    assert_well_formed(&svg.stdout);
    insta::assert_snapshot!("history_svg", svg.stdout);
}

#[test]
fn a_baseline_of_another_format_version_is_named_and_left_out() {
    let repo = Repo::new(CONFIG);
    write(
        repo.path(),
        "baseline.json",
        "{\"version\": 0, \"violations\": []}",
    );
    repo.commit(1, "Adopt an early gate");
    repo.write_baseline("baseline.json", &[("r", "a.py", 2)]);
    repo.commit(2, "Upgrade gate");
    let output = run(repo.path(), &["baseline", "history", "--format", "json"]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert_eq!(totals(&output.stdout), [("Upgrade gate".to_string(), 2)]);
    let short = repo.git(&["rev-parse", "--short=7", "HEAD~1"]);
    let short = short.trim();
    assert_eq!(
        output.stderr,
        format!(
            "warning: commit {short} (2026-01-01 \"Adopt an early gate\") left out of the history: \
             the baseline baseline.json at {short} has version 0, but this gate reads only version 1\n"
        )
    );
    let history: serde_json::Value = serde_json::from_str(&output.stdout).unwrap();
    assert_eq!(history["skipped"][0]["subject"], "Adopt an early gate");
}

#[test]
fn output_goes_to_a_file_in_the_format_its_name_says() {
    let repo = paying_down_debt();
    let printed = run(repo.path(), &["baseline", "history", "--format", "svg"]);
    let written = run(repo.path(), &["baseline", "history", "-o", "out/debt.svg"]);
    assert_eq!(written.code, 0, "{}", written.stderr);
    assert_eq!(written.stdout, "");
    let file = std::fs::read_to_string(repo.path().join("out/debt.svg")).unwrap();
    assert_eq!(file, printed.stdout);
    assert!(file.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    // Self-contained: the namespace is the only URL.
    assert_eq!(file.matches("://").count(), 1, "{file}");
}

#[test]
fn max_count_and_since_are_passed_to_git() {
    let repo = paying_down_debt();
    let json = |args: &[&str]| {
        let output = run(
            repo.path(),
            &[&["baseline", "history", "--format", "json"], args].concat(),
        );
        assert_eq!(output.code, 0, "{}", output.stderr);
        totals(&output.stdout)
    };
    // The two most recent commits that changed it: the repair and the
    // corrupt one, which is left out.
    assert_eq!(
        json(&["--max-count", "2"]),
        [("Repair the baseline, break a cycle".to_string(), 1)]
    );
    assert_eq!(
        json(&["--since", "2026-01-04"]),
        [
            ("Fix writes in the api".to_string(), 4),
            ("Repair the baseline, break a cycle".to_string(), 1),
        ]
    );
    assert_eq!(json(&["--since", "2027-01-01"]), []);
}

#[test]
fn a_renamed_then_deleted_baseline_is_followed_and_ends_at_zero() {
    let repo = Repo::new(&format!("{CONFIG}baseline = \"ci/baseline.json\"\n"));
    repo.write_baseline("baseline.json", &[("r", "a.py", 2)]);
    repo.commit(1, "Adopt gate");
    std::fs::create_dir(repo.path().join("ci")).unwrap();
    std::fs::rename(
        repo.path().join("baseline.json"),
        repo.path().join("ci/baseline.json"),
    )
    .unwrap();
    repo.commit(2, "Move the baseline");
    repo.write_baseline("ci/baseline.json", &[("r", "a.py", 1)]);
    repo.commit(3, "Fix one");
    std::fs::remove_file(repo.path().join("ci/baseline.json")).unwrap();
    repo.commit(4, "Drop the baseline");
    let output = run(repo.path(), &["baseline", "history"]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    insta::assert_snapshot!(output.stdout);
    let json = run(repo.path(), &["baseline", "history", "--format", "json"]);
    let history: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(history["baseline"], "ci/baseline.json");
    assert_eq!(history["points"][3]["deleted"], true);
    assert_eq!(history["points"][3]["per_rule"]["r"], 0);
}

#[test]
fn a_merge_is_one_step_of_the_branch_and_side_branch_states_are_left_out() {
    let repo = Repo::new(CONFIG);
    repo.write_baseline("baseline.json", &[("a", "x.py", 3), ("b", "y.py", 2)]);
    repo.commit(1, "Adopt gate");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write_baseline("baseline.json", &[("a", "x.py", 2), ("b", "y.py", 2)]);
    repo.commit(2, "Feature: fix one a");
    repo.git(&["checkout", "-q", "main"]);
    repo.write_baseline("baseline.json", &[("a", "x.py", 3), ("b", "y.py", 1)]);
    repo.commit(3, "Main: fix one b");
    repo.git(&["merge", "-q", "--no-ff", "--no-commit", "feature"]);
    repo.write_baseline("baseline.json", &[("a", "x.py", 2), ("b", "y.py", 1)]);
    repo.commit(4, "Merge feature");
    let output = run(repo.path(), &["baseline", "history", "--format", "json"]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert_eq!(
        totals(&output.stdout),
        [
            ("Adopt gate".to_string(), 5),
            ("Main: fix one b".to_string(), 4),
            ("Merge feature".to_string(), 3),
        ]
    );
}

/// A repository whose gate config and baseline (2 allowed) are in
/// `backend/`, adopted in one commit with `subject`.
fn backend_repo(subject: &str) -> Repo {
    let repo = Repo::new(CONFIG);
    std::fs::remove_file(repo.path().join("gate.toml")).unwrap();
    write(repo.path(), "backend/gate.toml", CONFIG);
    repo.write_baseline("backend/baseline.json", &[("r", "a.py", 2)]);
    repo.commit(1, subject);
    repo
}

#[test]
fn the_config_of_a_subfolder_finds_its_baseline_in_the_repository() {
    let repo = backend_repo("Adopt gate in the backend");
    let output = run(
        &repo.path().join("backend"),
        &["baseline", "history", "--format", "json"],
    );
    assert_eq!(output.code, 0, "{}", output.stderr);
    let history: serde_json::Value = serde_json::from_str(&output.stdout).unwrap();
    assert_eq!(history["baseline"], "backend/baseline.json");
    assert_eq!(
        totals(&output.stdout),
        [("Adopt gate in the backend".to_string(), 2)]
    );
}

#[test]
fn the_users_git_config_does_not_change_what_is_read() {
    let repo = backend_repo("Adopt gate: café");
    let config = [
        ("diff.relative", "true"),
        ("i18n.logOutputEncoding", "ISO-8859-1"),
        ("color.ui", "always"),
        ("log.showSignature", "true"),
    ];
    let mut command = crate::common::gate(&repo.path().join("backend"), &["baseline", "history"]);
    command.env("GIT_CONFIG_COUNT", config.len().to_string());
    for (index, (key, value)) in config.iter().enumerate() {
        command.env(format!("GIT_CONFIG_KEY_{index}"), key);
        command.env(format!("GIT_CONFIG_VALUE_{index}"), value);
    }
    let output = command.output().unwrap();
    assert!(output.status.success(), "{output:?}");
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.ends_with("  2  Adopt gate: café\n"), "{stdout}");
}

#[test]
fn a_shallow_clone_says_where_its_history_starts() {
    let origin = paying_down_debt();
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", origin.path().display());
    git(
        clone.path(),
        &["clone", "-q", "--depth", "1", &url, "shallow"],
    );
    let shallow = clone.path().join("shallow");
    let head = git(&shallow, &["rev-parse", "--short=7", "HEAD"]);
    let output = run(&shallow, &["baseline", "history", "--format", "json"]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert_eq!(
        output.stderr,
        format!(
            "warning: shallow clone: history starts at {}; run `git fetch --unshallow` \
             (or check out with `fetch-depth: 0`) for the whole history\n",
            head.trim()
        )
    );
    let history: serde_json::Value = serde_json::from_str(&output.stdout).unwrap();
    assert!(
        history["shallow_boundary"]
            .as_str()
            .unwrap()
            .starts_with(head.trim())
    );
    assert_eq!(
        totals(&output.stdout),
        [("Repair the baseline, break a cycle".to_string(), 1)]
    );
}

#[test]
fn outside_a_git_repository_the_history_is_empty_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "gate.toml", CONFIG);
    write(dir.path(), "baseline.json", &baseline(&[("r", "a.py", 1)]));
    // No repository above the temporary folder either.
    let output = gate_isolated(dir.path(), &["baseline", "history"], None);
    assert_eq!(output.0, 0, "{}", output.2);
    assert_eq!(output.1, "no commit to show for baseline.json\n");
    assert_eq!(
        output.2,
        "warning: baseline.json is not in a git repository: it has no history to read\n"
    );
}

#[test]
fn without_git_the_history_is_empty_and_says_why() {
    let repo = paying_down_debt();
    let output = gate_isolated(
        repo.path(),
        &["baseline", "history", "--format", "json"],
        Some(""),
    );
    assert_eq!(output.0, 0, "{}", output.2);
    assert_eq!(
        output.2,
        "warning: git is not installed (or not on PATH): the baseline's history cannot be read\n"
    );
    let history: serde_json::Value = serde_json::from_str(&output.1).unwrap();
    assert_eq!(history["points"], serde_json::json!([]));
}

/// Runs gate with git kept from finding a repository above `dir`, and with
/// `path` as PATH when given: (exit code, stdout, stderr).
pub(crate) fn gate_isolated(
    dir: &Path,
    args: &[&str],
    path: Option<&str>,
) -> (i32, String, String) {
    let mut command = crate::common::gate(dir, args);
    command.env("GIT_CEILING_DIRECTORIES", dir.parent().unwrap());
    if let Some(path) = path {
        command.env("PATH", path);
    }
    let output = command.output().unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

/// Asserts that `text` holds every one of `parts` and none of `absent`.
fn assert_holds(text: &str, parts: &[&str], absent: &[&str]) {
    for part in parts {
        assert!(text.contains(part), "{part:?} missing from:\n{text}");
    }
    for part in absent {
        assert!(!text.contains(part), "{part:?} found in:\n{text}");
    }
}

/// Asserts that `svg` is well-formed: every tag closed in order, and every
/// `&` starting one of XML's entities. Text cannot hold a raw `<` or `>`.
fn assert_well_formed(svg: &str) {
    let mut open: Vec<&str> = Vec::new();
    let mut rest = svg;
    while let Some(start) = rest.find('<') {
        assert!(
            !rest[..start].contains('>'),
            "a raw > in {:?}",
            &rest[..start]
        );
        let end = start + rest[start..].find('>').expect("an unclosed tag");
        let tag = &rest[start + 1..end];
        let name = tag
            .trim_start_matches('/')
            .split([' ', '/'])
            .next()
            .unwrap();
        if tag.starts_with('/') {
            assert_eq!(open.pop(), Some(name), "</{name}> closes another tag");
        } else if !tag.ends_with('/') {
            open.push(name);
        }
        rest = &rest[end + 1..];
    }
    assert!(open.is_empty(), "unclosed: {open:?}");
    for (at, _) in svg.match_indices('&') {
        let entity = &svg[at..];
        assert!(
            ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"]
                .iter()
                .any(|known| entity.starts_with(known)),
            "a raw & at {at}"
        );
    }
}

#[test]
fn hostile_subjects_and_rule_names_are_escaped_in_text_and_svg() {
    let subject = "<script>alert(1)</script> | a \u{1b}[31mred\u{1b}[0m & \"q\" ::error::x";
    let repo = Repo::new(CONFIG);
    repo.write_baseline("baseline.json", &[("<b>rule</b>\u{1b}[2J", "a.py", 2)]);
    repo.commit(1, subject);
    let text = run(repo.path(), &["baseline", "history"]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    // A terminal interprets escape sequences, not markup.
    assert_holds(
        &text.stdout,
        &[
            "<script>alert(1)</script> | a \\u{1b}[31mred\\u{1b}[0m & \"q\" ::error::x",
            "<b>rule</b>\\u{1b}[2J",
        ],
        &["\u{1b}"],
    );
    let svg = run(repo.path(), &["baseline", "history", "--format", "svg"]).stdout;
    assert_holds(
        &svg,
        &[
            "&lt;script&gt;alert(1)&lt;/script&gt; | a \\u{1b}[31mred\\u{1b}[0m \
             &amp; &quot;q&quot; ::error::x",
            "&lt;b&gt;rule&lt;/b&gt;\\u{1b}[2J",
        ],
        &["\u{1b}", "<script", "<b>"],
    );
    assert_well_formed(&svg);
    // JSON keeps the text as it is: the reader escapes for its medium.
    let json = run(repo.path(), &["baseline", "history", "--format", "json"]).stdout;
    let history: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(history["points"][0]["subject"], subject);
}
