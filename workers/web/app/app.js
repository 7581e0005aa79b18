// The storefront web app. It talks only to its own BFF (same origin): the session lives in an
// HttpOnly cookie the BFF sets, so this code never sees a token. Every request carries the CSRF
// header the BFF requires. Views are built with DOM calls, never from HTML strings, so origin
// text (names, reviews) cannot inject markup.

// @ts-check
/** @typedef {import("../client/api").components["schemas"]} Schemas */

/** @param {string} id */
const byId = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const view = byId("view");
const account = byId("account");
const cartLink = byId("cart-link");

/** What the app knows about the shopper: `null` while anonymous. @type {Schemas["MeView"] | null} */
let shopper = null;

class ApiError extends Error {
  /**
   * @param {number} status
   * @param {Partial<Schemas["ErrorDetail"]> | undefined} error
   */
  constructor(status, error) {
    super(error?.message ?? `Request failed (${status})`);
    this.status = status;
    this.code = error?.code ?? "unknown";
  }
}

/**
 * Calls the BFF. Errors become `ApiError` with the BFF's code and message. The caller names the
 * answer's type from the generated client (`Schemas[...]`).
 * @param {string} path
 * @param {{ method?: string, body?: unknown, idempotencyKey?: string }} [options]
 * @returns {Promise<any>}
 */
async function api(path, { method = "GET", body, idempotencyKey } = {}) {
  /** @type {Record<string, string>} */
  const headers = { accept: "application/json", "x-csrf": "1" };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (idempotencyKey) headers["idempotency-key"] = idempotencyKey;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, { code: "network", message: "The shop cannot be reached. Check your connection." });
  }
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, data?.error);
  return data;
}

/**
 * `h("a", {href: "/"}, "Home")`: an element with attributes (or handlers, `on…`) and children.
 * @param {string} tag
 * @param {Record<string, any>} [attributes]
 * @param {...any} children
 * @returns {HTMLElement}
 */
function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

/** @param {string} href @param {...any} children */
const link = (href, ...children) => h("a", { href, "data-link": true }, ...children);

/**
 * An image that reserves its space and shows its alt text if it cannot load.
 * @param {{ url: string, width: number, height: number, alt?: string } | null | undefined} image
 * @param {string} className
 */
function picture(image, className) {
  if (!image) return h("div", { class: `${className} image-missing` }, "No image");
  const img = h("img", {
    src: image.url,
    alt: image.alt ?? "",
    width: image.width,
    height: image.height,
    loading: "lazy",
    decoding: "async",
    class: className,
  });
  img.addEventListener("error", () => {
    // Small frames show no caption: the alt text is still there for assistive technology.
    const caption = image.width >= 120 ? image.alt ?? "" : "";
    const stand_in = h("div", { class: `${className} image-missing`, role: "img", "aria-label": image.alt ?? "" }, caption);
    stand_in.style.aspectRatio = `${image.width} / ${image.height}`;
    img.replaceWith(stand_in);
  });
  return img;
}

/** @param {Schemas["Money"] | undefined} value */
const money = (value) => value?.formatted ?? "";

/** @type {Record<Schemas["Availability"], string>} */
const AVAILABILITY = {
  in_stock: "In stock",
  low_stock: "Only a few left",
  out_of_stock: "Out of stock",
  backorder: "On backorder",
};

/** @param {string} text */
function notice(text, kind = "info") {
  return h("p", { class: `notice notice-${kind}`, role: kind === "error" ? "alert" : "status" }, text);
}

/**
 * A card of any list: featured, recommended, related, or a listing's.
 * @param {Schemas["ProductCard"] | Schemas["ListingCard"]} card
 */
function productCard(card) {
  const price = card.price && "current" in card.price ? card.price.current : card.price;
  const availability = "availability" in card ? card.availability : undefined;
  const brand = "brand" in card ? card.brand : undefined;
  return h(
    "li",
    { class: "card" },
    link(`/product/${card.id}`, picture(card.image ? { ...card.image, alt: card.name } : null, "card-image"), h("span", { class: "card-name" }, card.name)),
    brand ? h("span", { class: "card-brand" }, brand) : null,
    price ? h("span", { class: "card-price" }, money(price)) : null,
    availability ? h("span", { class: `availability ${availability}` }, AVAILABILITY[availability]) : null,
  );
}

/** @param {ReadonlyArray<Schemas["ProductCard"] | Schemas["ListingCard"]>} cards */
const cardGrid = (cards) => h("ul", { class: "cards" }, cards.map(productCard));

