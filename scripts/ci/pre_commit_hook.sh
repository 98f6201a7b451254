#!/usr/bin/env bash
# The `gate` hook of .pre-commit-hooks.yaml, run the way a user's pre-commit
# runs it: `pre-commit try-repo` pip-installs this repository (maturin builds
# gate) and runs the hook on a small Python project in a temporary git
# repository. Asserts that it passes on a clean tree (one legacy violation,
# in the baseline) and fails on a new violation, naming it.
#
#   scripts/ci/pre_commit_hook.sh PRE_COMMIT GATE
#
# PRE_COMMIT is the pre-commit executable; GATE is a gate binary, used only
# to write the project's baseline (absolute paths). Export CARGO_TARGET_DIR to let the
# hook's build reuse a release build of the same sources.
set -euo pipefail

[ $# -eq 2 ] || { echo "usage: $0 PRE_COMMIT GATE" >&2; exit 2; }
pre_commit="$1"
gate="$2"
repo="$(cd "$(dirname "$0")/../.." && pwd)"

work="$(mktemp -d "${TMPDIR:-/tmp}/gate-pre-commit.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cd "$work"

fail() {
  echo "pre-commit hook test: $*" >&2
  exit 1
}

mkdir -p app/api app/services app/models
touch app/__init__.py app/api/__init__.py app/services/__init__.py app/models/__init__.py
cat >gate.toml <<'TOML'
[project]
roots = ["."]
include = ["app"]

[[layer]]
name = "api"
modules = ["app.api"]
may-import = ["services"]

[[layer]]
name = "services"
modules = ["app.services"]

[[layer]]
name = "models"
modules = ["app.models"]
TOML
printf 'class Order:\n    pass\n' >app/models/order.py
printf 'from app.models.order import Order\n\n\ndef place():\n    return Order()\n' >app/services/orders.py
# The legacy violation: a route imports a model.
printf 'from app.models.order import Order\nfrom app.services.orders import place\n' >app/api/routes.py
"$gate" baseline init >/dev/null

commit() {
  git add -A
  git -c user.name=ci -c user.email=ci@localhost commit -q --no-verify -m "$1"
}
git init -q .
commit "a small layered project"

hook() { "$pre_commit" try-repo "$repo" gate --all-files --color never 2>&1; }

echo "--- a clean tree (its one legacy violation is in the baseline): the hook passes"
if ! output="$(hook)"; then
  printf '%s\n' "$output"
  fail "the hook failed on a clean tree"
fi
printf '%s\n' "$output"
grep -q '^gate (architecture)\.*Passed$' <<<"$output" || fail "no 'Passed' line for the gate hook"

echo "--- a new violation (a service imports a route): the hook fails and names it"
printf 'from app.api import routes\n' >>app/services/orders.py
commit "a new violation"
if output="$(hook)"; then
  printf '%s\n' "$output"
  fail "the hook passed with a new violation"
fi
printf '%s\n' "$output"
grep -q '^gate (architecture)\.*Failed$' <<<"$output" || fail "no 'Failed' line for the gate hook"
grep -q '^app/services/orders\.py:6:[0-9]*: layers (layers) .*\[new\]$' <<<"$output" ||
  fail "the new violation is not reported"
echo "pre-commit hook test: passes on a clean tree, fails on a new violation"
