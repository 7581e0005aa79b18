// Save-Data: on, the phone's data saver: a product screen of thumbnails without the optional
// sections, cached as its own variant, and listings with the same products in smaller images.
import { afterEach, beforeEach, describe, expect, inject, test } from "vitest";
import { MockControl } from "../support/mock-origins.js";
import { NO_CACHE, startWorker } from "../support/workers.js";

const mocks = new MockControl(inject("mocksUrl"));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** Cache windows long enough that nothing expires during a test. */
const LONG = Object.fromEntries(["FRESH_MS", "GRACE_MS", "MAX_STALE_MS"].map((window) => [`CACHE_PRODUCT_${window}`, "600000"]));

let mobile;
afterEach(async () => {
  await mobile?.dispose();
  mobile = undefined;
});
beforeEach(() => mocks.reset());

/** The cache write happens after the response (waitUntil): wait until `count` entries exist. */
async function entriesWritten(bff, count) {
  for (let i = 0; i < 100; i++) {
    if ((await bff.cacheKeys()).length >= count) return bff.cacheKeys();
    await sleep(20);
  }
  return bff.cacheKeys();
}

describe("mobile Save-Data", () => {
  test("a separate cache variant: smaller, without optional sections", async () => {
    mobile = await startWorker("mobile", mocks.url, { vars: LONG });
    const full = await mobile.fetch("/api/products/41");
    const saving = await mobile.fetch("/api/products/41", { headers: { "save-data": "on" } });
    expect(saving.headers.get("x-bff-cache")).toBe("MISS");
    expect(saving.headers.get("vary")).toBe("save-data, accept-language");
    expect((await entriesWritten(mobile, 2)).sort()).toEqual([
      "v1:mobile:product:id=41:default",
      "v1:mobile:product:id=41:save-data",
    ]);
    expect(saving.bytes).toBeLessThan(full.bytes);
    expect(saving.json.images.length).toBeLessThanOrEqual(2);
    for (const image of saving.json.images) expect(image.url).toMatch(/thumb/);
    expect(saving.json).not.toHaveProperty("related");
    expect(saving.json).not.toHaveProperty("reviews");
    expect(saving.json).not.toHaveProperty("degraded");
    const again = await mobile.fetch("/api/products/41", { headers: { "save-data": "on" } });
    expect(again.headers.get("x-bff-cache")).toBe("HIT");
    expect(again.text).toBe(saving.text);
  });

  test("smaller images in listings too", async () => {
    mobile = await startWorker("mobile", mocks.url, { vars: NO_CACHE });
    const normal = await mobile.fetch("/api/products?category=headphones&limit=10");
    const saving = await mobile.fetch("/api/products?category=headphones&limit=10", { headers: { "save-data": "on" } });
    expect(saving.json.items.map((i) => i.id)).toEqual(normal.json.items.map((i) => i.id));
    expect(saving.headers.get("vary")).toBe("save-data, accept-language");
  });
});
