// Web sessions on Durable Objects: refresh at the BFF (one refresh for concurrent requests),
// reuse detection, idle and absolute lifetimes, the alarm, logout with revocation at identity,
// back-channel logout with replay refusal, the X-CSRF header, per-user rate limits, and the
// allowed-origin list. Token lifetimes are shortened through the identity control API; waits are
// a generous margin past each expiry, never a bound on how fast anything is.
import { afterAll, beforeAll, beforeEach, describe, expect, inject, test } from "vitest";
import { MockControl } from "../support/mock-origins.js";
import { startWorker } from "../support/workers.js";

const mocks = new MockControl(inject("mocksUrl"));
const WEB_ORIGIN = "https://www.shop.test";
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const nowSeconds = () => Math.floor(Date.now() / 1000);

let web;
beforeAll(async () => {
  web = await startWorker("web", mocks.url, { vars: { ALLOWED_ORIGIN: WEB_ORIGIN } });
});
// Token lifetimes set here must not outlive this file.
afterAll(() => Promise.all([web.dispose(), mocks.reset()]));
beforeEach(() => mocks.reset());

/** Signs in at `bff`; returns the cookie pair and the login response. */
async function login(bff = web, username = "demo", password = `${username}-password`) {
  const response = await bff.fetch("/auth/login", {
    method: "POST",
    headers: { "content-type": "application/json", origin: WEB_ORIGIN, "x-csrf": "1" },
    body: JSON.stringify({ username, password }),
  });
  expect(response.status, response.text).toBe(200);
  return { cookie: response.headers.get("set-cookie").split(";")[0], response };
}

const signedIn = (cookie, extra = {}) => ({ cookie, "x-csrf": "1", ...extra });
const me = (cookie, bff = web) => bff.fetch("/api/me", { headers: signedIn(cookie) });
const identity = async () => (await mocks.stats()).identity;

async function backchannel(token, bff = web) {
  return bff.fetch("/auth/backchannel-logout", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ logout_token: token }).toString(),
  });
}

describe("session answers", () => {
  test("login and GET /auth/session answer who and until when, in camelCase", async () => {
    const before = nowSeconds();
    const { cookie, response } = await login();
    expect(response.json).toEqual({
      user: { id: "usr-1", name: "Demo Shopper" },
      expiresAt: expect.any(Number),
      idleExpiresAt: expect.any(Number),
    });
    expect(response.text).not.toMatch(/expires_at|access_token|refresh_token/);
    // Defaults: 30 minutes idle, the refresh token's 30 days absolute.
    expect(response.json.idleExpiresAt - before).toBeGreaterThanOrEqual(1800 - 5);
    expect(response.json.idleExpiresAt - before).toBeLessThanOrEqual(1800 + 5);
    expect(response.json.expiresAt - before).toBeGreaterThanOrEqual(30 * 86400 - 5);
    expect(response.headers.get("set-cookie")).toMatch(/Max-Age=(2591\d{3}|2592000)/);
    const session = await web.fetch("/auth/session", { headers: signedIn(cookie) });
    expect(session.status).toBe(200);
    expect(session.json.user).toEqual({ id: "usr-1", name: "Demo Shopper" });
    expect(session.json.expiresAt).toBe(response.json.expiresAt);
    expect(session.headers.get("cache-control")).toBe("private, no-store");
    const anonymous = await web.fetch("/auth/session");
    expect(anonymous.status).toBe(401);
    expect(anonymous.json.error.code).toBe("unauthenticated");
  });

  test("the session lives in Durable Objects: no SESSIONS KV namespace, nothing personal in the cache", async () => {
    const { cookie } = await login();
    await web.fetch("/api/home", { headers: signedIn(cookie) });
    expect(await me(cookie)).toMatchObject({ status: 200 });
    await expect(web.kvKeys("SESSIONS")).rejects.toThrow();
    for (const key of await web.cacheKeys()) {
      expect(key).not.toMatch(/session|usr-/);
      const { value } = await web.cacheEntry(key);
      expect(value).not.toMatch(/usr-1|Demo Shopper|eyJ[\w-]*\.[\w-]+\./);
    }
  });
});

