//! A layered layout of the package graph, top layer at the top, for the
//! HTML report's drawing: deterministic integer coordinates for the same
//! graph, whatever the machine.
//!
//! It is the Sugiyama scheme cut down to what a layered architecture
//! needs, in a hundred lines of our own rather than a dependency (the
//! layout crates on crates.io either shell out to Graphviz, which CI and
//! users may not have, or lay out general graphs with no notion of the
//! layers the config already gives):
//!
//! 1. **Ranks** come from the config, not from a longest-path search: each
//!    node's row is its layer's, top first. Nodes in no layer go to a row
//!    above every layer when they import more than they are imported (a
//!    composition root such as `app.main`), else to a row below.
//! 2. **Order within a row**: name order, then [`SWEEPS`] down-and-up
//!    sweeps of the barycenter heuristic: a node moves to the mean relative
//!    position of its neighbours in the rows above (down) or below (up).
//!    Long edges get no dummy nodes: they skip rows as curves, which the
//!    few rows of an architecture keep readable. Sorting is stable and the
//!    keys are computed the same way every time, so the order is too.
//! 3. **Coordinates**: nodes are packed left to right in their row, a row
//!    longer than [`PER_LINE`] wraps onto further lines, and every line is
//!    centred on the widest.
//! 4. **Edges** leave a box at the bottom and enter the next at the top
//!    (the other way round when they point up, over the top when both ends
//!    share a line), at ports spread along the side in the order of the
//!    other ends, so that edges between the same rows do not stack up.

use super::PackageGraph;

/// Down-and-up passes of the barycenter ordering; a few settle it.
const SWEEPS: usize = 4;
/// Nodes on one line of a row before it wraps.
pub const PER_LINE: usize = 10;
/// Characters of a node's name shown in its box.
pub const NAME_CHARS: usize = 30;

pub const NODE_HEIGHT: i32 = 44;
const LINE_GAP: i32 = 36;
const ROW_GAP: i32 = 60;
const NODE_GAP: i32 = 28;
/// Room for the row labels on the left.
pub const MARGIN_LEFT: i32 = 130;
const MARGIN: i32 = 24;

/// A row of the drawing: a layer, or the nodes in none above or below.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// The layer's name; `None` for the rows of nodes in no layer.
    pub layer: Option<String>,
    pub top: i32,
    pub height: i32,
}

/// Where a node's box is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Placed {
    pub x: i32,
    pub y: i32,
    pub width: i32,
}

impl Placed {
    pub fn center(&self) -> i32 {
        self.x + self.width / 2
    }
}

/// Where an edge is drawn: a curve from `start` to `end` whose control
/// points lie `bend` below `start` and above `end`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Route {
    pub start: (i32, i32),
    pub end: (i32, i32),
    pub bend: i32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    /// By node position in the graph.
    pub nodes: Vec<Placed>,
    /// By edge position in the graph.
    pub edges: Vec<Route>,
    pub rows: Vec<Row>,
    pub width: i32,
    pub height: i32,
}

/// The width of a node's box for its name.
fn box_width(name: &str) -> i32 {
    let chars = name.chars().count().min(NAME_CHARS) as i32;
    (chars * 7 + 24).max(90)
}

/// Lays `graph` out with the rows of `layers` (top first).
pub fn layout(graph: &PackageGraph, layers: &[String]) -> Layout {
    let count = graph.nodes.len();
    let (mut ins, mut outs) = (vec![0usize; count], vec![0usize; count]);
    for edge in &graph.edges {
        outs[edge.from_node] += 1;
        ins[edge.to_node] += 1;
    }
    // Row 0: importers in no layer; 1..=layers: the layers; last: the
    // other nodes in no layer.
    let rank = |node: usize| match &graph.nodes[node].layer {
        Some(name) => {
            1 + layers
                .iter()
                .position(|layer| layer == name)
                .unwrap_or(layers.len())
        }
        None if outs[node] > ins[node] => 0,
        None => layers.len() + 1,
    };
    let mut rows: Vec<Vec<usize>> = vec![Vec::new(); layers.len() + 2];
    for node in 0..count {
        rows[rank(node)].push(node);
    }
    let labels: Vec<Option<String>> = std::iter::once(None)
        .chain(layers.iter().cloned().map(Some))
        .chain([None])
        .collect();
    let (labels, mut rows): (Vec<Option<String>>, Vec<Vec<usize>>) = labels
        .into_iter()
        .zip(rows)
        .filter(|(_, nodes)| !nodes.is_empty())
        .unzip();
    order(graph, &mut rows);
    let mut layout = place(graph, labels, &rows);
    layout.edges = route(graph, &layout.nodes);
    layout
}

