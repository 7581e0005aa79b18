#!/usr/bin/env bash
# Scaffolds a new frontend's BFF: the crate workers/<name>/ (routes, a profile, a product-screen
# view model, its OpenAPI document), wrangler/<name>.toml (the next free dev port from 8789, its
# own KV namespace and rate limit, staging and production envs), tests/<name>/ with a smoke suite,
# and a README section. The Makefile finds frontends by their folders, so `make dev-<name>`,
# `make build-<name>`, `make test-<name>` and the deploy dry-runs include it with no edit.
# Usage: scripts/new-frontend.sh <name>   (run through `make new-frontend NAME=<name>`)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
templates="$root/scripts/new-frontend"
cd "$root"
name="${1:-}"

fail() { printf 'new-frontend: %s\n' "$*" >&2; exit 1; }
[[ "$name" =~ ^[a-z][a-z0-9]{1,19}$ ]] || fail "NAME must be 2-20 lower-case letters or digits, starting with a letter (got '$name')"
[ -e "workers/$name" ] || [ -e "wrangler/$name.toml" ] || [ -e "tests/$name" ] && fail "a frontend named '$name' exists already"
case "$name" in shared | platform | support | mocks) fail "'$name' is reserved" ;; esac

# The next free dev port from 8789 up, and an inspector port beside it.
used_ports="$(grep -ho '^port = [0-9]*' wrangler/*.toml | awk '{print $3}')"
port=8789
while grep -qx "$port" <<<"$used_ports"; do port=$((port + 1)); done
inspector=$((port + 442))
# A number for this frontend's resource ids (KV namespaces, rate-limit namespaces).
index=$(($(ls wrangler/*.toml | wc -l) + 1))
while grep -q "namespace_id = \"${index}001\"" wrangler/*.toml; do index=$((index + 1)); done
kv_id() { # kv_id <env digit>: 32 hex digits, unique per frontend and env
  local prefix="${index}${index}"
  printf '%s%0*d%s' "$prefix" $((31 - ${#prefix})) 0 "$1"
}

fill() { sed -e "s/__NAME__/$name/g" "$templates/$1"; }

mkdir -p "workers/$name/src" "tests/$name"
sed -e "s/bff-mobile/bff-$name/; s/The mobile frontend's BFF Worker./The $name frontend's BFF Worker./" \
  workers/mobile/Cargo.toml >"workers/$name/Cargo.toml"
for module in lib profile product_page openapi; do
  fill "$module.rs.tmpl" >"workers/$name/src/$module.rs"
done
fill smoke.test.js.tmpl >"tests/$name/smoke.test.js"

cat >"wrangler/$name.toml" <<TOML
# The $name frontend's BFF Worker, owned by the $name team.
#
# Top level = local development: \`wrangler dev -c wrangler/$name.toml\` from the repository root
# (or \`make dev-$name\`) serves it on 127.0.0.1:$port against the mock origins on 127.0.0.1:8700,
# with local KV. \`--env staging\` and \`--env production\` deploy it to its edge routes; replace the
# placeholders (hostnames, KV namespace ids, origin URLs) first, as the README says.

name = "bff-$name"
main = "../workers/$name/build/worker.js"
compatibility_date = "2026-07-01"
workers_dev = false

[build]
command = "make build-$name"
watch_dir = ["../workers/$name/src", "../shared/src"]

[dev]
ip = "127.0.0.1"
port = $port
inspector_port = $inspector
local_protocol = "http"

[observability]
enabled = true

[vars]
ORIGIN_BASE_URL = "http://127.0.0.1:8700"
JWT_ISSUER = "http://127.0.0.1:8700/identity"
REQUEST_DEADLINE_MS = "2500"
ORIGIN_TIMEOUT_MS = "1500"
ORIGIN_REVIEWS_TIMEOUT_MS = "800"
ORIGIN_MAX_RETRIES = "1"

[[ratelimits]]
name = "RATE_LIMITER"
namespace_id = "${index}001"
simple = { limit = 600, period = 60 }

[[kv_namespaces]]
binding = "BFF_CACHE"
id = "$(kv_id 1)"
TOML
for env in staging production; do
  digit=2 host="$name-api.staging.shop.example.com" zone="staging.shop.example.com" origins="origins.staging"
  [ "$env" = production ] && digit=3 host="$name-api.shop.example.com" zone="shop.example.com" origins="origins"
  identity="${origins/origins/identity}"
  cat >>"wrangler/$name.toml" <<TOML

[env.$env]
routes = [{ pattern = "$host/*", zone_name = "$zone" }]
kv_namespaces = [{ binding = "BFF_CACHE", id = "$(kv_id "$digit")" }]
ratelimits = [{ name = "RATE_LIMITER", namespace_id = "${index}00${digit}", simple = { limit = 600, period = 60 } }]

[env.$env.vars]
ORIGIN_BASE_URL = "https://$origins.shop.example.com"
JWT_ISSUER = "https://$identity.shop.example.com"
REQUEST_DEADLINE_MS = "2500"
ORIGIN_TIMEOUT_MS = "1500"
ORIGIN_REVIEWS_TIMEOUT_MS = "800"
ORIGIN_MAX_RETRIES = "1"
TOML
done

cat >>README.md <<MD

### Frontend: $name

\`workers/$name/\` and \`wrangler/$name.toml\` belong to the $name team; its tests are \`tests/$name/\`.
\`make dev-$name\` serves it on 127.0.0.1:$port beside the mocks; \`make test-$name\` runs its Rust
tests, its Miniflare suite and its deploy dry-runs. Signed-in endpoints take a bearer JWT with
audience \`$name\`. Secrets to set per env before deploying: \`ADMIN_TOKEN\` (enables the cache purge).
MD

# Its API description, generated from the code, and the workspace's formatting.
cargo fmt -p "bff-$name"
echo '{}' >"workers/$name/openapi.json"
UPDATE_OPENAPI=1 cargo test -q -p "bff-$name" openapi >/dev/null
scripts/clients.sh >/dev/null
echo "new-frontend: created workers/$name, wrangler/$name.toml (dev port $port), tests/$name; next: make test-$name"
