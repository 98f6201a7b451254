#!/usr/bin/env python3
"""Cross-check gate's code rules `db-write`, `sys-path` and `import-time`
against an independent extraction with CPython's own parser.

Copies the ``.py`` files of a project (hidden folders and files skipped) into
a temporary folder, writes there a gate.toml with one rule per kind over the
whole project (default options; ``in = ["**"]`` for db-write and import-time,
which require ``in``; no ``in`` for sys-path, so files outside the source
root count too), runs ``gate check --no-baseline --format json`` in it, and
compares the multiset of (path, line, kind, subject) with what this script
finds with the standard library's ``ast``.

    python3 scripts/crosscheck_code.py --gate target/debug/gate \\
        --root fixtures/rules/db_write --src-root .
    python3 scripts/crosscheck_code.py --gate target/debug/gate \\
        --pypi Flask-AppBuilder==4.5.0

``--pypi NAME==VERSION`` downloads the project's sdist with ``pip download
--no-deps --no-binary :all:``, unpacks it and checks it, with the folder
that holds the top package as source root (``src`` when it holds one, else
``.``; ``--src-root`` overrides). Prints every disagreement, a line
``KIND: N compared, N agree (P%)`` per kind and a total ``code rules: ...``
line; exits 1 on any disagreement, 2 when gate cannot be run. ``--known
FILE`` lists disagreements (one printed line each) that do not fail the run;
one that no longer shows up does (fixtures/crosscheck/known.txt).

Rules implemented here, independently of gate's Rust code, from the rules'
documentation (``gate explain KIND``) and, where it is silent, Python's
semantics:

Names. A dotted name ``a.b.c`` is qualified through the binding of ``a``
at the place of use, with Python's scoping: a function's names are local
when the function binds them anywhere (parameters, assignments, ``for``,
``with ... as``, ``except ... as``, imports, ``def``, ``class``, walrus,
``del``), unless declared ``global``/``nonlocal``; otherwise the enclosing
functions, then the module (class bodies are skipped, as in Python). At
module level and in class bodies the latest binding before the use wins; a
function sees the last binding of an enclosing scope (its value once the
module has run). ``import a.b`` binds ``a`` to ``a``, ``import a.b as c``
binds ``c`` to ``a.b``, ``from M import n as o`` binds ``o`` to ``M.n``
(relative M anchored at the file's package). A class defined at module
level is ``<module>.<Class>``. Any other binding (a parameter, ``x = ...``,
a ``def``) leaves the name as written, as does an unbound name (a builtin).
A non-import binding in the ``except`` of a ``try`` (or the ``else`` of an
``if``) whose body imports that name is skipped: ``try: from k8s import
models as m`` / ``except ImportError: m = None`` leaves ``m`` the import.
A name so bound is then followed through the project's re-exports, as
Python finds it at run time: after its longest prefix that is a module of
the project, the next name is looked up in that module's module-level
``from M import n [as a]`` statements outside ``TYPE_CHECKING`` (the latest
first; ``M.n`` a module of the project ends there), then in its ``from M
import *`` statements (when M's ``__all__``, bound and extended with string
literals only, lists the name, or, without a readable one, the name is
public), to any depth (32 hops at most, cycles cut); a module-level class
of that name ends the search.

TYPE_CHECKING. Code in the body of ``if TYPE_CHECKING:`` (bare name, any
alias of ``typing``/``typing_extensions``, or an alias of the imported name)
or the ``else`` of ``if not TYPE_CHECKING:`` never runs: skipped by all three
kinds, nested definitions included.

sys-path: every call whose callee qualifies to ``sys.path.insert``,
``append``, ``extend``, ``remove``, ``pop``, ``clear`` (subject the same) or
``site.addsitedir``; attribute targets qualifying to ``sys.path`` of ``=``
and annotated ``=``, each element of tuple/list targets (``sys.path =``), and
of augmented assignments (``sys.path +=``); a plain name bound to
``sys.path`` (``from sys import path``) as an augmented target (``sys.path
+=``; the name stays bound to ``sys.path``, as ``list.__iadd__`` returns
the list); a subscript of ``sys.path`` (attribute or name) as an assignment or
augmented target (``sys.path[...] =``); ``del sys.path[...]`` and ``del
sys.path`` through the attribute (subjects the same). A name bound to
anything but an import (a parameter, a local ``sys``) is not ``sys``. Line:
the call's, or the statement's.

import-time: the statements of the module body, recursively through
``if``/``try``/``with``/``for``/``while``/``match`` bodies (all clauses),
not through ``def``/``class``, minus the body of ``if __name__ ==
"__main__":`` (either operand order, also as an ``elif``; the ``else`` runs
on import); of those, the expression statements whose value is a call and
the assignments, annotated and augmented assignments whose value is a call.
The callee: a name chain qualified as above (at the statement), or
``*.method`` for a method of another expression, or ``<call>``. Reported
unless an ``allow`` pattern matches (the qualified or the written name), or
when a ``deny`` pattern matches. Patterns: dotted, ``*``/``?`` glob a
segment, a dotless pattern names the last segment, a leading ``*`` segment
any receiver (one or more segments, or an expression); anything else matches
the whole name. Subject: the callee. Line: the statement's. Also the
outermost calls (outside lambdas) in the test of a module-level ``if``/
``elif``/``while``, the iterable of a ``for``, the items of a ``with`` and
an ``assert``, each on the call's own line.

db-write: a call ``R.m(...)`` (awaited or not) where ``R`` is a name chain
and ``m`` in ``methods``; subject ``R.m``. ``R`` is a session when its value
(below) is not a call of a callee qualified into ``requests``, ``aiohttp``,
``httpx``, ``urllib3``, ``boto3``, ``botocore``, and either ``R`` or its last
name matches a ``receivers`` glob (``*`` any run, ``?`` one character), or
its value is a call of a factory (last name of the written or qualified
callee matching ``*Session*``, ``*session*``, ``*_db``; for a method chain
on a call, the call it starts from). The value of a plain name: its binding
(Python's: a parameter or ``s = other`` counts) latest before the call in
the same function, lambdas and comprehensions included; when the function
does not bind it, its last binding at module level ("as a global does"; an
enclosing function's binding is not followed, as documented). The value of
``self.x``: the latest assignment to ``self.x`` before the call in the same
function, else any in the other methods of the class (HTTP wins). Other
chains: the latest assignment to the same text in the same function. Values
are the right-hand side of ``=``/annotated ``=``/walrus or the ``with`` item
(a call, possibly awaited). ``execute`` (and ``exec``, ``executemany``,
``scalar``, ``scalars`` when in ``methods``) counts only with a first
positional argument that is a write: a call whose starting callee (through
method chains on calls: ``insert(T).values()`` starts at ``insert``)
qualifies to a last name ``insert``/``update``/``delete``; a string, or the
literal text of an f-string before its first field, or the string / f-string
given to a callee whose last name is ``text``, that starts (after
whitespace, any case) with INSERT, UPDATE, DELETE, MERGE, REPLACE, UPSERT or
TRUNCATE as a whole word; or a name whose latest binding before the call in
the same function is a call of ``insert``/``update``/``delete`` as above.
Also ``R.query(...)....delete()`` / ``.update()`` (any calls, attributes and
subscripts in between, whatever ``methods`` says) where ``R`` is a session:
subject ``R.query(...).delete``. Line: the call's first line.

Intentional differences, not counted as disagreements:

- Files that CPython 3.11 cannot parse or that are not UTF-8 are skipped on
  both sides (gate's results are filtered to the files parsed here).
- A module is named from the deepest source root holding the file; a file
  whose path parts are not identifiers (``str.isidentifier``) has none, and
  db-write and import-time (``in = ["**"]``) do not look at it.
- gate's documented simplifications are followed here, though Python
  would report these: a statement given to a name and then rebuilt
  (``stmt = stmt.returning(...)``), built by ``text()``, or built at module
  level; a session bound in an enclosing function; ``del path[0]`` after
  ``from sys import path``.

Everything else that differs is printed: either a bug of gate or a place
where gate departs from Python's semantics (fixtures/crosscheck/README.md).
"""

