//! The walk against its oracle: the two `ignore::WalkBuilder` walks it
//! replaces (standard filters for the files, no ignore file for the `.py`
//! files those filters kept out), on hand-made trees and on generated ones.
//!
//! Both read the same global git excludes file (the machine's, through
//! `Gitignore::global()`), so they agree whatever it holds; the effect of
//! one is checked by an integration test with a `HOME` of its own
//! (tests/it/hostile.rs).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::gitignore::Gitignore;

use super::{Context, Walked, walk};
use crate::discover::{Layout, Skipped, classify, normalize, relative_path};
use crate::settings::Project;

/// What a walk found, in order: the files (with their module names), the
/// warnings' texts, the ignored files; all relative to the project root.
#[derive(Debug, PartialEq, Eq)]
struct Found {
    files: Vec<String>,
    skipped: Vec<String>,
    ignored: Vec<String>,
}

impl Found {
    fn new(walked: Walked<()>, root: &Path) -> Found {
        let relative = |path: &Path| relative_path(root, path).unwrap_or_default();
        let mut files: Vec<String> = walked
            .files
            .iter()
            .map(|(file, ())| format!("{} {:?} {}", file.path, file.module, file.is_package))
            .collect();
        files.sort();
        let mut skipped: Vec<String> = walked.skipped.iter().map(Skipped::to_string).collect();
        skipped.sort();
        let ignored: BTreeSet<String> = walked.ignored.iter().map(|p| relative(p)).collect();
        Found {
            files,
            skipped,
            ignored: ignored.into_iter().collect(),
        }
    }
}

/// The two walks of gate before the single walk: `WalkBuilder` with
/// standard filters, and without, whose extra `.py` files are the ignored
/// ones.
fn oracle(context: &Context<'_, ()>, target: &Path) -> Walked<()> {
    let layout = context.layout;
    let exclude = layout.project.exclude.clone();
    let root = layout.root.to_path_buf();
    let not_excluded = move |entry: &ignore::DirEntry| {
        relative_path(&root, entry.path())
            .is_none_or(|rel| rel.is_empty() || !exclude.is_match(&rel))
    };
    let walked = Mutex::new(Walked {
        files: Vec::new(),
        skipped: Vec::new(),
        ignored: Vec::new(),
    });
    let seen = Mutex::new(BTreeSet::new());
    ignore::WalkBuilder::new(target)
        .standard_filters(true)
        .hidden(true)
        .ignore(layout.project.respect_ignore_files)
        .require_git(false)
        .follow_links(false)
        .filter_entry(not_excluded.clone())
        .threads(2)
        .build_parallel()
        .run(|| {
            Box::new(|entry| {
                let mut walked = walked.lock().unwrap();
                match entry {
                    Ok(entry) => {
                        seen.lock().unwrap().insert(entry.path().to_path_buf());
                        let file_type = entry.file_type().unwrap();
                        let path = entry.path();
                        match classify(layout, context.roots, context.real_root, path, file_type) {
                            Some(Ok(file)) => walked.files.push((file, ())),
                            Some(Err(skipped)) => walked.skipped.push(skipped),
                            None => {}
                        }
                    }
                    Err(error) => walked.skipped.push(Skipped::Unwalkable(error)),
                }
                ignore::WalkState::Continue
            })
        });
    let seen = seen.into_inner().unwrap();
    let mut walked = walked.into_inner().unwrap();
    for entry in ignore::WalkBuilder::new(target)
        .standard_filters(false)
        .hidden(true)
        .follow_links(false)
        .filter_entry(not_excluded)
        .build()
        .flatten()
    {
        if entry.path().extension().is_some_and(|ext| ext == "py")
            && !entry.file_type().is_some_and(|t| t.is_dir())
            && !seen.contains(entry.path())
        {
            walked.ignored.push(entry.into_path());
        }
    }
    walked
}

/// gate's options for the walk: `respect-ignore-files` and `exclude`.
#[derive(Clone, Copy, Debug)]
struct Options {
    respect: bool,
    exclude: &'static [&'static str],
}

/// Both values of `respect-ignore-files`, with `exclude` globs.
fn both(exclude: &'static [&'static str]) -> [Options; 2] {
    [false, true].map(|respect| Options { respect, exclude })
}

fn project_settings(options: Options) -> Project {
    let mut exclude = globset::GlobSetBuilder::new();
    for glob in options.exclude {
        exclude.add(globset::Glob::new(glob).unwrap());
    }
    Project {
        roots: vec![PathBuf::from(".")],
        include: vec![PathBuf::from(".")],
        exclude: exclude.build().unwrap(),
        exclude_patterns: options.exclude.iter().map(|s| s.to_string()).collect(),
        baseline: PathBuf::from("baseline.json"),
        baseline_configured: false,
        type_checking_imports: Default::default(),
        layer_header: None,
        strict: false,
        target_version: None,
        respect_ignore_files: options.respect,
    }
}

