//! The GitHub Action: action.yml, its scripts (scripts/action/) and the
//! workflows that release and use it. The YAML is checked for structure and
//! wiring; the scripts are run with an emulated runner environment (temporary
//! GITHUB_PATH/GITHUB_OUTPUT files, a loopback HTTP server, a fake cargo and
//! a fake gate, or the real one on the bundled demo), never against GitHub.

use std::collections::{BTreeSet, HashMap};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use regex::Regex;
use serde_yaml::{Mapping, Value};

use crate::common;

const VERSION: &str = env!("CARGO_PKG_VERSION");
const LINUX_X64: &str = "x86_64-unknown-linux-musl";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(relative: &str) -> String {
    std::fs::read_to_string(root().join(relative))
        .unwrap_or_else(|error| panic!("{relative}: {error}"))
}

fn yaml(relative: &str) -> Value {
    serde_yaml::from_str(&read(relative)).unwrap_or_else(|error| panic!("{relative}: {error}"))
}

fn map<'a>(value: &'a Value, key: &str) -> &'a Mapping {
    value
        .get(key)
        .and_then(Value::as_mapping)
        .unwrap_or_else(|| panic!("`{key}` is a mapping"))
}

fn text<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str)
}

fn action_steps(action: &Value) -> &Vec<Value> {
    action["runs"]["steps"]
        .as_sequence()
        .expect("runs.steps is a list")
}

fn step_ids(action: &Value) -> Vec<&str> {
    action_steps(action)
        .iter()
        .filter_map(|step| text(step, "id"))
        .collect()
}

fn step<'a>(action: &'a Value, id: &str) -> &'a Value {
    action_steps(action)
        .iter()
        .find(|step| text(step, "id") == Some(id))
        .unwrap_or_else(|| panic!("a step with id `{id}`"))
}

fn input_names(action: &Value) -> BTreeSet<String> {
    map(action, "inputs")
        .keys()
        .map(|key| key.as_str().expect("input names are strings").to_owned())
        .collect()
}

