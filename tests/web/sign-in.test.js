// Signing in at the web BFF: the login and its cookie (a session id only, HttpOnly, Secure,
// SameSite=Strict, host-only), wrong and malformed credentials, logout, forged session ids, the
// Origin check on writes, nothing personal in the cache namespace, and CORS for the web app's
// origin. Sessions over time (refresh, lifetimes, back-channel logout, X-CSRF) are in
// sessions.test.js.
import { afterAll, beforeAll, beforeEach, describe, expect, inject, test } from "vitest";
import { MockControl } from "../support/mock-origins.js";
import { startWorker } from "../support/workers.js";

const mocks = new MockControl(inject("mocksUrl"));
const WEB_ORIGIN = "https://www.shop.test";

let web;
beforeAll(async () => {
  web = await startWorker("web", mocks.url, { vars: { ALLOWED_ORIGIN: WEB_ORIGIN } });
});
afterAll(() => web.dispose());
beforeEach(() => mocks.reset());

/** Signs in at the web BFF; returns the session cookie pair ("name=value"). */
async function webLogin(username = "demo", password = "demo-password") {
  const response = await web.fetch("/auth/login", {
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
    const me = await web.fetch("/api/me", { headers: webRead(cookie) });
    expect(me.status).toBe(200);
    expect(me.json.username).toBe("demo");
  });

  test("wrong credentials are a 401, malformed ones a 400/415/422", async () => {
    const post = (body, type = "application/json") =>
      web.fetch("/auth/login", { method: "POST", headers: { "content-type": type, origin: WEB_ORIGIN, "x-csrf": "1" }, body });
    expect((await post(JSON.stringify({ username: "demo", password: "nope" }))).json.error.code).toBe("invalid_credentials");
    expect((await post("{")).status).toBe(400);
    expect((await post(JSON.stringify({ username: "demo" }))).status).toBe(422);
    expect((await post("username=demo", "application/x-www-form-urlencoded")).status).toBe(415);
  });

  test("logout forgets the session", async () => {
    const { cookie } = await webLogin();
    const out = await web.fetch("/auth/logout", { method: "POST", headers: webWrite(cookie) });
    expect(out.status).toBe(200);
    expect(out.headers.get("set-cookie")).toMatch(/Max-Age=0/);
    expect((await web.fetch("/api/me", { headers: webRead(cookie) })).status).toBe(401);
  });

  test("a forged or unknown session id is a 401", async () => {
    for (const cookie of ["__Host-bff_session=" + "A".repeat(43), "__Host-bff_session=short", "other=1"]) {
      expect((await web.fetch("/api/me", { headers: webRead(cookie) })).status).toBe(401);
    }
  });

  test("CSRF: writes from another origin, or with no origin at all, are refused", async () => {
    const { cookie } = await webLogin();
    const body = JSON.stringify({ productId: 1, quantity: 1 });
    for (const origin of ["https://evil.example", "null", undefined]) {
      const headers = { cookie, "content-type": "application/json", "x-csrf": "1", ...(origin ? { origin } : {}) };
      const response = await web.fetch("/api/cart/items", { method: "POST", headers, body });
      expect(response.status).toBe(403);
      expect(response.json.error.code).toBe("cross_site_request");
    }
    expect((await mocks.stats()).services.carts.requests).toBe(0);
    const sameSite = await web.fetch("/api/cart/items", { method: "POST", headers: webWrite(cookie), body });
    expect(sameSite.status).toBe(200);
  });

  test("the cache namespace holds nothing personal (sessions live in Durable Objects)", async () => {
    const { cookie } = await webLogin();
    await web.fetch("/api/cart", { headers: webRead(cookie) });
    await web.fetch("/api/me", { headers: webRead(cookie) });
    await web.fetch("/api/products/1", { headers: webRead(cookie) });
    for (const key of await web.cacheKeys()) {
      expect(key).not.toMatch(/cart|:me:|session|usr-/);
      const { value } = await web.cacheEntry(key);
      expect(value).not.toMatch(/usr-1|Demo Shopper|demo@shop/);
    }
  });
});

describe("web CORS", () => {
  test("the web admits its own origin with credentials, nothing else", async () => {
    const preflight = await web.fetch("/api/cart/items", {
      method: "OPTIONS",
      headers: { origin: WEB_ORIGIN, "access-control-request-method": "POST" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe(WEB_ORIGIN);
    expect(preflight.headers.get("access-control-allow-credentials")).toBe("true");
    const get = await web.fetch("/api/products/1", { headers: { origin: WEB_ORIGIN } });
    expect(get.headers.get("access-control-allow-origin")).toBe(WEB_ORIGIN);
    const foreign = await web.fetch("/api/products/1", { headers: { origin: "https://evil.example" } });
    expect(foreign.headers.get("access-control-allow-origin")).toBeNull();
    const foreignPreflight = await web.fetch("/api/cart", { method: "OPTIONS", headers: { origin: "https://evil.example" } });
    expect(foreignPreflight.status).toBe(403);
  });
});