from __future__ import annotations

import argparse
import ast
import collections
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

BOM = b"\xef\xbb\xbf"
KINDS = ("db-write", "import-time", "sys-path")

# --- defaults of the rules (RULES.md and `gate explain KIND`) ---------------

DB_WRITE_METHODS = (
    "add",
    "add_all",
    "commit",
    "delete",
    "merge",
    "flush",
    "bulk_save_objects",
    "bulk_insert_mappings",
    "bulk_update_mappings",
    "execute",
)
DB_WRITE_RECEIVERS = ("session", "*session", "db", "*_db", "self.session", "self.db")
EXECUTE_LIKE = ("execute", "exec", "executemany", "scalar", "scalars")
SESSION_FACTORIES = ("*Session*", "*session*", "*_db")
HTTP_PACKAGES = ("requests", "aiohttp", "httpx", "urllib3", "boto3", "botocore")
WRITE_STATEMENT_CALLS = ("insert", "update", "delete")
SQL_WRITE_WORDS = ("INSERT", "UPDATE", "DELETE", "MERGE", "REPLACE", "UPSERT", "TRUNCATE")
SQL_STATEMENTS = (
    "SELECT", "WITH", "VALUES", "INSERT", "UPDATE", "DELETE", "MERGE", "REPLACE", "UPSERT",
    "TRUNCATE", "CREATE", "ALTER", "DROP", "RENAME", "COMMENT", "GRANT", "REVOKE",
)
MAX_SQL_WRAPPERS = 4
CURSOR_NAMES = ("cursor", "*_cursor")
DJANGO_WRITES = (
    "create",
    "get_or_create",
    "update_or_create",
    "bulk_create",
    "bulk_update",
    "update",
    "delete",
)
DJANGO_MANAGERS = ("objects", "_default_manager", "_base_manager")
DJANGO_INSTANCE_WRITES = ("save", "delete")
# Qualified name of every top-level class of the project -> (its file's
# model, its bases as written); filled before the findings are computed.
PROJECT_CLASSES: dict[str, tuple["FileModel", list[str]]] = {}
# The model of every file with a module name, by module; filled before the
# findings are computed, for re-exports.
PROJECT_MODULES: dict[str, "FileModel"] = {}
# Re-export hops followed from one name at most.
MAX_REEXPORT_HOPS = 32

IMPORT_TIME_ALLOW = (
    "logging.getLogger", "TypeVar", "ParamSpec", "NewType", "cast", "namedtuple",
    "NamedTuple", "TypedDict", "dataclass", "field", "Enum", "IntEnum", "StrEnum",
    "re.compile", "timedelta", "Decimal", "Path", "os.getenv", "os.environ.get",
    "object", "frozenset", "set", "dict", "list", "tuple", "int", "float", "str",
    "bool", "bytes",
    "Table", "Column", "mapped_column", "relationship", "ForeignKey", "MetaData",
    "APIRouter", "Blueprint", "include_router", "add_middleware", "add_exception_handler",
    "TypeVarTuple", "contextvars.ContextVar", "threading.Lock", "threading.RLock",
    "functools.partial", "datetime.datetime", "datetime.date", "pydantic.TypeAdapter",
    "django.dispatch.Signal", "django.template.Library", "register.tag", "register.filter",
    "register.simple_tag", "register.inclusion_tag",
    "Depends", "Security", "Query", "Body", "Header", "Cookie", "Form", "File",
    "typer.Option", "typer.Argument",
)
IMPORT_TIME_DENY = ("init_db", "create_engine", "connect")

SYS_PATH_METHODS = ("insert", "append", "extend", "remove", "pop", "clear")

GATE_TOML = """\
# Written by scripts/crosscheck_code.py: every code rule over the whole tree.
[project]
roots = [{root}]

[[rule]]
kind = "db-write"
name = "crosscheck-db-write"
in = ["**"]

[[rule]]
kind = "import-time"
name = "crosscheck-import-time"
in = ["**"]

[[rule]]
kind = "sys-path"
name = "crosscheck-sys-path"
"""


# --- patterns ---------------------------------------------------------------


def glob_regex(pattern: str) -> re.Pattern[str]:
    """`*` any run of characters, `?` one character, the rest literal."""
    parts = []
    for char in pattern:
        if char == "*":
            parts.append(".*")
        elif char == "?":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts), re.DOTALL)


def glob_matches(pattern: str, text: str) -> bool:
    return glob_regex(pattern).fullmatch(text) is not None


@dataclass(frozen=True)
class NamePattern:
    """A callee pattern of `allow`/`deny` (see the module docstring)."""

    text: str

    @property
    def _parts(self) -> tuple[bool, list[str]]:
        parts = self.text.split(".")
        any_receiver = len(parts) > 1 and parts[0] == "*"
        return any_receiver, parts[1:] if any_receiver else parts

    def matches(self, name: str) -> bool:
        any_receiver, segments = self._parts
        parts = name.split(".")
        if any_receiver or len(segments) == 1:
            needed = len(segments) + (1 if any_receiver else 0)
            if len(parts) < needed:
                return False
            parts = parts[len(parts) - len(segments):]
        elif len(parts) != len(segments):
            return False
        return all(glob_matches(s, p) for s, p in zip(segments, parts))

    def matches_method_of_expression(self, method: str) -> bool:
        any_receiver, segments = self._parts
        return len(segments) == 1 and glob_matches(segments[0], method)


# --- names and scopes -------------------------------------------------------


