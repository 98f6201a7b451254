//! Dotted name patterns for callees (`datetime.datetime.now`, `uuid.uuid4`,
//! `*.with_for_update`, `TypeVar`), matched against a call's qualified name
//! (resolved through the file's imports) and against the name as written.
//!
//! - A pattern without a dot names the last segment: `connect` matches
//!   `sqlite3.connect` and `engine.connect`.
//! - A leading `*` segment stands for any receiver, however long, and also
//!   for one that is not a name (`select(T).with_for_update()`).
//! - Any other `*` segment is exactly one segment; `*`/`?` inside a segment
//!   glob on that segment (`get_*`).

use std::fmt;

use rustc_hash::FxHashMap;

use super::pattern::{PatternError, glob_matches};
use crate::dotted;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamePattern {
    text: String,
    /// The segments after a leading `*`, or all of them.
    segments: Vec<String>,
    any_receiver: bool,
}

impl NamePattern {
    pub fn parse(text: &str) -> Result<Self, PatternError> {
        let error = |reason: &str| PatternError {
            pattern: text.to_string(),
            reason: reason.to_string(),
        };
        let parts: Vec<&str> = text.split('.').collect();
        if let Some(part) = parts.iter().find(|part| {
            part.is_empty()
                || !part
                    .chars()
                    .all(|c| c == '_' || c == '*' || c == '?' || c.is_alphanumeric())
        }) {
            return Err(if part.is_empty() {
                error("it has an empty segment (two dots in a row, or a leading or trailing dot)")
            } else {
                error(&format!(
                    "segment `{part}` is not a Python identifier or a glob"
                ))
            });
        }
        let any_receiver = parts.len() > 1 && parts[0] == "*";
        let segments = parts[usize::from(any_receiver)..]
            .iter()
            .map(|part| part.to_string())
            .collect();
        Ok(NamePattern {
            text: text.to_string(),
            segments,
            any_receiver,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether the dotted `name` (`sqlalchemy.create_engine`) matches.
    /// Called for every call of a project: it allocates nothing.
    pub fn matches(&self, name: &str) -> bool {
        let parts = name.bytes().filter(|&byte| byte == b'.').count() + 1;
        let tail = self.segments.len();
        let count_fits = if self.any_receiver || tail == 1 {
            // The pattern names the tail; a leading `*` needs a receiver.
            parts >= tail + usize::from(self.any_receiver)
        } else {
            parts == tail
        };
        count_fits
            && name
                .rsplit('.')
                .zip(self.segments.iter().rev())
                .all(|(part, segment)| glob_matches(segment, part))
    }

    /// Whether a call of method `method` on a receiver that is not a name
    /// (`select(T).with_for_update()`) matches.
    pub fn matches_method_of_expression(&self, method: &str) -> bool {
        (self.any_receiver || self.segments.len() == 1) && self.matches_parts(&[method])
    }

    fn matches_parts(&self, parts: &[&str]) -> bool {
        self.segments.len() == parts.len()
            && self
                .segments
                .iter()
                .zip(parts)
                .all(|(segment, part)| glob_matches(segment, part))
    }
}

/// Name patterns matched against many names (every module-level call of a
/// project against dozens of allowed callees): a name is tried only
/// against the patterns whose last segment can match its own, the literal
/// ones found by hashing it.
#[derive(Clone, Debug, Default)]
pub struct NamePatterns {
    patterns: Vec<NamePattern>,
    /// The patterns whose last segment is a plain name, by that name.
    by_last_segment: FxHashMap<String, Vec<usize>>,
    /// The patterns whose last segment holds `*` or `?`.
    globbed: Vec<usize>,
}

impl NamePatterns {
    pub fn new(patterns: Vec<NamePattern>) -> Self {
        let mut by_last_segment: FxHashMap<String, Vec<usize>> = FxHashMap::default();
        let mut globbed = Vec::new();
        for (index, pattern) in patterns.iter().enumerate() {
            match pattern.segments.last() {
                Some(last) if !last.contains(['*', '?']) => {
                    by_last_segment.entry(last.clone()).or_default().push(index);
                }
                _ => globbed.push(index),
            }
        }
        NamePatterns {
            patterns,
            by_last_segment,
            globbed,
        }
    }

    /// Whether a pattern matches the dotted `name`, as
    /// [`NamePattern::matches`] would for one of them.
    pub fn matches(&self, name: &str) -> bool {
        self.first_match(&[name]).is_some()
    }

    /// The first pattern, in their order, that matches one of `names`.
    pub fn first_match(&self, names: &[&str]) -> Option<&NamePattern> {
        names
            .iter()
            .filter_map(|name| {
                self.candidates(dotted::last_segment(name))
                    .find(|&index| self.patterns[index].matches(name))
            })
            .min()
            .map(|index| &self.patterns[index])
    }

    /// Whether a name ending in `last` may match: a cheap test before
    /// resolving a callee through the imports, which keep its last segment.
    pub fn may_match_last_segment(&self, last: &str) -> bool {
        self.by_last_segment.contains_key(last)
            || self.globbed.iter().any(|&index| {
                let pattern = &self.patterns[index];
                pattern
                    .segments
                    .last()
                    .is_some_and(|segment| glob_matches(segment, last))
            })
    }

    /// The patterns that may match a name ending in `last`, in order.
    fn candidates(&self, last: &str) -> impl Iterator<Item = usize> + '_ {
        let literal = self
            .by_last_segment
            .get(last)
            .map_or(&[][..], Vec::as_slice);
        // Both lists are in pattern order: merged, they stay so.
        let mut literal = literal.iter().copied().peekable();
        let mut globbed = self.globbed.iter().copied().peekable();
        std::iter::from_fn(move || match (literal.peek(), globbed.peek()) {
            (Some(&a), Some(&b)) if a < b => literal.next(),
            (Some(_), Some(_)) | (None, Some(_)) => globbed.next(),
            (Some(_), None) => literal.next(),
            (None, None) => None,
        })
    }

    pub fn iter(&self) -> std::slice::Iter<'_, NamePattern> {
        self.patterns.iter()
    }
}

impl fmt::Display for NamePattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_matches_what_one_of_its_patterns_matches() {
        let texts = [
            "datetime.datetime.now",
            "*.with_for_update",
            "connect",
            "get_*",
            "a.*.c",
            "typing.TypeVar",
            "x?z",
            "*.objects.*",
            // After `get_*`, which matches the same names first.
            "models.get_user",
        ];
        let patterns: Vec<NamePattern> = texts
            .iter()
            .map(|text| NamePattern::parse(text).unwrap())
            .collect();
        let set = NamePatterns::new(patterns.clone());
        for name in [
            "datetime.datetime.now",
            "dt.now",
            "select.with_for_update",
            "with_for_update",
            "sqlite3.connect",
            "connect",
            "get_user",
            "models.get_user",
            "a.b.c",
            "a.b.d",
            "TypeVar",
            "typing.TypeVar",
            "xyz",
            "m.xyz",
            "Device.objects.create",
            "objects.create",
            "",
            "now",
        ] {
            let one_of = patterns.iter().any(|pattern| pattern.matches(name));
            assert_eq!(set.matches(name), one_of, "{name}");
            let first = patterns.iter().find(|pattern| pattern.matches(name));
            assert_eq!(set.first_match(&[name]), first, "{name}");
            let may = one_of.then(|| set.may_match_last_segment(dotted::last_segment(name)));
            assert_ne!(may, Some(false), "{name}");
        }
        // The first in pattern order over both names, whichever matched.
        assert_eq!(
            set.first_match(&["sqlite3.connect", "get_conn"])
                .map(NamePattern::as_str),
            Some("connect")
        );
        assert_eq!(
            set.first_match(&["get_conn", "sqlite3.connect"])
                .map(NamePattern::as_str),
            Some("connect")
        );
        // `*.objects.*` ends in a glob that takes any last segment.
        assert!(set.may_match_last_segment("execute"));
        let narrow = NamePatterns::new(vec![
            NamePattern::parse("connect").unwrap(),
            NamePattern::parse("db.get_*").unwrap(),
        ]);
        assert!(narrow.may_match_last_segment("connect"));
        assert!(narrow.may_match_last_segment("get_user"));
        assert!(!narrow.may_match_last_segment("execute"));
    }

