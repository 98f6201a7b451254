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
//!    An edge spanning several rows crosses each row in between at a place
//!    of its own (Sugiyama's dummy node), ordered with the boxes, so that it
//!    passes between them rather than through them. Sorting is stable and
//!    the keys are computed the same way every time, so the order is too.
//! 3. **Coordinates**: boxes and crossings are packed left to right in
//!    their row, a row of more than [`PER_LINE`] boxes wraps onto further
//!    lines, and every line is centred on the widest.
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

/// Where an edge is drawn: through `points`, from a port of its importer
/// to a port of the module imported, by way of the places where it crosses
/// the rows between them (two points each: where it enters and leaves the
/// row's line), each piece a curve leaving and arriving vertically.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Route {
    pub points: Vec<(i32, i32)>,
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

/// The width of the place where an edge crosses a row.
const CROSSING_WIDTH: i32 = 6;
/// The room between two such places side by side.
const CROSSING_GAP: i32 = 6;

/// What is laid out: the graph's nodes (items `0..nodes`), then the places
/// where an edge spanning several rows crosses a row in between (Sugiyama's
/// dummy nodes), so that the ordering routes long edges between boxes
/// rather than through them.
struct Items {
    nodes: usize,
    /// Each item's row.
    row_of: Vec<usize>,
    /// The width of each item.
    widths: Vec<i32>,
    /// Each edge as the items it passes, from importer to imported.
    chains: Vec<Vec<usize>>,
}

/// Lays `graph` out with the rows of `layers` (top first).
pub fn layout(graph: &PackageGraph, layers: &[String]) -> Layout {
    let count = graph.nodes.len();
    let (mut ins, mut outs) = (vec![0usize; count], vec![0usize; count]);
    for edge in &graph.edges {
        outs[edge.from_node] += 1;
        ins[edge.to_node] += 1;
    }
    // Rank 0: importers in no layer; 1..=layers: the layers; last: the
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
    let ranks: Vec<usize> = (0..count).map(rank).collect();
    let labels: Vec<Option<String>> = std::iter::once(None)
        .chain(layers.iter().cloned().map(Some))
        .chain([None])
        .collect();
    // Rows without nodes are left out.
    let mut row_of_rank = vec![None; labels.len()];
    let mut row_labels = Vec::new();
    for (rank, label) in labels.into_iter().enumerate() {
        if ranks.contains(&rank) {
            row_of_rank[rank] = Some(row_labels.len());
            row_labels.push(label);
        }
    }
    let mut items = Items {
        nodes: count,
        row_of: ranks
            .iter()
            .map(|&rank| row_of_rank[rank].expect("a node's row"))
            .collect(),
        widths: graph
            .nodes
            .iter()
            .map(|node| box_width(&node.name))
            .collect(),
        chains: Vec::with_capacity(graph.edges.len()),
    };
    for edge in &graph.edges {
        let (from, to) = (items.row_of[edge.from_node], items.row_of[edge.to_node]);
        let between: Vec<usize> = if from < to {
            (from + 1..to).collect()
        } else {
            (to + 1..from).rev().collect()
        };
        let mut chain = vec![edge.from_node];
        for row in between {
            chain.push(items.row_of.len());
            items.row_of.push(row);
            items.widths.push(CROSSING_WIDTH);
        }
        chain.push(edge.to_node);
        items.chains.push(chain);
    }
    let mut rows: Vec<Vec<usize>> = vec![Vec::new(); row_labels.len()];
    for (item, &row) in items.row_of.iter().enumerate() {
        rows[row].push(item);
    }
    order(&items, &mut rows);
    let (mut layout, placed) = place(&items, row_labels, &rows);
    layout.edges = route(&items, &placed);
    layout
}

/// A side of a box that edges leave or enter.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Side {
    Top,
    Bottom,
}

/// Each edge's points: its ends on the sides of its boxes, spread along
/// each side in the order of the edges' next points, and the places where
/// it crosses rows.
fn route(items: &Items, placed: &[Placed]) -> Vec<Route> {
    // (node, side, the next point's centre, edge, is the start)
    let mut ends: Vec<(usize, Side, i32, usize, bool)> = Vec::new();
    let mut routes: Vec<Route> = Vec::with_capacity(items.chains.len());
    for (index, chain) in items.chains.iter().enumerate() {
        let (from, to) = (chain[0], chain[chain.len() - 1]);
        let (start, end) = match items.row_of[from].cmp(&items.row_of[to]) {
            std::cmp::Ordering::Less => (Side::Bottom, Side::Top),
            std::cmp::Ordering::Greater => (Side::Top, Side::Bottom),
            std::cmp::Ordering::Equal if placed[from].y < placed[to].y => (Side::Bottom, Side::Top),
            std::cmp::Ordering::Equal if placed[from].y > placed[to].y => (Side::Top, Side::Bottom),
            std::cmp::Ordering::Equal => (Side::Top, Side::Top),
        };
        ends.push((from, start, placed[chain[1]].center(), index, true));
        ends.push((
            to,
            end,
            placed[chain[chain.len() - 2]].center(),
            index,
            false,
        ));
        let mut points = vec![(0, 0)];
        let down = start == Side::Bottom;
        for &crossing in &chain[1..chain.len() - 1] {
            let at = placed[crossing];
            let (enter, leave) = if down {
                (at.y, at.y + NODE_HEIGHT)
            } else {
                (at.y + NODE_HEIGHT, at.y)
            };
            points.push((at.center(), enter));
            points.push((at.center(), leave));
        }
        points.push((0, 0));
        routes.push(Route { points });
    }
    ends.sort_unstable();
    for group in ends.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)) {
        let box_ = placed[group[0].0];
        let y = match group[0].1 {
            Side::Top => box_.y,
            Side::Bottom => box_.y + NODE_HEIGHT,
        };
        let slots = group.len() as i32 + 1;
        for (slot, &(_, _, _, edge, is_start)) in group.iter().enumerate() {
            let point = (box_.x + box_.width * (slot as i32 + 1) / slots, y);
            let points = &mut routes[edge].points;
            let at = if is_start { 0 } else { points.len() - 1 };
            points[at] = point;
        }
    }
    routes
}

