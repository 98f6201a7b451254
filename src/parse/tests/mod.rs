//! Unit tests of the parser's fact extraction, one file per kind of fact;
//! the helpers below parse a snippet and pick out the facts a test compares.

mod bindings_and_stores;
mod calls;
mod classes;
mod comments;
mod decoding;
mod fact_sets;
mod import_contexts;
mod imports;
mod module_statements;

use super::parse_file;
use crate::facts::{Call, FileFacts, Import, ImportContext, ModuleStatement, StoreForm};
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

/// `(module, level, name, alias)` of an import.
type Shape = (Box<str>, u32, Option<Box<str>>, Option<Box<str>>);

/// The [`Shape`] of each import.
fn shapes(source: &str) -> Vec<Shape> {
    imports(source)
        .into_iter()
        .map(|i| (i.module, i.level, i.name, i.alias))
        .collect()
}

fn shape(module: &str, level: u32, name: Option<&str>, alias: Option<&str>) -> Shape {
    (
        module.into(),
        level,
        name.map(Box::from),
        alias.map(Box::from),
    )
}

/// The context of the import of `module`.
fn context_of(source: &str, module: &str) -> ImportContext {
    let found: Vec<_> = imports(source)
        .into_iter()
        .filter(|i| &*i.module == module)
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