/// A side of a box that edges leave or enter.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Side {
    Top,
    Bottom,
}

/// Each edge's ends on the sides of its boxes, spread along each side in
/// the order of the edges' other ends.
fn route(graph: &PackageGraph, nodes: &[Placed]) -> Vec<Route> {
    // (node, side, other end's centre, edge, is the start)
    let mut ends: Vec<(usize, Side, i32, usize, bool)> = Vec::new();
    let mut bends = Vec::with_capacity(graph.edges.len());
    for (index, edge) in graph.edges.iter().enumerate() {
        let (from, to) = (nodes[edge.from_node], nodes[edge.to_node]);
        let (start, end, bend) = if to.y > from.y {
            (Side::Bottom, Side::Top, (to.y - from.y - NODE_HEIGHT) / 2)
        } else if to.y < from.y {
            (Side::Top, Side::Bottom, -(from.y - to.y - NODE_HEIGHT) / 2)
        } else {
            (Side::Top, Side::Top, -NODE_HEIGHT)
        };
        ends.push((edge.from_node, start, to.center(), index, true));
        ends.push((edge.to_node, end, from.center(), index, false));
        bends.push(bend);
    }
    ends.sort_unstable();
    let mut routes: Vec<Route> = bends
        .into_iter()
        .map(|bend| Route {
            bend,
            ..Route::default()
        })
        .collect();
    for group in ends.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)) {
        let placed = nodes[group[0].0];
        let y = match group[0].1 {
            Side::Top => placed.y,
            Side::Bottom => placed.y + NODE_HEIGHT,
        };
        let slots = group.len() as i32 + 1;
        for (slot, &(_, _, _, edge, is_start)) in group.iter().enumerate() {
            let point = (placed.x + placed.width * (slot as i32 + 1) / slots, y);
            if is_start {
                routes[edge].start = point;
            } else {
                routes[edge].end = point;
            }
        }
    }
    routes
}

/// Barycenter sweeps over `rows`, each a list of node positions.
fn order(graph: &PackageGraph, rows: &mut [Vec<usize>]) {
    let mut neighbours: Vec<Vec<usize>> = vec![Vec::new(); graph.nodes.len()];
    for edge in &graph.edges {
        neighbours[edge.from_node].push(edge.to_node);
        neighbours[edge.to_node].push(edge.from_node);
    }
    let mut row_of = vec![0usize; graph.nodes.len()];
    for (row, nodes) in rows.iter().enumerate() {
        for &node in nodes {
            row_of[node] = row;
        }
    }
    for _ in 0..SWEEPS {
        for down in [true, false] {
            let sequence: Vec<usize> = if down {
                (1..rows.len()).collect()
            } else {
                (0..rows.len().saturating_sub(1)).rev().collect()
            };
            for row in sequence {
                // Each node's relative place in its row, between 0 and 1.
                let mut place = vec![0.0f64; graph.nodes.len()];
                for nodes in rows.iter() {
                    for (index, &node) in nodes.iter().enumerate() {
                        place[node] = (index as f64 + 0.5) / nodes.len() as f64;
                    }
                }
                let considered = |other: usize| {
                    if down {
                        row_of[other] < row
                    } else {
                        row_of[other] > row
                    }
                };
                let keys: Vec<(f64, usize)> = rows[row]
                    .iter()
                    .map(|&node| {
                        let seen: Vec<f64> = neighbours[node]
                            .iter()
                            .filter(|&&other| considered(other))
                            .map(|&other| place[other])
                            .collect();
                        let key = if seen.is_empty() {
                            place[node]
                        } else {
                            seen.iter().sum::<f64>() / seen.len() as f64
                        };
                        (key, node)
                    })
                    .collect();
                let mut sorted = keys;
                sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
                rows[row] = sorted.into_iter().map(|(_, node)| node).collect();
            }
        }
    }
}

