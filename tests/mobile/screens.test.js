// The phone's screens as the mobile BFF shapes them, against the real mock origins (cache off):
// the product screen (only what it shows), stock counts, the whole description on demand, the
// home screen, listings and review pages by signed cursor.
import { afterAll, beforeAll, beforeEach, describe, expect, inject, test } from "vitest";
import { MockControl } from "../support/mock-origins.js";
import { NO_CACHE, startWorker } from "../support/workers.js";

const mocks = new MockControl(inject("mocksUrl"));
const AVAILABILITY = ["in_stock", "low_stock", "out_of_stock", "backorder"];

let mobile;
beforeAll(async () => {
  mobile = await startWorker("mobile", mocks.url, { vars: NO_CACHE });
});
afterAll(() => mobile.dispose());
beforeEach(() => mocks.reset());

const origin = async (path) => (await fetch(`${mocks.url}${path}`)).json();
const categories = async () => (await origin("/catalog/categories")).items;

function expectJsonError(response, status, code) {
  expect(response.status, response.text).toBe(status);
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  expect(response.json.error.code).toBe(code);
  expect(typeof response.json.error.message).toBe("string");
  expect(response.json.error.request_id).toBe(response.headers.get("x-request-id"));
}

describe("mobile product page", () => {
  test("is only what the screen shows, and all it needs to draw it", async () => {
    const page = await mobile.fetch("/api/products/1");
    expect(page.status).toBe(200);
    const body = page.json;
    expect(Object.keys(body).sort()).toEqual(
      ["availability", "brand", "description", "descriptionCut", "id", "images", "name", "price", "rating", "related", "reviews"]
        .concat(body.wasPrice ? ["wasPrice"] : [])
        .sort(),
    );
    const catalog = await origin("/catalog/products/1");
    expect(body.images.length).toBeGreaterThan(0);
    expect(body.images.length).toBeLessThanOrEqual(4);
    body.images.forEach((image, index) => {
      const small = catalog.images[index].variants.find((v) => v.size === "small");
      expect(image).toEqual({ url: small.url, width: small.width, height: small.height, alt: catalog.images[index].alt });
      expect(image.alt.length).toBeGreaterThan(0);
    });
    expect([...body.description].length).toBeLessThanOrEqual(200);
    expect(body.description.endsWith("…")).toBe(true);
    expect(body.descriptionCut).toBe(true);
    expect(AVAILABILITY).toContain(body.availability.state);
    expect(body.availability.label).toMatch(/\S/);

    const reviews = await origin("/reviews/products/1/reviews?offset=0&limit=3");
    expect(body.rating.count).toBe(reviews.total);
    expect(body.reviews).toHaveLength(Math.min(3, reviews.total));
    body.reviews.forEach((review, index) => {
      expect([...review.text].length).toBeLessThanOrEqual(120);
      expect(review.date).toBe(reviews.items[index].created_at.slice(0, 10));
      expect(review.verified).toBe(reviews.items[index].verified_purchase);
    });
    expect(body.related).toHaveLength(4);
    for (const card of body.related) {
      expect(card.image.url).toMatch(/thumb/);
      expect(card.image).toMatchObject({ width: expect.any(Number), height: expect.any(Number), alt: card.name });
    }
  });

  test("availability says how many are left when few are, and when a sold-out product returns", async () => {
    const stocks = (await origin(`/inventory/stock?ids=${[...Array(100).keys()].map((i) => i + 1).join(",")}`)).items;
    const units = (stock) => stock.warehouses.reduce((sum, w) => sum + Math.max(0, w.on_hand - w.reserved), 0);
    const low = stocks.find((stock) => units(stock) > 0 && units(stock) <= stock.low_stock_threshold);
    const soldOut = stocks.find((stock) => units(stock) === 0 && !stock.backorderable && stock.restock_eta);
    expect(low && soldOut).toBeTruthy();
    const lowPage = (await mobile.fetch(`/api/products/${low.product_id}`)).json;
    expect(lowPage.availability).toEqual({ state: "low_stock", label: `Only ${units(low)} left`, count: units(low) });
    const outPage = (await mobile.fetch(`/api/products/${soldOut.product_id}`)).json;
    expect(outPage.availability).toEqual({ state: "out_of_stock", label: "Out of stock", restockDate: soldOut.restock_eta.slice(0, 10) });
  });

  test("the whole description, on demand", async () => {
    const catalog = await origin("/catalog/products/1");
    const response = await mobile.fetch("/api/products/1/description");
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ id: 1, name: catalog.name, description: catalog.description });
    expect(response.headers.get("etag")).toBeTruthy();
    expectJsonError(await mobile.fetch("/api/products/999999/description"), 404, "product_not_found");
    expectJsonError(await mobile.fetch("/api/products/abc/description"), 400, "invalid_product_id");
  });
});

describe("mobile home", () => {
  test("six featured thumbnails, eight category chips, six recommendations", async () => {
    const home = await mobile.fetch("/api/home");
    expect(home.status).toBe(200);
    expect(home.json.featured).toHaveLength(6);
    for (const card of home.json.featured) expect(card.image).toMatchObject({ url: expect.stringMatching(/thumb/), width: expect.any(Number), height: expect.any(Number), alt: expect.any(String) });
    expect(home.json.categories).toHaveLength(8);
    expect(Object.keys(home.json.categories[0]).sort()).toEqual(["name", "slug"]);
    expect(home.json.recommendations).toHaveLength(6);
    expect(home.json.recommendations[0].price).toMatch(/^€/);
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
      const response = await mobile.fetch(path);
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
    const first = await mobile.fetch("/api/products?category=headphones&limit=5");
    const cursor = first.json.nextCursor;
    expect(cursor).toBeTruthy();
    const flipped = cursor.slice(0, 3) + (cursor[3] === "A" ? "B" : "A") + cursor.slice(4);
    for (const bad of [flipped, "garbage", "", "A".repeat(200), `${cursor}x`]) {
      const response = await mobile.fetch(`/api/products?category=headphones&cursor=${encodeURIComponent(bad)}`);
      expect(response.status, response.text).toBe(400);
      expect(response.json.error.code).toBe("invalid_cursor");
    }
    // A genuine cursor used for another query.
    const foreign = await mobile.fetch(`/api/products?category=lamps&cursor=${encodeURIComponent(cursor)}`);
    expect(foreign.status, foreign.text).toBe(400);
    expect(foreign.json.error.code).toBe("invalid_cursor");
  });

  test("review pages by cursor, text cut to a preview", async () => {
    let cursor = null;
    const texts = [];
    do {
      const response = await mobile.fetch(`/api/products/2/reviews?limit=20${cursor ? `&cursor=${cursor}` : ""}`);
      expect(response.status).toBe(200);
      for (const review of response.json.items) expect([...review.text].length).toBeLessThanOrEqual(160);
      texts.push(...response.json.items);
      cursor = response.json.nextCursor;
    } while (cursor);
    const { total } = await origin("/reviews/products/2/reviews?limit=1");
    expect(texts).toHaveLength(total);
  });
});
