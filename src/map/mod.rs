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

mod dot;
mod html;
mod layout;
mod markdown;
mod mermaid;
mod rows;
mod text;

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;

pub use dot::render_dot;
pub use html::{DebtOverTime, render_html};
pub use markdown::render_markdown;
pub use mermaid::render_mermaid;
pub use text::render_text;

use crate::baseline::{Diff, Status};
use crate::config::Config;
use crate::files::{FileId, Files};
use crate::graph::{Graph, ImportEdge};
use crate::layers::{LayerId, LayerMap};
use crate::report::{Summary, counts_per_rule};
use crate::rules::layers::{Layers, forbidden, layer_reached_indirectly};
use crate::rules::{Context, Cycles, NodeGraph, RuleKind};
use crate::settings::{Granularity, ImportSelection};
use crate::span::Position;
use crate::violation::Violation;

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

/// The map of a run: `files` and `graph` as analysed, `diff` as compared
/// with the baseline, the package graph at `granularity`.
pub fn build(
    config: &Config,
    files: &Files,
    graph: &Graph,
    diff: &Diff,
    granularity: Granularity,
) -> Map {
    let layers = LayerMap::new(
        &config.layers,
        files,
        config.project.layer_header.as_ref(),
        graph,
    );
    let context = Context::new(config.project.type_checking_imports, files, graph, &layers);
    let summary = Summary::new(diff, files.len());
    let (layer_sizes, unlayered) = distribution(files, &layers);
    let findings = attribute_findings(&context, diff, granularity);
    Map {
        version: VERSION,
        tool: Tool {
            name: "gate",
            version: env!("CARGO_PKG_VERSION"),
        },
        summary: Totals {
            files: files.len(),
            modules: files
                .sources()
                .iter()
                .filter(|f| f.module.is_some())
                .count(),
            lines: files
                .iter()
                .map(|(_, _, facts)| u64::from(facts.line_count))
                .sum(),
            new: summary.new,
            known: summary.known,
            fixed: summary.fixed,
        },
        layers: layer_sizes,
        unlayered,
        matrix: matrix(&context, &findings.cells),
        graph: package_graph(&context, granularity, &findings.edges),
        debt: debt(&context, diff, &findings),
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

/// Files, lines and modules per layer, and outside every layer.
fn distribution(files: &Files, layers: &LayerMap<'_>) -> (Vec<LayerSize>, Unlayered) {
    let mut sizes: Vec<LayerSize> = layers
        .layers()
        .iter()
        .map(|layer| LayerSize {
            name: layer.name.clone(),
            files: 0,
            lines: 0,
            modules: 0,
        })
        .collect();
    let mut unlayered_paths = Vec::new();
    let (mut lines, mut modules) = (0, 0);
    for (id, source, facts) in files.iter() {
        let has_module = usize::from(source.module.is_some());
        match layers.of_file(id) {
            Some(layer) => {
                let size = &mut sizes[layer.index()];
                size.files += 1;
                size.lines += u64::from(facts.line_count);
                size.modules += has_module;
            }
            None => {
                unlayered_paths.push(source.path.clone());
                lines += u64::from(facts.line_count);
                modules += has_module;
            }
        }
    }
    let unlayered = Unlayered {
        files: unlayered_paths.len(),
        lines,
        modules,
        paths: Listed::first(unlayered_paths, MAX_LISTED),
    };
    (sizes, unlayered)
}

/// The findings of the diff, counted where the map shows them.
struct Attributed {
    /// `layers` findings by (importing layer, imported layer).
    cells: HashMap<(LayerId, LayerId), Count>,
    /// Findings at an import, by (importing node, imported node).
    edges: HashMap<(String, String), Count>,
    /// Findings by the layer of their file.
    layers: HashMap<Option<LayerId>, Count>,
    /// Findings by the node of their file's module.
    packages: HashMap<Option<String>, Count>,
}

fn attribute_findings(context: &Context<'_>, diff: &Diff, granularity: Granularity) -> Attributed {
    let (files, graph, layers) = (context.files, context.graph, context.layers);
    let mut attributed = Attributed {
        cells: HashMap::new(),
        edges: HashMap::new(),
        layers: HashMap::new(),
        packages: HashMap::new(),
    };
    let node_of_file = |file: Option<FileId>| {
        let module = files.source(file?).module.as_deref()?;
        Some(granularity.node_of(module).to_string())
    };
    for finding in &diff.findings {
        let violation = &finding.violation;
        let layer = violation.file.and_then(|file| layers.of_file(file));
        attributed
            .layers
            .entry(layer)
            .or_default()
            .add(finding.status);
        let from_node = node_of_file(violation.file);
        attributed
            .packages
            .entry(from_node.clone())
            .or_default()
            .add(finding.status);
        if violation.kind == Layers.name() {
            let reached = match layer_reached_indirectly(&violation.subject) {
                Some(name) => layers.by_name(name),
                None => layers.of_module(&violation.subject, &graph.index),
            };
            if let (Some(from), Some(to)) = (layer, reached) {
                attributed
                    .cells
                    .entry((from, to))
                    .or_default()
                    .add(finding.status);
            }
        }
        if let (Some(from), Some(target)) = (from_node, imported_module(context, violation)) {
            let to = granularity.node_of(target).to_string();
            attributed
                .edges
                .entry((from, to))
                .or_default()
                .add(finding.status);
        }
    }
    attributed
}

/// The internal module a finding is about when it sits at an import of it:
/// at the place where findings about the import point, with the imported
/// module as its subject.
fn imported_module<'a>(context: &Context<'a>, violation: &Violation) -> Option<&'a str> {
    let file = violation.file?;
    context
        .graph
        .edges_of(file)
        .iter()
        .find(|edge| {
            edge.internal
                && *edge.target == violation.subject
                && context.import_span(edge).start == violation.span.start
        })
        .map(|edge| &*edge.target)
}

