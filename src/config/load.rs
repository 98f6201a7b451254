//! Finding and reading the config: `gate.toml`, or the `[tool.gate]` table of
//! a `pyproject.toml`. The TOML is parsed with every position kept and checked
//! key by key against the schema (rather than through serde's
//! `deny_unknown_fields`), so that each mistake is reported at its line with
//! the closest valid word.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use regex::Regex;
use toml::Spanned;
use toml::de::DeTable;

use super::error::{ConfigError, Diagnostic, backticked, line_number, suggest_or_list};
use super::model::*;
use super::name_pattern::NamePattern;
use super::pattern::ModulePattern;
use super::table::{Source, Table};
use crate::violation::Severity;

const GATE_TOML: &str = "gate.toml";
const PYPROJECT_TOML: &str = "pyproject.toml";

/// Finds the config that governs `start`, walking up its folders as ruff
/// does: in each folder a `gate.toml` wins, else a `pyproject.toml` with a
/// `[tool.gate]` table. A relative `start` is made absolute first, so the
/// walk can reach the folders above the current one.
pub fn find_config(start: &Path) -> Option<PathBuf> {
    let start = std::path::absolute(start).unwrap_or_else(|_| start.to_path_buf());
    start.ancestors().find_map(|folder| {
        let gate = folder.join(GATE_TOML);
        if gate.is_file() {
            return Some(gate);
        }
        let pyproject = folder.join(PYPROJECT_TOML);
        (pyproject.is_file() && declares_tool_gate(&pyproject)).then_some(pyproject)
    })
}

fn declares_tool_gate(pyproject: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(pyproject) else {
        return false;
    };
    match DeTable::parse(&text) {
        Ok(document) => document
            .get_ref()
            .get("tool")
            .and_then(|tool| tool.get_ref().as_table())
            .is_some_and(|tool| tool.contains_key("gate")),
        // A broken file that names the table is still the config the user
        // meant: loading it reports the syntax error, where skipping it would
        // silently pick a config further up.
        Err(_) => text.lines().any(|line| {
            line.trim_start()
                .trim_start_matches('[')
                .strip_prefix("tool.gate")
                .is_some_and(|rest| {
                    !rest.starts_with(|c: char| c.is_alphanumeric() || c == '_' || c == '-')
                })
        }),
    }
}

/// Reads and checks the config at `path`: the whole file when it is a
/// `gate.toml` (or any other name), its `[tool.gate]` table when it is named
/// `pyproject.toml`. Messages name `path` as given.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
        file: path.to_path_buf(),
        source,
    })?;
    let pyproject = path.file_name().is_some_and(|name| name == PYPROJECT_TOML);
    load_str(&text, path, pyproject)
}

/// Checks the config `text`, read from `file` (the project root is the folder
/// holding it); with `pyproject`, only its `[tool.gate]` table is read.
pub fn load_str(text: &str, file: &Path, pyproject: bool) -> Result<Config, ConfigError> {
    let source = Source { text, file };
    let parsed = DeTable::parse(text).map_err(|error| {
        ConfigError::Syntax(source.error(
            error.span().unwrap_or(0..0),
            format!("invalid TOML: {}", error.message()),
        ))
    })?;
    let document = Table::document(source, parsed.get_ref());
    let root = match file.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let config = if pyproject {
        tool_gate(&document).and_then(|gate| config(&gate, root, file))
    } else {
        config(&document, root, file)
    };
    config.map_err(ConfigError::Invalid)
}

fn tool_gate<'a>(document: &Table<'a>) -> Result<Table<'a>, Diagnostic> {
    let tool = document.table("tool")?;
    let gate = tool.map(|tool| tool.table("gate")).transpose()?.flatten();
    gate.ok_or_else(|| {
        document
            .source
            .error(0..0, format!("no [tool.gate] table in {PYPROJECT_TOML}"))
            .with_help(format!(
                "add a `[tool.gate]` table, or write the config in a {GATE_TOML}"
            ))
    })
}

fn config(gate: &Table<'_>, root: PathBuf, file: &Path) -> Result<Config, Diagnostic> {
    gate.check_keys(&["project", "layer", "rule"])?;
    let empty = DeTable::new();
    let project = project(
        &gate
            .table("project")?
            .unwrap_or_else(|| gate.absent("project", &empty)),
    )?;
    let layers = layers(&gate.tables("layer")?)?;
    let rules = rules(&gate.tables("rule")?, &layers)?;
    Ok(Config {
        root,
        file: file.to_path_buf(),
        project,
        layers,
        rules,
    })
}

fn project(table: &Table<'_>) -> Result<Project, Diagnostic> {
    table.check_keys(&[
        "roots",
        "include",
        "exclude",
        "baseline",
        "type-checking-imports",
        "layer-header",
    ])?;
    let (exclude, exclude_patterns) = globs(table, "exclude")?;
    let baseline = match table.string("baseline")? {
        Some(baseline) => {
            refuse_empty(
                table,
                "baseline",
                baseline.span(),
                baseline.get_ref().is_empty(),
            )?;
            PathBuf::from(baseline.get_ref())
        }
        None => PathBuf::from("baseline.json"),
    };
    Ok(Project {
        roots: folders(table, "roots")?,
        include: folders(table, "include")?,
        exclude,
        exclude_patterns,
        baseline,
        type_checking_imports: table
            .choice(
                "type-checking-imports",
                &[
                    ("ignore", TypeCheckingImports::Ignore),
                    ("check", TypeCheckingImports::Check),
                ],
            )?
            .unwrap_or_default(),
        layer_header: table
            .string("layer-header")?
            .map(|pattern| regex_with_group(table, &pattern, "layer"))
            .transpose()?,
    })
}

/// A regex that must have the named capture group `group`.
fn regex_with_group(
    table: &Table<'_>,
    pattern: &Spanned<&str>,
    group: &str,
) -> Result<Regex, Diagnostic> {
    let regex = Regex::new(pattern.get_ref()).map_err(|error| {
        let reason = match error {
            regex::Error::Syntax(text) => text.lines().last().unwrap_or_default().to_string(),
            other => other.to_string(),
        };
        table
            .source
            .error(pattern.span(), format!("invalid regex: {reason}"))
    })?;
    if !regex.capture_names().any(|name| name == Some(group)) {
        return Err(table
            .source
            .error(pattern.span(), format!("the regex has no `{group}` group"))
            .with_help(format!("name the part to read with `(?P<{group}>...)`")));
    }
    Ok(regex)
}

/// `roots` and `include`: folders relative to the root, `.` by default.
fn folders(table: &Table<'_>, key: &str) -> Result<Vec<PathBuf>, Diagnostic> {
    let Some(list) = table.strings(key)? else {
        return Ok(vec![PathBuf::from(".")]);
    };
    // An empty list would silently check nothing.
    refuse_empty(table, key, list.span(), list.get_ref().is_empty())?;
    Ok(list
        .get_ref()
        .iter()
        .map(|folder| PathBuf::from(folder.get_ref()))
        .collect())
}

fn refuse_empty(
    table: &Table<'_>,
    key: &str,
    span: Range<usize>,
    empty: bool,
) -> Result<(), Diagnostic> {
    if empty {
        Err(table
            .source
            .error(span, format!("`{key}` {} must not be empty", table.place)))
    } else {
        Ok(())
    }
}