/**
 * Names the parts the BFF could not fetch: the page shows them as missing, not broken.
 * @param {{ degraded?: readonly string[] }} page
 * @param {string} part
 * @param {string} text
 */
function degradedNotice(page, part, text) {
  return page.degraded?.includes(part) ? notice(text) : null;
}

// ---------------------------------------------------------------------------------------------
// Views: each returns the nodes of the main area.

async function homeView() {
  /** @type {Schemas["HomePage"]} */
  const page = await api("/api/home");
  return [
    h("h1", {}, "Featured"),
    cardGrid(page.featured),
    h("h2", {}, "Categories"),
    h(
      "ul",
      { class: "categories" },
      page.categories.map((category) =>
        h("li", {}, link(`/category/${encodeURIComponent(category.slug)}`, category.name), h("span", { class: "count" }, ` (${category.productCount})`)),
      ),
    ),
    page.recommendations?.length ? [h("h2", {}, shopper ? "Picked for you" : "Popular picks"), cardGrid(page.recommendations)] : null,
    degradedNotice(page, "recommendations", "Recommendations are unavailable right now."),
  ];
}

/** @param {string} slug @param {URLSearchParams} params */
async function listingView(slug, params) {
  const page = Math.max(1, Number.parseInt(params.get("page") ?? "1", 10) || 1);
  const query = new URLSearchParams({ category: slug, page: String(page) });
  /** @type {Schemas["ListingPage"]} */
  const listing = await api(`/api/products?${query}`);
  /** @param {number} number */
  const pageLink = (number, label = String(number)) =>
    number === listing.page
      ? h("span", { class: "page current", "aria-current": "page" }, label)
      : link(`/category/${encodeURIComponent(slug)}?page=${number}`, label);
  const numbers = [];
  for (let number = Math.max(1, listing.page - 2); number <= Math.min(listing.totalPages, listing.page + 2); number += 1) {
    numbers.push(pageLink(number));
  }
  return [
    h("h1", {}, slug.replaceAll("-", " ")),
    h("p", { class: "muted" }, `${listing.totalItems} products`),
    cardGrid(listing.items),
    degradedNotice(listing, "availability", "Availability is unavailable right now."),
    h(
      "nav",
      { class: "pagination", "aria-label": "Pages" },
      listing.page > 1 ? pageLink(listing.page - 1, "‹ Previous") : null,
      numbers,
      listing.page < listing.totalPages ? pageLink(listing.page + 1, "Next ›") : null,
    ),
  ];
}

/** @param {readonly Schemas["GalleryImage"][]} images */
function gallery(images) {
  if (!images.length) return h("div", { class: "gallery" }, picture(null, "gallery-main"));
  const main = h("div", { class: "gallery-main-frame" }, picture(images[0], "gallery-main"));
  const thumbs = h(
    "div",
    { class: "gallery-thumbs" },
    images.map((image, index) =>
      h(
        "button",
        { type: "button", class: "thumb", "aria-label": `Show image ${index + 1}: ${image.alt}`, onclick: () => main.replaceChildren(picture(image, "gallery-main")) },
        picture({ ...image, width: 64, height: Math.round((64 * image.height) / image.width) }, "thumb-image"),
      ),
    ),
  );
  return h("div", { class: "gallery" }, main, thumbs);
}

/** @param {Schemas["ProductPage"]} product */
function reviewsSection(product) {
  if (!product.reviews) return degradedNotice(product, "reviews", "Reviews are unavailable right now.");
  const { reviews } = product;
  return h(
    "section",
    { class: "reviews", "aria-labelledby": "reviews-title" },
    h("h2", { id: "reviews-title" }, `Reviews (${reviews.count})`),
    h("p", { class: "rating" }, `${reviews.averageRating.toFixed(1)} out of 5`),
    h(
      "ol",
      { class: "review-list" },
      reviews.items.map((review) =>
        h(
          "li",
          { class: "review" },
          h("strong", {}, `${"★".repeat(review.rating)}${"☆".repeat(5 - review.rating)} ${review.title}`),
          h("p", {}, review.body),
          h("p", { class: "muted" }, `${review.author}, ${review.date}${review.verifiedPurchase ? " · verified purchase" : ""}`),
        ),
      ),
    ),
  );
}