/// The import statements met so far. `from m import a, b` is two edges to
/// `m` and one import of it, as it is one finding: counted once.
#[derive(Default)]
struct Statements(HashSet<(FileId, Position, usize)>);

impl Statements {
    /// `edge` is the first edge met of its statement and target.
    fn first(&mut self, context: &Context<'_>, edge: &ImportEdge) -> bool {
        self.0
            .insert((edge.file, context.import_span(edge).start, edge.target.id()))
    }
}

fn site(context: &Context<'_>, edge: &ImportEdge) -> Site {
    Site {
        path: context.files.source(edge.file).path.clone(),
        line: context.import_span(edge).start.line,
        module: edge.target.to_string(),
    }
}

fn matrix(context: &Context<'_>, findings: &HashMap<(LayerId, LayerId), Count>) -> Matrix {
    let layers = context.layers;
    let count = layers.layers().len();
    let mut imports = vec![0usize; count * count];
    let mut sites = vec![Listed::empty(); count * count];
    let mut statements = Statements::default();
    for edge in context
        .selected_edges(ImportSelection::All)
        .filter(|edge| edge.internal && statements.first(context, edge))
    {
        if let (Some(from), Some(to)) = (layers.of_file(edge.file), layers.of_name(&edge.target)) {
            imports[from.index() * count + to.index()] += 1;
            sites[from.index() * count + to.index()].push(site(context, edge), MAX_SITES);
        }
    }
    let mut sites = sites.into_iter();
    let mut cells = Vec::with_capacity(count * count);
    for from in layers.ids() {
        for to in layers.ids() {
            let (importer, imported) = (layers.layer(from), layers.layer(to));
            let found = findings.get(&(from, to)).copied().unwrap_or_default();
            cells.push(Cell {
                from: importer.name.clone(),
                to: imported.name.clone(),
                imports: imports[from.index() * count + to.index()],
                allowed: forbidden(from, to, importer, imported).is_none(),
                new: found.new,
                known: found.known,
                sites: sites.next().expect("a cell's sites"),
            });
        }
    }
    Matrix {
        layers: layers
            .layers()
            .iter()
            .map(|layer| layer.name.clone())
            .collect(),
        cells,
    }
}

/// What a node is made of while the graph is built.
#[derive(Default)]
struct NodeParts {
    files: usize,
    lines: u64,
    /// Files per layer, by layer position; files in no layer are not
    /// counted.
    layer_files: Vec<usize>,
    cycle: bool,
}

