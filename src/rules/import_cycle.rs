//! ## What it does
//! Reports circular imports: every import between modules (or packages, with
//! `granularity = "package"`) that import each other, directly or through
//! others. Each import statement that lies on a cycle of the internal import
//! graph is one violation, shown with one concrete loop through it.
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
//! from app.billing.invoices import Invoice   # reported: `app.crm` → `app.billing` → `app.crm`
//! # app/billing/invoices.py
//! from app.crm.models import Customer        # reported: `app.billing` → `app.crm` → `app.billing`
//! # app/crm/api.py
//! from app.crm.models import Customer        # fine: inside one package
//! ```
//!
//! Each import on a cycle is reported at its statement, about the module
//! (or package) it imports, with the shortest loop back through it; each
//! hop names an import statement (`file:line`), at package granularity the
//! first one in file and line order between the two packages. Its identity
//! is the importing file, the scope and the imported module, so it stays
//! known while lines move and while other modules join or leave the cycle:
//! a module joining a cycle adds only its own imports as new, and an import
//! whose removal breaks a cycle turns the rest of that cycle's findings into
//! fixed ones. When the way back is longer than a thousand modules the
//! message names the cycle's size instead of the loop. A module that imports
//! itself (`import app.a` in `app/a.py`) is a cycle of its own. Only
//! imports of the project's own modules count.
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
use std::fmt::Write as _;

use petgraph::algo::kosaraju_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::facts::FactSet;
use crate::files::FileId;
use crate::graph::ImportEdge;
use crate::rules::Context;
use crate::span::Position;
use crate::violation::Violation;

/// Members listed in a message before "… and N more".
const LISTED: usize = 10;

/// Nodes a search for the way back from an import visits at most: the
/// loops of real code are short, and a search per imported module through
/// a cycle of many thousands would take quadratic time.
const SEARCHED: usize = 1024;

/// Hops of a loop shown in a message; a longer loop shows its first and
/// last halves of these.
const SHOWN_HOPS: usize = 20;

/// The `import-cycle` rule kind.
pub struct ImportCycle;

impl RuleKind for ImportCycle {
    fn name(&self) -> &'static str {
        "import-cycle"
    }

    fn facts(&self) -> FactSet {
        FactSet::BASE
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
    // first import statement in file and line order, and stands for the
    // pair in the loops that messages show.
    // The position lies in the import's facts: read it once per link.
    links.sort_by_cached_key(|link| (link.from, link.to, position(context, link.edge)));
    let mut pairs = links.clone();
    pairs.dedup_by_key(|link| (link.from, link.to));
    let arcs: Vec<(u32, u32)> = pairs.iter().map(|link| (link.from, link.to)).collect();
    let cycles = Cycles::new(names.len(), &arcs);
    let noun = match granularity {
        Granularity::Module => "modules",
        Granularity::Package { .. } => "packages",
    };
    // Every import on a cycle is a finding of its own, about the module it
    // imports: a module that joins a cycle adds findings without changing
    // the others'. Links are sorted by target, so one search from each
    // target finds the way back for all the links into it.
    let components: Vec<Members> = cycles
        .members
        .iter()
        .map(|members| {
            let members: Vec<&str> = members
                .iter()
                .map(|&member| names[member as usize])
                .collect();
            Members {
                count: members.len(),
                listed: listing(&members),
            }
        })
        .collect();
    let mut on_cycles: Vec<Link<'_>> = links
        .into_iter()
        .filter(|link| cycles.contains(link.from, link.to))
        .collect();
    on_cycles.sort_by_key(|link| link.to);
    on_cycles
        .chunk_by(|a, b| a.to == b.to)
        .collect::<Vec<_>>()
        .par_iter()
        .map_init(
            || cycles.search(),
            |search, into| {
                let target = into[0].to;
                cycles.search_from(target, into.iter().map(|link| link.from), search);
                into.iter()
                    .map(|link| {
                        let alone;
                        let members = match cycles.component_of(link.from) {
                            Some(component) => &components[component],
                            // A module importing itself.
                            None => {
                                alone = Members {
                                    count: 1,
                                    listed: listing(&[names[link.from as usize]]),
                                };
                                &alone
                            }
                        };
                        let text = match cycles.way_back(search, link.from) {
                            Some(back) => {
                                let hops: Vec<Link<'_>> = std::iter::once(*link)
                                    .chain(back.iter().map(|&arc| pairs[arc]))
                                    .collect();
                                describe(context, &hops, &names, members, noun)
                            }
                            None => describe_far(context, link, &names, members, noun),
                        };
                        context.import_violation(rule, link.edge, names[target as usize], text)
                    })
                    .collect::<Vec<_>>()
            },
        )
        .flatten()
        .collect()
}

