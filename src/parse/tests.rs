use super::parse_file;
use crate::facts::{
    Argument, Call, FileFacts, Import, ImportContext, ImportStatement, ModuleStatement,
    StatementKind, StoreForm,
};
use crate::span::{Position, Span};

fn facts(source: &str) -> FileFacts {
    parse_file(source.as_bytes())
}

fn imports(source: &str) -> Vec<Import> {
    let facts = facts(source);
    assert!(facts.syntax_errors.is_empty(), "{:?}", facts.syntax_errors);
    facts.imports
}

fn only_import(source: &str) -> Import {
    let mut imports = imports(source);
    assert_eq!(imports.len(), 1, "{imports:?}");
    imports.remove(0)
}

/// `(module, level, name, alias)` of each import.
fn shapes(source: &str) -> Vec<(String, u32, Option<String>, Option<String>)> {
    imports(source)
        .into_iter()
        .map(|i| (i.module, i.level, i.name, i.alias))
        .collect()
}

fn shape(
    module: &str,
    level: u32,
    name: Option<&str>,
    alias: Option<&str>,
) -> (String, u32, Option<String>, Option<String>) {
    (
        module.to_string(),
        level,
        name.map(str::to_string),
        alias.map(str::to_string),
    )
}

/// The context of the import of `module`.
fn context_of(source: &str, module: &str) -> ImportContext {
    let found: Vec<_> = imports(source)
        .into_iter()
        .filter(|i| i.module == module)
        .collect();
    assert_eq!(found.len(), 1, "import of {module}: {found:?}");
    found[0].context
}

fn type_checking(source: &str, module: &str) -> bool {
    context_of(source, module).type_checking
}

fn calls(source: &str) -> Vec<Call> {
    let facts = facts(source);
    assert!(facts.syntax_errors.is_empty(), "{:?}", facts.syntax_errors);
    facts.calls
}

fn call(source: &str, callee: &str) -> Call {
    let found: Vec<_> = calls(source)
        .into_iter()
        .filter(|c| c.callee.as_deref() == Some(callee))
        .collect();
    assert_eq!(found.len(), 1, "call of {callee}: {found:?}");
    found.into_iter().next().unwrap()
}

fn statements(source: &str) -> Vec<ModuleStatement> {
    facts(source).module_statements
}

/// `(target, callee, scope, line)` of each binding.
fn bindings(source: &str) -> Vec<(String, String, String, u32)> {
    let facts = facts(source);
    assert!(facts.syntax_errors.is_empty(), "{:?}", facts.syntax_errors);
    facts
        .bindings
        .into_iter()
        .map(|b| {
            let line = b.span.start.line;
            (b.target.into(), b.callee.into(), b.scope.to_string(), line)
        })
        .collect()
}

fn binding(target: &str, callee: &str, scope: &str, line: u32) -> (String, String, String, u32) {
    (target.into(), callee.into(), scope.into(), line)
}

/// `(target, form, scope, line)` of each store.
fn stores(source: &str) -> Vec<(String, StoreForm, String, u32)> {
    let facts = facts(source);
    assert!(facts.syntax_errors.is_empty(), "{:?}", facts.syntax_errors);
    facts
        .stores
        .into_iter()
        .map(|s| {
            (
                s.target.into(),
                s.form,
                s.scope.to_string(),
                s.span.start.line,
            )
        })
        .collect()
}

fn store(
    target: &str,
    form: StoreForm,
    scope: &str,
    line: u32,
) -> (String, StoreForm, String, u32) {
    (target.into(), form, scope.into(), line)
}

fn span(line: u32, column: u32, end_line: u32, end_column: u32) -> Span {
    Span {
        start: Position { line, column },
        end: Position {
            line: end_line,
            column: end_column,
        },
    }
}

// Imports

#[test]
fn import_gives_one_fact_per_alias_with_dotted_module_and_alias() {
    assert_eq!(
        shapes("import a.b.c as x, d\n"),
        vec![
            shape("a.b.c", 0, None, Some("x")),
            shape("d", 0, None, None)
        ]
    );
    assert!(
        imports("import a\n")
            .iter()
            .all(|i| i.statement == ImportStatement::Import)
    );
}

#[test]
fn from_import_keeps_module_without_dots_level_name_and_alias() {
    let import = only_import("from ..x.y import z as w\n");
    assert_eq!(import.statement, ImportStatement::ImportFrom);
    assert_eq!(
        (import.module, import.level, import.name, import.alias),
        shape("x.y", 2, Some("z"), Some("w"))
    );
    assert_eq!(
        shapes("from a import (b, c)\n"),
        vec![
            shape("a", 0, Some("b"), None),
            shape("a", 0, Some("c"), None)
        ]
    );
}

