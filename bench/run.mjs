// `make bench`: what a request costs through each BFF, against the real mock origins in workerd.
//
// - CPU: each Rust Worker's workerd CPU time per product-page request, against the floor (a
//   minimal JS Worker doing only the platform's unavoidable work, bench/floor/worker.js), cache
//   off and HIT, at several concurrencies, in alternating rounds (bench/cpu.mjs), with mobile's
//   page as a plain JS Worker and as a Hono Worker beside them (bench/replica/), the floor
//   with only the contract's work added (bench/floor/with-contract.js) and the floor written
//   with workers-rs alone (bench/floor-rs); and the cold
//   start: the first request to a fresh instance against the floor's; and what an isolate
//   starting elsewhere in a warm Worker's process costs its next request, Rust and JS.
// - Payload: for each read endpoint, the bytes the origins sent for it and the body each frontend
//   (and mobile with Save-Data) receives, raw and gzip.
// - Latency: sequential product-page requests per Worker; p50/p95 of the whole request and of the
//   BFF's own overhead (total minus the slowest origin call, from Server-Timing).
// - Cache: 1,000 product-page requests over 50 hot products on one Worker (10 in flight): origin
//   requests per client request, hit ratio, p50/p95 of HIT and MISS; then, with every origin
//   failing, whether the warmed pages are still served (stale-if-error).
// - Bundle: the size of each built Worker (wasm + JS shim), raw and gzip.
//
// BENCH_ONLY=cpu,cold (any of cpu, cold, neighbour, payload, latency, cache, bundle) runs some sections only.
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { MockControl, startMockOrigins } from "../tests/support/mock-origins.js";
import { NO_CACHE, startWorker } from "../tests/support/workers.js";
import { coldSection, cpuSection, neighbourSection, printCold, printCpu, printNeighbour } from "./cpu.mjs";
import { HOT_PRODUCTS, UNLIMITED, bundle, percentile, table } from "./support.mjs";

const FRONTENDS = ["web", "mobile"];
const CPU_FRONTENDS = ["web", "mobile", "voice"];
const env = (name, fallback) => process.env[name] ?? fallback;
const ONLY = new Set(env("BENCH_ONLY", "cpu,cold,neighbour,payload,latency,cache,bundle").split(","));
const LATENCY_REQUESTS = Number(process.env.BENCH_REQUESTS ?? 300);

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const gzipBytes = (text) => gzipSync(Buffer.from(text)).byteLength;
const mocksServer = await startMockOrigins();
const mocks = new MockControl(mocksServer.url);
// Payload and fan-out latency are measured without the cache; the cache has its own section.
const workers = Object.fromEntries(
  await Promise.all(FRONTENDS.map(async (f) => [f, await startWorker(f, mocksServer.url, { quiet: true, vars: NO_CACHE, rateLimit: UNLIMITED })])),
);
const CACHE_REQUESTS = Number(process.env.BENCH_CACHE_REQUESTS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 10);

/** A fixed pseudo-random sequence (mulberry32), so every run asks for the same products in order. */
function* hotProducts(count, seed = 42) {
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const random = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    yield 1 + Math.floor(random * HOT_PRODUCTS) * 97;
  }
}

async function totalOriginRequests() {
  const { services } = await mocks.stats();
  return Object.values(services).reduce((sum, s) => sum + s.requests, 0);
}

