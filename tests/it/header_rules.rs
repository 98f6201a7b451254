//! The header rules (`layer-header`, `header-imports`) and `[project]
//! layer-header` on fixture trees under fixtures/rules/: every true positive
//! is listed, so a near miss that gets reported fails the test.

use crate::common::{self, copy_fixture, fixture, owned, violations};

/// The lines of `gate check --no-baseline` output in `dir`.
fn report(dir: &std::path::Path) -> String {
    common::run(dir, &["check", "--no-baseline"]).stdout
}

/// Rewrites the fixture's gate.toml with `edit`.
fn edit_config(dir: &std::path::Path, edit: impl FnOnce(String) -> String) {
    let path = dir.join("gate.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, edit(text)).unwrap();
}

#[test]
fn layer_header_reports_missing_unknown_and_misplaced_headers() {
    assert_eq!(
        violations(&fixture("rules/layer_header")),
        owned(&[
            ("app/services/__init__.py", 1, "layer-headers", "missing"),
            ("app/workers/late.py", 1, "layer-headers", "missing"),
            ("app/workers/mail.py", 1, "layer-headers", "missing"),
            ("app/workers/retry.py", 2, "layer-headers", "unknown L9"),
            ("app/workers/sync.py", 1, "layer-headers", "L4 != L6"),
        ])
    );
}

#[test]
fn layer_header_messages_name_the_claim_and_the_folder() {
    let output = report(&fixture("rules/layer_header"));
    for line in [
        "app/workers/sync.py:1:1: layer-headers (layer-header) header declares layer `L4` but `app/workers/sync.py` lies in layer `L6` [new]",
        "app/workers/retry.py:2:1: layer-headers (layer-header) header declares layer `L9`, which no `[[layer]]` table defines (the layers are `L2`, `L4`, `L6`) [new]",
        "app/workers/mail.py:1:1: layer-headers (layer-header) missing layer header (`# Layer: <name>`) in the leading comment block [new]",
    ] {
        assert!(output.contains(line), "{line}\nnot in\n{output}");
    }
}

#[test]
fn layer_header_without_layers_checks_presence_with_a_custom_pattern() {
    let dir = tempfile::tempdir().unwrap();
    common::write(
        dir.path(),
        "gate.toml",
        "[project]\nroots = [\".\"]\n\n[[rule]]\nkind = \"layer-header\"\nname = \"tagged\"\n\
         pattern = '^#\\s*@layer\\s+(?P<layer>\\w+)'\n",
    );
    common::write(dir.path(), "core/a.py", "# @layer anything\nA = 1\n");
    common::write(dir.path(), "core/b.py", "# Layer: core\nB = 1\n");
    common::write(dir.path(), "core/__init__.py", "");
    assert_eq!(
        violations(dir.path()),
        owned(&[("core/b.py", 1, "tagged", "missing")])
    );
    let output = report(dir.path());
    assert!(
        output.contains(
            "core/b.py:1:1: tagged (layer-header) missing layer header: no line of the leading comment block matches `^#\\s*@layer\\s+(?P<layer>\\w+)` [new]"
        ),
        "{output}"
    );
}

#[test]
fn header_imports_checks_allowed_and_forbidden_lists() {
    assert_eq!(
        violations(&fixture("rules/header_imports")),
        owned(&[
            (
                "app/api/broken.py",
                1,
                "header-contract",
                "invalid app/core/auth.py"
            ),
            (
                "app/api/broken.py",
                2,
                "header-contract",
                "invalid app..models"
            ),
            ("app/api/broken.py", 4, "header-contract", "sqlalchemy"),
            ("app/api/routes.py", 5, "header-contract", "app.models.user"),
            ("app/api/routes.py", 6, "header-contract", "app.core.auth"),
            (
                "app/models/order.py",
                3,
                "header-contract",
                "sqlalchemy.orm"
            ),
            (
                "app/services/orders.py",
                10,
                "header-contract",
                "app.core.config"
            ),
            (
                "app/services/orders.py",
                11,
                "header-contract",
                "app.models.order"
            ),
            (
                "app/services/orders.py",
                12,
                "header-contract",
                "sqlalchemy"
            ),
            (
                "app/services/orders.py",
                13,
                "header-contract",
                "sqlalchemy.orm"
            ),
            (
                "app/services/orders.py",
                23,
                "header-contract",
                "app.core.config"
            ),
        ])
    );
}

#[test]
fn header_imports_messages_quote_the_header() {
    let output = report(&fixture("rules/header_imports"));
    for line in [
        "app/services/orders.py:10:6: header-contract (header-imports) `app.services.orders` imports `app.core.config`, which its header does not allow (`# Allowed Imports: models, app.core.auth`) [new]",
        "app/api/routes.py:5:6: header-contract (header-imports) `app.api.routes` imports `app.models.user` (layer `models`), which its header forbids (`# Forbidden Imports: models`) [new]",
        "app/api/broken.py:1:1: header-contract (header-imports) header item `app/core/auth.py` in `# Allowed Imports: services, app/core/auth.py` is neither a layer name nor a module pattern: module patterns are dotted names (`app.api`); use `paths` for file globs [new]",
    ] {
        assert!(output.contains(line), "{line}\nnot in\n{output}");
    }
}

#[test]
fn header_imports_counts_type_checking_imports_when_asked() {
    let dir = copy_fixture("rules/header_imports");
    edit_config(dir.path(), |text| {
        text.replace(
            "roots = [\".\"]",
            "roots = [\".\"]\ntype-checking-imports = \"check\"",
        )
    });
    let found = violations(dir.path());
    let orders: Vec<_> = found
        .iter()
        .filter(|(path, ..)| path == "app/services/orders.py")
        .map(|(_, line, _, subject)| (*line, subject.as_str()))
        .collect();
    assert_eq!(
        orders,
        [
            (10, "app.core.config"),
            (11, "app.models.order"),
            (12, "sqlalchemy"),
            (13, "sqlalchemy.orm"),
            (19, "app.core.config"),
            (23, "app.core.config"),
        ]
    );
}

#[test]
fn a_declared_layer_wins_over_the_folder() {
    assert_eq!(
        violations(&fixture("rules/project_layer_header")),
        owned(&[
            (
                "app/services/billing.py",
                6,
                "layers",
                "app.services.gateway"
            ),
            (
                "app/services/gateway.py",
                1,
                "layer-headers",
                "api != services"
            ),
            ("app/services/gateway.py", 3, "layers", "app.models.user"),
            ("app/services/odd.py", 1, "layer-headers", "unknown nowhere"),
            ("app/services/odd.py", 3, "layers", "app.api.routes"),
            ("app/services/plain.py", 1, "layer-headers", "missing"),
        ])
    );
    let output = report(&fixture("rules/project_layer_header"));
    let line = "app/services/gateway.py:3:6: layers (layers) import of `app.models.user` (layer `models`) in layer `api`: `api` may import only `services` [new]";
    assert!(output.contains(line), "{line}\nnot in\n{output}");
}

#[test]
fn without_project_layer_header_the_folder_decides() {
    let dir = copy_fixture("rules/project_layer_header");
    edit_config(dir.path(), |text| {
        text.lines()
            .filter(|line| !line.starts_with("layer-header"))
            .map(|line| format!("{line}\n"))
            .collect()
    });
    assert_eq!(
        violations(dir.path()),
        owned(&[
            (
                "app/services/gateway.py",
                1,
                "layer-headers",
                "api != services"
            ),
            ("app/services/odd.py", 1, "layer-headers", "unknown nowhere"),
            ("app/services/odd.py", 3, "layers", "app.api.routes"),
            ("app/services/plain.py", 1, "layer-headers", "missing"),
        ])
    );
}
