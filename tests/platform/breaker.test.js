// The circuit breaker per origin, seen through the built Workers: after a few failed calls an
// origin is open and later requests stop calling it (Server-Timing says `open`, the origin's
// request count stops growing); optional parts degrade at once, required parts serve a stale copy
// or a 503; after the cool-down one trial call decides. On every frontend, with the first
// optional origin of its product page.
import { afterAll, afterEach, beforeEach, describe, expect, inject, test } from "vitest";
import { FRONTENDS, frontends } from "../support/frontends.js";
import { MockControl } from "../support/mock-origins.js";
import { NO_CACHE, startWorker } from "../support/workers.js";

const mocks = new MockControl(inject("mocksUrl"));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let bff;
beforeEach(() => mocks.reset());
afterEach(() => bff?.dispose());
// The mock origins are shared by every test file: leave no fault behind.
afterAll(() => mocks.reset());

const desc = (response, origin) =>
  new RegExp(`${origin};dur=[\\d.]+;desc="([a-z-]+)"`).exec(response.headers.get("server-timing") ?? "")?.[1];
const requests = async (service) => (await mocks.stats()).services[service]?.requests ?? 0;

describe.each(frontends())("%s", (frontend) => {
  const [optional, { part }] = Object.entries(FRONTENDS[frontend].productPage).find(([, role]) => !role.required);

  test(`a hanging optional origin (${optional}) stops being waited for once its breaker opens`, async () => {
    bff = await startWorker(frontend, mocks.url, {
      vars: { ...NO_CACHE, BREAKER_FAILURES: "3", BREAKER_COOLDOWN_MS: "600000" },
    });
    await mocks.fault(optional, { mode: "hang" });
    const outcomes = [];
    for (let i = 0; i < 8; i++) {
      const page = await bff.fetch(`/api/products/${i + 1}`);
      expect(page.status).toBe(200);
      expect(page.json.degraded).toEqual([part]);
      outcomes.push(desc(page, optional));
    }
    // Three calls waited for their timeout; the five after them failed at once.
    expect(outcomes).toEqual(["timeout", "timeout", "timeout", "open", "open", "open", "open", "open"]);
    expect(await requests(optional)).toBe(3);
    // Other origins are not affected.
    expect(await requests("catalog")).toBe(8);
  });

  test("after the cool-down one trial call decides: failure opens again, success closes", async () => {
    bff = await startWorker(frontend, mocks.url, {
      vars: { ...NO_CACHE, BREAKER_FAILURES: "2", BREAKER_COOLDOWN_MS: "1" },
    });
    await mocks.fault(optional, { mode: "status", status: 500 });
    for (let i = 0; i < 2; i++) await bff.fetch("/api/products/1");
    const callsWhenOpened = await requests(optional);
    await sleep(5);
    // The trial fails: the breaker opens again.
    const trial = await bff.fetch("/api/products/1");
    expect(desc(trial, optional)).toBe("status");
    expect(await requests(optional)).toBeGreaterThan(callsWhenOpened);
    await mocks.fault(optional, { mode: "ok" });
    await sleep(5);
    const healed = await bff.fetch("/api/products/1");
    expect(desc(healed, optional)).toBe("ok");
    expect(healed.json).not.toHaveProperty("degraded");
    // Closed: calls flow again.
    const after = await bff.fetch("/api/products/2");
    expect(desc(after, optional)).toBe("ok");
  });

  test("a required origin's open breaker: the stale copy when cached, else 503", async () => {
    // Past fresh and grace after 600 ms, within the hour of max-stale.
    bff = await startWorker(frontend, mocks.url, {
      vars: {
        BREAKER_FAILURES: "2",
        BREAKER_COOLDOWN_MS: "600000",
        CACHE_PRODUCT_FRESH_MS: "300",
        CACHE_PRODUCT_GRACE_MS: "300",
        CACHE_PRODUCT_MAX_STALE_MS: "3600000",
      },
    });
    const warm = await bff.fetch("/api/products/31");
    for (let i = 0; i < 50 && (await bff.cacheKeys()).length < 1; i++) await sleep(20);
    await sleep(700);
    await mocks.fault("catalog", { mode: "status", status: 500 });
    for (const id of [32, 33]) expect((await bff.fetch(`/api/products/${id}`)).status).toBe(502);
    const catalogCalls = await requests("catalog");
    const uncached = await bff.fetch("/api/products/34");
    expect(uncached.status).toBe(503);
    expect(uncached.json.error.code).toBe("origin_unavailable");
    expect(desc(uncached, "catalog")).toBe("open");
    const stale = await bff.fetch("/api/products/31");
    expect(stale.status).toBe(200);
    expect(stale.headers.get("x-bff-cache")).toBe("STALE");
    expect(stale.text).toBe(warm.text);
    expect(stale.headers.get("server-timing")).toMatch(/cache;dur=[\d.]+;desc="stale-if-error"/);
    expect(await requests("catalog")).toBe(catalogCalls);
  });
});
