// The platform calls a BFF Worker makes on every request, each made here in one call from wasm.
//
// Every call between wasm and JavaScript costs more than the work of most of them: a string
// encoded into or out of wasm memory, a handle taken, a closure wrapped. Going through the
// general-purpose bindings, one origin fetch was some thirty such calls (a Headers object built
// a header at a time, a RequestInit, an AbortController, a timer, the body read chunk by chunk
// through a stream reader) and a response another twenty. Here each is one call with plain
// strings and bytes; the platform's objects (requests, signals, streams, KV values) stay on this
// side. The decisions (what to call, when to retry or hedge, what to answer) stay in Rust
// (shared/src/platform.rs is the Rust side). Nothing here throws into wasm: every failure is a
// value.

/**
 * Waiting on a promise from wasm through the general bindings costs two closures made, registered
 * with a FinalizationRegistry and released again for every promise. Here a settled promise's
 * value waits in `results` under a number, and one long-lived function from wasm, `notify`, is
 * told that number; it answers whether anyone still waits for it.
 */
let notify = () => false;
let nextId = 1;
const results = new Map();

export function setNotifier(notifier) {
  notify = notifier;
}

/**
 * The promise a request's task (shared/src/task.rs) settles, by the task's slot: one call to
 * start it and one to finish it, where a promise with its resolve function handed to wasm took
 * three calls and a function handle.
 */
const tasks = new Map();

export function startTask(slot) {
  return new Promise((resolve) => tasks.set(slot, resolve));
}

export function finishTask(slot, value) {
  const resolve = tasks.get(slot);
  tasks.delete(slot);
  resolve?.(value);
}

/** The task runner from wasm, set once; `scheduleRun` queues one call of it. */
let runner = () => {};

export function setRunner(run) {
  runner = run;
}

export function scheduleRun() {
  queueMicrotask(() => runner());
}

function newId() {
  const id = nextId++;
  nextId = nextId > 0x7fffffff ? 1 : nextId;
  return id;
}

/** Hands `value` to whoever waits for `id`; kept only while someone does. */
function settle(id, value) {
  results.set(id, value);
  if (!notify(id)) results.delete(id);
}

/** Tracks a promise (which must not reject) under a new number: `take` hands over its value. */
export function track(promise) {
  const id = newId();
  promise.then((value) => settle(id, value));
  return id;
}

/**
 * Tracks what `work` returns (a value or a promise) turned into `map` of it, settling to
 * `fallback(error)` if either fails. One reaction on the platform's promise, no wrapper promises:
 * on a cache HIT these calls are most of what a request does.
 */
function trackSafely(work, fallback, map) {
  const id = newId();
  const failed = (error) => settle(id, fallback(error));
  let promise;
  try {
    promise = Promise.resolve(work());
  } catch (error) {
    // Settled later, never now: the caller has not started waiting for `id` yet.
    promise = Promise.reject(error);
  }
  promise.then((value) => {
    let mapped;
    try {
      mapped = map === undefined ? value : map(value);
    } catch (error) {
      failed(error);
      return;
    }
    settle(id, mapped);
  }, failed);
  return id;
}

export function take(id) {
  const value = results.get(id);
  results.delete(id);
  return value;
}

/** The request headers the Worker reads, set once per isolate by `readHeaders`. */
let readNames = [];

export function readHeaders(names) {
  readNames = names.split("\n");
}

/**
 * The request line and the headers in `readHeaders`' list, as one string: the method, the URL,
 * then each header's value in the list's order ("\0" when absent). Header values cannot hold a
 * line break or NUL, so the lines are unambiguous.
 */
export function requestHead(request) {
  const headers = request.headers;
  let head = `${request.method}\n${request.url}`;
  for (const name of readNames) {
    const value = headers.get(name);
    head += value === null ? "\n\0" : `\n${value}`;
  }
  return head;
}

