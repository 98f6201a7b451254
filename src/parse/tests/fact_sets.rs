//! Facts on demand: a run of import rules records (and walks) less, and
//! must find exactly the imports, `__all__`, ignore comments and syntax
//! errors a run of every rule finds.

use std::path::Path;

use crate::facts::{FactSet, FileFacts};
use crate::parse::{NEWEST_PYTHON, parse_file_for};

/// What every fact set records.
fn base_facts(facts: FileFacts) -> FileFacts {
    FileFacts {
        imports: facts.imports,
        syntax_errors: facts.syntax_errors,
        ignores: facts.ignores,
        exported_names: facts.exported_names,
        ..FileFacts::default()
    }
}

fn both(source: &[u8]) -> (FileFacts, FileFacts) {
    (
        parse_file_for(source, NEWEST_PYTHON, FactSet::BASE),
        base_facts(parse_file_for(source, NEWEST_PYTHON, FactSet::ALL)),
    )
}

fn python_files(dir: &Path, found: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("fixtures are readable") {
        let path = entry.expect("fixtures are readable").path();
        if path.is_dir() {
            python_files(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "py") {
            found.push(path);
        }
    }
}

#[test]
fn import_rules_find_what_every_rule_finds_in_every_fixture() {
    let mut files = Vec::new();
    python_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"),
        &mut files,
    );
    assert!(files.len() > 100, "{} fixture files", files.len());
    for file in files {
        let source = std::fs::read(&file).expect("fixtures are readable");
        let (base, all) = both(&source);
        assert_eq!(base, all, "{}", file.display());
    }
}

#[test]
fn dynamic_imports_are_found_without_the_call_facts() {
    let source = b"import importlib\n\ndef load():\n    return [importlib.import_module('a.b'), __import__('c')]\n";
    let (base, all) = both(source);
    let modules: Vec<&str> = base.imports.iter().map(|i| &*i.module).collect();
    assert_eq!(modules, ["importlib", "a.b", "c"]);
    assert_eq!(base, all);
}

#[test]
fn nesting_too_deep_is_a_syntax_error_without_the_call_facts() {
    let source = format!("import os\nx = {}1\n", "-".repeat(5_000));
    let (base, all) = both(source.as_bytes());
    assert_eq!(base.syntax_errors.len(), 1, "{:?}", base.syntax_errors);
    assert!(base.syntax_errors[0].message.contains("nested more than"));
    assert_eq!(base, all);
}

#[test]
fn nesting_cpython_accepts_is_no_syntax_error_without_the_call_facts() {
    let source = format!("import os\nx = {}1\n", "-".repeat(3_900));
    let (base, all) = both(source.as_bytes());
    assert!(base.syntax_errors.is_empty(), "{:?}", base.syntax_errors);
    assert_eq!(base, all);
}
