//! ## What it does
//! Reports modules outside `owner` (and outside `allow`) that write an ORM
//! model owned by `owner`: they instantiate it, or pass it to a database
//! write.
//!
//! The models are the top-level classes defined in the modules matching
//! `models`, known by their qualified name (`acme.crm.orm.CampaignRow`),
//! except those whose bases resolve into `enum`, `pydantic` or `typing`, or
//! whose base names end in `Error` or `Exception`: enums, schemas and errors
//! often live beside the models. A top-level class anywhere in the project
//! whose base resolves to a model is a model too, with the same owner
//! (`class DeliveryCampaign(CampaignRow)` writes CRM's table).
//!
//! Names are resolved through the file's imports (`import acme.crm.orm as
//! orm`, `from ..orm import CampaignRow as Row`, imports inside functions).
//! A name imported from a package of the project resolves through the
//! package's `__init__` re-exports to the module that defines it, across
//! several levels: `from .devices import Device [as D]`, and `from .devices
//! import *`, which takes the names `__all__` lists when the module binds it
//! from literals, else the public ones.
//!
//! A write is:
//! - a call of a model: `CampaignRow(...)`, `orm.CampaignRow(...)`;
//! - a `db-write` call, with the default methods and receivers of that rule,
//!   that names a model: `session.execute(insert(CampaignRow))`,
//!   `update(CampaignRow)` / `delete(CampaignRow)` (also bound to a name in
//!   the same function first), `CampaignRow.__table__.delete()`,
//!   `session.query(CampaignRow).filter(...).delete()`,
//!   `session.bulk_insert_mappings(CampaignRow, rows)`, and
//!   `session.delete(row)` / `session.merge(row)` / `session.add(row)` where
//!   `row` is bound in the same function to a call whose first argument is
//!   the model or a `select(model)`: `row = session.get(CampaignRow, id)`,
//!   `row = session.scalars(select(CampaignRow)).one()`.
//!
//! `session.add(row)` after `row = CampaignRow(...)` is the instantiation's
//! write and is reported once, at the instantiation. Reading a model
//! (`session.query(CampaignRow)`, `select(CampaignRow)`, annotations,
//! `isinstance`) is fine; so is code under `if TYPE_CHECKING:`. Not
//! followed: SQL text (its table is not read), instances passed in as
//! parameters or returned by functions called without the model, and
//! attribute assignments on a loaded row (`row.name = ...`). Files outside
//! every source root have no module and are not checked.
//!
//! ## Why is this bad
//! A table with two writers has two sets of invariants: the owner validates,
//! audits and publishes events that the other writer skips. The audit says
//! "only CRM writes `crm_campaigns`; Delivery must call CRM's port", and
//! this rule keeps it true after the refactor.
//!
//! ## Example
//! ```toml
//! [[rule]]
//! kind = "model-ownership"
//! name = "crm-owns-campaigns"
//! models = ["acme.crm.orm"]
//! owner = ["acme.crm"]
//! allow = ["acme.seed"]
//! message = "call acme.crm.api.create_campaign"
//! ```
//! ```python
//! # acme/delivery/sender.py
//! from acme.crm.orm import CampaignRow as Row
//!
//! def schedule(session, data):
//!     session.add(Row(**data))                       # reported: creates the model
//!     session.execute(update(Row).values(sent=True))  # reported: writes it
//!     return session.query(Row).all()                # fine: a read
//! ```
//!
//! ## Options
//! - `models` (module patterns, required): the modules whose classes are the
//!   owned models.
//! - `owner` (module patterns, required): the modules that may write them.
//! - `allow` (module patterns): other modules that may write them (a
//!   composition root, seed scripts, tests).
//! - `name`, `message`, `severity` as for every rule.

use std::sync::Arc;

use super::writes::{DEFAULT_WRITE_METHODS, DEFAULT_WRITE_RECEIVERS};
use crate::diagnostic::Diagnostic;
use crate::rules::{Check, Rule, RuleKind};
use crate::settings::read::{module_patterns, required_module_patterns};
use crate::settings::{ModulePattern, Table};
use rustc_hash::FxHashSet;

use super::calls::{binding_before, bound_call, call_within};
use super::writes::{Target, Writes};
use crate::dotted;
use crate::facts::{Argument, Call, FactSet, FileFacts, MODULE_SCOPE};
use crate::rules::Context;
use crate::symbols::Symbols;
use crate::violation::Violation;

/// Packages whose classes are not ORM models, even beside them.
const NOT_MODEL_PACKAGES: &[&str] = &["enum", "pydantic", "typing", "typing_extensions"];