try {
  if (ONLY.has("cpu")) {
    const rounds = Number(env("BENCH_ROUNDS", 10));
    const concurrencies = env("BENCH_CPU_CONCURRENCY", "1,10,50").split(",").map(Number);
    const missRequests = Number(env("BENCH_MISS_REQUESTS", 400));
    const hitRequests = Number(env("BENCH_HIT_REQUESTS", 800));
    console.log(`\n## CPU per product-page request: each Worker's workerd process against the floor (${rounds} alternating rounds; ${missRequests} requests a batch cache off, ${hitRequests} on a HIT)\n`);
    printCpu(await cpuSection(mocksServer.url, mocks, CPU_FRONTENDS, { rounds, concurrencies, missRequests, hitRequests, mocksPid: mocksServer.pid }));
    console.log("(CPU: utime + stime of the instance's own workerd process over a batch, per request; ratio: the Worker's batch over the floor's in the same round;");
    console.log(" the floor: the rate-limit call, then the same origin fetches with bodies read (cache off) or one KV getWithMetadata streamed back (HIT);");
    console.log(" floor + contract: the floor's requests for mobile, plus what the contract makes every BFF do: request id, origin timeout, headers, log line;");
    console.log(" floor in Rust: the floor's requests for mobile, answered by the floor written with workers-rs alone, nothing of this project)");
  }
  if (ONLY.has("cold")) {
    const starts = Number(env("BENCH_COLD_STARTS", 20));
    const path = env("BENCH_COLD_PATH", "/openapi.json");
    console.log(`\n## Cold start: the first request to a fresh instance, no origin call (${starts} starts each, alternating)\n`);
    printCold(await coldSection(mocksServer.url, CPU_FRONTENDS, { starts, path }));
    console.log("(the floor answers a fixed JSON body after the rate-limit call, floor + contract the same with the contract's request id, headers and log line;");
    console.log(" floor in Rust: the floor's answer written with workers-rs alone (bench/floor-rs), what any Rust Worker's first request costs before code of ours;");
    console.log(" ratio: median first request over the floor's;");
    console.log(" start to ready: new Miniflare(...) until it serves, so work moved from the first request into start-up shows)");
  }
  if (ONLY.has("neighbour")) {
    const rounds = Number(env("BENCH_NEIGHBOUR_ROUNDS", 20));
    const warmRequests = Number(env("BENCH_NEIGHBOUR_WARM", 3000));
    console.log(`\n## A warm Worker's next request after an isolate starts beside it in its process (mobile, cache off; ${rounds} rounds, alternating; warmed by ${warmRequests} requests)\n`);
    printNeighbour(await neighbourSection(mocksServer.url, { rounds, warmRequests }));
    console.log("(CPU of the Worker's workerd process for one product page; before it, another Worker in the same process started an isolate (a dynamic Worker):");
    console.log(" the runtime then drops the wasm code V8 has not optimized, in every isolate of the process, and the next request compiles it again)");
  }
if (ONLY.has("payload")) {
  console.log("\n## Payload per read endpoint (bytes; cache off, so every request fans out)\n");
  const ENDPOINTS = [
    ["home", "/api/home"],
    ["listing", "/api/products?category=headphones"],
    ["search", "/api/products?q=wireless"],
    ["product", "/api/products/1"],
    ["product", "/api/products/4999"],
    ["reviews", "/api/products/1/reviews"],
  ];
  const measure = async (frontend, path, headers = {}) => {
    await mocks.reset();
    const page = await workers[frontend].fetch(path, { headers });
    if (page.status !== 200) throw new Error(`${frontend} ${path} answered ${page.status}`);
    const { services } = await mocks.stats();
    const originBytes = Object.values(services).reduce((sum, s) => sum + s.bytes_sent, 0);
    return { raw: page.bytes, gzip: gzipBytes(page.text), originBytes };
  };
  const sizeRows = [[
    "endpoint", "path", "origin bytes", "web raw", "web gzip", "mobile raw", "mobile gzip",
    "save-data raw", "save-data gzip", "mobile/origin", "mobile/web", "mobile's own fan-out",
  ]];
  for (const [name, path] of ENDPOINTS) {
    const web = await measure("web", path);
    const mobile = await measure("mobile", path);
    const saving = await measure("mobile", path, { "save-data": "on" });
    sizeRows.push([
      name, path, web.originBytes, web.raw, web.gzip, mobile.raw, mobile.gzip, saving.raw, saving.gzip,
      `${((100 * mobile.raw) / web.originBytes).toFixed(1)}%`,
      `${((100 * mobile.raw) / web.raw).toFixed(1)}%`,
      `${mobile.originBytes} (${((100 * mobile.raw) / mobile.originBytes).toFixed(1)}%)`,
    ]);
  }
  table(sizeRows);
  console.log("(origin bytes: what the origins sent for the complete page, as the web asks for it;");
  console.log(" mobile's own fan-out: what they sent for the mobile request, which asks for less, and the mobile body's share of it)");
  }


if (ONLY.has("latency")) {
  console.log(`\n## Product page latency without the cache (${LATENCY_REQUESTS} sequential requests per Worker, mock origins without injected latency)\n`);
  await mocks.reset();
  const latencyRows = [["worker", "p50 total", "p95 total", "p50 BFF overhead", "p95 BFF overhead"]];
  for (const frontend of FRONTENDS) {
    const totals = [];
    const overheads = [];
    for (let i = 0; i < LATENCY_REQUESTS; i++) {
      const id = 1 + ((i * 37) % 5000);
      const started = performance.now();
      const page = await workers[frontend].fetch(`/api/products/${id}`);
      totals.push(performance.now() - started);
      const durations = [...(page.headers.get("server-timing") ?? "").matchAll(/(\w+);dur=([\d.]+)/g)];
      const total = Number(durations.find(([, name]) => name === "total")?.[2] ?? 0);
      const slowestOrigin = Math.max(0, ...durations.filter(([, n]) => n !== "total").map(([, , d]) => Number(d)));
      overheads.push(total - slowestOrigin);
    }
    latencyRows.push([
      frontend,
      `${percentile(totals, 50).toFixed(1)} ms`,
      `${percentile(totals, 95).toFixed(1)} ms`,
      `${percentile(overheads, 50).toFixed(1)} ms`,
      `${percentile(overheads, 95).toFixed(1)} ms`,
    ]);
  }
  table(latencyRows);
  console.log("(total: measured by the client through Miniflare; overhead: Server-Timing total minus the slowest origin call)");
  }


if (ONLY.has("cache")) {
  console.log(`\n## KV cache: ${CACHE_REQUESTS} product-page requests over ${HOT_PRODUCTS} hot products, ${CONCURRENCY} in flight, empty cache at start\n`);
  const cacheRows = [["worker", "origin req / client req", "hit ratio", "p50 HIT", "p95 HIT", "p50 MISS", "p95 MISS", "statuses"]];
  for (const frontend of FRONTENDS) {
    await mocks.reset();
    const bff = await startWorker(frontend, mocksServer.url, { quiet: true, rateLimit: UNLIMITED });
    try {
      const ids = [...hotProducts(CACHE_REQUESTS)];
      const latency = { HIT: [], MISS: [], STALE: [], BYPASS: [] };
      const statuses = {};
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < ids.length) {
            const id = ids[next++];
            const started = performance.now();
            const page = await bff.fetch(`/api/products/${id}`);
            const elapsed = performance.now() - started;
            statuses[page.status] = (statuses[page.status] ?? 0) + 1;
            latency[page.headers.get("x-bff-cache")]?.push(elapsed);
          }
        }),
      );
      const origin = await totalOriginRequests();
      const fmt = (values, p) => (values.length ? `${percentile(values, p).toFixed(1)} ms` : "-");
      cacheRows.push([
        frontend,
        (origin / CACHE_REQUESTS).toFixed(3),
        `${((100 * latency.HIT.length) / CACHE_REQUESTS).toFixed(1)}% (${latency.HIT.length} HIT, ${latency.MISS.length} MISS, ${latency.STALE.length} STALE)`,
        fmt(latency.HIT, 50),
        fmt(latency.HIT, 95),
        fmt(latency.MISS, 50),
        fmt(latency.MISS, 95),
        JSON.stringify(statuses),
      ]);
    } finally {
      await bff.dispose();
    }
  }
  table(cacheRows);
  console.log("(a MISS fans out to 5 origins; concurrent misses of one product share one fan-out)");
  }


