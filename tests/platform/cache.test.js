// The KV read-through cache on every frontend, observed through the mock origins' request counts
// and the Workers' own KV namespaces. Short windows stand in for long waits.
import { afterEach, beforeEach, describe, expect, inject, test } from "vitest";
import { FRONTENDS, frontends, signIn } from "../support/frontends.js";
import { MockControl } from "../support/mock-origins.js";
import { startWorker } from "../support/workers.js";

const mocks = new MockControl(inject("mocksUrl"));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Windows for a route, in ms. */
const windows = (route, fresh, grace, maxStale) => ({
  [`CACHE_${route}_FRESH_MS`]: String(fresh),
  [`CACHE_${route}_GRACE_MS`]: String(grace),
  [`CACHE_${route}_MAX_STALE_MS`]: String(maxStale),
});
const LONG = { ...windows("PRODUCT", 600_000, 600_000, 600_000), ...windows("HOME", 600_000, 600_000, 600_000) };

let started = [];
async function worker(frontend, vars = LONG) {
  const bff = await startWorker(frontend, mocks.url, { vars: { ...vars, ADMIN_TOKEN: "test-admin-token" } });
  started.push(bff);
  return bff;
}
afterEach(async () => {
  await Promise.all(started.map((bff) => bff.dispose()));
  started = [];
});
beforeEach(() => mocks.reset());

const requests = async (service) => (await mocks.stats()).services[service].requests;

/** The cache write happens after the response (waitUntil): wait until `count` entries exist. */
async function entriesWritten(bff, count) {
  for (let i = 0; i < 100; i++) {
    if ((await bff.cacheKeys()).length >= count) return bff.cacheKeys();
    await sleep(20);
  }
  return bff.cacheKeys();
}

async function until(condition) {
  for (let i = 0; i < 100; i++) {
    if (await condition()) return true;
    await sleep(20);
  }
  return false;
}

