// Every origin failure mode ends in the best answer the client can still get, on every
// frontend: the fault matrix over the origins of its pages, then retries, the retry budget,
// hedging, and the per-invocation limits.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, test } from "vitest";
import { FRONTENDS, frontends } from "../support/frontends.js";
import { MockControl } from "../support/mock-origins.js";
import { NO_CACHE, startWorker } from "../support/workers.js";

const mocks = new MockControl(inject("mocksUrl"));

const TIMEOUT_MS = 300;
const DEADLINE_MS = 1000;
// Generous: the assertion is that a hung origin cannot hold the response, not how fast it is.
const SLACK_MS = 1500;

/** Settings for the matrix: short timeouts, deterministic retries, no hedging. */
const MATRIX_VARS = {
  ...NO_CACHE,
  ORIGIN_TIMEOUT_MS: String(TIMEOUT_MS),
  ORIGIN_REVIEWS_TIMEOUT_MS: null,
  ORIGIN_RECOMMENDATIONS_TIMEOUT_MS: null,
  ORIGIN_PRICING_HEDGE_MS: null,
  ORIGIN_INVENTORY_HEDGE_MS: null,
  REQUEST_DEADLINE_MS: String(DEADLINE_MS),
  ORIGIN_MAX_RETRIES: "1",
  // The matrix observes each failure of single calls in one isolate; the circuit breaker that
  // would open over them has its own tests (platform/breaker.test.js).
  BREAKER_FAILURES: "0",
  ORIGIN_RETRY_BACKOFF_MS: "5",
  ORIGIN_RETRY_BUDGET_FLOOR: "1000",
};

/** Which origins each page of `frontend` calls (tests/support/frontends.js); `part` is the name in `degraded` for an optional origin. */
const pages = (frontend) => {
  const { productPage, home } = FRONTENDS[frontend];
  return { "/api/products/7": productPage, ...(home && { "/api/home": home }) };
};

/** Fault → what a required origin's failure becomes, and the Server-Timing outcome. */
const FAULTS = [
  { name: "ok", fault: { mode: "ok" }, timing: "ok" },
  { name: "status 500", fault: { mode: "status", status: 500 }, status: 502, code: "origin_bad_response", timing: "status" },
  { name: "status 503", fault: { mode: "status", status: 503 }, status: 503, code: "origin_unavailable", timing: "status" },
  { name: "hang", fault: { mode: "hang" }, status: 504, code: "origin_timeout", timing: "timeout" },
  { name: "garbage", fault: { mode: "garbage" }, status: 502, code: "origin_bad_response", timing: "bad-body" },
  { name: "reset", fault: { mode: "reset" }, status: 503, code: "origin_unavailable", timing: "unreachable" },
  { name: "latency over timeout", fault: { mode: "ok", latency_ms: TIMEOUT_MS * 2 }, status: 504, code: "origin_timeout", timing: "timeout" },
];

const CASES = frontends().flatMap((frontend) =>
  Object.entries(pages(frontend)).flatMap(([path, origins]) =>
    Object.entries(origins).flatMap(([origin, role]) => FAULTS.map((fault) => ({ frontend, path, origin, role, ...fault }))),
  ),
);

function timingOutcomes(response, origin) {
  const header = response.headers.get("server-timing") ?? "";
  return [...header.matchAll(/([\w-]+);dur=[\d.]+;desc="([\w-]+)"/g)].filter(([, name]) => name === origin).map(([, , desc]) => desc);
}

async function leakedSecrets(response) {
  const text = response.text + JSON.stringify([...response.headers]);
  return [mocks.url, "127.0.0.1", "db-7.internal", "injected", "<html", "oops", "/catalog/", "/reviews/products"].filter((s) =>
    text.includes(s),
  );
}

