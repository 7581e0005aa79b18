// The mock origins: the real native server (mocks/), started on a free loopback port, and a
// small client for its control API (stats, faults, reset, internal fields).
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

const BIN = process.env.MOCK_ORIGINS_BIN;

export async function startMockOrigins() {
  if (!BIN) throw new Error("MOCK_ORIGINS_BIN is not set: run the tests through `make test`");
  const child = spawn(BIN, ["--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on("line", (line) => {
      const match = /listening on (127\.0\.0\.1:\d+)/.exec(line);
      if (match) resolve(`http://${match[1]}`);
    });
    child.once("exit", (code) => reject(new Error(`mock origins exited early (${code})`)));
    child.once("error", reject);
  });
  return {
    url,
    pid: child.pid,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", resolve);
        child.kill("SIGTERM");
      }),
  };
}

export class MockControl {
  constructor(url) {
    this.url = url;
  }

  async #call(method, path, body) {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: body ? { "content-type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return response.json();
  }

  reset() {
    return this.#call("POST", "/__control/reset");
  }

  stats() {
    return this.#call("GET", "/__control/stats");
  }

  /** fault: { mode: "ok|status|hang|garbage|reset", status?, latency_ms? } */
  fault(service, fault) {
    return this.#call("POST", "/__control/faults", { service, ...fault });
  }

  /** Lifetimes of tokens issued from now on: { access_seconds, refresh_seconds } (reset restores them). */
  lifetimes(lifetimes) {
    return this.#call("POST", "/__control/identity/lifetimes", lifetimes);
  }

  /** A token signed by identity with exactly these claims (and the key `kid`, if given). */
  async mint(claims, kid) {
    return (await this.#call("POST", "/__control/identity/mint", { claims, ...(kid ? { kid } : {}) })).token;
  }

  /** A back-channel logout token for `sub`, signed by identity. */
  async logoutToken(sub, aud) {
    return (await this.#call("POST", "/__control/identity/logout-token", { sub, ...(aud ? { aud } : {}) })).logout_token;
  }

  /** The refresh tokens identity would still accept: [{ sub, audience, refresh_token }]. */
  async refreshTokens() {
    return (await this.#call("GET", "/__control/identity/refresh-tokens")).tokens;
  }

  internalFields() {
    return this.#call("GET", "/__control/internal-fields");
  }

  /** An origin's own answer, fetched directly (not through a Worker). */
  async origin(path) {
    const response = await fetch(`${this.url}${path}`);
    return { status: response.status, bytes: (await response.arrayBuffer()).byteLength };
  }
}
