use std::any::Any;

use super::*;
use crate::rules::forbidden_import::ForbiddenImportOptions;
use crate::rules::layers::LayersOptions;
use crate::rules::private_module::PrivateModuleOptions;
use crate::settings::{ImportSelection, ModulePattern, TypeCheckingImports};
use crate::violation::Severity;

fn load_gate(text: &str) -> Result<Config, ConfigError> {
    load_str(text, Path::new("gate.toml"), false)
}

/// The rendered error for `text`, after checking that it says each of
/// `parts`.
fn error_of(text: &str, parts: &[&str]) -> String {
    let error = load_gate(text)
        .expect_err("the config should be refused")
        .to_string();
    for part in parts {
        assert!(error.contains(part), "expected `{part}` in:\n{error}");
    }
    error
}

/// The options `rule`'s table was read into.
fn options_of<T: 'static>(rule: &Rule) -> &T {
    (rule.check.as_ref() as &dyn Any)
        .downcast_ref()
        .unwrap_or_else(|| panic!("{rule:?} has other options"))
}

fn patterns(patterns: &[ModulePattern]) -> Vec<&str> {
    patterns.iter().map(ModulePattern::as_str).collect()
}

const LAYERS: &str = "[[layer]]\nname = \"api\"\nmodules = [\"app.api\"]\n\n\
                          [[layer]]\nname = \"models\"\nmodules = [\"app.models\"]\n";

const FULL: &str = r#"
[project]
roots = ["backend"]
include = ["backend/app"]
exclude = ["**/migrations/**", "**/tests/**"]
baseline = "ci/baseline.json"
type-checking-imports = "check"

[[layer]]
name = "api"
modules = ["app.api"]
may-import = ["domain"]

[[layer]]
name = "domain"
modules = ["app.services", "app.*.policy"]
paths = ["backend/app/**/domain/**"]

[[rule]]
kind = "forbidden-import"
name = "crm-models-stay-in-crm"
from = ["acme"]
except = ["acme.crm"]
to = ["acme.crm.orm"]
imports = "runtime"
message = "go through acme.crm.api"
severity = "warning"

[[rule]]
kind = "private-module"
name = "internals"
modules = ["acme.*.internal"]
allow-from = ["acme.bootstrap"]
imports = "module-level"

[[rule]]
kind = "layers"
name = "architecture"
imports = "all"
"#;

#[test]
fn a_full_config_reads_every_key() {
    let config = load_str(FULL, Path::new("/repo/gate.toml"), false).unwrap();
    assert_eq!(config.root, PathBuf::from("/repo"));
    assert_eq!(config.file, PathBuf::from("/repo/gate.toml"));

    let project = &config.project;
    assert_eq!(project.roots, [PathBuf::from("backend")]);
    assert_eq!(project.include, [PathBuf::from("backend/app")]);
    assert_eq!(
        project.exclude_patterns,
        ["**/migrations/**", "**/tests/**"]
    );
    assert!(project.exclude.is_match("backend/app/migrations/0001.py"));
    assert!(!project.exclude.is_match("backend/app/models.py"));
    assert_eq!(project.baseline, PathBuf::from("ci/baseline.json"));
    assert_eq!(project.type_checking_imports, TypeCheckingImports::Check);

    let [api, domain] = &config.layers[..] else {
        panic!("two layers expected: {:?}", config.layers);
    };
    assert_eq!(api.name, "api");
    assert_eq!(patterns(&api.modules), ["app.api"]);
    assert_eq!(api.may_import, Some(vec!["domain".to_string()]));
    assert!(api.path_patterns.is_empty());
    assert_eq!(domain.name, "domain");
    assert_eq!(patterns(&domain.modules), ["app.services", "app.*.policy"]);
    assert_eq!(domain.path_patterns, ["backend/app/**/domain/**"]);
    assert!(domain.paths.is_match("backend/app/crm/domain/x.py"));
    assert_eq!(domain.may_import, None);

    let [forbidden, private, layers] = &config.rules[..] else {
        panic!("three rules expected: {:?}", config.rules);
    };
    assert_eq!(forbidden.name, "crm-models-stay-in-crm");
    assert_eq!(
        forbidden.message.as_deref(),
        Some("go through acme.crm.api")
    );
    assert_eq!(forbidden.severity, Severity::Warning);
    let ForbiddenImportOptions {
        from,
        except,
        to,
        imports,
        transitive,
    } = options_of(forbidden);
    assert_eq!(patterns(from), ["acme"]);
    assert_eq!(patterns(except), ["acme.crm"]);
    assert!(!transitive);
    assert_eq!(patterns(to), ["acme.crm.orm"]);
    assert_eq!(*imports, ImportSelection::Runtime);

    assert_eq!(private.name, "internals");
    assert_eq!(private.message, None);
    assert_eq!(private.severity, Severity::Error);
    let PrivateModuleOptions {
        modules,
        allow_from,
        imports,
    } = options_of(private);
    assert_eq!(patterns(modules), ["acme.*.internal"]);
    assert_eq!(patterns(allow_from), ["acme.bootstrap"]);
    assert_eq!(*imports, ImportSelection::ModuleLevel);

    assert_eq!(layers.name, "architecture");
    assert!(matches!(
        options_of(layers),
        LayersOptions {
            imports: ImportSelection::All,
            transitive: false
        }
    ));
}

