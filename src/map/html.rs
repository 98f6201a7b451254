//! The map as one self-contained HTML file (`--format html`): no network,
//! no external URL; inline CSS, inline SVG and a few lines of inline
//! JavaScript that only open the list a link points at. Without
//! JavaScript everything is still there: hovering a cell or an edge shows
//! its imports as the SVG's native tooltip, and clicking it jumps to the
//! list of its imports with `file:line`.
//!
//! - the layer matrix as a heat map (the more imports, the darker), the
//!   cells the config forbids outlined red, with their findings;
//! - the package graph laid out by layer, top to bottom (`layout`), edges
//!   with new findings red, with known findings only grey and dashed, on a
//!   cycle orange, nodes on a cycle outlined orange;
//! - the layers and debt tables;
//! - the debt over time: `gate baseline history`'s chart of the baseline,
//!   which the command reads from git ([`DebtOverTime`]), or a line saying
//!   why there is none.
//!
//! The graph is cut to [`MAX_NODES`] nodes and [`MAX_EDGES`] edges, and
//! each list to `MAX_SITES` imports, so the file stays under a megabyte or
//! two on a project of thousands of modules. Every name is HTML-escaped,
//! with its control characters shown as escapes.
//!
//! The markup is XHTML-compatible (every element closed, attributes
//! quoted, the script free of `<` and `&`), so an XML parser reads it too.

use std::fmt::Write as _;

use super::layout::{self, Layout, NODE_HEIGHT, Route};
use super::rows::{self, Align, Missing};
use super::{Cell, Edge, Listed, Map, PackageGraph, Site, counted, shortened};
use crate::history::{self, History};
use crate::output::visible;

/// Nodes drawn, the largest first.
pub const MAX_NODES: usize = 100;
/// Edges drawn: those with findings first, then those on cycles, then the
/// most imported.
pub const MAX_EDGES: usize = 300;
/// Imports named in a tooltip (the list below has them all, up to
/// `MAX_SITES`).
const TOOLTIP_SITES: usize = 5;
/// The side of a matrix cell, and the room for the layer names.
const CELL: i32 = 64;
const MATRIX_LEFT: i32 = 150;
const MATRIX_TOP: i32 = 120;

