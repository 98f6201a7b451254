//! Captures in module patterns (`{d}` / `{!d}`) and `transitive = true` on
//! `forbidden-import` and `layers`, on the fixture trees under
//! fixtures/rules/captures/ and fixtures/rules/transitive/: every true
//! positive is listed, so a near miss that gets reported fails the test.

use crate::common::{copy_fixture, fixture, owned, run, violations, write};

/// The text lines of `gate check --no-baseline` in `dir` that report a
/// violation, in report order.
fn reported_lines(dir: &std::path::Path, args: &[&str]) -> Vec<String> {
    let mut all = vec!["check", "--no-baseline"];
    all.extend_from_slice(args);
    let output = run(dir, &all);
    assert!(output.code <= 1, "gate failed: {}", output.stderr);
    output
        .stdout
        .lines()
        .filter(|line| line.ends_with("[new]"))
        .map(str::to_string)
        .collect()
}

/// A copy of a fixture tree whose gate.toml `edit` rewrites.
fn with_config(fixture: &str, edit: impl FnOnce(&str) -> String) -> tempfile::TempDir {
    let dir = copy_fixture(fixture);
    let config = std::fs::read_to_string(dir.path().join("gate.toml")).unwrap();
    write(dir.path(), "gate.toml", &edit(&config));
    dir
}

/// The stderr of a `gate check` refused for the config `text`.
fn config_error(text: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "gate.toml", text);
    write(dir.path(), "app/__init__.py", "");
    let output = run(dir.path(), &["check", "--no-baseline"]);
    assert_eq!(output.code, 2, "{}", output.stdout);
    output.stderr
}

const RULE_HEAD: &str = "[[rule]]\nkind = \"forbidden-import\"\nname = \"f\"\n";

#[test]
fn captures_forbid_another_domain_and_allow_the_own_one() {
    assert_eq!(
        violations(&fixture("rules/captures")),
        owned(&[
            (
                "app/domains/billing/drivers/pg.py",
                5,
                "drivers-stay-home",
                "app.domains.crm.models"
            ),
            (
                "app/domains/billing/drivers/pg.py",
                6,
                "drivers-stay-home",
                "app.domains.crm.api"
            ),
            (
                "app/domains/crm/api.py",
                1,
                "api-not-own-drivers",
                "app.domains.crm.drivers.redis"
            ),
            (
                "app/domains/crm/drivers/redis.py",
                2,
                "drivers-stay-home",
                "app.domains.billing.drivers.pg"
            ),
        ])
    );
}

#[test]
fn a_capture_violation_names_the_pattern_as_written() {
    let lines = reported_lines(&fixture("rules/captures"), &[]);
    assert_eq!(
        lines[0],
        "app/domains/billing/drivers/pg.py:5:6: drivers-stay-home (forbidden-import) \
         `app.domains.billing.drivers.pg` imports `app.domains.crm.models`, forbidden by \
         `app.domains.{!d}`; a driver serves its own domain; call the other domain's api [new]"
    );
}

#[test]
fn the_first_from_pattern_that_matches_binds_the_captures() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "gate.toml",
        "[project]\nroots = [\".\"]\n\n[[rule]]\nkind = \"forbidden-import\"\nname = \"apart\"\n\
         from = [\"app.{d}.drivers\", \"app.{d}\"]\nto = [\"app.{!d}.models\"]\n",
    );
    for package in ["app", "app/crm", "app/billing", "app/crm/drivers"] {
        write(dir.path(), &format!("{package}/__init__.py"), "");
    }
    write(dir.path(), "app/billing/models.py", "");
    write(dir.path(), "app/crm/models.py", "");
    // `app.{d}.drivers` binds `crm`: its own models are fine, billing's not.
    write(
        dir.path(),
        "app/crm/drivers/pg.py",
        "from app.crm import models\nfrom app.billing import models as other\n",
    );
    // Only `app.{d}` matches, and binds `crm` too.
    write(
        dir.path(),
        "app/crm/service.py",
        "from app.crm import models\nfrom app.billing import models as other\n",
    );
    assert_eq!(
        violations(dir.path()),
        owned(&[
            ("app/crm/drivers/pg.py", 2, "apart", "app.billing.models"),
            ("app/crm/service.py", 2, "apart", "app.billing.models"),
        ])
    );
}

