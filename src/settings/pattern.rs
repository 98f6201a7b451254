//! Dotted module patterns: `app.api` matches `app.api` and every module below
//! it; `*` matches one segment; `**` matches any number of segments (zero
//! included); a segment with `*` inside (`acl_*`) is a glob on that segment.
//!
//! Captures: a whole segment `{name}` matches one segment and binds it to
//! `name`; matched under bindings (see [`ModulePattern::matches_with`]),
//! `{name}` must equal the bound segment and `{!name}` must differ from it.
//! Only the import rules' `from` / `to` accept them; whoever parses other
//! keys refuses patterns with [`ModulePattern::has_captures`].

use std::fmt;

use crate::dotted;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    Literal(String),
    /// A glob inside one segment (`acl_*`) or `*` alone.
    Glob(String),
    /// `**`
    AnyDepth,
    /// `{name}`, or `{!name}` when `negated`.
    Capture {
        name: String,
        negated: bool,
    },
}

/// The segments that captures bound: `(name, segment)`, in pattern order.
pub type Bindings<'a> = Vec<(&'a str, &'a str)>;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModulePattern {
    text: String,
    segments: Vec<Segment>,
}

/// Why a module pattern was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatternError {
    pub pattern: String,
    pub reason: String,
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid module pattern `{}`: {}",
            self.pattern, self.reason
        )
    }
}

