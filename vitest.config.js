import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.js"],
    globalSetup: ["tests/support/global-setup.js"],
    // A panic or trap in any Worker's runtime output fails the test it happened in.
    setupFiles: ["tests/support/runtime-faults.js"],
    // One mock-origin server holds global state (counters, faults): files run one at a time.
    fileParallelism: false,
    testTimeout: 30_000,
    // The Workers' one-line-per-request logs are for operators, not for test output.
    onConsoleLog: (log) => !log.startsWith('{"request_id"'),
    hookTimeout: 60_000,
  },
});
