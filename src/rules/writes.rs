//! Which calls write to the database, as `db-write` reads them and
//! `model-ownership` reuses them: SQLAlchemy session writes and the
//! statements `execute` runs, SQL text, Django's managers, querysets, model
//! instances and DB-API cursors. `db-write`'s file documents the shapes.

use super::calls::{binding_before, bound_call, call_within, chain_root};
use crate::dotted;
use crate::facts::{Argument, Binding, Call, FileFacts, MODULE_SCOPE};
use crate::settings::pattern::glob_matches;
use crate::sql;
use crate::symbols::Symbols;

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
        let (word, _) = sql::first_word(sql);
        sql::is_one_of(word, sql::WRITE) || (self.ddl && sql::is_one_of(word, sql::SCHEMA))
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
    } else if symbols.derives_from(
        &symbols.qualify(&binding.callee, &binding.scope),
        &|base, _| dotted::last_segment(base) == "Model",
    ) {
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
