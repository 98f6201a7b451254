#!/usr/bin/env python3
"""Generate a synthetic layered Python code base for benchmarking gate.

    python3 bench/gen_synthetic.py OUT_DIR [--files 20000] [--seed 1]

writes OUT_DIR/synth/... (N .py files, `__init__.py` included) plus three
equivalent configs for the same layers contract:

    OUT_DIR/gate.toml       gate
    OUT_DIR/.importlinter   import-linter (lint-imports)
    OUT_DIR/tach.toml       tach

The package has five layers, top first: synth.api > synth.workers >
synth.services > synth.domain > synth.platform. Each layer holds
subpackages of 10-40 modules, some nested one level deeper. Every module
has a docstring, 4-14 imports of every form gate reads (stdlib, third-party,
absolute `import a.b`, `from a.b import c`, `from pkg import submodule`,
relative `from . import x` / `from .x import Y` / `from ..pkg import z`,
imports inside functions, imports under `if TYPE_CHECKING:`, imports inside
`try/except ImportError`), then classes and functions, so that file sizes
(~70-150 lines) look like application code. Imports point down the layers or
sideways within the same subpackage, except for about 1% of the modules,
which import a module of a higher layer (the violations); one comment per
module names a higher-layer module, which no tool should report.

The output is a function of (files, seed) only: same arguments, same bytes.
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

LAYERS = ["api", "workers", "services", "domain", "platform"]
# Share of the modules in each layer, top first.
LAYER_SHARE = [0.22, 0.08, 0.25, 0.25, 0.20]
WORDS = (
    "account alert audit billing cache catalog channel checkout contract customer "
    "delivery device escalation event export feature feed grant identity intake "
    "incident inventory invoice ledger limit listing member message metric notice "
    "order payment plan policy price profile quota rating refund region report "
    "route rule schedule search session shift signal sku storage subscription "
    "tenant ticket token usage user vendor webhook window workflow"
).split()
STDLIB = [
    "import os",
    "import re",
    "import json",
    "import time",
    "import uuid",
    "import hashlib",
    "import itertools",
    "from collections import defaultdict",
    "from dataclasses import dataclass, field",
    "from datetime import datetime, timedelta, timezone",
    "from decimal import Decimal",
    "from enum import Enum",
    "from functools import lru_cache",
    "from pathlib import Path",
    "from typing import Any, Iterable, Optional",
]
THIRD_PARTY = {
    "api": ["from fastapi import APIRouter, Depends, HTTPException", "from pydantic import BaseModel"],
    "workers": ["import redis", "from celery import shared_task"],
    "services": ["from sqlalchemy.orm import Session", "import httpx"],
    "domain": ["from pydantic import BaseModel", "import attrs"],
    "platform": ["from sqlalchemy import Column, Integer, String", "from sqlalchemy.orm import declarative_base"],
}


class Module:
    __slots__ = ("layer", "package", "name", "path", "names", "is_init")

    def __init__(self, layer: int, package: tuple[str, ...], name: str, is_init: bool = False):
        self.layer = layer
        self.package = package  # dotted parts of the containing package
        self.name = name
        self.is_init = is_init
        self.path = Path(*package, "__init__.py") if is_init else Path(*package, f"{name}.py")
        self.names: list[str] = []  # public names defined in the module

    @property
    def dotted(self) -> str:
        return ".".join(self.package) if self.is_init else ".".join((*self.package, self.name))


def plan(files: int, rng: random.Random) -> list[Module]:
    """Decide every module (and package `__init__`) of the tree."""
    modules: list[Module] = [Module(-1, ("synth",), "__init__", is_init=True)]
    budget = files - 1
    for layer, share in enumerate(LAYER_SHARE):
        layer_pkg = ("synth", LAYERS[layer])
        modules.append(Module(layer, layer_pkg, "__init__", is_init=True))
        want = max(2, round(budget * share)) - 1
        if layer == len(LAYERS) - 1:
            want = files - len(modules)
        used: set[str] = set()
        count = 0
        while count < want:
            word = rng.choice(WORDS)
            suffix = 2
            base = word
            while word in used:
                word = f"{base}{suffix}"
                suffix += 1
            used.add(word)
            package = (*layer_pkg, word)
            size = min(rng.randint(10, 40), want - count)
            if size < 2:
                package = layer_pkg
            else:
                modules.append(Module(layer, package, "__init__", is_init=True))
                count += 1
                size -= 1
            names: set[str] = set()
            nested = rng.random() < 0.3 and size > 8
            for i in range(size):
                target = package
                if nested and i >= size // 2:
                    target = (*package, "core")
                    if i == size // 2:
                        modules.append(Module(layer, target, "__init__", is_init=True))
                        count += 1
                        continue
                name = rng.choice(WORDS) + "_" + rng.choice(["service", "repo", "handler", "views", "models", "utils", "schemas", "tasks", "client", "rules"])
                while name in names:
                    name += "_x"
                names.add(name)
                modules.append(Module(layer, target, name))
                count += 1
    assert len(modules) == files, (len(modules), files)
    for module in modules:
        module.names = [
            f"{rng.choice(WORDS).title()}{rng.choice(['Service', 'Record', 'Handler', 'Policy', 'Schema'])}",
            f"{rng.choice(['get', 'make', 'load', 'find', 'sync', 'build'])}_{rng.choice(WORDS)}",
        ]
    return modules


def relative(importer: Module, target: Module) -> str | None:
    """`from .x import Y` style text when `target` is near `importer`, else None."""
    here = importer.package
    there = target.package if target.is_init else target.package
    if there == here and not target.is_init:
        return f"from .{target.name} import {target.names[0]}"
    if len(here) >= 2 and there == here[:-1] and not target.is_init:
        return f"from ..{target.name} import {target.names[1]}"
    return None


def render(module: Module, imports: list[str], lazy: list[str], type_only: list[str],
           optional: list[str], mention: str | None, rng: random.Random) -> str:
    word = module.name if not module.is_init else module.package[-1]
    lines = [f'"""{LAYERS[module.layer] if module.layer >= 0 else "synth"} layer: {word.replace("_", " ")}.']
    lines.append("")
    lines.append(f"Generated by bench/gen_synthetic.py; {len(imports)} imports.")
    lines.append('"""')
    lines.append("")
    lines.append("from __future__ import annotations")
    lines.append("")
    if "import logging" not in imports:
        imports = ["import logging", *imports]
    lines.extend(imports)
    if type_only:
        lines.append("from typing import TYPE_CHECKING")
        lines.append("")
        lines.append("if TYPE_CHECKING:")
        lines.extend(f"    {line}" for line in type_only)
    if optional:
        lines.append("")
        lines.append("try:")
        lines.extend(f"    {line}" for line in optional)
        lines.append("except ImportError:  # optional dependency")
        lines.append("    pass")
    lines.append("")
    if mention:
        lines.append(f"# Do not import {mention} here: it lives in a higher layer.")
    lines.append("log = logging.getLogger(__name__)")
    lines.append(f"DEFAULT_LIMIT = {rng.randint(10, 500)}")
    lines.append("")
    cls, fn = module.names
    lines.append("")
    lines.append(f"class {cls}:")
    lines.append(f'    """Handles {word.replace("_", " ")} records."""')
    lines.append("")
    lines.append("    def __init__(self, store=None, limit=DEFAULT_LIMIT):")
    lines.append("        self.store = store if store is not None else {}")
    lines.append("        self.limit = limit")
    lines.append("        self.seen = 0")
    for method in rng.sample(["get", "put", "remove", "count", "page", "touch", "export", "merge"], rng.randint(3, 6)):
        lines.append("")
        lines.append(f"    def {method}(self, key, value=None):")
        lines.append(f"        self.seen += 1")
        lines.append(f"        if self.seen > self.limit:")
        lines.append(f"            log.warning('%s: over limit (%d)', {method!r}, self.limit)")
        lines.append(f"        current = self.store.get(key)")
        lines.append(f"        if value is not None:")
        lines.append(f"            self.store[key] = value")
        lines.append(f"        return current")
    lines.append("")
    lines.append("")
    lines.append(f"def {fn}(items, *, strict=False):")
    lines.append(f'    """Return the {word.replace("_", " ")} items that pass the checks."""')
    for line in lazy:
        lines.append(f"    {line}")
    lines.append("    result = []")
    lines.append("    for index, item in enumerate(items):")
    lines.append("        if item is None:")
    lines.append("            if strict:")
    lines.append("                raise ValueError(f'item {index} is missing')")
    lines.append("            continue")
    lines.append("        result.append(item)")
    lines.append("    return result")
    for extra in range(rng.randint(1, 4)):
        lines.append("")
        lines.append("")
        lines.append(f"def _helper_{extra}(value, factor={rng.randint(2, 9)}):")
        lines.append(f"    text = str(value).strip().lower()")
        lines.append(f"    return {{'value': text, 'score': len(text) * factor, 'tag': {rng.choice(WORDS)!r}}}")
    lines.append("")
    return "\n".join(lines)


