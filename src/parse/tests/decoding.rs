//! Decoding, lines and columns, and syntax errors.

use super::{call, facts, imports, span};
use crate::facts::FileFacts;
use crate::parse::parse_file;
use crate::span::Span;

#[test]
fn invalid_utf8_yields_one_syntax_error_at_its_line_and_nothing_else() {
    let mut bytes = b"import a\r\nimport b\n".to_vec();
    bytes.push(0xff);
    bytes.extend_from_slice(b"\nimport c\n");
    let facts = parse_file(&bytes);
    assert_eq!(facts.syntax_errors.len(), 1);
    let error = &facts.syntax_errors[0];
    assert_eq!(
        error.message,
        "file is not valid UTF-8: invalid byte 0xff at byte offset 19"
    );
    assert_eq!(error.span, Span::line_start(3));
    assert_eq!(
        facts,
        FileFacts {
            syntax_errors: facts.syntax_errors.clone(),
            ..FileFacts::default()
        }
    );
}

#[test]
fn invalid_utf8_offset_counts_the_bom() {
    let facts = parse_file(b"\xEF\xBB\xBFx = 1\n\xc3");
    assert_eq!(
        facts.syntax_errors[0].message,
        "file is not valid UTF-8: invalid byte 0xc3 at byte offset 9"
    );
    assert_eq!(facts.syntax_errors[0].span.start.line, 2);
}

#[test]
fn empty_and_bom_only_files_have_no_lines_and_no_errors() {
    assert_eq!(parse_file(b""), FileFacts::default());
    assert_eq!(parse_file(b"\xEF\xBB\xBF"), FileFacts::default());
}

#[test]
fn bom_is_not_a_column() {
    let facts = parse_file(b"\xEF\xBB\xBFimport a\n");
    assert_eq!(facts.imports[0].span, span(1, 8, 1, 9));
    assert_eq!(facts.line_count, 1);
}

#[test]
fn line_count_ignores_a_final_line_break() {
    assert_eq!(facts("a\n").line_count, 1);
    assert_eq!(facts("a").line_count, 1);
    assert_eq!(facts("a\n\nb").line_count, 3);
    assert_eq!(facts("\n\n").line_count, 2);
    assert_eq!(facts("a\r\nb\r\n").line_count, 2);
    assert_eq!(facts("a\rb\r").line_count, 2);
}

#[test]
fn crlf_and_lone_cr_line_endings_give_the_right_lines() {
    let lines =
        |source: &str| -> Vec<u32> { imports(source).iter().map(|i| i.span.start.line).collect() };
    assert_eq!(lines("import a\r\n\r\nimport b\r\n"), [1, 3]);
    assert_eq!(lines("import a\r\rimport b\r"), [1, 3]);
}

#[test]
fn columns_count_code_points_with_tabs_and_multibyte_characters() {
    let source = "if x:\n\tname = 'é€😀'; f(1)\n";
    let f = call(source, "f");
    assert_eq!(f.span, span(2, 16, 2, 20));
}

// Syntax errors

#[test]
fn syntax_errors_are_reported_and_the_recovered_imports_kept() {
    let facts = facts("import a\ndef broken(:\n    pass\nfrom b import c\n");
    assert!(!facts.syntax_errors.is_empty());
    let error = &facts.syntax_errors[0];
    assert_eq!(error.span.start.line, 2);
    assert!(!error.message.contains("byte range"), "{}", error.message);
    let modules: Vec<_> = facts.imports.iter().map(|i| &*i.module).collect();
    assert_eq!(modules, ["a", "b"]);
}

#[test]
fn incomplete_imports_recovered_by_the_parser_are_dropped() {
    let facts = facts("import\nfrom x import\nfrom import y\nimport ok\n");
    assert!(!facts.syntax_errors.is_empty());
    let modules: Vec<_> = facts.imports.iter().map(|i| &*i.module).collect();
    assert_eq!(modules, ["ok"]);
}

#[test]
fn version_dependent_syntax_is_not_an_error() {
    let facts = facts("match x:\n    case 1:\n        pass\ntype A = int\n");
    assert!(facts.syntax_errors.is_empty());
}

#[test]
fn columns_stay_exact_on_long_non_ascii_lines() {
    let source = format!("x = '{}'; f()\n", "é".repeat(100));
    assert_eq!(call(&source, "f").span, span(1, 109, 1, 112));
}

#[test]
fn columns_stay_exact_far_into_non_ascii_lines() {
    // Hundreds of bytes into a line, columns come from the checkpoints.
    let source = format!(
        "x = '{}'; f()\n# é\ny = '{}'; g()\n",
        "é".repeat(300),
        "a".repeat(700)
    );
    assert_eq!(call(&source, "f").span, span(1, 309, 1, 312));
    assert_eq!(call(&source, "g").span, span(3, 709, 3, 712));
}