#[test]
fn from_dot_import_has_an_empty_module_and_level_one() {
    assert_eq!(
        shapes("from . import a\nfrom ... import b\n"),
        vec![shape("", 1, Some("a"), None), shape("", 3, Some("b"), None)]
    );
}

#[test]
fn star_import_names_star() {
    assert_eq!(
        shapes("from a.b import *\n"),
        vec![shape("a.b", 0, Some("*"), None)]
    );
}

#[test]
fn import_span_is_the_alias_and_scope_is_module_at_top_level() {
    let import = only_import("from a import (\n    bb as c,\n)\n");
    assert_eq!(import.span, span(2, 5, 2, 12));
    assert_eq!(&*import.scope, "<module>");
}

#[test]
fn lazy_import_statements_set_lazy() {
    let imported = imports("lazy import a\nlazy from b import c\nimport d\n");
    let lazy: Vec<_> = imported
        .iter()
        .map(|i| (i.module.as_str(), i.context.lazy))
        .collect();
    assert_eq!(lazy, vec![("a", true), ("b", true), ("d", false)]);
}

#[test]
fn import_scope_is_the_dotted_enclosing_definitions() {
    let source = "\
class Router:
    import a
    def create(self):
        import b
        def inner():
            import c
        class Local:
            import d
async def outer():
    import e
";
    let scopes: Vec<_> = imports(source)
        .into_iter()
        .map(|i| (i.module, i.scope.to_string()))
        .collect();
    let expected = [
        ("a", "Router"),
        ("b", "Router.create"),
        ("c", "Router.create.inner"),
        ("d", "Router.create.Local"),
        ("e", "outer"),
    ];
    assert_eq!(
        scopes,
        expected.map(|(m, s)| (m.to_string(), s.to_string()))
    );
}

// Dynamic imports

#[test]
fn importlib_import_module_with_a_literal_is_a_dynamic_import_spanning_the_call() {
    let import = only_import("m = importlib.import_module('a.b')\n");
    assert_eq!(import.statement, ImportStatement::Dynamic);
    assert_eq!(
        (
            import.module.as_str(),
            import.level,
            import.name,
            import.alias
        ),
        ("a.b", 0, None, None)
    );
    assert_eq!(import.span, span(1, 5, 1, 35));
}

#[test]
fn importlib_counts_even_when_its_import_is_not_seen() {
    assert_eq!(
        shapes("importlib.import_module('x')\n"),
        vec![shape("x", 0, None, None)]
    );
}

#[test]
fn aliases_of_importlib_and_import_module_are_tracked() {
    let source = "\
import importlib as il
from importlib import import_module
from importlib import import_module as im
il.import_module('a')
import_module('b')
im(name='c')
";
    let modules: Vec<_> = imports(source)
        .into_iter()
        .filter(|i| i.statement == ImportStatement::Dynamic)
        .map(|i| i.module)
        .collect();
    assert_eq!(modules, ["a", "b", "c"]);
}

#[test]
fn import_module_not_bound_from_importlib_is_not_an_import() {
    assert!(imports("import_module('a')\nthing.import_module('b')\n").is_empty());
}

#[test]
fn dunder_import_with_a_literal_is_a_dynamic_import() {
    let import = only_import("m = __import__('a.b')\n");
    assert_eq!(
        (import.statement, import.module.as_str()),
        (ImportStatement::Dynamic, "a.b")
    );
}

#[test]
fn relative_dynamic_import_needs_package_anchored_at_the_module() {
    let source = "\
import importlib
importlib.import_module('..x.y', package=__package__)
importlib.import_module('.z', __name__)
importlib.import_module('.w')
importlib.import_module('.v', package='pkg')
__import__('.u')
";
    assert_eq!(
        shapes(source)[1..],
        [shape("x.y", 2, None, None), shape("z", 1, None, None)]
    );
}

#[test]
fn dynamic_imports_without_a_literal_are_ignored() {
    let source = "\
import importlib
importlib.import_module(name)
importlib.import_module(f'a.{b}')
__import__('a' + b)
importlib.import_module('')
importlib.import_module('a..b')
";
    assert_eq!(shapes(source), vec![shape("importlib", 0, None, None)]);
}

#[test]
fn dynamic_import_in_a_lambda_is_in_a_function() {
    let import = only_import("f = lambda: __import__('a')\n");
    assert!(import.context.in_function);
    assert_eq!(&*import.scope, "<module>");
}

