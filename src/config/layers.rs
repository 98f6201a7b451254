//! The `[[layer]]` tables, top layer first.

use crate::diagnostic::Diagnostic;
use crate::settings::read::{UniqueNames, globs, module_patterns, refuse_empty};
use crate::settings::{LAYER_KEYS, Layer, Table};
use crate::suggest::suggest_or_list;

pub(super) fn layers(tables: &[Table<'_>]) -> Result<Vec<Layer>, Diagnostic> {
    let mut names = UniqueNames::new("layer");
    let mut layers = Vec::with_capacity(tables.len());
    // Checked once every layer is known: a layer may name one below it.
    let mut may_imports = Vec::with_capacity(tables.len());
    for table in tables {
        table.check_keys(LAYER_KEYS)?;
        let name = table.required("name", table.string("name")?)?;
        refuse_empty(table, "name", name.span(), name.get_ref().is_empty())?;
        names.insert(table, &name)?;
        let modules = module_patterns(table, "modules")?;
        let (paths, path_patterns) = globs(table, "paths")?;
        if modules.is_empty() && path_patterns.is_empty() {
            return Err(table
                .source
                .error(
                    table.span.clone(),
                    format!(
                        "layer `{}` has neither `modules` nor `paths`",
                        name.get_ref()
                    ),
                )
                .with_help(
                    "give its module patterns (`modules = [\"app.api\"]`) or its path globs \
                     (`paths = [\"app/api/**\"]`)"
                        .to_string(),
                ));
        }
        let may_import = table.strings("may-import")?;
        layers.push(Layer {
            name: name.get_ref().to_string(),
            place: table.source.place(name.span().start),
            modules,
            paths,
            path_patterns,
            may_import: may_import.as_ref().map(|list| {
                list.get_ref()
                    .iter()
                    .map(|layer| layer.get_ref().to_string())
                    .collect()
            }),
        });
        may_imports.push(may_import);
    }
    let defined: Vec<&str> = layers.iter().map(|layer| layer.name.as_str()).collect();
    for ((table, layer), list) in tables.iter().zip(&layers).zip(&may_imports) {
        for target in list.iter().flat_map(|list| list.get_ref()) {
            let target_name = *target.get_ref();
            if target_name == layer.name {
                return Err(table
                    .source
                    .error(
                        target.span(),
                        format!("layer `{target_name}` lists itself in `may-import`"),
                    )
                    .with_help(
                        "imports within a layer are always allowed; remove it".to_string(),
                    ));
            }
            if !defined.contains(&target_name) {
                return Err(table
                    .source
                    .error(
                        target.span(),
                        format!(
                            "`may-import` {} names an unknown layer `{target_name}`",
                            table.place
                        ),
                    )
                    .with_help(suggest_or_list(target_name, &defined, "defined layers")));
            }
        }
    }
    Ok(layers)
}
