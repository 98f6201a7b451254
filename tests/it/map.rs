//! `gate map` on the demo: every format's bytes (snapshots), the layer
//! matrix against `gate check`'s own findings, hostile names escaped in each
//! format, and the same bytes whatever the thread count.

use std::path::Path;

use serde_json::Value;

use crate::common::{copy_demo, run, write};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `gate map ARGS` in `dir`, which must succeed.
fn map(dir: &Path, args: &[&str]) -> String {
    let output = run(dir, &[&["map"], args].concat());
    assert_eq!(output.code, 0, "{}{}", output.stdout, output.stderr);
    output.stdout
}

fn json(dir: &Path, args: &[&str]) -> Value {
    serde_json::from_str(&map(dir, &[&["--format", "json"], args].concat())).expect("valid JSON")
}

#[test]
fn the_demo_map_in_every_format() {
    let version = vec![(r"\d+\.\d+\.\d+", "[version]")];
    for format in ["text", "json", "markdown", "dot", "mermaid"] {
        insta::with_settings!({filters => version.clone(), snapshot_suffix => format}, {
            insta::assert_snapshot!(map(repo(), &["--format", format]));
        });
    }
}

#[test]
fn module_granularity_has_a_node_per_module() {
    let modules = json(repo(), &["--granularity", "module"]);
    assert_eq!(modules["graph"]["granularity"], "module");
    assert_eq!(modules["graph"]["depth"], Value::Null);
    let names: Vec<&str> = modules["graph"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|node| node["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"app.api.oncall"), "{names:?}");
    // The demo's module cycle is on the graph.
    let cycle_edge = find(
        &modules["graph"]["edges"],
        "app.api.oncall",
        "app.services.escalation",
    );
    assert_eq!(cycle_edge["cycle"], true);
    let shallow = json(repo(), &["--depth", "1"]);
    assert_eq!(shallow["graph"]["nodes"].as_array().unwrap().len(), 1);
    assert_eq!(shallow["graph"]["edges"].as_array().unwrap().len(), 0);
}

/// `layers` findings of `gate check --format json` in `dir`, by (importing
/// layer, imported layer) as their messages name them, and status.
fn layer_findings(dir: &Path) -> Vec<(String, String, String)> {
    let output = run(dir, &["check", "--format", "json"]);
    assert!(output.code <= 1, "{}", output.stderr);
    let report: Value = serde_json::from_str(&output.stdout).unwrap();
    let quoted = |text: &str, before: &str| {
        let start = text.find(before).expect(before) + before.len();
        text[start..].split('`').next().unwrap().to_string()
    };
    report["violations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|violation| violation["kind"] == "layers")
        .map(|violation| {
            let message = violation["message"].as_str().unwrap();
            // `import of `m` (layer `to`) in layer `from``, or `… (layer
            // `from`) reaches `m` (layer `to`) indirectly`.
            let (from, to) = match message.find(" reaches ") {
                Some(at) => (
                    quoted(message, "(layer `"),
                    quoted(&message[at..], "(layer `"),
                ),
                None => (quoted(message, "in layer `"), quoted(message, "(layer `")),
            };
            (from, to, violation["status"].as_str().unwrap().to_string())
        })
        .collect()
}

fn assert_cells_match_the_check(dir: &Path) -> Value {
    let map = json(dir, &[]);
    let findings = layer_findings(dir);
    assert!(!findings.is_empty());
    let cells = map["matrix"]["cells"].as_array().unwrap();
    let layers = map["matrix"]["layers"].as_array().unwrap().len();
    assert_eq!(cells.len(), layers * layers);
    for cell in cells {
        let count = |status: &str| {
            findings
                .iter()
                .filter(|(from, to, s)| cell["from"] == **from && cell["to"] == **to && s == status)
                .count() as u64
        };
        assert_eq!(cell["new"], count("new"), "{cell}");
        assert_eq!(cell["known"], count("known"), "{cell}");
        if cell["new"].as_u64().unwrap() + cell["known"].as_u64().unwrap() > 0 {
            assert_eq!(
                cell["allowed"], false,
                "a finding in an allowed cell: {cell}"
            );
        }
    }
    map
}

/// The cell or edge of `list` from `from` to `to`.
fn find<'a>(list: &'a Value, from: &str, to: &str) -> &'a Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|item| item["from"] == from && item["to"] == to)
        .unwrap_or_else(|| panic!("no {from} -> {to} in {list}"))
}

#[test]
fn forbidden_cells_hold_the_layers_findings_of_gate_check() {
    let map = assert_cells_match_the_check(repo());
    let cell = find(&map["matrix"]["cells"], "api", "platform");
    assert_eq!(cell["allowed"], false);
    assert_eq!(
        (cell["new"].as_u64(), cell["known"].as_u64()),
        (Some(0), Some(4))
    );

    // A new ORM import in a route: new in the check, new in its cell.
    let dir = copy_demo();
    let route = "fixtures/demo/backend/app/api/oncall.py";
    let code = std::fs::read_to_string(dir.path().join(route)).unwrap();
    write(
        dir.path(),
        route,
        &format!("{code}\nfrom app.models.db import get_session\n"),
    );
    let map = assert_cells_match_the_check(dir.path());
    let cell = find(&map["matrix"]["cells"], "api", "platform");
    assert_eq!(
        (cell["new"].as_u64(), cell["known"].as_u64()),
        (Some(1), Some(4))
    );
    assert_eq!(map["summary"]["new"], 1);
    // The edge carries it too, red in the diagrams.
    assert_eq!(
        find(&map["graph"]["edges"], "app.api", "app.models")["new"],
        1
    );
    let dot = self::map(dir.path(), &["--format", "dot"]);
    assert!(
        dot.lines()
            .any(|line| line.contains("(1 new, 4 known)") && line.contains("#d73a49")),
        "{dot}"
    );
}

#[test]
fn indirect_layers_findings_count_in_the_cell_of_the_layer_they_reach() {
    let dir = copy_demo();
    let config = std::fs::read_to_string(dir.path().join("gate.toml")).unwrap();
    std::fs::write(
        dir.path().join("gate.toml"),
        format!("{config}\n[[rule]]\nkind = \"layers\"\ntransitive = true\n"),
    )
    .unwrap();
    let map = assert_cells_match_the_check(dir.path());
    // Routes reach the ORM through the services: more findings in the
    // cell than direct imports make.
    let cell = find(&map["matrix"]["cells"], "api", "platform");
    assert!(cell["new"].as_u64().unwrap() > 0, "{cell}");
}

#[test]
fn the_map_is_the_same_bytes_on_one_thread_and_on_many() {
    for format in ["json", "text", "mermaid", "html"] {
        assert_eq!(
            map(repo(), &["--format", format, "--threads", "1"]),
            map(repo(), &["--format", format, "--threads", "8"]),
        );
    }
}

#[test]
fn output_is_written_to_a_file_in_the_format_its_extension_names() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("out/map.json");
    let stdout = map(repo(), &["-o", file.to_str().unwrap()]);
    assert_eq!(stdout, "");
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(written["version"], 1);
    let unknown = run(
        repo(),
        &["map", "-o", dir.path().join("map.xyz").to_str().unwrap()],
    );
    assert_eq!(unknown.code, 2);
    assert!(
        unknown.stderr.contains("cannot tell the format"),
        "{}",
        unknown.stderr
    );
}