#[test]
fn a_capture_in_to_that_no_from_pattern_binds_is_refused_at_the_string() {
    let error = config_error(&format!(
        "{RULE_HEAD}from = [\"app.domains.{{d}}.drivers\"]\nto = [\"app.legacy\", \"app.domains.{{!dom}}\"]\n"
    ));
    assert!(
        error.starts_with(
            "error: capture `{!dom}` in `to` in [[rule]] \"f\" is not bound by any `from` pattern\n \
             --> gate.toml:5:21\n"
        ),
        "{error}"
    );
    assert!(
        error.contains("= help: the `from` patterns bind `{d}`"),
        "{error}"
    );

    let error = config_error(&format!(
        "{RULE_HEAD}from = [\"app.domains\"]\nto = [\"app.domains.{{d}}\"]\n"
    ));
    assert!(
        error.starts_with(
            "error: capture `{d}` in `to` in [[rule]] \"f\" is not bound by any `from` pattern\n \
             --> gate.toml:5:7\n"
        ),
        "{error}"
    );
    assert!(
        error.contains("bind it with a `{d}` segment in a `from` pattern"),
        "{error}"
    );
}

#[test]
fn captures_in_except_and_negated_captures_in_from_are_refused() {
    let error = config_error(&format!(
        "{RULE_HEAD}from = [\"app.{{d}}\"]\nexcept = [\"app.{{d}}.tests\"]\nto = [\"app.{{!d}}\"]\n"
    ));
    assert!(
        error.starts_with(
            "error: `except` in [[rule]] \"f\" cannot use captures: `app.{d}.tests`; only `from` \
             binds and only `to` tests them, in rules of kind `forbidden-import`\n \
             --> gate.toml:5:11\n"
        ),
        "{error}"
    );
    assert!(error.contains("= help: write `*`"), "{error}");

    let error = config_error(&format!(
        "{RULE_HEAD}from = [\"app.{{!d}}\"]\nto = [\"app.{{d}}\"]\n"
    ));
    assert!(
        error.starts_with("error: `{!d}` in `from` in [[rule]] \"f\": a negated capture"),
        "{error}"
    );
    assert!(error.contains("gate.toml:4:9"), "{error}");
}

#[test]
fn a_malformed_capture_is_refused_with_the_pattern_and_a_reason() {
    let error = config_error(&format!(
        "{RULE_HEAD}from = [\"app.{{d}}.drivers\"]\nto = [\"app.x{{d}}\"]\n"
    ));
    assert!(
        error.starts_with(
            "error: invalid module pattern `app.x{d}`: segment `x{d}` is not a capture: write \
             `{name}` or `{!name}` as a whole segment, with a Python identifier as the name\n \
             --> gate.toml:5:7\n"
        ),
        "{error}"
    );
}

#[test]
fn transitive_forbidden_import_reports_each_package_once_by_its_shortest_chain() {
    assert_eq!(
        violations(&fixture("rules/transitive/forbidden_import")),
        owned(&[
            ("app/api/admin.py", 1, "no-legacy", "app.legacy.db"),
            // It reaches `app.legacy.text` too, by a longer chain: one
            // violation per package, with the shortest chain.
            ("app/api/exports.py", 2, "no-legacy", "indirect: app.legacy"),
            ("app/api/orders.py", 2, "no-legacy", "indirect: app.legacy"),
            ("app/api/reports.py", 1, "no-legacy", "indirect: app.legacy"),
            ("app/api/search.py", 2, "no-legacy", "indirect: app.legacy"),
            (
                "app/api/users.py",
                2,
                "api-no-sqlalchemy",
                "indirect: sqlalchemy"
            ),
            (
                "app/services/orders.py",
                1,
                "no-legacy",
                "app.legacy.pricing"
            ),
        ])
    );
}

