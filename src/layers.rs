//! Which `[[layer]]` a file or module belongs to.
//!
//! A layer claims files by module patterns (`app.api`) and by path globs
//! (`backend/app/**/api/**`). When several layers claim the same file, the
//! most specific pattern wins: literal segments weigh more than wildcards,
//! and `**` weighs nothing; on a tie the layer listed first wins.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::config::Layer;
use crate::discover::SourceFile;
use crate::graph::ModuleIndex;

pub struct LayerMap<'a> {
    layers: &'a [Layer],
    /// Layer of each file, by file index.
    file_layers: Vec<Option<usize>>,
    /// Layer of modules that are not files of the project, computed once.
    module_cache: Mutex<HashMap<String, Option<usize>>>,
}

impl<'a> LayerMap<'a> {
    pub fn new(layers: &'a [Layer], files: &[SourceFile]) -> Self {
        let file_layers = files
            .iter()
            .map(|file| classify(layers, file.module.as_deref(), Some(&file.path)))
            .collect();
        LayerMap {
            layers,
            file_layers,
            module_cache: Mutex::new(HashMap::new()),
        }
    }

    pub fn layer(&self, index: usize) -> &'a Layer {
        &self.layers[index]
    }

    /// The position (0 = top) of the layer of file `file`.
    pub fn of_file(&self, file: usize) -> Option<usize> {
        self.file_layers[file]
    }

    /// The layer of an import target: its file's layer when it is a file of
    /// the project, else the layer its name matches.
    pub fn of_module(&self, module: &str, index: &ModuleIndex) -> Option<usize> {
        if let Some(file) = index.file_of(module) {
            return self.of_file(file);
        }
        let mut cache = self.module_cache.lock().expect("no panics while held");
        *cache
            .entry(module.to_string())
            .or_insert_with(|| classify(self.layers, Some(module), None))
    }
}

fn classify(layers: &[Layer], module: Option<&str>, path: Option<&str>) -> Option<usize> {
    let parts: Option<Vec<&str>> = module.map(|m| m.split('.').collect());
    let mut best: Option<(usize, usize)> = None;
    for (position, layer) in layers.iter().enumerate() {
        let by_module = parts.as_ref().and_then(|parts| {
            layer
                .modules
                .iter()
                .filter(|pattern| pattern.matched_depth(parts).is_some())
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
    best.map(|(_, position)| position)
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
    use crate::config::ModulePattern;

    fn layer(name: &str, modules: &[&str], paths: &[&str]) -> Layer {
        let mut set = globset::GlobSetBuilder::new();
        for p in paths {
            set.add(globset::Glob::new(p).unwrap());
        }
        Layer {
            name: name.to_string(),
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
        assert_eq!(classify(&layers, Some("app.api.x"), None), Some(1));
        assert_eq!(classify(&layers, Some("app.core"), None), Some(0));
        assert_eq!(
            classify(
                &layers,
                Some("app.core.drivers.pg"),
                Some("backend/app/core/drivers/pg.py")
            ),
            Some(2)
        );
        assert_eq!(classify(&layers, Some("other"), None), None);
    }
}