def dotted(node: ast.expr) -> str | None:
    """`a.b.c` for a chain of attributes on a name, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def start(node: ast.AST) -> tuple[int, int]:
    return (node.lineno, node.col_offset)


def end(node: ast.AST) -> tuple[int, int]:
    return (node.end_lineno or node.lineno, node.end_col_offset or 0)


@dataclass
class Value:
    """What a binding binds: an import or a module-level class (`qualified`
    set), a call (`call`), or something else (neither)."""

    qualified: str | None = None
    call: ast.Call | None = None
    # A non-import value in the `except` of a `try` (or the other branch of
    # an `if`) whose body imports the same name, as in `try: import ujson as
    # json` / `except ImportError: json = None`: the import is what runs
    # where the package is installed, so lookups skip this binding.
    fallback: bool = False


OTHER = Value()


@dataclass
class Scope:
    kind: str  # "module", "function", "class"
    parent: Scope | None
    node: ast.AST | None = None
    bindings: dict[str, list[tuple[tuple[int, int], Value]]] = field(
        default_factory=lambda: collections.defaultdict(list)
    )
    # Assignments to attribute chains (`self.session = ...`).
    attributes: dict[str, list[tuple[tuple[int, int], Value]]] = field(
        default_factory=lambda: collections.defaultdict(list)
    )
    globals: set[str] = field(default_factory=set)
    nonlocals: set[str] = field(default_factory=set)
    # For a function defined directly in a class body: that class's scope.
    klass: Scope | None = None
    # For a class: its methods' scopes.
    methods: list[Scope] = field(default_factory=list)
    # A comprehension runs where it is written, unlike a function.
    comprehension: bool = False
    # A lambda or a comprehension: part of its `def` for db-write's "same
    # function".
    transparent: bool = False

    def module(self) -> Scope:
        scope = self
        while scope.parent is not None:
            scope = scope.parent
        return scope

    def lookup(self, name: str, at: tuple[int, int] | None) -> Value | None:
        """The value of `name` used at `at` in this scope (None: unbound).
        `at` None means "once everything has run"."""
        scope: Scope | None = self
        if self.kind == "function" and name in self.globals:
            scope = self.module()
            at = None
        elif self.kind == "function" and name in self.nonlocals:
            scope = self.parent
            while scope is not None and scope.kind == "class":
                scope = scope.parent
            at = None
        first = True
        while scope is not None:
            if scope.kind == "class" and not first:
                scope = scope.parent
                continue
            entries = scope.bindings.get(name)
            if scope.kind == "function" and entries:
                return _latest(entries, at) or OTHER
            if entries:
                found = _latest(entries, at)
                if found is not None:
                    return found
            if scope.kind == "function" and not scope.comprehension:
                # A function runs after its definers: their final state.
                at = None
            first = False
            scope = scope.parent
        return None


def _latest(entries: list[tuple[tuple[int, int], Value]], at: tuple[int, int] | None) -> Value | None:
    chosen = None
    for position, value in entries:
        if (at is None or position <= at) and not value.fallback:
            chosen = value
    return chosen


@dataclass(frozen=True)
class PythonFile:
    path: str  # relative to the project root, `/`-separated
    absolute: Path
    module: str | None
    is_package: bool


class FileModel:
    """One parsed file: its scopes and bindings, the scope of every node of
    interest and the TYPE_CHECKING flag of every call and store."""

    def __init__(self, file: PythonFile, tree: ast.Module) -> None:
        self.file = file
        self.tree = tree
        self.module_scope = Scope("module", None, tree)
        self.scope_of: dict[int, Scope] = {}
        self.calls: list[tuple[ast.Call, Scope, bool]] = []
        self.stores: list[tuple[ast.stmt, Scope, bool]] = []
        self.typing_names = {"typing", "typing_extensions"}
        self.type_checking_names = {"TYPE_CHECKING"}
        self.log: list[tuple[Scope, str, Value]] = []
        self.imported_elsewhere: dict[int, frozenset[str]] = {}
        # Module-level `from M import n [as a]` outside TYPE_CHECKING, in
        # order: (M resolved, n or "*", a or n).
        self.from_imports: list[tuple[str, str, str]] = []
        # Module-level classes, also those in an `if` or `try` at module
        # level (`if Image: class Photo(models.Model): ...`).
        self.module_classes: set[str] = set()
        self.module_class_nodes: list[ast.ClassDef] = []
        # `__all__`: None while unbound, a list of names, or UNREADABLE.
        self.exports: list[str] | None | object = None
        self._walk_body(tree.body, self.module_scope, False)

    # -- qualification --

    def qualify(self, name: str, scope: Scope, at: tuple[int, int] | None) -> str:
        """`name` with its first segment replaced by what an import (or a
        module-level class) bound it to; as written otherwise."""
        return self.qualify_strict(name, scope, at) or name

    def qualify_strict(self, name: str, scope: Scope, at: tuple[int, int] | None) -> str | None:
        """As `qualify`, but None when the first segment is bound to some
        other value (a parameter, a local variable): then it names no
        module. A bound name is followed through the project's re-exports
        (`follow_reexports`)."""
        first, _, rest = name.partition(".")
        value = scope.lookup(first, at)
        if value is None:
            return name
        if value.qualified is None:
            return None
        return follow_reexports(f"{value.qualified}.{rest}" if rest else value.qualified)

    def resolve_from(self, module: str | None, level: int) -> str | None:
        if level == 0:
            return module
        if self.file.module is None:
            return None
        package = self.file.module if self.file.is_package else self.file.module.rpartition(".")[0]
        if not package:
            return None
        bits = package.rsplit(".", level - 1)
        if len(bits) < level:
            return None
        anchor = bits[0]
        return f"{anchor}.{module}" if module else anchor

    # -- TYPE_CHECKING --

    def is_type_checking(self, test: ast.expr) -> bool:
        if isinstance(test, ast.Name):
            return test.id in self.type_checking_names
        return (
            isinstance(test, ast.Attribute)
            and test.attr == "TYPE_CHECKING"
            and isinstance(test.value, ast.Name)
            and test.value.id in self.typing_names
        )

    def type_checking_branches(self, node: ast.If) -> tuple[bool, bool]:
        """Whether the body / the else of `node` only run for type checkers."""
        if self.is_type_checking(node.test):
            return True, False
        if (
            isinstance(node.test, ast.UnaryOp)
            and isinstance(node.test.op, ast.Not)
            and self.is_type_checking(node.test.operand)
        ):
            return False, True
        return False, False

    # -- the walk --

    def _is_list_alias(self, name: ast.Name, scope: "Scope") -> bool:
        """`path += [...]` on a name bound to `sys.path` (a list) extends it
        in place: `list.__iadd__` returns the list, so the name still
        refers to `sys.path`."""
        value = scope.lookup(name.id, start(name))
        return value is not None and value.qualified == "sys.path"

    def _bind(self, scope: Scope, name: str, at: tuple[int, int], value: Value) -> None:
        if value.qualified is None and name in self.imported_elsewhere.get(id(scope), ()):
            value = Value(call=value.call, fallback=True)
        scope.bindings[name].append((at, value))
        self.log.append((scope, name, value))

    def _walk_alternatives(
        self, scope: Scope, tc: bool, main: list[ast.stmt], others: list[tuple[list[ast.stmt], bool]]
    ) -> None:
        """Walks `main` (a `try` or `if` body), then each other branch with
        the names that `main` imports marked (see `Value.fallback`)."""
        mark = len(self.log)
        self._walk_body(main, scope, tc)
        imported = {name for s, name, value in self.log[mark:] if s is scope and value.qualified}
        outer = self.imported_elsewhere.get(id(scope), frozenset())
        self.imported_elsewhere[id(scope)] = outer | imported
        for body, branch_tc in others:
            self._walk_body(body, scope, branch_tc)
        self.imported_elsewhere[id(scope)] = outer

    def _bind_target(self, scope: Scope, target: ast.expr, at: tuple[int, int], value: Value) -> None:
        if isinstance(target, ast.Name):
            self._bind(scope, target.id, at, value)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._bind_target(scope, element, at, OTHER)
        elif isinstance(target, ast.Starred):
            self._bind_target(scope, target.value, at, OTHER)
        elif isinstance(target, ast.Attribute):
            text = dotted(target)
            if text is not None:
                scope.attributes[text].append((at, value))

    def _walk_body(self, body: list[ast.stmt], scope: Scope, tc: bool) -> None:
        for stmt in body:
            self._walk_stmt(stmt, scope, tc)

    def _record_exports(self, node: ast.stmt) -> None:
        """`__all__` as module-level statements make it: bound to a list or
        tuple of strings, then `+=`, `.extend([...])`, `.append("n")` of
        strings; anything else that binds or changes it makes it unreadable
        (then `from m import *` takes the public names)."""

        def is_all(target: ast.expr) -> bool:
            return isinstance(target, ast.Name) and target.id == "__all__"

        def strings(value: ast.expr | None) -> list[str] | None:
            if not isinstance(value, (ast.List, ast.Tuple)):
                return None
            names = [e.value for e in value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
            return names if len(names) == len(value.elts) else None

        def extend(added: list[str] | None) -> None:
            self.exports = self.exports + added if isinstance(self.exports, list) and added is not None else UNREADABLE

        if isinstance(node, ast.Assign) and any(is_all(t) for t in node.targets):
            names = strings(node.value) if len(node.targets) == 1 else None
            self.exports = names if names is not None else UNREADABLE
        elif isinstance(node, ast.AnnAssign) and is_all(node.target):
            names = strings(node.value)
            self.exports = names if names is not None else UNREADABLE
        elif isinstance(node, ast.AugAssign) and is_all(node.target):
            extend(strings(node.value) if isinstance(node.op, ast.Add) else None)
        elif (
            isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Attribute)
            and is_all(node.value.func.value)
        ):
            call = node.value
            only = call.args[0] if len(call.args) == 1 and not call.keywords else None
            if call.func.attr == "extend":
                extend(strings(only) if only is not None else None)
            elif call.func.attr == "append":
                one = only.value if isinstance(only, ast.Constant) and isinstance(only.value, str) else None
                extend([one] if one is not None else None)
        elif isinstance(node, ast.Delete) and any(is_all(t) for t in node.targets):
            self.exports = UNREADABLE

    def _walk_stmt(self, node: ast.stmt, scope: Scope, tc: bool) -> None:
        if scope.kind == "module":
            self._record_exports(node)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for decorator in node.decorator_list:
                self._walk_expr(decorator, scope, tc)
            self._walk_arguments(node.args, scope, tc)
            if node.returns is not None:
                self._walk_expr(node.returns, scope, tc)
            self._bind(scope, node.name, start(node), OTHER)
            inner = Scope("function", scope, node)
            if scope.kind == "class":
                inner.klass = scope
                scope.methods.append(inner)
            self._bind_parameters(node.args, inner)
            self._walk_body(node.body, inner, tc)
            return
        if isinstance(node, ast.ClassDef):
            for expression in [*node.decorator_list, *node.bases, *(k.value for k in node.keywords)]:
                self._walk_expr(expression, scope, tc)
            qualified = None
            if scope.kind == "module" and self.file.module is not None:
                qualified = f"{self.file.module}.{node.name}"
            inner = Scope("class", scope, node)
            self._walk_body(node.body, inner, tc)
            self._bind(scope, node.name, start(node), Value(qualified=qualified))
            if scope.kind == "module":
                self.module_classes.add(node.name)
                self.module_class_nodes.append(node)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    if alias.name in ("typing", "typing_extensions"):
                        self.typing_names.add(alias.asname)
                    self._bind(scope, alias.asname, end(node), Value(qualified=alias.name))
                else:
                    top = alias.name.partition(".")[0]
                    self._bind(scope, top, end(node), Value(qualified=top))
            return
        if isinstance(node, ast.ImportFrom):
            base = self.resolve_from(node.module, node.level)
            if scope.kind == "module" and not tc and base:
                for alias in node.names:
                    self.from_imports.append((base, alias.name, alias.asname or alias.name))
            for alias in node.names:
                if alias.name == "*":
                    continue
                local = alias.asname or alias.name
                if node.level == 0 and node.module in ("typing", "typing_extensions"):
                    if alias.name == "TYPE_CHECKING":
                        self.type_checking_names.add(local)
                value = Value(qualified=f"{base}.{alias.name}") if base else OTHER
                self._bind(scope, local, end(node), value)
            return
        if isinstance(node, ast.Global):
            scope.globals.update(node.names)
            return
        if isinstance(node, ast.Nonlocal):
            scope.nonlocals.update(node.names)
            return
        if isinstance(node, ast.If):
            self._walk_expr(node.test, scope, tc)
            body_tc, else_tc = self.type_checking_branches(node)
            self._walk_alternatives(scope, tc or body_tc, node.body, [(node.orelse, tc or else_tc)])
            return
        if isinstance(node, ast.Assign):
            self._walk_expr(node.value, scope, tc)
            value = _value_of(node.value)
            for target in node.targets:
                self._walk_target(target, scope, tc)
                self._bind_target(scope, target, end(node), value)
            self.stores.append((node, scope, tc))
            return
        if isinstance(node, ast.AnnAssign):
            if node.value is not None:
                self._walk_expr(node.value, scope, tc)
            self._walk_expr(node.annotation, scope, tc)
            self._walk_target(node.target, scope, tc)
            if node.value is not None:
                self._bind_target(scope, node.target, end(node), _value_of(node.value))
                self.stores.append((node, scope, tc))
            elif scope.kind == "function" and isinstance(node.target, ast.Name):
                # `x: int` makes `x` local to the function.
                self._bind(scope, node.target.id, end(node), OTHER)
            return
        if isinstance(node, ast.AugAssign):
            self._walk_expr(node.value, scope, tc)
            self._walk_target(node.target, scope, tc)
            if isinstance(node.target, ast.Name) and not self._is_list_alias(node.target, scope):
                self._bind(scope, node.target.id, end(node), OTHER)
            self.stores.append((node, scope, tc))
            return
        if isinstance(node, ast.Delete):
            for target in node.targets:
                self._walk_target(target, scope, tc)
                if isinstance(target, ast.Name):
                    self._bind(scope, target.id, end(node), OTHER)
            self.stores.append((node, scope, tc))
            return
        if isinstance(node, (ast.For, ast.AsyncFor)):
            self._walk_expr(node.iter, scope, tc)
            self._walk_target(node.target, scope, tc)
            self._bind_target(scope, node.target, end(node.target), OTHER)
            self._walk_body(node.body, scope, tc)
            self._walk_body(node.orelse, scope, tc)
            return
        if isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                self._walk_expr(item.context_expr, scope, tc)
                if item.optional_vars is not None:
                    self._walk_target(item.optional_vars, scope, tc)
                    self._bind_target(
                        scope, item.optional_vars, end(item.optional_vars), _value_of(item.context_expr)
                    )
            self._walk_body(node.body, scope, tc)
            return
        if isinstance(node, (ast.Try, getattr(ast, "TryStar", ast.Try))):
            for handler in node.handlers:
                if handler.type is not None:
                    self._walk_expr(handler.type, scope, tc)
                if handler.name:
                    self._bind(scope, handler.name, start(handler), OTHER)
            self._walk_alternatives(scope, tc, node.body, [(h.body, tc) for h in node.handlers])
            self._walk_body(node.orelse, scope, tc)
            self._walk_body(node.finalbody, scope, tc)
            return
        if isinstance(node, ast.Match):
            self._walk_expr(node.subject, scope, tc)
            for case in node.cases:
                for sub in ast.walk(case.pattern):
                    name = getattr(sub, "name", None) or getattr(sub, "rest", None)
                    if isinstance(name, str):
                        self._bind(scope, name, start(case.pattern), OTHER)
                    if isinstance(sub, ast.MatchValue):
                        self._walk_expr(sub.value, scope, tc)
                    if isinstance(sub, ast.MatchClass):
                        self._walk_expr(sub.cls, scope, tc)
                if case.guard is not None:
                    self._walk_expr(case.guard, scope, tc)
                self._walk_body(case.body, scope, tc)
            return
        # Expr, Return, While, Raise, Assert, ...: expressions and bodies.
        for name, value in ast.iter_fields(node):
            if isinstance(value, ast.expr):
                self._walk_expr(value, scope, tc)
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.stmt):
                        self._walk_stmt(item, scope, tc)
                    elif isinstance(item, ast.expr):
                        self._walk_expr(item, scope, tc)

    def _walk_target(self, target: ast.expr, scope: Scope, tc: bool) -> None:
        """The expressions evaluated inside a store target (`a[f()] = ...`)."""
        if isinstance(target, ast.Name):
            return
        if isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._walk_target(element, scope, tc)
        elif isinstance(target, ast.Starred):
            self._walk_target(target.value, scope, tc)
        elif isinstance(target, ast.Attribute):
            self._walk_expr(target.value, scope, tc)
        elif isinstance(target, ast.Subscript):
            self._walk_expr(target.value, scope, tc)
            self._walk_expr(target.slice, scope, tc)
        else:
            self._walk_expr(target, scope, tc)

    def _walk_arguments(self, args: ast.arguments, scope: Scope, tc: bool) -> None:
        for default in [*args.defaults, *(d for d in args.kw_defaults if d is not None)]:
            self._walk_expr(default, scope, tc)
        for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
            if arg is not None and arg.annotation is not None:
                self._walk_expr(arg.annotation, scope, tc)

    def _bind_parameters(self, args: ast.arguments, scope: Scope) -> None:
        """Parameters are bound before anything in the body runs."""
        for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
            if arg is not None:
                self._bind(scope, arg.arg, (0, 0), OTHER)

    @staticmethod
    def _function_scope(scope: Scope) -> Scope:
        """Where a walrus binds: the nearest scope that is no comprehension."""
        while scope.comprehension and scope.parent is not None:
            scope = scope.parent
        return scope

    def _walk_expr(self, node: ast.expr, scope: Scope, tc: bool) -> None:
        if isinstance(node, ast.Call):
            self.calls.append((node, scope, tc))
            self.scope_of[id(node)] = scope
            self._walk_expr(node.func, scope, tc)
            for arg in node.args:
                self._walk_expr(arg, scope, tc)
            for keyword in node.keywords:
                self._walk_expr(keyword.value, scope, tc)
            return
        if isinstance(node, ast.Lambda):
            self._walk_arguments(node.args, scope, tc)
            inner = Scope("function", scope, node, transparent=True)
            self._bind_parameters(node.args, inner)
            self._walk_expr(node.body, inner, tc)
            return
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            generators = node.generators
            self._walk_expr(generators[0].iter, scope, tc)
            inner = Scope("function", scope, node, comprehension=True, transparent=True)
            for index, generator in enumerate(generators):
                if index:
                    self._walk_expr(generator.iter, inner, tc)
                self._bind_target(inner, generator.target, (0, 0), OTHER)
                self._walk_target(generator.target, inner, tc)
                for condition in generator.ifs:
                    self._walk_expr(condition, inner, tc)
            if isinstance(node, ast.DictComp):
                self._walk_expr(node.key, inner, tc)
                self._walk_expr(node.value, inner, tc)
            else:
                self._walk_expr(node.elt, inner, tc)
            return
        if isinstance(node, ast.NamedExpr):
            self._walk_expr(node.value, scope, tc)
            target_scope = self._function_scope(scope)
            self._bind(target_scope, node.target.id, end(node), _value_of(node.value))
            return
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                self._walk_expr(child, scope, tc)


UNREADABLE = object()


def follow_reexports(qualified: str) -> str:
    """`qualified` with the module and name after its longest prefix that is
    a module of the project replaced by where the name comes from, when that
    module re-exports it (`from .devices import Device`, `from sys import
    path as p`, `from .x import *`), through any number of modules."""
    parts = qualified.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        module = ".".join(parts[:cut])
        if module not in PROJECT_MODULES:
            continue
        found = _origin(module, parts[cut], [])
        if found is None:
            return qualified
        origin_module, origin_name = found
        return ".".join([origin_module, *([origin_name] if origin_name else []), *parts[cut + 1:]])
    return qualified


def _origin(module: str, name: str, visited: list[tuple[str, str]]) -> tuple[str, str | None] | None:
    """Where `module.name` comes from when `module` re-exports it: the
    defining module and the name there (None for a module); None when the
    module defines the name (a class), does not import it, or the chain
    cycles."""
    if len(visited) >= MAX_REEXPORT_HOPS or (module, name) in visited:
        return None
    visited.append((module, name))
    model = PROJECT_MODULES.get(module)
    if model is None or name in model.module_classes:
        return None
    # An explicit `from m import n [as name]`, the latest first.
    for base, imported, local in reversed(model.from_imports):
        if imported == "*" or local != name:
            continue
        if f"{base}.{imported}" in PROJECT_MODULES:
            return f"{base}.{imported}", None
        further = _origin(base, imported, visited)
        return further if further is not None else (base, imported)
    # `from m import *`, when `m` exports the name and defines or re-exports it.
    for base, imported, _ in reversed(model.from_imports):
        target = PROJECT_MODULES.get(base)
        if imported != "*" or target is None:
            continue
        exports = target.exports
        exported = name in exports if isinstance(exports, list) else not name.startswith("_")
        if not exported:
            continue
        further = _origin(base, name, visited)
        if further is not None:
            return further
        if name in target.module_classes:
            return base, name
    return None


def _value_of(expression: ast.expr) -> Value:
    if isinstance(expression, ast.Await):
        expression = expression.value
    if isinstance(expression, ast.Call):
        return Value(call=expression)
    return OTHER


def starting_callee(call: ast.Call) -> str | None:
    """The callee of the call a method chain starts from (`sa.insert` for
    `sa.insert(T).values(...)`), None for `g()()` or `x[0]()`."""
    func = call.func
    while isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call):
        call = func.value
        func = call.func
    return dotted(func)


# --- sys-path ---------------------------------------------------------------


def sys_path_findings(model: FileModel) -> list[tuple[int, str]]:
    found = []
    for call, scope, tc in model.calls:
        if tc:
            continue
        written = dotted(call.func)
        if written is None:
            continue
        qualified = model.qualify_strict(written, scope, start(call))
        if qualified is None:
            continue
        receiver, _, method = qualified.rpartition(".")
        if receiver == "sys.path" and method in SYS_PATH_METHODS:
            found.append((call.lineno, qualified))
        elif qualified == "site.addsitedir":
            found.append((call.lineno, qualified))
    for stmt, scope, tc in model.stores:
        if tc:
            continue
        at = start(stmt)

        def is_sys_path(expression: ast.expr, attribute_only: bool) -> bool:
            if attribute_only and not isinstance(expression, ast.Attribute):
                return False
            text = dotted(expression)
            return text is not None and model.qualify_strict(text, scope, at) == "sys.path"

        subjects = []
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            for target in _flatten(targets):
                if isinstance(target, ast.Subscript) and is_sys_path(target.value, False):
                    subjects.append("sys.path[...] =")
                elif is_sys_path(target, True):
                    subjects.append("sys.path =")
        elif isinstance(stmt, ast.AugAssign):
            target = stmt.target
            if isinstance(target, ast.Subscript) and is_sys_path(target.value, False):
                subjects.append("sys.path[...] =")
            elif is_sys_path(target, False):
                subjects.append("sys.path +=")
        elif isinstance(stmt, ast.Delete):
            for target in _flatten(stmt.targets):
                if isinstance(target, ast.Subscript) and is_sys_path(target.value, False):
                    subjects.append("del sys.path[...]")
                elif is_sys_path(target, True):
                    subjects.append("del sys.path")
        found.extend((stmt.lineno, subject) for subject in subjects)
    return found


def _flatten(targets: list[ast.expr]) -> list[ast.expr]:
    flat = []
    for target in targets:
        if isinstance(target, (ast.Tuple, ast.List)):
            flat.extend(_flatten(target.elts))
        elif isinstance(target, ast.Starred):
            flat.extend(_flatten([target.value]))
        else:
            flat.append(target)
    return flat


# --- import-time ------------------------------------------------------------


def is_main_guard(test: ast.expr) -> bool:
    if not (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.Eq)
    ):
        return False
    sides = [test.left, test.comparators[0]]
    names = [s for s in sides if isinstance(s, ast.Name) and s.id == "__name__"]
    mains = [s for s in sides if isinstance(s, ast.Constant) and s.value == "__main__"]
    return len(names) == 1 and len(mains) == 1


def import_time_findings(model: FileModel) -> list[tuple[int, str]]:
    allow = [NamePattern(p) for p in IMPORT_TIME_ALLOW]
    deny = [NamePattern(p) for p in IMPORT_TIME_DENY]
    found = []

    def outer_calls(expr: ast.expr) -> list[ast.Call]:
        """The calls of a block header that no other call holds, outside lambdas."""
        if isinstance(expr, ast.Call):
            return [expr]
        if isinstance(expr, ast.Lambda):
            return []
        return [c for child in ast.iter_child_nodes(expr) for c in outer_calls(child)]

    def check_header(stmt: ast.stmt) -> None:
        headers: list[ast.expr] = []
        if isinstance(stmt, (ast.If, ast.While)):
            headers = [stmt.test]
        elif isinstance(stmt, (ast.For, ast.AsyncFor)):
            headers = [stmt.iter]
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            headers = [item.context_expr for item in stmt.items]
        elif isinstance(stmt, ast.Assert):
            headers = [stmt.test] + ([stmt.msg] if stmt.msg else [])
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            arguments = stmt.args
            headers = list(arguments.defaults) + [d for d in arguments.kw_defaults if d is not None]
        for header in headers:
            for call in outer_calls(header):
                check(call, call)

    def check(stmt: ast.stmt, value: ast.expr | None = None) -> None:
        if value is None:
            if isinstance(stmt, ast.Expr):
                value = stmt.value
            elif isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                value = stmt.value
        if not isinstance(value, ast.Call):
            return
        written = dotted(value.func)
        if written is not None:
            qualified = model.qualify(written, model.module_scope, start(stmt))

            def matches(pattern: NamePattern) -> bool:
                return pattern.matches(qualified) or pattern.matches(written)

            subject = qualified
            if not any(matches(p) for p in deny) and derives_from_allowed(qualified, 0):
                return
        elif isinstance(value.func, ast.Attribute):
            method = value.func.attr

            def matches(pattern: NamePattern) -> bool:
                return pattern.matches_method_of_expression(method)

            subject = f"*.{method}"
        else:

            def matches(pattern: NamePattern) -> bool:
                return False

            subject = "<call>"
        if any(matches(p) for p in deny) or not any(matches(p) for p in allow):
            found.append((stmt.lineno, subject))

    def derives_from_allowed(qualified: str, depth: int) -> bool:
        """A class of the project with an allowed base imported from
        elsewhere, directly or through other classes of the project."""
        if depth > 8 or qualified not in PROJECT_CLASSES:
            return False
        class_model, bases = PROJECT_CLASSES[qualified]
        for base in bases:
            base_qualified = class_model.qualify(base, class_model.module_scope, None)
            if "." in base_qualified and any(
                p.matches(base_qualified) or p.matches(base) for p in allow
            ):
                return True
            if derives_from_allowed(base_qualified, depth + 1):
                return True
        return False

    def walk(body: list[ast.stmt], skipped: bool) -> None:
        for stmt in body:
            if not skipped:
                check_header(stmt)
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            if isinstance(stmt, ast.If):
                body_tc, else_tc = model.type_checking_branches(stmt)
                walk(stmt.body, skipped or body_tc or is_main_guard(stmt.test))
                walk(stmt.orelse, skipped or else_tc)
                continue
            if not skipped:
                check(stmt)
            for name in ("body", "orelse", "finalbody"):
                inner = getattr(stmt, name, None)
                if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                    walk(inner, skipped)
            for handler in getattr(stmt, "handlers", []) or []:
                walk(handler.body, skipped)
            for case in getattr(stmt, "cases", []) or []:
                walk(case.body, skipped)

    walk(model.tree.body, False)
    return found


# --- db-write ---------------------------------------------------------------


class DbWrite:
    def __init__(self, model: FileModel) -> None:
        self.model = model
        self.methods = set(DB_WRITE_METHODS)
        self.receivers = [glob_regex(p) for p in DB_WRITE_RECEIVERS]
        self.factories = [glob_regex(p) for p in SESSION_FACTORIES]
        self.cursor_names = [glob_regex(p) for p in CURSOR_NAMES]

    def findings(self) -> list[tuple[int, str]]:
        found = []
        for call, scope, tc in self.model.calls:
            if tc or not isinstance(call.func, ast.Attribute):
                continue
            method = call.func.attr
            receiver = dotted(call.func.value)
            at = start(call)
            if receiver is not None:
                if method in DJANGO_WRITES and manager_model(receiver) is not None:
                    found.append((call.lineno, f"{receiver}.{method}"))
                    continue
                if method in DJANGO_INSTANCE_WRITES and self.is_django_instance(receiver, scope, at):
                    found.append((call.lineno, f"{receiver}.{method}"))
                    continue
                if (
                    method in EXECUTE_LIKE
                    and self.is_cursor(receiver, scope, at)
                    and self.is_write_statement(call, scope, at)
                ):
                    found.append((call.lineno, f"{receiver}.{method}"))
                    continue
                if method not in self.methods or not self.is_session(receiver, scope, at):
                    continue
                if method in EXECUTE_LIKE and not self.is_write_statement(call, scope, at):
                    continue
                found.append((call.lineno, f"{receiver}.{method}"))
            elif method in DJANGO_WRITES and (root := chain_start(call.func.value)) is not None and (
                (root_callee := dotted(root.func)) is not None
                and manager_model(root_callee.rpartition(".")[0]) is not None
            ):
                found.append((call.lineno, f"{root_callee}(...).{method}"))
            elif method in ("delete", "update"):
                query_receiver = self.query_receiver(call.func.value)
                if query_receiver is not None and self.is_session(query_receiver, scope, at):
                    found.append((call.lineno, f"{query_receiver}.query(...).{method}"))
        return found

    @staticmethod
    def query_receiver(node: ast.expr) -> str | None:
        """`R` for a chain `R.query(...)....` of calls and attributes."""
        while True:
            if isinstance(node, ast.Call):
                func = node.func
                if isinstance(func, ast.Attribute) and func.attr == "query":
                    receiver = dotted(func.value)
                    if receiver is not None:
                        return receiver
                node = func
            elif isinstance(node, (ast.Attribute, ast.Subscript)):
                node = node.value
            else:
                return None

    # -- Django --

    def is_django_instance(self, receiver: str, scope: Scope, at: tuple[int, int]) -> bool:
        values = [v for v in self.values_of(receiver, scope, at) if v.call is not None]
        if not values:
            return False
        value = values[-1].call
        callee = starting_callee(value)
        if callee is None:
            return False
        if manager_model(callee.rpartition(".")[0]) is not None:
            return True
        qualified = self.model.qualify(callee, self.scope_for(value, scope), start(value))
        return is_django_model(qualified, 0)

    # -- receivers --

    @staticmethod
    def same_function(name: str, scope: Scope, at: tuple[int, int]) -> tuple[Value | None, Scope]:
        """The latest binding of `name` before `at` in the function holding
        `scope` (lambdas and comprehensions are part of it; their own
        parameters and targets shadow), and that function's scope."""
        while scope.transparent:
            if name in scope.bindings:
                return _latest(scope.bindings[name], at) or OTHER, scope
            scope = scope.parent
        if name in scope.bindings and not (scope.kind == "function" and name in scope.globals):
            return _latest(scope.bindings[name], at), scope
        return None, scope

    def values_of(self, receiver: str, scope: Scope, at: tuple[int, int]) -> list[Value]:
        """What the receiver was bound to: in the same function before the
        call, else (a plain name) at module level, as a global; else (`self.x`)
        in the other methods of the class."""
        if "." not in receiver:
            value, function = self.same_function(receiver, scope, at)
            if value is None and function.kind == "function" and (
                receiver in function.globals or receiver not in function.bindings
            ):
                value = _latest(function.module().bindings.get(receiver, []), None)
            return [value] if value is not None else []
        function = scope
        while function.transparent:
            function = function.parent
        own = _latest(function.attributes.get(receiver, []), at)
        if own is not None:
            return [own]
        if receiver.startswith("self.") and function.klass is not None:
            return [
                value
                for method in function.klass.methods
                if method is not function
                for _, value in method.attributes.get(receiver, [])
            ]
        return []

    def callee_names(self, call: ast.Call, scope: Scope) -> list[str]:
        written = starting_callee(call)
        if written is None:
            return []
        return [written, self.model.qualify(written, scope, start(call))]

    def is_session(self, receiver: str, scope: Scope, at: tuple[int, int]) -> bool:
        values = [v for v in self.values_of(receiver, scope, at) if v.call is not None]
        calls = [(v.call, self.scope_for(v.call, scope)) for v in values]
        for call, call_scope in calls:
            qualified = self.model.qualify(starting_callee(call) or "", call_scope, start(call))
            if qualified.partition(".")[0] in HTTP_PACKAGES:
                return False
        last = receiver.rpartition(".")[2]
        if any(p.fullmatch(receiver) or p.fullmatch(last) for p in self.receivers):
            return True
        for call, call_scope in calls:
            for name in self.callee_names(call, call_scope):
                last_name = name.rpartition(".")[2]
                if any(p.fullmatch(last_name) for p in self.factories):
                    return True
        return False

    def is_cursor(self, receiver: str, scope: Scope, at: tuple[int, int]) -> bool:
        """Named like a DB-API cursor, or bound to a `cursor()` call."""
        if any(p.fullmatch(receiver.rpartition(".")[2]) for p in self.cursor_names):
            return True
        values = [v for v in self.values_of(receiver, scope, at) if v.call is not None]
        if not values:
            return False
        callee = starting_callee(values[-1].call)
        return callee is not None and callee.rpartition(".")[2] == "cursor"

    def scope_for(self, call: ast.Call, default: Scope) -> Scope:
        return self.model.scope_of.get(id(call), default)

    # -- statements --

    def is_write_statement(self, call: ast.Call, scope: Scope, at: tuple[int, int]) -> bool:
        if not call.args or isinstance(call.args[0], ast.Starred):
            return False
        argument = call.args[0]
        sql = sql_literal(argument)
        if sql is not None:
            return starts_with_write(sql)
        if isinstance(argument, ast.Call):
            return self.is_write_call(argument, scope)
        if isinstance(argument, ast.Name):
            # Only a binding in the same function is followed.
            value, _ = self.same_function(argument.id, scope, at)
            return (
                value is not None
                and value.call is not None
                and self.is_write_call(value.call, self.scope_for(value.call, scope))
            )
        return False

    def is_write_call(self, call: ast.Call, scope: Scope) -> bool:
        written = starting_callee(call)
        if written is None:
            return False
        qualified = self.model.qualify(written, scope, start(call))
        return qualified.rpartition(".")[2] in WRITE_STATEMENT_CALLS


