// Regressions of the hardening round: each test is one defect found by the soak and the
// generated bad input, seen through the built Workers against the mock origins.
import { afterAll, beforeAll, beforeEach, describe, expect, inject, test } from "vitest";
import { MockControl } from "./support/mock-origins.js";
import { NO_CACHE, startWorker } from "./support/workers.js";

const mocks = new MockControl(inject("mocksUrl"));
const WEB_ORIGIN = "https://www.shop.test";
const ADMIN_TOKEN = "hardening-admin-token";

const workers = {};
beforeAll(async () => {
  const vars = { ...NO_CACHE, ALLOWED_ORIGIN: WEB_ORIGIN, ADMIN_TOKEN };
  workers.web = await startWorker("web", mocks.url, { vars });
  workers.mobile = await startWorker("mobile", mocks.url, { vars });
});
afterAll(() => Promise.all(Object.values(workers).map((w) => w.dispose())));
beforeEach(() => mocks.reset());

const decode = (token) => JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString());
const bearer = (token) => ({ authorization: `Bearer ${token}` });

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

describe("1: absurd time claims in a validly signed token", () => {
  test("are a 401, and the isolate keeps serving", async () => {
    const claims = decode(await identityToken("mobile"));
    for (const odd of [{ nbf: -8334601228800 }, { exp: 8.5e15 }, { iat: -1e300 }, { exp: 1e308, nbf: -1e308 }, { exp: "soon" }]) {
      const token = await mint({ ...claims, ...odd });
      const response = await workers.mobile.fetch("/api/me", { headers: bearer(token) });
      expect(response.status, JSON.stringify(odd)).toBe(401);
      expect(response.json.error.code).toBe("invalid_token");
    }
    // The same isolate still answers.
    const me = await workers.mobile.fetch("/api/me", { headers: bearer(await identityToken("mobile")) });
    expect(me.status).toBe(200);
  });
});

