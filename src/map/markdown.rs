//! The map in Markdown (`--format markdown`, and `gate ci --map-summary`'s
//! addition to the job summary): the tables of the text format and the
//! package graph as a mermaid diagram, which GitHub renders.
//!
//! Every name (modules, paths, layers, rules) goes through the report's
//! code spans (`report::markdown_code`), which nothing inside can close or
//! turn into a link, HTML or a mention; the diagram's labels are escaped by
//! `mermaid::label`.

use std::fmt::Write as _;

use super::rows::{self, Align, Align::Left, Align::Right, Missing};
use super::{Map, mermaid};
use crate::report::markdown_code as code;

pub fn render_markdown(map: &Map) -> String {
    let mut out = String::from("## Architecture map\n\n");
    let _ = writeln!(out, "{}.\n", map.summary.line(map.layers.len()));
    layers(&mut out, map);
    matrix(&mut out, map);
    graph(&mut out, map);
    debt(&mut out, map);
    out
}

/// A Markdown table, then a blank line.
fn table(out: &mut String, header: &[(&str, Align)], rows: &[Vec<String>]) {
    let names: Vec<&str> = header.iter().map(|(name, _)| *name).collect();
    let rules: Vec<&str> = header
        .iter()
        .map(|(_, align)| match align {
            Left => "---",
            Right => "---:",
        })
        .collect();
    let _ = writeln!(out, "| {} |\n| {} |", names.join(" | "), rules.join(" | "));
    for row in rows {
        let _ = writeln!(out, "| {} |", row.join(" | "));
    }
    out.push('\n');
}

fn layers(out: &mut String, map: &Map) {
    out.push_str("### Layers\n\n");
    table(
        out,
        &[
            ("Layer", Left),
            ("Files", Right),
            ("Lines", Right),
            ("Modules", Right),
        ],
        &rows::layers(map, &code, "*no layer*"),
    );
    let unlayered = &map.unlayered;
    if unlayered.files > 0 {
        let _ = writeln!(
            out,
            "<details><summary>Files in no layer ({})</summary>\n",
            unlayered.files
        );
        for path in &unlayered.paths.items {
            let _ = writeln!(out, "- {}", code(path));
        }
        if unlayered.paths.more > 0 {
            let _ = writeln!(out, "- … and {} more", unlayered.paths.more);
        }
        out.push_str("\n</details>\n");
    }
    out.push('\n');
}

fn matrix(out: &mut String, map: &Map) {
    let matrix = &map.matrix;
    out.push_str("### Imports between layers\n\n");
    if matrix.layers.is_empty() {
        out.push_str("No `[[layer]]` in the config.\n\n");
        return;
    }
    out.push_str(
        "Each row's layer imports each column's, in import statements. ⛔ marks what the \
         config forbids, with its `layers` findings (new / known).\n\n| from ↓ to → |",
    );
    for name in &matrix.layers {
        let _ = write!(out, " {} |", code(name));
    }
    out.push_str("\n| --- |");
    out.push_str(&" ---: |".repeat(matrix.layers.len()));
    out.push('\n');
    for (from, name) in matrix.layers.iter().enumerate() {
        let _ = write!(out, "| {} |", code(name));
        for to in 0..matrix.layers.len() {
            let cell = matrix.cell(from, to);
            let text = match (cell.allowed, cell.imports) {
                (true, 0) => "·".to_string(),
                (true, imports) => imports.to_string(),
                (false, imports) if cell.new + cell.known == 0 => format!("⛔ {imports}"),
                (false, imports) => format!("⛔ **{imports}** ({} / {})", cell.new, cell.known),
            };
            let _ = write!(out, " {text} |");
        }
        out.push('\n');
    }
    out.push('\n');
}

fn graph(out: &mut String, map: &Map) {
    let graph = &map.graph;
    let at = match graph.depth {
        Some(depth) => format!("packages of {depth} segments"),
        None => "modules".to_string(),
    };
    let drawn = mermaid::drawn(map);
    let _ = writeln!(
        out,
        "### Package graph\n\n{} nodes ({at}), {} edges. Red: edges with new findings; grey, \
         dashed: known findings only; orange: on a cycle.",
        graph.nodes.len() + graph.omitted_nodes,
        graph.edges.len() + graph.omitted_edges,
    );
    if drawn.omitted_nodes + drawn.omitted_edges > 0 {
        let _ = writeln!(
            out,
            "The diagram shows the {} largest nodes and {} edges (those with findings and on \
             cycles first); `gate map --format json` lists them all.",
            drawn.nodes.len(),
            drawn.edges.len()
        );
    }
    let _ = writeln!(out, "\n```mermaid\n{}```\n", mermaid::render_mermaid(map));
    let telling: Vec<_> = graph
        .edges
        .iter()
        .filter(|edge| edge.violating() || edge.cycle)
        .collect();
    if telling.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "<details><summary>Edges with findings or on a cycle ({})</summary>\n\n| From | To | \
         Imports | New | Known | Cycle |\n| --- | --- | ---: | ---: | ---: | --- |",
        telling.len()
    );
    for edge in telling {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            code(&edge.from),
            code(&edge.to),
            edge.imports,
            edge.new,
            edge.known,
            if edge.cycle { "yes" } else { "" }
        );
    }
    out.push_str("\n</details>\n\n");
}

fn debt(out: &mut String, map: &Map) {
    let debt = &map.debt;
    out.push_str("### Debt\n\n");
    let missing = Missing {
        layer: "*no layer*",
        module: "*no module*",
        nothing: "",
    };
    for section in rows::debt_tables(debt, &code, &missing) {
        let _ = writeln!(out, "{}:\n", section.title);
        table(out, &section.header, &section.rows);
        if let Some((count, what)) = section.more {
            let _ = writeln!(out, "… and {count} more {what}.\n");
        }
    }
    let cycles = &debt.cycles;
    let _ = writeln!(
        out,
        "Module cycles: {}.\n",
        cycles.items.len() + cycles.more
    );
    for cycle in &cycles.items {
        let _ = writeln!(
            out,
            "- {} modules: {}",
            cycle.size,
            rows::listing(&cycle.members, &code)
        );
    }
    if cycles.more > 0 {
        let _ = writeln!(out, "- … and {} more cycles", cycles.more);
    }
}
