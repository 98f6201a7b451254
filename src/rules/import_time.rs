//! ## What it does
//! Reports calls that run when a module in `in` is imported. These are the
//! module-level call statements (`init_db()`) and the assignments whose value
//! is a call (`engine = create_engine(url)`), outside `if __name__ ==
//! "__main__":`, unless the callee is listed in `allow`.
//!
//! The callee is resolved through the file's imports, so `allow` and `deny`
//! patterns see `from sqlalchemy import create_engine as mk; mk(url)` as
//! `sqlalchemy.create_engine`. Only the statement's own call counts: the
//! calls in its arguments (`x = dict(a=load())`) are not looked at, and
//! neither are other values (`x = [f(n) for n in range(3)]`), decorators,
//! `def`, `class` and imports. The calls in the test of a module-level
//! `if`, `elif` or `while`, the iterable of a `for`, the items of a `with`
//! and an `assert` run too, and count the same way (`if os.getenv("X"):`
//! is allowed, `if settings.load():` is reported); so do the default values
//! of a module-level `def`'s parameters, evaluated when the `def` runs
//! (`def handler(db=connect()):` is reported, FastAPI's `Depends(get_db)`
//! is allowed).
//! Statements nested in top-level `if`/`try`/`with`/`for`/`while`/`match`
//! blocks count; statements under `if TYPE_CHECKING:` never run and do not.
//! A class of the project that derives from an allowed class imported from
//! elsewhere, directly or through other classes of the project, is allowed
//! too (`router = VersionedRouter()` after `class
//! VersionedRouter(APIRouter)`), unless `deny` names it; builtin bases
//! (`object`, `dict`) do not count.
//! Class bodies also run at import time, but their calls (`Column(...)`,
//! `Field(...)`, `mapped_column(...)`) are declarations by convention and are
//! not reported.
//!
//! A call whose callee is not a name chain is reported as `*.method` when it
//! calls a method of an expression (`get_app().configure()` is
//! `*.configure`, which `*.configure` or `configure` in `allow` or `deny`
//! match), and as `<call>` otherwise (`handlers[0]()`), which nothing in
//! `allow` matches.
//!
//! ## Why is this bad
//! Importing a module should define things, not do things. A database engine,
//! an HTTP client or a rate limiter created at import time is created by every
//! test, script and worker that imports the module (or anything that imports
//! it), before configuration is loaded, and in an order nobody chose. Startup
//! work belongs in a lifespan handler or a factory that is called on purpose.
//!
//! ## Example
//! ```toml
//! [[rule]]
//! kind = "import-time"
//! name = "no-startup-at-import"
//! in = ["app"]
//! extend-allow = ["fastapi.FastAPI"]
//! message = "move it into the lifespan handler"
//! ```
//! ```python
//! # app/main.py
//! import logging
//! from fastapi import FastAPI
//! from sqlalchemy import create_engine
//!
//! logger = logging.getLogger(__name__)   # fine: allowed by default
//! engine = create_engine(DATABASE_URL)   # reported: sqlalchemy.create_engine
//! app = FastAPI()                        # fine: listed in `extend-allow`
//! warm_cache()                           # reported: warm_cache
//!
//! def handler():
//!     return create_engine(DATABASE_URL)  # fine: runs when called
//!
//! if __name__ == "__main__":
//!     serve(app)                          # fine: only when run as a script
//! ```
//!
//! ## Options
//! - `in` (module patterns, required unless `paths` is given): the modules whose import-time calls
//!   are reported.
//! - `paths` (path globs relative to the config's folder, such as `tools/**`):
//!   files looked at by their path as well, whatever their module: the way to
//!   name files that lie outside every source root, which have no module.
//! - `except` (module patterns): modules exempt from the rule.
//! - `allow` (callee patterns, default: declarations, listed below): calls
//!   that are fine at import time; setting it replaces the defaults. A
//!   pattern matches the callee resolved through the imports or as written;
//!   a pattern without a dot names the last segment (`TypeVar` matches
//!   `typing.TypeVar`), and a leading `*` any receiver (`*.getChild`).
//! - `extend-allow` (callee patterns): added to `allow` (or to its defaults).
//! - `deny` (callee patterns, default `init_db`, `create_engine`,
//!   `connect`): calls reported even when `allow` matches them.
//! - `name`, `message`, `severity` as for every rule.
//!
//! ## Default allow-list
//! Calls that declare rather than do, fine at import time unless `deny`
//! names them:
//! - typing and the standard library: `logging.getLogger`, `TypeVar`,
//!   `ParamSpec`, `NewType`, `cast`, `namedtuple`, `NamedTuple`,
//!   `TypedDict`, `dataclass`, `field` (`dataclasses.field`), `Enum`,
//!   `IntEnum`, `StrEnum` (the functional API), `re.compile`, `timedelta`,
//!   `Decimal`, `Path`, `os.getenv`, `os.environ.get`, `TypeVarTuple`,
//!   `contextvars.ContextVar`, `threading.Lock`, `threading.RLock`,
//!   `functools.partial`, `datetime.datetime`, `datetime.date`,
//!   `pydantic.TypeAdapter`;
//! - pure builtins: `object`, `frozenset`, `set`, `dict`, `list`, `tuple`,
//!   `int`, `float`, `str`, `bool`, `bytes` (`int(2e10)`);
//! - SQLAlchemy: `Table`, `Column`, `mapped_column`, `relationship`,
//!   `ForeignKey`, `MetaData`;
//! - FastAPI, Starlette and Flask wiring: `APIRouter`, `Blueprint`,
//!   `include_router`, `add_middleware`, `add_exception_handler` (of any
//!   receiver: `app.include_router(...)`); route decorators are decorators,
//!   never reported;
//! - Django: `django.dispatch.Signal`, `django.template.Library` and the
//!   registration of template tags and filters on it (`register.tag`,
//!   `register.filter`, `register.simple_tag`, `register.inclusion_tag`);
//! - parameter declarations in default values: FastAPI's `Depends`,
//!   `Security`, `Query`, `Body`, `Header`, `Cookie`, `Form`, `File`, and
//!   `typer.Option`, `typer.Argument`.

