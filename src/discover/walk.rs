//! The walk of one target: a single pass over its folders that finds the
//! files to analyse and, on the way, the `.py` files that ignore files keep
//! out.
//!
//! One task per folder on the current rayon pool, one `read_dir` per
//! folder; entry types come from the folder listing (no `stat` per entry),
//! and the listing says whether the folder holds `.gitignore`, `.ignore`
//! and `.git`, so a folder's ignore rules are read only where they exist.
//! The patterns are the `ignore` crate's (`Gitignore`), and so is their
//! precedence: this walk yields what `ignore::WalkBuilder` yields with
//! gate's options (standard filters, hidden entries skipped, `.ignore` only
//! with `respect-ignore-files`, `require_git(false)`, no symlinks
//! followed, `exclude` as an entry filter), which the tests check against
//! `WalkBuilder` itself on many generated trees:
//!
//! - an entry's verdict is the first of: the nearest `.ignore` rule (when
//!   respected), the nearest `.gitignore` rule, the nearest
//!   `.git/info/exclude` rule, the global git excludes file; a `!pattern`
//!   rule (whitelist) means "not ignored";
//! - the folders above the walked target count (after the target's own
//!   folders), matched by the target's canonical path;
//! - with `require_git(false)` a repository boundary (`.git`) stops
//!   nothing: the `ignore` crate marks repository roots only when a
//!   repository is required, so the rules of a folder above a nested
//!   repository still apply inside it;
//! - a hidden entry (name starting with `.`) is skipped unless a whitelist
//!   rule matches it;
//! - `exclude` drops an entry that ignore files keep.
//!
//! An ignored folder is still listed, only to name the `.py` files in it
//! (hidden entries and `exclude` still apply there, as they did for the
//! second, unfiltered walk this one replaces); its files are not analysed.

use std::ffi::OsStr;
use std::fs::{DirEntry, FileType};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};

use super::{Layout, Skipped, SourceFile, classify};

/// What the walk of one target found: the caller sorts it.
pub(super) struct Walked<T> {
    /// The files to analyse, each with what the visitor returned for it.
    pub files: Vec<(SourceFile, T)>,
    /// Entries passed over, each with its reason.
    pub skipped: Vec<Skipped>,
    /// The `.py` files (and `.py` symlinks) that an ignore file kept out.
    pub ignored: Vec<PathBuf>,
}

/// What every walk of a run shares.
pub(super) struct Context<'a, T> {
    pub layout: &'a Layout<'a>,
    pub roots: &'a [PathBuf],
    /// The project root as the file system sees it (symlink targets are
    /// compared with it).
    pub real_root: &'a Path,
    /// The global git excludes file (`core.excludesFile`, else
    /// `$XDG_CONFIG_HOME/git/ignore`), relative to the current directory.
    pub global: &'a Gitignore,
    pub visit: &'a (dyn Fn(&SourceFile) -> T + Sync),
}

/// Walks `target`: a folder on the current rayon pool, anything else as
/// one entry (a target is never filtered, and a symlinked target is
/// followed, as `WalkBuilder` does with its roots).
pub(super) fn walk<T: Send>(context: &Context<'_, T>, target: &Path) -> Walked<T> {
    let walker = Walker {
        context,
        target,
        above: None,
        found: Mutex::new(Walked {
            files: Vec::new(),
            skipped: Vec::new(),
            ignored: Vec::new(),
        }),
    };
    let metadata = match std::fs::metadata(target) {
        Ok(metadata) => metadata,
        Err(error) => {
            walker.unwalkable(io_error(error, target, 0));
            return walker.into_found();
        }
    };
    if !metadata.is_dir() {
        walker.entry_found(target.to_path_buf(), metadata.file_type(), None);
        return walker.into_found();
    }
    let (above, error) = rules_above(target, context.layout.project.respect_ignore_files);
    let walker = Walker { above, ..walker };
    if let Some(error) = error {
        walker.unwalkable(error);
    }
    rayon::scope(|scope| {
        walker.folder(
            scope,
            target.to_path_buf(),
            0,
            Folder::Walked {
                rules: None,
                listed: true,
            },
        );
    });
    walker.into_found()
}

/// The walk of one target, shared by its folder tasks.
struct Walker<'a, 'c, T> {
    context: &'a Context<'c, T>,
    target: &'a Path,
    /// The target's canonical path and the rules of the folders above it,
    /// nearest first; `None` when those folders have none.
    above: Option<(PathBuf, Vec<Rules>)>,
    found: Mutex<Walked<T>>,
}