/** The request's body, read whole (null when it cannot be read), tracked. */
export function requestBody(request) {
  return trackSafely(() => request.arrayBuffer(), () => null, (buffer) => new Uint8Array(buffer));
}

/**
 * A response from a status, a header block ("name\nvalue\n" pairs) and a body: bytes (copied
 * out of wasm memory, which may move), a stream (a KV value passed through), or null.
 *
 * The headers are added to the response's own: a `Headers` passed to the constructor is copied
 * whole into the response's, and that copy cost 1.5–2.5% of a KV HIT's CPU (the floor's HIT with
 * a BFF's twelve response headers, ten rounds run side by side: 1.045 of the floor built apart,
 * 1.019 added to the response).
 */
export function respond(status, head, bytes, stream) {
  const body = status === 204 || status === 304 ? null : (stream ?? (bytes ? bytes.slice() : null));
  if (stream && body === null) cancelStream(stream);
  const response = new Response(body, { status });
  const headers = response.headers;
  const lines = head.split("\n");
  for (let i = 0; i + 1 < lines.length; i += 2) headers.append(lines[i], lines[i + 1]);
  return response;
}

/** Whether the rate limiter in `binding` refuses `key` (false on its failure), tracked. */
export function rateLimited(env, binding, key) {
  return trackSafely(() => env[binding].limit({ key }), () => false, (outcome) => outcome.success === false);
}

/** Fills `bytes` (a view of wasm memory) from the platform's CSPRNG; false if it failed. */
export function fillRandom(bytes) {
  try {
    crypto.getRandomValues(bytes);
    return true;
  } catch {
    return false;
  }
}

export const EXCHANGE_ANSWERED = 0;
export const EXCHANGE_TIMED_OUT = 1;
export const EXCHANGE_UNREACHABLE = 2;
export const EXCHANGE_CANCELLED = 3;
/** Not settled yet when the wait of `trackWithin` ran out. */
export const EXCHANGE_RUNNING = 4;

/**
 * Timers shared by everything of one invocation due at the same moment. A product page starts
 * its origin calls in one turn, where the platform's clock stands still, so calls with the same
 * timeout are due at the same millisecond: one timer serves them all, cleared when the last of
 * them is done. Each call with its own `setTimeout` and `clearTimeout` cost 4.2% of a JS floor's
 * CPU on a five-call page, one timer for the page 2.1% (make bench's cache-off floor, 16 paired
 * rounds). Never across invocations: the platform cancels a request's timers when the request
 * ends, and another request's call would then wait for a timer that never rings.
 */
const alarms = new Map();

/**
 * Runs `ring` at `Date.now() + ms` unless the returned function is called first. Exported for
 * make bench's JavaScript page (bench/replica/mobile.js), which times its calls the same way.
 */
export function alarm(invocation, ms, ring) {
  const due = `${invocation}:${Date.now() + ms}`;
  let group = alarms.get(due);
  if (group === undefined) {
    const rings = new Set();
    const timer = setTimeout(() => {
      alarms.delete(due);
      for (const member of rings) member();
    }, ms);
    group = { rings, timer };
    alarms.set(due, group);
  }
  group.rings.add(ring);
  return () => {
    if (!group.rings.delete(ring) || group.rings.size > 0) return;
    clearTimeout(group.timer);
    if (alarms.get(due) === group) alarms.delete(due);
  };
}

/**
 * One HTTP exchange with an origin, started at once: the request sent and the whole body read,
 * bounded by a shared platform timer (`alarm`) that is let go when it settles. `done` resolves
 * to one of the EXCHANGE_ codes, after which `status` and `body` hold the answer; `trackWithin`
 * waits at most a while (a hedge's delay). `cancel()` aborts it if it is still running (a lost
 * hedge, a page that already failed); a settled exchange is left alone, so a finished call costs
 * no abort.
 */
