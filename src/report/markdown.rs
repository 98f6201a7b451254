//! The Markdown report: the pull-request comment and the job summary.
//!
//! A verdict line, the new violations as a table linked to the pull
//! request's head commit, what was fixed (with the `gate baseline update`
//! hint), and the baseline entries the pull request added, flagged for the
//! reviewer. Cut to fit GitHub's limits: 65,536 characters for a comment,
//! 1 MiB for a step summary.
//!
//! Everything a pull request controls (paths, messages with module strings,
//! scopes, subjects, rule and file names) is shown in a code span fenced
//! longer than any run of backticks inside it (`code`): GitHub renders
//! nothing inside one as a link, an image, HTML or an @mention, and no text
//! can close it early.

use super::{RepoPaths, Summary, counts_per_rule};
use crate::baseline::{BaselineEntry, Diff, Finding, Status};
use crate::violation::Severity;

/// Where the violations' files can be linked to: `{server}/{repository}/blob/{sha}/{path}#L{line}`.
pub struct BlobLinks {
    pub server_url: String,
    /// `owner/name`.
    pub repository: String,
    /// The pull request's head commit (on a PR, `GITHUB_SHA` is the merge commit).
    pub sha: String,
}

/// How long the report may get.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SizeLimit {
    /// In UTF-16 code units, which bounds GitHub's character count whatever
    /// it counts in.
    pub utf16_units: usize,
    pub bytes: usize,
}

impl SizeLimit {
    /// A pull-request comment: GitHub refuses bodies over 65,536
    /// characters; the margin leaves room for the notes that say what was cut.
    pub const COMMENT: SizeLimit = SizeLimit {
        utf16_units: 60_000,
        bytes: usize::MAX,
    };
    /// A step summary: GitHub refuses files over 1 MiB per step.
    pub const SUMMARY: SizeLimit = SizeLimit {
        utf16_units: usize::MAX,
        bytes: 900_000,
    };
}

pub struct MarkdownOptions<'a> {
    /// Python files analysed.
    pub files: usize,
    /// The category (config) the report is for; names the hidden marker.
    pub category: &'a str,
    pub paths: &'a RepoPaths,
    pub links: Option<&'a BlobLinks>,
    /// The baseline file as the user names it.
    pub baseline_file: &'a str,
    /// Entries this pull request added to the baseline (compared with the
    /// base branch's), flagged for the reviewer; `None` when no comparison
    /// was made.
    pub baseline_added: Option<&'a [BaselineEntry]>,
    /// The workflow run, linked in the footer.
    pub run_url: Option<&'a str>,
    pub limit: SizeLimit,
}

/// The hidden marker that identifies gate's own comment for `category`: the
/// first line of its body.
pub fn comment_marker(category: &str) -> String {
    format!("<!-- gate:{category} -->")
}

/// Room kept for the notes that say what was cut and for the footer.
const RESERVE_UNITS: usize = 2_000;

pub fn render_markdown(diff: &Diff, options: &MarkdownOptions<'_>) -> String {
    let mut body = Body::new(options.limit);
    let summary = Summary::new(diff, options.files);
    let new: Vec<&Finding> = diff
        .findings
        .iter()
        .filter(|finding| finding.status == Status::New)
        .collect();
    let new_errors = new
        .iter()
        .filter(|finding| finding.violation.severity == Severity::Error)
        .count();
    let new_warnings = new.len() - new_errors;

    body.force(&format!("{}\n", comment_marker(options.category)));
    body.force(&verdict(new_errors, new_warnings));
    body.force(&format!(
        "{} files checked: {} new, {} known (baseline), {} fixed.\n",
        summary.files, summary.new, summary.known, summary.fixed
    ));

    if new.len() > SCREENFUL {
        body.force(&by_rule(&new));
    }
    if !new.is_empty() {
        body.force("\n| Rule | Location | Message |\n| --- | --- | --- |\n");
        let rows = new.iter().map(|finding| new_row(finding, options));
        body.rows(rows, new.len(), "new violations");
    }

    if summary.fixed > 0 {
        let plural = plural(
            summary.fixed,
            "violation no longer occurs",
            "violations no longer occur",
        );
        body.force(&format!(
            "\n**Fixed:** {} baselined {plural}. Run `gate baseline update` and commit \
             {} to drop {} from the baseline.\n",
            summary.fixed,
            code(options.baseline_file),
            if summary.fixed == 1 { "it" } else { "them" },
        ));
        body.force(&format!(
            "\n<details><summary>Fixed baseline entries ({})</summary>\n\n{ENTRY_HEADER}",
            diff.fixed.len()
        ));
        let rows = diff
            .fixed
            .iter()
            .map(|entry| entry_row(entry, options.paths));
        body.rows(rows, diff.fixed.len(), "fixed entries");
        body.force("\n</details>\n");
    }

    if let Some(added) = options.baseline_added.filter(|added| !added.is_empty()) {
        let occurrences: u32 = added.iter().map(|entry| entry.count).sum();
        body.force(&format!(
            "\n**⚠️ This pull request adds {occurrences} {} to {}.** Reviewer: \
             these violations will no longer fail the check; confirm that accepting them is intended.\n\n{ENTRY_HEADER}",
            if occurrences == 1 { "violation" } else { "violations" },
            code(options.baseline_file),
        ));
        let rows = added.iter().map(|entry| entry_row(entry, options.paths));
        body.rows(rows, added.len(), "added entries");
    }

    let run = options
        .run_url
        .map(|url| format!(" · [workflow run]({url})"))
        .unwrap_or_default();
    body.force(&format!(
        "\n<sub>gate {}{run}</sub>\n",
        env!("CARGO_PKG_VERSION")
    ));
    body.text
}