/// The `model-ownership` rule kind.
pub struct ModelOwnership;

impl RuleKind for ModelOwnership {
    fn name(&self) -> &'static str {
        "model-ownership"
    }

    fn facts(&self) -> FactSet {
        FactSet::CALLS
            .with(FactSet::BINDINGS)
            .with(FactSet::CLASSES)
            .with(FactSet::SYMBOLS)
    }

    fn source(&self) -> &'static str {
        include_str!("model_ownership.rs")
    }

    fn keys(&self) -> &'static [&'static str] {
        &["models", "owner", "allow"]
    }

    fn read(&self, table: &Table<'_>) -> Result<Arc<dyn Check>, Diagnostic> {
        Ok(Arc::new(read_options(table)?))
    }
}

#[derive(Clone, Debug)]
pub struct ModelOwnershipOptions {
    /// The modules whose classes are the owned models.
    pub models: Vec<ModulePattern>,
    /// The modules that may write them.
    pub owner: Vec<ModulePattern>,
    /// Other modules that may write them (a composition root, seed scripts).
    pub allow: Vec<ModulePattern>,
}

/// Reads the options of one `[[rule]]` table of kind `model-ownership`.
fn read_options(table: &Table<'_>) -> Result<ModelOwnershipOptions, Diagnostic> {
    Ok(ModelOwnershipOptions {
        models: required_module_patterns(table, "models")?,
        owner: required_module_patterns(table, "owner")?,
        allow: module_patterns(table, "allow")?,
    })
}

impl Check for ModelOwnershipOptions {
    fn check(&self, context: &Context<'_>, rule: &Rule) -> Vec<Violation> {
        check(context, rule, self)
    }
}

