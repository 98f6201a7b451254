//! The graph rules, `import-cycle` and `fan-in`, on fixture trees under
//! fixtures/rules/: every true positive is listed, so a near miss that gets
//! reported fails the test.

use std::path::Path;

use crate::common::{copy_fixture, fixture, owned, run, violations, write};

/// The text output's violation lines, without the summary.
fn lines(dir: &Path) -> Vec<String> {
    let output = run(dir, &["check", "--no-baseline"]);
    assert!(output.code <= 1, "gate failed: {}", output.stderr);
    output
        .stdout
        .lines()
        .take_while(|line| !line.is_empty())
        .map(str::to_string)
        .collect()
}

/// The JSON report's violations.
fn json_violations(dir: &Path, args: &[&str]) -> Vec<serde_json::Value> {
    let mut all = vec!["check", "--no-baseline", "--format", "json"];
    all.extend_from_slice(args);
    let output = run(dir, &all);
    assert!(output.code <= 1, "gate failed: {}", output.stderr);
    let report: serde_json::Value = serde_json::from_str(&output.stdout).expect("valid JSON");
    report["violations"].as_array().unwrap().clone()
}

#[test]
fn a_two_cycle_is_reported_once_at_the_import_closing_it() {
    let dir = fixture("rules/import_cycle/two");
    assert_eq!(
        violations(&dir),
        owned(&[("app/b.py", 1, "no-cycles", "app.a, app.b")])
    );
    assert_eq!(
        lines(&dir),
        [
            "app/b.py:1:8: no-cycles (import-cycle) import cycle `app.a` → `app.b` → `app.a`: app/a.py:3 imports `app.b`, app/b.py:1 imports `app.a` [new]"
        ]
    );
}

#[test]
fn a_three_cycle_names_every_hop_of_the_loop() {
    let dir = fixture("rules/import_cycle/three");
    assert_eq!(
        violations(&dir),
        owned(&[("app/c.py", 3, "no-cycles", "app.a, app.b, app.c")])
    );
    assert_eq!(
        lines(&dir),
        [
            "app/c.py:3:5: no-cycles (import-cycle) import cycle `app.a` → `app.b` → `app.c` → `app.a`: app/a.py:1 imports `app.b`, app/b.py:1 imports `app.c`, app/c.py:3 imports `app.a` [new]"
        ]
    );
}

#[test]
fn disjoint_cycles_are_reported_separately_with_the_shortest_loop() {
    let dir = fixture("rules/import_cycle/disjoint");
    assert_eq!(
        violations(&dir),
        owned(&[
            ("app/y.py", 1, "no-cycles", "app.x, app.y"),
            ("lib/q.py", 1, "no-cycles", "lib.p, lib.q, lib.r"),
        ])
    );
    assert_eq!(
        lines(&dir)[1],
        "lib/q.py:1:8: no-cycles (import-cycle) import cycle `lib.p` → `lib.q` → `lib.p`: lib/p.py:1 imports `lib.q`, lib/q.py:1 imports `lib.p`; the cycle ties 3 modules together: `lib.p`, `lib.q`, `lib.r` [new]"
    );
}

#[test]
fn a_module_importing_itself_is_a_cycle_of_one() {
    assert_eq!(
        violations(&fixture("rules/import_cycle/self_import")),
        owned(&[
            ("app/a.py", 2, "no-cycles", "app.a"),
            ("app/b.py", 1, "no-cycles", "app.b"),
        ])
    );
}

#[test]
fn a_cycle_through_type_checking_imports_counts_only_when_they_are_checked() {
    let dir = fixture("rules/import_cycle/type_checking");
    assert_eq!(violations(&dir), owned(&[]));

    let checked = copy_fixture("rules/import_cycle/type_checking");
    let config = std::fs::read_to_string(dir.join("gate.toml")).unwrap();
    write(
        checked.path(),
        "gate.toml",
        &config.replace(
            "[project]\n",
            "[project]\ntype-checking-imports = \"check\"\n",
        ),
    );
    // `runtime-cycles` (imports = "runtime") still leaves them out.
    assert_eq!(
        violations(checked.path()),
        owned(&[("app/b.py", 4, "no-cycles", "app.a, app.b")])
    );
}

#[test]
fn a_cycle_through_a_function_level_import_is_left_out_by_module_level() {
    let dir = fixture("rules/import_cycle/function_level");
    assert_eq!(
        violations(&dir),
        owned(&[("app/b.py", 2, "all-cycles", "app.a, app.b")])
    );
    let found = json_violations(&dir, &[]);
    assert_eq!(found[0]["scope"], "total");
}