#[test]
fn an_empty_config_takes_the_defaults() {
    let config = load_gate("").unwrap();
    assert_eq!(config.root, PathBuf::from("."));
    assert_eq!(config.project.roots, [PathBuf::from(".")]);
    assert_eq!(config.project.include, [PathBuf::from(".")]);
    assert!(config.project.exclude.is_empty());
    assert!(config.project.exclude_patterns.is_empty());
    assert_eq!(config.project.baseline, PathBuf::from("baseline.json"));
    assert_eq!(
        config.project.type_checking_imports,
        TypeCheckingImports::Ignore
    );
    assert!(config.layers.is_empty());
    assert!(config.rules.is_empty());
}

#[test]
fn layers_without_a_layers_rule_get_the_default_one() {
    let config = load_gate(LAYERS).unwrap();
    let [rule] = &config.rules[..] else {
        panic!("{:?}", config.rules);
    };
    assert_eq!(rule.name, "layers");
    assert_eq!(rule.message, None);
    assert_eq!(rule.severity, Severity::Error);
    assert!(matches!(
        options_of(rule),
        LayersOptions {
            imports: ImportSelection::All,
            transitive: false
        }
    ));
}

#[test]
fn pyproject_reads_only_tool_gate() {
    let text = "[project]\nname = \"demo\"\nversion = \"1\"\n\n\
                    [tool.ruff]\nline-length = 100\n\n\
                    [tool.gate.project]\nroots = [\"src\"]\n\n\
                    [[tool.gate.layer]]\nname = \"api\"\nmodules = [\"app.api\"]\n";
    let config = load_str(text, Path::new("repo/pyproject.toml"), true).unwrap();
    assert_eq!(config.root, PathBuf::from("repo"));
    assert_eq!(config.project.roots, [PathBuf::from("src")]);
    assert_eq!(config.layers[0].name, "api");
    assert_eq!(config.rules[0].name, "layers");
}

#[test]
fn pyproject_errors_name_the_tool_gate_table_and_the_file_line() {
    let text = "[project]\nname = \"demo\"\n\n\
                    [[tool.gate.layer]]\nname = \"api\"\nmodule = [\"app.api\"]\n";
    let error = load_str(text, Path::new("pyproject.toml"), true)
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with(
            "error: unknown key `module` in [[tool.gate.layer]] \"api\"\n \
                 --> pyproject.toml:6:1\n"
        ),
        "{error}"
    );
    assert!(error.contains("did you mean `modules`?"), "{error}");
}

