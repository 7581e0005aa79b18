// Regressions of the hardening round: each test is one defect found by the soak and the
// generated bad input, seen through the built Workers of every frontend it applies to, against
// the mock origins.
import { afterAll, beforeAll, beforeEach, describe, expect, inject, test } from "vitest";
import { BROWSER_ORIGIN, FRONTENDS, frontends, identityToken, signIn } from "../support/frontends.js";
import { MockControl } from "../support/mock-origins.js";
import { NO_CACHE, startWorker } from "../support/workers.js";

const mocks = new MockControl(inject("mocksUrl"));
const WEB_ORIGIN = "https://www.shop.test";
const ADMIN_TOKEN = "hardening-admin-token";

const workers = {};
beforeAll(async () => {
  const vars = { ...NO_CACHE, ALLOWED_ORIGIN: WEB_ORIGIN, ADMIN_TOKEN };
  for (const name of frontends()) workers[name] = await startWorker(name, mocks.url, { vars });
});
afterAll(() => Promise.all(Object.values(workers).map((w) => w.dispose())));
beforeEach(() => mocks.reset());

const decode = (token) => JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString());
const bearer = (token) => ({ authorization: `Bearer ${token}` });
const token = (audience, username) => identityToken(mocks.url, audience, username);
const bearerFrontends = frontends((f) => f.credential === "bearer");

const mint = (claims, kid) => mocks.mint(claims, kid);

describe.each(bearerFrontends)("1: absurd time claims in a validly signed %s token", (frontend) => {
  test("are a 401, and the isolate keeps serving", async () => {
    const claims = decode(await token(frontend));
    for (const odd of [{ nbf: -8334601228800 }, { exp: 8.5e15 }, { iat: -1e300 }, { exp: 1e308, nbf: -1e308 }, { exp: "soon" }]) {
      const minted = await mint({ ...claims, ...odd });
      const response = await workers[frontend].fetch("/api/me", { headers: bearer(minted) });
      expect(response.status, JSON.stringify(odd)).toBe(401);
      expect(response.json.error.code).toBe("invalid_token");
    }
    // The same isolate still answers.
    const me = await workers[frontend].fetch("/api/me", { headers: bearer(await token(frontend)) });
    expect(me.status).toBe(200);
  });
});

