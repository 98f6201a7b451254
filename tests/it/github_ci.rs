//! `gate ci` end to end, against a fake GitHub REST API on 127.0.0.1 that
//! keeps issue comments, pages them two at a time, records every request
//! and fails on demand.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use crate::common::{self, copy_fixture, valid_sarif};
use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const TOKEN: &str = "ghs_s3cr3t-token-never-printed";
const REPO: &str = "acme/backend";
const PR: u64 = 7;
/// Comments per page: small, so that finding gate's comment crosses pages.
const PAGE: usize = 2;

#[derive(Clone, Debug)]
struct StoredComment {
    id: u64,
    body: String,
    login: String,
}

#[derive(Clone, Debug)]
struct Recorded {
    method: String,
    path: String,
    authorization: Option<String>,
    body: Option<Value>,
}

/// A forced answer: method, status, message, headers.
type Failure = (String, u16, String, Vec<(String, String)>);

#[derive(Default)]
struct State {
    comments: Vec<StoredComment>,
    next_id: u64,
    /// Forced answers for the next requests of a method, in order.
    failures: VecDeque<Failure>,
    requests: Vec<Recorded>,
    /// Files served by the contents API: (path, ref) → text.
    files: Vec<(String, String, String)>,
    /// How the comment list links its pages.
    links: Links,
    /// Answer every request with this body, status 200.
    garbage: Option<String>,
}

/// The `Link: rel="next"` the comment list sends.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Links {
    /// To the next page while there are comments left.
    #[default]
    Honest,
    /// Always to the page itself.
    ToItself,
    /// Always to one page further, for ever.
    Endless,
}

#[derive(Clone)]
struct FakeGithub {
    state: Arc<Mutex<State>>,
    base: String,
}

impl Respond for FakeGithub {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut state = self.state.lock().unwrap();
        let method = request.method.to_string();
        state.requests.push(Recorded {
            method: method.clone(),
            path: request.url.path().to_string(),
            authorization: request
                .headers
                .get("authorization")
                .map(|value| value.to_str().unwrap().to_string()),
            body: request.body_json().ok(),
        });
        if let Some(body) = &state.garbage {
            return ResponseTemplate::new(200).set_body_raw(body.clone(), "application/json");
        }
        if let Some(position) = state.failures.iter().position(|f| f.0 == method) {
            let (_, status, message, headers) = state.failures.remove(position).unwrap();
            let mut response =
                ResponseTemplate::new(status).set_body_json(json!({ "message": message }));
            for (name, value) in headers {
                response = response.insert_header(name.as_str(), value.as_str());
            }
            return response;
        }
        let list = format!("/repos/{REPO}/issues/{PR}/comments");
        let path = request.url.path();
        let as_json = |comment: &StoredComment| {
            json!({
                "id": comment.id,
                "body": comment.body,
                "user": { "login": comment.login, "type": if comment.login.ends_with("[bot]") { "Bot" } else { "User" } },
            })
        };
        match (method.as_str(), path) {
            ("GET", p) if p == list => {
                let page: usize = request
                    .url
                    .query_pairs()
                    .find(|(key, _)| key == "page")
                    .map(|(_, value)| value.parse().unwrap())
                    .unwrap_or(1);
                let items: Vec<Value> = state
                    .comments
                    .iter()
                    .skip((page - 1) * PAGE)
                    .take(PAGE)
                    .map(as_json)
                    .collect();
                let mut response = ResponseTemplate::new(200).set_body_json(items);
                let next = match state.links {
                    Links::Honest => (page * PAGE < state.comments.len()).then_some(page + 1),
                    Links::ToItself => Some(page),
                    Links::Endless => Some(page + 1),
                };
                if let Some(next) = next {
                    response = response.insert_header(
                        "link",
                        format!(
                            "<{}{list}?per_page=100&page={}>; rel=\"next\"",
                            self.base, next
                        )
                        .as_str(),
                    );
                }
                response
            }
            ("POST", p) if p == list => {
                state.next_id += 1;
                let comment = StoredComment {
                    id: 1000 + state.next_id,
                    body: body_of(request),
                    login: "github-actions[bot]".into(),
                };
                let response = ResponseTemplate::new(201).set_body_json(as_json(&comment));
                state.comments.push(comment);
                response
            }
            ("PATCH", p) if p.starts_with(&format!("/repos/{REPO}/issues/comments/")) => {
                let id: u64 = p.rsplit('/').next().unwrap().parse().unwrap();
                let body = body_of(request);
                match state.comments.iter_mut().find(|c| c.id == id) {
                    Some(comment) => {
                        comment.body = body;
                        ResponseTemplate::new(200).set_body_json(as_json(comment))
                    }
                    None => {
                        ResponseTemplate::new(404).set_body_json(json!({"message": "Not Found"}))
                    }
                }
            }
            ("GET", p) if p.starts_with(&format!("/repos/{REPO}/contents/")) => {
                let file = p.trim_start_matches(&format!("/repos/{REPO}/contents/"));
                let reference = request
                    .url
                    .query_pairs()
                    .find(|(key, _)| key == "ref")
                    .map(|(_, value)| value.to_string())
                    .unwrap_or_default();
                match state.files.iter().find(|f| f.0 == file && f.1 == reference) {
                    Some((_, _, text)) => {
                        use base64::Engine;
                        let encoded = base64::engine::general_purpose::STANDARD.encode(text);
                        // GitHub wraps the base64 at 60 columns.
                        let wrapped: Vec<String> = encoded
                            .as_bytes()
                            .chunks(60)
                            .map(|chunk| String::from_utf8(chunk.to_vec()).unwrap())
                            .collect();
                        ResponseTemplate::new(200).set_body_json(json!({
                            "type": "file", "encoding": "base64", "content": wrapped.join("\n"),
                        }))
                    }
                    None => {
                        ResponseTemplate::new(404).set_body_json(json!({"message": "Not Found"}))
                    }
                }
            }
            _ => ResponseTemplate::new(404).set_body_json(json!({"message": "Not Found"})),
        }
    }
}

