//! Shortest import chains, for the `transitive` option of the import rules:
//! a graph of the imports a rule allows one by one, searched breadth first
//! from each importer for the first modules it may not reach.

use std::collections::VecDeque;

use crate::facts::MODULE_SCOPE;
use crate::files::FileId;
use crate::graph::{ImportEdge, Name};
use crate::rules::Rule;
use crate::rules::{Context, import_counts};
use crate::settings::ImportSelection;
use crate::violation::Violation;

/// What a rule makes of one import statement, as a step of a chain.
pub enum Hop<'a> {
    /// Leads nowhere the rule cares about.
    Skip,
    /// Allowed on its own: chains may go through it, to the module named.
    Allowed(&'a Name),
    /// A direct violation, of an import of the module named: no chain goes
    /// through it, and its importer's chains do not report that module again.
    Forbidden(&'a Name),
}

/// What the search does with a module it reaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    /// Go on through its imports.
    Through,
    /// Neither report it nor go on (a sanctioned gateway).
    Stop,
    /// The start may not reach it: report the chain, and go no further.
    Report,
    /// Report it, and end the search: nothing else is left to find.
    Last,
}

/// The modules of the project and the imports between them that a rule
/// allows one by one. Nodes `0..files.len()` are the files (named by their
/// module, else their path); further nodes are imported names without a file
/// of their own (external packages, namespace packages), which import
/// nothing.
pub struct HopGraph<'a> {
    /// How many of the first nodes are files.
    files: usize,
    names: Vec<&'a str>,
    /// Per node: `(target node, edge index)` of its allowed imports, sorted
    /// by the target's name, one per target (its first statement).
    hops: Vec<Vec<(u32, u32)>>,
    /// Per node: the targets of its forbidden imports.
    forbidden: Vec<Vec<u32>>,
    /// Per node: the nodes with an allowed import of it.
    importers: Vec<Vec<u32>>,
}

/// One chain found: the edges from the start to `target`, in order.
pub struct Chain {
    pub target: u32,
    pub edges: Vec<u32>,
}

/// Scratch space of one search, reused from start to start.
pub struct Search {
    generation: u32,
    seen: Vec<u32>,
    /// Per node: the node and edge it was first reached from.
    parent: Vec<(u32, u32)>,
    queue: VecDeque<u32>,
}

impl<'a> HopGraph<'a> {
    /// The graph of the edges that count under `selection` (and the
    /// project's `type-checking-imports`), each judged by `hop`.
    pub fn build(
        context: &Context<'a>,
        selection: ImportSelection,
        mut hop: impl FnMut(&'a ImportEdge) -> Hop<'a>,
    ) -> Self {
        let files = context.files;
        let mut names: Vec<&'a str> = files
            .sources()
            .iter()
            .map(|file| file.module.as_deref().unwrap_or(&file.path))
            .collect();
        // Node of each name without a file, by `Name::id`.
        let mut leaves: Vec<Option<u32>> = vec![None; context.graph.names.len()];
        let mut hops: Vec<Vec<(u32, u32)>> = vec![Vec::new(); files.len()];
        let mut forbidden: Vec<Vec<u32>> = vec![Vec::new(); files.len()];
        let policy = context.type_checking_imports;
        let graph: &'a crate::graph::Graph = context.graph;
        for (index, edge) in graph.edges.iter().enumerate() {
            if !import_counts(selection, policy, &edge.context) {
                continue;
            }
            let (name, allowed) = match hop(edge) {
                Hop::Skip => continue,
                Hop::Allowed(name) => (name, true),
                Hop::Forbidden(name) => (name, false),
            };
            let node = match name.file() {
                Some(file) => file.index() as u32,
                None => *leaves[name.id()].get_or_insert_with(|| {
                    names.push(name);
                    hops.push(Vec::new());
                    forbidden.push(Vec::new());
                    (names.len() - 1) as u32
                }),
            };
            if node as usize == edge.file.index() {
                continue;
            }
            if allowed {
                hops[edge.file.index()].push((node, index as u32));
            } else {
                forbidden[edge.file.index()].push(node);
            }
        }
        let mut importers: Vec<Vec<u32>> = vec![Vec::new(); names.len()];
        for (node, list) in hops.iter_mut().enumerate() {
            // Edges come in statement order: the stable sort keeps each
            // target's first statement first.
            list.sort_by_key(|&(target, _)| names[target as usize]);
            list.dedup_by_key(|(target, _)| *target);
            for &(target, _) in list.iter() {
                importers[target as usize].push(node as u32);
            }
        }
        HopGraph {
            files: files.len(),
            names,
            hops,
            forbidden,
            importers,
        }
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn name(&self, node: u32) -> &'a str {
        self.names[node as usize]
    }

    /// The file that `node` stands for, when it is one.
    pub fn file(&self, node: u32) -> Option<FileId> {
        let index = node as usize;
        (index < self.files).then(|| FileId::new(index))
    }

    /// The nodes of the files, each with its file.
    pub fn file_nodes(&self) -> impl Iterator<Item = (u32, FileId)> + use<> {
        (0..self.files).map(|index| (index as u32, FileId::new(index)))
    }

    /// The nodes from which a chain of allowed imports leads to a node for
    /// which `endpoint` holds (those nodes included). A search needs to go
    /// nowhere else.
    pub fn leading_to(&self, endpoint: impl Fn(u32) -> bool) -> Vec<bool> {
        let mut within = vec![false; self.len()];
        let mut queue: Vec<u32> = (0..self.len() as u32).filter(|&n| endpoint(n)).collect();
        for &node in &queue {
            within[node as usize] = true;
        }
        while let Some(node) = queue.pop() {
            for &importer in &self.importers[node as usize] {
                if !within[importer as usize] {
                    within[importer as usize] = true;
                    queue.push(importer);
                }
            }
        }
        within
    }

    /// The targets of the forbidden imports of `node`.
    pub fn forbidden_targets(&self, node: u32) -> impl Iterator<Item = u32> + '_ {
        self.forbidden[node as usize].iter().copied()
    }