/** @param {string} id */
async function productView(id) {
  /** @type {Schemas["ProductPage"]} */
  const product = await api(`/api/products/${encodeURIComponent(id)}`);
  const status = h("p", { class: "add-status", role: "status" });
  const quantity = h("input", { type: "number", min: 1, max: 99, value: 1, name: "quantity", "aria-label": "Quantity" });
  /** @param {SubmitEvent} event */
  const addToCart = async (event) => {
    event.preventDefault();
    if (!shopper) return navigate(`/signin?next=${encodeURIComponent(location.pathname)}`);
    const button = /** @type {HTMLButtonElement} */ (event.submitter);
    button.disabled = true;
    try {
      /** @type {Schemas["AddItem"]} */
      const item = { productId: product.id, quantity: Number(/** @type {HTMLInputElement} */ (quantity).value) };
      await api("/api/cart/items", {
        method: "POST",
        body: item,
        idempotencyKey: crypto.randomUUID(),
      });
      status.textContent = "Added to your cart.";
      await refreshCartCount();
    } catch (error) {
      status.textContent = /** @type {Error} */ (error).message;
    } finally {
      button.disabled = false;
    }
  };
  return [
    h("nav", { class: "crumbs" }, link("/", "Home"), " › ", link(`/category/${encodeURIComponent(product.category.slug)}`, product.category.name)),
    h(
      "article",
      { class: "product" },
      gallery(product.images),
      h(
        "div",
        { class: "product-info" },
        h("h1", {}, product.name),
        h("p", { class: "muted" }, product.brand),
        h(
          "p",
          { class: "price" },
          money(product.price.current),
          product.price.was ? h("s", { class: "was" }, money(product.price.was)) : null,
        ),
        h(
          "p",
          { class: `availability ${product.availability.state}` },
          AVAILABILITY[product.availability.state],
          product.availability.restockEta ? ` — back ${product.availability.restockEta}` : "",
        ),
        h("form", { class: "add-to-cart", onsubmit: addToCart }, quantity, h("button", { type: "submit" }, "Add to cart")),
        status,
        h("p", { class: "description" }, product.description),
        product.specs.length
          ? h("table", { class: "specs" }, h("tbody", {}, product.specs.map((spec) => h("tr", {}, h("th", { scope: "row" }, spec.name), h("td", {}, spec.value)))))
          : null,
      ),
    ),
    reviewsSection(product),
    product.related?.length ? [h("h2", {}, "You may also like"), cardGrid(product.related)] : degradedNotice(product, "related", "Related products are unavailable right now."),
  ];
}

/** @param {URLSearchParams} params */
function signInView(params) {
  const error = h("p", { class: "form-error", role: "alert" });
  /** @param {SubmitEvent} event */
  const submit = async (event) => {
    event.preventDefault();
    const form = new FormData(/** @type {HTMLFormElement} */ (event.target));
    /** @type {Schemas["LoginRequest"]} */
    const credentials = { username: String(form.get("username")), password: String(form.get("password")) };
    try {
      await api("/auth/login", { method: "POST", body: credentials });
      await loadShopper();
      navigate(safeNext(params.get("next")));
    } catch (failure) {
      error.textContent = /** @type {Error} */ (failure).message;
    }
  };
  return [
    h("h1", {}, "Sign in"),
    h(
      "form",
      { class: "signin", onsubmit: submit },
      h("label", {}, "Username", h("input", { name: "username", autocomplete: "username", required: true })),
      h("label", {}, "Password", h("input", { name: "password", type: "password", autocomplete: "current-password", required: true })),
      h("button", { type: "submit" }, "Sign in"),
      error,
    ),
  ];
}

/** Only paths of this app are followed after sign-in, never another site. @param {string | null} next */
const safeNext = (next) => (next && next.startsWith("/") && !next.startsWith("//") ? next : "/");

