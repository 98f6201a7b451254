//! The map as terminal tables (`gate map`, the default format). Names are
//! shown with their control characters escaped (`output::visible`): a file
//! name cannot break a line or repaint the terminal.

use std::fmt::Write as _;

use super::rows::{self, Align, Align::Left, Align::Right, Missing};
use super::{Count, Map, counted};
use crate::output::visible;

/// A table indented by two spaces, its columns two spaces apart and as
/// wide as their widest cell.
fn table(out: &mut String, header: &[(&str, Align)], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = header
        .iter()
        .map(|(name, _)| name.chars().count())
        .collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut line = |cells: Vec<&str>| {
        let mut text = String::new();
        for ((cell, (_, align)), width) in cells.iter().zip(header).zip(&widths) {
            let pad = " ".repeat(width - cell.chars().count());
            let _ = match align {
                Left => write!(text, "  {cell}{pad}"),
                Right => write!(text, "  {pad}{cell}"),
            };
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(header.iter().map(|(name, _)| *name).collect());
    for row in rows {
        line(row.iter().map(String::as_str).collect());
    }
}

/// `and 3 more` after a list that was cut, as its own indented line.
fn more(out: &mut String, more: usize, what: &str) {
    if more > 0 {
        let _ = writeln!(out, "  … and {more} more {what}");
    }
}

fn counts(count: Count) -> String {
    format!("{} new, {} known", count.new, count.known)
}

pub fn render_text(map: &Map) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Architecture map: {}\n",
        map.summary.line(map.layers.len())
    );
    layers(&mut out, map);
    matrix(&mut out, map);
    graph(&mut out, map);
    debt(&mut out, map);
    out
}

fn layers(out: &mut String, map: &Map) {
    out.push_str("Layers, top first\n");
    let rows = rows::layers(map, &shown, "(no layer)");
    let unlayered = &map.unlayered;
    table(
        out,
        &[
            ("Layer", Left),
            ("Files", Right),
            ("Lines", Right),
            ("Modules", Right),
        ],
        &rows,
    );
    if unlayered.files > 0 {
        out.push_str("  in no layer:\n");
        for path in &unlayered.paths.items {
            let _ = writeln!(out, "    {}", visible(path));
        }
        more(out, unlayered.paths.more, "files");
    }
    out.push('\n');
}

fn matrix(out: &mut String, map: &Map) {
    let matrix = &map.matrix;
    if matrix.layers.is_empty() {
        out.push_str("Imports between layers: no [[layer]] in the config\n\n");
        return;
    }
    out.push_str(
        "Imports between layers (row imports column; `!` forbidden by the config, `x` forbidden \
         and unused, `.` none)\n",
    );
    let names: Vec<String> = matrix
        .layers
        .iter()
        .map(|name| visible(name).into_owned())
        .collect();
    let mut header = vec![("From \\ to", Left)];
    header.extend(names.iter().map(|name| (name.as_str(), Right)));
    let rows: Vec<Vec<String>> = names
        .iter()
        .enumerate()
        .map(|(from, name)| {
            let mut row = vec![name.clone()];
            row.extend((0..names.len()).map(|to| {
                let cell = matrix.cell(from, to);
                match (cell.allowed, cell.imports) {
                    (true, 0) => ".".to_string(),
                    (true, imports) => imports.to_string(),
                    (false, 0) => "x".to_string(),
                    (false, imports) => format!("{imports}!"),
                }
            }));
            row
        })
        .collect();
    table(out, &header, &rows);
    let broken: Vec<_> = matrix
        .cells
        .iter()
        .filter(|cell| !cell.allowed && (cell.imports > 0 || cell.new + cell.known > 0))
        .collect();
    if !broken.is_empty() {
        out.push_str("  forbidden dependencies that occur (layers findings):\n");
        for cell in broken {
            let _ = writeln!(
                out,
                "    {} -> {}: {}; {}",
                visible(&cell.from),
                visible(&cell.to),
                counted(cell.imports, "import"),
                counts(Count {
                    new: cell.new,
                    known: cell.known
                })
            );
        }
    }
    out.push('\n');
}

fn graph(out: &mut String, map: &Map) {
    let graph = &map.graph;
    let at = match graph.depth {
        Some(depth) => format!("packages of {depth} segments"),
        None => "modules".to_string(),
    };
    let _ = writeln!(
        out,
        "Package graph ({at}): {} nodes, {} edges",
        graph.nodes.len() + graph.omitted_nodes,
        graph.edges.len() + graph.omitted_edges
    );
    let rows: Vec<Vec<String>> = graph
        .nodes
        .iter()
        .map(|node| {
            vec![
                visible(&node.name).into_owned(),
                node.layer
                    .as_deref()
                    .map_or_else(|| "-".to_string(), |layer| visible(layer).into_owned()),
                node.files.to_string(),
                node.lines.to_string(),
                if node.cycle { "cycle" } else { "" }.to_string(),
            ]
        })
        .collect();
    table(
        out,
        &[
            ("Node", Left),
            ("Layer", Left),
            ("Files", Right),
            ("Lines", Right),
            ("", Left),
        ],
        &rows,
    );
    more(
        out,
        graph.omitted_nodes,
        "nodes (the smallest; a smaller --depth merges them)",
    );
    out.push('\n');
    let rows: Vec<Vec<String>> = graph
        .edges
        .iter()
        .map(|edge| {
            let mut marks = Vec::new();
            if edge.violating() {
                marks.push(counts(Count {
                    new: edge.new,
                    known: edge.known,
                }));
            }
            if edge.cycle {
                marks.push("cycle".to_string());
            }
            vec![
                visible(&edge.from).into_owned(),
                "->".to_string(),
                visible(&edge.to).into_owned(),
                edge.imports.to_string(),
                marks.join("; "),
            ]
        })
        .collect();
    table(
        out,
        &[
            ("From", Left),
            ("", Left),
            ("To", Left),
            ("Imports", Right),
            ("Findings", Left),
        ],
        &rows,
    );
    more(out, graph.omitted_edges, "edges");
    out.push('\n');
}

fn debt(out: &mut String, map: &Map) {
    let debt = &map.debt;
    let missing = Missing {
        layer: "(no layer)",
        module: "(no module)",
        nothing: "-",
    };
    for section in rows::debt_tables(debt, &shown, &missing) {
        let _ = writeln!(out, "{}", section.title);
        table(out, &section.header, &section.rows);
        if let Some((count, what)) = section.more {
            more(out, count, what);
        }
        out.push('\n');
    }
    let cycles = &debt.cycles;
    let _ = writeln!(out, "Module cycles: {}", cycles.items.len() + cycles.more);
    for cycle in &cycles.items {
        let _ = writeln!(
            out,
            "  {} modules: {}",
            cycle.size,
            rows::listing(&cycle.members, &shown)
        );
    }
    more(out, cycles.more, "cycles");
}

/// A name as the terminal shows it: its control characters as escapes.
fn shown(name: &str) -> String {
    visible(name).into_owned()
}
