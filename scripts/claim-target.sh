#!/usr/bin/env bash
# The cargo target dir is shared by every clone of this repository, so that a fresh clone reuses
# the compiled dependencies. Cargo keys the workspace's own crates by their place in the
# workspace, not by the clone's path: after another clone built them, a change made here before
# that build looks older than it, and cargo reuses the other clone's output as if it were this
# clone's. When another clone built last, this clone's sources are marked changed (touched), so
# cargo rebuilds the workspace's crates from them. (Two clones building at the same moment still
# share one target dir: do not.)
set -euo pipefail
cd "$(dirname "$0")/.."
here="$(pwd -P)"
stamp="${CARGO_TARGET_DIR:?}/.built-from"
if [[ "$(cat "$stamp" 2>/dev/null || true)" != "$here" ]]; then
  find shared workers mocks -name '*.rs' -not -path '*/build/*' -exec touch {} +
  mkdir -p "$CARGO_TARGET_DIR"
  printf '%s\n' "$here" >"$stamp"
fi