def manager_model(receiver: str) -> str | None:
    model, _, manager = receiver.rpartition(".")
    if manager in DJANGO_MANAGERS and model and model != "self":
        return model
    return None


def chain_start(node: ast.expr) -> ast.Call | None:
    """The first call with a name-chain callee met going down a chain of
    calls, attributes and subscripts (`X.objects.filter(...)` for
    `X.objects.filter(...).exclude(...)` and for `X.objects.all()[:5]`: a
    slice of a queryset is a queryset)."""
    while True:
        if isinstance(node, ast.Call):
            if dotted(node.func) is not None:
                return node
            node = node.func
        elif isinstance(node, (ast.Attribute, ast.Subscript)):
            node = node.value
        else:
            return None


def is_django_model(qualified: str, depth: int) -> bool:
    if depth > 8 or qualified not in PROJECT_CLASSES:
        return False
    model, bases = PROJECT_CLASSES[qualified]
    for base in bases:
        if base.rpartition(".")[2] == "Model":
            return True
        if is_django_model(model.qualify(base, model.module_scope, None), depth + 1):
            return True
    return False


def sql_literal(argument: ast.expr, depth: int = MAX_SQL_WRAPPERS) -> str | None:
    """The SQL text an argument starts with: a literal (the left operand of
    `+` or `%`), `"...".format(...)`, or what a wrapper call carries:
    `text(...)` whatever its literal, any other call when its literal opens
    with an SQL keyword, up to four wrappers deep."""
    literal = _string_start(argument)
    if literal is not None:
        return literal
    if not isinstance(argument, ast.Call):
        return None
    call = argument
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr == "format":
        literal = _string_start(func.value)
        if literal is not None:
            return literal if opens_with_sql(literal) else None
    while isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call):
        call = func.value
        func = call.func
    name = dotted(func)
    if name is None or not call.args:
        return None
    first = call.args[0]
    literal = _string_start(first)
    if literal is not None:
        return literal if name.rpartition(".")[2] == "text" or opens_with_sql(literal) else None
    if isinstance(first, ast.Call) and depth > 1:
        return sql_literal(first, depth - 1)
    return None


