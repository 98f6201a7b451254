//! The `[project]` table: source roots, what to analyse and skip, the
//! baseline file, the type-checking policy, the layer header, the target
//! Python, and whether dead config fails the run.
//!
//! Ignore files: gate is a required check, and a pull request could add an
//! ignore file that takes code out of it. `exclude` here is the one
//! reviewed place to skip files. `.gitignore` files (and the repository's
//! `.git/info/exclude` and the global git excludes) are honoured, so
//! virtual environments and build output stay out; `.ignore` files (the
//! ripgrep/fd convention) only with `respect-ignore-files = true`, and
//! `.rgignore` files never. Every `.py` file an ignore file skips is a
//! warning (`N files were skipped by ignore files`, each listed with
//! `--verbose` and in the JSON report), so no ignore file removes code
//! silently.

use std::path::PathBuf;

use crate::diagnostic::Diagnostic;
use crate::settings::read::{globs, refuse_empty, regex_with_group};
use crate::settings::{Project, Table, TypeCheckingImports};

pub(super) fn project(table: &Table<'_>) -> Result<Project, Diagnostic> {
    table.check_keys(&[
        "roots",
        "include",
        "exclude",
        "baseline",
        "type-checking-imports",
        "layer-header",
        "strict",
        "target-version",
        "respect-ignore-files",
    ])?;
    let (exclude, exclude_patterns) = globs(table, "exclude")?;
    let baseline_setting = table.string("baseline")?;
    let baseline_configured = baseline_setting.is_some();
    let baseline = match baseline_setting {
        Some(baseline) => {
            refuse_empty(
                table,
                "baseline",
                baseline.span(),
                baseline.get_ref().is_empty(),
            )?;
            PathBuf::from(baseline.get_ref())
        }
        None => PathBuf::from("baseline.json"),
    };
    Ok(Project {
        roots: folders(table, "roots")?,
        include: folders(table, "include")?,
        exclude,
        exclude_patterns,
        baseline,
        baseline_configured,
        type_checking_imports: table
            .choice(
                "type-checking-imports",
                &[
                    ("ignore", TypeCheckingImports::Ignore),
                    ("check", TypeCheckingImports::Check),
                ],
            )?
            .unwrap_or_default(),
        layer_header: table
            .string("layer-header")?
            .map(|pattern| regex_with_group(table, &pattern, "layer"))
            .transpose()?,
        strict: table.boolean("strict")?.unwrap_or(false),
        target_version: target_version(table)?,
        respect_ignore_files: table.boolean("respect-ignore-files")?.unwrap_or(false),
    })
}

/// `target-version = "3.11"`: a Python the parser knows, 3.7 to the newest.
fn target_version(table: &Table<'_>) -> Result<Option<(u8, u8)>, Diagnostic> {
    let Some(text) = table.string("target-version")? else {
        return Ok(None);
    };
    let newest = crate::parse::NEWEST_PYTHON;
    let version = text
        .get_ref()
        .split_once('.')
        .and_then(|(major, minor)| Some((major.parse::<u8>().ok()?, minor.parse::<u8>().ok()?)))
        .filter(|version| (3, 7) <= *version && *version <= newest);
    match version {
        Some(version) => Ok(Some(version)),
        None => Err(table.source.error(
            text.span(),
            format!(
                "`target-version` {} must be a Python version from \"3.7\" to \"{}.{}\", such as \"3.11\"",
                table.place, newest.0, newest.1
            ),
        )),
    }
}

/// `roots` and `include`: folders relative to the root, `.` by default.
fn folders(table: &Table<'_>, key: &str) -> Result<Vec<PathBuf>, Diagnostic> {
    let Some(list) = table.strings(key)? else {
        return Ok(vec![PathBuf::from(".")]);
    };
    // An empty list would silently check nothing.
    refuse_empty(table, key, list.span(), list.get_ref().is_empty())?;
    Ok(list
        .get_ref()
        .iter()
        .map(|folder| PathBuf::from(folder.get_ref()))
        .collect())
}
