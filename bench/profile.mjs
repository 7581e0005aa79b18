// `make profile`: a CPU profile of one Worker under load, and what took the most self time.
//
// PROFILE_TOOL=inspector (default): the Worker's isolate, through the V8 inspector that workerd
// opens for it: JavaScript and wasm functions only, the runtime's C++ work put under whichever of
// them was on top (it overstates the wasm share several times over). PROFILE_TOOL=perf: the whole
// workerd process, sampled by Linux `perf` (bench/perf.mjs), beside the floor's process under the
// same load at the same time: where the process's CPU goes by kind (Rust, crossings, JavaScript,
// V8, workerd, KJ, allocator, kernel), in ms a request, and the symbols that cost the Worker
// most over the floor.
//
// PROFILE_WORKER (web, mobile, voice; floor: the JS floor of make bench under the same load
// of mobile's page; floor-contract: the floor with the contract, bench/floor/with-contract.js,
// under the same load; floor-rs: the floor written with workers-rs alone, bench/floor-rs, under
// the same load; mobile-js: mobile's page as a plain JS Worker, bench/replica/mobile.js;
// mobile-hono: the same page as a Hono Worker, bench/replica/mobile-hono.js;
// default mobile), PROFILE_MODE (off: cache off, every
// request fans out; hit: every request a KV HIT; default off), PROFILE_REQUESTS (default 2000),
// PROFILE_CONCURRENCY (default 10), PROFILE_TOP (default 25). The profile is written to
// test-output/profile/<worker>-<mode>.cpuprofile (open it in a Chromium's DevTools, Performance),
// perf's reports (every symbol) to test-output/profile/<worker>-<mode>.perf.data.txt and
// floor-beside-<worker>-<mode>.perf.data.txt.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { MockControl, startMockOrigins } from "../tests/support/mock-origins.js";
import { NO_CACHE, startWorker } from "../tests/support/workers.js";
import * as perf from "./perf.mjs";
import { ALWAYS_FRESH, UNLIMITED, dispatch, freePort, inspect, load, startContractFloor, startFloor, startReplica, startRustFloor, table, withPid } from "./support.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const frontend = process.env.PROFILE_WORKER ?? "mobile";
const mode = process.env.PROFILE_MODE ?? "off";
const requests = Number(process.env.PROFILE_REQUESTS ?? 2000);
const concurrency = Number(process.env.PROFILE_CONCURRENCY ?? 10);
const top = Number(process.env.PROFILE_TOP ?? 25);
const tool = process.env.PROFILE_TOOL ?? "inspector";
if (!["off", "hit"].includes(mode)) throw new Error(`PROFILE_MODE is off or hit, not ${mode}`);
if (!["inspector", "perf"].includes(tool)) throw new Error(`PROFILE_TOOL is inspector or perf, not ${tool}`);

/**
 * The Workers that take the floor's requests (on a HIT run, for the entries mobile stored), by
 * PROFILE_WORKER: how each starts, whether its answers carry `x-bff-cache`, and its built glue
 * (a Rust one's) if any.
 */
const FLOOR_LIKE = {
  floor: { start: startFloor, marksCache: false },
  "floor-contract": { start: startContractFloor, marksCache: true },
  "floor-rs": { start: startRustFloor, marksCache: false, glue: join(ROOT, "bench", "floor-rs", "build", "index.js") },
};
const floorLike = FLOOR_LIKE[frontend];
const replica = frontend === "mobile-js" || frontend === "mobile-hono";
/** The built glue's lines, to show what a minified frame is. */
const glueFile = floorLike ? floorLike.glue : replica ? undefined : join(ROOT, "workers", frontend, "build", "index.js");
const glue = glueFile ? readFileSync(glueFile, "utf8").split("\n") : [];

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

const vars = mode === "hit" ? ALWAYS_FRESH : NO_CACHE;
const floor = frontend === "floor";
const floorRequests = floorLike !== undefined;
const ids = Array.from({ length: requests }, (_, i) => (mode === "hit" ? 1 + (i % 50) * 97 : 1 + ((i * 37) % 5000)));
/** The Worker profiled: the floor takes the mobile page's calls; on a HIT run, the entries mobile stored. */
const startSubject = (mocksUrl, options = {}) =>
  floorLike
    ? floorLike.start(mocksUrl, options)
    : replica
      ? startReplica(mocksUrl, { vars, ...options, framework: frontend === "mobile-hono" ? "hono" : "none" })
      : startWorker(frontend, mocksUrl, { quiet: true, vars, rateLimit: UNLIMITED, ...options });
