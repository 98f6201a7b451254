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
fn each_import_of_a_two_cycle_is_a_finding_about_the_module_it_imports() {
    let dir = fixture("rules/import_cycle/two");
    assert_eq!(
        violations(&dir),
        owned(&[
            ("app/a.py", 3, "no-cycles", "app.b"),
            ("app/b.py", 1, "no-cycles", "app.a"),
        ])
    );
    assert_eq!(
        lines(&dir),
        [
            "app/a.py:3:6: no-cycles (import-cycle) import cycle `app.a` → `app.b` → `app.a`: app/a.py:3 imports `app.b`, app/b.py:1 imports `app.a` [new]",
            "app/b.py:1:8: no-cycles (import-cycle) import cycle `app.b` → `app.a` → `app.b`: app/b.py:1 imports `app.a`, app/a.py:3 imports `app.b` [new]",
        ]
    );
}

#[test]
fn a_three_cycle_shows_the_loop_through_each_import() {
    let dir = fixture("rules/import_cycle/three");
    assert_eq!(
        violations(&dir),
        owned(&[
            ("app/a.py", 1, "no-cycles", "app.b"),
            ("app/b.py", 1, "no-cycles", "app.c"),
            ("app/c.py", 3, "no-cycles", "app.a"),
        ])
    );
    assert_eq!(
        lines(&dir)[2],
        "app/c.py:3:5: no-cycles (import-cycle) import cycle `app.c` → `app.a` → `app.b` → `app.c`: app/c.py:3 imports `app.a`, app/a.py:1 imports `app.b`, app/b.py:1 imports `app.c` [new]"
    );
}

#[test]
fn disjoint_cycles_show_the_shortest_loop_through_each_import() {
    let dir = fixture("rules/import_cycle/disjoint");
    assert_eq!(
        violations(&dir),
        owned(&[
            ("app/x.py", 1, "no-cycles", "app.y"),
            ("app/y.py", 1, "no-cycles", "app.x"),
            ("lib/p.py", 1, "no-cycles", "lib.q"),
            ("lib/q.py", 1, "no-cycles", "lib.p"),
            ("lib/q.py", 2, "no-cycles", "lib.r"),
            ("lib/r.py", 1, "no-cycles", "lib.p"),
        ])
    );
    let lines = lines(&dir);
    assert_eq!(
        lines[2],
        "lib/p.py:1:8: no-cycles (import-cycle) import cycle `lib.p` → `lib.q` → `lib.p`: lib/p.py:1 imports `lib.q`, lib/q.py:1 imports `lib.p`; the cycle ties 3 modules together: `lib.p`, `lib.q`, `lib.r` [new]"
    );
    assert_eq!(
        lines[4],
        "lib/q.py:2:8: no-cycles (import-cycle) import cycle `lib.q` → `lib.r` → `lib.p` → `lib.q`: lib/q.py:2 imports `lib.r`, lib/r.py:1 imports `lib.p`, lib/p.py:1 imports `lib.q` [new]"
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
        owned(&[
            ("app/a.py", 1, "no-cycles", "app.b"),
            ("app/b.py", 4, "no-cycles", "app.a"),
        ])
    );
}

#[test]
fn a_cycle_through_a_function_level_import_is_left_out_by_module_level() {
    let dir = fixture("rules/import_cycle/function_level");
    assert_eq!(
        violations(&dir),
        owned(&[
            ("app/a.py", 1, "all-cycles", "app.b"),
            ("app/b.py", 2, "all-cycles", "app.a"),
        ])
    );
    let found = json_violations(&dir, &[]);
    assert_eq!(found[1]["scope"], "total");
}

#[test]
fn package_cycles_ignore_imports_inside_a_package() {
    let dir = fixture("rules/import_cycle/package");
    assert_eq!(
        violations(&dir),
        owned(&[
            (
                "app/billing/invoices.py",
                2,
                "module-cycles",
                "app.crm.models"
            ),
            ("app/billing/invoices.py", 2, "package-cycles", "app.crm"),
            ("app/crm/api.py", 1, "module-cycles", "app.crm.models"),
            ("app/crm/api.py", 2, "module-cycles", "app.billing.invoices"),
            ("app/crm/api.py", 2, "package-cycles", "app.billing"),
            ("app/crm/models.py", 1, "module-cycles", "app.crm.api"),
            (
                "app/crm/models.py",
                2,
                "module-cycles",
                "app.billing.invoices"
            ),
            ("app/crm/models.py", 2, "package-cycles", "app.billing"),
        ])
    );
    assert_eq!(
        lines(&dir)[4],
        "app/crm/api.py:2:6: package-cycles (import-cycle) import cycle `app.crm` → `app.billing` → `app.crm`: app/crm/api.py:2 imports `app.billing.invoices`, app/billing/invoices.py:2 imports `app.crm.models` [new]"
    );
}

/// A project of modules `app.<name>`, each importing the ones listed, with
/// an import-cycle rule.
fn modules(dir: &Path, imports: &[(&str, &[&str])]) {
    write(
        dir,
        "gate.toml",
        "[project]\nroots = [\".\"]\n\n[[rule]]\nkind = \"import-cycle\"\nname = \"no-cycles\"\n",
    );
    write(dir, "app/__init__.py", "");
    for (module, imported) in imports {
        let text: String = imported
            .iter()
            .map(|name| format!("import app.{name}\n"))
            .collect();
        write(dir, &format!("app/{module}.py"), &text);
    }
}

