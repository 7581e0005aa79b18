#!/usr/bin/env bash
# Starts the mock origins on 127.0.0.1:8700 and `wrangler dev` for each named frontend (web on
# :8787, mobile on :8788, as their wrangler configs say), and stops all of them on Ctrl-C.
# Run through `make dev`, `make dev-web` or `make dev-mobile`, which build everything first.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mocks_port="${MOCKS_PORT:-8700}"
pids=()

stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

"$MOCK_ORIGINS_BIN" --port "$mocks_port" &
pids+=($!)

for frontend in "$@"; do
  # Each is exactly what a frontend team runs by hand: wrangler dev -c wrangler/<frontend>.toml
  wrangler dev -c "wrangler/$frontend.toml" --show-interactive-dev-session=false &
  pids+=($!)
done

echo "dev: mock origins on http://127.0.0.1:$mocks_port; Ctrl-C stops everything" >&2
wait -n "${pids[@]}"