fn check(context: &Context<'_>, rule: &Rule, options: &ModelOwnershipOptions) -> Vec<Violation> {
    let models = models(context, &options.models);
    if models.is_empty() {
        return Vec::new();
    }
    let writes = Writes::new(
        DEFAULT_WRITE_METHODS.iter().copied(),
        DEFAULT_WRITE_RECEIVERS.iter().copied(),
    );
    let owners = options
        .owner
        .iter()
        .map(|pattern| format!("`{}`", pattern.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    let class_names: FxHashSet<&str> = models
        .iter()
        .map(|model| dotted::last_segment(model))
        .collect();
    let mut violations = Vec::new();
    for (index, file, facts) in context.files.iter() {
        let Some(module) = file.module.as_deref() else {
            continue;
        };
        if matches_any(&options.owner, module) || matches_any(&options.allow, module) {
            continue;
        }
        let symbols = context.symbols(index);
        let file_models = FileModels {
            context,
            facts,
            symbols,
            models: &models,
            class_names: &class_names,
        };
        for (position, call) in facts.calls.iter().enumerate() {
            if call.type_checking {
                continue;
            }
            let (model, text) = if let Some(model) = file_models.instantiated(call) {
                let text = format!("`{module}` creates `{model}`, owned by {owners}");
                (model, text)
            } else if let Some(write) = writes.write_at(facts, position, symbols)
                && let Some(model) = file_models.written(call, &write.target)
            {
                let text = format!(
                    "`{module}` writes `{model}`, owned by {owners}, through `{}()`",
                    write.subject
                );
                (model, text)
            } else {
                continue;
            };
            violations.push(context.violation(rule, index, call.span, &call.scope, &model, text));
        }
    }
    violations
}

fn matches_any(patterns: &[ModulePattern], module: &str) -> bool {
    patterns.iter().any(|pattern| pattern.matches(module))
}

/// The qualified names of the models: the top-level classes of the `models`
/// modules, then, until none is added, every top-level class with a model
/// among its bases.
fn models(context: &Context<'_>, patterns: &[ModulePattern]) -> FxHashSet<String> {
    // (qualified class, qualified bases, defined in a `models` module)
    let mut classes = Vec::new();
    for (index, file, facts) in context.files.iter() {
        let Some(module) = file.module.as_deref() else {
            continue;
        };
        let in_models = matches_any(patterns, module);
        for class in &facts.classes {
            if class.name.contains('.') || (!in_models && class.bases.is_empty()) {
                continue;
            }
            let bases: Vec<String> = class
                .bases
                .iter()
                .map(|base| {
                    context
                        .symbols(index)
                        .qualify(base, MODULE_SCOPE)
                        .into_owned()
                })
                .collect();
            classes.push((format!("{module}.{}", class.name), bases, in_models));
        }
    }
    let mut models: FxHashSet<String> = classes
        .iter()
        .filter(|(_, bases, in_models)| *in_models && !bases.iter().any(|b| is_not_a_model(b)))
        .map(|(name, _, _)| name.clone())
        .collect();
    loop {
        let before = models.len();
        for (name, bases, _) in &classes {
            if !models.contains(name) && bases.iter().any(|base| models.contains(base)) {
                models.insert(name.clone());
            }
        }
        if models.len() == before {
            return models;
        }
    }
}

/// Whether a class with this (qualified) base is an enum, a schema or an
/// error rather than a model.
fn is_not_a_model(base: &str) -> bool {
    let package = base.split('.').next().unwrap_or_default();
    let name = base.rsplit('.').next().unwrap_or_default();
    NOT_MODEL_PACKAGES.contains(&package) || name.ends_with("Error") || name.ends_with("Exception")
}

/// The models as one file names them.
struct FileModels<'a, 's> {
    context: &'a Context<'s>,
    facts: &'a FileFacts,
    symbols: &'a Symbols<'s>,
    models: &'a FxHashSet<String>,
    /// The models' class names, to skip resolving most callees: resolving
    /// a dotted name keeps its last segment, unless a re-export renames it.
    class_names: &'a FxHashSet<&'a str>,
}

impl FileModels<'_, '_> {
    /// The model that the dotted `name`, used in `scope`, stands for.
    fn model(&self, name: &str, scope: &str) -> Option<String> {
        if let Some(last) = self.context.kept_last_segment(name)
            && !self.class_names.contains(last)
        {
            return None;
        }
        let qualified = self.symbols.qualify(name, scope);
        // Every model is `module.Class`: an undotted name is none.
        if !qualified.contains('.') {
            return None;
        }
        self.models
            .contains(&*qualified)
            .then(|| qualified.into_owned())
    }

    /// The model whose table `name` is: the model itself, or `T.__table__`.
    fn table(&self, name: &str, scope: &str) -> Option<String> {
        self.model(name.strip_suffix(".__table__").unwrap_or(name), scope)
    }

    /// The model that `call` instantiates.
    fn instantiated(&self, call: &Call) -> Option<String> {
        self.model(call.callee.as_deref()?, &call.scope)
    }

    /// The model named by the first argument of `call`.
    fn first_argument(&self, call: &Call) -> Option<String> {
        match call.first_arg.as_ref()? {
            Argument::Name(name) => self.table(name, &call.scope),
            _ => None,
        }
    }

    /// The model that the write `call` writes, given what it writes.
    fn written(&self, call: &Call, target: &Target<'_>) -> Option<String> {
        match target {
            Target::Argument(Some(Argument::Name(name))) => self
                .model(name, &call.scope)
                .or_else(|| self.loaded(name, call)),
            Target::Argument(_) | Target::Statement(None) | Target::Sql => None,
            // `insert(T)`, `T.__table__.insert()`
            Target::Statement(Some(statement)) => self.first_argument(statement).or_else(|| {
                let (table, _) = statement.callee.as_deref()?.rsplit_once('.')?;
                self.table(table, &statement.scope)
            }),
            Target::Query(query) => self.first_argument(query),
            // `Device.objects.create(...)`, `device.save()` after
            // `device = Device.objects.get(...)`
            Target::Model(model) => self.model(model, &call.scope),
        }
    }

    /// The model of the row that `name` holds when `call` runs: bound in the
    /// same function to a call (or a method chain on a call) whose first
    /// argument is the model or a `select` of it. `None` when the row is a
    /// new instance, whose instantiation is already reported.
    fn loaded(&self, name: &str, call: &Call) -> Option<String> {
        let binding = binding_before(self.facts, name, &call.scope, call.span.start)?;
        if self.model(&binding.callee, &binding.scope).is_some() {
            return None;
        }
        let source = bound_call(self.facts, binding)?;
        match source.first_arg.as_ref()? {
            Argument::Name(model) => self.model(model, &source.scope),
            Argument::Call(select) if select.rsplit('.').next() == Some("select") => {
                let select = call_within(&self.facts.calls, source.span, select)?;
                self.first_argument(select)
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_schemas_and_errors_are_not_models() {
        for base in [
            "enum.Enum",
            "enum.StrEnum",
            "pydantic.BaseModel",
            "typing.NamedTuple",
            "Exception",
            "acme.crm.errors.CrmError",
        ] {
            assert!(is_not_a_model(base), "{base}");
        }
        for base in [
            "acme.db.Base",
            "sqlalchemy.orm.DeclarativeBase",
            "sqlmodel.SQLModel",
            "ErrorLogBase",
        ] {
            assert!(!is_not_a_model(base), "{base}");
        }
    }
}
