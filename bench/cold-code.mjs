// `make cold-code`: the wasm a fresh isolate's first request runs, function by function.
//
// V8 compiles a wasm function the first time it runs, so the bytes of code a request runs for
// the first time are most of what an isolate's first request costs beyond the floor's (see
// README, Performance). This loads an instrumented copy of a Worker (wasm-opt --log-execution:
// every function records its index when entered), sends it two requests, and reads through the
// isolate's inspector which functions ran at start-up, on the first request and on the second.
// What only the first request runs is work that belongs at start-up; what every request runs,
// and its size, is what a first request must compile.
//
// COLD_WORKER (web, mobile or voice; default mobile), COLD_PATH (default /openapi.json, the
// bench's cold request; /api/products/1 for a product page), COLD_CACHE (on, or off: every
// request fans out, so the second request runs the same path as the first; default on),
// COLD_TOP (default 30).
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startMockOrigins } from "../tests/support/mock-origins.js";
import { NO_CACHE, startWorker } from "../tests/support/workers.js";
import { freePort, inspect, table } from "./support.mjs";

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
const cacheOff = process.env.COLD_CACHE === "off";
const WASM_OPT = process.env.WASM_OPT_BIN ?? "wasm-opt";
const FEATURES = ["bulk-memory", "reference-types", "sign-ext", "mutable-globals", "nontrapping-float-to-int", "multivalue"];

const build = join(ROOT, "workers", frontend, "build");
const copy = join(ROOT, "test-output", "cold-code", frontend);
rmSync(copy, { recursive: true, force: true });
mkdirSync(copy, { recursive: true });
cpSync(join(build, "worker.js"), join(copy, "worker.js"));
execFileSync(WASM_OPT, [join(build, "index_bg.wasm"), "--log-execution", "--debuginfo", ...FEATURES.map((f) => `--enable-${f}`), "-o", join(copy, "index_bg.wasm")]);
// The instrumented module imports `log_execution`; the glue's import object gets it.
const glue = readFileSync(join(build, "index.js"), "utf8");
const instancing = /new WebAssembly\.Instance\((\w+),(\w+)\(\)\)/g;
if (!instancing.test(glue)) throw new Error("the glue's `new WebAssembly.Instance(module, imports())` was not found");
writeFileSync(
  join(copy, "index.js"),
  "const __withExecutionLog=(imports)=>{globalThis.__executed=[];const log=(id)=>globalThis.__executed.push(id);" +
    "for(const module of Object.values(imports))module.log_execution=log;return imports};\n" +
    glue.replace(instancing, "new WebAssembly.Instance($1,__withExecutionLog($2()))"),
);

const original = readModule(readFileSync(join(build, "index_bg.wasm")));
const instrumented = readModule(readFileSync(join(copy, "index_bg.wasm")));
/** The function each logged id marks the entry of (loops log ids of their own), by index among defined functions. */
const entryOf = new Map();
instrumented.bodies.forEach((body, defined) => {
  const id = loggedEntry(body, instrumented.logImport);
  if (id !== undefined) entryOf.set(id, defined);
});
const nameOf = (defined) => tidy(instrumented.names.get(instrumented.functionImports + defined) ?? `function ${defined}`);
const sizeOf = (defined) => original.bodies[defined]?.length ?? 0;

const mocksServer = await startMockOrigins();
const inspectorPort = await freePort();
const vars = cacheOff ? NO_CACHE : {};
const worker = await startWorker(frontend, mocksServer.url, { quiet: true, vars, inspectorPort, script: join(copy, "worker.js") });
try {
  const session = await inspect(inspectorPort, `bff-${frontend}`);
  await session.send("Runtime.enable");
  const context = session.events.find((event) => event.method === "Runtime.executionContextCreated")?.params.context.id;
  const ran = async () => {
    const { result } = await session.send("Runtime.evaluate", { expression: "globalThis.__executed.splice(0).join(',')", returnByValue: true, contextId: context });
    const functions = new Set();
    for (const id of String(result.value).split(",").filter(Boolean)) if (entryOf.has(Number(id))) functions.add(entryOf.get(Number(id)));
    return functions;
  };
  const startup = await ran();
  const first = await worker.fetch(path);
  const firstRan = await ran();
  const second = await worker.fetch(path);
  const secondRan = await ran();
  session.close();
  if (first.status >= 500 || second.status >= 500) throw new Error(`${path} answered ${first.status}, then ${second.status}`);

  const bytes = (set) => [...set].reduce((sum, f) => sum + sizeOf(f), 0);
  const kib = (set) => (bytes(set) / 1024).toFixed(1);
  const firstOnly = new Set([...firstRan].filter((f) => !secondRan.has(f)));
  console.log(`\n## wasm run by bff-${frontend}: start-up, then GET ${path} twice (${(bytes(new Set(original.bodies.keys())) / 1024).toFixed(0)} KiB of code in ${original.bodies.length} functions)\n`);
  table([
    ["when", "functions", "KiB of code"],
    ["start-up (Isolate.start)", String(startup.size), kib(startup)],
    [`first request (${first.status})`, String(firstRan.size), kib(firstRan)],
    ["  of which not run again", String(firstOnly.size), kib(firstOnly)],
    [`second request (${second.status})`, String(secondRan.size), kib(secondRan)],
  ]);
  console.log("(V8 compiles a function the first time it runs; start-up's code is compiled again if a request runs it, as the runtime drops it after start-up)\n");
  const rows = [["function the first request runs, largest first", "bytes", "again?"]];
  for (const f of [...firstRan].sort((a, b) => sizeOf(b) - sizeOf(a)).slice(0, top)) {
    const name = nameOf(f);
    rows.push([name.length > 100 ? `${name.slice(0, 97)}...` : name, String(sizeOf(f)), secondRan.has(f) ? "yes" : "no"]);
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

/** The id a function body logs first, if it opens with `i32.const id; call log_execution`. */
function loggedEntry(body, logImport) {
  const reader = new Reader(body);
  const groups = reader.u32();
  for (let i = 0; i < groups; i++) {
    reader.u32();
    reader.valueType();
  }
  if (reader.byte() !== 0x41) return undefined;
  const id = reader.s32();
  if (reader.byte() !== 0x10) return undefined;
  return reader.u32() === logImport ? id : undefined;
}

/** Function bodies, function names and imports of a wasm module. */
function readModule(bytes) {
  const reader = new Reader(bytes, 8);
  const module = { bodies: [], names: new Map(), functionImports: 0, logImport: -1 };
  while (!reader.done()) {
    const section = reader.byte();
    const size = reader.u32();
    const end = reader.at + size;
    if (section === 2) {
      const count = reader.u32();
      for (let i = 0; i < count; i++) {
        reader.name();
        const field = reader.name();
        const kind = reader.byte();
        if (kind === 0) {
          if (field === "log_execution") module.logImport = module.functionImports;
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
