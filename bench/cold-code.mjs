// `make cold-code`: the wasm V8 compiles for a fresh isolate's first request, function by function.
//
// V8 compiles a wasm function (Liftoff, on the isolate's own thread) the first time it runs, so
// what a request runs for the first time is compiled while that request waits: most of what an
// isolate's first request costs beyond the floor's (see README, Performance). This loads the
// built Worker as it is, with V8's own trace of each compilation turned on
// (MINIFLARE_WORKERD_V8_FLAGS=--trace-wasm-compilation-times: the function, its size and the
// time V8 took), sends it the same path twice (and a third time, below), and prints what V8
// compiled at start-up and on each request, and how long that took. A function compiled at
// start-up and again on the first request is one the runtime dropped in between: workerd puts
// every isolate it creates under memory pressure, and V8 then drops the Liftoff code of every
// module in the process (README, Performance; none is compiled twice with
// --no-flush-liftoff-code). Last, a Worker beside it in the same process starts an isolate (a
// dynamic Worker, as a runtime shared by many Workers starts them all the time), and the now
// warm Worker gets the path a third time: what it compiles again then is what every isolate
// start elsewhere in its process costs it.
//
// COLD_WORKER (web, mobile or voice; default mobile), COLD_PATH (default /openapi.json, the
// bench's cold request; /api/products/1 for a product page), COLD_CACHE (on, or off: every
// request fans out, so the second request runs the same path as the first; default on),
// COLD_TOP (default 30), COLD_WARM (requests of the path, 10 in flight, between the second
// request and the neighbour's start, so that V8 optimizes what a busy isolate's would be;
// default 0).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startMockOrigins } from "../tests/support/mock-origins.js";
import { NO_CACHE, startWorker } from "../tests/support/workers.js";
import { UNLIMITED, load, table } from "./support.mjs";

class Reader {
  constructor(bytes, at = 0) {
    this.bytes = bytes;
    this.at = at;
  }
  done() {
    return this.at >= this.bytes.length;
  }
  byte() {
    return this.bytes[this.at++];
  }
  u32() {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (b < 0x80) return result;
    }
  }
  s32() {
    let result = 0;
    let shift = 0;
    let b;
    do {
      b = this.byte();
      result |= (b & 0x7f) << shift;
      shift += 7;
    } while (b >= 0x80);
    return shift < 32 && b & 0x40 ? result | (-1 << shift) : result;
  }
  name() {
    const length = this.u32();
    const text = new TextDecoder().decode(this.bytes.subarray(this.at, this.at + length));
    this.at += length;
    return text;
  }
  /** A value type: one byte, or a reference type's two-part encoding. */
  valueType() {
    const type = this.byte();
    if (type === 0x63 || type === 0x64) this.s32();
  }
  limits() {
    const flags = this.byte();
    this.u32();
    if (flags & 1) this.u32();
  }
}

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const frontend = process.env.COLD_WORKER ?? "mobile";
const path = process.env.COLD_PATH ?? "/openapi.json";
const top = Number(process.env.COLD_TOP ?? 30);
const warmRequests = Number(process.env.COLD_WARM ?? 0);
const cacheOff = process.env.COLD_CACHE === "off";

const module = readModule(readFileSync(join(ROOT, "workers", frontend, "build", "index_bg.wasm")));
/** By index in the module's function space (imports first), as V8 numbers them. */
const nameOf = (index) => tidy(module.names.get(index) ?? `function ${index}`);

// "Compiled function 0x…#905 using Liftoff, took 1437 μs and 1203360 bytes; bodysize 16878 …";
// TurboFan's: "… using TurboFan, took 11376 μs and 1057736 / 2833168 max/total bytes; bodysize …".
const COMPILED = /Compiled function \S+#(\d+) using (\w+), took (\d+) .s and [^;]*; bodysize (\d+)/;
const compiled = [];
let phase = "start-up";
let lastLine = performance.now();
process.env.MINIFLARE_WORKERD_V8_FLAGS = [process.env.MINIFLARE_WORKERD_V8_FLAGS, "--trace-wasm-compilation-times"].filter(Boolean).join(" ");
/** Until the runtime has written nothing for a while: its trace of what came before is all in. */
async function settled() {
  while (performance.now() - lastLine < 300) await new Promise((resolve) => setTimeout(resolve, 50));
}