use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::rules::{Check, Rule, RuleKind};
use crate::settings::read::{default_name_patterns, name_patterns, scope};
use crate::settings::{NamePatterns, Scope, Table};
use std::borrow::Cow;

use crate::facts::{FactSet, FileFacts, MODULE_SCOPE, ModuleStatement, StatementKind};
use crate::rules::Context;
use crate::symbols::Symbols;
use crate::violation::Violation;

/// The subject of a call whose callee is neither a name chain nor a method
/// of an expression.
const UNNAMED_CALL: &str = "<call>";

/// Calls that are fine at import time, by default.
pub const DEFAULT_IMPORT_TIME_ALLOW: &[&str] = &[
    // Declarations of the typing and standard library.
    "logging.getLogger",
    "TypeVar",
    "ParamSpec",
    "NewType",
    "cast",
    "namedtuple",
    "NamedTuple",
    "TypedDict",
    "dataclass",
    "field",
    "Enum",
    "IntEnum",
    "StrEnum",
    "re.compile",
    "timedelta",
    "Decimal",
    "Path",
    "os.getenv",
    "os.environ.get",
    "TypeVarTuple",
    "contextvars.ContextVar",
    "threading.Lock",
    "threading.RLock",
    "functools.partial",
    "datetime.datetime",
    "datetime.date",
    "pydantic.TypeAdapter",
    // Pure builtins.
    "object",
    "frozenset",
    "set",
    "dict",
    "list",
    "tuple",
    "int",
    "float",
    "str",
    "bool",
    "bytes",
    // SQLAlchemy declarations.
    "Table",
    "Column",
    "mapped_column",
    "relationship",
    "ForeignKey",
    "MetaData",
    // Web framework wiring.
    "APIRouter",
    "Blueprint",
    "include_router",
    "add_middleware",
    "add_exception_handler",
    // Django's signals and template tag libraries.
    "django.dispatch.Signal",
    "django.template.Library",
    "register.tag",
    "register.filter",
    "register.simple_tag",
    "register.inclusion_tag",
    // Parameter declarations, the default values of route and command
    // functions (FastAPI, Typer).
    "Depends",
    "Security",
    "Query",
    "Body",
    "Header",
    "Cookie",
    "Form",
    "File",
    "typer.Option",
    "typer.Argument",
];

/// Calls reported at import time even when `allow` matches them, by default.
pub const DEFAULT_IMPORT_TIME_DENY: &[&str] = &["init_db", "create_engine", "connect"];

/// The `import-time` rule kind.
pub struct ImportTime;

impl RuleKind for ImportTime {
    fn name(&self) -> &'static str {
        "import-time"
    }

    fn facts(&self) -> FactSet {
        FactSet::MODULE_STATEMENTS
            .with(FactSet::CALLS)
            .with(FactSet::SYMBOLS)
    }

    fn source(&self) -> &'static str {
        include_str!("import_time.rs")
    }

    fn keys(&self) -> &'static [&'static str] {
        &["in", "paths", "except", "allow", "extend-allow", "deny"]
    }

    fn read(&self, table: &Table<'_>) -> Result<Arc<dyn Check>, Diagnostic> {
        Ok(Arc::new(read_options(table)?))
    }
}