async function cartView() {
  if (!shopper) return navigate("/signin?next=/cart");
  /** @type {Schemas["CartView"]} */
  const cart = await api("/api/cart");
  if (!cart.items.length) return [h("h1", {}, "Your cart"), h("p", {}, "Your cart is empty."), link("/", "Continue shopping")];
  // One key per checkout attempt: a retry after a lost answer places the order once.
  const checkoutKey = crypto.randomUUID();
  const status = h("p", { class: "form-error", role: "alert" });
  /** @param {MouseEvent} event */
  const checkout = async (event) => {
    const button = /** @type {HTMLButtonElement} */ (event.target);
    button.disabled = true;
    try {
      /** @type {Schemas["OrderView"]} */
      const order = await api("/api/checkout", { method: "POST", body: {}, idempotencyKey: checkoutKey });
      await refreshCartCount();
      show([
        h("h1", {}, "Thank you!"),
        h("p", { class: "order-confirmation" }, "Your order ", h("strong", { class: "order-id" }, order.orderId), ` is ${order.status}. Total ${money(order.total)}.`),
        link("/", "Continue shopping"),
      ]);
    } catch (error) {
      status.textContent = /** @type {Error} */ (error).message;
      button.disabled = false;
    }
  };
  /** @param {number} productId */
  const remove = (productId) => async () => {
    await api(`/api/cart/items/${productId}`, { method: "DELETE", idempotencyKey: crypto.randomUUID() });
    await refreshCartCount();
    render();
  };
  return [
    h("h1", {}, "Your cart"),
    h(
      "table",
      { class: "cart" },
      h("thead", {}, h("tr", {}, h("th", {}, "Product"), h("th", {}, "Quantity"), h("th", {}, "Price"), h("th", {}, "Total"), h("th", {}))),
      h(
        "tbody",
        {},
        cart.items.map((line) =>
          h(
            "tr",
            { class: "cart-line" },
            h(
              "td",
              { class: "cart-product" },
              link(`/product/${line.productId}`, picture(line.thumbnail, "cart-thumb"), h("span", {}, line.name ?? `Product ${line.productId}`)),
            ),
            h("td", {}, String(line.quantity)),
            h("td", {}, money(line.unitPrice)),
            h("td", {}, money(line.lineTotal)),
            h("td", {}, h("button", { type: "button", class: "link-button", onclick: remove(line.productId) }, "Remove")),
          ),
        ),
      ),
    ),
    degradedNotice(cart, "products", "Product names are unavailable right now."),
    h("p", { class: "subtotal" }, `Subtotal: ${money(cart.subtotal)}`),
    h("button", { type: "button", class: "checkout", onclick: checkout }, "Place order"),
    status,
  ];
}

// ---------------------------------------------------------------------------------------------
// Shell: who is signed in, the cart count, routing.

async function loadShopper() {
  try {
    shopper = await api("/api/me");
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 401) console.warn(error);
    shopper = null;
  }
  renderAccount();
  await refreshCartCount();
}

function renderAccount() {
  const signOut = async () => {
    await api("/auth/logout", { method: "POST", body: {} }).catch(() => {});
    shopper = null;
    renderAccount();
    await refreshCartCount();
    navigate("/");
  };
  account.replaceChildren(
    shopper
      ? h("span", {}, h("span", { class: "greeting" }, `Hi, ${shopper.name}`), " ", h("button", { type: "button", class: "link-button sign-out", onclick: signOut }, "Sign out"))
      : link(`/signin?next=${encodeURIComponent(location.pathname)}`, "Sign in"),
  );
}

async function refreshCartCount() {
  let count = 0;
  if (shopper) count = await api("/api/cart").then((/** @type {Schemas["CartView"]} */ cart) => cart.itemCount, () => 0);
  cartLink.textContent = count ? `Cart (${count})` : "Cart";
}

/** @param {any} nodes */
function show(nodes) {
  view.replaceChildren(...[nodes].flat(Infinity).filter((node) => node !== null && node !== undefined && node !== false));
}

/**
 * @param {string} path
 * @param {URLSearchParams} params
 * @returns {any}
 */
function route(path, params) {
  let match;
  if (path === "/") return homeView();
  if ((match = /^\/category\/([^/]+)$/.exec(path))) return listingView(decodeURIComponent(match[1]), params);
  if ((match = /^\/product\/(\d+)$/.exec(path))) return productView(match[1]);
  if (path === "/signin") return signInView(params);
  if (path === "/cart") return cartView();
  return [h("h1", {}, "Not found"), h("p", {}, "There is no such page. "), link("/", "Go to the home page")];
}

let rendering = 0;
async function render() {
  const ticket = ++rendering;
  view.setAttribute("aria-busy", "true");
  try {
    const nodes = await route(location.pathname, new URLSearchParams(location.search));
    if (ticket === rendering && nodes) show(nodes);
  } catch (caught) {
    if (ticket !== rendering) return;
    const error = caught instanceof ApiError ? caught : new ApiError(0, { message: String(caught) });
    if (error.status === 401) return navigate(`/signin?next=${encodeURIComponent(location.pathname)}`);
    show([h("h1", {}, error.status === 404 ? "Not found" : "Something went wrong"), notice(error.message, "error")]);
  } finally {
    if (ticket === rendering) view.removeAttribute("aria-busy");
  }
}

/** @param {string} url */
function navigate(url) {
  if (url !== location.pathname + location.search) history.pushState(null, "", url);
  renderAccount();
  render();
  window.scrollTo(0, 0);
}

document.addEventListener("click", (event) => {
  const anchor = event.target instanceof Element ? event.target.closest("a[data-link]") : null;
  if (!anchor || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
  event.preventDefault();
  navigate(anchor.getAttribute("href") ?? "/");
});
window.addEventListener("popstate", () => render());

await loadShopper();
await render();

export {};