/// How a folder is walked.
enum Folder {
    /// Its entries are matched against the ignore rules of `rules` (the
    /// folders from it up to the target); `listed`: no hidden folder lies
    /// on the way from the target, so what an ignore file skips in it is
    /// reported.
    Walked {
        rules: Option<Arc<Chain>>,
        listed: bool,
    },
    /// An ignore file skips it: its `.py` files are only named.
    Ignored,
}

impl<'a, 'c, T: Send> Walker<'a, 'c, T> {
    /// Lists `dir` (at `depth` below the target) and hands its entries out:
    /// a task per subfolder and per file to analyse, so idle threads take
    /// them.
    fn folder<'s>(&'s self, scope: &rayon::Scope<'s>, dir: PathBuf, depth: usize, folder: Folder) {
        let walked = matches!(folder, Folder::Walked { .. });
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(error) => {
                // Inside an ignored folder nothing was ever reported.
                if walked {
                    self.unwalkable(io_error(error, &dir, depth));
                }
                return;
            }
        };
        let mut listing: Vec<(DirEntry, FileType)> = Vec::new();
        for entry in entries {
            let entry = match entry {
                Ok(entry) => entry,
                Err(error) => {
                    if walked {
                        self.unwalkable(io_error(error, &dir, depth + 1));
                    }
                    continue;
                }
            };
            match entry.file_type() {
                Ok(file_type) => listing.push((entry, file_type)),
                Err(error) if walked => self.unwalkable(io_error(error, &entry.path(), depth + 1)),
                Err(_) => {}
            }
        }
        let Folder::Walked { rules, listed } = folder else {
            for (entry, file_type) in listing {
                self.ignored_entry(scope, entry.path(), file_type, depth);
            }
            return;
        };
        let rules = self.with_rules_of(&dir, &listing, rules);
        for (entry, file_type) in listing {
            let path = entry.path();
            let hidden = is_hidden(&path);
            match self.matched(rules.as_deref(), &path, file_type.is_dir()) {
                Match::Ignore(()) => {
                    if listed && !hidden {
                        self.ignored_entry(scope, path, file_type, depth);
                    }
                }
                Match::None if hidden => {}
                Match::None | Match::Whitelist(()) => {
                    if self.excluded(&path) {
                        continue;
                    }
                    if file_type.is_dir() {
                        let folder = Folder::Walked {
                            rules: rules.clone(),
                            listed: listed && !hidden,
                        };
                        scope.spawn(move |scope| self.folder(scope, path, depth + 1, folder));
                    } else {
                        self.entry_found(path, file_type, Some(scope));
                    }
                }
            }
        }
    }

    /// An entry of an ignored folder, or one an ignore file matches: its
    /// `.py` files are named, its folders listed for more.
    fn ignored_entry<'s>(
        &'s self,
        scope: &rayon::Scope<'s>,
        path: PathBuf,
        file_type: FileType,
        depth: usize,
    ) {
        if is_hidden(&path) || self.excluded(&path) {
            return;
        }
        if file_type.is_dir() {
            scope.spawn(move |scope| self.folder(scope, path, depth + 1, Folder::Ignored));
        } else if is_python(&path) {
            self.lock().ignored.push(path);
        }
    }

    /// A file (or symlink) the walk keeps: a file to analyse, visited on a
    /// task of its own when there is a `scope`, or a warning.
    fn entry_found<'s>(
        &'s self,
        path: PathBuf,
        file_type: FileType,
        scope: Option<&rayon::Scope<'s>>,
    ) {
        let context = self.context;
        match classify(
            context.layout,
            context.roots,
            context.real_root,
            &path,
            file_type,
        ) {
            Some(Ok(file)) => {
                let visit = move || {
                    let payload = (context.visit)(&file);
                    self.lock().files.push((file, payload));
                };
                match scope {
                    Some(scope) => scope.spawn(move |_| visit()),
                    None => visit(),
                }
            }
            Some(Err(skipped)) => self.lock().skipped.push(skipped),
            None => {}
        }
    }

    /// `rules` with those of `dir` in front, when its listing holds an
    /// ignore file or a `.git`. Errors in a walked folder's ignore files
    /// are dropped, as `WalkBuilder` drops them.
    fn with_rules_of(
        &self,
        dir: &Path,
        listing: &[(DirEntry, FileType)],
        rules: Option<Arc<Chain>>,
    ) -> Option<Arc<Chain>> {
        let respect = self.context.layout.project.respect_ignore_files;
        // `.ignore`, `.gitignore`, `.git`: the files `Rules::read` reads.
        let mut present = [false; 3];
        for (entry, _) in listing {
            match entry.file_name().as_encoded_bytes() {
                b".ignore" => present[0] = respect,
                b".gitignore" => present[1] = true,
                b".git" => present[2] = true,
                _ => {}
            }
        }
        if present == [false; 3] {
            return rules;
        }
        let mut errors = Vec::new();
        let own = Rules::read(dir, present, &mut errors);
        if own.is_empty() {
            return rules;
        }
        Some(Arc::new(Chain { own, up: rules }))
    }

    /// The verdict of the ignore files on `path`: the nearest `.ignore`
    /// rule, else the nearest `.gitignore` rule, else the nearest
    /// `.git/info/exclude` rule (first in the target's folders, then above
    /// it), else the global excludes file.
    fn matched(&self, rules: Option<&Chain>, path: &Path, is_dir: bool) -> Match<()> {
        let mut verdicts = [Match::None, Match::None, Match::None];
        let mut chain = rules;
        while let Some(link) = chain {
            link.own.match_into(path, is_dir, &mut verdicts);
            chain = link.up.as_deref();
        }
        if let Some((canonical, above)) = &self.above {
            let relative = path.strip_prefix(self.target).unwrap_or(path);
            let path = canonical.join(relative);
            for rules in above {
                rules.match_into(&path, is_dir, &mut verdicts);
            }
        }
        let [ignore, gitignore, exclude] = verdicts;
        ignore
            .or(gitignore)
            .or(exclude)
            .or(self.context.global.matched(path, is_dir).map(|_| ()))
    }

    /// `exclude` matches `path`.
    fn excluded(&self, path: &Path) -> bool {
        let layout = self.context.layout;
        let exclude = &layout.project.exclude;
        !exclude.is_empty()
            && super::relative_path(layout.root, path)
                .is_some_and(|rel| !rel.is_empty() && exclude.is_match(&rel))
    }

    fn unwalkable(&self, error: ignore::Error) {
        self.lock().skipped.push(Skipped::Unwalkable(error));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Walked<T>> {
        self.found.lock().expect("no panics while held")
    }

    fn into_found(self) -> Walked<T> {
        self.found.into_inner().expect("no panics while held")
    }
}