describe("refresh at the BFF", () => {
  test("a session outlives its access token", async () => {
    await mocks.lifetimes({ access_seconds: 2 });
    const { cookie } = await login();
    expect((await me(cookie)).status).toBe(200);
    expect((await identity()).refresh_grants).toBe(0);
    await sleep(3000);
    const later = await me(cookie);
    expect(later.status, later.text).toBe(200);
    expect(later.json.username).toBe("demo");
    expect((await identity()).refresh_grants).toBe(1);
    // The renewed token serves the next requests without another refresh.
    expect((await me(cookie)).status).toBe(200);
    expect((await identity()).refresh_grants).toBe(1);
    // The rotated refresh token is the one identity still accepts.
    expect((await mocks.refreshTokens()).filter((t) => t.sub === "usr-1")).toHaveLength(1);
  });

  test("10 concurrent requests after expiry cause exactly one refresh, and all succeed", async () => {
    await mocks.lifetimes({ access_seconds: 2 });
    const { cookie } = await login();
    await sleep(3000);
    const answers = await Promise.all(Array.from({ length: 10 }, () => me(cookie)));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    const stats = await identity();
    expect(stats.refresh_grants).toBe(1);
    expect(stats.reuse_detected).toBe(0);
    console.info(`refresh: 10 concurrent requests after expiry → ${JSON.stringify(answers.map((a) => a.status))}, identity ${JSON.stringify(stats)}`);
  });

  test("reuse detection at identity ends the session", async () => {
    await mocks.lifetimes({ access_seconds: 2 });
    const { cookie } = await login();
    // A thief redeems the session's refresh token first.
    const [stolen] = (await mocks.refreshTokens()).filter((t) => t.sub === "usr-1");
    const theft = await fetch(`${mocks.url}/identity/token`, {
      method: "POST",
      body: JSON.stringify({ grant_type: "refresh_token", refresh_token: stolen.refresh_token }),
    });
    expect(theft.status).toBe(200);
    await sleep(3000);
    // The BFF's refresh presents the used token: identity revokes the family, the session ends.
    const refused = await me(cookie);
    expect(refused.status).toBe(401);
    expect(refused.json.error.code).toBe("unauthenticated");
    expect((await identity()).reuse_detected).toBe(1);
    expect((await web.fetch("/auth/session", { headers: signedIn(cookie) })).status).toBe(401);
    expect(await mocks.refreshTokens()).toEqual([]);
  });

  test("a refresh token revoked at identity ends the session at the next refresh", async () => {
    await mocks.lifetimes({ access_seconds: 2 });
    const { cookie } = await login();
    const [token] = await mocks.refreshTokens();
    await fetch(`${mocks.url}/identity/revoke`, { method: "POST", body: JSON.stringify({ token: token.refresh_token }) });
    expect((await me(cookie)).status).toBe(200);
    await sleep(3000);
    expect((await me(cookie)).status).toBe(401);
  });

  test("identity down when a refresh is due: 503, and the session survives for a later try", async () => {
    await mocks.lifetimes({ access_seconds: 2 });
    const { cookie } = await login();
    await sleep(3000);
    await mocks.fault("identity", { mode: "status", status: 503 });
    const down = await me(cookie);
    expect(down.status).toBe(503);
    expect(down.json.error.code).toBe("origin_unavailable");
    await mocks.fault("identity", { mode: "ok" });
    expect((await me(cookie)).status).toBe(200);
  });
});