fn body_of(request: &Request) -> String {
    let payload: Value = request.body_json().unwrap();
    payload["body"].as_str().unwrap().to_string()
}

/// The fake API, served from its own thread until dropped.
struct Fake {
    server: MockServer,
    github: FakeGithub,
    _runtime: tokio::runtime::Runtime,
}

impl Fake {
    fn start() -> Fake {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let server = runtime.block_on(MockServer::start());
        let github = FakeGithub {
            state: Arc::default(),
            base: server.uri(),
        };
        runtime.block_on(
            Mock::given(any())
                .respond_with(github.clone())
                .mount(&server),
        );
        Fake {
            server,
            github,
            _runtime: runtime,
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.github.state.lock().unwrap()
    }

    fn add_comment(&self, login: &str, body: &str) -> u64 {
        let mut state = self.state();
        state.next_id += 1;
        let id = 1000 + state.next_id;
        state.comments.push(StoredComment {
            id,
            body: body.into(),
            login: login.into(),
        });
        id
    }

    fn fail_next(&self, method: &str, status: u16, message: &str) {
        self.fail_next_with(method, status, message, &[]);
    }

    fn fail_next_with(&self, method: &str, status: u16, message: &str, headers: &[(&str, &str)]) {
        let headers = headers
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect();
        self.state()
            .failures
            .push_back((method.into(), status, message.into(), headers));
    }

    fn writes(&self) -> Vec<Recorded> {
        self.state()
            .requests
            .iter()
            .filter(|r| r.method != "GET")
            .cloned()
            .collect()
    }
}

/// The github fixture as a git repository: the base commit's baseline has
/// only the fixed entry; the pull request's head adds the known one.
struct Project {
    dir: tempfile::TempDir,
    /// The runner's own files: event payload, outputs, summary.
    runner: tempfile::TempDir,
    base_sha: String,
    head_sha: String,
}

fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .unwrap();
    assert!(output.status.success(), "git {args:?}: {output:?}");
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}

fn project() -> Project {
    let dir = copy_fixture("github/project");
    let baseline_path = dir.path().join("baseline.json");
    let head_baseline = std::fs::read_to_string(&baseline_path).unwrap();
    let mut base: Value = serde_json::from_str(&head_baseline).unwrap();
    base["entries"]
        .as_array_mut()
        .unwrap()
        .retain(|e| e["path"] == "app/api/old.py");
    std::fs::write(&baseline_path, serde_json::to_string_pretty(&base).unwrap()).unwrap();
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-qm", "base"]);
    let base_sha = git(dir.path(), &["rev-parse", "HEAD"]);
    std::fs::write(&baseline_path, head_baseline).unwrap();
    git(dir.path(), &["commit", "-qam", "accept the upward import"]);
    let head_sha = git(dir.path(), &["rev-parse", "HEAD"]);
    Project {
        dir,
        runner: tempfile::tempdir().unwrap(),
        base_sha,
        head_sha,
    }
}

