// The storefront web app in a real browser (Debian's Chromium), served by the web Worker under
// `wrangler dev` with its static assets, against the mock origins: a shopper's whole journey, the
// BFF-held session as the browser sees it, cross-site attacks from another origin, a degraded
// product page, and screenshots at desktop and phone widths. A browser that cannot start fails
// the suite; nothing here is skipped.
import { mkdirSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, test } from "vitest";
import { launchBrowser, startWranglerDev } from "../support/browser.js";
import { MockControl } from "../support/mock-origins.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** Screenshots land here (ignored by git). */
export const OUTPUT = join(ROOT, "test-output", "browser");

const mocks = new MockControl(inject("mocksUrl"));
let bff;
let browser;
let attacker;

/** A page of another origin (another loopback port) that tries to use the shopper's session. */
function startAttackerSite(target) {
  const page = `<!doctype html><meta charset="utf-8"><title>Win a prize</title>
<script>
  window.readResult = fetch(${JSON.stringify(`${target}/api/me`)}, { credentials: "include" })
    .then((r) => r.text().then((t) => "read " + r.status + " " + t), (e) => "blocked " + e.name);
</script>
<form id="order" method="POST" action="${target}/api/checkout" enctype="text/plain">
  <input type="hidden" name='{"x":"' value='"}'>
</form>`;
  const server = createServer((request, response) => {
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end(page);
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      resolve({
        url: `http://127.0.0.1:${server.address().port}`,
        stop: () => new Promise((done) => server.close(done)),
      });
    });
  });
}

beforeAll(async () => {
  mkdirSync(OUTPUT, { recursive: true });
  // The browser first: a machine without it fails here, loudly.
  browser = await launchBrowser();
  bff = await startWranglerDev("web", mocks.url);
  attacker = await startAttackerSite(bff.url);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await bff?.stop();
  await attacker?.stop();
});

beforeEach(() => mocks.reset());

/** A page in a fresh browser context (its own cookies), unless one is given. */
async function newPage(viewport = { width: 1280, height: 900 }, context) {
  const page = await (context ?? (await browser.createBrowserContext())).newPage();
  await page.setViewport(viewport);
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.errors = errors;
  return page;
}

const text = (page, selector) => page.$eval(selector, (element) => element.textContent.trim());

