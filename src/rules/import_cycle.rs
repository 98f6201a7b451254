//! ## What it does
//! Reports circular imports: modules (or packages, with `granularity =
//! "package"`) that import each other, directly or through others. Each
//! strongly connected component of the internal import graph is one
//! violation, shown as one concrete loop of real import statements.
//!
//! ## Why is this bad
//! A cycle makes its members one unit: none can be understood, tested,
//! moved or deleted without the others, and Python runs them in an order
//! that depends on which is imported first, so a name used at import time
//! may not exist yet (`ImportError: cannot import name ... (most likely due
//! to a circular import)`). Between top-level packages, a cycle means the
//! layering the team drew is not the one in the code.
//!
//! ## Example
//! ```toml
//! [[rule]]
//! kind = "import-cycle"
//! name = "no-package-cycles"
//! granularity = "package"
//! depth = 2
//! ```
//! ```python
//! # app/crm/models.py
//! from app.billing.invoices import Invoice   # reported with the import below:
//! # app/billing/invoices.py                  # `app.billing` → `app.crm` → `app.billing`
//! from app.crm.models import Customer
//! # app/crm/api.py
//! from app.crm.models import Customer        # fine: inside one package
//! ```
//!
//! The violation sits at the import that closes the loop. The loop starts at
//! the component's alphabetically first member and is the shortest way back
//! to it; each hop names an import statement (`file:line`), at package
//! granularity the first one in file and line order between the two
//! packages. Its identity is the sorted list of the component's members, so
//! it stays known while lines move, and becomes new when a module joins or
//! leaves the cycle. A module that imports itself (`import app.a` in
//! `app/a.py`) is a cycle of its own, reported once per module. Only imports
//! of the project's own modules count.
//!
//! ## Options
//! - `granularity` (`module` or `package`, default `module`): what a node of
//!   the graph is. At `package` granularity every module belongs to its
//!   package of `depth` segments, and imports inside one package are not
//!   cycles.
//! - `depth` (integer ≥ 1, required with `granularity = "package"`): the
//!   number of leading segments that name a package (`app.crm.models` at
//!   depth 2 is `app.crm`).
//! - `imports` (`all`, `runtime` or `module-level`, default `all`): which
//!   import statements count. `module-level` leaves out the imports inside
//!   functions, the usual way to break a cycle on purpose; imports under
//!   `if TYPE_CHECKING:` count only with `[project] type-checking-imports =
//!   "check"` and `imports = "all"`.
//! - `name`, `message`, `severity` as for every rule.

use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::rules::{Check, Rule, RuleKind};
use crate::settings::read::{granularity, imports};
use crate::settings::{Granularity, ImportSelection, Table};
use std::collections::VecDeque;
use std::fmt::Write as _;

use petgraph::algo::kosaraju_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use rustc_hash::FxHashMap;

use crate::files::FileId;
use crate::graph::ImportEdge;
use crate::rules::Context;
use crate::span::Position;
use crate::violation::Violation;

/// Members listed in a message before "… and N more".
const LISTED: usize = 10;

/// Hops of a loop shown in a message; a longer loop shows its first and
/// last halves of these.
const SHOWN_HOPS: usize = 20;

/// The `import-cycle` rule kind.
pub struct ImportCycle;

impl RuleKind for ImportCycle {
    fn name(&self) -> &'static str {
        "import-cycle"
    }

    fn source(&self) -> &'static str {
        include_str!("import_cycle.rs")
    }

    fn keys(&self) -> &'static [&'static str] {
        &["granularity", "depth", "imports"]
    }

    fn read(&self, table: &Table<'_>) -> Result<Arc<dyn Check>, Diagnostic> {
        Ok(Arc::new(read_options(table)?))
    }
}

#[derive(Clone, Debug)]
pub struct ImportCycleOptions {
    pub granularity: Granularity,
    pub imports: ImportSelection,
}

/// Reads the options of one `[[rule]]` table of kind `import-cycle`.
fn read_options(table: &Table<'_>) -> Result<ImportCycleOptions, Diagnostic> {
    Ok(ImportCycleOptions {
        granularity: granularity(table)?,
        imports: imports(table)?,
    })
}