struct CiRun {
    code: i32,
    stdout: String,
    stderr: String,
    outputs: String,
    summary: String,
}

impl Project {
    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn event(&self, head_repo: &str) -> PathBuf {
        let event = json!({
            "action": "synchronize",
            "number": PR,
            "pull_request": {
                "number": PR,
                "head": { "sha": self.head_sha, "repo": { "full_name": head_repo } },
                "base": { "sha": self.base_sha, "repo": { "full_name": REPO } },
            }
        });
        let path = self.runner.path().join("event.json");
        std::fs::write(&path, event.to_string()).unwrap();
        path
    }

    /// `gate ci` as GitHub Actions runs it on a pull request.
    fn ci(&self, api: &str, event: &Path, extra: &[&str]) -> CiRun {
        self.ci_with(api, event, extra, &[])
    }

    /// `ci`, with more (or overriding) environment variables.
    fn ci_with(&self, api: &str, event: &Path, extra: &[&str], env: &[(&str, &str)]) -> CiRun {
        self.ci_full(api, event, extra, env, std::time::Duration::from_secs(300))
    }

    /// `ci`, killed (and failing the test) after `limit`.
    fn ci_timeout(
        &self,
        api: &str,
        event: &Path,
        extra: &[&str],
        limit: std::time::Duration,
    ) -> CiRun {
        self.ci_full(api, event, extra, &[], limit)
    }

    fn ci_full(
        &self,
        api: &str,
        event: &Path,
        extra: &[&str],
        env: &[(&str, &str)],
        limit: std::time::Duration,
    ) -> CiRun {
        let outputs = self.runner.path().join("github_output");
        let summary = self.runner.path().join("step_summary");
        let _ = std::fs::remove_file(&outputs);
        let _ = std::fs::remove_file(&summary);
        let mut command = common::gate(self.path(), &["ci"]);
        command.args(extra);
        for (name, _) in std::env::vars() {
            if name.starts_with("GITHUB_") || name.starts_with("RUNNER_") {
                command.env_remove(name);
            }
        }
        command
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_EVENT_NAME", "pull_request")
            .env("GITHUB_EVENT_PATH", event)
            .env("GITHUB_REPOSITORY", REPO)
            .env("GITHUB_SHA", "ffffffffffffffffffffffffffffffffffffffff")
            .env("GITHUB_SERVER_URL", "https://github.com")
            .env("GITHUB_API_URL", api)
            .env("GITHUB_WORKSPACE", self.path())
            .env("GITHUB_RUN_ID", "99")
            .env("GITHUB_OUTPUT", &outputs)
            .env("GITHUB_STEP_SUMMARY", &summary)
            .env("GITHUB_TOKEN", TOKEN);
        command.envs(env.iter().copied()).timeout(limit);
        let output = command.output().unwrap();
        CiRun {
            code: output
                .status
                .code()
                .expect("gate ci ran past the test's time limit"),
            stdout: String::from_utf8(output.stdout).unwrap(),
            stderr: String::from_utf8(output.stderr).unwrap(),
            outputs: std::fs::read_to_string(&outputs).unwrap_or_default(),
            summary: std::fs::read_to_string(&summary).unwrap_or_default(),
        }
    }
}

fn assert_no_token(run: &CiRun) {
    for text in [&run.stdout, &run.stderr, &run.outputs, &run.summary] {
        assert!(!text.contains(TOKEN), "the token leaked:\n{text}");
    }
}

fn redact(text: &str, project: &Project) -> String {
    text.replace(&project.head_sha, "[head-sha]")
        .replace(&project.base_sha, "[base-sha]")
        .replace(
            &format!("gate {}", env!("CARGO_PKG_VERSION")),
            "gate [version]",
        )
}

