//! Import resolution, one fixture tree per case under fixtures/resolution/:
//! each test lists the exact edges `gate graph --format json` resolves.

use serde_json::Value;

use crate::common;

/// (path, line, target, flags) where flags is a string of
/// `t` (type-checking), `f` (in function), `x` (external).
type Edge = (String, u64, String, String);

fn edges(tree: &str) -> Vec<Edge> {
    let output = common::run(
        &common::fixture(&format!("resolution/{tree}")),
        &["graph", "--format", "json"],
    );
    assert_eq!(output.code, 0, "stderr: {}", output.stderr);
    let report: Value = serde_json::from_str(&output.stdout).expect("valid JSON");
    let mut edges = Vec::new();
    for file in report["files"].as_array().unwrap() {
        for import in file["imports"].as_array().unwrap() {
            let mut flags = String::new();
            if import["type_checking"].as_bool().unwrap() {
                flags.push('t');
            }
            if import["in_function"].as_bool().unwrap() {
                flags.push('f');
            }
            if !import["internal"].as_bool().unwrap() {
                flags.push('x');
            }
            edges.push((
                file["path"].as_str().unwrap().to_string(),
                import["line"].as_u64().unwrap(),
                import["target"].as_str().unwrap().to_string(),
                flags,
            ));
        }
    }
    edges
}

fn expect(list: &[(&str, u64, &str, &str)]) -> Vec<Edge> {
    list.iter()
        .map(|(path, line, target, flags)| {
            (
                path.to_string(),
                *line,
                target.to_string(),
                flags.to_string(),
            )
        })
        .collect()
}

#[test]
fn relative_imports_resolve_at_every_level() {
    assert_eq!(
        edges("relative_levels"),
        expect(&[
            ("pkg/__init__.py", 1, "pkg.core", ""),
            ("pkg/__init__.py", 2, "pkg.core.engine", ""),
            ("pkg/core/__init__.py", 1, "pkg.core.engine", ""),
            ("pkg/core/__init__.py", 2, "pkg.util", ""),
            ("pkg/core/deep/leaf.py", 1, "pkg.util", ""),
            ("pkg/core/deep/leaf.py", 2, "pkg.core", ""),
            ("pkg/core/engine.py", 1, "pkg.core.helpers", ""),
            ("pkg/core/engine.py", 2, "pkg.core.helpers", ""),
            ("pkg/core/engine.py", 3, "pkg.util", ""),
            ("pkg/core/engine.py", 4, "pkg.util", ""),
        ])
    );
}

#[test]
fn relative_import_beyond_top_level_warns_and_resolves_nothing() {
    let dir = common::fixture("resolution/relative_beyond_top");
    let output = common::run(&dir, &["graph", "--format", "json"]);
    assert_eq!(output.code, 0);
    assert!(
        output.stderr.contains("pkg/mod.py:1:16: cannot resolve import: attempted relative import beyond top-level package"),
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("top.py:1:15: cannot resolve import: attempted relative import with no known parent package"),
        "{}",
        output.stderr
    );
    assert_eq!(
        edges("relative_beyond_top"),
        expect(&[("pkg/mod.py", 2, "pkg.sibling", "")])
    );
}

#[test]
fn from_package_import_targets_the_submodule_when_it_exists() {
    assert_eq!(
        edges("from_import_submodule"),
        expect(&[
            ("app/main.py", 1, "app.models.user", ""),
            ("app/main.py", 2, "app.models", ""),
            ("app/main.py", 3, "app.models.billing", ""),
            ("app/main.py", 3, "app.models.user", ""),
            ("app/main.py", 4, "app.models", ""),
            ("app/models/__init__.py", 1, "app.models.user", ""),
        ])
    );
}

#[test]
fn aliases_star_imports_and_external_packages_keep_full_names() {
    assert_eq!(
        edges("import_forms"),
        expect(&[
            ("app/main.py", 1, "app.db.session", ""),
            ("app/main.py", 2, "os", "x"),
            ("app/main.py", 2, "app.db", ""),
            ("app/main.py", 3, "app.db.session", ""),
            ("app/main.py", 4, "sqlalchemy.orm", "x"),
            ("app/main.py", 5, "sqlalchemy.orm", "x"),
            ("app/main.py", 6, "sqlalchemy", "x"),
        ])
    );
}

