//! The package graph in Graphviz's DOT (`--format dot`; `dot -Tsvg` draws
//! it): one cluster per layer, top first; edges labelled with their import
//! counts, red with new findings, grey and dashed with known findings
//! only, orange on a cycle.
//!
//! Nodes get ids of gate's own (`n0`, `n1`, ...); every name is a quoted
//! string with `\` and `"` escaped and control characters shown as escapes,
//! so no module, file or layer name can end a string or add a statement.
//!
//! `newrank=true`: with clusters and a few hundred edges, Graphviz's older
//! ranking fails ("trouble in init_rank", seen on Django's sdist with
//! Graphviz 2.43); the newer one ranks the whole graph at once.

use std::fmt::Write as _;

use super::Map;
use crate::output::visible;

pub fn render_dot(map: &Map) -> String {
    let graph = &map.graph;
    let mut out = String::from(
        "digraph gate_map {\n  rankdir=TB;\n  newrank=true;\n  node [shape=box, fontname=\"Helvetica\"];\n  \
         edge [fontname=\"Helvetica\", fontsize=10];\n",
    );
    let in_layer = |node: usize, layer: &str| graph.nodes[node].layer.as_deref() == Some(layer);
    for (position, layer) in map.layers.iter().enumerate() {
        let members: Vec<usize> = (0..graph.nodes.len())
            .filter(|&node| in_layer(node, &layer.name))
            .collect();
        if members.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "  subgraph cluster_{position} {{\n    label={};\n    style=rounded;",
            quoted(&layer.name)
        );
        for node in members {
            node_line(&mut out, map, node, "    ");
        }
        out.push_str("  }\n");
    }
    for node in 0..graph.nodes.len() {
        if !map.layers.iter().any(|layer| in_layer(node, &layer.name)) {
            node_line(&mut out, map, node, "  ");
        }
    }
    for edge in &graph.edges {
        let mut attributes = vec![format!("label={}", quoted(&edge.label()))];
        if edge.new > 0 {
            attributes.push("color=\"#d73a49\", penwidth=2".to_string());
        } else if edge.known > 0 {
            attributes.push("color=\"#6a737d\", style=dashed".to_string());
        } else if edge.cycle {
            attributes.push("color=\"#e36209\"".to_string());
        }
        let _ = writeln!(
            out,
            "  n{} -> n{} [{}];",
            edge.from_node,
            edge.to_node,
            attributes.join(", ")
        );
    }
    if graph.omitted_nodes + graph.omitted_edges > 0 {
        let _ = writeln!(
            out,
            "  // not drawn: {} nodes and {} edges",
            graph.omitted_nodes, graph.omitted_edges
        );
    }
    out.push_str("}\n");
    out
}

fn node_line(out: &mut String, map: &Map, node: usize, indent: &str) {
    let item = &map.graph.nodes[node];
    let cycle = if item.cycle {
        ", color=\"#e36209\", penwidth=2"
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "{indent}n{node} [label={}{cycle}];",
        quoted(&format!(
            "{}\n{} files, {} lines",
            item.name, item.files, item.lines
        ))
    );
}

/// `text` as a DOT string: `\` and `"` escaped, a line break as DOT's
/// `\n`, other control characters as visible escapes.
fn quoted(text: &str) -> String {
    let lines: Vec<String> = text
        .split('\n')
        .map(|line| visible(line).replace('\\', "\\\\").replace('"', "\\\""))
        .collect();
    format!("\"{}\"", lines.join("\\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Braces and brackets outside strings balance, and every string is
    /// closed: the shape of a DOT file a parser reads to the end.
    fn balanced(dot: &str) -> bool {
        let mut depth: Vec<char> = Vec::new();
        let mut chars = dot.chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => loop {
                    match chars.next() {
                        Some('\\') => {
                            chars.next();
                        }
                        Some('"') => break,
                        Some('\n') | None => return false,
                        Some(_) => {}
                    }
                },
                '{' | '[' => depth.push(c),
                '}' if depth.pop() != Some('{') => return false,
                ']' if depth.pop() != Some('[') => return false,
                _ => {}
            }
        }
        depth.is_empty()
    }

    #[test]
    fn quoted_strings_cannot_be_ended_by_the_text() {
        assert_eq!(quoted("app.api"), "\"app.api\"");
        assert_eq!(quoted("a\"b\\"), "\"a\\\"b\\\\\"");
        assert_eq!(quoted("a\nb\r"), "\"a\\nb\\\\r\"");
        for hostile in ["\"];\n x -> y [", "\\", "}{", "a\"\\\""] {
            let dot = format!("digraph g {{ n0 [label={}]; }}", quoted(hostile));
            assert!(balanced(&dot), "{dot}");
        }
    }

    #[test]
    fn a_map_with_hostile_names_is_balanced_dot_with_clusters_and_a_red_edge() {
        let dot = render_dot(&crate::map::tests::sample("x\"];}{ \\\n"));
        assert!(balanced(&dot), "{dot}");
        assert_eq!(dot.matches("subgraph cluster_").count(), 2, "{dot}");
        assert!(
            dot.contains("  n1 -> n0 [label=\"3 (1 new)\", color=\"#d73a49\""),
            "{dot}"
        );
    }

    #[test]
    fn the_balance_check_catches_an_open_string_or_brace() {
        assert!(balanced("digraph g { a [label=\"x\"]; }"));
        assert!(!balanced("digraph g { a [label=\"x]; }"));
        assert!(!balanced("digraph g { a [label=\"x\"]; "));
    }
}
