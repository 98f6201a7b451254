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

use super::calls::{binding_before, bound_call, call_within, chain_root};
use crate::diagnostic::Diagnostic;
use crate::dotted;
use crate::facts::{Argument, Binding, Call, FactSet, FileFacts, MODULE_SCOPE};
use crate::rules::Context;
use crate::rules::{Check, Rule, RuleKind};
use crate::settings::pattern::glob_matches;
use crate::settings::read::{names_or, refuse_empty, scope};
use crate::settings::{Scope, Table};
use crate::symbols::Symbols;
use crate::violation::Violation;

/// Globs on the last name of a callee whose result is a session.
const SESSION_FACTORIES: &[&str] = &["*Session*", "*session*", "*_db"];

/// Packages whose "sessions" are HTTP or cloud clients, not databases.
const FOREIGN_PACKAGES: &[&str] = &[
    "requests", "aiohttp", "httpx", "urllib3", "boto3", "botocore",
];

/// Methods that write only when their statement does.
const STATEMENT_METHODS: &[&str] = &["execute", "exec", "executemany", "scalar", "scalars"];

/// Last names of the callees that build a write statement.
const STATEMENT_BUILDERS: &[&str] = &["insert", "update", "delete"];

/// The legacy `Query` methods that write every row the query selects.
const QUERY_WRITES: &[&str] = &["delete", "update"];

/// First words of SQL text that writes.
const WRITE_SQL: &[&str] = &[
    "INSERT", "UPDATE", "DELETE", "MERGE", "REPLACE", "UPSERT", "TRUNCATE",
];

/// First words of SQL text that changes the schema: writes with `ddl = true`.
const DDL_SQL: &[&str] = &[
    "CREATE", "ALTER", "DROP", "RENAME", "COMMENT", "GRANT", "REVOKE",
];

/// Last names of the callees that open a DB-API cursor (`connection.cursor()`).
const CURSOR_FACTORIES: &[&str] = &["cursor"];

/// Globs on the last name of a receiver that is a DB-API cursor.
const CURSOR_NAMES: &[&str] = &["cursor", "*_cursor"];

/// Django manager and queryset methods that write.
pub const DJANGO_WRITES: &[&str] = &[
    "create",
    "get_or_create",
    "update_or_create",
    "bulk_create",
    "bulk_update",
    "update",
    "delete",
];

/// The attributes of a Django model class that are managers.
const DJANGO_MANAGERS: &[&str] = &["objects", "_default_manager", "_base_manager"];

/// Django model instance methods that write.
const DJANGO_INSTANCE_WRITES: &[&str] = &["save", "delete"];

/// How many classes of the project a model base is looked for through.
const MAX_MODEL_DEPTH: usize = 8;

/// The ORMs whose writes `db-write` recognises.
pub const DEFAULT_ORMS: &[&str] = &["sqlalchemy", "django"];

/// Methods that write through a session, by default.
pub const DEFAULT_WRITE_METHODS: &[&str] = &[
    "add",
    "add_all",
    "commit",
    "delete",
    "merge",
    "flush",
    "bulk_save_objects",
    "bulk_insert_mappings",
    "bulk_update_mappings",
    "execute",
];

/// Receivers that are sessions, by default (globs on the receiver's dotted
/// text or its last name).
pub const DEFAULT_WRITE_RECEIVERS: &[&str] = &[
    "session",
    "*session",
    "db",
    "*_db",
    "self.session",
    "self.db",
];

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

/// A call that writes to the database.
pub(super) struct Write<'f> {
    /// The callee as written (`session.add`), or `session.query(...).delete`
    /// for a bulk write on a query.
    pub subject: String,
    pub target: Target<'f>,
}

