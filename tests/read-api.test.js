// Listings and review pages on both Workers: pagination (page numbers on web, signed cursors on
// mobile), batching, sparse fieldsets, Save-Data, bad input, and no internal field anywhere.
import { afterAll, beforeAll, beforeEach, describe, expect, inject, test } from "vitest";
import { MockControl } from "./support/mock-origins.js";
import { NO_CACHE, startWorker, walkJson } from "./support/workers.js";

const mocks = new MockControl(inject("mocksUrl"));
const workers = {};
beforeAll(async () => {
  workers.web = await startWorker("web", mocks.url, { vars: NO_CACHE });
  workers.mobile = await startWorker("mobile", mocks.url, { vars: NO_CACHE });
});
afterAll(() => Promise.all(Object.values(workers).map((w) => w.dispose())));
beforeEach(() => mocks.reset());

const origin = async (path) => (await fetch(`${mocks.url}${path}`)).json();
const categories = async () => (await origin("/catalog/categories")).items;

function expectError(response, status, code) {
  expect(response.status, response.text).toBe(status);
  expect(response.json.error.code).toBe(code);
}

describe("web listing", () => {
  test("walking every page of a category yields each product once", async () => {
    const [category] = await categories();
    const seen = [];
    let page = 1;
    let totalPages;
    do {
      const response = await workers.web.fetch(`/api/products?category=${category.slug}&page=${page}&limit=60`);
      expect(response.status).toBe(200);
      expect(response.json).toMatchObject({ page, pageSize: 60, totalItems: category.product_count });
      totalPages = response.json.totalPages;
      seen.push(...response.json.items.map((item) => item.id));
      page++;
    } while (page <= totalPages);
    expect(seen).toHaveLength(category.product_count);
    expect(new Set(seen).size).toBe(seen.length);
    // Past the last page: empty, not an error.
    const beyond = await workers.web.fetch(`/api/products?category=${category.slug}&page=${page}&limit=60`);
    expect(beyond.json.items).toEqual([]);
  });

  test("cards carry price and availability from one batched call per origin", async () => {
    const response = await workers.web.fetch("/api/products?category=headphones&limit=24");
    expect(response.status).toBe(200);
    expect(response.json.items).toHaveLength(24);
    for (const card of response.json.items) {
      expect(card.price.current.formatted).toMatch(/^€/);
      expect(["in_stock", "low_stock", "out_of_stock", "backorder"]).toContain(card.availability);
      expect(card.image.url).toMatch(/medium/);
    }
    const { services } = await mocks.stats();
    expect([services.catalog.requests, services.pricing.requests, services.inventory.requests]).toEqual([1, 1, 1]);
  });

  test("text search is case- and space-insensitive", async () => {
    const a = await workers.web.fetch("/api/products?q=wireless&limit=10");
    const b = await workers.web.fetch("/api/products?q=%20%20WIRELESS%20&limit=10");
    expect(a.status).toBe(200);
    expect(a.json.totalItems).toBeGreaterThan(0);
    expect(b.json).toEqual(a.json);
  });

  test("inventory down: cards without availability, page degraded", async () => {
    await mocks.fault("inventory", { mode: "status", status: 500 });
    const response = await workers.web.fetch("/api/products?category=headphones");
    expect(response.status).toBe(200);
    expect(response.json.degraded).toEqual(["availability"]);
    expect(response.json.items[0]).not.toHaveProperty("availability");
  });

  test("reviews come in numbered pages of full text", async () => {
    const reviews = await origin("/reviews/products/2/reviews?offset=0&limit=20");
    const response = await workers.web.fetch("/api/products/2/reviews?page=2&limit=20");
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ page: 2, pageSize: 20, totalItems: reviews.total });
    const expected = await origin("/reviews/products/2/reviews?offset=20&limit=20");
    expect(response.json.items.map((r) => r.body)).toEqual(expected.items.map((r) => r.body));
  });
});