def generate(out: Path, files: int, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    modules = plan(files, rng)
    by_layer: list[list[Module]] = [[m for m in modules if m.layer == i and not m.is_init] for i in range(len(LAYERS))]
    by_package: dict[tuple[str, ...], list[Module]] = {}
    for m in modules:
        if not m.is_init:
            by_package.setdefault(m.package, []).append(m)
    packages = {m.package: m for m in modules if m.is_init}
    stats = {"files": 0, "imports": 0, "violations": 0, "lazy": 0, "type_only": 0}
    if (out / "synth").exists():
        shutil.rmtree(out / "synth")
    for module in modules:
        imports: list[str] = []
        lazy: list[str] = []
        type_only: list[str] = []
        optional: list[str] = []
        mention = None
        if module.layer >= 0 and not module.is_init:
            imports.append("import logging")
            imports.extend(sorted(rng.sample(STDLIB, rng.randint(1, 4))))
            imports.extend(rng.sample(THIRD_PARTY[LAYERS[module.layer]], rng.randint(0, 2)))
            # Sideways: siblings in the same package (relative), or parent package.
            siblings = [m for m in by_package.get(module.package, []) if m is not module]
            for sibling in rng.sample(siblings, min(len(siblings), rng.randint(0, 3))):
                text = relative(module, sibling)
                imports.append(text or f"from {sibling.package and '.'.join(sibling.package)} import {sibling.name}")
            if len(module.package) > 3 and rng.random() < 0.5:
                parent_mods = by_package.get(module.package[:-1], [])
                if parent_mods:
                    imports.append(relative(module, rng.choice(parent_mods)) or "")
            # Downward: modules of lower layers, in the absolute forms.
            lower = [i for i in range(module.layer + 1, len(LAYERS))]
            for _ in range(rng.randint(1, 5) if lower else 0):
                target = rng.choice(by_layer[rng.choice(lower)])
                form = rng.random()
                if form < 0.45:
                    imports.append(f"from {target.dotted} import {target.names[rng.randint(0, 1)]}")
                elif form < 0.75:
                    imports.append(f"from {'.'.join(target.package)} import {target.name}")
                elif form < 0.9:
                    imports.append(f"import {target.dotted}")
                else:
                    imports.append(f"import {target.dotted} as {target.name}_mod")
            if lower and rng.random() < 0.15:
                target = rng.choice(by_layer[rng.choice(lower)])
                lazy.append(f"from {target.dotted} import {target.names[1]}")
            if lower and rng.random() < 0.10:
                target = rng.choice(by_layer[rng.choice(lower)])
                type_only.append(f"from {target.dotted} import {target.names[0]}")
            if rng.random() < 0.05:
                optional.append("import orjson as _json_fast")
            # Upward imports: the violations (about 1% of modules), and a
            # comment naming a higher-layer module in every module that has one.
            higher = list(range(0, module.layer))
            if higher:
                mention = rng.choice(by_layer[rng.choice(higher)]).dotted
                if rng.random() < 0.01:
                    target = rng.choice(by_layer[rng.choice(higher)])
                    imports.append(f"from {target.dotted} import {target.names[0]}")
                    stats["violations"] += 1
            imports = [line for line in dict.fromkeys(imports) if line]
        elif module.is_init and module.package in packages and module.layer >= 0:
            children = by_package.get(module.package, [])[:3]
            imports.extend(f"from .{child.name} import {child.names[0]}" for child in children)
        stats["imports"] += len(imports) + len(lazy) + len(type_only) + len(optional)
        stats["lazy"] += len(lazy)
        stats["type_only"] += len(type_only)
        path = out / module.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(module, imports, lazy, type_only, optional, mention, rng))
        stats["files"] += 1
    write_configs(out)
    return stats