/// Path globs relative to the project root, compiled; each error points at
/// its string. Also returns the globs as written, for messages.
fn globs(table: &Table<'_>, key: &str) -> Result<(GlobSet, Vec<String>), Diagnostic> {
    let Some(list) = table.strings(key)? else {
        return Ok((GlobSet::empty(), Vec::new()));
    };
    let mut builder = GlobSetBuilder::new();
    for item in list.get_ref() {
        let glob = Glob::new(item.get_ref()).map_err(|error| {
            table.source.error(
                item.span(),
                format!("invalid glob `{}`: {}", item.get_ref(), error.kind()),
            )
        })?;
        builder.add(glob);
    }
    let set = builder.build().map_err(|error| {
        table.source.error(
            list.span(),
            format!("cannot compile `{key}` {}: {error}", table.place),
        )
    })?;
    let written = list
        .get_ref()
        .iter()
        .map(|item| item.get_ref().to_string())
        .collect();
    Ok((set, written))
}

fn module_patterns(table: &Table<'_>, key: &str) -> Result<Vec<ModulePattern>, Diagnostic> {
    parse_module_patterns(table, key, false)
}

/// Module patterns that may hold `{name}` captures (forbidden-import's
/// `from` and `to`); everywhere else a capture is refused at its string.
fn parse_module_patterns(
    table: &Table<'_>,
    key: &str,
    captures_allowed: bool,
) -> Result<Vec<ModulePattern>, Diagnostic> {
    let Some(list) = table.strings(key)? else {
        return Ok(Vec::new());
    };
    list.get_ref()
        .iter()
        .map(|item| {
            let pattern = ModulePattern::parse(item.get_ref())
                .map_err(|error| table.source.error(item.span(), error.to_string()))?;
            if pattern.has_captures() && !captures_allowed {
                return Err(table
                    .source
                    .error(
                        item.span(),
                        format!(
                            "`{key}` {} cannot use captures: `{pattern}`; only `from` binds \
                             and only `to` tests them, in rules of kind `forbidden-import`",
                            table.place
                        ),
                    )
                    .with_help("write `*` for any one segment".to_string()));
            }
            Ok(pattern)
        })
        .collect()
}

/// Module patterns under a key that a rule cannot do without.
fn required_module_patterns(
    table: &Table<'_>,
    key: &str,
) -> Result<Vec<ModulePattern>, Diagnostic> {
    required_patterns(table, key, false)
}

fn required_patterns(
    table: &Table<'_>,
    key: &str,
    captures_allowed: bool,
) -> Result<Vec<ModulePattern>, Diagnostic> {
    let list = table.required(key, table.strings(key)?)?;
    // An empty list would make the rule match nothing, silently.
    refuse_empty(table, key, list.span(), list.get_ref().is_empty())?;
    parse_module_patterns(table, key, captures_allowed)
}

fn name_patterns(table: &Table<'_>, key: &str) -> Result<Option<Vec<NamePattern>>, Diagnostic> {
    let Some(list) = table.strings(key)? else {
        return Ok(None);
    };
    list.get_ref()
        .iter()
        .map(|item| {
            NamePattern::parse(item.get_ref())
                .map_err(|error| table.source.error(item.span(), error.to_string()))
        })
        .collect::<Result<_, _>>()
        .map(Some)
}

fn default_name_patterns(defaults: &[&str]) -> Vec<NamePattern> {
    defaults
        .iter()
        .map(|text| NamePattern::parse(text).expect("the defaults are valid patterns"))
        .collect()
}

/// A list of plain names (`methods`), or `defaults` when absent.
fn names_or(table: &Table<'_>, key: &str, defaults: &[&str]) -> Result<Vec<String>, Diagnostic> {
    Ok(match table.strings(key)? {
        Some(list) => {
            refuse_empty(table, key, list.span(), list.get_ref().is_empty())?;
            list.get_ref()
                .iter()
                .map(|item| item.get_ref().to_string())
                .collect()
        }
        None => defaults.iter().map(|name| name.to_string()).collect(),
    })
}

/// `in` and `except`; without `in`, every file. With `required`, `in` must
/// be given.
fn scope(table: &Table<'_>, required: bool) -> Result<Scope, Diagnostic> {
    let within = if required || table.strings("in")?.is_some() {
        Some(required_module_patterns(table, "in")?)
    } else {
        None
    };
    Ok(Scope {
        within,
        except: module_patterns(table, "except")?,
    })
}

/// `granularity` and `depth`.
fn granularity(table: &Table<'_>) -> Result<Granularity, Diagnostic> {
    #[derive(Clone, Copy)]
    enum Choice {
        Module,
        Package,
    }
    let choice = table.choice(
        "granularity",
        &[("module", Choice::Module), ("package", Choice::Package)],
    )?;
    let depth = table.integer("depth")?;
    match (choice.unwrap_or(Choice::Module), depth) {
        (Choice::Module, None) => Ok(Granularity::Module),
        (Choice::Module, Some(depth)) => Err(table
            .source
            .error(
                depth.span(),
                format!("`depth` {} needs `granularity = \"package\"`", table.place),
            )
            .with_help("add `granularity = \"package\"`, or remove `depth`".to_string())),
        (Choice::Package, None) => Err(table
            .source
            .error(
                table.span.clone(),
                format!(
                    "`granularity = \"package\"` {} needs a `depth`",
                    table.place
                ),
            )
            .with_help(
                "give the number of leading segments that name a package: `depth = 2` makes \
                 `app.crm.models` part of `app.crm`"
                    .to_string(),
            )),
        (Choice::Package, Some(depth)) => {
            if *depth.get_ref() == 0 {
                return Err(table.source.error(
                    depth.span(),
                    format!("`depth` {} must be at least 1", table.place),
                ));
            }
            Ok(Granularity::Package {
                depth: *depth.get_ref() as usize,
            })
        }
    }
}

/// A required positive count (`max`).
fn positive(table: &Table<'_>, key: &str) -> Result<u64, Diagnostic> {
    let value = table.required(key, table.integer(key)?)?;
    if *value.get_ref() == 0 {
        return Err(table.source.error(
            value.span(),
            format!("`{key}` {} must be at least 1", table.place),
        ));
    }
    Ok(*value.get_ref())
}

/// A regex option with a default; it must have the named group.
fn regex_or(table: &Table<'_>, key: &str, default: &str, group: &str) -> Result<Regex, Diagnostic> {
    match table.string(key)? {
        Some(pattern) => regex_with_group(table, &pattern, group),
        None => Ok(Regex::new(default).expect("the default regex is valid")),
    }
}

/// The header-imports line regex for one header name: `{header}` in the
/// line pattern stands for the (escaped) name.
fn header_regex(
    table: &Table<'_>,
    line_pattern: Option<&Spanned<&str>>,
    header_key: &str,
    default_header: &str,
) -> Result<Regex, Diagnostic> {
    let header = table.string(header_key)?;
    let name = header.as_ref().map_or(default_header, |h| *h.get_ref());
    let line = line_pattern.map_or(DEFAULT_HEADER_LINE, |p| *p.get_ref());
    if !line.contains("{header}") {
        let span = line_pattern.map_or(table.span.clone(), |p| p.span());
        return Err(table
            .source
            .error(span, "`line-pattern` has no `{header}` placeholder")
            .with_help(format!("for example `{DEFAULT_HEADER_LINE}`")));
    }
    let text = line.replace("{header}", &regex::escape(name));
    let span = line_pattern.map_or(table.span.clone(), |p| p.span());
    regex_with_group(table, &Spanned::new(span, text.as_str()), "items")
}

