//! [`build`]: the map of a run, from the analysed files, the import graph
//! and the baseline diff, the very ones `gate check` reports from; and the
//! cuts that keep its graph readable.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::{
    Cell, Count, Cycle, Debt, Edge, FanIn, GroupDebt, LayerSize, Listed, MAX_CYCLES, MAX_EDGES,
    MAX_LISTED, MAX_NODES, MAX_SITES, Map, Matrix, Node, PackageGraph, RuleDebt, Site, TOP_FAN_IN,
    Tool, Totals, Unlayered, VERSION,
};
use crate::baseline::Diff;
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
