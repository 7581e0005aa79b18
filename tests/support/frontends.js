// The frontends, found as the Makefile finds them (workers/<name>/Cargo.toml), and the few facts
// about each that the platform tests (tests/platform/) need to run one mechanism against all of
// them: the credential it takes, the read endpoints it serves, the origins its pages call.
//
// A frontend without an entry in FACTS is taken to be what `make new-frontend` makes
// (scripts/new-frontend/*.tmpl): GET /api/products/{id} with the compact profile, plus the
// storefront's common routes (account, cart, checkout, purge, /openapi.json). A platform test
// takes only the frontends that have what it needs — a home-page test those with `home`, a
// signed-in test those with a `credential` — so a scaffolded frontend is in the platform tests
// from its first commit, for what it has, and joins the rest by growing its entry here.
import { readdirSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

const REQUIRED = { required: true };
/** An origin whose failure leaves the page 200, without `part`, and `"degraded": [part]`. */
const optional = (part) => ({ required: false, part });

/** The product page of the full and the mobile profiles: five origins at once. */
const FULL_PRODUCT_PAGE = {
  catalog: REQUIRED,
  pricing: REQUIRED,
  inventory: REQUIRED,
  reviews: optional("reviews"),
  recommendations: optional("related"),
};
/** The compact profile's product page: no related products, reviews only for the rating. */
const COMPACT_PRODUCT_PAGE = {
  catalog: REQUIRED,
  pricing: REQUIRED,
  inventory: REQUIRED,
  reviews: optional("reviews"),
};
const HOME_PAGE = { catalog: REQUIRED, recommendations: optional("recommendations") };

/** What a scaffolded frontend has (and the defaults of every entry below). */
const SCAFFOLD = {
  /**
   * "session" (web: POST /auth/login with `X-CSRF: 1` and an allowed `Origin`, then the cookie),
   * "bearer" (a JWT from the mock identity, audience = the frontend's name), or null. A new
   * frontend takes a bearer JWT, but the mock identity issues tokens only for the audiences it
   * knows (mocks/src/services/identity.rs): until its audience is added there and its entry
   * says "bearer", no signed-in platform test runs on it.
   */
  credential: null,
  /** A browser app of its own: ALLOWED_ORIGIN for CORS and the CSRF check, a login endpoint. */
  browserApp: false,
  /** GET /api/products/{id}: the origins it calls and what each one's failure costs. */
  productPage: COMPACT_PRODUCT_PAGE,
  /** GET /api/home, if served: its origins. */
  home: null,
  /** GET /api/products?…: "pages" (?page=) or "cursor" (?cursor=), if served. */
  listing: null,
  /** GET /api/products/{id}/reviews. */
  reviews: false,
  /** GET /api/search?q= (voice's spoken search). */
  search: false,
  /** Save-Data: on as its own, smaller variant. */
  saveData: false,
  /** Where a product page carries its price (money in the shopper's language); null: it has none to format. */
  price: (page) => page.price,
  /** The storefront's common cart and checkout answers ("storefront"), or its own ("own"). */
  cart: "storefront",
  /** "placed": POST /api/checkout places the order; "confirmed": it first answers a `confirmationToken`, and places the order when that is sent back. */
  checkout: "placed",
};

const FACTS = {
  web: {
    credential: "session",
    browserApp: true,
    productPage: FULL_PRODUCT_PAGE,
    home: HOME_PAGE,
    listing: "pages",
    reviews: true,
    price: (page) => page.price.current,
  },
  mobile: {
    credential: "bearer",
    productPage: FULL_PRODUCT_PAGE,
    home: HOME_PAGE,
    listing: "cursor",
    reviews: true,
    saveData: true,
  },
  voice: {
    credential: "bearer",
    search: true,
    // It speaks English: money said aloud, no Accept-Language variant.
    price: null,
    // Spoken cart and two-step checkout (tests/voice/).
    cart: "own",
    checkout: "confirmed",
  },
};

/** The session frontend's browser origin: the BFF's own, admitted by its dev config. */
export const BROWSER_ORIGIN = "http://127.0.0.1:8787";

function discover() {
  const dir = `${ROOT}workers`;
  return readdirSync(dir)
    .filter((name) => statSync(`${dir}/${name}`).isDirectory())
    .filter((name) => {
      try {
        return statSync(`${dir}/${name}/Cargo.toml`).isFile();
      } catch {
        return false;
      }
    })
    .sort();
}

/** Every frontend, by name: its facts. */
export const FRONTENDS = Object.fromEntries(discover().map((name) => [name, { name, ...SCAFFOLD, ...FACTS[name] }]));

/** The names of the frontends that have what `has` asks for (every one without it). */
export function frontends(has = () => true) {
  return Object.values(FRONTENDS)
    .filter(has)
    .map((frontend) => frontend.name);
}

/** An access token from the mock identity for `audience`. */
export async function identityToken(mocksUrl, audience, username = "demo", password = `${username}-password`) {
  const response = await fetch(`${mocksUrl}/identity/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password, audience }),
  });
  if (!response.ok) throw new Error(`identity refused a token for ${audience}: ${response.status} ${await response.text()}`);
  return (await response.json()).access_token;
}

/**
 * Signs `username` in at `bff` (the Worker of frontend `name`) with that frontend's credential;
 * returns the headers that carry it on reads and writes. A session frontend's login needs an
 * `origin` its ALLOWED_ORIGIN admits.
 */
export async function signIn(name, bff, mocksUrl, { username = "demo", password = `${username}-password`, origin = BROWSER_ORIGIN } = {}) {
  const { credential } = FRONTENDS[name];
  if (credential === "session") {
    const browser = { origin, "x-csrf": "1" };
    const login = await bff.fetch("/auth/login", {
      method: "POST",
      headers: { ...browser, "content-type": "application/json" },
      body: JSON.stringify({ username, password }),
    });
    if (login.status !== 200) throw new Error(`login at ${name}: ${login.status} ${login.text}`);
    return { ...browser, cookie: login.headers.get("set-cookie").split(";")[0] };
  }
  if (credential === "bearer") return { authorization: `Bearer ${await identityToken(mocksUrl, name, username, password)}` };
  throw new Error(`${name} has no credential the tests can obtain`);
}