#[test]
fn first_run_creates_the_comment_and_the_second_updates_the_same_one() {
    let fake = Fake::start();
    let project = project();
    let event = project.event(REPO);
    // Three comments of others first: gate's lands on the second page.
    fake.add_comment("alice", "Looks good");
    fake.add_comment("bob", "### ❌ gate: 3 new violations\nquoting the bot here");
    fake.add_comment("carol", "what does <!-- gate:gate --> mean?");

    let first = project.ci(&fake.server.uri(), &event, &[]);
    assert_eq!(first.code, 1, "{}{}", first.stdout, first.stderr);
    assert_no_token(&first);
    let writes = fake.writes();
    assert_eq!(writes.len(), 1, "{writes:#?}");
    assert_eq!(writes[0].method, "POST");
    assert_eq!(
        writes[0].path,
        format!("/repos/{REPO}/issues/{PR}/comments")
    );
    let created = fake.state().comments.last().unwrap().clone();
    assert!(
        created.body.starts_with("<!-- gate:gate -->\n"),
        "{}",
        created.body
    );
    assert_eq!(writes[0].body, Some(json!({ "body": created.body })));

    // A new violation makes the second run's comment differ.
    common::write(
        project.path(),
        "app/api/admin.py",
        "def drop(session, row):\n    session.delete(row)\n",
    );
    let second = project.ci(&fake.server.uri(), &event, &[]);
    assert_eq!(second.code, 1);
    let writes = fake.writes();
    assert_eq!(writes.len(), 2, "{writes:#?}");
    assert_eq!(writes[1].method, "PATCH");
    assert_eq!(
        writes[1].path,
        format!("/repos/{REPO}/issues/comments/{}", created.id)
    );
    let state = fake.state();
    assert_eq!(state.comments.len(), 4, "a second gate comment was posted");
    let others: Vec<&str> = state.comments[..3]
        .iter()
        .map(|c| c.body.as_str())
        .collect();
    assert_eq!(
        others,
        [
            "Looks good",
            "### ❌ gate: 3 new violations\nquoting the bot here",
            "what does <!-- gate:gate --> mean?"
        ],
        "someone else's comment was edited"
    );
    assert!(state.comments[3].body.contains("session.delete"));
    // The list was read across pages by following the Link header.
    let pages = state.requests.iter().filter(|r| r.method == "GET").count();
    assert!(pages >= 4, "{pages} GETs for two runs over two pages");
}

#[test]
fn an_unchanged_report_sends_no_write() {
    let fake = Fake::start();
    let project = project();
    let event = project.event(REPO);
    project.ci(&fake.server.uri(), &event, &[]);
    let again = project.ci(&fake.server.uri(), &event, &[]);
    assert_eq!(again.code, 1);
    assert_eq!(fake.writes().len(), 1, "{:#?}", fake.writes());
    assert!(again.stderr.contains("up to date"), "{}", again.stderr);
}

#[test]
fn the_token_is_sent_as_a_bearer_header_and_never_printed() {
    let fake = Fake::start();
    let project = project();
    let run = project.ci(&fake.server.uri(), &project.event(REPO), &[]);
    assert_no_token(&run);
    let state = fake.state();
    assert!(!state.requests.is_empty());
    for request in &state.requests {
        assert_eq!(
            request.authorization.as_deref(),
            Some(format!("Bearer {TOKEN}").as_str()),
            "{request:?}"
        );
    }
}

#[test]
fn a_forbidden_comment_is_a_warning_and_the_violations_decide_the_exit_code() {
    let fake = Fake::start();
    let project = project();
    fake.fail_next("POST", 403, "Resource not accessible by integration");
    let run = project.ci(&fake.server.uri(), &project.event(REPO), &[]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("::warning title=gate::no pull-request comment: cannot create the pull-request comment: GitHub refused (403 Resource not accessible by integration)"),
        "{}",
        run.stdout
    );
    assert_eq!(fake.writes().len(), 1, "a 403 is not retried");
    assert!(run.outputs.contains("new=5\n"), "{}", run.outputs);

    // Without new violations, the same refusal leaves the exit code 0.
    std::fs::write(project.path().join("app/api/routes.py"), "").unwrap();
    std::fs::write(project.path().join("scripts/bad file.py"), "").unwrap();
    fake.fail_next("POST", 403, "Resource not accessible by integration");
    let clean = project.ci(&fake.server.uri(), &project.event(REPO), &[]);
    assert_eq!(clean.code, 0, "{}{}", clean.stdout, clean.stderr);
    assert!(
        clean
            .stdout
            .contains("::warning title=gate::no pull-request comment")
    );
}