// Import contexts

#[test]
fn imports_in_def_and_lambda_are_in_function_but_class_bodies_are_not() {
    let source = "\
import a
def f():
    import b
class C:
    import c
    def m(self):
        import d
";
    let in_function: Vec<_> = imports(source)
        .iter()
        .map(|i| (i.module.clone(), i.context.in_function))
        .collect();
    let expected = [("a", false), ("b", true), ("c", false), ("d", true)];
    assert_eq!(in_function, expected.map(|(m, f)| (m.to_string(), f)));
}

#[test]
fn type_checking_body_is_type_only_and_not_conditional() {
    let source = "\
from typing import TYPE_CHECKING
if TYPE_CHECKING:
    import a
import b
";
    assert_eq!(
        context_of(source, "a"),
        ImportContext {
            type_checking: true,
            ..ImportContext::default()
        }
    );
    assert!(!type_checking(source, "b"));
}

#[test]
fn bare_type_checking_counts_without_an_import() {
    assert!(type_checking("if TYPE_CHECKING:\n    import a\n", "a"));
}

#[test]
fn typing_attribute_and_its_aliases_count_as_type_checking() {
    let source = "\
import typing
import typing as t
import typing_extensions as te
if typing.TYPE_CHECKING:
    import a
if t.TYPE_CHECKING:
    import b
if te.TYPE_CHECKING:
    import c
if typing_extensions.TYPE_CHECKING:
    import d
if other.TYPE_CHECKING:
    import e
";
    for module in ["a", "b", "c", "d"] {
        assert!(type_checking(source, module), "{module}");
    }
    assert!(!type_checking(source, "e"));
}

#[test]
fn aliased_type_checking_name_counts() {
    let source = "\
from typing_extensions import TYPE_CHECKING as TC
if TC:
    import a
if TYPE_CHECKING_OTHER:
    import b
";
    assert!(type_checking(source, "a"));
    assert!(!type_checking(source, "b"));
}

#[test]
fn elif_and_else_of_type_checking_run_at_run_time() {
    let source = "\
if TYPE_CHECKING:
    import a
elif sys.version_info > (3, 12):
    import b
else:
    import c
";
    assert!(type_checking(source, "a"));
    let b = context_of(source, "b");
    assert!(!b.type_checking && b.conditional);
    let c = context_of(source, "c");
    assert!(!c.type_checking && c.conditional);
}

#[test]
fn else_of_type_checking_is_run_time_and_unconditional() {
    let source = "if TYPE_CHECKING:\n    import a\nelse:\n    import b\n";
    assert_eq!(context_of(source, "b"), ImportContext::default());
}

#[test]
fn not_type_checking_body_is_run_time_and_its_else_is_type_only() {
    let source = "\
if not TYPE_CHECKING:
    import a
else:
    import b
";
    assert_eq!(context_of(source, "a"), ImportContext::default());
    assert_eq!(
        context_of(source, "b"),
        ImportContext {
            type_checking: true,
            ..ImportContext::default()
        }
    );
}

#[test]
fn blocks_nested_in_type_checking_inherit_it() {
    let source = "\
if TYPE_CHECKING:
    if sys.version_info >= (3, 11):
        import a
    else:
        import b
    try:
        import c
    except ImportError:
        import d
    def f():
        import e
";
    for module in ["a", "b", "c", "d", "e"] {
        assert!(type_checking(source, module), "{module}");
    }
    assert!(context_of(source, "b").conditional);
    assert!(context_of(source, "d").in_try);
}

#[test]
fn imports_anywhere_in_a_try_statement_are_in_try() {
    let source = "\
try:
    import a
except ImportError:
    import b
else:
    import c
finally:
    import d
import e
";
    for module in ["a", "b", "c", "d"] {
        let context = context_of(source, module);
        assert!(context.in_try && !context.conditional, "{module}");
    }
    assert!(!context_of(source, "e").in_try);
}

#[test]
fn imports_in_if_while_for_with_and_match_blocks_are_conditional() {
    let source = "\
if x:
    import a
while x:
    import b
for x in y:
    import c
else:
    import d
with x:
    import e
match x:
    case 1:
        import f
import g
";
    for module in ["a", "b", "c", "d", "e", "f"] {
        assert!(context_of(source, module).conditional, "{module}");
    }
    assert!(!context_of(source, "g").conditional);
}

// Calls

