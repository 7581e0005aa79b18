// The storefront's signed-in cart and checkout, on every frontend the tests can sign in at:
// cart lines named and pictured from the catalog in one batched call, merged live and never
// cached, money in the shopper's language, a cart that still answers when the catalog fails;
// idempotent writes counted at the origins; and the checks on write bodies. A frontend with its
// own cart answers (voice speaks them) has those tested in its own folder; the body checks are
// the platform's on every frontend.
import { afterAll, beforeAll, beforeEach, describe, expect, inject, test } from "vitest";
import { frontends, signIn } from "../support/frontends.js";
import { MockControl } from "../support/mock-origins.js";
import { startWorker } from "../support/workers.js";

const mocks = new MockControl(inject("mocksUrl"));
const workers = {};
beforeAll(async () => {
  for (const name of frontends((f) => f.credential)) workers[name] = await startWorker(name, mocks.url);
});
afterAll(() => Promise.all(Object.values(workers).map((w) => w.dispose())));
beforeEach(() => mocks.reset());

const storefrontCart = frontends((f) => f.credential && f.cart === "storefront");

describe.each(storefrontCart)("%s cart", (frontend) => {
  test("lines carry name, thumbnail and line total from one batched catalog call; never cached", async () => {
    const bff = workers[frontend];
    const credential = await signIn(frontend, bff, mocks.url);
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
    const credential = await signIn(frontend, bff, mocks.url);
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

describe.each(storefrontCart)("%s idempotent writes", (frontend) => {
  test("a retried cart write with the same key changes the cart once", async () => {
    const bff = workers[frontend];
    const credential = await signIn(frontend, bff, mocks.url);
    const add = () =>
      bff.fetch("/api/cart/items", {
        method: "POST",
        headers: { ...credential, "content-type": "application/json", "idempotency-key": "add-1-once" },
        body: JSON.stringify({ productId: 1, quantity: 2 }),
      });
    const first = await add();
    const second = await add();
    expect(first.status).toBe(200);
    expect(second.json).toEqual(first.json);
    expect(first.json.itemCount).toBe(2);
    const cart = await bff.fetch("/api/cart", { headers: credential });
    expect(cart.json.items).toEqual([expect.objectContaining({ productId: 1, quantity: 2 })]);
    expect(cart.headers.get("cache-control")).toBe("private, no-store");
  });

  test("checkout needs an Idempotency-Key", async () => {
    const bff = workers[frontend];
    const credential = await signIn(frontend, bff, mocks.url);
    const response = await bff.fetch("/api/checkout", { method: "POST", headers: credential });
    expect(response.status).toBe(400);
    expect(response.json.error.code).toBe("idempotency_key_required");
  });

  test("50 concurrent checkouts with one key make exactly one order", async () => {
    const bff = workers[frontend];
    const headers = { ...(await signIn(frontend, bff, mocks.url, { username: "alice" })), "content-type": "application/json" };
    await bff.fetch("/api/cart/items", { method: "POST", headers, body: JSON.stringify({ productId: 7, quantity: 1 }) });
    const checkouts = await Promise.all(
      Array.from({ length: 50 }, () =>
        bff.fetch("/api/checkout", { method: "POST", headers: { ...headers, "idempotency-key": "checkout-alice-1" } }),
      ),
    );
    const statuses = checkouts.map((c) => c.status);
    expect(statuses.every((s) => s === 201), JSON.stringify(statuses)).toBe(true);
    expect(new Set(checkouts.map((c) => c.json.orderId)).size).toBe(1);
    expect((await mocks.stats()).orders_created).toBe(1);
  });

  test("removing an item, and removing it again", async () => {
    const bff = workers[frontend];
    const headers = { ...(await signIn(frontend, bff, mocks.url, { username: "bob" })), "content-type": "application/json" };
    await bff.fetch("/api/cart/items", { method: "POST", headers, body: JSON.stringify({ productId: 3, quantity: 1 }) });
    const removed = await bff.fetch("/api/cart/items/3", { method: "DELETE", headers });
    expect(removed.status).toBe(200);
    expect(removed.json.items).toEqual([]);
    const again = await bff.fetch("/api/cart/items/3", { method: "DELETE", headers });
    expect(again.status).toBe(404);
    expect(again.json.error.code).toBe("item_not_in_cart");
  });
});

describe.each(frontends((f) => f.credential))("%s write bodies", (frontend) => {
  test("body limits, content types and fields of writes", async () => {
    const bff = workers[frontend];
    const credential = await signIn(frontend, bff, mocks.url);
    const post = (body, type = "application/json") =>
      bff.fetch("/api/cart/items", { method: "POST", headers: { ...credential, "content-type": type }, body });
    expect((await post("x".repeat(5000))).status).toBe(413);
    expect((await post("{}", "text/plain")).status).toBe(415);
    expect((await post("{oops")).status).toBe(400);
    expect((await post(JSON.stringify({ productId: "one", quantity: 1 }))).status).toBe(422);
    expect((await post(JSON.stringify({ productId: 1, quantity: 0 }))).status).toBe(422);
    expect((await post(JSON.stringify({ productId: 1, quantity: 100 }))).status).toBe(422);
    expect((await post(JSON.stringify({ productId: 999999, quantity: 1 }))).status).toBe(404);
  });
});