/// `import cycle `a` → `b` → `a`: a.py:3 imports `b`, b.py:1 imports `a``,
/// and the other members when the component is larger than the loop. A loop
/// of more than [`SHOWN_HOPS`] hops shows its two ends.
fn describe(
    context: &Context<'_>,
    hops: &[Link<'_>],
    names: &[&str],
    members: &Members,
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
    // Sized once: thousands of these messages, grown step by step, were
    // most of this rule's time.
    let mut text =
        String::with_capacity(64 + (hops.len().min(SHOWN_HOPS) + 1) * 96 + members.listed.len());
    text.push_str("import cycle ");
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
        let line = context.import_span(hop.edge).start.line;
        let path = &context.files.source(hop.edge.file).path;
        let _ = write!(text, "{path}:{line} imports `{}`", hop.edge.target);
    }
    if members.count > hops.len() {
        let _ = write!(
            text,
            "; the cycle ties {} {noun} together: {}",
            members.count, members.listed
        );
    }
    text
}

/// The message of an import whose way back lies beyond [`SEARCHED`]
/// modules: the import and the size of its cycle, without a loop.
fn describe_far(
    context: &Context<'_>,
    link: &Link<'_>,
    names: &[&str],
    members: &Members,
    noun: &str,
) -> String {
    let (from, to) = (names[link.from as usize], names[link.to as usize]);
    let line = context.import_span(link.edge).start.line;
    let path = &context.files.source(link.edge.file).path;
    format!(
        "import cycle `{from}` → `{to}` → … → `{from}`: {path}:{line} imports `{}`, and `{to}` \
         leads back to `{from}` through more than {SEARCHED} {noun}; the cycle ties {} {noun} \
         together: {}",
        link.edge.target, members.count, members.listed
    )
}

/// The modules (or packages) of one strongly connected component, as every
/// finding in it names them: listed once, since a component of thousands of
/// modules has thousands of findings.
struct Members {
    count: usize,
    listed: String,
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
pub(crate) struct NodeGraph<'a> {
    /// Sorted: a node's id is its index.
    pub names: Vec<&'a str>,
    pub links: Vec<Link<'a>>,
}

/// An internal import between two nodes (ids into [`NodeGraph::names`]).
#[derive(Clone, Copy)]
pub(crate) struct Link<'a> {
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

/// The cycles of a graph whose `arcs` are sorted and free of duplicates:
/// its strongly connected components of two or more nodes, and its
/// self-loops. Found without recursion (petgraph's `tarjan_scc` recurses
/// once per node of a path, which a long chain of imports would turn into a
/// stack overflow on a worker thread; `kosaraju_scc` keeps its stack on the
/// heap).
pub(crate) struct Cycles<'a> {
    arcs: &'a [(u32, u32)],
    /// The arcs out of node `u` are `arcs[first[u]..first[u + 1]]`, by
    /// target id, that is by name.
    first: Vec<usize>,
    /// The targets of the arcs that stay inside their component (self-loops
    /// left out), in the order of `arcs`: node `u`'s are
    /// `inner[inner_first[u]..inner_first[u + 1]]`. Searches read only
    /// these, four bytes an arc.
    inner: Vec<u32>,
    inner_first: Vec<u32>,
    /// The component of each node in a cycle of two nodes or more.
    component: Vec<Option<u32>>,
    /// The sorted members of each component.
    pub members: Vec<Vec<u32>>,
}

/// Scratch space of one search, reused from target to target.
struct Search {
    /// The node from which the search first reached each node
    /// ([`UNREACHED`] if it did not; the start is its own).
    via: Vec<u32>,
    /// The start first, then every node in the order reached.
    reached: Vec<u32>,
    /// The nodes the search is for that it has not reached yet.
    sought: Vec<bool>,
}

const UNREACHED: u32 = u32::MAX;

impl<'a> Cycles<'a> {
    pub fn new(node_count: usize, arcs: &'a [(u32, u32)]) -> Self {
        let mut graph: DiGraph<(), ()> = DiGraph::with_capacity(node_count, arcs.len());
        for _ in 0..node_count {
            graph.add_node(());
        }
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
        let mut component = vec![None; node_count];
        let mut members = Vec::new();
        for nodes in kosaraju_scc(&graph) {
            if nodes.len() < 2 {
                continue;
            }
            let mut sorted: Vec<u32> = nodes.iter().map(|n| n.index() as u32).collect();
            sorted.sort_unstable();
            for &node in &sorted {
                component[node as usize] = Some(members.len() as u32);
            }
            members.push(sorted);
        }
        let mut inner = Vec::new();
        let mut inner_first = Vec::with_capacity(node_count + 1);
        inner_first.push(0);
        for u in 0..node_count {
            if component[u].is_some() {
                inner.extend(
                    arcs[first[u]..first[u + 1]]
                        .iter()
                        .filter(|&&(_, to)| {
                            to as usize != u && component[to as usize] == component[u]
                        })
                        .map(|&(_, to)| to),
                );
            }
            inner_first.push(inner.len() as u32);
        }
        Cycles {
            arcs,
            first,
            inner,
            inner_first,
            component,
            members,
        }
    }

