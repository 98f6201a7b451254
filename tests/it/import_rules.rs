//! The import rules on fixture trees under fixtures/rules/: every true
//! positive is listed, so a near miss that gets reported fails the test.

use crate::common::{self, fixture, owned, violations};

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
        "app/services/orders.py:2:6: no-legacy (forbidden-import) `app.services.orders` imports `app.legacy.pricing`, forbidden by `app.legacy`; go through an anti-corruption adapter [new]"
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

/// A copy of the layers fixture whose gate.toml `edit` rewrites.
fn layers_with_config(edit: impl FnOnce(&str) -> String) -> tempfile::TempDir {
    let dir = common::copy_fixture("rules/layers");
    let config = std::fs::read_to_string(dir.path().join("gate.toml")).unwrap();
    common::write(dir.path(), "gate.toml", &edit(&config));
    dir
}

/// The same, with `line` added to its `[project]` table.
fn layers_with_project_line(line: &str) -> tempfile::TempDir {
    layers_with_config(|config| {
        config.replace("roots = [\".\"]", &format!("roots = [\".\"]\n{line}"))
    })
}

#[test]
fn type_checking_imports_count_when_the_project_says_check() {
    let dir = layers_with_project_line("type-checking-imports = \"check\"");
    let found = violations(dir.path());
    assert!(
        found.contains(&(
            "app/api/routes.py".to_string(),
            12,
            "layers".to_string(),
            "app.models.user".to_string()
        )),
        "{found:?}"
    );
}

#[test]
fn module_level_selection_leaves_out_imports_inside_functions() {
    let dir = layers_with_config(|config| {
        format!(
            "{config}\n[[rule]]\nkind = \"layers\"\nname = \"layering\"\nimports = \"module-level\"\n"
        )
    });
    let found = violations(dir.path());
    assert!(
        found
            .iter()
            .all(|v| v.1 != 16 || v.0 != "app/api/routes.py"),
        "{found:?}"
    );
    assert!(
        found.contains(&(
            "app/api/routes.py".to_string(),
            5,
            "layering".to_string(),
            "app.models.user".to_string()
        )),
        "{found:?}"
    );
}

#[test]
fn files_outside_every_root_are_named_in_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    common::write(dir.path(), "gate.toml", "[project]\nroots = [\"src\"]\n");
    common::write(dir.path(), "src/app/__init__.py", "");
    common::write(dir.path(), "scripts/seed.py", "import app\n");
    let output = common::run(dir.path(), &["check", "--no-baseline"]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert!(
        output
            .stderr
            .contains("1 file(s) lie outside every source root"),
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("(first: scripts/seed.py)"),
        "{}",
        output.stderr
    );
}

#[test]
fn checking_one_path_reports_only_that_file() {
    let dir = fixture("rules/layers");
    let output = common::run(&dir, &["check", "--no-baseline", "app/services/billing.py"]);
    assert_eq!(output.code, 1);
    let files: std::collections::BTreeSet<&str> = output
        .stdout
        .lines()
        .filter_map(|line| line.split(':').next().filter(|p| p.ends_with(".py")))
        .collect();
    assert_eq!(
        files.into_iter().collect::<Vec<_>>(),
        vec!["app/services/billing.py"]
    );
}

#[test]
fn output_and_json_files_are_written_in_the_same_run() {
    let out = tempfile::tempdir().unwrap();
    let text = out.path().join("gate.txt");
    let json = out.path().join("gate.json");
    let output = common::run(
        &fixture("rules/layers"),
        &[
            "check",
            "--no-baseline",
            "--output",
            text.to_str().unwrap(),
            "--json",
            json.to_str().unwrap(),
        ],
    );
    assert_eq!(output.code, 1);
    assert!(output.stdout.is_empty(), "{}", output.stdout);
    let text = std::fs::read_to_string(text).unwrap();
    assert!(text.contains("[new]") && !text.contains('\u{1b}'), "{text}");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
    assert_eq!(report["summary"]["new"], 7);
}

