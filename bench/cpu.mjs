// CPU per request of each Rust Worker against the floor (bench/floor/worker.js), and the cold
// start, as `make bench` reports them.
//
// Each Worker runs in its own Miniflare instance, which is its own workerd process; the figure is
// that process's CPU time (utime + stime, in nanoseconds: see `cpuSeconds`) over a batch,
// divided by the batch's requests. Batches run in alternation (floor, Worker, floor, Worker, …),
// the order reversed every round, so that the machine's drift falls on both sides alike; a
// round's ratio compares batches of that round.
import { NO_CACHE, startWorker } from "../tests/support/workers.js";
import { ALWAYS_FRESH, HOT_PRODUCTS, UNLIMITED, cpuSeconds, dispatch, firstRequest, hotId, load, median, missId, percentile, separateCores, spread, startContractFloor, startFloor, startReplica, startRustFloor, table, withPid } from "./support.mjs";

/** The origin calls of each frontend's product page, for the floor to make the same ones. */
const PAGE_CALLS = {
  web: { reviews: 10, related: 12 },
  mobile: { reviews: 3, related: 4 },
  voice: { reviews: 1, related: 0 },
};
/** The subjects' names in the report: mobile's page in plain JavaScript, and with Hono. */
const JS_REPLICA = "mobile (JS)";
const HONO_REPLICA = "mobile (Hono)";
const REPLICAS = [
  { name: JS_REPLICA, framework: "none" },
  { name: HONO_REPLICA, framework: "hono" },
];
/** The floor with the contract (bench/floor/with-contract.js), on mobile's floor requests. */
const CONTRACT_FLOOR = "floor + contract";
/** The floor written with workers-rs alone (bench/floor-rs), on mobile's floor requests and cold. */
const RUST_FLOOR = "floor in Rust (workers-rs)";

/**
 * The CPU section: per frontend, cache off (every request fans out) and HIT (every request
 * answered from a warmed KV entry), at each concurrency; with mobile, also the same page as a
 * plain JavaScript Worker (bench/replica/mobile.js) and as a Hono Worker
 * (bench/replica/mobile-hono.js), against the same floor; and on the floor's requests for
 * mobile's page, the floor with the contract (bench/floor/with-contract.js): how much of each
 * ratio the contract takes before any Worker does its job; and the floor written with workers-rs
 * alone (bench/floor-rs): what Rust pays for the floor's work the way workers-rs does it.
 */
