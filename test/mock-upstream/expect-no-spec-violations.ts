import type { MockUpstream } from "./mock-upstream.js";

/** Fails the test when the gateway sent the mock any request that breaks the provider's spec; the message
 * lists each offending request with its errors. Call it in afterEach, or at the end of a test. */
export function expectNoSpecViolations(mock: Pick<MockUpstream, "specViolations">): void {
  if (mock.specViolations.length === 0) return;
  const lines = mock.specViolations.map(
    ({ request, errors }) =>
      `${request.method} ${request.path}\n  body: ${request.rawBody.slice(0, 500)}\n${errors.map((error) => `  - ${error}`).join("\n")}`,
  );
  throw new Error(
    `The mock upstream received ${lines.length} request(s) that violate the spec:\n${lines.join("\n")}`,
  );
}