    /// The arc `from → to` lies on a cycle: both ends in one component, or
    /// a module importing itself.
    pub fn contains(&self, from: u32, to: u32) -> bool {
        from == to
            || self.component[from as usize].is_some_and(|c| self.component[to as usize] == Some(c))
    }

    /// The component of `node` (an index into `members`), when it lies in
    /// a cycle of two nodes or more.
    pub fn component_of(&self, node: u32) -> Option<usize> {
        self.component[node as usize].map(|component| component as usize)
    }

    fn search(&self) -> Search {
        Search {
            via: vec![UNREACHED; self.component.len()],
            reached: Vec::new(),
            sought: vec![false; self.component.len()],
        }
    }

    /// A breadth-first search from `start` inside its component, trying
    /// successors in id order, through at most [`SEARCHED`] nodes, until it
    /// has reached every node of `ends`: afterwards [`Self::way_back`] gives
    /// the shortest way from `start` to each end it reached (and to every
    /// node reached before it). Stopping there changes no way: a node's way
    /// is fixed when the search first reaches it.
    fn search_from(
        &self,
        start: u32,
        ends: impl Iterator<Item = u32> + Clone,
        search: &mut Search,
    ) {
        for node in search.reached.drain(..) {
            search.via[node as usize] = UNREACHED;
        }
        search.reached.push(start);
        search.via[start as usize] = start;
        let Some(inside) = self.component[start as usize] else {
            return;
        };
        let mut pending = 0;
        for end in ends.clone() {
            let sought = &mut search.sought[end as usize];
            if end != start && self.component[end as usize] == Some(inside) && !*sought {
                *sought = true;
                pending += 1;
            }
        }
        // `reached` is the queue: the nodes after `next` are yet to expand.
        let mut next = 0;
        'search: while pending > 0
            && let Some(&u) = search.reached.get(next)
        {
            next += 1;
            let out =
                self.inner_first[u as usize] as usize..self.inner_first[u as usize + 1] as usize;
            for &to in &self.inner[out] {
                if search.via[to as usize] != UNREACHED {
                    continue;
                }
                search.via[to as usize] = u;
                search.reached.push(to);
                if std::mem::take(&mut search.sought[to as usize]) {
                    pending -= 1;
                }
                if pending == 0 || search.reached.len() == SEARCHED {
                    break 'search;
                }
            }
        }
        for end in ends {
            search.sought[end as usize] = false;
        }
    }

