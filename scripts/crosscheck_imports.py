#!/usr/bin/env python3
"""Cross-check gate's import graph against CPython's own parser.

Extracts every import of every ``.py`` file under the source roots with the
standard library's ``ast``, resolves each one with an independent
implementation of Python's import rules, and compares the result with the
output of ``gate graph --format json`` run in the project root.

    python3 scripts/crosscheck_imports.py --root PROJECT --src-root backend \\
        --gate target/release/gate

Compared: the multiset of (path, line, target, type_checking) over the files
both sides analysed; the import statement and module pairs, each one finding
for gate's import rules (``from m import a, b`` that both resolve to ``m`` is
one, reported on the line of ``m``; names that are submodules are one each,
on their own line); and, for every target both sides found, whether it is
internal. Prints every disagreement and a summary line
``imports: N compared, N agree (P%)``; exits 1 on any disagreement, 2 when
gate cannot be run. ``--gate-json FILE`` reads gate's output from a file
instead of running it.

Rules implemented here (independently of gate's Rust code):

- Module of a file: its path below the deepest source root holding it,
  ``/`` to ``.``, without ``.py``; ``pkg/__init__.py`` is ``pkg``; none when
  a part is not an identifier (``my-tool/x.py``).
- A module file ``x.py`` beside a package ``x/__init__.py`` has no module:
  asked for ``x`` in that folder, CPython's own path finder
  (``importlib.machinery.PathFinder``, which reads the folder and runs
  nothing) finds the package, so the file is unreachable.
- The project's modules: every file's module and every package above it, so
  namespace folders (no ``__init__.py``) count as packages.
- ``import a.b.c`` targets ``a.b.c``.
- ``from M import n`` (M possibly relative) targets ``M.n`` when that is a
  module or package of the project, else ``M``; ``from M import *`` targets
  ``M``. A target that is internal (it or a package above it is a module of
  the project) but not itself a module of the project is cut back to its
  longest prefix that is one: the name is an attribute of that module (or an
  ImportError), never a module of its own. A relative M is anchored like ``importlib._bootstrap._resolve_name``:
  the importer's package (the module itself for an ``__init__.py``), one
  package up per extra dot; beyond the top, or in a file outside every source
  root, the import is unresolvable and left out.
- Dynamic imports with a string literal: ``importlib.import_module("a.b")``
  (``importlib`` or any alias of it), a name bound by ``from importlib import
  import_module [as x]``, and ``__import__("a.b")``. A relative literal counts
  only for ``import_module`` with ``package=__package__`` or ``__name__``.
- type_checking: the body of ``if TYPE_CHECKING:`` (the bare name counts even
  when not imported), ``if typing.TYPE_CHECKING:`` with any alias of
  ``typing``/``typing_extensions``, or a name imported as ``from typing import
  TYPE_CHECKING as TC``, and the ``else`` of ``if not TYPE_CHECKING:``;
  ``elif``/``else`` of ``if TYPE_CHECKING:`` are run time; nesting inherits.
- internal: the target, or a package above it, is a module of the project.

Intentional differences, not counted as disagreements:

- Files that CPython 3.11 cannot parse (syntax errors, and newer syntax such
  as PEP 695 ``type`` statements or PEP 810 ``lazy import``) are skipped on
  both sides: gate still reports what its error-recovering parser found.
- Files that are not valid UTF-8 (even with a PEP 263 coding line) are
  skipped: gate reports them as syntax errors with no imports.
- Files only one side analysed are listed as a count, not compared: gate
  honours ``.gitignore`` and the config's include/exclude globs, this script
  walks every ``.py`` file under the source roots (skipping hidden
  folders). The project's module set comes from that walk, so an excluded
  module can make a ``from pkg import name`` resolve differently; point the
  script at a config without excludes for an exact comparison.
"""

from __future__ import annotations

import argparse
import ast
import collections
import importlib.machinery
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class RawImport:
    """One import as written, before resolution."""

    line: int
    # The line of the statement's module name (or first dot) for `from M
    # import ...`, else `line`: where gate reports a finding about it.
    module_line: int
    # Tells the statements of one file apart.
    statement_id: int
    # "import", "from" or "dynamic"
    statement: str
    module: str
    level: int
    # For `from M import name`; "*" for a star import.
    name: str | None
    type_checking: bool