#[test]
fn pyproject_without_tool_gate_is_refused() {
    let error = load_str(
        "[project]\nname = \"demo\"\n",
        Path::new("pyproject.toml"),
        true,
    )
    .unwrap_err()
    .to_string();
    assert!(
        error.starts_with("error: no [tool.gate] table in pyproject.toml"),
        "{error}"
    );
}

#[test]
fn load_decides_by_file_name_and_roots_the_project_at_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    let pyproject = dir.path().join("pyproject.toml");
    std::fs::write(&pyproject, "[tool.gate.project]\nroots = [\"src\"]\n").unwrap();
    let config = load(&pyproject).unwrap();
    assert_eq!(config.root, dir.path());
    assert_eq!(config.file, pyproject);
    assert_eq!(config.project.roots, [PathBuf::from("src")]);

    // Under any other name the whole file is the config.
    let other = dir.path().join("ci-gate.toml");
    std::fs::write(&other, "[project]\nroots = [\"lib\"]\n").unwrap();
    assert_eq!(load(&other).unwrap().project.roots, [PathBuf::from("lib")]);
}

#[test]
fn an_unreadable_file_is_an_io_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("gate.toml");
    let error = load(&missing).unwrap_err();
    assert!(matches!(error, ConfigError::Io { .. }));
    assert_eq!(
        error.to_string(),
        format!(
            "error: cannot read {}: No such file or directory",
            missing.display()
        )
    );
}

#[test]
fn find_config_walks_up_to_the_nearest_config() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let deep = root.join("a/b/c");
    std::fs::create_dir_all(&deep).unwrap();
    assert_eq!(find_config(&deep), None);

    std::fs::write(root.join("gate.toml"), "").unwrap();
    assert_eq!(find_config(&deep), Some(root.join("gate.toml")));

    // A pyproject.toml without [tool.gate] is someone else's: keep going.
    std::fs::write(root.join("a/pyproject.toml"), "[tool.ruff]\n").unwrap();
    assert_eq!(find_config(&deep), Some(root.join("gate.toml")));

    std::fs::write(root.join("a/b/pyproject.toml"), "[tool.gate]\n").unwrap();
    assert_eq!(find_config(&deep), Some(root.join("a/b/pyproject.toml")));

    // In one folder, gate.toml wins over pyproject.toml.
    std::fs::write(root.join("a/b/gate.toml"), "").unwrap();
    assert_eq!(find_config(&deep), Some(root.join("a/b/gate.toml")));
}

#[test]
fn find_config_picks_a_broken_pyproject_that_names_tool_gate() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pyproject.toml"),
        "[tool.gate.project]\nroots = [\".\"\n",
    )
    .unwrap();
    assert_eq!(
        find_config(dir.path()),
        Some(dir.path().join("pyproject.toml"))
    );
}

#[test]
fn errors_render_like_rustc() {
    let error = error_of(
        "[[layer]]\nname = \"api\"\nmodules = [\"app.api\"]\nmay_import = [\"x\"]\n",
        &[],
    );
    assert_eq!(
        error,
        "error: unknown key `may_import` in [[layer]] \"api\"\n \
             --> gate.toml:4:1\n  \
             |\n\
             4 | may_import = [\"x\"]\n  \
             | ^^^^^^^^^^\n  \
             = help: did you mean `may-import`?"
    );
}

#[test]
fn unknown_top_level_key_suggests_the_table() {
    error_of(
        "[layers]\nname = \"api\"\n",
        &[
            "unknown key `layers` at the top level",
            "gate.toml:1:2",
            "did you mean `layer`?",
        ],
    );
}

#[test]
fn unknown_project_key_suggests_the_closest() {
    error_of(
        "[project]\nroots = [\".\"]\nexcludes = [\"x\"]\n",
        &[
            "unknown key `excludes` in [project]",
            "gate.toml:3:1",
            "did you mean `exclude`?",
        ],
    );
}