const ENTRY_HEADER: &str =
    "| Rule | Path | Scope | Subject | Count |\n| --- | --- | --- | --- | ---: |\n";

/// New violations past which the report first counts them per rule.
const SCREENFUL: usize = 20;

/// `| rule | kind | new |`, most new violations first.
fn by_rule(new: &[&Finding]) -> String {
    let counts = counts_per_rule(new.iter().copied());
    let mut table = String::from("\n| Rule | Kind | New |\n| --- | --- | ---: |\n");
    for count in counts {
        table.push_str(&format!(
            "| {} | {} | {} |\n",
            code(count.rule),
            code(count.kind),
            count.new
        ));
    }
    table
}

fn verdict(new_errors: usize, new_warnings: usize) -> String {
    let warnings = match new_warnings {
        0 => String::new(),
        n => format!(" ({n} new {})", if n == 1 { "warning" } else { "warnings" }),
    };
    if new_errors == 0 {
        format!("### ✅ gate: no new violations{warnings}\n\n")
    } else {
        format!(
            "### ❌ gate: {new_errors} new {}{warnings}\n\n",
            if new_errors == 1 {
                "violation"
            } else {
                "violations"
            }
        )
    }
}

fn plural<'a>(count: usize, one: &'a str, many: &'a str) -> &'a str {
    if count == 1 { one } else { many }
}

fn new_row(finding: &Finding, options: &MarkdownOptions<'_>) -> String {
    let violation = &finding.violation;
    let path = options.paths.repo_path(&violation.path);
    let line = violation.span.start.line;
    let location = match options.links {
        Some(links) => format!(
            "[{}:{line}]({}/{}/blob/{}/{}#L{line})",
            code(&path),
            links.server_url.trim_end_matches('/'),
            links.repository,
            links.sha,
            super::sarif::percent_encode_path(&path),
        ),
        None => format!("{}:{line}", code(&path)),
    };
    let warning = match violation.severity {
        Severity::Warning => " (warning)",
        Severity::Error => "",
    };
    let note = finding
        .note
        .as_deref()
        .map(|note| format!(" ({note})"))
        .unwrap_or_default();
    format!(
        "| {}{warning} | {location} | {}{} |\n",
        code(&violation.rule),
        code(&violation.message),
        cell(&note),
    )
}

fn entry_row(entry: &BaselineEntry, paths: &RepoPaths) -> String {
    format!(
        "| {} | {} | {} | {} | {} |\n",
        code(&entry.rule),
        code(&paths.repo_path(&entry.path)),
        code(&entry.scope),
        code(&entry.subject),
        entry.count
    )
}

/// `text` as an inline code span that nothing inside can close: the fence
/// is one backtick longer than the longest run of backticks in `text`, and
/// a space pads text that starts or ends with a backtick or a space (one
/// space on each side is stripped when rendered). Line breaks show as `\n`
/// and pipes are escaped (GitHub splits table cells at `|` even inside code
/// spans, and renders `\|` there as `|`), so it fits in a table cell.
pub fn code(text: &str) -> String {
    if text.is_empty() {
        return String::new();
    }
    let body = crate::output::visible(text).replace('|', "\\|");
    let longest_run = body.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest_run + 1);
    let pad = body.starts_with('`')
        || body.ends_with('`')
        || (body.starts_with(' ') && body.ends_with(' '));
    let pad = if pad { " " } else { "" };
    format!("{fence}{pad}{body}{pad}{fence}")
}

