//! SARIF 2.1.0 for GitHub code scanning: one run, every configured rule
//! declared (with or without results, so code scanning can tell "ran and
//! found nothing" from "rule removed" and closes fixed alerts), one result
//! per violation with a line-independent fingerprint.

use std::collections::{BTreeMap, HashMap};

use serde_sarif::sarif::{
    ArtifactLocation, Invocation, Location, Message, MultiformatMessageString, Notification,
    PhysicalLocation, PropertyBag, Region, ReportingConfiguration, ReportingDescriptor,
    ReportingDescriptorReference, Result as SarifResult, ResultBaselineState, ResultColumnKind,
    ResultLevel, Run, RunAutomationDetails, Sarif, Suppression, SupressionKind, SupressionStatus,
    Tool, ToolComponent,
};
use sha2::{Digest, Sha256};

use super::RepoPaths;
use crate::baseline::{Diff, Finding, Status};
use crate::rules::Rule;
use crate::rules::{KINDS, RuleKind};
use crate::violation::{Identity, Severity};
use crate::warning::Warning;

/// The `$schema` GitHub's documentation uses.
const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// gate's own fingerprint key (GitHub reads only `primaryLocationLineHash`,
/// which upload-sarif computes from the checked-out file).
pub const FINGERPRINT_KEY: &str = "gateIdentity/v1";
/// GitHub keeps the first 5,000 results of a run and rejects a file with
/// more than 25,000; new errors come first, so they are the ones kept.
pub const MAX_RESULTS: usize = 5_000;
/// GitHub's limit on short and full descriptions.
const MAX_DESCRIPTION: usize = 1_024;

/// What the SARIF holds for violations the baseline allows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum KnownInSarif {
    /// Left out, so code scanning opens no alerts for accepted debt.
    #[default]
    Omit,
    /// Emitted with an external suppression naming the baseline file.
    /// GitHub ignores suppressions: they become open alerts there.
    Suppressed,
    /// Emitted as ordinary results.
    Open,
}

pub struct SarifOptions<'a> {
    /// Every configured rule, with or without results.
    pub rules: &'a [Rule],
    pub known: KnownInSarif,
    /// `automationDetails.id` is `{category}/`: several gate configs in one
    /// repository need distinct categories, or they close each other's alerts.
    pub category: &'a str,
    /// The baseline file as the user names it (for suppressions).
    pub baseline_file: &'a str,
    pub paths: &'a RepoPaths,
    /// The run's warnings: notifications of its invocation.
    pub warnings: &'a [Warning],
}

/// Renders `diff` as a SARIF log (pretty-printed, trailing newline).
pub fn render_sarif(diff: &Diff, options: &SarifOptions<'_>) -> String {
    let descriptors = Descriptors::new(options.rules);
    let results: Vec<SarifResult> = emitted(diff, options.known)
        .into_iter()
        .take(MAX_RESULTS)
        .map(|(finding, occurrence)| result(finding, occurrence, &descriptors, options))
        .collect();
    let driver = ToolComponent::builder()
        .name("gate")
        .version(env!("CARGO_PKG_VERSION"))
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .information_uri(env!("CARGO_PKG_REPOSITORY"))
        .rules(descriptors.reporting_descriptors())
        .build();
    let original_uri_base_ids = BTreeMap::from([(
        "%SRCROOT%".to_string(),
        ArtifactLocation::builder()
            .uri(options.paths.root_uri())
            .build(),
    )]);
    let mut run = Run::builder()
        .tool(Tool::from(driver))
        .automation_details(
            RunAutomationDetails::builder()
                .id(format!("{}/", options.category))
                .build(),
        )
        .original_uri_base_ids(original_uri_base_ids)
        .column_kind(serde_json::json!(ResultColumnKind::UnicodeCodePoints))
        .results(results)
        .build();
    if !options.warnings.is_empty() {
        run.invocations = Some(vec![invocation(options.warnings)]);
    }
    let log = Sarif::builder()
        .schema(SCHEMA)
        .version(serde_json::json!("2.1.0"))
        .runs(vec![run])
        .build();
    let mut json = serde_json::to_string_pretty(&log).expect("a SARIF log serializes");
    json.push('\n');
    json
}

/// The run's warnings as its invocation's notifications: about the config
/// (`toolConfigurationNotifications`: a pattern that matches nothing) or
/// about the analysis (`toolExecutionNotifications`: a file skipped).
fn invocation(warnings: &[Warning]) -> Invocation {
    let notification = |warning: &Warning| {
        let kind = serde_json::to_value(warning.kind).expect("a kind serializes");
        Notification::builder()
            .message(Message::builder().text(warning.message.clone()).build())
            .level(serde_json::json!("warning"))
            .descriptor(
                ReportingDescriptorReference::builder()
                    .id(kind.as_str().unwrap_or_default().to_string())
                    .build(),
            )
            .build()
    };
    let (config, execution): (Vec<&Warning>, Vec<&Warning>) = warnings
        .iter()
        .partition(|warning| warning.kind.is_config());
    let mut invocation = Invocation::builder().execution_successful(true).build();
    if !config.is_empty() {
        invocation.tool_configuration_notifications =
            Some(config.into_iter().map(notification).collect());
    }
    if !execution.is_empty() {
        invocation.tool_execution_notifications =
            Some(execution.into_iter().map(notification).collect());
    }
    invocation
}