impl ModulePattern {
    pub fn parse(text: &str) -> Result<Self, PatternError> {
        let error = |reason: &str| PatternError {
            pattern: text.to_string(),
            reason: reason.to_string(),
        };
        if text.is_empty() {
            return Err(error("it is empty"));
        }
        if text.contains('/') || text.ends_with(".py") {
            return Err(error(
                "module patterns are dotted names (`app.api`); use `paths` for file globs",
            ));
        }
        let mut segments = Vec::new();
        for part in text.split('.') {
            let segment = match part {
                "" => {
                    return Err(error(
                        "it has an empty segment (two dots in a row, or a leading or trailing dot)",
                    ));
                }
                "**" => Segment::AnyDepth,
                _ if part.contains(['{', '}']) => parse_capture(part).ok_or_else(|| {
                    error(&format!(
                        "segment `{part}` is not a capture: write `{{name}}` or `{{!name}}` \
                         as a whole segment, with a Python identifier as the name"
                    ))
                })?,
                _ if part.contains("**") => {
                    return Err(error("`**` must be a whole segment (`app.**.drivers`)"));
                }
                _ if !part
                    .chars()
                    .all(|c| c == '_' || c == '*' || c == '?' || c.is_alphanumeric()) =>
                {
                    return Err(error(&format!(
                        "segment `{part}` is not a Python identifier or a glob"
                    )));
                }
                _ if part.contains(['*', '?']) => Segment::Glob(part.to_string()),
                _ => Segment::Literal(part.to_string()),
            };
            segments.push(segment);
        }
        Ok(ModulePattern {
            text: text.to_string(),
            segments,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether `module` is matched by the pattern or lies below a match. A
    /// capture matches any one segment here (a repeated `{name}` the segment
    /// its first use bound).
    pub fn matches(&self, module: &str) -> bool {
        match_prefix(&self.segments, Some(module), 0, &[], &mut Vec::new()).is_some()
    }

    /// What the captures of the pattern bind when it matches `module` (the
    /// shortest match), or `None` when
    /// it does not match. Empty for a pattern without captures.
    pub fn captures<'a>(&'a self, module: &'a str) -> Option<Bindings<'a>> {
        let mut bindings = Vec::new();
        match_prefix(&self.segments, Some(module), 0, &[], &mut bindings)?;
        Some(bindings)
    }

    /// Whether `module` is matched under `bindings` (from another pattern's
    /// [`Self::captures`]): `{name}` must equal the segment bound to `name`
    /// and `{!name}` must differ from it; a name `bindings` lacks binds here
    /// like in [`Self::matches`].
    pub fn matches_with(&self, module: &str, bindings: &[(&str, &str)]) -> bool {
        self.matched_prefix_with(module, bindings).is_some()
    }

    /// The leading segments of `module` that the pattern matches under
    /// `bindings` (the shortest match, as in [`Self::matches_with`]): the
    /// package the pattern names, `app.legacy` for `app.legacy.db` and the
    /// pattern `app.legacy`.
    pub fn matched_prefix_with<'m>(
        &self,
        module: &'m str,
        bindings: &[(&str, &str)],
    ) -> Option<&'m str> {
        let depth = match_prefix(&self.segments, Some(module), 0, bindings, &mut Vec::new())?;
        // A pattern of `**` alone matches no segment: the prefix is empty.
        let Some(last) = depth.checked_sub(1) else {
            return Some(&module[..0]);
        };
        Some(match module.match_indices('.').nth(last) {
            Some((end, _)) => &module[..end],
            None => module,
        })
    }

    /// Whether the pattern has a `{name}` or `{!name}` segment.
    pub fn has_captures(&self) -> bool {
        self.captures_used().next().is_some()
    }

    /// The `(name, negated)` of each capture segment, in order.
    pub fn captures_used(&self) -> impl Iterator<Item = (&str, bool)> {
        self.segments.iter().filter_map(|segment| match segment {
            Segment::Capture { name, negated } => Some((name.as_str(), *negated)),
            _ => None,
        })
    }

    /// How specific the pattern is: literal segments weigh most, globs less,
    /// `**` nothing. Breaks ties between layers that both match a module.
    pub fn specificity(&self) -> usize {
        self.segments
            .iter()
            .map(|s| match s {
                Segment::Literal(_) => 2,
                Segment::Glob(_) | Segment::Capture { .. } => 1,
                Segment::AnyDepth => 0,
            })
            .sum()
    }
}

/// `{name}` or `{!name}`, the name a Python identifier.
fn parse_capture(part: &str) -> Option<Segment> {
    let inner = part.strip_prefix('{')?.strip_suffix('}')?;
    let (name, negated) = match inner.strip_prefix('!') {
        Some(name) => (name, true),
        None => (inner, false),
    };
    let mut chars = name.chars();
    let first = chars.next()?;
    let identifier =
        (first == '_' || first.is_alphabetic()) && chars.all(|c| c == '_' || c.is_alphanumeric());
    identifier.then(|| Segment::Capture {
        name: name.to_string(),
        negated,
    })
}

/// The length of the shortest match of `segments` at the start of `rest`,
/// the segments of a module not matched yet (`None` once all are). A capture
/// reads what `outer` (the caller's bindings) or `bound` (this match's own)
/// bound; a successful match leaves its own bindings pushed on `bound`, a
/// failed one leaves `bound` as it found it. Matching runs for every import
/// and every rule, so it walks the module's text rather than splitting it.
fn match_prefix<'a>(
    segments: &'a [Segment],
    rest: Option<&'a str>,
    consumed: usize,
    outer: &[(&str, &str)],
    bound: &mut Bindings<'a>,
) -> Option<usize> {
    let Some((first, segments)) = segments.split_first() else {
        return Some(consumed);
    };
    match first {
        Segment::AnyDepth => {
            let mut rest = rest;
            let mut skipped = 0;
            loop {
                let matched = match_prefix(segments, rest, consumed + skipped, outer, bound);
                if matched.is_some() {
                    return matched;
                }
                (_, rest) = dotted::first_and_rest(rest?);
                skipped += 1;
            }
        }
        segment => {
            let (part, remaining) = dotted::first_and_rest(rest?);
            let mark = bound.len();
            let matched = accepts(segment, part, outer, bound)
                .then(|| match_prefix(segments, remaining, consumed + 1, outer, bound))
                .flatten();
            if matched.is_none() {
                bound.truncate(mark);
            }
            matched
        }
    }
}

/// Whether `segment` matches the module segment `part`; an unbound capture
/// binds it on `bound`.
fn accepts<'a>(
    segment: &'a Segment,
    part: &'a str,
    outer: &[(&str, &str)],
    bound: &mut Bindings<'a>,
) -> bool {
    match segment {
        Segment::AnyDepth => true,
        Segment::Literal(literal) => part == literal,
        Segment::Glob(glob) => glob_matches(glob, part),
        Segment::Capture { name, negated } => {
            let value = bound
                .iter()
                .chain(outer)
                .find(|(bound, _)| *bound == name.as_str())
                .map(|(_, value)| *value);
            match value {
                Some(value) => (value == part) != *negated,
                // `{!name}` with nothing bound constrains nothing.
                None if *negated => true,
                None => {
                    bound.push((name, part));
                    true
                }
            }
        }
    }
}

