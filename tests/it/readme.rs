//! The README's rule reference is the rustdoc of each rule file, which
//! `gate explain` prints: this test keeps the two the same. Run it with
//! `UPDATE_README=1` to rewrite the section after editing a rule's doc.

use archgate::rules::KINDS;

const START: &str = "<!-- rule reference: generated from src/rules/*.rs by tests/it/readme.rs -->";
const END: &str = "<!-- end of rule reference -->";

/// The reference section: one `###` heading per kind, its sections one
/// level down.
fn reference() -> String {
    let mut text = String::new();
    for doc in KINDS {
        text.push_str(&format!("\n### `{}`\n\n", doc.name()));
        for line in doc.documentation().lines() {
            match line.strip_prefix("## ") {
                Some(heading) => text.push_str(&format!("#### {heading}\n")),
                None => {
                    text.push_str(line);
                    text.push('\n');
                }
            }
        }
    }
    text.push('\n');
    text
}

#[test]
fn the_readme_rule_reference_matches_the_rule_docs() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let readme = std::fs::read_to_string(path).unwrap();
    let start = readme.find(START).expect("README has the start marker") + START.len();
    let end = readme.find(END).expect("README has the end marker");
    let expected = reference();
    if readme[start..end] == expected {
        return;
    }
    if std::env::var_os("UPDATE_README").is_some() {
        let updated = format!("{}{expected}{}", &readme[..start], &readme[end..]);
        std::fs::write(path, updated).unwrap();
        return;
    }
    panic!(
        "the rule reference in README.md is out of date: run `UPDATE_README=1 cargo test --test it readme`"
    );
}

/// The README's overview says which kinds need `in`: exactly those whose
/// doc lists `in` as required.
#[test]
fn the_readme_names_every_kind_that_requires_in() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let readme = std::fs::read_to_string(path).unwrap();
    let sentence_start = readme
        .find("without `in`, a rule looks at every")
        .expect("the README says what a rule without `in` looks at");
    let sentence = &readme[sentence_start..];
    let sentence = &sentence[..sentence.find(". ").unwrap_or(sentence.len())];
    for doc in KINDS {
        let requires_in = doc
            .documentation()
            .contains("- `in` (module patterns, required)");
        let named = sentence.contains(&format!("`{}`", doc.name()));
        assert_eq!(requires_in, named, "`{}` in: {sentence}", doc.name());
    }
}