export async function cpuSection(mocksUrl, mocks, frontends, { rounds, concurrencies, missRequests, hitRequests, mocksPid }) {
  const floor = await withPid(() => startFloor(mocksUrl));
  const subjects = [];
  let floorLike = [];
  try {
    for (const frontend of frontends) {
      const off = await withPid(() => startWorker(frontend, mocksUrl, { quiet: true, vars: NO_CACHE, rateLimit: UNLIMITED }));
      const hit = await withPid(() => startWorker(frontend, mocksUrl, { quiet: true, vars: ALWAYS_FRESH, rateLimit: UNLIMITED }));
      subjects.push({ name: frontend, frontend, off, hit });
    }
    for (const { name, framework } of frontends.includes("mobile") ? REPLICAS : []) {
      const off = await withPid(() => startReplica(mocksUrl, { vars: NO_CACHE, framework }));
      const hit = await withPid(() => startReplica(mocksUrl, { vars: ALWAYS_FRESH, framework }));
      subjects.push({ name, frontend: "mobile", off, hit, replica: true });
    }
    // Floor + contract and the floor in Rust serve the floor's own requests for mobile's page.
    floorLike = frontends.includes("mobile")
      ? [
          { name: CONTRACT_FLOOR, instance: await withPid(() => startContractFloor(mocksUrl)), marksCache: true },
          // The bare floor's answers: no x-bff-cache to check.
          { name: RUST_FLOOR, instance: await withPid(() => startRustFloor(mocksUrl)), marksCache: false },
        ]
      : [];
    await mocks.reset();
    const pinned = separateCores([...new Set([floor, ...subjects.flatMap((s) => [s.off, s.hit]), ...floorLike.map((s) => s.instance)].map((i) => i.pid))], [process.pid, mocksPid].filter(Boolean));

    // Warm every instance (JIT tiers, KV entries), then give the floor the same entries.
    const floorKv = await floor.mf.getKVNamespace("BFF_CACHE");
    const keyOf = {};
    for (const { name, frontend, off, hit } of subjects) {
      const calls = PAGE_CALLS[frontend];
      const warm = Array.from({ length: 200 }, (_, i) => missId(i));
      await load((id) => dispatch(off.mf, `/api/products/${id}`), warm, 10);
      await load((id) => dispatch(floor.mf, `/miss/${id}?reviews=${calls.reviews}&related=${calls.related}`), warm, 10);
      const hot = Array.from({ length: HOT_PRODUCTS }, (_, i) => hotId(i));
      await load((id) => dispatch(hit.mf, `/api/products/${id}`), hot, 1);
      const kv = await hit.mf.getKVNamespace("BFF_CACHE");
      for (let tries = 0; (await kv.list()).keys.length < HOT_PRODUCTS && tries < 200; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await load((id) => dispatch(hit.mf, `/api/products/${id}`), Array.from({ length: 200 }, (_, i) => hotId(i)), 10);
      // The floor serves the Rust Worker's entries (the replica stores the same pages).
      if (name !== frontend) continue;
      keyOf[frontend] = {};
      for (const { name: stored } of (await kv.list()).keys) {
        const id = Number(/:id=(\d+):/.exec(stored)?.[1]);
        const entry = await kv.getWithMetadata(stored, "arrayBuffer");
        await floorKv.put(stored, entry.value, { metadata: entry.metadata });
        keyOf[frontend][id] = stored;
      }
      await load((id) => dispatch(floor.mf, `/hit?key=${encodeURIComponent(keyOf[frontend][id])}`), Array.from({ length: 200 }, (_, i) => hotId(i)), 10);
    }
    for (const { name, instance, marksCache } of floorLike) {
      // The same requests as the floor's for mobile, the same entries in its KV.
      const kv = await instance.mf.getKVNamespace("BFF_CACHE");
      for (const stored of Object.values(keyOf.mobile)) {
        const entry = await floorKv.getWithMetadata(stored, "arrayBuffer");
        await kv.put(stored, entry.value, { metadata: entry.metadata });
      }
      const calls = PAGE_CALLS.mobile;
      await load((id) => dispatch(instance.mf, `/miss/${id}?reviews=${calls.reviews}&related=${calls.related}`), Array.from({ length: 200 }, (_, i) => missId(i)), 10);
      await load((id) => dispatch(instance.mf, `/hit?key=${encodeURIComponent(keyOf.mobile[id])}`), Array.from({ length: 200 }, (_, i) => hotId(i)), 10);
      subjects.push({ name, frontend: "mobile", off: instance, hit: instance, floorRequests: true, marksCache });
    }

    const parity = [];
    for (const replica of subjects.filter((s) => s.replica)) {
      parity.push({ name: replica.name, ...(await sameScreens(subjects.find((s) => s.name === "mobile").off.mf, replica.off.mf)) });
    }

    const modes = [
      { mode: "cache off", requests: missRequests, ids: missId, rust: (s) => s.off, floorPath: (f, id) => `/miss/${id}?reviews=${PAGE_CALLS[f].reviews}&related=${PAGE_CALLS[f].related}`, cache: null },
      { mode: "HIT", requests: hitRequests, ids: hotId, rust: (s) => s.hit, floorPath: (f, id) => `/hit?key=${encodeURIComponent(keyOf[f][id])}`, cache: "HIT" },
    ];
    const results = [];
    for (const { mode, requests, ids, rust, floorPath, cache } of modes) {
      for (const concurrency of concurrencies) {
        // One pair per frontend: its floor batch and its Worker's batch.
        const runs = Object.fromEntries(subjects.map((s) => [s.name, { floor: [], rust: [] }]));
        for (let round = 0; round < rounds; round++) {
          const order = subjects.flatMap((s) => [
            { name: s.name, side: "floor", mf: floor.mf, pid: floor.pid, path: (id) => floorPath(s.frontend, id) },
            { name: s.name, side: "rust", mf: rust(s).mf, pid: rust(s).pid, path: s.floorRequests ? (id) => floorPath(s.frontend, id) : (id) => `/api/products/${id}`, marksCache: s.marksCache !== false },
          ]);
          if (round % 2) order.reverse();
          for (const batch of order) {
            const paths = Array.from({ length: requests }, (_, i) => batch.path(ids(i + round * requests)));
            const expect = (r) => r.status === 200 && (batch.side === "floor" || !batch.marksCache || !cache || r.headers.get("x-bff-cache") === cache);
            const before = cpuSeconds(batch.pid);
            const { latencies, wallMs, unexpected } = await load((path) => dispatch(batch.mf, path), paths, concurrency, expect);
            const cpuMs = ((cpuSeconds(batch.pid) - before) * 1000) / requests;
            runs[batch.name][batch.side].push({ cpuMs, latencies, rps: (1000 * requests) / wallMs, unexpected });
          }
        }
        for (const [frontend, { floor: floorRuns, rust: rustRuns }] of Object.entries(runs)) {
          results.push({ mode, concurrency, frontend, floorRuns, rustRuns });
        }
      }
    }
    return { results, pinned, parity };
  } finally {
    await Promise.all([...new Set([floor, ...floorLike.map((s) => s.instance), ...subjects.flatMap((s) => [s.off, s.hit])])].map((i) => i.dispose()));
  }
}

/** Products the JS page is checked on before it is measured. */
const PARITY_PRODUCTS = 100;

/**
 * Whether the JS page does the Rust Worker's job: the screens both answer for the same products,
 * compared as JSON values (the Rust Worker writes an average of 4 as 4.0, JavaScript as 4).
 */
async function sameScreens(rustMf, jsMf) {
  const differing = [];
  for (let id = 1; id <= PARITY_PRODUCTS; id++) {
    const [rust, js] = await Promise.all([rustMf, jsMf].map(async (mf) => (await mf.dispatchFetch(`http://bff.test/api/products/${id}`)).text()));
    const value = (text) => JSON.stringify(JSON.parse(text));
    if (value(rust) !== value(js)) differing.push(id);
  }
  return { checked: PARITY_PRODUCTS, differing };
}

export function printCpu({ results, pinned, parity }) {
  console.log(pinned ? "(Workers on their own core, load generator and mock origins on the other)\n" : "(Workers and load generator share the cores)\n");
  const rows = [["mode", "c", "worker", "CPU ms/req (min–median–max)", "floor ms/req", "ratio to floor", "req/s", "floor req/s", "p50 ms", "p99 ms", "unexpected"]];
  for (const { mode, concurrency, frontend, floorRuns, rustRuns } of results) {
    const ratios = rustRuns.map((run, i) => run.cpuMs / floorRuns[i].cpuMs);
    const latencies = rustRuns.flatMap((run) => run.latencies);
    rows.push([
      mode,
      concurrency,
      frontend,
      spread(rustRuns.map((r) => r.cpuMs)),
      spread(floorRuns.map((r) => r.cpuMs)),
      spread(ratios),
      median(rustRuns.map((r) => r.rps)).toFixed(0),
      median(floorRuns.map((r) => r.rps)).toFixed(0),
      percentile(latencies, 50).toFixed(1),
      percentile(latencies, 99).toFixed(1),
      rustRuns.reduce((n, r) => n + r.unexpected.length, 0) + floorRuns.reduce((n, r) => n + r.unexpected.length, 0),
    ]);
  }
  table(rows);
  // The Rust mobile Worker against the same page in JavaScript, batch by batch of a round.
  const replicaRows = [["mode", "c", ...REPLICAS.map(({ name }) => `mobile (Rust) over ${name}, CPU per request (min–median–max)`)]];
  for (const rust of results.filter((r) => r.frontend === "mobile")) {
    const over = REPLICAS.map(({ name }) => {
      const js = results.find((r) => r.frontend === name && r.mode === rust.mode && r.concurrency === rust.concurrency);
      return js ? spread(rust.rustRuns.map((run, i) => run.cpuMs / js.rustRuns[i].cpuMs)) : "";
    });
    if (over.some(Boolean)) replicaRows.push([rust.mode, rust.concurrency, ...over]);
  }
  if (replicaRows.length > 1) {
    console.log("");
    table(replicaRows);
  }
  for (const { name, checked, differing } of parity) {
    const same = checked - differing.length;
    console.log(`(${name} answered the same screen as mobile for ${same} of ${checked} products, cache off${differing.length ? `; not for ${differing.slice(0, 10).join(", ")}: the two pages do different work` : ""})`);
    if (differing.length) process.exitCode = 1;
  }
  const wrong = results.flatMap((r) => [...r.rustRuns, ...r.floorRuns].flatMap((run) => run.unexpected)).slice(0, 5);
  if (wrong.length) console.log(`unexpected answers, e.g.: ${wrong.join("; ")}`);
}

/** A request both mobile Workers refuse before any origin call: the same job for the JS page. */
const REFUSED = { path: "/api/products/0", status: 400 };
/** A product page with its five origin calls (cache off): the first request a shopper waits for. */
const PAGE = { path: "/api/products/1", status: 200 };

/**
 * Cold start: the first request to a fresh instance, with no origin call, for each frontend and
 * the floor's static answer (and the same answer of the floor with the contract, and of the floor
 * written with workers-rs alone: what any Rust Worker's first request costs), alternating and
 * reversing as above; with mobile, also mobile and its JS pages (plain and Hono) on one request
 * all answer alike (a refused product id), and on a product page with the cache off (the five
 * origin calls, the parsing and the shaping: the code a shopper's first request runs). Wall time
 * of that request, and the workerd process's CPU from its start to that answer.
 */
export async function coldSection(mocksUrl, frontends, { starts, path }) {
  const rust = (frontend) => () => startWorker(frontend, mocksUrl, { quiet: true, rateLimit: UNLIMITED });
  const subjects = [
    { name: "floor", start: () => startFloor(mocksUrl), path: "/static", status: 200 },
    { name: CONTRACT_FLOOR, start: () => startContractFloor(mocksUrl), path: "/static", status: 200 },
    { name: RUST_FLOOR, start: () => startRustFloor(mocksUrl), path: "/static", status: 200 },
    ...frontends.map((frontend) => ({ name: frontend, start: rust(frontend), path, status: 200 })),
    ...(frontends.includes("mobile")
      ? [
          { name: "mobile", label: "mobile, refused id", start: rust("mobile"), ...REFUSED },
          ...REPLICAS.map(({ name, framework }) => ({ name, label: `${name}, refused id`, start: () => startReplica(mocksUrl, { framework }), ...REFUSED })),
          { name: "mobile", label: "mobile, product page", start: () => startWorker("mobile", mocksUrl, { quiet: true, vars: NO_CACHE, rateLimit: UNLIMITED }), ...PAGE },
          ...REPLICAS.map(({ name, framework }) => ({ name, label: `${name}, product page`, start: () => startReplica(mocksUrl, { vars: NO_CACHE, framework }), ...PAGE })),
        ]
      : []),
  ].map((subject) => ({ label: subject.name, ...subject }));
  const samples = Object.fromEntries(subjects.map((s) => [s.label, { path: s.path, readyMs: [], firstMs: [], cpuMs: [] }]));
  for (let round = 0; round < starts; round++) {
    const order = round % 2 ? [...subjects].reverse() : subjects;
    for (const subject of order) {
      const first = await firstRequest(subject.start, subject.path);
      if (first.status !== subject.status) throw new Error(`${subject.label} ${subject.path}: ${first.status}`);
      samples[subject.label].readyMs.push(first.readyMs);
      samples[subject.label].firstMs.push(first.firstMs);
      samples[subject.label].cpuMs.push(first.cpuToAnswerMs);
    }
  }
  return samples;
}

export function printCold(samples) {
  const floor = samples.floor;
  const rows = [["worker", "request", "start to ready ms (median)", "first request ms (min–median–max)", "ratio to floor (median)", "workerd CPU to first answer ms"]];
  for (const [name, { path, readyMs, firstMs, cpuMs }] of Object.entries(samples)) {
    rows.push([
      name,
      path,
      median(readyMs).toFixed(0),
      spread(firstMs, 1),
      (median(firstMs) / median(floor.firstMs)).toFixed(2),
      spread(cpuMs, 0),
    ]);
  }
  table(rows);
  // Rust and JavaScript on the same request, same starts: the cost of the Rust Worker's start.
  for (const request of ["refused id", "product page"]) {
    for (const { name } of REPLICAS) {
      const rust = samples[`mobile, ${request}`];
      const js = samples[`${name}, ${request}`];
      if (rust && js) console.log(`mobile over ${name}, ${request} (${rust.path}): first request ${(median(rust.firstMs) / median(js.firstMs)).toFixed(2)}×`);
    }
  }
}

/**
 * What an isolate starting elsewhere in a Worker's process costs the Worker, warm: workerd puts
 * each isolate it creates under memory pressure, and V8 then drops the wasm code it has not
 * optimized, in every isolate of the process, so the Worker's next request compiles that code
 * again (see make cold-code). Each of mobile and its JS page runs in its own instance with a
 * neighbour (tests/support/workers.js) that starts a dynamic Worker's isolate when asked. Both
 * are warmed by `warmRequests` product pages (10 in flight), so that V8 has optimized what a busy
 * isolate's hot code would be; then, every round and for each in turn (the order reversed every
 * round): the CPU of one request, the neighbour starts an isolate, the CPU of the next request.
 */
export async function neighbourSection(mocksUrl, { rounds, warmRequests }) {
  const subjects = [
    { name: "mobile", start: () => startWorker("mobile", mocksUrl, { quiet: true, vars: NO_CACHE, rateLimit: UNLIMITED, neighbour: true }) },
    { name: JS_REPLICA, start: () => startReplica(mocksUrl, { vars: NO_CACHE, neighbour: true }) },
  ];
  const instances = [];
  try {
    for (const subject of subjects) instances.push({ ...subject, instance: await withPid(subject.start) });
    let next = 0;
    const page = () => `/api/products/${missId(next++)}`;
    for (const { name, instance } of instances) {
      const { unexpected } = await load(() => dispatch(instance.mf, page()), Array.from({ length: warmRequests }), 10);
      if (unexpected.length > 0) throw new Error(`${name} while warming up: ${unexpected[0]}`);
    }
    const requestCpuMs = async ({ mf, pid }) => {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const before = cpuSeconds(pid);
      const response = await dispatch(mf, page());
      if (response.status !== 200) throw new Error(`product page: ${response.status}`);
      return (cpuSeconds(pid) - before) * 1000;
    };
    const samples = Object.fromEntries(subjects.map((s) => [s.name, { warm: [], after: [], extra: [] }]));
    for (let round = 0; round < rounds; round++) {
      for (const { name, instance } of round % 2 ? [...instances].reverse() : instances) {
        const warm = await requestCpuMs(instance);
        await instance.startNeighbourIsolate();
        const after = await requestCpuMs(instance);
        samples[name].warm.push(warm);
        samples[name].after.push(after);
        samples[name].extra.push(after - warm);
      }
    }
    return samples;
  } finally {
    for (const { instance } of instances) await instance.dispose();
  }
}

export function printNeighbour(samples) {
  const rows = [["worker", "warm request, CPU ms (min–median–max)", "the request after an isolate starts beside it", "extra CPU ms (median of rounds)"]];
  for (const [name, { warm, after, extra }] of Object.entries(samples)) {
    rows.push([name, spread(warm, 2), spread(after, 2), median(extra).toFixed(2)]);
  }
  table(rows);
  const rust = samples.mobile;
  const js = samples[JS_REPLICA];
  if (rust && js) {
    console.log(`mobile over ${JS_REPLICA}: warm request ${(median(rust.warm) / median(js.warm)).toFixed(2)}×, the request after an isolate starts beside it ${(median(rust.after) / median(js.after)).toFixed(2)}×`);
  }
}
