//! The `[[rule]]` tables: the keys every rule takes, its kind looked up in
//! the registry (`crate::rules::KINDS`), whose reader takes the kind's own
//! options; and the layers rule that `[[layer]]` tables imply.

use std::sync::Arc;

use toml::Spanned;

use crate::diagnostic::{Diagnostic, line_number};
use crate::rules::{self, Rule, RuleKind};
use crate::settings::read::UniqueNames;
use crate::settings::{Layer, Table};
use crate::suggest::{backticked, suggest_or_list};
use crate::violation::Severity;

/// Keys every rule takes.
const RULE_KEYS: &[&str] = &["kind", "name", "message", "severity"];

/// The name of the layers rule added when `[[layer]]` tables exist and no
/// `[[rule]]` of kind `layers` names it.
const DEFAULT_LAYERS_RULE: &str = "layers";

pub(super) fn rules(tables: &[Table<'_>], layers: &[Layer]) -> Result<Vec<Rule>, Diagnostic> {
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
        // The layers rule is named `layers` unless its table says otherwise,
        // as it is when there is no table at all.
        let name = match table.string("name")? {
            None if kind.name() == rules::layers::Layers.name() => {
                Spanned::new(kind_text.span(), DEFAULT_LAYERS_RULE)
            }
            name => table.required("name", name)?,
        };
        check_rule_name(table, &name)?;
        names.insert(table, &name)?;
        let message = table.string("message")?;
        let severity = table.choice(
            "severity",
            &[("error", Severity::Error), ("warning", Severity::Warning)],
        )?;
        let check = kind.read(table)?;
        if kind.name() == rules::layers::Layers.name() {
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
            kind,
            check,
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
            kind: &rules::layers::Layers,
            check: Arc::new(rules::layers::LayersOptions::default()),
        });
    }
    Ok(rules)
}

/// The kind named by `text`, or why there is none.
fn kind(table: &Table<'_>, text: &Spanned<&str>) -> Result<&'static dyn RuleKind, Diagnostic> {
    let name = *text.get_ref();
    let found = rules::kind(name);
    if let Some(kind) = found.filter(|kind| !kind.always_on()) {
        return Ok(kind);
    }
    let error = if found.is_some() {
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
fn check_rule_keys(table: &Table<'_>, kind: &dyn RuleKind) -> Result<(), Diagnostic> {
    let known: Vec<&str> = RULE_KEYS.iter().chain(kind.keys()).copied().collect();
    let Some(key) = table.unknown_key(&known) else {
        return Ok(());
    };
    if !rules::KINDS
        .iter()
        .any(|other| other.keys().contains(&key.get_ref().as_ref()))
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
                kind.name()
            ),
        )
        .with_help(suggest_or_list(
            key.get_ref(),
            kind.keys(),
            &format!("options of `{}`", kind.name()),
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
    if rules::kind(text).is_some_and(|kind| kind.always_on()) {
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

/// The kinds a `[[rule]]` table may name: every kind but the always-on ones.
fn kind_names() -> Vec<&'static str> {
    rules::KINDS
        .iter()
        .filter(|kind| !kind.always_on())
        .map(|kind| kind.name())
        .collect()
}