#[test]
fn a_transitive_violation_prints_its_shortest_chain_hop_by_hop() {
    let lines = reported_lines(&fixture("rules/transitive/forbidden_import"), &[]);
    let expected = [
        "app/api/orders.py:2:23: no-legacy (forbidden-import) `app.api.orders` reaches \
         `app.legacy.db` indirectly, forbidden by `app.legacy`: app/api/orders.py:2 imports \
         `app.utils.dbtools`, app/utils/dbtools.py:1 imports `app.legacy.db` [new]",
        "app/api/reports.py:1:23: no-legacy (forbidden-import) `app.api.reports` reaches \
         `app.legacy.text` indirectly, forbidden by `app.legacy`: app/api/reports.py:1 imports \
         `app.utils.fmt`, app/utils/fmt.py:2 imports `app.utils.strings`, app/utils/strings.py:1 \
         imports `app.legacy.text` [new]",
        // Two chains lead there; the shorter one is printed.
        "app/api/search.py:2:23: no-legacy (forbidden-import) `app.api.search` reaches \
         `app.legacy.text` indirectly, forbidden by `app.legacy`: app/api/search.py:2 imports \
         `app.utils.strings`, app/utils/strings.py:1 imports `app.legacy.text` [new]",
        "app/api/users.py:2:27: api-no-sqlalchemy (forbidden-import) `app.api.users` reaches \
         `sqlalchemy.orm` indirectly, forbidden by `sqlalchemy`: app/api/users.py:2 imports \
         `app.utils.session`, app/utils/session.py:1 imports `sqlalchemy.orm` [new]",
    ];
    for line in expected {
        assert!(
            lines.iter().any(|l| l == line),
            "{line}\nnot in:\n{lines:#?}"
        );
    }
}

#[test]
fn without_transitive_only_direct_imports_are_reported() {
    let dir = with_config("rules/transitive/forbidden_import", |config| {
        config.replace("transitive = true\n", "")
    });
    assert_eq!(
        violations(dir.path()),
        owned(&[
            ("app/api/admin.py", 1, "no-legacy", "app.legacy.db"),
            (
                "app/services/orders.py",
                1,
                "no-legacy",
                "app.legacy.pricing"
            ),
        ])
    );
}

#[test]
fn transitive_chains_respect_the_imports_selection() {
    // `app.api.users` reaches sqlalchemy only through an import inside a
    // function, which `module-level` leaves out.
    let dir = with_config("rules/transitive/forbidden_import", |config| {
        config.replace(
            "to = [\"sqlalchemy\"]\n",
            "to = [\"sqlalchemy\"]\nimports = \"module-level\"\n",
        )
    });
    let found = violations(dir.path());
    assert!(
        found.iter().all(|v| v.2 != "api-no-sqlalchemy"),
        "{found:?}"
    );
}

#[test]
fn a_known_chain_stays_known_when_its_middle_changes() {
    let dir = copy_fixture("rules/transitive/forbidden_import");
    let init = run(dir.path(), &["baseline", "init"]);
    assert_eq!(init.code, 0, "{}", init.stderr);
    // `app.api.orders` now reaches `app.legacy.db` through another module,
    // two lines further down.
    write(
        dir.path(),
        "app/api/orders.py",
        "\"\"\"Order routes.\"\"\"\n\n\nfrom app.utils import dbtools2\n",
    );
    write(
        dir.path(),
        "app/utils/dbtools2.py",
        "import json\nfrom app.legacy import db\n",
    );
    let output = run(dir.path(), &["check"]);
    assert_eq!(output.code, 0, "{}\n{}", output.stdout, output.stderr);
    assert!(
        output.stdout.contains("0 new") && output.stdout.contains("0 fixed"),
        "{}",
        output.stdout
    );
}

