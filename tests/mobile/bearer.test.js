// The phone's credential: a bearer JWT from the identity service, verified at the mobile BFF —
// the token matrix (valid, expired, not yet valid, wrong audience, wrong issuer, bad signature,
// `alg: none`, HS256 with the public key, unknown `kid`, garbage) and key rotation.
import { afterAll, beforeAll, beforeEach, describe, expect, inject, test } from "vitest";
import { MockControl } from "../support/mock-origins.js";
import { startWorker } from "../support/workers.js";

const mocks = new MockControl(inject("mocksUrl"));

let mobile;
beforeAll(async () => {
  mobile = await startWorker("mobile", mocks.url);
});
afterAll(() => mobile.dispose());
beforeEach(() => mocks.reset());

const b64url = (value) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");
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

const mint = (claims, kid) => mocks.mint(claims, kid);

describe("mobile token matrix", () => {
  let claims;
  beforeAll(async () => {
    claims = decode(await identityToken("mobile"));
  });
  const now = () => Math.floor(Date.now() / 1000);

  test("a valid token opens /api/me", async () => {
    const me = await mobile.fetch("/api/me", { headers: bearer(await identityToken("mobile")) });
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
    const response = await mobile.fetch("/api/me", { headers: token ? bearer(token) : {} });
    expect(response.status).toBe(401);
    expect(response.json.error.code).toBe(code);
    expect((await mocks.stats()).services.users.requests).toBe(0);
  });

  test("key rotation: a token from the new key is accepted once the keys are refreshed", async () => {
    // A fresh isolate: an unknown kid may force a key refresh only once in a while.
    const fresh = await startWorker("mobile", mocks.url);
    try {
      const before = await identityToken("mobile");
      expect((await fresh.fetch("/api/me", { headers: bearer(before) })).status).toBe(200);
      await fetch(`${mocks.url}/__control/identity/rotate`, { method: "POST" });
      const after = await identityToken("mobile");
      expect(JSON.parse(Buffer.from(after.split(".")[0], "base64url")).kid).toBe("mock-key-2");
      // The Worker's cached keys lack mock-key-2: the unknown kid triggers one refresh.
      expect((await fresh.fetch("/api/me", { headers: bearer(after) })).status).toBe(200);
      // Identity saw two token requests (ours) and two key fetches (the first use, the refresh).
      expect((await mocks.stats()).services.identity.requests).toBe(4);
      // During the rotation both keys are published: the old token still works.
      expect((await fresh.fetch("/api/me", { headers: bearer(before) })).status).toBe(200);
    } finally {
      await fresh.dispose();
    }
  });
});
