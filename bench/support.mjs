// What the benchmark and the profiler share: the floor Worker, the workerd process of each
// Miniflare instance and its CPU time, and the report's arithmetic and tables.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { startNeighbourIsolate, withNeighbour } from "../tests/support/workers.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** A benchmark is one client sending far more than a shopper would: lift the per-client limit. */
export const UNLIMITED = { limit: 1_000_000, period: 60 };

/** Vars under which a cached entry stays fresh for the whole run (HIT only, no refreshes). */
export const ALWAYS_FRESH = Object.fromEntries(
  ["PRODUCT", "HOME", "LISTING", "REVIEWS"].flatMap((route) => [
    [`CACHE_${route}_FRESH_MS`, "86400000"],
    [`CACHE_${route}_GRACE_MS`, "0"],
    [`CACHE_${route}_MAX_STALE_MS`, "86400000"],
  ]),
);

function stat(pid) {
  const text = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name, which is in parentheses and may hold spaces.
  return { comm: text.slice(text.indexOf("(") + 1, text.lastIndexOf(")")), fields: text.slice(text.lastIndexOf(")") + 2).split(" ") };
}

/**
 * The request headers of every measured request. Miniflare's entry Worker compresses a JSON
 * answer for a client that accepts gzip, in the Worker's own workerd process; deployed, the edge
 * compresses outside the Worker and bills it no CPU. That cost grows with the answer, so it fell
 * on the Workers' pages (2.6–11 KB) and hardly on the floor's few bytes. Measured requests ask
 * for the body as it is, unless `BENCH_ACCEPT_ENCODING` names an encoding.
 */
export const MEASURED_HEADERS = { "accept-encoding": process.env.BENCH_ACCEPT_ENCODING ?? "identity" };

/** The hot set of a HIT run: 50 products, spread over the catalog. */
export const HOT_PRODUCTS = 50;
/** The `i`-th product of a HIT run, cycling through the hot set. */
export const hotId = (i) => 1 + (i % HOT_PRODUCTS) * 97;
/** The `i`-th product of a cache-off run, spread over 5,000 so that origins see varied ids. */
export const missId = (i) => 1 + ((i * 37) % 5000);

/** One measured request to an instance, its body read to the end. */
export async function dispatch(mf, path) {
  const response = await mf.dispatchFetch(`http://bff.test${path}`, { headers: MEASURED_HEADERS });
  await response.arrayBuffer();
  return response;
}

