//! Calls: callees, methods, first arguments, awaits.

use super::{call, calls, span};
use crate::facts::Argument;

#[test]
fn call_callee_is_dotted_and_method_is_the_last_attribute() {
    let commit = call("self.db.commit()\n", "self.db.commit");
    assert_eq!(commit.method(), Some("commit"));
    assert_eq!(commit.span, span(1, 1, 1, 17));
    let chained: Vec<_> = calls("a.b().add(x)\n")
        .into_iter()
        .map(|c| (c.callee.clone(), c.method().map(str::to_string)))
        .collect();
    assert_eq!(
        chained,
        vec![
            (None, Some("add".to_string())),
            (Some("a.b".into()), Some("b".to_string()))
        ]
    );
    let unnamed = &calls("get()()\n")[0];
    assert_eq!((unnamed.callee.as_deref(), unnamed.method()), (None, None));
    assert_eq!(call("print(1)\n", "print").method(), Some("print"));
}

#[test]
fn call_first_argument_is_summarised() {
    let first = |source: &str| calls(source)[0].first_arg.clone();
    assert_eq!(first("f(g(x))\n"), Some(Argument::Call("g".into())));
    assert_eq!(
        first("s.execute(sa.insert(T).values(a=1))\n"),
        Some(Argument::Call("sa.insert".into()))
    );
    assert_eq!(
        first("f('INSERT' ' INTO t')\n"),
        Some(Argument::Str("INSERT INTO t".into()))
    );
    assert_eq!(
        first(&format!("f('{}')\n", "é".repeat(70))),
        Some(Argument::Str("é".repeat(64)))
    );
    assert_eq!(
        first("f(self.model)\n"),
        Some(Argument::Name("self.model".into()))
    );
    assert_eq!(first("f(1)\n"), Some(Argument::Other));
    assert_eq!(first("f(*args)\n"), Some(Argument::Other));
    assert_eq!(first("f(key=1)\n"), None);
}

#[test]
fn awaited_calls_are_marked_and_their_arguments_are_not() {
    let source = "async def f():\n    await session.commit(build())\n";
    let commit = call(source, "session.commit");
    assert!(commit.awaited && commit.in_function);
    assert_eq!(&*commit.scope, "f");
    assert!(!call(source, "build").awaited);
}

#[test]
fn every_nested_call_is_found_in_source_order() {
    let source = "\
@app.get(path())
def handler(x=default()):
    return [item(i) for i in items()]
";
    let callees: Vec<_> = calls(source)
        .into_iter()
        .filter_map(|c| c.callee.map(String::from))
        .collect();
    assert_eq!(callees, ["app.get", "path", "default", "item", "items"]);
    assert!(!call(source, "default").in_function);
    assert_eq!(&*call(source, "default").scope, "<module>");
    assert!(call(source, "item").in_function);
}

#[test]
fn calls_under_type_checking_are_marked() {
    let source = "if TYPE_CHECKING:\n    T = TypeVar('T')\nsetup()\n";
    assert!(call(source, "TypeVar").type_checking);
    assert!(!call(source, "setup").type_checking);
}

#[test]
fn f_string_argument_is_its_text_before_the_first_replacement_field() {
    let first = |source: &str| calls(source)[0].first_arg.clone();
    let text = |s: &str| Some(Argument::Str(s.into()));
    assert_eq!(first("f(f'DELETE FROM {t}')\n"), text("DELETE FROM "));
    assert_eq!(
        first("f('DELETE ' f'FROM {t} WHERE')\n"),
        text("DELETE FROM ")
    );
    assert_eq!(first("f(f'no fields')\n"), text("no fields"));
    assert_eq!(first("f(f'a{{b}}{x}')\n"), text("a{b}"));
    assert_eq!(
        first(&format!("f(f'{}{{x}}')\n", "é".repeat(70))),
        Some(Argument::Str("é".repeat(64)))
    );
}

#[test]
fn f_string_starting_with_a_replacement_field_is_other() {
    let first = |source: &str| calls(source)[0].first_arg.clone();
    assert_eq!(first("f(f'{t} rows')\n"), Some(Argument::Other));
    assert_eq!(first("f('' f'{t}')\n"), Some(Argument::Other));
}

