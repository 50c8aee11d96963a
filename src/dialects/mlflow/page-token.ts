import { GatewayError } from "../../canonical/index.js";

/**
 * Route-list page tokens, as MLflow writes them: base64 of `{"index": N}`, N being where the next page starts.
 * Opaque to clients; a token that does not decode is the client's mistake: 400, as MLflow means it (an
 * INVALID_PARAMETER_VALUE MlflowException; its gateway answers 500 only because no handler maps it).
 */
export function encodePageToken(index: number): string {
  return Buffer.from(JSON.stringify({ index })).toString("base64");
}

export function decodePageToken(token: string): number {
  let index: unknown;
  try {
    index = (JSON.parse(Buffer.from(token, "base64").toString("utf8")) as { index?: unknown }).index;
  } catch {
    index = undefined;
  }
  if (typeof index !== "number" || !Number.isInteger(index) || index < 0) {
    throw new GatewayError(
      "invalid_parameter",
      `Invalid page_token '${token}': use the next_page_token of a previous page.`,
      {
        param: "page_token",
      },
    );
  }
  return index;
}
