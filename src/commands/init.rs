//! `gate init`: propose a config for an existing repository (see
//! `crate::init`), prove that it loads, run it, print what it finds per
//! rule, write the config and the baseline of today's violations, and say
//! what to do next.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::analyze::Analysis;
use crate::baseline;
use crate::cache::CacheLocation;
use crate::commands;
use crate::config::{self, Config};
use crate::diagnostic::Diagnostic;
use crate::exit::ExitCode;
use crate::facts::FactSet;
use crate::init::{self, Target, pyproject};
use crate::output;
use crate::run::{self, ProjectOptions};

const GATE_TOML: &str = "gate.toml";
const PYPROJECT_TOML: &str = "pyproject.toml";
const BASELINE_JSON: &str = "baseline.json";

/// Everything `gate init` is told on its command line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InitOptions {
    /// The repository; `None` for the current folder.
    pub path: Option<PathBuf>,
    /// Append `[tool.gate]` to pyproject.toml instead of writing gate.toml.
    pub pyproject: bool,
    /// Print the config and the counts; write nothing.
    pub dry_run: bool,
    /// Replace an existing config and baseline.
    pub force: bool,
    /// Do not write baseline.json.
    pub no_baseline: bool,
    /// Worker threads; `None` is one per core.
    pub threads: Option<usize>,
}

/// The files `gate init` reads and writes, as messages name them.
struct Files {
    root: PathBuf,
    /// The repository as the user named it (`.` for the current folder).
    shown_root: PathBuf,
    gate_toml: PathBuf,
    pyproject: PathBuf,
    baseline: PathBuf,
}

impl Files {
    fn new(options: &InitOptions) -> Result<Self, Diagnostic> {
        let shown_root = options.path.clone().unwrap_or_else(|| PathBuf::from("."));
        let root = init::survey::absolute_folder(&shown_root)
            .map_err(|error| Diagnostic::caused_by("cannot read the current directory", &error))?;
        if !root.is_dir() {
            return Err(Diagnostic::error(format!(
                "{} is not a folder; `gate init [PATH]` sets up the repository in PATH",
                shown_root.display()
            )));
        }
        let shown = |name: &str| match &options.path {
            Some(path) => path.join(name),
            None => PathBuf::from(name),
        };
        Ok(Files {
            gate_toml: shown(GATE_TOML),
            pyproject: shown(PYPROJECT_TOML),
            baseline: shown(BASELINE_JSON),
            root,
            shown_root,
        })
    }
}

pub fn run(options: &InitOptions) -> Result<ExitCode, Diagnostic> {
    let files = Files::new(options)?;
    let target = if options.pyproject {
        Target::Pyproject
    } else {
        Target::GateToml
    };
    let existing_pyproject = read_if_present(&files.root.join(PYPROJECT_TOML), &files.pyproject)?;
    if options.pyproject && existing_pyproject.is_none() {
        return Err(Diagnostic::error(format!(
            "--pyproject: there is no {}",
            files.pyproject.display()
        ))
        .with_help("run `gate init` without --pyproject to write gate.toml".to_string()));
    }
    let has_tool_gate = existing_pyproject
        .as_deref()
        .is_some_and(pyproject::declares_tool_gate);
    if !options.dry_run {
        refuse_to_overwrite(options, &files, has_tool_gate)?;
    }

    let (survey, proposal, gate_text) = init::proposed_config(&files.root, target);
    let (config_path, config_text) = match (target, &existing_pyproject) {
        (Target::Pyproject, Some(existing)) => {
            let kept = if has_tool_gate {
                pyproject::without_tool_gate(existing).ok_or_else(|| {
                    Diagnostic::error(format!(
                        "cannot take the existing [tool.gate] out of {}: it is not written as \
                         [tool.gate...] tables only",
                        files.pyproject.display()
                    ))
                    .with_help("remove it by hand, then run `gate init --pyproject`".to_string())
                })?
            } else {
                existing.clone()
            };
            (
                files.pyproject.clone(),
                pyproject::append(&kept, &gate_text),
            )
        }
        _ => (files.gate_toml.clone(), gate_text.clone()),
    };
    let config = proven(&files.root, &config_path, &config_text, target)?;

    if options.dry_run {
        output::print_stdout(&gate_text)?;
    }
    crate::eprintln_inert!("{}", found_summary(&survey, &proposal, &files));
    let project = ProjectOptions {
        config: None,
        threads: options.threads,
        verbose: false,
        // The config is only proposed: its facts are not worth keeping.
        cache: CacheLocation::Off,
        facts: FactSet::BASE,
        timings: false,
    };
    let analysis = run::analyze(&config, &project, &[])?;
    commands::print_warnings(&analysis.warnings, project.verbose);
    crate::output::print_stderr(&counts(&config, &analysis));
    if options.dry_run {
        crate::eprintln_inert!("dry run: nothing written");
        return Ok(ExitCode::Clean);
    }

    output::write_output(&config_path, &config_text)?;
    crate::eprintln_inert!("wrote {}", config_path.display());
    if target == Target::GateToml && has_tool_gate {
        crate::eprintln_inert!(
            "warning: {} wins over the [tool.gate] table in {}: remove that table",
            files.gate_toml.display(),
            files.pyproject.display()
        );
    }
    if !options.no_baseline {
        let new_baseline = baseline::from_violations(&analysis.violations);
        // The error's message names the file.
        baseline::save(&files.root.join(BASELINE_JSON), &new_baseline)
            .map_err(|error| Diagnostic::of_error(&error))?;
        crate::eprintln_inert!(
            "wrote {}: {} entries for {} violations",
            files.baseline.display(),
            new_baseline.entries.len(),
            analysis.violations.len()
        );
    }
    crate::output::print_stderr(&next_steps(options, &files, &config_path));
    std::mem::forget(analysis);
    Ok(ExitCode::Clean)
}

