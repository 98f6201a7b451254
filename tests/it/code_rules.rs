//! The call rules `import-time`, `sys-path` and `forbidden-call` on fixture
//! trees under fixtures/rules/: every true positive is listed, so a near
//! miss that gets reported fails the test.

use crate::common::{self, fixture, owned, violations};

/// `(path, line, scope)` of every violation in `dir`, in report order: the
/// scope is part of a violation's baseline identity.
fn scopes(dir: &std::path::Path) -> Vec<(String, u64, String)> {
    let output = common::run(dir, &["check", "--no-baseline", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&output.stdout).expect("valid JSON");
    report["violations"]
        .as_array()
        .expect("a violations array")
        .iter()
        .map(|v| {
            (
                v["path"].as_str().unwrap().to_string(),
                v["line"].as_u64().unwrap(),
                v["scope"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The report lines of `gate check --no-baseline` in `dir`.
fn report(dir: &std::path::Path) -> String {
    let output = common::run(dir, &["check", "--no-baseline"]);
    assert_eq!(output.code, 1, "{}", output.stderr);
    output.stdout
}

#[test]
fn import_time_reports_module_level_calls_that_are_not_allowed() {
    assert_eq!(
        violations(&fixture("rules/import_time")),
        owned(&[
            (
                "app/config.py",
                10,
                "no-startup-at-import",
                "app.config.Settings"
            ),
            ("app/db.py", 7, "db-import-time", "sqlalchemy.create_engine"),
            // Declarations are allowed; the calls in block headers count.
            (
                "app/declarations.py",
                34,
                "no-startup-at-import",
                "app.config.load_settings"
            ),
            ("app/declarations.py", 38, "no-startup-at-import", "warm_up"),
            (
                "app/declarations.py",
                40,
                "no-startup-at-import",
                "discover_plugins"
            ),
            (
                "app/declarations.py",
                42,
                "no-startup-at-import",
                "open_connection"
            ),
            (
                "app/declarations.py",
                44,
                "no-startup-at-import",
                "check_schema"
            ),
            (
                "app/main.py",
                30,
                "no-startup-at-import",
                "sqlalchemy.create_engine"
            ),
            (
                "app/main.py",
                31,
                "no-startup-at-import",
                "app.config.load_settings"
            ),
            ("app/main.py", 32, "no-startup-at-import", "app.db.init_db"),
            ("app/main.py", 33, "no-startup-at-import", "redis.Redis"),
            ("app/main.py", 34, "no-startup-at-import", "*.getChild"),
            ("app/main.py", 36, "no-startup-at-import", "<call>"),
            ("app/main.py", 46, "no-startup-at-import", "load_fallback"),
            // A `with` item runs at import too (new with the header calls).
            ("app/main.py", 48, "no-startup-at-import", "open"),
            ("app/main.py", 49, "no-startup-at-import", "handle.readline"),
            ("app/main.py", 69, "no-startup-at-import", "register"),
            // A subclass of `dict` is not a declaration; a default value runs.
            (
                "app/routing.py",
                22,
                "no-startup-at-import",
                "app.routing.Registry"
            ),
            (
                "app/routing.py",
                33,
                "no-startup-at-import",
                "app.config.load_settings"
            ),
        ])
    );
}

#[test]
fn import_time_messages_name_the_resolved_callee_and_the_module() {
    let stdout = report(&fixture("rules/import_time"));
    assert!(stdout.contains(
        "app/main.py:30:1: no-startup-at-import (import-time) `sqlalchemy.create_engine()` runs when `app.main` is imported; move it into the lifespan handler [new]\n"
    ), "{stdout}");
    assert!(stdout.contains(
        "app/main.py:36:1: no-startup-at-import (import-time) a call of a computed callee runs when `app.main` is imported; move it into the lifespan handler [new]\n"
    ), "{stdout}");
}

#[test]
fn sys_path_reports_mutating_calls_through_every_alias() {
    let calls: Vec<_> = violations(&fixture("rules/sys_path"))
        .into_iter()
        .filter(|(path, ..)| path != "app/stores.py")
        .collect();
    assert_eq!(
        calls,
        owned(&[
            ("app/boot.py", 10, "no-sys-path-hacks", "sys.path.insert"),
            ("app/boot.py", 11, "no-sys-path-hacks", "sys.path.append"),
            ("app/boot.py", 12, "no-sys-path-hacks", "sys.path.extend"),
            ("app/boot.py", 13, "no-sys-path-hacks", "sys.path.remove"),
            ("app/boot.py", 14, "no-sys-path-hacks", "sys.path.pop"),
            ("app/boot.py", 15, "no-sys-path-hacks", "sys.path.clear"),
            ("app/boot.py", 16, "no-sys-path-hacks", "site.addsitedir"),
            ("app/boot.py", 17, "no-sys-path-hacks", "site.addsitedir"),
            ("app/boot.py", 23, "no-sys-path-hacks", "sys.path.insert"),
            // Through the app's own re-exports, two hops from `sys`.
            ("app/plugins.py", 5, "no-sys-path-hacks", "sys.path.insert"),
            ("app/plugins.py", 6, "no-sys-path-hacks", "sys.path.append"),
            ("app/plugins.py", 7, "no-sys-path-hacks", "site.addsitedir"),
        ])
    );
}

#[test]
fn sys_path_reports_assignments_to_the_path_but_not_rebinding_a_name() {
    let stores: Vec<_> = violations(&fixture("rules/sys_path"))
        .into_iter()
        .filter(|(path, ..)| path == "app/stores.py")
        .collect();
    assert_eq!(
        stores,
        owned(&[
            ("app/stores.py", 5, "no-sys-path-hacks", "sys.path ="),
            ("app/stores.py", 6, "no-sys-path-hacks", "sys.path +="),
            ("app/stores.py", 7, "no-sys-path-hacks", "sys.path[...] ="),
            ("app/stores.py", 8, "no-sys-path-hacks", "del sys.path[...]"),
            ("app/stores.py", 9, "no-sys-path-hacks", "sys.path[...] ="),
            ("app/stores.py", 10, "no-sys-path-hacks", "sys.path +="),
            (
                "app/stores.py",
                11,
                "no-sys-path-hacks",
                "del sys.path[...]"
            ),
            ("app/stores.py", 12, "no-sys-path-hacks", "del sys.path"),
            ("app/stores.py", 17, "no-sys-path-hacks", "sys.path ="),
        ])
    );
}

#[test]
fn sys_path_edits_keep_the_scope_they_are_made_in() {
    let in_functions: Vec<_> = scopes(&fixture("rules/sys_path"))
        .into_iter()
        .filter(|(.., scope)| scope != "<module>")
        .collect();
    assert_eq!(
        in_functions,
        [
            ("app/boot.py".to_string(), 23, "setup".to_string()),
            ("app/stores.py".to_string(), 17, "reset".to_string()),
        ]
    );
}

#[test]
fn sys_path_messages_name_the_edit() {
    let stdout = report(&fixture("rules/sys_path"));
    assert!(stdout.contains(
        "app/boot.py:11:1: no-sys-path-hacks (sys-path) `sys.path.append()` edits the import path at run time; install the package and run it with `python -m` [new]\n"
    ), "{stdout}");
    assert!(stdout.contains(
        "app/stores.py:6:1: no-sys-path-hacks (sys-path) `sys.path +=` edits the import path at run time; install the package and run it with `python -m` [new]\n"
    ), "{stdout}");
}

#[test]
fn forbidden_call_resolves_callees_through_imports_and_aliases() {
    assert_eq!(
        violations(&fixture("rules/forbidden_call")),
        owned(&[
            (
                "app/api/routes.py",
                18,
                "routes-use-the-registry",
                "app.core.registry.execute"
            ),
            (
                "app/api/routes.py",
                19,
                "routes-use-the-registry",
                "sqlite3.connect"
            ),
            (
                "app/api/routes.py",
                20,
                "routes-use-the-registry",
                "engine.connect"
            ),
            (
                "app/engines/pricing.py",
                17,
                "deterministic-engines",
                "datetime.datetime.now"
            ),
            (
                "app/engines/pricing.py",
                18,
                "deterministic-engines",
                "datetime.datetime.now"
            ),
            (
                "app/engines/pricing.py",
                19,
                "deterministic-engines",
                "uuid.uuid4"
            ),
            (
                "app/engines/pricing.py",
                20,
                "deterministic-engines",
                "uuid.uuid4"
            ),
            (
                "app/engines/pricing.py",
                24,
                "deterministic-engines",
                "*.with_for_update"
            ),
            (
                "app/engines/pricing.py",
                25,
                "deterministic-engines",
                "query.with_for_update"
            ),
            (
                "app/engines/pricing.py",
                29,
                "deterministic-engines",
                "uuid.uuid4"
            ),
            (
                "app/engines/pricing.py",
                36,
                "deterministic-engines",
                "datetime.datetime.now"
            ),
        ])
    );
}

#[test]
fn forbidden_call_in_a_method_resolves_the_methods_own_import() {
    let pricing: Vec<_> = scopes(&fixture("rules/forbidden_call"))
        .into_iter()
        .filter(|(path, ..)| path == "app/engines/pricing.py")
        .map(|(_, line, scope)| (line, scope))
        .collect();
    let expected = [
        (17, "quote"),
        (18, "quote"),
        (19, "quote"),
        (20, "quote"),
        (24, "quote"),
        (25, "quote"),
        (29, "<module>"),
        (36, "Clock.now"),
    ];
    assert_eq!(
        pricing,
        expected
            .iter()
            .map(|(line, scope)| (*line, scope.to_string()))
            .collect::<Vec<_>>()
    );
}

#[test]
fn forbidden_call_messages_name_the_module_the_callee_and_the_pattern() {
    let stdout = report(&fixture("rules/forbidden_call"));
    assert!(stdout.contains(
        "app/engines/pricing.py:17:9: deterministic-engines (forbidden-call) `app.engines.pricing` calls `datetime.datetime.now`, forbidden by `datetime.datetime.now`; take the clock and ids as arguments [new]\n"
    ), "{stdout}");
    assert!(stdout.contains(
        "app/api/routes.py:18:5: routes-use-the-registry (forbidden-call) `app.api.routes` calls `app.core.registry.execute`, forbidden by `registry.execute` [new]\n"
    ), "{stdout}");
}

#[test]
fn paths_name_files_outside_every_root_that_in_cannot() {
    let dir = tempfile::tempdir().unwrap();
    let config = |extra: &str| {
        format!(
            "[project]\nroots = [\".\"]\n\n[[rule]]\nkind = \"sys-path\"\nname = \"no-sys-path\"\nin = [\"**\"]\n{extra}"
        )
    };
    crate::common::write(dir.path(), "gate.toml", &config(""));
    crate::common::write(dir.path(), "app/__init__.py", "");
    let hack = "import sys\nsys.path.insert(0, \".\")\n";
    crate::common::write(dir.path(), "app/x.py", hack);
    crate::common::write(dir.path(), "tools/data-sync/sync.py", hack);
    let output = crate::common::run(dir.path(), &["check", "--no-baseline"]);
    assert!(
        !output.stdout.contains("tools/data-sync/sync.py"),
        "{}",
        output.stdout
    );
    assert!(
        output.stderr.contains(
            "warning: gate.toml:7:7: `in` in [[rule]] \"no-sys-path\" names modules, and 1 file \
             outside every source root (such as tools/data-sync/sync.py) has none: the rule \
             cannot see them; add `paths = [\"tools/data-sync/**\"]` to the rule"
        ),
        "{}",
        output.stderr
    );
    crate::common::write(dir.path(), "gate.toml", &config("paths = [\"tools/**\"]\n"));
    let output = crate::common::run(dir.path(), &["check", "--no-baseline"]);
    assert!(
        output
            .stdout
            .contains("tools/data-sync/sync.py:2:1: no-sys-path (sys-path)"),
        "{}",
        output.stdout
    );
    assert!(
        !output.stderr.contains("cannot see them"),
        "{}",
        output.stderr
    );
}