#[test]
fn call_callee_is_dotted_and_method_is_the_last_attribute() {
    let commit = call("self.db.commit()\n", "self.db.commit");
    assert_eq!(commit.method(), Some("commit"));
    assert_eq!(commit.span, span(1, 1, 1, 17));
    let chained: Vec<_> = calls("a.b().add(x)\n")
        .into_iter()
        .map(|c| (c.callee.clone(), c.method().map(str::to_string)))
        .collect();
    assert_eq!(
        chained,
        vec![
            (None, Some("add".to_string())),
            (Some("a.b".into()), Some("b".to_string()))
        ]
    );
    let unnamed = &calls("get()()\n")[0];
    assert_eq!((unnamed.callee.as_deref(), unnamed.method()), (None, None));
    assert_eq!(call("print(1)\n", "print").method(), Some("print"));
}

#[test]
fn call_first_argument_is_summarised() {
    let first = |source: &str| calls(source)[0].first_arg.clone();
    assert_eq!(first("f(g(x))\n"), Some(Argument::Call("g".into())));
    assert_eq!(
        first("s.execute(sa.insert(T).values(a=1))\n"),
        Some(Argument::Call("sa.insert".into()))
    );
    assert_eq!(
        first("f('INSERT' ' INTO t')\n"),
        Some(Argument::Str("INSERT INTO t".into()))
    );
    assert_eq!(
        first(&format!("f('{}')\n", "é".repeat(70))),
        Some(Argument::Str("é".repeat(64)))
    );
    assert_eq!(
        first("f(self.model)\n"),
        Some(Argument::Name("self.model".into()))
    );
    assert_eq!(first("f(1)\n"), Some(Argument::Other));
    assert_eq!(first("f(*args)\n"), Some(Argument::Other));
    assert_eq!(first("f(key=1)\n"), None);
}

#[test]
fn awaited_calls_are_marked_and_their_arguments_are_not() {
    let source = "async def f():\n    await session.commit(build())\n";
    let commit = call(source, "session.commit");
    assert!(commit.awaited && commit.in_function);
    assert_eq!(&*commit.scope, "f");
    assert!(!call(source, "build").awaited);
}

#[test]
fn every_nested_call_is_found_in_source_order() {
    let source = "\
@app.get(path())
def handler(x=default()):
    return [item(i) for i in items()]
";
    let callees: Vec<_> = calls(source)
        .into_iter()
        .filter_map(|c| c.callee.map(String::from))
        .collect();
    assert_eq!(callees, ["app.get", "path", "default", "item", "items"]);
    assert!(!call(source, "default").in_function);
    assert_eq!(&*call(source, "default").scope, "<module>");
    assert!(call(source, "item").in_function);
}

#[test]
fn calls_under_type_checking_are_marked() {
    let source = "if TYPE_CHECKING:\n    T = TypeVar('T')\nsetup()\n";
    assert!(call(source, "TypeVar").type_checking);
    assert!(!call(source, "setup").type_checking);
}

#[test]
fn f_string_argument_is_its_text_before_the_first_replacement_field() {
    let first = |source: &str| calls(source)[0].first_arg.clone();
    let text = |s: &str| Some(Argument::Str(s.into()));
    assert_eq!(first("f(f'DELETE FROM {t}')\n"), text("DELETE FROM "));
    assert_eq!(
        first("f('DELETE ' f'FROM {t} WHERE')\n"),
        text("DELETE FROM ")
    );
    assert_eq!(first("f(f'no fields')\n"), text("no fields"));
    assert_eq!(first("f(f'a{{b}}{x}')\n"), text("a{b}"));
    assert_eq!(
        first(&format!("f(f'{}{{x}}')\n", "é".repeat(70))),
        Some(Argument::Str("é".repeat(64)))
    );
}

#[test]
fn f_string_starting_with_a_replacement_field_is_other() {
    let first = |source: &str| calls(source)[0].first_arg.clone();
    assert_eq!(first("f(f'{t} rows')\n"), Some(Argument::Other));
    assert_eq!(first("f('' f'{t}')\n"), Some(Argument::Other));
}

#[test]
fn text_call_argument_is_the_sql_literal_inside() {
    let first = |source: &str| calls(source)[0].first_arg.clone();
    let text = |s: &str| Some(Argument::Str(s.into()));
    assert_eq!(
        first("s.execute(text('INSERT INTO t'))\n"),
        text("INSERT INTO t")
    );
    assert_eq!(first("s.execute(sa.text('UPDATE t'))\n"), text("UPDATE t"));
    assert_eq!(
        first("s.execute(sqlalchemy.text(f'DELETE FROM {t}'))\n"),
        text("DELETE FROM ")
    );
    assert_eq!(
        first("s.execute(text('UPDATE t SET a = :a').bindparams(a=1))\n"),
        text("UPDATE t SET a = :a")
    );
    assert_eq!(
        first(&format!("s.execute(text('{}'))\n", "x".repeat(70))),
        Some(Argument::Str("x".repeat(64)))
    );
}