#[test]
fn a_span_ending_the_text_at_a_block_boundary_is_located() {
    let source = format!("# é\nf({})", "a".repeat(56));
    assert_eq!(source.len(), 64);
    assert_eq!(call(&source, "f").span, span(2, 1, 2, 60));
}

#[test]
fn syntax_the_target_python_cannot_parse_is_a_syntax_error() {
    use crate::facts::FactSet;
    use crate::parse::{NEWEST_PYTHON, parse_file_for};
    let source =
        b"try:\n    pass\nexcept* ValueError:\n    pass\nmatch x:\n    case _:\n        pass\n";
    let messages = |target| {
        parse_file_for(source, target, FactSet::ALL)
            .syntax_errors
            .into_iter()
            .map(|error| (error.span.start.line, error.message))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        messages((3, 9)),
        [
            (
                3,
                "Cannot use `except*` on Python 3.9 (syntax was added in Python 3.11)".to_string()
            ),
            (
                5,
                "Cannot use `match` statement on Python 3.9 (syntax was added in Python 3.10)"
                    .to_string()
            ),
        ]
    );
    assert_eq!(messages((3, 11)), []);
    assert_eq!(messages(NEWEST_PYTHON), []);
    // The newest target accepts everything the parser knows, `lazy import` too.
    assert!(parse_file(b"lazy import json\n").syntax_errors.is_empty());
}

/// Files with and without PEP 263 declarations, and whether CPython compiles
/// them (cross-checked below with `python3` when there is one).
const DECLARED: &[(&str, &[u8], bool)] = &[
    (
        "latin-1",
        b"# -*- coding: latin-1 -*-\nimport os\nname = '\xe9t\xe9'\n",
        true,
    ),
    (
        "iso-8859-1 after a shebang",
        b"#!/usr/bin/env python\n# coding=iso-8859-1\nimport os\nx = '\xff'\n",
        true,
    ),
    (
        "cp1252",
        b"# vim: set fileencoding=cp1252 :\nimport os\nx = '\x80'\n",
        true,
    ),
    (
        "shift_jis",
        b"# coding: shift_jis\nimport os\nx = '\x82\xa0'\n",
        true,
    ),
    (
        "ascii with a non-ASCII byte",
        b"# coding: ascii\nimport os\nx = '\xe9'\n",
        false,
    ),
    (
        "utf-8 declared, latin-1 bytes",
        b"# coding: utf-8\nimport os\nx = '\xe9'\n",
        false,
    ),
    ("unknown encoding", b"# coding: klingon\nimport os\n", false),
    (
        "declaration after code",
        b"import os\n# coding: latin-1\nx = '\xe9'\n",
        false,
    ),
    (
        "declaration on line 3",
        b"#\n#\n# coding: latin-1\nx = '\xe9'\n",
        false,
    ),
    (
        "BOM with latin-1",
        b"\xef\xbb\xbf# coding: latin-1\nimport os\n",
        false,
    ),
    (
        "BOM with utf-8",
        b"\xef\xbb\xbf# coding: utf-8\nimport os\n",
        true,
    ),
    (
        "euc-jp, invalid",
        b"# coding: euc-jp\nx = '\xff\xff'\n",
        false,
    ),
];

fn decodes(bytes: &[u8]) -> bool {
    parse_file(bytes).syntax_errors.is_empty()
}

#[test]
fn coding_declarations_decode_as_cpython_does() {
    for (name, bytes, compiles) in DECLARED {
        assert_eq!(decodes(bytes), *compiles, "{name}");
    }
    let facts = parse_file(DECLARED[0].1);
    assert_eq!(&*facts.imports[0].module, "os");
    assert_eq!(
        parse_file(b"# coding: ascii\nimport os\nx = '\xe9'\n").syntax_errors[0].message,
        "file is not valid `ascii` (its coding declaration): invalid byte 0xe9 at byte offset 31"
    );
    assert_eq!(
        parse_file(b"# coding: ascii\nimport os\nx = '\xe9'\n").syntax_errors[0].span,
        Span::line_start(3)
    );
    assert_eq!(
        parse_file(b"\n# coding: klingon\n").syntax_errors[0],
        crate::facts::SyntaxError {
            message: "unknown encoding `klingon` in the coding declaration".to_string(),
            span: Span::line_start(2),
        }
    );
}

#[test]
fn coding_declarations_agree_with_python3() {
    let dir = tempfile::tempdir().unwrap();
    for (index, (name, bytes, _)) in DECLARED.iter().enumerate() {
        let path = dir.path().join(format!("case{index}.py"));
        std::fs::write(&path, bytes).unwrap();
        let Ok(status) = std::process::Command::new("python3")
            .args([
                "-c",
                "import sys; f = sys.argv[1]; compile(open(f, 'rb').read(), f, 'exec')",
            ])
            .arg(&path)
            .stderr(std::process::Stdio::null())
            .status()
        else {
            eprintln!("no python3: cross-check skipped");
            return;
        };
        assert_eq!(decodes(bytes), status.success(), "{name}");
    }
}
