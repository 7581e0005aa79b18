// The entry module of every BFF Worker (copied next to the bundle worker-build writes, as
// build/worker.js): the Rust fetch handler behind a plain handler object.
//
// worker-build's own entry is a class behind a Proxy: every request constructs an entrypoint
// object, wraps it in a Proxy, and wraps its `fetch` in another one before calling it. That cost
// 1.6–3.2% of a cache HIT's CPU (mobile against the floor, paired rounds) and buys nothing a
// Worker without RPC methods uses. Its one service is kept: after a panic or a trap (marked in
// `__worker_init_state` by workers-rs and by the bundle's error listener), constructing the
// entrypoint once resets the wasm instance before the next request runs.
import { env } from "cloudflare:workers";
import Entrypoint, * as bundle from "./index.js";

// Durable Object classes, and whatever else the bundle exports, stay exported.
export * from "./index.js";

// Once per isolate, as it starts: the settings are read and checked (and reported in one log
// line) before the first request, which would otherwise pay for that work and for compiling its
// code. Nothing here may stop the isolate from starting: a failure leaves the work to the first
// request, as before.
try {
  bundle.Isolate?.start(env);
} catch (error) {
  console.error(`isolate start failed: ${error}`);
}

const handle = Entrypoint.prototype.fetch;
const state = globalThis.__worker_init_state;

export default {
  fetch(request, env, ctx) {
    if (state?.criticalError) new Entrypoint(ctx, env);
    try {
      return handle.call({ env, ctx }, request);
    } catch (error) {
      if (error instanceof WebAssembly.RuntimeError && state) state.criticalError = true;
      throw error;
    }
  },
};