#[test]
fn text_call_without_a_literal_stays_a_call() {
    let first = |source: &str| calls(source)[0].first_arg.clone();
    let call = |s: &str| Some(Argument::Call(s.into()));
    assert_eq!(first("s.execute(text(sql))\n"), call("text"));
    assert_eq!(first("s.execute(sa.text())\n"), call("sa.text"));
    assert_eq!(first("s.execute(text(f'{sql}'))\n"), call("text"));
    assert_eq!(first("s.execute(get_text('INSERT'))\n"), call("get_text"));
    assert_eq!(
        first("s.execute(text.upper('INSERT'))\n"),
        call("text.upper")
    );
}

#[test]
fn call_of_a_call_result_has_no_root_callee() {
    let first = |source: &str| calls(source)[0].first_arg.clone();
    assert_eq!(first("f(g()())\n"), Some(Argument::Other));
    assert_eq!(first("f(g()().h())\n"), Some(Argument::Other));
    assert_eq!(first("f(x[0].h())\n"), Some(Argument::Other));
}

// Bindings

#[test]
fn assignments_of_calls_are_bindings_with_the_root_callee() {
    let source = "\
s = Session()
t: Session = factory.make()
stmt = insert(T).values(a=1)
a = b = make()
self.session = db.Session()
";
    assert_eq!(
        bindings(source),
        vec![
            binding("s", "Session", "<module>", 1),
            binding("t", "factory.make", "<module>", 2),
            binding("stmt", "insert", "<module>", 3),
            binding("a", "make", "<module>", 4),
            binding("b", "make", "<module>", 4),
            binding("self.session", "db.Session", "<module>", 5),
        ]
    );
    let facts = facts("stmt = insert(T)\n");
    assert_eq!(facts.bindings[0].span, span(1, 1, 1, 17));
}

#[test]
fn awaited_call_is_a_binding() {
    assert_eq!(
        bindings("async def f():\n    db = await connect(url).begin()\n"),
        vec![binding("db", "connect", "f", 2)]
    );
}

#[test]
fn each_with_item_with_a_name_target_is_a_binding_spanning_the_item() {
    let source = "\
async def f():
    async with get_session() as db, lock() as (a, b), open(p) as fh:
        pass
with make() as m, other():
    pass
";
    assert_eq!(
        bindings(source),
        vec![
            binding("db", "get_session", "f", 2),
            binding("fh", "open", "f", 2),
            binding("m", "make", "<module>", 4),
        ]
    );
    assert_eq!(facts(source).bindings[0].span, span(2, 16, 2, 35));
}

#[test]
fn walrus_is_a_binding_spanning_the_named_expression() {
    let source = "if (s := Session()) is not None:\n    s.add(x)\n";
    assert_eq!(
        bindings(source),
        vec![binding("s", "Session", "<module>", 1)]
    );
    assert_eq!(facts(source).bindings[0].span, span(1, 5, 1, 19));
}

#[test]
fn bindings_take_the_scope_of_their_definition() {
    let source = "\
class Repo:
    engine = create_engine(url)
    def save(self, row):
        self.s = Session()
        def inner():
            r = CampaignRow()
";
    assert_eq!(
        bindings(source),
        vec![
            binding("engine", "create_engine", "Repo", 2),
            binding("self.s", "Session", "Repo.save", 4),
            binding("r", "CampaignRow", "Repo.save.inner", 6),
        ]
    );
}

#[test]
fn other_targets_and_values_are_not_bindings() {
    let source = "\
a, b = f()
[c] = f()
x[0] = f()
f().y = g()
x = y
x = f
x = sessionmaker()()
x += f()
x = [f()]
x = f() or g()
x: T
for x in f():
    pass
with f():
    pass
with f() as x[0]:
    pass
";
    assert_eq!(bindings(source), vec![]);
}

// Stores

