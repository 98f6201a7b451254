//! From a [`Survey`] to a proposed config: source roots, folders to
//! exclude, layers from conventional folder names, and the rules that are
//! right in every project.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::settings::ModulePattern;

use super::survey::{DjangoProject, Orm, Survey, parent_of};

/// The layers `gate init` knows, top first, with the folder (or module)
/// names that make one, and what the layer is for. A layer may import the
/// layers below it: routes enqueue jobs, both call adapters and services,
/// services read and write through the persistence layer, and everything
/// may read the settings.
pub const LAYERS: &[(&str, &[&str], &str)] = &[
    (
        "api",
        &["routes", "api", "views", "endpoints"],
        "HTTP routes and views: nothing imports them",
    ),
    (
        "workers",
        &["workers", "tasks", "jobs"],
        "background jobs: routes may enqueue them",
    ),
    (
        "adapters",
        &["adapters", "clients", "integrations", "gateways"],
        "clients of other systems, implementing the domain's ports",
    ),
    (
        "domain",
        &["services", "domain", "use_cases"],
        "business logic",
    ),
    (
        "persistence",
        &["models", "db", "repositories", "orm"],
        "ORM models and database access",
    ),
    (
        "config",
        &["settings", "config", "core"],
        "settings and shared core: every layer may import them",
    ),
];

/// Folder names whose modules are tests, fixtures or generated code, not
/// layered application code.
const NOT_LAYERED: &[&str] = &["tests", "test", "testing", "migrations", "conftest"];

/// The exclude glob of schema migrations (Django, Alembic's `migrations/`).
pub const MIGRATIONS: &str = "**/migrations/**";

/// How many modules of the same shape make a wildcard pattern
/// (`*.views` for `blog.views`, `polls.views`, `shop.views`).
const WILDCARD_FROM: usize = 3;

/// A source root and why it is one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Root {
    /// Relative to the project root, `/`-separated; `.` for the root.
    pub path: String,
    pub why: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProposedLayer {
    pub name: &'static str,
    pub about: &'static str,
    pub modules: Vec<String>,
}

/// A `db-write` rule for one ORM's way of writing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProposedDbWrite {
    pub orm: Orm,
    /// The api layer's module patterns.
    pub modules: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proposal {
    pub roots: Vec<Root>,
    /// Path globs of folders that are not the project's code.
    pub exclude: Vec<String>,
    pub layers: Vec<ProposedLayer>,
    /// The package depth of the `import-cycle` rule, and the packages at
    /// that depth with the most files (for the comment).
    pub cycle_depth: usize,
    pub cycle_examples: Vec<String>,
    pub db_writes: Vec<ProposedDbWrite>,
    /// The Django projects whose folder is a source root.
    pub django: Vec<DjangoProject>,
}