/// The single walk and the oracle on `target` (relative to `root`) with
/// `options`; what the walk found.
fn compare(root: &Path, options: Options, target: &str) -> Found {
    let project = project_settings(options);
    let config_file = root.join("gate.toml");
    let layout = Layout {
        root,
        config_file: &config_file,
        project: &project,
    };
    let roots = vec![root.to_path_buf()];
    let real_root = root.canonicalize().unwrap();
    let (global, _) = Gitignore::global();
    let context = Context {
        layout: &layout,
        roots: &roots,
        real_root: &real_root,
        global: &global,
        visit: &|_| (),
    };
    let target = normalize(&root.join(target));
    let ours = Found::new(walk(&context, &target), root);
    let expected = Found::new(oracle(&context, &target), root);
    assert_eq!(
        ours,
        expected,
        "{options:?} on {}: {}",
        target.display(),
        listing(root.parent().unwrap())
    );
    ours
}

/// Every path under `dir` with the ignore files' text, for a failure's
/// message.
fn listing(dir: &Path) -> String {
    let mut lines = Vec::new();
    for entry in walkdir(dir) {
        let name = entry.file_name().unwrap().to_string_lossy();
        let text = if [".gitignore", ".ignore", "exclude"].contains(&name.as_ref()) {
            format!(" {:?}", std::fs::read_to_string(&entry).unwrap_or_default())
        } else {
            String::new()
        };
        lines.push(format!(
            "{}{text}",
            entry.strip_prefix(dir).unwrap().display()
        ));
    }
    lines.sort();
    lines.join("\n")
}

fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        out.push(entry.path());
        if entry.file_type().unwrap().is_dir() {
            out.extend(walkdir(&entry.path()));
        }
    }
    out
}

/// Writes `files` under `root`: a path ending in `/` is a folder, `a -> b`
/// a symlink `a` to `b`, anything else a file with that text.
fn write(root: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        if let Some(folder) = path.strip_suffix('/') {
            std::fs::create_dir_all(root.join(folder)).unwrap();
            continue;
        }
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        match text.strip_prefix("-> ") {
            #[cfg(unix)]
            Some(link) => std::os::unix::fs::symlink(link, &path).unwrap(),
            #[cfg(not(unix))]
            Some(_) => {}
            None => std::fs::write(&path, text).unwrap(),
        }
    }
}

/// The project of each test lives in `p/` of a temporary folder, so that
/// the folder above it can hold ignore files.
fn project(files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("p");
    std::fs::create_dir(&root).unwrap();
    write(dir.path(), files);
    (dir, root)
}

