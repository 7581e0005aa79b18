// The read pages' shared machinery on every frontend, against the real mock origins (cache off):
// the product page's errors, request ids reaching every origin, origin calls in flight at once,
// Server-Timing, degraded optional parts and required parts failing without a trace of the
// origin; the home page's calls at once; money in the shopper's language; and the phone's page
// against the desktop's. Each frontend's page shapes are its own team's tests (tests/<frontend>/).
import { afterAll, beforeAll, beforeEach, describe, expect, inject, test } from "vitest";
import { FRONTENDS, frontends } from "../support/frontends.js";
import { MockControl } from "../support/mock-origins.js";
import { NO_CACHE, startWorker, walkJson } from "../support/workers.js";

const mocks = new MockControl(inject("mocksUrl"));

const workers = {};
beforeAll(async () => {
  for (const name of frontends()) workers[name] = await startWorker(name, mocks.url, { vars: NO_CACHE });
});
afterAll(() => Promise.all(Object.values(workers).map((w) => w.dispose())));
beforeEach(() => mocks.reset());

function expectJsonError(response, status, code) {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  expect(response.json.error.code).toBe(code);
  expect(typeof response.json.error.message).toBe("string");
  expect(response.json.error.request_id).toBe(response.headers.get("x-request-id"));
}

describe.each(frontends())("%s product page contract", (frontend) => {
  const bff = () => workers[frontend];
  const origins = Object.keys(FRONTENDS[frontend].productPage);
  const [optional, { part }] = Object.entries(FRONTENDS[frontend].productPage).find(([, role]) => !role.required);

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
    for (const name of origins) {
      expect(services[name].requests, name).toBe(1);
      expect(services[name].last_request_id, name).toBe(`trace-${frontend}-42`);
    }
  });

  test("without a request id one is generated and sent to the origins", async () => {
    const page = await bff().fetch("/api/products/2");
    const id = page.headers.get("x-request-id");
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    const { services } = await mocks.stats();
    for (const name of origins) expect(services[name].last_request_id, name).toBe(id);
    // Random, from the platform's CSPRNG: the next request's id is another.
    const next = (await bff().fetch("/api/products/3")).headers.get("x-request-id");
    expect(next).toMatch(/^[0-9a-f]{32}$/);
    expect(next).not.toBe(id);
  });

  test(`the ${origins.length} origin calls are in flight at the same time`, async () => {
    // Each origin holds its answer long enough that sequential calls could never overlap.
    for (const name of origins) await mocks.fault(name, { mode: "ok", latency_ms: 300 });
    const page = await bff().fetch("/api/products/3");
    expect(page.status).toBe(200);
    const stats = await mocks.stats();
    expect(stats.max_in_flight).toBeGreaterThanOrEqual(origins.length);
  });

  test("Server-Timing has one entry per origin call and a total", async () => {
    const page = await bff().fetch("/api/products/4");
    const timing = page.headers.get("server-timing");
    for (const name of origins) expect(timing).toMatch(new RegExp(`(^|, )${name};dur=[\\d.]+;desc="ok"`));
    expect(timing).toMatch(/total;dur=[\d.]+$/);
  });

  test(`a failed optional part (${optional}) degrades the page instead of failing it`, async () => {
    await mocks.fault(optional, { mode: "status", status: 503 });
    const page = await bff().fetch("/api/products/5");
    expect(page.status).toBe(200);
    expect(page.json.degraded).toEqual([part]);
    expect(page.json).not.toHaveProperty(part);
    expect(page.headers.get("server-timing")).toMatch(new RegExp(`${optional};dur=[\\d.]+;desc="status"`));
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

describe.each(frontends((f) => f.home))("%s home", (frontend) => {
  test("the three origin calls run at once", async () => {
    // Featured products and categories from the catalog, recommendations: three calls.
    await mocks.fault("*", { mode: "ok", latency_ms: 300 });
    expect((await workers[frontend].fetch("/api/home")).status).toBe(200);
    expect((await mocks.stats()).max_in_flight).toBe(3);
  });
});

describe.each(frontends((f) => f.price))("%s money in the shopper's language", (frontend) => {
  test.each([
    ["en-GB,en;q=0.9", /^€\d{1,3}(,\d{3})*\.\d{2}$/],
    ["de-DE,de;q=0.9,en;q=0.5", /^\d{1,3}(\.\d{3})*,\d{2}\u00a0€$/],
    ["fr-FR", /^\d{1,3}(\u202f\d{3})*,\d{2}\u00a0€$/],
    ["nl", /^€\u00a0\d{1,3}(\.\d{3})*,\d{2}$/],
    ["ja, *;q=0.1", /^€\d{1,3}(,\d{3})*\.\d{2}$/],
  ])("Accept-Language %s", async (language, pattern) => {
    const page = await workers[frontend].fetch("/api/products/1", { headers: { "accept-language": language } });
    expect(page.status).toBe(200);
    const price = FRONTENDS[frontend].price(page.json);
    expect(price.formatted).toMatch(pattern);
    expect(price.amount).toBe("94.99");
    expect(page.headers.get("vary")).toMatch(/accept-language/i);
  });
});

// Two Workers at once, so neither team's folder (each runs with only its own Worker built).
describe("profiles side by side", () => {
  test("the mobile page is at most a quarter of the web page: product 1, and the median product", async () => {
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
});