describe.each(frontends((f) => f.credential))("2: concurrent %s sign-ins with a new key during a key rotation", (frontend) => {
  test("all wait for the one key refresh and are accepted", async () => {
    // A fresh isolate, with the keys of before the rotation.
    const bff = await startWorker(frontend, mocks.url, { vars: NO_CACHE });
    try {
      if (FRONTENDS[frontend].credential === "bearer") {
        expect((await bff.fetch("/api/me", { headers: bearer(await token(frontend)) })).status).toBe(200);
        await fetch(`${mocks.url}/__control/identity/rotate`, { method: "POST" });
        const tokens = await Promise.all(Array.from({ length: 5 }, () => token(frontend)));
        const before = (await mocks.stats()).services.identity.requests;
        const answers = await Promise.all(tokens.map((t) => bff.fetch("/api/me", { headers: bearer(t) })));
        expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
        // One key fetch for the five of them.
        expect((await mocks.stats()).services.identity.requests - before).toBe(1);
      } else {
        const login = () =>
          bff.fetch("/auth/login", {
            method: "POST",
            headers: { "content-type": "application/json", origin: BROWSER_ORIGIN, "x-csrf": "1" },
            body: JSON.stringify({ username: "demo", password: "demo-password" }),
          });
        expect((await login()).status).toBe(200);
        await fetch(`${mocks.url}/__control/identity/rotate`, { method: "POST" });
        const logins = await Promise.all(Array.from({ length: 5 }, login));
        expect(logins.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
      }
    } finally {
      await bff.dispose();
    }
  });
});

describe("3, 4: methods as the client sent them", () => {
  test.each(frontends())("%s: an extension method is a 501 JSON error, never served as GET", async (frontend) => {
    const headers = FRONTENDS[frontend].credential ? await signIn(frontend, workers[frontend], mocks.url, { origin: WEB_ORIGIN }) : {};
    await mocks.reset();
    for (const [method, path] of [
      ["PROPFIND", "/api/me"],
      ["MKCOL", "/api/products/1"],
      ["PROPFIND", "/api/nowhere"],
      // (A method workerd does not know at all, e.g. BREW, never reaches the Worker: the
      // runtime answers it with its own 501.)
      ["REPORT", "/api/home"],
      ["LOCK", "/api/cart"],
    ]) {
      const response = await workers[frontend].fetch(path, { method, headers });
      expect(response.status, `${method} ${path}`).toBe(501);
      expect(response.json.error.code).toBe("method_not_implemented");
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    }
    const stats = (await mocks.stats()).services;
    expect(stats.users.requests + stats.catalog.requests + stats.recommendations.requests).toBe(0);
  });

  test.each(frontends())("%s: a routed path asked with a method it does not serve is a 405 with Allow", async (frontend) => {
    for (const [method, path, allow] of [
      ["DELETE", "/api/me", "GET, HEAD"],
      ["PUT", "/api/products/1", "GET, HEAD"],
      ["PATCH", "/api/cart/items", "POST"],
      ["GET", "/api/checkout", "POST"],
    ]) {
      const response = await workers[frontend].fetch(path, { method, headers: { origin: WEB_ORIGIN } });
      expect(response.status, `${method} ${path}`).toBe(405);
      expect(response.headers.get("allow")).toBe(allow);
      expect(response.json.error.code).toBe("method_not_allowed");
    }
  });
});

describe.each(bearerFrontends)("5: a valid %s token for an account the origins do not know", (frontend) => {
  const stranger = async () => {
    const claims = decode(await token(frontend));
    return mint({ ...claims, sub: "usr-does-not-exist", name: "Nobody" });
  };

  test("is a 401 account_unknown on every signed-in endpoint", async () => {
    const credential = bearer(await stranger());
    const calls = [
      ["GET", "/api/me"],
      ["GET", "/api/cart"],
      ["POST", "/api/cart/items", JSON.stringify({ productId: 1, quantity: 1 })],
      ["DELETE", "/api/cart/items/1"],
      ["POST", "/api/checkout"],
    ];
    for (const [method, path, body] of calls) {
      // A content type only with a body: voice reads a declared JSON body of its checkout.
      const response = await workers[frontend].fetch(path, {
        method,
        body,
        headers: { ...credential, ...(body && { "content-type": "application/json" }), "idempotency-key": `stranger-${method}-${path.length}` },
      });
      expect(response.status, `${method} ${path}: ${response.text}`).toBe(401);
      expect(response.json.error.code).toBe("account_unknown");
    }
  });

  test("a known account still gets the 404 of what it named", async () => {
    const headers = { ...bearer(await token(frontend)), "content-type": "application/json" };
    const add = await workers[frontend].fetch("/api/cart/items", {
      method: "POST",
      headers,
      body: JSON.stringify({ productId: 999999, quantity: 1 }),
    });
    expect(add.status).toBe(404);
    expect(add.json.error.code).toBe("product_not_found");
    const remove = await workers[frontend].fetch("/api/cart/items/4", { method: "DELETE", headers });
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

  test.each(frontends())("%s: a purge prefix longer than a KV key is a 400", async (frontend) => {
    const response = await purge(workers[frontend], "p".repeat(1000));
    expect(response.status).toBe(400);
    expect(response.json.error.code).toBe("invalid_prefix");
    expect((await purge(workers[frontend], "product:")).status).toBe(200);
  });

  // The cached endpoint of each frontend that takes a free-text query.
  const queries = frontends((f) => f.listing || f.search).map((frontend) => [frontend, FRONTENDS[frontend].listing ? "/api/products" : "/api/search"]);
  test.each(queries)("%s: a %s query whose cache key would pass KV's 512 bytes is served, not a 500", async (frontend, path) => {
    const cached = await startWorker(frontend, mocks.url);
    try {
      const q = "名".repeat(100);
      const first = await cached.fetch(`${path}?q=${encodeURIComponent(q)}`);
      expect(first.status, first.text).toBe(200);
      const again = await cached.fetch(`${path}?q=${encodeURIComponent(q)}`);
      expect(again.headers.get("x-bff-cache")).toBe("HIT");
      for (const key of await cached.cacheKeys()) expect(Buffer.byteLength(key)).toBeLessThanOrEqual(512);
    } finally {
      await cached.dispose();
    }
  });

  test.each(frontends())("%s: an oversized header the BFF reads is a 431 JSON error", async (frontend) => {
    const credential =
      FRONTENDS[frontend].credential === "session"
        ? { cookie: `__Host-bff_session=${"a".repeat(20_000)}` }
        : { authorization: `Bearer ${"a".repeat(20_000)}` };
    for (const headers of [credential, { "if-none-match": `"${"x".repeat(20_000)}"` }]) {
      const response = await workers[frontend].fetch("/api/me", { headers });
      expect(response.status).toBe(431);
      expect(response.json.error.code).toBe("header_too_large");
    }
  });
});
