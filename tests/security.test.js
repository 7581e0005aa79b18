// Per-frontend security: the mobile token matrix and key rotation, the web's BFF-held session,
// CSRF, isolation between frontends, idempotent writes counted at the origins, personal data
// kept out of KV, CORS and security headers, and rate limiting.
import { afterAll, beforeAll, beforeEach, describe, expect, inject, test } from "vitest";
import { MockControl } from "./support/mock-origins.js";
import { NO_CACHE, startWorker } from "./support/workers.js";

const mocks = new MockControl(inject("mocksUrl"));
const WEB_ORIGIN = "https://www.shop.test";

const workers = {};
beforeAll(async () => {
  workers.web = await startWorker("web", mocks.url, { vars: { ALLOWED_ORIGIN: WEB_ORIGIN } });
  workers.mobile = await startWorker("mobile", mocks.url);
});
afterAll(() => Promise.all(Object.values(workers).map((w) => w.dispose())));
beforeEach(() => mocks.reset());

const b64url = (value) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");
const decode = (token) => JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString());

async function identityToken(audience, username = "demo", password = "demo-password") {
  const response = await fetch(`${mocks.url}/identity/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password, audience }),
  });
  return (await response.json()).access_token;
}

async function mint(claims, kid) {
  const response = await fetch(`${mocks.url}/__control/identity/mint`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ claims, kid }),
  });
  return (await response.json()).token;
}

const bearer = (token) => ({ authorization: `Bearer ${token}` });

/** Signs in at the web BFF; returns the session cookie pair ("name=value"). */
async function webLogin(username = "demo", password = "demo-password") {
  const response = await workers.web.fetch("/auth/login", {
    method: "POST",
    headers: { "content-type": "application/json", origin: WEB_ORIGIN, "x-csrf": "1" },
    body: JSON.stringify({ username, password }),
  });
  expect(response.status, response.text).toBe(200);
  return { cookie: response.headers.get("set-cookie").split(";")[0], response };
}

const webWrite = (cookie, extra = {}) => ({ cookie, origin: WEB_ORIGIN, "content-type": "application/json", "x-csrf": "1", ...extra });
/** A signed-in browser read: the cookie and the CSRF header. */
const webRead = (cookie) => ({ cookie, "x-csrf": "1" });

describe("mobile token matrix", () => {
  let claims;
  beforeAll(async () => {
    claims = decode(await identityToken("mobile"));
  });
  const now = () => Math.floor(Date.now() / 1000);

  test("a valid token opens /api/me", async () => {
    const me = await workers.mobile.fetch("/api/me", { headers: bearer(await identityToken("mobile")) });
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({ name: "Demo Shopper", username: "demo" });
    expect(me.json).not.toHaveProperty("risk_score");
    expect(me.headers.get("cache-control")).toBe("private, no-store");
  });

  const cases = [
    ["no token", async () => null, "unauthenticated"],
    ["expired", async () => mint({ ...claims, iat: now() - 3600, nbf: now() - 3600, exp: now() - 600 }), "token_expired"],
    ["not yet valid", async () => mint({ ...claims, nbf: now() + 600, exp: now() + 1200 }), "invalid_token"],
    ["wrong audience (web)", async () => identityToken("web"), "invalid_token"],
    ["wrong issuer", async () => mint({ ...claims, iss: "https://evil.example/identity" }), "invalid_token"],
    ["bad signature (claims changed after signing)", async () => {
      const token = await identityToken("mobile");
      const [header, , signature] = token.split(".");
      return `${header}.${b64url({ ...decode(token), sub: "usr-2" })}.${signature}`;
    }, "invalid_token"],
    ["alg none", async () => `${b64url({ alg: "none", typ: "JWT", kid: "mock-key-1" })}.${b64url(claims)}.`, "invalid_token"],
    ["HS256 with the public key as secret", async () => {
      const { createHmac } = await import("node:crypto");
      const jwks = await (await fetch(`${mocks.url}/identity/.well-known/jwks.json`)).json();
      const input = `${b64url({ alg: "HS256", typ: "JWT", kid: "mock-key-1" })}.${b64url(claims)}`;
      const signature = createHmac("sha256", JSON.stringify(jwks.keys[0])).update(input).digest("base64url");
      return `${input}.${signature}`;
    }, "invalid_token"],
    ["unknown kid", async () => mint(claims, "no-such-key"), "invalid_token"],
    ["garbage", async () => "not-a-jwt", "invalid_token"],
  ];

  test.each(cases)("%s → 401", async (_, make, code) => {
    const token = await make();
    const response = await workers.mobile.fetch("/api/me", { headers: token ? bearer(token) : {} });
    expect(response.status).toBe(401);
    expect(response.json.error.code).toBe(code);
    expect((await mocks.stats()).services.users.requests).toBe(0);
  });

  test("key rotation: a token from the new key is accepted once the keys are refreshed", async () => {
    // A fresh isolate: an unknown kid may force a key refresh only once in a while.
    const mobile = await startWorker("mobile", mocks.url);
    try {
      const before = await identityToken("mobile");
      expect((await mobile.fetch("/api/me", { headers: bearer(before) })).status).toBe(200);
      await fetch(`${mocks.url}/__control/identity/rotate`, { method: "POST" });
      const after = await identityToken("mobile");
      expect(JSON.parse(Buffer.from(after.split(".")[0], "base64url")).kid).toBe("mock-key-2");
      // The Worker's cached keys lack mock-key-2: the unknown kid triggers one refresh.
      expect((await mobile.fetch("/api/me", { headers: bearer(after) })).status).toBe(200);
      // Identity saw two token requests (ours) and two key fetches (the first use, the refresh).
      expect((await mocks.stats()).services.identity.requests).toBe(4);
      // During the rotation both keys are published: the old token still works.
      expect((await mobile.fetch("/api/me", { headers: bearer(before) })).status).toBe(200);
    } finally {
      await mobile.dispose();
    }
  });
});

describe("web session", () => {
  test("login sets a host-only, HttpOnly, Secure, SameSite=Strict cookie holding only a session id", async () => {
    const { cookie, response } = await webLogin();
    const setCookie = response.headers.get("set-cookie");
    for (const flag of ["HttpOnly", "Secure", "SameSite=Strict", "Path=/"]) expect(setCookie).toContain(flag);
    expect(setCookie).not.toContain("Domain");
    const [name, id] = cookie.split("=");
    expect(name).toBe("__Host-bff_session");
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // No token in the body or the cookie (a JWT is three base64url parts joined by dots).
    const jwt = /eyJ[\w-]*\.[\w-]+\.[\w-]*/;
    expect(response.text).not.toMatch(jwt);
    expect(setCookie).not.toMatch(jwt);
    const me = await workers.web.fetch("/api/me", { headers: webRead(cookie) });
    expect(me.status).toBe(200);
    expect(me.json.username).toBe("demo");
  });

  test("wrong credentials are a 401, malformed ones a 400/415/422", async () => {
    const post = (body, type = "application/json") =>
      workers.web.fetch("/auth/login", { method: "POST", headers: { "content-type": type, origin: WEB_ORIGIN, "x-csrf": "1" }, body });
    expect((await post(JSON.stringify({ username: "demo", password: "nope" }))).json.error.code).toBe("invalid_credentials");
    expect((await post("{")).status).toBe(400);
    expect((await post(JSON.stringify({ username: "demo" }))).status).toBe(422);
    expect((await post("username=demo", "application/x-www-form-urlencoded")).status).toBe(415);
  });

  test("logout forgets the session", async () => {
    const { cookie } = await webLogin();
    const out = await workers.web.fetch("/auth/logout", { method: "POST", headers: webWrite(cookie) });
    expect(out.status).toBe(200);
    expect(out.headers.get("set-cookie")).toMatch(/Max-Age=0/);
    expect((await workers.web.fetch("/api/me", { headers: webRead(cookie) })).status).toBe(401);
  });

  test("a forged or unknown session id is a 401", async () => {
    for (const cookie of ["__Host-bff_session=" + "A".repeat(43), "__Host-bff_session=short", "other=1"]) {
      expect((await workers.web.fetch("/api/me", { headers: webRead(cookie) })).status).toBe(401);
    }
  });

  test("CSRF: writes from another origin, or with no origin at all, are refused", async () => {
    const { cookie } = await webLogin();
    const body = JSON.stringify({ productId: 1, quantity: 1 });
    for (const origin of ["https://evil.example", "null", undefined]) {
      const headers = { cookie, "content-type": "application/json", "x-csrf": "1", ...(origin ? { origin } : {}) };
      const response = await workers.web.fetch("/api/cart/items", { method: "POST", headers, body });
      expect(response.status).toBe(403);
      expect(response.json.error.code).toBe("cross_site_request");
    }
    expect((await mocks.stats()).services.carts.requests).toBe(0);
    const sameSite = await workers.web.fetch("/api/cart/items", { method: "POST", headers: webWrite(cookie), body });
    expect(sameSite.status).toBe(200);
  });

  test("the cache namespace holds nothing personal (sessions live in Durable Objects)", async () => {
    const { cookie } = await webLogin();
    await workers.web.fetch("/api/cart", { headers: webRead(cookie) });
    await workers.web.fetch("/api/me", { headers: webRead(cookie) });
    await workers.web.fetch("/api/products/1", { headers: webRead(cookie) });
    for (const key of await workers.web.cacheKeys()) {
      expect(key).not.toMatch(/cart|:me:|session|usr-/);
      const { value } = await workers.web.cacheEntry(key);
      expect(value).not.toMatch(/usr-1|Demo Shopper|demo@shop/);
    }
  });
});

describe("isolation between frontends", () => {
  test("a mobile token is refused by the web Worker", async () => {
    const response = await workers.web.fetch("/api/me", { headers: bearer(await identityToken("mobile")) });
    expect(response.status).toBe(401);
  });

  test("a web session is refused by the mobile Worker", async () => {
    const { cookie } = await webLogin();
    const response = await workers.mobile.fetch("/api/me", { headers: webRead(cookie) });
    expect(response.status).toBe(401);
  });

  test("a web-audience token is refused by the mobile Worker", async () => {
    const response = await workers.mobile.fetch("/api/me", { headers: bearer(await identityToken("web")) });
    expect(response.status).toBe(401);
    expect(response.json.error.code).toBe("invalid_token");
  });

  test("the mobile Worker has no login endpoint", async () => {
    const response = await workers.mobile.fetch("/auth/login", { method: "POST" });
    expect(response.status).toBe(404);
  });
});

describe("idempotent writes", () => {
  test("a retried cart write with the same key changes the cart once", async () => {
    const token = await identityToken("mobile");
    const add = () =>
      workers.mobile.fetch("/api/cart/items", {
        method: "POST",
        headers: { ...bearer(token), "content-type": "application/json", "idempotency-key": "add-1-once" },
        body: JSON.stringify({ productId: 1, quantity: 2 }),
      });
    const first = await add();
    const second = await add();
    expect(first.status).toBe(200);
    expect(second.json).toEqual(first.json);
    expect(first.json.itemCount).toBe(2);
    const cart = await workers.mobile.fetch("/api/cart", { headers: bearer(token) });
    expect(cart.json.items).toEqual([expect.objectContaining({ productId: 1, quantity: 2 })]);
    expect(cart.headers.get("cache-control")).toBe("private, no-store");
  });

  test("checkout needs an Idempotency-Key", async () => {
    const token = await identityToken("mobile");
    const response = await workers.mobile.fetch("/api/checkout", { method: "POST", headers: bearer(token) });
    expect(response.status).toBe(400);
    expect(response.json.error.code).toBe("idempotency_key_required");
  });

  test("50 concurrent checkouts with one key make exactly one order", async () => {
    const token = await identityToken("mobile", "alice", "alice-password");
    const headers = { ...bearer(token), "content-type": "application/json" };
    await workers.mobile.fetch("/api/cart/items", { method: "POST", headers, body: JSON.stringify({ productId: 7, quantity: 1 }) });
    const checkouts = await Promise.all(
      Array.from({ length: 50 }, () =>
        workers.mobile.fetch("/api/checkout", { method: "POST", headers: { ...headers, "idempotency-key": "checkout-alice-1" } }),
      ),
    );
    const statuses = checkouts.map((c) => c.status);
    expect(statuses.every((s) => s === 201), JSON.stringify(statuses)).toBe(true);
    expect(new Set(checkouts.map((c) => c.json.orderId)).size).toBe(1);
    expect((await mocks.stats()).orders_created).toBe(1);
  });

  test("removing an item, and removing it again, on the web", async () => {
    const { cookie } = await webLogin("bob", "bob-password");
    await workers.web.fetch("/api/cart/items", { method: "POST", headers: webWrite(cookie), body: JSON.stringify({ productId: 3, quantity: 1 }) });
    const removed = await workers.web.fetch("/api/cart/items/3", { method: "DELETE", headers: webWrite(cookie) });
    expect(removed.status).toBe(200);
    expect(removed.json.items).toEqual([]);
    const again = await workers.web.fetch("/api/cart/items/3", { method: "DELETE", headers: webWrite(cookie) });
    expect(again.status).toBe(404);
    expect(again.json.error.code).toBe("item_not_in_cart");
  });
});

describe("edge hygiene", () => {
  test("security headers on every response", async () => {
    for (const bff of [workers.web, workers.mobile]) {
      for (const path of ["/api/products/1", "/api/nothing", "/api/me"]) {
        const response = await bff.fetch(path);
        expect(response.headers.get("strict-transport-security")).toMatch(/max-age=\d+/);
        expect(response.headers.get("x-content-type-options")).toBe("nosniff");
        expect(response.headers.get("x-frame-options")).toBe("DENY");
        expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
        expect(response.headers.get("referrer-policy")).toBe("no-referrer");
      }
    }
  });

  test("CORS: the web admits its own origin with credentials, nothing else", async () => {
    const preflight = await workers.web.fetch("/api/cart/items", {
      method: "OPTIONS",
      headers: { origin: WEB_ORIGIN, "access-control-request-method": "POST" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe(WEB_ORIGIN);
    expect(preflight.headers.get("access-control-allow-credentials")).toBe("true");
    const get = await workers.web.fetch("/api/products/1", { headers: { origin: WEB_ORIGIN } });
    expect(get.headers.get("access-control-allow-origin")).toBe(WEB_ORIGIN);
    const foreign = await workers.web.fetch("/api/products/1", { headers: { origin: "https://evil.example" } });
    expect(foreign.headers.get("access-control-allow-origin")).toBeNull();
    const foreignPreflight = await workers.web.fetch("/api/cart", { method: "OPTIONS", headers: { origin: "https://evil.example" } });
    expect(foreignPreflight.status).toBe(403);
  });

  test("CORS: the mobile Worker allows none", async () => {
    const preflight = await workers.mobile.fetch("/api/products/1", { method: "OPTIONS", headers: { origin: WEB_ORIGIN } });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
    const get = await workers.mobile.fetch("/api/products/1", { headers: { origin: WEB_ORIGIN } });
    expect(get.headers.get("access-control-allow-origin")).toBeNull();
  });

  test("rate limit: over the limit is a 429 with Retry-After", async () => {
    const limited = await startWorker("mobile", mocks.url, { vars: NO_CACHE, rateLimit: { limit: 5, period: 60 } });
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

  test("body limits, content types and fields of writes", async () => {
    const token = await identityToken("mobile");
    const post = (body, type = "application/json") =>
      workers.mobile.fetch("/api/cart/items", { method: "POST", headers: { ...bearer(token), "content-type": type }, body });
    expect((await post("x".repeat(5000))).status).toBe(413);
    expect((await post("{}", "text/plain")).status).toBe(415);
    expect((await post("{oops")).status).toBe(400);
    expect((await post(JSON.stringify({ productId: "one", quantity: 1 }))).status).toBe(422);
    expect((await post(JSON.stringify({ productId: 1, quantity: 0 }))).status).toBe(422);
    expect((await post(JSON.stringify({ productId: 1, quantity: 100 }))).status).toBe(422);
    expect((await post(JSON.stringify({ productId: 999999, quantity: 1 }))).status).toBe(404);
  });
});