export class OriginExchange {
  constructor(invocation, url, method, requestId, idempotencyKey, body, timeoutMs) {
    this.invocation = invocation;
    this.status = 0;
    this.body = null;
    this.settled = false;
    const controller = new AbortController();
    this.controller = controller;
    const release = alarm(invocation, timeoutMs, () =>
      controller.abort(new DOMException("The origin did not answer in time.", "TimeoutError")),
    );
    const headers = { accept: "application/json", "x-request-id": requestId };
    if (idempotencyKey) headers["idempotency-key"] = idempotencyKey;
    if (body) headers["content-type"] = "application/json";
    const init = { method, headers, signal: controller.signal, body: body ? body.slice() : undefined };
    // One async function, its failure caught inside: a `.catch` and a `.then` on it cost a
    // promise and a reaction each, per origin call.
    this.done = (async () => {
      let outcome;
      try {
        const response = await fetch(url, init);
        const bytes = new Uint8Array(await response.arrayBuffer());
        this.status = response.status;
        this.body = bytes;
        outcome = EXCHANGE_ANSWERED;
      } catch {
        outcome = outcomeOf(controller.signal);
      }
      release();
      this.settled = true;
      return outcome;
    })();
  }

  /** `done`, tracked. */
  track() {
    return track(this.done);
  }

  /** `done`, or EXCHANGE_RUNNING after `ms` if the exchange is still running; tracked. */
  trackWithin(ms) {
    if (this.settled) return track(this.done);
    let release;
    const due = new Promise((resolve) => {
      release = alarm(this.invocation, ms, () => resolve(EXCHANGE_RUNNING));
    });
    return track(Promise.race([this.done.finally(release), due]));
  }

  cancel() {
    if (!this.settled) this.controller.abort();
  }

  /** The body, handed over once (the exchange keeps no copy). */
  takeBody() {
    const body = this.body;
    this.body = null;
    return body;
  }
}

function outcomeOf(signal) {
  if (!signal.aborted) return EXCHANGE_UNREACHABLE;
  return signal.reason?.name === "TimeoutError" ? EXCHANGE_TIMED_OUT : EXCHANGE_CANCELLED;
}

/**
 * A KV entry with its metadata: `meta` is the metadata as JSON, `value` the stored value as a
 * stream, not read (a HIT passes it to the response as it is).
 */
export class CacheEntry {
  constructor(meta, value) {
    this.meta = meta;
    this.value = value;
  }
}

/** Reads a KV entry with its metadata (a `CacheEntry` or null), tracked. */
export function cacheRead(env, binding, key) {
  return trackSafely(
    () => env[binding].getWithMetadata(key, { type: "stream" }),
    (error) => {
      console.error(`cache read failed: ${error}`);
      return null;
    },
    ({ value, metadata }) => {
      if (value === null) return null;
      if (metadata === null) {
        cancelStream(value);
        return null;
      }
      return new CacheEntry(JSON.stringify(metadata), value);
    },
  );
}

/** The whole of a stream (a KV value the Worker needs to change), or null; tracked. */
export function readStream(stream) {
  return trackSafely(() => new Response(stream).arrayBuffer(), () => null, (buffer) => new Uint8Array(buffer));
}

/** Lets a stream go unread. */
export function cancelStream(stream) {
  try {
    stream.cancel().catch(() => {});
  } catch {
    // Already locked or closed: nothing to let go.
  }
}

/**
 * Stores `bytes` (copied out of wasm memory at once) under `key` with `meta` (JSON) as its
 * metadata, expiring after `ttl` seconds; whether it was stored (a failure is logged), tracked.
 */
export function cachePut(env, binding, key, bytes, meta, ttl) {
  const copy = bytes.slice();
  return trackSafely(
    () => env[binding].put(key, copy, { metadata: JSON.parse(meta), expirationTtl: ttl }),
    (error) => {
      console.error(`cache write failed: ${error}`);
      return false;
    },
    () => true,
  );
}