describe.each(frontends())("%s cache", (frontend) => {
  const page = FRONTENDS[frontend].productPage;
  const [optional, { part }] = Object.entries(page).find(([, role]) => !role.required);

  test("identical requests share one fan-out: MISS, then HITs", async () => {
    const bff = await worker(frontend);
    const first = await bff.fetch("/api/products/20");
    expect(first.headers.get("x-bff-cache")).toBe("MISS");
    expect(await entriesWritten(bff, 1)).toEqual([`v1:${frontend}:product:id=20:default`]);
    for (let i = 0; i < 9; i++) {
      const again = await bff.fetch("/api/products/20");
      expect(again.status).toBe(200);
      expect(again.headers.get("x-bff-cache")).toBe("HIT");
      expect(again.text).toBe(first.text);
      expect(again.headers.get("server-timing")).toMatch(/cache;dur=[\d.]+;desc="hit"/);
    }
    for (const origin of Object.keys(page)) expect(await requests(origin), origin).toBe(1);
  });

  test("different forms of one request share one entry", async () => {
    const bff = await worker(frontend);
    for (const path of ["/api/products/21", "/api/products/021", "/api/products/21?utm_source=mail", "/api/products/0021?b=2&a=1"]) {
      expect((await bff.fetch(path)).status).toBe(200);
      await entriesWritten(bff, 1);
    }
    expect(await bff.cacheKeys()).toHaveLength(1);
    expect(await requests("catalog")).toBe(1);
  });

  test("concurrent misses of one key share one fan-out", async () => {
    const bff = await worker(frontend);
    await mocks.fault("catalog", { mode: "ok", latency_ms: 200 });
    const pages = await Promise.all(Array.from({ length: 8 }, () => bff.fetch("/api/products/22")));
    for (const page of pages) expect(page.status).toBe(200);
    expect(new Set(pages.map((p) => p.text)).size).toBe(1);
    expect(await requests("catalog")).toBe(1);
    expect(await requests("pricing")).toBe(1);
  });

  test("ETag is stable across MISS and HIT, and a matching If-None-Match gets a 304", async () => {
    const bff = await worker(frontend);
    const miss = await bff.fetch("/api/products/23");
    await entriesWritten(bff, 1);
    const hit = await bff.fetch("/api/products/23");
    const etag = miss.headers.get("etag");
    expect(etag).toMatch(/^"[0-9a-f]+"$/);
    expect(hit.headers.get("etag")).toBe(etag);
    const revalidated = await bff.fetch("/api/products/23", { headers: { "if-none-match": etag } });
    expect(revalidated.status).toBe(304);
    expect(revalidated.text).toBe("");
    expect(revalidated.headers.get("etag")).toBe(etag);
    const changed = await bff.fetch("/api/products/23", { headers: { "if-none-match": '"something-else"' } });
    expect(changed.status).toBe(200);
  });

  test("a stale entry is served at once and refreshed in the background", async () => {
    // Fresh for 300 ms, then 10 s of grace. Wait past 1 s: KV takes one write per key per second.
    const bff = await worker(frontend, windows("PRODUCT", 300, 10_000, 60_000));
    await bff.fetch("/api/products/24");
    await entriesWritten(bff, 1);
    const before = (await bff.cacheEntry(`v1:${frontend}:product:id=24:default`)).metadata.stored_at_ms;
    await sleep(1_100);
    // The origins are slow now: a STALE answer cannot have waited for them.
    await mocks.fault("*", { mode: "ok", latency_ms: 300 });
    const stale = await bff.fetch("/api/products/24");
    expect(stale.status).toBe(200);
    expect(stale.headers.get("x-bff-cache")).toBe("STALE");
    // The background refresh reaches the origins and rewrites the entry.
    expect(await until(async () => (await requests("catalog")) === 2)).toBe(true);
    expect(
      await until(async () => (await bff.cacheEntry(`v1:${frontend}:product:id=24:default`)).metadata.stored_at_ms > before),
    ).toBe(true);
    await mocks.fault("*", { mode: "ok" });
    expect((await bff.fetch("/api/products/24")).headers.get("x-bff-cache")).toBe("HIT");
    expect(await requests("catalog")).toBe(2);
  });

  test("origins down with a stale copy: 200 STALE (stale-if-error)", async () => {
    // Past fresh and grace after 600 ms, but within the hour of max-stale.
    const bff = await worker(frontend, windows("PRODUCT", 300, 300, 3_600_000));
    const warm = await bff.fetch("/api/products/25");
    await entriesWritten(bff, 1);
    await sleep(700);
    await mocks.fault("*", { mode: "reset" });
    const page = await bff.fetch("/api/products/25");
    expect(page.status).toBe(200);
    expect(page.headers.get("x-bff-cache")).toBe("STALE");
    expect(page.text).toBe(warm.text);
    expect(page.headers.get("server-timing")).toMatch(/cache;dur=[\d.]+;desc="stale-if-error"/);
  });

  test("origins down without a copy: the resilience error", async () => {
    const bff = await worker(frontend);
    await mocks.fault("catalog", { mode: "reset" });
    const page = await bff.fetch("/api/products/26");
    expect(page.status).toBe(503);
    expect(page.json.error.code).toBe("origin_unavailable");
    expect(page.headers.get("x-bff-cache")).toBeNull();
    expect(await bff.cacheKeys()).toEqual([]);
  });

  test("a degraded page is sent but not stored as a complete one", async () => {
    const bff = await worker(frontend);
    await mocks.fault(optional, { mode: "status", status: 503 });
    const degraded = await bff.fetch("/api/products/27");
    expect(degraded.json.degraded).toEqual([part]);
    expect(degraded.headers.get("x-bff-cache")).toBe("MISS");
    await sleep(100);
    expect(await bff.cacheKeys()).toEqual([]);
    await mocks.fault(optional, { mode: "ok" });
    const complete = await bff.fetch("/api/products/27");
    expect(complete.headers.get("x-bff-cache")).toBe("MISS");
    expect(complete.json).not.toHaveProperty("degraded");
    expect(await entriesWritten(bff, 1)).toHaveLength(1);
  });

  test("operators purge by key prefix with the admin token", async () => {
    const bff = await worker(frontend);
    const home = FRONTENDS[frontend].home;
    for (const id of [30, 31, 32]) await bff.fetch(`/api/products/${id}`);
    if (home) await bff.fetch("/api/home");
    await entriesWritten(bff, home ? 4 : 3);
    const purge = (body, token = "test-admin-token") =>
      bff.fetch("/__admin/cache/purge", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
    expect((await purge({ prefix: "product:" }, "wrong")).status).toBe(401);
    const one = await purge({ prefix: "product:id=31:" });
    expect(one.json).toEqual({ purged: 1, complete: true });
    expect((await purge({ prefix: "product:" })).json).toEqual({ purged: 2, complete: true });
    // Only the product entries went; the home page's stays.
    expect(await bff.cacheKeys()).toEqual(home ? [`v1:${frontend}:home::default`] : []);
    expect((await bff.fetch("/api/products/31")).headers.get("x-bff-cache")).toBe("MISS");
  });

  test("a new CACHE_VERSION starts from an empty cache", async () => {
    const bff = await worker(frontend, { ...LONG, CACHE_VERSION: "v2" });
    await bff.fetch("/api/products/42");
    expect(await entriesWritten(bff, 1)).toEqual([`v2:${frontend}:product:id=42:default`]);
  });
});

describe.each(frontends((f) => f.home))("%s home cache", (frontend) => {
  test("home is cached too", async () => {
    const bff = await worker(frontend);
    expect((await bff.fetch("/api/home")).headers.get("x-bff-cache")).toBe("MISS");
    await entriesWritten(bff, 1);
    expect((await bff.fetch("/api/home")).headers.get("x-bff-cache")).toBe("HIT");
    expect(await requests("recommendations")).toBe(1);
  });
});

describe.each(frontends((f) => f.home && f.credential))("%s mixed pages", (frontend) => {
  test("home: the public part from the cache, the shopper's own shelf live", async () => {
    const bff = await worker(frontend);
    const anonymous = await bff.fetch("/api/home");
    expect(anonymous.headers.get("x-bff-cache")).toBe("MISS");
    await entriesWritten(bff, 1);
    const [cachedKey] = await bff.cacheKeys();
    const cachedBefore = await bff.cacheEntry(cachedKey);

    // A read: the credential without the Origin a write would carry.
    const { origin, ...headers } = await signIn(frontend, bff, mocks.url);
    const before = await requests("recommendations");
    const mine = await bff.fetch("/api/home", { headers });
    expect(mine.status).toBe(200);
    expect(mine.headers.get("x-bff-cache")).toBe("HIT");
    expect(mine.headers.get("cache-control")).toBe("private, no-store");
    expect(await requests("recommendations")).toBe(before + 1);
    // As many personal picks as the public shelf shows (the screens' tests pin that number).
    const limit = anonymous.json.recommendations.length;
    const personal = await (await fetch(`${mocks.url}/recommendations/users/usr-1/home?limit=${limit}`)).json();
    expect(mine.json.recommendations.map((card) => card.id)).toEqual(personal.items.map((item) => item.product_id));
    expect(mine.json.recommendations).not.toEqual(anonymous.json.recommendations);
    expect(mine.json.featured).toEqual(anonymous.json.featured);
    expect(mine.headers.get("etag")).not.toBe(anonymous.headers.get("etag"));

    // The cache entry is the public page, untouched by the personal request.
    const cachedAfter = await bff.cacheEntry(cachedKey);
    expect(cachedAfter.value).toBe(cachedBefore.value);
    expect(JSON.parse(cachedAfter.value).recommendations).toEqual(anonymous.json.recommendations);
    expect(await bff.cacheKeys()).toEqual([cachedKey]);
  });
});

describe.each(frontends((f) => f.price))("%s cache variants", (frontend) => {
  test("each language is its own entry; spellings of one language share it", async () => {
    const bff = await worker(frontend);
    const price = FRONTENDS[frontend].price;
    const english = await bff.fetch("/api/products/43");
    const german = await bff.fetch("/api/products/43", { headers: { "accept-language": "de-DE,de;q=0.9" } });
    const alsoGerman = await bff.fetch("/api/products/43", { headers: { "accept-language": "de-AT" } });
    expect([english, german, alsoGerman].map((r) => r.headers.get("x-bff-cache"))).toEqual(["MISS", "MISS", "HIT"]);
    expect((await entriesWritten(bff, 2)).sort()).toEqual([
      `v1:${frontend}:product:id=43:default`,
      `v1:${frontend}:product:id=43:default.de`,
    ]);
    expect(price(german.json).formatted).not.toBe(price(english.json).formatted);
    expect(price(german.json).amount).toBe(price(english.json).amount);
    expect(german.headers.get("etag")).not.toBe(english.headers.get("etag"));
  });
});

describe("cache isolation", () => {
  test(`frontends never share an entry (${frontends().join(", ")})`, async () => {
    const pages = {};
    for (const frontend of frontends()) {
      const bff = await worker(frontend);
      pages[frontend] = await bff.fetch("/api/products/40");
      expect(pages[frontend].headers.get("x-bff-cache")).toBe("MISS");
      expect(await entriesWritten(bff, 1)).toEqual([`v1:${frontend}:product:id=40:default`]);
    }
    const etags = Object.values(pages).map((page) => page.headers.get("etag"));
    expect(new Set(etags).size).toBe(etags.length);
  });
});