fn package_graph(
    context: &Context<'_>,
    granularity: Granularity,
    findings: &HashMap<(String, String), Count>,
) -> PackageGraph {
    let (files, layers) = (context.files, context.layers);
    let mut parts: BTreeMap<&str, NodeParts> = BTreeMap::new();
    for (id, source, facts) in files.iter() {
        let Some(module) = source.module.as_deref() else {
            continue;
        };
        let node = parts.entry(granularity.node_of(module)).or_default();
        node.files += 1;
        node.lines += u64::from(facts.line_count);
        if let Some(layer) = layers.of_file(id) {
            node.layer_files.resize(layers.layers().len(), 0);
            node.layer_files[layer.index()] += 1;
        }
    }
    let NodeGraph { names, mut links } =
        NodeGraph::build(context, &granularity, ImportSelection::All);
    let mut statements = Statements::default();
    links.retain(|link| link.from != link.to && statements.first(context, link.edge));
    let mut imports: BTreeMap<(u32, u32), (usize, Listed<Site>)> = BTreeMap::new();
    for link in &links {
        let (count, sites) = imports
            .entry((link.from, link.to))
            .or_insert_with(|| (0, Listed::empty()));
        *count += 1;
        sites.push(site(context, link.edge), MAX_SITES);
    }
    let arcs: Vec<(u32, u32)> = imports.keys().copied().collect();
    let cycles = Cycles::new(names.len(), &arcs);
    for (id, name) in names.iter().enumerate() {
        parts.entry(name).or_default().cycle = cycles.component_of(id as u32).is_some();
    }
    let mut nodes: Vec<Node> = parts
        .iter()
        .map(|(name, part)| Node {
            name: name.to_string(),
            layer: node_layer(context, name, part),
            files: part.files,
            lines: part.lines,
            cycle: part.cycle,
        })
        .collect();
    let mut edges: Vec<Edge> = imports
        .into_iter()
        .map(|((from_id, to_id), (count, sites))| {
            let (from, to) = (names[from_id as usize], names[to_id as usize]);
            let found = findings
                .get(&(from.to_string(), to.to_string()))
                .copied()
                .unwrap_or_default();
            Edge {
                from: from.to_string(),
                to: to.to_string(),
                from_node: 0,
                to_node: 0,
                imports: count,
                new: found.new,
                known: found.known,
                cycle: cycles.contains(from_id, to_id),
                sites,
            }
        })
        .collect();
    let total_nodes = nodes.len();
    let total_edges = edges.len();
    keep_largest_nodes(&mut nodes, &mut edges, MAX_NODES);
    keep_telling_edges(&mut edges, MAX_EDGES);
    PackageGraph {
        granularity: match granularity {
            Granularity::Module => "module",
            Granularity::Package { .. } => "package",
        },
        depth: match granularity {
            Granularity::Module => None,
            Granularity::Package { depth } => Some(depth),
        },
        omitted_nodes: total_nodes - nodes.len(),
        omitted_edges: total_edges - edges.len(),
        nodes,
        edges,
    }
}

/// The layer most of a node's files are in, the upper one on a tie; for a
/// node without files in any layer, the layer its name falls in.
fn node_layer(context: &Context<'_>, name: &str, part: &NodeParts) -> Option<String> {
    let layers = context.layers;
    let most = part.layer_files.iter().copied().max().unwrap_or(0);
    let layer = if most > 0 {
        layers
            .ids()
            .find(|layer| part.layer_files[layer.index()] == most)
    } else {
        layers.of_module(name, &context.graph.index)
    };
    layer.map(|layer| layers.layer(layer).name.clone())
}

/// Keeps the `limit` largest nodes (by files, then lines), in name order,
/// and the edges between them; sets each edge's node positions.
fn keep_largest_nodes(nodes: &mut Vec<Node>, edges: &mut Vec<Edge>, limit: usize) {
    if nodes.len() > limit {
        let mut by_size: Vec<usize> = (0..nodes.len()).collect();
        by_size.sort_by(|&a, &b| {
            (nodes[b].files, nodes[b].lines)
                .cmp(&(nodes[a].files, nodes[a].lines))
                .then(a.cmp(&b))
        });
        let mut kept = vec![false; nodes.len()];
        for &node in &by_size[..limit] {
            kept[node] = true;
        }
        let mut position = 0;
        nodes.retain(|_| {
            position += 1;
            kept[position - 1]
        });
    }
    let position: BTreeMap<&str, usize> = nodes
        .iter()
        .enumerate()
        .map(|(index, node)| (node.name.as_str(), index))
        .collect();
    edges.retain_mut(|edge| {
        match (
            position.get(edge.from.as_str()),
            position.get(edge.to.as_str()),
        ) {
            (Some(&from), Some(&to)) => {
                edge.from_node = from;
                edge.to_node = to;
                true
            }
            _ => false,
        }
    });
}