/// gate's own text safe inside a table cell: no pipes or line breaks to
/// split it, no HTML (`<module>` would vanish as an unknown tag).
fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '\n' | '\r' => out.push(' '),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            _ => out.push(c),
        }
    }
    out
}

/// The report being written, and how much of the limit it has used.
struct Body {
    text: String,
    units: usize,
    limit: SizeLimit,
    /// Set once something was cut: later tables are not started either.
    full: bool,
}

impl Body {
    fn new(limit: SizeLimit) -> Self {
        Body {
            text: String::new(),
            units: 0,
            limit,
            full: false,
        }
    }

    /// Appends `text` whatever the budget: headings, notes and the footer,
    /// which the reserve makes room for.
    fn force(&mut self, text: &str) {
        self.units += text.encode_utf16().count();
        self.text.push_str(text);
    }

    /// Appends `text` if it fits in the limit minus the reserve.
    fn try_push(&mut self, text: &str) -> bool {
        let units = self.units + text.encode_utf16().count();
        let bytes = self.text.len() + text.len();
        let fits = units + RESERVE_UNITS <= self.limit.utf16_units
            && bytes.saturating_add(RESERVE_UNITS * 4) <= self.limit.bytes;
        if fits && !self.full {
            self.force(text);
            true
        } else {
            self.full = true;
            false
        }
    }

