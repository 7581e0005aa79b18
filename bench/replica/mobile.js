// The mobile product page (`GET /api/products/{id}`) as a plain JavaScript Worker, no framework:
// what a team would write instead of the Rust Worker, doing the same job under the same contract,
// so that `make bench` can set the Rust Worker against JavaScript that does what it does, and not
// only against the floor (which does what any BFF must, and nothing of a BFF's own work).
//
// The same platform calls and the same work: the request headers the BFF reads, a request id,
// the rate limit; on a cached read the KV entry streamed back with its ETag and freshness; on a
// miss or with the cache off the five origin calls at once, each with its own AbortController
// and a timer shared by the calls due together, catalog, pricing and inventory required,
// reviews and recommendations optional; the JSON parsed and shaped into the phone's screen
// (gallery of 4 small images, description cut at 200 characters on a word, 3 reviews cut at
// 120, 4 related cards), an ETag over the body, the entry stored for the next request; the
// same response headers (security headers, Vary, Cache-Control, X-BFF-Cache, Server-Timing)
// and one structured log line. Only that one page, only the default (non Save-Data) variant, in
// the four languages the Rust Worker speaks; make bench checks, before it measures, that both
// answer the same screen (as JSON) for the same products.

// The shared timer of the Rust Workers' platform side: the same timing for the same calls.
import { alarm } from "../../shared/js/platform.js";
// The parts of the contract every page has, shared with make bench's floor + contract.
import { SECURITY_HEADERS, logLine, newId, serverTiming, tagOf } from "../contract.js";

const READ_HEADERS = ["authorization", "cookie", "content-type", "content-length", "idempotency-key", "if-none-match", "origin", "referer", "save-data", "cf-connecting-ip", "accept-language", "x-csrf", "x-request-id"];
const CALLS = [
  ["catalog", (id) => `/catalog/products/${id}`, "ORIGIN_TIMEOUT_MS", true],
  ["pricing", (id) => `/pricing/prices/${id}`, "ORIGIN_TIMEOUT_MS", true],
  ["inventory", (id) => `/inventory/stock/${id}`, "ORIGIN_TIMEOUT_MS", true],
  ["reviews", (id) => `/reviews/products/${id}/reviews?offset=0&limit=3`, "ORIGIN_REVIEWS_TIMEOUT_MS", false],
  ["recommendations", (id) => `/recommendations/products/${id}/related?limit=4`, "ORIGIN_RECOMMENDATIONS_TIMEOUT_MS", false],
];

export default {
  async fetch(request, env, ctx) {
    const started = Date.now();
    const head = readHead(request);
    const requestId = /^[0-9a-f]{32}$/.test(head["x-request-id"] ?? "") ? head["x-request-id"] : newId();
    const reply = await answer(head, env, ctx, requestId);
    return respond(reply, head, requestId, started);
  },
};

function readHead(request) {
  const head = { method: request.method, url: new URL(request.url) };
  for (const name of READ_HEADERS) head[name] = request.headers.get(name);
  return head;
}

/** The rate limit, the route and the id; then the page. */
async function answer(head, env, ctx, requestId) {
  if (await rateLimited(env, head["cf-connecting-ip"])) return failure(429, "rate_limited", "Too many requests; try again in a minute.");
  const match = /^\/api\/products\/([^/]+)$/.exec(head.url.pathname);
  if (!match) return failure(404, "route_not_found", "No such endpoint.");
  if (head.method !== "GET" && head.method !== "HEAD") return failure(405, "method_not_allowed", "Method not allowed.");
  const id = productId(match[1]);
  if (id === null) return failure(400, "invalid_product_id", "The product id is a positive whole number.");
  return productPage(id, localeOf(head["accept-language"]), env, ctx, requestId);
}

/** Whether the rate limiter refuses this client (false when it fails). */
export function rateLimited(env, client) {
  return env.RATE_LIMITER.limit({ key: `ip:${client ?? "unknown"}` }).then(
    (outcome) => outcome.success === false,
    () => false,
  );
}

/** The product id of a path segment, or null when it is not a positive whole number below 2^32. */
export function productId(segment) {
  const id = Number(segment);
  return /^[1-9][0-9]{0,9}$/.test(segment) && id <= 4294967295 ? id : null;
}

/**
 * The product screen: from the KV cache when a fresh entry is there, else from the five origin
 * calls, shaped and stored. A reply: status, body (a string or the cached stream), etag, cache
 * status, timings (name, ms, outcome) and, on a failure, its error code.
 */