def opens_with_sql(text: str) -> bool:
    match = re.match(r"[\s(]*([A-Za-z]+)(\s|$)", text)
    return match is not None and match.group(1).upper() in SQL_STATEMENTS


def _string_start(node: ast.expr) -> str | None:
    while isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        node = node.left
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        text = []
        for part in node.values:
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                text.append(part.value)
            else:
                break
        return "".join(text) if text else None
    return None


def starts_with_write(sql: str) -> bool:
    match = re.match(r"\s*([A-Za-z]+)", sql)
    return match is not None and match.group(1).upper() in SQL_WRITE_WORDS


# --- files ------------------------------------------------------------------


def discover(root: Path, source_roots: list[Path]) -> list[PythonFile]:
    files = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if not name.endswith(".py") or name.startswith("."):
                continue
            absolute = Path(folder) / name
            if not absolute.is_file():
                continue
            module, is_package = module_name(absolute, source_roots)
            files.append(
                PythonFile(absolute.relative_to(root).as_posix(), absolute, module, is_package)
            )
    return files


def module_name(path: Path, source_roots: list[Path]) -> tuple[str | None, bool]:
    is_package = path.name == "__init__.py"
    holding = [r for r in source_roots if path.is_relative_to(r)]
    if not holding:
        return None, is_package
    source_root = max(holding, key=lambda r: len(r.parts))
    parts = list(path.relative_to(source_root).with_suffix("").parts)
    if is_package:
        parts.pop()
    if not parts or not all(part.isidentifier() for part in parts):
        return None, is_package
    return ".".join(parts), is_package


