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
    bff = await startWorker(frontend, mocks.url, { vars: { ...NO_CACHE, ORIGIN_TIMEOUT_MS: "300" } });
    document = (await bff.fetch("/openapi.json")).json;
    ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    for (const format of ["int32", "int64", "float", "double"]) ajv.addFormat(format, true);
    ajv.addSchema({ ...document, $id: "openapi.json" });
  });
  afterAll(() => bff.dispose());

  test("/openapi.json is a valid OpenAPI 3.1 document describing every read endpoint", async () => {
    const response = await bff.fetch("/openapi.json");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    const result = await new Validator().validate(structuredClone(document));
    expect(result.errors ?? [], JSON.stringify(result.errors)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(document.openapi).toMatch(/^3\.1\./);
    expect(Object.keys(document.paths).sort()).toEqual(["/api/home", "/api/products", "/api/products/{id}", "/api/products/{id}/reviews"]);
  });

  test("the validator does reject a body that breaks the contract", async () => {
    const pointer = "paths/~1api~1products~1%7Bid%7D/get/responses/200/content/application~1json/schema";
    const page = (await bff.fetch("/api/products/1")).json;
    expect(ajv.validate({ $ref: `openapi.json#/${pointer}` }, page)).toBe(true);
    expect(ajv.validate({ $ref: `openapi.json#/${pointer}` }, { ...page, id: "one" })).toBe(false);
    const { name, ...nameless } = page;
    expect(name).toBeTruthy();
    expect(ajv.validate({ $ref: `openapi.json#/${pointer}` }, nameless)).toBe(false);
  });

  test.each([...REQUESTS.common, ...REQUESTS[frontend]])("%s %j %j validates", async (path, headers = {}, fault) => {
    await mocks.reset();
    if (fault) await mocks.fault(fault.service, fault);
    const response = await bff.fetch(path, { headers });
    const url = new URL(path, "http://bff.test");
    const template = Object.keys(document.paths).find((candidate) =>
      new RegExp(`^${candidate.replace(/\{[^}]+\}/g, "[^/]+")}$`).test(url.pathname),
    );
    expect(template, `no documented path for ${url.pathname}`).toBeTruthy();
    const documented = document.paths[template].get.responses[String(response.status)];
    expect(documented, `status ${response.status} of ${template} is not documented`).toBeTruthy();
    const pointer = ["paths", template, "get", "responses", String(response.status), "content", "application/json", "schema"]
      .map((part) => encodeURIComponent(part.replaceAll("~", "~0").replaceAll("/", "~1")))
      .join("/");
    const valid = ajv.validate({ $ref: `openapi.json#/${pointer}` }, response.json);
    expect(ajv.errors ?? [], `${path} → ${response.status}`).toEqual([]);
    expect(valid).toBe(true);
  });
});