#[test]
fn unknown_key_without_a_close_match_lists_the_known_keys() {
    error_of(
        "[project]\nsources = [\".\"]\n",
        &[
            "unknown key `sources`",
            "gate.toml:2:1",
            "known keys: `roots`, `include`",
        ],
    );
}

#[test]
fn unknown_layer_key_suggests_kebab_case() {
    error_of(
        &format!(
            "{LAYERS}\n[[layer]]\nname = \"db\"\nmodules = [\"app.db\"]\nmay_import = [\"models\"]\n"
        ),
        &[
            "unknown key `may_import` in [[layer]] \"db\"",
            "gate.toml:12:1",
            "did you mean `may-import`?",
        ],
    );
}

#[test]
fn unknown_rule_key_suggests_the_closest() {
    error_of(
        "[[rule]]\nkind = \"layers\"\nname = \"l\"\nimport = \"runtime\"\n",
        &[
            "unknown key `import` in [[rule]] \"l\"",
            "gate.toml:4:1",
            "did you mean `imports`?",
        ],
    );
}

#[test]
fn unknown_kind_suggests_the_closest_kind() {
    error_of(
        "[[rule]]\nkind = \"forbidden-imports\"\nname = \"x\"\n",
        &[
            "unknown rule kind `forbidden-imports`",
            "gate.toml:2:8",
            "did you mean `forbidden-import`?",
        ],
    );
}

#[test]
fn unknown_kind_far_from_any_lists_the_kinds() {
    error_of(
        "[[rule]]\nkind = \"zzz\"\nname = \"x\"\n",
        &[
            "unknown rule kind `zzz`",
            "known kinds: `layers`, `forbidden-import`, `private-module`, `import-cycle`",
        ],
    );
}

#[test]
fn always_on_kinds_cannot_be_configured() {
    error_of(
        "[[rule]]\nkind = \"unused-ignore\"\nname = \"u\"\n",
        &[
            "`unused-ignore` is always on and cannot be configured",
            "gate.toml:2:8",
        ],
    );
}

#[test]
fn an_option_of_another_kind_names_the_kind() {
    error_of(
        "[[rule]]\nkind = \"private-module\"\nname = \"p\"\nmodules = [\"app.*.internal\"]\nto = [\"x\"]\n",
        &[
            "key `to` in [[rule]] \"p\" is not an option of kind `private-module`",
            "gate.toml:5:1",
            "options of `private-module`: `modules`, `allow-from`, `imports`",
        ],
    );
}

#[test]
fn a_missing_required_key_points_at_the_table_header() {
    error_of(
        "[[rule]]\nkind = \"forbidden-import\"\nname = \"f\"\nfrom = [\"app\"]\n",
        &[
            "missing required key `to` in [[rule]] \"f\"",
            "gate.toml:1:1",
        ],
    );
    error_of(
        "[project]\n\n[[layer]]\nmodules = [\"app\"]\n",
        &[
            "missing required key `name` in [[layer]] #1",
            "gate.toml:3:1",
        ],
    );
}

#[test]
fn a_rule_without_kind_lists_the_kinds() {
    error_of(
        "[[rule]]\nname = \"f\"\n",
        &[
            "missing required key `kind` in [[rule]] \"f\"",
            "gate.toml:1:1",
            "known kinds: `layers`",
        ],
    );
}

#[test]
fn duplicate_rule_names_point_at_the_second_and_name_the_first() {
    error_of(
        "[[rule]]\nkind = \"forbidden-import\"\nname = \"f\"\nfrom = [\"app\"]\nto = [\"os\"]\n\n\
             [[rule]]\nkind = \"forbidden-import\"\nname = \"f\"\nfrom = [\"app\"]\nto = [\"sys\"]\n",
        &[
            "duplicate rule name `f`",
            "gate.toml:9:8",
            "already used on line 3",
        ],
    );
}

