#!/usr/bin/env bash
# Benchmarks gate against import-linter (lint-imports) and tach on the same
# files with the same layers contract. Not run in CI; results go in
# bench/RESULTS.md by hand.
#
#   bench/run.sh              everything: build gate, time all three tools
#   bench/run.sh --no-gate    only the peers (while gate does not build)
#   bench/run.sh --data       only set up the venv and the data sets (for
#                             bench/speed.sh), time nothing
#
# Environment: RUNS (default 10), WARMUP (default 2), SYNTH_FILES (default
# 20000), VENV (default bench/work/venv). Everything downloaded or generated goes to bench/work/ (gitignored):
# a venv with the pinned peers, the Django sdist, the synthetic tree, and the
# raw hyperfine / time outputs.
#
# Data sets and what each tool runs on them:
#   django-pkg    Django 5.2.8's own package (django/, 883 files): gate,
#                 lint-imports, tach, one layers contract over seven real
#                 subpackages (below).
#   django-sdist  the whole unpacked sdist (2,818 files: django/, tests/,
#                 docs/, scripts/): gate and tach (import-linter needs an
#                 importable root package, which tests/ is not).
#   airflow       Apache Airflow 2.10.5's package (airflow/ of its sdist,
#                 726 files, backend-sized modules: models, jobs, the web
#                 server, the REST API), six layers over real subpackages
#                 (below): gate, lint-imports, tach.
#   synthetic     bench/gen_synthetic.py's tree of $SYNTH_FILES files, five
#                 layers: gate, lint-imports, tach.
#
# What "the same work" means here, and where the tools differ:
#   - All three read every Python file of the data set and check that no
#     module of a layer imports a module of a higher layer. Layers include
#     their descendants. Imports under `if TYPE_CHECKING:` are skipped by all
#     three (gate `type-checking-imports = "ignore"`, import-linter
#     `exclude_type_checking_imports = True`, tach
#     `ignore_type_checking_imports = true`).
#   - import-linter also searches indirect chains (A -> x -> B, through
#     modules outside the layers too) and reports a sample of chains per
#     pair of layers; gate and tach check direct imports only and report
#     every offending import. import-linter therefore does more graph work
#     and its violation count is not comparable.
#   - tach attributes each imported name (`from django.http import A, B` is
#     two diagnostics); so does gate. Both check only imports between two
#     modules that are in layers. tach.toml declares layer-less catch-all
#     modules (django, tests, ...) so that tach parses every file as gate
#     does; without them it skips the files outside the layers.
#   - The sdist holds one file with a syntax error
#     (tests/test_runner_apps/tagged/tests_syntax_error.py): gate reports it
#     as a `syntax-error` violation, tach as an error; both go on.
#   - gate also reads `importlib.import_module("literal")` and
#     `__import__("literal")` calls; tach does so only with
#     `include_string_imports`, import-linter never.
#   - gate and tach respect .gitignore; each data set is its own git
#     repository (`git init`) so that this repository's .gitignore, which
#     lists bench/work, does not apply.
set -euo pipefail

BENCH="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$BENCH")"
WORK="$BENCH/work"
VENV="${VENV:-$WORK/venv}"
OUT="$WORK/results"

IMPORT_LINTER_VERSION=2.16
GRIMP_VERSION=3.19
TACH_VERSION=0.35.3
RUFF_VERSION=0.17.6
DJANGO_VERSION=5.2.8
AIRFLOW_VERSION=2.10.5

RUNS="${RUNS:-10}"
WARMUP="${WARMUP:-2}"
SYNTH_FILES="${SYNTH_FILES:-20000}"
WITH_GATE=1
DATA_ONLY=0
case "${1:-}" in
  --no-gate) WITH_GATE=0 ;;
  --data) WITH_GATE=0 DATA_ONLY=1 ;;
  "") ;;
  *) echo "usage: $0 [--no-gate | --data]" >&2; exit 2 ;;
esac

