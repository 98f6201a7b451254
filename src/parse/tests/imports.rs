//! Import statements and dynamic imports.

use super::{imports, only_import, shape, shapes, span};
use crate::facts::ImportStatement;

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
        .map(|i| (&*i.module, i.context.lazy))
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
    assert_eq!(scopes, expected.map(|(m, s)| (Box::from(m), s.to_string())));
}

// Dynamic imports

#[test]
fn importlib_import_module_with_a_literal_is_a_dynamic_import_spanning_the_call() {
    let import = only_import("m = importlib.import_module('a.b')\n");
    assert_eq!(import.statement, ImportStatement::Dynamic);
    assert_eq!(
        (&*import.module, import.level, import.name, import.alias),
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
        .map(|i| i.module.to_string())
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
        (import.statement, &*import.module),
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