describe("2: concurrent tokens of a new key during a key rotation", () => {
  test("all wait for the one key refresh and are accepted (mobile and web logins)", async () => {
    const mobile = await startWorker("mobile", mocks.url, { vars: NO_CACHE });
    const web = await startWorker("web", mocks.url, { vars: { ...NO_CACHE, ALLOWED_ORIGIN: WEB_ORIGIN } });
    try {
      expect((await mobile.fetch("/api/me", { headers: bearer(await identityToken("mobile")) })).status).toBe(200);
      const login = () =>
        web.fetch("/auth/login", {
          method: "POST",
          headers: { "content-type": "application/json", origin: WEB_ORIGIN, "x-csrf": "1" },
          body: JSON.stringify({ username: "demo", password: "demo-password" }),
        });
      expect((await login()).status).toBe(200);
      await fetch(`${mocks.url}/__control/identity/rotate`, { method: "POST" });
      const tokens = await Promise.all(Array.from({ length: 5 }, () => identityToken("mobile")));
      const before = (await mocks.stats()).services.identity.requests;
      const answers = await Promise.all(tokens.map((token) => mobile.fetch("/api/me", { headers: bearer(token) })));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
      // One key fetch for the five of them.
      expect((await mocks.stats()).services.identity.requests - before).toBe(1);
      const logins = await Promise.all(Array.from({ length: 5 }, login));
      expect(logins.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    } finally {
      await Promise.all([mobile.dispose(), web.dispose()]);
    }
  });
});

describe("3, 4: methods as the client sent them", () => {
  test("an extension method is a 501 JSON error, never served as GET", async () => {
    const token = await identityToken("mobile");
    for (const [method, path] of [
      ["PROPFIND", "/api/me"],
      ["MKCOL", "/api/products/1"],
      ["PROPFIND", "/api/nowhere"],
      // (A method workerd does not know at all, e.g. BREW, never reaches the Worker: the
      // runtime answers it with its own 501.)
      ["REPORT", "/api/home"],
      ["LOCK", "/api/cart"],
    ]) {
      for (const bff of [workers.mobile, workers.web]) {
        const response = await bff.fetch(path, { method, headers: bearer(token) });
        expect(response.status, `${method} ${path}`).toBe(501);
        expect(response.json.error.code).toBe("method_not_implemented");
        expect(response.headers.get("content-type")).toMatch(/^application\/json/);
      }
    }
    const stats = (await mocks.stats()).services;
    expect(stats.users.requests + stats.catalog.requests + stats.recommendations.requests).toBe(0);
  });

  test("a routed path asked with a method it does not serve is a 405 with Allow", async () => {
    for (const bff of [workers.mobile, workers.web]) {
      for (const [method, path, allow] of [
        ["DELETE", "/api/me", "GET, HEAD"],
        ["PUT", "/api/products/1", "GET, HEAD"],
        ["PATCH", "/api/cart/items", "POST"],
        ["GET", "/api/checkout", "POST"],
      ]) {
        const response = await bff.fetch(path, { method, headers: { origin: WEB_ORIGIN } });
        expect(response.status, `${method} ${path}`).toBe(405);
        expect(response.headers.get("allow")).toBe(allow);
        expect(response.json.error.code).toBe("method_not_allowed");
      }
    }
  });
});

describe("5: a valid token for an account the origins do not know", () => {
  const stranger = async () => {
    const claims = decode(await identityToken("mobile"));
    return mint({ ...claims, sub: "usr-does-not-exist", name: "Nobody" });
  };

  test("is a 401 account_unknown on every signed-in endpoint", async () => {
    const headers = { ...bearer(await stranger()), "content-type": "application/json" };
    const calls = [
      ["GET", "/api/me"],
      ["GET", "/api/cart"],
      ["POST", "/api/cart/items", JSON.stringify({ productId: 1, quantity: 1 })],
      ["DELETE", "/api/cart/items/1"],
      ["POST", "/api/checkout"],
    ];
    for (const [method, path, body] of calls) {
      const response = await workers.mobile.fetch(path, {
        method,
        body,
        headers: { ...headers, "idempotency-key": `stranger-${method}-${path.length}` },
      });
      expect(response.status, `${method} ${path}: ${response.text}`).toBe(401);
      expect(response.json.error.code).toBe("account_unknown");
    }
  });

  test("a known account still gets the 404 of what it named", async () => {
    const headers = { ...bearer(await identityToken("mobile")), "content-type": "application/json" };
    const add = await workers.mobile.fetch("/api/cart/items", {
      method: "POST",
      headers,
      body: JSON.stringify({ productId: 999999, quantity: 1 }),
    });
    expect(add.status).toBe(404);
    expect(add.json.error.code).toBe("product_not_found");
    const remove = await workers.mobile.fetch("/api/cart/items/4", { method: "DELETE", headers });
    expect(remove.status).toBe(404);
    expect(remove.json.error.code).toBe("item_not_in_cart");
  });
});

describe("6: input limits of the platform, checked up front", () => {
  const purge = (bff, prefix) =>
    bff.fetch("/__admin/cache/purge", {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ prefix }),
    });

  test("a purge prefix longer than a KV key is a 400", async () => {
    for (const bff of [workers.web, workers.mobile]) {
      const response = await purge(bff, "p".repeat(1000));
      expect(response.status).toBe(400);
      expect(response.json.error.code).toBe("invalid_prefix");
      expect((await purge(bff, "product:")).status).toBe(200);
    }
  });

  test("a listing query whose cache key would pass KV's 512 bytes is served, not a 500", async () => {
    const cached = await startWorker("mobile", mocks.url);
    try {
      const q = "名".repeat(100);
      const first = await cached.fetch(`/api/products?q=${encodeURIComponent(q)}`);
      expect(first.status, first.text).toBe(200);
      const again = await cached.fetch(`/api/products?q=${encodeURIComponent(q)}`);
      expect(again.headers.get("x-bff-cache")).toBe("HIT");
      for (const key of await cached.cacheKeys()) expect(Buffer.byteLength(key)).toBeLessThanOrEqual(512);
    } finally {
      await cached.dispose();
    }
  });

  test("an oversized header the BFF reads is a 431 JSON error", async () => {
    for (const [bff, headers] of [
      [workers.mobile, { authorization: `Bearer ${"a".repeat(20_000)}` }],
      [workers.web, { cookie: `__Host-bff_session=${"a".repeat(20_000)}` }],
      [workers.mobile, { "if-none-match": `"${"x".repeat(20_000)}"` }],
    ]) {
      const response = await bff.fetch("/api/me", { headers });
      expect(response.status).toBe(431);
      expect(response.json.error.code).toBe("header_too_large");
    }
  });
});