/// Where a write names what it writes.
pub(super) enum Target<'f> {
    /// The first argument of the write call itself (`session.add(row)`,
    /// `session.bulk_insert_mappings(T, rows)`).
    Argument(Option<&'f Argument>),
    /// The statement the write runs (`insert(T)`, `T.__table__.delete()`);
    /// `None` when only its callee is known.
    Statement(Option<&'f Call>),
    /// The `<session>.query(T)` call a bulk write starts from.
    Query(&'f Call),
    /// SQL text, whose table is not read.
    Sql,
    /// The model class as written (`Device` for `Device.objects.create()`).
    Model(&'f str),
}

/// Which calls write: the methods and receivers of a `db-write` rule.
pub(super) struct Writes<'o> {
    methods: Vec<&'o str>,
    receivers: Vec<&'o str>,
    /// SQLAlchemy session writes count.
    pub sqlalchemy: bool,
    /// Django manager, queryset and model writes, and SQL run by a DB-API
    /// cursor, count.
    pub django: bool,
    /// SQL text that changes the schema counts.
    pub ddl: bool,
}

impl<'o> Writes<'o> {
    pub(super) fn new(
        methods: impl IntoIterator<Item = &'o str>,
        receivers: impl IntoIterator<Item = &'o str>,
    ) -> Self {
        Writes {
            methods: methods.into_iter().collect(),
            receivers: receivers.into_iter().collect(),
            sqlalchemy: true,
            django: true,
            ddl: false,
        }
    }

    /// The write made by `facts.calls[index]`, if it is one.
    pub(super) fn write_at<'f>(
        &self,
        facts: &'f FileFacts,
        index: usize,
        symbols: &Symbols<'_>,
    ) -> Option<Write<'f>> {
        let call = &facts.calls[index];
        if call.type_checking {
            return None;
        }
        let Some(callee) = call.callee.as_deref() else {
            return self.query_write(facts, index, symbols);
        };
        let (receiver, method) = dotted::split_last(callee)?;
        if self.django
            && let Some(write) = django_write(facts, call, callee, receiver, method, symbols)
        {
            return Some(write);
        }
        if self.django
            && STATEMENT_METHODS.contains(&method)
            && is_cursor(facts, receiver, call)
            && let Some(target) = self.write_statement(facts, index, symbols)
        {
            return Some(Write {
                subject: callee.to_string(),
                target,
            });
        }
        if !self.sqlalchemy
            || !self.methods.contains(&method)
            || !self.is_session(facts, receiver, call, symbols)
        {
            return None;
        }
        let target = if STATEMENT_METHODS.contains(&method) {
            self.write_statement(facts, index, symbols)?
        } else {
            Target::Argument(call.first_arg.as_ref())
        };
        Some(Write {
            subject: callee.to_string(),
            target,
        })
    }

    /// The write statement that the `execute`-like call `facts.calls[index]`
    /// runs, or `None` when it runs none that is known to write.
    fn write_statement<'f>(
        &self,
        facts: &'f FileFacts,
        index: usize,
        symbols: &Symbols<'_>,
    ) -> Option<Target<'f>> {
        let call = &facts.calls[index];
        match call.first_arg.as_ref()? {
            Argument::Call(callee) => is_statement_builder(callee, &call.scope, symbols)
                .then(|| Target::Statement(call_within(&facts.calls, call.span, callee))),
            Argument::Str(sql) => self.is_write_sql(sql).then_some(Target::Sql),
            Argument::Name(name) => {
                let binding = binding_before(facts, name, &call.scope, call.span.start)?;
                is_statement_builder(&binding.callee, &binding.scope, symbols)
                    .then(|| Target::Statement(bound_call(facts, binding)))
            }
            Argument::Other => None,
        }
    }

    /// Whether SQL text starts with a keyword that writes (or, with `ddl`,
    /// changes the schema).
    fn is_write_sql(&self, sql: &str) -> bool {
        let word = first_sql_word(sql);
        let ddl: &[&str] = if self.ddl { DDL_SQL } else { &[] };
        WRITE_SQL
            .iter()
            .chain(ddl)
            .any(|keyword| keyword.eq_ignore_ascii_case(word))
    }

    /// `<session>.query(T)....delete()` or `.update(...)`.
    fn query_write<'f>(
        &self,
        facts: &'f FileFacts,
        index: usize,
        symbols: &Symbols<'_>,
    ) -> Option<Write<'f>> {
        let call = &facts.calls[index];
        let method = call.trailing_attribute.as_deref()?;
        let root = chain_root(&facts.calls, index)?;
        let root_callee = root.callee.as_deref()?;
        if self.django
            && DJANGO_WRITES.contains(&method)
            && let Some((manager, _)) = dotted::split_last(root_callee)
            && let Some(model) = manager_model(manager)
        {
            return Some(Write {
                subject: format!("{root_callee}(...).{method}"),
                target: Target::Model(model),
            });
        }
        if !self.sqlalchemy || !QUERY_WRITES.contains(&method) {
            return None;
        }
        let (receiver, "query") = root_callee.rsplit_once('.')? else {
            return None;
        };
        if !self.is_session(facts, receiver, root, symbols) {
            return None;
        }
        Some(Write {
            subject: format!("{receiver}.query(...).{method}"),
            target: Target::Query(root),
        })
    }

    /// Whether `receiver`, as used by `call`, is a database session.
    fn is_session(
        &self,
        facts: &FileFacts,
        receiver: &str,
        call: &Call,
        symbols: &Symbols<'_>,
    ) -> bool {
        if let Some(binding) = receiver_binding(facts, receiver, call) {
            let qualified = symbols.qualify(&binding.callee, &binding.scope);
            let package = qualified.split('.').next().unwrap_or_default();
            if FOREIGN_PACKAGES.contains(&package) {
                return false;
            }
            if is_session_factory(&binding.callee) {
                return true;
            }
        }
        self.receivers
            .iter()
            .any(|pattern| receiver_matches(pattern, receiver))
    }
}

