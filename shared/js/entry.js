// The entry module of every BFF Worker (copied next to the bundle worker-build writes, as
// build/worker.js): the Rust fetch handler behind a plain handler object.
//
// worker-build's own entry is a class behind a Proxy: every request constructs an entrypoint
// object, wraps it in a Proxy, and wraps its `fetch` in another one before calling it. That cost
// 1.6–3.2% of a cache HIT's CPU (mobile against the floor, paired rounds) and buys nothing a
// Worker without RPC methods uses. Its one service is kept: after a panic or a trap (marked in
// `__worker_init_state` by workers-rs and by the bundle's error listener), constructing the
// entrypoint once resets the wasm instance before the next request runs.
import Entrypoint from "./index.js";

// Durable Object classes, and whatever else the bundle exports, stay exported.
export * from "./index.js";

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
