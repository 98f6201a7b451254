//! `gate map`: the architecture as it is, drawn from the very analysis and
//! baseline comparison `gate check` reports, so that the two never disagree.
//!
//! [`build`] turns the analysed files, the import graph and the baseline
//! diff into a [`Map`]: plain data (serialised as is for `--format json`)
//! that the renderers beside this module only lay out. The map holds:
//!
//! - the layer distribution: files, lines and modules per `[[layer]]`, and
//!   the files no layer classifies;
//! - the layer matrix: imports from each layer to each layer, each cell
//!   allowed or forbidden by the config, with the `layers` findings it holds;
//! - the package graph at a granularity: nodes with their layer and size,
//!   edges with their import counts, the findings at their imports, and
//!   whether they lie on a cycle;
//! - the debt: findings per rule, per layer and per package, the most
//!   imported modules, the module cycles.
//!
//! The formats: text tables, JSON (docs/map.md has the schema), Markdown
//! with a mermaid diagram, DOT, mermaid, and a self-contained HTML page
//! whose graph `layout` lays out by layer.
//!
//! Everything is sorted by name (or by count, then name), so the bytes are
//! the same whatever the thread count. Lists that grow with the project are
//! capped (see the `MAX_*` constants) and say how many they left out, so a
//! map of a 5,000-module project stays readable.

mod build;
mod dot;
mod html;
mod layout;
mod markdown;
mod mermaid;
mod rows;
mod text;

use serde::Serialize;

pub use build::build;
pub use dot::render_dot;
pub use html::{DebtOverTime, render_html};
pub use markdown::render_markdown;
pub use mermaid::render_mermaid;
pub use text::render_text;

use crate::baseline::Status;

/// The version of the JSON schema (docs/map.md); bumped only when a field
/// changes meaning or goes away.
pub const VERSION: u32 = 1;

/// The facts of each file the map reads besides the imports: its lines.
/// The rules' own facts are extracted anyway; these must be asked for.
pub const FACTS: crate::facts::FactSet = crate::facts::FactSet::LINE_COUNT;

/// The package depth of `gate map` when none is given: `app.billing`,
/// `app.crm`, where most projects draw their components.
pub const DEFAULT_DEPTH: usize = 2;

/// Nodes of the package graph kept, the largest first: past a hundred
/// boxes no drawing is readable, and a deeper `--depth` is the way in.
pub const MAX_NODES: usize = 150;
/// Edges of the package graph kept: those with findings first, then those
/// on cycles, then the most imported.
pub const MAX_EDGES: usize = 600;
/// Paths, packages and cycle members listed before "and N more".
pub const MAX_LISTED: usize = 20;
/// Cycles listed in the debt, the largest first.
pub const MAX_CYCLES: usize = 20;
/// Imports listed for a cell of the matrix or an edge of the graph.
pub const MAX_SITES: usize = 10;
/// Modules listed as the most imported.
pub const TOP_FAN_IN: usize = 10;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Map {
    /// [`VERSION`].
    pub version: u32,
    pub tool: Tool,
    pub summary: Totals,
    /// Every `[[layer]]`, top first.
    pub layers: Vec<LayerSize>,
    pub unlayered: Unlayered,
    pub matrix: Matrix,
    pub graph: PackageGraph,
    pub debt: Debt,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

/// The project as a whole.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub files: usize,
    /// Files with a module name (inside a source root).
    pub modules: usize,
    pub lines: u64,
    /// Findings that fail the check.
    pub new: usize,
    /// Findings the baseline allows.
    pub known: usize,
    /// Baselined occurrences that no longer occur.
    pub fixed: usize,
}

/// The size of a layer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LayerSize {
    pub name: String,
    pub files: usize,
    pub lines: u64,
    /// Its files with a module name.
    pub modules: usize,
}

/// The files no layer classifies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Unlayered {
    pub files: usize,
    pub lines: u64,
    pub modules: usize,
    /// Their paths, in path order.
    pub paths: Listed<String>,
}

/// The first [`MAX_LISTED`] (or so) items of a list, and how many more
/// there are.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Listed<T> {
    pub items: Vec<T>,
    pub more: usize,
}

impl<T> Listed<T> {
    fn first(items: impl IntoIterator<Item = T>, limit: usize) -> Self {
        let mut listed = Listed::empty();
        for item in items {
            listed.push(item, limit);
        }
        listed
    }

    fn empty() -> Self {
        Listed {
            items: Vec::new(),
            more: 0,
        }
    }

    /// Adds `item` while the list is shorter than `limit`, else counts it.
    fn push(&mut self, item: T, limit: usize) {
        if self.items.len() < limit {
            self.items.push(item);
        } else {
            self.more += 1;
        }
    }
}

/// Imports between layers: `cells` is row-major, `layers.len()` squared,
/// the row being the importing layer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Matrix {
    pub layers: Vec<String>,
    pub cells: Vec<Cell>,
}