/// A Django write by `call`, whose callee `callee` is `receiver.method`.
fn django_write<'f>(
    facts: &'f FileFacts,
    call: &Call,
    callee: &str,
    receiver: &'f str,
    method: &str,
    symbols: &Symbols<'_>,
) -> Option<Write<'f>> {
    if DJANGO_WRITES.contains(&method)
        && let Some(model) = manager_model(receiver)
    {
        return Some(Write {
            subject: callee.to_string(),
            target: Target::Model(model),
        });
    }
    if !DJANGO_INSTANCE_WRITES.contains(&method) {
        return None;
    }
    let binding = receiver_binding(facts, receiver, call)?;
    let target = if let Some((manager, _)) = dotted::split_last(&binding.callee)
        && let Some(model) = manager_model(manager)
    {
        Target::Model(model)
    } else if is_django_model(symbols, &binding.callee, &binding.scope, 0) {
        // The instantiation names the model.
        Target::Argument(None)
    } else {
        return None;
    };
    Some(Write {
        subject: callee.to_string(),
        target,
    })
}

/// `X` for a manager `X.objects` (or `_default_manager`, `_base_manager`)
/// of a name chain other than `self`.
fn manager_model(receiver: &str) -> Option<&str> {
    let (model, manager) = dotted::split_last(receiver)?;
    (DJANGO_MANAGERS.contains(&manager) && model != "self").then_some(model)
}

/// Whether `callee`, used in `scope`, is a class of the project with a base
/// whose last name is `Model`, directly or through other classes of the
/// project.
fn is_django_model(symbols: &Symbols<'_>, callee: &str, scope: &str, depth: usize) -> bool {
    if depth > MAX_MODEL_DEPTH {
        return false;
    }
    let qualified = symbols.qualify(callee, scope);
    let Some((class_symbols, class)) = symbols.class_def(&qualified) else {
        return false;
    };
    class.bases.iter().any(|base| {
        dotted::last_segment(base) == "Model"
            || is_django_model(&class_symbols, base, MODULE_SCOPE, depth + 1)
    })
}

/// Whether a `receivers` glob matches the receiver's dotted text or its last
/// name.
fn receiver_matches(pattern: &str, receiver: &str) -> bool {
    glob_matches(pattern, receiver) || glob_matches(pattern, dotted::last_segment(receiver))
}

fn is_session_factory(callee: &str) -> bool {
    let name = dotted::last_segment(callee);
    SESSION_FACTORIES
        .iter()
        .any(|pattern| glob_matches(pattern, name))
}

/// What `receiver` was bound to for `call`: the last binding before the
/// call in its own function; for `self.x`, else the first in another method
/// of the same class; else the last at module level.
fn receiver_binding<'f>(facts: &'f FileFacts, receiver: &str, call: &Call) -> Option<&'f Binding> {
    let named = || {
        facts
            .bindings
            .iter()
            .filter(move |binding| &*binding.target == receiver)
    };
    if let Some(binding) = binding_before(facts, receiver, &call.scope, call.span.start) {
        return Some(binding);
    }
    if receiver.starts_with("self.")
        && let Some((class, _)) = call.scope.rsplit_once('.')
        && let Some(binding) = named().find(|binding| {
            binding
                .scope
                .rsplit_once('.')
                .is_some_and(|(owner, _)| owner == class)
        })
    {
        return Some(binding);
    }
    if &*call.scope == MODULE_SCOPE {
        return None;
    }
    named()
        .rev()
        .find(|binding| &*binding.scope == MODULE_SCOPE)
}

