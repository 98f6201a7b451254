#!/usr/bin/env bash
# Issue 12's figures: gate cold and warm against the parse floor, import-linter
# (lint-imports), tach and ruff, on the data sets bench/run.sh sets up. Not
# run in CI; results go in bench/RESULTS.md by hand.
#
#   bench/speed.sh                     all data sets of run.sh
#   bench/speed.sh NAME=DIR...         these folders (each with a gate.toml;
#                                      gate-all.toml, .importlinter and
#                                      tach.toml are used when present)
#
# Environment: RUNS (default 10), WARMUP (default 3), GATE (default
# target/release/gate, built here), FLOOR (the parse-floor example, built
# here), VENV (as run.sh). Outputs go to bench/work/speed/.
#
# For each data set, one hyperfine invocation times, one command after the
# other in the same session:
#   floor          bench/parse_floor.rs: walk, read, parse, drop the tree
#   gate-cold      gate check --no-baseline --no-cache           (gate.toml)
#   gate-all-cold  the same with every rule kind                 (gate-all.toml)
#   gate-warm      gate check --no-baseline with a filled cache, nothing changed
#   gate-all-warm
#   lint-imports   lint-imports --no-cache                       (.importlinter)
#   tach           tach check                                    (tach.toml)
#   ruff-cold      ruff check --no-cache (ruff's default rules, --exit-zero)
#   ruff-warm      ruff check with its cache filled
# then a second invocation, gate-warm against gate-1-changed (a comment
# line appended to one file before each run), and one run of each command
# under /usr/bin/time -v for the peak RSS.
set -euo pipefail

BENCH="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$BENCH")"
WORK="$BENCH/work"
OUT="$WORK/speed"
VENV="${VENV:-$WORK/venv}"
RUNS="${RUNS:-10}"
WARMUP="${WARMUP:-3}"
export VENV

mkdir -p "$OUT"
if [ $# = 0 ]; then
  read -r PKG SDIST SYNTH AIRFLOW < <("$BENCH/run.sh" --data | tail -1)
  set -- "django-pkg=$PKG" "django-sdist=$SDIST" "airflow=$AIRFLOW" "synthetic=$SYNTH"
fi
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
if [ -z "${GATE:-}" ] || [ -z "${FLOOR:-}" ]; then
  (cd "$ROOT" && cargo build --release --locked --bin gate --example parse-floor)
fi
GATE="${GATE:-$TARGET/release/gate}"
FLOOR="${FLOOR:-$TARGET/release/examples/parse-floor}"

for spec in "$@"; do
  name="${spec%%=*}"
  dir="$(cd "${spec#*=}" && pwd)"
  cache="$OUT/$name.gate-cache"
  rm -rf "$cache" "$dir/.ruff_cache"
  names=() commands=()
  add() { names+=("$1"); commands+=("cd '$dir' && $2"); }
  add floor "'$FLOOR' ."
  add gate-cold "'$GATE' check --no-baseline --no-cache"
  [ -f "$dir/gate-all.toml" ] && add gate-all-cold "'$GATE' check --no-baseline --no-cache --config gate-all.toml"
  add gate-warm "'$GATE' check --no-baseline --cache-dir '$cache'"
  [ -f "$dir/gate-all.toml" ] && add gate-all-warm "'$GATE' check --no-baseline --cache-dir '$cache' --config gate-all.toml"
  [ -f "$dir/.importlinter" ] && add lint-imports "'$VENV/bin/lint-imports' --no-cache"
  [ -f "$dir/tach.toml" ] && add tach "'$VENV/bin/tach' check"
  add ruff-cold "'$VENV/bin/ruff' check --no-cache --exit-zero --quiet ."
  add ruff-warm "'$VENV/bin/ruff' check --exit-zero --quiet ."

  args=()
  for i in "${!names[@]}"; do args+=(--command-name "${names[$i]}" "${commands[$i]}"); done
  echo "==> $name: ${#names[@]} commands, hyperfine --warmup $WARMUP --runs $RUNS" >&2
  hyperfine --warmup "$WARMUP" --runs "$RUNS" --ignore-failure --style basic \
    --export-json "$OUT/$name.hyperfine.json" "${args[@]}" >&2

  # One file changed before each run: a comment line appended to the
  # largest module (its facts do not change, but gate cannot know that
  # without parsing it).
  changed="$(find "$dir" -name '*.py' -not -path '*/.*' -printf '%s %p\n' | sort -n | tail -1 | cut -d' ' -f2-)"
  cp "$changed" "$OUT/$name.changed.py"
  hyperfine --warmup "$WARMUP" --runs "$RUNS" --ignore-failure --style basic \
    --export-json "$OUT/$name.changed.hyperfine.json" \
    --prepare true --command-name gate-warm "cd '$dir' && '$GATE' check --no-baseline --cache-dir '$cache'" \
    --prepare "echo '# changed' >> '$changed'" --command-name gate-1-changed \
    "cd '$dir' && '$GATE' check --no-baseline --cache-dir '$cache'" >&2
  cp "$OUT/$name.changed.py" "$changed"

  for i in "${!names[@]}"; do
    bash -c "${commands[$i]}" >/dev/null 2>&1 || true # the warm caches are filled
    /usr/bin/time -f '%M %U %S %e' -o "$OUT/$name.${names[$i]}.time" bash -c "${commands[$i]}" \
      >/dev/null 2>&1 || true
  done
done

python3 - "$OUT" "$@" <<'PY'
import json, sys
from pathlib import Path

out = Path(sys.argv[1])
print("| data set | command | wall mean ± σ | median | user | sys | peak RSS |")
print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
for spec in sys.argv[2:]:
    name = spec.split("=", 1)[0]
    for file in (f"{name}.hyperfine.json", f"{name}.changed.hyperfine.json"):
        for r in json.loads((out / file).read_text())["results"]:
            command = r["command"]
            rss = out / f"{name}.{command}.time"
            # The last line: `time` notes a non-zero exit status above it.
            rss = rss.read_text().strip().splitlines()[-1] if rss.exists() else ""
            rss = f"{int(rss.split()[0]) / 1024:.0f} MiB" if rss else ""
            print(f"| {name} | {command} | {r['mean']:.3f} ± {r['stddev']:.3f} s | {r['median']:.3f} s "
                  f"| {r['user']:.3f} s | {r['system']:.3f} s | {rss} |")
PY
