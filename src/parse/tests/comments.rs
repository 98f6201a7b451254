//! Comments: the header block and `# gate: ignore[...]`.

use super::{facts, span};
use crate::span::Position;

#[test]
fn header_is_the_leading_comment_block_with_blank_lines_between() {
    let source = "\
#!/usr/bin/env python
# -*- coding: utf-8 -*-

  # Layer: api
\"\"\"Docstring.\"\"\"
# not header
import a
";
    let header: Vec<_> = facts(source)
        .header
        .into_iter()
        .map(|h| (h.line, h.text))
        .collect();
    assert_eq!(
        header,
        vec![
            (1, "#!/usr/bin/env python".to_string()),
            (2, "# -*- coding: utf-8 -*-".to_string()),
            (4, "  # Layer: api".to_string()),
        ]
    );
    assert!(facts("import a\n# later\n").header.is_empty());
}

#[test]
fn header_lines_split_at_crlf_without_the_terminator() {
    let header = facts("# a\r\n# b\r\nimport x\r\n").header;
    assert_eq!(header[1].line, 2);
    assert_eq!(header[1].text, "# b");
}

// Ignores

#[test]
fn ignore_comments_list_their_rules() {
    let source = "\
import a  # gate: ignore[rule-a, rule-b]
# gate: ignore[rule-c]
import b
x = 1  #gate:ignore [ spaced ,  ]
";
    let ignores: Vec<_> = facts(source)
        .ignores
        .into_iter()
        .map(|i| (i.rules, i.span.start.line, i.own_line))
        .collect();
    let rules = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
    assert_eq!(
        ignores,
        vec![
            (rules(&["rule-a", "rule-b"]), 1, false),
            (rules(&["rule-c"]), 2, true),
            (rules(&["spaced"]), 4, false),
        ]
    );
}

#[test]
fn ignore_span_covers_the_directive() {
    let ignore = &facts("import a  # gate: ignore[x]\n").ignores[0];
    assert_eq!(ignore.span, span(1, 11, 1, 28));
}

#[test]
fn bare_ignore_has_no_rules() {
    let ignores = facts("import a  # gate: ignore\n").ignores;
    assert_eq!(ignores.len(), 1);
    assert!(ignores[0].rules.is_empty());
}

#[test]
fn ignore_may_follow_other_comment_text() {
    let ignores = facts("import a  # noqa: F401  # gate: ignore[x]\n").ignores;
    assert_eq!(ignores[0].rules, ["x"]);
    assert_eq!(ignores[0].span.start.column, 25);
}

#[test]
fn ignore_text_inside_a_string_or_other_words_is_not_an_ignore() {
    let source = "\
s = '# gate: ignore[x]'
t = '''
# gate: ignore[y]
'''
# gate: ignored
# gate: ignore[unterminated
";
    assert!(facts(source).ignores.is_empty());
}

#[test]
fn indented_ignore_with_tabs_is_on_its_own_line() {
    let ignores = facts("def f():\n\t# gate: ignore[x]\n\tpass\n").ignores;
    assert!(ignores[0].own_line);
    assert_eq!(ignores[0].span.start, Position { line: 2, column: 2 });
}