/// The findings of `gate check` against the baseline written for `before`,
/// once the project is `after`: (new ones as (path, subject), fixed count).
fn growth(before: &[(&str, &[&str])], after: &[(&str, &[&str])]) -> (Vec<(String, String)>, u64) {
    let dir = tempfile::tempdir().unwrap();
    modules(dir.path(), before);
    let init = run(dir.path(), &["baseline", "init"]);
    assert_eq!(init.code, 0, "{}", init.stderr);
    modules(dir.path(), after);
    let output = run(dir.path(), &["check", "--format", "json"]);
    assert!(output.code <= 1, "{}", output.stderr);
    let report: serde_json::Value = serde_json::from_str(&output.stdout).unwrap();
    let new = report["violations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["status"] == "new")
        .map(|v| {
            (
                v["path"].as_str().unwrap().to_string(),
                v["subject"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (new, report["summary"]["fixed"].as_u64().unwrap())
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(path, subject)| (path.to_string(), subject.to_string()))
        .collect()
}

#[test]
fn a_module_joining_a_two_cycle_adds_only_its_own_imports() {
    // a ⇄ b, then b → c → a as well.
    let (new, fixed) = growth(
        &[("a", &["b"]), ("b", &["a"]), ("c", &[])],
        &[("a", &["b"]), ("b", &["a", "c"]), ("c", &["a"])],
    );
    assert_eq!(new, pairs(&[("app/b.py", "app.c"), ("app/c.py", "app.a")]));
    assert_eq!(fixed, 0);
}

#[test]
fn a_three_cycle_growing_to_four_adds_only_the_new_imports() {
    // a → b → c → a, then a → b → c → d → a: `c → a` leaves the cycle.
    let (new, fixed) = growth(
        &[("a", &["b"]), ("b", &["c"]), ("c", &["a"]), ("d", &[])],
        &[("a", &["b"]), ("b", &["c"]), ("c", &["d"]), ("d", &["a"])],
    );
    assert_eq!(new, pairs(&[("app/c.py", "app.d"), ("app/d.py", "app.a")]));
    assert_eq!(fixed, 1, "the removed import `c → a` is fixed");
}

#[test]
fn two_cycles_merged_by_one_import_add_only_that_import() {
    // a ⇄ b and c ⇄ d, then b → c and d → a tie them into one.
    let (new, fixed) = growth(
        &[("a", &["b"]), ("b", &["a"]), ("c", &["d"]), ("d", &["c"])],
        &[
            ("a", &["b"]),
            ("b", &["a", "c"]),
            ("c", &["d"]),
            ("d", &["c", "a"]),
        ],
    );
    assert_eq!(new, pairs(&[("app/b.py", "app.c"), ("app/d.py", "app.a")]));
    assert_eq!(fixed, 0);
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
fn a_loop_through_twenty_thousand_modules_is_deterministic_and_stays_linear() {
    const MODULES: usize = 20_000;
    let dir = big_loop(MODULES);
    let one = json_violations(dir.path(), &["--threads", "1"]);
    let many = json_violations(dir.path(), &["--threads", "8"]);
    assert_eq!(one, many);
    // The hub's fan-in, then one finding per import of the loop.
    assert_eq!(one.len(), MODULES + 1);
    assert_eq!(
        (one[0]["rule"].as_str(), one[0]["path"].as_str()),
        (Some("hubs"), Some("pkg/hub.py"))
    );
    for (i, finding) in one[1..].iter().enumerate() {
        assert_eq!(finding["rule"], "no-cycles");
        assert_eq!(finding["path"], format!("pkg/m{i:05}.py"));
        assert_eq!(finding["line"], 2);
        assert_eq!(finding["subject"], format!("pkg.m{:05}", (i + 1) % MODULES));
    }
    // The way back lies beyond the search's budget: the message says so
    // instead of walking twenty thousand modules for every import.
    assert_eq!(
        one[MODULES]["message"],
        "import cycle `pkg.m19999` → `pkg.m00000` → … → `pkg.m19999`: pkg/m19999.py:2 imports \
         `pkg.m00000`, and `pkg.m00000` leads back to `pkg.m19999` through more than 1024 \
         modules; the cycle ties 20000 modules together: `pkg.m00000`, `pkg.m00001`, \
         `pkg.m00002`, `pkg.m00003`, `pkg.m00004`, `pkg.m00005`, `pkg.m00006`, `pkg.m00007`, \
         `pkg.m00008`, `pkg.m00009`, … and 19990 more"
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

#[test]
fn a_cycle_through_a_parenthesised_import_of_many_names_is_one_finding() {
    let dir = tempfile::tempdir().unwrap();
    modules(dir.path(), &[("a", &["b"]), ("b", &[])]);
    write(
        dir.path(),
        "app/b.py",
        "from app.a import (\n    x,\n    y,\n    z,\n)\n",
    );
    assert_eq!(
        violations(dir.path()),
        owned(&[
            ("app/a.py", 1, "no-cycles", "app.b"),
            ("app/b.py", 1, "no-cycles", "app.a"),
        ])
    );
    // One more name in the list is no new finding.
    let init = run(dir.path(), &["baseline", "init"]);
    assert_eq!(init.code, 0, "{}", init.stderr);
    write(
        dir.path(),
        "app/b.py",
        "from app.a import (\n    x,\n    y,\n    z,\n    w,\n)\n",
    );
    let check = run(dir.path(), &["check"]);
    assert_eq!(check.code, 0, "{}", check.stdout);
}
