import type { Worker } from "node:cluster";
import { CoordinationError } from "../coordination/coordinator.js";
import type { ServiceHost } from "../coordination/service-host.js";
import type { Logger } from "../observability/logger.js";
import type { CoordinationReply, CoordinationRequest } from "./coordination-messages.js";

/**
 * The primary's side of the coordination channel: it answers workers' calls from the services it hosts and
 * relays events to every worker.
 */
export class PrimaryCoordination {
  constructor(
    private readonly host: ServiceHost,
    private readonly workers: () => Iterable<Worker>,
    private readonly logger: Logger,
  ) {}

  receive(worker: Worker, message: CoordinationRequest): void {
    if (message.type === "coord-publish") {
      this.publish(message.topic, message.payload);
      return;
    }
    const { id, service, payload } = message;
    this.host.handle(service, payload).then(
      (value) => reply(worker, { type: "coord-answer", id, ok: true, value }),
      (error: unknown) => {
        const failure =
          error instanceof CoordinationError ? error : new CoordinationError(String(error), "service_failed");
        if (failure.reason === "service_failed")
          this.logger.error({ service, err: failure }, `shared service '${service}' failed a call`);
        reply(worker, {
          type: "coord-answer",
          id,
          ok: false,
          message: failure.message,
          reason: failure.reason,
        });
      },
    );
  }

  /** Sends an event to every worker (services in the primary publish through this too). */
  publish(topic: string, payload: unknown): void {
    for (const worker of this.workers()) reply(worker, { type: "coord-event", topic, payload });
  }
}

function reply(worker: Worker, message: CoordinationReply): void {
  // A worker that died between its call and the answer has nobody left to hear it.
  if (worker.isConnected()) worker.send(message);
}