step() { printf '\n==> %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

mkdir -p "$WORK" "$OUT"

# ---------------------------------------------------------------- tools
if ! command -v hyperfine >/dev/null; then
  step "installing hyperfine"
  as_root apt-get install -y hyperfine
fi
if [ ! -x /usr/bin/time ]; then
  step "installing GNU time"
  as_root apt-get install -y time
fi

if [ ! -x "$VENV/bin/tach" ] || [ ! -x "$VENV/bin/lint-imports" ] || [ ! -x "$VENV/bin/ruff" ]; then
  step "venv with import-linter $IMPORT_LINTER_VERSION, tach $TACH_VERSION and ruff $RUFF_VERSION"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --upgrade pip
  "$VENV/bin/pip" install --quiet \
    "import-linter==$IMPORT_LINTER_VERSION" "grimp==$GRIMP_VERSION" "tach==$TACH_VERSION" \
    "ruff==$RUFF_VERSION"
fi

GATE="$ROOT/target/release/gate"
if [ "$WITH_GATE" = 1 ]; then
  step "cargo build --release"
  (cd "$ROOT" && cargo build --release --locked)
fi

# download_sdist TARBALL REQUIREMENT: the sdist from PyPI, unless it is there.
download_sdist() {
  if [ ! -f "$1" ]; then
    step "downloading the $2 sdist"
    "$VENV/bin/pip" download --quiet --no-deps --no-binary :all: "$2" -d "$WORK/dl"
  fi
}

# ---------------------------------------------------------------- Django
SDIST_TAR="$WORK/dl/django-$DJANGO_VERSION.tar.gz"
download_sdist "$SDIST_TAR" "django==$DJANGO_VERSION"

PKG="$WORK/django-pkg"       # django/ only
SDIST="$WORK/django-sdist"   # the whole sdist
if [ ! -d "$SDIST/django" ]; then
  step "unpacking"
  rm -rf "$SDIST" "$PKG" "$WORK/django-$DJANGO_VERSION"
  tar -xzf "$SDIST_TAR" -C "$WORK"
  mv "$WORK/django-$DJANGO_VERSION" "$SDIST"
  mkdir -p "$PKG"
  cp -r "$SDIST/django" "$PKG/django"
fi

# The layers contract of a data set, top first, written the same way for
# the three tools by the functions below: `use_layers PACKAGE LAYER...`
# sets it for the next calls.
use_layers() {
  TOP_PACKAGE="$1"
  shift
  LAYERS=("$@")
}

# Django: seven real subpackages. Not every import in Django points down
# this list (django.db.models imports django.forms, django.utils imports
# django.http ...), so every tool has a few violations to report.
DJANGO_LAYERS=(contrib views forms template http db utils)
# Airflow: the REST API and the web server over the CLI, the jobs, the
# models and the utilities (utils imports models, models import www ...).
AIRFLOW_LAYERS=(api_connexion www cli jobs models utils)

write_gate_toml() { # $1 = folder, $2 = include
  {
    echo '[project]'
    echo 'roots = ["."]'
    echo "include = [\"$2\"]"
    echo 'type-checking-imports = "ignore"'
    for layer in "${LAYERS[@]}"; do
      printf '\n[[layer]]\nname = "%s"\nmodules = ["%s.%s"]\n' "$layer" "$TOP_PACKAGE" "$layer"
    done
  } >"$1/gate.toml"
}

write_tach_toml() { # $1 = folder, $2... = catch-all modules (see below)
  local dir="$1"
  shift
  {
    echo 'source_roots = ["."]'
    echo 'exclude = []                     # the default skips tests/ and docs/'
    printf 'layers = [%s]\n' "$(printf '"%s", ' "${LAYERS[@]}" | sed 's/, $//')"
    echo 'ignore_type_checking_imports = true'
    echo 'root_module = "ignore"'
    for layer in "${LAYERS[@]}"; do
      printf '\n[[modules]]\npath = "%s.%s"\nlayer = "%s"\n' "$TOP_PACKAGE" "$layer" "$layer"
    done
    # Modules without a layer or depends_on for everything else: with
    # root_module = "ignore" alone, tach would skip the files outside the
    # layers without even parsing them (on the sdist it then never
    # sees tests/, nor its file with a syntax error).
    for module in "$@"; do
      printf '\n[[modules]]\npath = "%s"\n' "$module"
    done
  } >"$dir/tach.toml"
}

write_importlinter() { # $1 = folder
  {
    echo '[importlinter]'
    echo "root_package = $TOP_PACKAGE"
    echo 'exclude_type_checking_imports = True'
    echo
    echo "[importlinter:contract:$TOP_PACKAGE-layers]"
    echo "name = $TOP_PACKAGE layers"
    echo 'type = layers'
    echo 'layers ='
    for layer in "${LAYERS[@]}"; do echo "    $TOP_PACKAGE.$layer"; done
  } >"$1/.importlinter"
}

# The same project with every rule kind of the catalogue enabled, to measure
# what the code, structure and graph rules cost on top of the layers alone.
# $1 = folder (holding gate.toml), $2 = top package, $3 = top layer's
# subpackage, $4 = bottom layer's subpackage.
write_gate_all_toml() {
  local dir="$1" pkg="$2" top="$3" bottom="$4"
  cat "$dir/gate.toml" - >"$dir/gate-all.toml" <<TOML

[[rule]]
kind = "layers"
name = "layers"
transitive = true

[[rule]]
kind = "forbidden-import"
name = "no-http-clients"
from = ["$pkg"]
to = ["requests", "sqlalchemy.orm"]

[[rule]]
kind = "forbidden-import"
name = "bottom-never-reaches-top"
from = ["$pkg.$bottom"]
to = ["$pkg.$top"]
transitive = true

[[rule]]
kind = "forbidden-import"
name = "no-cross-package-internals"
from = ["$pkg.{p}"]
to = ["$pkg.{!p}.internal"]

[[rule]]
kind = "private-module"
name = "private-internals"
modules = ["$pkg.*.internal"]

[[rule]]
kind = "import-cycle"
name = "module-cycles"

[[rule]]
kind = "import-cycle"
name = "package-cycles"
granularity = "package"
depth = 2

[[rule]]
kind = "fan-in"
name = "god-modules"
max = 50

[[rule]]
kind = "db-write"
name = "no-db-writes"
in = ["$pkg.$top"]

[[rule]]
kind = "model-ownership"
name = "model-owner"
models = ["$pkg.$bottom"]
owner = ["$pkg.$bottom"]

[[rule]]
kind = "import-time"
name = "import-time"
in = ["$pkg"]

[[rule]]
kind = "sys-path"
name = "sys-path"

[[rule]]
kind = "forbidden-call"
name = "deterministic"
calls = ["datetime.datetime.now", "uuid.uuid4", "*.with_for_update"]

[[rule]]
kind = "header-imports"
name = "header-imports"

[[rule]]
kind = "max-lines"
name = "max-lines"
max = 400

[[rule]]
kind = "banned-name"
name = "banned-name"
names = ["*_service.py"]

[[rule]]
kind = "missing-init"
name = "missing-init"

[[rule]]
kind = "sibling-names"
name = "sibling-names"

[[rule]]
kind = "layer-header"
name = "layer-header"
in = ["$pkg.$top"]
TOML
}

use_layers django "${DJANGO_LAYERS[@]}"
write_gate_toml "$PKG" django
write_tach_toml "$PKG" django
write_importlinter "$PKG"
write_gate_toml "$SDIST" .
write_tach_toml "$SDIST" django tests docs scripts

# ---------------------------------------------------------------- Airflow
AIRFLOW_TAR="$WORK/dl/apache_airflow-$AIRFLOW_VERSION.tar.gz"
download_sdist "$AIRFLOW_TAR" "apache-airflow==$AIRFLOW_VERSION"
AIRFLOW="$WORK/airflow"      # airflow/ only
if [ ! -d "$AIRFLOW/airflow" ]; then
  step "unpacking Airflow"
  rm -rf "$AIRFLOW" "$WORK/apache_airflow-$AIRFLOW_VERSION"
  tar -xzf "$AIRFLOW_TAR" -C "$WORK"
  mkdir -p "$AIRFLOW"
  mv "$WORK/apache_airflow-$AIRFLOW_VERSION/airflow" "$AIRFLOW/airflow"
  rm -rf "$WORK/apache_airflow-$AIRFLOW_VERSION"
fi
use_layers airflow "${AIRFLOW_LAYERS[@]}"
write_gate_toml "$AIRFLOW" airflow
write_tach_toml "$AIRFLOW" airflow
write_importlinter "$AIRFLOW"

# ---------------------------------------------------------------- synthetic
SYNTH="$WORK/synthetic-$SYNTH_FILES"
if [ ! -f "$SYNTH/gate.toml" ]; then
  step "generating $SYNTH_FILES synthetic files"
  python3 "$BENCH/gen_synthetic.py" "$SYNTH" --files "$SYNTH_FILES"
fi

write_gate_all_toml "$PKG" django contrib utils
write_gate_all_toml "$SDIST" django contrib utils
write_gate_all_toml "$SYNTH" synth api platform
write_gate_all_toml "$AIRFLOW" airflow api_connexion utils

for dir in "$PKG" "$SDIST" "$AIRFLOW" "$SYNTH"; do
  [ -d "$dir/.git" ] || git -C "$dir" init --quiet
done
if [ "$DATA_ONLY" = 1 ]; then
  echo "$PKG $SDIST $SYNTH $AIRFLOW"
  exit 0
fi

# ---------------------------------------------------------------- measure
LINT="$VENV/bin/lint-imports --no-cache"
TACH="$VENV/bin/tach check"
GATE_CHECK="$GATE check --no-baseline"

# bench NAME DIR TOOL=COMMAND...: hyperfine over all tools, then peak RSS and
# a violation count from one more run of each.
bench() {
  local name="$1" dir="$2"
  shift 2
  local args=() tool cmd
  for spec in "$@"; do
    tool="${spec%%=*}"
    cmd="${spec#*=}"
    args+=(--command-name "$tool" "cd '$dir' && $cmd")
  done
  step "$name: hyperfine --warmup $WARMUP --runs $RUNS"
  hyperfine --warmup "$WARMUP" --runs "$RUNS" --ignore-failure --style basic \
    --export-json "$OUT/$name.hyperfine.json" "${args[@]}" >&2
  for spec in "$@"; do
    tool="${spec%%=*}"
    cmd="${spec#*=}"
    (cd "$dir" && /usr/bin/time -v $cmd >"$OUT/$name.$tool.out" 2>"$OUT/$name.$tool.err") || true
  done
}

TOOLS_PKG=("lint-imports=$LINT" "tach=$TACH")
TOOLS_SDIST=("tach=$TACH")
TOOLS_SYNTH=("lint-imports=$LINT" "tach=$TACH")
if [ "$WITH_GATE" = 1 ]; then
  TOOLS_PKG=("gate=$GATE_CHECK" "${TOOLS_PKG[@]}")
  TOOLS_SDIST=("gate=$GATE_CHECK" "${TOOLS_SDIST[@]}")
  TOOLS_SYNTH=("gate=$GATE_CHECK" "${TOOLS_SYNTH[@]}")
fi

bench django-pkg "$PKG" "${TOOLS_PKG[@]}"
bench django-sdist "$SDIST" "${TOOLS_SDIST[@]}"
bench airflow "$AIRFLOW" "${TOOLS_PKG[@]}"
bench "synthetic-$SYNTH_FILES" "$SYNTH" "${TOOLS_SYNTH[@]}"
if [ "$WITH_GATE" = 1 ]; then
  # The whole catalogue against the layers alone, in one hyperfine run.
  bench django-pkg-all-rules "$PKG" "gate=$GATE_CHECK" "gate-all=$GATE_CHECK --config gate-all.toml"
  bench "synthetic-$SYNTH_FILES-all-rules" "$SYNTH" "gate=$GATE_CHECK" \
    "gate-all=$GATE_CHECK --config gate-all.toml"
fi

# ---------------------------------------------------------------- report
step "results (raw files in $OUT)"
{
  echo "Machine: $(nproc) cores, $(free -h | awk '/^Mem:/ {print $2}') RAM, $(uname -sr)"
  echo "Tools: $("$VENV/bin/pip" freeze | grep -Ei '^(import-linter|grimp|tach)==' | tr '\n' ' ')"
  if [ "$WITH_GATE" = 1 ]; then echo "gate: $("$GATE" --version 2>/dev/null || echo unknown) ($(git -C "$ROOT" rev-parse --short HEAD))"; fi
  echo "hyperfine --warmup $WARMUP --runs $RUNS --ignore-failure; peak RSS from /usr/bin/time -v"
  echo
  python3 - "$OUT" "$PKG" "$SDIST" "$SYNTH" <<'EOF'
import json, re, sys
from pathlib import Path

out = Path(sys.argv[1])
trees = {"django-pkg": Path(sys.argv[2]), "django-sdist": Path(sys.argv[3])}
synth = Path(sys.argv[4])
trees[synth.name] = synth
trees["django-pkg-all-rules"] = trees["django-pkg"]
trees[synth.name + "-all-rules"] = synth

def py_files(tree, sub):
    return sum(1 for _ in (tree / sub).rglob("*.py")) if (tree / sub).exists() else 0

def violations(tool, text):
    if tool.startswith("gate"):
        m = re.search(r"(\d+) new", text)
        return m.group(1) if m else "?"
    if tool == "tach":
        return str(text.count("[FAIL]"))
    if tool == "lint-imports":
        broken = len(re.findall(r"^- ", text, re.M))
        return f"{broken} chains"
    return "?"

print("| data set | files | tool | wall mean ± σ | user | sys | peak RSS | reported |")
print("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |")
for name, tree in trees.items():
    data = out / f"{name}.hyperfine.json"
    if not data.exists():
        continue
    files = py_files(tree, "django" if name.startswith("django-pkg") else ("." if name == "django-sdist" else "synth"))
    for result in json.loads(data.read_text())["results"]:
        tool = result["command"]
        err = (out / f"{name}.{tool}.err").read_text(errors="replace")
        std = (out / f"{name}.{tool}.out").read_text(errors="replace")
        rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", err)
        rss = f"{int(rss.group(1)) / 1024:.0f} MiB" if rss else "?"
        print(
            f"| {name} | {files:,} | {tool} | {result['mean']:.3f} ± {result['stddev']:.3f} s "
            f"| {result['user']:.2f} s | {result['system']:.2f} s | {rss} | {violations(tool, std + err)} |"
        )
EOF
} | tee "$OUT/summary.md"
