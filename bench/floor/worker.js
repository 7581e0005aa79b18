// The floor: a minimal JavaScript Worker (no framework) that pays only what any BFF pays on this
// platform, so the Rust Workers' CPU per request can be set against it in one run.
//
// Every request first takes the rate-limit call (every BFF limits its clients), then:
// - `GET /miss/{id}?reviews=R&related=K`: the product page's origin fetches, all at once, with
//   their bodies read (the reviews and related calls only when R or K is above zero), answered
//   with a small JSON body; what a product page costs before any aggregation;
// - `GET /hit?key=K`: one KV `getWithMetadata`, its value streamed as the answer: what a cache
//   HIT costs before any shaping;
// - `GET /static`: nothing more: a fixed JSON answer, for the cold start.

const JSON_HEADERS = { "content-type": "application/json; charset=utf-8" };

export default {
  async fetch(request, env) {
    const limited = await env.RATE_LIMITER.limit({ key: request.headers.get("cf-connecting-ip") ?? "unknown" });
    if (!limited.success) return new Response('{"error":"rate_limited"}', { status: 429, headers: JSON_HEADERS });
    const url = new URL(request.url);
    const [, route, id] = url.pathname.split("/");
    if (route === "miss") return miss(env.ORIGIN_BASE_URL, id, url.searchParams);
    if (route === "hit") return hit(env.BFF_CACHE, url.searchParams.get("key") ?? "");
    if (route === "static") return new Response('{"ok":true}', { headers: JSON_HEADERS });
    return new Response('{"error":"not_found"}', { status: 404, headers: JSON_HEADERS });
  },
};

async function miss(base, id, params) {
  const reviews = Number(params.get("reviews") ?? 0);
  const related = Number(params.get("related") ?? 0);
  const paths = [`/catalog/products/${id}`, `/pricing/prices/${id}`, `/inventory/stock/${id}`];
  if (reviews > 0) paths.push(`/reviews/products/${id}/reviews?offset=0&limit=${reviews}`);
  if (related > 0) paths.push(`/recommendations/products/${id}/related?limit=${related}`);
  const bodies = await Promise.all(
    paths.map(async (path) => {
      const response = await fetch(base + path, { headers: { accept: "application/json" } });
      return (await response.arrayBuffer()).byteLength;
    }),
  );
  return new Response(JSON.stringify({ bytes: bodies }), { headers: JSON_HEADERS });
}

async function hit(kv, key) {
  const { value, metadata } = await kv.getWithMetadata(key, { type: "stream" });
  if (value === null) return new Response('{"error":"not_cached"}', { status: 404, headers: JSON_HEADERS });
  return new Response(value, { headers: { ...JSON_HEADERS, etag: metadata?.etag ?? "" } });
}
