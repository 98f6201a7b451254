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
    assert!(project.baseline_configured);
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
    assert!(!config.project.baseline_configured);
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

/// The fixtures for the CLI's tests state their expected message in
/// their README; keep both in step with the loader.
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
fn a_layers_rule_table_without_a_name_is_named_layers() {
    let config = load_gate(&format!(
        "{LAYERS}\n[[rule]]\nkind = \"layers\"\ntransitive = true\n"
    ))
    .unwrap();
    let names: Vec<&str> = config.rules.iter().map(|rule| rule.name.as_str()).collect();
    assert!(names.contains(&"layers"), "{names:?}");
    assert_eq!(names.iter().filter(|name| **name == "layers").count(), 1);
}

#[test]
fn other_rules_still_need_a_name() {
    let error = load_gate("[[rule]]\nkind = \"db-write\"\nin = [\"app\"]\n").unwrap_err();
    assert!(
        error.to_string().contains("missing required key `name`"),
        "{error}"
    );
}