#[test]
fn excluded_and_gitignored_files_are_not_checked() {
    let dir = layers_with_project_line("exclude = [\"**/drivers/**\"]");
    common::write(dir.path(), ".gitignore", "app/services/\n");
    let found = violations(dir.path());
    assert!(
        found
            .iter()
            .all(|v| !v.0.contains("drivers") && !v.0.contains("services")),
        "{found:?}"
    );
    assert!(
        found.iter().any(|v| v.0 == "app/api/routes.py"),
        "{found:?}"
    );
}

#[test]
fn an_include_path_that_does_not_exist_is_an_error() {
    let dir = layers_with_project_line("include = [\"backend\"]");
    let output = common::run(dir.path(), &["check", "--no-baseline"]);
    assert_eq!(output.code, 2);
    assert!(
        output.stderr.contains("backend` does not exist"),
        "{}",
        output.stderr
    );
    assert!(output.stderr.contains("include"), "{}", output.stderr);
}

/// A project whose `app.api` may not import `app.internal` (a
/// forbidden-import rule and a private-module rule see the same imports),
/// with `app/api/routes.py` holding `routes`.
fn one_statement_project(routes: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::write(
        dir.path(),
        "gate.toml",
        "[project]\nroots = [\".\"]\n\n\
         [[rule]]\nkind = \"forbidden-import\"\nname = \"no-internal\"\nfrom = [\"app.api\"]\nto = [\"app.internal\"]\n\n\
         [[rule]]\nkind = \"private-module\"\nname = \"private\"\nmodules = [\"app.*.adapters\"]\n",
    );
    for file in [
        "app/__init__.py",
        "app/api/__init__.py",
        "app/internal/__init__.py",
        "app/internal/adapters/__init__.py",
        "app/internal/adapters/mail.py",
        "app/internal/adapters/sms.py",
    ] {
        common::write(dir.path(), file, "");
    }
    common::write(dir.path(), "app/api/routes.py", routes);
    dir
}

#[test]
fn names_of_one_statement_resolving_to_one_module_are_one_finding_per_rule() {
    let dir = one_statement_project(
        "from app.internal.adapters import (\n    A,\n    B,\n    C,\n    D,\n    E,\n)\n",
    );
    assert_eq!(
        violations(dir.path()),
        owned(&[
            (
                "app/api/routes.py",
                1,
                "no-internal",
                "app.internal.adapters"
            ),
            ("app/api/routes.py", 1, "private", "app.internal.adapters"),
        ])
    );
    let output = common::run(dir.path(), &["check", "--no-baseline"]);
    // At the module name of the statement.
    assert!(
        output
            .stdout
            .contains("app/api/routes.py:1:6: no-internal (forbidden-import)"),
        "{}",
        output.stdout
    );
}

#[test]
fn names_resolving_to_different_submodules_are_one_finding_each() {
    let dir = one_statement_project("from app.internal.adapters import mail, sms, A, B\n");
    assert_eq!(
        violations(dir.path()),
        owned(&[
            (
                "app/api/routes.py",
                1,
                "no-internal",
                "app.internal.adapters"
            ),
            ("app/api/routes.py", 1, "private", "app.internal.adapters"),
            (
                "app/api/routes.py",
                1,
                "no-internal",
                "app.internal.adapters.mail"
            ),
            (
                "app/api/routes.py",
                1,
                "private",
                "app.internal.adapters.mail"
            ),
            (
                "app/api/routes.py",
                1,
                "no-internal",
                "app.internal.adapters.sms"
            ),
            (
                "app/api/routes.py",
                1,
                "private",
                "app.internal.adapters.sms"
            ),
        ])
    );
    let output = common::run(dir.path(), &["check", "--no-baseline"]);
    // A submodule at its own name, the module's names at the module.
    for place in ["1:6: no-internal", "1:35: no-internal", "1:41: no-internal"] {
        assert!(output.stdout.contains(place), "{place}: {}", output.stdout);
    }
}

