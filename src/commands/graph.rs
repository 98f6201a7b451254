//! `gate graph`: every file's resolved imports, to see what gate sees (and
//! to cross-check its resolution against CPython's `ast` in
//! `scripts/crosscheck_imports.py`).

use std::fmt::Write as _;

use serde::Serialize;

use crate::commands;
use crate::diagnostic::Diagnostic;
use crate::exit::ExitCode;
use crate::files::PerFile;
use crate::output;
use crate::run::{self, ProjectOptions};
use crate::timings::Lap;

/// `gate graph`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GraphOptions {
    pub project: ProjectOptions,
    pub format: GraphFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GraphFormat {
    Text,
    Json,
}

#[derive(Serialize)]
struct GraphReport<'a> {
    files: PerFile<FileImports<'a>>,
}

#[derive(Serialize)]
struct FileImports<'a> {
    path: &'a str,
    module: Option<&'a str>,
    imports: Vec<ResolvedImport<'a>>,
}

#[derive(Serialize)]
struct ResolvedImport<'a> {
    line: u32,
    column: u32,
    /// Where gate reports findings about the import: one place per
    /// statement and imported module.
    finding_line: u32,
    finding_column: u32,
    target: &'a str,
    internal: bool,
    type_checking: bool,
    in_function: bool,
}

pub fn run(options: &GraphOptions) -> Result<ExitCode, Diagnostic> {
    let config = run::load_config(&options.project)?;
    let analysis = run::analyze(&config, &options.project, &[])?;
    let mut lap = Lap::start();
    commands::print_warnings(&analysis.warnings, options.project.verbose);
    let mut report = GraphReport {
        files: analysis.files.map(|_, file, _| FileImports {
            path: &file.path,
            module: file.module.as_deref(),
            imports: Vec::new(),
        }),
    };
    for edge in &analysis.graph.edges {
        let import = &analysis.files.facts(edge.file).imports[edge.import as usize];
        let finding = edge.finding_span(import).start;
        report.files[edge.file].imports.push(ResolvedImport {
            line: import.span.start.line,
            column: import.span.start.column,
            finding_line: finding.line,
            finding_column: finding.column,
            target: &edge.target,
            internal: edge.internal,
            type_checking: import.context.type_checking,
            in_function: import.context.in_function,
        });
    }
    let rendered = match options.format {
        GraphFormat::Json => {
            serde_json::to_string_pretty(&report).map_err(|error| Diagnostic::of_error(&error))?
                + "\n"
        }
        GraphFormat::Text => render_text(&report),
    };
    output::print_stdout(&rendered)?;
    let mut timings = analysis.timings;
    timings.add("report", lap.split());
    commands::print_timings(&options.project, &timings);
    Ok(ExitCode::Clean)
}

fn render_text(report: &GraphReport<'_>) -> String {
    let mut out = String::new();
    for file in report.files.iter() {
        let module = file.module.unwrap_or("(outside every source root)");
        let _ = writeln!(out, "{} ({module})", file.path);
        for import in &file.imports {
            let mut tags = Vec::new();
            if !import.internal {
                tags.push("external");
            }
            if import.type_checking {
                tags.push("TYPE_CHECKING");
            }
            if import.in_function {
                tags.push("in function");
            }
            let tags = if tags.is_empty() {
                String::new()
            } else {
                format!("  [{}]", tags.join(", "))
            };
            let _ = writeln!(
                out,
                "  {}:{} -> {}{tags}",
                import.line, import.column, import.target
            );
        }
    }
    out
}
