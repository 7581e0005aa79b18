// `make compare`: one Worker's CPU per request, a kept build of it against the current one, in
// one run. This is how a change is sized: `make bench` compares each Worker with the floor, and
// its medians move by more between runs than most single changes weigh.
//
// Keep a build before the change (`cp -r workers/mobile/build /tmp/mobile-before`), make the
// change, then `make compare COMPARE_BASE=/tmp/mobile-before`. Both builds run in Miniflare at
// once, each its own workerd process, against the same mock origins; batches alternate (kept,
// current, current, kept, …, the order reversed every round), and a round's ratio is its current
// batch over its kept batch.
//
// COMPARE_BASE (required: a directory holding a built Worker: worker.js, index.js,
// index_bg.wasm), COMPARE_WORKER (web, mobile or voice; default mobile), COMPARE_MODE (off:
// cache off, every request fans out; hit: every request a KV HIT; cold: the first request to a
// fresh instance, a new pair of instances every round; default off), COMPARE_ROUNDS
// (default 12), COMPARE_PATH (cold only: the first request; default /openapi.json, as make
// bench's cold row), COMPARE_REQUESTS (a batch; default 300), COMPARE_CONCURRENCY (default 10),
// COMPARE_TOGETHER (1: a round's two batches run at the same time instead of one after the
// other, so that whatever else the machine does falls on both alike; default 0).
import { cpSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { MockControl, startMockOrigins } from "../tests/support/mock-origins.js";
import { NO_CACHE, startWorker } from "../tests/support/workers.js";
import { ALWAYS_FRESH, UNLIMITED, cpuSeconds, dispatch, firstRequest, hotId, load, missId, separateCores, spread, table, withPid } from "./support.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const frontend = process.env.COMPARE_WORKER ?? "mobile";
const mode = process.env.COMPARE_MODE ?? "off";
const rounds = Number(process.env.COMPARE_ROUNDS ?? 12);
const requests = Number(process.env.COMPARE_REQUESTS ?? 300);
const concurrency = Number(process.env.COMPARE_CONCURRENCY ?? 10);
const together = process.env.COMPARE_TOGETHER === "1";
const base = process.env.COMPARE_BASE;
if (!base) throw new Error("COMPARE_BASE: the directory of a kept build (e.g. a copy of workers/mobile/build)");
if (!["off", "hit", "cold"].includes(mode)) throw new Error(`COMPARE_MODE is off, hit or cold, not ${mode}`);
for (const file of ["worker.js", "index.js", "index_bg.wasm"]) {
  if (!existsSync(join(base, file))) throw new Error(`${base} holds no ${file}: not a Worker's build directory`);
}

// Miniflare loads modules from inside the project only: the kept build is copied in.
const kept = join(ROOT, "test-output", "compare", `${frontend}-kept`);
rmSync(kept, { recursive: true, force: true });
mkdirSync(kept, { recursive: true });
cpSync(resolve(base), kept, { recursive: true });

const ids = mode === "hit" ? hotId : missId;

const quartiles = (ratios) => {
  const ordered = [...ratios].sort((a, b) => a - b);
  const at = (q) => ordered[Math.min(ordered.length - 1, Math.floor(q * ordered.length))].toFixed(3);
  return `${at(0.25)}–${at(0.75)}`;
};

const mocksServer = await startMockOrigins();
if (mode === "cold") {
  try {
    await compareColdStarts();
  } finally {
    await mocksServer.stop();
  }
  process.exit();
}
const mocks = new MockControl(mocksServer.url);
const vars = mode === "hit" ? ALWAYS_FRESH : NO_CACHE;
const options = { quiet: true, vars, rateLimit: UNLIMITED };
const sides = [
  { name: "kept", ...(await withPid(() => startWorker(frontend, mocksServer.url, { ...options, script: join(kept, "worker.js") }))) },
  { name: "current", ...(await withPid(() => startWorker(frontend, mocksServer.url, options))) },
];
try {
  await mocks.reset();
  const pinned = separateCores(
    sides.map((side) => side.pid),
    [process.pid, mocksServer.pid],
  );
  // Warm both (JIT tiers; on a HIT run, each instance's own KV entries).
  for (const side of sides) {
    await load((id) => dispatch(side.mf, `/api/products/${id}`), Array.from({ length: 300 }, (_, i) => ids(i)), concurrency);
  }
  const expected = (response) => response.status === 200 && (mode === "off" || response.headers.get("x-bff-cache") === "HIT");
  const cpu = { kept: [], current: [] };
  const ratios = [];
  let unexpected = 0;
  const batch = async (side, round) => {
    const paths = Array.from({ length: requests }, (_, i) => `/api/products/${ids(i + round * requests)}`);
    const before = cpuSeconds(side.pid);
    const outcome = await load((path) => dispatch(side.mf, path), paths, concurrency, expected);
    unexpected += outcome.unexpected.length;
    return ((cpuSeconds(side.pid) - before) * 1000) / requests;
  };
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 ? [...sides].reverse() : sides;
    const got = {};
    if (together) {
      await Promise.all(order.map(async (side) => (got[side.name] = await batch(side, round))));
    } else {
      for (const side of order) got[side.name] = await batch(side, round);
    }
    cpu.kept.push(got.kept);
    cpu.current.push(got.current);
    ratios.push(got.current / got.kept);
  }
  console.log(`\n## ${frontend}, ${mode === "hit" ? "every request a HIT" : "cache off"}: current build against ${base}`);
  console.log(`(${rounds} rounds of ${requests} requests, ${concurrency} in flight, ${together ? "both batches of a round at once" : "batches alternating, the order reversed every round"}${pinned ? "; Workers on their own core" : ""})\n`);
  table([
    ["build", "CPU ms/req (min–median–max)", "current / kept (min–median–max)", "quartiles"],
    ["kept", spread(cpu.kept), "", ""],
    ["current", spread(cpu.current), spread(ratios, 3), quartiles(ratios)],
  ]);
  if (unexpected > 0) {
    console.log(`\n${unexpected} answers were not a 200${mode === "hit" ? " HIT" : ""}: the figures compare something else`);
    process.exitCode = 1;
  }
} finally {
  await Promise.all(sides.map((side) => side.mf.dispose()));
  await mocksServer.stop();
}

