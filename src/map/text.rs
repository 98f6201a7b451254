//! The map as terminal tables (`gate map`, the default format). Names are
//! shown with their control characters escaped (`output::visible`): a file
//! name cannot break a line or repaint the terminal.

use std::fmt::Write as _;

use super::{Count, GroupDebt, Listed, Map};
use crate::output::visible;

/// How a column lines up.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Align {
    Left,
    Right,
}

use Align::{Left, Right};

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
    let mut rows: Vec<Vec<String>> = map
        .layers
        .iter()
        .map(|layer| {
            vec![
                visible(&layer.name).into_owned(),
                layer.files.to_string(),
                layer.lines.to_string(),
                layer.modules.to_string(),
            ]
        })
        .collect();
    let unlayered = &map.unlayered;
    rows.push(vec![
        "(no layer)".to_string(),
        unlayered.files.to_string(),
        unlayered.lines.to_string(),
        unlayered.modules.to_string(),
    ]);
    table(
        out,
        &[
            ("layer", Left),
            ("files", Right),
            ("lines", Right),
            ("modules", Right),
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
    let mut header = vec![("from \\ to", Left)];
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
                "    {} -> {}: {} {}; {}",
                visible(&cell.from),
                visible(&cell.to),
                cell.imports,
                if cell.imports == 1 {
                    "import"
                } else {
                    "imports"
                },
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
            ("node", Left),
            ("layer", Left),
            ("files", Right),
            ("lines", Right),
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
            ("from", Left),
            ("", Left),
            ("to", Left),
            ("imports", Right),
            ("findings", Left),
        ],
        &rows,
    );
    more(out, graph.omitted_edges, "edges");
    out.push('\n');
}

fn debt(out: &mut String, map: &Map) {
    let debt = &map.debt;
    out.push_str("Findings per rule\n");
    let rows: Vec<Vec<String>> = debt
        .rules
        .iter()
        .map(|rule| {
            vec![
                visible(&rule.rule).into_owned(),
                rule.kind.clone(),
                rule.new.to_string(),
                rule.known.to_string(),
            ]
        })
        .collect();
    table(
        out,
        &[
            ("rule", Left),
            ("kind", Left),
            ("new", Right),
            ("known", Right),
        ],
        &rows,
    );
    out.push_str("\nFindings per layer\n");
    group_table(out, "layer", &debt.layers, "(no layer)");
    out.push_str("\nFindings per package\n");
    group_table(out, "package", &debt.packages.items, "(no module)");
    more(out, debt.packages.more, "packages");
    out.push_str("\nMost imported modules\n");
    let rows: Vec<Vec<String>> = debt
        .fan_in
        .iter()
        .map(|module| {
            vec![
                visible(&module.module).into_owned(),
                module.importers.to_string(),
                module
                    .layer
                    .as_deref()
                    .map_or_else(|| "-".to_string(), |layer| visible(layer).into_owned()),
            ]
        })
        .collect();
    table(
        out,
        &[("module", Left), ("importers", Right), ("layer", Left)],
        &rows,
    );
    let cycles = &debt.cycles;
    let _ = writeln!(out, "\nModule cycles: {}", cycles.items.len() + cycles.more);
    for cycle in &cycles.items {
        let _ = writeln!(out, "  {} modules: {}", cycle.size, names(&cycle.members));
    }
    more(out, cycles.more, "cycles");
}

fn group_table(out: &mut String, what: &str, groups: &[GroupDebt], none: &str) {
    let rows: Vec<Vec<String>> = groups
        .iter()
        .map(|group| {
            vec![
                group
                    .name
                    .as_deref()
                    .map_or_else(|| none.to_string(), |name| visible(name).into_owned()),
                group.new.to_string(),
                group.known.to_string(),
            ]
        })
        .collect();
    table(
        out,
        &[(what, Left), ("new", Right), ("known", Right)],
        &rows,
    );
}

/// `a, b, c … and 3 more`.
fn names(list: &Listed<String>) -> String {
    let shown: Vec<String> = list
        .items
        .iter()
        .map(|name| visible(name).into_owned())
        .collect();
    let mut text = shown.join(", ");
    if list.more > 0 {
        let _ = write!(text, " … and {} more", list.more);
    }
    text
}
