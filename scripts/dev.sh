#!/usr/bin/env bash
# Starts the mock origins on 127.0.0.1:8700 and `wrangler dev` for each named frontend (web on
# :8787, mobile on :8788, as their wrangler configs say), and stops all of them on Ctrl-C.
# Run through `make dev`, `make dev-web` or `make dev-mobile`, which build everything first.
#
# WEB_APP_ORIGIN=http://localhost:5173 (`make dev WEB_APP_ORIGIN=…`) admits one more browser
# origin at the web BFF (CORS and the CSRF origin check), beside the ALLOWED_ORIGIN list of
# wrangler/web.toml: the origin of the web team's own dev server.
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

web_args=()
if [ -n "${WEB_APP_ORIGIN:-}" ]; then
  if ! [[ "$WEB_APP_ORIGIN" =~ ^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$ ]]; then
    echo "dev: WEB_APP_ORIGIN must be an origin (scheme://host[:port]), e.g. http://localhost:5173" >&2
    exit 2
  fi
  # `--var` replaces a var, so the config's list is read and the origin appended to it.
  listed="$(node -e 'const { parse } = require("smol-toml");
    process.stdout.write(parse(require("fs").readFileSync("wrangler/web.toml", "utf8")).vars.ALLOWED_ORIGIN ?? "")')"
  web_args=(--var "ALLOWED_ORIGIN:${listed:+$listed, }$WEB_APP_ORIGIN")
  echo "dev: the web BFF also admits $WEB_APP_ORIGIN" >&2
fi

"$MOCK_ORIGINS_BIN" --port "$mocks_port" &
pids+=($!)

for frontend in "$@"; do
  extra=()
  [ "$frontend" = web ] && extra=("${web_args[@]}")
  # Each is exactly what a frontend team runs by hand: wrangler dev -c wrangler/<frontend>.toml
  wrangler dev -c "wrangler/$frontend.toml" --show-interactive-dev-session=false "${extra[@]}" &
  pids+=($!)
done

echo "dev: mock origins on http://127.0.0.1:$mocks_port; Ctrl-C stops everything" >&2
wait -n "${pids[@]}"