    /// The arcs of the shortest way from the last search's start to `end`,
    /// in order (none when `end` is the start), if the search reached it.
    fn way_back(&self, search: &Search, end: u32) -> Option<Vec<usize>> {
        let start = *search.reached.first()?;
        if search.via[end as usize] == UNREACHED {
            return None;
        }
        let mut arcs = Vec::new();
        let mut at = end;
        while at != start {
            let from = search.via[at as usize];
            let out = self.first[from as usize]..self.first[from as usize + 1];
            let offset = self.arcs[out.clone()]
                .binary_search(&(from, at))
                .expect("a search follows arcs");
            arcs.push(out.start + offset);
            at = from;
        }
        arcs.reverse();
        Some(arcs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The arcs of the shortest way from `from` to `to` inside their cycle.
    fn way(cycles: &Cycles<'_>, from: u32, to: u32) -> Vec<(u32, u32)> {
        let mut search = cycles.search();
        cycles.search_from(from, std::iter::once(to), &mut search);
        cycles
            .way_back(&search, to)
            .expect("the search reached it")
            .iter()
            .map(|&arc| cycles.arcs[arc])
            .collect()
    }

    fn sorted(arcs: &[(u32, u32)]) -> Vec<(u32, u32)> {
        let mut sorted = arcs.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        sorted
    }

    #[test]
    fn only_arcs_inside_a_component_lie_on_a_cycle() {
        let arcs = sorted(&[(1, 0), (0, 1), (2, 0)]);
        let cycles = Cycles::new(3, &arcs);
        assert!(cycles.contains(0, 1) && cycles.contains(1, 0));
        assert!(!cycles.contains(2, 0));
        assert_eq!(cycles.members[cycles.component_of(1).unwrap()], [0, 1]);
        assert_eq!(way(&cycles, 1, 0), [(1, 0)]);
    }

    #[test]
    fn the_way_back_is_the_shortest_trying_smaller_successors_first() {
        // 0 → 1 → 2 → 3 → 0, and a shortcut 2 → 0.
        let arcs = sorted(&[(0, 1), (1, 2), (2, 3), (3, 0), (2, 0)]);
        let cycles = Cycles::new(4, &arcs);
        assert_eq!(way(&cycles, 1, 0), [(1, 2), (2, 0)]);
        assert_eq!(way(&cycles, 0, 3), [(0, 1), (1, 2), (2, 3)]);
        // Two ways of one length: the smaller successor wins.
        let arcs = sorted(&[(0, 2), (0, 1), (1, 3), (2, 3), (3, 0)]);
        let cycles = Cycles::new(4, &arcs);
        assert_eq!(way(&cycles, 0, 3), [(0, 1), (1, 3)]);
    }

    #[test]
    fn disjoint_components_and_self_loops_are_separate_cycles() {
        let arcs = sorted(&[(0, 1), (1, 0), (2, 3), (3, 4), (4, 2), (5, 5), (1, 1)]);
        let cycles = Cycles::new(6, &arcs);
        assert!(!cycles.contains(1, 2) && !cycles.contains(0, 2));
        assert!(cycles.contains(5, 5) && cycles.contains(1, 1));
        assert_eq!(cycles.members[cycles.component_of(3).unwrap()], [2, 3, 4]);
        // A self-loop is a cycle of one, in no component.
        assert_eq!(cycles.component_of(5), None);
        assert_eq!(way(&cycles, 1, 1), []);
    }

    #[test]
    fn a_search_stops_after_its_budget_of_nodes() {
        let n = SEARCHED as u32 * 2;
        let arcs: Vec<(u32, u32)> = (0..n).map(|i| (i, (i + 1) % n)).collect();
        let cycles = Cycles::new(n as usize, &arcs);
        let mut search = cycles.search();
        cycles.search_from(0, [SEARCHED as u32 - 1, n - 1].into_iter(), &mut search);
        assert_eq!(search.reached.len(), SEARCHED);
        assert!(cycles.way_back(&search, SEARCHED as u32 - 1).is_some());
        assert_eq!(cycles.way_back(&search, n - 1), None);
    }

    #[test]
    fn a_search_stops_at_its_last_end_with_the_ways_of_a_whole_search() {
        // Two loops through 0: 0 → 1 → 0 and 0 → 2 → 3 → … → 9 → 0, with
        // shortcuts, so that a node's shortest way depends on the order.
        let mut arcs = vec![(0, 1), (1, 0), (0, 2), (1, 3), (2, 5)];
        arcs.extend((2..9).map(|i| (i, i + 1)));
        arcs.push((9, 0));
        let arcs = sorted(&arcs);
        let cycles = Cycles::new(10, &arcs);
        let mut whole = cycles.search();
        cycles.search_from(0, 0..10, &mut whole);
        assert_eq!(whole.reached.len(), 10);
        let mut search = cycles.search();
        for end in 1..10 {
            cycles.search_from(0, [end, 1].into_iter(), &mut search);
            // It stops on reaching the later of its two ends.
            let at = |node| whole.reached.iter().position(|&n| n == node).unwrap();
            assert_eq!(search.reached, whole.reached[..=at(end).max(at(1))]);
            assert_eq!(cycles.way_back(&search, end), cycles.way_back(&whole, end));
        }
        // A search for nothing reaches nothing but its start.
        cycles.search_from(0, std::iter::empty(), &mut search);
        assert_eq!(search.reached, [0]);
    }

    #[test]
    fn an_acyclic_graph_has_no_cycles() {
        let arcs = sorted(&[(0, 1), (1, 2), (0, 2)]);
        let cycles = Cycles::new(3, &arcs);
        assert!(arcs.iter().all(|&(from, to)| !cycles.contains(from, to)));
    }

    #[test]
    fn a_very_long_loop_needs_no_deep_stack() {
        const N: u32 = 200_000;
        let arcs: Vec<(u32, u32)> = (0..N).map(|i| (i, (i + 1) % N)).collect();
        let length = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || {
                let cycles = Cycles::new(N as usize, &arcs);
                assert!(cycles.contains(N - 1, 0));
                way(&cycles, 1, 2).len()
            })
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(length, 1);
    }
}