    fn matches(pattern: &str, name: &str) -> bool {
        NamePattern::parse(pattern).unwrap().matches(name)
    }

    #[test]
    fn a_dotted_pattern_matches_the_whole_name() {
        assert!(matches("datetime.datetime.now", "datetime.datetime.now"));
        assert!(!matches(
            "datetime.datetime.now",
            "my.datetime.datetime.now"
        ));
        assert!(!matches("uuid.uuid4", "uuid.uuid4.hex"));
        assert!(matches("app.*.run", "app.jobs.run"));
        assert!(!matches("app.*.run", "app.jobs.daily.run"));
    }

    #[test]
    fn a_single_segment_names_the_last_segment() {
        assert!(matches("connect", "connect"));
        assert!(matches("connect", "sqlite3.connect"));
        assert!(!matches("connect", "sqlite3.connection"));
        assert!(matches("get_*", "os.get_terminal_size"));
    }

    #[test]
    fn a_leading_star_is_any_receiver_but_not_none() {
        let pattern = NamePattern::parse("*.with_for_update").unwrap();
        assert!(pattern.matches("query.with_for_update"));
        assert!(pattern.matches("self.query.with_for_update"));
        assert!(!pattern.matches("with_for_update"));
        assert!(pattern.matches_method_of_expression("with_for_update"));
        assert!(
            !NamePattern::parse("registry.execute")
                .unwrap()
                .matches_method_of_expression("execute")
        );
    }

    #[test]
    fn bad_patterns_are_refused() {
        for bad in ["", "a..b", ".a", "a.", "a-b", "a(b)"] {
            assert!(NamePattern::parse(bad).is_err(), "{bad} should be refused");
        }
    }
}
