// The typed contract: each Worker's /openapi.json is a valid OpenAPI 3.1 document, and real
// responses of every endpoint (complete, degraded, Save-Data, errors) validate against it.
import { Validator } from "@seriousme/openapi-schema-validator";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { MockControl } from "./support/mock-origins.js";
import { NO_CACHE, startWorker } from "./support/workers.js";

const mocks = new MockControl(inject("mocksUrl"));

/** Requests per Worker: [path, request headers, origin fault to apply first]. */
const REQUESTS = {
  common: [
    ["/api/home"],
    ["/api/home", {}, { service: "recommendations", mode: "status", status: 500 }],
    ["/api/products?category=headphones"],
    ["/api/products?q=wireless&limit=5"],
    ["/api/products?category=headphones", {}, { service: "inventory", mode: "reset" }],
    ["/api/products/1"],
    ["/api/products/4999"],
    ["/api/products/9", {}, { service: "reviews", mode: "hang" }],
    ["/api/products/9", {}, { service: "recommendations", mode: "garbage" }],
    ["/api/products/1/reviews"],
    ["/api/products/77/reviews"],
    ["/api/products/abc"],
    ["/api/products/999999"],
    ["/api/products?limit=0"],
    ["/api/products?category=nope"],
    ["/api/products/1", {}, { service: "catalog", mode: "status", status: 503 }],
  ],
  web: [["/api/products?category=headphones&page=2&limit=60"], ["/api/products/2/reviews?page=3"]],
  mobile: [
    ["/api/products/1", { "save-data": "on" }],
    ["/api/home", { "save-data": "on" }],
    ["/api/products?category=headphones", { "save-data": "on" }],
    ["/api/products?cursor=forged"],
  ],
};

describe.each(["web", "mobile"])("%s contract", (frontend) => {
  let bff;
  let document;
  let ajv;
  beforeAll(async () => {
    // The fault cases check each answer's shape in one isolate; the circuit breaker that would
    // open over them has its own tests (breaker.test.js).
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
    for (const path of ["/api/home", "/api/products", "/api/products/{id}", "/api/products/{id}/reviews", "/api/me", "/api/cart", "/api/cart/items", "/api/cart/items/{productId}", "/api/checkout", "/openapi.json"]) {
      expect(described).toContain(path);
    }
    expect(described.includes("/auth/login")).toBe(frontend === "web");
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
    expect(ajv.validate({ $ref: `openapi.json#/${pointer}` }, page)).toBe(true);
    expect(ajv.validate({ $ref: `openapi.json#/${pointer}` }, { ...page, id: "one" })).toBe(false);
    const { name, ...nameless } = page;
    expect(name).toBeTruthy();
    expect(ajv.validate({ $ref: `openapi.json#/${pointer}` }, nameless)).toBe(false);
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

  test.each([...REQUESTS.common, ...REQUESTS[frontend]])("%s %j %j validates", async (path, headers = {}, fault) => {
    await mocks.reset();
    if (fault) await mocks.fault(fault.service, fault);
    expectDocumented("get", path, await bff.fetch(path, { headers }));
  });

  test("signed-in endpoints, sign-in and writes: every answer validates", async () => {
    await mocks.reset();
    const browser = { origin: "http://127.0.0.1:8787", "x-csrf": "1" };
    let credential;
    if (frontend === "web") {
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
      const grant = await fetch(`${mocks.url}/identity/token`, {
        method: "POST",
        body: JSON.stringify({ username: "demo", password: "demo-password", audience: frontend }),
      }).then((r) => r.json());
      credential = { authorization: `Bearer ${grant.access_token}` };
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
    if (frontend === "web") calls.push(["post", "/auth/logout", { headers: credential }]);
    const statuses = [];
    for (const [method, path, init] of calls) {
      const response = await bff.fetch(path, { method: method.toUpperCase(), ...init });
      statuses.push(response.status);
      expectDocumented(method, path, response);
    }
    // The journey really went through: signed in, wrote, ordered, and met each kind of refusal.
    expect(statuses).toEqual(expect.arrayContaining([200, 201, 400, 401, 404, 415, 422]));
  });
});