#[test]
fn writes_through_an_imported_name_are_stores_of_each_form() {
    let source = "\
import sys
sys.path = ['a']
sys.path: list = []
sys.path += ['b']
sys.path[0:0] = ['c']
sys.path[0] = x
sys.path[0] += 'd'
del sys.path[0]
del sys.path
x = sys.path = []
sys.modules['m'] = m
sys.argv, rest = a
";
    assert_eq!(
        stores(source),
        vec![
            store("sys.path", StoreForm::Assign, "<module>", 2),
            store("sys.path", StoreForm::Assign, "<module>", 3),
            store("sys.path", StoreForm::AugAssign, "<module>", 4),
            store("sys.path", StoreForm::Item, "<module>", 5),
            store("sys.path", StoreForm::Item, "<module>", 6),
            store("sys.path", StoreForm::Item, "<module>", 7),
            store("sys.path", StoreForm::DeleteItem, "<module>", 8),
            store("sys.path", StoreForm::Delete, "<module>", 9),
            store("sys.path", StoreForm::Assign, "<module>", 10),
            store("sys.modules", StoreForm::Item, "<module>", 11),
            store("sys.argv", StoreForm::Assign, "<module>", 12),
        ]
    );
    assert_eq!(facts(source).stores[3].span, span(5, 1, 5, 22));
}

#[test]
fn stores_follow_every_local_name_an_import_binds() {
    let source = "\
import sys as _s
_s.path[:] = []
from sys import path
path[0:0] = ['x']
from sys import path as p
p += ['y']
import os.path
os.sep = '/'
import a.b as ab
ab.c = 1
";
    assert_eq!(
        stores(source),
        vec![
            store("_s.path", StoreForm::Item, "<module>", 2),
            store("path", StoreForm::Item, "<module>", 4),
            store("p", StoreForm::AugAssign, "<module>", 6),
            store("os.sep", StoreForm::Assign, "<module>", 8),
            store("ab.c", StoreForm::Assign, "<module>", 10),
        ]
    );
}

#[test]
fn stores_in_a_function_have_its_scope_and_calls_are_not_stores() {
    let source = "\
def setup():
    import sys
    sys.path.insert(0, here)
    sys.path.append(here)
    sys.path[0] = here
";
    assert_eq!(
        stores(source),
        vec![store("sys.path", StoreForm::Item, "setup", 5)]
    );
    assert_eq!(
        stores("import sys\nsys.path.append(x)\nsys.path.extend(y)\n"),
        vec![]
    );
}

#[test]
fn writes_not_through_an_import_seen_so_far_are_not_stores() {
    let source = "\
sys.path = []
x += 1
obj.attr = 1
obj[0] = 1
del obj
import sys
from m import *
from . import pkg
x = 1
f().path = 1
sys.path[0].x = 1
sys.path.x[0].y = 1
sys.path: list
";
    assert_eq!(stores(source), vec![]);
}

// Module statements

#[test]
fn module_statements_have_kinds_and_callees() {
    let source = "\
import a
from b import c
x = make()
y: int = other.make()
z += more()
w = 1
init_db()
'''not a call'''
def f():
    g()
class C:
    h()
";
    let kinds: Vec<_> = statements(source)
        .into_iter()
        .map(|s| (s.kind, s.callee))
        .collect();
    let expected = [
        (StatementKind::Import, None),
        (StatementKind::Import, None),
        (StatementKind::AssignCall, Some("make")),
        (StatementKind::AssignCall, Some("other.make")),
        (StatementKind::AssignCall, Some("more")),
        (StatementKind::Assign, None),
        (StatementKind::Call, Some("init_db")),
        (StatementKind::Other, None),
        (StatementKind::Def, None),
        (StatementKind::Class, None),
    ];
    assert_eq!(kinds, expected.map(|(k, c)| (k, c.map(str::to_string))));
}

#[test]
fn awaited_module_calls_are_call_statements() {
    let kinds: Vec<_> = statements("await start()\nx = await connect()\n")
        .into_iter()
        .map(|s| (s.kind, s.callee))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (StatementKind::Call, Some("start".to_string())),
            (StatementKind::AssignCall, Some("connect".to_string()))
        ]
    );
}

#[test]
fn module_statements_include_those_nested_in_top_level_blocks() {
    let source = "\
try:
    setup()
except E:
    pass
with x:
    for i in y:
        go()
";
    let kinds: Vec<_> = statements(source)
        .into_iter()
        .map(|s| (s.kind, s.callee, s.span.start.line))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (StatementKind::Other, None, 1),
            (StatementKind::Call, Some("setup".to_string()), 2),
            (StatementKind::Other, None, 4),
            (StatementKind::Other, None, 5),
            (StatementKind::Other, None, 6),
            (StatementKind::Call, Some("go".to_string()), 7),
        ]
    );
}