#[test]
fn a_server_error_is_retried_without_posting_twice() {
    let fake = Fake::start();
    let project = project();
    fake.fail_next("POST", 500, "Internal error");
    fake.fail_next("GET", 502, "Bad gateway");
    let run = project.ci(&fake.server.uri(), &project.event(REPO), &[]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        !run.stdout.contains("::warning title=gate::"),
        "{}",
        run.stdout
    );
    let state = fake.state();
    assert_eq!(state.comments.len(), 1);
    let methods: Vec<&str> = state.requests.iter().map(|r| r.method.as_str()).collect();
    // GET 502 → GET → POST 500 → (look again) GET → POST.
    assert_eq!(methods, ["GET", "GET", "POST", "GET", "POST"]);
}

#[test]
fn rate_limits_are_waited_out_and_retried() {
    let fake = Fake::start();
    let project = project();
    fake.fail_next_with(
        "GET",
        429,
        "API rate limit exceeded",
        &[("retry-after", "1")],
    );
    fake.fail_next("PATCH", 403, "You have exceeded a secondary rate limit");
    let first = project.ci(&fake.server.uri(), &project.event(REPO), &[]);
    assert!(
        !first.stdout.contains("::warning title=gate::"),
        "{}",
        first.stdout
    );
    common::write(
        project.path(),
        "app/api/more.py",
        "def f(session):\n    session.flush()\n",
    );
    let second = project.ci(&fake.server.uri(), &project.event(REPO), &[]);
    assert!(
        !second.stdout.contains("::warning title=gate::"),
        "{}",
        second.stdout
    );
    let state = fake.state();
    assert_eq!(state.comments.len(), 1);
    assert!(state.comments[0].body.contains("session.flush"));
    let methods: Vec<&str> = state.requests.iter().map(|r| r.method.as_str()).collect();
    assert_eq!(methods, ["GET", "GET", "POST", "GET", "PATCH", "PATCH"]);
}

#[test]
fn retries_are_bounded() {
    let fake = Fake::start();
    let project = project();
    for _ in 0..4 {
        fake.fail_next("GET", 503, "Service unavailable");
    }
    let run = project.ci(&fake.server.uri(), &project.event(REPO), &[]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .contains("cannot list the pull request's comments: GitHub answered 503"),
        "{}",
        run.stdout
    );
    assert_eq!(fake.state().requests.len(), 4, "four tries, then give up");
}

#[test]
fn a_shallow_checkout_reads_the_base_baseline_through_the_api() {
    let fake = Fake::start();
    let project = project();
    // The base commit of another clone: not in this checkout, no origin.
    let elsewhere = "1234567890abcdef1234567890abcdef12345678";
    let base_baseline = git(
        project.path(),
        &["show", &format!("{}:baseline.json", project.base_sha)],
    );
    fake.state()
        .files
        .push(("baseline.json".into(), elsewhere.into(), base_baseline));
    let mut shallow = Project {
        dir: project.dir,
        runner: project.runner,
        base_sha: elsewhere.into(),
        head_sha: project.head_sha,
    };
    let run = shallow.ci(&fake.server.uri(), &shallow.event(REPO), &[]);
    assert!(
        !run.stdout.contains("::warning title=gate::"),
        "{}",
        run.stdout
    );
    assert!(
        run.summary
            .contains("This pull request adds 1 violation to `baseline.json`"),
        "{}",
        run.summary
    );
    let read = fake
        .state()
        .requests
        .iter()
        .any(|r| r.path == format!("/repos/{REPO}/contents/baseline.json"));
    assert!(read, "the contents API was not asked");

    // No baseline at the base commit: every entry is new to the baseline.
    shallow.base_sha = "abcdefabcdefabcdefabcdefabcdefabcdefabcd".into();
    let run = shallow.ci(&fake.server.uri(), &shallow.event(REPO), &[]);
    assert!(
        run.summary
            .contains("This pull request adds 2 violations to `baseline.json`"),
        "{}",
        run.summary
    );
}