/// A layer name as a TOML string's contents, built to end a DOT string, a
/// mermaid label, a Markdown code span or table cell, and to render a
/// link, HTML, a mention or a heading.
const HOSTILE_TOML: &str =
    "api\\\"]; evil[\\\"x`` <img src=x> [a](https://evil.example) @octocat |\\n# h";

/// The demo with its top layer named [`HOSTILE_TOML`] and a file whose name is
/// no module (so it is listed in no layer) built the same way.
fn hostile_demo() -> tempfile::TempDir {
    let dir = copy_demo();
    let config = std::fs::read_to_string(dir.path().join("gate.toml")).unwrap();
    let config = config.replacen("name = \"api\"", &format!("name = \"{HOSTILE_TOML}\""), 1);
    std::fs::write(dir.path().join("gate.toml"), config).unwrap();
    write(
        dir.path(),
        "fixtures/demo/backend/app/legacy/x` <b>[a](https:evil.example) @octocat |.py",
        "import os\n",
    );
    dir
}

#[test]
fn hostile_layer_and_file_names_are_escaped_in_dot_and_mermaid() {
    let dir = hostile_demo();
    let dot = map(dir.path(), &["--format", "dot"]);
    // Each `"` of the name is escaped, its line break is DOT's `\n`.
    assert!(
        dot.contains(
            r#"label="api\"]; evil[\"x`` <img src=x> [a](https://evil.example) @octocat |\n# h";"#
        ),
        "{dot}"
    );
    assert_eq!(dot.matches("subgraph").count(), 6, "{dot}");
    let mermaid = map(dir.path(), &["--format", "mermaid"]);
    assert!(!mermaid.contains("evil["), "{mermaid}");
    assert!(
        mermaid.contains("subgraph l0[\"api#34;#93;#59; evil#91;"),
        "{mermaid}"
    );
    // One line per statement: the line break in the name is an entity.
    assert!(
        mermaid.lines().all(|line| !line.starts_with("# h")),
        "{mermaid}"
    );
}

