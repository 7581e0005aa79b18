// The voice BFF: spoken answers (speech ≤ 300 characters, money said aloud, a reprompt, a small
// display card), the top three as a spoken list, the cart, and a checkout confirmed aloud that
// places one order however often its second step is sent.
import { afterAll, beforeAll, beforeEach, describe, expect, inject, test } from "vitest";
import { MockControl } from "../support/mock-origins.js";
import { startWorker, walkJson } from "../support/workers.js";

const mocks = new MockControl(inject("mocksUrl"));
let bff;
beforeAll(async () => {
  bff = await startWorker("voice", mocks.url);
});
afterAll(() => bff.dispose());
beforeEach(() => mocks.reset());

async function token(audience = "voice", username = "demo", password = "demo-password") {
  const grant = await fetch(`${mocks.url}/identity/token`, {
    method: "POST",
    body: JSON.stringify({ username, password, audience }),
  }).then((r) => r.json());
  return grant.access_token;
}

function expectSpoken(answer) {
  expect(typeof answer.speech).toBe("string");
  expect(answer.speech.length).toBeGreaterThan(0);
  expect([...answer.speech].length).toBeLessThanOrEqual(300);
  expect(answer.speech).not.toMatch(/[€$£*#<>…]/);
  expect(answer.display.lines.length).toBeLessThanOrEqual(3);
}

describe("voice answers", () => {
  test("a product: name, price said aloud, stock and rating, a reprompt and a card", async () => {
    const response = await bff.fetch("/api/products/1");
    expect(response.status).toBe(200);
    const answer = response.json;
    expectSpoken(answer);
    const catalog = await (await fetch(`${mocks.url}/catalog/products/1`)).json();
    expect(answer.speech).toContain(catalog.name);
    expect(answer.speech).toMatch(/costs 94 euros and 99 cents\. That's down from 129 euros and 99 cents\./);
    expect(answer.speech).toMatch(/Rated \d(\.\d)? out of 5 by \d+ shoppers?\./);
    expect(answer.reprompt).toMatch(/\?$/);
    expect(answer.display.title.length).toBeGreaterThan(0);
    expect(answer.display.image).toMatchObject({ url: expect.stringMatching(/small/), width: expect.any(Number), height: expect.any(Number), alt: expect.any(String) });
    expect(response.headers.get("x-bff-cache")).toMatch(/MISS|BYPASS/);
    expect((await bff.fetch("/api/products/1")).headers.get("x-bff-cache")).toBe("HIT");
    expect(response.headers.get("server-timing")).toMatch(/catalog;/);
  });

  test("search: the top three, said with their positions, and which product each is", async () => {
    const response = await bff.fetch("/api/search?q=headphones");
    expect(response.status).toBe(200);
    const answer = response.json;
    expectSpoken(answer);
    expect(answer.speech).toMatch(/^Here are the top 3 for headphones\. First, .+\. Second, .+\. Third, .+\.$/);
    expect(answer.choices.map((choice) => choice.position)).toEqual([1, 2, 3]);
    const listing = await (await fetch(`${mocks.url}/catalog/products?q=headphones&limit=3`)).json();
    expect(answer.choices.map((choice) => choice.productId)).toEqual(listing.items.map((item) => item.id));
    const none = (await bff.fetch("/api/search?q=zzzzqqq")).json;
    expect(none.speech).toBe("I couldn't find anything for zzzzqqq.");
    expect(none.choices).toEqual([]);
    const missing = await bff.fetch("/api/search");
    expect(missing.status).toBe(400);
    expect(missing.json.error.code).toBe("query_required");
  });

  test("errors are the contract's JSON errors; no internal field is ever said or shown", async () => {
    expect((await bff.fetch("/api/products/abc")).json.error.code).toBe("invalid_product_id");
    expect((await bff.fetch("/api/products/999999")).status).toBe(404);
    const { fields, value_patterns: patterns } = await mocks.internalFields();
    for (const path of ["/api/products/2", "/api/products/4242", "/api/search?q=lamp"]) {
      const response = await bff.fetch(path);
      expect(response.status).toBe(200);
      for (const item of walkJson(response.json)) {
        if (item.kind === "key") expect(fields, item.path).not.toContain(item.value);
        else for (const pattern of patterns) expect(item.value, item.path).not.toContain(pattern);
      }
    }
  });
});

describe("voice cart and checkout", () => {
  test("other frontends' credentials are refused", async () => {
    for (const audience of ["mobile", "web"]) {
      const response = await bff.fetch("/api/cart", { headers: { authorization: `Bearer ${await token(audience)}` } });
      expect(response.status).toBe(401);
    }
    expect((await bff.fetch("/api/cart")).status).toBe(401);
  });

  test("the cart is said with its total; the checkout's two steps place exactly one order", async () => {
    const auth = { authorization: `Bearer ${await token()}` };
    const json = { ...auth, "content-type": "application/json" };
    const empty = (await bff.fetch("/api/cart", { headers: auth })).json;
    expect(empty.speech).toBe("Your cart is empty.");
    const added = await bff.fetch("/api/cart/items", { method: "POST", headers: json, body: JSON.stringify({ productId: 1, quantity: 2 }) });
    expect(added.status).toBe(200);
    expect(added.json.speech).toMatch(/^I added 2 .+ to your cart\. Your total is now 189 euros and 98 cents\.$/);
    const cart = (await bff.fetch("/api/cart", { headers: auth })).json;
    expectSpoken(cart);
    expect(cart.speech).toMatch(/^You have 2 items in your cart: .+\. The total is 189 euros and 98 cents\.$/);

    const before = (await mocks.stats()).orders_created;
    const first = await bff.fetch("/api/checkout", { method: "POST", headers: auth });
    expect(first.status).toBe(200);
    expect(first.json.speech).toBe("Your total is 189 euros and 98 cents for 2 items. Shall I place the order?");
    expect((await mocks.stats()).orders_created).toBe(before);
    const confirm = { method: "POST", headers: { ...json, "idempotency-key": "voice-order-1" }, body: JSON.stringify({ confirmationToken: first.json.confirmationToken }) };
    const placed = await bff.fetch("/api/checkout", confirm);
    expect(placed.status).toBe(201);
    expect(placed.json.speech).toMatch(/^Done\. Your order is placed, for 189 euros and 98 cents\./);
    const again = await bff.fetch("/api/checkout", confirm);
    expect(again.status).toBe(201);
    expect(again.json.orderId).toBe(placed.json.orderId);
    expect((await mocks.stats()).orders_created).toBe(before + 1);
  });

  test("a forged, edited, other shopper's or stale confirmation places no order", async () => {
    const auth = { authorization: `Bearer ${await token()}` };
    const json = { ...auth, "content-type": "application/json" };
    await bff.fetch("/api/cart/items", { method: "POST", headers: json, body: JSON.stringify({ productId: 3, quantity: 1 }) });
    const first = (await bff.fetch("/api/checkout", { method: "POST", headers: auth })).json;
    const send = (headers, confirmationToken, key) =>
      bff.fetch("/api/checkout", { method: "POST", headers: { ...headers, "content-type": "application/json", "idempotency-key": key }, body: JSON.stringify({ confirmationToken }) });
    const edited = first.confirmationToken.slice(0, -2) + (first.confirmationToken.endsWith("AA") ? "BB" : "AA");
    const other = { authorization: `Bearer ${await token("voice", "alice", "alice-password")}` };
    // The cart changed after the total was said: the old confirmation no longer holds.
    const refusals = [
      await send(auth, "forged", "k-1"),
      await send(auth, edited, "k-2"),
      await send(other, first.confirmationToken, "k-3"),
    ];
    await bff.fetch("/api/cart/items", { method: "POST", headers: json, body: JSON.stringify({ productId: 4, quantity: 1 }) });
    refusals.push(await send(auth, first.confirmationToken, "k-4"));
    for (const response of refusals) {
      expect(response.status).toBe(400);
      expect(response.json.error.code).toMatch(/^(invalid_confirmation|confirmation_expired)$/);
    }
    expect((await mocks.stats()).orders_created).toBe(0);
  });
});
