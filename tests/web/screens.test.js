// The desktop web app's screens as the web BFF shapes them, against the real mock origins (cache
// off): the complete product page and the home page.
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