#[test]
fn gitignore_patterns_negations_and_nesting() {
    let (_dir, root) = project(&[
        (
            "p/.gitignore",
            "build/\n*.gen.py\n/top.py\n!keep.gen.py\n**/fixtures/**/*.py\n",
        ),
        ("p/top.py", ""),
        ("p/a/top.py", ""),
        ("p/build/x.py", ""),
        ("p/build/deep/y.py", ""),
        ("p/build/.hidden/z.py", ""),
        ("p/a/build/y.py", ""),
        ("p/a/b.gen.py", ""),
        ("p/a/keep.gen.py", ""),
        ("p/a/fixtures/d/z.py", ""),
        ("p/a/.gitignore", "!b.gen.py\nsub/\n"),
        ("p/a/sub/q.py", ""),
        ("p/a/sub/notes.txt", ""),
        ("p/a/x.py/", ""),
    ]);
    for options in both(&[]) {
        let found = compare(&root, options, ".");
        assert_eq!(
            found.ignored,
            [
                "a/fixtures/d/z.py",
                "a/sub/q.py",
                "build/deep/y.py",
                "build/x.py",
                "a/build/y.py",
                "top.py",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect::<Vec<_>>()
        );
        assert_eq!(found.files.len(), 3, "{:?}", found.files);
        compare(&root, options, "a");
        compare(&root, options, "build");
        compare(&root, options, "build/x.py");
    }
}

#[test]
fn ignore_files_only_when_respected_and_before_gitignore() {
    let (_dir, root) = project(&[
        ("p/.ignore", "vendored/\n!gen.py\nlocal.py\n"),
        ("p/.gitignore", "gen.py\n"),
        ("p/gen.py", ""),
        ("p/local.py", ""),
        ("p/vendored/v.py", ""),
        ("p/a/.ignore", "!local.py\n"),
        ("p/a/local.py", ""),
        ("p/a/gen.py", ""),
    ]);
    let [ignored, respected] = both(&[]);
    assert_eq!(compare(&root, ignored, ".").ignored, ["a/gen.py", "gen.py"]);
    assert_eq!(
        compare(&root, respected, ".").ignored,
        ["local.py", "vendored/v.py"]
    );
}

#[test]
fn git_info_exclude_below_gitignore_and_nested_repositories() {
    let (_dir, root) = project(&[
        ("p/.git/info/exclude", "local_*.py\n"),
        ("p/.git/HEAD", ""),
        ("p/.gitignore", "!local_keep.py\nsecret.py\n"),
        ("p/local_a.py", ""),
        ("p/local_keep.py", ""),
        ("p/sub/.git/info/exclude", "mine.py\n"),
        ("p/sub/secret.py", ""),
        ("p/sub/mine.py", ""),
        ("p/sub/local_b.py", ""),
        ("p/mine.py", ""),
        // A linked worktree (its `.git` file is written below).
        ("common/worktrees/wt/commondir", "../..\n"),
        ("common/info/exclude", "wt_only.py\n"),
        ("p/wt/wt_only.py", ""),
        // A submodule's `.git` file without a common folder.
        ("p/sm/.git", "gitdir: ../.git/modules/sm\n"),
        ("p/sm/s.py", ""),
    ]);
    // Its `gitdir:` leads to the common folder, which holds the exclude
    // file.
    let common = root.parent().unwrap().join("common");
    let gitdir = format!("gitdir: {}\n", common.join("worktrees/wt").display());
    std::fs::write(root.join("wt/.git"), gitdir).unwrap();
    for options in both(&[]) {
        let found = compare(&root, options, ".");
        assert!(found.ignored.contains(&"wt/wt_only.py".to_string()));
        // Without `require_git`, no repository boundary: the outer rules
        // apply inside `sub` too.
        assert!(found.ignored.contains(&"sub/secret.py".to_string()));
        assert!(found.ignored.contains(&"sub/local_b.py".to_string()));
        compare(&root, options, "sub");
        compare(&root, options, "wt");
    }
}

#[test]
fn ignore_files_above_the_target_count() {
    let (_dir, root) = project(&[
        (
            ".gitignore",
            "gen/\n*.tmp.py\n/p/top.py\n!keep.tmp.py\n{bad\n",
        ),
        (".ignore", "ign.py\n"),
        ("p/gen/a.py", ""),
        ("p/x.tmp.py", ""),
        ("p/keep.tmp.py", ""),
        ("p/top.py", ""),
        ("p/ign.py", ""),
        ("p/app/.gitignore", "!x.tmp.py\n"),
        ("p/app/x.tmp.py", ""),
        ("p/app/top.py", ""),
    ]);
    for options in both(&[]) {
        let found = compare(&root, options, ".");
        assert!(found.ignored.contains(&"gen/a.py".to_string()));
        // The bad pattern in the folder above is reported, the rest applies.
        assert!(
            found.skipped.iter().any(|s| s.contains("{bad")),
            "{:?}",
            found.skipped
        );
        compare(&root, options, "app");
        compare(&root, options, "gen");
    }
}

#[test]
fn hidden_entries_and_whitelisted_hidden_folders() {
    let (_dir, root) = project(&[
        ("p/.gitignore", "!.keep/\n.venv/\n!.h2.py\n"),
        ("p/.hidden/x.py", ""),
        ("p/.venv/lib/y.py", ""),
        ("p/.keep/z.py", ""),
        ("p/.keep/.gitignore", "ignored.py\nsub/\n"),
        ("p/.keep/ignored.py", ""),
        ("p/.keep/sub/s.py", ""),
        ("p/.h.py", ""),
        ("p/.h2.py", ""),
    ]);
    for options in both(&[]) {
        let found = compare(&root, options, ".");
        assert!(found.files.iter().any(|f| f.starts_with(".keep/z.py")));
        assert!(found.ignored.is_empty(), "{:?}", found.ignored);
        compare(&root, options, ".keep");
        compare(&root, options, ".hidden");
    }
}

#[test]
fn exclude_globs_prune_before_ignore_files_report() {
    let (_dir, root) = project(&[
        ("p/.gitignore", "gen.py\nbuild/\n"),
        ("p/app/migrations/gen.py", ""),
        ("p/app/migrations/m.py", ""),
        ("p/app/gen.py", ""),
        ("p/build/migrations/b.py", ""),
        ("p/build/skip/c.py", ""),
        ("p/build/d.py", ""),
        ("p/skip/e.py", ""),
    ]);
    for options in both(&["**/migrations/**", "**/migrations", "build/skip", "skip"]) {
        let found = compare(&root, options, ".");
        assert_eq!(found.ignored, ["app/gen.py", "build/d.py"]);
        compare(&root, options, "build");
        compare(&root, options, "app/migrations");
    }
}

#[cfg(unix)]
#[test]
fn symlinks_are_classified_as_before() {
    let (dir, root) = project(&[
        ("outside.py", ""),
        ("p/.gitignore", "ignored/\n"),
        ("p/real/a.py", ""),
        ("p/linked", "-> real"),
        ("p/link_in.py", "-> real/a.py"),
        ("p/link_out.py", "-> ../outside.py"),
        ("p/broken.py", "-> nowhere.py"),
        ("p/ignored/l.py", "-> ../real/a.py"),
        ("p/ignored/linked", "-> ../real"),
        ("p/dir.py", "-> real"),
    ]);
    for options in both(&[]) {
        let found = compare(&root, options, ".");
        assert_eq!(found.skipped.len(), 3, "{:?}", found.skipped);
        assert_eq!(found.ignored, ["ignored/l.py"]);
        compare(&root, options, "linked");
        compare(&root, options, "link_in.py");
        compare(&root, options, "ignored");
    }
    drop(dir);
}

/// splitmix64: a fixed seed gives the same trees on every machine.
struct Seeds(u64);

impl Seeds {
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        from[((z ^ (z >> 31)) % from.len() as u64) as usize]
    }

    fn chance(&mut self, percent: usize) -> bool {
        let roll: usize = self.pick(&PERCENT).parse().unwrap();
        roll < percent
    }
}