#[test]
fn duplicate_layer_names_point_at_the_second_and_name_the_first() {
    error_of(
        &format!("{LAYERS}\n[[layer]]\nname = \"api\"\nmodules = [\"app.web\"]\n"),
        &[
            "duplicate layer name `api`",
            "gate.toml:10:8",
            "already used on line 2",
        ],
    );
}

#[test]
fn may_import_of_an_unknown_layer_suggests_a_defined_one() {
    error_of(
        &format!(
            "{LAYERS}\n[[layer]]\nname = \"db\"\nmodules = [\"app.db\"]\nmay-import = [\"model\"]\n"
        ),
        &[
            "`may-import` in [[layer]] \"db\" names an unknown layer `model`",
            "gate.toml:12:15",
            "did you mean `models`?",
        ],
    );
}

#[test]
fn may_import_of_a_later_layer_is_accepted() {
    let config = load_gate(&format!(
        "[[layer]]\nname = \"top\"\nmodules = [\"app.top\"]\nmay-import = [\"models\"]\n\n{LAYERS}"
    ))
    .unwrap();
    assert_eq!(
        config.layers[0].may_import,
        Some(vec!["models".to_string()])
    );
}

#[test]
fn may_import_of_itself_is_refused() {
    error_of(
        "[[layer]]\nname = \"api\"\nmodules = [\"app.api\"]\nmay-import = [\"api\"]\n",
        &[
            "layer `api` lists itself in `may-import`",
            "gate.toml:4:15",
            "always allowed",
        ],
    );
}

#[test]
fn a_layer_needs_modules_or_paths() {
    error_of(
        "[[layer]]\nname = \"api\"\nmodules = []\n",
        &[
            "layer `api` has neither `modules` nor `paths`",
            "gate.toml:1:1",
        ],
    );
}

#[test]
fn a_bad_module_pattern_reports_its_reason_at_the_string() {
    error_of(
        "[[layer]]\nname = \"api\"\nmodules = [\"app.api\", \"app..api\"]\n",
        &[
            "invalid module pattern `app..api`: it has an empty segment",
            "gate.toml:3:23",
        ],
    );
    error_of(
        "[[rule]]\nkind = \"forbidden-import\"\nname = \"f\"\nfrom = [\"app/api\"]\nto = [\"os\"]\n",
        &[
            "invalid module pattern `app/api`",
            "gate.toml:4:9",
            "use `paths`",
        ],
    );
}

#[test]
fn a_bad_glob_reports_its_reason_at_the_string() {
    error_of(
        "[project]\nexclude = [\"**/migrations/**\", \"app/[abc\"]\n",
        &[
            "invalid glob `app/[abc`: unclosed character class",
            "gate.toml:2:32",
        ],
    );
}

#[test]
fn a_string_instead_of_a_list_suggests_brackets() {
    error_of(
        "[project]\nroots = \"backend\"\n",
        &[
            "`roots` in [project] must be an array of strings, found a string",
            "gate.toml:2:9",
            "write `roots = [\"backend\"]`",
        ],
    );
}

#[test]
fn a_wrong_item_type_points_at_the_item() {
    error_of(
        "[project]\ninclude = [\"app\", 3]\n",
        &[
            "every item of `include` in [project] must be a string, found an integer",
            "gate.toml:2:19",
        ],
    );
}

#[test]
fn a_single_bracket_layer_table_asks_for_double_brackets() {
    error_of(
        "[layer]\nname = \"api\"\nmodules = [\"app.api\"]\n",
        &[
            "`layer` at the top level must be an array of tables, found a table",
            "write `[[layer]]`",
        ],
    );
}

#[test]
fn a_bad_severity_names_the_accepted_values() {
    error_of(
        "[[rule]]\nkind = \"forbidden-import\"\nname = \"f\"\nfrom = [\"app\"]\nto = [\"os\"]\nseverity = \"fatal\"\n",
        &[
            "invalid value `fatal` for `severity` in [[rule]] \"f\": expected `error` or `warning`",
            "gate.toml:6:12",
        ],
    );
}