#[derive(Clone, Debug)]
pub struct ImportTimeOptions {
    pub scope: Scope,
    pub allow: NamePatterns,
    pub deny: NamePatterns,
}

/// Reads the options of one `[[rule]]` table of kind `import-time`.
fn read_options(table: &Table<'_>) -> Result<ImportTimeOptions, Diagnostic> {
    let mut allow = name_patterns(table, "allow")?
        .unwrap_or_else(|| default_name_patterns(DEFAULT_IMPORT_TIME_ALLOW));
    allow.extend(name_patterns(table, "extend-allow")?.unwrap_or_default());
    let deny = name_patterns(table, "deny")?
        .unwrap_or_else(|| default_name_patterns(DEFAULT_IMPORT_TIME_DENY));
    Ok(ImportTimeOptions {
        scope: scope(table, true)?,
        allow: NamePatterns::new(allow),
        deny: NamePatterns::new(deny),
    })
}

impl Check for ImportTimeOptions {
    fn check(&self, context: &Context<'_>, rule: &Rule) -> Vec<Violation> {
        check(context, rule, self)
    }
}

fn check(context: &Context<'_>, rule: &Rule, options: &ImportTimeOptions) -> Vec<Violation> {
    let mut violations = Vec::new();
    for (index, file, facts) in context.files.iter() {
        if !options.scope.covers(file.module.as_deref(), &file.path) {
            continue;
        }
        let mut statements = facts
            .module_statements
            .iter()
            .filter(|statement| runs_at_import(statement))
            .peekable();
        if statements.peek().is_none() {
            continue;
        }
        let symbols = context.symbols(index);
        let module = file.module.as_deref().unwrap_or(&file.path);
        for statement in statements {
            let callee = match &statement.callee {
                Some(written) => Callee::Named {
                    qualified: symbols.qualify(written, MODULE_SCOPE),
                    written,
                },
                None => match method_of_expression(facts, statement) {
                    Some(method) => Callee::Method(method),
                    None => Callee::Unnamed,
                },
            };
            if callee.is_fine(options) || is_declaration_subclass(symbols, &callee, options) {
                continue;
            }
            let subject = callee.subject();
            let text = match callee {
                Callee::Unnamed => {
                    format!("a call of a computed callee runs when `{module}` is imported")
                }
                _ => format!("`{subject}()` runs when `{module}` is imported"),
            };
            violations.push(context.violation(
                rule,
                index,
                statement.span,
                MODULE_SCOPE,
                &subject,
                text,
            ));
        }
    }
    violations
}

/// A call statement or an assignment of a call, which really runs: not under
/// the main guard, not type-only.
fn runs_at_import(statement: &ModuleStatement) -> bool {
    matches!(
        statement.kind,
        StatementKind::Call | StatementKind::AssignCall | StatementKind::HeaderCall
    ) && !statement.main_guard
        && !statement.type_checking
}

/// What a module-level statement calls.
enum Callee<'a> {
    /// A name chain: as resolved through the imports, and as written.
    Named {
        qualified: Cow<'a, str>,
        written: &'a str,
    },
    /// A method of an expression that is not a name chain (`a().b()`).
    Method(&'a str),
    /// Anything else (`get()()`, `handlers[0]()`).
    Unnamed,
}

impl Callee<'_> {
    /// Allowed and not denied.
    fn is_fine(&self, options: &ImportTimeOptions) -> bool {
        self.matches(&options.allow) && !self.matches(&options.deny)
    }

    fn matches(&self, patterns: &NamePatterns) -> bool {
        match self {
            Callee::Named { qualified, written } => {
                patterns.matches(qualified) || patterns.matches(written)
            }
            Callee::Method(method) => patterns
                .iter()
                .any(|pattern| pattern.matches_method_of_expression(method)),
            Callee::Unnamed => false,
        }
    }

    fn subject(&self) -> String {
        match self {
            Callee::Named { qualified, .. } => qualified.to_string(),
            Callee::Method(method) => format!("*.{method}"),
            Callee::Unnamed => UNNAMED_CALL.to_string(),
        }
    }
}

/// Whether the callee, not denied itself, is a class of the project that
/// derives from an allowed class imported from elsewhere, directly or
/// through other classes of the project (`VersionedRouter()` after `class
/// VersionedRouter(APIRouter)`). A builtin base (`object`, `dict`) does not
/// make a declaration of its subclasses: their `__init__` is the project's.
fn is_declaration_subclass(
    symbols: &Symbols<'_>,
    callee: &Callee<'_>,
    options: &ImportTimeOptions,
) -> bool {
    let Callee::Named { qualified, .. } = callee else {
        return false;
    };
    !callee.matches(&options.deny)
        && symbols.derives_from(qualified, &|written, base| {
            let imported = base.contains('.');
            imported
                && Callee::Named {
                    qualified: Cow::Borrowed(base),
                    written,
                }
                .matches(&options.allow)
        })
}

