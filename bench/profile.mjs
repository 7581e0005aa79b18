// `make profile`: a CPU profile of one Worker's isolate under load, through the V8 inspector that
// workerd opens for it, and the functions that took the most self time.
//
// PROFILE_WORKER (web, mobile, voice; floor: the JS floor of make bench under the same load
// of mobile's page; mobile-js: mobile's page as a plain JS Worker, bench/replica/mobile.js;
// mobile-hono: the same page as a Hono Worker, bench/replica/mobile-hono.js;
// default mobile), PROFILE_MODE (off: cache off, every
// request fans out; hit: every request a KV HIT; default off), PROFILE_REQUESTS (default 2000),
// PROFILE_CONCURRENCY (default 10), PROFILE_TOP (default 25). The profile is written to
// test-output/profile/<worker>-<mode>.cpuprofile (open it in a Chromium's DevTools, Performance).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { MockControl, startMockOrigins } from "../tests/support/mock-origins.js";
import { NO_CACHE, startWorker } from "../tests/support/workers.js";
import { ALWAYS_FRESH, UNLIMITED, freePort, inspect, load, startFloor, startReplica, table } from "./support.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const frontend = process.env.PROFILE_WORKER ?? "mobile";
const mode = process.env.PROFILE_MODE ?? "off";
const requests = Number(process.env.PROFILE_REQUESTS ?? 2000);
const concurrency = Number(process.env.PROFILE_CONCURRENCY ?? 10);
const top = Number(process.env.PROFILE_TOP ?? 25);
if (!["off", "hit"].includes(mode)) throw new Error(`PROFILE_MODE is off or hit, not ${mode}`);

/** The built glue's lines, to show what a minified frame is. */
const replica = frontend === "mobile-js" || frontend === "mobile-hono";
const glue = frontend === "floor" || replica ? [] : readFileSync(join(ROOT, "workers", frontend, "build", "index.js"), "utf8").split("\n");

/** Self time per function (ms), from the sampled profile. */
function selfTimes(profile) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byNode = new Map();
  profile.samples.forEach((id, i) => byNode.set(id, (byNode.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byFunction = new Map();
  for (const [id, micros] of byNode) {
    const { functionName, url, lineNumber, columnNumber } = nodes.get(id).callFrame;
    const file = url.split("/").pop();
    const where = url.startsWith("wasm://") ? "wasm" : url ? `${file}:${lineNumber + 1}` : "";
    // Minified glue: its source text says what the frame is.
    const source = file === "index.js" ? ` ${glue[lineNumber]?.slice(columnNumber, columnNumber + 70) ?? ""}` : "";
    const name = `${functionName || "(anonymous)"}${where ? `  [${where}]` : ""}${source}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + micros / 1000);
  }
  return [...byFunction].sort((a, b) => b[1] - a[1]);
}

const mocksServer = await startMockOrigins();
const mocks = new MockControl(mocksServer.url);
const inspectorPort = await freePort();
const vars = mode === "hit" ? ALWAYS_FRESH : NO_CACHE;
const floor = frontend === "floor";
// The floor takes the mobile page's calls; on a HIT run, the entries mobile stored.
const bff = floor
  ? await startFloor(mocksServer.url, { inspectorPort })
  : replica
    ? await startReplica(mocksServer.url, { vars, inspectorPort, framework: frontend === "mobile-hono" ? "hono" : "none" })
    : await startWorker(frontend, mocksServer.url, { quiet: true, vars, rateLimit: UNLIMITED, inspectorPort });
const filler = floor && mode === "hit" ? await startWorker("mobile", mocksServer.url, { quiet: true, vars, rateLimit: UNLIMITED }) : null;
try {
  await mocks.reset();
  const ids = Array.from({ length: requests }, (_, i) => (mode === "hit" ? 1 + (i % 50) * 97 : 1 + ((i * 37) % 5000)));
  const keys = {};
  if (filler) {
    for (let i = 0; i < 50; i++) await filler.fetch(`/api/products/${1 + i * 97}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const from = await filler.mf.getKVNamespace("BFF_CACHE");
    const to = await bff.mf.getKVNamespace("BFF_CACHE");
    for (const { name } of (await from.list()).keys) {
      const entry = await from.getWithMetadata(name, "arrayBuffer");
      await to.put(name, entry.value, { metadata: entry.metadata });
      keys[Number(/:id=(\d+):/.exec(name)?.[1])] = name;
    }
  }
  const send = floor
    ? (id) => bff.fetch(mode === "hit" ? `/hit?key=${encodeURIComponent(keys[id])}` : `/miss/${id}?reviews=3&related=4`)
    : (id) => bff.fetch(`/api/products/${id}`);
  // Warm up (JIT tiers; on a HIT run, the KV entries), then profile.
  await load(send, ids.slice(0, 300), concurrency);
  if (mode === "hit") await new Promise((resolve) => setTimeout(resolve, 500));
  const name = floor ? "floor" : replica ? `replica-${frontend.replace("-js", "")}` : `bff-${frontend}`;
  const session = await inspect(inspectorPort, name);
  await session.send("Profiler.enable");
  await session.send("Profiler.setSamplingInterval", { interval: 100 });
  await session.send("Profiler.start");
  const { wallMs, unexpected } = await load(send, ids, concurrency, (r) => r.status === 200 && (floor || mode !== "hit" || r.headers.get("x-bff-cache") === "HIT"));
  const { profile } = await session.send("Profiler.stop");
  session.close();

  const dir = join(ROOT, "test-output", "profile");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${frontend}-${mode}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));

  const functions = selfTimes(profile);
  const total = functions.reduce((sum, [, ms]) => sum + ms, 0);
  const idle = functions.filter(([name]) => name.startsWith("(idle)")).reduce((sum, [, ms]) => sum + ms, 0);
  const busy = total - idle;
  const kind = (name) => (name.includes("[wasm]") ? "wasm" : /\[index\.js:/.test(name) ? "glue" : name.startsWith("(") ? "runtime" : "js");
  const shares = {};
  for (const [name, ms] of functions) if (!name.startsWith("(idle)")) shares[kind(name)] = (shares[kind(name)] ?? 0) + ms;

  console.log(`\n## Profile of ${floor ? "the floor" : name}, cache ${mode === "hit" ? "HIT" : "off"}: ${requests} product-page requests, ${concurrency} in flight, ${(wallMs / 1000).toFixed(1)} s${unexpected.length ? `, ${unexpected.length} unexpected answers` : ""}\n`);
  console.log(`isolate busy ${busy.toFixed(0)} ms (${(busy / requests).toFixed(3)} ms a request): ` +
    Object.entries(shares).map(([k, ms]) => `${k} ${((100 * ms) / busy).toFixed(1)}%`).join(", "));
  console.log("(wasm: Rust code; glue: the generated JS around it; js: platform JS; runtime: V8's own, such as GC and (program))\n");
  const rows = [["function (self time)", "ms", "% of busy"]];
  for (const [name, ms] of functions.filter(([name]) => !name.startsWith("(idle)")).slice(0, top)) {
    rows.push([name.length > 110 ? `${name.slice(0, 107)}...` : name, ms.toFixed(1), ((100 * ms) / busy).toFixed(1)]);
  }
  table(rows);
  console.log(`\nprofile: ${file}`);
} finally {
  await filler?.dispose();
  await bff.dispose();
  await mocksServer.stop();
}
