// The per-request parts of this project's contract (DESIGN.md), in JavaScript: written once for
// make bench's JavaScript Workers, the floor with the contract (floor/with-contract.js) and the
// pages that do mobile's job (replica/).

export const SECURITY_HEADERS = [
  ["content-type", "application/json; charset=utf-8"],
  ["x-content-type-options", "nosniff"],
  ["strict-transport-security", "max-age=63072000; includeSubDomains"],
  ["x-frame-options", "DENY"],
  ["content-security-policy", "default-src 'none'; frame-ancestors 'none'"],
  ["referrer-policy", "no-referrer"],
];

/** A request id: 128 random bits, hex. */
export function newId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let id = "";
  for (const byte of bytes) id += byte.toString(16).padStart(2, "0");
  return id;
}

/** FNV-1a over the body's UTF-16 code units and its length: a strong validator of the bytes sent. */
export function tagOf(body) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < body.length; i++) {
    hash ^= body.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return `"${(hash >>> 0).toString(16).padStart(8, "0")}${body.length.toString(16)}"`;
}

/** The Server-Timing value of a reply's timings and the total, or null without timings. */
export function serverTiming(timings, elapsed) {
  if (!timings.length) return null;
  const entries = timings.map(([name, ms, desc]) => `${name};dur=${ms.toFixed(1)};desc="${desc}"`);
  return `${entries.join(", ")}, total;dur=${elapsed.toFixed(1)}`;
}

/** The request's one structured log line. */
export function logLine(requestId, method, path, status, elapsed, reply) {
  console.log(
    JSON.stringify({
      request_id: requestId,
      method,
      path,
      status,
      duration_ms: elapsed,
      ...(reply.cache && { cache: reply.cache }),
      ...(reply.error && { error: reply.error }),
      origins: reply.timings.map(([name, ms, outcome]) => ({ name, outcome, duration_ms: ms })),
    }),
  );
}
