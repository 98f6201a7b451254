//! Config that checks less than it says. A typo in a pattern (`from =
//! ["utilitis"]`), a layer whose patterns match no file, or `roots` that
//! leave the code outside every source root all make rules check nothing,
//! and a required check that checks nothing passes green. After the
//! analysis, each of these is a warning naming the config file, line and
//! key; `--strict` makes them errors.

use crate::config::Config;
use crate::files::Files;
use crate::graph::Graph;
use crate::layers::LayerMap;
use crate::settings::{Selects, WrittenPattern};
use crate::warning::{Warning, WarningKind};

/// The warnings about `config` on the analysed project.
pub fn check(config: &Config, files: &Files, graph: &Graph, layers: &LayerMap<'_>) -> Vec<Warning> {
    let mut warnings = Vec::new();
    let modules: Vec<&str> = graph.index.modules().collect();
    let external: Vec<&str> = graph
        .names
        .iter()
        .map(|name| &**name)
        .filter(|name| !graph.index.is_internal(name))
        .collect();
    for written in &config.written {
        match &written.selects {
            Selects::Modules(pattern) => {
                if !modules.iter().any(|module| pattern.matches(module)) {
                    warnings.push(dead(written, "no module of the project"));
                }
                // `*.urls` for the project's `*/urls.py` also claims
                // `django.urls`: imports of it become imports of the layer.
                if written.of_layer
                    && written.text.starts_with('*')
                    && let Some(outside) = external
                        .iter()
                        .filter(|name| pattern.matches(name))
                        .min_by_key(|name| (name.len(), **name))
                {
                    warnings.push(Warning::new(
                        WarningKind::ExternalMatch,
                        format!(
                            "{}: `{}` (`{}` {}) also matches modules outside the project, such \
                             as `{outside}`: importing them counts as importing the layer; start \
                             the pattern with the project's package (`app.{}`) to keep it to the \
                             project",
                            written.place,
                            written.text,
                            written.key,
                            written.table,
                            written
                                .text
                                .trim_start_matches("**.")
                                .trim_start_matches("*.")
                        ),
                    ));
                }
            }
            Selects::Paths(glob) => {
                if !files.sources().iter().any(|file| glob.is_match(&file.path)) {
                    warnings.push(dead(written, "no file of the project"));
                }
            }
        }
    }
    let mut held = vec![0usize; config.layers.len()];
    for (id, _, _) in files.iter() {
        if let Some(layer) = layers.of_file(id) {
            held[layer.index()] += 1;
        }
    }
    for (layer, count) in config.layers.iter().zip(held) {
        if count == 0 {
            warnings.push(Warning::new(
                WarningKind::EmptyLayer,
                format!(
                    "{}: layer `{}` holds no file: its `modules` and `paths` match none of the \
                     project's files, so no import into or out of it is checked",
                    layer.place, layer.name
                ),
            ));
        }
    }
    // The files without a module name, which module patterns cannot match.
    let outside: Vec<&str> = files
        .sources()
        .iter()
        .filter(|file| file.module.is_none())
        .map(|file| file.path.as_str())
        .collect();
    warnings.extend(unseen_by_in(config, &outside));
    warnings.extend(roots_warning(config, outside.len(), files.len()));
    warnings
}

/// Rules whose `in` reaches for every module (`**`, `*`) cannot see the
/// files outside every source root, which have no module: one warning per
/// rule, with the `paths` that would name them.
fn unseen_by_in(config: &Config, outside: &[&str]) -> Vec<Warning> {
    let Some(first) = outside.first() else {
        return Vec::new();
    };
    let mut warnings = Vec::new();
    let mut warned: Vec<&str> = Vec::new();
    for written in &config.written {
        let broad = written.text.starts_with("**") || written.text == "*";
        if written.of_layer
            || written.key != "in"
            || !broad
            || warned.contains(&written.table.as_str())
        {
            continue;
        }
        // The rule's own `paths` may name them already.
        let named = |path: &str| {
            config.written.iter().any(|other| {
                other.table == written.table
                    && matches!(&other.selects, Selects::Paths(glob) if glob.is_match(path))
            })
        };
        let unseen = outside.iter().filter(|path| !named(path)).count();
        if unseen == 0 {
            continue;
        }
        warned.push(&written.table);
        let folder = first.rsplit_once('/').map_or(".", |(folder, _)| folder);
        warnings.push(Warning::new(
            WarningKind::OutsideRoots,
            format!(
                "{}: `in` {} names modules, and {unseen} {} outside every source root \
                 (such as {first}) {} none: the rule cannot see them; add `paths = \
                 [\"{folder}/**\"]` to the rule to name them by path",
                written.place,
                written.table,
                if unseen == 1 { "file" } else { "files" },
                if unseen == 1 { "has" } else { "have" }
            ),
        ));
    }
    warnings
}

fn dead(written: &WrittenPattern, what: &str) -> Warning {
    Warning::new(
        WarningKind::DeadPattern,
        format!(
            "{}: `{}` (`{}` {}) matches {what}: the rule checks less than it says; fix the \
             pattern or remove it",
            written.place, written.text, written.key, written.table
        ),
    )
}

/// When most of the `total` files (`outside` of them without a module) lie
/// outside every source root, the roots that `gate init` would propose.
fn roots_warning(config: &Config, outside: usize, total: usize) -> Option<Warning> {
    if outside * 2 <= total {
        return None;
    }
    let proposal = crate::init::propose(&crate::init::survey(&config.root));
    let roots: Vec<String> = proposal
        .roots
        .iter()
        .map(|root| format!("\"{}\"", root.path))
        .collect();
    Some(Warning::new(
        WarningKind::OutsideRoots,
        format!(
            "{}: {outside} of {} files lie outside every source root (`roots` in [project]): \
             import rules cannot name their modules; the project's packages suggest \
             `roots = [{}]`",
            config.file.display(),
            total,
            roots.join(", ")
        ),
    ))
}
