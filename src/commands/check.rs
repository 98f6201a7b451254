//! `gate check`: analyse, compare with the baseline, report, decide the exit
//! code.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::Result;

use crate::baseline::{self, Baseline};
use crate::cli::{CheckArgs, ColorChoice, Format};
use crate::commands;
use crate::report::{self, TextOptions};

pub fn run(args: &CheckArgs) -> Result<i32> {
    let config = commands::load_config(&args.project)?;
    // Read the baseline first: a broken one should fail before a long run.
    let baseline = if args.no_baseline {
        None
    } else {
        let path = commands::baseline_path(&config, args.baseline.as_deref());
        Some(baseline::load(&path)?)
    };
    let analysis = commands::analyze(&config, &args.project, &args.paths)?;
    let baseline =
        baseline.map(|baseline| restrict_to_checked_files(baseline, &analysis.files, &args.paths));
    let files = analysis.files.len();
    let diff = baseline::diff(analysis.violations, baseline.as_ref());
    // The facts of every file are hundreds of thousands of small
    // allocations; the process is about to exit, so let the OS reclaim them
    // at once instead of freeing them one by one.
    std::mem::forget((analysis.facts, analysis.graph));

    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => to_terminal && std::env::var_os("NO_COLOR").is_none(),
    };
    let rendered = match args.format {
        Format::Text => report::render_text(
            &diff,
            files,
            &TextOptions {
                color: color && args.output.is_none(),
                quiet: args.quiet,
                show_known: args.show_known,
            },
        ),
        Format::Json => report::render_json(&diff, files),
    };
    match &args.output {
        Some(path) => commands::write_output(path, &rendered)?,
        None => print!("{rendered}"),
    }
    if let Some(path) = &args.json {
        commands::write_output(path, &report::render_json(&diff, files))?;
    }
    Ok(report::exit_code(&diff, args.fail_on_stale))
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
