// The platform's security on every frontend: each refuses every other frontend's credential and
// tokens for another audience, only a frontend with a browser app has a login endpoint and
// CORS, security headers on every response, and the rate limit per address. Each frontend's own
// credential is its team's: the bearer token matrix in tests/mobile/, the web's cookie login,
// CSRF and CORS in tests/web/.
import { afterAll, beforeAll, beforeEach, describe, expect, inject, test } from "vitest";
import { frontends, identityToken, signIn } from "../support/frontends.js";
import { MockControl } from "../support/mock-origins.js";
import { NO_CACHE, startWorker } from "../support/workers.js";

const mocks = new MockControl(inject("mocksUrl"));
const WEB_ORIGIN = "https://www.shop.test";

const workers = {};
beforeAll(async () => {
  for (const name of frontends()) workers[name] = await startWorker(name, mocks.url, { vars: { ALLOWED_ORIGIN: WEB_ORIGIN } });
});
afterAll(() => Promise.all(Object.values(workers).map((w) => w.dispose())));
beforeEach(() => mocks.reset());

/** [whose credential, which frontend is shown it]: every pair of two frontends. */
const foreignCredentials = frontends((f) => f.credential).flatMap((owner) =>
  frontends((f) => f.name !== owner).map((other) => [owner, other]),
);
/** The audiences the mock identity issues tokens for: the frontends the tests can sign in at. */
const audiences = frontends((f) => f.credential);
/** [frontend taking bearer tokens, another audience]. */
const foreignAudiences = frontends((f) => f.credential === "bearer").flatMap((frontend) =>
  audiences.filter((audience) => audience !== frontend).map((audience) => [frontend, audience]),
);

describe("isolation between frontends", () => {
  test.each(foreignCredentials)("a %s credential is refused by the %s Worker", async (owner, other) => {
    const credential = await signIn(owner, workers[owner], mocks.url, { origin: WEB_ORIGIN });
    // Signed in where it belongs…
    expect((await workers[owner].fetch("/api/me", { headers: credential })).status).toBe(200);
    // …and a stranger elsewhere.
    const response = await workers[other].fetch("/api/me", { headers: credential });
    expect(response.status).toBe(401);
  });

  test.each(foreignAudiences)("the %s Worker refuses a token for the %s audience", async (frontend, audience) => {
    const token = await identityToken(mocks.url, audience);
    const response = await workers[frontend].fetch("/api/me", { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(401);
    expect(response.json.error.code).toBe("invalid_token");
  });

  test.each(frontends((f) => !f.browserApp))("the %s Worker has no login endpoint", async (frontend) => {
    const response = await workers[frontend].fetch("/auth/login", { method: "POST" });
    expect(response.status).toBe(404);
  });
});

describe("edge hygiene", () => {
  test.each(frontends())("%s: security headers on every response", async (frontend) => {
    for (const path of ["/api/products/1", "/api/nothing", "/api/me"]) {
      const response = await workers[frontend].fetch(path);
      expect(response.headers.get("strict-transport-security")).toMatch(/max-age=\d+/);
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("x-frame-options")).toBe("DENY");
      expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
      expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    }
  });

  test.each(frontends((f) => !f.browserApp))("CORS: the %s Worker, with no browser app, allows none", async (frontend) => {
    const bff = workers[frontend];
    const preflight = await bff.fetch("/api/products/1", { method: "OPTIONS", headers: { origin: WEB_ORIGIN } });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
    const get = await bff.fetch("/api/products/1", { headers: { origin: WEB_ORIGIN } });
    expect(get.headers.get("access-control-allow-origin")).toBeNull();
  });

  test.each(frontends())("%s: rate limit: over the limit is a 429 with Retry-After", async (frontend) => {
    const limited = await startWorker(frontend, mocks.url, { vars: NO_CACHE, rateLimit: { limit: 5, period: 60 } });
    try {
      const statuses = [];
      let last;
      for (let i = 0; i < 8; i++) {
        last = await limited.fetch("/api/products/1", { headers: { "cf-connecting-ip": "203.0.113.7" } });
        statuses.push(last.status);
      }
      expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
      expect(statuses.slice(5)).toEqual([429, 429, 429]);
      expect(last.headers.get("retry-after")).toBe("60");
      expect(last.json.error.code).toBe("rate_limited");
      // Another client is not affected.
      expect((await limited.fetch("/api/products/1", { headers: { "cf-connecting-ip": "203.0.113.8" } })).status).toBe(200);
    } finally {
      await limited.dispose();
    }
  });
});
