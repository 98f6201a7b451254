//! The rows of the map's tables, shared by the text, Markdown and HTML
//! formats: each passes `name`, which writes a name from the code under
//! review as that format must show it (escaped), and the word it shows for
//! a missing one. Cells are then ready to lay out.

use super::{Debt, GroupDebt, Listed, Map};

/// How a column lines up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    /// Numbers.
    Right,
}

use Align::{Left, Right};

/// A table of the map, ready to lay out.
pub struct Table {
    pub title: &'static str,
    pub header: Vec<(&'static str, Align)>,
    pub rows: Vec<Vec<String>>,
    /// Rows left out, and what they are (`packages`).
    pub more: Option<(usize, &'static str)>,
}

/// What a format shows where a name is missing.
pub struct Missing<'a> {
    /// Files in no layer.
    pub layer: &'a str,
    /// Files outside every source root.
    pub module: &'a str,
    /// An empty cell.
    pub nothing: &'a str,
}

/// The debt's tables: findings per rule, per layer, per package, and the
/// most imported modules.
pub fn debt_tables(debt: &Debt, name: Name<'_>, missing: &Missing<'_>) -> Vec<Table> {
    let counts = |what| vec![(what, Left), ("New", Right), ("Known", Right)];
    vec![
        Table {
            title: "Findings per rule",
            header: vec![
                ("Rule", Left),
                ("Kind", Left),
                ("New", Right),
                ("Known", Right),
            ],
            rows: rules(debt, name),
            more: None,
        },
        Table {
            title: "Findings per layer",
            header: counts("Layer"),
            rows: groups(&debt.layers, name, missing.layer),
            more: None,
        },
        Table {
            title: "Findings per package",
            header: counts("Package"),
            rows: groups(&debt.packages.items, name, missing.module),
            more: Some((debt.packages.more, "packages")).filter(|(more, _)| *more > 0),
        },
        Table {
            title: "Most imported modules",
            header: vec![("Module", Left), ("Importers", Right), ("Layer", Left)],
            rows: fan_in(debt, name, missing.nothing),
            more: None,
        },
    ]
}

/// Writes a name as a format shows it.
pub type Name<'a> = &'a dyn Fn(&str) -> String;

/// Layer, files, lines, modules: every layer, then the files in none.
pub fn layers(map: &Map, name: Name<'_>, none: &str) -> Vec<Vec<String>> {
    let unlayered = &map.unlayered;
    map.layers
        .iter()
        .map(|layer| (name(&layer.name), layer.files, layer.lines, layer.modules))
        .chain([(
            none.to_string(),
            unlayered.files,
            unlayered.lines,
            unlayered.modules,
        )])
        .map(|(label, files, lines, modules)| {
            vec![
                label,
                files.to_string(),
                lines.to_string(),
                modules.to_string(),
            ]
        })
        .collect()
}

/// Rule, kind, new, known.
fn rules(debt: &Debt, name: Name<'_>) -> Vec<Vec<String>> {
    debt.rules
        .iter()
        .map(|rule| {
            vec![
                name(&rule.rule),
                name(&rule.kind),
                rule.new.to_string(),
                rule.known.to_string(),
            ]
        })
        .collect()
}

/// Name (or `none`), new, known.
fn groups(groups: &[GroupDebt], name: Name<'_>, none: &str) -> Vec<Vec<String>> {
    groups
        .iter()
        .map(|group| {
            vec![
                group.name.as_deref().map_or_else(|| none.to_string(), name),
                group.new.to_string(),
                group.known.to_string(),
            ]
        })
        .collect()
}

/// Module, importers, layer (or `none`).
fn fan_in(debt: &Debt, name: Name<'_>, none: &str) -> Vec<Vec<String>> {
    debt.fan_in
        .iter()
        .map(|module| {
            vec![
                name(&module.module),
                module.importers.to_string(),
                module
                    .layer
                    .as_deref()
                    .map_or_else(|| none.to_string(), name),
            ]
        })
        .collect()
}

/// `a, b, c … and 3 more`.
pub fn listing(list: &Listed<String>, name: Name<'_>) -> String {
    let shown: Vec<String> = list.items.iter().map(|item| name(item)).collect();
    let mut text = shown.join(", ");
    if list.more > 0 {
        text.push_str(&format!(" … and {} more", list.more));
    }
    text
}