#[test]
fn a_bad_imports_value_suggests_the_closest() {
    error_of(
        "[[rule]]\nkind = \"forbidden-import\"\nname = \"f\"\nfrom = [\"app\"]\nto = [\"os\"]\nimports = \"module_level\"\n",
        &[
            "invalid value `module_level` for `imports`",
            "expected `all`, `runtime` or `module-level`",
            "gate.toml:6:11",
            "did you mean `module-level`?",
        ],
    );
}

#[test]
fn a_bad_type_checking_imports_value_names_the_accepted_ones() {
    error_of(
        "[project]\ntype-checking-imports = \"sometimes\"\n",
        &[
            "`sometimes`",
            "gate.toml:2:25",
            "expected `ignore` or `check`",
        ],
    );
}

#[test]
fn a_toml_syntax_error_keeps_tomls_message_and_position() {
    let error = load_gate("[project]\nroots = [\".\"\n").unwrap_err();
    assert!(matches!(error, ConfigError::Syntax(_)));
    let diagnostic = error.diagnostic().unwrap();
    assert_eq!((diagnostic.line, diagnostic.column), (2, 13));
    assert!(
        error
            .to_string()
            .starts_with("error: invalid TOML: unclosed array, expected `]`\n"),
        "{error}"
    );
}

#[test]
fn a_layers_rule_without_layers_is_refused() {
    error_of(
        "[[rule]]\nkind = \"layers\"\nname = \"arch\"\n",
        &[
            "rule `arch` of kind `layers` has no layers to check",
            "gate.toml:2:8",
            "[[layer]]",
        ],
    );
}

#[test]
fn a_second_layers_rule_is_refused() {
    error_of(
        &format!(
            "{LAYERS}\n[[rule]]\nkind = \"layers\"\nname = \"a\"\n\n[[rule]]\nkind = \"layers\"\nname = \"b\"\n"
        ),
        &[
            "a second rule of kind `layers`",
            "gate.toml:14:8",
            "already configured on line 10",
        ],
    );
}

#[test]
fn rule_names_are_kebab_case() {
    error_of(
        "[[rule]]\nkind = \"private-module\"\nname = \"No_Internals\"\nmodules = [\"a.*.internal\"]\n",
        &[
            "invalid rule name `No_Internals`",
            "gate.toml:3:8",
            "did you mean `no-internals`?",
        ],
    );
}

#[test]
fn always_on_rule_names_are_reserved() {
    error_of(
        "[[rule]]\nkind = \"private-module\"\nname = \"syntax-error\"\nmodules = [\"a.*.internal\"]\n",
        &[
            "rule name `syntax-error` is taken by the always-on rule",
            "gate.toml:3:8",
        ],
    );
}

#[test]
fn a_rule_named_layers_clashes_with_the_default_layers_rule() {
    error_of(
        &format!(
            "{LAYERS}\n[[rule]]\nkind = \"private-module\"\nname = \"layers\"\nmodules = [\"a.*.internal\"]\n"
        ),
        &[
            "rule name `layers` is taken by the layers rule",
            "gate.toml:11:8",
        ],
    );
}

#[test]
fn an_empty_list_that_would_disable_a_setting_is_refused() {
    error_of(
        "[project]\nroots = []\n",
        &["`roots` in [project] must not be empty", "gate.toml:2:9"],
    );
    error_of(
        "[[rule]]\nkind = \"forbidden-import\"\nname = \"f\"\nfrom = [\"app\"]\nto = []\n",
        &["`to` in [[rule]] \"f\" must not be empty", "gate.toml:5:6"],
    );
}