impl Matrix {
    /// The cell of imports from layer `from` to layer `to` (positions in
    /// `layers`).
    pub fn cell(&self, from: usize, to: usize) -> &Cell {
        &self.cells[from * self.layers.len() + to]
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Cell {
    pub from: String,
    pub to: String,
    /// Import statements of the project's own modules that count under
    /// `type-checking-imports`.
    pub imports: usize,
    /// The config lets `from` import `to`.
    pub allowed: bool,
    /// `layers` findings from `from` to `to`, direct and indirect.
    pub new: usize,
    pub known: usize,
    /// The first [`MAX_SITES`] imports, in path and line order.
    pub sites: Listed<Site>,
}

/// Where an import statement is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Site {
    pub path: String,
    /// Where findings about the import point.
    pub line: u32,
    /// The module imported.
    pub module: String,
}

/// The internal import graph, each module merged into its node.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PackageGraph {
    /// `package` or `module`.
    pub granularity: &'static str,
    /// The segments that name a package; `None` at module granularity.
    pub depth: Option<usize>,
    /// By name.
    pub nodes: Vec<Node>,
    /// By importing node, then imported node.
    pub edges: Vec<Edge>,
    /// Nodes left out past [`MAX_NODES`] (the smallest), with their edges.
    pub omitted_nodes: usize,
    /// Edges left out past [`MAX_EDGES`], or because a node was left out.
    pub omitted_edges: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Node {
    pub name: String,
    /// The layer most of its files are in (the upper one on a tie); for a
    /// node without files, the layer its name falls in.
    pub layer: Option<String>,
    pub files: usize,
    pub lines: u64,
    /// It lies on a cycle of the graph.
    pub cycle: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Edge {
    pub from: String,
    pub to: String,
    /// Positions of `from` and `to` in [`PackageGraph::nodes`].
    #[serde(skip)]
    pub from_node: usize,
    #[serde(skip)]
    pub to_node: usize,
    /// Import statements from `from` to `to`.
    pub imports: usize,
    /// Findings located at those imports, about the module imported
    /// (`layers`, `forbidden-import`, `private-module`, `import-cycle`, ...).
    pub new: usize,
    pub known: usize,
    /// The edge lies on a cycle of the graph.
    pub cycle: bool,
    /// The first [`MAX_SITES`] imports, in path and line order.
    pub sites: Listed<Site>,
}

impl Edge {
    /// A finding sits at one of its imports.
    pub fn violating(&self) -> bool {
        self.new + self.known > 0
    }

    /// `15`, `5 (1 new, 4 known)`: the imports, and the findings when there
    /// are any, for a drawn edge.
    pub fn label(&self) -> String {
        let findings: Vec<String> = [(self.new, "new"), (self.known, "known")]
            .iter()
            .filter(|(count, _)| *count > 0)
            .map(|(count, status)| format!("{count} {status}"))
            .collect();
        if findings.is_empty() {
            self.imports.to_string()
        } else {
            format!("{} ({})", self.imports, findings.join(", "))
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Debt {
    /// Most findings first.
    pub rules: Vec<RuleDebt>,
    /// Every layer, top first, then the files in none (`name: null`).
    pub layers: Vec<GroupDebt>,
    /// The graph's nodes with findings (`name: null`: files outside every
    /// source root, and findings about folders), most first.
    pub packages: Listed<GroupDebt>,
    /// The modules imported by the most modules, most first.
    pub fan_in: Vec<FanIn>,
    /// Module cycles (strongly connected components), the largest first.
    pub cycles: Listed<Cycle>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleDebt {
    pub rule: String,
    pub kind: String,
    pub new: usize,
    pub known: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GroupDebt {
    pub name: Option<String>,
    pub new: usize,
    pub known: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FanIn {
    pub module: String,
    /// Distinct modules importing it.
    pub importers: usize,
    pub layer: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Cycle {
    pub size: usize,
    /// Sorted.
    pub members: Listed<String>,
}

/// New and known findings, as counted into a cell, an edge or a group.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Count {
    new: usize,
    known: usize,
}

impl Count {
    fn add(&mut self, status: Status) {
        match status {
            Status::New => self.new += 1,
            Status::Known => self.known += 1,
        }
    }

    fn total(self) -> usize {
        self.new + self.known
    }
}

impl Totals {
    /// `57 files (57 with a module name, 1791 lines), 6 layers; findings: 0
    /// new, 34 known (baseline), 0 fixed`.
    pub fn line(&self, layers: usize) -> String {
        format!(
            "{} files ({} with a module name, {} lines), {layers} layers; findings: {} new, {} \
             known (baseline), {} fixed",
            self.files, self.modules, self.lines, self.new, self.known, self.fixed
        )
    }
}

/// `name` cut to `limit` characters, with `…` when cut: a name in a box
/// of a drawing.
fn shortened(name: &str, limit: usize) -> String {
    if name.chars().count() <= limit {
        return name.to_string();
    }
    let mut short: String = name.chars().take(limit - 1).collect();
    short.push('…');
    short
}

/// `1 file`, `3 files`: `count` of `noun`, plural when not one.
fn counted(count: usize, noun: &str) -> String {
    match count {
        1 => format!("1 {noun}"),
        count => format!("{count} {noun}s"),
    }
}

/// The formats of `gate map`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MapFormat {
    Text,
    Json,
    Markdown,
    Dot,
    Mermaid,
    Html,
}

impl MapFormat {
    /// As `--format` names it.
    pub fn name(self) -> &'static str {
        match self {
            MapFormat::Text => "text",
            MapFormat::Json => "json",
            MapFormat::Markdown => "markdown",
            MapFormat::Dot => "dot",
            MapFormat::Mermaid => "mermaid",
            MapFormat::Html => "html",
        }
    }
}

/// The map as JSON, the schema of docs/map.md.
pub fn render_json(map: &Map) -> String {
    serde_json::to_string_pretty(map).expect("the map serialises") + "\n"
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A map of two layers, `top` and `bottom`, and three packages whose
    /// names (and the top layer's) are `name` with a suffix: `{name}.a` in
    /// `top` imports `{name}.b` in `bottom` (allowed) and the other way
    /// round (forbidden, one new finding), and both import `{name}.c`.
    pub(crate) fn sample(name: &str) -> Map {
        let top = format!("{name}-top");
        let node = |suffix: &str, layer: Option<&str>| Node {
            name: format!("{name}.{suffix}"),
            layer: layer.map(str::to_string),
            files: 2,
            lines: 10,
            cycle: suffix != "c",
        };
        let edge = |from: usize, to: usize, new: usize| Edge {
            from: format!("{name}.{}", ["a", "b", "c"][from]),
            to: format!("{name}.{}", ["a", "b", "c"][to]),
            from_node: from,
            to_node: to,
            imports: 3,
            new,
            known: 0,
            cycle: to != 2,
            sites: Listed::empty(),
        };
        let cell = |from: &str, to: &str, allowed: bool, new: usize| Cell {
            from: from.to_string(),
            to: to.to_string(),
            imports: 3,
            allowed,
            new,
            known: 0,
            sites: Listed::empty(),
        };
        Map {
            version: VERSION,
            tool: Tool {
                name: "gate",
                version: "0",
            },
            summary: Totals {
                files: 6,
                modules: 6,
                lines: 30,
                new: 1,
                known: 0,
                fixed: 0,
            },
            layers: vec![
                LayerSize {
                    name: top.clone(),
                    files: 2,
                    lines: 10,
                    modules: 2,
                },
                LayerSize {
                    name: "bottom".to_string(),
                    files: 2,
                    lines: 10,
                    modules: 2,
                },
            ],
            unlayered: Unlayered {
                files: 2,
                lines: 10,
                modules: 2,
                paths: Listed::first([format!("{name}/c.py")], MAX_LISTED),
            },
            matrix: Matrix {
                layers: vec![top.clone(), "bottom".to_string()],
                cells: vec![
                    cell(&top, &top, true, 0),
                    cell(&top, "bottom", true, 0),
                    cell("bottom", &top, false, 1),
                    cell("bottom", "bottom", true, 0),
                ],
            },
            graph: PackageGraph {
                granularity: "package",
                depth: Some(2),
                nodes: vec![
                    node("a", Some(&top)),
                    node("b", Some("bottom")),
                    node("c", None),
                ],
                edges: vec![edge(0, 1, 0), edge(0, 2, 0), edge(1, 0, 1), edge(1, 2, 0)],
                omitted_nodes: 0,
                omitted_edges: 0,
            },
            debt: Debt {
                rules: vec![RuleDebt {
                    rule: "layers".to_string(),
                    kind: "layers".to_string(),
                    new: 1,
                    known: 0,
                }],
                layers: Vec::new(),
                packages: Listed::first([], MAX_LISTED),
                fan_in: Vec::new(),
                cycles: Listed::first([], MAX_CYCLES),
            },
        }
    }

    #[test]
    fn a_cut_graph_keeps_the_largest_nodes_and_the_edges_with_findings() {
        let mut map = sample("app");
        map.graph.nodes[2].files = 1;
        let cut = map.graph.cut(2, 1);
        let names: Vec<&str> = cut.nodes.iter().map(|node| node.name.as_str()).collect();
        assert_eq!(names, ["app.a", "app.b"]);
        // Of a->b and b->a, the edge with a finding stays.
        assert_eq!(cut.edges.len(), 1);
        assert_eq!((cut.edges[0].from.as_str(), cut.edges[0].new), ("app.b", 1));
        assert_eq!((cut.omitted_nodes, cut.omitted_edges), (1, 3));
    }

    #[test]
    fn long_names_are_cut_with_an_ellipsis() {
        let short = shortened(&"a".repeat(100), 60);
        assert_eq!(short.chars().count(), 60);
        assert!(short.ends_with('…'));
        assert_eq!(shortened("app.api", 60), "app.api");
    }

    #[test]
    fn an_edge_label_names_only_the_findings_it_has() {
        let map = sample("app");
        assert_eq!(map.graph.edges[0].label(), "3");
        assert_eq!(map.graph.edges[2].label(), "3 (1 new)");
    }
}