#[test]
fn main_guard_marks_its_body_in_either_operand_order() {
    let source = "\
if __name__ == '__main__':
    main()
else:
    other()
if '__main__' == __name__:
    if x:
        run()
if __name__ != '__main__':
    not_main()
";
    let guarded: Vec<_> = statements(source)
        .into_iter()
        .filter_map(|s| s.callee.map(|c| (c, s.main_guard)))
        .collect();
    let expected = [
        ("main", true),
        ("other", false),
        ("run", true),
        ("not_main", false),
    ];
    assert_eq!(guarded, expected.map(|(c, g)| (c.to_string(), g)));
}

#[test]
fn module_statements_under_type_checking_are_marked() {
    let marks: Vec<_> = statements("if TYPE_CHECKING:\n    import a\nimport b\n")
        .into_iter()
        .map(|s| s.type_checking)
        .collect();
    assert_eq!(marks, [false, true, false]);
}

// Classes

#[test]
fn classes_are_dotted_within_the_file_with_bases_as_written() {
    let source = "\
class Outer(Base, models.Model, metaclass=M):
    class Inner(Generic[T]):
        pass
def factory():
    class Local:
        pass
";
    let classes: Vec<_> = facts(source)
        .classes
        .into_iter()
        .map(|c| (c.name, c.bases, c.span.start))
        .collect();
    assert_eq!(
        classes,
        vec![
            (
                "Outer".to_string(),
                vec!["Base".to_string(), "models.Model".to_string()],
                Position { line: 1, column: 7 }
            ),
            (
                "Outer.Inner".to_string(),
                vec!["Generic[T]".to_string()],
                Position {
                    line: 2,
                    column: 11
                }
            ),
            (
                "factory.Local".to_string(),
                vec![],
                Position {
                    line: 5,
                    column: 11
                }
            ),
        ]
    );
}

// Header

#[test]
fn header_is_the_leading_comment_block_with_blank_lines_between() {
    let source = "\
#!/usr/bin/env python
# -*- coding: utf-8 -*-

  # Layer: api
\"\"\"Docstring.\"\"\"
# not header
import a
";
    let header: Vec<_> = facts(source)
        .header
        .into_iter()
        .map(|h| (h.line, h.text))
        .collect();
    assert_eq!(
        header,
        vec![
            (1, "#!/usr/bin/env python".to_string()),
            (2, "# -*- coding: utf-8 -*-".to_string()),
            (4, "  # Layer: api".to_string()),
        ]
    );
    assert!(facts("import a\n# later\n").header.is_empty());
}

#[test]
fn header_lines_split_at_crlf_without_the_terminator() {
    let header = facts("# a\r\n# b\r\nimport x\r\n").header;
    assert_eq!(header[1].line, 2);
    assert_eq!(header[1].text, "# b");
}

// Ignores

#[test]
fn ignore_comments_list_their_rules() {
    let source = "\
import a  # gate: ignore[rule-a, rule-b]
# gate: ignore[rule-c]
import b
x = 1  #gate:ignore [ spaced ,  ]
";
    let ignores: Vec<_> = facts(source)
        .ignores
        .into_iter()
        .map(|i| (i.rules, i.span.start.line, i.own_line))
        .collect();
    let rules = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
    assert_eq!(
        ignores,
        vec![
            (rules(&["rule-a", "rule-b"]), 1, false),
            (rules(&["rule-c"]), 2, true),
            (rules(&["spaced"]), 4, false),
        ]
    );
}

#[test]
fn ignore_span_covers_the_directive() {
    let ignore = &facts("import a  # gate: ignore[x]\n").ignores[0];
    assert_eq!(ignore.span, span(1, 11, 1, 28));
}

#[test]
fn bare_ignore_has_no_rules() {
    let ignores = facts("import a  # gate: ignore\n").ignores;
    assert_eq!(ignores.len(), 1);
    assert!(ignores[0].rules.is_empty());
}

#[test]
fn ignore_may_follow_other_comment_text() {
    let ignores = facts("import a  # noqa: F401  # gate: ignore[x]\n").ignores;
    assert_eq!(ignores[0].rules, ["x"]);
    assert_eq!(ignores[0].span.start.column, 25);
}

#[test]
fn ignore_text_inside_a_string_or_other_words_is_not_an_ignore() {
    let source = "\
s = '# gate: ignore[x]'
t = '''
# gate: ignore[y]
'''
# gate: ignored
# gate: ignore[unterminated
";
    assert!(facts(source).ignores.is_empty());
}

#[test]
fn indented_ignore_with_tabs_is_on_its_own_line() {
    let ignores = facts("def f():\n\t# gate: ignore[x]\n\tpass\n").ignores;
    assert!(ignores[0].own_line);
    assert_eq!(ignores[0].span.start, Position { line: 2, column: 2 });
}