describe("lifetimes", () => {
  test("idle timeout: activity keeps a session alive, silence ends it", async () => {
    const bff = await startWorker("web", mocks.url, { vars: { ALLOWED_ORIGIN: WEB_ORIGIN, SESSION_IDLE_SECONDS: "6" } });
    try {
      const { cookie, response } = await login(bff);
      expect(response.json.idleExpiresAt - nowSeconds()).toBeLessThanOrEqual(6);
      await sleep(4000);
      expect((await me(cookie, bff)).status).toBe(200);
      await sleep(4000);
      // 8 s after login, 4 s after the last request: alive.
      const session = await bff.fetch("/auth/session", { headers: signedIn(cookie) });
      expect(session.status).toBe(200);
      expect(session.json.idleExpiresAt).toBeGreaterThan(response.json.idleExpiresAt);
      await sleep(8000);
      expect((await me(cookie, bff)).status).toBe(401);
    } finally {
      await bff.dispose();
    }
  }, 40_000);

  test("absolute lifetime: the session ends on time whatever the shopper does", async () => {
    const bff = await startWorker("web", mocks.url, { vars: { ALLOWED_ORIGIN: WEB_ORIGIN, SESSION_ABSOLUTE_SECONDS: "6" } });
    try {
      const { cookie, response } = await login(bff);
      expect(response.json.expiresAt - nowSeconds()).toBeLessThanOrEqual(6);
      expect(response.headers.get("set-cookie")).toMatch(/Max-Age=[0-6]$/);
      // Active all along: 1.5 s and 3 s after sign-in.
      for (let i = 0; i < 2; i++) {
        await sleep(1500);
        expect((await me(cookie, bff)).status).toBe(200);
      }
      await sleep(5000);
      expect((await me(cookie, bff)).status).toBe(401);
    } finally {
      await bff.dispose();
    }
  });

  test("the refresh token's lifetime bounds the session", async () => {
    await mocks.lifetimes({ access_seconds: 2, refresh_seconds: 60 });
    const { response } = await login();
    expect(response.json.expiresAt - nowSeconds()).toBeLessThanOrEqual(60);
    expect(response.json.expiresAt - nowSeconds()).toBeGreaterThan(50);
  });

  test("the alarm deletes a session at its end, with no request to notice", async () => {
    const bff = await startWorker("web", mocks.url, { vars: { ALLOWED_ORIGIN: WEB_ORIGIN, SESSION_IDLE_SECONDS: "2" } });
    try {
      const expired = (await login(bff)).cookie.split("=")[1];
      await sleep(4000);
      const live = (await login(bff)).cookie.split("=")[1];
      // Ask the objects directly what they still hold (`/end` answers the stored user, if any).
      const sessions = await bff.mf.getDurableObjectNamespace("SESSIONS");
      const held = async (id) => {
        const answer = await sessions.get(sessions.idFromName(id)).fetch("https://object.internal/end", { method: "POST", body: "null" });
        return (await answer.json()).user_id;
      };
      expect(await held(expired)).toBeNull();
      expect(await held(live)).toBe("usr-1");
    } finally {
      await bff.dispose();
    }
  });
});

describe("logout", () => {
  test("logout clears the site's cookies, ends the session everywhere and revokes the refresh token", async () => {
    const { cookie } = await login();
    const out = await web.fetch("/auth/logout", { method: "POST", headers: signedIn(cookie, { origin: WEB_ORIGIN }) });
    expect(out.status).toBe(200);
    expect(out.json).toEqual({ signedOut: true });
    expect(out.headers.get("clear-site-data")).toBe('"cookies"');
    expect(out.headers.get("set-cookie")).toMatch(/^__Host-bff_session=; .*Max-Age=0/);
    for (const path of ["/api/me", "/api/cart", "/auth/session"]) {
      expect((await web.fetch(path, { headers: signedIn(cookie) })).status).toBe(401);
    }
    const stats = await identity();
    expect(stats.revoked).toBeGreaterThanOrEqual(1);
    expect(await mocks.refreshTokens()).toEqual([]);
    console.info(`logout: Clear-Site-Data ${out.headers.get("clear-site-data")}, then /api/me 401, identity ${JSON.stringify(stats)}`);
  });

  test("signing in again in the same browser ends the previous session", async () => {
    const before = await login();
    const again = await web.fetch("/auth/login", {
      method: "POST",
      headers: { "content-type": "application/json", origin: WEB_ORIGIN, "x-csrf": "1", cookie: before.cookie },
      body: JSON.stringify({ username: "alice", password: "alice-password" }),
    });
    expect(again.status).toBe(200);
    const cookie = again.headers.get("set-cookie").split(";")[0];
    expect(cookie).not.toBe(before.cookie);
    expect((await me(cookie)).json.username).toBe("alice");
    expect((await me(before.cookie)).status).toBe(401);
    expect((await mocks.refreshTokens()).map((t) => t.sub)).toEqual(["usr-2"]);
  });

  test("logout without a session still clears the cookie", async () => {
    const out = await web.fetch("/auth/logout", { method: "POST", headers: { origin: WEB_ORIGIN, "x-csrf": "1" } });
    expect(out.status).toBe(200);
    expect(out.headers.get("clear-site-data")).toBe('"cookies"');
  });
});

