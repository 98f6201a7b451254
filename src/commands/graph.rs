//! `gate graph`: every file's resolved imports, to see what gate sees (and
//! to cross-check its resolution against CPython's `ast` in
//! `scripts/crosscheck_imports.py`).

use std::fmt::Write as _;

use anyhow::Result;
use serde::Serialize;

use crate::cli::{GraphArgs, GraphFormat};
use crate::commands;
use crate::files::PerFile;

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
    target: &'a str,
    internal: bool,
    type_checking: bool,
    in_function: bool,
}

pub fn run(args: &GraphArgs) -> Result<i32> {
    let config = commands::load_config(&args.project)?;
    let analysis = commands::analyze(&config, &args.project, &[])?;
    let mut report = GraphReport {
        files: analysis.files.map(|_, file, _| FileImports {
            path: &file.path,
            module: file.module.as_deref(),
            imports: Vec::new(),
        }),
    };
    for edge in &analysis.graph.edges {
        let import = &analysis.files.facts(edge.file).imports[edge.import];
        report.files[edge.file].imports.push(ResolvedImport {
            line: import.span.start.line,
            column: import.span.start.column,
            target: &edge.target,
            internal: edge.internal,
            type_checking: import.context.type_checking,
            in_function: import.context.in_function,
        });
    }
    let output = match args.format {
        GraphFormat::Json => serde_json::to_string_pretty(&report)? + "\n",
        GraphFormat::Text => render_text(&report),
    };
    commands::print_stdout(&output)?;
    Ok(0)
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