pub fn propose(survey: &Survey) -> Proposal {
    let roots = source_roots(survey);
    let root_paths: Vec<PathBuf> = roots
        .iter()
        .map(|root| Path::new("/").join(&root.path))
        .map(|path| crate::discover::normalize(&path))
        .collect();
    let modules = Modules::new(survey, &root_paths);
    let layers = layers(&modules);
    let (cycle_depth, cycle_examples) = cycle_depth(&modules);
    let db_writes = layers
        .iter()
        .find(|layer| layer.name == "api")
        .map(|api| {
            survey
                .orms
                .iter()
                .map(|&orm| ProposedDbWrite {
                    orm,
                    modules: api.modules.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    let django = survey
        .django
        .iter()
        .filter(|django| {
            let folder = if django.folder.is_empty() {
                "."
            } else {
                &django.folder
            };
            roots.iter().any(|root| root.path == folder)
        })
        .cloned()
        .collect();
    Proposal {
        django,
        roots,
        exclude: exclude(&survey.skipped, &survey.files),
        layers,
        cycle_depth,
        cycle_examples,
        db_writes,
    }
}

/// The folders that put packages on the import path: the package settings
/// of pyproject.toml, a `src/` layout, the folders holding Django's
/// `manage.py`, and the folder above every top-level package; then `.`,
/// when files lie outside all of those (scripts, tests, setup.py), so that
/// every file has a module name. A folder inside a root other than `.` is
/// not one unless pyproject.toml says so: there it is a namespace package
/// (src/acme/ in src/acme/crm/__init__.py), or templates and sample
/// projects among the tests.
fn source_roots(survey: &Survey) -> Vec<Root> {
    let mut candidates: Vec<(&str, String, bool)> = Vec::new();
    for (folder, setting) in &survey.pyproject.roots {
        candidates.push((folder, format!("{setting} in pyproject.toml"), true));
    }
    if survey
        .packages
        .iter()
        .any(|package| package.starts_with("src/"))
    {
        candidates.push(("src", "a src/ layout".to_string(), false));
    }
    for django in &survey.django {
        candidates.push((
            &django.folder,
            "Django's manage.py runs from here".to_string(),
            false,
        ));
    }
    for package in &survey.packages {
        let parent = parent_of(package);
        if parent.is_empty() || !survey.packages.contains(parent) {
            candidates.push((
                parent,
                "the folder above top-level packages".to_string(),
                false,
            ));
        }
    }
    // Shallow first, so that a root is there before the folders inside it.
    candidates.sort_by_key(|(path, _, declared)| (!declared, path.matches('/').count(), *path));
    let mut roots: Vec<Root> = Vec::new();
    for (path, why, declared) in candidates {
        let path = if path.is_empty() { "." } else { path };
        let inside_a_root = roots
            .iter()
            .any(|root| root.path != "." && is_within(path, &root.path));
        if roots.iter().any(|root| root.path == path) || (inside_a_root && !declared) {
            continue;
        }
        roots.push(Root {
            path: path.to_string(),
            why,
        });
    }
    let covered = |file: &str| {
        roots
            .iter()
            .any(|root| root.path == "." || is_within(file, &root.path))
    };
    if roots.is_empty() || survey.files.iter().any(|file| !covered(file)) {
        roots.push(Root {
            path: ".".to_string(),
            why: "so that scripts and tests outside the packages have module names too".to_string(),
        });
    }
    roots.sort_by(|a, b| (a.path != ".", &a.path).cmp(&(b.path != ".", &b.path)));
    roots
}

/// `path` is `folder` or lies below it.
fn is_within(path: &str, folder: &str) -> bool {
    path == folder
        || path
            .strip_prefix(folder)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// Exclude globs for folders that are not code; a name found twice or more
/// is excluded everywhere (`**/node_modules`). Schema migrations are
/// generated, frozen code whose file names (`0001_initial.py`) are no
/// module names: excluded too, when there are any.
fn exclude(skipped: &[String], files: &[String]) -> Vec<String> {
    let mut by_name: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for folder in skipped {
        let name = folder.rsplit('/').next().unwrap_or(folder);
        by_name.entry(name).or_default().push(folder);
    }
    let mut globs: Vec<String> = by_name
        .into_iter()
        .flat_map(|(name, folders)| {
            if folders.len() > 1 {
                vec![format!("**/{}", globset::escape(name))]
            } else {
                folders.into_iter().map(globset::escape).collect()
            }
        })
        .collect();
    if files
        .iter()
        .any(|file| file.split('/').any(|part| part == "migrations"))
    {
        globs.push(MIGRATIONS.to_string());
    }
    globs.sort();
    globs
}

/// The module names of the tree under the proposed roots.
struct Modules {
    /// Every module and every package above one (namespace packages too).
    all: BTreeSet<String>,
    /// Modules of application code (not tests or migrations), with the
    /// number of files each holds directly or below.
    application: BTreeMap<String, usize>,
    /// Modules that are regular packages (an `__init__.py`).
    packages: BTreeSet<String>,
}

impl Modules {
    fn new(survey: &Survey, roots: &[PathBuf]) -> Self {
        let mut modules = Modules {
            all: BTreeSet::new(),
            application: BTreeMap::new(),
            packages: BTreeSet::new(),
        };
        for file in &survey.files {
            let absolute = Path::new("/").join(file);
            let (Some(module), is_package) = crate::discover::module_name(roots, &absolute) else {
                continue;
            };
            if is_package {
                modules.packages.insert(module.clone());
            }
            let application = !file
                .split('/')
                .any(|part| NOT_LAYERED.contains(&part.trim_end_matches(".py")));
            let mut prefix = String::new();
            for segment in module.split('.') {
                if !prefix.is_empty() {
                    prefix.push('.');
                }
                prefix.push_str(segment);
                modules.all.insert(prefix.clone());
                if application {
                    *modules.application.entry(prefix.clone()).or_default() += 1;
                }
            }
        }
        modules
    }
}

fn layer_of(segment: &str) -> Option<usize> {
    LAYERS
        .iter()
        .position(|(_, names, _)| names.contains(&segment))
}

/// One layer per conventional name found, only for modules that are part
/// of a package (a top-level `tasks.py` script is not a layer); the
/// outermost conventional name wins (`app.api.models` stays in `api`).
fn layers(modules: &Modules) -> Vec<ProposedLayer> {
    let mut found: Vec<Vec<String>> = vec![Vec::new(); LAYERS.len()];
    let mut matched: BTreeSet<&str> = BTreeSet::new();
    for module in modules.application.keys() {
        let (parent, last) = match module.rsplit_once('.') {
            Some((parent, last)) => (Some(parent), last),
            None => (None, module.as_str()),
        };
        let Some(layer) = layer_of(last) else {
            continue;
        };
        let in_a_package = modules.packages.contains(module)
            || parent.is_some_and(|parent| modules.packages.contains(parent));
        let below_a_match = ancestors(module).any(|ancestor| matched.contains(ancestor));
        if in_a_package && !below_a_match {
            matched.insert(module);
            found[layer].push(module.clone());
        }
    }
    LAYERS
        .iter()
        .zip(found)
        .filter(|(_, found)| !found.is_empty())
        .map(|(&(name, _, about), found)| ProposedLayer {
            name,
            about,
            modules: patterns(&found, &modules.all),
        })
        .collect()
}

/// The packages above `module`, nearest last.
fn ancestors(module: &str) -> impl Iterator<Item = &str> {
    module.match_indices('.').map(move |(at, _)| &module[..at])
}

/// Module patterns for `found`: modules of one shape (same depth and last
/// segment) become one wildcard pattern (`django.contrib.*.views`) when
/// there are enough of them and the pattern matches no other module of
/// the tree at that depth; else they are listed one by one.
fn patterns(found: &[String], all: &BTreeSet<String>) -> Vec<String> {
    let mut shapes: BTreeMap<(usize, &str), Vec<&str>> = BTreeMap::new();
    for module in found {
        let depth = module.split('.').count();
        let last = module.rsplit('.').next().unwrap_or(module);
        shapes.entry((depth, last)).or_default().push(module);
    }
    let mut patterns = Vec::new();
    for ((depth, _), members) in shapes {
        match wildcard(&members, depth, all) {
            Some(pattern) => patterns.push(pattern),
            None => patterns.extend(members.iter().map(|m| m.to_string())),
        }
    }
    patterns.sort();
    patterns
}

fn wildcard(members: &[&str], depth: usize, all: &BTreeSet<String>) -> Option<String> {
    if members.len() < WILDCARD_FROM {
        return None;
    }
    let split: Vec<Vec<&str>> = members.iter().map(|m| m.split('.').collect()).collect();
    let text = (0..depth)
        .map(|i| {
            let first = split[0][i];
            if split.iter().all(|segments| segments[i] == first) {
                first
            } else {
                "*"
            }
        })
        .collect::<Vec<_>>()
        .join(".");
    let pattern = ModulePattern::parse(&text).ok()?;
    let exact = all
        .iter()
        .filter(|module| module.split('.').count() == depth && pattern.matches(module))
        .all(|module| members.contains(&module.as_str()));
    exact.then_some(text)
}

/// The package depth for `import-cycle`: 2 when one top-level package
/// holds most of the application's files (cycles between `app.crm` and
/// `app.billing`), else 1 (cycles between top-level packages, such as
/// Django apps). Also the largest packages at that depth.
fn cycle_depth(modules: &Modules) -> (usize, Vec<String>) {
    let at = |depth: usize| -> Vec<(&String, usize)> {
        let mut found: Vec<(&String, usize)> = modules
            .application
            .iter()
            .filter(|(module, _)| module.split('.').count() == depth)
            .map(|(module, &files)| (module, files))
            .collect();
        found.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        found
    };
    let top = at(1);
    let total: usize = top.iter().map(|(_, files)| files).sum();
    let depth = match top.first() {
        Some((package, files))
            if files * 2 > total && modules.packages.contains(package.as_str()) =>
        {
            2
        }
        _ => 1,
    };
    let examples = at(depth)
        .into_iter()
        .filter(|(_, files)| *files > 1)
        .take(4)
        .map(|(module, _)| module.clone())
        .collect();
    (depth, examples)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn survey(files: &[&str]) -> Survey {
        let files: Vec<String> = files.iter().map(|f| f.to_string()).collect();
        let packages = files
            .iter()
            .filter(|f| f.ends_with("__init__.py"))
            .map(|f| parent_of(f).to_string())
            .collect();
        Survey {
            files,
            packages,
            ..Survey::default()
        }
    }

    #[test]
    fn roots_are_the_folders_above_top_level_packages_and_a_src_layout() {
        let proposal = propose(&survey(&[
            "backend/app/__init__.py",
            "backend/app/api/__init__.py",
            "src/acme/crm/__init__.py",
            "setup.py",
        ]));
        let roots: Vec<&str> = proposal.roots.iter().map(|r| r.path.as_str()).collect();
        // src/acme is a namespace package under the src root, not a root.
        assert_eq!(roots, [".", "backend", "src"]);
    }

    #[test]
    fn layers_come_from_conventional_names_outermost_first() {
        let proposal = propose(&survey(&[
            "app/__init__.py",
            "app/api/__init__.py",
            "app/api/models.py",
            "app/services/billing.py",
            "app/core/config.py",
            "app/tests/test_api.py",
            "tasks.py",
        ]));
        let layers: Vec<(&str, Vec<&str>)> = proposal
            .layers
            .iter()
            .map(|l| (l.name, l.modules.iter().map(String::as_str).collect()))
            .collect();
        assert_eq!(
            layers,
            [
                ("api", vec!["app.api"]),
                ("domain", vec!["app.services"]),
                ("config", vec!["app.core"]),
            ]
        );
        assert_eq!(proposal.cycle_depth, 2);
    }

    #[test]
    fn many_modules_of_one_shape_become_a_wildcard_when_it_matches_only_them() {
        let mut files = vec!["manage.py"];
        for app in ["blog", "polls", "shop"] {
            files.push(Box::leak(format!("{app}/__init__.py").into_boxed_str()));
            files.push(Box::leak(format!("{app}/views.py").into_boxed_str()));
        }
        files.push("tests/__init__.py");
        files.push("tests/views.py");
        let proposal = propose(&survey(&files));
        // tests.views exists: `*.views` would take it in.
        assert_eq!(
            proposal.layers[0].modules,
            ["blog.views", "polls.views", "shop.views"]
        );
        files.pop();
        files.pop();
        let proposal = propose(&survey(&files));
        assert_eq!(proposal.layers[0].modules, ["*.views"]);
        assert_eq!(proposal.cycle_depth, 1);
    }

    #[test]
    fn folders_found_twice_are_excluded_everywhere() {
        assert_eq!(
            exclude(
                &[
                    "venv".to_string(),
                    "web/node_modules".to_string(),
                    "ui/node_modules".to_string()
                ],
                &[]
            ),
            ["**/node_modules", "venv"]
        );
    }
}