describe("back-channel logout", () => {
  test("ends every session of the user at once and leaves other users' alone", async () => {
    // A Worker of its own, so the user has exactly the sessions begun here.
    const bff = await startWorker("web", mocks.url, { vars: { ALLOWED_ORIGIN: WEB_ORIGIN } });
    try {
      const first = await login(bff, "demo");
      const second = await login(bff, "demo");
      const alice = await login(bff, "alice");
      for (const { cookie } of [first, second, alice]) expect((await me(cookie, bff)).status).toBe(200);
      const answer = await backchannel(await mocks.logoutToken("usr-1"), bff);
      expect(answer.status, answer.text).toBe(200);
      expect(answer.json).toEqual({ sessionsEnded: 2 });
      expect(answer.headers.get("cache-control")).toBe("private, no-store");
      const after = await Promise.all([first, second, alice].map(({ cookie }) => me(cookie, bff)));
      expect(after.map((a) => a.status)).toEqual([401, 401, 200]);
      console.info(`back-channel logout: usr-1 sessions → ${after[0].status}, ${after[1].status}; usr-2 session → ${after[2].status}`);
    } finally {
      await bff.dispose();
    }
  });

  test("a replayed logout token is refused", async () => {
    await login();
    const token = await mocks.logoutToken("usr-1");
    expect((await backchannel(token)).status).toBe(200);
    const replay = await backchannel(token);
    expect(replay.status).toBe(400);
    expect(replay.json.error.code).toBe("logout_token_replayed");
    // A new token for the same user is fine, and ends the session begun since.
    const { cookie } = await login();
    const again = await backchannel(await mocks.logoutToken("usr-1"));
    expect(again.status).toBe(200);
    expect(again.json.sessionsEnded).toBe(1);
    expect((await me(cookie)).status).toBe(401);
  });

  test("bad logout tokens are a 400 and end nothing", async () => {
    const { cookie } = await login();
    const good = JSON.parse(Buffer.from((await mocks.logoutToken("usr-1")).split(".")[1], "base64url"));
    const mint = (claims) => mocks.mint(claims);
    const without = (name) => Object.fromEntries(Object.entries(good).filter(([key]) => key !== name));
    const accessToken = (
      await (
        await fetch(`${mocks.url}/identity/token`, {
          method: "POST",
          body: JSON.stringify({ username: "demo", password: "demo-password", audience: "web" }),
        })
      ).json()
    ).access_token;
    const cases = {
      "an access token": accessToken,
      "audience mobile": await mocks.logoutToken("usr-1", "mobile"),
      "a nonce": await mint({ ...good, jti: "n-1", nonce: "abc" }),
      "no events": await mint({ ...without("events"), jti: "n-2" }),
      "another event": await mint({ ...good, jti: "n-3", events: { "http://example.com/other": {} } }),
      "no jti": await mint(without("jti")),
      "no iat": await mint({ ...without("iat"), jti: "n-4" }),
      "expired": await mint({ ...good, jti: "n-5", iat: good.iat - 900, exp: good.iat - 600 }),
      "wrong issuer": await mint({ ...good, jti: "n-6", iss: "https://evil.example/identity" }),
      "a foreign signature": `${(await mocks.logoutToken("usr-1")).split(".").slice(0, 2).join(".")}.${"A".repeat(86)}`,
      garbage: "not-a-token",
    };
    for (const [name, token] of Object.entries(cases)) {
      const answer = await backchannel(token);
      expect(answer.status, `${name}: ${answer.text}`).toBe(400);
      expect(answer.json.error.code, name).toBe("invalid_logout_token");
    }
    const noField = await web.fetch("/auth/backchannel-logout", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "token=x",
    });
    expect(noField.status).toBe(400);
    const json = await web.fetch("/auth/backchannel-logout", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ logout_token: "x" }),
    });
    expect(json.status).toBe(415);
    const huge = await backchannel("x".repeat(10_000));
    expect(huge.status).toBe(413);
    expect((await me(cookie)).status).toBe(200);
  });
});

