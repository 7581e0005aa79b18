// The mobile product page (`GET /api/products/{id}`) as a Hono Worker: what a team that writes its
// BFF in JavaScript with the Hono framework would write, so that `make bench` can set the Rust
// Worker against that too, and not only against the plain JavaScript page (bench/replica/mobile.js).
//
// The page's own work is the plain page's, imported from it: the same cache read, the same five
// origin calls, the same shaping, ETag and cache write, so the two JavaScript pages differ only by
// what Hono does: its router, its context, its middleware chain and its response helpers. The
// request id, security headers, Server-Timing and the log line are one middleware, the rate limit
// another, as a Hono app has them; unknown paths and errors answer the same JSON errors as the
// Rust Worker. Bundled as `wrangler deploy` would bundle it (esbuild, bench/support.mjs).
import { Hono } from "hono";
import { SECURITY_HEADERS, logLine, newId, serverTiming } from "../contract.js";
import { failure, localeOf, productId, productPage, rateLimited } from "./mobile.js";

const app = new Hono();

// Every request: its id, then after the handler the common headers and one log line.
app.use(async (c, next) => {
  const started = Date.now();
  const incoming = c.req.header("x-request-id") ?? "";
  const requestId = /^[0-9a-f]{32}$/.test(incoming) ? incoming : newId();
  c.set("requestId", requestId);
  await next();
  const elapsed = Date.now() - started;
  const reply = c.get("reply") ?? { timings: [] };
  for (const [name, value] of SECURITY_HEADERS) c.header(name, value);
  c.header("x-request-id", requestId);
  const timing = serverTiming(reply.timings, elapsed);
  if (timing) c.header("server-timing", timing);
  logLine(requestId, c.req.method, c.req.path, c.res.status, elapsed, reply);
});

app.use(async (c, next) => {
  if (await rateLimited(c.env, c.req.header("cf-connecting-ip"))) {
    return refuse(c, failure(429, "rate_limited", "Too many requests; try again in a minute."));
  }
  await next();
});

app.get("/api/products/:id", async (c) => {
  const id = productId(c.req.param("id"));
  if (id === null) return refuse(c, failure(400, "invalid_product_id", "The product id is a positive whole number."));
  const reply = await productPage(id, localeOf(c.req.header("accept-language")), c.env, c.executionCtx, c.get("requestId"));
  if (reply.error) return refuse(c, reply);
  c.set("reply", reply);
  c.header("etag", reply.etag);
  c.header("cache-control", "no-cache");
  c.header("x-bff-cache", reply.cache);
  c.header("vary", "save-data, accept-language");
  // No body to send (a 304, or a HEAD, which Hono answers by dropping the body): a cached
  // stream is let go, not left open.
  const notModified = c.req.header("if-none-match") === reply.etag;
  if (notModified || c.req.method === "HEAD") {
    if (reply.body instanceof ReadableStream) reply.body.cancel().catch(() => {});
    return c.body(null, notModified ? 304 : 200);
  }
  return c.body(reply.body, 200);
});

app.all("/api/products/:id", (c) => refuse(c, failure(405, "method_not_allowed", "Method not allowed.")));
app.notFound((c) => refuse(c, failure(404, "route_not_found", "No such endpoint.")));
app.onError((error, c) => {
  console.error(`product page failed: ${error}`);
  return refuse(c, failure(500, "internal", "Internal error."));
});

/** An error reply, as JSON, never stored. */
function refuse(c, reply) {
  c.set("reply", reply);
  c.header("cache-control", "no-store");
  return c.body(reply.body, reply.status);
}

export default app;
