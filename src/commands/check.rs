//! `gate check`: analyse, compare with the baseline, report, decide the exit
//! code.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::Result;

use crate::baseline::{self, Baseline, Diff};
use crate::cli::{CheckArgs, ColorChoice, Format, GithubReportArgs, RunArgs};
use crate::commands;
use crate::config::Config;
use crate::report::{self, MarkdownOptions, RepoPaths, SarifOptions, SizeLimit, TextOptions};

/// A finished run: the config, and every violation against the baseline.
pub struct Checked {
    pub config: Config,
    pub diff: Diff,
    /// Python files analysed.
    pub files: usize,
    /// The baseline compared with; `None` under `--no-baseline`.
    pub baseline_path: Option<PathBuf>,
    /// That baseline as read, before `check PATH...` narrowed it to the
    /// files checked.
    pub baseline: Option<Baseline>,
}

/// Loads the config and the baseline, analyses, and compares.
pub fn evaluate(args: &RunArgs) -> Result<Checked> {
    let config = commands::load_config(&args.project)?;
    // Read the baseline first: a broken one should fail before a long run.
    let (baseline, baseline_path) = if args.no_baseline {
        (None, None)
    } else {
        let path = commands::baseline_path(&config, args.baseline.as_deref());
        (Some(baseline::load(&path)?), Some(path))
    };
    let analysis = commands::analyze(&config, &args.project, &args.paths)?;
    let checked_baseline = baseline
        .clone()
        .map(|baseline| restrict_to_checked_files(baseline, analysis.files.sources(), &args.paths));
    let files = analysis.files.len();
    let diff = baseline::diff(analysis.violations, checked_baseline.as_ref());
    // The facts of every file are hundreds of thousands of small
    // allocations; the process is about to exit, so let the OS reclaim them
    // at once instead of freeing them one by one.
    std::mem::forget((analysis.files, analysis.graph));
    Ok(Checked {
        config,
        diff,
        files,
        baseline_path,
        baseline,
    })
}

impl Checked {
    /// The baseline file as messages name it.
    pub fn baseline_name(&self) -> String {
        match &self.baseline_path {
            Some(path) => path.display().to_string(),
            None => self.config.project.baseline.display().to_string(),
        }
    }

    /// Why the SARIF does not hold every result, if it does not.
    pub fn sarif_truncation(&self, args: &GithubReportArgs) -> Option<String> {
        let count = report::sarif_result_count(&self.diff, args.sarif_known);
        (count > report::MAX_RESULTS).then(|| {
            format!(
                "the SARIF holds the first {} of {count} results, as many as code scanning keeps \
                 (new errors first); the text, JSON and Markdown reports list them all",
                report::MAX_RESULTS
            )
        })
    }

    pub fn sarif(&self, args: &GithubReportArgs, paths: &RepoPaths) -> String {
        report::render_sarif(
            &self.diff,
            &SarifOptions {
                rules: &self.config.rules,
                known: args.sarif_known,
                category: &args.category,
                baseline_file: &self.baseline_name(),
                paths,
            },
        )
    }

    /// The Markdown report without GitHub's context (links, base branch).
    pub fn markdown(&self, args: &GithubReportArgs, paths: &RepoPaths) -> String {
        report::render_markdown(
            &self.diff,
            &MarkdownOptions {
                files: self.files,
                category: &args.category,
                paths,
                links: None,
                baseline_file: &self.baseline_name(),
                baseline_added: None,
                run_url: None,
                limit: SizeLimit::SUMMARY,
            },
        )
    }
}

pub fn run(args: &CheckArgs) -> Result<i32> {
    let checked = evaluate(&args.run)?;
    let paths = commands::repo_paths(&checked.config, None);
    let (diff, files) = (&checked.diff, checked.files);

    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => to_terminal && std::env::var_os("NO_COLOR").is_none(),
    };
    let rendered = match args.format {
        Format::Text => report::render_text(
            diff,
            files,
            &TextOptions {
                color: color && args.output.is_none(),
                quiet: args.quiet,
                show_known: args.show_known,
            },
        ),
        Format::Json => report::render_json(diff, files),
        Format::Sarif => checked.sarif(&args.github, &paths),
        Format::Github => report::render_annotations(diff, &paths),
        Format::Markdown => checked.markdown(&args.github, &paths),
    };
    match &args.output {
        Some(path) => commands::write_output(path, &rendered)?,
        None => commands::print_stdout(&rendered)?,
    }
    if let Some(path) = &args.json {
        commands::write_output(path, &report::render_json(diff, files))?;
    }
    if let Some(path) = &args.sarif {
        commands::write_output(path, &checked.sarif(&args.github, &paths))?;
    }
    if (args.format == Format::Sarif || args.sarif.is_some())
        && let Some(warning) = checked.sarif_truncation(&args.github)
    {
        eprintln!("warning: {warning}");
    }
    if let Some(path) = &args.markdown {
        commands::write_output(path, &checked.markdown(&args.github, &paths))?;
    }
    Ok(report::exit_code(diff, args.run.fail_on_stale))
}

/// When only some paths are checked, baseline entries of the other files
/// are not "fixed": they were not looked at.
fn restrict_to_checked_files(
    mut baseline: Baseline,
    files: &[crate::discover::SourceFile],
    targets: &[PathBuf],
) -> Baseline {
    if targets.is_empty() {
        return baseline;
    }
    let checked: std::collections::HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    baseline
        .entries
        .retain(|entry| checked.contains(entry.path.as_str()));
    baseline
}