export async function productPage(id, locale, env, ctx, requestId) {
  const windows = {
    fresh_ms: Number(env.CACHE_PRODUCT_FRESH_MS ?? 60000),
    grace_ms: Number(env.CACHE_PRODUCT_GRACE_MS ?? 0),
    max_stale_ms: Number(env.CACHE_PRODUCT_MAX_STALE_MS ?? 0),
  };
  const cached = windows.fresh_ms + windows.grace_ms + windows.max_stale_ms > 0;
  const timings = [];
  const key = `v1:mobile:product:id=${id}:lang=${locale}:full`;
  if (cached) {
    const read = Date.now();
    const entry = await env.BFF_CACHE.getWithMetadata(key, { type: "stream" }).catch(() => null);
    const fresh = entry?.value && entry.metadata && Date.now() - entry.metadata.stored_at_ms < entry.metadata.windows.fresh_ms;
    timings.push(["cache", Date.now() - read, fresh ? "hit" : "miss"]);
    if (fresh) return { status: 200, body: entry.value, etag: entry.metadata.etag, cache: "HIT", timings };
    if (entry?.value) entry.value.cancel().catch(() => {});
  }

  const invocation = requestId;
  const answers = await Promise.all(
    CALLS.map(([name, path, timeout]) => exchange(invocation, `${env.ORIGIN_BASE_URL}${path(id)}`, requestId, Number(env[timeout] ?? 1500), name)),
  );
  for (const { name, outcome, ms } of answers) timings.push([name, ms, outcome]);
  const failed = answers.find((a, i) => CALLS[i][3] && a.outcome !== "ok");
  if (failed) {
    return failure(failed.outcome === "timeout" ? 504 : 503, "origin_unavailable", `The ${failed.name} service is unavailable.`, timings);
  }
  const [product, price, stock, reviews, related] = answers.map((a) => (a.outcome === "ok" ? a.json : null));
  const screen = shape(product, price, stock, reviews, related, locale);
  const body = JSON.stringify(screen);
  const etag = tagOf(body);
  if (cached && !screen.degraded) {
    ctx.waitUntil(
      env.BFF_CACHE.put(key, body, {
        metadata: { stored_at_ms: Date.now(), etag, windows },
        expirationTtl: Math.max(60, Math.ceil((windows.fresh_ms + windows.max_stale_ms) / 1000)),
      }).catch((error) => console.error(`cache write failed: ${error}`)),
    );
  }
  return { status: 200, body, etag, cache: cached ? "MISS" : "BYPASS", timings };
}

async function exchange(invocation, url, requestId, timeoutMs, name) {
  const controller = new AbortController();
  const release = alarm(invocation, timeoutMs, () => controller.abort(new DOMException("late", "TimeoutError")));
  const started = Date.now();
  try {
    const response = await fetch(url, { headers: { accept: "application/json", "x-request-id": requestId }, signal: controller.signal });
    if (response.status < 200 || response.status > 299) {
      await response.body?.cancel();
      return { name, outcome: "error", ms: Date.now() - started };
    }
    return { name, outcome: "ok", json: await response.json(), ms: Date.now() - started };
  } catch {
    return { name, outcome: controller.signal.aborted ? "timeout" : "error", ms: Date.now() - started };
  } finally {
    release();
  }
}

/** How each supported language writes a number: group separator, decimal mark. */
const SEPARATORS = { en: [",", "."], de: [".", ","], nl: [".", ","], fr: ["\u202f", ","] };
const SYMBOLS = { EUR: "€", USD: "$", GBP: "£", JPY: "¥" };

/** The supported language the client prefers most (by q, ties in its order); English otherwise. */
export function localeOf(header) {
  if (!header) return "en";
  let best = null;
  let bestWeight = 0;
  for (const range of header.slice(0, 256).split(",").slice(0, 16)) {
    const [tag, ...params] = range.split(";");
    const primary = tag.trim().split(/[-_]/)[0].toLowerCase();
    if (!(primary in SEPARATORS)) continue;
    let weight = 1000;
    for (const param of params) {
      const [name, value] = param.split("=");
      if (value !== undefined && name.trim().toLowerCase() === "q") {
        const q = value.trim();
        weight = /^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(q) ? Math.round(Number(q) * 1000) : -1;
        break;
      }
    }
    if (weight > bestWeight) [best, bestWeight] = [primary, weight];
  }
  return best ?? "en";
}