describe("mobile listing", () => {
  test("walking a category by cursor yields each product once", async () => {
    const [, category] = await categories();
    const seen = [];
    let cursor = null;
    let pages = 0;
    do {
      const path = `/api/products?category=${category.slug}&limit=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      const response = await workers.mobile.fetch(path);
      expect(response.status).toBe(200);
      expect(response.json.total).toBe(category.product_count);
      seen.push(...response.json.items.map((item) => item.id));
      cursor = response.json.nextCursor;
      pages++;
    } while (cursor && pages < 100);
    expect(seen).toHaveLength(category.product_count);
    expect(new Set(seen).size).toBe(seen.length);
  });

  test("a tampered, forged or foreign cursor is a 400", async () => {
    const first = await workers.mobile.fetch("/api/products?category=headphones&limit=5");
    const cursor = first.json.nextCursor;
    expect(cursor).toBeTruthy();
    const flipped = cursor.slice(0, 3) + (cursor[3] === "A" ? "B" : "A") + cursor.slice(4);
    for (const bad of [flipped, "garbage", "", "A".repeat(200), `${cursor}x`]) {
      expectError(await workers.mobile.fetch(`/api/products?category=headphones&cursor=${encodeURIComponent(bad)}`), 400, "invalid_cursor");
    }
    // A genuine cursor used for another query.
    expectError(await workers.mobile.fetch(`/api/products?category=lamps&cursor=${encodeURIComponent(cursor)}`), 400, "invalid_cursor");
  });

  test("review pages by cursor, text cut to a preview", async () => {
    let cursor = null;
    const texts = [];
    do {
      const response = await workers.mobile.fetch(`/api/products/2/reviews?limit=20${cursor ? `&cursor=${cursor}` : ""}`);
      expect(response.status).toBe(200);
      for (const review of response.json.items) expect([...review.text].length).toBeLessThanOrEqual(160);
      texts.push(...response.json.items);
      cursor = response.json.nextCursor;
    } while (cursor);
    const { total } = await origin("/reviews/products/2/reviews?limit=1");
    expect(texts).toHaveLength(total);
  });

  test("sparse fieldsets return only what was asked", async () => {
    const page = await workers.mobile.fetch("/api/products/3?fields=id,name,price.formatted,related.id");
    expect(page.status).toBe(200);
    expect(Object.keys(page.json).sort()).toEqual(["id", "name", "price", "related"]);
    expect(Object.keys(page.json.price)).toEqual(["formatted"]);
    for (const card of page.json.related) expect(Object.keys(card)).toEqual(["id"]);
    const full = await workers.mobile.fetch("/api/products/3");
    expect(page.bytes).toBeLessThan(full.bytes / 4);
    expect(page.headers.get("etag")).not.toBe(full.headers.get("etag"));

    const listing = await workers.mobile.fetch("/api/products?category=headphones&fields=items.id,nextCursor");
    expect(Object.keys(listing.json).sort()).toEqual(["items", "nextCursor"]);
    for (const item of listing.json.items) expect(Object.keys(item)).toEqual(["id"]);
    const home = await workers.mobile.fetch("/api/home?fields=categories.slug");
    expect(home.json.categories.every((c) => Object.keys(c).join() === "slug")).toBe(true);
  });

  test.each(["colour", "id,,name", "price.amount.value", "id,"])("an unknown or malformed fieldset (%s) is a 400", async (fields) => {
    const response = await workers.mobile.fetch(`/api/products/3?fields=${encodeURIComponent(fields)}`);
    expect(response.status).toBe(400);
    expect(["unknown_field", "invalid_fields"]).toContain(response.json.error.code);
  });

  test("Save-Data: smaller images in listings too", async () => {
    const normal = await workers.mobile.fetch("/api/products?category=headphones&limit=10");
    const saving = await workers.mobile.fetch("/api/products?category=headphones&limit=10", { headers: { "save-data": "on" } });
    expect(saving.json.items.map((i) => i.id)).toEqual(normal.json.items.map((i) => i.id));
    expect(saving.headers.get("vary")).toBe("save-data, accept-language");
  });
});

describe.each(["web", "mobile"])("%s read API bad input", (frontend) => {
  const bff = () => workers[frontend];
  test.each([
    ["/api/products?limit=0", 400, "invalid_limit"],
    ["/api/products?limit=1000", 400, "invalid_limit"],
    ["/api/products?limit=ten", 400, "invalid_limit"],
    ["/api/products?category=no-such-category", 404, "category_not_found"],
    ["/api/products?category=bad%20slug!", 400, "invalid_category"],
    [`/api/products?q=${"x".repeat(101)}`, 400, "query_too_long"],
    ["/api/products/abc/reviews", 400, "invalid_product_id"],
    ["/api/products/999999/reviews", 404, "product_not_found"],
    ["/api/products/1/reviews?limit=0", 400, "invalid_limit"],
  ])("%s → %i %s", async (path, status, code) => {
    expectError(await bff().fetch(path), status, code);
  });

  test("web page numbers are checked", async () => {
    if (frontend !== "web") return;
    expectError(await bff().fetch("/api/products?page=0"), 400, "invalid_page");
    expectError(await bff().fetch("/api/products?page=-3"), 400, "invalid_page");
    expectError(await bff().fetch("/api/products?page=99999999"), 400, "invalid_page");
  });
});

describe("no internal origin field in any read endpoint", () => {
  test.each(["web", "mobile"])("%s", async (frontend) => {
    const { fields, value_patterns: patterns } = await mocks.internalFields();
    const paths = [
      "/api/home",
      "/api/products?category=headphones",
      "/api/products?q=wireless",
      "/api/products/1",
      "/api/products/4242",
      "/api/products/1/reviews",
      "/api/products/77/reviews",
    ];
    for (const path of paths) {
      for (const headers of [{}, { "save-data": "on" }]) {
        const response = await workers[frontend].fetch(path, { headers });
        expect(response.status, path).toBe(200);
        for (const item of walkJson(response.json)) {
          if (item.kind === "key") expect(fields, `${path} ${item.path}`).not.toContain(item.value);
          else for (const pattern of patterns) expect(item.value, `${path} ${item.path}`).not.toContain(pattern);
        }
      }
    }
  });
});
