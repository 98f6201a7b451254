//! Which `[[layer]]` a file or module belongs to.
//!
//! A layer claims files by module patterns (`app.api`) and by path globs
//! (`backend/app/**/api/**`). When several layers claim the same file, the
//! most specific pattern wins: literal segments weigh more than wildcards,
//! and `**` weighs nothing; on a tie the layer listed first wins.
//!
//! With `[project] layer-header`, a file may also declare its layer in its
//! leading comment block (`# Layer: services`): a declared layer that a
//! `[[layer]]` table defines wins over the folder. The folder classification
//! stays available for the `layer-header` rule, which reports disagreements.

use regex::Regex;

use crate::facts::HeaderLine;
use crate::files::{FileId, Files};
use crate::graph::{Graph, ModuleIndex, Name};
use crate::settings::Layer;

/// A `[[layer]]` table, by its position in the config: the top layer is
/// the smallest, so a layer is above another when it compares less.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LayerId(u32);

impl LayerId {
    fn new(position: usize) -> Self {
        LayerId(u32::try_from(position).expect("fewer than 2^32 layers"))
    }

    pub fn index(self) -> usize {
        self.0 as usize
    }
}

pub struct LayerMap<'a> {
    layers: &'a [Layer],
    /// Layer of each file, by file id: the declared one when the file's
    /// header names a defined layer, else the folder's.
    file_layers: Vec<Option<LayerId>>,
    /// Layer of each file by its module and path alone.
    folder_layers: Vec<Option<LayerId>>,
    /// Layer of each name imports resolved to, by `Name::id`: the layers
    /// rules ask once per import.
    name_layers: Vec<Option<LayerId>>,
}

impl<'a> LayerMap<'a> {
    /// Classifies every file; `layer_header` is `[project] layer-header`, a regex with a `layer`
    /// group matched against each line of a file's leading comment block.
    /// The names of `graph` are classified too.
    pub fn new(
        layers: &'a [Layer],
        files: &Files,
        layer_header: Option<&Regex>,
        graph: &Graph,
    ) -> Self {
        let folder_layers: Vec<Option<LayerId>> = files
            .sources()
            .iter()
            .map(|file| classify(layers, file.module.as_deref(), Some(&file.path)))
            .collect();
        let file_layers = files
            .iter()
            .zip(&folder_layers)
            .map(|((_, _, facts), &by_folder)| {
                let declared = layer_header
                    .and_then(|regex| declared_layer(&facts.header, regex))
                    .and_then(|(_, name)| position(layers, name));
                declared.or(by_folder)
            })
            .collect();
        let mut map = LayerMap {
            layers,
            file_layers,
            folder_layers,
            name_layers: Vec::new(),
        };
        map.name_layers = graph
            .names
            .iter()
            .map(|name| map.of_module(name, &graph.index))
            .collect();
        map
    }

    /// Every layer, top first.
    pub fn layers(&self) -> &'a [Layer] {
        self.layers
    }

    /// Every layer's id, top first.
    pub fn ids(&self) -> impl Iterator<Item = LayerId> + use<> {
        (0..self.layers.len()).map(LayerId::new)
    }

    /// The layer called `name`.
    pub fn by_name(&self, name: &str) -> Option<LayerId> {
        position(self.layers, name)
    }

    pub fn layer(&self, layer: LayerId) -> &'a Layer {
        &self.layers[layer.index()]
    }

    /// The layer of file `file`. A layer declared in the file's header wins
    /// over its folder.
    pub fn of_file(&self, file: FileId) -> Option<LayerId> {
        self.file_layers[file.index()]
    }

    /// The layer that the `[[layer]]` tables give file `file` by its module
    /// and path, whatever its header declares.
    pub fn of_file_by_folder(&self, file: FileId) -> Option<LayerId> {
        self.folder_layers[file.index()]
    }

    /// The layer of an import target: its file's layer when it is a file of
    /// the project, else the layer its name matches.
    pub fn of_module(&self, module: &str, index: &ModuleIndex) -> Option<LayerId> {
        match index.file_of(module) {
            Some(file) => self.of_file(file),
            None => classify(self.layers, Some(module), None),
        }
    }

    /// [`Self::of_module`] of a name of the graph the map was built with.
    pub fn of_name(&self, name: &Name) -> Option<LayerId> {
        self.name_layers[name.id()]
    }
}

/// The first line of a leading comment block that `regex` matches with a
/// non-empty `layer` group, and the layer name it declares. Lines are
/// matched without their indentation.
pub fn declared_layer<'h>(
    header: &'h [HeaderLine],
    regex: &Regex,
) -> Option<(&'h HeaderLine, &'h str)> {
    header.iter().find_map(|line| {
        let name = regex
            .captures(line.text.trim_start())?
            .name("layer")
            .map(|group| group.as_str())
            .filter(|name| !name.is_empty())?;
        Some((line, name))
    })
}

fn position(layers: &[Layer], name: &str) -> Option<LayerId> {
    layers
        .iter()
        .position(|layer| layer.name == name)
        .map(LayerId::new)
}