#[test]
fn namespace_packages_resolve_and_are_internal() {
    assert_eq!(
        edges("namespace_package"),
        expect(&[
            ("src/acme/crm/api.py", 1, "acme.billing.invoices", ""),
            ("src/acme/crm/api.py", 2, "acme.billing.invoices", ""),
        ])
    );
}

#[test]
fn only_the_type_checking_body_is_type_only() {
    assert_eq!(
        edges("type_checking"),
        expect(&[
            ("app/main.py", 1, "typing", "x"),
            ("app/main.py", 2, "typing", "x"),
            ("app/main.py", 5, "app.a", "t"),
            ("app/main.py", 7, "app.b", ""),
            ("app/main.py", 9, "app.c", ""),
            ("app/main.py", 12, "app.d", "t"),
            ("app/main.py", 15, "app.a", ""),
            ("app/main.py", 17, "app.b", "t"),
        ])
    );
}

#[test]
fn function_try_and_dynamic_imports_count() {
    assert_eq!(
        edges("import_contexts"),
        expect(&[
            ("app/main.py", 1, "importlib", "x"),
            ("app/main.py", 2, "importlib", "x"),
            ("app/main.py", 5, "app.fast", ""),
            ("app/main.py", 11, "app.plugins", "f"),
            ("app/main.py", 16, "app.plugins", "f"),
            ("app/main.py", 17, "app.fast", "f"),
            ("app/main.py", 18, "json", "fx"),
            ("app/main.py", 20, "app.plugins", "f"),
        ])
    );
}

#[test]
fn pep_810_lazy_imports_count() {
    assert_eq!(
        edges("lazy_import"),
        expect(&[
            ("app/main.py", 1, "app.heavy", ""),
            ("app/main.py", 2, "app.heavy", ""),
        ])
    );
}

#[test]
fn a_module_file_shadowed_by_a_package_has_no_module_and_one_warning() {
    let dir = common::fixture("resolution/shadowed_module");
    let output = common::run(&dir, &["check", "--no-baseline"]);
    assert_eq!(output.code, 0, "{}{}", output.stdout, output.stderr);
    assert_eq!(
        output.stderr.matches("warning:").count(),
        1,
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains(
            "app/orchestrator.py is shadowed by the package app/orchestrator/__init__.py"
        ),
        "{}",
        output.stderr
    );
    let output = common::run(&dir, &["graph", "--format", "json"]);
    let report: Value = serde_json::from_str(&output.stdout).expect("valid JSON");
    let module = |path: &str| {
        report["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|file| file["path"] == path)
            .unwrap()["module"]
            .clone()
    };
    assert_eq!(module("app/orchestrator.py"), Value::Null);
    assert_eq!(module("app/orchestrator/__init__.py"), "app.orchestrator");
    // The package's own import is its, the file's are no module's: no cycle
    // app.orchestrator -> app.jobs -> app.orchestrator, no second importer.
    assert_eq!(
        edges("shadowed_module"),
        expect(&[
            ("app/jobs.py", 1, "app.orchestrator", ""),
            ("app/orchestrator.py", 2, "app.jobs", ""),
            ("app/orchestrator.py", 3, "app.settings", ""),
            (
                "app/orchestrator/__init__.py",
                1,
                "app.orchestrator.runner",
                ""
            ),
        ])
    );
}

#[test]
fn a_missing_submodule_is_an_edge_to_its_longest_existing_prefix() {
    assert_eq!(
        edges("missing_submodule"),
        expect(&[
            ("app/a.py", 1, "app.engines", ""),
            ("app/a.py", 2, "app.engines.pricing", ""),
            ("app/b.py", 1, "app.engines", ""),
            ("app/b.py", 2, "sqlalchemy.orm", "x"),
            ("app/c.py", 1, "app.engines", ""),
            ("app/c.py", 2, "app", ""),
        ])
    );
    let found = common::violations(&common::fixture("resolution/missing_submodule"));
    assert_eq!(
        found,
        common::owned(&[("app/engines/__init__.py", 1, "few-importers", "app.engines")])
    );
}
