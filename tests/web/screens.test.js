// The desktop web app's screens as the web BFF shapes them, against the real mock origins (cache
// off): the complete product page, the home page, listings by page number and review pages of
// full text.
import { afterAll, beforeAll, beforeEach, describe, expect, inject, test } from "vitest";
import { MockControl } from "../support/mock-origins.js";
import { NO_CACHE, startWorker } from "../support/workers.js";

const mocks = new MockControl(inject("mocksUrl"));
const AVAILABILITY = ["in_stock", "low_stock", "out_of_stock", "backorder"];

let web;
beforeAll(async () => {
  web = await startWorker("web", mocks.url, { vars: NO_CACHE });
});
afterAll(() => web.dispose());
beforeEach(() => mocks.reset());

const origin = async (path) => (await fetch(`${mocks.url}${path}`)).json();
const categories = async () => (await origin("/catalog/categories")).items;

function expectError(response, status, code) {
  expect(response.status, response.text).toBe(status);
  expect(response.json.error.code).toBe(code);
}

describe("web product page", () => {
  test("is the complete page: full description, large gallery, specs, ten full reviews", async () => {
    const page = await web.fetch("/api/products/1");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^application\/json/);
    const body = page.json;
    expect(body).toMatchObject({ id: 1, category: { slug: expect.any(String) } });
    expect(body.sku).toMatch(/^SKU-/);
    expect(body.description.length).toBeGreaterThanOrEqual(1024);
    expect(body.images.length).toBeGreaterThanOrEqual(4);
    for (const image of body.images) {
      expect(image.url).toMatch(/large/);
      expect(image.width).toBe(1280);
      expect(image.zoomUrl).toMatch(/xlarge/);
    }
    expect(body.specs.length).toBeGreaterThanOrEqual(6);
    expect(body.price.current.formatted).toMatch(/^€\d/);
    expect(AVAILABILITY).toContain(body.availability.state);

    const reviews = await origin("/reviews/products/1/reviews?offset=0&limit=10");
    expect(body.reviews.count).toBe(reviews.total);
    expect(body.reviews.items).toHaveLength(Math.min(10, reviews.total));
    expect(body.reviews.items.map((r) => r.body)).toEqual(reviews.items.map((r) => r.body));
    expect(body.related).toHaveLength(12);
    expect(body.related.every((card) => card.id !== 1 && /medium/.test(card.image.url))).toBe(true);
    expect(body).not.toHaveProperty("degraded");
  });
});

describe("web home", () => {
  test("twelve featured cards, every category with its size, twelve recommendations", async () => {
    const home = await web.fetch("/api/home");
    expect(home.status).toBe(200);
    expect(home.json.featured).toHaveLength(12);
    for (const card of home.json.featured) {
      expect(card).toMatchObject({ id: expect.any(Number), name: expect.any(String), slug: expect.any(String) });
      expect(card.image.url).toMatch(/medium/);
    }
    const all = await categories();
    expect(home.json.categories).toHaveLength(all.length);
    expect(home.json.categories[0]).toEqual({
      slug: all[0].slug,
      name: all[0].name,
      productCount: all[0].product_count,
    });
    expect(home.json.recommendations).toHaveLength(12);
    expect(home.json.recommendations[0].price.formatted).toMatch(/^€/);
    expect(home.headers.get("server-timing")).toMatch(/catalog;.*recommendations;|recommendations;.*catalog;/);
  });
});

describe("web listing", () => {
  test("walking every page of a category yields each product once", async () => {
    const [category] = await categories();
    const seen = [];
    let page = 1;
    let totalPages;
    do {
      const response = await web.fetch(`/api/products?category=${category.slug}&page=${page}&limit=60`);
      expect(response.status).toBe(200);
      expect(response.json).toMatchObject({ page, pageSize: 60, totalItems: category.product_count });
      totalPages = response.json.totalPages;
      seen.push(...response.json.items.map((item) => item.id));
      page++;
    } while (page <= totalPages);
    expect(seen).toHaveLength(category.product_count);
    expect(new Set(seen).size).toBe(seen.length);
    // Past the last page: empty, not an error.
    const beyond = await web.fetch(`/api/products?category=${category.slug}&page=${page}&limit=60`);
    expect(beyond.json.items).toEqual([]);
  });

  test("cards carry price and availability from one batched call per origin", async () => {
    const response = await web.fetch("/api/products?category=headphones&limit=24");
    expect(response.status).toBe(200);
    expect(response.json.items).toHaveLength(24);
    for (const card of response.json.items) {
      expect(card.price.current.formatted).toMatch(/^€/);
      expect(AVAILABILITY).toContain(card.availability);
      expect(card.image.url).toMatch(/medium/);
    }
    const { services } = await mocks.stats();
    expect([services.catalog.requests, services.pricing.requests, services.inventory.requests]).toEqual([1, 1, 1]);
  });

  test("text search is case- and space-insensitive", async () => {
    const a = await web.fetch("/api/products?q=wireless&limit=10");
    const b = await web.fetch("/api/products?q=%20%20WIRELESS%20&limit=10");
    expect(a.status).toBe(200);
    expect(a.json.totalItems).toBeGreaterThan(0);
    expect(b.json).toEqual(a.json);
  });

  test("inventory down: cards without availability, page degraded", async () => {
    await mocks.fault("inventory", { mode: "status", status: 500 });
    const response = await web.fetch("/api/products?category=headphones");
    expect(response.status).toBe(200);
    expect(response.json.degraded).toEqual(["availability"]);
    expect(response.json.items[0]).not.toHaveProperty("availability");
  });

  test("page numbers are checked", async () => {
    expectError(await web.fetch("/api/products?page=0"), 400, "invalid_page");
    expectError(await web.fetch("/api/products?page=-3"), 400, "invalid_page");
    expectError(await web.fetch("/api/products?page=99999999"), 400, "invalid_page");
  });

  test("reviews come in numbered pages of full text", async () => {
    const reviews = await origin("/reviews/products/2/reviews?offset=0&limit=20");
    const response = await web.fetch("/api/products/2/reviews?page=2&limit=20");
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ page: 2, pageSize: 20, totalItems: reviews.total });
    const expected = await origin("/reviews/products/2/reviews?offset=20&limit=20");
    expect(response.json.items.map((r) => r.body)).toEqual(expected.items.map((r) => r.body));
  });
});