#[test]
fn hostile_names_render_no_link_html_or_heading_in_markdown() {
    use pulldown_cmark::{Event, Options, Parser, Tag};

    let dir = hostile_demo();
    let markdown = map(dir.path(), &["--format", "markdown"]);
    assert!(
        markdown.contains("<b>[a](https:evil.example)"),
        "the file is listed"
    );
    let ours = ["<details>", "<summary>", "</summary>", "</details>"];
    let mut headings = 0;
    for event in Parser::new_ext(&markdown, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::Link { dest_url, .. }) => panic!("a link: {dest_url}"),
            Event::Start(Tag::Image { dest_url, .. }) => panic!("an image: {dest_url}"),
            Event::Html(html) | Event::InlineHtml(html) => assert!(
                ours.iter().any(|tag| html.trim_start().starts_with(tag)),
                "HTML from user text: {html}"
            ),
            Event::Start(Tag::Heading { .. }) => headings += 1,
            Event::Text(text) => assert!(!text.contains("@octocat"), "a mention: {text}"),
            _ => {}
        }
    }
    // The map's own: the title, layers, matrix, graph, debt.
    assert_eq!(headings, 5, "{markdown}");
}

/// The keys of every object in `value`, as paths (`graph.edges[].from`);
/// arrays contribute the keys of their elements.
fn key_paths(value: &Value, prefix: &str, paths: &mut std::collections::BTreeSet<String>) {
    match value {
        Value::Object(object) => {
            for (key, inner) in object {
                let path = format!("{prefix}{key}");
                paths.insert(path.clone());
                key_paths(inner, &format!("{path}."), paths);
            }
        }
        Value::Array(items) => {
            for item in items {
                key_paths(item, &format!("{}[].", prefix.trim_end_matches('.')), paths);
            }
        }
        _ => {}
    }
}

#[test]
fn the_documented_json_example_has_every_field_of_the_real_map() {
    let guide = std::fs::read_to_string(repo().join("docs/map.md")).unwrap();
    let start = guide.find("```json\n").expect("an example") + "```json\n".len();
    let example: Value =
        serde_json::from_str(&guide[start..][..guide[start..].find("```").unwrap()])
            .expect("the example is JSON");
    let (mut documented, mut real) = Default::default();
    key_paths(&example, "", &mut documented);
    key_paths(&json(repo(), &[]), "", &mut real);
    assert_eq!(documented, real);
    assert_eq!(example["version"], 1);
}

