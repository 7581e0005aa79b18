#!/usr/bin/env bash
# `wrangler deploy --dry-run` for every worker and environment: proves each config bundles and
# binds offline, and prints the bundle size each would upload (the cold-start cost).
# Usage: check-deploy.sh "web mobile" "dev staging production"   ("dev" is the top-level config)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
failed=0

printf '%-8s %-11s %s\n' worker env "bundle (wrangler's Total Upload)"
for worker in $1; do
  for env in $2; do
    env_args=()
    [ "$env" != dev ] && env_args=(--env "$env")
    log="$out/$worker-$env.log"
    if wrangler deploy --dry-run --outdir "$out/$worker-$env" -c "wrangler/$worker.toml" "${env_args[@]}" >"$log" 2>&1; then
      size="$(grep -o 'Total Upload: .*' "$log" | sed 's/Total Upload: //')"
      printf '%-8s %-11s %s\n' "$worker" "$env" "${size:-?}"
    else
      printf '%-8s %-11s FAILED\n' "$worker" "$env"
      sed 's/^/    /' "$log"
      failed=1
    fi
  done
done
exit "$failed"