/// How many results `diff` would give under `known`, before the cap of
/// `MAX_RESULTS`: more than that, and the SARIF holds only the first.
pub fn sarif_result_count(diff: &Diff, known: KnownInSarif) -> usize {
    diff.findings
        .iter()
        .filter(|finding| in_sarif(finding, known))
        .count()
}

fn in_sarif(finding: &Finding, known: KnownInSarif) -> bool {
    finding.status == Status::New || known != KnownInSarif::Omit
}

/// The findings the SARIF holds, each with its index among the findings of
/// the same identity (which tells identical violations in one scope apart
/// for the fingerprint). New errors first, then new warnings, then known
/// ones, each in report order: what GitHub keeps when it truncates.
fn emitted(diff: &Diff, known: KnownInSarif) -> Vec<(&Finding, usize)> {
    let mut seen: HashMap<Identity, usize> = HashMap::new();
    let mut findings: Vec<(&Finding, usize)> = diff
        .findings
        .iter()
        .map(|finding| {
            let occurrence = seen.entry(finding.violation.identity()).or_default();
            *occurrence += 1;
            (finding, *occurrence - 1)
        })
        .filter(|(finding, _)| in_sarif(finding, known))
        .collect();
    findings
        .sort_by_key(|(finding, _)| (finding.status == Status::Known, finding.violation.severity));
    findings
}

fn result(
    finding: &Finding,
    occurrence: usize,
    descriptors: &Descriptors<'_>,
    options: &SarifOptions<'_>,
) -> SarifResult {
    let violation = &finding.violation;
    let span = violation.span;
    let region = Region::builder()
        .start_line(i64::from(span.start.line))
        .start_column(i64::from(span.start.column))
        .end_line(i64::from(span.end.line))
        .end_column(i64::from(span.visible_end_column()))
        .build();
    let location = Location::builder()
        .physical_location(
            PhysicalLocation::builder()
                .artifact_location(
                    ArtifactLocation::builder()
                        .uri(percent_encode_path(
                            &options.paths.repo_path(&violation.path),
                        ))
                        .uri_base_id("%SRCROOT%")
                        .build(),
                )
                .region(region)
                .build(),
        )
        .build();
    let text = match &finding.note {
        Some(note) => format!("{} ({note})", violation.message),
        None => violation.message.clone(),
    };
    let (baseline_state, suppressions) = match (finding.status, options.known) {
        (Status::New, KnownInSarif::Suppressed) => (ResultBaselineState::New, Some(Vec::new())),
        (Status::New, _) => (ResultBaselineState::New, None),
        (Status::Known, KnownInSarif::Suppressed) => (
            ResultBaselineState::Unchanged,
            Some(vec![baseline_suppression(options.baseline_file)]),
        ),
        (Status::Known, _) => (ResultBaselineState::Unchanged, None),
    };
    let fingerprints = BTreeMap::from([(
        FINGERPRINT_KEY.to_string(),
        fingerprint(&violation.identity(), occurrence),
    )]);
    let result = SarifResult::builder()
        .rule_id(violation.rule.clone())
        .level(level(violation.severity))
        .message(Message::builder().text(text).build())
        .locations(vec![location])
        .partial_fingerprints(fingerprints)
        .baseline_state(serde_json::json!(baseline_state))
        .build();
    // The builder's setters take values, not options.
    SarifResult {
        rule_index: descriptors
            .index_of(&violation.rule)
            .map(|index| index as i64),
        suppressions,
        ..result
    }
}

fn baseline_suppression(baseline_file: &str) -> Suppression {
    Suppression::builder()
        .kind(serde_json::json!(SupressionKind::External))
        .status(serde_json::json!(SupressionStatus::Accepted))
        .justification(format!(
            "A known violation, allowed by {baseline_file} (gate's baseline)"
        ))
        .build()
}

fn level(severity: Severity) -> ResultLevel {
    match severity {
        Severity::Error => ResultLevel::Error,
        Severity::Warning => ResultLevel::Warning,
    }
}

/// A stable key for one violation: its identity (rule, path, scope,
/// subject: no line numbers) and its index among identical violations, so
/// an alert follows the violation when lines move above it.
pub fn fingerprint(identity: &Identity, occurrence: usize) -> String {
    let mut hasher = Sha256::new();
    for part in [
        identity.rule.as_str(),
        identity.path.as_str(),
        identity.scope.as_str(),
        identity.subject.as_str(),
    ] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    hasher.update(occurrence.to_string().as_bytes());
    let digest = hasher.finalize();
    digest[..16]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// A URI reference for a relative path: each segment percent-encoded,
/// RFC 3986 unreserved characters and `/` kept.
pub fn percent_encode_path(path: &str) -> String {
    let mut encoded = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                encoded.push(char::from(byte));
            }
            _ => encoded.push_str(&format!("%{byte:02X}")),
        }
    }
    encoded
}