#[test]
fn transitive_output_is_the_same_on_one_thread_and_on_two() {
    for tree in [
        "rules/transitive/forbidden_import",
        "rules/transitive/layers",
    ] {
        let one = run(
            &fixture(tree),
            &["check", "--no-baseline", "--threads", "1"],
        );
        let two = run(
            &fixture(tree),
            &["check", "--no-baseline", "--threads", "2"],
        );
        assert_eq!(one.stdout, two.stdout, "{tree}");
        assert_eq!(one.code, 1, "{tree}");
    }
}

#[test]
fn transitive_captures_bind_for_the_start_of_the_chain() {
    let dir = with_config("rules/captures", |config| {
        config.replace(
            "to = [\"app.domains.{!d}\"]\n",
            "to = [\"app.domains.{!d}\"]\ntransitive = true\n",
        )
    });
    // A second billing driver reaches crm through billing's models and
    // through `app.staff`, which also leads to hr: one violation per domain.
    write(
        dir.path(),
        "app/domains/billing/drivers/mysql.py",
        "from app.domains.billing import models\nfrom app import staff\n",
    );
    write(
        dir.path(),
        "app/staff.py",
        "from app.domains.crm import api\nfrom app.domains.hr import people\n",
    );
    write(dir.path(), "app/domains/hr/__init__.py", "");
    write(dir.path(), "app/domains/hr/people.py", "");
    // `pg` reaches crm's models through billing's models too, but imports
    // them directly: reported once. crm's driver package reaches only its
    // own domain's models; its `redis` stops at billing's driver, a direct
    // violation.
    assert_eq!(
        violations(dir.path()),
        owned(&[
            (
                "app/domains/billing/drivers/mysql.py",
                1,
                "drivers-stay-home",
                "indirect: app.domains.crm"
            ),
            (
                "app/domains/billing/drivers/mysql.py",
                2,
                "drivers-stay-home",
                "indirect: app.domains.hr"
            ),
            (
                "app/domains/billing/drivers/pg.py",
                5,
                "drivers-stay-home",
                "app.domains.crm.models"
            ),
            (
                "app/domains/billing/drivers/pg.py",
                6,
                "drivers-stay-home",
                "app.domains.crm.api"
            ),
            (
                "app/domains/crm/api.py",
                1,
                "api-not-own-drivers",
                "app.domains.crm.drivers.redis"
            ),
            (
                "app/domains/crm/drivers/redis.py",
                2,
                "drivers-stay-home",
                "app.domains.billing.drivers.pg"
            ),
        ])
    );
}

#[test]
fn transitive_layers_report_chains_to_a_layer_the_start_may_not_import() {
    assert_eq!(
        violations(&fixture("rules/transitive/layers")),
        owned(&[
            ("app/api/admin.py", 1, "layering", "app.models.user"),
            ("app/api/routes.py", 2, "layering", "indirect: layer models"),
            (
                "app/services/audit.py",
                1,
                "layering",
                "indirect: layer api"
            ),
            (
                "app/services/billing.py",
                2,
                "layering",
                "indirect: layer api"
            ),
        ])
    );
    let lines = reported_lines(&fixture("rules/transitive/layers"), &[]);
    for line in [
        "app/api/routes.py:2:26: layering (layers) `app.api.routes` (layer `api`) reaches \
         `app.models.user` (layer `models`) indirectly: app/api/routes.py:2 imports \
         `app.services.billing`, app/services/billing.py:1 imports `app.models.user`; `api` may \
         import only `services` [new]",
        "app/services/billing.py:2:26: layering (layers) `app.services.billing` (layer \
         `services`) reaches `app.api.deps` (layer `api`) indirectly: app/services/billing.py:2 \
         imports `app.services.audit`, app/services/audit.py:1 imports `app.utils.web`, \
         app/utils/web.py:1 imports `app.api.deps`; `api` lies above `services`; imports must \
         point down the layers [new]",
    ] {
        assert!(
            lines.iter().any(|l| l == line),
            "{line}\nnot in:\n{lines:#?}"
        );
    }
}
