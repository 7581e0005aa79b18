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
  test("is only what the screen shows: small images, three short reviews, no specs", async () => {
    const page = await workers.mobile.fetch("/api/products/1");
    expect(page.status).toBe(200);
    const body = page.json;
    expect(Object.keys(body).sort()).toEqual(
      ["availability", "brand", "description", "id", "images", "name", "price", "rating", "related", "reviews"].concat(
        body.wasPrice ? ["wasPrice"] : [],
      ).sort(),
    );
    expect(body.images.length).toBeGreaterThan(0);
    expect(body.images.length).toBeLessThanOrEqual(4);
    for (const url of body.images) expect(url).toMatch(/small/);
    expect([...body.description].length).toBeLessThanOrEqual(280);
    expect(body.description.endsWith("…")).toBe(true);
    expect(AVAILABILITY).toContain(body.availability);

    const origin = await originReviews(1, 3);
    expect(body.rating.count).toBe(origin.total);
    expect(body.reviews).toHaveLength(Math.min(3, origin.total));
    for (const review of body.reviews) expect([...review.text].length).toBeLessThanOrEqual(160);
    expect(body.related).toHaveLength(6);
    for (const card of body.related) expect(card.image).toMatch(/thumb/);
  });

  test("is much smaller than the web page for the same product", async () => {
    for (const id of [1, 77, 4999]) {
      const [web, mobile] = await Promise.all([
        workers.web.fetch(`/api/products/${id}`),
        workers.mobile.fetch(`/api/products/${id}`),
      ]);
      expect(web.status).toBe(200);
      expect(mobile.status).toBe(200);
      expect(mobile.bytes).toBeLessThan(web.bytes * 0.4);
    }
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
