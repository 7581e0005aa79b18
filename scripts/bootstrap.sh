#!/usr/bin/env bash
# Installs whatever this machine lacks to build, run and test the BFF Workers, into a cache
# outside the clone (EDGE_BFF_CACHE, default ~/.cache/edge-bff), so a fresh clone on a machine
# that has run this before is ready in seconds. Every tool is pinned; a check that passes costs
# nothing, so callers run this before every build.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${EDGE_BFF_CACHE:-$HOME/.cache/edge-bff}"
tools="$cache/cargo/bin"
worker_build_version="0.8.7"
mkdir -p "$cache"

say() { printf 'bootstrap: %s\n' "$*" >&2; }

# Rust target for Workers (rust-toolchain.toml pins the toolchain itself).
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

installed_version() { # prints the version a tool reports, or nothing
  [ -x "$1" ] && "$1" --version 2>/dev/null | awk '{print $NF; exit}' || true
}

if [ "$(installed_version "$tools/worker-build")" != "$worker_build_version" ]; then
  say "installing worker-build $worker_build_version (a few minutes, once per machine)"
  cargo install worker-build --version "$worker_build_version" --locked --root "$cache/cargo"
fi

# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
bindgen_version="$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/[^0-9.]/, ""); print; exit}' "$root/Cargo.lock")"
if [ -z "$bindgen_version" ]; then
  say "cannot find the wasm-bindgen version in Cargo.lock"
  exit 1
fi
if [ "$(installed_version "$tools/wasm-bindgen")" != "$bindgen_version" ]; then
  say "installing wasm-bindgen-cli $bindgen_version (a few minutes, once per version)"
  # Not --locked: the CLI's own lockfile names a crate version the registry no longer serves.
  cargo install wasm-bindgen-cli --version "$bindgen_version" --root "$cache/cargo" --force
fi

# npm packages (wrangler, miniflare, vitest, esbuild, binaryen, and Node 22 itself), installed
# once per package-lock.json into the cache and linked into the clone.
lock_hash="$(sha256sum "$root/package-lock.json" | cut -c1-16)"
modules="$cache/node/$lock_hash"
if [ ! -x "$modules/node_modules/.bin/node" ] || [ ! -f "$modules/.complete" ]; then
  if ! command -v npm >/dev/null; then
    say "npm is needed once to install the pinned Node and packages; install Node.js (any version >= 18) first"
    exit 1
  fi
  say "installing npm packages into $modules"
  rm -rf "$modules"
  mkdir -p "$modules"
  cp "$root/package.json" "$root/package-lock.json" "$modules/"
  # `npm install` with the lockfile, not `npm ci`: with two workerd versions in the tree (wrangler's
  # and miniflare's), npm leaves the other platforms' nested optional packages out of the lockfile
  # and then `npm ci` refuses it as out of sync. The pinned versions and integrity hashes still hold.
  (cd "$modules" && npm install --no-audit --no-fund --loglevel=error)
  touch "$modules/.complete"
fi
if [ "$(readlink "$root/node_modules" 2>/dev/null)" != "$modules/node_modules" ]; then
  rm -rf "$root/node_modules"
  ln -s "$modules/node_modules" "$root/node_modules"
fi

node_version="$("$root/node_modules/.bin/node" --version)"
case "$node_version" in
  v22.1[2-9].* | v22.[2-9][0-9].* | v2[4-9].* | v[3-9][0-9].*) ;;
  *)
    say "node_modules/.bin/node is $node_version; wrangler needs >= 22.12"
    exit 1
    ;;
esac

# Browser tests (`--browser`, from the test targets only): Debian's Chromium, never a browser
# that a test tool would download.
if [ "${1:-}" = "--browser" ] && [ -z "${CHROMIUM_PATH:-}" ] && [ ! -x /usr/bin/chromium ]; then
  say "installing Debian's chromium for the browser tests"
  as_root=()
  [ "$(id -u)" = 0 ] || as_root=(sudo)
  "${as_root[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq chromium >/dev/null
fi

# `make profile PROFILE_TOOL=perf` (`--perf`): Linux perf, Debian's.
if [ "${1:-}" = "--perf" ] && ! command -v perf >/dev/null; then
  say "installing Debian's linux-perf for make profile PROFILE_TOOL=perf"
  as_root=()
  [ "$(id -u)" = 0 ] || as_root=(sudo)
  "${as_root[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq linux-perf >/dev/null
fi
