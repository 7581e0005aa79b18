// GET /api/products/{id} on both Workers, against the real mock origins.
import { afterAll, beforeAll, beforeEach, describe, expect, inject, test } from "vitest";
import { MockControl } from "./support/mock-origins.js";
import { NO_CACHE, startWorker, walkJson } from "./support/workers.js";

const mocks = new MockControl(inject("mocksUrl"));
const PAGE_ORIGINS = ["catalog", "pricing", "inventory", "reviews", "recommendations"];
const AVAILABILITY = ["in_stock", "low_stock", "out_of_stock", "backorder"];

const workers = {};
beforeAll(async () => {
  workers.web = await startWorker("web", mocks.url, { vars: NO_CACHE });
  workers.mobile = await startWorker("mobile", mocks.url, { vars: NO_CACHE });
});
afterAll(async () => {
  await Promise.all(Object.values(workers).map((w) => w.dispose()));
});
beforeEach(() => mocks.reset());

function expectJsonError(response, status, code) {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  expect(response.json.error.code).toBe(code);
  expect(typeof response.json.error.message).toBe("string");
  expect(response.json.error.request_id).toBe(response.headers.get("x-request-id"));
}

async function originReviews(id, limit) {
  const response = await fetch(`${mocks.url}/reviews/products/${id}/reviews?offset=0&limit=${limit}`);
  return response.json();
}

describe("web product page", () => {
  test("is the complete page: full description, large gallery, specs, ten full reviews", async () => {
    const page = await workers.web.fetch("/api/products/1");
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

    const origin = await originReviews(1, 10);
    expect(body.reviews.count).toBe(origin.total);
    expect(body.reviews.items).toHaveLength(Math.min(10, origin.total));
    expect(body.reviews.items.map((r) => r.body)).toEqual(origin.items.map((r) => r.body));
    expect(body.related).toHaveLength(12);
    expect(body.related.every((card) => card.id !== 1 && /medium/.test(card.image.url))).toBe(true);
    expect(body).not.toHaveProperty("degraded");
  });
});

describe("mobile product page", () => {
  test("is only what the screen shows, and all it needs to draw it", async () => {
    const page = await workers.mobile.fetch("/api/products/1");
    expect(page.status).toBe(200);
    const body = page.json;
    expect(Object.keys(body).sort()).toEqual(
      ["availability", "brand", "description", "descriptionCut", "id", "images", "name", "price", "rating", "related", "reviews"]
        .concat(body.wasPrice ? ["wasPrice"] : [])
        .sort(),
    );
    const catalog = await (await fetch(`${mocks.url}/catalog/products/1`)).json();
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

    const origin = await originReviews(1, 3);
    expect(body.rating.count).toBe(origin.total);
    expect(body.reviews).toHaveLength(Math.min(3, origin.total));
    body.reviews.forEach((review, index) => {
      expect([...review.text].length).toBeLessThanOrEqual(120);
      expect(review.date).toBe(origin.items[index].created_at.slice(0, 10));
      expect(review.verified).toBe(origin.items[index].verified_purchase);
    });
    expect(body.related).toHaveLength(4);
    for (const card of body.related) {
      expect(card.image.url).toMatch(/thumb/);
      expect(card.image).toMatchObject({ width: expect.any(Number), height: expect.any(Number), alt: card.name });
    }
  });

  test("is at most a quarter of the web page: product 1, and the median product", async () => {
    const ratios = [];
    for (let id = 1; id <= 5000; id += 250) {
      const [web, mobile] = await Promise.all([
        workers.web.fetch(`/api/products/${id}`),
        workers.mobile.fetch(`/api/products/${id}`),
      ]);
      expect(web.status).toBe(200);
      expect(mobile.status).toBe(200);
      ratios.push(mobile.bytes / web.bytes);
      // A product with few reviews has a small web page; the phone's screen is still its own.
      expect(mobile.bytes, `product ${id}`).toBeLessThan(web.bytes * 0.4);
    }
    expect(ratios[0]).toBeLessThanOrEqual(0.25);
    ratios.sort((a, b) => a - b);
    expect(ratios[Math.floor(ratios.length / 2)]).toBeLessThanOrEqual(0.25);
  });

  test("availability says how many are left when few are, and when a sold-out product returns", async () => {
    const stocks = (await (await fetch(`${mocks.url}/inventory/stock?ids=${[...Array(100).keys()].map((i) => i + 1).join(",")}`)).json()).items;
    const units = (stock) => stock.warehouses.reduce((sum, w) => sum + Math.max(0, w.on_hand - w.reserved), 0);
    const low = stocks.find((stock) => units(stock) > 0 && units(stock) <= stock.low_stock_threshold);
    const soldOut = stocks.find((stock) => units(stock) === 0 && !stock.backorderable && stock.restock_eta);
    expect(low && soldOut).toBeTruthy();
    const lowPage = (await workers.mobile.fetch(`/api/products/${low.product_id}`)).json;
    expect(lowPage.availability).toEqual({ state: "low_stock", label: `Only ${units(low)} left`, count: units(low) });
    const outPage = (await workers.mobile.fetch(`/api/products/${soldOut.product_id}`)).json;
    expect(outPage.availability).toEqual({ state: "out_of_stock", label: "Out of stock", restockDate: soldOut.restock_eta.slice(0, 10) });
  });

  test("the whole description, on demand", async () => {
    const catalog = await (await fetch(`${mocks.url}/catalog/products/1`)).json();
    const response = await workers.mobile.fetch("/api/products/1/description");
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ id: 1, name: catalog.name, description: catalog.description });
    expect(response.headers.get("etag")).toBeTruthy();
    expectJsonError(await workers.mobile.fetch("/api/products/999999/description"), 404, "product_not_found");
    expectJsonError(await workers.mobile.fetch("/api/products/abc/description"), 400, "invalid_product_id");
  });
});

