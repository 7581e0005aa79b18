// Fails the test during which any Worker's runtime output said it panicked or trapped: with
// `panic = "abort"` one panic aborts the isolate and every request on it, so a panic is a
// failure even when the answer that caused it looked designed.
import { afterAll, afterEach } from "vitest";
import { takeRuntimeFaults } from "./workers.js";

async function check() {
  // Runtime output arrives through pipes: let the lines already written be read.
  await new Promise((resolve) => setTimeout(resolve, 20));
  const faults = takeRuntimeFaults();
  if (faults.length > 0) {
    throw new Error(`the Worker runtime logged ${faults.length} fault(s):\n${faults.slice(0, 10).join("\n")}`);
  }
}

afterEach(check);
afterAll(check);
