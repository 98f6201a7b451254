//! The baseline's history: how much debt it allowed, per rule, at each
//! commit that changed it, read from git (`gate baseline history`).
//!
//! The same few git processes whatever the number of commits: `git
//! rev-parse` places the file in its repository, `git log --follow
//! --first-parent` lists the commits of the branch that changed it (across
//! renames; a merge counts as one change), and one `git cat-file --batch`
//! reads every version of it, each parsed and reduced to its counts as it
//! streams by (and `git rev-list`, in a shallow clone, finds where the
//! history starts). `History` is plain data; `text`, `json` and
//! `svg` render it, and `svg::render` is what other reports embed.

pub mod json;
pub mod svg;
pub mod text;

use std::collections::BTreeMap;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use crate::baseline::{self, Baseline};
use crate::git;
use crate::warning::{Warning, WarningKind};

/// The baseline's counts at each commit that changed it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct History {
    /// The baseline's path in the repository today, `/`-separated.
    pub path: String,
    /// Oldest first, as time runs (and as the chart reads).
    pub points: Vec<Point>,
    /// Commits whose baseline could not be read, oldest first; never in
    /// `points`.
    pub skipped: Vec<SkippedCommit>,
    /// In a shallow clone, the commit the history starts at: older ones
    /// are not in the clone.
    pub shallow_boundary: Option<String>,
}

/// A commit, as `git log` describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Commit {
    /// The full hash.
    pub sha: String,
    /// The committer date, seconds since 1970 (UTC).
    pub time: i64,
    /// The committer date in ISO 8601, in the committer's time zone.
    pub date: String,
    /// The subject line, as the author wrote it: hostile text.
    pub subject: String,
}

impl Commit {
    /// The abbreviated hash, as people quote it.
    pub fn short_sha(&self) -> &str {
        &self.sha[..self.sha.len().min(7)]
    }

    /// The calendar day of `date` (`2026-01-31`).
    pub fn day(&self) -> &str {
        self.date.get(..10).unwrap_or(&self.date)
    }
}

/// The baseline as one commit left it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Point {
    pub commit: Commit,
    /// The commit deleted the baseline: it allows nothing any more.
    pub deleted: bool,
    /// Occurrences allowed per rule (the entries' `count`s added up); rules
    /// with none are left out.
    pub per_rule: BTreeMap<String, u64>,
}

impl Point {
    /// Occurrences allowed, all rules together.
    pub fn total(&self) -> u64 {
        self.per_rule.values().sum()
    }
}

/// A commit whose baseline could not be read, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SkippedCommit {
    pub commit: Commit,
    /// One line.
    pub error: String,
}

impl History {
    /// Every rule that any point counts, sorted: the series to draw.
    pub fn rules(&self) -> Vec<&str> {
        let mut rules: Vec<&str> = self
            .points
            .iter()
            .flat_map(|point| point.per_rule.keys().map(String::as_str))
            .collect();
        rules.sort_unstable();
        rules.dedup();
        rules
    }

    /// What the reader should know that the series does not show.
    pub fn warnings(&self) -> Vec<Warning> {
        let mut warnings = Vec::new();
        if let Some(boundary) = &self.shallow_boundary {
            warnings.push(Warning::new(
                WarningKind::PartialHistory,
                format!(
                    "shallow clone: history starts at {}; run `git fetch --unshallow` \
                     (or check out with `fetch-depth: 0`) for the whole history",
                    boundary.get(..7).unwrap_or(boundary)
                ),
            ));
        }
        for skipped in &self.skipped {
            warnings.push(Warning::new(
                WarningKind::SkippedCommit,
                format!(
                    "commit {} ({} {:?}) left out of the history: {}",
                    skipped.commit.short_sha(),
                    skipped.commit.day(),
                    skipped.commit.subject,
                    skipped.error
                ),
            ));
        }
        warnings
    }
}

/// Which commits to read, as `git log` takes them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// `--since`: only commits more recent than this date (any form git
    /// reads: `2026-01-31`, `3 months ago`).
    pub since: Option<String>,
    /// `--max-count`: only the most recent N commits.
    pub max_count: Option<u32>,
    /// Read only what the clone holds: in a partial clone, the versions
    /// of the baseline it lacks are left out (as unreadable) rather than
    /// downloaded, for a report that must not reach the network.
    pub offline: bool,
}

impl ReadOptions {
    fn fetch(&self) -> git::Fetch {
        match self.offline {
            true => git::Fetch::Never,
            false => git::Fetch::Allowed,
        }
    }
}