    pub fn search(&self) -> Search {
        Search {
            generation: 0,
            seen: vec![0; self.len()],
            parent: vec![(0, 0); self.len()],
            queue: VecDeque::new(),
        }
    }

    /// The shortest chain of at least two allowed imports from `start` to
    /// each module that `reach` reports, going only through nodes `within`
    /// and never through a reported one: each module is reached once, by the
    /// first of its shortest chains in the order of the sorted imports.
    /// Modules that `start` imports directly in a forbidden import are not
    /// reported again. [`Reach::Last`] ends the search.
    pub fn first_reached(
        &self,
        start: u32,
        search: &mut Search,
        within: &[bool],
        mut reach: impl FnMut(u32) -> Reach,
    ) -> Vec<Chain> {
        search.generation += 1;
        let generation = search.generation;
        let seen = &mut search.seen;
        seen[start as usize] = generation;
        for &target in &self.forbidden[start as usize] {
            seen[target as usize] = generation;
        }
        search.queue.clear();
        search.queue.push_back(start);
        let mut chains = Vec::new();
        while let Some(node) = search.queue.pop_front() {
            for &(target, edge) in &self.hops[node as usize] {
                let slot = target as usize;
                if seen[slot] == generation || !within[slot] {
                    continue;
                }
                seen[slot] = generation;
                search.parent[slot] = (node, edge);
                let reached = reach(target);
                let last = reached == Reach::Last;
                match reached {
                    Reach::Through => search.queue.push_back(target),
                    Reach::Stop => {}
                    // A direct import is a direct violation, not a chain.
                    Reach::Report | Reach::Last if node == start => {}
                    Reach::Report | Reach::Last => {
                        let mut edges = Vec::new();
                        let mut at = target;
                        while at != start {
                            let (previous, edge) = search.parent[at as usize];
                            edges.push(edge);
                            at = previous;
                        }
                        edges.reverse();
                        chains.push(Chain { target, edges });
                    }
                }
                if last {
                    return chains;
                }
            }
        }
        chains
    }

    /// `path:line imports `module`` for each hop of `chain`, joined by commas.
    pub fn describe(&self, context: &Context<'_>, chain: &Chain) -> String {
        let edges = &context.graph.edges;
        let mut hops = Vec::with_capacity(chain.edges.len());
        for (position, &edge) in chain.edges.iter().enumerate() {
            let edge = &edges[edge as usize];
            let imported = match chain.edges.get(position + 1) {
                Some(&next) => self.name(edges[next as usize].file.index() as u32),
                None => self.name(chain.target),
            };
            hops.push(format!(
                "{}:{} imports `{imported}`",
                context.files.source(edge.file).path,
                context.import_span(edge).start.line
            ));
        }
        hops.join(", ")
    }

    /// The violation of a chain, about `subject`: at the first import of the
    /// start's file but in its module scope, so that its identity stays the
    /// same whatever the chain goes through.
    pub fn violation(
        &self,
        context: &Context<'_>,
        rule: &Rule,
        chain: &Chain,
        subject: &str,
        text: String,
    ) -> Violation {
        let first = &context.graph.edges[chain.edges[0] as usize];
        context.violation(
            rule,
            first.file,
            context.import_span(first),
            MODULE_SCOPE,
            subject,
            text,
        )
    }
}
