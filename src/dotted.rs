//! Splitting dotted names (`app.models.user`, `session.add`) at their dots.
//!
//! Every rule splits module names and callees, once per import or call of
//! the project. `str::split_once('.')` goes through the general character
//! searcher, which costs more than the whole split on names this short; a
//! plain byte scan is exact, since `.` never occurs inside a multi-byte
//! UTF-8 sequence.

/// `("app", "models.user")` for `app.models.user`; `None` without a dot.
pub fn split_first(name: &str) -> Option<(&str, &str)> {
    let dot = name.bytes().position(|byte| byte == b'.')?;
    Some((&name[..dot], &name[dot + 1..]))
}

/// `("app", Some("models.user"))` for `app.models.user`, `("app", None)`
/// for `app`.
pub fn first_and_rest(name: &str) -> (&str, Option<&str>) {
    match split_first(name) {
        Some((first, rest)) => (first, Some(rest)),
        None => (name, None),
    }
}

/// `("app.models", "user")` for `app.models.user`; `None` without a dot.
pub fn split_last(name: &str) -> Option<(&str, &str)> {
    let dot = name.bytes().rposition(|byte| byte == b'.')?;
    Some((&name[..dot], &name[dot + 1..]))
}

/// `user` for `app.models.user`, the name itself without a dot.
pub fn last_segment(name: &str) -> &str {
    split_last(name).map_or(name, |(_, last)| last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_the_first_or_last_dot() {
        assert_eq!(split_first("app.models.user"), Some(("app", "models.user")));
        assert_eq!(split_last("app.models.user"), Some(("app.models", "user")));
        assert_eq!(split_first("app"), None);
        assert_eq!(split_last("app"), None);
        assert_eq!(split_last("a."), Some(("a", "")));
        assert_eq!(
            first_and_rest("app.models.user"),
            ("app", Some("models.user"))
        );
        assert_eq!(first_and_rest("app"), ("app", None));
        assert_eq!(last_segment("app.models.user"), "user");
        assert_eq!(last_segment("app"), "app");
        // Multi-byte characters around the dots stay whole.
        assert_eq!(split_first("café.thé"), Some(("café", "thé")));
        assert_eq!(split_last("café.thé"), Some(("café", "thé")));
    }
}