impl Check for ImportCycleOptions {
    fn check(&self, context: &Context<'_>, rule: &Rule) -> Vec<Violation> {
        check(context, rule, self)
    }
}

fn check(context: &Context<'_>, rule: &Rule, options: &ImportCycleOptions) -> Vec<Violation> {
    let ImportCycleOptions {
        granularity,
        imports,
    } = options;
    let NodeGraph { names, mut links } = NodeGraph::build(context, granularity, *imports);
    if matches!(granularity, Granularity::Package { .. }) {
        links.retain(|link| link.from != link.to);
    }
    // By node pair, then position: the first link of each pair is its
    // first import statement in file and line order.
    // The position lies in the import's facts: read it once per link.
    links.sort_by_cached_key(|link| (link.from, link.to, position(context, link.edge)));
    links.dedup_by_key(|link| (link.from, link.to));
    let arcs: Vec<(u32, u32)> = links.iter().map(|link| (link.from, link.to)).collect();
    let noun = match granularity {
        Granularity::Module => "modules",
        Granularity::Package { .. } => "packages",
    };
    find_cycles(names.len(), &arcs)
        .into_iter()
        .map(|cycle| {
            let hops: Vec<Link<'_>> = cycle.hops.iter().map(|&arc| links[arc]).collect();
            let members: Vec<&str> = cycle.members.iter().map(|&m| names[m as usize]).collect();
            let text = describe(context, &hops, &names, &members, noun);
            let closing = hops.last().expect("a loop has at least one hop");
            context.import_violation(rule, closing.edge, &members.join(", "), text)
        })
        .collect()
}

/// `import cycle `a` → `b` → `a`: a.py:3 imports `b`, b.py:1 imports `a``,
/// and the other members when the component is larger than the loop. A loop
/// of more than [`SHOWN_HOPS`] hops shows its two ends.
fn describe(
    context: &Context<'_>,
    hops: &[Link<'_>],
    names: &[&str],
    members: &[&str],
    noun: &str,
) -> String {
    let half = SHOWN_HOPS / 2;
    let elided = hops.len().saturating_sub(SHOWN_HOPS);
    let shown = || {
        hops.iter()
            .enumerate()
            .filter(move |&(i, _)| elided == 0 || i < half || i >= half + elided)
    };
    let gap = |i: usize| elided > 0 && i == hops.len() - half;
    let mut text = String::from("import cycle ");
    for (i, hop) in shown() {
        if gap(i) {
            let _ = write!(text, "… ({elided} more) → ");
        }
        let _ = write!(text, "`{}` → ", names[hop.from as usize]);
    }
    let _ = write!(text, "`{}`: ", names[hops[0].from as usize]);
    for (i, hop) in shown() {
        if i > 0 {
            text.push_str(", ");
        }
        if gap(i) {
            let _ = write!(text, "… {elided} more imports, ");
        }
        let line = context.import_of(hop.edge).span.start.line;
        let path = &context.files.source(hop.edge.file).path;
        let _ = write!(text, "{path}:{line} imports `{}`", hop.edge.target);
    }
    if members.len() > hops.len() {
        let _ = write!(
            text,
            "; the cycle ties {} {noun} together: {}",
            members.len(),
            listing(members)
        );
    }
    text
}

/// `` `a`, `b`, … and 3 more ``: the first names of a sorted list.
pub(super) fn listing(names: &[&str]) -> String {
    let shown: Vec<String> = names
        .iter()
        .take(LISTED)
        .map(|name| format!("`{name}`"))
        .collect();
    let mut text = shown.join(", ");
    if names.len() > LISTED {
        let _ = write!(text, ", … and {} more", names.len() - LISTED);
    }
    text
}

/// The internal import graph at a granularity: nodes numbered in name
/// order, and one link per import statement that counts.
pub(super) struct NodeGraph<'a> {
    /// Sorted: a node's id is its index.
    pub names: Vec<&'a str>,
    pub links: Vec<Link<'a>>,
}

/// An internal import between two nodes (ids into [`NodeGraph::names`]).
#[derive(Clone, Copy)]
pub(super) struct Link<'a> {
    pub from: u32,
    pub to: u32,
    pub edge: &'a ImportEdge,
}