/** The workerd processes this process started (Miniflare runs one per instance). */
export function workerdPids() {
  const pids = new Set();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const { comm, fields } = stat(entry);
      if (comm === "workerd" && Number(fields[1]) === process.pid) pids.add(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

/** Runs `start` (which creates one Miniflare instance) and returns its result with its workerd pid. */
export async function withPid(start) {
  const before = workerdPids();
  const started = await start();
  const fresh = [...workerdPids()].filter((pid) => !before.has(pid));
  if (fresh.length !== 1) throw new Error(`expected one new workerd process, found ${fresh.length}`);
  return { ...started, pid: fresh[0] };
}

/**
 * Starts a fresh instance (`start`, as for `withPid`) and sends it one request, then lets it go:
 * how long it took to be ready, the request's wall time, and its workerd process's CPU time from
 * its start to the answer and for the request alone. With `awayFrom` (pids), the instance runs
 * off their cores (`separateCores`).
 */
export async function firstRequest(start, path, { awayFrom } = {}) {
  const started = performance.now();
  const instance = await withPid(start);
  const readyMs = performance.now() - started;
  try {
    if (awayFrom) separateCores([instance.pid], awayFrom);
    const cpuBefore = cpuSeconds(instance.pid);
    const sent = performance.now();
    const response = await dispatch(instance.mf, path);
    const firstMs = performance.now() - sent;
    const cpuAfter = cpuSeconds(instance.pid);
    return { status: response.status, readyMs, firstMs, cpuToAnswerMs: cpuAfter * 1000, requestCpuMs: (cpuAfter - cpuBefore) * 1000 };
  } finally {
    await instance.dispose();
  }
}

/**
 * Keeps the measured Workers off the load generator's core: every thread of each workerd on the
 * last CPU, this process (and the mock origins it started) on the others. On a machine of two
 * shared cores, a Worker's CPU time per request otherwise swings with whatever ran beside it.
 * Returns whether it could (taskset present, more than one CPU).
 */
export function separateCores(workerdPids, otherPids) {
  const cpus = availableParallelism();
  if (cpus < 2) return false;
  const last = String(cpus - 1);
  const rest = cpus === 2 ? "0" : `0-${cpus - 2}`;
  try {
    for (const pid of workerdPids) execFileSync("taskset", ["-a", "-p", "-c", last, String(pid)], { stdio: "ignore" });
    for (const pid of otherPids) execFileSync("taskset", ["-a", "-p", "-c", rest, String(pid)], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/**
 * CPU seconds (user + system) a process has used so far. utime + stime in `/proc/<pid>/stat` come
 * in clock ticks (10 ms): a batch of a few hundred requests is some 30 of them, so rounding alone
 * moved a batch's figure by ±3–5%. The scheduler keeps the same time in nanoseconds, per thread
 * (the first field of `/proc/<pid>/task/<tid>/schedstat`); their sum is the process's CPU time,
 * that of its threads alive now (workerd keeps its threads). Ticks where that is not available.
 */
export function cpuSeconds(pid) {
  try {
    let nanoseconds = 0;
    for (const thread of readdirSync(`/proc/${pid}/task`)) {
      nanoseconds += Number(readFileSync(`/proc/${pid}/task/${thread}/schedstat`, "utf8").split(" ")[0]);
    }
    if (Number.isFinite(nanoseconds) && nanoseconds > 0) return nanoseconds / 1e9;
  } catch {
    // No schedstat (a kernel without it), or a thread ended while we read: ticks, below.
  }
  const { fields } = stat(pid);
  // utime and stime are fields 14 and 15 of the line, 12 and 13 after the command name.
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/**
 * A plain JavaScript Worker of `bench/` in its own Miniflare instance: a KV namespace and a
 * rate limiter bound as the BFFs' are, `bindings` as its vars. Its log lines, if it writes any,
 * are written as the Rust Workers' are and dropped here as theirs are.
 */
async function startJsWorker(name, script, bindings, { inspectorPort, neighbour = false, bundled = false } = {}) {
  const path = `${ROOT}bench/${script}`;
  const worker = {
    name,
    ...(bundled
      ? { modules: [{ type: "ESModule", path, contents: await bundle(path) }] }
      : {
          modules: true,
          scriptPath: path,
          // The JS page imports the platform side's timer (shared/js/platform.js), an ES module
          // too; the Rust floor imports its wasm.
          modulesRules: [
            { type: "ESModule", include: ["**/*.js"] },
            { type: "CompiledWasm", include: ["**/*.wasm"] },
          ],
        }),
    compatibilityDate: "2026-07-01",
    kvNamespaces: { BFF_CACHE: `${name}-cache` },
    ratelimits: { RATE_LIMITER: { namespace_id: "9001", simple: UNLIMITED } },
    bindings,
  };
  const shared = {
    handleRuntimeStdio(stdout, stderr) {
      stdout.resume();
      stderr.on("data", (chunk) => process.stderr.write(chunk));
    },
    ...(inspectorPort !== undefined && { inspectorPort }),
  };
  // `neighbour`: a Worker beside it that starts isolates in its process, as make bench's
  // neighbour section needs (tests/support/workers.js).
  const mf = new Miniflare(withNeighbour(shared, worker, neighbour));
  await mf.ready;
  return {
    mf,
    async fetch(path, init) {
      const response = await mf.dispatchFetch(`http://bff.test${path}`, init);
      const text = await response.text();
      return { status: response.status, headers: response.headers, text };
    },
    startNeighbourIsolate: () => startNeighbourIsolate(mf),
    dispose: () => mf.dispose(),
  };
}

const bundles = new Map();

/**
 * A Worker that imports packages, as one module: bundled as `wrangler deploy` bundles (esbuild,
 * ES module, the `workerd` export conditions, not minified), once per run.
 */
export function bundle(path) {
  if (!bundles.has(path)) {
    bundles.set(
      path,
      build({ entryPoints: [path], bundle: true, format: "esm", platform: "neutral", conditions: ["workerd", "worker", "browser"], mainFields: ["module", "main"], target: "es2022", write: false, logLevel: "error" }).then(
        (result) => result.outputFiles[0].text,
      ),
    );
  }
  return bundles.get(path);
}

/** The floor Worker (bench/floor/worker.js) in its own Miniflare instance. */
export function startFloor(mocksUrl, options) {
  return startJsWorker("floor", "floor/worker.js", { ORIGIN_BASE_URL: mocksUrl }, options);
}

/**
 * The floor written with workers-rs alone (bench/floor-rs, as worker-build writes it), on the
 * floor's requests: what a Rust Worker pays for the platform's work before any code of ours.
 */
export function startRustFloor(mocksUrl, options) {
  return startJsWorker("floor-rs", "floor-rs/build/index.js", { ORIGIN_BASE_URL: mocksUrl }, options);
}

/** The floor with the contract (bench/floor/with-contract.js), with mobile's origin timeout. */
export function startContractFloor(mocksUrl, options) {
  return startJsWorker("floor-contract", "floor/with-contract.js", { ORIGIN_BASE_URL: mocksUrl, ORIGIN_TIMEOUT_MS: "1500" }, options);
}

/**
 * The mobile product page written as a plain JavaScript Worker (bench/replica/mobile.js), or with
 * `framework: "hono"` as a Hono Worker (bench/replica/mobile-hono.js), with `vars` (the cache
 * windows) over the mobile Worker's timeouts.
 */
export function startReplica(mocksUrl, { vars = {}, framework = "none", ...options } = {}) {
  const bindings = {
    ORIGIN_BASE_URL: mocksUrl,
    ORIGIN_TIMEOUT_MS: "1500",
    ORIGIN_REVIEWS_TIMEOUT_MS: "800",
    ORIGIN_RECOMMENDATIONS_TIMEOUT_MS: "800",
    ...vars,
  };
  return framework === "hono"
    ? startJsWorker("replica-mobile-hono", "replica/mobile-hono.js", bindings, { ...options, bundled: true })
    : startJsWorker("replica-mobile", "replica/mobile.js", bindings, options);
}

export const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** min–median–max of a list of numbers, each with `digits` decimals. */
export const spread = (values, digits = 2) =>
  [Math.min(...values), median(values), Math.max(...values)].map((v) => v.toFixed(digits)).join("–");

export const table = (rows) => {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  for (const [n, row] of rows.entries()) {
    console.log(row.map((cell, i) => String(cell).padStart(i ? widths[i] : 0).padEnd(i ? 0 : widths[i])).join("  "));
    if (n === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "));
  }
};

/**
 * Sends `paths` to `send` with `concurrency` requests in flight; returns each request's latency
 * (ms), the wall time (ms), and the answers that were not what `expect` wanted.
 */
export async function load(send, paths, concurrency, expect = (r) => r.status === 200) {
  const latencies = [];
  const unexpected = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < paths.length) {
        const path = paths[next++];
        const t0 = performance.now();
        const response = await send(path);
        latencies.push(performance.now() - t0);
        if (!expect(response)) unexpected.push(`${path}: ${response.status} ${response.headers.get("x-bff-cache") ?? ""}`);
      }
    }),
  );
  return { latencies, wallMs: performance.now() - started, unexpected };
}

/** A free TCP port on loopback (for an inspector). */
export const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

/** A Chrome DevTools Protocol session over the inspector's WebSocket. */
export async function inspect(port, workerName) {
  const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
  const target = targets.find((t) => t.id?.endsWith(`:${workerName}`) || t.title?.includes(workerName)) ?? targets[0];
  const url = target.webSocketDebuggerUrl ?? `ws://127.0.0.1:${port}/${target.id}`;
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = () => reject(new Error(`cannot open the inspector at ${url}`));
  });
  let nextId = 1;
  const pending = new Map();
  /** Notifications (such as Runtime.executionContextCreated), in order. */
  const events = [];
  socket.onmessage = (event) => {
    const message = JSON.parse(event.data);
    if (message.method) events.push(message);
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.error) waiter.reject(new Error(`${waiter.method}: ${message.error.message}`));
    else waiter.resolve(message.result);
  };
  return {
    send: (method, params = {}) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject, method });
        socket.send(JSON.stringify({ id, method, params }));
      }),
    events,
    close: () => socket.close(),
  };
}