function money(minor, currency, locale) {
  const digits = ["JPY", "KRW", "ISK"].includes(currency) ? 0 : 2;
  const scale = 10 ** digits;
  const major = Math.floor(minor / scale);
  const fraction = digits ? String(minor % scale).padStart(digits, "0") : "";
  const amount = digits ? `${major}.${fraction}` : `${major}`;
  const [group, decimal] = SEPARATORS[locale];
  const grouped = String(major).replace(/\B(?=(\d{3})+$)/g, group) + (digits ? `${decimal}${fraction}` : "");
  const symbol = SYMBOLS[currency];
  let formatted;
  if (locale === "en") formatted = symbol ? `${symbol}${grouped}` : `${grouped} ${currency}`;
  else if (locale === "nl") formatted = `${symbol ?? currency}\u00a0${grouped}`;
  else formatted = `${grouped}\u00a0${symbol ?? currency}`;
  return { amount, currency, formatted };
}

/** At most `max` characters, cut at the last word that fits, trailing punctuation dropped, and an ellipsis. */
function cut(text, max) {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  let head = chars.slice(0, max - 1).join("");
  if (!/^\s/u.test(chars[max - 1])) {
    const space = head.search(/\s\S*$/u);
    if (space > 0) head = head.slice(0, space);
  }
  return `${head.replace(/[\s,;:.-]+$/u, "")}…`;
}

const LABELS = { in_stock: "In stock", out_of_stock: "Out of stock", backorder: "Available to order" };

function availability(stock) {
  const available = stock.warehouses.reduce((sum, w) => sum + Math.max(0, w.on_hand - w.reserved), 0);
  const state = available === 0 ? (stock.backorderable ? "backorder" : "out_of_stock") : available <= stock.low_stock_threshold ? "low_stock" : "in_stock";
  if (state === "low_stock") return { state, label: `Only ${available} left`, count: available };
  const view = { state, label: LABELS[state] };
  if (available === 0 && stock.restock_eta) view.restockDate = Array.from(stock.restock_eta).slice(0, 10).join("");
  return view;
}

function shape(product, price, stock, reviews, related, locale) {
  const description = cut(product.description, 200);
  const screen = {
    id: product.id,
    name: product.name,
    brand: product.brand,
    price: money(price.sale_price_minor ?? price.list_price_minor, price.currency, locale),
    ...(price.sale_price_minor != null && { wasPrice: money(price.list_price_minor, price.currency, locale) }),
    availability: availability(stock),
    images: product.images.slice(0, 4).flatMap((image) => {
      const variant = image.variants.find((v) => v.size === "small");
      return variant ? [{ url: variant.url, width: variant.width, height: variant.height, alt: image.alt }] : [];
    }),
    description,
    ...(description !== product.description && { descriptionCut: true }),
  };
  const degraded = [];
  if (reviews) {
    screen.rating = { average: Math.round(reviews.average_rating * 10) / 10, count: reviews.total };
    screen.reviews = reviews.items.map((review) => ({
      rating: review.rating,
      title: review.title,
      text: cut(review.body, 120),
      author: review.author_display_name,
      date: review.created_at.slice(0, 10),
      verified: review.verified_purchase,
    }));
  } else degraded.push("reviews");
  if (related) {
    screen.related = related.items.map((item) => {
      const thumb = item.image_variants.find((v) => v.size === "thumb");
      return {
        id: item.product_id,
        name: item.name,
        price: money(item.price_minor, item.currency, locale).formatted,
        ...(thumb && { image: { url: thumb.url, width: thumb.width, height: thumb.height, alt: item.name } }),
      };
    });
  } else degraded.push("related");
  if (degraded.length) screen.degraded = degraded;
  return screen;
}

export function failure(status, code, message, timings = []) {
  return { status, error: code, body: JSON.stringify({ error: { code, message } }), timings };
}

function respond(reply, head, requestId, started) {
  const elapsed = Date.now() - started;
  const headers = new Headers(SECURITY_HEADERS);
  headers.append("x-request-id", requestId);
  let status = reply.status;
  if (reply.etag) {
    headers.append("etag", reply.etag);
    headers.append("cache-control", "no-cache");
    if (status === 200 && head["if-none-match"] === reply.etag) status = 304;
  } else headers.append("cache-control", "no-store");
  if (reply.cache) headers.append("x-bff-cache", reply.cache);
  if (status === 200 || status === 304) headers.append("vary", "save-data, accept-language");
  const timing = serverTiming(reply.timings, elapsed);
  if (timing) headers.append("server-timing", timing);
  logLine(requestId, head.method, head.url.pathname, status, elapsed, reply);
  const body = status === 304 || head.method === "HEAD" ? null : reply.body;
  if (body === null && reply.body instanceof ReadableStream) reply.body.cancel().catch(() => {});
  return new Response(body, { status, headers });
}