impl<'a> NodeGraph<'a> {
    /// The internal imports that count under `imports`, from files with a
    /// module name, as links between the nodes of `granularity`.
    pub fn build(
        context: &Context<'a>,
        granularity: &Granularity,
        imports: ImportSelection,
    ) -> Self {
        let files = context.files;
        let mut ids: FxHashMap<&'a str, u32> = FxHashMap::default();
        let mut names: Vec<&'a str> = Vec::new();
        let mut id = |name: &'a str| {
            *ids.entry(name).or_insert_with(|| {
                names.push(name);
                (names.len() - 1) as u32
            })
        };
        // The node of each importing file and of each imported name, found
        // at its first import: each is imported many times.
        let mut file_nodes = files.map(|_, _, _| None);
        let mut name_nodes: Vec<Option<u32>> = vec![None; context.graph.names.len()];
        let mut links = Vec::new();
        for edge in context.selected_edges(imports).filter(|edge| edge.internal) {
            let Some(importer) = files.source(edge.file).module.as_deref() else {
                continue;
            };
            let from =
                *file_nodes[edge.file].get_or_insert_with(|| id(granularity.node_of(importer)));
            let target: &'a str = &edge.target;
            let to = *name_nodes[edge.target.id()]
                .get_or_insert_with(|| id(granularity.node_of(target)));
            links.push(Link { from, to, edge });
        }
        drop(ids);
        // Renumber the nodes in name order, so that everything that follows
        // is independent of the order of the edges.
        let mut order: Vec<u32> = (0..names.len() as u32).collect();
        order.sort_unstable_by_key(|&old| names[old as usize]);
        let mut rank = vec![0u32; names.len()];
        for (new, &old) in order.iter().enumerate() {
            rank[old as usize] = new as u32;
        }
        for link in &mut links {
            link.from = rank[link.from as usize];
            link.to = rank[link.to as usize];
        }
        let names = order.iter().map(|&old| names[old as usize]).collect();
        NodeGraph { names, links }
    }
}

/// Where the statement behind `edge` is: file (ids follow the path order),
/// then position. The order of imports as they appear in the project.
pub(super) fn position(context: &Context<'_>, edge: &ImportEdge) -> (FileId, Position) {
    (edge.file, context.import_of(edge).span.start)
}

/// A cycle of the graph: its members, and one loop through them.
#[derive(Debug, PartialEq, Eq)]
struct Cycle {
    /// Sorted node ids: the strongly connected component, or the one node of
    /// a self-loop.
    members: Vec<u32>,
    /// Indices into the arcs, in loop order: the first starts at the
    /// smallest member, the last returns to it.
    hops: Vec<usize>,
}

/// The cycles of a graph of `node_count` nodes whose `arcs` are sorted and
/// free of duplicates: one per strongly connected component of two or more
/// nodes, and one per self-loop. Linear in the size of the graph, and
/// iterative (petgraph's `tarjan_scc` recurses once per node of a path, which
/// a long chain of imports would turn into a stack overflow on a worker
/// thread; `kosaraju_scc` keeps its stack on the heap).
fn find_cycles(node_count: usize, arcs: &[(u32, u32)]) -> Vec<Cycle> {
    let mut graph: DiGraph<(), ()> = DiGraph::with_capacity(node_count, arcs.len());
    for _ in 0..node_count {
        graph.add_node(());
    }
    // Arcs sorted by source: the arcs out of `u` are `first[u]..first[u + 1]`,
    // by target id, that is by name.
    let mut first = vec![0usize; node_count + 1];
    for &(from, to) in arcs {
        first[from as usize + 1] += 1;
        if from != to {
            graph.add_edge(
                NodeIndex::new(from as usize),
                NodeIndex::new(to as usize),
                (),
            );
        }
    }
    for u in 0..node_count {
        first[u + 1] += first[u];
    }
    let mut cycles: Vec<Cycle> = arcs
        .iter()
        .enumerate()
        .filter(|(_, (from, to))| from == to)
        .map(|(arc, &(from, _))| Cycle {
            members: vec![from],
            hops: vec![arc],
        })
        .collect();
    const NONE: u32 = u32::MAX;
    let mut component = vec![NONE; node_count];
    // The arc by which the search first reached a node.
    let mut via = vec![usize::MAX; node_count];
    let mut queue = VecDeque::new();
    for (number, nodes) in kosaraju_scc(&graph).into_iter().enumerate() {
        if nodes.len() < 2 {
            continue;
        }
        let mut members: Vec<u32> = nodes.iter().map(|n| n.index() as u32).collect();
        members.sort_unstable();
        for &m in &members {
            component[m as usize] = number as u32;
        }
        let hops = shortest_loop(members[0], arcs, &first, &component, &mut via, &mut queue);
        cycles.push(Cycle { members, hops });
    }
    cycles
}

