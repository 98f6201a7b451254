#!/usr/bin/env bash
# Runs `gate ci` for the GitHub Action (action.yml at the repo root), in the
# step's working directory, with the argv built from the INPUT_* variables:
#
#   gate ci [--config C] [--baseline B] [--sarif S] [--category CAT] [--no-comment]
#           [--map-summary] ARGS...
#
# INPUT_ARGS is split on whitespace into words, never evaluated (no quotes,
# globs or expansions). gate itself writes new, known, fixed and sarif to
# $GITHUB_OUTPUT and reads the token from $GITHUB_TOKEN; this script adds
# exit-code and exits 0, so that the SARIF upload runs before the action's last
# step fails the job with gate's exit code. Without $GITHUB_OUTPUT it exits
# with gate's code.
set -euo pipefail

finish() {
  if [ -n "${GITHUB_OUTPUT:-}" ]; then
    echo "exit-code=$1" >>"$GITHUB_OUTPUT"
    exit 0
  fi
  exit "$1"
}

boolean() {
  case "$2" in
    true | false) ;;
    *)
      echo "::error title=gate::the $1 input must be true or false, not '$2'"
      finish 2
      ;;
  esac
}

comment="${INPUT_COMMENT:-true}"
boolean comment "$comment"
boolean upload-sarif "${INPUT_UPLOAD_SARIF:-true}"
map_summary="${INPUT_MAP_SUMMARY:-false}"
boolean map-summary "$map_summary"

argv=(ci)
if [ -n "${INPUT_CONFIG:-}" ]; then argv+=(--config "$INPUT_CONFIG"); fi
if [ -n "${INPUT_BASELINE:-}" ]; then argv+=(--baseline "$INPUT_BASELINE"); fi
if [ -n "${INPUT_SARIF_FILE:-}" ]; then argv+=(--sarif "$INPUT_SARIF_FILE"); fi
if [ -n "${INPUT_CATEGORY:-}" ]; then argv+=(--category "$INPUT_CATEGORY"); fi
if [ "$comment" = false ]; then argv+=(--no-comment); fi
if [ "$map_summary" = true ]; then argv+=(--map-summary); fi
extra=()
if [ -n "${INPUT_ARGS:-}" ]; then
  # -d '': read every line, not only the first; read then fails at the end.
  read -r -d '' -a extra <<<"$INPUT_ARGS" || true
fi
argv+=(${extra[@]+"${extra[@]}"})

printf 'gate'
printf ' %q' "${argv[@]}"
printf '\n'
set +e
gate "${argv[@]}"
code=$?
set -e
finish "$code"