const PERCENT: [&str; 10] = ["0", "10", "20", "30", "40", "50", "60", "70", "80", "90"];

const NAMES: &[&str] = &[
    "a",
    "b",
    "build",
    "src",
    "tests",
    ".hidden",
    "x.py",
    "y.py",
    "gen.py",
    "keep.py",
    "__init__.py",
    ".h.py",
    "data.txt",
    "migrations",
    "a.py",
    "dir.py",
];

const PATTERNS: &[&str] = &[
    "*.py",
    "build/",
    "/x.py",
    "!keep.py",
    "!x.py",
    "**/tests/**",
    "a/",
    "gen*.py",
    "!build/",
    "b/*.py",
    "/src/b",
    ".hidden/",
    "!.hidden/",
    "!*/",
    "tests",
    "# c",
    "\\!x.py",
    "y.py/",
    "**/a/y.py",
    "a/**/x.py",
    "!/a",
    "src/**",
    "*.txt",
    "!*.py",
    "dir.py",
    "/p/a/",
    "[xy].py",
    "!gen.py",
    "**/b",
    "keep.py",
    "migrations/",
];

/// Ignore-file text of one to three random patterns.
fn rules(seeds: &mut Seeds) -> String {
    let count = 1 + seeds.pick(&["0", "1", "2"]).parse::<usize>().unwrap();
    (0..count)
        .map(|_| format!("{}\n", seeds.pick(PATTERNS)))
        .collect()
}

/// A random folder at `dir`, `depth` levels deep at most.
fn random_folder(seeds: &mut Seeds, dir: &Path, depth: usize) {
    std::fs::create_dir_all(dir).unwrap();
    for (name, percent) in [(".gitignore", 40), (".ignore", 20)] {
        if seeds.chance(percent) {
            std::fs::write(dir.join(name), rules(seeds)).unwrap();
        }
    }
    if seeds.chance(10) {
        std::fs::create_dir_all(dir.join(".git/info")).unwrap();
        std::fs::write(dir.join(".git/info/exclude"), rules(seeds)).unwrap();
    }
    for _ in 0..4 {
        let name = seeds.pick(NAMES);
        let path = dir.join(name);
        if path.exists() {
            continue;
        }
        let folder = !name.ends_with(".py") && !name.ends_with(".txt") || seeds.chance(10);
        if folder && depth > 0 {
            random_folder(seeds, &path, depth - 1);
        } else if !folder {
            std::fs::write(&path, "").unwrap();
        }
    }
}

#[test]
fn generated_trees_walk_as_walk_builder_walks_them() {
    let mut seeds = Seeds(0x5eed);
    let mut ignored = 0;
    for _ in 0..150 {
        let dir = tempfile::tempdir().unwrap();
        if seeds.chance(50) {
            std::fs::write(dir.path().join(".gitignore"), rules(&mut seeds)).unwrap();
        }
        let root = dir.path().join("p");
        random_folder(&mut seeds, &root, 3);
        let exclude = [&[][..], &["**/b/**"], &["src/x.py", "tests"]];
        let exclude = exclude[seeds.pick(&["0", "1", "2"]).parse::<usize>().unwrap()];
        for options in both(exclude) {
            ignored += compare(&root, options, ".").ignored.len();
            let sub = seeds.pick(NAMES);
            if root.join(sub).exists() {
                compare(&root, options, sub);
            }
        }
    }
    // The trees reach the ignored path often.
    assert!(ignored > 100, "{ignored}");
}
