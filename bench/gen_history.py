#!/usr/bin/env python3
"""Generate a git repository whose baseline.json changed in many commits, to
time `gate baseline history`.

    python3 bench/gen_history.py OUT_DIR [--commits 500] [--entries 400]

OUT_DIR becomes a git repository with a minimal gate.toml and one commit per
step: the first baseline holds ENTRIES entries over eight rules (counts 1-3);
each later commit drops an entry or raises a count, and one commit in fifty
leaves the file corrupt (a merge conflict), which gate must name and skip.
Commits are eight hours apart from 2025-01-01, under a fixed identity, so
the same arguments give the same commit hashes.
"""

import argparse
import json
import os
import subprocess


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--commits", type=int, default=500)
    parser.add_argument("--entries", type=int, default=400)
    args = parser.parse_args()
    os.makedirs(args.out)
    env = dict(
        os.environ,
        GIT_CONFIG_GLOBAL="/dev/null",
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="Bench",
        GIT_AUTHOR_EMAIL="bench@example.com",
        GIT_COMMITTER_NAME="Bench",
        GIT_COMMITTER_EMAIL="bench@example.com",
    )

    def git(*command):
        subprocess.run(["git", "-C", args.out, *command], check=True, env=env)

    git("init", "-q", "-b", "main")
    with open(os.path.join(args.out, "gate.toml"), "w") as config:
        config.write('[project]\nroots = ["."]\n')
    entries = [
        {
            "rule": f"rule-{i % 8}",
            "path": f"app/module_{i}.py",
            "scope": "<module>",
            "subject": f"app.other_{i}",
            "count": 1 + i % 3,
            "message": "import of a module of a higher layer: see the layers contract",
        }
        for i in range(args.entries)
    ]
    baseline = os.path.join(args.out, "baseline.json")
    for step in range(args.commits):
        if step and entries:
            victim = (step * 7) % len(entries)
            if step % 3:
                entries.pop(victim)
            else:
                entries[victim]["count"] += 1
        with open(baseline, "w") as file:
            if step % 50 == 7:
                file.write('<<<<<<< HEAD\n{"version": 1,\n')
            else:
                json.dump({"version": 1, "entries": entries}, file, indent=2)
                file.write("\n")
        date = f"{1735689600 + step * 8 * 3600} +0000"
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date
        git("add", "-A")
        git("commit", "-q", "-m", f"Step {step}: pay down some debt")


if __name__ == "__main__":
    main()