/// The elements of `html` open and close in order (void elements closed
/// with `/>`), outside the script and style, whose text holds no `<`.
fn well_formed(html: &str) -> Result<(), String> {
    let mut open: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        rest = &rest[start + 1..];
        let end = rest.find('>').ok_or("an unclosed tag")?;
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        if tag.starts_with('!') {
            continue;
        }
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if tag.starts_with('/') {
            match open.pop() {
                Some(top) if top == name => {}
                top => return Err(format!("</{name}> closes {top:?}")),
            }
        } else if !tag.ends_with('/') {
            open.push(name);
        }
    }
    if open.is_empty() {
        Ok(())
    } else {
        Err(format!("never closed: {open:?}"))
    }
}

#[test]
fn the_html_report_is_one_well_formed_page_without_external_urls() {
    let html = map(repo(), &["--format", "html"]);
    well_formed(&html).unwrap();
    for url in ["http://", "https://", "src=", "@import"] {
        assert!(!html.contains(url), "{url} in the report");
    }
    // A cell per pair of layers, the forbidden ones outlined, each with a
    // link to the list of its imports.
    assert_eq!(html.matches("<g class=\"cell").count(), 36);
    let forbidden = json(repo(), &[])["matrix"]["cells"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|cell| cell["allowed"] == false)
        .count();
    assert_eq!(forbidden, 16);
    assert_eq!(
        html.matches("<g class=\"cell forbidden\"").count(),
        forbidden
    );
    assert!(html.contains("<details id=\"cell-0-4\"><summary>api → platform: 5 imports, forbidden; 0 new, 4 known</summary>"));
    assert!(html.contains("<code>fixtures/demo/backend/app/api/admin/audit.py:11</code> imports <code>app.models.audit</code>"));
    // An edge per import between packages, each linked to its list.
    let edges = html.matches("<a href=\"#edge-").count();
    assert_eq!(edges, 26);
    assert_eq!(html.matches("<details id=\"edge-").count(), edges);
    let start = html.find("<h2 id=\"matrix\">").unwrap();
    let end = start + html[start..].find("</svg></div>").unwrap();
    insta::assert_snapshot!(&html[start..end]);
}

#[test]
fn hostile_names_are_escaped_in_the_html_report() {
    let dir = hostile_demo();
    let html = map(dir.path(), &["--format", "html"]);
    well_formed(&html).unwrap();
    assert!(!html.contains("<img"), "markup from a name");
    // The name's URL is text, never a link or a source.
    assert!(!html.contains("href=\"http"), "a link from a name");
    assert!(
        html.contains("api&quot;]; evil[&quot;x`` &lt;img src=x&gt;"),
        "the layer is named"
    );
}

/// `gate map --format html` in `dir`, with git kept from finding a
/// repository above it: (exit code, page, standard error).
fn html_isolated(dir: &Path) -> (i32, String, String) {
    crate::history::gate_isolated(dir, &["map", "--format", "html"], None)
}

#[test]
fn in_a_git_repository_the_html_report_charts_the_baseline_history() {
    use crate::history::{CONFIG, Repo};
    let repo = Repo::new(CONFIG);
    write(repo.path(), "app/a.py", "import os\n");
    repo.write_baseline(
        "baseline.json",
        &[
            ("api-no-db-writes", "app/a.py", 3),
            ("import-cycle", "app/a.py", 2),
        ],
    );
    repo.commit(1, "Adopt gate");
    repo.write_baseline("baseline.json", &[("import-cycle", "app/a.py", 1)]);
    repo.commit(5, "Fix writes in the api");
    let (code, html, stderr) = html_isolated(repo.path());
    assert_eq!(code, 0, "{stderr}");
    well_formed(&html).unwrap();
    let start = html
        .find("<h2 id=\"history\">Debt over time</h2>")
        .expect("no section");
    let section = &html[start..];
    assert!(
        section.contains(
            "<title id=\"gate-history-title\">Baseline debt over time: baseline.json</title>"
        ),
        "{section}"
    );
    // One stacked area per rule, each with its rule as tooltip.
    assert_eq!(
        section.matches("fill-opacity=\"0.85\"").count(),
        2,
        "{section}"
    );
    for rule in ["api-no-db-writes", "import-cycle"] {
        assert!(
            section.contains(&format!("<title>{rule}</title></path>")),
            "{section}"
        );
    }
    assert_eq!(html.matches("id=\"gate-history-title\"").count(), 1);
    assert!(!section.contains("No chart"), "{section}");
    assert_eq!(html_isolated(repo.path()).1, html, "not the same bytes");
}