class ImportExtractor(ast.NodeVisitor):
    """Collects imports in source order, tracking the TYPE_CHECKING context
    and the names bound to typing / importlib."""

    def __init__(self) -> None:
        self.imports: list[RawImport] = []
        self.type_checking = False
        self.typing_names = {"typing", "typing_extensions"}
        self.type_checking_names = {"TYPE_CHECKING"}
        self.importlib_names = {"importlib"}
        self.import_module_names: set[str] = set()

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.asname and alias.name in ("typing", "typing_extensions"):
                self.typing_names.add(alias.asname)
            if alias.asname and alias.name == "importlib":
                self.importlib_names.add(alias.asname)
            self._add(alias.lineno, alias.lineno, id(alias), "import", alias.name, 0, None)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        for alias in node.names:
            local = alias.asname or alias.name
            if node.level == 0:
                if module in ("typing", "typing_extensions") and alias.name == "TYPE_CHECKING":
                    self.type_checking_names.add(local)
                if module == "importlib" and alias.name == "import_module":
                    self.import_module_names.add(local)
            self._add(alias.lineno, node.lineno, id(node), "from", module, node.level, alias.name)

    def visit_If(self, node: ast.If) -> None:
        self.visit(node.test)
        outer = self.type_checking
        body, orelse = outer, outer
        if self._is_type_checking(node.test):
            body = True
        elif (
            isinstance(node.test, ast.UnaryOp)
            and isinstance(node.test.op, ast.Not)
            and self._is_type_checking(node.test.operand)
        ):
            orelse = True
        self.type_checking = body
        for stmt in node.body:
            self.visit(stmt)
        # An `elif` is an `If` inside `orelse`, so a chain recurses here.
        self.type_checking = orelse
        for stmt in node.orelse:
            self.visit(stmt)
        self.type_checking = outer

    def visit_Call(self, node: ast.Call) -> None:
        found = self._dynamic_import(node)
        if found is not None:
            module, level = found
            self._add(node.lineno, node.lineno, id(node), "dynamic", module, level, None)
        self.generic_visit(node)

    def _is_type_checking(self, test: ast.expr) -> bool:
        if isinstance(test, ast.Name):
            return test.id in self.type_checking_names
        return (
            isinstance(test, ast.Attribute)
            and test.attr == "TYPE_CHECKING"
            and isinstance(test.value, ast.Name)
            and test.value.id in self.typing_names
        )

    def _dynamic_import(self, node: ast.Call) -> tuple[str, int] | None:
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr == "import_module"
            and isinstance(func.value, ast.Name)
            and func.value.id in self.importlib_names
        ):
            takes_package = True
        elif isinstance(func, ast.Name) and func.id == "__import__":
            takes_package = False
        elif isinstance(func, ast.Name) and func.id in self.import_module_names:
            takes_package = True
        else:
            return None
        name = _argument(node, "name", 0)
        if not (isinstance(name, ast.Constant) and isinstance(name.value, str)):
            return None
        module = name.value.lstrip(".")
        level = len(name.value) - len(module)
        if module and "" in module.split("."):
            return None
        if level == 0:
            return (module, 0) if module else None
        if not takes_package:
            return None
        package = _argument(node, "package", 1)
        if isinstance(package, ast.Name) and package.id in ("__package__", "__name__"):
            return (module, level)
        return None

    def _add(
        self,
        line: int,
        module_line: int,
        statement_id: int,
        statement: str,
        module: str,
        level: int,
        name: str | None,
    ) -> None:
        self.imports.append(
            RawImport(line, module_line, statement_id, statement, module, level, name, self.type_checking)
        )


def _argument(call: ast.Call, keyword: str, position: int) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    positional = []
    for arg in call.args:
        if isinstance(arg, ast.Starred):
            break
        positional.append(arg)
    return positional[position] if position < len(positional) else None


def extract_imports(source: bytes) -> list[RawImport] | None:
    """The imports of one file, or None when the file is skipped (not UTF-8,
    or not parseable by this Python)."""
    if source.startswith(BOM):
        source = source[len(BOM):]
    try:
        text = source.decode("utf-8")
        tree = ast.parse(text)
    except (UnicodeDecodeError, SyntaxError, ValueError):
        return None
    extractor = ImportExtractor()
    extractor.visit(tree)
    return extractor.imports


