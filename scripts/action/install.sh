#!/usr/bin/env bash
# Installs gate for the GitHub Action (action.yml at the repo root).
#
#   install.sh resolve   writes version, install-dir and source-hash to
#                        $GITHUB_OUTPUT (the action's cache key), installs nothing
#   install.sh           installs gate and appends its bin folder to $GITHUB_PATH;
#                        writes built=true to $GITHUB_OUTPUT when it ran cargo
#
# It downloads the release archive for this runner and its .sha256, checks the
# SHA-256, and unpacks the binary. When there is no archive for this runner,
# or the download fails, or the binary does not run here, it warns and builds
# the action's own source with cargo instead. A checksum that does not match
# is an error, never a reason to fall back.
#
# Reads: INPUT_VERSION (empty: the version in the action's Cargo.toml),
# GITHUB_ACTION_PATH, GITHUB_ACTION_REPOSITORY (else GITHUB_REPOSITORY),
# RUNNER_OS, RUNNER_ARCH, RUNNER_TOOL_CACHE (else RUNNER_TEMP), GITHUB_PATH,
# GITHUB_OUTPUT, GATE_DOWNLOAD_URL (the releases base URL; http only for a
# loopback address, for tests), CARGO (default: cargo).
# Exit 2 on a checksum mismatch or when gate cannot be installed.
set -euo pipefail

error() {
  echo "::error title=gate install::$*"
  exit 2
}
warning() { echo "::warning title=gate install::$*"; }

action_path="${GITHUB_ACTION_PATH:-}"
[ -n "$action_path" ] && [ -f "$action_path/Cargo.toml" ] ||
  error "GITHUB_ACTION_PATH (${action_path:-unset}) is not the gate action's folder"

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$@"
  else
    shasum -a 256 "$@"
  fi
}

# The `version = "..."` line of the [package] table.
source_version="$(awk '
  /^\[/ { section = $0 }
  section == "[package]" && /^version[ \t]*=/ {
    sub(/^version[ \t]*=[ \t]*"/, ""); sub(/".*/, ""); print; exit
  }' "$action_path/Cargo.toml")"

version="${INPUT_VERSION:-}"
version="${version#v}"
[ -n "$version" ] || version="$source_version"
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]+)?$ ]] ||
  error "'${version}' is not a gate version (expected e.g. 1.2.3)"

# Release targets: the same list as .github/workflows/release.yml.
exe=gate
case "${RUNNER_OS:-}/${RUNNER_ARCH:-}" in
  Linux/X64) target=x86_64-unknown-linux-musl ;;
  Linux/ARM64) target=aarch64-unknown-linux-gnu ;;
  macOS/X64) target=x86_64-apple-darwin ;;
  macOS/ARM64) target=aarch64-apple-darwin ;;
  Windows/X64) target=x86_64-pc-windows-msvc ;;
  *) target="" ;;
esac
case "${RUNNER_OS:-}" in
  Windows) exe=gate.exe ;;
esac
platform="${target:-$(printf '%s-%s' "${RUNNER_OS:-unknown}" "${RUNNER_ARCH:-unknown}" | tr '[:upper:]' '[:lower:]')}"

tool_root="${RUNNER_TOOL_CACHE:-${RUNNER_TEMP:-}}"
[ -n "$tool_root" ] || error "neither RUNNER_TOOL_CACHE nor RUNNER_TEMP is set"
install_dir="$tool_root/gate/$version/$platform"
bin="$install_dir/bin/$exe"
stamp="$install_dir/.gate-install"

# What a build from source is built from, so that a cached build of other
# sources (same version, another commit) is not reused.
source_hash() {
  (
    cd "$action_path"
    for path in Cargo.toml Cargo.lock build.rs src; do
      if [ -e "$path" ]; then find "$path" -type f; fi
    done | LC_ALL=C sort | while IFS= read -r file; do sha256 "$file"; done
  ) | sha256 | awk '{ print $1 }'
}

output() {
  if [ -n "${GITHUB_OUTPUT:-}" ]; then
    echo "$1" >>"$GITHUB_OUTPUT"
  fi
}

if [ "${1:-}" = resolve ]; then
  output "version=$version"
  output "install-dir=$install_dir"
  output "source-hash=$(source_hash)"
  exit 0