/// Why there is no history to show.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("git is not installed (or not on PATH): the baseline's history cannot be read")]
    GitMissing,
    #[error("{} is not in a git repository: it has no history to read", .path.display())]
    NotARepository { path: PathBuf },
    #[error("cannot follow the history of {}: {reason}", .path.display())]
    UnusablePath { path: PathBuf, reason: &'static str },
    #[error("cannot run git: {0}")]
    Io(#[from] io::Error),
    #[error("`git {command}` failed: {stderr}")]
    Git { command: String, stderr: String },
}

impl HistoryError {
    /// No git, or no repository: the command says so and carries on with
    /// an empty history rather than failing.
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            HistoryError::GitMissing | HistoryError::NotARepository { .. }
        )
    }
}

/// The history of the baseline file at `baseline` (as the user names it,
/// relative to the current folder), read from the repository holding it.
/// An error for which `is_unavailable` holds means there is no history to
/// show (no git, no repository), not that something broke.
pub fn read(baseline: &Path, options: &ReadOptions) -> Result<History, HistoryError> {
    let unusable = |reason| HistoryError::UnusablePath {
        path: baseline.to_path_buf(),
        reason,
    };
    let name = baseline
        .file_name()
        .and_then(|name| name.to_str())
        .ok_or_else(|| unusable("it names no file, or not in UTF-8"))?;
    let folder = match baseline.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let place = run(
        folder,
        &["rev-parse", "--is-shallow-repository", "--show-prefix"],
        options.fetch(),
    )
    .map_err(|error| match error {
        HistoryError::Git { stderr, .. } if stderr.contains("not a git repository") => {
            HistoryError::NotARepository {
                path: baseline.to_path_buf(),
            }
        }
        other => other,
    })?;
    let place = String::from_utf8_lossy(&place);
    let (shallow, prefix) = place.split_once('\n').unwrap_or((&place, ""));
    let path = format!("{}{name}", prefix.strip_suffix('\n').unwrap_or(prefix));
    // cat-file --batch reads one request per line.
    if path.contains('\n') {
        return Err(unusable("its path holds a line break"));
    }
    let changes = log(folder, name, &path, options)?;
    let versions = read_versions(folder, &changes, options.fetch())?;
    let mut history = History {
        path,
        ..History::default()
    };
    // git log lists the newest first.
    for (change, version) in changes.into_iter().zip(versions).rev() {
        match version {
            Version::Deleted => history.points.push(Point {
                commit: change.commit,
                deleted: true,
                per_rule: BTreeMap::new(),
            }),
            Version::Counted(per_rule) => history.points.push(Point {
                commit: change.commit,
                deleted: false,
                per_rule,
            }),
            Version::Unreadable(error) => history.skipped.push(SkippedCommit {
                commit: change.commit,
                error,
            }),
        }
    }
    if shallow.trim() == "true" {
        history.shallow_boundary = Some(shallow_boundary(folder, options.fetch())?);
    }
    Ok(history)
}

/// The standard output of `git args…` run in `folder`, or why it failed.
fn run(folder: &Path, args: &[&str], fetch: git::Fetch) -> Result<Vec<u8>, HistoryError> {
    let output = git::git_in(folder, args, fetch).map_err(not_run)?;
    if !output.status.success() {
        return Err(failed(args, &output.stderr));
    }
    Ok(output.stdout)
}

/// Why git could not be started (or timed out).
fn not_run(error: io::Error) -> HistoryError {
    match error.kind() {
        io::ErrorKind::NotFound => HistoryError::GitMissing,
        _ => HistoryError::Io(error),
    }
}

/// `git args…` exited with an error, which it wrote to `stderr`.
fn failed(args: &[&str], stderr: &[u8]) -> HistoryError {
    HistoryError::Git {
        command: args.join(" "),
        stderr: String::from_utf8_lossy(stderr).trim().to_string(),
    }
}

/// The oldest commit a shallow clone holds (the first, when there are
/// several).
fn shallow_boundary(folder: &Path, fetch: git::Fetch) -> Result<String, HistoryError> {
    // A shallow clone's cut-off commits have no parents in it.
    let roots = run(folder, &["rev-list", "--max-parents=0", "HEAD"], fetch)?;
    Ok(String::from_utf8_lossy(&roots)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string())
}

/// A commit that changed the baseline, and where the baseline was in it.
#[derive(Debug)]
struct Change {
    commit: Commit,
    /// The baseline's path at this commit (it may have been renamed since).
    path: String,
    deleted: bool,
}

