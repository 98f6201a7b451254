//! Bindings (names assigned from calls) and stores (writes through imported names).

use super::{binding, bindings, facts, span, store, stores};
use crate::facts::StoreForm;

#[test]
fn assignments_of_calls_are_bindings_with_the_root_callee() {
    let source = "\
s = Session()
t: Session = factory.make()
stmt = insert(T).values(a=1)
a = b = make()
self.session = db.Session()
";
    assert_eq!(
        bindings(source),
        vec![
            binding("s", "Session", "<module>", 1),
            binding("t", "factory.make", "<module>", 2),
            binding("stmt", "insert", "<module>", 3),
            binding("a", "make", "<module>", 4),
            binding("b", "make", "<module>", 4),
            binding("self.session", "db.Session", "<module>", 5),
        ]
    );
    let facts = facts("stmt = insert(T)\n");
    assert_eq!(facts.bindings[0].span, span(1, 1, 1, 17));
}

#[test]
fn awaited_call_is_a_binding() {
    assert_eq!(
        bindings("async def f():\n    db = await connect(url).begin()\n"),
        vec![binding("db", "connect", "f", 2)]
    );
}

#[test]
fn each_with_item_with_a_name_target_is_a_binding_spanning_the_item() {
    let source = "\
async def f():
    async with get_session() as db, lock() as (a, b), open(p) as fh:
        pass
with make() as m, other():
    pass
";
    assert_eq!(
        bindings(source),
        vec![
            binding("db", "get_session", "f", 2),
            binding("fh", "open", "f", 2),
            binding("m", "make", "<module>", 4),
        ]
    );
    assert_eq!(facts(source).bindings[0].span, span(2, 16, 2, 35));
}

#[test]
fn walrus_is_a_binding_spanning_the_named_expression() {
    let source = "if (s := Session()) is not None:\n    s.add(x)\n";
    assert_eq!(
        bindings(source),
        vec![binding("s", "Session", "<module>", 1)]
    );
    assert_eq!(facts(source).bindings[0].span, span(1, 5, 1, 19));
}

#[test]
fn bindings_take_the_scope_of_their_definition() {
    let source = "\
class Repo:
    engine = create_engine(url)
    def save(self, row):
        self.s = Session()
        def inner():
            r = CampaignRow()
";
    assert_eq!(
        bindings(source),
        vec![
            binding("engine", "create_engine", "Repo", 2),
            binding("self.s", "Session", "Repo.save", 4),
            binding("r", "CampaignRow", "Repo.save.inner", 6),
        ]
    );
}

#[test]
fn other_targets_and_values_are_not_bindings() {
    let source = "\
a, b = f()
[c] = f()
x[0] = f()
f().y = g()
x = y
x = f
x = sessionmaker()()
x += f()
x = [f()]
x = f() or g()
x: T
for x in f():
    pass
with f():
    pass
with f() as x[0]:
    pass
";
    assert_eq!(bindings(source), vec![]);
}

// Stores

#[test]
fn writes_through_an_imported_name_are_stores_of_each_form() {
    let source = "\
import sys
sys.path = ['a']
sys.path: list = []
sys.path += ['b']
sys.path[0:0] = ['c']
sys.path[0] = x
sys.path[0] += 'd'
del sys.path[0]
del sys.path
x = sys.path = []
sys.modules['m'] = m
sys.argv, rest = a
";
    assert_eq!(
        stores(source),
        vec![
            store("sys.path", StoreForm::Assign, "<module>", 2),
            store("sys.path", StoreForm::Assign, "<module>", 3),
            store("sys.path", StoreForm::AugAssign, "<module>", 4),
            store("sys.path", StoreForm::Item, "<module>", 5),
            store("sys.path", StoreForm::Item, "<module>", 6),
            store("sys.path", StoreForm::Item, "<module>", 7),
            store("sys.path", StoreForm::DeleteItem, "<module>", 8),
            store("sys.path", StoreForm::Delete, "<module>", 9),
            store("sys.path", StoreForm::Assign, "<module>", 10),
            store("sys.modules", StoreForm::Item, "<module>", 11),
            store("sys.argv", StoreForm::Assign, "<module>", 12),
        ]
    );
    assert_eq!(facts(source).stores[3].span, span(5, 1, 5, 22));
}

#[test]
fn stores_follow_every_local_name_an_import_binds() {
    let source = "\
import sys as _s
_s.path[:] = []
from sys import path
path[0:0] = ['x']
from sys import path as p
p += ['y']
import os.path
os.sep = '/'
import a.b as ab
ab.c = 1
";
    assert_eq!(
        stores(source),
        vec![
            store("_s.path", StoreForm::Item, "<module>", 2),
            store("path", StoreForm::Item, "<module>", 4),
            store("p", StoreForm::AugAssign, "<module>", 6),
            store("os.sep", StoreForm::Assign, "<module>", 8),
            store("ab.c", StoreForm::Assign, "<module>", 10),
        ]
    );
}

#[test]
fn stores_in_a_function_have_its_scope_and_calls_are_not_stores() {
    let source = "\
def setup():
    import sys
    sys.path.insert(0, here)
    sys.path.append(here)
    sys.path[0] = here
";
    assert_eq!(
        stores(source),
        vec![store("sys.path", StoreForm::Item, "setup", 5)]
    );
    assert_eq!(
        stores("import sys\nsys.path.append(x)\nsys.path.extend(y)\n"),
        vec![]
    );
}

#[test]
fn writes_not_through_an_import_seen_so_far_are_not_stores() {
    let source = "\
sys.path = []
x += 1
obj.attr = 1
obj[0] = 1
del obj
import sys
from m import *
from . import pkg
x = 1
f().path = 1
sys.path[0].x = 1
sys.path.x[0].y = 1
sys.path: list
";
    assert_eq!(stores(source), vec![]);
}
