//! ## What it does
//! Reports calls that write to the database (`session.add`, `session.commit`,
//! `session.execute(insert(...))`, ...) inside the modules listed in `in`.
//!
//! A call counts when it is `<receiver>.<method>(...)` (also under `await`)
//! with `method` in `methods` and a receiver that is a session:
//! - its dotted text (`self.session`) or its last name (`db_session`)
//!   matches a glob of `receivers`; or
//! - it is bound in the same function, before the call, to a call of a
//!   session factory: `s = Session()`, `with get_session() as db:`,
//!   `async with AsyncSession(engine) as s:`. A factory is a callee whose
//!   last name matches `*Session*`, `*session*` or `*_db` (`Session`,
//!   `AsyncSession`, `SessionLocal`, `get_session`, `session_scope`,
//!   `get_db`). A name bound at module level counts in every function, as a
//!   global does; `self.x` bound in another method of the same class counts
//!   too.
//!
//! A receiver bound to an HTTP or cloud client (a callee that resolves into
//! `requests`, `aiohttp`, `httpx`, `urllib3`, `boto3` or `botocore`, such as
//! `aiohttp.ClientSession()`) is never a session, whatever its name:
//! `await http_session.delete(url)` is an HTTP request.
//!
//! `execute` (and `exec`, `executemany`, `scalar`, `scalars` when listed in
//! `methods`) counts only when it runs a write statement: its first argument
//! is a call of `insert`, `update` or `delete` (`sa.insert(T)`,
//! `pg_insert(T).on_conflict_do_nothing()` through its import,
//! `T.__table__.delete()`), SQL text starting with `INSERT`, `UPDATE`,
//! `DELETE`, `MERGE`, `REPLACE`, `UPSERT` or `TRUNCATE` (any case, after
//! whitespace), or a name bound in the same function to such a call
//! (`stmt = update(T).values(...)`). With `ddl = true`, SQL text that
//! changes the schema (`CREATE`, `ALTER`, `DROP`, `RENAME`, `COMMENT`,
//! `GRANT`, `REVOKE`) counts too.
//!
//! SQL text is read from a string literal, the literal start of an f-string,
//! the left operand of `+` or `%` (`"UPDATE t SET " + columns`,
//! `"DELETE FROM t WHERE id = %s" % key`), `"...".format(...)`, and through
//! wrapper calls up to four deep: `text("...")` (`sa.text`, ...) whatever
//! the literal, any other call (`sql_text("UPDATE …")`,
//! `wrap(text("…"))`) when the literal opens with an SQL keyword. SQL that
//! opens with a `WITH` clause, text held in a variable, or a statement built
//! elsewhere is not followed.
//!
//! The legacy bulk writes `<session>.query(T)....delete()` and
//! `....update({...})` count whenever the `query` receiver is a session.
//!
//! ## Django
//! With `"django"` in `orm` (the default), Django's writes count too,
//! recognised by the shape of the receiver rather than by `methods` and
//! `receivers`:
//! - a manager write `X.objects.create(...)`, `.get_or_create`,
//!   `.update_or_create`, `.bulk_create`, `.bulk_update`, `.update`,
//!   `.delete` (the manager is an attribute `objects`, `_default_manager` or
//!   `_base_manager` of a name chain other than `self`, which cannot reach a
//!   manager);
//! - the same methods at the end of a queryset chain rooted at a manager:
//!   `X.objects.filter(...).exclude(...).update(...)`, `.delete()`;
//! - `obj.save()` and `obj.delete()` where `obj` is bound (as a session is,
//!   above) to a manager call or a chain rooted at one
//!   (`obj = X.objects.get(pk=1)`), or to an instantiation of a Django model
//!   (`obj = Device(...)`, a class of the project with a base whose last
//!   name is `Model`, directly or through other classes of the project).
//! - `execute`, `executemany` (and the other `execute`-like methods) of a
//!   DB-API cursor, as Django's raw SQL runs (`with connection.cursor() as
//!   cursor: cursor.execute("UPDATE …")`), when the SQL text writes: the
//!   receiver is named `cursor` or `*_cursor`, or bound to a call of
//!   `cursor()`.
//!
//! So `data.update(...)`, `cache.delete(key)`, `form.errors.update(...)`,
//! `exclude_columns.update(...)` and `self.objects.update(...)` are not
//! writes. A model instance that arrives as a parameter (`def f(device):
//! device.save()`) is not followed.
//!
//! ## SQLAlchemy
//! With `"sqlalchemy"` in `orm` (the default), the session writes above.
//! Both are on by default: Django's forms are recognised by shape and do not
//! fire on dicts, sets, caches or forms, and SQLAlchemy's need a session
//! receiver, so a project that uses one ORM pays nothing for the other.
//!
//! Calls under `if TYPE_CHECKING:` never run and are skipped. A call on an
//! expression that is not a name (`get_session().add(x)`) is not followed.
//!
//! ## Why is this bad
//! Route handlers that write rows themselves bypass the service layer that
//! owns transactions, validation and auditing; two writers of one table drift
//! apart. A grep for `session.add` also fires on comments, strings and
//! `seen.add(x)`; this rule reads the calls and their receivers.
//!
//! ## Example
//! ```toml
//! [[rule]]
//! kind = "db-write"
//! name = "api-no-db-writes"
//! in = ["app.api"]
//! message = "database writes belong to the services layer"
//! ```
//! ```python
//! # app/api/incidents.py
//! async def create(payload, session):
//!     session.add(Incident(**payload))          # reported: `session.add`
//!     await session.commit()                     # reported: `session.commit`
//!     await session.execute(select(Incident))    # fine: a read
//!     seen.add(payload["id"])                    # fine: not a session
//!
//! def purge(engine):
//!     with Session(engine) as s:
//!         s.execute(delete(Incident))            # reported: `s.execute`
//! ```
//!
//! ## Options
//! - `in` (module patterns, required unless `paths` is given): where writes are forbidden.
//! - `paths` (path globs relative to the config's folder, such as `tools/**`):
//!   files looked at by their path as well, whatever their module: the way to
//!   name files that lie outside every source root, which have no module.
//! - `except` (module patterns): modules exempt from the rule.
//! - `methods` (list of names, default `add`, `add_all`, `commit`, `delete`,
//!   `merge`, `flush`, `bulk_save_objects`, `bulk_insert_mappings`,
//!   `bulk_update_mappings`, `execute`): the methods that write.
//! - `receivers` (list of globs, default `session`, `*session`, `db`, `*_db`,
//!   `self.session`, `self.db`): matched against the receiver's dotted text
//!   and against its last name; `*` matches any run of characters.
//! - `orm` (list of `sqlalchemy`, `django`, default both): the ORMs whose
//!   writes count; `methods` and `receivers` apply to SQLAlchemy's.
//! - `ddl` (boolean, default `false`): SQL text that changes the schema
//!   counts as a write.
//! - `name`, `message`, `severity` as for every rule.