/// The commits that changed the baseline `name` of `folder`, newest first.
fn log(
    folder: &Path,
    name: &str,
    path: &str,
    options: &ReadOptions,
) -> Result<Vec<Change>, HistoryError> {
    let mut args = vec![
        // The file name is a path, not a pattern.
        "--literal-pathspecs".to_string(),
        "log".to_string(),
        "-z".to_string(),
        "--follow".to_string(),
        // The branch as it stood after each of its commits and merges, not
        // the states of the side branches merged into it.
        "--first-parent".to_string(),
        "--name-status".to_string(),
        "--format=%H %ct %cI %s".to_string(),
        // What the output is read as, whatever the user's config says
        // (diff.relative, i18n.logOutputEncoding, color.ui, log.showSignature).
        "--no-relative".to_string(),
        "--encoding=UTF-8".to_string(),
        "--no-color".to_string(),
        "--no-show-signature".to_string(),
    ];
    if let Some(since) = &options.since {
        args.push(format!("--since={since}"));
    }
    if let Some(max_count) = options.max_count {
        args.push(format!("--max-count={max_count}"));
    }
    args.extend(["--".to_string(), name.to_string()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    // Rename detection (--follow) compares file contents.
    match run(folder, &args, options.fetch()) {
        Ok(stdout) => Ok(parse_log(&stdout, path)),
        // A repository without a commit has no history yet.
        Err(HistoryError::Git { stderr, .. }) if stderr.contains("does not have any commits") => {
            Ok(Vec::new())
        }
        Err(error) => Err(error),
    }
}

/// `git log -z --name-status --format=…` output: per commit, the header
/// (`<sha> <time> <date> <subject>`) then `\n<status>` and one path, two
/// for a rename or copy (`R100`, old, new); every field ends with NUL.
/// `path` is the baseline's path at the newest commit.
fn parse_log(stdout: &[u8], path: &str) -> Vec<Change> {
    let mut fields = stdout
        .split(|byte| *byte == 0)
        .map(|field| String::from_utf8_lossy(field).into_owned())
        .peekable();
    let mut changes: Vec<Change> = Vec::new();
    // The file's name after the commit being read: older commits knew it
    // by its name before a rename.
    let mut current = path.to_string();
    while let Some(header) = fields.next() {
        let Some(commit) = parse_header(&header) else {
            continue;
        };
        // A commit listed without a change (git diffs no merge unless told
        // to; --first-parent does tell it): the file is where the newer
        // commits found it.
        let Some(status) = fields.next_if(|field| field.starts_with('\n')) else {
            changes.push(Change {
                commit,
                path: current.clone(),
                deleted: false,
            });
            continue;
        };
        let status = status.trim_start();
        let first = fields.next().unwrap_or_default();
        let (old, new) = if status.starts_with(['R', 'C']) {
            let new = fields.next().unwrap_or_default();
            (first, new)
        } else {
            (first.clone(), first)
        };
        changes.push(Change {
            commit,
            path: new,
            deleted: status.starts_with('D'),
        });
        current = old;
    }
    changes
}

fn parse_header(header: &str) -> Option<Commit> {
    let mut parts = header.splitn(4, ' ');
    let sha = parts.next()?;
    let time = parts.next()?.parse().ok()?;
    let date = parts.next()?;
    let subject = parts.next().unwrap_or_default();
    sha.bytes().all(|b| b.is_ascii_hexdigit()).then(|| Commit {
        sha: sha.to_string(),
        time,
        date: date.to_string(),
        subject: subject.to_string(),
    })
}

/// What one commit's baseline said.
#[derive(Debug)]
enum Version {
    Deleted,
    Counted(BTreeMap<String, u64>),
    Unreadable(String),
}

/// The baseline at each change, in order, through one `git cat-file
/// --batch`.
fn read_versions(
    folder: &Path,
    changes: &[Change],
    fetch: git::Fetch,
) -> Result<Vec<Version>, HistoryError> {
    let requested: Vec<&Change> = changes.iter().filter(|change| !change.deleted).collect();
    let input: String = requested
        .iter()
        .map(|change| format!("{}:{}\n", change.commit.sha, change.path))
        .collect();
    let names: Vec<String> = requested
        .iter()
        .map(|change| format!("{} at {}", change.path, change.commit.short_sha()))
        .collect();
    let streamed = git::git_streaming(
        folder,
        &["cat-file", "--batch"],
        fetch,
        input.into_bytes(),
        move |stdout| read_batch(&mut BufReader::new(stdout), &names),
    )
    .map_err(not_run)?;
    if !streamed.status.success() {
        return Err(failed(&["cat-file", "--batch"], &streamed.stderr));
    }
    let mut read = streamed.read?.into_iter();
    Ok(changes
        .iter()
        .map(|change| match change.deleted {
            true => Version::Deleted,
            false => read.next().unwrap_or_else(|| {
                Version::Unreadable("git cat-file gave no answer for it".to_string())
            }),
        })
        .collect())
}

/// Reads `cat-file --batch` answers, one per name: `<oid> <type> <size>`,
/// the object's bytes and a line break, or `<request> missing`.
fn read_batch(stdout: &mut impl BufRead, names: &[String]) -> io::Result<Vec<Version>> {
    let mut versions = Vec::with_capacity(names.len());
    for name in names {
        let mut header = String::new();
        if stdout.read_line(&mut header)? == 0 {
            break;
        }
        let Some((kind, size)) = object_header(&header) else {
            // `missing` or `ambiguous`: nothing follows.
            versions.push(Version::Unreadable(format!("git finds no {name}")));
            continue;
        };
        let mut bytes = Vec::new();
        stdout.by_ref().take(size).read_to_end(&mut bytes)?;
        stdout.read_exact(&mut [0])?;
        versions.push(match kind {
            "blob" => read_counts(name, &bytes),
            _ => Version::Unreadable(format!("{name} is a {kind}, not a file")),
        });
    }
    Ok(versions)
}

/// The type and size of `<oid> <type> <size>`.
fn object_header(header: &str) -> Option<(&str, u64)> {
    let mut fields = header.trim_end().split(' ');
    let oid = fields.next()?;
    let kind = fields.next()?;
    let size = fields.next()?.parse().ok()?;
    let hex = !oid.is_empty() && oid.bytes().all(|b| b.is_ascii_hexdigit());
    (hex && fields.next().is_none()).then_some((kind, size))
}

fn read_counts(name: &str, bytes: &[u8]) -> Version {
    match baseline::parse(Path::new(name), bytes) {
        Ok(baseline) => Version::Counted(per_rule(&baseline)),
        // The first line says what is wrong; the help that follows is
        // about repairing today's file, not an old commit's.
        Err(error) => Version::Unreadable(
            error
                .to_string()
                .lines()
                .next()
                .unwrap_or_default()
                .to_string(),
        ),
    }
}

/// Occurrences allowed per rule: an entry allows `count` of them.
fn per_rule(baseline: &Baseline) -> BTreeMap<String, u64> {
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    for entry in &baseline.entries {
        *counts.entry(entry.rule.clone()).or_default() += u64::from(entry.count);
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_log_with_a_rename_a_deletion_and_a_merge_gives_each_commit_its_path() {
        let sha = |c: char| c.to_string().repeat(40);
        let log = format!(
            "{} 40 2026-01-04T00:00:00Z gone\0\nD\0b.json\0\
             {} 30 2026-01-03T00:00:00Z merge a | b\0\
             {} 20 2026-01-02T00:00:00Z move\0\nR100\0a.json\0b.json\0\
             {} 10 2026-01-01T00:00:00Z add\0\nA\0a.json\0",
            sha('d'),
            sha('c'),
            sha('b'),
            sha('a')
        );
        let changes = parse_log(log.as_bytes(), "b.json");
        let seen: Vec<(&str, &str, bool)> = changes
            .iter()
            .map(|c| (c.commit.subject.as_str(), c.path.as_str(), c.deleted))
            .collect();
        assert_eq!(
            seen,
            [
                ("gone", "b.json", true),
                ("merge a | b", "b.json", false),
                ("move", "b.json", false),
                ("add", "a.json", false),
            ]
        );
        assert_eq!(changes[3].commit.time, 10);
        assert_eq!(changes[3].commit.day(), "2026-01-01");
    }

    #[test]
    fn counts_add_up_the_entries_count_per_rule() {
        let text = r#"{"version": 1, "entries": [
            {"rule": "a", "path": "x.py", "scope": "s", "subject": "t", "count": 3, "message": ""},
            {"rule": "b", "path": "x.py", "scope": "s", "subject": "t", "count": 1, "message": ""},
            {"rule": "a", "path": "y.py", "scope": "s", "subject": "t", "count": 2, "message": ""}
        ]}"#;
        let Version::Counted(counts) = read_counts("b.json at abc", text.as_bytes()) else {
            panic!("not counted");
        };
        assert_eq!(counts, BTreeMap::from([("a".into(), 5), ("b".into(), 1)]));
        let Version::Unreadable(error) = read_counts("b.json at abc", b"{") else {
            panic!("read");
        };
        assert!(
            error.starts_with("the baseline b.json at abc is not valid JSON"),
            "{error}"
        );
    }
}
