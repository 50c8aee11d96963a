import { GatewayError } from "../canonical/index.js";

/**
 * An OpenAI-shaped request body whose decoding into the canonical model waits until an attempt needs it: an
 * attempt that relays the body to a same-dialect upstream never does (the upstream validates it, in the same
 * dialect), which keeps schema validation off the fast path.
 */
export class DeferredRequest<Decoded> {
  private decoded: Decoded | undefined;

  constructor(
    readonly body: Record<string, unknown>,
    private readonly decode: (body: Record<string, unknown>) => Decoded,
  ) {}

  /** The canonical request; a body that does not decode throws the dialect's validation error. */
  get canonical(): Decoded {
    this.decoded ??= this.decode(this.body);
    return this.decoded;
  }

  get streaming(): boolean {
    return this.body.stream === true;
  }

  /** `stream_options.include_usage`, read without decoding. */
  get includeUsage(): boolean {
    const options = this.body.stream_options;
    return (
      typeof options === "object" &&
      options !== null &&
      (options as Record<string, unknown>).include_usage === true
    );
  }
}

/** The body as a JSON object, or the dialect's error for anything else. */
export function jsonObjectBody(body: unknown): Record<string, unknown> {
  if (typeof body === "object" && body !== null && !Array.isArray(body))
    return body as Record<string, unknown>;
  throw new GatewayError("invalid_body", "The request body must be a JSON object.");
}