/// Keeps `limit` edges: those with findings first, then those on cycles,
/// then the most imported; in (from, to) order.
fn keep_telling_edges(edges: &mut Vec<Edge>, limit: usize) {
    if edges.len() <= limit {
        return;
    }
    edges.sort_by(|a, b| {
        (b.violating(), b.cycle, b.imports)
            .cmp(&(a.violating(), a.cycle, a.imports))
            .then((a.from_node, a.to_node).cmp(&(b.from_node, b.to_node)))
    });
    edges.truncate(limit);
    edges.sort_by_key(|edge| (edge.from_node, edge.to_node));
}

fn debt(context: &Context<'_>, diff: &Diff, findings: &Attributed) -> Debt {
    let layers = context.layers;
    let rules = counts_per_rule(&diff.findings)
        .into_iter()
        .map(|count| RuleDebt {
            rule: count.rule.to_string(),
            kind: count.kind.to_string(),
            new: count.new,
            known: count.known,
        })
        .collect();
    let layer_debt = layers
        .ids()
        .map(Some)
        .chain([None])
        .map(|layer| {
            let count = findings.layers.get(&layer).copied().unwrap_or_default();
            GroupDebt {
                name: layer.map(|layer| layers.layer(layer).name.clone()),
                new: count.new,
                known: count.known,
            }
        })
        .collect();
    let mut packages: Vec<(&Option<String>, Count)> = findings
        .packages
        .iter()
        .map(|(name, &count)| (name, count))
        .collect();
    packages.sort_by(|a, b| b.1.total().cmp(&a.1.total()).then(a.0.cmp(b.0)));
    let packages = packages.into_iter().map(|(name, count)| GroupDebt {
        name: name.clone(),
        new: count.new,
        known: count.known,
    });
    let modules = NodeGraph::build(context, &Granularity::Module, ImportSelection::All);
    Debt {
        rules,
        layers: layer_debt,
        packages: Listed::first(packages, MAX_LISTED),
        fan_in: fan_in(context, &modules),
        cycles: module_cycles(&modules),
    }
}

/// The [`TOP_FAN_IN`] modules with the most distinct importers.
fn fan_in(context: &Context<'_>, modules: &NodeGraph<'_>) -> Vec<FanIn> {
    let mut pairs: Vec<(u32, u32)> = modules
        .links
        .iter()
        .filter(|link| link.from != link.to)
        .map(|link| (link.to, link.from))
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    let mut counts: Vec<(usize, u32)> = pairs
        .chunk_by(|a, b| a.0 == b.0)
        .map(|group| (group.len(), group[0].0))
        .collect();
    // Most importers first, then by name (ids are in name order).
    counts.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    counts
        .into_iter()
        .take(TOP_FAN_IN)
        .map(|(importers, id)| {
            let module = modules.names[id as usize];
            FanIn {
                module: module.to_string(),
                importers,
                layer: context
                    .layers
                    .of_module(module, &context.graph.index)
                    .map(|layer| context.layers.layer(layer).name.clone()),
            }
        })
        .collect()
}

/// The cycles between modules, the largest first, then by first member.
fn module_cycles(modules: &NodeGraph<'_>) -> Listed<Cycle> {
    let mut arcs: Vec<(u32, u32)> = modules
        .links
        .iter()
        .map(|link| (link.from, link.to))
        .filter(|(from, to)| from != to)
        .collect();
    arcs.sort_unstable();
    arcs.dedup();
    let cycles = Cycles::new(modules.names.len(), &arcs);
    let mut components: Vec<&Vec<u32>> = cycles.members.iter().collect();
    components.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    Listed::first(
        components.into_iter().map(|members| Cycle {
            size: members.len(),
            members: Listed::first(
                members
                    .iter()
                    .map(|&member| modules.names[member as usize].to_string()),
                MAX_LISTED,
            ),
        }),
        MAX_CYCLES,
    )
}

impl PackageGraph {
    /// The graph cut to at most `nodes` nodes and `edges` edges, as
    /// [`build`] cuts it; the omitted counts grow by what is cut.
    pub fn cut(&self, nodes: usize, edges: usize) -> PackageGraph {
        let mut cut = self.clone();
        keep_largest_nodes(&mut cut.nodes, &mut cut.edges, nodes);
        keep_telling_edges(&mut cut.edges, edges);
        cut.omitted_nodes += self.nodes.len() - cut.nodes.len();
        cut.omitted_edges += self.edges.len() - cut.edges.len();
        cut
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