const STYLE: &str = "\
body{font-family:system-ui,-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;margin:24px;color:#24292f;}
h1{font-size:1.6em;}h2{margin-top:2em;border-bottom:1px solid #d0d7de;}
table{border-collapse:collapse;margin:8px 0;}
th,td{border:1px solid #d0d7de;padding:3px 8px;text-align:left;}
td.n,th.n{text-align:right;}
code{font-size:0.9em;}
.scroll{overflow:auto;max-width:100%;border:1px solid #d0d7de;}
.scroll svg text{font-size:12px;fill:#24292f;}
.chart{overflow:auto;max-width:100%;}
.cell rect{stroke:#d0d7de;stroke-width:1;}
.cell.forbidden rect{stroke:#d73a49;stroke-width:3;}
.cell:hover rect,.node:hover rect{stroke:#0969da;stroke-width:3;}
.cell .findings{font-size:10px;}
.cell .new{fill:#d73a49;font-weight:bold;}
.band{fill:#f6f8fa;}
.band-label{font-weight:bold;}
.node rect{fill:#ffffff;stroke:#57606a;stroke-width:1;}
.node.cycle rect{stroke:#e36209;stroke-width:3;}
.node .size{font-size:10px;fill:#57606a;}
.edge{fill:none;stroke:#8c959f;opacity:0.7;}
.edge.cycle{stroke:#e36209;opacity:0.6;}
.edge.known{stroke:#6a737d;stroke-dasharray:6 4;opacity:1;}
.edge.new{stroke:#d73a49;opacity:1;}
a:hover .edge{stroke:#0969da;opacity:1;}
details{margin:2px 0;}
details:target,details[open]{background:#fff8c5;}
.legend span{display:inline-block;margin-right:16px;}
";

/// Opens the `<details>` a link points at (and the one in the address
/// when the page opens); without it, the link still jumps there.
const SCRIPT: &str = "\
function openTarget() {
  var id = decodeURIComponent(location.hash.slice(1));
  var target = id ? document.getElementById(id) : null;
  if (target) {
    if (target.tagName === 'DETAILS') { target.open = true; }
    target.scrollIntoView();
  }
}
window.addEventListener('hashchange', openTarget);
openTarget();
";

/// The baseline's history for the section "Debt over time", read by the
/// command (rendering does no I/O).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DebtOverTime {
    /// What git holds, perhaps no commit at all.
    Read(History),
    /// Why it could not be read (no git, no repository, ...): one line.
    Unavailable(String),
}

pub fn render_html(map: &Map, over_time: &DebtOverTime) -> String {
    let mut out = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n\
         <title>gate map</title>\n<style>\n",
    );
    out.push_str(STYLE);
    out.push_str("</style>\n</head>\n<body>\n<h1>Architecture map</h1>\n");
    let _ = writeln!(
        out,
        "<p>{}.</p>\n<p><a href=\"#layers\">Layers</a> · <a href=\"#matrix\">Imports between \
         layers</a> · <a href=\"#graph\">Package graph</a> · <a href=\"#debt\">Debt</a> · <a \
         href=\"#history\">Debt over time</a></p>",
        escape(&map.summary.line(map.layers.len()))
    );
    layers(&mut out, map);
    matrix(&mut out, map);
    graph(&mut out, map);
    debt(&mut out, map);
    debt_over_time(&mut out, over_time);
    let _ = write!(
        out,
        "<p><small>gate {}</small></p>\n<script>\n{SCRIPT}</script>\n</body>\n</html>\n",
        escape(map.tool.version)
    );
    out
}

/// `text` safe in HTML text and in quoted attributes, its control
/// characters shown as escapes.
fn escape(text: &str) -> String {
    escape_markup(&visible(text))
}

/// `text` with the characters that start or end markup as entities.
fn escape_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A table: the header's cells, then the rows, which are HTML already.
fn table(out: &mut String, header: &[(&str, Align)], rows: &[Vec<String>]) {
    let class = |align: &Align| match align {
        Align::Left => "",
        Align::Right => " class=\"n\"",
    };
    out.push_str("<table>\n<tr>");
    for (name, align) in header {
        let class = class(align);
        let _ = write!(out, "<th{class}>{}</th>", escape(name));
    }
    out.push_str("</tr>\n");
    for row in rows {
        out.push_str("<tr>");
        for (cell, (_, align)) in row.iter().zip(header) {
            let class = class(align);
            let _ = write!(out, "<td{class}>{cell}</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
}

fn code(text: &str) -> String {
    format!("<code>{}</code>", escape(text))
}

fn layers(out: &mut String, map: &Map) {
    out.push_str("<h2 id=\"layers\">Layers</h2>\n");
    let rows = rows::layers(map, &code, "<em>no layer</em>");
    let unlayered = &map.unlayered;
    table(
        out,
        &[
            ("Layer", Align::Left),
            ("Files", Align::Right),
            ("Lines", Align::Right),
            ("Modules", Align::Right),
        ],
        &rows,
    );
    if unlayered.files > 0 {
        let _ = writeln!(
            out,
            "<details><summary>Files in no layer ({})</summary>\n<ul>",
            unlayered.files
        );
        for path in &unlayered.paths.items {
            let _ = writeln!(out, "<li>{}</li>", code(path));
        }
        more_item(out, unlayered.paths.more);
        out.push_str("</ul>\n</details>\n");
    }
}

fn more_item(out: &mut String, more: usize) {
    if more > 0 {
        let _ = writeln!(out, "<li>… and {more} more</li>");
    }
}

/// The tooltip of a cell or an edge: its summary, then its first imports,
/// one a line.
fn tooltip(summary: &str, sites: &Listed<Site>) -> String {
    let mut lines = vec![visible(summary).into_owned()];
    for site in sites.items.iter().take(TOOLTIP_SITES) {
        let line = format!("{}:{} imports {}", site.path, site.line, site.module);
        lines.push(visible(&line).into_owned());
    }
    let left = sites.items.len().saturating_sub(TOOLTIP_SITES) + sites.more;
    if left > 0 {
        lines.push(format!("… and {left} more (click for the list)"));
    }
    escape_markup(&lines.join("\n"))
}

/// The list of a cell's or an edge's imports, which its link opens.
fn site_list(out: &mut String, id: &str, summary: &str, sites: &Listed<Site>) {
    let _ = writeln!(
        out,
        "<details id=\"{id}\"><summary>{}</summary>\n<ul>",
        escape(summary)
    );
    for site in &sites.items {
        let _ = writeln!(
            out,
            "<li>{} imports {}</li>",
            code(&format!("{}:{}", site.path, site.line)),
            code(&site.module)
        );
    }
    more_item(out, sites.more);
    out.push_str("</ul>\n</details>\n");
}

fn findings_text(new: usize, known: usize) -> String {
    format!("{new} new, {known} known")
}

fn cell_summary(cell: &Cell) -> String {
    let verdict = if cell.allowed { "allowed" } else { "forbidden" };
    let mut summary = format!(
        "{} → {}: {}, {verdict}",
        cell.from,
        cell.to,
        counted(cell.imports, "import")
    );
    if cell.new + cell.known > 0 {
        let _ = write!(summary, "; {}", findings_text(cell.new, cell.known));
    }
    summary
}

fn matrix(out: &mut String, map: &Map) {
    let matrix = &map.matrix;
    out.push_str("<h2 id=\"matrix\">Imports between layers</h2>\n");
    if matrix.layers.is_empty() {
        out.push_str("<p>No <code>[[layer]]</code> in the config.</p>\n");
        return;
    }
    out.push_str(
        "<p>Each row's layer imports each column's: import statements, darker for more. \
         Cells outlined red are forbidden by the config, with their <code>layers</code> \
         findings (new / known). Hover a cell for its first imports, click it for the list.</p>\n",
    );
    let count = matrix.layers.len() as i32;
    let most = matrix
        .cells
        .iter()
        .map(|cell| cell.imports)
        .max()
        .unwrap_or(0);
    let (width, height) = (
        MATRIX_LEFT + count * CELL + 8,
        MATRIX_TOP + count * CELL + 8,
    );
    let _ = writeln!(
        out,
        "<div class=\"scroll\"><svg width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} \
         {height}\" role=\"img\" aria-label=\"imports between layers\">"
    );
    for (index, name) in matrix.layers.iter().enumerate() {
        let offset = index as i32 * CELL + CELL / 2;
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            MATRIX_LEFT - 8,
            MATRIX_TOP + offset + 4,
            escape(&shortened(name, layout::NAME_CHARS))
        );
        let (x, y) = (MATRIX_LEFT + offset, MATRIX_TOP - 8);
        let _ = writeln!(
            out,
            "<text x=\"{x}\" y=\"{y}\" transform=\"rotate(-40 {x} {y})\">{}</text>",
            escape(&shortened(name, layout::NAME_CHARS))
        );
    }
    for from in 0..matrix.layers.len() {
        for to in 0..matrix.layers.len() {
            let cell = matrix.cell(from, to);
            let (x, y) = (
                MATRIX_LEFT + to as i32 * CELL,
                MATRIX_TOP + from as i32 * CELL,
            );
            let summary = cell_summary(cell);
            let class = if cell.allowed {
                "cell"
            } else {
                "cell forbidden"
            };
            let _ = write!(
                out,
                "<a href=\"#cell-{from}-{to}\"><g class=\"{class}\" data-from=\"{from}\" \
                 data-to=\"{to}\"><title>{}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" \
                 height=\"{}\" fill=\"{}\" />",
                tooltip(&summary, &cell.sites),
                x + 2,
                y + 2,
                CELL - 4,
                CELL - 4,
                heat(cell.imports, most)
            );
            let middle = x + CELL / 2;
            if cell.imports > 0 || !cell.allowed {
                let _ = write!(
                    out,
                    "<text x=\"{middle}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                    y + CELL / 2 - 2,
                    cell.imports
                );
            }
            if cell.new + cell.known > 0 {
                let class = if cell.new > 0 {
                    "findings new"
                } else {
                    "findings"
                };
                let _ = write!(
                    out,
                    "<text class=\"{class}\" x=\"{middle}\" y=\"{}\" \
                     text-anchor=\"middle\">{} / {}</text>",
                    y + CELL / 2 + 14,
                    cell.new,
                    cell.known
                );
            }
            out.push_str("</g></a>\n");
        }
    }
    out.push_str("</svg></div>\n");
    for from in 0..matrix.layers.len() {
        for to in 0..matrix.layers.len() {
            let cell = matrix.cell(from, to);
            if cell.imports == 0 {
                continue;
            }
            site_list(
                out,
                &format!("cell-{from}-{to}"),
                &cell_summary(cell),
                &cell.sites,
            );
        }
    }
}

/// White for no imports to dark blue for the most, on a logarithmic
/// scale (a few cells hold most imports).
fn heat(imports: usize, most: usize) -> String {
    if imports == 0 || most == 0 {
        return "#ffffff".to_string();
    }
    let share = ((imports as f64).ln_1p() / (most as f64).ln_1p()).clamp(0.0, 1.0);
    let channel = |from: f64, to: f64| (from + (to - from) * share).round() as u8;
    format!(
        "#{:02x}{:02x}{:02x}",
        channel(240.0, 33.0),
        channel(246.0, 102.0),
        channel(252.0, 172.0)
    )
}

fn edge_summary(edge: &Edge) -> String {
    let mut summary = format!(
        "{} → {}: {}",
        edge.from,
        edge.to,
        counted(edge.imports, "import")
    );
    if edge.violating() {
        let _ = write!(summary, "; {}", findings_text(edge.new, edge.known));
    }
    if edge.cycle {
        summary.push_str("; on a cycle");
    }
    summary
}

fn graph(out: &mut String, map: &Map) {
    let full = &map.graph;
    let graph: PackageGraph = full.cut(MAX_NODES, MAX_EDGES);
    let drawn = layout::layout(&graph, &map.matrix.layers);
    let at = match full.depth {
        Some(depth) => format!("packages of {depth} segments"),
        None => "modules".to_string(),
    };
    let _ = writeln!(
        out,
        "<h2 id=\"graph\">Package graph</h2>\n<p>{} nodes ({at}), {} edges, laid out by layer, \
         top first.</p>\n<p class=\"legend\"><span style=\"color:#d73a49\">━ new findings</span>\
         <span style=\"color:#6a737d\">╍ known findings only</span><span \
         style=\"color:#e36209\">━ on a cycle</span><span style=\"color:#8c959f\">━ \
         other imports</span></p>",
        full.nodes.len() + full.omitted_nodes,
        full.edges.len() + full.omitted_edges
    );
    if graph.omitted_nodes + graph.omitted_edges > 0 {
        let _ = writeln!(
            out,
            "<p>Drawn: the {} largest nodes and {} edges (those with findings and on cycles \
             first); <code>gate map --format json</code> lists more.</p>",
            graph.nodes.len(),
            graph.edges.len()
        );
    }
    let _ = writeln!(
        out,
        "<div class=\"scroll\"><svg width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" \
         role=\"img\" aria-label=\"package graph\">\n<defs>",
        drawn.width, drawn.height
    );
    for (name, color) in [
        ("plain", "#8c959f"),
        ("new", "#d73a49"),
        ("known", "#6a737d"),
        ("cycle", "#e36209"),
    ] {
        let _ = writeln!(
            out,
            "<marker id=\"arrow-{name}\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" \
             markerUnits=\"userSpaceOnUse\" markerWidth=\"9\" markerHeight=\"9\" orient=\"auto-start-reverse\"><path d=\"M 0 0 \
             L 10 5 L 0 10 z\" fill=\"{color}\" /></marker>"
        );
    }
    out.push_str("</defs>\n");
    bands(out, &drawn);
    // Edges with findings last, on top of the others.
    let mut order: Vec<usize> = (0..graph.edges.len()).collect();
    order.sort_by_key(|&index| match edge_kind(&graph.edges[index]) {
        "plain" => 0,
        "cycle" => 1,
        "known" => 2,
        _ => 3,
    });
    for index in order {
        edge_path(out, &drawn.edges[index], &graph.edges[index], index);
    }
    for (index, node) in graph.nodes.iter().enumerate() {
        let placed = drawn.nodes[index];
        let class = if node.cycle { "node cycle" } else { "node" };
        let layer = node.layer.as_deref().unwrap_or("no layer");
        let _ = writeln!(
            out,
            "<g class=\"{class}\"><title>{}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" \
             height=\"{NODE_HEIGHT}\" rx=\"4\" /><text x=\"{}\" y=\"{}\" \
             text-anchor=\"middle\">{}</text><text class=\"size\" x=\"{}\" y=\"{}\" \
             text-anchor=\"middle\">{}, {} lines</text></g>",
            escape(&format!(
                "{} ({layer}): {}, {} lines{}",
                node.name,
                counted(node.files, "file"),
                node.lines,
                if node.cycle { "; on a cycle" } else { "" }
            )),
            placed.x,
            placed.y,
            placed.width,
            placed.center(),
            placed.y + 18,
            escape(&shortened(&node.name, layout::NAME_CHARS)),
            placed.center(),
            placed.y + 34,
            counted(node.files, "file"),
            node.lines
        );
    }
    out.push_str("</svg></div>\n");
    for (index, edge) in graph.edges.iter().enumerate() {
        site_list(
            out,
            &format!("edge-{index}"),
            &edge_summary(edge),
            &edge.sites,
        );
    }
}

/// A band behind each row, named after its layer.
fn bands(out: &mut String, drawn: &Layout) {
    for row in &drawn.rows {
        let name = row.layer.as_deref().unwrap_or("no layer");
        let _ = writeln!(
            out,
            "<rect class=\"band\" x=\"4\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"6\" />\
             <text class=\"band-label\" x=\"12\" y=\"{}\">{}</text>",
            row.top - 10,
            drawn.width - 8,
            row.height + 20,
            row.top + 16,
            escape(&shortened(name, layout::NAME_CHARS))
        );
    }
}

/// How an edge is drawn: its class, and the arrowhead of its colour.
fn edge_kind(edge: &Edge) -> &'static str {
    if edge.new > 0 {
        "new"
    } else if edge.known > 0 {
        "known"
    } else if edge.cycle {
        "cycle"
    } else {
        "plain"
    }
}

/// An edge as the route `layout` gives it, its width growing with its
/// imports.
fn edge_path(out: &mut String, route: &Route, edge: &Edge, index: usize) {
    let kind = edge_kind(edge);
    let class = if kind == "plain" {
        "edge".to_string()
    } else {
        format!("edge {kind}")
    };
    let width = 1.0 + (edge.imports as f64).ln_1p().min(4.0);
    let _ = writeln!(
        out,
        "<a href=\"#edge-{index}\"><path class=\"{class}\" d=\"{}\" stroke-width=\"{width:.1}\" \
         marker-end=\"url(#arrow-{kind})\"><title>{}</title></path></a>",
        path_data(&route.points),
        tooltip(&edge_summary(edge), &edge.sites)
    );
}

/// SVG path data through `points`: each piece a curve that leaves and
/// arrives vertically; between two points at one height (the ends of an
/// edge within a line), an arc over them.
fn path_data(points: &[(i32, i32)]) -> String {
    let (x, y) = points[0];
    let mut data = format!("M {x} {y}");
    for pair in points.windows(2) {
        let ((x1, y1), (x2, y2)) = (pair[0], pair[1]);
        let (c1, c2) = if y1 == y2 {
            (y1 - NODE_HEIGHT, y2 - NODE_HEIGHT)
        } else {
            (y1 + (y2 - y1) / 2, y2 - (y2 - y1) / 2)
        };
        let _ = write!(data, " C {x1} {c1} {x2} {c2} {x2} {y2}");
    }
    data
}

fn debt(out: &mut String, map: &Map) {
    let debt = &map.debt;
    out.push_str("<h2 id=\"debt\">Debt</h2>\n");
    let missing = Missing {
        layer: "<em>no layer</em>",
        module: "<em>no module</em>",
        nothing: "",
    };
    for section in rows::debt_tables(debt, &code, &missing) {
        let _ = writeln!(out, "<h3>{}</h3>", section.title);
        table(out, &section.header, &section.rows);
        if let Some((count, what)) = section.more {
            let _ = writeln!(out, "<p>… and {count} more {what}</p>");
        }
    }
    let cycles = &debt.cycles;
    let _ = writeln!(
        out,
        "<h3>Module cycles: {}</h3>\n<ul>",
        cycles.items.len() + cycles.more
    );
    for cycle in &cycles.items {
        let _ = writeln!(
            out,
            "<li>{} modules: {}</li>",
            cycle.size,
            rows::listing(&cycle.members, &code)
        );
    }
    more_item(out, cycles.more);
    out.push_str("</ul>\n");
}

/// The chart of the baseline's history, or a line saying why there is
/// none, and what the chart leaves out (a shallow clone's older commits,
/// unreadable versions).
fn debt_over_time(out: &mut String, over_time: &DebtOverTime) {
    out.push_str("<h2 id=\"history\">Debt over time</h2>\n");
    let history = match over_time {
        DebtOverTime::Unavailable(why) => {
            let _ = writeln!(out, "<p>No chart: {}.</p>", escape(why));
            return;
        }
        DebtOverTime::Read(history) => history,
    };
    let path = code(&history.path);
    if history.points.is_empty() {
        let why = if !history.skipped.is_empty() {
            format!("no commit holds a readable {path}")
        } else if history.shallow_boundary.is_some() {
            format!("no commit of this shallow clone changed {path}")
        } else {
            format!("{path} was never committed")
        };
        let _ = writeln!(out, "<p>No chart: {why}.</p>");
    } else {
        let _ = writeln!(
            out,
            "<p>The violations {path} allowed, per rule, after each commit that changed it \
             (<code>gate baseline history</code> lists them).</p>"
        );
    }
    for warning in history.warnings() {
        let _ = writeln!(out, "<p>Note: {}</p>", escape(&warning.message));
    }
    if !history.points.is_empty() {
        // The chart's one id (`gate-history-title`) is unique in the page:
        // the map's own are `layers`, `cell-…`, `edge-…`, `arrow-…`.
        let _ = write!(
            out,
            "<div class=\"chart\">\n{}</div>\n",
            history::svg::render_inline(history)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_leaves_no_markup_and_shows_control_characters() {
        assert_eq!(
            escape("<a href=\"x\">'&'</a>\n"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;\\n"
        );
    }

    #[test]
    fn paths_leave_and_arrive_vertically_and_arc_over_one_line() {
        assert_eq!(
            path_data(&[(10, 0), (30, 100)]),
            "M 10 0 C 10 50 30 50 30 100"
        );
        assert_eq!(
            path_data(&[(10, 50), (30, 50)]),
            format!("M 10 50 C 10 {0} 30 {0} 30 50", 50 - NODE_HEIGHT)
        );
    }

    #[test]
    fn heat_goes_from_white_to_dark_blue() {
        assert_eq!(heat(0, 10), "#ffffff");
        assert_eq!(heat(10, 10), "#2166ac");
        assert_ne!(heat(1, 10), heat(5, 10));
    }
}