    /// Appends table rows while they fit, then a note on how many were cut.
    fn rows(&mut self, rows: impl Iterator<Item = String>, total: usize, what: &str) {
        let mut shown = 0;
        for row in rows {
            if !self.try_push(&row) {
                break;
            }
            shown += 1;
        }
        if shown < total {
            self.force(&format!(
                "\n…and {} more {what}, left out to stay under GitHub's size limit; \
                 `gate check` lists them all, and code scanning shows the new ones.\n",
                total - shown
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::sample_diff;

    fn options<'a>(paths: &'a RepoPaths, links: Option<&'a BlobLinks>) -> MarkdownOptions<'a> {
        MarkdownOptions {
            files: 12,
            category: "gate",
            paths,
            links,
            baseline_file: "baseline.json",
            baseline_added: None,
            run_url: None,
            limit: SizeLimit::COMMENT,
        }
    }

    #[test]
    fn markdown_links_new_violations_to_the_head_commit() {
        let paths = RepoPaths::at_root("/repo".as_ref());
        let links = BlobLinks {
            server_url: "https://github.com".into(),
            repository: "acme/backend".into(),
            sha: "0123abcd".into(),
        };
        let added = [BaselineEntry {
            rule: "layers".into(),
            path: "backend/app/api/new.py".into(),
            scope: "<module>".into(),
            subject: "app.db".into(),
            count: 2,
            message: "not shown".into(),
        }];
        let markdown = render_markdown(
            &sample_diff(),
            &MarkdownOptions {
                baseline_added: Some(&added),
                run_url: Some("https://github.com/acme/backend/actions/runs/7"),
                ..options(&paths, Some(&links))
            },
        );
        insta::with_settings!({filters => vec![(r"gate \d+\.\d+\.\d+", "gate [version]")]}, {
            insta::assert_snapshot!(markdown);
        });
    }

    #[test]
    fn the_marker_is_the_first_line() {
        let paths = RepoPaths::at_root("/repo".as_ref());
        let markdown = render_markdown(&Diff::default(), &options(&paths, None));
        assert!(markdown.starts_with("<!-- gate:gate -->\n### ✅ gate: no new violations"));
    }

    #[test]
    fn code_spans_are_fenced_longer_than_any_backtick_run() {
        assert_eq!(code("app.db"), "`app.db`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x``"), "``` `x`` ```");
        assert_eq!(code("a|b\nc"), "`a\\|b\\nc`");
        assert_eq!(code(""), "");
    }

    /// Strings a pull request controls, built to close a code span or a
    /// table cell and render links, images, HTML and @mentions.
    const HOSTILE: [&str; 5] = [
        "x` @octocat [click](https://evil.example/a) ![img](https://evil.example/i.png) `",
        "app/``@admin``/[a](https://evil.example/b).py",
        "```` @team <img src=x onerror=alert(1)> www.evil.example https://evil.example/c",
        "<script>alert(1)</script> | @someone\n\n# heading\n> quote",
        "@ghost_user",
    ];

    #[test]
    fn user_text_renders_no_link_image_html_or_mention() {
        use pulldown_cmark::{Event, Options, Parser, Tag};

        let mut diff = sample_diff();
        for (index, finding) in diff.findings.iter_mut().enumerate() {
            let hostile = HOSTILE[index % HOSTILE.len()];
            finding.status = Status::New;
            finding.violation.path = format!("{hostile}.py");
            finding.violation.message = format!("`app` imports `{hostile}`");
            finding.violation.scope = hostile.to_string();
            finding.violation.subject = hostile.to_string();
        }
        let entry = |text: &str| BaselineEntry {
            rule: "layers".into(),
            path: format!("{text}.py"),
            scope: text.into(),
            subject: text.into(),
            count: 1,
            message: text.into(),
        };
        diff.fixed = HOSTILE.iter().map(|text| entry(text)).collect();
        let added: Vec<BaselineEntry> = HOSTILE.iter().map(|text| entry(text)).collect();
        let paths = RepoPaths::at_root("/repo".as_ref());
        let links = BlobLinks {
            server_url: "https://github.com".into(),
            repository: "acme/backend".into(),
            sha: "0123abcd".into(),
        };
        let markdown = render_markdown(
            &diff,
            &MarkdownOptions {
                baseline_added: Some(&added),
                baseline_file: "base`@line [x](https://evil.example/d).json",
                run_url: Some("https://github.com/acme/backend/actions/runs/7"),
                ..options(&paths, Some(&links))
            },
        );

        let ours = [
            "<!-- gate:gate -->",
            "<details>",
            "<summary>",
            "</summary>",
            "</details>",
            "<sub>",
            "</sub>",
        ];
        let mut links_seen = 0;
        let mut headings = 0;
        for event in Parser::new_ext(&markdown, Options::ENABLE_TABLES) {
            match event {
                Event::Start(Tag::Link { dest_url, .. }) => {
                    links_seen += 1;
                    assert!(
                        dest_url.starts_with("https://github.com/acme/backend/"),
                        "a link from user text: {dest_url}\n{markdown}"
                    );
                }
                Event::Start(Tag::Image { dest_url, .. }) => {
                    panic!("an image from user text: {dest_url}\n{markdown}")
                }
                // The verdict is the only heading.
                Event::Start(Tag::Heading { .. }) => headings += 1,
                Event::Start(Tag::BlockQuote(_)) => panic!("a quote from user text\n{markdown}"),
                Event::Html(html) | Event::InlineHtml(html) => {
                    let html = html.trim();
                    assert!(
                        ours.iter().any(|tag| html.starts_with(tag)),
                        "HTML from user text: {html}\n{markdown}"
                    );
                }
                Event::Text(text) => {
                    // GitHub links @names and bare URLs in text, not in code.
                    let bytes = text.as_bytes();
                    let mention = bytes.windows(2).any(|pair| {
                        pair[0] == b'@' && (pair[1].is_ascii_alphanumeric() || pair[1] == b'-')
                    });
                    assert!(!mention, "a mention outside code: {text}\n{markdown}");
                    for autolink in ["http://", "https://", "www."] {
                        assert!(!text.contains(autolink), "a bare URL: {text}\n{markdown}");
                    }
                }
                _ => {}
            }
        }
        // The blob links of the new violations and the workflow run.
        assert_eq!(links_seen, diff.findings.len() + 1, "{markdown}");
        assert_eq!(headings, 1, "{markdown}");
    }

    #[test]
    fn cells_cannot_break_the_table_or_hide_as_html() {
        assert_eq!(
            cell("a|b\nc <module> & d"),
            "a\\|b c &lt;module&gt; &amp; d"
        );
    }

    #[test]
    fn a_long_report_is_cut_under_the_comment_limit_with_a_note() {
        let mut diff = sample_diff();
        let mut template = diff.findings[1].clone();
        // Multi-byte and astral characters: the limit is in UTF-16 units.
        template.violation.message = "écrit 🚫 ".repeat(40);
        diff.findings = (0..2_000).map(|_| template.clone()).collect();
        let paths = RepoPaths::at_root("/repo".as_ref());
        let markdown = render_markdown(&diff, &options(&paths, None));
        let units = markdown.encode_utf16().count();
        assert!(units <= 65_536, "{units} UTF-16 units");
        assert!(units > 50_000, "cut far too early: {units}");
        let shown = markdown
            .lines()
            // The rows of violations, not the count per rule.
            .filter(|line| line.starts_with("| `api-no-db-writes`") && line.contains("écrit"))
            .count();
        assert!(
            markdown.contains(&format!("…and {} more new violations", 2_000 - shown)),
            "{}",
            &markdown[markdown.len() - 600..]
        );
        assert!(markdown.trim_end().ends_with("</sub>"));
    }
}