#[test]
fn text_call_argument_is_the_sql_literal_inside() {
    let first = |source: &str| calls(source)[0].first_arg.clone();
    let text = |s: &str| Some(Argument::Str(s.into()));
    assert_eq!(
        first("s.execute(text('INSERT INTO t'))\n"),
        text("INSERT INTO t")
    );
    assert_eq!(first("s.execute(sa.text('UPDATE t'))\n"), text("UPDATE t"));
    assert_eq!(
        first("s.execute(sqlalchemy.text(f'DELETE FROM {t}'))\n"),
        text("DELETE FROM ")
    );
    assert_eq!(
        first("s.execute(text('UPDATE t SET a = :a').bindparams(a=1))\n"),
        text("UPDATE t SET a = :a")
    );
    assert_eq!(
        first(&format!("s.execute(text('{}'))\n", "x".repeat(70))),
        Some(Argument::Str("x".repeat(64)))
    );
}

#[test]
fn text_call_without_a_literal_stays_a_call() {
    let first = |source: &str| calls(source)[0].first_arg.clone();
    let call = |s: &str| Some(Argument::Call(s.into()));
    assert_eq!(first("s.execute(text(sql))\n"), call("text"));
    assert_eq!(first("s.execute(sa.text())\n"), call("sa.text"));
    assert_eq!(first("s.execute(text(f'{sql}'))\n"), call("text"));
    assert_eq!(first("s.execute(text.upper(other))\n"), call("text.upper"));
}

#[test]
fn any_wrapper_of_sql_text_carries_it() {
    let first = |source: &str| calls(source)[0].first_arg.clone();
    let text = |s: &str| Some(Argument::Str(s.into()));
    assert_eq!(
        first("s.execute(sql_text('UPDATE t SET a = 1'))\n"),
        text("UPDATE t SET a = 1")
    );
    assert_eq!(first("s.execute(get_text('INSERT'))\n"), text("INSERT"));
    assert_eq!(
        first("s.execute(wrap(sa.text(f'DELETE FROM {t}')))\n"),
        text("DELETE FROM ")
    );
    assert_eq!(
        first("s.execute(a(b(c(d('DELETE FROM t')))))\n"),
        text("DELETE FROM t")
    );
    assert_eq!(
        first("s.execute(q('  (select 1)').bindparams(a=1))\n"),
        text("  (select 1)")
    );
    assert_eq!(
        first("cursor.execute('UPDATE t SET a = %s'.format(x))\n"),
        text("UPDATE t SET a = %s")
    );
}

#[test]
fn wrapper_of_other_text_stays_a_call() {
    let first = |source: &str| calls(source)[0].first_arg.clone();
    let call = |s: &str| Some(Argument::Call(s.into()));
    assert_eq!(first("s.add(Device('router'))\n"), call("Device"));
    assert_eq!(
        first("s.add(Note('Update the docs'.upper()))\n"),
        call("Note")
    );
    assert_eq!(first("s.add(Tag('updated'))\n"), call("Tag"));
    assert_eq!(first("s.add(Tag('update_t'))\n"), call("Tag"));
    // Five wrappers deep is past the bound.
    assert_eq!(
        first("s.execute(a(b(c(d(e('DELETE FROM t'))))))\n"),
        call("a")
    );
    assert_eq!(first("s.add(Log('ok'.format(1)))\n"), call("Log"));
    assert_eq!(
        first("s.execute('{} rows'.format(n))\n"),
        Some(Argument::Other)
    );
}

#[test]
fn concatenated_or_formatted_sql_is_its_left_literal() {
    let first = |source: &str| calls(source)[0].first_arg.clone();
    let text = |s: &str| Some(Argument::Str(s.into()));
    assert_eq!(
        first("c.execute('UPDATE t SET ' + columns + ' WHERE 1')\n"),
        text("UPDATE t SET ")
    );
    assert_eq!(
        first("c.execute('DELETE FROM t WHERE id = %s' % key)\n"),
        text("DELETE FROM t WHERE id = %s")
    );
    assert_eq!(
        first("c.execute(prefix + 'UPDATE t')\n"),
        Some(Argument::Other)
    );
    let deep = format!("c.execute('DELETE FROM t'{})\n", " + x".repeat(3_000));
    assert_eq!(first(&deep), text("DELETE FROM t"));
}

#[test]
fn call_of_a_call_result_has_no_root_callee() {
    let first = |source: &str| calls(source)[0].first_arg.clone();
    assert_eq!(first("f(g()())\n"), Some(Argument::Other));
    assert_eq!(first("f(g()().h())\n"), Some(Argument::Other));
    assert_eq!(first("f(x[0].h())\n"), Some(Argument::Other));
}
