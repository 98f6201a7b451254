//! The map in Markdown (`--format markdown`, and `gate ci --map-summary`'s
//! addition to the job summary): the tables of the text format and the
//! package graph as a mermaid diagram, which GitHub renders.
//!
//! Every name (modules, paths, layers, rules) goes through the report's
//! code spans (`report::markdown_code`), which nothing inside can close or
//! turn into a link, HTML or a mention; the diagram's labels are escaped by
//! `mermaid::label`.

use std::fmt::Write as _;

use super::{GroupDebt, Map, mermaid};
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

fn layers(out: &mut String, map: &Map) {
    out.push_str(
        "### Layers\n\n| Layer | Files | Lines | Modules |\n| --- | ---: | ---: | ---: |\n",
    );
    for layer in &map.layers {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            code(&layer.name),
            layer.files,
            layer.lines,
            layer.modules
        );
    }
    let unlayered = &map.unlayered;
    let _ = writeln!(
        out,
        "| *no layer* | {} | {} | {} |",
        unlayered.files, unlayered.lines, unlayered.modules
    );
    if unlayered.files > 0 {
        let _ = writeln!(
            out,
            "\n<details><summary>Files in no layer ({})</summary>\n",
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
    out.push_str("### Debt\n\nFindings per rule, per layer and per package:\n\n| Rule | Kind | New | Known |\n| --- | --- | ---: | ---: |\n");
    for rule in &debt.rules {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            code(&rule.rule),
            code(&rule.kind),
            rule.new,
            rule.known
        );
    }
    out.push('\n');
    group_table(out, "Layer", &debt.layers, "*no layer*");
    group_table(out, "Package", &debt.packages.items, "*no module*");
    if debt.packages.more > 0 {
        let _ = writeln!(out, "… and {} more packages.\n", debt.packages.more);
    }
    out.push_str(
        "Most imported modules:\n\n| Module | Importers | Layer |\n| --- | ---: | --- |\n",
    );
    for module in &debt.fan_in {
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            code(&module.module),
            module.importers,
            module.layer.as_deref().map(code).unwrap_or_default()
        );
    }
    let cycles = &debt.cycles;
    let _ = writeln!(
        out,
        "\nModule cycles: {}.\n",
        cycles.items.len() + cycles.more
    );
    for cycle in &cycles.items {
        let members: Vec<String> = cycle.members.items.iter().map(|name| code(name)).collect();
        let more = match cycle.members.more {
            0 => String::new(),
            more => format!(" … and {more} more"),
        };
        let _ = writeln!(
            out,
            "- {} modules: {}{more}",
            cycle.size,
            members.join(", ")
        );
    }
    if cycles.more > 0 {
        let _ = writeln!(out, "- … and {} more cycles", cycles.more);
    }
}

fn group_table(out: &mut String, what: &str, groups: &[GroupDebt], none: &str) {
    let _ = writeln!(out, "| {what} | New | Known |\n| --- | ---: | ---: |");
    for group in groups {
        let name = group.name.as_deref().map_or_else(|| none.to_string(), code);
        let _ = writeln!(out, "| {name} | {} | {} |", group.new, group.known);
    }
    out.push('\n');
}