/** Waits (bounded) until the mocks hold no request open: every abandoned call was aborted. */
async function expectNothingInFlight() {
  for (let i = 0; i < 40; i++) {
    if ((await mocks.stats()).in_flight === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect((await mocks.stats()).in_flight, "requests the Worker left open at the origins").toBe(0);
}

describe("fault matrix", () => {
  const workers = {};
  beforeAll(async () => {
    for (const name of frontends()) workers[name] = await startWorker(name, mocks.url, { vars: MATRIX_VARS });
  });
  afterAll(() => Promise.all(Object.values(workers).map((w) => w.dispose())));
  beforeEach(() => mocks.reset());

  test(`covers ${CASES.length} cases`, () => {
    const count = (frontend) => CASES.filter((c) => c.frontend === frontend).length;
    // web and mobile: (5 product-page origins + 2 home origins) × 7 faults each.
    expect(count("web") + count("mobile")).toBe(98);
    // voice: 4 product-page origins (no related products) × 7 faults, and no home page.
    expect(count("voice")).toBe(28);
  });

  test.each(CASES)("$frontend $path with $origin $name", async ({ frontend, path, origin, role, fault, status, code, timing }) => {
    await mocks.fault(origin, fault);
    const started = performance.now();
    const response = await workers[frontend].fetch(path);
    const elapsed = performance.now() - started;

    expect(elapsed).toBeLessThan(DEADLINE_MS + SLACK_MS);
    expect(await leakedSecrets(response)).toEqual([]);
    expect(response.headers.get("x-request-id")).toBeTruthy();
    // The faulted call reports its failure; a sibling call to the same origin may have been
    // cancelled because the page had already failed.
    const outcomes = timingOutcomes(response, origin);
    expect(outcomes).toContain(timing);
    for (const outcome of outcomes) expect([timing, "cancelled"]).toContain(outcome);

    if (timing === "ok") {
      expect(response.status).toBe(200);
      expect(response.json).not.toHaveProperty("degraded");
    } else if (role.required) {
      expect(response.status).toBe(status);
      expect(response.json.error.code).toBe(code);
      expect(response.json.error.request_id).toBe(response.headers.get("x-request-id"));
    } else {
      expect(response.status).toBe(200);
      expect(response.json.degraded).toEqual([role.part]);
      expect(response.json).not.toHaveProperty(role.part);
    }
    if (fault.mode === "hang") await expectNothingInFlight();
  });
});

describe.each(frontends())("%s retries, budget, hedging and limits", (frontend) => {
  const optionals = Object.entries(FRONTENDS[frontend].productPage).filter(([, role]) => !role.required);
  let worker;
  afterEach(async () => {
    await worker?.dispose();
    worker = undefined;
  });
  beforeEach(() => mocks.reset());

  test("a flaky origin is retried once: first 503, then 200", async () => {
    worker = await startWorker(frontend, mocks.url, { vars: MATRIX_VARS });
    await mocks.fault("pricing", { mode: "status", status: 503, count: 1 });
    const response = await worker.fetch("/api/products/8");
    expect(response.status).toBe(200);
    expect((await mocks.stats()).services.pricing.requests).toBe(2);
    expect(timingOutcomes(response, "pricing")).toEqual(["retried"]);
  });

  test("timeouts and bad bodies are not retried", async () => {
    worker = await startWorker(frontend, mocks.url, { vars: MATRIX_VARS });
    // A bad body from one optional origin, a hang from the next: in one page when the page has
    // two optional origins, else one page each.
    const faults = [["garbage", optionals[0][0]], ["hang", (optionals[1] ?? optionals[0])[0]]];
    for (const round of optionals.length > 1 ? [faults] : faults.map((fault) => [fault])) {
      await mocks.reset();
      for (const [mode, origin] of round) await mocks.fault(origin, { mode });
      const response = await worker.fetch("/api/products/8");
      expect(response.status).toBe(200);
      const { services } = await mocks.stats();
      for (const [mode, origin] of round) expect(services[origin].requests, `${origin} ${mode}`).toBe(1);
    }
  });

  test("a failed required part answers at once, abandoning the slow optional ones", async () => {
    worker = await startWorker(frontend, mocks.url, { vars: MATRIX_VARS });
    const [[optional]] = optionals;
    await mocks.fault(optional, { mode: "hang" });
    await mocks.fault("catalog", { mode: "status", status: 404 });
    const response = await worker.fetch("/api/products/12");
    expect(response.status).toBe(404);
    expect(response.json.error.code).toBe("product_not_found");
    // Had the page waited for the optional call, it would have timed out instead.
    expect(timingOutcomes(response, optional)).toEqual(["cancelled"]);
    await expectNothingInFlight();
  });

  test("the retry budget keeps a failing origin from being hammered", async () => {
    // Floor of 2 retries plus 10% of calls: over 20 calls, at most 4 retries, where
    // unbudgeted retries would double the load to 40.
    worker = await startWorker(frontend, mocks.url, {
      vars: { ...MATRIX_VARS, ORIGIN_RETRY_BUDGET_FLOOR: "2", ORIGIN_RETRY_BUDGET_PERCENT: "10" },
    });
    await mocks.fault("catalog", { mode: "status", status: 500 });
    for (let i = 0; i < 20; i++) expect((await worker.fetch(`/api/products/${i + 1}`)).status).toBe(502);
    const catalogRequests = (await mocks.stats()).services.catalog.requests;
    expect(catalogRequests).toBeGreaterThan(20);
    expect(catalogRequests).toBeLessThanOrEqual(24);
  });

  test("a slow latency-critical call is hedged and the first answer wins", async () => {
    worker = await startWorker(frontend, mocks.url, {
      vars: { ...MATRIX_VARS, ORIGIN_TIMEOUT_MS: "3000", REQUEST_DEADLINE_MS: "5000", ORIGIN_PRICING_HEDGE_MS: "100" },
    });
    // Only the first pricing request is slow; the hedge answers at once.
    await mocks.fault("pricing", { mode: "ok", latency_ms: 2000, count: 1 });
    const response = await worker.fetch("/api/products/9");
    expect(response.status).toBe(200);
    expect((await mocks.stats()).services.pricing.requests).toBe(2);
    expect(timingOutcomes(response, "pricing")).toEqual(["hedged"]);
    // The slow loser was aborted, not left running.
    await expectNothingInFlight();
  });

  test("over the subrequest limit, later calls are skipped, not sent", async () => {
    worker = await startWorker(frontend, mocks.url, { vars: { ...MATRIX_VARS, SUBREQUEST_LIMIT: "3" } });
    const response = await worker.fetch("/api/products/10");
    expect(response.status).toBe(200);
    // The three required calls go first; every optional part is skipped.
    expect(response.json.degraded).toEqual(optionals.map(([, role]) => role.part));
    expect(timingOutcomes(response, optionals[0][0])).toEqual(["skipped"]);
    const { services } = await mocks.stats();
    expect([services.catalog, services.pricing, services.inventory].map((s) => s.requests)).toEqual([1, 1, 1]);
    expect(optionals.reduce((sum, [origin]) => sum + services[origin].requests, 0)).toBe(0);
  });

  test("beyond the connection limit, calls queue instead of failing", async () => {
    worker = await startWorker(frontend, mocks.url, { vars: { ...MATRIX_VARS, ORIGIN_MAX_CONNECTIONS: "2" } });
    await mocks.fault("*", { mode: "ok", latency_ms: 100 });
    const response = await worker.fetch("/api/products/11");
    expect(response.status).toBe(200);
    expect(response.json).not.toHaveProperty("degraded");
    expect((await mocks.stats()).max_in_flight).toBe(2);
  });
});