describe("storefront in Chromium", () => {
  test("a shopper browses, signs in, adds to the cart, checks out once and signs out", async () => {
    const before = (await mocks.stats()).orders_created;
    const page = await newPage();
    await page.goto(`${bff.url}/`, { waitUntil: "domcontentloaded" });

    // Home: featured products and the categories.
    await page.waitForSelector(".cards .card a");
    expect((await page.$$(".cards .card")).length).toBeGreaterThan(0);
    const category = await page.waitForSelector(".categories a");
    const categoryName = await category.evaluate((a) => a.textContent);

    // A category listing, then its second page.
    await category.click();
    await page.waitForSelector(".pagination");
    expect(await text(page, ".page.current")).toBe("1");
    await page.click(".pagination a:last-child");
    await page.waitForFunction(() => document.querySelector(".page.current")?.textContent === "2");
    expect(page.url()).toContain("page=2");

    // A product page: its gallery has alt text, the reviews are there.
    await page.click(".cards .card a");
    await page.waitForSelector(".product h1");
    const productName = await text(page, ".product h1");
    const productUrl = page.url();
    const alts = await page.$$eval(".gallery-main-frame > *", (elements) =>
      elements.map((e) => e.getAttribute("alt") ?? e.getAttribute("aria-label")),
    );
    expect(alts.length).toBe(1);
    expect(alts[0]).toContain(productName);
    await page.waitForSelector(".reviews .review");

    // Adding to the cart while anonymous leads to sign-in, and back.
    await page.click(".add-to-cart button");
    await page.waitForSelector("form.signin");
    await page.type("input[name=username]", "demo");
    await page.type("input[name=password]", "demo-password");
    await page.click("form.signin button");
    await page.waitForSelector(".greeting");
    await page.waitForFunction((url) => location.href === url, {}, productUrl);
    await page.waitForSelector(".product h1");

    // The session is an HttpOnly cookie: script sees no token, nothing is stored in the page.
    expect(await page.evaluate(() => document.cookie)).not.toMatch(/bff_session/);
    expect(await page.evaluate(() => localStorage.length + sessionStorage.length)).toBe(0);

    await page.click(".add-to-cart button");
    await page.waitForFunction(() => document.querySelector(".add-status")?.textContent === "Added to your cart.");
    await page.waitForFunction(() => document.getElementById("cart-link").textContent === "Cart (1)");

    // The cart, then the order.
    await page.click("#cart-link");
    await page.waitForSelector(".cart-line");
    expect((await page.$$(".cart-line")).length).toBe(1);
    expect(await text(page, ".cart-product span")).toBe(productName);
    await page.click("button.checkout");
    await page.waitForSelector(".order-id");
    expect(await text(page, ".order-id")).toMatch(/\S+/);
    expect((await mocks.stats()).orders_created).toBe(before + 1);

    // Signing out ends the session for the browser and at the BFF.
    await page.click(".sign-out");
    await page.waitForFunction(() => document.querySelector("#account a")?.textContent === "Sign in");
    const me = await page.evaluate(() => fetch("/api/me", { headers: { "x-csrf": "1" } }).then((r) => r.status));
    expect(me).toBe(401);
    expect(page.errors).toEqual([]);
    expect(categoryName.length).toBeGreaterThan(0);
    await page.browserContext().close();
  });

  test("another origin can neither read the shopper's data nor place an order with the session", async () => {
    // The shopper's browser: one context, so the other site's page carries the session cookie.
    const context = await browser.createBrowserContext();
    const page = await newPage(undefined, context);
    await page.goto(`${bff.url}/signin`, { waitUntil: "domcontentloaded" });
    await page.waitForSelector("form.signin");
    await page.type("input[name=username]", "demo");
    await page.type("input[name=password]", "demo-password");
    await page.click("form.signin button");
    await page.waitForSelector(".greeting");
    const before = (await mocks.stats()).orders_created;

    const evil = await context.newPage();
    await evil.goto(`${attacker.url}/`, { waitUntil: "domcontentloaded" });
    const read = await evil.evaluate(() => window.readResult);
    expect(read).toMatch(/^blocked /);

    const [response] = await Promise.all([
      evil.waitForNavigation({ waitUntil: "domcontentloaded" }),
      evil.evaluate(() => document.getElementById("order").submit()),
    ]);
    expect(response.status()).toBe(403);
    const body = JSON.parse(await evil.evaluate(() => document.body.innerText));
    expect(body.error.code).toMatch(/^(cross_site_request|csrf_header_missing)$/);
    expect((await mocks.stats()).orders_created).toBe(before);
    await context.close();
  });

  test("with reviews hanging, the product page renders without them", async () => {
    await mocks.fault("reviews", { mode: "hang" });
    const page = await newPage();
    // A product no other test has cached.
    await page.goto(`${bff.url}/product/4321`, { waitUntil: "domcontentloaded" });
    await page.waitForSelector(".product h1");
    await page.waitForFunction(() =>
      [...document.querySelectorAll(".notice")].some((n) => n.textContent === "Reviews are unavailable right now."),
    );
    expect(await page.$(".reviews")).toBeNull();
    expect(await page.$(".price")).not.toBeNull();
    expect(page.errors).toEqual([]);
    await page.browserContext().close();
  });

  test("screenshots of the product page at desktop and phone widths", async () => {
    for (const [name, viewport] of [
      ["desktop", { width: 1280, height: 900 }],
      ["phone", { width: 390, height: 844, isMobile: true, deviceScaleFactor: 2 }],
    ]) {
      const page = await newPage(viewport);
      await page.goto(`${bff.url}/product/1`, { waitUntil: "domcontentloaded" });
      await page.waitForSelector(".reviews .review");
      const path = join(OUTPUT, `product-${name}.png`);
      await page.screenshot({ path, fullPage: false });
      // The layout fits the viewport: nothing scrolls sideways.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await page.browserContext().close();
    }
  });
});
