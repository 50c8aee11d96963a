/**
 * How a worker reaches state that must be one for the whole gateway (limits, breaker state, stored responses):
 * one owner holds it, every worker asks the owner. In a cluster the owner is the primary process and calls
 * cross the IPC channel; a gateway running in one process (tests, embedding) is its own owner.
 */
export interface Coordinator {
  /**
   * Asks the owner's service `service` and resolves with its answer. Rejects with a `CoordinationError` when
   * the service throws, is not hosted, or does not answer within `timeoutMs` (default 5 s).
   */
  call(service: string, payload: unknown, options?: { timeoutMs?: number }): Promise<unknown>;
  /** Delivers an event to every process of this gateway, this one included (e.g. "key revoked"). */
  publish(topic: string, payload: unknown): void;
  /** Listens to a topic; returns the function that stops listening. */
  subscribe(topic: string, listener: (payload: unknown) => void): () => void;
}

/** A service's answer to one call. Payloads and answers must survive JSON (they cross the IPC channel). */
export type ServiceHandler = (payload: unknown) => unknown;

/** A piece of shared state the owner holds, reachable by name. */
export interface OwnedService {
  readonly name: string;
  handle: ServiceHandler;
  /** Called once the owner's config changes (a reload), with the new config. */
  applyConfig?(config: unknown): void;
  close?(): Promise<void> | void;
}

export const DEFAULT_CALL_TIMEOUT_MS = 5000;

/** A call that did not get an answer: the service failed, is missing, or the owner is too slow or gone. */
export class CoordinationError extends Error {
  constructor(
    message: string,
    readonly reason: "service_failed" | "unknown_service" | "timeout" | "owner_gone",
  ) {
    super(message);
    this.name = "CoordinationError";
  }
}
