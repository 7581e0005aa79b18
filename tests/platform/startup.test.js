// An isolate reads and checks its Worker's settings as it starts, before any request, and says
// so in one log line: a misconfigured deploy shows at once, every problem together.
import { afterEach, describe, expect, inject, test, vi } from "vitest";
import { frontends } from "../support/frontends.js";
import { MockControl } from "../support/mock-origins.js";
import { NO_CACHE, startWorker } from "../support/workers.js";

const mocks = new MockControl(inject("mocksUrl"));

let worker;
afterEach(async () => {
  await worker?.dispose();
  worker = undefined;
});

const startLines = (w) => w.logs().filter((line) => line.event === "isolate_start");

describe.each(frontends())("%s", (frontend) => {
  test("logs a valid configuration as the isolate starts, before its first request", async () => {
    worker = await startWorker(frontend, mocks.url);
    await vi.waitFor(() => expect(startLines(worker)).toHaveLength(1), { timeout: 5000 });
    expect(startLines(worker)[0]).toEqual({ event: "isolate_start", configuration: "valid" });
    // Nothing else has run yet: no request was made.
    expect(worker.logs().filter((line) => line.request_id)).toEqual([]);

    const response = await worker.fetch("/openapi.json");
    expect(response.status).toBe(200);
    // The settings are not read again.
    expect(startLines(worker)).toHaveLength(1);
  });

  // workerd puts every isolate it creates under memory pressure, and V8 answers by dropping the
  // wasm code it has not optimized, in every isolate of the process: a runtime shared by many
  // Workers does that all the time. The Worker's isolate stays; its code is compiled again.
  test("answers the same after isolates start beside it in its process", async () => {
    worker = await startWorker(frontend, mocks.url, { vars: NO_CACHE, neighbour: true });
    const before = await worker.fetch("/api/products/1");
    expect(before.status).toBe(200);
    await worker.startNeighbourIsolate();
    await worker.startNeighbourIsolate();
    const after = await worker.fetch("/api/products/1");
    expect(after.status).toBe(200);
    expect(after.json).toEqual(before.json);
    // The same isolate answered: its settings were not read again.
    expect(startLines(worker)).toHaveLength(1);
  });

  test("reports every configuration problem at start, and requests answer 500 misconfigured", async () => {
    worker = await startWorker(frontend, mocks.url, {
      vars: { ORIGIN_TIMEOUT_MS: "soon", CACHE_VERSION: "not a version!" },
    });
    await vi.waitFor(() => expect(startLines(worker)).toHaveLength(1), { timeout: 5000 });
    const [line] = startLines(worker);
    expect(line.configuration).toBe("invalid");
    expect(line.problems.join("\n")).toContain("ORIGIN_TIMEOUT_MS");
    expect(line.problems.join("\n")).toContain("CACHE_VERSION");

    const response = await worker.fetch("/api/products/1");
    expect(response.status).toBe(500);
    expect(response.json.error.code).toBe("misconfigured");
  });
});

describe.each(frontends((f) => f.browserApp))("%s, a browser app's Worker", (frontend) => {
  test("reports an ALLOWED_ORIGIN with an entry that is not an origin at start, and then admits none", async () => {
    worker = await startWorker(frontend, mocks.url, { vars: { ALLOWED_ORIGIN: "https://shop.test, shop.test/app" } });
    await vi.waitFor(() => expect(startLines(worker)).toHaveLength(1), { timeout: 5000 });
    const [line] = startLines(worker);
    expect(line.configuration).toBe("invalid");
    expect(line.problems).toHaveLength(1);
    expect(line.problems[0]).toContain("ALLOWED_ORIGIN");

    const write = await worker.fetch("/api/cart/items", {
      method: "POST",
      headers: { origin: "https://shop.test", "content-type": "application/json", "x-csrf": "1" },
      body: JSON.stringify({ productId: 1, quantity: 1 }),
    });
    // Refused even from the list's well-formed origin: a list with a typo admits nothing.
    expect(write.status).toBe(403);
    expect(write.json.error.code).toBe("cross_site_request");
  });
});