@dataclass(frozen=True)
class PythonFile:
    path: str  # relative to the project root, `/`-separated
    absolute: Path
    module: str | None
    is_package: bool


def discover(root: Path, source_roots: list[Path]) -> list[PythonFile]:
    found: dict[Path, Path] = {}
    for source_root in source_roots:
        for folder, dirs, names in os.walk(source_root):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in names:
                if name.endswith(".py") and not name.startswith("."):
                    absolute = Path(os.path.abspath(os.path.join(folder, name)))
                    best = found.get(absolute)
                    if best is None or len(source_root.parts) > len(best.parts):
                        found[absolute] = source_root
    files = []
    for absolute, source_root in sorted(found.items()):
        parts = list(absolute.relative_to(source_root).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts.pop()
        # A file whose path is not made of identifiers cannot be imported.
        importable = bool(parts) and all(part.isidentifier() for part in parts)
        if importable and not is_package and _shadowed(absolute):
            importable = False
        files.append(
            PythonFile(
                path=absolute.relative_to(root).as_posix(),
                absolute=absolute,
                module=".".join(parts) if importable else None,
                is_package=is_package,
            )
        )
    return files


def _shadowed(absolute: Path) -> bool:
    """Python finds something else than this module file under its name."""
    spec = importlib.machinery.PathFinder.find_spec(absolute.stem, [str(absolute.parent)])
    return spec is not None and spec.origin is not None and Path(spec.origin) != absolute


class Resolver:
    def __init__(self, files: list[PythonFile]) -> None:
        self.modules: set[str] = set()
        for file in files:
            if file.module is None:
                continue
            parts = file.module.split(".")
            for end in range(1, len(parts) + 1):
                self.modules.add(".".join(parts[:end]))

    def is_internal(self, target: str) -> bool:
        parts = target.split(".")
        return any(".".join(parts[:end]) in self.modules for end in range(1, len(parts) + 1))

    def resolve(self, file: PythonFile, raw: RawImport) -> str | None:
        resolved = self.resolve_to(file, raw)
        return resolved[0] if resolved else None

    def resolve_to(self, file: PythonFile, raw: RawImport) -> tuple[str, bool] | None:
        """The target and whether it is the submodule a `from` import names."""
        if raw.level == 0:
            base = raw.module
        else:
            anchor = self._anchor(file, raw.level)
            if anchor is None:
                return None
            base = f"{anchor}.{raw.module}" if raw.module else anchor
        if not base:
            return None
        if raw.statement != "from" or raw.name == "*":
            return self._existing(base), False
        submodule = f"{base}.{raw.name}"
        return (submodule, True) if submodule in self.modules else (self._existing(base), False)

    def _existing(self, target: str) -> str:
        """An internal target cut back to its longest prefix that is a module."""
        parts = target.split(".")
        for end in range(len(parts), 0, -1):
            prefix = ".".join(parts[:end])
            if prefix in self.modules:
                return prefix
        return target

    @staticmethod
    def _anchor(file: PythonFile, level: int) -> str | None:
        if file.module is None:
            return None
        package = file.module if file.is_package else file.module.rpartition(".")[0]
        if not package:
            return None
        bits = package.rsplit(".", level - 1)
        if len(bits) < level:
            return None
        return bits[0]


def run_gate(gate: str, root: Path) -> dict:
    try:
        completed = subprocess.run(
            [gate, "graph", "--format", "json"],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError as error:
        _fail(f"cannot run {gate}: {error}")
    if completed.returncode != 0:
        sys.stderr.write(completed.stderr)
        _fail(f"`{gate} graph --format json` exited with {completed.returncode}")
    return json.loads(completed.stdout)


def _fail(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)
    sys.exit(2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", required=True, type=Path, help="the project root (holds the config)")
    parser.add_argument(
        "--src-root",
        action="append",
        required=True,
        type=Path,
        help="a source root, relative to --root or absolute (repeatable)",
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--gate", help="path to the gate binary")
    source.add_argument("--gate-json", type=Path, help="gate's saved `graph --format json` output")
    args = parser.parse_args()

    root = Path(os.path.abspath(args.root))
    source_roots = [Path(os.path.abspath(root / r)) for r in args.src_root]
    files = discover(root, source_roots)
    resolver = Resolver(files)
    report = json.loads(args.gate_json.read_text()) if args.gate_json else run_gate(args.gate, root)
    gate_files = {entry["path"]: entry for entry in report["files"]}

    disagreements: list[str] = []
    ours: collections.Counter = collections.Counter()
    theirs: collections.Counter = collections.Counter()
    # One unit per import statement and imported module: what a finding is.
    units_ours: collections.Counter = collections.Counter()
    units_theirs: collections.Counter = collections.Counter()
    internal_ours: dict[str, bool] = {}
    internal_theirs: dict[str, set[bool]] = collections.defaultdict(set)
    skipped = only_here = 0
    for file in files:
        entry = gate_files.pop(file.path, None)
        if entry is None:
            only_here += 1
            continue
        if entry["module"] != file.module:
            disagreements.append(
                f"module of {file.path}: gate {entry['module']!r}, python {file.module!r}"
            )
        raw_imports = extract_imports(file.absolute.read_bytes())
        if raw_imports is None:
            skipped += 1
            continue
        statements_ours: set[tuple[int, int, str]] = set()
        for raw in raw_imports:
            resolved = resolver.resolve_to(file, raw)
            if resolved is not None:
                target, submodule = resolved
                ours[(file.path, raw.line, target, raw.type_checking)] += 1
                internal_ours[target] = resolver.is_internal(target)
                line = raw.line if submodule else raw.module_line
                statements_ours.add((raw.statement_id, line, target))
        for _, line, target in statements_ours:
            units_ours[(file.path, line, target)] += 1
        statements_theirs: set[tuple[int, int, str]] = set()
        for imported in entry["imports"]:
            target = imported["target"]
            theirs[(file.path, imported["line"], target, imported["type_checking"])] += 1
            internal_theirs[target].add(imported["internal"])
            statements_theirs.add((imported["finding_line"], imported["finding_column"], target))
        for line, _, target in statements_theirs:
            units_theirs[(file.path, line, target)] += 1

    for key, count in sorted((theirs - ours).items()):
        disagreements.append(f"only in gate ({count}x): {_describe(key)}")
    for key, count in sorted((ours - theirs).items()):
        disagreements.append(f"only in python ({count}x): {_describe(key)}")
    for key, count in sorted((units_theirs - units_ours).items()):
        disagreements.append(f"statement only in gate ({count}x): {_describe_unit(key)}")
    for key, count in sorted((units_ours - units_theirs).items()):
        disagreements.append(f"statement only in python ({count}x): {_describe_unit(key)}")
    for target, flags in sorted(internal_theirs.items()):
        if target in internal_ours and flags != {internal_ours[target]}:
            disagreements.append(
                f"internal flag of {target}: gate {sorted(flags)}, python {internal_ours[target]}"
            )

    for line in disagreements:
        print(line)
    compared = sum((ours | theirs).values())
    agree = sum((ours & theirs).values())
    percent = 100.0 * agree / compared if compared else 100.0
    print(
        f"files: {len(files)} found, {skipped} skipped (not parseable by Python "
        f"{sys.version_info.major}.{sys.version_info.minor} or not UTF-8), "
        f"{only_here} not analysed by gate, {len(gate_files)} only in gate"
    )
    print(f"imports: {compared} compared, {agree} agree ({percent:.1f}%)")
    units = sum((units_ours | units_theirs).values())
    units_agree = sum((units_ours & units_theirs).values())
    print(f"statement and module pairs (one finding each): {units} compared, {units_agree} agree")
    return 1 if disagreements else 0


def _describe_unit(key: tuple[str, int, str]) -> str:
    path, line, target = key
    return f"{path}:{line} -> {target} (one statement)"


def _describe(key: tuple[str, int, str, bool]) -> str:
    path, line, target, type_checking = key
    return f"{path}:{line} -> {target}" + (" [TYPE_CHECKING]" if type_checking else "")


if __name__ == "__main__":
    sys.exit(main())
