// Sparse fieldsets on the mobile BFF's read endpoints (cache off): `?fields=` keeps only the
// paths asked for, and a path the view does not have is a 400.
import { afterAll, beforeAll, beforeEach, describe, expect, inject, test } from "vitest";
import { MockControl } from "../support/mock-origins.js";
import { NO_CACHE, startWorker } from "../support/workers.js";

const mocks = new MockControl(inject("mocksUrl"));

let mobile;
beforeAll(async () => {
  mobile = await startWorker("mobile", mocks.url, { vars: NO_CACHE });
});
afterAll(() => mobile.dispose());
beforeEach(() => mocks.reset());

describe("mobile sparse fieldsets", () => {
  test("return only what was asked", async () => {
    const page = await mobile.fetch("/api/products/3?fields=id,name,price.formatted,related.id");
    expect(page.status).toBe(200);
    expect(Object.keys(page.json).sort()).toEqual(["id", "name", "price", "related"]);
    expect(Object.keys(page.json.price)).toEqual(["formatted"]);
    for (const card of page.json.related) expect(Object.keys(card)).toEqual(["id"]);
    const full = await mobile.fetch("/api/products/3");
    expect(page.bytes).toBeLessThan(full.bytes / 4);
    expect(page.headers.get("etag")).not.toBe(full.headers.get("etag"));

    const listing = await mobile.fetch("/api/products?category=headphones&fields=items.id,nextCursor");
    expect(Object.keys(listing.json).sort()).toEqual(["items", "nextCursor"]);
    for (const item of listing.json.items) expect(Object.keys(item)).toEqual(["id"]);
    const home = await mobile.fetch("/api/home?fields=categories.slug");
    expect(home.json.categories.every((c) => Object.keys(c).join() === "slug")).toBe(true);
  });

  test.each(["colour", "id,,name", "price.amount.value", "id,"])("an unknown or malformed fieldset (%s) is a 400", async (fields) => {
    const response = await mobile.fetch(`/api/products/3?fields=${encodeURIComponent(fields)}`);
    expect(response.status).toBe(400);
    expect(["unknown_field", "invalid_fields"]).toContain(response.json.error.code);
  });
});