describe("CSRF: the X-CSRF header", () => {
  test("reads with the cookie and every write need X-CSRF: 1", async () => {
    const { cookie } = await login();
    const read = await web.fetch("/api/me", { headers: { cookie } });
    expect(read.status).toBe(403);
    expect(read.json.error.code).toBe("csrf_header_missing");
    expect((await web.fetch("/auth/session", { headers: { cookie, "x-csrf": "0" } })).status).toBe(403);
    const body = JSON.stringify({ productId: 1, quantity: 1 });
    const write = await web.fetch("/api/cart/items", {
      method: "POST",
      headers: { cookie, origin: WEB_ORIGIN, "content-type": "application/json" },
      body,
    });
    expect(write.status).toBe(403);
    expect(write.json.error.code).toBe("csrf_header_missing");
    expect((await mocks.stats()).services.carts.requests).toBe(0);
    console.info(`csrf: POST /api/cart/items with a valid cookie and no X-CSRF → ${write.status} ${write.json.error.code}`);
    const noHeaderLogin = await web.fetch("/auth/login", {
      method: "POST",
      headers: { "content-type": "application/json", origin: WEB_ORIGIN },
      body: JSON.stringify({ username: "demo", password: "demo-password" }),
    });
    expect(noHeaderLogin.status).toBe(403);
    // With the header, the same requests pass; anonymous reads need nothing.
    expect((await web.fetch("/api/cart/items", { method: "POST", headers: signedIn(cookie, { origin: WEB_ORIGIN, "content-type": "application/json" }), body })).status).toBe(200);
    expect((await web.fetch("/api/products/1")).status).toBe(200);
  });

  test("a request refused for its missing header does not count as activity", async () => {
    const bff = await startWorker("web", mocks.url, { vars: { ALLOWED_ORIGIN: WEB_ORIGIN, SESSION_IDLE_SECONDS: "4" } });
    try {
      const { cookie } = await login(bff);
      await sleep(2500);
      expect((await bff.fetch("/api/me", { headers: { cookie } })).status).toBe(403);
      // 5.5 s after sign-in: idle since then (had the refused request counted, alive until 6.5 s).
      await sleep(3000);
      expect((await me(cookie, bff)).status).toBe(401);
    } finally {
      await bff.dispose();
    }
  });

  test("CORS admits each listed origin and lets it send X-CSRF", async () => {
    const dev = "http://localhost:5173";
    const bff = await startWorker("web", mocks.url, { vars: { ALLOWED_ORIGIN: `${WEB_ORIGIN}, ${dev}` } });
    try {
      for (const origin of [WEB_ORIGIN, dev]) {
        const preflight = await bff.fetch("/api/cart/items", {
          method: "OPTIONS",
          headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type, x-csrf" },
        });
        expect(preflight.status).toBe(204);
        expect(preflight.headers.get("access-control-allow-origin")).toBe(origin);
        expect(preflight.headers.get("access-control-allow-headers")).toContain("x-csrf");
      }
      const foreign = await bff.fetch("/api/cart", { method: "OPTIONS", headers: { origin: "http://localhost:5174" } });
      expect(foreign.status).toBe(403);
    } finally {
      await bff.dispose();
    }
  });

  test("the dev config admits the BFF's own origin and the usual dev servers", async () => {
    const bff = await startWorker("web", mocks.url);
    try {
      for (const origin of ["http://127.0.0.1:8787", "http://localhost:5173", "http://127.0.0.1:5173", "http://localhost:3000"]) {
        const { status } = await bff.fetch("/auth/login", {
          method: "POST",
          headers: { "content-type": "application/json", origin, "x-csrf": "1" },
          body: JSON.stringify({ username: "demo", password: "demo-password" }),
        });
        expect(status, origin).toBe(200);
      }
      const other = await bff.fetch("/auth/login", {
        method: "POST",
        headers: { "content-type": "application/json", origin: "http://localhost:9999", "x-csrf": "1" },
        body: JSON.stringify({ username: "demo", password: "demo-password" }),
      });
      expect(other.status).toBe(403);
      expect(other.json.error.code).toBe("cross_site_request");
    } finally {
      await bff.dispose();
    }
  });
});

describe("rate limits", () => {
  test("signed-in requests are limited per user, whatever the address; anonymous ones per address", async () => {
    const bff = await startWorker("web", mocks.url, { vars: { ALLOWED_ORIGIN: WEB_ORIGIN }, rateLimit: { limit: 5, period: 60 } });
    try {
      const demo = await login(bff);
      const alice = await login(bff, "alice");
      const statuses = [];
      for (let i = 1; i <= 7; i++) {
        const answer = await bff.fetch("/api/me", { headers: signedIn(demo.cookie, { "cf-connecting-ip": `198.51.100.${i}` }) });
        statuses.push(answer.status);
        if (answer.status === 429) expect(answer.json.error.code).toBe("rate_limited");
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
      // Another user from one of those addresses, and an anonymous visitor, are not affected.
      expect((await bff.fetch("/api/me", { headers: signedIn(alice.cookie, { "cf-connecting-ip": "198.51.100.1" }) })).status).toBe(200);
      expect((await bff.fetch("/api/products/1", { headers: { "cf-connecting-ip": "198.51.100.1" } })).status).toBe(200);
    } finally {
      await bff.dispose();
    }
  });
});