fn place(graph: &PackageGraph, labels: Vec<Option<String>>, rows: &[Vec<usize>]) -> Layout {
    let lines: Vec<Vec<&[usize]>> = rows
        .iter()
        .map(|row| row.chunks(PER_LINE).collect())
        .collect();
    let line_width = |line: &[usize]| -> i32 {
        line.iter()
            .map(|&node| box_width(&graph.nodes[node].name))
            .sum::<i32>()
            + NODE_GAP * (line.len() as i32 - 1)
    };
    let widest = lines
        .iter()
        .flatten()
        .map(|line| line_width(line))
        .max()
        .unwrap_or(0);
    let mut nodes = vec![Placed::default(); graph.nodes.len()];
    let mut layout_rows = Vec::new();
    let mut y = MARGIN;
    for (label, row_lines) in labels.into_iter().zip(&lines) {
        let top = y;
        for line in row_lines {
            let mut x = MARGIN_LEFT + (widest - line_width(line)) / 2;
            for &node in *line {
                let width = box_width(&graph.nodes[node].name);
                nodes[node] = Placed { x, y, width };
                x += width + NODE_GAP;
            }
            y += NODE_HEIGHT + LINE_GAP;
        }
        let height = y - LINE_GAP - top;
        layout_rows.push(Row {
            layer: label,
            top,
            height,
        });
        y += ROW_GAP - LINE_GAP;
    }
    Layout {
        nodes,
        edges: Vec::new(),
        rows: layout_rows,
        width: MARGIN_LEFT + widest + MARGIN,
        // `y` is ROW_GAP below the last box.
        height: (y - ROW_GAP + MARGIN).max(2 * MARGIN),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::map::tests::sample;

    #[test]
    fn rows_follow_the_layers_top_first_and_importers_in_none_go_above() {
        let mut map = sample("app");
        // app.c (no layer) imports nothing: the bottom row.
        let drawn = layout(&map.graph, &map.matrix.layers);
        let labels: Vec<Option<&str>> = drawn.rows.iter().map(|row| row.layer.as_deref()).collect();
        assert_eq!(labels, [Some("app-top"), Some("bottom"), None]);
        let y = |layout: &Layout, node: usize| layout.nodes[node].y;
        assert!(y(&drawn, 0) < y(&drawn, 1) && y(&drawn, 1) < y(&drawn, 2));
        // Turned around, app.c imports both: the top row.
        for edge in &mut map.graph.edges {
            if edge.to_node == 2 {
                std::mem::swap(&mut edge.from_node, &mut edge.to_node);
            }
        }
        let drawn = layout(&map.graph, &map.matrix.layers);
        assert_eq!(drawn.rows[0].layer, None);
        assert!(y(&drawn, 2) < y(&drawn, 0));
    }

    #[test]
    fn barycenters_put_a_node_under_what_it_is_linked_to() {
        let mut map = sample("app");
        // Four nodes in the bottom layer, linked crosswise to two above.
        map.graph.nodes = ["t1", "t2", "b1", "b2"]
            .iter()
            .map(|name| crate::map::Node {
                name: name.to_string(),
                layer: Some(
                    if name.starts_with('t') {
                        "app-top"
                    } else {
                        "bottom"
                    }
                    .into(),
                ),
                files: 1,
                lines: 1,
                cycle: false,
            })
            .collect();
        let template = map.graph.edges[0].clone();
        map.graph.edges = [(0, 3), (1, 2)]
            .iter()
            .map(|&(from, to)| crate::map::Edge {
                from_node: from,
                to_node: to,
                ..template.clone()
            })
            .collect();
        let drawn = layout(&map.graph, &map.matrix.layers);
        // b2 (under t1) comes first in its row: no crossing.
        assert!(drawn.nodes[3].x < drawn.nodes[2].x);
        assert_eq!(drawn, layout(&map.graph, &map.matrix.layers));
    }

    #[test]
    fn a_long_row_wraps_onto_lines() {
        let mut map = sample("app");
        let node = map.graph.nodes[1].clone();
        map.graph.nodes = (0..PER_LINE + 1)
            .map(|index| crate::map::Node {
                name: format!("app.n{index}"),
                ..node.clone()
            })
            .collect();
        map.graph.edges.clear();
        let drawn = layout(&map.graph, &map.matrix.layers);
        assert_eq!(drawn.rows.len(), 1);
        assert_eq!(drawn.rows[0].height, 2 * NODE_HEIGHT + LINE_GAP);
        assert!(drawn.nodes[PER_LINE].y > drawn.nodes[0].y);
    }

    #[test]
    fn edges_leave_at_the_bottom_enter_at_the_top_at_spread_ports() {
        let map = sample("app");
        let drawn = layout(&map.graph, &map.matrix.layers);
        let (a, b) = (drawn.nodes[0], drawn.nodes[1]);
        // a -> b points down: from a's bottom to b's top.
        let down = drawn.edges[0];
        assert_eq!((down.start.1, down.end.1), (a.y + NODE_HEIGHT, b.y));
        // b -> a points up, and shares b's top with a -> b's end.
        let up = drawn.edges[2];
        assert_eq!((up.start.1, up.end.1), (b.y, a.y + NODE_HEIGHT));
        assert_ne!(up.start.0, down.end.0);
        assert!(up.bend < 0 && down.bend > 0);
    }
}
