//! The package graph as a mermaid flowchart (`--format mermaid`, and inside
//! the Markdown map, which GitHub renders): one subgraph per layer, top
//! first; edges with new findings red, with known findings only grey and
//! dashed, on a cycle orange.
//!
//! Names come from the code under review, so nodes get ids of gate's own
//! (`n0`, `n1`, subgraphs `l0`, ...) and every label is quoted with each
//! character outside a small safe set written as a mermaid entity
//! (`#35;`): no name can end a label, add a node or link, or close the
//! Markdown fence around the diagram. GitHub refuses diagrams over 50,000
//! characters, so the graph is cut to [`MAX_NODES`] nodes and [`MAX_EDGES`]
//! edges and each label to [`MAX_LABEL`] characters.

use std::fmt::Write as _;

use super::{Map, PackageGraph, counted, shortened};

/// Nodes drawn, the largest first.
pub const MAX_NODES: usize = 60;
/// Edges drawn: those with findings first, then those on cycles, then the
/// most imported.
pub const MAX_EDGES: usize = 150;
/// Characters of a name shown in a label.
const MAX_LABEL: usize = 60;

/// The graph as drawn: [`PackageGraph::cut`] to what mermaid can show.
pub fn drawn(map: &Map) -> PackageGraph {
    map.graph.cut(MAX_NODES, MAX_EDGES)
}

/// The diagram, without a Markdown fence.
pub fn render_mermaid(map: &Map) -> String {
    let graph = drawn(map);
    let mut out = String::from("flowchart TB\n");
    let mut unlayered = Vec::new();
    for (position, layer) in map.layers.iter().enumerate() {
        let members: Vec<usize> = (0..graph.nodes.len())
            .filter(|&node| graph.nodes[node].layer.as_deref() == Some(layer.name.as_str()))
            .collect();
        if members.is_empty() {
            continue;
        }
        let _ = writeln!(out, "  subgraph l{position}[{}]", label(&layer.name));
        for node in members {
            node_line(&mut out, &graph, node, "    ");
        }
        out.push_str("  end\n");
    }
    for (node, item) in graph.nodes.iter().enumerate() {
        if !map
            .layers
            .iter()
            .any(|layer| item.layer.as_deref() == Some(&layer.name))
        {
            unlayered.push(node);
        }
    }
    for node in unlayered {
        node_line(&mut out, &graph, node, "  ");
    }
    let (mut new, mut known, mut cycle) = (Vec::new(), Vec::new(), Vec::new());
    for (index, edge) in graph.edges.iter().enumerate() {
        let _ = writeln!(
            out,
            "  n{} -->|{}| n{}",
            edge.from_node,
            label(&edge.label()),
            edge.to_node
        );
        if edge.new > 0 {
            new.push(index);
        } else if edge.known > 0 {
            known.push(index);
        } else if edge.cycle {
            cycle.push(index);
        }
    }
    for (links, style) in [
        (new, "stroke:#d73a49,stroke-width:3px"),
        (
            known,
            "stroke:#6a737d,stroke-width:2px,stroke-dasharray:5 3",
        ),
        (cycle, "stroke:#e36209,stroke-width:2px"),
    ] {
        if !links.is_empty() {
            let list: Vec<String> = links.iter().map(ToString::to_string).collect();
            let _ = writeln!(out, "  linkStyle {} {style}", list.join(","));
        }
    }
    let on_cycles: Vec<String> = (0..graph.nodes.len())
        .filter(|&node| graph.nodes[node].cycle)
        .map(|node| format!("n{node}"))
        .collect();
    if !on_cycles.is_empty() {
        out.push_str("  classDef cycle stroke:#e36209,stroke-width:3px\n");
        let _ = writeln!(out, "  class {} cycle", on_cycles.join(","));
    }
    if graph.omitted_nodes + graph.omitted_edges > 0 {
        let _ = writeln!(
            out,
            "  %% not drawn: {} nodes and {} edges",
            graph.omitted_nodes, graph.omitted_edges
        );
    }
    out
}

fn node_line(out: &mut String, graph: &PackageGraph, node: usize, indent: &str) {
    let item = &graph.nodes[node];
    let _ = writeln!(
        out,
        "{indent}n{node}[{}]",
        label(&format!(
            "{} ({})",
            shortened(&item.name, MAX_LABEL),
            counted(item.files, "file")
        ))
    );
}

/// `text` as a quoted mermaid label: ASCII letters, digits and a few
/// punctuation marks as they are, every other character as its entity
/// (`#34;` for `"`, `#35;` for `#` itself).
pub fn label(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, ' ' | '.' | '_' | '-' | ',' | ':' | '(' | ')') {
            out.push(c);
        } else {
            let _ = write!(out, "#{};", u32::from(c));
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_keep_names_and_escape_everything_that_could_end_them() {
        assert_eq!(label("app.api (3 files)"), "\"app.api (3 files)\"");
        assert_eq!(
            label("a\"]-->x\n```#"),
            "\"a#34;#93;--#62;x#10;#96;#96;#96;#35;\""
        );
        assert_eq!(label("é"), "\"#233;\"");
    }

    #[test]
    fn a_map_is_drawn_with_a_subgraph_per_layer_and_styled_links() {
        let mermaid = render_mermaid(&crate::map::tests::sample("app"));
        assert!(
            mermaid.starts_with(
                "flowchart TB\n  subgraph l0[\"app-top\"]\n    n0[\"app.a (2 files)\"]\n  end\n"
            ),
            "{mermaid}"
        );
        // The node in no layer is outside every subgraph.
        assert!(
            mermaid.contains("  end\n  n2[\"app.c (2 files)\"]\n"),
            "{mermaid}"
        );
        assert!(
            mermaid.contains("  n1 -->|\"3 (1 new)\"| n0\n"),
            "{mermaid}"
        );
        assert!(
            mermaid.contains("  linkStyle 2 stroke:#d73a49"),
            "{mermaid}"
        );
        assert!(
            mermaid.contains("  linkStyle 0 stroke:#e36209"),
            "{mermaid}"
        );
        assert!(mermaid.contains("  class n0,n1 cycle\n"), "{mermaid}");
    }
}