/// The rules the driver declares: the configured ones in config order,
/// then the always-on kinds, whose rule name is their kind.
struct Descriptors<'a> {
    entries: Vec<DescribedRule<'a>>,
}

struct DescribedRule<'a> {
    name: &'a str,
    doc: &'static dyn RuleKind,
    severity: Severity,
    message: Option<&'a str>,
}

impl<'a> Descriptors<'a> {
    fn new(rules: &'a [Rule]) -> Self {
        let configured = rules.iter().map(|rule| DescribedRule {
            name: &rule.name,
            doc: rule.kind,
            severity: rule.severity,
            message: rule.message.as_deref(),
        });
        let always_on = KINDS
            .iter()
            .filter(|doc| doc.always_on())
            .map(|&doc| DescribedRule {
                name: doc.name(),
                doc,
                severity: Severity::Error,
                message: None,
            });
        Descriptors {
            entries: configured.chain(always_on).collect(),
        }
    }

    fn index_of(&self, rule: &str) -> Option<usize> {
        self.entries.iter().position(|entry| entry.name == rule)
    }

    fn reporting_descriptors(&self) -> Vec<ReportingDescriptor> {
        self.entries.iter().map(DescribedRule::descriptor).collect()
    }
}

impl DescribedRule<'_> {
    fn descriptor(&self) -> ReportingDescriptor {
        let kind = self.doc.name();
        let documentation = self.doc.documentation();
        let summary = self.doc.summary();
        let full = match self.message {
            Some(message) => format!("{summary} {message}"),
            None => summary.clone(),
        };
        let rule_line = match self.message {
            Some(message) => format!("Rule `{}` ({kind}): {message}\n\n", self.name),
            None => format!("Rule `{}` ({kind}).\n\n", self.name),
        };
        let help = MultiformatMessageString::builder()
            .text(format!("{rule_line}{documentation}"))
            .markdown(format!("{rule_line}{documentation}"))
            .build();
        let level = serde_json::json!(level(self.severity));
        let properties = PropertyBag::builder()
            .tags(vec!["architecture".to_string(), kind.to_string()])
            .additional_properties(BTreeMap::from([
                ("precision".to_string(), serde_json::json!("very-high")),
                ("problem.severity".to_string(), level.clone()),
            ]))
            .build();
        ReportingDescriptor::builder()
            .id(self.name)
            .name(pascal_case(self.name))
            .short_description(
                MultiformatMessageString::builder()
                    .text(truncate(&summary, MAX_DESCRIPTION))
                    .build(),
            )
            .full_description(
                MultiformatMessageString::builder()
                    .text(truncate(&full, MAX_DESCRIPTION))
                    .build(),
            )
            .help(help)
            .default_configuration(ReportingConfiguration::builder().level(level).build())
            .properties(properties)
            .build()
    }
}

/// `api-no-db-writes` → `ApiNoDbWrites`, SARIF's convention for names.
fn pascal_case(name: &str) -> String {
    name.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(|word| {
            let mut chars = word.chars();
            let first = chars.next().map(|c| c.to_ascii_uppercase());
            first.into_iter().chain(chars).collect::<String>()
        })
        .collect()
}

/// At most `max` characters, cut at a character boundary with an ellipsis.
fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(max - 1).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity(path: &str) -> Identity {
        Identity {
            path: path.into(),
            rule: "layers".into(),
            scope: "<module>".into(),
            subject: "app.db".into(),
        }
    }

    #[test]
    fn fingerprints_differ_by_identity_and_occurrence() {
        let a = fingerprint(&identity("a.py"), 0);
        assert_eq!(a.len(), 32);
        assert_eq!(a, fingerprint(&identity("a.py"), 0));
        assert_ne!(a, fingerprint(&identity("a.py"), 1));
        assert_ne!(a, fingerprint(&identity("b.py"), 0));
    }

    #[test]
    fn fingerprint_parts_cannot_run_into_each_other() {
        let mut shifted = identity("a.py");
        shifted.scope = "<module>app".into();
        shifted.subject = ".db".into();
        assert_ne!(fingerprint(&identity("a.py"), 0), fingerprint(&shifted, 0));
    }

    #[test]
    fn paths_are_percent_encoded_per_segment() {
        assert_eq!(
            percent_encode_path("src/my model/ü.py"),
            "src/my%20model/%C3%BC.py"
        );
        assert_eq!(percent_encode_path("a/b_c-d.e~f.py"), "a/b_c-d.e~f.py");
    }

    #[test]
    fn names_are_pascal_case_and_descriptions_bounded() {
        assert_eq!(pascal_case("api-no-db-writes"), "ApiNoDbWrites");
        assert_eq!(pascal_case("layers"), "Layers");
        let long = "é".repeat(2_000);
        assert_eq!(
            truncate(&long, MAX_DESCRIPTION).chars().count(),
            MAX_DESCRIPTION
        );
        assert_eq!(truncate("short", MAX_DESCRIPTION), "short");
    }
}