def parse(source: bytes) -> ast.Module | None:
    if source.startswith(BOM):
        source = source[len(BOM):]
    try:
        return ast.parse(source.decode("utf-8"))
    except (UnicodeDecodeError, SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def findings_of(model: FileModel) -> list[tuple[str, int, str]]:
    found = []
    covered = model.file.module is not None
    if covered:
        found += [("db-write", line, s) for line, s in DbWrite(model).findings()]
        found += [("import-time", line, s) for line, s in import_time_findings(model)]
    found += [("sys-path", line, s) for line, s in sys_path_findings(model)]
    return found


# --- gate -------------------------------------------------------------------


def run_gate(gate: str, root: Path, source_root: str) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="crosscheck-code-"))
    try:
        for folder, dirs, names in os.walk(root):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            for name in names:
                if name.endswith(".py") and not name.startswith("."):
                    source = Path(folder) / name
                    if not source.is_file():
                        continue
                    target = workdir / source.relative_to(root)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(source, target)
        (workdir / "gate.toml").write_text(GATE_TOML.format(root=json.dumps(source_root)))
        try:
            completed = subprocess.run(
                [gate, "check", "--no-baseline", "--format", "json"],
                cwd=workdir,
                capture_output=True,
                text=True,
                check=False,
            )
        except OSError as error:
            _fail(f"cannot run {gate}: {error}")
        if completed.returncode not in (0, 1):
            sys.stderr.write(completed.stderr)
            _fail(f"`{gate} check --no-baseline --format json` exited with {completed.returncode}")
        try:
            return json.loads(completed.stdout)
        except json.JSONDecodeError as error:
            _fail(f"gate's output is not JSON: {error}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _fail(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)
    sys.exit(2)


# --- PyPI -------------------------------------------------------------------


def fetch_sdist(requirement: str, into: Path) -> Path:
    download = into / "download"
    completed = subprocess.run(
        [
            sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
            "--disable-pip-version-check", "-q", requirement, "-d", str(download),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        sys.stderr.write(completed.stderr)
        _fail(f"cannot download {requirement}")
    archives = sorted(download.iterdir())
    if len(archives) != 1:
        _fail(f"expected one sdist for {requirement}, found {[a.name for a in archives]}")
    unpacked = into / "src"
    archive = archives[0]
    if archive.name.endswith(".zip"):
        with zipfile.ZipFile(archive) as bundle:
            bundle.extractall(unpacked)
    else:
        with tarfile.open(archive) as bundle:
            bundle.extractall(unpacked, filter="data")
    tops = [p for p in unpacked.iterdir() if p.is_dir()]
    return tops[0] if len(tops) == 1 else unpacked


def guess_source_root(root: Path) -> str:
    source = root / "src"
    if source.is_dir() and any((child / "__init__.py").is_file() for child in source.iterdir()):
        return "src"
    return "."


# --- main -------------------------------------------------------------------


def main() -> int:
    # Python-to-Python calls do not use the C stack (3.11): deep expressions
    # (long `+` chains) only need a higher limit.
    sys.setrecursionlimit(100_000)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gate", required=True, help="path to the gate binary")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--root", type=Path, help="the project folder to check")
    where.add_argument("--pypi", metavar="NAME==VERSION", help="check this project's sdist")
    parser.add_argument("--src-root", help="the source root, relative to the project folder")
    parser.add_argument(
        "--known",
        type=Path,
        help="a file of known disagreements, one printed line each (`#` comments): "
        "they do not fail the run, but one that no longer shows up does",
    )
    args = parser.parse_args()
    known = read_known(args.known) if args.known else set()
    gate = os.path.abspath(args.gate) if os.sep in args.gate else args.gate

    with tempfile.TemporaryDirectory(prefix="crosscheck-sdist-") as scratch:
        if args.pypi:
            root = fetch_sdist(args.pypi, Path(scratch))
            print(f"checking {args.pypi} ({root.name})")
        else:
            root = Path(os.path.abspath(args.root))
        source_root = args.src_root or (guess_source_root(root) if args.pypi else ".")
        source_roots = [Path(os.path.normpath(root / source_root))]
        files = discover(root, source_roots)
        report = run_gate(gate, root, source_root)
        return compare(files, report, known)


def read_known(path: Path) -> set[str]:
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return {line for line in lines if line}


def compare(files: list[PythonFile], report: dict, known: set[str]) -> int:
    ours: collections.Counter = collections.Counter()
    parsed = set()
    skipped = 0
    models = []
    for file in files:
        tree = parse(file.absolute.read_bytes())
        if tree is None:
            skipped += 1
            continue
        parsed.add(file.path)
        try:
            model = FileModel(file, tree)
        except RecursionError:
            parsed.discard(file.path)
            skipped += 1
            continue
        models.append(model)
        if file.module is not None:
            PROJECT_MODULES[file.module] = model
            for node in model.module_class_nodes:
                bases = [b for b in map(dotted, node.bases) if b is not None]
                PROJECT_CLASSES[f"{file.module}.{node.name}"] = (model, bases)
    for model in models:
        for kind, line, subject in findings_of(model):
            ours[(kind, model.file.path, line, subject)] += 1
    theirs: collections.Counter = collections.Counter()
    for violation in report["violations"]:
        if violation["kind"] in KINDS and violation["path"] in parsed:
            key = (violation["kind"], violation["path"], violation["line"], violation["subject"])
            theirs[key] += 1

    found = [f"only in gate ({count}x): {_describe(key)}" for key, count in sorted((theirs - ours).items())]
    found += [f"only in python ({count}x): {_describe(key)}" for key, count in sorted((ours - theirs).items())]
    disagreements = 0
    for line in found:
        if line in known:
            print(f"known: {line}")
        else:
            print(line)
            disagreements += 1
    for line in sorted(known - set(found)):
        print(f"known but gone (update the --known file): {line}")
        disagreements += 1
    print(
        f"files: {len(files)} found, {skipped} skipped (not parseable by Python "
        f"{sys.version_info.major}.{sys.version_info.minor} or not UTF-8)"
    )
    total_compared = total_agree = 0
    for kind in KINDS:
        mine = collections.Counter({k: v for k, v in ours.items() if k[0] == kind})
        gates = collections.Counter({k: v for k, v in theirs.items() if k[0] == kind})
        compared = sum((mine | gates).values())
        agree = sum((mine & gates).values())
        total_compared += compared
        total_agree += agree
        print(f"{kind}: {compared} compared, {agree} agree ({_percent(agree, compared)})")
    print(
        f"code rules: {total_compared} compared, {total_agree} agree "
        f"({_percent(total_agree, total_compared)})"
    )
    return 1 if disagreements else 0


def _percent(agree: int, compared: int) -> str:
    return f"{100.0 * agree / compared if compared else 100.0:.1f}%"


def _describe(key: tuple[str, str, int, str]) -> str:
    kind, path, line, subject = key
    return f"{path}:{line}: {kind} {subject}"


if __name__ == "__main__":
    sys.exit(main())
