//! Module statements: what runs at import time.

use super::statements;
use crate::facts::StatementKind;

#[test]
fn module_statements_have_kinds_and_callees() {
    let source = "\
import a
from b import c
x = make()
y: int = other.make()
z += more()
w = 1
init_db()
'''not a call'''
def f():
    g()
class C:
    h()
";
    let kinds: Vec<_> = statements(source)
        .into_iter()
        .map(|s| (s.kind, s.callee))
        .collect();
    let expected = [
        (StatementKind::Import, None),
        (StatementKind::Import, None),
        (StatementKind::AssignCall, Some("make")),
        (StatementKind::AssignCall, Some("other.make")),
        (StatementKind::AssignCall, Some("more")),
        (StatementKind::Assign, None),
        (StatementKind::Call, Some("init_db")),
        (StatementKind::Other, None),
        (StatementKind::Def, None),
        (StatementKind::Class, None),
    ];
    assert_eq!(kinds, expected.map(|(k, c)| (k, c.map(str::to_string))));
}

#[test]
fn awaited_module_calls_are_call_statements() {
    let kinds: Vec<_> = statements("await start()\nx = await connect()\n")
        .into_iter()
        .map(|s| (s.kind, s.callee))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (StatementKind::Call, Some("start".to_string())),
            (StatementKind::AssignCall, Some("connect".to_string()))
        ]
    );
}

#[test]
fn module_statements_include_those_nested_in_top_level_blocks() {
    let source = "\
try:
    setup()
except E:
    pass
with x:
    for i in y:
        go()
";
    let kinds: Vec<_> = statements(source)
        .into_iter()
        .map(|s| (s.kind, s.callee, s.span.start.line))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (StatementKind::Other, None, 1),
            (StatementKind::Call, Some("setup".to_string()), 2),
            (StatementKind::Other, None, 4),
            (StatementKind::Other, None, 5),
            (StatementKind::Other, None, 6),
            (StatementKind::Call, Some("go".to_string()), 7),
        ]
    );
}

#[test]
fn main_guard_marks_its_body_in_either_operand_order() {
    let source = "\
if __name__ == '__main__':
    main()
else:
    other()
if '__main__' == __name__:
    if x:
        run()
if __name__ != '__main__':
    not_main()
";
    let guarded: Vec<_> = statements(source)
        .into_iter()
        .filter_map(|s| s.callee.map(|c| (c, s.main_guard)))
        .collect();
    let expected = [
        ("main", true),
        ("other", false),
        ("run", true),
        ("not_main", false),
    ];
    assert_eq!(guarded, expected.map(|(c, g)| (c.to_string(), g)));
}

#[test]
fn module_statements_under_type_checking_are_marked() {
    let marks: Vec<_> = statements("if TYPE_CHECKING:\n    import a\nimport b\n")
        .into_iter()
        .map(|s| s.type_checking)
        .collect();
    assert_eq!(marks, [false, true, false]);
}

#[test]
fn default_values_of_a_module_level_def_are_header_calls() {
    let source = "\
def f(a=first(), /, b=second(x()), *args, c=third(), **kw):
    inside()
class C:
    def m(self, d=method_default()):
        pass
";
    let kinds: Vec<_> = statements(source)
        .into_iter()
        .map(|s| (s.kind, s.callee))
        .collect();
    let expected = [
        (StatementKind::Def, None),
        (StatementKind::HeaderCall, Some("first")),
        (StatementKind::HeaderCall, Some("second")),
        (StatementKind::HeaderCall, Some("third")),
        (StatementKind::Class, None),
    ];
    assert_eq!(kinds, expected.map(|(k, c)| (k, c.map(str::to_string))));
}

#[test]
fn all_names_are_read_from_literal_bindings_only() {
    let names = |source: &str| super::facts(source).exported_names;
    let list = |names: &[&str]| Some(names.iter().map(|n| n.to_string()).collect::<Vec<_>>());
    assert_eq!(names("x = 1\n"), None);
    assert_eq!(names("__all__ = ['a', 'b']\n"), list(&["a", "b"]));
    assert_eq!(
        names(
            "__all__: list[str] = ('a',)\n__all__ += ['b']\n__all__.extend(['c'])\n__all__.append('d')\n"
        ),
        list(&["a", "b", "c", "d"])
    );
    assert_eq!(names("if X:\n    __all__ = ['a']\n"), list(&["a"]));
    assert_eq!(names("__all__ = base.__all__ + ['a']\n"), None);
    assert_eq!(
        names("__all__ = ['a']\n__all__ += other\n__all__ += ['b']\n"),
        None
    );
    assert_eq!(names("__all__ = [name]\n"), None);
    assert_eq!(names("__all__ += ['a']\n"), None);
    assert_eq!(names("__all__ = x = ['a']\n"), None);
    assert_eq!(names("__all__ = ['a']\ndel __all__\n"), None);
    // Only module-level statements bind the module's `__all__`.
    assert_eq!(names("def f():\n    __all__ = ['a']\n"), None);
    assert_eq!(names("__all__ = ['a']\n__all__.sort()\n"), None);
}