/// The fixtures for the CLI's tests state their expected message in
/// their README; keep both in step with the loader.
#[test]
fn every_config_error_fixture_gives_the_message_of_its_readme() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/config_errors");
    let mut seen = 0;
    for entry in std::fs::read_dir(&fixtures).unwrap() {
        let case = entry.unwrap().path();
        let readme = std::fs::read_to_string(case.join("README.md")).unwrap();
        let expected: Vec<&str> = readme
            .split("```text\n")
            .nth(1)
            .and_then(|block| block.split("```").next())
            .expect("a ```text block")
            .lines()
            .collect();
        let text = std::fs::read_to_string(case.join("gate.toml")).unwrap();
        let error = load_gate(&text).unwrap_err().to_string();
        let first_two: Vec<&str> = error.lines().take(2).collect();
        assert_eq!(first_two, expected, "{}", case.display());
        seen += 1;
    }
    assert!(seen >= 6, "only {seen} fixtures");
}

const CAPTURES: &str = "[[rule]]\nkind = \"forbidden-import\"\nname = \"f\"\n";

#[test]
fn captures_bound_in_from_may_be_used_in_to() {
    let config = load_gate(&format!(
        "{CAPTURES}from = [\"app.domains.{{d}}.drivers\", \"app.{{d}}\"]\n\
             to = [\"app.domains.{{!d}}\", \"app.{{d}}.internal\"]\ntransitive = true\n"
    ))
    .unwrap();
    let options: &ForbiddenImportOptions = options_of(&config.rules[0]);
    assert_eq!(
        patterns(&options.to),
        ["app.domains.{!d}", "app.{d}.internal"]
    );
    assert!(options.from.iter().all(ModulePattern::has_captures));
    assert!(options.transitive);
}

#[test]
fn a_capture_in_to_that_from_does_not_bind_is_refused() {
    error_of(
        &format!("{CAPTURES}from = [\"app.{{d}}\"]\nto = [\"app.x\", \"app.{{!e}}\"]\n"),
        &[
            "capture `{!e}` in `to` in [[rule]] \"f\" is not bound by any `from` pattern",
            "gate.toml:5:16",
            "help: the `from` patterns bind `{d}`",
        ],
    );
    error_of(
        &format!("{CAPTURES}from = [\"app\"]\nto = [\"app.{{d}}\"]\n"),
        &[
            "capture `{d}` in `to`",
            "gate.toml:5:7",
            "bind it with a `{d}` segment in a `from` pattern",
        ],
    );
}

#[test]
fn captures_in_except_are_refused() {
    error_of(
        &format!(
            "{CAPTURES}from = [\"app.{{d}}\"]\nexcept = [\"app.x\", \"app.{{d}}.tests\"]\n\
                 to = [\"app.{{!d}}\"]\n"
        ),
        &[
            "`except` in [[rule]] \"f\" cannot use captures: `app.{d}.tests`",
            "gate.toml:5:20",
            "write `*` for any one segment",
        ],
    );
}

#[test]
fn captures_outside_forbidden_import_are_refused() {
    error_of(
        "[[layer]]\nname = \"api\"\nmodules = [\"app.{d}.api\"]\n",
        &[
            "`modules` in [[layer]] \"api\" cannot use captures: `app.{d}.api`",
            "gate.toml:3:12",
            "write `*` for any one segment",
        ],
    );
    error_of(
        "[[rule]]\nkind = \"max-lines\"\nname = \"m\"\nmax = 9\nin = [\"app.{x}\"]\n",
        &["`in` in [[rule]] \"m\" cannot use captures: `app.{x}`"],
    );
}

#[test]
fn a_negated_capture_in_from_is_refused() {
    error_of(
        &format!("{CAPTURES}from = [\"app.{{!d}}\"]\nto = [\"app.{{d}}\"]\n"),
        &[
            "`{!d}` in `from` in [[rule]] \"f\"",
            "gate.toml:4:9",
            "bind the segment with `{d}` here, and write `{!d}` in `to`",
        ],
    );
}