/// Barycenter sweeps over `rows`, each a list of items.
fn order(items: &Items, rows: &mut [Vec<usize>]) {
    let mut neighbours: Vec<Vec<usize>> = vec![Vec::new(); items.row_of.len()];
    for chain in &items.chains {
        for pair in chain.windows(2) {
            neighbours[pair[0]].push(pair[1]);
            neighbours[pair[1]].push(pair[0]);
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
                // Each item's relative place in its row, between 0 and 1.
                let mut place = vec![0.0f64; items.row_of.len()];
                for items in rows.iter() {
                    for (index, &item) in items.iter().enumerate() {
                        place[item] = (index as f64 + 0.5) / items.len() as f64;
                    }
                }
                let considered = |other: usize| {
                    if down {
                        items.row_of[other] < row
                    } else {
                        items.row_of[other] > row
                    }
                };
                let mut keys: Vec<(f64, usize)> = rows[row]
                    .iter()
                    .map(|&item| {
                        let seen: Vec<f64> = neighbours[item]
                            .iter()
                            .filter(|&&other| considered(other))
                            .map(|&other| place[other])
                            .collect();
                        let key = if seen.is_empty() {
                            place[item]
                        } else {
                            seen.iter().sum::<f64>() / seen.len() as f64
                        };
                        (key, item)
                    })
                    .collect();
                keys.sort_by(|a, b| a.0.total_cmp(&b.0));
                rows[row] = keys.into_iter().map(|(_, item)| item).collect();
            }
        }
    }
}

/// The lines of a row: [`PER_LINE`] nodes each, with the crossings among
/// them.
fn lines<'r>(items: &Items, row: &'r [usize]) -> Vec<&'r [usize]> {
    let mut lines = Vec::new();
    let (mut start, mut nodes) = (0, 0);
    for (index, &item) in row.iter().enumerate() {
        if item < items.nodes {
            if nodes == PER_LINE {
                lines.push(&row[start..index]);
                (start, nodes) = (index, 0);
            }
            nodes += 1;
        }
    }
    lines.push(&row[start..]);
    lines
}

/// Where each item is, and the layout's rows and size.
fn place(items: &Items, labels: Vec<Option<String>>, rows: &[Vec<usize>]) -> (Layout, Vec<Placed>) {
    let lines: Vec<Vec<&[usize]>> = rows.iter().map(|row| lines(items, row)).collect();
    // Crossings side by side sit closer than boxes.
    let gap = |left: usize, right: usize| {
        if left >= items.nodes && right >= items.nodes {
            CROSSING_GAP
        } else {
            NODE_GAP
        }
    };
    let line_width = |line: &[usize]| -> i32 {
        line.iter().map(|&item| items.widths[item]).sum::<i32>()
            + line
                .windows(2)
                .map(|pair| gap(pair[0], pair[1]))
                .sum::<i32>()
    };
    let widest = lines
        .iter()
        .flatten()
        .map(|line| line_width(line))
        .max()
        .unwrap_or(0);
    let mut placed = vec![Placed::default(); items.row_of.len()];
    let mut layout_rows = Vec::new();
    let mut y = MARGIN;
    for (label, row_lines) in labels.into_iter().zip(&lines) {
        let top = y;
        for line in row_lines {
            let mut x = MARGIN_LEFT + (widest - line_width(line)) / 2;
            for (index, &item) in line.iter().enumerate() {
                let width = items.widths[item];
                placed[item] = Placed { x, y, width };
                x += width + line.get(index + 1).map_or(0, |&next| gap(item, next));
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
    let layout = Layout {
        nodes: placed[..items.nodes].to_vec(),
        edges: Vec::new(),
        rows: layout_rows,
        width: MARGIN_LEFT + widest + MARGIN,
        // `y` is ROW_GAP below the last box.
        height: (y - ROW_GAP + MARGIN).max(2 * MARGIN),
    };
    (layout, placed)
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
        let down = &drawn.edges[0].points;
        assert_eq!(down.len(), 2);
        assert_eq!((down[0].1, down[1].1), (a.y + NODE_HEIGHT, b.y));
        // b -> a points up, and shares b's top with a -> b's end.
        let up = &drawn.edges[2].points;
        assert_eq!((up[0].1, up[1].1), (b.y, a.y + NODE_HEIGHT));
        assert_ne!(up[0].0, down[1].0);
    }

    #[test]
    fn a_long_edge_crosses_the_rows_between_beside_their_boxes() {
        let map = sample("app");
        // a (top) -> c (the bottom row) crosses the `bottom` row.
        let drawn = layout(&map.graph, &map.matrix.layers);
        let (b, c) = (drawn.nodes[1], drawn.nodes[2]);
        let long = &drawn.edges[1].points;
        assert_eq!(long.len(), 4);
        let (enter, leave) = (long[1], long[2]);
        assert_eq!((enter.1, leave.1), (b.y, b.y + NODE_HEIGHT));
        assert_eq!(enter.0, leave.0);
        assert!(enter.0 < b.x || enter.0 > b.x + b.width, "through b's box");
        assert_eq!(long[3].1, c.y);
    }
}
