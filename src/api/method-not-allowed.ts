import type { FastifyInstance, HTTPMethods } from "fastify";
import { GatewayError } from "../canonical/index.js";

const METHODS: HTTPMethods[] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/**
 * Answers 405 (with `Allow`) for the methods a path does not serve, instead of a misleading 404: the path
 * exists, the method is wrong.
 */
export function refuseOtherMethods(app: FastifyInstance, url: string, allowed: HTTPMethods[]): void {
  const others = METHODS.filter((method) => !allowed.includes(method));
  const allow = allowed.join(", ");
  app.route({
    method: others,
    url,
    schema: { hide: true },
    handler: async (_request, reply) => {
      reply.header("allow", allow);
      throw new GatewayError("method_not_allowed", `Method Not Allowed: this path accepts ${allow}.`);
    },
  });
}
