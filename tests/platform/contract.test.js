// The typed contract: each frontend's /openapi.json is a valid OpenAPI 3.1 document, and real
// responses of every endpoint it serves (complete, degraded, Save-Data, errors, a signed-in
// journey of writes and refusals) validate against it.
import { Validator } from "@seriousme/openapi-schema-validator";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { BROWSER_ORIGIN, FRONTENDS, frontends, signIn } from "../support/frontends.js";
import { MockControl } from "../support/mock-origins.js";
import { NO_CACHE, startWorker } from "../support/workers.js";

const mocks = new MockControl(inject("mocksUrl"));

/**
 * Read requests by what a frontend serves (tests/support/frontends.js): [which frontends,
 * requests as [path, request headers, origin fault to apply first]].
 */
const REQUESTS = [
  [
    () => true,
    [
      ["/api/products/1"],
      ["/api/products/4999"],
      ["/api/products/9", {}, { service: "reviews", mode: "hang" }],
      ["/api/products/9", {}, { service: "recommendations", mode: "garbage" }],
      ["/api/products/abc"],
      ["/api/products/999999"],
      ["/api/products/1", {}, { service: "catalog", mode: "status", status: 503 }],
    ],
  ],
  [(f) => f.home, [["/api/home"], ["/api/home", {}, { service: "recommendations", mode: "status", status: 500 }]]],
  [
    (f) => f.listing,
    [
      ["/api/products?category=headphones"],
      ["/api/products?q=wireless&limit=5"],
      ["/api/products?category=headphones", {}, { service: "inventory", mode: "reset" }],
      ["/api/products?limit=0"],
      ["/api/products?category=nope"],
    ],
  ],
  [(f) => f.reviews, [["/api/products/1/reviews"], ["/api/products/77/reviews"]]],
  [(f) => f.listing === "pages", [["/api/products?category=headphones&page=2&limit=60"], ["/api/products/2/reviews?page=3"]]],
  [(f) => f.saveData, [["/api/products/1", { "save-data": "on" }]]],
  [(f) => f.saveData && f.home, [["/api/home", { "save-data": "on" }]]],
  [(f) => f.saveData && f.listing, [["/api/products?category=headphones", { "save-data": "on" }]]],
  [(f) => f.listing === "cursor", [["/api/products?cursor=forged"]]],
  [(f) => f.search, [["/api/search?q=headphones"], ["/api/search?q=zzzzqqq"], ["/api/search"]]],
];
const requests = (frontend) => REQUESTS.flatMap(([has, list]) => (has(FRONTENDS[frontend]) ? list : []));

/** The paths a frontend's document must describe: the storefront's common ones and its reads. */
function servedPaths(frontend) {
  const f = FRONTENDS[frontend];
  return [
    "/api/products/{id}",
    "/api/me",
    "/api/cart",
    "/api/cart/items",
    "/api/cart/items/{productId}",
    "/api/checkout",
    "/openapi.json",
    ...(f.home ? ["/api/home"] : []),
    ...(f.listing ? ["/api/products"] : []),
    ...(f.reviews ? ["/api/products/{id}/reviews"] : []),
    ...(f.search ? ["/api/search"] : []),
  ];
}

