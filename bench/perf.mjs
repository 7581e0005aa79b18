// The whole workerd process's CPU, sampled by Linux `perf`: what `make profile PROFILE_TOOL=perf`
// prints.
//
// The isolate's own V8 profile (the inspector) sees only JavaScript and wasm frames, and puts the
// runtime's C++ work under whichever of them was on top: on a KV HIT it gave the Rust code 18% of
// the isolate's time, where `perf` finds 2.5% of the process's (wasm code and its crossings).
// `perf` samples every thread of the process on a CPU clock, whatever runs: wasm and JavaScript
// (named through V8's `--perf-basic-prof` map), V8's builtins, runtime and garbage collector,
// workerd's APIs and bindings, KJ's event loop and HTTP, the allocator and the kernel.
import { spawn, spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";

/** Samples a second per CPU (a prime, so that it does not beat with the runtime's timers). */
const FREQUENCY = 4999;

/** The wrappers V8 puts between wasm and JavaScript, named like wasm functions. */
const WRAPPER = /^JS:(wasm-to-js|js-to-wasm)/;

/** Where a sampled symbol belongs, first match wins. */
const KINDS = [
  ["kernel", (s) => s.kernel],
  // V8 runs a wasm function first as Liftoff's baseline code, and optimizes it (TurboFan) only
  // once it has run enough; baseline code also calls a builtin to set up each frame.
  ["Rust (wasm), optimized", (s) => /^JS:.*-\d+-turbofan$/.test(s.name) && !WRAPPER.test(s.name)],
  ["Rust (wasm), baseline", (s) => (/^JS:.*-\d+-liftoff$/.test(s.name) && !WRAPPER.test(s.name)) || s.name === "Builtins_WasmLiftoffFrameSetup"],
  ["wasm↔JS crossings", (s) => WRAPPER.test(s.name) || /^Builtins_(Wasm|JSToWasm|WasmToJs)|^v8::internal::wasm::/.test(s.name)],
  ["JavaScript", (s) => s.name.startsWith("JS:")],
  ["V8 garbage collection", (s) => /Scavenge|MarkCompact|Marking|Sweep|cppgc|GlobalHandles|TracedReference|v8::internal::Heap::/.test(s.name)],
  ["V8 builtins", (s) => s.name.startsWith("Builtins_")],
  ["V8 runtime", (s) => s.name.startsWith("v8::")],
  ["memory (malloc, copies)", (s) => /tcmalloc|TCMalloc|^__mem|^operator (new|delete)/.test(s.name)],
  ["workerd APIs", (s) => s.name.includes("workerd::api::")],
  ["workerd bindings (JSG) and I/O context", (s) => s.name.includes("workerd::")],
  ["KJ event loop, HTTP and strings", (s) => /\bkj::|capnp::/.test(s.name)],
  ["other", () => true],
];

export const kindOf = (symbol) => KINDS.find(([, matches]) => matches(symbol))[0];

/**
 * Starts sampling `pid` (every thread) into `file`; `stop()` ends it. The process must run with
 * V8's `--perf-basic-prof` (MINIFLARE_WORKERD_V8_FLAGS) for wasm and JavaScript to have names.
 */
export function record(pid, file) {
  const perf = spawn("perf", ["record", "-q", "-e", "cpu-clock", "-F", String(FREQUENCY), "-p", String(pid), "-o", file], { stdio: ["ignore", "ignore", "inherit"] });
  const exited = new Promise((resolve) => perf.on("exit", resolve));
  return {
    async stop() {
      perf.kill("SIGINT");
      await exited;
    },
  };
}

/**
 * Self time per symbol of a recording, in ms: a function's name without its hash and the tier
 * V8 compiled it in, so that the same function compiled twice counts once. perf names wasm and
 * JavaScript from `pid`'s map, which V8 writes into /tmp; the report, names and all, is kept
 * beside the recording (`<file>.txt`), and the map removed.
 */
export function symbols(file, pid) {
  const report = spawnSync("perf", ["report", "-i", file, "-n", "--no-children", "--sort", "sym", "-g", "none", "--percent-limit", "0", "--stdio"], {
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  if (report.status !== 0) throw new Error(`perf report: ${report.stderr}`);
  writeFileSync(`${file}.txt`, report.stdout);
  forgetMap(pid);
  const bySymbol = new Map();
  for (const line of report.stdout.split("\n")) {
    const match = /^\s+[\d.]+%\s+(\d+)\s+\[(.)\]\s+(.*)$/.exec(line);
    if (!match) continue;
    const [, samples, space, raw] = match;
    const kernel = space === "k";
    const kind = kindOf({ name: raw.trim(), kernel });
    const name = raw
      .trim()
      .replace(/::h[0-9a-f]{16}/g, "")
      .replace(/\[[0-9a-f]{16}\]/g, "")
      .replace(/-\d+-(turbofan|liftoff)$/, "")
      .replace(/^JS:[*~^+]?'?/, "JS:");
    const key = `${kind}\u0000${name}`;
    const entry = bySymbol.get(key) ?? { name, kind, ms: 0 };
    entry.ms += (Number(samples) * 1000) / FREQUENCY;
    bySymbol.set(key, entry);
  }
  return [...bySymbol.values()];
}

/** Removes the map V8 wrote for `pid` under `--perf-basic-prof` (some MB a process). */
export function forgetMap(pid) {
  rmSync(`/tmp/perf-${pid}.map`, { force: true });
}

/** Total ms per kind. */
export function byKind(entries) {
  const totals = new Map(KINDS.map(([kind]) => [kind, 0]));
  for (const { kind, ms } of entries) totals.set(kind, totals.get(kind) + ms);
  return totals;
}

/** Whether `perf` can sample here (installed, and allowed to watch another process). */
export function available() {
  const probe = spawnSync("perf", ["stat", "-e", "cpu-clock", "-x,", "--", "true"], { encoding: "utf8" });
  return probe.status === 0;
}