fi
[ $# -eq 0 ] || error "unknown argument '$1' (expected nothing or 'resolve')"
[ -n "${GITHUB_PATH:-}" ] || error "GITHUB_PATH is not set"

built=false
release_stamp="$version release $platform"
build_stamp="$version source $(source_hash)"

finish() {
  echo "$install_dir/bin" >>"$GITHUB_PATH"
  output "built=$built"
  echo "gate $version: $bin"
  exit 0
}

if [ -x "$bin" ] && [ -f "$stamp" ]; then
  installed="$(cat "$stamp")"
  if [ "$installed" = "$release_stamp" ] || [ "$installed" = "$build_stamp" ]; then
    echo "gate $version is already installed in $install_dir"
    finish
  fi
fi

build_from_source() {
  warning "$1; building gate $version from the action's source with cargo instead (a few minutes)"
  [ "$version" = "$source_version" ] ||
    error "cannot build gate $version: the action's source is gate $source_version; use the action at v$version, or leave the version input empty"
  local cargo="${CARGO:-cargo}"
  command -v "$cargo" >/dev/null 2>&1 ||
    error "cargo ($cargo) is not installed, so gate cannot be built from source"
  rm -rf "$install_dir"
  mkdir -p "$install_dir"
  "$cargo" install --locked --path "$action_path" --root "$install_dir" ||
    error "cargo install failed"
  [ -x "$bin" ] || error "cargo install did not produce $bin"
  echo "$build_stamp" >"$stamp"
  built=true
  finish
}

[ -n "$target" ] ||
  build_from_source "no release binary for ${RUNNER_OS:-an unknown OS} on ${RUNNER_ARCH:-an unknown architecture}"

repository="${GITHUB_ACTION_REPOSITORY:-${GITHUB_REPOSITORY:-}}"
if [ -n "${GATE_DOWNLOAD_URL:-}" ]; then
  base="${GATE_DOWNLOAD_URL%/}"
  loopback='^http://(127\.[0-9]+\.[0-9]+\.[0-9]+|localhost|\[::1\])(:[0-9]+)?(/.*)?$'
  if [[ "$base" == https://* ]]; then
    protocol='=https'
  elif [[ "$base" =~ $loopback ]]; then
    protocol='=http'
  else
    error "GATE_DOWNLOAD_URL must be an https URL (http only on a loopback address)"
  fi
elif [ -n "$repository" ]; then
  base="https://github.com/$repository/releases/download"
  protocol='=https'
else
  build_from_source "neither GITHUB_ACTION_REPOSITORY nor GITHUB_REPOSITORY names the release repository"
fi

case "$target" in
  *-windows-*) archive="gate-v$version-$target.zip" ;;
  *) archive="gate-v$version-$target.tar.gz" ;;
esac
url="$base/v$version/$archive"

download_dir="$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/gate-download.XXXXXX")"
trap 'rm -rf "$download_dir"' EXIT

download() {
  curl --proto "$protocol" --tlsv1.2 -fsSL --retry 3 --connect-timeout 30 \
    -o "$download_dir/$2" "$1" 2>&1
}

echo "Downloading $url"
if ! message="$(download "$url" "$archive")"; then
  build_from_source "could not download $url (${message:-curl failed})"
fi
if ! message="$(download "$url.sha256" "$archive.sha256")"; then
  build_from_source "could not download $url.sha256 (${message:-curl failed})"
fi

expected="$(awk 'NR == 1 { print tolower($1) }' "$download_dir/$archive.sha256")"
[[ "$expected" =~ ^[0-9a-f]{64}$ ]] ||
  build_from_source "$archive.sha256 holds no SHA-256"
actual="$(sha256 "$download_dir/$archive" | awk '{ print tolower($1) }')"
[ "$actual" = "$expected" ] ||
  error "checksum mismatch for $url: expected $expected (from $archive.sha256), got $actual; not installing it"
echo "SHA-256 verified: $actual"

unpacked="$download_dir/unpacked"
mkdir -p "$unpacked"
case "$archive" in
  *.zip)
    if command -v unzip >/dev/null 2>&1; then
      unzip -q "$download_dir/$archive" -d "$unpacked"
    elif command -v 7z >/dev/null 2>&1; then
      7z x -y -o"$unpacked" "$download_dir/$archive" >/dev/null
    else
      powershell -NoProfile -Command "Expand-Archive -Force -LiteralPath '$download_dir/$archive' -DestinationPath '$unpacked'"
    fi || build_from_source "could not unpack $archive"
    ;;
  *) tar -xzf "$download_dir/$archive" -C "$unpacked" || build_from_source "could not unpack $archive" ;;
esac
found="$(find "$unpacked" -maxdepth 2 -type f -name "$exe" | head -n 1)"
[ -n "$found" ] || build_from_source "$archive holds no $exe"
chmod +x "$found"
"$found" --version >/dev/null 2>&1 ||
  build_from_source "the released $exe does not run on this runner"

rm -rf "$install_dir"
mkdir -p "$install_dir/bin"
mv "$found" "$bin"
echo "$release_stamp" >"$stamp"
finish