/// The shortest loop from `start` back to itself inside its component, by a
/// breadth-first search that tries successors in id order. Self-loops are
/// left out: they are cycles of their own.
fn shortest_loop(
    start: u32,
    arcs: &[(u32, u32)],
    first: &[usize],
    component: &[u32],
    via: &mut [usize],
    queue: &mut VecDeque<u32>,
) -> Vec<usize> {
    let inside = component[start as usize];
    queue.clear();
    queue.push_back(start);
    let closing = 'search: loop {
        let u = queue
            .pop_front()
            .expect("a strongly connected component leads back to its start");
        let out = first[u as usize]..first[u as usize + 1];
        for (arc, &(from, to)) in arcs[out.clone()].iter().enumerate() {
            let arc = out.start + arc;
            if to == start && from != start {
                break 'search arc;
            }
            if to != start && component[to as usize] == inside && via[to as usize] == usize::MAX {
                via[to as usize] = arc;
                queue.push_back(to);
            }
        }
    };
    let mut hops = vec![closing];
    let mut at = arcs[closing].0;
    while at != start {
        let arc = via[at as usize];
        hops.push(arc);
        at = arcs[arc].0;
    }
    hops.reverse();
    hops
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A cycle's members and its loop, as node pairs.
    type Found = (Vec<u32>, Vec<(u32, u32)>);

    fn cycles(node_count: usize, arcs: &[(u32, u32)]) -> Vec<Found> {
        let mut sorted = arcs.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        let mut found: Vec<_> = find_cycles(node_count, &sorted)
            .into_iter()
            .map(|c| (c.members, c.hops.iter().map(|&h| sorted[h]).collect()))
            .collect();
        found.sort();
        found
    }

    #[test]
    fn a_two_cycle_starts_at_its_smallest_member() {
        assert_eq!(
            cycles(3, &[(1, 0), (0, 1), (2, 0)]),
            vec![(vec![0, 1], vec![(0, 1), (1, 0)])]
        );
    }

    #[test]
    fn the_loop_is_the_shortest_way_back_to_the_smallest_member() {
        // 0 → 1 → 2 → 3 → 0, and a shortcut 2 → 0.
        assert_eq!(
            cycles(4, &[(0, 1), (1, 2), (2, 3), (3, 0), (2, 0)]),
            vec![(vec![0, 1, 2, 3], vec![(0, 1), (1, 2), (2, 0)])]
        );
        // Two loops of one length: the smaller successor wins.
        assert_eq!(
            cycles(4, &[(0, 2), (0, 1), (1, 0), (2, 0)]),
            vec![(vec![0, 1, 2], vec![(0, 1), (1, 0)])]
        );
    }

    #[test]
    fn disjoint_components_and_self_loops_are_separate_cycles() {
        assert_eq!(
            cycles(6, &[(0, 1), (1, 0), (2, 3), (3, 4), (4, 2), (5, 5), (1, 1)]),
            vec![
                (vec![0, 1], vec![(0, 1), (1, 0)]),
                (vec![1], vec![(1, 1)]),
                (vec![2, 3, 4], vec![(2, 3), (3, 4), (4, 2)]),
                (vec![5], vec![(5, 5)]),
            ]
        );
    }

    #[test]
    fn an_acyclic_graph_has_no_cycles() {
        assert_eq!(cycles(3, &[(0, 1), (1, 2), (0, 2)]), vec![]);
    }

    #[test]
    fn a_very_long_loop_needs_no_deep_stack() {
        const N: u32 = 200_000;
        let arcs: Vec<(u32, u32)> = (0..N).map(|i| (i, (i + 1) % N)).collect();
        let found = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || find_cycles(N as usize, &arcs))
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].members.len(), N as usize);
        assert_eq!(found[0].hops.len(), N as usize);
    }
}
