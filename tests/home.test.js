// GET /api/home on both Workers: featured products, categories, recommendations.
import { afterAll, beforeAll, beforeEach, describe, expect, inject, test } from "vitest";
import { MockControl } from "./support/mock-origins.js";
import { NO_CACHE, startWorker } from "./support/workers.js";

const mocks = new MockControl(inject("mocksUrl"));
const workers = {};
beforeAll(async () => {
  workers.web = await startWorker("web", mocks.url, { vars: NO_CACHE });
  workers.mobile = await startWorker("mobile", mocks.url, { vars: NO_CACHE });
});
afterAll(() => Promise.all(Object.values(workers).map((w) => w.dispose())));
beforeEach(() => mocks.reset());

describe("home", () => {
  test("web: twelve featured cards, every category with its size, twelve recommendations", async () => {
    const home = await workers.web.fetch("/api/home");
    expect(home.status).toBe(200);
    expect(home.json.featured).toHaveLength(12);
    for (const card of home.json.featured) {
      expect(card).toMatchObject({ id: expect.any(Number), name: expect.any(String), slug: expect.any(String) });
      expect(card.image.url).toMatch(/medium/);
    }
    const categories = await (await fetch(`${mocks.url}/catalog/categories`)).json();
    expect(home.json.categories).toHaveLength(categories.items.length);
    expect(home.json.categories[0]).toEqual({
      slug: categories.items[0].slug,
      name: categories.items[0].name,
      productCount: categories.items[0].product_count,
    });
    expect(home.json.recommendations).toHaveLength(12);
    expect(home.json.recommendations[0].price.formatted).toMatch(/^€/);
    expect(home.headers.get("server-timing")).toMatch(/catalog;.*recommendations;|recommendations;.*catalog;/);
  });

  test("mobile: six featured thumbnails, eight category chips, six recommendations", async () => {
    const home = await workers.mobile.fetch("/api/home");
    expect(home.status).toBe(200);
    expect(home.json.featured).toHaveLength(6);
    for (const card of home.json.featured) expect(card.image).toMatchObject({ url: expect.stringMatching(/thumb/), width: expect.any(Number), height: expect.any(Number), alt: expect.any(String) });
    expect(home.json.categories).toHaveLength(8);
    expect(Object.keys(home.json.categories[0]).sort()).toEqual(["name", "slug"]);
    expect(home.json.recommendations).toHaveLength(6);
    expect(home.json.recommendations[0].price).toMatch(/^€/);
  });

  test("the three origin calls run at once", async () => {
    await mocks.fault("*", { mode: "ok", latency_ms: 300 });
    for (const frontend of ["web", "mobile"]) {
      await mocks.reset();
      await mocks.fault("*", { mode: "ok", latency_ms: 300 });
      expect((await workers[frontend].fetch("/api/home")).status).toBe(200);
      expect((await mocks.stats()).max_in_flight).toBe(3);
    }
  });
});