const mocksServer = await startMockOrigins();
const worker = await startWorker(frontend, mocksServer.url, {
  quiet: true,
  neighbour: true,
  // The warm-up is one client asking far more than a shopper would.
  rateLimit: UNLIMITED,
  vars: cacheOff ? NO_CACHE : {},
  runtimeLine(line) {
    lastLine = performance.now();
    const match = COMPILED.exec(line);
    if (match) compiled.push({ phase, index: Number(match[1]), tier: match[2], us: Number(match[3]), bytes: Number(match[4]) });
  },
});
try {
  await settled();
  phase = "first";
  const first = await worker.fetch(path);
  await settled();
  phase = "second";
  const second = await worker.fetch(path);
  await settled();
  phase = "warm-up";
  const warm = await load((p) => worker.fetch(p), Array(warmRequests).fill(path), 10, (answer) => answer.status === second.status);
  if (warm.unexpected.length > 0) throw new Error(`while warming up: ${warm.unexpected[0]}, ${second.status} before`);
  await settled();
  phase = "neighbour";
  await worker.startNeighbourIsolate();
  await settled();
  phase = "after neighbour";
  const third = await worker.fetch(path);
  await settled();
  if ([first, second, third].some((answer) => answer.status >= 500)) throw new Error(`${path} answered ${first.status}, ${second.status}, then ${third.status}`);
  if (compiled.length === 0) throw new Error("the runtime traced no compilation: is MINIFLARE_WORKERD_V8_FLAGS passed to workerd?");

  const liftoff = (when) => compiled.filter((c) => c.phase === when && c.tier === "Liftoff");
  const atStart = new Set(liftoff("start-up").map((c) => c.index));
  const sum = (list, key) => list.reduce((total, c) => total + c[key], 0);
  const row = (label, list) => [label, String(list.length), (sum(list, "bytes") / 1024).toFixed(1), (sum(list, "us") / 1000).toFixed(1)];
  const firstCompiled = liftoff("first");
  console.log(`\n## wasm V8 compiled for bff-${frontend}: start-up, then GET ${path} three times (${(module.bodies.reduce((total, body) => total + body.length, 0) / 1024).toFixed(0)} KiB of code in ${module.bodies.length} functions)\n`);
  table([
    ["when", "functions compiled", "KiB of wasm", "ms V8 took"],
    row("start-up (Isolate.start)", liftoff("start-up")),
    row(`first request (${first.status})`, firstCompiled),
    row("  of which compiled at start-up too", firstCompiled.filter((c) => atStart.has(c.index))),
    row(`second request (${second.status})`, liftoff("second")),
    ...(warmRequests > 0 ? [row(`${warmRequests} more requests`, liftoff("warm-up"))] : []),
    row(`after an isolate starts beside it (${third.status})`, liftoff("after neighbour")),
  ]);
  const optimized = compiled.filter((c) => c.tier !== "Liftoff");
  if (optimized.length > 0) console.log(`(and ${optimized.length} functions optimized in the background, by TurboFan: ${(sum(optimized, "us") / 1000).toFixed(1)} ms; their optimized code stays)`);
  console.log("(Liftoff, lazily: a function is compiled the first time it runs; code compiled at start-up and run again by the first request was dropped by the runtime in between;");
  console.log(" after an isolate starts beside it: the third request, once another Worker in the process has started an isolate: what V8 dropped of the warm Worker's code)\n");
  const rows = [["function the first request compiles, longest first", "bytes", "µs", "at start-up too?"]];
  for (const c of [...firstCompiled].sort((a, b) => b.us - a.us).slice(0, top)) {
    const name = nameOf(c.index);
    rows.push([name.length > 100 ? `${name.slice(0, 97)}...` : name, String(c.bytes), String(c.us), atStart.has(c.index) ? "yes" : "no"]);
  }
  table(rows);
} finally {
  await worker.dispose();
  await mocksServer.stop();
}

/** Without the symbol hash and crate disambiguators. */
function tidy(name) {
  return name.replace(/::h[0-9a-f]{16}$/, "").replace(/\[[0-9a-f]{16}\]/g, "");
}

/** Function bodies, function names and imports of a wasm module. */
function readModule(bytes) {
  const reader = new Reader(bytes, 8);
  const module = { bodies: [], names: new Map(), functionImports: 0 };
  while (!reader.done()) {
    const section = reader.byte();
    const size = reader.u32();
    const end = reader.at + size;
    if (section === 2) {
      const count = reader.u32();
      for (let i = 0; i < count; i++) {
        reader.name();
        reader.name();
        const kind = reader.byte();
        if (kind === 0) {
          module.functionImports++;
          reader.u32();
        } else if (kind === 1) {
          reader.valueType();
          reader.limits();
        } else if (kind === 2) reader.limits();
        else if (kind === 3) {
          reader.valueType();
          reader.byte();
        } else if (kind === 4) {
          reader.byte();
          reader.u32();
        }
      }
    } else if (section === 10) {
      const count = reader.u32();
      for (let i = 0; i < count; i++) {
        const length = reader.u32();
        module.bodies.push(bytes.subarray(reader.at, reader.at + length));
        reader.at += length;
      }
    } else if (section === 0 && reader.name() === "name") {
      while (reader.at < end) {
        const kind = reader.byte();
        const length = reader.u32();
        const next = reader.at + length;
        if (kind === 1) {
          const count = reader.u32();
          for (let i = 0; i < count; i++) module.names.set(reader.u32(), reader.name());
        }
        reader.at = next;
      }
    }
    reader.at = end;
  }
  return module;
}
