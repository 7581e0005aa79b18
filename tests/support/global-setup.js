// Starts one mock-origin server for the whole run and hands its URL to every test file.
import { startMockOrigins } from "./mock-origins.js";

export default async function setup({ provide }) {
  const mocks = await startMockOrigins();
  provide("mocksUrl", mocks.url);
  return async () => mocks.stop();
}
