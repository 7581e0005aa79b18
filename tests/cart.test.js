// The cart as both frontends show it: each line named and pictured from the catalog in one
// batched call, merged live and never cached; money in the shopper's language; a cart still
// answers, unnamed and marked degraded, when the catalog fails.
import { afterAll, beforeAll, beforeEach, describe, expect, inject, test } from "vitest";
import { MockControl } from "./support/mock-origins.js";
import { startWorker } from "./support/workers.js";

const mocks = new MockControl(inject("mocksUrl"));
const workers = {};
beforeAll(async () => {
  workers.web = await startWorker("web", mocks.url);
  workers.mobile = await startWorker("mobile", mocks.url);
});
afterAll(() => Promise.all(Object.values(workers).map((w) => w.dispose())));
beforeEach(() => mocks.reset());

/** Headers that carry the demo shopper's credential on `frontend`. */
async function signedIn(frontend) {
  if (frontend === "web") {
    const browser = { origin: "http://127.0.0.1:8787", "x-csrf": "1" };
    const login = await workers.web.fetch("/auth/login", {
      method: "POST",
      headers: { ...browser, "content-type": "application/json" },
      body: JSON.stringify({ username: "demo", password: "demo-password" }),
    });
    expect(login.status).toBe(200);
    return { ...browser, cookie: login.headers.get("set-cookie").split(";")[0] };
  }
  const grant = await fetch(`${mocks.url}/identity/token`, {
    method: "POST",
    body: JSON.stringify({ username: "demo", password: "demo-password", audience: frontend }),
  }).then((r) => r.json());
  return { authorization: `Bearer ${grant.access_token}` };
}

describe.each(["web", "mobile"])("%s cart", (frontend) => {
  test("lines carry name, thumbnail and line total from one batched catalog call; never cached", async () => {
    const bff = workers[frontend];
    const credential = await signedIn(frontend);
    const json = { ...credential, "content-type": "application/json" };
    for (const [productId, quantity] of [[3, 2], [17, 1], [4242, 3]]) {
      const added = await bff.fetch("/api/cart/items", { method: "POST", headers: json, body: JSON.stringify({ productId, quantity }) });
      expect(added.status).toBe(200);
    }
    const before = (await mocks.stats()).services.catalog.requests;
    const cart = await bff.fetch("/api/cart", { headers: { ...credential, "accept-language": "de" } });
    expect(cart.status).toBe(200);
    expect((await mocks.stats()).services.catalog.requests - before).toBe(1);
    expect(cart.json.items.map((line) => line.productId)).toEqual([3, 17, 4242]);
    for (const line of cart.json.items) {
      const product = await (await fetch(`${mocks.url}/catalog/products/${line.productId}`)).json();
      expect(line.name).toBe(product.name);
      const thumb = product.images[0].variants.find((v) => v.size === "thumb");
      expect(line.thumbnail).toEqual({ url: thumb.url, width: thumb.width, height: thumb.height, alt: product.name });
      expect(line.lineTotal.formatted).toMatch(/^\d{1,3}(\.\d{3})*,\d{2}\u00a0€$/);
    }
    expect(cart.json.itemCount).toBe(6);
    expect(cart.json.degraded).toBeUndefined();
    expect(cart.headers.get("cache-control")).toBe("private, no-store");
    expect(cart.headers.get("vary")).toMatch(/accept-language/i);
    expect((await bff.cacheKeys()).filter((key) => /cart/.test(key))).toEqual([]);
  });

  test("with the catalog failing, the cart still answers, its lines unnamed and marked degraded", async () => {
    const bff = workers[frontend];
    const credential = await signedIn(frontend);
    await bff.fetch("/api/cart/items", {
      method: "POST",
      headers: { ...credential, "content-type": "application/json" },
      body: JSON.stringify({ productId: 5, quantity: 1 }),
    });
    await mocks.fault("catalog", { mode: "status", status: 503 });
    const cart = await bff.fetch("/api/cart", { headers: credential });
    expect(cart.status).toBe(200);
    expect(cart.json.degraded).toEqual(["products"]);
    expect(cart.json.items).toHaveLength(1);
    expect(cart.json.items[0].name).toBeUndefined();
    expect(cart.json.items[0].lineTotal.formatted).toMatch(/^€/);
  });
});
