//! "Did you mean ...?": the closest valid word to a misspelled one, for
//! config keys, rule kinds and the rule names in ignore comments alike.

/// The candidate closest to `word`, when it is close enough to be what was
/// meant: the same word spelled with `_` or another case, or a near miss.
pub fn closest<'c>(word: &str, candidates: &[&'c str]) -> Option<&'c str> {
    let normalized = word.to_lowercase().replace('_', "-");
    if let Some(same) = candidates.iter().find(|c| **c == normalized) {
        return Some(same);
    }
    candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(&normalized, c), *c))
        // Below this, suggestions stop looking like typos (`in` → `include`).
        .filter(|(score, _)| *score >= 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// ``did you mean `x`?`` when a candidate is close to `word`.
pub fn did_you_mean(word: &str, candidates: &[&str]) -> Option<String> {
    closest(word, candidates).map(|c| format!("did you mean `{c}`?"))
}

/// ``did you mean `x`?``, or else the list of what is accepted.
pub fn suggest_or_list(word: &str, candidates: &[&str], what: &str) -> String {
    did_you_mean(word, candidates).unwrap_or_else(|| format!("{what}: {}", backticked(candidates)))
}

/// `` `a`, `b` or `c` ``.
pub fn one_of(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [only] => format!("`{only}`"),
        [rest @ .., last] => format!("{} or `{last}`", backticked(rest)),
    }
}

/// `` `a`, `b`, `c` ``.
pub fn backticked(words: &[&str]) -> String {
    words
        .iter()
        .map(|w| format!("`{w}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_catch_typos_and_spelling_but_not_strangers() {
        let keys = ["roots", "include", "exclude", "baseline"];
        assert_eq!(closest("rots", &keys), Some("roots"));
        assert_eq!(closest("Excludes", &keys), Some("exclude"));
        assert_eq!(closest("in", &keys), None);
        assert_eq!(
            closest("may_import", &["name", "may-import"]),
            Some("may-import")
        );
    }
}
