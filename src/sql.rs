//! SQL text as gate reads it: by its first word, the statement's keyword.
//! The parser keeps a wrapper call's string when it opens like SQL, and
//! `db-write` tells writes from reads by the same word.

/// First words of SQL that reads.
const READ: &[&str] = &["SELECT", "WITH", "VALUES"];

/// First words of SQL that writes rows.
pub const WRITE: &[&str] = &[
    "INSERT", "UPDATE", "DELETE", "MERGE", "REPLACE", "UPSERT", "TRUNCATE",
];

/// First words of SQL that changes the schema.
pub const SCHEMA: &[&str] = &[
    "CREATE", "ALTER", "DROP", "RENAME", "COMMENT", "GRANT", "REVOKE",
];

/// The first word of SQL text (ASCII letters, digits and `_`), after
/// whitespace and opening parentheses, and the text after it.
pub fn first_word(sql: &str) -> (&str, &str) {
    let sql = sql.trim_start_matches(|c: char| c.is_whitespace() || c == '(');
    let end = sql
        .find(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .unwrap_or(sql.len());
    sql.split_at(end)
}

/// Whether `word` is one of `keywords`, in any case.
pub fn is_one_of(word: &str, keywords: &[&str]) -> bool {
    keywords
        .iter()
        .any(|keyword| keyword.eq_ignore_ascii_case(word))
}

/// Whether `text` opens like an SQL statement: its first word is a keyword
/// that reads, writes or changes the schema, followed by whitespace or the
/// end.
pub fn opens_a_statement(text: &str) -> bool {
    let (word, rest) = first_word(text);
    (rest.is_empty() || rest.starts_with(char::is_whitespace))
        && [READ, WRITE, SCHEMA]
            .iter()
            .any(|keywords| is_one_of(word, keywords))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_statement_opens_with_a_keyword_and_a_space_or_the_end() {
        for text in [
            "SELECT 1",
            "  (update t",
            "INSERT",
            "with x as",
            "drop\ttable",
        ] {
            assert!(opens_a_statement(text), "{text:?}");
        }
        for text in [
            "UPDATE_AT",
            "Updated",
            "update(",
            "INSERT1",
            "",
            "-- DELETE",
            "é",
        ] {
            assert!(!opens_a_statement(text), "{text:?}");
        }
    }
}