/// Whether `callee`, as written or through the file's imports, is an
/// `insert`, `update` or `delete`.
fn is_statement_builder(callee: &str, scope: &str, symbols: &Symbols<'_>) -> bool {
    STATEMENT_BUILDERS.contains(&dotted::last_segment(callee))
        || STATEMENT_BUILDERS.contains(&dotted::last_segment(&symbols.qualify(callee, scope)))
}

/// The first word of SQL text, after whitespace and opening parentheses.
fn first_sql_word(sql: &str) -> &str {
    let sql = sql.trim_start_matches(|c: char| c.is_whitespace() || c == '(');
    let end = sql
        .find(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .unwrap_or(sql.len());
    &sql[..end]
}

/// Whether `receiver`, as used by `call`, is a DB-API cursor: named like one
/// (`cursor`, `db_cursor`) or bound to a `cursor()` call
/// (`with connection.cursor() as c:`).
fn is_cursor(facts: &FileFacts, receiver: &str, call: &Call) -> bool {
    let name = dotted::last_segment(receiver);
    CURSOR_NAMES
        .iter()
        .any(|pattern| glob_matches(pattern, name))
        || receiver_binding(facts, receiver, call).is_some_and(|binding| {
            CURSOR_FACTORIES.contains(&dotted::last_segment(&binding.callee))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receivers_match_the_whole_text_or_the_last_name() {
        assert!(receiver_matches("session", "session"));
        assert!(receiver_matches("session", "self.session"));
        assert!(receiver_matches("*session", "self.db_session"));
        assert!(receiver_matches("self.db", "self.db"));
        assert!(receiver_matches("*_db", "app.state.main_db"));
        assert!(!receiver_matches("session", "sessions"));
        assert!(!receiver_matches("*session", "seen_sessions"));
        assert!(!receiver_matches("db", "dbx"));
        assert!(!receiver_matches("*_db", "items"));
    }

    #[test]
    fn session_factories_are_recognised_by_their_last_name() {
        for factory in [
            "Session",
            "AsyncSession",
            "orm.Session",
            "SessionLocal",
            "get_session",
            "deps.get_async_session",
            "session_scope",
            "get_db",
        ] {
            assert!(is_session_factory(factory), "{factory}");
        }
        for other in ["set", "list", "defaultdict", "Redis", "connect", "dbm.open"] {
            assert!(!is_session_factory(other), "{other}");
        }
    }

    #[test]
    fn sql_writes_are_read_from_the_first_word() {
        let writes = Writes::new([], []);
        for sql in [
            "INSERT INTO t VALUES (1)",
            "  \n update t set x = 1",
            "DELETE FROM ",
            "(INSERT INTO t SELECT 1)",
            "Merge into t using s",
            "TRUNCATE",
        ] {
            assert!(writes.is_write_sql(sql), "{sql:?}");
        }
        for sql in [
            "SELECT * FROM t",
            "select insert_count from t",
            "WITH x AS (DELETE FROM t) SELECT 1",
            "INSERTED",
            "UPDATE_AT",
            "",
            "-- DELETE",
            "CREATE TABLE t (a int)",
            "drop index i",
        ] {
            assert!(!writes.is_write_sql(sql), "{sql:?}");
        }
    }

    #[test]
    fn schema_changes_are_writes_with_ddl() {
        let mut writes = Writes::new([], []);
        writes.ddl = true;
        for sql in [
            "CREATE TABLE t (a int)",
            "drop index i",
            "ALTER TABLE t ADD b int",
            "GRANT SELECT ON t TO r",
            "UPDATE t SET a = 1",
        ] {
            assert!(writes.is_write_sql(sql), "{sql:?}");
        }
        for sql in ["SELECT 1", "CREATED", "dropped"] {
            assert!(!writes.is_write_sql(sql), "{sql:?}");
        }
    }
}