fn read_if_present(path: &Path, shown: &Path) -> Result<Option<String>, Diagnostic> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(Diagnostic::caused_by(
            format_args!("cannot read {}", shown.display()),
            &error,
        )),
    }
}

/// An existing config or baseline is replaced only with `--force`; a
/// gate.toml is never shadowed by a new `[tool.gate]` (gate.toml wins).
fn refuse_to_overwrite(
    options: &InitOptions,
    files: &Files,
    has_tool_gate: bool,
) -> Result<(), Diagnostic> {
    let gate_toml_exists = files.root.join(GATE_TOML).exists();
    if options.pyproject && gate_toml_exists {
        return Err(Diagnostic::error(format!(
            "{} exists, and it would win over a [tool.gate] table in {}",
            files.gate_toml.display(),
            files.pyproject.display()
        ))
        .with_help(format!(
            "remove {} first, or run `gate init` without --pyproject",
            files.gate_toml.display()
        )));
    }
    if options.force {
        return Ok(());
    }
    let existing = if gate_toml_exists {
        Some(files.gate_toml.display().to_string())
    } else if has_tool_gate {
        Some(format!("[tool.gate] in {}", files.pyproject.display()))
    } else if !options.no_baseline && files.root.join(BASELINE_JSON).exists() {
        Some(files.baseline.display().to_string())
    } else {
        None
    };
    match existing {
        Some(existing) => Err(Diagnostic::error(format!(
            "{existing} already exists; gate init does not overwrite it"
        ))
        .with_help(
            "`gate init --force` replaces the config and the baseline; \
             `gate init --dry-run` prints the proposal without writing"
                .to_string(),
        )),
        None => Ok(()),
    }
}

/// The proposed config, loaded as `gate check` will load it: a proposal
/// that does not load is a bug of gate init, never written.
fn proven(root: &Path, path: &Path, text: &str, target: Target) -> Result<Config, Diagnostic> {
    let mut config =
        config::load_str(text, path, target == Target::Pyproject).map_err(|error| {
            let mut diagnostic = Diagnostic::from(&error);
            diagnostic.message = format!(
                "the proposed config does not load (a bug in gate init, please report it): {}",
                diagnostic.message
            );
            diagnostic
        })?;
    config.root = root.to_path_buf();
    Ok(config)
}

fn found_summary(survey: &init::Survey, proposal: &init::Proposal, files: &Files) -> String {
    let mut found = format!(
        "gate init: found {} Python files in {}",
        survey.files.len(),
        files.shown_root.display()
    );
    if let Some(python) = &survey.python {
        found.push_str(&format!(", Python {} ({})", python.spec, python.source));
    }
    for django in &proposal.django {
        found.push_str(&format!(
            ", a Django project in {} with {} apps",
            if django.folder.is_empty() {
                "."
            } else {
                &django.folder
            },
            django.apps.len()
        ));
    }
    found
}

/// Per rule, the violations the proposed config finds today and in how
/// many files: every configured rule, and the always-on ones.
fn counts(config: &Config, analysis: &Analysis) -> String {
    let names = config.rule_names();
    let mut found: BTreeMap<&str, (usize, BTreeSet<&str>)> = BTreeMap::new();
    for violation in &analysis.violations {
        let entry = found.entry(violation.rule.as_str()).or_default();
        entry.0 += 1;
        entry.1.insert(violation.path.as_str());
    }
    let width = names.iter().map(|name| name.len()).max().unwrap_or(0);
    let mut out = format!(
        "checked {} files; the violations they have today, per rule:\n",
        analysis.files.len()
    );
    for name in names {
        let (count, files) = found
            .get(name)
            .map(|(count, files)| (*count, files.len()))
            .unwrap_or_default();
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        out.push_str(&format!(
            "  {name:width$}  {} in {}\n",
            plural(count, "violation", "violations"),
            plural(files, "file", "files")
        ));
    }
    out
}

fn next_steps(options: &InitOptions, files: &Files, config_path: &Path) -> String {
    let mut commit = vec![config_path.display().to_string()];
    if !options.no_baseline {
        commit.push(files.baseline.display().to_string());
    }
    let baseline_step = if options.no_baseline {
        "  - `gate baseline init` records today's violations in baseline.json, when you want one\n"
    } else {
        ""
    };
    format!(
        "\nnext steps:\n  \
         - review {config}: its layers are guesses from folder names (`gate explain layers`)\n\
         {baseline_step}  \
         - commit: git add {commit}\n  \
         - run `gate check` on every pull request: the GitHub Action (gate's action.yml) or the \
           pre-commit hook `gate`; it fails only on violations that are not in the baseline\n",
        config = config_path.display(),
        commit = commit.join(" "),
    )
}