use std::sync::Arc;

use super::writes::{DEFAULT_WRITE_METHODS, DEFAULT_WRITE_RECEIVERS, Writes};
use crate::diagnostic::Diagnostic;
use crate::facts::FactSet;
use crate::rules::Context;
use crate::rules::{Check, Rule, RuleKind};
use crate::settings::read::{names_or, refuse_empty, scope};
use crate::settings::{Scope, Table};
use crate::violation::Violation;

/// The ORMs whose writes `db-write` recognises.
pub const DEFAULT_ORMS: &[&str] = &["sqlalchemy", "django"];

/// The `db-write` rule kind.
pub struct DbWrite;

impl RuleKind for DbWrite {
    fn name(&self) -> &'static str {
        "db-write"
    }

    fn facts(&self) -> FactSet {
        FactSet::CALLS
            .with(FactSet::BINDINGS)
            .with(FactSet::SYMBOLS)
    }

    fn source(&self) -> &'static str {
        include_str!("db_write.rs")
    }

    fn keys(&self) -> &'static [&'static str] {
        &[
            "in",
            "paths",
            "except",
            "methods",
            "receivers",
            "orm",
            "ddl",
        ]
    }

    fn read(&self, table: &Table<'_>) -> Result<Arc<dyn Check>, Diagnostic> {
        Ok(Arc::new(read_options(table)?))
    }
}

#[derive(Clone, Debug)]
pub struct DbWriteOptions {
    pub scope: Scope,
    /// `execute` counts only with an insert/update/delete argument.
    pub methods: Vec<String>,
    pub receivers: Vec<String>,
    pub sqlalchemy: bool,
    pub django: bool,
    /// Schema changes in SQL text (`CREATE`, `ALTER`, `DROP`, ...) count.
    pub ddl: bool,
}

/// Reads the options of one `[[rule]]` table of kind `db-write`.
fn read_options(table: &Table<'_>) -> Result<DbWriteOptions, Diagnostic> {
    let orms = match table.strings("orm")? {
        Some(list) => {
            refuse_empty(table, "orm", list.span(), list.get_ref().is_empty())?;
            for orm in list.get_ref() {
                if !DEFAULT_ORMS.contains(orm.get_ref()) {
                    return Err(table
                        .source
                        .error(
                            orm.span(),
                            format!("unknown ORM `{}` {}", orm.get_ref(), table.place),
                        )
                        .with_help("`orm` takes `sqlalchemy` and `django`".to_string()));
                }
            }
            list.get_ref().iter().map(|orm| *orm.get_ref()).collect()
        }
        None => DEFAULT_ORMS.to_vec(),
    };
    Ok(DbWriteOptions {
        scope: scope(table, true)?,
        methods: names_or(table, "methods", DEFAULT_WRITE_METHODS)?,
        receivers: names_or(table, "receivers", DEFAULT_WRITE_RECEIVERS)?,
        sqlalchemy: orms.contains(&"sqlalchemy"),
        django: orms.contains(&"django"),
        ddl: table.boolean("ddl")?.unwrap_or(false),
    })
}

impl Check for DbWriteOptions {
    fn check(&self, context: &Context<'_>, rule: &Rule) -> Vec<Violation> {
        check(context, rule, self)
    }
}

fn check(context: &Context<'_>, rule: &Rule, options: &DbWriteOptions) -> Vec<Violation> {
    let mut writes = Writes::new(
        options.methods.iter().map(String::as_str),
        options.receivers.iter().map(String::as_str),
    );
    writes.sqlalchemy = options.sqlalchemy;
    writes.django = options.django;
    writes.ddl = options.ddl;
    let mut violations = Vec::new();
    for (index, file, facts) in context.files.iter() {
        if !options.scope.covers(file.module.as_deref(), &file.path) {
            continue;
        }
        let symbols = context.symbols(index);
        let place = file.module.as_deref().unwrap_or(&file.path);
        for position in 0..facts.calls.len() {
            let Some(write) = writes.write_at(facts, position, symbols) else {
                continue;
            };
            let call = &facts.calls[position];
            let text = format!("`{}()` writes to the database in `{place}`", write.subject);
            violations.push(context.violation(
                rule,
                index,
                call.span,
                &call.scope,
                &write.subject,
                text,
            ));
        }
    }
    violations
}