#[test]
fn a_relative_import_of_the_package_is_one_finding_at_its_dot() {
    let dir = tempfile::tempdir().unwrap();
    common::write(
        dir.path(),
        "gate.toml",
        "[project]\nroots = [\".\"]\n\n\
         [[layer]]\nname = \"top\"\nmodules = [\"app\"]\n\n\
         [[layer]]\nname = \"sub\"\nmodules = [\"app.sub\"]\n",
    );
    common::write(dir.path(), "app/__init__.py", "");
    common::write(dir.path(), "app/other.py", "");
    common::write(dir.path(), "app/sub/__init__.py", "");
    common::write(dir.path(), "app/sub/mod.py", "from .. import A, other, B\n");
    let output = common::run(dir.path(), &["check", "--no-baseline"]);
    let places: Vec<&str> = output
        .stdout
        .lines()
        .take_while(|line| !line.is_empty())
        .map(|line| line.split(": ").next().unwrap())
        .collect();
    // `A` and `B` are names of `app`, above `app.sub`: one finding at the
    // dot; `other` is a module of its own, at its name.
    assert_eq!(places, ["app/sub/mod.py:1:6", "app/sub/mod.py:1:19"]);
}

#[test]
fn a_baseline_counting_each_name_shrinks_to_one_per_statement() {
    let dir = one_statement_project("from app.internal.adapters import A, B, C\n");
    // The baseline a release that counted each name would have written.
    common::write(
        dir.path(),
        "baseline.json",
        "{\n  \"version\": 1,\n  \"entries\": [\n    {\n      \"rule\": \"no-internal\",\n      \"path\": \"app/api/routes.py\",\n      \"scope\": \"<module>\",\n      \"subject\": \"app.internal.adapters\",\n      \"count\": 3,\n      \"message\": \"old\"\n    },\n    {\n      \"rule\": \"private\",\n      \"path\": \"app/api/routes.py\",\n      \"scope\": \"<module>\",\n      \"subject\": \"app.internal.adapters\",\n      \"count\": 3,\n      \"message\": \"old\"\n    }\n  ]\n}\n",
    );
    let output = common::run(dir.path(), &["check", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&output.stdout).unwrap();
    assert_eq!(report["summary"]["new"], 0, "{}", output.stdout);
    assert_eq!(report["fixed"][0]["count"], 2, "{}", output.stdout);
    assert_eq!(report["fixed"][1]["count"], 2, "{}", output.stdout);
    let update = common::run(dir.path(), &["baseline", "update"]);
    assert_eq!(update.code, 0, "{}", update.stderr);
    let baseline: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("baseline.json")).unwrap())
            .unwrap();
    assert_eq!(baseline["entries"][0]["count"], 1);
    assert_eq!(baseline["entries"][1]["count"], 1);
}