/**
 * Cold mode: every round starts one fresh instance of each build (alternating, the order
 * reversed every round) and times its first request, on the Workers' own core: its wall time
 * (the ratio) and its workerd process's CPU time.
 */
async function compareColdStarts() {
  const path = process.env.COMPARE_PATH ?? "/openapi.json";
  const builds = [
    { name: "kept", script: join(kept, "worker.js") },
    { name: "current", script: undefined },
  ];
  const samples = { kept: { readyMs: [], firstMs: [], cpuMs: [] }, current: { readyMs: [], firstMs: [], cpuMs: [] } };
  const ratios = [];
  let status;
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 ? [...builds].reverse() : builds;
    const got = {};
    for (const build of order) {
      const start = () => startWorker(frontend, mocksServer.url, { quiet: true, rateLimit: UNLIMITED, ...(build.script ? { script: build.script } : {}) });
      const first = await firstRequest(start, path, { awayFrom: [process.pid, mocksServer.pid] });
      status ??= first.status;
      if (first.status !== status) throw new Error(`${build.name} ${path}: ${first.status}, where the first answer was ${status}`);
      got[build.name] = first.firstMs;
      samples[build.name].readyMs.push(first.readyMs);
      samples[build.name].firstMs.push(first.firstMs);
      samples[build.name].cpuMs.push(first.requestCpuMs);
    }
    ratios.push(got.current / got.kept);
  }
  console.log(`\n## ${frontend}, first request (${path}, ${status}) to a fresh instance: current build against ${base}`);
  console.log(`(${rounds} starts of each, alternating, the order reversed every round)\n`);
  table([
    ["build", "start to ready ms (min–median–max)", "first request ms (min–median–max)", "its CPU ms", "current / kept (min–median–max)", "quartiles"],
    ["kept", spread(samples.kept.readyMs, 0), spread(samples.kept.firstMs, 1), spread(samples.kept.cpuMs, 1), "", ""],
    ["current", spread(samples.current.readyMs, 0), spread(samples.current.firstMs, 1), spread(samples.current.cpuMs, 1), spread(ratios, 3), quartiles(ratios)],
  ]);
}