#[test]
fn a_fork_pull_request_gets_no_comment_and_no_write_request() {
    let fake = Fake::start();
    let project = project();
    let run = project.ci(&fake.server.uri(), &project.event("someone/backend"), &[]);
    assert_eq!(run.code, 1);
    assert!(fake.state().requests.is_empty());
    assert!(
        run.stdout
            .contains("::notice title=gate::a pull request from a fork")
    );
    assert!(
        run.summary.contains("### ❌ gate"),
        "the summary still works"
    );
}

#[test]
fn an_unreachable_api_is_a_warning_naming_the_cause() {
    let project = project();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let api = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let run = project.ci(&api, &project.event(REPO), &[]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains("::warning title=gate::no pull-request comment: cannot list the pull request's comments: network error"),
        "{}",
        run.stdout
    );
    assert_no_token(&run);
}

#[test]
fn ci_writes_outputs_summary_sarif_annotations_and_the_comment() {
    let fake = Fake::start();
    let project = project();
    let run = project.ci(
        &fake.server.uri(),
        &project.event(REPO),
        &["--sarif", "out/gate.sarif"],
    );
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);

    let sarif_path = project.path().join("out/gate.sarif");
    let sarif = valid_sarif(&std::fs::read_to_string(&sarif_path).unwrap());
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 5);
    let canonical = std::fs::canonicalize(&sarif_path).unwrap();
    let outputs: Vec<&str> = run.outputs.lines().collect();
    assert_eq!(outputs[..3], ["new=5", "known=1", "fixed=1"]);
    let sarif_output = outputs[3].strip_prefix("sarif=").unwrap();
    assert_eq!(std::fs::canonicalize(sarif_output).unwrap(), canonical);

    let annotations: Vec<&str> = run.stdout.lines().filter(|l| l.starts_with("::")).collect();
    insta::assert_snapshot!("ci_annotations", annotations.join("\n"));

    // The summary and the comment are the same report.
    let comment = fake.state().comments[0].body.clone();
    assert_eq!(comment, run.summary);
    insta::assert_snapshot!("ci_comment", redact(&comment, &project));
    assert!(
        comment.contains(&format!(
            "https://github.com/{REPO}/blob/{}/app/api/routes.py#L2",
            project.head_sha
        )),
        "links use the head commit, not GITHUB_SHA"
    );
    assert!(comment.contains("This pull request adds 1 violation to `baseline.json`"));
}

#[test]
fn map_summary_appends_the_map_to_the_job_summary_not_to_the_comment() {
    let fake = Fake::start();
    let project = project();
    let run = project.ci(&fake.server.uri(), &project.event(REPO), &["--map-summary"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let comment = fake.state().comments[0].body.clone();
    let (report, map) = run
        .summary
        .split_once("\n## Architecture map\n")
        .expect("the map follows the report");
    assert_eq!(report, comment);
    assert!(map.contains("5 new, 1 known (baseline), 1 fixed"), "{map}");
    assert!(map.contains("```mermaid\nflowchart TB\n"), "{map}");
}

#[test]
fn outside_github_actions_ci_behaves_like_check_and_says_what_it_skipped() {
    let project = project();
    let mut command = common::gate(project.path(), &["ci"]);
    for (name, _) in std::env::vars() {
        if name.starts_with("GITHUB_") {
            command.env_remove(name);
        }
    }
    let output = command.output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stdout.contains("7 files: 5 new, 1 known (baseline), 1 fixed"),
        "{stdout}"
    );
    assert!(!stdout.contains("::error"), "{stdout}");
    assert!(stderr.contains("not in GitHub Actions"), "{stderr}");
    valid_sarif(&std::fs::read_to_string(project.path().join("gate.sarif")).unwrap());
}

#[test]
fn no_comment_skips_the_api() {
    let fake = Fake::start();
    let project = project();
    let run = project.ci(&fake.server.uri(), &project.event(REPO), &["--no-comment"]);
    assert_eq!(run.code, 1);
    assert!(fake.state().requests.is_empty());
    assert!(run.summary.starts_with("<!-- gate:gate -->"));
}

#[test]
fn a_token_with_a_trailing_newline_is_trimmed() {
    let fake = Fake::start();
    let project = project();
    let pasted = format!(" {TOKEN}\n");
    let run = project.ci_with(
        &fake.server.uri(),
        &project.event(REPO),
        &[],
        &[("GITHUB_TOKEN", &pasted)],
    );
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_no_token(&run);
    assert_eq!(fake.state().comments.len(), 1, "{}", run.stdout);
    for request in &fake.state().requests {
        assert_eq!(
            request.authorization.as_deref(),
            Some(format!("Bearer {TOKEN}").as_str())
        );
    }
}

#[test]
fn a_token_that_is_no_header_value_is_a_warning_naming_the_variable() {
    let fake = Fake::start();
    let project = project();
    let broken = "ghs_sec\nret-in-two-lines";
    let run = project.ci_with(
        &fake.server.uri(),
        &project.event(REPO),
        &["--github-token-env", "GATE_TOKEN"],
        &[("GATE_TOKEN", broken)],
    );
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("::warning title=gate::no pull-request comment: GATE_TOKEN holds characters a token cannot have"),
        "{}",
        run.stdout
    );
    for text in [&run.stdout, &run.stderr, &run.summary, &run.outputs] {
        assert!(
            !text.contains("ghs_sec") && !text.contains("two-lines"),
            "{text}"
        );
    }
    assert!(fake.state().requests.is_empty());
    assert!(run.outputs.contains("new=5\n"), "{}", run.outputs);
}

