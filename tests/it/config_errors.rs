//! Config mistakes: each is an error (exit 2) that names the file, the line
//! and the key, and suggests the closest valid word when there is one.

use crate::common::{run, write};

/// Runs `gate check` on a project whose gate.toml is `config`; returns
/// stderr after asserting exit 2.
fn error_for(config: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "gate.toml", config);
    write(dir.path(), "app/__init__.py", "");
    let output = run(dir.path(), &["check", "--no-baseline"]);
    assert_eq!(
        output.code, 2,
        "stdout: {}\nstderr: {}",
        output.stdout, output.stderr
    );
    assert!(!output.stderr.contains("panicked"), "{}", output.stderr);
    output.stderr
}

fn assert_mentions(stderr: &str, expected: &[&str]) {
    for part in expected {
        assert!(stderr.contains(part), "expected `{part}` in:\n{stderr}");
    }
}

const LAYERS: &str = "[[layer]]\nname = \"api\"\nmodules = [\"app.api\"]\n\n[[layer]]\nname = \"models\"\nmodules = [\"app.models\"]\n";

#[test]
fn unknown_layer_key_suggests_kebab_case() {
    let stderr = error_for(&format!(
        "{LAYERS}\n[[layer]]\nname = \"db\"\nmodules = [\"app.db\"]\nmay_import = [\"models\"]\n"
    ));
    assert_mentions(
        &stderr,
        &[
            "`may_import`",
            "gate.toml:12:",
            "did you mean `may-import`?",
        ],
    );
}

#[test]
fn unknown_project_key_names_its_line() {
    let stderr = error_for("[project]\nroots = [\".\"]\nexcludes = [\"x\"]\n");
    assert_mentions(
        &stderr,
        &["`excludes`", "gate.toml:3:", "did you mean `exclude`?"],
    );
}

#[test]
fn unknown_rule_kind_suggests_the_closest_kind() {
    let stderr = error_for(
        "[[rule]]\nkind = \"forbidden-imports\"\nname = \"x\"\nfrom = [\"app\"]\nto = [\"os\"]\n",
    );
    assert_mentions(
        &stderr,
        &[
            "`forbidden-imports`",
            "gate.toml:2:",
            "did you mean `forbidden-import`?",
        ],
    );
}

#[test]
fn may_import_of_an_unknown_layer_suggests_a_defined_one() {
    let stderr = error_for(&format!(
        "{LAYERS}\n[[layer]]\nname = \"db\"\nmodules = [\"app.db\"]\nmay-import = [\"model\"]\n"
    ));
    assert_mentions(
        &stderr,
        &["`model`", "gate.toml:12:", "did you mean `models`?"],
    );
}

#[test]
fn a_bad_module_pattern_names_the_pattern_and_line() {
    let stderr = error_for("[[layer]]\nname = \"api\"\nmodules = [\"app..api\"]\n");
    assert_mentions(&stderr, &["app..api", "gate.toml:3:", "empty segment"]);
}

#[test]
fn an_option_of_another_kind_names_the_kind() {
    let stderr = error_for(
        "[[rule]]\nkind = \"private-module\"\nname = \"p\"\nmodules = [\"app.*.internal\"]\nto = [\"x\"]\n",
    );
    assert_mentions(&stderr, &["`to`", "`private-module`", "gate.toml:5:"]);
}

#[test]
fn a_missing_required_key_names_the_table() {
    let stderr =
        error_for("[[rule]]\nkind = \"forbidden-import\"\nname = \"f\"\nfrom = [\"app\"]\n");
    assert_mentions(&stderr, &["`to`", "gate.toml:1:"]);
}

#[test]
fn duplicate_rule_names_are_refused() {
    let stderr = error_for(
        "[[rule]]\nkind = \"forbidden-import\"\nname = \"f\"\nfrom = [\"app\"]\nto = [\"os\"]\n\n[[rule]]\nkind = \"forbidden-import\"\nname = \"f\"\nfrom = [\"app\"]\nto = [\"sys\"]\n",
    );
    assert_mentions(&stderr, &["`f`", "gate.toml:9:"]);
}

#[test]
fn a_toml_syntax_error_names_the_line() {
    let stderr = error_for("[project]\nroots = [\".\"\n");
    assert_mentions(&stderr, &["gate.toml:2:"]);
}

#[test]
fn a_bad_value_names_the_accepted_ones() {
    let stderr = error_for("[project]\ntype-checking-imports = \"sometimes\"\n");
    assert_mentions(&stderr, &["`sometimes`", "gate.toml:2:", "ignore", "check"]);
}

#[test]
fn pyproject_tool_gate_errors_name_the_pyproject_line() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "pyproject.toml",
        "[project]\nname = \"demo\"\n\n[tool.gate.project]\nroots = [\".\"]\nrots = [\"x\"]\n",
    );
    let output = run(dir.path(), &["check", "--no-baseline"]);
    assert_eq!(output.code, 2);
    assert_mentions(
        &output.stderr,
        &["`rots`", "pyproject.toml:6:", "did you mean `roots`?"],
    );
}