// Decoding, lines and columns

#[test]
fn invalid_utf8_yields_one_syntax_error_at_its_line_and_nothing_else() {
    let mut bytes = b"import a\r\nimport b\n".to_vec();
    bytes.push(0xff);
    bytes.extend_from_slice(b"\nimport c\n");
    let facts = parse_file(&bytes);
    assert_eq!(facts.syntax_errors.len(), 1);
    let error = &facts.syntax_errors[0];
    assert_eq!(
        error.message,
        "file is not valid UTF-8: invalid byte 0xff at byte offset 19"
    );
    assert_eq!(error.span, Span::line_start(3));
    assert_eq!(
        facts,
        FileFacts {
            syntax_errors: facts.syntax_errors.clone(),
            ..FileFacts::default()
        }
    );
}

#[test]
fn invalid_utf8_offset_counts_the_bom() {
    let facts = parse_file(b"\xEF\xBB\xBFx = 1\n\xc3");
    assert_eq!(
        facts.syntax_errors[0].message,
        "file is not valid UTF-8: invalid byte 0xc3 at byte offset 9"
    );
    assert_eq!(facts.syntax_errors[0].span.start.line, 2);
}

#[test]
fn empty_and_bom_only_files_have_no_lines_and_no_errors() {
    assert_eq!(parse_file(b""), FileFacts::default());
    assert_eq!(parse_file(b"\xEF\xBB\xBF"), FileFacts::default());
}

#[test]
fn bom_is_not_a_column() {
    let facts = parse_file(b"\xEF\xBB\xBFimport a\n");
    assert_eq!(facts.imports[0].span, span(1, 8, 1, 9));
    assert_eq!(facts.line_count, 1);
}

#[test]
fn line_count_ignores_a_final_line_break() {
    assert_eq!(facts("a\n").line_count, 1);
    assert_eq!(facts("a").line_count, 1);
    assert_eq!(facts("a\n\nb").line_count, 3);
    assert_eq!(facts("\n\n").line_count, 2);
    assert_eq!(facts("a\r\nb\r\n").line_count, 2);
    assert_eq!(facts("a\rb\r").line_count, 2);
}

#[test]
fn crlf_and_lone_cr_line_endings_give_the_right_lines() {
    let lines =
        |source: &str| -> Vec<u32> { imports(source).iter().map(|i| i.span.start.line).collect() };
    assert_eq!(lines("import a\r\n\r\nimport b\r\n"), [1, 3]);
    assert_eq!(lines("import a\r\rimport b\r"), [1, 3]);
}

#[test]
fn columns_count_code_points_with_tabs_and_multibyte_characters() {
    let source = "if x:\n\tname = 'é€😀'; f(1)\n";
    let f = call(source, "f");
    assert_eq!(f.span, span(2, 16, 2, 20));
}

// Syntax errors

#[test]
fn syntax_errors_are_reported_and_the_recovered_imports_kept() {
    let facts = facts("import a\ndef broken(:\n    pass\nfrom b import c\n");
    assert!(!facts.syntax_errors.is_empty());
    let error = &facts.syntax_errors[0];
    assert_eq!(error.span.start.line, 2);
    assert!(!error.message.contains("byte range"), "{}", error.message);
    let modules: Vec<_> = facts.imports.iter().map(|i| i.module.as_str()).collect();
    assert_eq!(modules, ["a", "b"]);
}

#[test]
fn incomplete_imports_recovered_by_the_parser_are_dropped() {
    let facts = facts("import\nfrom x import\nfrom import y\nimport ok\n");
    assert!(!facts.syntax_errors.is_empty());
    let modules: Vec<_> = facts.imports.iter().map(|i| i.module.as_str()).collect();
    assert_eq!(modules, ["ok"]);
}

#[test]
fn version_dependent_syntax_is_not_an_error() {
    let facts = facts("match x:\n    case 1:\n        pass\ntype A = int\n");
    assert!(facts.syntax_errors.is_empty());
}

#[test]
fn columns_stay_exact_on_long_non_ascii_lines() {
    let source = format!("x = '{}'; f()\n", "é".repeat(100));
    assert_eq!(call(&source, "f").span, span(1, 109, 1, 112));
}

#[test]
fn a_span_ending_the_text_at_a_block_boundary_is_located() {
    let source = format!("# é\nf({})", "a".repeat(56));
    assert_eq!(source.len(), 64);
    assert_eq!(call(&source, "f").span, span(2, 1, 2, 60));
}