/// The method called by a statement whose callee is not a name chain
/// (`configure` for `app = get_app().configure()`). The statement's own call
/// is the one inside it that ends last (its value comes after its targets),
/// and the first of those in source order (the outermost).
fn method_of_expression<'a>(facts: &'a FileFacts, statement: &ModuleStatement) -> Option<&'a str> {
    let span = statement.span;
    facts
        .calls
        .iter()
        .filter(|call| call.span.start >= span.start && call.span.end <= span.end)
        .rev()
        .max_by_key(|call| call.span.end)?
        .trailing_attribute
        .as_deref()
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::facts::Call;
    use crate::settings::{NamePattern, Scope};
    use crate::span::{Position, Span};

    fn patterns(texts: &[&str]) -> NamePatterns {
        NamePatterns::new(
            texts
                .iter()
                .map(|t| NamePattern::parse(t).unwrap())
                .collect(),
        )
    }

    fn defaults() -> ImportTimeOptions {
        ImportTimeOptions {
            scope: Scope::default(),
            allow: patterns(DEFAULT_IMPORT_TIME_ALLOW),
            deny: patterns(DEFAULT_IMPORT_TIME_DENY),
        }
    }

    fn named<'a>(qualified: &'a str, written: &'a str) -> Callee<'a> {
        Callee::Named {
            qualified: Cow::Borrowed(qualified),
            written,
        }
    }

    #[test]
    fn allow_matches_the_qualified_name_or_the_name_as_written() {
        let options = defaults();
        assert!(named("logging.getLogger", "log.getLogger").is_fine(&options));
        assert!(named("typing.TypeVar", "TypeVar").is_fine(&options));
        assert!(named("app.os.getenv", "os.getenv").is_fine(&options));
        assert!(!named("redis.Redis", "Redis").is_fine(&options));
        assert!(!Callee::Unnamed.is_fine(&options));
    }

    #[test]
    fn deny_wins_over_allow() {
        let options = ImportTimeOptions {
            allow: patterns(&["sqlalchemy.*", "*.connect"]),
            ..defaults()
        };
        assert!(named("sqlalchemy.MetaData", "MetaData").is_fine(&options));
        assert!(!named("sqlalchemy.create_engine", "create_engine").is_fine(&options));
        assert!(!named("sqlite3.connect", "sqlite3.connect").is_fine(&options));
        assert!(!Callee::Method("connect").is_fine(&options));
        let no_deny = ImportTimeOptions {
            deny: NamePatterns::default(),
            ..options
        };
        assert!(Callee::Method("connect").is_fine(&no_deny));
    }

    fn span(line: u32, start: u32, end: u32) -> Span {
        Span {
            start: Position {
                line,
                column: start,
            },
            end: Position { line, column: end },
        }
    }

    fn call(callee: Option<&str>, trailing: Option<&str>, span: Span) -> Call {
        Call {
            callee: callee.map(Into::into),
            trailing_attribute: trailing.map(Into::into),
            first_arg: None,
            span,
            scope: Arc::from(MODULE_SCOPE),
            awaited: false,
            in_function: false,
            type_checking: false,
        }
    }

    #[test]
    fn the_method_of_a_statement_is_that_of_its_outermost_last_call() {
        // child = logging.getLogger(__name__).getChild(key())
        let facts = FileFacts {
            calls: vec![
                call(Some("before"), None, span(1, 1, 9)),
                call(None, Some("getChild"), span(2, 9, 50)),
                call(Some("logging.getLogger"), None, span(2, 9, 36)),
                call(Some("key"), None, span(2, 46, 49)),
                call(None, Some("after"), span(3, 1, 9)),
            ],
            ..FileFacts::default()
        };
        let statement = |line, end| ModuleStatement {
            kind: StatementKind::AssignCall,
            callee: None,
            span: span(line, 1, end),
            main_guard: false,
            type_checking: false,
        };
        assert_eq!(
            method_of_expression(&facts, &statement(2, 50)),
            Some("getChild")
        );
        // `x[key()] = get()()`: the value's call ends last.
        let facts = FileFacts {
            calls: vec![
                call(Some("key"), None, span(1, 3, 8)),
                call(None, None, span(1, 12, 19)),
                call(Some("get"), None, span(1, 12, 17)),
            ],
            ..FileFacts::default()
        };
        assert_eq!(method_of_expression(&facts, &statement(1, 19)), None);
    }
}
