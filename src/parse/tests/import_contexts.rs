//! Import contexts: function, class, `TYPE_CHECKING`, `try` and conditional blocks.

use super::{context_of, imports, type_checking};
use crate::facts::ImportContext;

#[test]
fn imports_in_def_and_lambda_are_in_function_but_class_bodies_are_not() {
    let source = "\
import a
def f():
    import b
class C:
    import c
    def m(self):
        import d
";
    let in_function: Vec<_> = imports(source)
        .iter()
        .map(|i| (i.module.clone(), i.context.in_function))
        .collect();
    let expected = [("a", false), ("b", true), ("c", false), ("d", true)];
    assert_eq!(in_function, expected.map(|(m, f)| (Box::from(m), f)));
}

#[test]
fn type_checking_body_is_type_only_and_not_conditional() {
    let source = "\
from typing import TYPE_CHECKING
if TYPE_CHECKING:
    import a
import b
";
    assert_eq!(
        context_of(source, "a"),
        ImportContext {
            type_checking: true,
            ..ImportContext::default()
        }
    );
    assert!(!type_checking(source, "b"));
}

#[test]
fn bare_type_checking_counts_without_an_import() {
    assert!(type_checking("if TYPE_CHECKING:\n    import a\n", "a"));
}

#[test]
fn typing_attribute_and_its_aliases_count_as_type_checking() {
    let source = "\
import typing
import typing as t
import typing_extensions as te
if typing.TYPE_CHECKING:
    import a
if t.TYPE_CHECKING:
    import b
if te.TYPE_CHECKING:
    import c
if typing_extensions.TYPE_CHECKING:
    import d
if other.TYPE_CHECKING:
    import e
";
    for module in ["a", "b", "c", "d"] {
        assert!(type_checking(source, module), "{module}");
    }
    assert!(!type_checking(source, "e"));
}

#[test]
fn aliased_type_checking_name_counts() {
    let source = "\
from typing_extensions import TYPE_CHECKING as TC
if TC:
    import a
if TYPE_CHECKING_OTHER:
    import b
";
    assert!(type_checking(source, "a"));
    assert!(!type_checking(source, "b"));
}

#[test]
fn elif_and_else_of_type_checking_run_at_run_time() {
    let source = "\
if TYPE_CHECKING:
    import a
elif sys.version_info > (3, 12):
    import b
else:
    import c
";
    assert!(type_checking(source, "a"));
    let b = context_of(source, "b");
    assert!(!b.type_checking && b.conditional);
    let c = context_of(source, "c");
    assert!(!c.type_checking && c.conditional);
}

#[test]
fn else_of_type_checking_is_run_time_and_unconditional() {
    let source = "if TYPE_CHECKING:\n    import a\nelse:\n    import b\n";
    assert_eq!(context_of(source, "b"), ImportContext::default());
}

#[test]
fn not_type_checking_body_is_run_time_and_its_else_is_type_only() {
    let source = "\
if not TYPE_CHECKING:
    import a
else:
    import b
";
    assert_eq!(context_of(source, "a"), ImportContext::default());
    assert_eq!(
        context_of(source, "b"),
        ImportContext {
            type_checking: true,
            ..ImportContext::default()
        }
    );
}

#[test]
fn blocks_nested_in_type_checking_inherit_it() {
    let source = "\
if TYPE_CHECKING:
    if sys.version_info >= (3, 11):
        import a
    else:
        import b
    try:
        import c
    except ImportError:
        import d
    def f():
        import e
";
    for module in ["a", "b", "c", "d", "e"] {
        assert!(type_checking(source, module), "{module}");
    }
    assert!(context_of(source, "b").conditional);
    assert!(context_of(source, "d").in_try);
}

#[test]
fn imports_anywhere_in_a_try_statement_are_in_try() {
    let source = "\
try:
    import a
except ImportError:
    import b
else:
    import c
finally:
    import d
import e
";
    for module in ["a", "b", "c", "d"] {
        let context = context_of(source, module);
        assert!(context.in_try && !context.conditional, "{module}");
    }
    assert!(!context_of(source, "e").in_try);
}

#[test]
fn imports_in_if_while_for_with_and_match_blocks_are_conditional() {
    let source = "\
if x:
    import a
while x:
    import b
for x in y:
    import c
else:
    import d
with x:
    import e
match x:
    case 1:
        import f
import g
";
    for module in ["a", "b", "c", "d", "e", "f"] {
        assert!(context_of(source, module).conditional, "{module}");
    }
    assert!(!context_of(source, "g").conditional);
}