#[test]
fn without_a_history_the_html_report_says_why_and_succeeds() {
    use crate::history::{CONFIG, Repo, baseline};
    let no_chart = |dir: &Path| {
        let (code, html, stderr) = html_isolated(dir);
        assert_eq!(code, 0, "{stderr}");
        assert!(!stderr.contains("git"), "{stderr}");
        well_formed(&html).unwrap();
        assert!(
            !html.contains("gate-history-title"),
            "a chart without a history"
        );
        let start = html.find("<h2 id=\"history\">").expect("no section");
        html[start..].lines().nth(1).unwrap().to_string()
    };
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "gate.toml", CONFIG);
    write(dir.path(), "baseline.json", &baseline(&[("r", "a.py", 1)]));
    assert_eq!(
        no_chart(dir.path()),
        "<p>No chart: baseline.json is not in a git repository: it has no history to read.</p>"
    );
    let repo = Repo::new(CONFIG);
    repo.write_baseline("baseline.json", &[("r", "a.py", 1)]);
    assert_eq!(
        no_chart(repo.path()),
        "<p>No chart: <code>baseline.json</code> was never committed.</p>"
    );
}

#[test]
fn a_shallow_clone_charts_what_it_holds_and_says_where_it_starts() {
    let origin = crate::history::paying_down_debt();
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", origin.path().display());
    crate::history::git(
        clone.path(),
        &["clone", "-q", "--depth", "1", &url, "shallow"],
    );
    let (code, html, stderr) = html_isolated(&clone.path().join("shallow"));
    assert_eq!(code, 0, "{stderr}");
    let start = html.find("<h2 id=\"history\">").expect("no section");
    let section = &html[start..];
    assert!(
        section.contains("<p>Note: shallow clone: history starts at "),
        "{section}"
    );
    assert!(section.contains("id=\"gate-history-title\""), "{section}");
}

#[test]
fn a_partial_clone_is_charted_from_what_it_holds_without_fetching() {
    use crate::history::{git, paying_down_debt};
    let origin = paying_down_debt();
    git(origin.path(), &["config", "uploadpack.allowFilter", "true"]);
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", origin.path().display());
    git(
        clone.path(),
        &["clone", "-q", "--filter=blob:none", &url, "partial"],
    );
    let partial = clone.path().join("partial");
    // Whether the clone holds the first baseline, asked without fetching it.
    let holds_first_baseline = || {
        crate::history::git_command(&partial)
            .args(["cat-file", "-e", "HEAD~4:baseline.json"])
            .env("GIT_NO_LAZY_FETCH", "1")
            .status()
            .unwrap()
            .success()
    };
    assert!(!holds_first_baseline());
    let (code, html, stderr) = html_isolated(&partial);
    assert_eq!(code, 0, "{stderr}");
    let section = &html[html.find("<h2 id=\"history\">").expect("no section")..];
    // The versions it holds are charted, the others named.
    assert!(section.contains("id=\"gate-history-title\""), "{section}");
    assert!(section.contains("left out of the history"), "{section}");
    assert!(!holds_first_baseline(), "gate map fetched an old baseline");
}