#[test]
fn a_next_link_back_to_a_page_already_read_is_a_warning() {
    let fake = Fake::start();
    let project = project();
    fake.state().links = Links::ToItself;
    let run = project.ci(&fake.server.uri(), &project.event(REPO), &[]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("::warning title=gate::no pull-request comment: cannot list the pull request's comments: GitHub's `next` link points back to a page already read"),
        "{}",
        run.stdout
    );
    assert!(
        fake.state().requests.len() <= 3,
        "{:#?}",
        fake.state().requests
    );
    assert!(fake.writes().is_empty());
}

#[test]
fn comment_pages_are_limited() {
    let fake = Fake::start();
    let project = project();
    fake.state().links = Links::Endless;
    let run = project.ci(&fake.server.uri(), &project.event(REPO), &[]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("::warning title=gate::no pull-request comment: cannot list the pull request's comments: more than 100 pages"),
        "{}",
        run.stdout
    );
    assert_eq!(fake.state().requests.len(), 100);
    assert!(fake.writes().is_empty());
}

/// An API on 127.0.0.1 that answers every request with headers and then one
/// byte per second of a body that never ends: each byte restarts a read
/// timeout.
fn trickling_api() -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            std::thread::spawn(move || {
                let mut request = Vec::new();
                let mut buffer = [0; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buffer) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buffer[..n]),
                    }
                }
                let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                            content-length: 1000000\r\n\r\n[";
                if stream.write_all(head.as_bytes()).is_err() {
                    return;
                }
                loop {
                    std::thread::sleep(std::time::Duration::from_secs(1));
                    if stream
                        .write_all(b" ")
                        .and_then(|()| stream.flush())
                        .is_err()
                    {
                        return;
                    }
                }
            });
        }
    });
    format!("http://{address}")
}

#[test]
fn a_trickling_api_is_cut_off_at_the_overall_deadline() {
    let project = project();
    let started = std::time::Instant::now();
    let run = project.ci_timeout(
        &trickling_api(),
        &project.event(REPO),
        &["--github-timeout", "2"],
        std::time::Duration::from_secs(40),
    );
    let took = started.elapsed();
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("::warning title=gate::no pull-request comment: GitHub did not answer within the 2 s deadline for the run's GitHub requests (`--github-timeout`)"),
        "{}",
        run.stdout
    );
    assert!(took < std::time::Duration::from_secs(15), "took {took:?}");
    assert!(run.outputs.contains("new=5\n"), "{}", run.outputs);
}

#[test]
fn an_answer_that_is_not_json_is_named_and_not_retried() {
    let fake = Fake::start();
    let project = project();
    fake.state().garbage = Some("nonsense".into());
    let run = project.ci(&fake.server.uri(), &project.event(REPO), &[]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("::warning title=gate::no pull-request comment: cannot list the pull request's comments: GitHub answered with something that is not JSON (expected ident at line 1 column 2)"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("network error"), "{}", run.stdout);
    assert_eq!(fake.state().requests.len(), 1, "not retried");
}