def write_configs(out: Path) -> None:
    layers = [f"synth.{name}" for name in LAYERS]
    gate = ['[project]', 'roots = ["."]', 'include = ["synth"]', 'type-checking-imports = "ignore"', ""]
    for name, module in zip(LAYERS, layers):
        gate += ["[[layer]]", f'name = "{name}"', f'modules = ["{module}"]', ""]
    (out / "gate.toml").write_text("\n".join(gate))
    importlinter = [
        "[importlinter]",
        "root_package = synth",
        "exclude_type_checking_imports = True",
        "",
        "[importlinter:contract:layers]",
        "name = Synthetic layers",
        "type = layers",
        "layers =",
        *[f"    {module}" for module in layers],
        "",
    ]
    (out / ".importlinter").write_text("\n".join(importlinter))
    tach = [
        'source_roots = ["."]',
        'exclude = []',
        f"layers = [{', '.join(repr(n).replace(chr(39), chr(34)) for n in LAYERS)}]",
        "ignore_type_checking_imports = true",
        'root_module = "ignore"',
        "",
    ]
    for name, module in zip(LAYERS, layers):
        tach += ["[[modules]]", f'path = "{module}"', f'layer = "{name}"', ""]
    tach += ["[[modules]]  # catch-all, so that tach parses synth/__init__.py too", 'path = "synth"', ""]
    (out / "tach.toml").write_text("\n".join(tach))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path, help="folder to write (its synth/ is replaced)")
    parser.add_argument("--files", type=int, default=20_000, help="number of .py files (default 20000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = parser.parse_args()
    if args.files < 20:
        parser.error("--files must be at least 20")
    args.out.mkdir(parents=True, exist_ok=True)
    stats = generate(args.out, args.files, args.seed)
    print(
        f"wrote {stats['files']} files to {args.out}/synth: {stats['imports']} imports "
        f"({stats['lazy']} in functions, {stats['type_only']} type-only), "
        f"{stats['violations']} upward (violating) imports"
    )


if __name__ == "__main__":
    main()
