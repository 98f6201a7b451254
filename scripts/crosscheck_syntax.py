#!/usr/bin/env python3
"""Cross-checks gate's `syntax-error` findings against the running Python.

For a fixture tree whose gate.toml sets `[project] target-version` to the
running interpreter's version (CI runs it with python3.11), every .py file
that `compile()` rejects (what `python -m py_compile` does) must be reported
by `gate check` as a syntax-error, and no other file may be. Exits 1 on any
disagreement, 2 when the tree's target is not this Python.
"""

import argparse
import json
import subprocess
import sys
import tomllib
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--gate", required=True, help="path to the gate binary")
    parser.add_argument("--root", required=True, help="the tree holding gate.toml")
    args = parser.parse_args()
    root = Path(args.root)
    config = tomllib.loads((root / "gate.toml").read_text())
    running = "%d.%d" % sys.version_info[:2]
    target = config.get("project", {}).get("target-version")
    if target != running:
        print(f"{root}: target-version is {target!r}, this is Python {running}")
        return 2

    python_rejects = set()
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        try:
            compile(path.read_bytes(), relative, "exec", dont_inherit=True)
        except SyntaxError:
            python_rejects.add(relative)

    output = subprocess.run(
        [args.gate, "check", "--no-baseline", "--format", "json"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    if output.returncode not in (0, 1):
        print(output.stderr, file=sys.stderr)
        return 1
    report = json.loads(output.stdout)
    gate_rejects = {
        v["path"] for v in report["violations"] if v["kind"] == "syntax-error"
    }

    files = len(list(root.rglob("*.py")))
    agree = files - len(python_rejects ^ gate_rejects)
    for path in sorted(python_rejects - gate_rejects):
        print(f"  only Python {running} rejects {path}")
    for path in sorted(gate_rejects - python_rejects):
        print(f"  only gate rejects {path}")
    print(
        f"{root}: {files} files, {len(python_rejects)} rejected by Python {running}, "
        f"{len(gate_rejects)} by gate: {agree} agree ({100.0 * agree / max(files, 1):.1f}%)"
    )
    return 0 if python_rejects == gate_rejects else 1


if __name__ == "__main__":
    sys.exit(main())