/// The ignore rules of one folder.
struct Rules {
    /// `.ignore` (read only with `respect-ignore-files`), `.gitignore`,
    /// `.git/info/exclude`: the order of precedence.
    files: [Gitignore; 3],
}

impl Rules {
    /// The rules of `dir`, reading `.ignore`, `.gitignore` and
    /// `.git/info/exclude` where `present` says so; each error of a file
    /// that exists is added to `errors`, as the `ignore` crate collects
    /// them.
    fn read(dir: &Path, present: [bool; 3], errors: &mut Vec<ignore::Error>) -> Rules {
        let [ignore, gitignore, git] = present;
        let read = |present: bool, file: &Path, errors: &mut Vec<ignore::Error>| {
            if present {
                gitignore_at(dir, file, errors)
            } else {
                Gitignore::empty()
            }
        };
        let ignore = read(ignore, &dir.join(".ignore"), errors);
        let gitignore = read(gitignore, &dir.join(".gitignore"), errors);
        let exclude = if git {
            let git_type = dir.join(".git").metadata().ok().map(|m| m.file_type());
            match git_common_dir(dir, git_type) {
                Ok(git_dir) => gitignore_at(dir, &git_dir.join("info/exclude"), errors),
                Err(error) => {
                    errors.extend(error);
                    Gitignore::empty()
                }
            }
        } else {
            Gitignore::empty()
        };
        Rules {
            files: [ignore, gitignore, exclude],
        }
    }

    fn is_empty(&self) -> bool {
        self.files.iter().all(Gitignore::is_empty)
    }

    /// Fills each verdict still open with this folder's rule of that kind.
    fn match_into(&self, path: &Path, is_dir: bool, verdicts: &mut [Match<()>; 3]) {
        for (file, verdict) in self.files.iter().zip(verdicts.iter_mut()) {
            if verdict.is_none() {
                *verdict = file.matched(path, is_dir).map(|_| ());
            }
        }
    }
}

/// A walked folder's rules and those of the folders between it and the
/// target (shared by its subfolders' tasks); a folder without rules adds
/// no link.
struct Chain {
    own: Rules,
    up: Option<Arc<Chain>>,
}