#[test]
fn package_cycles_ignore_imports_inside_a_package() {
    let dir = fixture("rules/import_cycle/package");
    assert_eq!(
        violations(&dir),
        owned(&[
            (
                "app/crm/api.py",
                2,
                "package-cycles",
                "app.billing, app.crm"
            ),
            (
                "app/crm/models.py",
                2,
                "module-cycles",
                "app.billing.invoices, app.crm.api, app.crm.models"
            ),
        ])
    );
    assert_eq!(
        lines(&dir)[0],
        "app/crm/api.py:2:34: package-cycles (import-cycle) import cycle `app.billing` → `app.crm` → `app.billing`: app/billing/invoices.py:2 imports `app.crm.models`, app/crm/api.py:2 imports `app.billing.invoices` [new]"
    );
}

#[test]
fn fan_in_counts_distinct_importers_over_the_limit() {
    let dir = fixture("rules/fan_in");
    assert_eq!(
        violations(&dir),
        owned(&[
            ("app/api/admin.py", 4, "god-modules", "ns.shared"),
            ("app/domain/__init__.py", 1, "god-modules", "app.domain"),
            ("app/domain/__init__.py", 1, "package-fan-in", "app.domain"),
        ])
    );
    assert_eq!(
        lines(&dir),
        [
            "app/api/admin.py:4:8: god-modules (fan-in) `ns.shared` is imported by 3 modules (max 2): `app.api.admin`, `app.api.orders`, `app.services.billing` [new]",
            "app/domain/__init__.py:1:1: god-modules (fan-in) `app.domain` is imported by 3 modules (max 2): `app.api.orders`, `app.api.users`, `app.services.billing` [new]",
            "app/domain/__init__.py:1:1: package-fan-in (fan-in) `app.domain` is imported by 2 packages (max 1): `app.api`, `app.services` [new]",
        ]
    );
    let found = json_violations(&dir, &[]);
    assert_eq!(found[1]["scope"], "<module>");
}

#[test]
fn fan_in_at_exactly_max_is_fine() {
    let dir = copy_fixture("rules/fan_in");
    let config = std::fs::read_to_string(dir.path().join("gate.toml")).unwrap();
    write(
        dir.path(),
        "gate.toml",
        &config
            .replace("max = 2", "max = 3")
            .replace("max = 1", "max = 2"),
    );
    assert_eq!(violations(dir.path()), owned(&[]));
}

/// `pkg.m00000` → `pkg.m00001` → … → back to `pkg.m00000`, every module also
/// importing `pkg.hub`.
fn big_loop(modules: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "gate.toml",
        "[project]\nroots = [\".\"]\n\n\
         [[rule]]\nkind = \"import-cycle\"\nname = \"no-cycles\"\n\n\
         [[rule]]\nkind = \"fan-in\"\nname = \"hubs\"\nmax = 100\n",
    );
    write(dir.path(), "pkg/__init__.py", "");
    write(dir.path(), "pkg/hub.py", "");
    for i in 0..modules {
        write(
            dir.path(),
            &format!("pkg/m{i:05}.py"),
            &format!(
                "from pkg import hub\nimport pkg.m{:05}\n",
                (i + 1) % modules
            ),
        );
    }
    dir
}

#[test]
fn a_loop_through_twenty_thousand_modules_is_one_deterministic_violation() {
    const MODULES: usize = 20_000;
    let dir = big_loop(MODULES);
    let one = json_violations(dir.path(), &["--threads", "1"]);
    let many = json_violations(dir.path(), &["--threads", "8"]);
    assert_eq!(one, many);
    let summary: Vec<(&str, &str, u64)> = one
        .iter()
        .map(|v| {
            (
                v["rule"].as_str().unwrap(),
                v["path"].as_str().unwrap(),
                v["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let last = format!("pkg/m{:05}.py", MODULES - 1);
    assert_eq!(
        summary,
        [("hubs", "pkg/hub.py", 1), ("no-cycles", last.as_str(), 2)]
    );
    let members: Vec<&str> = one[1]["subject"].as_str().unwrap().split(", ").collect();
    assert_eq!(members.len(), MODULES);
    assert!(members.is_sorted());
    let cycle = one[1]["message"].as_str().unwrap();
    assert!(
        cycle.starts_with(
            "import cycle `pkg.m00000` → `pkg.m00001` → `pkg.m00002` → `pkg.m00003` → `pkg.m00004` → `pkg.m00005` → `pkg.m00006` → `pkg.m00007` → `pkg.m00008` → `pkg.m00009` → … (19980 more) → `pkg.m19990` →"
        ),
        "{cycle}"
    );
    assert!(
        cycle.contains(
            ", pkg/m00009.py:2 imports `pkg.m00010`, … 19980 more imports, pkg/m19990.py:2 imports `pkg.m19991`, "
        ),
        "{cycle}"
    );
    assert!(
        cycle.ends_with(", pkg/m19999.py:2 imports `pkg.m00000`"),
        "{cycle}"
    );
    let message = one[0]["message"].as_str().unwrap();
    assert!(
        message.starts_with(&format!(
            "`pkg.hub` is imported by {MODULES} modules (max 100): `pkg.m00000`, `pkg.m00001`,"
        )),
        "{message}"
    );
    assert!(message.ends_with(", … and 19990 more"), "{message}");
}
