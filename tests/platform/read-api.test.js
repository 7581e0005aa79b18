// The read endpoints' shared input checks and the internal-field scan, on every frontend that
// serves them (cache off): limits, categories, over-long queries and ids are the contract's JSON
// errors, and no body of any read endpoint carries an origin's internal field.
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

/** Bad requests of each kind of read endpoint: [path, status, code]. */
const BAD = {
  listing: [
    ["/api/products?limit=0", 400, "invalid_limit"],
    ["/api/products?limit=1000", 400, "invalid_limit"],
    ["/api/products?limit=ten", 400, "invalid_limit"],
    ["/api/products?category=no-such-category", 404, "category_not_found"],
    ["/api/products?category=bad%20slug!", 400, "invalid_category"],
    [`/api/products?q=${"x".repeat(101)}`, 400, "query_too_long"],
  ],
  reviews: [
    ["/api/products/abc/reviews", 400, "invalid_product_id"],
    ["/api/products/999999/reviews", 404, "product_not_found"],
    ["/api/products/1/reviews?limit=0", 400, "invalid_limit"],
  ],
  search: [[`/api/search?q=${"x".repeat(101)}`, 400, "query_too_long"]],
};

/** Healthy read requests of each kind, for the internal-field scan. */
const READS = {
  product: ["/api/products/1", "/api/products/4242"],
  home: ["/api/home"],
  listing: ["/api/products?category=headphones", "/api/products?q=wireless"],
  reviews: ["/api/products/1/reviews", "/api/products/77/reviews"],
  search: ["/api/search?q=wireless"],
};

/** The kinds of read endpoint `frontend` serves. */
const kinds = (frontend) => ["product", ...["home", "listing", "reviews", "search"].filter((kind) => FRONTENDS[frontend][kind])];

const badInput = frontends().flatMap((frontend) =>
  kinds(frontend).flatMap((kind) => (BAD[kind] ?? []).map((bad) => [frontend, ...bad])),
);

describe("read API bad input", () => {
  test.each(badInput)("%s %s → %i %s", async (frontend, path, status, code) => {
    const response = await workers[frontend].fetch(path);
    expect(response.status, response.text).toBe(status);
    expect(response.json.error.code).toBe(code);
  });
});

describe("no internal origin field in any read endpoint", () => {
  test.each(frontends())("%s", async (frontend) => {
    const { fields, value_patterns: patterns } = await mocks.internalFields();
    const paths = kinds(frontend).flatMap((kind) => READS[kind]);
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
