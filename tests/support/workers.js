// Loads a built BFF Worker into Miniflare (workerd) with in-memory KV and Durable Objects,
// configured from its own wrangler config with the origins pointed at the mock server of this run.
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";
import { parse } from "smol-toml";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Runtime output that means a Worker panicked or trapped (an aborted isolate). */
const FAULT = /panicked at|RuntimeError: unreachable/;
const runtimeFaults = [];

/** The fault lines seen since the last call (tests/support/runtime-faults.js fails on any). */
export function takeRuntimeFaults() {
  return runtimeFaults.splice(0);
}

/**
 * A second Worker in the same workerd process that starts a new isolate on each request: a
 * dynamic Worker, loaded through the runtime's Worker Loader. workerd puts every isolate it
 * creates under memory pressure, and V8 answers by dropping the wasm code it has not optimized,
 * in every isolate of the process. A runtime process shared by many Workers starts isolates all
 * the time; this one lets make bench and make cold-code measure what that costs a warm Worker.
 */
const NEIGHBOUR = {
  name: "neighbour",
  modules: true,
  compatibilityDate: "2026-07-01",
  workerLoaders: { LOADER: {} },
  script: `export default {
    async fetch(request, env) {
      const worker = env.LOADER.get(crypto.randomUUID(), () => ({
        compatibilityDate: "2026-07-01",
        mainModule: "neighbour.js",
        modules: { "neighbour.js": "export default { fetch() { return new Response('started'); } }" },
      }));
      return worker.getEntrypoint().fetch(request);
    },
  };`,
};

/**
 * Miniflare options for one Worker (`worker`: its own options; `shared`: the instance's), with
 * the neighbour beside it if asked. `dispatchFetch` still goes to the Worker, the first one.
 */
export function withNeighbour(shared, worker, neighbour) {
  return neighbour ? { ...shared, workers: [worker, NEIGHBOUR] } : { ...shared, ...worker };
}

/** Makes the neighbour of `mf` (see `withNeighbour`) start a new isolate; resolves once it has answered. */
export async function startNeighbourIsolate(mf) {
  const neighbour = await mf.getWorker(NEIGHBOUR.name);
  const response = await neighbour.fetch("http://neighbour.test/");
  if ((await response.text()) !== "started") throw new Error(`the neighbour's isolate did not start: ${response.status}`);
}

/** Reads a runtime output stream line by line, recording faults and passing lines on. */
function watch(stream, name, forward) {
  createInterface({ input: stream }).on("line", (line) => {
    if (FAULT.test(line)) runtimeFaults.push(`${name}: ${line}`);
    forward?.(line);
  });
}

export async function startWorker(frontend, mocksUrl, { vars = {}, quiet = false, rateLimit, port, inspectorPort, script, runtimeLine, neighbour = false } = {}) {
  const config = parse(readFileSync(`${ROOT}wrangler/${frontend}.toml`, "utf8"));
  // The Worker's stdout lines (its log), kept unless quiet.
  const logLines = [];
  const worker = {
    name: config.name,
    modules: true,
    // `script`: another build of the same Worker (make compare loads a kept one).
    scriptPath: script ?? `${ROOT}workers/${frontend}/build/worker.js`,
    // The entry (build/worker.js) imports the bundle (build/index.js), an ES module too.
    modulesRules: [
      { type: "ESModule", include: ["**/*.js"] },
      { type: "CompiledWasm", include: ["**/*.wasm"], fallthrough: true },
    ],
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
  };
  const shared = {
    // A real listening socket on loopback (for raw HTTP); 0 picks a free port.
    ...(port !== undefined && { host: "127.0.0.1", port }),
    // The V8 inspector of the Worker's isolate (make profile).
    ...(inspectorPort !== undefined && { inspectorPort }),
    // Every line is watched for panics; quiet drops the Worker's per-request log lines
    // (benchmarks), errors still show.
    handleRuntimeStdio(stdout, stderr) {
      // `runtimeLine` sees every line of the runtime's output, quiet or not (make cold-code
      // reads V8's trace from it).
      watch(stdout, config.name, (line) => {
        runtimeLine?.(line);
        if (quiet) return;
        logLines.push(line);
        console.log(line);
      });
      watch(stderr, config.name, (line) => console.error(line));
    },
  };
  // `neighbour`: a Worker beside it that starts isolates in its process (see NEIGHBOUR).
  const mf = new Miniflare(withNeighbour(shared, worker, neighbour));
  const url = await mf.ready;
  return {
    mf,
    /** The listening address when started with `port`. */
    url: port !== undefined ? url.origin : undefined,
    /** Sends a request to the Worker; `path` is relative to its host. */
    async fetch(path, init = {}) {
      const response = await mf.dispatchFetch(`http://bff.test${path}`, init);
      const text = await response.text();
      // An exception out of the Worker comes back as Miniflare's error text, not a log line.
      if (FAULT.test(text)) runtimeFaults.push(`${config.name}: ${path}: ${text.split("\n")[0]}`);
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
    /** The Worker's log lines so far that parse as JSON objects (none when started quiet). */
    logs() {
      return logLines.flatMap((line) => {
        try {
          const value = JSON.parse(line);
          return value && typeof value === "object" ? [value] : [];
        } catch {
          return [];
        }
      });
    },
    /** Has the neighbour start an isolate in this Worker's process (with `neighbour` only). */
    startNeighbourIsolate: () => startNeighbourIsolate(mf),
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