if (ONLY.has("cache")) {
  console.log(`\n## Stale-if-error: ${HOT_PRODUCTS} warmed product pages, then every origin resets connections\n`);
  const staleRows = [["worker", "answers", "x-bff-cache"]];
  for (const frontend of FRONTENDS) {
    await mocks.reset();
    // Fresh for 300 ms, no grace, a day of stale-if-error.
    const vars = { CACHE_PRODUCT_FRESH_MS: "300", CACHE_PRODUCT_GRACE_MS: "0", CACHE_PRODUCT_MAX_STALE_MS: "86400000" };
    const bff = await startWorker(frontend, mocksServer.url, { quiet: true, vars, rateLimit: UNLIMITED });
    try {
      const ids = Array.from({ length: HOT_PRODUCTS }, (_, i) => 1 + i * 97);
      for (const id of ids) await bff.fetch(`/api/products/${id}`);
      for (let i = 0; i < 100 && (await bff.cacheKeys()).length < ids.length; i++) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 400));
      await mocks.fault("*", { mode: "reset" });
      const statuses = {};
      const labels = {};
      for (const id of ids) {
        const page = await bff.fetch(`/api/products/${id}`);
        statuses[page.status] = (statuses[page.status] ?? 0) + 1;
        const label = page.headers.get("x-bff-cache");
        labels[label] = (labels[label] ?? 0) + 1;
      }
      staleRows.push([frontend, JSON.stringify(statuses), JSON.stringify(labels)]);
    } finally {
      await bff.dispose();
      await mocks.reset();
    }
  }
  table(staleRows);
  }


if (ONLY.has("bundle")) {
  console.log("\n## Worker bundles (build/worker.js + build/index.js + build/index_bg.wasm; the JS pages bundled as wrangler would)\n");
  const bundleRows = [["worker", "raw", "gzip"]];
  for (const frontend of CPU_FRONTENDS) {
    const files = ["worker.js", "index.js", "index_bg.wasm"].map((f) => readFileSync(`workers/${frontend}/build/${f}`));
    const raw = files.reduce((sum, f) => sum + f.byteLength, 0);
    const gzip = files.reduce((sum, f) => sum + gzipSync(f).byteLength, 0);
    bundleRows.push([frontend, kib(raw), kib(gzip)]);
  }
  // The JavaScript pages of the CPU section, bundled as wrangler would (bench/support.mjs).
  for (const [name, script] of [["mobile (JS)", "replica/mobile.js"], ["mobile (Hono)", "replica/mobile-hono.js"]]) {
    const code = Buffer.from(await bundle(`${process.cwd()}/bench/${script}`));
    bundleRows.push([name, kib(code.byteLength), kib(gzipSync(code).byteLength)]);
  }
  table(bundleRows);
  }

} finally {
  await Promise.all(Object.values(workers).map((w) => w.dispose()));
  await mocksServer.stop();
}