#[test]
fn many_warnings_of_one_kind_print_as_a_count_and_three_examples() {
    let dir = tempfile::tempdir().unwrap();
    common::write(
        dir.path(),
        "gate.toml",
        "[project]\nroots = [\".\"]\n\n[[rule]]\nkind = \"sys-path\"\nname = \"no-sys-path\"\n",
    );
    // Ten top-level modules, each with a relative import beyond the top.
    for i in 0..10 {
        common::write(dir.path(), &format!("m{i}.py"), "from .. import x\n");
    }
    let grouped = common::run(dir.path(), &["check", "--no-baseline"]);
    assert_eq!(grouped.code, 0, "{}", grouped.stderr);
    assert_eq!(
        grouped.stderr.matches("cannot resolve import").count(),
        3,
        "{}",
        grouped.stderr
    );
    assert!(
        grouped.stderr.starts_with(
            "warning: 10 imports cannot be resolved, such as:\n  m0.py:1:16: cannot resolve import"
        ),
        "{}",
        grouped.stderr
    );
    assert!(
        grouped
            .stderr
            .contains("  … and 7 more (`--verbose` lists them all)\n"),
        "{}",
        grouped.stderr
    );
    let verbose = common::run(dir.path(), &["check", "--no-baseline", "--verbose"]);
    assert_eq!(verbose.stderr.matches("cannot resolve import").count(), 10);
    let json = common::run(dir.path(), &["check", "--no-baseline", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let warnings = report["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 10);
    assert_eq!(warnings[0]["kind"], "unresolved-import");
}

#[test]
fn config_that_matches_nothing_is_a_warning_naming_its_line_and_key() {
    let dir = fixture("rules/dead_config");
    let output = common::run(&dir, &["check", "--no-baseline", "--verbose"]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    for expected in [
        "warning: gate.toml:24:9: `app.utilitis` (`from` in [[rule]] \"no-utils\") matches no module of the project",
        "warning: gate.toml:30:11: `app.scripts` (`except` in [[rule]] \"no-sys-path\") matches no module of the project",
        "warning: gate.toml:14:12: `app.workers` (`modules` in [[layer]] \"workers\") matches no module of the project",
        "warning: gate.toml:15:10: `app/jobs/**` (`paths` in [[layer]] \"workers\") matches no file of the project",
        "warning: gate.toml:13:8: layer `workers` holds no file",
        "warning: gate.toml:10:12: `*.urls` (`modules` in [[layer]] \"routing\") also matches modules outside the project, such as `django.urls`",
    ] {
        assert!(
            output.stderr.contains(expected),
            "{expected}\nnot in\n{}",
            output.stderr
        );
    }
    // What matches something says nothing: `to` may match nothing in a
    // healthy project, and `app.api`, `app.services` match modules.
    assert_eq!(
        output.stderr.matches("warning:").count(),
        6,
        "{}",
        output.stderr
    );
}

#[test]
fn strict_makes_dead_config_an_error() {
    let dir = fixture("rules/dead_config");
    let output = common::run(&dir, &["check", "--no-baseline", "--strict"]);
    assert_eq!(output.code, 2, "{}", output.stderr);
    assert!(
        output
            .stderr
            .contains("error: the config checks less than it says (6 problems under --strict):"),
        "{}",
        output.stderr
    );
    let copy = common::copy_fixture("rules/dead_config");
    let config = std::fs::read_to_string(copy.path().join("gate.toml")).unwrap();
    common::write(
        copy.path(),
        "gate.toml",
        &config.replace("[project]\n", "[project]\nstrict = true\n"),
    );
    assert_eq!(
        common::run(copy.path(), &["check", "--no-baseline"]).code,
        2
    );
    // A clean config passes under --strict.
    let clean = common::run(
        &fixture("rules/forbidden_import"),
        &["check", "--no-baseline", "--strict"],
    );
    assert_eq!(clean.code, 1, "{}", clean.stderr);
}

#[test]
fn json_and_sarif_carry_the_warnings() {
    let dir = fixture("rules/dead_config");
    let json = common::run(&dir, &["check", "--no-baseline", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let kinds: Vec<&str> = report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|warning| warning["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds.iter().filter(|kind| **kind == "dead-pattern").count(),
        4,
        "{kinds:?}"
    );
    assert!(kinds.contains(&"empty-layer") && kinds.contains(&"external-match"));
    let sarif = common::run(&dir, &["check", "--no-baseline", "--format", "sarif"]);
    let log = common::valid_sarif(&sarif.stdout);
    let notifications = log["runs"][0]["invocations"][0]["toolConfigurationNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(notifications.len(), 6);
    assert_eq!(notifications[0]["level"], "warning");
}

#[test]
fn roots_that_leave_most_files_outside_get_the_roots_to_use() {
    let dir = tempfile::tempdir().unwrap();
    common::write(
        dir.path(),
        "gate.toml",
        "[project]\nroots = [\"backend\"]\n\n[[rule]]\nkind = \"sys-path\"\nname = \"no-sys-path\"\n",
    );
    for file in [
        "src/app/__init__.py",
        "src/app/api.py",
        "src/app/models.py",
        "backend/tool.py",
    ] {
        common::write(dir.path(), file, "");
    }
    let output = common::run(dir.path(), &["check", "--no-baseline"]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert!(
        output.stderr.contains(
            "gate.toml: 3 of 4 files lie outside every source root (`roots` in [project]): \
             import rules cannot name their modules; the project's packages suggest `roots = ["
        ),
        "{}",
        output.stderr
    );
    assert!(output.stderr.contains("\"src\""), "{}", output.stderr);
    // With the roots it suggests, the warning is gone.
    common::write(
        dir.path(),
        "gate.toml",
        "[project]\nroots = [\"src\", \"backend\"]\n\n[[rule]]\nkind = \"sys-path\"\nname = \"no-sys-path\"\n",
    );
    let output = common::run(dir.path(), &["check", "--no-baseline"]);
    assert!(!output.stderr.contains("suggest"), "{}", output.stderr);
}
