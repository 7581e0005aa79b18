// Loads a built BFF Worker into Miniflare (workerd) with in-memory KV and Durable Objects,
// configured from its own wrangler config with the origins pointed at the mock server of this run.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";
import { parse } from "smol-toml";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export async function startWorker(frontend, mocksUrl, { vars = {}, quiet = false, rateLimit } = {}) {
  const config = parse(readFileSync(`${ROOT}wrangler/${frontend}.toml`, "utf8"));
  const mf = new Miniflare({
    name: config.name,
    modules: true,
    scriptPath: `${ROOT}workers/${frontend}/build/index.js`,
    modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"], fallthrough: true }],
    compatibilityDate: config.compatibility_date,
    kvNamespaces: Object.fromEntries(config.kv_namespaces.map((kv) => [kv.binding, kv.id])),
    // The Worker's own Durable Object classes (web sessions), SQLite-backed as in its migrations.
    durableObjects: Object.fromEntries(
      (config.durable_objects?.bindings ?? []).map((binding) => [
        binding.name,
        { className: binding.class_name, useSQLite: true },
      ]),
    ),
    ratelimits: Object.fromEntries(
      (config.ratelimits ?? []).map((limit) => [
        limit.name,
        { namespace_id: limit.namespace_id, simple: { ...limit.simple, ...(rateLimit ?? {}) } },
      ]),
    ),
    // `vars` override the config's; a null value removes one.
    bindings: Object.fromEntries(
      Object.entries({ ...config.vars, ORIGIN_BASE_URL: mocksUrl, JWT_ISSUER: `${mocksUrl}/identity`, ...vars }).filter(
        ([, v]) => v !== null,
      ),
    ),
    // quiet: drop the Worker's per-request log lines (benchmarks); errors still show.
    ...(quiet && {
      handleRuntimeStdio(stdout, stderr) {
        stdout.resume();
        stderr.pipe(process.stderr);
      },
    }),
  });
  await mf.ready;
  return {
    mf,
    /** Sends a request to the Worker; `path` is relative to its host. */
    async fetch(path, init = {}) {
      const response = await mf.dispatchFetch(`http://bff.test${path}`, init);
      const text = await response.text();
      let json;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: response.status, headers: response.headers, text, json, bytes: Buffer.byteLength(text) };
    },
    /** The Worker's KV cache namespace (in memory, per Worker). */
    async cacheKeys() {
      const kv = await mf.getKVNamespace("BFF_CACHE");
      return (await kv.list()).keys.map((key) => key.name);
    },
    /** Every key of one of the Worker's KV namespaces. */
    async kvKeys(binding) {
      const kv = await mf.getKVNamespace(binding);
      return (await kv.list()).keys.map((key) => key.name);
    },
    async cacheEntry(name) {
      const kv = await mf.getKVNamespace("BFF_CACHE");
      return kv.getWithMetadata(name, "text");
    },
    dispose: () => mf.dispose(),
  };
}

/** Vars that turn the cache off (all windows zero), for tests that count origin calls. */
export const NO_CACHE = Object.fromEntries(
  ["PRODUCT", "HOME", "LISTING", "REVIEWS"].flatMap((route) =>
    ["FRESH_MS", "GRACE_MS", "MAX_STALE_MS"].map((window) => [`CACHE_${route}_${window}`, "0"]),
  ),
);

/** Every key and every string value in a JSON document, with its path. */
export function* walkJson(value, path = "$") {
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) yield* walkJson(item, `${path}[${i}]`);
  } else if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      yield { kind: "key", path: `${path}.${key}`, value: key };
      yield* walkJson(item, `${path}.${key}`);
    }
  } else if (typeof value === "string") {
    yield { kind: "string", path, value };
  }
}