/** The floor's requests for the same pages: on a HIT run, for the KV entries `fillFloor` copied. */
const floorSend = (instance, keys) => (id) => dispatch(instance.mf, mode === "hit" ? `/hit?key=${encodeURIComponent(keys[id])}` : `/miss/${id}?reviews=3&related=4`);
/** The Worker's requests, with make bench's headers (the answer uncompressed: see `MEASURED_HEADERS`). */
const workerSend = (instance) => (id) => dispatch(instance.mf, `/api/products/${id}`);
/** A good answer: 200, and on a HIT run from the cache where the Worker says so. */
const expected = (marksCache) => (r) => r.status === 200 && (!marksCache || mode !== "hit" || r.headers.get("x-bff-cache") === "HIT");
/** Whether the profiled Worker's answers carry `x-bff-cache`. */
const subjectMarksCache = floorLike?.marksCache ?? true;

/** On a HIT run, gives the floor the entries mobile stores for the hot products; their keys by id. */
async function fillFloor(mocksUrl, floorInstance) {
  const keys = {};
  if (mode !== "hit") return keys;
  const filler = await withPid(() => startWorker("mobile", mocksUrl, { quiet: true, vars, rateLimit: UNLIMITED }));
  try {
    for (let i = 0; i < 50; i++) await filler.fetch(`/api/products/${1 + i * 97}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const from = await filler.mf.getKVNamespace("BFF_CACHE");
    const to = await floorInstance.mf.getKVNamespace("BFF_CACHE");
    for (const { name } of (await from.list()).keys) {
      const entry = await from.getWithMetadata(name, "arrayBuffer");
      await to.put(name, entry.value, { metadata: entry.metadata });
      keys[Number(/:id=(\d+):/.exec(name)?.[1])] = name;
    }
  } finally {
    await filler.dispose();
    perf.forgetMap(filler.pid);
  }
  return keys;
}

const title = (wallMs, unexpected) =>
  `cache ${mode === "hit" ? "HIT" : "off"}: ${requests} product-page requests, ${concurrency} in flight, ${(wallMs / 1000).toFixed(1)} s${unexpected.length ? `, ${unexpected.length} unexpected answers` : ""}`;

const mocksServer = await startMockOrigins();
const mocks = new MockControl(mocksServer.url);
try {
  await mocks.reset();
  await (tool === "perf" ? profileWithPerf() : profileWithInspector());
} finally {
  await mocksServer.stop();
}

async function profileWithInspector() {
  const inspectorPort = await freePort();
  const bff = await startSubject(mocksServer.url, { inspectorPort });
  try {
    const keys = floorRequests ? await fillFloor(mocksServer.url, bff) : {};
    const send = floorRequests ? floorSend(bff, keys) : workerSend(bff);
    // Warm up (JIT tiers; on a HIT run, the KV entries), then profile.
    await load(send, ids.slice(0, 300), concurrency);
    if (mode === "hit") await new Promise((resolve) => setTimeout(resolve, 500));
    const name = floorLike ? frontend : replica ? `replica-${frontend.replace("-js", "")}` : `bff-${frontend}`;
    const session = await inspect(inspectorPort, name);
    await session.send("Profiler.enable");
    await session.send("Profiler.setSamplingInterval", { interval: 100 });
    await session.send("Profiler.start");
    const { wallMs, unexpected } = await load(send, ids, concurrency, expected(subjectMarksCache));
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

    console.log(`\n## Profile of ${floor ? "the floor" : name}, ${title(wallMs, unexpected)}\n`);
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
    await bff.dispose();
  }
}

/**
 * The Worker's workerd process and the floor's, each under the same load at the same time (so
 * that the machine's drift falls on both), each sampled by `perf`.
 */
async function profileWithPerf() {
  if (!perf.available()) throw new Error("perf cannot sample here: `make profile` installs it (Debian's linux-perf); as root, or with kernel.perf_event_paranoid <= 1");
  // V8 names the code it compiles (wasm functions, JavaScript) in /tmp/perf-<pid>.map.
  process.env.MINIFLARE_WORKERD_V8_FLAGS = [process.env.MINIFLARE_WORKERD_V8_FLAGS, "--perf-basic-prof"].filter(Boolean).join(" ");
  const sides = [{ name: floor ? "the floor" : frontend, instance: await withPid(() => startSubject(mocksServer.url)), isFloor: floor, floorRequests, marksCache: subjectMarksCache }];
  if (!floor) sides.push({ name: "floor", instance: await withPid(() => startFloor(mocksServer.url)), isFloor: true, floorRequests: true, marksCache: false });
  const dir = join(ROOT, "test-output", "profile");
  mkdirSync(dir, { recursive: true });
  try {
    for (const side of sides) {
      const keys = side.floorRequests ? await fillFloor(mocksServer.url, side.instance) : {};
      side.send = side.floorRequests ? floorSend(side.instance, keys) : workerSend(side.instance);
      side.file = join(dir, `${side.isFloor && !floor ? "floor-beside-" : ""}${frontend}-${mode}.perf.data`);
      await load(side.send, ids.slice(0, 300), concurrency);
    }
    if (mode === "hit") await new Promise((resolve) => setTimeout(resolve, 500));
    const recordings = sides.map((side) => perf.record(side.instance.pid, side.file));
    // perf attaches to every thread of the process before it samples.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const runs = await Promise.all(sides.map((side) => load(side.send, ids, concurrency, expected(side.marksCache))));
    await Promise.all(recordings.map((recording) => recording.stop()));
    sides.forEach((side, i) => {
      side.run = runs[i];
      side.symbols = perf.symbols(side.file, side.instance.pid);
      side.kinds = perf.byKind(side.symbols);
      side.total = side.symbols.reduce((sum, { ms }) => sum + ms, 0);
    });
    printPerf(sides);
  } finally {
    for (const side of sides) await side.instance.dispose();
  }
}

function printPerf(sides) {
  const [worker, base] = sides;
  const perRequest = (ms) => (ms / requests).toFixed(3);
  console.log(`\n## The workerd process of ${worker.name}${base ? ", beside the floor's" : ""}, sampled by perf, ${title(worker.run.wallMs, worker.run.unexpected)}\n`);
  const kindRows = [["where the process's CPU went", `${worker.name}, ms a request`, "% of its CPU", ...(base ? ["floor, ms a request", "difference"] : [])]];
  for (const [kind, ms] of worker.kinds) {
    const floorMs = base?.kinds.get(kind) ?? 0;
    if (ms === 0 && floorMs === 0) continue;
    kindRows.push([kind, perRequest(ms), ((100 * ms) / worker.total).toFixed(1), ...(base ? [perRequest(floorMs), perRequest(ms - floorMs)] : [])]);
  }
  kindRows.push(["all", perRequest(worker.total), "100.0", ...(base ? [perRequest(base.total), perRequest(worker.total - base.total)] : [])]);
  table(kindRows);
  if (base) console.log(`(${worker.name} over the floor, this run: ${(worker.total / base.total).toFixed(2)}; one run's ratio, for the shares: make bench measures the ratio)`);

  const floorOf = new Map((base?.symbols ?? []).map((s) => [`${s.kind}\u0000${s.name}`, s.ms]));
  const shorten = (name) => (name.length > 100 ? `${name.slice(0, 97)}...` : name);
  console.log("");
  const topRows = [["symbol (self time)", "kind", "ms a request", "% of CPU", ...(base ? ["floor, ms a request"] : [])]];
  for (const { name, kind, ms } of [...worker.symbols].sort((a, b) => b.ms - a.ms).slice(0, top)) {
    topRows.push([shorten(name), kind, perRequest(ms), ((100 * ms) / worker.total).toFixed(1), ...(base ? [perRequest(floorOf.get(`${kind}\u0000${name}`) ?? 0)] : [])]);
  }
  table(topRows);
  if (base) {
    console.log("");
    const extra = [...worker.symbols].map((s) => ({ ...s, extra: s.ms - (floorOf.get(`${s.kind}\u0000${s.name}`) ?? 0) }));
    const diffRows = [[`what ${worker.name} spends beyond the floor (self time)`, "kind", "µs a request more"]];
    for (const { name, kind, extra: ms } of extra.sort((a, b) => b.extra - a.extra).slice(0, top)) {
      diffRows.push([shorten(name), kind, ((1000 * ms) / requests).toFixed(1)]);
    }
    table(diffRows);
  }
  console.log(`\nreports: ${sides.map((side) => `${side.file}.txt`).join(", ")} (every symbol; the recordings beside them name the runtime's symbols for perf report -i, not wasm's)`);
}
