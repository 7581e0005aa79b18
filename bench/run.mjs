// `make bench`: what a request costs through each BFF, against the real mock origins in workerd.
//
// - Payload: for the product page of sample products, the bytes the origins sent for it and the
//   body each frontend receives, raw and gzip.
// - Latency: sequential product-page requests per Worker; p50/p95 of the whole request and of the
//   BFF's own overhead (total minus the slowest origin call, from Server-Timing).
// - Bundle: the size of each built Worker (wasm + JS shim), raw and gzip.
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { MockControl, startMockOrigins } from "../tests/support/mock-origins.js";
import { startWorker } from "../tests/support/workers.js";

const FRONTENDS = ["web", "mobile"];
const SAMPLE_IDS = [1, 2, 77, 1234, 4999];
const LATENCY_REQUESTS = Number(process.env.BENCH_REQUESTS ?? 300);

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const gzipBytes = (text) => gzipSync(Buffer.from(text)).byteLength;
const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const table = (rows) => {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  for (const [n, row] of rows.entries()) {
    console.log(row.map((cell, i) => String(cell).padStart(i ? widths[i] : 0).padEnd(i ? 0 : widths[i])).join("  "));
    if (n === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "));
  }
};

const mocksServer = await startMockOrigins();
const mocks = new MockControl(mocksServer.url);
const workers = Object.fromEntries(
  await Promise.all(FRONTENDS.map(async (f) => [f, await startWorker(f, mocksServer.url, { quiet: true })])),
);

try {
  console.log("\n## Product page payload (GET /api/products/{id})\n");
  const rows = [["product", "origin bytes", "web raw", "web gzip", "mobile raw", "mobile gzip", "mobile/origin", "mobile/web"]];
  for (const id of SAMPLE_IDS) {
    const sizes = {};
    for (const frontend of FRONTENDS) {
      await mocks.reset();
      const page = await workers[frontend].fetch(`/api/products/${id}`);
      if (page.status !== 200) throw new Error(`${frontend} /api/products/${id} answered ${page.status}`);
      const { services } = await mocks.stats();
      const originBytes = Object.values(services).reduce((sum, s) => sum + s.bytes_sent, 0);
      sizes[frontend] = { raw: page.bytes, gzip: gzipBytes(page.text), originBytes };
    }
    rows.push([
      id,
      `${sizes.web.originBytes} / ${sizes.mobile.originBytes}`,
      sizes.web.raw,
      sizes.web.gzip,
      sizes.mobile.raw,
      sizes.mobile.gzip,
      `${((100 * sizes.mobile.raw) / sizes.mobile.originBytes).toFixed(1)}%`,
      `${((100 * sizes.mobile.raw) / sizes.web.raw).toFixed(1)}%`,
    ]);
  }
  table(rows);
  console.log("(origin bytes: what the origins sent for the web page / for the mobile page)");

  console.log(`\n## Product page latency (${LATENCY_REQUESTS} sequential requests per Worker, mock origins without injected latency)\n`);
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

  console.log("\n## Worker bundles (build/index.js + build/index_bg.wasm)\n");
  const bundleRows = [["worker", "raw", "gzip"]];
  for (const frontend of FRONTENDS) {
    const files = ["index.js", "index_bg.wasm"].map((f) => readFileSync(`workers/${frontend}/build/${f}`));
    const raw = files.reduce((sum, f) => sum + f.byteLength, 0);
    const gzip = files.reduce((sum, f) => sum + gzipSync(f).byteLength, 0);
    bundleRows.push([frontend, kib(raw), kib(gzip)]);
  }
  table(bundleRows);
} finally {
  await Promise.all(Object.values(workers).map((w) => w.dispose()));
  await mocksServer.stop();
}