/// The line of a header-imports header, by default; `{header}` is the
/// header's name.
const DEFAULT_HEADER_LINE: &str = r"^#\s*{header}:\s*(?P<items>.*\S)";

/// Names seen so far in one namespace, to refuse a second use with a pointer
/// to the first.
struct UniqueNames<'a> {
    what: &'static str,
    seen: HashMap<&'a str, Range<usize>>,
}

impl<'a> UniqueNames<'a> {
    fn new(what: &'static str) -> Self {
        UniqueNames {
            what,
            seen: HashMap::new(),
        }
    }

    fn insert(&mut self, table: &Table<'_>, name: &Spanned<&'a str>) -> Result<(), Diagnostic> {
        if let Some(first) = self.seen.get(name.get_ref()) {
            let line = line_number(table.source.text, first.start);
            return Err(table
                .source
                .error(
                    name.span(),
                    format!("duplicate {} name `{}`", self.what, name.get_ref()),
                )
                .with_help(format!(
                    "{} names must be unique; `{}` is already used on line {line}",
                    self.what,
                    name.get_ref()
                )));
        }
        self.seen.insert(name.get_ref(), name.span());
        Ok(())
    }
}

fn layers(tables: &[Table<'_>]) -> Result<Vec<Layer>, Diagnostic> {
    let mut names = UniqueNames::new("layer");
    let mut layers = Vec::with_capacity(tables.len());
    // Checked once every layer is known: a layer may name one below it.
    let mut may_imports = Vec::with_capacity(tables.len());
    for table in tables {
        table.check_keys(&["name", "modules", "paths", "may-import"])?;
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

/// A configurable rule kind: its name, the keys it takes besides
/// [`RULE_KEYS`], and how to read them.
struct Kind {
    name: &'static str,
    keys: &'static [&'static str],
    read: fn(&Table<'_>) -> Result<RuleOptions, Diagnostic>,
}

const KINDS: &[Kind] = &[
    Kind {
        name: "layers",
        keys: &["imports", "transitive"],
        read: |table| {
            Ok(RuleOptions::Layers(LayersOptions {
                imports: imports(table)?,
                transitive: table.boolean("transitive")?.unwrap_or(false),
            }))
        },
    },
    Kind {
        name: "forbidden-import",
        keys: &["from", "except", "to", "imports", "transitive"],
        read: forbidden_import,
    },
    Kind {
        name: "private-module",
        keys: &["modules", "allow-from", "imports"],
        read: |table| {
            Ok(RuleOptions::PrivateModule(PrivateModuleOptions {
                modules: required_module_patterns(table, "modules")?,
                allow_from: module_patterns(table, "allow-from")?,
                imports: imports(table)?,
            }))
        },
    },
    Kind {
        name: "import-cycle",
        keys: &["granularity", "depth", "imports"],
        read: |table| {
            Ok(RuleOptions::ImportCycle(ImportCycleOptions {
                granularity: granularity(table)?,
                imports: imports(table)?,
            }))
        },
    },
    Kind {
        name: "fan-in",
        keys: &["max", "granularity", "depth", "ignore", "imports"],
        read: |table| {
            Ok(RuleOptions::FanIn(FanInOptions {
                granularity: granularity(table)?,
                max: positive(table, "max")? as usize,
                ignore: module_patterns(table, "ignore")?,
                imports: imports(table)?,
            }))
        },
    },
    Kind {
        name: "db-write",
        keys: &["in", "except", "methods", "receivers"],
        read: |table| {
            Ok(RuleOptions::DbWrite(DbWriteOptions {
                scope: scope(table, true)?,
                methods: names_or(table, "methods", DEFAULT_WRITE_METHODS)?,
                receivers: names_or(table, "receivers", DEFAULT_WRITE_RECEIVERS)?,
            }))
        },
    },
    Kind {
        name: "model-ownership",
        keys: &["models", "owner", "allow"],
        read: |table| {
            Ok(RuleOptions::ModelOwnership(ModelOwnershipOptions {
                models: required_module_patterns(table, "models")?,
                owner: required_module_patterns(table, "owner")?,
                allow: module_patterns(table, "allow")?,
            }))
        },
    },
    Kind {
        name: "import-time",
        keys: &["in", "except", "allow", "extend-allow", "deny"],
        read: |table| {
            let mut allow = name_patterns(table, "allow")?
                .unwrap_or_else(|| default_name_patterns(DEFAULT_IMPORT_TIME_ALLOW));
            allow.extend(name_patterns(table, "extend-allow")?.unwrap_or_default());
            Ok(RuleOptions::ImportTime(ImportTimeOptions {
                scope: scope(table, true)?,
                allow,
                deny: name_patterns(table, "deny")?
                    .unwrap_or_else(|| default_name_patterns(DEFAULT_IMPORT_TIME_DENY)),
            }))
        },
    },
    Kind {
        name: "sys-path",
        keys: &["in", "except"],
        read: |table| {
            Ok(RuleOptions::SysPath(SysPathOptions {
                scope: scope(table, false)?,
            }))
        },
    },
    Kind {
        name: "forbidden-call",
        keys: &["in", "except", "calls"],
        read: |table| {
            let calls = table.required("calls", name_patterns(table, "calls")?)?;
            if calls.is_empty() {
                return Err(table.source.error(
                    table.span.clone(),
                    format!("`calls` {} must not be empty", table.place),
                ));
            }
            Ok(RuleOptions::ForbiddenCall(ForbiddenCallOptions {
                scope: scope(table, false)?,
                calls,
            }))
        },
    },
    Kind {
        name: "header-imports",
        keys: &[
            "in",
            "except",
            "allowed-header",
            "forbidden-header",
            "line-pattern",
        ],
        read: |table| {
            let line = table.string("line-pattern")?;
            Ok(RuleOptions::HeaderImports(HeaderImportsOptions {
                scope: scope(table, false)?,
                allowed: header_regex(table, line.as_ref(), "allowed-header", "Allowed Imports")?,
                forbidden: header_regex(
                    table,
                    line.as_ref(),
                    "forbidden-header",
                    "Forbidden Imports",
                )?,
            }))
        },
    },
    Kind {
        name: "max-lines",
        keys: &["in", "except", "max"],
        read: |table| {
            let max = positive(table, "max")?;
            Ok(RuleOptions::MaxLines(MaxLinesOptions {
                scope: scope(table, false)?,
                max: u32::try_from(max).unwrap_or(u32::MAX),
            }))
        },
    },
    Kind {
        name: "banned-name",
        keys: &["in", "except", "names"],
        read: |table| {
            let list = table.required("names", table.strings("names")?)?;
            refuse_empty(table, "names", list.span(), list.get_ref().is_empty())?;
            let (names, name_patterns) = globs(table, "names")?;
            Ok(RuleOptions::BannedName(BannedNameOptions {
                scope: scope(table, false)?,
                names,
                name_patterns,
            }))
        },
    },
    Kind {
        name: "missing-init",
        keys: &["in", "except"],
        read: |table| {
            Ok(RuleOptions::MissingInit(MissingInitOptions {
                scope: scope(table, false)?,
            }))
        },
    },
    Kind {
        name: "sibling-names",
        keys: &["in", "except"],
        read: |table| {
            Ok(RuleOptions::SiblingNames(SiblingNamesOptions {
                scope: scope(table, false)?,
            }))
        },
    },
    Kind {
        name: "layer-header",
        keys: &["in", "except", "pattern"],
        read: |table| {
            Ok(RuleOptions::LayerHeader(LayerHeaderOptions {
                scope: scope(table, false)?,
                pattern: regex_or(table, "pattern", DEFAULT_LAYER_HEADER, "layer")?,
            }))
        },
    },
];

/// forbidden-import's options; `from` and `to` may use captures.
fn forbidden_import(table: &Table<'_>) -> Result<RuleOptions, Diagnostic> {
    /// Each pattern of `key` with the span of its string.
    fn spanned<'p>(
        table: &Table<'_>,
        key: &str,
        patterns: &'p [ModulePattern],
    ) -> Result<Vec<(&'p ModulePattern, Range<usize>)>, Diagnostic> {
        let spans = table.strings(key)?.map(|list| list.into_inner());
        Ok(patterns
            .iter()
            .zip(spans.into_iter().flatten().map(|item| item.span()))
            .collect())
    }
    let from = required_patterns(table, "from", true)?;
    let except = module_patterns(table, "except")?;
    let to = required_patterns(table, "to", true)?;
    // Captures: `from` binds `{name}`, `to` tests `{name}` / `{!name}`.
    for (pattern, span) in spanned(table, "from", &from)? {
        if let Some((name, _)) = pattern.captures_used().find(|(_, negated)| *negated) {
            return Err(table
                .source
                .error(
                    span,
                    format!(
                        "`{{!{name}}}` in `from` {}: a negated capture tests a \
                         segment that `from` bound, so it belongs in `to`",
                        table.place
                    ),
                )
                .with_help(format!(
                    "bind the segment with `{{{name}}}` here, and write `{{!{name}}}` in `to`"
                )));
        }
    }
    let mut bound: Vec<&str> = Vec::new();
    for (name, _) in from.iter().flat_map(ModulePattern::captures_used) {
        if !bound.contains(&name) {
            bound.push(name);
        }
    }
    for (pattern, span) in spanned(table, "to", &to)? {
        let unbound = pattern
            .captures_used()
            .find(|(name, _)| !bound.contains(name));
        if let Some((name, negated)) = unbound {
            let written = if negated {
                format!("{{!{name}}}")
            } else {
                format!("{{{name}}}")
            };
            let help = if bound.is_empty() {
                format!(
                    "bind it with a `{{{name}}}` segment in a `from` pattern, such as \
                     `app.domains.{{{name}}}.drivers`"
                )
            } else {
                let names: Vec<String> = bound.iter().map(|name| format!("`{{{name}}}`")).collect();
                format!("the `from` patterns bind {}", names.join(", "))
            };
            return Err(table
                .source
                .error(
                    span,
                    format!(
                        "capture `{written}` in `to` {} is not bound by any `from` pattern",
                        table.place
                    ),
                )
                .with_help(help));
        }
    }
    Ok(RuleOptions::ForbiddenImport(ForbiddenImportOptions {
        from,
        except,
        to,
        imports: imports(table)?,
        transitive: table.boolean("transitive")?.unwrap_or(false),
    }))
}

/// Keys every rule takes.
const RULE_KEYS: &[&str] = &["kind", "name", "message", "severity"];

/// Rules that gate always runs; their kinds cannot be configured and their
/// names cannot be reused.
const ALWAYS_ON: &[&str] = &["syntax-error", "unused-ignore"];

/// The name of the layers rule added when `[[layer]]` tables exist and no
/// `[[rule]]` of kind `layers` names it.
const DEFAULT_LAYERS_RULE: &str = "layers";

fn imports(table: &Table<'_>) -> Result<ImportSelection, Diagnostic> {
    let choices = [
        ("all", ImportSelection::All),
        ("runtime", ImportSelection::Runtime),
        ("module-level", ImportSelection::ModuleLevel),
    ];
    Ok(table.choice("imports", &choices)?.unwrap_or_default())
}

fn kind_names() -> Vec<&'static str> {
    KINDS.iter().map(|kind| kind.name).collect()
}

fn rules(tables: &[Table<'_>], layers: &[Layer]) -> Result<Vec<Rule>, Diagnostic> {
    let mut names = UniqueNames::new("rule");
    let mut rules = Vec::with_capacity(tables.len() + 1);
    let mut layers_rule_line = None;
    for table in tables {
        let kind_text = table
            .required("kind", table.string("kind")?)
            .map_err(|error| {
                error.with_help(format!("known kinds: {}", backticked(&kind_names())))
            })?;
        let kind = kind(table, &kind_text)?;
        check_rule_keys(table, kind)?;
        let name = table.required("name", table.string("name")?)?;
        check_rule_name(table, &name)?;
        names.insert(table, &name)?;
        let message = table.string("message")?;
        let severity = table.choice(
            "severity",
            &[("error", Severity::Error), ("warning", Severity::Warning)],
        )?;
        let options = (kind.read)(table)?;
        if matches!(options, RuleOptions::Layers(_)) {
            let error = |message: String, help: String| {
                table
                    .source
                    .error(kind_text.span(), message)
                    .with_help(help)
            };
            if layers.is_empty() {
                return Err(error(
                    format!(
                        "rule `{}` of kind `layers` has no layers to check",
                        name.get_ref()
                    ),
                    "define the layers, top first, with [[layer]] tables".to_string(),
                ));
            }
            if let Some(first) = layers_rule_line {
                return Err(error(
                    "a second rule of kind `layers`".to_string(),
                    format!(
                        "the [[layer]] tables make one rule, already configured on line {first}"
                    ),
                ));
            }
            layers_rule_line = Some(line_number(table.source.text, kind_text.span().start));
        }
        rules.push(Rule {
            name: name.get_ref().to_string(),
            message: message.map(|message| message.get_ref().to_string()),
            severity: severity.unwrap_or_default(),
            options,
        });
    }
    if !layers.is_empty() && layers_rule_line.is_none() {
        if let (Some(span), Some(table)) = (names.seen.get(DEFAULT_LAYERS_RULE), tables.first()) {
            return Err(table
                .source
                .error(
                    span.clone(),
                    format!(
                        "rule name `{DEFAULT_LAYERS_RULE}` is taken by the layers rule of the [[layer]] tables"
                    ),
                )
                .with_help(
                    "rename this rule, or name the layers rule with a [[rule]] of kind `layers`"
                        .to_string(),
                ));
        }
        rules.push(Rule {
            name: DEFAULT_LAYERS_RULE.to_string(),
            message: None,
            severity: Severity::Error,
            options: RuleOptions::Layers(LayersOptions {
                imports: ImportSelection::All,
                transitive: false,
            }),
        });
    }
    Ok(rules)
}

/// The kind named by `text`, or why there is none.
fn kind(table: &Table<'_>, text: &Spanned<&str>) -> Result<&'static Kind, Diagnostic> {
    let name = *text.get_ref();
    if let Some(kind) = KINDS.iter().find(|kind| kind.name == name) {
        return Ok(kind);
    }
    let error = if ALWAYS_ON.contains(&name) {
        table
            .source
            .error(
                text.span(),
                format!("rule kind `{name}` is always on and cannot be configured"),
            )
            .with_help(format!(
                "remove this [[rule]] table; silence single findings with `# gate: ignore[{name}]`"
            ))
    } else {
        table
            .source
            .error(
                text.span(),
                format!("unknown rule kind `{name}` {}", table.place),
            )
            .with_help(suggest_or_list(name, &kind_names(), "known kinds"))
    };
    Err(error)
}

/// Refuses keys that `kind` does not take, naming the kind when the key
/// belongs to another one.
fn check_rule_keys(table: &Table<'_>, kind: &Kind) -> Result<(), Diagnostic> {
    let known: Vec<&str> = RULE_KEYS.iter().chain(kind.keys).copied().collect();
    let Some(key) = table.unknown_key(&known) else {
        return Ok(());
    };
    if !KINDS
        .iter()
        .any(|other| other.keys.contains(&key.get_ref().as_ref()))
    {
        return Err(table.unknown_key_error(key, &known));
    }
    Err(table
        .source
        .error(
            key.span(),
            format!(
                "key `{}` {} is not an option of kind `{}`",
                key.get_ref(),
                table.place,
                kind.name
            ),
        )
        .with_help(suggest_or_list(
            key.get_ref(),
            kind.keys,
            &format!("options of `{}`", kind.name),
        )))
}

/// Rule names end up in `# gate: ignore[...]` comments and in baselines: a
/// small alphabet keeps both easy to write and to parse.
fn check_rule_name(table: &Table<'_>, name: &Spanned<&str>) -> Result<(), Diagnostic> {
    let text = *name.get_ref();
    let valid = |text: &str| {
        !text.is_empty()
            && text
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    };
    if !valid(text) {
        let kebab = text.to_lowercase().replace(['_', ' ', '.'], "-");
        return Err(table
            .source
            .error(
                name.span(),
                format!("invalid rule name `{text}`: use lowercase letters, digits and `-`"),
            )
            .with_help(valid(&kebab).then(|| format!("did you mean `{kebab}`?"))));
    }
    if ALWAYS_ON.contains(&text) {
        return Err(table
            .source
            .error(
                name.span(),
                format!("rule name `{text}` is taken by the always-on rule of that name"),
            )
            .with_help("choose another name".to_string()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_gate(text: &str) -> Result<Config, ConfigError> {
        load_str(text, Path::new("gate.toml"), false)
    }

    /// The rendered error for `text`, after checking that it says each of
    /// `parts`.
    fn error_of(text: &str, parts: &[&str]) -> String {
        let error = load_gate(text)
            .expect_err("the config should be refused")
            .to_string();
        for part in parts {
            assert!(error.contains(part), "expected `{part}` in:\n{error}");
        }
        error
    }

    fn patterns(patterns: &[ModulePattern]) -> Vec<&str> {
        patterns.iter().map(ModulePattern::as_str).collect()
    }

    const LAYERS: &str = "[[layer]]\nname = \"api\"\nmodules = [\"app.api\"]\n\n\
                          [[layer]]\nname = \"models\"\nmodules = [\"app.models\"]\n";

    const FULL: &str = r#"
[project]
roots = ["backend"]
include = ["backend/app"]
exclude = ["**/migrations/**", "**/tests/**"]
baseline = "ci/baseline.json"
type-checking-imports = "check"

[[layer]]
name = "api"
modules = ["app.api"]
may-import = ["domain"]

[[layer]]
name = "domain"
modules = ["app.services", "app.*.policy"]
paths = ["backend/app/**/domain/**"]

[[rule]]
kind = "forbidden-import"
name = "crm-models-stay-in-crm"
from = ["acme"]
except = ["acme.crm"]
to = ["acme.crm.orm"]
imports = "runtime"
message = "go through acme.crm.api"
severity = "warning"

[[rule]]
kind = "private-module"
name = "internals"
modules = ["acme.*.internal"]
allow-from = ["acme.bootstrap"]
imports = "module-level"

[[rule]]
kind = "layers"
name = "architecture"
imports = "all"
"#;

    #[test]
    fn a_full_config_reads_every_key() {
        let config = load_str(FULL, Path::new("/repo/gate.toml"), false).unwrap();
        assert_eq!(config.root, PathBuf::from("/repo"));
        assert_eq!(config.file, PathBuf::from("/repo/gate.toml"));

        let project = &config.project;
        assert_eq!(project.roots, [PathBuf::from("backend")]);
        assert_eq!(project.include, [PathBuf::from("backend/app")]);
        assert_eq!(
            project.exclude_patterns,
            ["**/migrations/**", "**/tests/**"]
        );
        assert!(project.exclude.is_match("backend/app/migrations/0001.py"));
        assert!(!project.exclude.is_match("backend/app/models.py"));
        assert_eq!(project.baseline, PathBuf::from("ci/baseline.json"));
        assert_eq!(project.type_checking_imports, TypeCheckingImports::Check);

        let [api, domain] = &config.layers[..] else {
            panic!("two layers expected: {:?}", config.layers);
        };
        assert_eq!(api.name, "api");
        assert_eq!(patterns(&api.modules), ["app.api"]);
        assert_eq!(api.may_import, Some(vec!["domain".to_string()]));
        assert!(api.path_patterns.is_empty());
        assert_eq!(domain.name, "domain");
        assert_eq!(patterns(&domain.modules), ["app.services", "app.*.policy"]);
        assert_eq!(domain.path_patterns, ["backend/app/**/domain/**"]);
        assert!(domain.paths.is_match("backend/app/crm/domain/x.py"));
        assert_eq!(domain.may_import, None);

        let [forbidden, private, layers] = &config.rules[..] else {
            panic!("three rules expected: {:?}", config.rules);
        };
        assert_eq!(forbidden.name, "crm-models-stay-in-crm");
        assert_eq!(
            forbidden.message.as_deref(),
            Some("go through acme.crm.api")
        );
        assert_eq!(forbidden.severity, Severity::Warning);
        let RuleOptions::ForbiddenImport(ForbiddenImportOptions {
            from,
            except,
            to,
            imports,
            transitive,
        }) = &forbidden.options
        else {
            panic!("{forbidden:?}");
        };
        assert_eq!(patterns(from), ["acme"]);
        assert_eq!(patterns(except), ["acme.crm"]);
        assert!(!transitive);
        assert_eq!(patterns(to), ["acme.crm.orm"]);
        assert_eq!(*imports, ImportSelection::Runtime);

        assert_eq!(private.name, "internals");
        assert_eq!(private.message, None);
        assert_eq!(private.severity, Severity::Error);
        let RuleOptions::PrivateModule(PrivateModuleOptions {
            modules,
            allow_from,
            imports,
        }) = &private.options
        else {
            panic!("{private:?}");
        };
        assert_eq!(patterns(modules), ["acme.*.internal"]);
        assert_eq!(patterns(allow_from), ["acme.bootstrap"]);
        assert_eq!(*imports, ImportSelection::ModuleLevel);

        assert_eq!(layers.name, "architecture");
        assert!(matches!(
            layers.options,
            RuleOptions::Layers(LayersOptions {
                imports: ImportSelection::All,
                transitive: false
            })
        ));
    }

    #[test]
    fn an_empty_config_takes_the_defaults() {
        let config = load_gate("").unwrap();
        assert_eq!(config.root, PathBuf::from("."));
        assert_eq!(config.project.roots, [PathBuf::from(".")]);
        assert_eq!(config.project.include, [PathBuf::from(".")]);
        assert!(config.project.exclude.is_empty());
        assert!(config.project.exclude_patterns.is_empty());
        assert_eq!(config.project.baseline, PathBuf::from("baseline.json"));
        assert_eq!(
            config.project.type_checking_imports,
            TypeCheckingImports::Ignore
        );
        assert!(config.layers.is_empty());
        assert!(config.rules.is_empty());
    }

    #[test]
    fn layers_without_a_layers_rule_get_the_default_one() {
        let config = load_gate(LAYERS).unwrap();
        let [rule] = &config.rules[..] else {
            panic!("{:?}", config.rules);
        };
        assert_eq!(rule.name, "layers");
        assert_eq!(rule.message, None);
        assert_eq!(rule.severity, Severity::Error);
        assert!(matches!(
            rule.options,
            RuleOptions::Layers(LayersOptions {
                imports: ImportSelection::All,
                transitive: false
            })
        ));
    }

    #[test]
    fn pyproject_reads_only_tool_gate() {
        let text = "[project]\nname = \"demo\"\nversion = \"1\"\n\n\
                    [tool.ruff]\nline-length = 100\n\n\
                    [tool.gate.project]\nroots = [\"src\"]\n\n\
                    [[tool.gate.layer]]\nname = \"api\"\nmodules = [\"app.api\"]\n";
        let config = load_str(text, Path::new("repo/pyproject.toml"), true).unwrap();
        assert_eq!(config.root, PathBuf::from("repo"));
        assert_eq!(config.project.roots, [PathBuf::from("src")]);
        assert_eq!(config.layers[0].name, "api");
        assert_eq!(config.rules[0].name, "layers");
    }

    #[test]
    fn pyproject_errors_name_the_tool_gate_table_and_the_file_line() {
        let text = "[project]\nname = \"demo\"\n\n\
                    [[tool.gate.layer]]\nname = \"api\"\nmodule = [\"app.api\"]\n";
        let error = load_str(text, Path::new("pyproject.toml"), true)
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with(
                "error: unknown key `module` in [[tool.gate.layer]] \"api\"\n \
                 --> pyproject.toml:6:1\n"
            ),
            "{error}"
        );
        assert!(error.contains("did you mean `modules`?"), "{error}");
    }

    #[test]
    fn pyproject_without_tool_gate_is_refused() {
        let error = load_str(
            "[project]\nname = \"demo\"\n",
            Path::new("pyproject.toml"),
            true,
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.starts_with("error: no [tool.gate] table in pyproject.toml"),
            "{error}"
        );
    }

    #[test]
    fn load_decides_by_file_name_and_roots_the_project_at_its_folder() {
        let dir = tempfile::tempdir().unwrap();
        let pyproject = dir.path().join("pyproject.toml");
        std::fs::write(&pyproject, "[tool.gate.project]\nroots = [\"src\"]\n").unwrap();
        let config = load(&pyproject).unwrap();
        assert_eq!(config.root, dir.path());
        assert_eq!(config.file, pyproject);
        assert_eq!(config.project.roots, [PathBuf::from("src")]);

        // Under any other name the whole file is the config.
        let other = dir.path().join("ci-gate.toml");
        std::fs::write(&other, "[project]\nroots = [\"lib\"]\n").unwrap();
        assert_eq!(load(&other).unwrap().project.roots, [PathBuf::from("lib")]);
    }

    #[test]
    fn an_unreadable_file_is_an_io_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("gate.toml");
        let error = load(&missing).unwrap_err();
        assert!(matches!(error, ConfigError::Io { .. }));
        assert_eq!(
            error.to_string(),
            format!(
                "error: cannot read {}: No such file or directory",
                missing.display()
            )
        );
    }

    #[test]
    fn find_config_walks_up_to_the_nearest_config() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let deep = root.join("a/b/c");
        std::fs::create_dir_all(&deep).unwrap();
        assert_eq!(find_config(&deep), None);

        std::fs::write(root.join("gate.toml"), "").unwrap();
        assert_eq!(find_config(&deep), Some(root.join("gate.toml")));

        // A pyproject.toml without [tool.gate] is someone else's: keep going.
        std::fs::write(root.join("a/pyproject.toml"), "[tool.ruff]\n").unwrap();
        assert_eq!(find_config(&deep), Some(root.join("gate.toml")));

        std::fs::write(root.join("a/b/pyproject.toml"), "[tool.gate]\n").unwrap();
        assert_eq!(find_config(&deep), Some(root.join("a/b/pyproject.toml")));

        // In one folder, gate.toml wins over pyproject.toml.
        std::fs::write(root.join("a/b/gate.toml"), "").unwrap();
        assert_eq!(find_config(&deep), Some(root.join("a/b/gate.toml")));
    }

    #[test]
    fn find_config_picks_a_broken_pyproject_that_names_tool_gate() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("pyproject.toml"),
            "[tool.gate.project]\nroots = [\".\"\n",
        )
        .unwrap();
        assert_eq!(
            find_config(dir.path()),
            Some(dir.path().join("pyproject.toml"))
        );
    }

    #[test]
    fn errors_render_like_rustc() {
        let error = error_of(
            "[[layer]]\nname = \"api\"\nmodules = [\"app.api\"]\nmay_import = [\"x\"]\n",
            &[],
        );
        assert_eq!(
            error,
            "error: unknown key `may_import` in [[layer]] \"api\"\n \
             --> gate.toml:4:1\n  \
             |\n\
             4 | may_import = [\"x\"]\n  \
             | ^^^^^^^^^^\n  \
             = help: did you mean `may-import`?"
        );
    }

    #[test]
    fn unknown_top_level_key_suggests_the_table() {
        error_of(
            "[layers]\nname = \"api\"\n",
            &[
                "unknown key `layers` at the top level",
                "gate.toml:1:2",
                "did you mean `layer`?",
            ],
        );
    }

    #[test]
    fn unknown_project_key_suggests_the_closest() {
        error_of(
            "[project]\nroots = [\".\"]\nexcludes = [\"x\"]\n",
            &[
                "unknown key `excludes` in [project]",
                "gate.toml:3:1",
                "did you mean `exclude`?",
            ],
        );
    }

    #[test]
    fn unknown_key_without_a_close_match_lists_the_known_keys() {
        error_of(
            "[project]\nsources = [\".\"]\n",
            &[
                "unknown key `sources`",
                "gate.toml:2:1",
                "known keys: `roots`, `include`",
            ],
        );
    }

    #[test]
    fn unknown_layer_key_suggests_kebab_case() {
        error_of(
            &format!(
                "{LAYERS}\n[[layer]]\nname = \"db\"\nmodules = [\"app.db\"]\nmay_import = [\"models\"]\n"
            ),
            &[
                "unknown key `may_import` in [[layer]] \"db\"",
                "gate.toml:12:1",
                "did you mean `may-import`?",
            ],
        );
    }

    #[test]
    fn unknown_rule_key_suggests_the_closest() {
        error_of(
            "[[rule]]\nkind = \"layers\"\nname = \"l\"\nimport = \"runtime\"\n",
            &[
                "unknown key `import` in [[rule]] \"l\"",
                "gate.toml:4:1",
                "did you mean `imports`?",
            ],
        );
    }

    #[test]
    fn unknown_kind_suggests_the_closest_kind() {
        error_of(
            "[[rule]]\nkind = \"forbidden-imports\"\nname = \"x\"\n",
            &[
                "unknown rule kind `forbidden-imports`",
                "gate.toml:2:8",
                "did you mean `forbidden-import`?",
            ],
        );
    }

    #[test]
    fn unknown_kind_far_from_any_lists_the_kinds() {
        error_of(
            "[[rule]]\nkind = \"zzz\"\nname = \"x\"\n",
            &[
                "unknown rule kind `zzz`",
                "known kinds: `layers`, `forbidden-import`, `private-module`, `import-cycle`",
            ],
        );
    }

    #[test]
    fn always_on_kinds_cannot_be_configured() {
        error_of(
            "[[rule]]\nkind = \"unused-ignore\"\nname = \"u\"\n",
            &[
                "`unused-ignore` is always on and cannot be configured",
                "gate.toml:2:8",
            ],
        );
    }

    #[test]
    fn an_option_of_another_kind_names_the_kind() {
        error_of(
            "[[rule]]\nkind = \"private-module\"\nname = \"p\"\nmodules = [\"app.*.internal\"]\nto = [\"x\"]\n",
            &[
                "key `to` in [[rule]] \"p\" is not an option of kind `private-module`",
                "gate.toml:5:1",
                "options of `private-module`: `modules`, `allow-from`, `imports`",
            ],
        );
    }

    #[test]
    fn a_missing_required_key_points_at_the_table_header() {
        error_of(
            "[[rule]]\nkind = \"forbidden-import\"\nname = \"f\"\nfrom = [\"app\"]\n",
            &[
                "missing required key `to` in [[rule]] \"f\"",
                "gate.toml:1:1",
            ],
        );
        error_of(
            "[project]\n\n[[layer]]\nmodules = [\"app\"]\n",
            &[
                "missing required key `name` in [[layer]] #1",
                "gate.toml:3:1",
            ],
        );
    }

    #[test]
    fn a_rule_without_kind_lists_the_kinds() {
        error_of(
            "[[rule]]\nname = \"f\"\n",
            &[
                "missing required key `kind` in [[rule]] \"f\"",
                "gate.toml:1:1",
                "known kinds: `layers`",
            ],
        );
    }

    #[test]
    fn duplicate_rule_names_point_at_the_second_and_name_the_first() {
        error_of(
            "[[rule]]\nkind = \"forbidden-import\"\nname = \"f\"\nfrom = [\"app\"]\nto = [\"os\"]\n\n\
             [[rule]]\nkind = \"forbidden-import\"\nname = \"f\"\nfrom = [\"app\"]\nto = [\"sys\"]\n",
            &[
                "duplicate rule name `f`",
                "gate.toml:9:8",
                "already used on line 3",
            ],
        );
    }

    #[test]
    fn duplicate_layer_names_point_at_the_second_and_name_the_first() {
        error_of(
            &format!("{LAYERS}\n[[layer]]\nname = \"api\"\nmodules = [\"app.web\"]\n"),
            &[
                "duplicate layer name `api`",
                "gate.toml:10:8",
                "already used on line 2",
            ],
        );
    }

    #[test]
    fn may_import_of_an_unknown_layer_suggests_a_defined_one() {
        error_of(
            &format!(
                "{LAYERS}\n[[layer]]\nname = \"db\"\nmodules = [\"app.db\"]\nmay-import = [\"model\"]\n"
            ),
            &[
                "`may-import` in [[layer]] \"db\" names an unknown layer `model`",
                "gate.toml:12:15",
                "did you mean `models`?",
            ],
        );
    }

    #[test]
    fn may_import_of_a_later_layer_is_accepted() {
        let config = load_gate(&format!(
            "[[layer]]\nname = \"top\"\nmodules = [\"app.top\"]\nmay-import = [\"models\"]\n\n{LAYERS}"
        ))
        .unwrap();
        assert_eq!(
            config.layers[0].may_import,
            Some(vec!["models".to_string()])
        );
    }

    #[test]
    fn may_import_of_itself_is_refused() {
        error_of(
            "[[layer]]\nname = \"api\"\nmodules = [\"app.api\"]\nmay-import = [\"api\"]\n",
            &[
                "layer `api` lists itself in `may-import`",
                "gate.toml:4:15",
                "always allowed",
            ],
        );
    }

    #[test]
    fn a_layer_needs_modules_or_paths() {
        error_of(
            "[[layer]]\nname = \"api\"\nmodules = []\n",
            &[
                "layer `api` has neither `modules` nor `paths`",
                "gate.toml:1:1",
            ],
        );
    }

    #[test]
    fn a_bad_module_pattern_reports_its_reason_at_the_string() {
        error_of(
            "[[layer]]\nname = \"api\"\nmodules = [\"app.api\", \"app..api\"]\n",
            &[
                "invalid module pattern `app..api`: it has an empty segment",
                "gate.toml:3:23",
            ],
        );
        error_of(
            "[[rule]]\nkind = \"forbidden-import\"\nname = \"f\"\nfrom = [\"app/api\"]\nto = [\"os\"]\n",
            &[
                "invalid module pattern `app/api`",
                "gate.toml:4:9",
                "use `paths`",
            ],
        );
    }

    #[test]
    fn a_bad_glob_reports_its_reason_at_the_string() {
        error_of(
            "[project]\nexclude = [\"**/migrations/**\", \"app/[abc\"]\n",
            &[
                "invalid glob `app/[abc`: unclosed character class",
                "gate.toml:2:32",
            ],
        );
    }

    #[test]
    fn a_string_instead_of_a_list_suggests_brackets() {
        error_of(
            "[project]\nroots = \"backend\"\n",
            &[
                "`roots` in [project] must be an array of strings, found a string",
                "gate.toml:2:9",
                "write `roots = [\"backend\"]`",
            ],
        );
    }

    #[test]
    fn a_wrong_item_type_points_at_the_item() {
        error_of(
            "[project]\ninclude = [\"app\", 3]\n",
            &[
                "every item of `include` in [project] must be a string, found an integer",
                "gate.toml:2:19",
            ],
        );
    }

    #[test]
    fn a_single_bracket_layer_table_asks_for_double_brackets() {
        error_of(
            "[layer]\nname = \"api\"\nmodules = [\"app.api\"]\n",
            &[
                "`layer` at the top level must be an array of tables, found a table",
                "write `[[layer]]`",
            ],
        );
    }

    #[test]
    fn a_bad_severity_names_the_accepted_values() {
        error_of(
            "[[rule]]\nkind = \"forbidden-import\"\nname = \"f\"\nfrom = [\"app\"]\nto = [\"os\"]\nseverity = \"fatal\"\n",
            &[
                "invalid value `fatal` for `severity` in [[rule]] \"f\": expected `error` or `warning`",
                "gate.toml:6:12",
            ],
        );
    }

    #[test]
    fn a_bad_imports_value_suggests_the_closest() {
        error_of(
            "[[rule]]\nkind = \"forbidden-import\"\nname = \"f\"\nfrom = [\"app\"]\nto = [\"os\"]\nimports = \"module_level\"\n",
            &[
                "invalid value `module_level` for `imports`",
                "expected `all`, `runtime` or `module-level`",
                "gate.toml:6:11",
                "did you mean `module-level`?",
            ],
        );
    }

    #[test]
    fn a_bad_type_checking_imports_value_names_the_accepted_ones() {
        error_of(
            "[project]\ntype-checking-imports = \"sometimes\"\n",
            &[
                "`sometimes`",
                "gate.toml:2:25",
                "expected `ignore` or `check`",
            ],
        );
    }

    #[test]
    fn a_toml_syntax_error_keeps_tomls_message_and_position() {
        let error = load_gate("[project]\nroots = [\".\"\n").unwrap_err();
        assert!(matches!(error, ConfigError::Syntax(_)));
        let diagnostic = error.diagnostic().unwrap();
        assert_eq!((diagnostic.line, diagnostic.column), (2, 13));
        assert!(
            error
                .to_string()
                .starts_with("error: invalid TOML: unclosed array, expected `]`\n"),
            "{error}"
        );
    }

    #[test]
    fn a_layers_rule_without_layers_is_refused() {
        error_of(
            "[[rule]]\nkind = \"layers\"\nname = \"arch\"\n",
            &[
                "rule `arch` of kind `layers` has no layers to check",
                "gate.toml:2:8",
                "[[layer]]",
            ],
        );
    }

    #[test]
    fn a_second_layers_rule_is_refused() {
        error_of(
            &format!(
                "{LAYERS}\n[[rule]]\nkind = \"layers\"\nname = \"a\"\n\n[[rule]]\nkind = \"layers\"\nname = \"b\"\n"
            ),
            &[
                "a second rule of kind `layers`",
                "gate.toml:14:8",
                "already configured on line 10",
            ],
        );
    }

    #[test]
    fn rule_names_are_kebab_case() {
        error_of(
            "[[rule]]\nkind = \"private-module\"\nname = \"No_Internals\"\nmodules = [\"a.*.internal\"]\n",
            &[
                "invalid rule name `No_Internals`",
                "gate.toml:3:8",
                "did you mean `no-internals`?",
            ],
        );
    }

    #[test]
    fn always_on_rule_names_are_reserved() {
        error_of(
            "[[rule]]\nkind = \"private-module\"\nname = \"syntax-error\"\nmodules = [\"a.*.internal\"]\n",
            &[
                "rule name `syntax-error` is taken by the always-on rule",
                "gate.toml:3:8",
            ],
        );
    }

    #[test]
    fn a_rule_named_layers_clashes_with_the_default_layers_rule() {
        error_of(
            &format!(
                "{LAYERS}\n[[rule]]\nkind = \"private-module\"\nname = \"layers\"\nmodules = [\"a.*.internal\"]\n"
            ),
            &[
                "rule name `layers` is taken by the layers rule",
                "gate.toml:11:8",
            ],
        );
    }

    #[test]
    fn an_empty_list_that_would_disable_a_setting_is_refused() {
        error_of(
            "[project]\nroots = []\n",
            &["`roots` in [project] must not be empty", "gate.toml:2:9"],
        );
        error_of(
            "[[rule]]\nkind = \"forbidden-import\"\nname = \"f\"\nfrom = [\"app\"]\nto = []\n",
            &["`to` in [[rule]] \"f\" must not be empty", "gate.toml:5:6"],
        );
    }

    /// The fixtures for the CLI's tests state their expected message in
    /// their README; keep both in step with the loader.
    #[test]
    fn every_config_error_fixture_gives_the_message_of_its_readme() {
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/config_errors");
        let mut seen = 0;
        for entry in std::fs::read_dir(&fixtures).unwrap() {
            let case = entry.unwrap().path();
            let readme = std::fs::read_to_string(case.join("README.md")).unwrap();
            let expected: Vec<&str> = readme
                .split("```text\n")
                .nth(1)
                .and_then(|block| block.split("```").next())
                .expect("a ```text block")
                .lines()
                .collect();
            let text = std::fs::read_to_string(case.join("gate.toml")).unwrap();
            let error = load_gate(&text).unwrap_err().to_string();
            let first_two: Vec<&str> = error.lines().take(2).collect();
            assert_eq!(first_two, expected, "{}", case.display());
            seen += 1;
        }
        assert!(seen >= 6, "only {seen} fixtures");
    }

    const CAPTURES: &str = "[[rule]]\nkind = \"forbidden-import\"\nname = \"f\"\n";

    #[test]
    fn captures_bound_in_from_may_be_used_in_to() {
        let config = load_gate(&format!(
            "{CAPTURES}from = [\"app.domains.{{d}}.drivers\", \"app.{{d}}\"]\n\
             to = [\"app.domains.{{!d}}\", \"app.{{d}}.internal\"]\ntransitive = true\n"
        ))
        .unwrap();
        let RuleOptions::ForbiddenImport(options) = &config.rules[0].options else {
            panic!("{:?}", config.rules);
        };
        assert_eq!(
            patterns(&options.to),
            ["app.domains.{!d}", "app.{d}.internal"]
        );
        assert!(options.from.iter().all(ModulePattern::has_captures));
        assert!(options.transitive);
    }

    #[test]
    fn a_capture_in_to_that_from_does_not_bind_is_refused() {
        error_of(
            &format!("{CAPTURES}from = [\"app.{{d}}\"]\nto = [\"app.x\", \"app.{{!e}}\"]\n"),
            &[
                "capture `{!e}` in `to` in [[rule]] \"f\" is not bound by any `from` pattern",
                "gate.toml:5:16",
                "help: the `from` patterns bind `{d}`",
            ],
        );
        error_of(
            &format!("{CAPTURES}from = [\"app\"]\nto = [\"app.{{d}}\"]\n"),
            &[
                "capture `{d}` in `to`",
                "gate.toml:5:7",
                "bind it with a `{d}` segment in a `from` pattern",
            ],
        );
    }

    #[test]
    fn captures_in_except_are_refused() {
        error_of(
            &format!(
                "{CAPTURES}from = [\"app.{{d}}\"]\nexcept = [\"app.x\", \"app.{{d}}.tests\"]\n\
                 to = [\"app.{{!d}}\"]\n"
            ),
            &[
                "`except` in [[rule]] \"f\" cannot use captures: `app.{d}.tests`",
                "gate.toml:5:20",
                "write `*` for any one segment",
            ],
        );
    }

    #[test]
    fn captures_outside_forbidden_import_are_refused() {
        error_of(
            "[[layer]]\nname = \"api\"\nmodules = [\"app.{d}.api\"]\n",
            &[
                "`modules` in [[layer]] \"api\" cannot use captures: `app.{d}.api`",
                "gate.toml:3:12",
                "write `*` for any one segment",
            ],
        );
        error_of(
            "[[rule]]\nkind = \"max-lines\"\nname = \"m\"\nmax = 9\nin = [\"app.{x}\"]\n",
            &["`in` in [[rule]] \"m\" cannot use captures: `app.{x}`"],
        );
    }

    #[test]
    fn a_negated_capture_in_from_is_refused() {
        error_of(
            &format!("{CAPTURES}from = [\"app.{{!d}}\"]\nto = [\"app.{{d}}\"]\n"),
            &[
                "`{!d}` in `from` in [[rule]] \"f\"",
                "gate.toml:4:9",
                "bind the segment with `{d}` here, and write `{!d}` in `to`",
            ],
        );
    }
}