describe.each(["web", "mobile"])("%s money in the shopper's language", (frontend) => {
  test.each([
    ["en-GB,en;q=0.9", /^€\d{1,3}(,\d{3})*\.\d{2}$/],
    ["de-DE,de;q=0.9,en;q=0.5", /^\d{1,3}(\.\d{3})*,\d{2}\u00a0€$/],
    ["fr-FR", /^\d{1,3}(\u202f\d{3})*,\d{2}\u00a0€$/],
    ["nl", /^€\u00a0\d{1,3}(\.\d{3})*,\d{2}$/],
    ["ja, *;q=0.1", /^€\d{1,3}(,\d{3})*\.\d{2}$/],
  ])("Accept-Language %s", async (language, pattern) => {
    const page = await workers[frontend].fetch("/api/products/1", { headers: { "accept-language": language } });
    expect(page.status).toBe(200);
    const price = frontend === "web" ? page.json.price.current : page.json.price;
    expect(price.formatted).toMatch(pattern);
    expect(price.amount).toBe("94.99");
    expect(page.headers.get("vary")).toMatch(/accept-language/i);
  });
});

describe.each(["web", "mobile"])("%s product page contract", (frontend) => {
  const bff = () => workers[frontend];

  test("unknown product is a JSON 404", async () => {
    expectJsonError(await bff().fetch("/api/products/999999"), 404, "product_not_found");
  });

  test.each(["abc", "0", "-1", "1.5", "1e3", "%20", "99999999999"])("malformed id %s is a JSON 400", async (id) => {
    expectJsonError(await bff().fetch(`/api/products/${id}`), 400, "invalid_product_id");
  });

  test("unknown route is a JSON 404 and a wrong method a JSON 405", async () => {
    expectJsonError(await bff().fetch("/api/nothing-here"), 404, "route_not_found");
    expectJsonError(await bff().fetch("/api/products/1", { method: "DELETE" }), 405, "method_not_allowed");
  });

  test("no internal origin field or value reaches the client", async () => {
    const { fields, value_patterns: patterns } = await mocks.internalFields();
    expect(fields.length).toBeGreaterThan(5);
    for (const id of [1, 2, 3, 500, 4242]) {
      const page = await bff().fetch(`/api/products/${id}`);
      expect(page.status).toBe(200);
      for (const item of walkJson(page.json)) {
        if (item.kind === "key") expect(fields, item.path).not.toContain(item.value);
        else for (const pattern of patterns) expect(item.value, item.path).not.toContain(pattern);
      }
    }
  });

  test("the caller's request id is returned and reaches every origin", async () => {
    const page = await bff().fetch("/api/products/2", { headers: { "x-request-id": `trace-${frontend}-42` } });
    expect(page.status).toBe(200);
    expect(page.headers.get("x-request-id")).toBe(`trace-${frontend}-42`);
    const { services } = await mocks.stats();
    for (const name of PAGE_ORIGINS) {
      expect(services[name].requests, name).toBe(1);
      expect(services[name].last_request_id, name).toBe(`trace-${frontend}-42`);
    }
  });

  test("without a request id one is generated and sent to the origins", async () => {
    const page = await bff().fetch("/api/products/2");
    const id = page.headers.get("x-request-id");
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    const { services } = await mocks.stats();
    for (const name of PAGE_ORIGINS) expect(services[name].last_request_id, name).toBe(id);
  });

  test("the five origin calls are in flight at the same time", async () => {
    // Each origin holds its answer long enough that sequential calls could never overlap.
    for (const name of PAGE_ORIGINS) await mocks.fault(name, { mode: "ok", latency_ms: 300 });
    const page = await bff().fetch("/api/products/3");
    expect(page.status).toBe(200);
    const stats = await mocks.stats();
    expect(stats.max_in_flight).toBeGreaterThanOrEqual(5);
  });

  test("Server-Timing has one entry per origin call and a total", async () => {
    const page = await bff().fetch("/api/products/4");
    const timing = page.headers.get("server-timing");
    for (const name of PAGE_ORIGINS) expect(timing).toMatch(new RegExp(`(^|, )${name};dur=[\\d.]+;desc="ok"`));
    expect(timing).toMatch(/total;dur=[\d.]+$/);
  });

  test("a failed optional part degrades the page instead of failing it", async () => {
    await mocks.fault("reviews", { mode: "status", status: 503 });
    const page = await bff().fetch("/api/products/5");
    expect(page.status).toBe(200);
    expect(page.json.degraded).toEqual(["reviews"]);
    expect(page.json).not.toHaveProperty("reviews");
    expect(page.headers.get("server-timing")).toMatch(/reviews;dur=[\d.]+;desc="status"/);
  });

  test.each([
    [{ mode: "status", status: 500 }, 502, "origin_bad_response"],
    [{ mode: "status", status: 503 }, 503, "origin_unavailable"],
    [{ mode: "garbage" }, 502, "origin_bad_response"],
    [{ mode: "reset" }, 503, "origin_unavailable"],
  ])("a failed required part (%j) is a JSON error that reveals nothing of the origin", async (fault, status, code) => {
    await mocks.fault("catalog", fault);
    const page = await bff().fetch("/api/products/6");
    expectJsonError(page, status, code);
    for (const secret of ["db-7.internal", "127.0.0.1", mocks.url, "injected", "oops"]) {
      expect(page.text).not.toContain(secret);
    }
  });
});