fn classify(layers: &[Layer], module: Option<&str>, path: Option<&str>) -> Option<LayerId> {
    let mut best: Option<(usize, usize)> = None;
    for (position, layer) in layers.iter().enumerate() {
        let by_module = module.and_then(|module| {
            layer
                .modules
                .iter()
                .filter(|pattern| pattern.matches(module))
                .map(|pattern| pattern.specificity())
                .max()
        });
        let by_path = path.and_then(|path| {
            layer
                .paths
                .matches(path)
                .into_iter()
                .map(|matched| glob_specificity(&layer.path_patterns[matched]))
                .max()
        });
        let Some(score) = by_module.max(by_path) else {
            continue;
        };
        if best.is_none_or(|(best_score, _)| score > best_score) {
            best = Some((score, position));
        }
    }
    best.map(|(_, position)| LayerId::new(position))
}

/// Literal path segments weigh 2, segments with a wildcard 1, `**` nothing,
/// on the same scale as `ModulePattern::specificity`.
fn glob_specificity(glob: &str) -> usize {
    glob.split('/')
        .map(|segment| match segment {
            "**" | "" => 0,
            _ if segment.contains(['*', '?', '[', '{']) => 1,
            _ => 2,
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::SourceFile;
    use crate::facts::FileFacts;
    use crate::settings::ModulePattern;

    fn layer(name: &str, modules: &[&str], paths: &[&str]) -> Layer {
        let mut set = globset::GlobSetBuilder::new();
        for p in paths {
            set.add(globset::Glob::new(p).unwrap());
        }
        Layer {
            name: name.to_string(),
            place: "gate.toml:1:1".to_string(),
            modules: modules
                .iter()
                .map(|m| ModulePattern::parse(m).unwrap())
                .collect(),
            paths: set.build().unwrap(),
            path_patterns: paths.iter().map(|p| p.to_string()).collect(),
            may_import: None,
        }
    }

    #[test]
    fn the_most_specific_pattern_wins() {
        let layers = vec![
            layer("app", &["app"], &[]),
            layer("api", &["app.api"], &[]),
            layer("drivers", &[], &["backend/app/**/drivers/**"]),
        ];
        let position = |module, path| classify(&layers, module, path).map(LayerId::index);
        assert_eq!(position(Some("app.api.x"), None), Some(1));
        assert_eq!(position(Some("app.core"), None), Some(0));
        assert_eq!(
            position(
                Some("app.core.drivers.pg"),
                Some("backend/app/core/drivers/pg.py")
            ),
            Some(2)
        );
        assert_eq!(position(Some("other"), None), None);
    }

    fn header(lines: &[&str]) -> FileFacts {
        FileFacts {
            header: lines
                .iter()
                .enumerate()
                .map(|(index, text)| HeaderLine {
                    line: index as u32 + 1,
                    text: text.to_string(),
                })
                .collect(),
            ..Default::default()
        }
    }

    fn file(module: &str) -> SourceFile {
        SourceFile {
            absolute: module.into(),
            path: format!("{}.py", module.replace('.', "/")),
            module: Some(module.to_string()),
            is_package: false,
        }
    }

    #[test]
    fn the_first_matching_header_line_declares_the_layer() {
        let regex = Regex::new(crate::settings::DEFAULT_LAYER_HEADER).unwrap();
        let facts = header(&["#!/usr/bin/env python", "  # Layer: api", "# Layer: models"]);
        let (line, name) = declared_layer(&facts.header, &regex).unwrap();
        assert_eq!((line.line, name), (2, "api"));
        assert_eq!(
            declared_layer(&header(&["# Layers: api"]).header, &regex),
            None
        );
    }

    #[test]
    fn a_declared_layer_wins_only_when_defined_and_asked_for() {
        let layers = vec![
            layer("api", &["app.api"], &[]),
            layer("services", &["app.services"], &[]),
        ];
        let files = Files::new([
            (file("app.services.a"), header(&["# Layer: api"])),
            (file("app.services.b"), header(&["# Layer: nowhere"])),
            (file("app.other"), header(&["# Layer: services"])),
        ]);
        let regex = Regex::new(crate::settings::DEFAULT_LAYER_HEADER).unwrap();
        let graph = crate::graph::build(&files);
        let map = LayerMap::new(&layers, &files, Some(&regex), &graph);
        let positions = |layer_of: &dyn Fn(FileId) -> Option<LayerId>| {
            (0..3)
                .map(|f| layer_of(FileId::new(f)).map(LayerId::index))
                .collect::<Vec<_>>()
        };
        assert_eq!(positions(&|f| map.of_file(f)), [Some(0), Some(1), Some(1)]);
        assert_eq!(
            positions(&|f| map.of_file_by_folder(f)),
            [Some(1), Some(1), None]
        );
        let index = ModuleIndex::new(files.sources());
        assert_eq!(
            map.of_module("app.services.a", &index).map(LayerId::index),
            Some(0)
        );
        let by_folder = LayerMap::new(&layers, &files, None, &graph);
        assert_eq!(
            by_folder.of_file(FileId::new(0)).map(LayerId::index),
            Some(1)
        );
    }
}
