//! Dotted module patterns: `app.api` matches `app.api` and every module below
//! it; `*` matches one segment; `**` matches any number of segments (zero
//! included); a segment with `*` inside (`acl_*`) is a glob on that segment.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    Literal(String),
    /// A glob inside one segment (`acl_*`) or `*` alone.
    Glob(String),
    /// `**`
    AnyDepth,
}

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

    /// Whether `module` is matched by the pattern or lies below a match.
    pub fn matches(&self, module: &str) -> bool {
        let parts: Vec<&str> = module.split('.').collect();
        self.matched_depth(&parts).is_some()
    }

    /// The number of leading segments of `parts` that the pattern matched
    /// (the shortest match), or `None`. Used to rank overlapping patterns: a
    /// longer match is more specific.
    pub fn matched_depth(&self, parts: &[&str]) -> Option<usize> {
        match_prefix(&self.segments, parts, 0)
    }

    /// How specific the pattern is: literal segments weigh most, globs less,
    /// `**` nothing. Breaks ties between layers that both match a module.
    pub fn specificity(&self) -> usize {
        self.segments
            .iter()
            .map(|s| match s {
                Segment::Literal(_) => 2,
                Segment::Glob(_) => 1,
                Segment::AnyDepth => 0,
            })
            .sum()
    }
}

fn match_prefix(segments: &[Segment], parts: &[&str], consumed: usize) -> Option<usize> {
    let Some((first, rest)) = segments.split_first() else {
        return Some(consumed);
    };
    match first {
        Segment::AnyDepth => {
            (0..=parts.len()).find_map(|skip| match_prefix(rest, &parts[skip..], consumed + skip))
        }
        Segment::Literal(literal) => {
            let (part, remaining) = parts.split_first()?;
            (part == literal)
                .then(|| match_prefix(rest, remaining, consumed + 1))
                .flatten()
        }
        Segment::Glob(glob) => {
            let (part, remaining) = parts.split_first()?;
            glob_matches(glob, part)
                .then(|| match_prefix(rest, remaining, consumed + 1))
                .flatten()
        }
    }
}

/// `*` any run of characters, `?` one character.
pub(crate) fn glob_matches(glob: &str, text: &str) -> bool {
    fn go(glob: &[char], text: &[char]) -> bool {
        match glob.split_first() {
            None => text.is_empty(),
            Some(('*', rest)) => (0..=text.len()).any(|skip| go(rest, &text[skip..])),
            Some(('?', rest)) => !text.is_empty() && go(rest, &text[1..]),
            Some((c, rest)) => text.first() == Some(c) && go(rest, &text[1..]),
        }
    }
    let glob: Vec<char> = glob.chars().collect();
    let text: Vec<char> = text.chars().collect();
    go(&glob, &text)
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
