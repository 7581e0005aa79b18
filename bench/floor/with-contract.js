// The floor with the contract: the floor (floor/worker.js), plus what the project's contract
// (DESIGN.md) makes every BFF Worker do on every request whatever its job and its language, done
// the cheapest way JavaScript offers; and nothing of a BFF's own work (no parsing, no shaping, no
// cache key, no cache write).
//
// On top of the floor's platform calls: a request id (the client's when well formed, else 128
// random bits), sent on to every origin call; the origin calls bounded by a timeout (one timer
// and one AbortController for the page, the cheapest bound there is); the cached entry's
// freshness checked; the response headers every answer carries (security headers, `x-request-id`,
// `Cache-Control`, `Server-Timing` with one entry per origin call or the cache) and those of a
// cacheable GET (`ETag`, `x-bff-cache`, 304 on a matching `If-None-Match`); one structured JSON
// log line; the contract's parts as the JavaScript pages have them (../contract.js). make bench
// sets it beside the floor, so that one run shows how much of a target the contract alone takes
// before a Worker does its job.

import { alarm } from "../../shared/js/platform.js";
import { SECURITY_HEADERS, logLine, newId, serverTiming, tagOf } from "../contract.js";

// The isolate's first log line, written as it starts, as the Rust Workers write theirs: the
// runtime loads its console formatter with the first one, which would otherwise be the first
// request's cost.
console.log(JSON.stringify({ event: "isolate_start" }));

export default {
  async fetch(request, env) {
    const started = Date.now();
    const incoming = request.headers.get("x-request-id");
    const requestId = incoming !== null && /^[0-9a-f]{32}$/.test(incoming) ? incoming : newId();
    const url = new URL(request.url);
    const limited = await env.RATE_LIMITER.limit({ key: request.headers.get("cf-connecting-ip") ?? "unknown" });
    const [, route, id] = url.pathname.split("/");
    const reply = !limited.success
      ? { status: 429, body: '{"error":{"code":"rate_limited"}}', timings: [] }
      : route === "miss"
        ? await miss(env, id, url.searchParams, requestId)
        : route === "hit"
          ? await hit(env.BFF_CACHE, url.searchParams.get("key") ?? "")
          : route === "static"
            ? { status: 200, body: '{"ok":true}', timings: [] }
            : { status: 404, body: '{"error":{"code":"route_not_found"}}', timings: [] };
    return respond(reply, request, url.pathname, requestId, started);
  },
};

/** The floor's origin fetches with the request id and a timeout; answered with a small body. */
async function miss(env, id, params, requestId) {
  const reviews = Number(params.get("reviews") ?? 0);
  const related = Number(params.get("related") ?? 0);
  const calls = [["catalog", `/catalog/products/${id}`], ["pricing", `/pricing/prices/${id}`], ["inventory", `/inventory/stock/${id}`]];
  if (reviews > 0) calls.push(["reviews", `/reviews/products/${id}/reviews?offset=0&limit=${reviews}`]);
  if (related > 0) calls.push(["recommendations", `/recommendations/products/${id}/related?limit=${related}`]);
  const controller = new AbortController();
  const release = alarm(requestId, Number(env.ORIGIN_TIMEOUT_MS ?? 1500), () => controller.abort());
  const headers = { accept: "application/json", "x-request-id": requestId };
  const answers = await Promise.all(
    calls.map(async ([name, path]) => {
      const sent = Date.now();
      try {
        const response = await fetch(env.ORIGIN_BASE_URL + path, { headers, signal: controller.signal });
        const bytes = (await response.arrayBuffer()).byteLength;
        return { name, bytes, outcome: response.ok ? "ok" : "error", ms: Date.now() - sent };
      } catch {
        return { name, bytes: 0, outcome: controller.signal.aborted ? "timeout" : "error", ms: Date.now() - sent };
      }
    }),
  );
  release();
  const body = JSON.stringify({ bytes: answers.map((answer) => answer.bytes) });
  return { status: 200, body, etag: tagOf(body), cache: "BYPASS", timings: answers.map(({ name, ms, outcome }) => [name, ms, outcome]) };
}

/** The cached entry, if fresh, streamed back with its ETag. */
async function hit(kv, key) {
  const read = Date.now();
  const { value, metadata } = await kv.getWithMetadata(key, { type: "stream" });
  const fresh = value !== null && metadata !== null && Date.now() - metadata.stored_at_ms < metadata.windows.fresh_ms;
  const timings = [["cache", Date.now() - read, fresh ? "hit" : "miss"]];
  if (!fresh) {
    value?.cancel();
    return { status: 404, body: '{"error":{"code":"not_cached"}}', timings };
  }
  return { status: 200, body: value, etag: metadata.etag, cache: "HIT", timings };
}

function respond(reply, request, path, requestId, started) {
  const elapsed = Date.now() - started;
  let status = reply.status;
  if (status === 200 && reply.etag !== undefined && request.headers.get("if-none-match") === reply.etag) status = 304;
  const body = status === 304 ? null : reply.body;
  if (body === null && reply.body instanceof ReadableStream) reply.body.cancel();
  const response = new Response(body, { status });
  const headers = response.headers;
  for (const [name, value] of SECURITY_HEADERS) headers.append(name, value);
  headers.append("x-request-id", requestId);
  if (reply.etag !== undefined) {
    headers.append("etag", reply.etag);
    headers.append("cache-control", "no-cache");
  } else headers.append("cache-control", "no-store");
  if (reply.cache !== undefined) headers.append("x-bff-cache", reply.cache);
  const timing = serverTiming(reply.timings, elapsed);
  if (timing !== null) headers.append("server-timing", timing);
  logLine(requestId, request.method, path, status, elapsed, reply);
  return response;
}