describe.each(frontends())("%s contract", (frontend) => {
  let bff;
  let document;
  let ajv;
  beforeAll(async () => {
    // The fault cases check each answer's shape in one isolate; the circuit breaker that would
    // open over them has its own tests (platform/breaker.test.js).
    bff = await startWorker(frontend, mocks.url, { vars: { ...NO_CACHE, ORIGIN_TIMEOUT_MS: "300", BREAKER_FAILURES: "0" } });
    document = (await bff.fetch("/openapi.json")).json;
    ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    for (const format of ["int32", "int64", "float", "double"]) ajv.addFormat(format, true);
    ajv.addSchema({ ...document, $id: "openapi.json" });
  });
  afterAll(() => bff.dispose());

  test("/openapi.json is a valid OpenAPI 3.1 document describing every endpoint", async () => {
    const response = await bff.fetch("/openapi.json");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    const result = await new Validator().validate(structuredClone(document));
    expect(result.errors ?? [], JSON.stringify(result.errors)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(document.openapi).toMatch(/^3\.1\./);
    const described = Object.keys(document.paths).sort();
    for (const path of servedPaths(frontend)) {
      expect(described).toContain(path);
    }
    expect(described.includes("/auth/login")).toBe(FRONTENDS[frontend].credential === "session");
  });

  test("the validator does reject a body that breaks the contract", async () => {
    // Healthy origins: a degraded page (a fault or lifetime left by an earlier file) lacks parts.
    await mocks.reset();
    const pointer = "paths/~1api~1products~1%7Bid%7D/get/responses/200/content/application~1json/schema";
    // A complete page to break: this Worker's origins have a short leash (300 ms), which a
    // loaded machine can overrun, so ask again rather than take an error page for one.
    let response;
    for (let attempt = 0; attempt < 5; attempt += 1) {
      response = await bff.fetch("/api/products/1");
      if (response.status === 200 && !response.json.degraded) break;
    }
    expect(response.status).toBe(200);
    const page = response.json;
    const valid = (body) => ajv.validate({ $ref: `openapi.json#/${pointer}` }, body);
    expect(valid(page)).toBe(true);
    // The page's documented schema: each required property missing, and each required number or
    // string of the wrong type, is refused (web and mobile: `id: "one"`, no `name`, …).
    const schema = document.paths["/api/products/{id}"].get.responses["200"].content["application/json"].schema;
    const { required, properties } = document.components.schemas[schema.$ref.split("/").pop()];
    expect(required.length).toBeGreaterThan(0);
    for (const field of required) {
      expect(page[field], field).toBeTruthy();
      const { [field]: _, ...without } = page;
      expect(valid(without), `without ${field}`).toBe(false);
      const wrong = { integer: "one", number: "one", string: 1 }[properties[field].type];
      if (wrong !== undefined) expect(valid({ ...page, [field]: wrong }), `${field}: ${JSON.stringify(wrong)}`).toBe(false);
    }
  });

  /** Checks a real answer against the documented response of its method, path and status. */
  function expectDocumented(method, path, response) {
    const url = new URL(path, "http://bff.test");
    const template = Object.keys(document.paths).find((candidate) =>
      new RegExp(`^${candidate.replace(/\{[^}]+\}/g, "[^/]+")}$`).test(url.pathname),
    );
    expect(template, `no documented path for ${url.pathname}`).toBeTruthy();
    const operation = document.paths[template][method];
    expect(operation, `${method} ${template} is not documented`).toBeTruthy();
    const documented = operation.responses[String(response.status)];
    expect(documented, `status ${response.status} of ${method} ${template} is not documented`).toBeTruthy();
    if (response.status === 304 || !documented.content?.["application/json"]?.schema) return;
    const pointer = ["paths", template, method, "responses", String(response.status), "content", "application/json", "schema"]
      .map((part) => encodeURIComponent(part.replaceAll("~", "~0").replaceAll("/", "~1")))
      .join("/");
    const valid = ajv.validate({ $ref: `openapi.json#/${pointer}` }, response.json);
    expect(ajv.errors ?? [], `${method} ${path} → ${response.status}`).toEqual([]);
    expect(valid).toBe(true);
  }

  test.each(requests(frontend))("%s %j %j validates", async (path, headers = {}, fault) => {
    await mocks.reset();
    if (fault) await mocks.fault(fault.service, fault);
    expectDocumented("get", path, await bff.fetch(path, { headers }));
  });

  // Only where the tests can sign in (a scaffolded frontend's audience is unknown to the mock identity).
  if (!FRONTENDS[frontend].credential) return;
  test("signed-in endpoints, sign-in and writes: every answer validates", async () => {
    await mocks.reset();
    const browser = { origin: BROWSER_ORIGIN, "x-csrf": "1" };
    let credential;
    if (FRONTENDS[frontend].credential === "session") {
      const badLogin = await bff.fetch("/auth/login", {
        method: "POST",
        headers: { ...browser, "content-type": "application/json" },
        body: JSON.stringify({ username: "demo", password: "wrong" }),
      });
      expectDocumented("post", "/auth/login", badLogin);
      const login = await bff.fetch("/auth/login", {
        method: "POST",
        headers: { ...browser, "content-type": "application/json" },
        body: JSON.stringify({ username: "demo", password: "demo-password" }),
      });
      expectDocumented("post", "/auth/login", login);
      credential = { ...browser, cookie: login.headers.get("set-cookie").split(";")[0] };
    } else {
      credential = await signIn(frontend, bff, mocks.url);
    }
    const json = { ...credential, "content-type": "application/json" };
    const calls = [
      ["get", "/api/me", {}],
      ["get", "/api/me", { headers: credential }],
      ["get", "/api/cart", { headers: credential }],
      ["post", "/api/cart/items", { headers: { ...json, "idempotency-key": "contract-1" }, body: JSON.stringify({ productId: 1, quantity: 2 }) }],
      ["post", "/api/cart/items", { headers: json, body: JSON.stringify({ productId: 2, quantity: 1 }) }],
      ["post", "/api/cart/items", { headers: json, body: JSON.stringify({ productId: 1, quantity: 100 }) }],
      ["post", "/api/cart/items", { headers: { ...credential, "content-type": "text/plain" }, body: "{}" }],
      ["post", "/api/cart/items", { headers: json, body: "{" }],
      ["delete", "/api/cart/items/2", { headers: credential }],
      ["delete", "/api/cart/items/abc", { headers: credential }],
      ["post", "/api/checkout", { headers: credential }],
      ["post", "/api/checkout", { headers: { ...credential, "idempotency-key": "contract-order" } }],
      ["post", "/api/checkout", { headers: { ...credential, "idempotency-key": "contract-empty" } }],
      ["get", "/openapi.json", {}],
      ["post", "/__admin/cache/purge", { headers: { "content-type": "application/json" }, body: "{}" }],
    ];
    if (FRONTENDS[frontend].credential === "session") calls.push(["post", "/auth/logout", { headers: credential }]);
    const statuses = [];
    let confirmationToken;
    for (const [method, path, init] of calls) {
      const response = await bff.fetch(path, { method: method.toUpperCase(), ...init });
      statuses.push(response.status);
      expectDocumented(method, path, response);
      confirmationToken ??= response.json?.confirmationToken;
    }
    if (FRONTENDS[frontend].checkout === "confirmed") {
      // A checkout confirmed in a second step (voice): the first answers with the token to send back.
      expect(confirmationToken).toBeTruthy();
      const init = {
        method: "POST",
        headers: { ...json, "idempotency-key": "contract-confirmed" },
        body: JSON.stringify({ confirmationToken }),
      };
      const placed = await bff.fetch("/api/checkout", init);
      statuses.push(placed.status);
      expectDocumented("post", "/api/checkout", placed);
    }
    // The journey really went through: signed in, wrote, ordered, and met each kind of refusal.
    expect(statuses).toEqual(expect.arrayContaining([200, 201, 400, 401, 404, 415, 422]));
  });
});