/// The rules of the folders above `target` (by its canonical path),
/// nearest first, and the errors in their ignore files (which
/// `WalkBuilder` reports, unlike those inside the walk). `None` when no
/// folder above has a rule, or the target has no canonical path.
fn rules_above(
    target: &Path,
    respect_ignore_files: bool,
) -> (Option<(PathBuf, Vec<Rules>)>, Option<ignore::Error>) {
    let Ok(canonical) = target.canonicalize() else {
        return (None, None);
    };
    let folders: Vec<&Path> = canonical.ancestors().skip(1).collect();
    let mut errors = Vec::new();
    let mut above = Vec::new();
    // From `/` down, the order the `ignore` crate reads them in.
    for folder in folders.into_iter().rev() {
        let mut own_errors = Vec::new();
        let rules = Rules::read(folder, [respect_ignore_files, true, true], &mut own_errors);
        errors.extend(one_error(own_errors));
        if !rules.is_empty() {
            above.push(rules);
        }
    }
    above.reverse();
    let above = (!above.is_empty()).then_some((canonical, above));
    (above, one_error(errors))
}

/// The rules of the gitignore-format `file`, its patterns relative to
/// `dir`. A missing or unreadable file has none (the `ignore` crate drops
/// I/O errors); a bad pattern is an error, and the other lines still count.
fn gitignore_at(dir: &Path, file: &Path, errors: &mut Vec<ignore::Error>) -> Gitignore {
    let mut builder = GitignoreBuilder::new(dir);
    if let Some(error) = builder.add(file)
        && !error.is_io()
    {
        errors.push(error);
    }
    builder.build().unwrap_or_else(|error| {
        errors.push(error);
        Gitignore::empty()
    })
}

/// Errors as the `ignore` crate gathers them: none, one, or `Partial`.
fn one_error(mut errors: Vec<ignore::Error>) -> Option<ignore::Error> {
    match errors.len() {
        0 => None,
        1 => errors.pop(),
        _ => Some(ignore::Error::Partial(errors)),
    }
}

/// The folder holding `info/exclude` for the repository at `dir`: its
/// `.git` folder, or for a `.git` file (a linked worktree) the common
/// folder that its `gitdir:` line leads to, as the `ignore` crate resolves
/// it (a relative `gitdir:` is taken from the current directory, and a
/// `.git` file without a `commondir` has no exclude file).
fn git_common_dir(
    dir: &Path,
    git_type: Option<FileType>,
) -> Result<PathBuf, Option<ignore::Error>> {
    let git = dir.join(".git");
    if !git_type.is_some_and(|t| t.is_file()) {
        return Ok(git);
    }
    let with_path = |error: std::io::Error, path: &Path| ignore::Error::WithPath {
        path: path.to_path_buf(),
        err: Box::new(ignore::Error::Io(error)),
    };
    let line = match std::fs::File::open(&git).map(first_line) {
        Ok(Some(Ok(line))) => line,
        Ok(None) => return Err(None),
        Ok(Some(Err(error))) | Err(error) => return Err(Some(with_path(error, &git))),
    };
    let Some(real_git_dir) = line.strip_prefix("gitdir: ").map(PathBuf::from) else {
        return Err(None);
    };
    let commondir_file = real_git_dir.join("commondir");
    let commondir = match std::fs::File::open(&commondir_file).map(first_line) {
        Ok(Some(Ok(line))) => line,
        Ok(None) | Err(_) => return Err(None),
        Ok(Some(Err(error))) => return Err(Some(with_path(error, &commondir_file))),
    };
    Ok(if commondir.starts_with('.') {
        real_git_dir.join(commondir)
    } else {
        PathBuf::from(commondir)
    })
}

fn first_line(file: std::fs::File) -> Option<std::io::Result<String>> {
    use std::io::BufRead;
    std::io::BufReader::new(file).lines().next()
}

/// An I/O error at `path` as the `ignore` crate reports it.
fn io_error(error: std::io::Error, path: &Path, depth: usize) -> ignore::Error {
    ignore::Error::WithDepth {
        depth,
        err: Box::new(ignore::Error::WithPath {
            path: path.to_path_buf(),
            err: Box::new(ignore::Error::Io(error)),
        }),
    }
}

fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|name| name.as_encoded_bytes().starts_with(b"."))
}

pub(super) fn is_python(path: &Path) -> bool {
    path.extension() == Some(OsStr::new("py"))
}

#[cfg(test)]
mod tests;