/// The names of the `INPUT_*` variables a step sets in its `env`.
fn input_env(step: &Value) -> BTreeSet<String> {
    step.get("env")
        .and_then(Value::as_mapping)
        .map(|env| {
            env.keys()
                .filter_map(Value::as_str)
                .filter(|name| name.starts_with("INPUT_"))
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// The `INPUT_*` variables a script reads.
fn inputs_read_by(script: &str) -> BTreeSet<String> {
    Regex::new(r"\bINPUT_[A-Z_]+")
        .unwrap()
        .find_iter(script)
        .map(|found| found.as_str().to_owned())
        .collect()
}

/// Every `run:` body in a workflow's jobs or an action's steps.
fn run_bodies(steps: &[Value]) -> Vec<&str> {
    steps.iter().filter_map(|step| text(step, "run")).collect()
}

fn workflow_steps(workflow: &Value) -> Vec<Value> {
    map(workflow, "jobs")
        .values()
        .flat_map(|job| job["steps"].as_sequence().cloned().unwrap_or_default())
        .collect()
}

// ---------------------------------------------------------------- action.yml

#[test]
fn action_yml_is_a_composite_action_and_every_run_step_names_its_shell() {
    let action = yaml("action.yml");
    assert_eq!(action["runs"]["using"].as_str(), Some("composite"));
    let steps = action_steps(&action);
    assert!(steps.len() >= 5, "{steps:?}");
    for step in steps {
        if step.get("run").is_some() {
            assert_eq!(
                text(step, "shell"),
                Some("bash"),
                "a composite run step needs a shell: {step:?}"
            );
        } else {
            assert!(
                text(step, "uses").is_some(),
                "a step either runs or uses: {step:?}"
            );
        }
    }
}

#[test]
fn action_yml_run_bodies_hold_no_expressions_so_inputs_cannot_inject_shell() {
    let action = yaml("action.yml");
    let bodies = run_bodies(action_steps(&action));
    assert!(bodies.len() >= 4, "{bodies:?}");
    for body in bodies {
        assert!(!body.contains("${{"), "an expression in a run body: {body}");
    }
}

#[test]
fn every_input_action_yml_mentions_is_declared_and_every_declared_one_is_used() {
    let source = read("action.yml");
    let action = yaml("action.yml");
    let declared = input_names(&action);
    let mentioned: BTreeSet<String> = Regex::new(r"\binputs\.([A-Za-z0-9_-]+)")
        .unwrap()
        .captures_iter(&source)
        .map(|captures| captures[1].to_owned())
        .collect();
    let undeclared: Vec<_> = mentioned.difference(&declared).collect();
    assert!(undeclared.is_empty(), "undeclared inputs: {undeclared:?}");
    let unused: Vec<_> = declared.difference(&mentioned).collect();
    assert!(unused.is_empty(), "inputs that reach no step: {unused:?}");
    for name in [
        "version",
        "config",
        "baseline",
        "working-directory",
        "sarif-file",
        "comment",
        "github-token",
        "upload-sarif",
        "category",
        "map-summary",
        "args",
    ] {
        assert!(declared.contains(name), "input `{name}` is missing");
    }
}

#[test]
fn every_action_input_default_is_a_string() {
    let action = yaml("action.yml");
    let inputs = map(&action, "inputs");
    for (name, input) in inputs {
        let default = input
            .get("default")
            .unwrap_or_else(|| panic!("input {name:?} has a default"));
        assert!(
            default.is_string(),
            "input {name:?}: default {default:?} is not a string"
        );
        assert!(
            text(input, "description").is_some(),
            "input {name:?} has a description"
        );
    }
    let defaults: HashMap<&str, &str> = inputs
        .iter()
        .map(|(name, input)| (name.as_str().unwrap(), text(input, "default").unwrap()))
        .collect();
    assert_eq!(defaults["working-directory"], ".");
    assert_eq!(defaults["sarif-file"], "gate.sarif");
    assert_eq!(defaults["comment"], "true");
    assert_eq!(defaults["upload-sarif"], "true");
    assert_eq!(defaults["map-summary"], "false");
    assert_eq!(defaults["category"], "gate");
    assert_eq!(defaults["github-token"], "${{ github.token }}");
    assert_eq!(defaults["version"], "");
}

#[test]
fn every_step_output_action_yml_reads_comes_from_an_existing_step() {
    let source = read("action.yml");
    let action = yaml("action.yml");
    let ids = step_ids(&action);
    let references = Regex::new(r"\bsteps\.([A-Za-z0-9_-]+)\.").unwrap();
    let mut count = 0;
    for captures in references.captures_iter(&source) {
        count += 1;
        assert!(
            ids.contains(&&captures[1]),
            "steps.{} is not a step id ({ids:?})",
            &captures[1]
        );
    }
    assert!(count >= 8, "{count} step references");
    let outputs = map(&action, "outputs");
    for (name, output) in outputs {
        let value = text(output, "value").unwrap_or_else(|| panic!("output {name:?} has a value"));
        let captures = references
            .captures(value)
            .unwrap_or_else(|| panic!("output {name:?}: {value} names no step"));
        assert!(ids.contains(&&captures[1]), "output {name:?}: {value}");
    }
}

#[test]
fn action_outputs_are_the_lines_gate_ci_writes_to_github_output() {
    let action = yaml("action.yml");
    let outputs = map(&action, "outputs");
    let value = |name: &str| {
        outputs
            .get(name)
            .and_then(|output| text(output, "value"))
            .unwrap_or_else(|| panic!("output `{name}`"))
    };
    assert_eq!(value("new"), "${{ steps.gate.outputs.new }}");
    assert_eq!(value("known"), "${{ steps.gate.outputs.known }}");
    assert_eq!(value("fixed"), "${{ steps.gate.outputs.fixed }}");
    assert_eq!(value("sarif-file"), "${{ steps.gate.outputs.sarif }}");
    assert_eq!(value("exit-code"), "${{ steps.gate.outputs.exit-code }}");
}

#[test]
fn every_action_used_by_action_yml_and_the_workflows_is_pinned_to_a_commit() {
    let pinned = Regex::new(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$").unwrap();
    let action = yaml("action.yml");
    let mut steps = action_steps(&action).clone();
    for workflow in [
        ".github/workflows/release.yml",
        ".github/workflows/gate.yml",
    ] {
        steps.extend(workflow_steps(&yaml(workflow)));
    }
    let mut remote = 0;
    for step in &steps {
        let Some(uses) = text(step, "uses") else {
            continue;
        };
        if uses.starts_with("./") {
            continue;
        }
        remote += 1;
        assert!(pinned.is_match(uses), "not pinned to a commit: {uses}");
    }
    assert!(remote >= 4, "{remote} remote actions");
}

#[test]
fn the_token_reaches_only_the_gate_step_and_inputs_reach_the_scripts_as_env() {
    let action = yaml("action.yml");
    for step in action_steps(&action) {
        let env = step.get("env");
        let has_token = env.and_then(|env| env.get("GITHUB_TOKEN")).is_some();
        assert_eq!(
            has_token,
            text(step, "id") == Some("gate"),
            "GITHUB_TOKEN in {step:?}"
        );
    }
    let gate = step(&action, "gate");
    assert_eq!(
        text(&gate["env"], "GITHUB_TOKEN"),
        Some("${{ inputs.github-token }}")
    );
    assert_eq!(
        text(gate, "working-directory"),
        Some("${{ inputs.working-directory }}")
    );
    assert_eq!(
        text(gate, "run"),
        Some(r#"bash "$GITHUB_ACTION_PATH/scripts/action/run.sh""#)
    );
    assert_eq!(
        input_env(gate),
        inputs_read_by(&read("scripts/action/run.sh")),
        "the gate step's INPUT_* env and what run.sh reads"
    );
    let install = step(&action, "install");
    assert_eq!(
        text(install, "run"),
        Some(r#"bash "$GITHUB_ACTION_PATH/scripts/action/install.sh""#)
    );
    assert_eq!(
        input_env(install),
        inputs_read_by(&read("scripts/action/install.sh"))
    );
    assert_eq!(input_env(step(&action, "resolve")), input_env(install));
}

#[test]
fn sarif_upload_runs_even_after_new_violations_and_the_last_step_replays_gates_exit_code() {
    let action = yaml("action.yml");
    let steps = action_steps(&action);
    let position = |wanted: &dyn Fn(&Value) -> bool| {
        steps
            .iter()
            .position(wanted)
            .expect("the step is in action.yml")
    };
    let gate = position(&|step: &Value| text(step, "id") == Some("gate"));
    let upload = position(&|step: &Value| {
        text(step, "uses")
            .is_some_and(|uses| uses.starts_with("github/codeql-action/upload-sarif@"))
    });
    let last = steps.len() - 1;
    assert!(gate < upload && upload < last, "{gate} {upload} {last}");
    let upload = &steps[upload];
    let condition = text(upload, "if").unwrap();
    assert!(condition.starts_with("always()"), "{condition}");
    assert!(
        condition.contains("inputs.upload-sarif == 'true'"),
        "{condition}"
    );
    assert!(
        condition.contains("steps.gate.outputs.sarif != ''"),
        "{condition}"
    );
    assert_eq!(upload["continue-on-error"].as_bool(), Some(true));
    assert_eq!(
        text(&upload["with"], "sarif_file"),
        Some("${{ steps.gate.outputs.sarif }}")
    );
    assert_eq!(
        text(&upload["with"], "category"),
        Some("${{ inputs.category }}")
    );

    let last = &steps[last];
    assert_eq!(text(last, "if"), Some("always()"));
    let body = text(last, "run").unwrap();
    let variable = last["env"]
        .as_mapping()
        .and_then(|env| env.keys().next())
        .and_then(Value::as_str)
        .expect("the last step reads the exit code from env");
    assert_eq!(
        text(&last["env"], variable),
        Some("${{ steps.gate.outputs.exit-code }}")
    );
    for (recorded, expected) in [(Some("0"), 0), (Some("1"), 1), (Some("2"), 2), (None, 2)] {
        let mut command = Command::new("bash");
        command.env_clear().arg("-c").arg(body);
        if let Some(recorded) = recorded {
            command.env(variable, recorded);
        }
        let status = command.status().unwrap();
        assert_eq!(status.code(), Some(expected), "exit code {recorded:?}");
    }
}

#[test]
fn the_facts_cache_is_restored_before_gate_runs_and_saved_after_it_even_after_new_violations() {
    let action = yaml("action.yml");
    let steps = action_steps(&action);
    let gate = steps
        .iter()
        .position(|step| text(step, "id") == Some("gate"))
        .unwrap();
    let restore = steps
        .iter()
        .position(|step| text(step, "id") == Some("facts-cache"))
        .expect("a facts-cache step");
    let save = steps
        .iter()
        .position(|step| {
            text(step, "uses").is_some_and(|uses| uses.starts_with("actions/cache/save@"))
                && text(&step["with"], "key")
                    == Some("${{ steps.facts-cache.outputs.cache-primary-key }}")
        })
        .expect("a step saves the facts cache");
    assert!(restore < gate && gate < save, "{restore} {gate} {save}");
    let (restore, save) = (&steps[restore], &steps[save]);
    let folder = text(&steps[gate]["env"], "GATE_CACHE_DIR").expect("gate is told the folder");
    assert_eq!(text(&restore["with"], "path"), Some(folder));
    assert_eq!(text(&save["with"], "path"), Some(folder));
    assert!(
        text(restore, "uses").is_some_and(|uses| uses.starts_with("actions/cache/restore@")),
        "{restore:?}"
    );
    let key = text(&restore["with"], "key").unwrap();
    let prefix = text(&restore["with"], "restore-keys").unwrap().trim();
    assert!(key.starts_with(prefix), "{key} / {prefix}");
    for part in [
        "runner.os",
        "steps.resolve.outputs.version",
        "inputs.category",
    ] {
        assert!(prefix.contains(part), "{prefix} lacks {part}");
    }
    assert_eq!(text(restore, "if"), Some("inputs.cache == 'true'"));
    let condition = text(save, "if").unwrap();
    assert!(condition.starts_with("always()"), "{condition}");
    assert!(condition.contains("inputs.cache == 'true'"), "{condition}");
    assert_eq!(save["continue-on-error"].as_bool(), Some(true));
}

// ----------------------------------------------------------------- workflows

#[test]
fn the_workflows_parse_and_every_job_runs_steps_on_a_runner_without_expressions_in_scripts() {
    for relative in [
        ".github/workflows/release.yml",
        ".github/workflows/gate.yml",
    ] {
        let workflow = yaml(relative);
        assert!(workflow.get("on").is_some(), "{relative}: no triggers");
        let jobs = map(&workflow, "jobs");
        assert!(!jobs.is_empty(), "{relative}: no jobs");
        for (name, job) in jobs {
            assert!(job.get("runs-on").is_some(), "{relative} {name:?}: runs-on");
            let steps = job["steps"]
                .as_sequence()
                .unwrap_or_else(|| panic!("{relative} {name:?}: steps"));
            assert!(!steps.is_empty(), "{relative} {name:?}: no steps");
            for body in run_bodies(steps) {
                assert!(!body.contains("${{"), "{relative}: expression in {body}");
            }
        }
    }
}

#[test]
fn the_gate_workflow_runs_this_action_on_pull_requests_and_main_with_the_permissions_it_needs() {
    let workflow = yaml(".github/workflows/gate.yml");
    let on = &workflow["on"];
    assert!(on.get("pull_request").is_some(), "{on:?}");
    let branches: Vec<_> = on["push"]["branches"]
        .as_sequence()
        .expect("push.branches")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(branches, ["main"]);
    let jobs = map(&workflow, "jobs");
    let (job, steps) = jobs
        .values()
        .find_map(|job| {
            let steps = job["steps"].as_sequence()?;
            let ours = steps.iter().find(|step| text(step, "uses") == Some("./"))?;
            (text(&ours["with"], "upload-sarif") != Some("false")).then_some((job, ours))
        })
        .expect("a job runs `uses: ./` with upload-sarif on");
    assert_ne!(text(&steps["with"], "comment"), Some("false"));
    for (permission, level) in [
        ("contents", "read"),
        ("pull-requests", "write"),
        ("security-events", "write"),
        ("actions", "read"),
    ] {
        assert_eq!(
            text(&job["permissions"], permission),
            Some(level),
            "permission {permission}"
        );
    }
}

/// The targets `install.sh` downloads for, in the order of its `case`.
fn install_targets() -> Vec<String> {
    let script = read("scripts/action/install.sh");
    Regex::new(r"\) target=([a-z0-9_-]+) ;;")
        .unwrap()
        .captures_iter(&script)
        .map(|captures| captures[1].to_owned())
        .collect()
}

#[test]
fn the_release_workflow_builds_every_target_install_sh_downloads_on_version_tags() {
    let workflow = yaml(".github/workflows/release.yml");
    let tags: Vec<_> = workflow["on"]["push"]["tags"]
        .as_sequence()
        .expect("on.push.tags")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(tags.iter().all(|tag| tag.starts_with('v')), "{tags:?}");
    let built: BTreeSet<String> = workflow["jobs"]["build"]["strategy"]["matrix"]["include"]
        .as_sequence()
        .expect("a build matrix")
        .iter()
        .map(|entry| text(entry, "target").expect("target").to_owned())
        .collect();
    let downloaded: BTreeSet<String> = install_targets().into_iter().collect();
    assert_eq!(downloaded.len(), 5, "{downloaded:?}");
    assert!(downloaded.contains(LINUX_X64));
    assert_eq!(built, downloaded);
}

#[test]
fn the_release_workflow_builds_the_python_wheels_and_sdist_and_publishes_them_with_trusted_publishing()
 {
    let workflow = yaml(".github/workflows/release.yml");
    let jobs = &workflow["jobs"];
    let wheels: BTreeSet<(String, String)> = jobs["wheels"]["strategy"]["matrix"]["include"]
        .as_sequence()
        .expect("a wheels matrix")
        .iter()
        .map(|entry| {
            (
                text(entry, "os").expect("os").to_owned(),
                text(entry, "target").expect("target").to_owned(),
            )
        })
        .collect();
    let expected: BTreeSet<(String, String)> = [
        ("ubuntu-latest", "x86_64"),
        ("ubuntu-latest", "aarch64"),
        ("ubuntu-latest", "x86_64-unknown-linux-musl"),
        ("macos-latest", "x86_64"),
        ("macos-latest", "aarch64"),
        ("windows-latest", "x64"),
    ]
    .into_iter()
    .map(|(os, target)| (os.to_owned(), target.to_owned()))
    .collect();
    assert_eq!(wheels, expected);
    let uses = |job: &str| -> Vec<String> {
        jobs[job]["steps"]
            .as_sequence()
            .unwrap_or_else(|| panic!("job {job}"))
            .iter()
            .filter_map(|step| text(step, "uses"))
            .map(|uses| uses.split('@').next().unwrap().to_owned())
            .collect()
    };
    assert!(uses("wheels").contains(&"PyO3/maturin-action".to_owned()));
    assert!(uses("sdist").contains(&"PyO3/maturin-action".to_owned()));
    let pypi = &jobs["pypi"];
    assert!(uses("pypi").contains(&"pypa/gh-action-pypi-publish".to_owned()));
    assert_eq!(text(&pypi["permissions"], "id-token"), Some("write"));
    let needs: BTreeSet<&str> = pypi["needs"]
        .as_sequence()
        .expect("pypi.needs")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(needs, BTreeSet::from(["build", "wheels", "sdist"]));
}

// ---------------------------------------------------------------- install.sh

/// A runner's folders and files in a temporary folder.
struct Runner {
    dir: tempfile::TempDir,
}

impl Runner {
    fn new() -> Self {
        let runner = Runner {
            dir: tempfile::tempdir().unwrap(),
        };
        for folder in ["temp", "tool-cache", "bin"] {
            std::fs::create_dir(runner.path(folder)).unwrap();
        }
        // The fake cargo records its arguments and installs a fake gate.
        runner.script(
            "bin/fake-cargo",
            r#"#!/bin/sh
printf '%s\n' "$@" >>"$FAKE_CARGO_LOG"
root=
while [ $# -gt 0 ]; do
  if [ "$1" = --root ]; then root=$2; fi
  shift
done
mkdir -p "$root/bin"
printf '#!/bin/sh\necho built\n' >"$root/bin/gate"
chmod +x "$root/bin/gate"
"#,
        );
        runner
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    fn script(&self, relative: &str, contents: &str) {
        let path = self.path(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, contents).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    fn file(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path(relative)).unwrap_or_default()
    }

    /// Where install.sh puts gate for Linux X64.
    fn install_dir(&self) -> PathBuf {
        self.path("tool-cache")
            .join("gate")
            .join(VERSION)
            .join(LINUX_X64)
    }

    /// `bash script args` with only the runner's variables (none inherited
    /// from a real runner) plus `extra`.
    fn run(&self, script: &str, args: &[&str], cwd: &Path, extra: &[(&str, String)]) -> Output {
        let mut command = Command::new("bash");
        command
            .env_clear()
            .current_dir(cwd)
            .arg(root().join(script))
            .args(args)
            .env(
                "PATH",
                format!(
                    "{}:{}",
                    self.path("bin").display(),
                    std::env::var("PATH").unwrap()
                ),
            )
            .env("HOME", self.dir.path())
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", "X64")
            .env("RUNNER_TEMP", self.path("temp"))
            .env("RUNNER_TOOL_CACHE", self.path("tool-cache"))
            .env("GITHUB_PATH", self.path("github-path"))
            .env("GITHUB_OUTPUT", self.path("github-output"))
            .env("GITHUB_ACTION_PATH", root())
            .env("GITHUB_ACTION_REPOSITORY", "example/gate")
            .env("CARGO", self.path("bin/fake-cargo"))
            .env("FAKE_CARGO_LOG", self.path("cargo.log"));
        for (name, value) in extra {
            command.env(name, value);
        }
        command.output().unwrap()
    }

    fn install(&self, download_url: &str) -> Output {
        self.run(
            "scripts/action/install.sh",
            &[],
            self.dir.path(),
            &[("GATE_DOWNLOAD_URL", download_url.to_owned())],
        )
    }
}

fn stdout(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// `name=value` lines of a GITHUB_OUTPUT file.
fn outputs(contents: &str) -> HashMap<String, String> {
    contents
        .lines()
        .filter_map(|line| line.split_once('='))
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect()
}

/// A loopback port with nothing listening on it.
fn refused_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[test]
fn install_falls_back_to_cargo_install_of_the_action_source_when_the_download_fails() {
    let runner = Runner::new();
    let url = format!("http://127.0.0.1:{}", refused_port());

    let resolve = runner.run(
        "scripts/action/install.sh",
        &["resolve"],
        runner.dir.path(),
        &[],
    );
    assert_eq!(resolve.status.code(), Some(0), "{}", stdout(&resolve));
    let resolved = outputs(&runner.file("github-output"));
    assert_eq!(resolved["version"], VERSION);
    assert_eq!(
        resolved["install-dir"],
        runner.install_dir().display().to_string()
    );
    assert!(
        Regex::new("^[0-9a-f]{64}$")
            .unwrap()
            .is_match(&resolved["source-hash"]),
        "{resolved:?}"
    );
    std::fs::remove_file(runner.path("github-output")).unwrap();

    let install = runner.install(&url);
    let log = stdout(&install);
    assert_eq!(install.status.code(), Some(0), "{log}");
    assert!(
        log.contains("::warning title=gate install::could not download"),
        "{log}"
    );
    assert!(log.contains("building gate"), "{log}");
    let install_dir = runner.install_dir();
    let cargo: Vec<String> = runner
        .file("cargo.log")
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        cargo,
        [
            "install".to_owned(),
            "--locked".to_owned(),
            "--path".to_owned(),
            root().display().to_string(),
            "--root".to_owned(),
            install_dir.display().to_string(),
        ]
    );
    assert_eq!(
        runner.file("github-path"),
        format!("{}\n", install_dir.join("bin").display())
    );
    assert_eq!(outputs(&runner.file("github-output"))["built"], "true");
}

#[test]
fn install_reuses_a_cached_build_of_the_same_version_without_running_cargo_again() {
    let runner = Runner::new();
    let url = format!("http://127.0.0.1:{}", refused_port());
    let first = runner.install(&url);
    assert_eq!(first.status.code(), Some(0), "{}", stdout(&first));
    std::fs::remove_file(runner.path("cargo.log")).unwrap();
    std::fs::remove_file(runner.path("github-output")).unwrap();

    let second = runner.install(&url);
    let log = stdout(&second);
    assert_eq!(second.status.code(), Some(0), "{log}");
    assert!(log.contains("already installed"), "{log}");
    assert!(!runner.path("cargo.log").exists(), "cargo ran again: {log}");
    assert!(!log.contains("::warning"), "{log}");
    assert_eq!(outputs(&runner.file("github-output"))["built"], "false");
    let bin = format!("{}\n", runner.install_dir().join("bin").display());
    assert_eq!(runner.file("github-path"), format!("{bin}{bin}"));

    // A cached build of another version is not reused.
    let stamp = runner.install_dir().join(".gate-install");
    std::fs::write(&stamp, "0.0.0 source 0\n").unwrap();
    let third = runner.install(&url);
    assert_eq!(third.status.code(), Some(0), "{}", stdout(&third));
    assert!(runner.path("cargo.log").exists(), "{}", stdout(&third));
}

#[test]
fn install_refuses_a_plain_http_download_url_that_is_not_loopback() {
    let runner = Runner::new();
    let install = runner.install("http://example.com/releases");
    let log = stdout(&install);
    assert_eq!(install.status.code(), Some(2), "{log}");
    assert!(log.contains("::error"), "{log}");
    assert!(!runner.path("cargo.log").exists(), "{log}");
    assert_eq!(runner.file("github-path"), "");
}

/// Serves `files` (URL path → body) on a loopback port, for at most
/// `max_requests` requests or 60 seconds, and records the paths asked for.
struct Server {
    url: String,
    requests: Arc<Mutex<Vec<String>>>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    fn start(files: HashMap<String, Vec<u8>>, max_requests: usize) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&requests);
        let thread = std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(60);
            let mut served = 0;
            while served < max_requests && Instant::now() < deadline {
                match listener.accept() {
                    Ok((stream, _)) => {
                        served += 1;
                        let path = respond(stream, &files);
                        seen.lock().unwrap().push(path);
                    }
                    Err(error) if error.kind() == std::io::ErrorKind::WouldBlock => {
                        std::thread::sleep(Duration::from_millis(10));
                    }
                    Err(error) => panic!("accept: {error}"),
                }
            }
        });
        Server {
            url,
            requests,
            thread: Some(thread),
        }
    }

    /// The paths requested so far, once the server has stopped.
    fn stop(mut self) -> Vec<String> {
        // Wake the accept loop with requests it answers with 404 until it ends.
        let address = self.url.trim_start_matches("http://").to_owned();
        let thread = self.thread.take().unwrap();
        while !thread.is_finished() {
            if let Ok(mut stream) = TcpStream::connect(&address) {
                let _ = stream.write_all(b"GET /stop HTTP/1.1\r\nHost: x\r\n\r\n");
                let _ = stream.read_to_end(&mut Vec::new());
            }
        }
        thread.join().unwrap();
        let requests = self.requests.lock().unwrap().clone();
        requests
            .into_iter()
            .filter(|path| path != "/stop")
            .collect()
    }
}

fn respond(stream: TcpStream, files: &HashMap<String, Vec<u8>>) -> String {
    stream.set_nonblocking(false).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut reader = BufReader::new(stream);
    let mut request_line = String::new();
    reader.read_line(&mut request_line).unwrap_or_default();
    loop {
        let mut header = String::new();
        match reader.read_line(&mut header) {
            Ok(0) | Err(_) => break,
            Ok(_) if header == "\r\n" => break,
            Ok(_) => {}
        }
    }
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    let (status, body) = match files.get(&path) {
        Some(body) => ("200 OK", body.clone()),
        None => ("404 Not Found", b"not found".to_vec()),
    };
    let mut stream = reader.into_inner();
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
    path
}

const FAKE_RELEASED_GATE: &str = "#!/bin/sh\necho 'gate (released)'\n";

/// The release archive for Linux X64 and its .sha256, made by the Package
/// step of release.yml itself (so their names and layout are the release's).
fn release_archive() -> (String, Vec<u8>, String) {
    let workflow = yaml(".github/workflows/release.yml");
    let package = workflow["jobs"]["build"]["steps"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|step| text(step, "name") == Some("Package"))
        .and_then(|step| text(step, "run"))
        .expect("release.yml has a Package step");
    let work = tempfile::tempdir().unwrap();
    std::fs::write(work.path().join("README.md"), "readme\n").unwrap();
    let release = work.path().join("target").join(LINUX_X64).join("release");
    std::fs::create_dir_all(&release).unwrap();
    std::fs::write(release.join("gate"), FAKE_RELEASED_GATE).unwrap();
    let github_env = work.path().join("github-env");
    let output = Command::new("bash")
        .current_dir(work.path())
        .arg("-euo")
        .arg("pipefail")
        .arg("-c")
        .arg(package)
        .env("TAG", format!("v{VERSION}"))
        .env("TARGET", LINUX_X64)
        .env("GITHUB_ENV", &github_env)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stdout(&output));
    let archive = std::fs::read_to_string(&github_env)
        .unwrap()
        .trim()
        .strip_prefix("ARCHIVE=")
        .expect("the Package step names its archive")
        .to_owned();
    assert_eq!(archive, format!("gate-v{VERSION}-{LINUX_X64}.tar.gz"));
    let listing = Command::new("tar")
        .arg("-tzf")
        .arg(work.path().join(&archive))
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&listing.stdout).contains("/gate\n"),
        "{}",
        stdout(&listing)
    );
    let bytes = std::fs::read(work.path().join(&archive)).unwrap();
    let checksum = std::fs::read_to_string(work.path().join(format!("{archive}.sha256"))).unwrap();
    (archive, bytes, checksum)
}

/// The URL paths and bodies of a release with `archive` and `checksum`.
fn release_files(
    (archive, bytes, checksum): (String, Vec<u8>, String),
) -> (HashMap<String, Vec<u8>>, Vec<String>) {
    let archive_path = format!("/v{VERSION}/{archive}");
    let checksum_path = format!("{archive_path}.sha256");
    let files = HashMap::from([
        (archive_path.clone(), bytes),
        (checksum_path.clone(), checksum.into_bytes()),
    ]);
    (files, vec![archive_path, checksum_path])
}

#[test]
fn install_unpacks_the_verified_release_archive_without_calling_cargo() {
    let (files, paths) = release_files(release_archive());
    let server = Server::start(files, 8);
    let runner = Runner::new();
    let install = runner.install(&format!("{}/", server.url));
    let requests = server.stop();
    let log = stdout(&install);
    assert_eq!(install.status.code(), Some(0), "{log}");
    assert_eq!(requests, paths);
    assert!(log.contains("SHA-256 verified"), "{log}");
    assert!(!log.contains("::warning"), "{log}");
    assert!(!runner.path("cargo.log").exists(), "cargo ran: {log}");
    let bin = runner.install_dir().join("bin");
    assert_eq!(
        std::fs::read_to_string(bin.join("gate")).unwrap(),
        FAKE_RELEASED_GATE
    );
    assert_eq!(runner.file("github-path"), format!("{}\n", bin.display()));
    assert_eq!(outputs(&runner.file("github-output"))["built"], "false");
}

#[test]
fn install_fails_with_exit_2_on_a_checksum_mismatch_and_never_falls_back_to_cargo() {
    let (archive, bytes, checksum) = release_archive();
    let flipped = if checksum.starts_with('0') { "1" } else { "0" };
    let tampered = format!("{flipped}{}", &checksum[1..]);
    let (files, _) = release_files((archive, bytes, tampered));
    let server = Server::start(files, 8);
    let runner = Runner::new();
    let install = runner.install(&server.url);
    server.stop();
    let log = stdout(&install);
    assert_eq!(install.status.code(), Some(2), "{log}");
    assert!(
        log.contains("::error title=gate install::checksum mismatch"),
        "{log}"
    );
    assert!(!runner.path("cargo.log").exists(), "cargo ran: {log}");
    assert!(!runner.install_dir().join("bin").exists(), "{log}");
    assert_eq!(runner.file("github-path"), "");
}

// -------------------------------------------------------------------- run.sh

/// A fake `gate` on PATH that records its arguments, one a line, and exits
/// with $FAKE_GATE_EXIT.
fn runner_with_fake_gate() -> Runner {
    let runner = Runner::new();
    runner.script(
        "bin/gate",
        "#!/bin/sh\nprintf '%s\\n' \"$@\" >\"$FAKE_GATE_LOG\"\nexit \"${FAKE_GATE_EXIT:-0}\"\n",
    );
    std::fs::create_dir(runner.path("work")).unwrap();
    std::fs::write(runner.path("work/a.py"), "").unwrap();
    runner
}

fn run_sh(runner: &Runner, env: &[(&str, &str)]) -> Output {
    let mut extra: Vec<(&str, String)> = vec![(
        "FAKE_GATE_LOG",
        runner.path("gate.log").display().to_string(),
    )];
    extra.extend(env.iter().map(|(name, value)| (*name, (*value).to_owned())));
    runner.run("scripts/action/run.sh", &[], &runner.path("work"), &extra)
}

fn gate_args(runner: &Runner) -> Vec<String> {
    runner.file("gate.log").lines().map(str::to_owned).collect()
}

#[test]
fn run_sh_passes_every_input_and_splits_args_on_whitespace_without_evaluating_them() {
    let runner = runner_with_fake_gate();
    let output = run_sh(
        &runner,
        &[
            ("INPUT_CONFIG", "conf/gate.toml"),
            ("INPUT_BASELINE", "legacy baseline.json"),
            ("INPUT_SARIF_FILE", "out/gate.sarif"),
            ("INPUT_CATEGORY", "gate/backend"),
            ("INPUT_COMMENT", "false"),
            ("INPUT_UPLOAD_SARIF", "true"),
            ("INPUT_MAP_SUMMARY", "true"),
            (
                "INPUT_ARGS",
                "--threads 2\n\t--fail-on-stale   *.py $(touch pwned) \"quoted arg\"\n",
            ),
            ("FAKE_GATE_EXIT", "1"),
        ],
    );
    let log = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{log}");
    assert_eq!(
        gate_args(&runner),
        [
            "ci",
            "--config",
            "conf/gate.toml",
            "--baseline",
            "legacy baseline.json",
            "--sarif",
            "out/gate.sarif",
            "--category",
            "gate/backend",
            "--no-comment",
            "--map-summary",
            "--threads",
            "2",
            "--fail-on-stale",
            "*.py",
            "$(touch",
            "pwned)",
            "\"quoted",
            "arg\"",
        ]
    );
    assert!(
        !runner.path("work/pwned").exists(),
        "INPUT_ARGS was evaluated"
    );
    assert_eq!(outputs(&runner.file("github-output"))["exit-code"], "1");
}

#[test]
fn run_sh_with_default_inputs_comments_and_records_a_passing_exit_code() {
    let runner = runner_with_fake_gate();
    let output = run_sh(
        &runner,
        &[
            ("INPUT_CONFIG", ""),
            ("INPUT_BASELINE", ""),
            ("INPUT_SARIF_FILE", "gate.sarif"),
            ("INPUT_CATEGORY", "gate"),
            ("INPUT_COMMENT", "true"),
            ("INPUT_UPLOAD_SARIF", "true"),
            ("INPUT_ARGS", ""),
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert_eq!(
        gate_args(&runner),
        ["ci", "--sarif", "gate.sarif", "--category", "gate"]
    );
    assert_eq!(runner.file("github-output"), "exit-code=0\n");
}

#[test]
fn run_sh_records_gates_error_exit_code_and_still_exits_0() {
    let runner = runner_with_fake_gate();
    let output = run_sh(&runner, &[("FAKE_GATE_EXIT", "2")]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert_eq!(gate_args(&runner)[0], "ci");
    assert_eq!(outputs(&runner.file("github-output"))["exit-code"], "2");
}

#[test]
fn run_sh_rejects_a_boolean_input_that_is_not_true_or_false_without_running_gate() {
    for (variable, input) in [
        ("INPUT_COMMENT", "comment"),
        ("INPUT_MAP_SUMMARY", "map-summary"),
    ] {
        let runner = runner_with_fake_gate();
        let output = run_sh(&runner, &[(variable, "yes")]);
        let log = stdout(&output);
        assert_eq!(output.status.code(), Some(0), "{log}");
        assert!(
            log.contains(&format!(
                "::error title=gate::the {input} input must be true or false"
            )),
            "{log}"
        );
        assert!(!runner.path("gate.log").exists(), "gate ran: {log}");
        assert_eq!(outputs(&runner.file("github-output"))["exit-code"], "2");
    }
}

#[test]
fn run_sh_outside_a_runner_exits_with_gates_own_code() {
    let runner = runner_with_fake_gate();
    let mut command = Command::new("bash");
    let output = command
        .env_clear()
        .current_dir(runner.path("work"))
        .arg(root().join("scripts/action/run.sh"))
        .env(
            "PATH",
            format!(
                "{}:{}",
                runner.path("bin").display(),
                std::env::var("PATH").unwrap()
            ),
        )
        .env("FAKE_GATE_LOG", runner.path("gate.log"))
        .env("FAKE_GATE_EXIT", "1")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    assert_eq!(gate_args(&runner)[0], "ci");
}

/// A copy of the bundled demo (gate.toml, baseline.json, fixtures/demo).
fn demo_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for file in ["gate.toml", "baseline.json"] {
        std::fs::copy(root().join(file), dir.path().join(file)).unwrap();
    }
    let demo = dir.path().join("fixtures/demo");
    std::fs::create_dir_all(&demo).unwrap();
    common::copy_tree(&root().join("fixtures/demo"), &demo);
    dir
}

/// run.sh with the real gate binary on PATH, as the gate step runs it on a
/// `push` event, in `project`.
fn run_sh_with_real_gate(runner: &Runner, project: &Path) -> (Output, HashMap<String, String>) {
    let gate = Path::new(env!("CARGO_BIN_EXE_gate"));
    let bin = runner.path("real-bin");
    std::fs::create_dir(&bin).unwrap();
    std::os::unix::fs::symlink(gate, bin.join("gate")).unwrap();
    let sarif = runner.path("gate.sarif").display().to_string();
    let mut command = Command::new("bash");
    command
        .env_clear()
        .current_dir(project)
        .arg(root().join("scripts/action/run.sh"))
        .env(
            "PATH",
            format!("{}:{}", bin.display(), std::env::var("PATH").unwrap()),
        )
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_EVENT_NAME", "push")
        .env("GITHUB_REPOSITORY", "acme/backend")
        .env("GITHUB_SHA", "0123456789abcdef0123456789abcdef01234567")
        .env("GITHUB_WORKSPACE", project)
        .env("GITHUB_OUTPUT", runner.path("github-output"))
        .env("GITHUB_STEP_SUMMARY", runner.path("summary.md"))
        .env("GITHUB_TOKEN", "not-a-real-token")
        .env("INPUT_SARIF_FILE", &sarif)
        .env("INPUT_CATEGORY", "gate")
        .env("INPUT_COMMENT", "true")
        .env("INPUT_UPLOAD_SARIF", "true");
    let output = command.output().unwrap();
    let recorded = outputs(&runner.file("github-output"));
    (output, recorded)
}

#[test]
fn run_sh_with_the_real_gate_on_the_demo_writes_every_output_the_action_maps() {
    let project = demo_copy();
    let runner = Runner::new();
    let (output, recorded) = run_sh_with_real_gate(&runner, project.path());
    let log = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{log}");
    assert_eq!(recorded["exit-code"], "0", "{log}");
    assert_eq!(recorded["new"], "0", "{log}");
    assert!(
        recorded["known"].parse::<u32>().unwrap() > 0,
        "{recorded:?}"
    );
    assert_eq!(recorded["fixed"], "0", "{log}");
    let sarif = Path::new(&recorded["sarif"]);
    assert!(sarif.is_absolute(), "{recorded:?}");
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(sarif).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert!(
        !log.contains("not-a-real-token"),
        "the token was printed: {log}"
    );

    // Every output action.yml maps from the gate step was written.
    let action = yaml("action.yml");
    for (name, output) in map(&action, "outputs") {
        let value = text(output, "value").unwrap();
        let key = value
            .strip_prefix("${{ steps.gate.outputs.")
            .and_then(|rest| rest.strip_suffix(" }}"))
            .unwrap_or_else(|| panic!("output {name:?}: {value}"));
        assert!(
            recorded.contains_key(key),
            "{key} not written: {recorded:?}"
        );
    }
}

#[test]
fn run_sh_with_the_real_gate_records_exit_code_1_for_a_new_violation_and_still_exits_0() {
    let project = demo_copy();
    let services = project
        .path()
        .join("fixtures/demo/backend/app/services/incidents.py");
    let mut source = std::fs::read_to_string(&services).unwrap();
    source.push_str("\nfrom app.api import incidents\n");
    std::fs::write(&services, source).unwrap();
    let runner = Runner::new();
    let (output, recorded) = run_sh_with_real_gate(&runner, project.path());
    let log = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{log}");
    assert_eq!(recorded["exit-code"], "1", "{log}");
    assert!(recorded["new"].parse::<u32>().unwrap() >= 1, "{recorded:?}");
    assert!(log.contains("::error "), "no annotation: {log}");
}