/// `*` any run of characters, `?` one character.
pub(crate) fn glob_matches(glob: &str, text: &str) -> bool {
    // A byte scan: the char-set searcher of `str::contains` costs more than
    // the comparison on segments this short, and rules call this per call.
    if glob.bytes().any(|byte| byte == b'*' || byte == b'?') {
        wildcards_match(glob, text)
    } else {
        glob == text
    }
}

fn wildcards_match(glob: &str, text: &str) -> bool {
    let mut glob_chars = glob.chars();
    let mut text_chars = text.chars();
    match glob_chars.next() {
        None => text.is_empty(),
        Some('*') => {
            let glob = glob_chars.as_str();
            text.char_indices()
                .map(|(at, _)| at)
                .chain([text.len()])
                .any(|at| wildcards_match(glob, &text[at..]))
        }
        Some('?') => {
            text_chars.next().is_some() && wildcards_match(glob_chars.as_str(), text_chars.as_str())
        }
        Some(c) => {
            text_chars.next() == Some(c)
                && wildcards_match(glob_chars.as_str(), text_chars.as_str())
        }
    }
}

impl fmt::Display for ModulePattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, module: &str) -> bool {
        ModulePattern::parse(pattern).unwrap().matches(module)
    }

    #[test]
    fn literal_matches_itself_and_descendants_only() {
        assert!(matches("app.api", "app.api"));
        assert!(matches("app.api", "app.api.routes.users"));
        assert!(!matches("app.api", "app.apis"));
        assert!(!matches("app.api", "app"));
    }

    #[test]
    fn star_is_exactly_one_segment() {
        assert!(matches("acme.*.internal", "acme.crm.internal"));
        assert!(matches("acme.*.internal", "acme.crm.internal.db"));
        assert!(!matches("acme.*.internal", "acme.internal"));
        assert!(!matches("acme.*.internal", "acme.crm.sub.internal"));
    }

    #[test]
    fn double_star_is_any_depth_including_none() {
        assert!(matches("app.core.**.drivers", "app.core.drivers"));
        assert!(matches("app.core.**.drivers", "app.core.a.b.drivers.pg"));
        assert!(!matches("app.core.**.drivers", "app.core.a.b"));
    }

    #[test]
    fn glob_inside_a_segment() {
        assert!(matches("legacy.acl_*", "legacy.acl_billing"));
        assert!(!matches("legacy.acl_*", "legacy.billing"));
        assert!(matches("legacy.*_acl_*", "legacy.x_acl_"));
        assert!(!matches("legacy.*_acl_*", "legacy.x_acl"));
        // `?` is one character, not one byte.
        assert!(matches("legacy.caf?", "legacy.café"));
        assert!(!matches("legacy.caf?", "legacy.caf"));
        assert!(!matches("legacy.caf?", "legacy.cafés"));
    }

    fn captures(pattern: &ModulePattern, module: &str) -> Option<Vec<(String, String)>> {
        pattern.captures(module).map(|bindings| {
            bindings
                .into_iter()
                .map(|(name, value)| (name.to_string(), value.to_string()))
                .collect()
        })
    }

    fn bound(pairs: &[(&str, &str)]) -> Option<Vec<(String, String)>> {
        Some(
            pairs
                .iter()
                .map(|(name, value)| (name.to_string(), value.to_string()))
                .collect(),
        )
    }

    #[test]
    fn a_capture_matches_one_segment_anywhere_matches_is_used() {
        assert!(matches(
            "app.domains.{d}.drivers",
            "app.domains.crm.drivers.pg"
        ));
        assert!(matches("app.domains.{!d}", "app.domains.crm"));
        assert!(!matches("app.domains.{d}.drivers", "app.domains.drivers"));
        assert!(!matches(
            "app.domains.{d}.drivers",
            "app.domains.a.b.drivers"
        ));
    }

    #[test]
    fn captures_bind_the_segments_of_the_shortest_match() {
        let pattern = ModulePattern::parse("app.domains.{d}.drivers").unwrap();
        assert_eq!(
            captures(&pattern, "app.domains.billing.drivers.pg"),
            bound(&[("d", "billing")])
        );
        assert_eq!(captures(&pattern, "app.domains.billing.models"), None);
        let deep = ModulePattern::parse("app.**.{pkg}.api").unwrap();
        // `app.x.api.y.api`: the shortest match ends at the first `api`.
        assert_eq!(captures(&deep, "app.x.api.y.api"), bound(&[("pkg", "x")]));
        let two = ModulePattern::parse("{top}.*.{leaf}").unwrap();
        assert_eq!(
            captures(&two, "acme.crm.repo.sql"),
            bound(&[("top", "acme"), ("leaf", "repo")])
        );
        let plain = ModulePattern::parse("app.api").unwrap();
        assert_eq!(captures(&plain, "app.api.routes"), bound(&[]));
    }

    #[test]
    fn a_repeated_capture_must_repeat_its_segment() {
        let pattern = ModulePattern::parse("{a}.x.{a}").unwrap();
        assert!(pattern.matches("p.x.p.q"));
        assert!(!pattern.matches("p.x.q"));
    }

    #[test]
    fn under_bindings_a_capture_must_equal_and_a_negated_one_differ() {
        let same = ModulePattern::parse("app.domains.{d}").unwrap();
        let other = ModulePattern::parse("app.domains.{!d}").unwrap();
        let billing = [("d", "billing")];
        assert!(same.matches_with("app.domains.billing.models", &billing));
        assert!(!same.matches_with("app.domains.crm.models", &billing));
        assert!(other.matches_with("app.domains.crm.anything", &billing));
        assert!(!other.matches_with("app.domains.billing.models", &billing));
        assert!(!other.matches_with("app.domains", &billing));
        // A `**` before the capture tries each depth until the bindings hold.
        let deep = ModulePattern::parse("app.**.{!d}.api").unwrap();
        assert!(deep.matches_with("app.billing.crm.api", &billing));
        assert!(!deep.matches_with("app.billing.api", &billing));
        assert_eq!(
            other.matched_prefix_with("app.domains.crm.models.user", &billing),
            Some("app.domains.crm")
        );
        assert_eq!(
            same.matched_prefix_with("app.domains.billing", &billing),
            Some("app.domains.billing")
        );
        assert_eq!(
            other.matched_prefix_with("app.domains.billing.x", &billing),
            None
        );
        // A name the bindings lack binds like in `matches`.
        assert!(same.matches_with("app.domains.crm", &[("x", "y")]));
        let anything = ModulePattern::parse("**").unwrap();
        assert_eq!(anything.matched_prefix_with("app.x", &[]), Some(""));
    }

    #[test]
    fn captures_are_listed_and_weigh_like_globs() {
        let pattern = ModulePattern::parse("app.{d}.x.{!e}").unwrap();
        assert!(pattern.has_captures());
        assert_eq!(
            pattern.captures_used().collect::<Vec<_>>(),
            [("d", false), ("e", true)]
        );
        assert_eq!(pattern.specificity(), 2 + 1 + 2 + 1);
        assert!(!ModulePattern::parse("app.*.x").unwrap().has_captures());
    }

    #[test]
    fn malformed_captures_are_refused_with_a_reason() {
        for bad in [
            "app.{}",
            "app.{!}",
            "app.{d",
            "app.d}",
            "app.x{d}",
            "app.{1d}",
            "app.{d-e}",
            "app.{!!d}",
        ] {
            let error = ModulePattern::parse(bad).expect_err(bad);
            assert!(error.reason.contains("is not a capture"), "{bad}: {error}");
        }
        assert!(ModulePattern::parse("app.{_d2}.{!_d2}").is_ok());
    }

    #[test]
    fn bad_patterns_are_refused_with_a_reason() {
        for bad in ["", "app..api", ".app", "app/api", "app.a**", "app.api-v2"] {
            assert!(
                ModulePattern::parse(bad).is_err(),
                "{bad} should be refused"
            );
        }
    }
}
