//! The import rules on fixture trees under fixtures/rules/: every true
//! positive is listed, so a near miss that gets reported fails the test.

mod common;

use common::{fixture, owned, violations};

#[test]
fn layers_reports_upward_and_unlisted_imports_only() {
    assert_eq!(
        violations(&fixture("rules/layers")),
        owned(&[
            ("app/api/deps.py", 2, "unused-ignore", "layers"),
            ("app/api/routes.py", 5, "layers", "app.models.user"),
            ("app/api/routes.py", 16, "layers", "app.models.user"),
            (
                "app/models/drivers/pg.py",
                1,
                "layers",
                "app.services.billing"
            ),
            ("app/models/drivers/pg.py", 2, "layers", "app.models.user"),
            ("app/services/billing.py", 1, "layers", "app.api.routes"),
            ("app/services/billing.py", 2, "layers", "app.api.deps"),
        ])
    );
}

#[test]
fn layer_messages_name_both_layers_and_the_reason() {
    let output = common::run(&fixture("rules/layers"), &["check", "--no-baseline"]);
    assert_eq!(output.code, 1);
    assert!(output.stdout.contains(
        "app/api/routes.py:5:24: layers (layers) import of `app.models.user` (layer `models`) in layer `api`: `api` may import only `services` [new]"
    ), "{}", output.stdout);
    assert!(output.stdout.contains(
        "app/services/billing.py:1:21: layers (layers) import of `app.api.routes` (layer `api`) in layer `services`: `api` lies above `services`; imports must point down the layers [new]"
    ), "{}", output.stdout);
}

#[test]
fn forbidden_import_matches_internal_and_external_targets() {
    assert_eq!(
        violations(&fixture("rules/forbidden_import")),
        owned(&[
            ("app/domain/model.py", 3, "domain-no-web", "fastapi"),
            ("app/domain/model.py", 4, "domain-no-web", "sqlalchemy.orm"),
            ("app/domain/model.py", 5, "domain-no-web", "sqlalchemy.orm"),
            (
                "app/services/orders.py",
                2,
                "no-legacy",
                "app.legacy.pricing"
            ),
        ])
    );
}

#[test]
fn the_users_message_follows_gates_own() {
    let output = common::run(
        &fixture("rules/forbidden_import"),
        &["check", "--no-baseline"],
    );
    assert!(output.stdout.contains(
        "app/services/orders.py:2:32: no-legacy (forbidden-import) `app.services.orders` imports `app.legacy.pricing`, forbidden by `app.legacy`; go through an anti-corruption adapter [new]"
    ), "{}", output.stdout);
}

#[test]
fn private_modules_are_private_to_their_parent_package() {
    assert_eq!(
        violations(&fixture("rules/private_module")),
        owned(&[
            (
                "acme/billing/invoices.py",
                1,
                "internals-stay-private",
                "acme.crm.internal.repo"
            ),
            (
                "acme/billing/invoices.py",
                3,
                "internals-stay-private",
                "acme.crm.internal"
            ),
        ])
    );
}
